"""The workbench in a real browser (chromium): Chinese text, no CSP violations, upload → job → done."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from webtools import ROOT

DOCX = ROOT / "samples/returns/北石店镇/督导检查表-晋城市城区宏达建材有限公司.docx"


def console_errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_home_page_in_chromium(live_server, browser, visit):
    base, _ = live_server
    shot = visit(base + "/", "home")
    assert browser.title == "工作台首页 · 排查工作台"
    assert browser.find_element(By.TAG_NAME, "h1").text == "工作台首页"
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".topbar nav > *")] == \
        ["公文", "回执", "核对", "台账", "指令书", "报表"]
    tiles = browser.find_elements(By.CSS_SELECTOR, ".tile .label")
    assert "未销号隐患" in [t.text for t in tiles]
    # the stylesheet applied (the red rule under the top bar), htmx loaded, nothing blocked by the CSP
    bar = browser.find_element(By.CSS_SELECTOR, ".topbar")
    assert bar.value_of_css_property("border-bottom-color") == "rgba(155, 28, 28, 1)"
    assert browser.execute_script("return typeof htmx !== 'undefined' && htmx.version")[:2] == "2."
    assert console_errors(browser) == []
    assert shot.stat().st_size > 10_000


def test_upload_parse_and_watch_the_job(live_server, browser, visit):
    base, _ = live_server
    browser.get(base + "/")
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(DOCX))
    browser.find_element(By.CSS_SELECTOR, "form[action='/files/upload'] button").click()
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h2"), "已保存 1 个文件"))
    assert DOCX.name in browser.find_element(By.CSS_SELECTOR, "ul.files").text
    visit(None, "uploaded")
    browser.find_element(By.CSS_SELECTOR, "form[action='/jobs/parse'] button").click()
    WebDriverWait(browser, 30).until(ec.url_contains("/jobs/"))
    # htmx polls the status fragment (with the CSRF header config, under the CSP) until the runner is done
    WebDriverWait(browser, 120).until(ec.text_to_be_present_in_element((By.ID, "job-status"), "已完成"))
    status = browser.find_element(By.ID, "job-status").text
    assert "已处理 1 / 1 个文件" in status and "已解析" in status and DOCX.name in status
    visit(None, "job-done")
    assert console_errors(browser) == []
