"""The clerk's story in chromium: drop returns (one a scan) on 回执, wait for the batch, open 核对, see the
scanned cell, correct the flagged count with the keyboard, and find the corrected value in the statistics."""
from __future__ import annotations

import io
import urllib.request

import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from webtools import ROOT

SCAN = ROOT / "samples/returns_pdf/campaign_stats-scan.jpg"       # 重大隐患整改 2 > 排查 1, read by OCR
FILES = [SCAN, *(ROOT / "samples/returns/北石店镇" / n for n in (
    "大排查大整治行动统计表.xlsx", "摸底登记表-晋城市城区宏达建材有限公司.docx", "督导检查表-晋城市城区宏达建材有限公司.xlsx",
    "重大隐患统计表.docx")), ROOT / "samples/returns/钟家庄街道/摸底登记表-晋城市城区鑫源机械加工厂.xlsx",
    ROOT / "samples/returns/西上庄街道/自查表-晋城市城区兴盛化工有限公司.docx"]


def console_errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_drop_returns_review_the_scan_and_get_the_statistics(live_server, browser, visit):
    base, settings = live_server
    visit(base + "/returns", "1-returns")
    assert browser.find_element(By.TAG_NAME, "h1").text == "回执"
    # the file picker of the drop zone: seven files go up in two requests (five files per request here)
    browser.find_element(By.ID, "pick-files").send_keys("\n".join(map(str, FILES)))
    WebDriverWait(browser, 60).until(ec.url_matches(r"/returns/\d+$"))
    visit(None, "2-batch-running")
    WebDriverWait(browser, 400).until(ec.text_to_be_present_in_element((By.ID, "batch-status"), "已完成"))
    status = browser.find_element(By.ID, "batch-status").text
    assert f"已处理 {len(FILES)} / {len(FILES)} 个文件" in status and SCAN.name in status
    assert "镇（街道）、部门大排查大整治行动统计表" in status and "处待核对" in status
    visit(None, "3-batch-done")
    assert browser.find_element(By.LINK_TEXT, "下载汇总表（Excel）")

    # 核对: the scan's flagged count, chosen from the queue
    browser.get(base + "/review")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.queue tbody tr")
    row = next(r for r in rows if SCAN.name in r.text and "整改数多于排查数" in r.text)
    row.find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "img.cell-image")))
    image = browser.find_element(By.CSS_SELECTOR, "img.cell-image")
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
    assert image.get_attribute("naturalWidth") not in ("0", None)
    assert browser.find_element(By.ID, "current-value").text == "2"
    assert browser.switch_to.active_element == browser.find_element(By.ID, "value")      # ready to type
    visit(None, "4-review-scan-cell")

    # typing corrects, Enter saves
    browser.switch_to.active_element.send_keys("1", Keys.ENTER)
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash-ok"), "已更正：2 → 1"))
    visit(None, "5-corrected")
    # Tab skips to the next flagged field
    at = browser.find_element(By.NAME, "at").get_attribute("value")
    browser.switch_to.active_element.send_keys(Keys.TAB)
    WebDriverWait(browser, 30).until(ec.url_contains(f"/review?at={int(at) + 1}"))
    visit(None, "6-skipped")
    assert console_errors(browser) == []

    # the statistics workbook has the corrected value
    with urllib.request.urlopen(base + "/review/statistics") as answer:
        wb = openpyxl.load_workbook(io.BytesIO(answer.read()), read_only=True)
    [row] = [r for r in wb.worksheets[0].iter_rows(values_only=True) if r[0] == "西上庄街道"]
    assert row[5] == 1                                     # 重大隐患 整改, as corrected from 2
