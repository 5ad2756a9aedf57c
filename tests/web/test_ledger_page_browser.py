"""The inspector's story in chromium: 台账 filtered by 镇街 → a hazard's history → 指令书 for an enterprise
(inspectors, 证号, deadline) → preview → the print file downloaded → 复查 from the 台账 buttons with the
复查意见书 download → 报表 gives the workbook of a period. Screenshots in out/screens/."""
from __future__ import annotations

import time
from pathlib import Path

from docx import Document
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)

ENTERPRISE = "晋城市城区兴盛化工有限公司"
TOWN = "西上庄街道"


def console_errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def downloaded(folder: Path, prefix: str, wait: float = 60) -> Path:
    """The file a click saved into `folder` once complete (Chrome writes .crdownload first)."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        done = [p for p in folder.glob(f"{prefix}*") if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"{prefix}… 未下载到 {folder}：{[p.name for p in folder.iterdir()]}")


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def set_date(browser, element, iso: str) -> None:
    browser.execute_script("arguments[0].value = arguments[1]", element, iso)


def preview_loaded(browser) -> bool:
    images = browser.find_elements(By.CSS_SELECTOR, ".doc-preview img")
    return bool(images) and all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i)
                                for i in images)


def test_inspector_story(filled, live_server, browser, visit, tmp_path):
    base, _ = live_server
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    wait = WebDriverWait(browser, 90, ignored_exceptions=(StaleElementReferenceException,))   # htmx swaps parts

    # 台账, filtered by 镇街
    visit(f"{base}/ledger", "ledger")
    assert "共 14 项隐患" in browser.page_source
    Select(browser.find_element(By.NAME, "town")).select_by_visible_text(TOWN)
    browser.find_element(By.CSS_SELECTOR, "#ledger-filters button[type=submit]").click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "p.count"), "共 3 项隐患"))
    visit(None, "ledger-town")
    wait.until(lambda b: {r.text for r in b.find_elements(By.CSS_SELECTOR, "#hazard-list tbody tr td:nth-child(3)")}
               == {TOWN})

    # a hazard's history
    link = browser.find_element(By.CSS_SELECTOR, "#hazard-list tbody tr td:nth-child(4) a")
    description = link.text
    link.click()
    wait.until(ec.presence_of_element_located((By.ID, "history")))
    assert description in browser.page_source and "发现登记" in browser.find_element(By.ID, "history").text
    hazard_url = browser.current_url
    visit(None, "hazard")

    # 指令书 for the enterprise: inspectors, 证号, one deadline for all
    visit(f"{base}/orders", "orders")
    for n, (name, cert) in enumerate((("张三", "14050001"), ("李四", "14050002")), 1):
        browser.find_element(By.ID, f"officer-name-{n}").send_keys(name)
        browser.find_element(By.ID, f"officer-cert-{n}").send_keys(cert)
    set_date(browser, browser.find_element(By.ID, "deadline-all"), "2099-01-31")
    group = browser.find_element(By.XPATH, f"//tbody[@class='enterprise'][.//th[contains(., '{ENTERPRISE}')]]")
    group.find_element(By.CSS_SELECTOR, ".pick-all").click()
    ticked = group.find_elements(By.CSS_SELECTOR, "input[name=hazard]:checked")
    assert len(ticked) == 3          # orders.js ticked the enterprise's hazards
    visit(None, "orders-filled")
    browser.find_element(By.ID, "issue-button").click()
    wait.until(ec.url_contains("/orders/done"))
    assert f"已出具：（城区）应急责改" in browser.page_source and ENTERPRISE in browser.page_source
    wait.until(preview_loaded)
    visit(None, "orders-done")
    browser.find_element(By.PARTIAL_LINK_TEXT, "指令书合并打印").click()
    merged = docx_text(downloaded(downloads, "指令书合并打印"))
    assert ENTERPRISE in merged and "14050001" in merged and "14050002" in merged and "2099年1月31日" in merged

    # 复查 through the 台账 buttons: every item passed → the 复查意见书 download
    browser.get(hazard_url)
    for radio in browser.find_elements(By.CSS_SELECTOR, "#recheck-form input[value=passed]"):
        radio.click()
    visit(None, "recheck-form")
    browser.find_element(By.CSS_SELECTOR, "#recheck-form button[type=submit]").click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "已记录复查"))
    visit(None, "rechecked")
    browser.find_element(By.PARTIAL_LINK_TEXT, "整改复查意见书").click()
    opinion = docx_text(downloaded(downloads, "（城区）应急复查"))
    assert "整改复查意见书" in opinion and ENTERPRISE in opinion and "已整改" in opinion
    assert "复查通过" in browser.page_source and "销号" in browser.page_source

    # 报表: the workbook of a period
    visit(f"{base}/reports", "reports")
    browser.find_element(By.ID, "workbook-period").send_keys("2023-03")
    browser.find_element(By.ID, "workbook-button").click()
    wait.until(ec.url_contains("/reports/workbook"))
    assert "隐患台账（2023年3月，共14项）" in browser.page_source
    visit(None, "workbook")
    browser.find_element(By.PARTIAL_LINK_TEXT, "统计表（2023年3月）").click()
    assert downloaded(downloads, "统计表").suffix == ".xlsx"
    assert console_errors(browser) == []


def test_reminder_and_summary_previews(filled, live_server, browser, visit):
    base, _ = live_server
    wait = WebDriverWait(browser, 90)
    visit(f"{base}/reports", "reports")
    remind = browser.find_element(By.CSS_SELECTOR, "form[action='/reports/remind']")
    remind.find_element(By.NAME, "period").send_keys("2023-03")
    remind.find_element(By.NAME, "roster").send_keys(str(Path(__file__).resolve().parents[2] / "samples" / "roster.csv"))
    remind.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.ID, "missing")))
    assert "南街街道办事处" in browser.find_element(By.ID, "missing").text
    wait.until(preview_loaded)
    visit(None, "remind")
    browser.get(f"{base}/reports")
    summary = browser.find_element(By.CSS_SELECTOR, "form[action='/reports/summary']")
    summary.find_element(By.NAME, "period").send_keys("2023-03")
    summary.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(ec.url_contains("/reports/done"))
    wait.until(preview_loaded)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".doc-preview img")) >= 1
    visit(None, "summary")
    assert console_errors(browser) == []
