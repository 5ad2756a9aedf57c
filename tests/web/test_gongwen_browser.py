"""The 公文 page in chromium: a secretary pastes a messy draft, fills the elements, watches the preview,
downloads the .docx (which passes the check), saves the draft; a Word draft checked with its findings on the pages."""
from __future__ import annotations

import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from services import drafts, gongwen
from services.ledgers import open_ledger
from webtools import ROOT

SAMPLE = ROOT / "samples/notices/002_南庄镇_重大事故隐患专项排查整治.md"
WORD_DRAFT = ROOT / "samples/word_drafts/draft_fagai.docx"


def wechat_paste(body: str) -> str:
    """The sample's body as it arrives from WeChat: indents, half-width punctuation, blank lines, full-width digits."""
    lines = []
    for line in body.strip().splitlines():
        messy = line.replace("，", ",").replace("：", ":").replace("。", ".").translate(str.maketrans("0123", "０１２３"))
        lines += ["\u3000\u3000" + messy, ""]
    return "\n".join(lines)


def console_errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def preview_ready(browser) -> bool:
    return browser.execute_script(
        "var imgs = document.querySelectorAll('#gw-preview img.gw-page');"
        "return imgs.length > 0 && Array.from(imgs).every(function (i) { return i.complete && i.naturalWidth > 0; });")


def test_secretary_writes_a_notice(live_server, browser, visit, tmp_path):
    base, settings = live_server
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    imported = drafts.import_draft(SAMPLE.read_text(encoding="utf-8")).form

    visit(base + "/gongwen", "1-empty")
    assert browser.find_element(By.TAG_NAME, "h1").text == "公文"
    WebDriverWait(browser, 60).until(ec.text_to_be_present_in_element((By.ID, "gw-preview"), "这里显示排版后的页面"))
    for key, value in imported.elements.items():
        field = browser.find_element(By.NAME, key)
        field.clear()
        field.send_keys(value)
    body = browser.find_element(By.ID, "f-body")
    # a paste: the whole text arrives at once, then the secretary types on
    browser.execute_script("arguments[0].value = arguments[1];", body, wechat_paste(imported.body))
    body.send_keys("\n")
    visit(None, "2-filled")
    WebDriverWait(browser, 120).until(preview_ready)
    summary = browser.find_element(By.CSS_SELECTOR, ".gw-diff summary")
    assert "正文已整理" in summary.text and "删去空行" in summary.text
    assert "未发现格式问题" in browser.find_element(By.ID, "gw-preview").text
    visit(None, "3-preview")
    summary.click()
    assert browser.find_elements(By.CSS_SELECTOR, ".gw-diff-lines ins")
    visit(None, "4-cleaning-diff")

    browser.find_element(By.LINK_TEXT, "下载 .docx").click()
    deadline = time.monotonic() + 60
    while not list(downloads.glob("*.docx")) and time.monotonic() < deadline:
        time.sleep(0.2)
    got = list(downloads.glob("*.docx"))
    assert [p.name for p in got] == [" ".join(imported.title.split()) + ".docx"]
    assert gongwen.check_document(got[0]).problems == []

    browser.find_element(By.CSS_SELECTOR, "button[form=draft-form]").click()
    WebDriverWait(browser, 30).until(ec.url_contains("draft="))
    assert "已保存" in browser.find_element(By.CSS_SELECTOR, ".flash-ok").text
    assert imported.title.split()[0] in browser.find_element(By.CSS_SELECTOR, ".gw-drafts").text
    with open_ledger(settings.ledger) as handle:
        saved = drafts.load_draft(handle, drafts.list_drafts(handle).drafts[0]["id"])
    assert saved.form.body.startswith("\u3000\u3000")            # kept as pasted; cleaned on the way out
    WebDriverWait(browser, 120).until(preview_ready)
    visit(None, "5-saved")
    assert console_errors(browser) == []


def test_check_a_word_draft_and_jump_to_a_finding(live_server, browser, visit):
    base, _ = live_server
    browser.get(base + "/gongwen")
    form = browser.find_element(By.CSS_SELECTOR, "form[action='/gongwen/check']")
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(WORD_DRAFT))
    form.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, 120).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".gw-finding[data-para]")))
    WebDriverWait(browser, 30).until(lambda b: b.execute_script(
        "return Array.from(document.querySelectorAll('img.gw-page')).every(function (i) { return i.naturalWidth > 0; })"))
    visit(None, "1-report")
    finding = browser.find_elements(By.CSS_SELECTOR, ".gw-finding[data-para]")[-1]
    para, page = finding.get_attribute("data-para"), finding.get_attribute("data-page")
    finding.click()
    current = browser.find_element(By.CSS_SELECTOR, ".gw-text li.gw-current")
    assert current.get_attribute("id") == f"para-{para}"
    assert f"第{page}页" in current.text
    assert browser.find_element(By.CSS_SELECTOR, "img.gw-page.gw-current").get_attribute("id") == f"page-{page}"
    visit(None, "2-finding")
    assert console_errors(browser) == []
