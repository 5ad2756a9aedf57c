"""指令书 page paged by enterprise (issue 11, measure): pages of enterprises counted and filtered in SQL,
a name search, the pager links; every orderable hazard on exactly one page."""
from __future__ import annotations

from pathlib import Path

import pytest

from ledger.db import transaction
from pgtest import BACKENDS, ledger_at
from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)
from services import accounts
from services import hazards, orders
from services.ledgers import open_ledger
from services.returns import parse_batch
from webtools import token

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "returns"

ENTERPRISE = "晋城市城区兴盛化工有限公司"


def test_pages_cover_every_orderable_hazard_once(filled, settings):
    with open_ledger(settings.ledger) as handle:
        whole = orders.orderable_hazards(handle, per_page=1000)
        first = orders.orderable_hazards(handle, per_page=2)
        pages = [orders.orderable_hazards(handle, page=n, per_page=2) for n in range(1, first.pages + 1)]
        beyond = orders.orderable_hazards(handle, page=first.pages + 1, per_page=2)
    assert whole.total == len(whole.enterprises) > 2 and first.pages == -(-whole.total // 2)
    assert [len(p.enterprises) for p in pages[:-1]] == [2] * (first.pages - 1)
    ids = [h["id"] for p in pages for g in p.enterprises for h in g["hazards"]]
    assert sorted(ids) == sorted(h["id"] for g in whole.enterprises for h in g["hazards"])
    assert len(ids) == len(set(ids)) and beyond.enterprises == [] and beyond.total == whole.total
    keys = [(g["town"], g["enterprise"]) for g in whole.enterprises]
    assert keys == sorted(keys)                                     # by 镇街, then name


def test_search_by_part_of_the_name(filled, settings):
    with open_ledger(settings.ledger) as handle:
        found = orders.orderable_hazards(handle, search="兴盛")
        none = orders.orderable_hazards(handle, search="%")          # a LIKE wildcard is a plain character
    assert [g["enterprise"] for g in found.enterprises] == [ENTERPRISE] and found.total == 1
    assert none.total == 0 and none.enterprises == []


def test_page_search_and_pager_over_http(filled, client):
    page = client.get("/orders", params={"q": "兴盛"})
    assert page.status_code == 200 and ENTERPRISE in page.text and "共 1 家单位" in page.text
    assert 'value="兴盛"' in page.text and 'aria-label="翻页"' not in page.text
    assert client.get("/orders", params={"q": "没有这家"}).text.count("没有符合条件的单位") == 1
    odd = client.get("/orders", params={"page": "abc"})              # not a number: the first page
    assert odd.status_code == 200 and ENTERPRISE in odd.text
    escaped = client.get("/orders", params={"q": "<b>x</b>"}).text
    assert "<b>x</b>" not in escaped and "&lt;b&gt;x&lt;/b&gt;" in escaped


@pytest.mark.parametrize("backend", BACKENDS)
def test_paged_queries_on_each_backend(backend, tmp_path):
    """The 指令书 pages, the unfiltered 台账 list (migration 021's index) and the filter lists run the same
    on SQLite and PostgreSQL over the parsed sample returns."""
    target, drop = ledger_at(backend, tmp_path)
    try:
        with open_ledger(target) as handle:
            parse_batch(sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".docx", ".xlsx")),
                        ledger=handle, workers=1)
            whole = orders.orderable_hazards(handle, per_page=1000)
            found = orders.orderable_hazards(handle, search="兴盛", per_page=1)
            listed = hazards.list_hazards(handle, per_page=5)
            choices = hazards.hazard_filters(handle)
            every = handle.con.execute("SELECT town, deadline FROM hazards WHERE active = 1").fetchall()
        assert whole.total == len(whole.enterprises) > 2 and [g["enterprise"] for g in found.enterprises] == [ENTERPRISE]
        assert listed.total == len(every) and len(listed.hazards) == 5
        deadlines = [h["deadline"] for h in listed.hazards]
        assert deadlines == sorted(deadlines, key=lambda d: (d is None, d or ""))
        assert choices["town"] == sorted({r[0] for r in every if r[0]}) and "北石店镇" in choices["town"]
    finally:
        drop()


def test_register_lists_the_last_orders_and_counts_all(filled, client, settings, monkeypatch):
    from web.routes import orders as orders_route
    with open_ledger(settings.ledger) as handle:
        groups = orders.orderable_hazards(handle).enterprises[:2]
    for g in groups:                                  # two orders, one per enterprise
        sent = client.post("/orders/issue", data={"csrf_token": token(client), "hazard": [str(g["hazards"][0]["id"])],
                                                   "deadline": "2099-01-31"}, follow_redirects=False)
        assert sent.status_code == 303
    with open_ledger(settings.ledger) as handle:
        every = orders.list_orders(handle)
        last = orders.list_orders(handle, last=1)
        first_firm = every.orders[0]["enterprise"]
        own = orders.list_orders(handle, scope=accounts.Principal("e", accounts.ENTERPRISE, unit=first_firm), last=5)
        unit = orders.list_orders(handle, scope=accounts.Principal("u", accounts.UNIT, unit="北石店镇"), last=5)
    assert every.total == last.total == 2 and [o["number"] for o in last.orders] == [every.orders[-1]["number"]]
    assert [o["number"] for o in own.orders] == [every.orders[0]["number"]] and own.total == 1   # its own only
    assert unit.orders == [] and unit.total == 0               # a 填报单位 sees no enterprise's orders
    monkeypatch.setattr(orders_route, "REGISTER_ROWS", 1)
    page = client.get("/orders/register/rows").text
    assert "共 2 份，这里列出最近的 1 份" in page
    assert every.orders[-1]["number"] in page and every.orders[0]["number"] not in page


def test_decision_enterprise_suggestions_as_typed(filled, client):
    page = client.get("/orders").text
    assert '<datalist id="enterprise-names"></datalist>' in page       # not every enterprise on the page
    found = client.get("/orders/enterprise-names", params={"enterprise": "兴盛"})
    assert found.status_code == 200 and found.text.strip() == f'<option value="{ENTERPRISE}">'
    assert client.get("/orders/enterprise-names", params={"enterprise": "%"}).text.strip() == ""
    every = client.get("/orders/enterprise-names").text
    assert 2 < every.count("<option") <= 20 and ENTERPRISE in every
    assert "<b>" not in client.get("/orders/enterprise-names", params={"enterprise": "<b>"}).text


@pytest.mark.parametrize("backend", BACKENDS)
def test_pages_hold_exactly_the_hazards_an_order_can_take(backend, tmp_path):
    """What the pages offer (counted from an index, less the hazards under a live order) is what issuing
    takes (ledger.orders.open_hazards): after an order that takes part of an enterprise's hazards, one that
    takes all of another's, and a voided one whose hazards are free again; with a hazard whose enterprise
    is known only by its name."""
    from ledger import orders as ledger_orders
    target, drop = ledger_at(backend, tmp_path)
    try:
        with open_ledger(target) as handle:
            parse_batch(sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".docx", ".xlsx")),
                        ledger=handle, workers=1)
            con = handle.con
            first, second, third = orders.orderable_hazards(handle, per_page=1000).enterprises[:3]
            with transaction(con):          # this process's write: the kept grouping is dropped at once
                con.execute("UPDATE hazards SET enterprise_id = NULL WHERE id = ?", (third["hazards"][0]["id"],))
                for n, (g, take, status) in enumerate([(first, first["hazards"][:1], "issued"),
                                                       (second, second["hazards"], "issued"),
                                                       (third, third["hazards"][1:], "void")], 1):
                    oid = con.execute("INSERT INTO orders (number, authority, code, year, serial, enterprise,"
                                      " issued, status, created_at) VALUES (?, '测试', '责改', 2099, ?, ?,"
                                      " '2099-01-01', ?, '')", (f"测试〔2099〕{n}号", n, g["enterprise"], status)).lastrowid
                    con.executemany("INSERT INTO order_items (order_id, seq, hazard_id, description, deadline)"
                                    " VALUES (?, ?, ?, 'x', '2099-02-01')",
                                    [(oid, k, h["id"]) for k, h in enumerate(take, 1)])
            whole = orders.orderable_hazards(handle, per_page=1000)
            pages = orders.orderable_hazards(handle, per_page=2).pages
            paged = [orders.orderable_hazards(handle, page=p, per_page=2) for p in range(1, pages + 1)]
            free = ledger_orders.open_hazards(con)
        offered = sorted(h["id"] for g in whole.enterprises for h in g["hazards"])
        assert offered == sorted(h["id"] for h in free)
        assert sorted(h["id"] for p in paged for g in p.enterprises for h in g["hazards"]) == offered
        assert first["hazards"][0]["id"] not in offered and first["hazards"][1]["id"] in offered
        assert not {h["id"] for h in second["hazards"]} & set(offered)
        assert {h["id"] for h in third["hazards"]} <= set(offered)          # void: free again; by name too
        assert whole.total == len(whole.enterprises) == len({g["enterprise"] for g in whole.enterprises})
        assert [g["enterprise"] for g in whole.enterprises if g["hazards"][0]["enterprise_id"] is None] \
            == [third["enterprise"]]                                     # the one known by its name only
    finally:
        drop()
