"""台账 page over HTTP: filters and paging in the services, a hazard's history, and its actions
(整改完成 → 复查 with the 复查意见书 download → 销号, 作废) with the services' Chinese errors on the page."""
from __future__ import annotations

import io
import re

import pytest
from docx import Document

from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)
from services import hazards, orders
from services.ledgers import open_ledger
from web.routes import ledger as ledger_route
from webtools import token


def rows(page: str) -> list[int]:
    """The hazard ids the list shows."""
    return [int(i) for i in re.findall(r'<td class="num"><a href="/ledger/hazards/(\d+)">', page)]


def flashes(page: str) -> list[str]:
    return re.findall(r'<div class="flash flash-\w+" role="status">([^<]*)</div>', page)


def detail(settings, hid: int) -> hazards.HazardDetail:
    with open_ledger(settings.ledger) as handle:
        return hazards.hazard_detail(handle, hid)


def find(settings, description: str) -> int:
    """The id of the sample hazard with this (unique) description."""
    with open_ledger(settings.ledger) as handle:
        found = [h["id"] for h in hazards.list_hazards(handle).hazards if h["description"] == description]
    assert len(found) == 1, description
    return found[0]


def issue_order(settings, ids: list[int]) -> str:
    with open_ledger(settings.ledger) as handle:
        res = orders.issue_orders(handle, settings.data_dir / "orders", hazard_ids=ids, deadline="2099-01-31")
    return res.orders[0].number


def test_filters_by_town_status_overdue_and_period(filled, client, settings):
    with open_ledger(settings.ledger) as handle:
        every = hazards.list_hazards(handle).hazards
    page = client.get("/ledger")
    assert page.status_code == 200 and "共 14 项隐患" in page.text and len(rows(page.text)) == 14
    town = client.get("/ledger", params={"town": "北石店镇"}).text
    assert sorted(rows(town)) == sorted(h["id"] for h in every if h["town"] == "北石店镇") and rows(town)
    overdue = rows(client.get("/ledger", params={"overdue": "1"}).text)
    assert sorted(overdue) == sorted(h["id"] for h in every if h["overdue"]) and 0 < len(overdue) < 14
    supervised = rows(client.get("/ledger", params={"supervised": "1"}).text)
    assert sorted(supervised) == sorted(h["id"] for h in every if h["supervised"]) and supervised
    assert rows(client.get("/ledger", params={"period": "2023-03-12..2023-03-12"}).text) == \
        [h["id"] for h in every if h["found_date"] == "2023-03-12"]
    assert rows(client.get("/ledger", params={"status": "closed"}).text) == []
    assert "没有符合条件的隐患" in client.get("/ledger", params={"town": "不存在的镇"}).text
    # dates as people write them, no ISO dates shown
    assert "2023年3月20日" in town and "2023-03-20" not in town


def test_bad_filters_are_said_on_the_page(filled, client):
    bad = client.get("/ledger", params={"period": "三月份"})
    assert bad.status_code == 400 and "统计期“三月份”无法识别" in bad.text and "台账" in bad.text
    assert client.get("/ledger", params={"page": "x"}).status_code == 400
    unknown = client.get("/ledger", params={"status": "<b>x</b>"})      # an unknown status is ignored
    assert unknown.status_code == 200 and "<b>x</b>" not in unknown.text


def test_pages_keep_the_filters(filled, client, monkeypatch):
    monkeypatch.setattr(ledger_route, "PER_PAGE", 3)      # 北石店镇: 8 hazards
    first = client.get("/ledger", params={"town": "北石店镇"}).text
    assert "第 1 / 3 页" in first and len(rows(first)) == 3
    link = re.search(r'href="([^"]+)" rel="next"', first)[1].replace("&amp;", "&")
    assert "town=" in link and "page=2" in link
    second = client.get(link).text
    assert "第 2 / 3 页" in second and not set(rows(second)) & set(rows(first))
    last = client.get("/ledger", params={"town": "北石店镇", "page": 3}).text
    assert len(rows(last)) == 2 and 'rel="next"' not in last
    assert rows(client.get("/ledger", params={"page": 99}).text) == []


def test_enterprise_list(filled, client):
    page = client.get("/ledger", params={"view": "enterprises", "town": "西上庄街道"})
    assert page.status_code == 200 and "共 1 家企业" in page.text and "晋城市城区兴盛化工有限公司" in page.text
    assert "晋城市城区宏达建材有限公司" not in page.text


def test_hazard_history_and_foreign_ids(filled, client, settings):
    page = client.get(f"/ledger/hazards/{find(settings, '配电箱未设置漏电保护装置')}")
    assert page.status_code == 200 and "配电箱未设置漏电保护装置" in page.text
    assert "办理记录" in page.text and "发现登记" in page.text and "整改完成" in page.text
    missing = client.get("/ledger/hazards/999")
    assert missing.status_code == 404 and "台账中没有编号为 999 的隐患" in missing.text
    assert client.get("/ledger/hazards/abc").status_code == 400
    assert client.post("/ledger/hazards/999/rectify", data={"csrf_token": token(client)}).status_code == 404


def test_rectify_needs_the_token_and_reports_errors(filled, client, settings):
    a, b = find(settings, "配电箱未设置漏电保护装置"), find(settings, "消防通道堆放杂物")
    refused = client.post(f"/ledger/hazards/{a}/rectify", data={"note": "已整改"})
    assert refused.status_code == 403 and detail(settings, a).hazard["status"] == "open"
    done = client.post(f"/ledger/hazards/{a}/rectify", data={"csrf_token": token(client), "note": "已加装",
                                                           "on": "2023-03-18", "actor": "李四"})
    assert done.status_code == 200 and f"隐患 {a} 已标记整改完成" in done.text
    d = detail(settings, a)
    assert d.hazard["status"] == "rectified" and d.events[-1]["actor"] == "李四"
    assert "2023-03-18 整改完成：已加装" in d.events[-1]["note"]
    again = client.post(f"/ledger/hazards/{a}/rectify", data={"csrf_token": token(client)})
    assert "不能再标记整改完成" in " ".join(flashes(again.text))
    bad_date = client.post(f"/ledger/hazards/{b}/rectify", data={"csrf_token": token(client), "on": "昨天"})
    assert "无法识别的日期“昨天”" in " ".join(flashes(bad_date.text))
    assert detail(settings, b).hazard["status"] == "open"


def test_recheck_gives_the_opinion_then_close(filled, client, settings):
    a, b = find(settings, "配电箱未设置漏电保护装置"), find(settings, "消防通道堆放杂物")
    number = issue_order(settings, [a, b])
    page = client.get(f"/ledger/hazards/{a}").text
    assert number in page and f'name="result_{b}"' in page
    # a 复查 must give every pending item a result: nothing is stored otherwise
    half = client.post(f"/ledger/hazards/{a}/recheck", data={"csrf_token": token(client), f"result_{a}": "passed"})
    assert f"第2项（隐患 {b}）未给出复查结果" in " ".join(flashes(half.text))
    assert detail(settings, a).hazard["status"] == "open"
    done = client.post(f"/ledger/hazards/{a}/recheck", data={"csrf_token": token(client), f"result_{a}": "passed",
                                                           f"result_{b}": "failed", "actor": "张三"},
                       follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert "已记录复查" in page and "1项通过，1项未通过" in page
    link = re.search(r'href="(/files/[0-9a-f]{32})" download>下载 ([^<]+)</a>', page)
    assert link and "整改复查意见书" in link[2]
    opinion = client.get(link[1])
    assert opinion.status_code == 200 and "attachment" in opinion.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(opinion.content)).paragraphs)
    tables = " ".join(c.text for t in Document(io.BytesIO(opinion.content)).tables for r in t.rows for c in r.cells)
    assert "整改复查意见书" in text + tables and number in text + tables
    assert detail(settings, a).hazard["status"] == "rechecked" and detail(settings, b).hazard["status"] == "open"
    closed = client.post(f"/ledger/hazards/{a}/close", data={"csrf_token": token(client)})
    assert f"隐患 {a} 已销号" in closed.text and detail(settings, a).hazard["status"] == "closed"
    refused = client.post(f"/ledger/hazards/{b}/close", data={"csrf_token": token(client)})
    assert "尚未复查通过，不能销号" in " ".join(flashes(refused.text))


def test_void_the_order(filled, client, settings):
    a = find(settings, "燃气管道未设置可燃气体报警装置")
    number = issue_order(settings, [a])
    empty = client.post(f"/ledger/hazards/{a}/void", data={"csrf_token": token(client), "reason": "  "})
    assert "请填写作废原因" in " ".join(flashes(empty.text)) and detail(settings, a).order["status"] == "issued"
    voided = client.post(f"/ledger/hazards/{a}/void", data={"csrf_token": token(client), "reason": "企业名称有误"})
    assert f"已作废：{number}" in voided.text
    d = detail(settings, a)
    assert d.order["status"] == "void" and d.hazard["order_number"] is None
    assert d.events[-1]["action"] == "order_void"
    # the hazard is free for a new order, and there is no order left to void or recheck
    assert "没有有效的指令书" in " ".join(flashes(client.post(f"/ledger/hazards/{a}/void", data={
        "csrf_token": token(client), "reason": "再次"}).text))
    assert "没有有效的指令书" in " ".join(flashes(client.post(f"/ledger/hazards/{a}/recheck", data={
        "csrf_token": token(client), f"result_{a}": "passed"}).text))


def test_user_text_is_escaped(filled, client, settings):
    a = find(settings, "熔炼炉冷却水系统无应急水源")
    client.post(f"/ledger/hazards/{a}/rectify", data={"csrf_token": token(client), "note": "<script>alert(1)</script>"})
    page = client.get(f"/ledger/hazards/{a}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
