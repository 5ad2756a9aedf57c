"""The services behind the 台账 / 指令书 / 报表 pages, called directly: paged and filtered hazard and
enterprise lists (in SQL, on the indexes of migration 018), hazard detail, orders for chosen hazards with
deadlines and officers, 现场处理措施决定书, cached previews, workbook tables."""
from __future__ import annotations

import shutil

import pytest
from docx import Document

from ledger import queries
from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)
from schema.errors import InputError, PaichaError
from services import hazards, orders, reports
from services.ledgers import open_ledger


@pytest.fixture
def handle(filled):
    with open_ledger(filled) as h:
        yield h


def test_pages_cover_the_list_once_in_deadline_order(handle):
    every = hazards.list_hazards(handle)
    assert every.total == len(every.hazards) == 14 and every.pages == 1   # 15 rows, one hazard in two returns
    paged = [hazards.list_hazards(handle, page=n, per_page=4) for n in (1, 2, 3, 4)]
    assert [p.pages for p in paged] == [4] * 4 and [len(p.hazards) for p in paged] == [4, 4, 4, 2]
    assert [h["id"] for p in paged for h in p.hazards] == [h["id"] for h in every.hazards]
    deadlines = [h["deadline"] for h in every.hazards]
    dated = [d for d in deadlines if d]
    assert deadlines == dated + [None] * (14 - len(dated)) and dated == sorted(dated)
    assert hazards.list_hazards(handle, page=9, per_page=4).hazards == []


def test_filters_combine(handle):
    every = hazards.list_hazards(handle, today="2023-03-15").hazards
    got = hazards.list_hazards(handle, town="北石店镇", industry="建材", today="2023-03-15")
    assert sorted(h["id"] for h in got.hazards) == sorted(
        h["id"] for h in every if h["town"] == "北石店镇" and h["industry"] == "建材") and got.total
    overdue = hazards.list_hazards(handle, overdue=True, today="2023-03-15").hazards
    assert overdue and all(h["deadline"] < "2023-03-15" and h["status"] == "open" for h in overdue)
    week = hazards.list_hazards(handle, period="2023-W11").hazards        # 2023-03-13 … 03-19
    assert week and all("2023-03-13" <= h["found_date"] <= "2023-03-19" for h in week)
    with pytest.raises(InputError, match="统计期“2023-W60”"):
        hazards.list_hazards(handle, period="2023-W60")
    assert hazards.hazard_filters(handle) == {key: sorted({h[key] for h in every if h[key]})
                                              for key in ("town", "industry")}
    assert "北石店镇" in hazards.hazard_filters(handle)["town"]
    firms = hazards.list_enterprises(handle, town="北石店镇", per_page=2)
    assert firms.total == 3 and firms.pages == 2 and len(firms.enterprises) == 2
    assert sum(e["hazards"] for e in hazards.list_enterprises(handle).enterprises) == 14


def test_filters_use_their_indexes(handle):
    """The 100,000-hazard case stays fast because each filter reads its index (no full scan, no sort of
    every match for 逾期): what the planner does, not a timing."""
    def plan(filters):
        where, args = queries._hazard_where(filters, "2026-01-01", None, None)
        order = queries._hazard_order(filters, where)
        return " | ".join(r[3] for r in handle.con.execute(
            f"EXPLAIN QUERY PLAN SELECT h.* FROM hazards h WHERE {where} ORDER BY {order} LIMIT 50", args))
    assert "SEARCH h USING" in plan({"town": "北石店镇"}) and "(town=?)" in plan({"town": "北石店镇"})
    assert "SEARCH h USING" in plan({"industry": "化工"}) and "(industry=?)" in plan({"industry": "化工"})
    overdue = plan({"overdue": True})             # 018's index, or 022's that carries active too
    assert "(status=? AND deadline>? AND deadline<?)" in overdue and "TEMP B-TREE" not in overdue
    town_open = plan({"town": "北石店镇", "status": "open"})      # migration 022: both terms from one index
    assert "hazards_town_status (town=? AND status=?)" in town_open
    status = plan({"status": "open"})                             # 022: in the list's order, no sort of 40 % of all
    assert "hazards_status_order (status=?)" in status and "TEMP B-TREE" not in status
    def ids(filters, since=None, until=None):
        where, args = queries._hazard_where(filters, "2026-01-01", since, until)
        return " | ".join(r[3] for r in handle.con.execute(
            f"EXPLAIN QUERY PLAN SELECT h.id FROM hazards h WHERE {where} ORDER BY"
            f" {queries._hazard_order(filters, where)} LIMIT 50", args))
    # the page's ids chosen from the index alone (hazard_page then reads their 50 rows only)
    assert "COVERING INDEX hazards_industry_status (industry=? AND status=?)" in ids({"industry": "化工", "status": "open"})
    assert "COVERING INDEX hazards_found_order" in ids({}, "2023-03-01", "2023-03-31")     # the period's
    assert "hazards_supervised_" in plan({"supervised": True})        # 018's partial index, or 022's
    assert "hazards_supervised_status (status=?)" in plan({"supervised": True, "status": "open"})
    unfiltered = plan({})                      # migration 021: the order's own index, no sort of every hazard
    assert "hazards_deadline_order" in unfiltered and "TEMP B-TREE" not in unfiltered


def test_hazard_detail(handle):
    h = hazards.list_hazards(handle, town="西上庄街道").hazards[0]
    d = hazards.hazard_detail(handle, h["id"])
    assert d.hazard["description"] == h["description"] and d.order is None and d.events[0]["action"] == "found"
    with pytest.raises(PaichaError) as e:
        hazards.hazard_detail(handle, 99999)
    assert e.value.code == "not_found"


def test_orders_for_chosen_hazards_deadlines_and_officers(handle, tmp_path):
    group = next(g for g in orders.orderable_hazards(handle).enterprises if g["enterprise"] == "晋城市城区兴盛化工有限公司")
    ids = [h["id"] for h in group["hazards"]]
    officers = orders.officers_of(["张三", ""], ["14050001", ""])
    assert officers == [{"name": "张三", "cert_no": "14050001"}, {"name": "", "cert_no": ""}]
    res = orders.issue_orders(handle, tmp_path, hazard_ids=ids[:2], deadline="2099-01-31",
                              deadlines={ids[1]: "2099年2月15日"}, officers=officers)
    [issued] = res.orders
    assert issued.n_items == 2 and issued.deadlines == ["2099-01-31", "2099-02-15"]
    text = "\n".join(c.text for t in Document(str(issued.path)).tables for r in t.rows for c in r.cells)
    assert "14050001" in text
    left = [h["id"] for g in orders.orderable_hazards(handle).enterprises for h in g["hazards"]]
    assert ids[2] in left and ids[0] not in left and ids[1] not in left
    assert [o["status_label"] for o in orders.list_orders(handle).orders] == ["已下达"]
    with pytest.raises(InputError, match="请至少选择一项隐患"):
        orders.issue_orders(handle, tmp_path, hazard_ids=[])
    with pytest.raises(InputError, match="没有对应的执法人员姓名"):
        orders.officers_of(["", ""], ["1", ""])
    assert orders.officers_of(["", ""], ["", ""]) == []


def test_decision_and_previews(handle, tmp_path):
    assert orders.decision_measures()["撤出人员"] == "责令从危险区域内撤出作业人员"
    with pytest.raises(InputError):
        orders.issue_decision(handle, tmp_path, "晋城市城区兴盛化工有限公司", [])
    doc = orders.issue_decision(handle, tmp_path, "晋城市城区兴盛化工有限公司", ["立即排除"], issued="2026-01-05")
    assert doc.number == "（城区）应急现决〔2026〕1号" and doc.path.exists()
    cache = tmp_path / "cache"
    [png] = orders.preview_pages(doc.path, cache, pages=3)      # a one-page document: one image
    assert png.read_bytes()[:4] == b"\x89PNG"
    png.write_bytes(b"cached")                                  # a second call reads the cache
    copy = shutil.copy(doc.path, tmp_path / "copy.docx")
    assert orders.preview_pages(copy, cache, pages=3) == [png] and png.read_bytes() == b"cached"


def test_workbook_tables(handle, tmp_path):
    out = reports.statistics_workbook(handle, tmp_path / "s.xlsx", "2023-03").out
    tables = {t.title: t for t in reports.workbook_tables(out, max_rows=5)}
    register = tables["隐患台账"]
    assert register.rows[0][0] == "隐患台账（2023年3月，共14项）" and register.more == 16 - 5
    assert all(len(r) == len(register.rows[0]) for r in register.rows)


def test_filter_lists_name_active_hazards_only(handle):
    assert "钟家庄街道" in hazards.hazard_filters(handle)["town"]
    handle.con.execute("UPDATE hazards SET active = 0 WHERE town = '钟家庄街道'")
    assert "钟家庄街道" not in hazards.hazard_filters(handle)["town"]
