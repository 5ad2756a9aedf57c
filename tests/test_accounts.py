"""Accounts on a real ledger (SQLite, and PostgreSQL when PAICHA_TEST_PG is set): argon2 hashes, login throttling on an injected clock, sessions, the audit log
of every change, the scope services filter with, the `user` commands and the audit export."""
from __future__ import annotations

import csv
import io
import sqlite3
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from openpyxl import load_workbook

from clirun import run
from ledger import audit as audit_log
from ledger.db import transaction
from services import accounts
from services.accounts import (ADMIN, DISTRICT, ENTERPRISE, LOCAL, UNIT, AccountError, AuditFilter, LoginRefused,
                               Principal)
from services.ledgers import open_ledger

T0 = datetime(2024, 3, 1, 9, 0, 0)
PASSWORD = "北石店镇-2024-ok"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """argon2id at its cheapest parameters: the same kind of hash, milliseconds instead of ~0.3 s."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def ledger(ledger_target):
    """A fresh ledger, on SQLite and (PAICHA_TEST_PG set) on PostgreSQL."""
    with open_ledger(ledger_target) as handle:
        yield handle


@pytest.fixture
def clerk(ledger):
    """A 填报单位 account of 北石店镇."""
    return accounts.add_user(ledger, "李文书", "填报单位", "北石店镇", PASSWORD, actor="区管理员", now=T0)


def refused(ledger, name, password, ip="10.0.0.5", at=T0) -> LoginRefused:
    with pytest.raises(LoginRefused) as caught:
        accounts.authenticate(ledger, name, password, ip, now=at)
    return caught.value


# --- hashing -------------------------------------------------------------------------------------

def test_the_ledger_keeps_an_argon2_hash_never_the_password(ledger, clerk):
    stored = ledger.con.execute("SELECT password_hash FROM users WHERE name = '李文书'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    kept = [str(v) for table in ("users", "audit_log", "sessions") for row in
            ledger.con.execute(f"SELECT * FROM {table}").fetchall() for v in row]
    assert kept and not [v for v in kept if PASSWORD in v]        # nowhere, audit log included
    me = accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0)
    assert me == Principal(user="李文书", role=UNIT, unit="北石店镇", user_id=clerk.id)
    assert refused(ledger, "李文书", PASSWORD + "x").message == "用户名或密码错误。"
    assert refused(ledger, "没有这个人", PASSWORD).message == "用户名或密码错误。"     # same answer


def test_an_old_hash_is_replaced_at_login(ledger, clerk, monkeypatch):
    before = ledger.con.execute("SELECT password_hash FROM users WHERE id = ?", (clerk.id,)).fetchone()[0]
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0)
    after = ledger.con.execute("SELECT password_hash FROM users WHERE id = ?", (clerk.id,)).fetchone()[0]
    assert "m=1024,t=1" in before and "m=2048,t=2" in after
    assert accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0).user == "李文书"


def test_weak_or_malformed_input_is_refused_in_chinese(ledger):
    cases = [(("", "管理员", "", PASSWORD), "账户名不能为空"),
             (("甲\n乙", "管理员", "", PASSWORD), "不可见字符"),
             (("王五", "局长", "", PASSWORD), "没有“局长”这种角色"),
             (("王五", "填报单位", "", PASSWORD), "须指定所属单位"),
             (("王五", "企业", "", PASSWORD), "须指定所属企业"),
             (("王五", "汇总单位", "", "short"), "密码至少 8 位"),
             (("wangwu01", "汇总单位", "", "WANGWU01"), "不能与账户名相同")]
    for args, message in cases:
        with pytest.raises(AccountError, match=message):
            accounts.add_user(ledger, *args)
    accounts.add_user(ledger, "王五", "district", "", PASSWORD)          # the code works as well as the name
    with pytest.raises(AccountError, match="账户“王五”已存在"):
        accounts.add_user(ledger, " 王五 ", "汇总单位", "", PASSWORD)
    assert [u.name for u in accounts.list_users(ledger)] == ["王五"]


# --- throttling ----------------------------------------------------------------------------------

def test_five_failures_lock_the_account_for_fifteen_minutes(ledger, clerk):
    for n in range(5):
        assert refused(ledger, "李文书", f"wrong-{n}", at=T0 + timedelta(seconds=n)).message == "用户名或密码错误。"
    sixth = refused(ledger, "李文书", PASSWORD, at=T0 + timedelta(seconds=10))     # right password, too late
    assert sixth.code == "locked" and "登录失败次数过多" in sixth.message and "09:15" in sixth.message
    assert refused(ledger, "李文书", PASSWORD, ip="10.9.9.9", at=T0 + timedelta(minutes=14)).code == "locked"
    assert accounts.list_users(ledger, now=T0 + timedelta(minutes=1))[0].locked_until == "2024-03-01T09:15:04"
    me = accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0 + timedelta(minutes=15, seconds=5))
    assert me.user == "李文书"
    actions = [e.action for e in accounts.audit_entries(ledger).entries]
    assert actions.count("login_failed") == 5 and actions.count("login_locked") == 1 and actions[0] == "login"


def test_unknown_names_lock_like_real_ones(ledger):
    for n in range(5):
        refused(ledger, "猜的名字", f"x{n}")
    assert refused(ledger, "猜的名字", "x").code == "locked"


def test_failures_spread_over_more_than_the_window_do_not_lock(ledger, clerk):
    for n in range(4):
        refused(ledger, "李文书", "wrong", at=T0 + timedelta(seconds=n))
    for n in range(4):
        refused(ledger, "李文书", "wrong", at=T0 + timedelta(minutes=16, seconds=n))
    assert accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0 + timedelta(minutes=17)).user


def test_one_address_trying_many_names_is_locked(ledger, clerk):
    for n in range(accounts.MAX_IP_FAILURES):
        refused(ledger, f"用户{n}", "guess-1234", ip="203.0.113.7", at=T0 + timedelta(seconds=n))
    assert refused(ledger, "李文书", PASSWORD, ip="203.0.113.7", at=T0 + timedelta(minutes=1)).code == "locked"
    assert accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0 + timedelta(minutes=1)).user


def test_a_password_reset_lifts_the_lock(ledger, clerk):
    for n in range(5):
        refused(ledger, "李文书", "wrong")
    accounts.reset_password(ledger, "李文书", "新密码-2024-abc", actor="区管理员", now=T0 + timedelta(minutes=1))
    assert refused(ledger, "李文书", PASSWORD, at=T0 + timedelta(minutes=2)).message == "用户名或密码错误。"
    assert accounts.authenticate(ledger, "李文书", "新密码-2024-abc", "10.0.0.5", now=T0 + timedelta(minutes=2)).user


# --- disabling, sessions -------------------------------------------------------------------------

def test_a_disabled_user_cannot_log_in_and_loses_their_sessions(ledger, clerk):
    me = accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0)
    token = accounts.start_session(ledger, me, "10.0.0.5", now=T0)
    assert accounts.session_principal(ledger, token, now=T0) == me
    accounts.disable_user(ledger, "李文书", actor="区管理员", now=T0)
    assert accounts.session_principal(ledger, token, now=T0) is None
    assert refused(ledger, "李文书", PASSWORD).message == "该账户已停用，请联系管理员。"
    accounts.enable_user(ledger, "李文书", actor="区管理员", now=T0)
    assert accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0).user == "李文书"


def test_the_last_administrator_cannot_be_disabled(ledger):
    accounts.add_user(ledger, "管理员甲", "管理员", "", PASSWORD)
    with pytest.raises(AccountError, match="最后一个管理员"):
        accounts.disable_user(ledger, "管理员甲")
    accounts.add_user(ledger, "管理员乙", "管理员", "", PASSWORD)
    accounts.disable_user(ledger, "管理员甲")
    assert accounts.has_admin(ledger)
    with pytest.raises(AccountError, match="最后一个管理员"):
        accounts.disable_user(ledger, "管理员乙")


def test_sessions_end_when_idle_too_long_or_too_old_or_logged_out(ledger, clerk):
    me = accounts.authenticate(ledger, "李文书", PASSWORD, "10.0.0.5", now=T0)
    token = accounts.start_session(ledger, me, "10.0.0.5", now=T0)
    assert ledger.con.execute("SELECT id FROM sessions").fetchone()[0] != token      # only its hash is kept
    at = T0
    for _ in range(3):                                    # used every 3 hours: alive until the lifetime ends
        at += timedelta(hours=3)
        assert accounts.session_principal(ledger, token, now=at) == me, at
    assert accounts.session_principal(ledger, token, now=T0 + timedelta(hours=12, minutes=1)) is None

    idle = accounts.start_session(ledger, me, "10.0.0.5", now=T0)
    assert accounts.session_principal(ledger, idle, now=T0 + timedelta(hours=4, minutes=1)) is None

    gone = accounts.start_session(ledger, me, "10.0.0.5", now=T0)
    accounts.end_session(ledger, gone, "10.0.0.5", now=T0)
    assert accounts.session_principal(ledger, gone, now=T0) is None
    assert accounts.session_principal(ledger, "forged-token", now=T0) is None
    assert accounts.audit_entries(ledger, AuditFilter(action="logout")).entries[0].actor == "李文书"


# --- the audit log -------------------------------------------------------------------------------

def test_every_account_change_is_audited_with_before_and_after(ledger, clerk):
    accounts.disable_user(ledger, "李文书", actor="区管理员", ip="10.0.0.1", now=T0 + timedelta(minutes=1))
    accounts.enable_user(ledger, "李文书", actor="区管理员", ip="10.0.0.1", now=T0 + timedelta(minutes=2))
    accounts.reset_password(ledger, "李文书", "另一个密码-123", actor="区管理员", ip="10.0.0.1",
                            now=T0 + timedelta(minutes=3))
    entries = list(reversed(accounts.audit_entries(ledger, AuditFilter(object_id="李文书")).entries))
    assert [(e.action, e.actor, e.object_type) for e in entries] == [
        ("user_add", "区管理员", "user"), ("user_disable", "区管理员", "user"),
        ("user_enable", "区管理员", "user"), ("password_reset", "区管理员", "user")]
    add, disable, enable, reset = entries
    assert add.before is None and add.after == {"name": "李文书", "role": "填报单位", "unit": "北石店镇",
                                                "disabled": False, "password_changed_at": "2024-03-01T09:00:00"}
    assert (disable.before["disabled"], disable.after["disabled"]) == (False, True)
    assert disable.changes == [("已停用", False, True)] and disable.ip == "10.0.0.1"
    assert (enable.before["disabled"], enable.after["disabled"]) == (True, False)
    assert reset.changes == [("密码设置时间", "2024-03-01T09:00:00", "2024-03-01T09:03:00")]
    assert "hash" not in str([e.before for e in entries] + [e.after for e in entries])
    # a refused change leaves no row
    with pytest.raises(AccountError):
        accounts.add_user(ledger, "李文书", "填报单位", "北石店镇", PASSWORD)
    assert len(accounts.audit_entries(ledger).entries) == 4


def test_audit_runs_only_inside_the_change_transaction(ledger):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_log.audit(ledger.con, "甲", "user_add", ("user", "乙"), None, {})
    with transaction(ledger.con):
        audit_log.audit(ledger.con, "甲", "hazard_close", ("hazard", 7), {"status": "复查通过"}, {"status": "已销号"})
    entry = accounts.audit_entries(ledger).entries[0]
    assert (entry.action_label, entry.object_id, entry.after) == ("hazard_close", "7", {"status": "已销号"})


def test_audit_filters(ledger, clerk):
    accounts.add_user(ledger, "赵企业", "企业", "宏达建材有限公司", PASSWORD, actor="管理员甲",
                      now=datetime(2024, 3, 5, 10))
    found = accounts.audit_entries
    assert [e.object_id for e in found(ledger, AuditFilter(actor="管理员甲")).entries] == ["赵企业"]
    assert [e.object_id for e in found(ledger, AuditFilter(since="2024-03-02")).entries] == ["赵企业"]
    assert [e.object_id for e in found(ledger, AuditFilter(until="2024-03-01")).entries] == ["李文书"]
    assert found(ledger, AuditFilter(action="user_disable")).entries == []
    assert found(ledger).actions["user_add"] == "新建账户"


def test_export_as_xlsx_and_csv_keeps_text_as_text(ledger, tmp_path):
    accounts.add_user(ledger, "=HYPERLINK(\"http://x\")", "汇总单位", "", PASSWORD, actor="@SUM(A1)")
    accounts.add_user(ledger, "王五", "企业", "+宏达建材", PASSWORD, actor="区管理员")
    res = accounts.export_audit(ledger, tmp_path / "审计.xlsx")
    assert res.rows == 2
    ws = load_workbook(res.out).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == accounts.EXPORT_HEADER
    assert rows[2][1] == "@SUM(A1)" and ws.cell(3, 2).data_type == "s"
    assert rows[2][3] == '账户 =HYPERLINK("http://x")' and rows[2][2] == "新建账户"
    assert "角色：企业" in rows[1][5] and "单位：+宏达建材" in rows[1][5]
    out = accounts.export_audit(ledger, tmp_path / "审计.csv", AuditFilter(actor="@SUM(A1)")).out
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(lines) == 2 and lines[1][1] == "'@SUM(A1)"
    with pytest.raises(AccountError, match="只能导出为"):
        accounts.export_audit(ledger, tmp_path / "审计.json")


# --- scope ---------------------------------------------------------------------------------------

def test_scope_filters_rows_in_sql_and_one_by_one():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE hazards (id INTEGER PRIMARY KEY, town TEXT, enterprise TEXT)")
    con.executemany("INSERT INTO hazards (town, enterprise) VALUES (?, ?)",
                    [("北石店镇", "宏达建材"), ("北石店镇", "顺发煤业"), ("西街街道", "宏达建材二厂")])
    seen = {}
    for who in (LOCAL, Principal("区", DISTRICT), Principal("李", UNIT, "北石店镇"), Principal("赵", ENTERPRISE, "宏达建材"),
                Principal("空", UNIT, "")):
        sql, params = who.where("hazards.town", "hazards.enterprise")
        seen[who.user] = [r[0] for r in con.execute(f"SELECT id FROM hazards WHERE {sql} ORDER BY id", params)]
    assert seen == {"": [1, 2, 3], "区": [1, 2, 3], "李": [1, 2], "赵": [1], "空": []}
    sql, params = Principal("赵", ENTERPRISE, "宏达建材").where("hazards.town")        # no enterprise column
    assert con.execute(f"SELECT COUNT(*) FROM hazards WHERE {sql}", params).fetchone()[0] == 0
    assert accounts.scope_where(None, "town") == ("1 = 1", ())

    clerk, firm = Principal("李", UNIT, "北石店镇"), Principal("赵", ENTERPRISE, "宏达建材")
    assert clerk.units == {"北石店镇"} and LOCAL.units is None and firm.units == frozenset()
    assert clerk.can_see_unit("北石店镇") and not clerk.can_see_unit("西街街道") and LOCAL.can_see_unit("西街街道")
    assert firm.can_see_enterprise("宏达建材", "北石店镇") and not firm.can_see_enterprise("顺发煤业", "北石店镇")
    assert clerk.can_see_enterprise("顺发煤业", "北石店镇") and not firm.can_see_unit("北石店镇")
    with pytest.raises(ValueError):
        clerk.where("town; DROP TABLE hazards")


# --- the user commands ---------------------------------------------------------------------------

def test_user_commands_in_process(tmp_path, monkeypatch):
    db = tmp_path / "台账.db"

    def typed(text: str) -> None:
        """What the next command reads on its standard input."""
        monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))

    typed("admin-pass-2024")
    r = run("user", "add", "区管理员", "--role", "管理员", "--password-stdin", "--db", db)
    assert r.returncode == 0 and r.stdout.strip() == "已建立账户：区管理员，管理员", r.stderr
    typed(PASSWORD)
    r = run("user", "add", "李文书", "--role", "填报单位", "--unit", "北石店镇", "--password-stdin", "--db", db)
    assert r.stdout.strip() == "已建立账户：李文书，填报单位（北石店镇）"
    typed(PASSWORD)
    r = run("user", "add", "张三", "--role", "填报单位", "--password-stdin", "--db", db)
    assert r.returncode == 2 and "填报单位账户须指定所属单位" in r.stderr

    r = run("user", "disable", "李文书", "--db", db)
    assert r.returncode == 0 and r.stdout.strip() == "已停用账户：李文书"
    listing = run("user", "list", "--db", db).stdout.splitlines()
    assert listing[-1] == "共 2 个账户"
    assert listing[1].split("\t")[:4] == ["李文书", "填报单位", "北石店镇", "已停用"]
    assert run("user", "enable", "李文书", "--db", db).stdout.strip() == "已启用账户：李文书"
    typed("brand-new-pass")
    r = run("user", "reset", "李文书", "--password-stdin", "--db", db)
    assert r.returncode == 0 and "已重置 李文书 的密码" in r.stdout
    r = run("user", "disable", "区管理员", "--db", db)
    assert r.returncode == 2 and "不能停用最后一个管理员账户" in r.stderr
    r = run("user", "reset", "李文书", "--db", db)             # no --password-stdin and no terminal to type at
    assert r.returncode == 2 and "请用 --password-stdin" in r.stderr

    with open_ledger(db) as ledger:
        assert accounts.authenticate(ledger, "李文书", "brand-new-pass", "127.0.0.1").unit == "北石店镇"
        entries = accounts.audit_entries(ledger).entries
    assert [e.action for e in reversed(entries)][:5] == ["user_add", "user_add", "user_disable", "user_enable",
                                                         "password_reset"]
    assert all(e.actor.startswith("命令行（") for e in entries if e.action != "login")
