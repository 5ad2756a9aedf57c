"""Accounts in the workbench: the login gate once an administrator exists, login and logout, no session
fixation, the administrator's pages and the audit log, the role's top bar, `serve` beyond loopback, and
the whole story in chromium."""
from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

import cli
from services import accounts
from services.ledgers import open_ledger
from web.app import SESSION_COOKIE, create_app
from web.settings import Settings
from webtools import token

CLERK = ("李文书", "北石店镇-2024-ok")


def add_clerk(settings, name: str = CLERK[0], password: str = CLERK[1], role: str = "填报单位",
              unit: str = "北石店镇"):
    with open_ledger(settings.ledger) as ledger:
        return accounts.add_user(ledger, name, role, unit, password)


ALL = ["公文", "回执", "核对", "台账", "指令书", "报表"]


def nav(page: str) -> list[str]:
    """The top bar's entries, links and pages still being built alike."""
    bar = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</(?:a|span)>", bar)


# --- the gate ------------------------------------------------------------------------------------

def test_without_an_administrator_the_local_mode_needs_no_login(client, settings, cheap_hashing):
    add_clerk(settings)                                    # accounts without an administrator: still local
    page = client.get("/")
    assert page.status_code == 200 and "工作台首页" in page.text and "退出" not in page.text
    assert nav(page.text) == ALL
    assert "本机单用户模式" in client.get("/login").text
    # …and only for this computer: a request from another address is refused
    with TestClient(client.app, base_url="http://127.0.0.1", client=("192.168.1.20", 5000)) as remote:
        answer = remote.get("/")
    assert answer.status_code == 403 and "尚未建立管理员账户" in answer.text


def test_once_an_administrator_exists_every_page_asks_for_a_login(client, admin):
    answer = client.get("/review?at=2", follow_redirects=False)
    assert answer.status_code == 303
    assert unquote(answer.headers["location"]) == "/login?next=/review?at=2"
    page = client.get("/")
    assert page.url.path == "/login" and "<h1>登录</h1>" in page.text and nav(page.text) == []
    htmx = client.get("/jobs/1/status", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/login?next=/jobs/1/status"
    assert client.post("/files/upload", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/no-such-page", follow_redirects=False).status_code == 303    # nothing to probe
    assert client.get("/static/app.css").status_code == 200


def test_login_and_logout(client, admin, login):
    wrong = login(client, admin[0], "not-the-password")
    assert wrong.status_code == 401 and "用户名或密码错误。" in wrong.text
    assert f'value="{admin[0]}"' in wrong.text and "not-the-password" not in wrong.text
    answer = login(client, *admin, next="/review")
    assert answer.status_code == 303 and answer.headers["location"] == "/review"
    home = client.get("/")
    assert home.status_code == 200 and "工作台首页" in home.text
    assert f"{admin[0]}（管理员）" in home.text and "多单位部署" in home.text
    assert nav(home.text) == ALL + ["账户", "名册", "机关设置", "审计日志"]
    logged_in = client.cookies.get(SESSION_COOKIE)

    out = client.post("/logout", data={"csrf_token": token(client)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert "已退出登录" in client.get("/login").text
    assert client.get("/", follow_redirects=False).status_code == 303
    # the cookie of the ended session, replayed, is worth nothing: the session is gone from the ledger
    client.cookies.set(SESSION_COOKIE, logged_in)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_session_is_renewed_at_login(client, admin, login):
    before_token = token(client)                           # an anonymous session: CSRF token in the cookie
    before = client.cookies.get(SESSION_COOKIE)
    login(client, *admin)
    after = client.cookies.get(SESSION_COOKIE)
    assert after != before and token(client) != before_token
    client.cookies.set(SESSION_COOKIE, before)           # the cookie from before the login…
    assert client.get("/", follow_redirects=False).status_code == 303          # …is not logged in
    client.cookies.set(SESSION_COOKIE, after)
    assert client.get("/", follow_redirects=False).status_code == 200


def test_no_open_redirect_after_login(client, admin, login):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client.cookies.clear()
        assert login(client, *admin, next=target).headers["location"] == "/"


def test_a_disabled_user_cannot_log_in_and_is_logged_out(client, admin, settings, login):
    add_clerk(settings)
    assert login(client, *CLERK).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200
    with open_ledger(settings.ledger) as ledger:
        accounts.disable_user(ledger, CLERK[0], actor=admin[0])
    assert client.get("/", follow_redirects=False).status_code == 303          # the live session ended
    refused = login(client, *CLERK)
    assert refused.status_code == 401 and "该账户已停用" in refused.text


def test_the_sixth_attempt_is_locked_in_chinese(client, admin, login):
    for _ in range(5):
        assert login(client, admin[0], "wrong-password").status_code == 401
    locked = login(client, *admin)
    assert locked.status_code == 401 and "登录失败次数过多" in locked.text
    with open_ledger(client.app.state.settings.ledger) as ledger:
        failed = accounts.audit_entries(ledger, accounts.AuditFilter(action="login_failed")).entries
    assert len(failed) == 5 and {e.ip for e in failed} == {"127.0.0.1"}


# --- roles ---------------------------------------------------------------------------------------

def test_a_clerk_sees_the_reduced_bar_and_no_admin_pages(client, admin, settings, login):
    add_clerk(settings)
    login(client, *CLERK)
    home = client.get("/")
    assert nav(home.text) == ["回执", "核对", "台账"]
    assert "李文书（填报单位 · 北石店镇）" in home.text
    for url in ("/admin/users", "/admin/audit", "/admin/audit/export?format=csv"):
        answer = client.get(url)
        assert answer.status_code == 403 and "无权使用此页面" in answer.text, url
        assert nav(answer.text) == ["回执", "核对", "台账"] and "李文书（填报单位" in answer.text
    answer = client.post("/admin/users/add", data={"csrf_token": token(client), "name": "黑客", "role": "管理员",
                                                   "password": "12345678x"})
    assert answer.status_code == 403
    with open_ledger(settings.ledger) as ledger:
        assert [u.name for u in accounts.list_users(ledger)] == [admin[0], CLERK[0]]


def test_require_lets_the_named_roles_through(client, admin, settings, login):
    from fastapi import APIRouter
    from services.accounts import DISTRICT, Principal
    from web.auth import require
    router = APIRouter()

    @router.get("/district-only")
    def district_only(me: Principal = require(DISTRICT)):
        return {"user": me.user, "units": me.units}

    client.app.include_router(router)
    add_clerk(settings, "区汇总员", "district-2024-pass", "汇总单位", "")
    add_clerk(settings)
    login(client, *CLERK)
    assert client.get("/district-only").status_code == 403
    client.cookies.clear()
    login(client, "区汇总员", "district-2024-pass")
    assert client.get("/district-only").json() == {"user": "区汇总员", "units": None}


# --- the administrator's pages -------------------------------------------------------------------

def test_admin_adds_disables_enables_and_resets(admin_client, admin, settings):
    c = admin_client
    page = c.get("/admin/users")
    assert page.status_code == 200 and admin[0] in page.text
    done = c.post("/admin/users/add", data={"csrf_token": token(c), "name": "李文书", "role": "unit",
                                            "unit": "北石店镇", "password": CLERK[1]})
    assert "已建立账户：李文书（填报单位，北石店镇）" in done.text
    refused = c.post("/admin/users/add", data={"csrf_token": token(c), "name": "张三", "role": "unit",
                                               "unit": "", "password": CLERK[1]})
    assert "填报单位账户须指定所属单位" in refused.text and "张三" not in refused.text.split("全部账户")[1]
    assert "已停用账户：李文书" in c.post("/admin/users/disable", data={"csrf_token": token(c), "name": "李文书"}).text
    assert "已启用账户：李文书" in c.post("/admin/users/enable", data={"csrf_token": token(c), "name": "李文书"}).text
    reset = c.post("/admin/users/reset", data={"csrf_token": token(c), "name": "李文书", "password": "x"})
    assert "密码至少 8 位" in reset.text
    reset = c.post("/admin/users/reset", data={"csrf_token": token(c), "name": "李文书", "password": "new-pass-2024"})
    assert "已重置 李文书 的密码" in reset.text
    last = c.post("/admin/users/disable", data={"csrf_token": token(c), "name": admin[0]})
    assert "不能停用最后一个管理员账户" in last.text

    with open_ledger(settings.ledger) as ledger:
        rows = [e for e in accounts.audit_entries(ledger).entries if e.object_id == "李文书"]
    assert [e.action for e in reversed(rows)] == ["user_add", "user_disable", "user_enable", "password_reset"]
    assert {(e.actor, e.ip) for e in rows} == {(admin[0], "127.0.0.1")}

    audit = c.get("/admin/audit", params={"action": "user_disable"})
    assert audit.status_code == 200 and "停用账户" in audit.text and "账户 李文书" in audit.text
    assert "重置密码" not in audit.text.split("<tbody>")[1]
    export = c.get("/admin/audit/export", params={"format": "xlsx", "object_id": "李文书"})
    assert export.status_code == 200 and "filename*=UTF-8''" in export.headers["content-disposition"]
    ws = load_workbook(BytesIO(export.content)).active
    assert [r[2] for r in ws.iter_rows(min_row=2, values_only=True)] == ["重置密码", "启用账户", "停用账户", "新建账户"]
    assert c.get("/admin/audit/export", params={"format": "html"}).status_code == 400


def test_the_first_administrator_added_in_the_local_mode_ends_it(client, cheap_hashing):
    page = client.get("/admin/users")
    assert page.status_code == 200 and "还没有管理员账户" in page.text
    done = client.post("/admin/users/add", data={"csrf_token": token(client), "name": "区管理员", "role": "admin",
                                                 "password": "first-admin-2024"})
    assert done.url.path == "/login" and "已建立第一个管理员账户" in done.text
    assert client.get("/", follow_redirects=False).status_code == 303
    with open_ledger(client.app.state.settings.ledger) as ledger:
        assert accounts.audit_entries(ledger).entries[0].actor == "本机"


# --- serving beyond this computer ----------------------------------------------------------------

def test_serve_on_every_address_needs_an_administrator_and_the_host_names(tmp_path, monkeypatch, cheap_hashing):
    import uvicorn
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    data, db = tmp_path / "data", tmp_path / "台账.db"
    args = ["serve", "--host", "0.0.0.0", "--data", str(data), "--db", str(db), "--workers", "1"]
    assert cli.main(args) == 2 and not started and not db.exists()
    with open_ledger(db) as ledger:
        accounts.add_user(ledger, "区管理员", "管理员", "", "first-admin-2024")
    assert cli.main(args) == 2 and not started                 # no host names for the other computers
    monkeypatch.setenv("PAICHA_ALLOWED_HOSTS", "192.168.1.10, paicha.example.cn")
    assert cli.main(args) == 0 and started["host"] == "0.0.0.0"
    with TestClient(started["app"], base_url="http://paicha.example.cn", client=("192.168.1.20", 5000)) as remote:
        assert remote.get("/", follow_redirects=False).headers["location"] == "/login"
        assert remote.get("/", headers={"host": "evil.example"}).status_code == 400


def test_host_rules(tmp_path, capsys, cheap_hashing):
    from schema.errors import PaichaError
    settings = Settings.load(host="0.0.0.0", data_dir=tmp_path / "d", ledger=str(tmp_path / "l.db"),
                             allowed_hosts="192.168.1.10")
    with pytest.raises(PaichaError, match="需要先建立管理员账户"):
        create_app(settings, run_jobs=False)
    with pytest.raises(PaichaError, match="不能是“\\*”"):
        Settings.load(allowed_hosts="*")
    assert Settings.load(allowed_hosts="A.example, b.example").allowed_hosts == ("a.example", "b.example")
    assert cli.main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path / "e")]) == 2
    assert "cli.py user add" in capsys.readouterr().err


# --- the story in a browser ----------------------------------------------------------------------

def test_admin_adds_a_clerk_who_then_sees_the_reduced_menu(admin, live_server, browser, visit):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, _ = live_server
    wait = WebDriverWait(browser, 30)
    browser.delete_all_cookies()

    def log_in(name: str, password: str) -> None:
        wait.until(ec.presence_of_element_located((By.ID, "login-name"))).send_keys(name)
        browser.find_element(By.ID, "login-password").send_keys(password)
        browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".topbar .account")))

    def bar() -> list[str]:
        return [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".topbar nav > *")]

    browser.get(base + "/")
    assert "/login" in browser.current_url
    visit(None, "login")
    log_in(*admin)
    assert bar() == ALL + ["账户", "名册", "机关设置", "审计日志"]
    browser.find_element(By.LINK_TEXT, "账户").click()
    wait.until(ec.presence_of_element_located((By.ID, "new-name"))).send_keys(CLERK[0])
    Select(browser.find_element(By.ID, "new-role")).select_by_visible_text("填报单位")
    browser.find_element(By.ID, "new-unit").send_keys("北石店镇")
    browser.find_element(By.ID, "new-password").send_keys(CLERK[1])
    browser.find_element(By.CSS_SELECTOR, "form[action='/admin/users/add'] button").click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash-ok"), "已建立账户：李文书"))
    visit(None, "users")

    browser.find_element(By.CSS_SELECTOR, ".topbar .account button").click()
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash-ok"), "已退出登录"))
    log_in(*CLERK)
    shot = visit(None, "clerk-home")
    assert bar() == ["回执", "核对", "台账"]
    assert "李文书（填报单位 · 北石店镇）" in browser.find_element(By.CSS_SELECTOR, ".topbar .account").text
    browser.get(base + "/admin/users")
    assert "无权使用此页面" in browser.find_element(By.TAG_NAME, "main").text
    assert bar() == ["回执", "核对", "台账"]                        # the error page keeps the user's bar
    visit(None, "clerk-refused")
    # nothing broke in the pages (CSP, scripts); the refused page's own 403 is the one network error
    assert [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "network"] == []
    assert shot.stat().st_size > 10_000
