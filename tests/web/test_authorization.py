"""Nobody sees what they should not (issue 12): tests generated over the application's route table.

Two towns (A and B), their enterprises and the district on the sample ledger. Unit B owns a batch of
returns, an uploaded file, records, hazards, an order and an enterprise's rectification photo. For every
route with an id in its path, A's clerk and A's enterprise ask for B's object: 403 or 404, never B's data.
Hidden form fields pointing at B are refused and change nothing. Every route but the login page and the
health check sends an anonymous request to the login page; every POST route refuses a request without
its CSRF token. A download link of B's, replayed with A's session, is refused.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from PIL import Image

from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)
from services import jobs, orders
from services.ledgers import open_ledger
from units import (FIRM_A, FIRM_B, TOWN_A, TOWN_B, add_users, client_of, csrf, hazard_of, record_of,
                   upload)
from web.app import create_app
from webtools import sample

PUBLIC = {"/login", "/healthz"}
QUERIES = {"/review/cell/{record_id}.png": "?path=header.reporting_unit"}    # required query parameters


def photo(path: Path, colour=(40, 120, 60)) -> Path:
    Image.new("RGB", (64, 48), colour).save(path, format="PNG")
    return path


@pytest.fixture
def world(settings, filled, cheap_hashing, tmp_path):  # noqa: F811
    """The app, a logged-in client per account and unit B's objects (ids), with B's markers (text that
    only B's objects show)."""
    principals = add_users(settings)
    app = create_app(settings, run_jobs=False)
    clients = {key: client_of(app, key) for key in principals}
    b = {"hazard_id": hazard_of(settings, TOWN_B, FIRM_B), "record_id": record_of(settings, TOWN_B)}
    # B's clerk uploads a return and parses it as a batch (run here: the tests have no job runner)
    clerk_b = clients["clerk_b"]
    stored = upload(clerk_b, sample("督导检查表-晋城市城区南庄煤炭物流有限公司.docx", tmp_path))
    started = clerk_b.post("/returns/start", data={"csrf_token": csrf(clerk_b), "file_id": stored["id"]},
                           follow_redirects=False)
    assert started.status_code == 303, started.text
    b["job_id"] = int(started.headers["location"].rsplit("/", 1)[1])
    b["file_id"] = stored["id"]
    with open_ledger(settings.ledger) as ledger:
        jobs.run_pending(ledger)
        assert jobs.job_status(ledger, b["job_id"]).state == "done"
        issued = orders.issue_orders(ledger, tmp_path / "orders", hazard_ids=[b["hazard_id"]], actor="区应急局",
                                      issued="2023-03-01")
        b["number"] = issued.orders[0].number
        description = ledger.con.execute("SELECT description FROM hazards WHERE id = ?",
                                         (b["hazard_id"],)).fetchone()[0]
    # B's enterprise reports the rectification with a photo
    firm_b = clients["firm_b"]
    shot = photo(tmp_path / "整改后-南庄.png")
    answer = firm_b.post(f"/ledger/hazards/{b['hazard_id']}/report",
                         data={"csrf_token": csrf(firm_b), "text": "已加装防护栏（南庄物流）"},
                         files={"photo": (shot.name, shot.read_bytes(), "image/png")}, follow_redirects=False)
    assert answer.status_code == 303
    with open_ledger(settings.ledger) as ledger:
        b["evidence_id"] = ledger.con.execute("SELECT file_id FROM hazard_evidence WHERE kind = 'file'"
                                              " AND hazard_id = ?", (b["hazard_id"],)).fetchone()[0]
    markers = [description, "已加装防护栏（南庄物流）", "督导检查表-晋城市城区南庄煤炭物流有限公司"]
    yield {"app": app, "clients": clients, "b": b, "markers": markers, "settings": settings}
    for c in clients.values():
        c.__exit__(None, None, None)


class Route:
    def __init__(self, path: str, methods: set[str]):
        self.path, self.methods = path, methods


def routes(app) -> list[Route]:
    """Every page route of the app (FastAPI ≥ 0.16x keeps an included router whole: walked into)."""
    def walk(table, prefix: str = ""):
        for r in table:
            if isinstance(r, APIRoute):
                yield Route(prefix + r.path, set(r.methods))
            elif hasattr(r, "original_router"):
                yield from walk(r.original_router.routes, prefix + r.include_context.prefix)
    found = list(walk(app.routes))
    assert len(found) >= 40, "路由表未能展开"
    return found


def fill(path: str, values: dict) -> str:
    """The route's path with its parameters replaced by `values` (a parameter without a value fails the
    test: a new route with a new kind of id must say whose object it names)."""
    def one(m):
        name = m[1].split(":")[0]
        assert name in values, f"{path}：路径参数 {name} 没有 B 单位的对象可用"
        return str(values[name])
    return re.sub(r"\{([^}]+)\}", one, path)


def values_of(b: dict) -> dict:
    # ids of B's objects, and harmless values for the parameters that are not ids
    return {**b, "draft_id": 1, "kind": "xlsx", "page": 1, "n": 1, "key": "0" * 32, "decision": "accept",
            "evidence_id": b["evidence_id"]}


# --- IDOR, generated over the route table --------------------------------------------------------

@pytest.mark.parametrize("who", ["clerk_a", "firm_a"])
def test_objects_of_another_unit_by_id_are_refused_on_every_route(world, who):
    c, b = world["clients"][who], world["b"]
    asked = 0
    for route in routes(world["app"]):
        if "{" not in route.path:
            continue
        url = fill(route.path, values_of(b)) + QUERIES.get(route.path, "")
        if route.path == "/files/{file_id}":
            urls = [url, f"/files/{b['evidence_id']}"]
        else:
            urls = [url]
        for method in route.methods - {"HEAD"}:
            for u in urls:
                if method == "GET":
                    answer = c.get(u, follow_redirects=False)
                else:
                    answer = c.request(method, u, headers={"X-CSRF-Token": csrf(c)}, follow_redirects=False)
                asked += 1
                assert answer.status_code in (403, 404), (who, method, u, answer.status_code)
                for marker in world["markers"]:
                    assert marker not in answer.text, (who, method, u, marker)
    assert asked >= 20                     # the table really was walked


def test_ids_in_the_query_string_do_not_show_another_units_file(world, settings):
    c, b = world["clients"]["clerk_a"], world["b"]
    own = hazard_of(settings, TOWN_A)
    page = c.get(f"/ledger/hazards/{own}?doc={b['file_id']}")
    assert page.status_code == 200 and b["file_id"] not in page.text
    for url in (f"/orders/done?f={b['file_id']}", f"/reports/done?f={b['file_id']}",
                f"/reports/workbook?f={b['file_id']}", "/reports/status?period=2023-03"):
        answer = c.get(url, follow_redirects=False)
        assert answer.status_code in (200, 403, 404) and b["file_id"] not in answer.text, url
        assert TOWN_B not in answer.text, url


def test_hidden_fields_pointing_at_another_unit_are_refused_and_change_nothing(world, settings):
    c, b = world["clients"]["clerk_a"], world["b"]
    token = csrf(c)
    with open_ledger(settings.ledger) as ledger:
        before = ledger.con.execute("SELECT json FROM records WHERE id = ?", (b["record_id"],)).fetchone()[0]
        jobs_before = ledger.con.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
        audit_before = ledger.con.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    forms = [("/review/decide", {"record_id": b["record_id"], "path": "header.reporting_unit", "value": TOWN_A}),
             ("/review/decide", {"record_id": b["record_id"], "path": "header.reporting_unit", "value": ""}),
             ("/returns/start", {"file_id": b["file_id"]}),
             ("/jobs/parse", {"file_id": b["file_id"]}),
             ("/jobs/parse", {"file_id": b["evidence_id"]}),
             (f"/review/suspects/{b['record_id']}/reject", {"reason": "x"}),
             (f"/ledger/hazards/{b['hazard_id']}/close", {"actor": "x"})]
    for url, data in forms:
        answer = c.post(url, data={"csrf_token": token, **data}, follow_redirects=False)
        assert answer.status_code in (403, 404), (url, data, answer.status_code)
    with open_ledger(settings.ledger) as ledger:
        assert ledger.con.execute("SELECT json FROM records WHERE id = ?", (b["record_id"],)).fetchone()[0] == before
        assert ledger.con.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == jobs_before
        assert ledger.con.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == audit_before
        assert ledger.con.execute("SELECT status FROM hazards WHERE id = ?", (b["hazard_id"],)).fetchone()[0] == "rectified"


def test_an_enterprise_cannot_report_another_enterprises_hazard(world, settings, tmp_path):
    c = world["clients"]["firm_b"]
    other = hazard_of(settings, TOWN_A, FIRM_A)
    shot = photo(tmp_path / "x.png")
    answer = c.post(f"/ledger/hazards/{other}/report", data={"csrf_token": csrf(c), "text": "冒名报告"},
                    files={"photo": (shot.name, shot.read_bytes(), "image/png")}, follow_redirects=False)
    assert answer.status_code == 404
    with open_ledger(settings.ledger) as ledger:
        assert ledger.con.execute("SELECT status FROM hazards WHERE id = ?", (other,)).fetchone()[0] == "open"
        assert ledger.con.execute("SELECT COUNT(*) FROM hazard_evidence WHERE hazard_id = ?", (other,)).fetchone()[0] == 0


# --- replayed links -------------------------------------------------------------------------------

def test_a_download_link_of_another_user_is_refused(world):
    clients, b = world["clients"], world["b"]
    links = [f"/files/{b['file_id']}", f"/returns/{b['job_id']}/download/xlsx", f"/returns/{b['job_id']}",
             f"/jobs/{b['job_id']}/status", f"/orders/file/{b['number']}"]
    for link in links[:2]:
        assert clients["clerk_b"].get(link).status_code == 200, link          # the owner's link works
    assert clients["firm_b"].get(links[-1]).status_code == 200               # B's enterprise: its order
    for who in ("clerk_a", "firm_a"):
        for link in links:
            answer = clients[who].get(link, follow_redirects=False)
            assert answer.status_code in (403, 404), (who, link)
            assert "找不到" in answer.text or "无权" in answer.text


def test_evidence_photo_is_seen_by_the_office_and_its_town_only(world):
    clients, b = world["clients"], world["b"]
    url = f"/files/{b['evidence_id']}"
    for who in ("district", "admin", "clerk_b", "firm_b"):
        answer = clients[who].get(url)
        assert answer.status_code == 200 and answer.content[:8] == b"\x89PNG\r\n\x1a\n", who
    for who in ("clerk_a", "firm_a"):
        assert clients[who].get(url).status_code == 404, who


# --- roles per page -------------------------------------------------------------------------------

ROLE_PAGES = {
    "clerk_a": {"/": 200, "/returns": 200, "/review": 200, "/ledger": 200, "/reports/status": 200,
                "/gongwen": 403, "/orders": 403, "/orders/register/rows": 403, "/reports": 403,
                "/review/statistics": 403, "/admin/users": 403, "/admin/roster": 403, "/admin/audit": 403},
    "firm_a": {"/": 200, "/returns": 200, "/ledger": 200, "/orders": 200, "/orders/register/rows": 403,
               "/review": 403, "/gongwen": 403,
               "/reports": 403, "/reports/status": 403, "/admin/roster": 403},
    "district": {"/gongwen": 200, "/orders": 200, "/orders/register/rows": 200, "/reports": 200, "/review": 200,
                 "/reports/status": 200,
                 "/admin/users": 403, "/admin/roster": 403},
    "admin": {"/admin/users": 200, "/admin/roster": 200, "/admin/audit": 200},
}


@pytest.mark.parametrize("who", list(ROLE_PAGES))
def test_each_role_reaches_its_pages_only(world, who):
    c = world["clients"][who]
    for url, status in ROLE_PAGES[who].items():
        answer = c.get(url, follow_redirects=False)
        assert answer.status_code == status, (who, url, answer.status_code)
        if status == 403:
            assert "无权使用此页面" in answer.text


def test_lists_show_only_the_users_own_unit(world, settings):
    clients, b = world["clients"], world["b"]
    assert 'href="/reports/status"' in clients["clerk_a"].get("/returns").text
    assert 'href="/reports/status"' not in clients["firm_a"].get("/returns").text
    ledger_a = clients["clerk_a"].get("/ledger").text
    assert FIRM_A in ledger_a and FIRM_B not in ledger_a
    firm = clients["firm_a"].get("/ledger").text
    assert FIRM_A in firm and FIRM_B not in firm and "晋城市城区恒泰燃气站" not in firm
    assert f"第 {b['job_id']} 批" not in clients["clerk_a"].get("/").text
    assert f"/returns/{b['job_id']}" not in clients["clerk_a"].get("/returns").text
    assert f"/returns/{b['job_id']}" in clients["clerk_b"].get("/returns").text
    assert f"/returns/{b['job_id']}" in clients["district"].get("/returns").text
    review_a = clients["clerk_a"].get("/review").text
    assert "南庄" not in review_a and "/review/statistics" not in review_a      # the district's download
    assert "/review/statistics" in clients["district"].get("/review").text
    orders_firm = clients["firm_a"].get("/orders").text
    assert b["number"] not in orders_firm and "本企业的指令书" in orders_firm
    assert b["number"] in clients["firm_b"].get("/orders").text


# --- anonymous and CSRF, generated ----------------------------------------------------------------

def test_every_route_sends_an_anonymous_request_to_the_login_page(world):
    from fastapi.testclient import TestClient
    values = values_of(world["b"])
    with TestClient(world["app"], base_url="http://127.0.0.1", client=("127.0.0.1", 50000)) as anonymous:
        for route in routes(world["app"]):
            if route.path in PUBLIC:
                continue
            url = fill(route.path, values)
            for method in route.methods - {"HEAD"}:
                answer = anonymous.request(method, url, follow_redirects=False)
                assert answer.status_code == 303, (method, url, answer.status_code)
                assert answer.headers["location"].startswith("/login"), (method, url)
                for marker in world["markers"]:
                    assert marker not in answer.text


def test_every_post_route_refuses_a_request_without_its_csrf_token(world):
    c = world["clients"]["admin"]
    values = values_of(world["b"])
    posts = [r for r in routes(world["app"]) if "POST" in r.methods]
    assert len(posts) >= 20
    for route in posts:
        url = fill(route.path, values)
        answer = c.post(url, data={"name": "x"}, follow_redirects=False)
        assert answer.status_code == 403 and "安全令牌" in answer.text, (url, answer.status_code)
        wrong = c.post(url, data={"name": "x"}, headers={"X-CSRF-Token": "forged"}, follow_redirects=False)
        assert wrong.status_code == 403, url
