"""直报 and the 企业 role (issue 12): a town's returns are attributed to the town whatever the form says
(unit_mismatch in the review queue), 报送情况 of the roster's units per period with the 催报 list, the roster
page, an enterprise's rectification reported with evidence (audit-logged with the change), and the whole
story in chromium: two towns, the district and an enterprise."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from ledger import audit
from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)
from schema.errors import PaichaError
from services import hazards, jobs, review, roster
from services import accounts
from services.accounts import Principal
from services.ledgers import open_ledger
from units import FIRM_A, FIRM_B, PASSWORD, TOWN_A, TOWN_B, USERS, add_users, client_of, csrf, hazard_of
from web.app import create_app
from webtools import ROOT

RETURNS = ROOT / "samples" / "returns"
CLERK_A = Principal("北石店文书", "unit", "北石店镇", 1)        # the account's unit as the office names it


def parse_as(ledger, files: list[Path], who: Principal) -> jobs.Job:
    """A batch submitted by `who` and run here (no job runner in these tests)."""
    job = jobs.submit_parse_job(ledger, [(f"f{i}", f.name, f) for i, f in enumerate(files)], scope=who)
    jobs.run_pending(ledger)
    return jobs.job_status(ledger, job.id, scope=who)


# --- 直报: attribution -----------------------------------------------------------------------------

def test_a_towns_upload_is_its_return_whatever_the_form_says(tmp_path):
    own = RETURNS / "北石店镇" / "大排查大整治行动统计表.xlsx"                 # says 北石店镇人民政府
    other = RETURNS / "南庄镇" / "督导检查表-晋城市城区南庄煤炭物流有限公司.docx"  # says 南庄镇人民政府
    with open_ledger(tmp_path / "ledger.db") as ledger:
        job = parse_as(ledger, [own, other], CLERK_A)
        assert job.state == "done" and job.owner_unit == "北石店镇" and [f.outcome for f in job.files] == ["records"] * 2
        units = {r[0] for r in ledger.con.execute("SELECT DISTINCT reporting_unit FROM records")}
        assert units == {"北石店镇"}
        assert {r[0] for r in ledger.con.execute("SELECT DISTINCT reporting_unit FROM hazards")} == {"北石店镇"}
        flagged = review.flagged_fields(ledger, code="unit_mismatch", scope=CLERK_A).fields
        # 北石店镇人民政府 is 北石店镇 by its short name: only the other town's form is flagged
        assert len(flagged) == 1 and flagged[0]["path"] == "header.reporting_unit"
        assert "南庄镇人民政府" in flagged[0]["message"] and "北石店镇" in flagged[0]["message"]
        assert review.CODE_LABELS["unit_mismatch"] == "填报单位不符"
        # the clerk confirms it from the queue; the audit log keeps who and what
        review.accept_field(ledger, flagged[0]["record_id"], flagged[0]["path"], "北石店文书", "电话确认", scope=CLERK_A)
        assert not review.flagged_fields(ledger, code="unit_mismatch").fields
        row = audit.entries(ledger.con, action="field_accepted")[0]
        assert row["actor"] == "北石店文书" and row["after"]["reason"] == "电话确认"
        upload = audit.entries(ledger.con, action="upload")[0]
        assert upload["object_id"] == str(job.id) and upload["after"]["unit"] == "北石店镇"


def test_the_district_and_the_local_mode_keep_the_forms_unit(tmp_path):
    other = RETURNS / "南庄镇" / "督导检查表-晋城市城区南庄煤炭物流有限公司.docx"
    with open_ledger(tmp_path / "ledger.db") as ledger:
        parse_as(ledger, [other], Principal("区应急局", "district", "", 2))
        assert {r[0] for r in ledger.con.execute("SELECT reporting_unit FROM records")} == {"南庄镇人民政府"}
        assert not review.flagged_fields(ledger, code="unit_mismatch").fields


def test_an_enterprises_self_check_is_its_own(tmp_path):
    form = RETURNS / "西上庄街道" / "自查表-晋城市城区兴盛化工有限公司.docx"
    firm = Principal("兴盛安全员", "enterprise", "晋城市城区兴盛化工有限公司", 3)
    with open_ledger(tmp_path / "ledger.db") as ledger:
        job = parse_as(ledger, [form], firm)
        assert job.files[0].outcome == "records"
        assert {r[0] for r in ledger.con.execute("SELECT reporting_unit FROM records")} == {firm.unit}
        assert jobs.list_jobs(ledger, scope=firm)[0].id == job.id
        assert jobs.list_jobs(ledger, scope=CLERK_A) == []
        with pytest.raises(PaichaError):
            jobs.job_status(ledger, job.id, scope=CLERK_A)


# --- 报送情况 and the roster --------------------------------------------------------------------------

def test_submission_status_per_roster_unit_and_period(settings, filled):  # noqa: F811
    with open_ledger(settings.ledger) as ledger:
        for name in ("北石店镇", "南庄镇", "西上庄街道"):
            roster.add_entry(ledger, name, "unit", "张三", "0356-1234567", actor="区管理员")
        roster.add_entry(ledger, FIRM_A, "enterprise", actor="区管理员")
        with pytest.raises(roster.RosterError, match="已有"):
            roster.add_entry(ledger, "南庄镇", "unit")
        with pytest.raises(roster.RosterError, match="单位名称"):
            roster.add_entry(ledger, "  ", "unit")
        table = roster.submission_status(ledger, ["2023-03", "2023-04"], today=dt.date(2023, 4, 10))
        got = {r["unit"]: r["cells"] for r in table.rows}
        # campaign statistics of 2023-03 came in from 北石店镇 and 西上庄街道; nothing yet in April
        assert got == {"北石店镇": ["reported", "missing"], "南庄镇": ["overdue", "missing"],
                       "西上庄街道": ["reported", "missing"]}
        assert table.remind == ["北石店镇", "南庄镇", "西上庄街道"]
        assert roster.submission_status(ledger, ["2023-03"], today=dt.date(2023, 5, 1)).remind == ["南庄镇"]
        mine = roster.submission_status(ledger, ["2023-03"], scope=Principal("x", "unit", "南庄镇"))
        assert [r["unit"] for r in mine.rows] == ["南庄镇"]
        assert {"南庄镇", "西上庄街道"} <= set(accounts.known_units(ledger))      # choices for an account's unit
        roster.remove_entry(ledger, "西上庄街道", actor="区管理员")
        assert [e["name"] for e in roster.list_roster(ledger, "unit")] == ["北石店镇", "南庄镇"]
        logged = audit.entries(ledger.con, object_type="roster")
        assert [e["action"] for e in logged][:2] == ["roster_remove", "roster_add"]
        assert logged[0]["before"]["contact"] == "张三" and logged[0]["after"] is None


def test_recent_months():
    assert roster.recent_months(dt.date(2024, 2, 10)) == ["2023-12", "2024-01", "2024-02"]


def test_roster_page_and_status_page_over_http(settings, filled, cheap_hashing):  # noqa: F811
    add_users(settings)
    app = create_app(settings, run_jobs=False)
    with client_of(app, "admin") as admin, client_of(app, "clerk_b") as clerk:
        token = csrf(admin)
        assert admin.post("/admin/roster/add", data={"name": "南庄镇", "kind": "unit"}).status_code == 403
        done = admin.post("/admin/roster/add", data={"csrf_token": token, "name": TOWN_B, "kind": "unit",
                                                     "contact": "<b>王五</b>"})
        assert done.status_code == 200 and f"已加入名册：{TOWN_B}（填报单位）" in done.text
        assert "&lt;b&gt;王五&lt;/b&gt;" in done.text and "<b>王五</b>" not in done.text
        again = admin.post("/admin/roster/add", data={"csrf_token": token, "name": TOWN_B, "kind": "unit"})
        assert f"名册中已有“{TOWN_B}”" in again.text
        bad = admin.post("/admin/roster/add", data={"csrf_token": token, "name": "某镇", "kind": "village"})
        assert "请选择类别" in bad.text
        admin.post("/admin/roster/add", data={"csrf_token": token, "name": TOWN_A, "kind": "unit"})
        assert "名册中没有“无此单位”" in admin.post("/admin/roster/remove",
                                                  data={"csrf_token": token, "name": "无此单位"}).text
        # the district's view: every unit; the clerk's: its own row
        page = admin.get("/reports/status?period=2023-03")
        assert page.status_code == 200 and "2023年3月" in page.text
        assert TOWN_A in page.text and f"催报名单（2023年3月未报）：{TOWN_B}。" in page.text
        fragment = admin.get("/reports/status", headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.text and 'id="submission"' in fragment.text
        assert admin.get("/reports/status?period=2023-13").status_code == 400
        assert clerk.get("/admin/roster").status_code == 403
        assert clerk.post("/admin/roster/remove", data={"csrf_token": csrf(clerk), "name": TOWN_B}).status_code == 403
        mine = clerk.get("/reports/status?period=2023-03").text
        assert TOWN_B in mine and "逾期" in mine and TOWN_A not in mine and "催报名单" not in mine


# --- 企业: rectification with evidence -------------------------------------------------------------

def test_rectification_with_evidence_is_one_audited_change(settings, filled):  # noqa: F811
    firm = Principal("宏达安全员", "enterprise", FIRM_A, 5)
    with open_ledger(settings.ledger) as ledger:
        mine = hazard_of(settings, TOWN_A, FIRM_A)
        theirs = hazard_of(settings, TOWN_B, FIRM_B)
        with pytest.raises(PaichaError, match="没有编号"):
            hazards.report_rectification(ledger, theirs, "已整改", [], scope=firm)
        with pytest.raises(PaichaError, match="整改情况说明"):
            hazards.report_rectification(ledger, mine, "  ", [], scope=firm)
        done = hazards.report_rectification(ledger, mine, "已更换灭火器并张贴标识", [("a" * 32, "现场.jpg")], scope=firm)
        assert done.files == 1
        detail = hazards.hazard_detail(ledger, mine, scope=firm)
        assert detail.hazard["status"] == "rectified"
        assert [(e["kind"], e["text"] or e["file_name"]) for e in detail.evidence] == [
            ("text", "已更换灭火器并张贴标识"), ("file", "现场.jpg")]
        assert detail.events[-1]["action"] == "rectified" and detail.events[-1]["actor"] == "宏达安全员"
        rows = audit.entries(ledger.con, object_type="hazard", object_id=str(mine))
        assert [r["action"] for r in rows] == ["hazard_evidence", "hazard_rectified"]
        assert rows[1]["before"] == {"status": "open"} and rows[1]["after"] == {"status": "rectified"}
        # reported twice: refused, and nothing half stored (no evidence row, no audit row)
        with pytest.raises(PaichaError, match="不能再标记整改完成"):
            hazards.report_rectification(ledger, mine, "再报一次", [("b" * 32, "二.jpg")], scope=firm)
        assert len(hazards.hazard_detail(ledger, mine).evidence) == 2
        assert len(audit.entries(ledger.con, object_type="hazard", object_id=str(mine))) == 2
        assert ledger.con.execute("SELECT status FROM hazards WHERE id = ?", (theirs,)).fetchone()[0] == "open"


def test_office_actions_write_the_audit_log(settings, filled):  # noqa: F811
    clerk = Principal("北石店文书", "unit", TOWN_A, 3)
    with open_ledger(settings.ledger) as ledger:
        mine = hazard_of(settings, TOWN_A)
        hazards.mark_rectified(ledger, [mine], "2023-03-20", "张三", "已整改", scope=clerk)
        row = audit.entries(ledger.con, action="hazard_rectified")[0]
        assert row["actor"] == "北石店文书" and row["object_id"] == str(mine)
        with pytest.raises(PaichaError):
            hazards.mark_rectified(ledger, [hazard_of(settings, TOWN_B)], scope=clerk)
        assert len(audit.entries(ledger.con, action="hazard_rectified")) == 1
        hazards.mark_rectified(ledger, [hazard_of(settings, TOWN_B)], actor="cli")      # the CLI: no scope
        assert audit.entries(ledger.con, action="hazard_rectified")[0]["actor"] == "cli"


# --- the story in chromium ----------------------------------------------------------------------

def photo(path: Path) -> Path:
    image = Image.new("RGB", (320, 240), (230, 235, 240))
    for x in range(40, 280):
        for y in range(150, 170):
            image.putpixel((x, y), (200, 40, 40))               # a red guard rail
    image.save(path, format="JPEG")
    return path


def log_in(browser, base: str, key: str) -> None:
    browser.delete_all_cookies()
    browser.get(base + "/login")
    browser.find_element(By.ID, "login-name").send_keys(USERS[key][0])
    browser.find_element(By.ID, "login-password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda b: "/login" not in b.current_url)


def test_town_district_and_enterprise_in_chromium(live_server, browser, visit, cheap_hashing, tmp_path):
    base, settings = live_server                       # an empty ledger: what shows comes from this story
    add_users(settings)
    with open_ledger(settings.ledger) as ledger:
        for name in (TOWN_A, TOWN_B):
            roster.add_entry(ledger, name, "unit", actor="区管理员")
    # the town clerk uploads two returns and sees their outcomes
    log_in(browser, base, "clerk_a")
    visit(base + "/returns", "1-clerk-returns")
    files = [RETURNS / "北石店镇" / "大排查大整治行动统计表.xlsx", RETURNS / "北石店镇" / f"督导检查表-{FIRM_A}.docx"]
    browser.find_element(By.ID, "pick-files").send_keys("\n".join(map(str, files)))
    WebDriverWait(browser, 60).until(ec.url_matches(r"/returns/\d+$"))
    WebDriverWait(browser, 300).until(ec.text_to_be_present_in_element((By.ID, "batch-status"), "已完成"))
    status = browser.find_element(By.ID, "batch-status").text
    assert "已处理 2 / 2 个文件" in status and status.count("已解析") >= 2
    visit(None, "2-clerk-batch-done")
    browser.get(base + "/ledger")
    assert FIRM_A in browser.page_source
    visit(None, "3-clerk-ledger")

    # the district: 北石店 已报 for 2023年3月, 南庄 not
    log_in(browser, base, "district")
    visit(base + "/reports/status?period=2023-03", "4-district-status")
    cells = {row.find_element(By.TAG_NAME, "td").text: row.text
             for row in browser.find_elements(By.CSS_SELECTOR, "#submission-table tbody tr")}
    assert "已报" in cells[TOWN_A] and "逾期" in cells[TOWN_B]
    assert TOWN_B in browser.find_element(By.ID, "remind-list").text
    browser.get(base + "/reports")
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "submission-table")))
    visit(None, "5-district-reports")

    # the enterprise reports a rectification with a photo
    hazard = hazard_of(settings, TOWN_A, FIRM_A)
    log_in(browser, base, "firm_a")
    visit(base + "/orders", "6-firm-orders")
    assert "本企业的指令书与隐患" in browser.page_source and FIRM_B not in browser.page_source
    browser.get(f"{base}/ledger/hazards/{hazard}")
    browser.find_element(By.NAME, "text").send_keys("已加装防护栏，并对员工进行了安全培训")
    browser.find_element(By.NAME, "photo").send_keys(str(photo(tmp_path / "整改后照片.jpg")))
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "report-form"))
    visit(None, "7-firm-report-form")
    browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash-ok"), "已提交整改情况"))
    assert "已报告整改，等待复查" in browser.page_source
    visit(None, "8-firm-reported")

    # the district sees the photo on the hazard page before the 复查
    log_in(browser, base, "district")
    browser.get(f"{base}/ledger/hazards/{hazard}")
    image = browser.find_element(By.CSS_SELECTOR, "#evidence img")
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
    assert image.get_attribute("naturalWidth") == "320"
    assert "已加装防护栏" in browser.find_element(By.ID, "evidence").text
    assert "已整改待复查" in browser.page_source
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "evidence"))
    visit(None, "9-district-sees-evidence")
