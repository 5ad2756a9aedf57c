"""Helpers of the multi-unit tests (issue 12): accounts of two towns, an enterprise and the district on the
sample ledger, a logged-in TestClient per account, and the objects each unit owns."""
from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from services import accounts
from services.ledgers import open_ledger

BASE = "http://127.0.0.1"
TOWN_A = "北石店镇人民政府"
TOWN_B = "南庄镇人民政府"
FIRM_A = "晋城市城区宏达建材有限公司"          # hazards reported by TOWN_A
FIRM_B = "晋城市城区南庄煤炭物流有限公司"      # hazards reported by TOWN_B
PASSWORD = "unit-test-pass-2024"
USERS = {
    "admin": ("区管理员", "管理员", ""),
    "district": ("区应急局", "汇总单位", ""),
    "clerk_a": ("北石店文书", "填报单位", TOWN_A),
    "clerk_b": ("南庄文书", "填报单位", TOWN_B),
    "firm_a": ("宏达安全员", "企业", FIRM_A),
    "firm_b": ("南庄物流安全员", "企业", FIRM_B),
}


def add_users(settings) -> dict[str, accounts.Principal]:
    """Every account of USERS in the test's ledger (cheap_hashing wanted); their principals by key."""
    out = {}
    with open_ledger(settings.ledger) as ledger:
        for key, (name, role, unit) in USERS.items():
            user = accounts.add_user(ledger, name, role, unit, PASSWORD)
            out[key] = accounts.Principal(user.name, user.role, user.unit, user.id)
    return out


def client_of(app, key: str) -> TestClient:
    """A client of `app` logged in as USERS[key] (entered: close it, or use it in a with block)."""
    c = TestClient(app, base_url=BASE, client=("127.0.0.1", 50000)).__enter__()
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    answer = c.post("/login", data={"csrf_token": token, "name": USERS[key][0], "password": PASSWORD, "next": "/"},
                    follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return c


def csrf(c: TestClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get("/").text)[1]


def hazard_of(settings, unit: str | None = None, enterprise: str | None = None) -> int:
    with open_ledger(settings.ledger) as ledger:
        sql, args = "SELECT id FROM hazards WHERE 1 = 1", []
        if unit:
            sql, args = sql + " AND reporting_unit = ?", args + [unit]
        if enterprise:
            sql, args = sql + " AND enterprise = ?", args + [enterprise]
        return ledger.con.execute(sql + " ORDER BY id LIMIT 1", args).fetchone()[0]


def record_of(settings, unit: str) -> int:
    with open_ledger(settings.ledger) as ledger:
        return ledger.con.execute("SELECT id FROM records WHERE reporting_unit = ? ORDER BY id LIMIT 1",
                                  (unit,)).fetchone()[0]


def upload(c: TestClient, path: Path, field: str = "file") -> dict:
    """One file through POST /files/upload; its stored description (id, name, kind …)."""
    with open(path, "rb") as f:
        answer = c.post("/files/upload", data={"csrf_token": csrf(c)}, files={field: (path.name, f.read())},
                        headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    return answer.json()["stored"][0]
