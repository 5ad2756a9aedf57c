"""指令书 page over HTTP: issuing for chosen hazards with inspectors and deadlines, the print file, the
register with reprints and voided numbers, the 现场处理措施决定书, previews; bad input stores nothing."""
from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

from docx import Document
from openpyxl import load_workbook

from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)
from services import hazards, orders
from services.ledgers import open_ledger
from webtools import token


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def flashes(page: str) -> str:
    return " ".join(re.findall(r'<div class="flash flash-\w+" role="status">([^<]*)</div>', page))


def register(settings) -> list[dict]:
    with open_ledger(settings.ledger) as handle:
        return orders.list_orders(handle).orders


def open_ids(settings, enterprise: str) -> list[int]:
    with open_ledger(settings.ledger) as handle:
        group = next(g for g in orders.orderable_hazards(handle).enterprises if g["enterprise"] == enterprise)
    return [h["id"] for h in group["hazards"]]


ENTERPRISE = "晋城市城区兴盛化工有限公司"


def issue(client, ids, **fields):
    data = {"csrf_token": token(client), "hazard": [str(i) for i in ids], "officer_name": ["张三", "李四"],
            "officer_cert": ["14050001", "14050002"], **fields}
    return client.post("/orders/issue", data=data, follow_redirects=False)


def test_page_lists_open_hazards_by_enterprise(filled, client):
    page = client.get("/orders")
    assert page.status_code == 200 and ENTERPRISE in page.text and "出具指令书" in page.text
    assert page.text.count('name="hazard"') == 14      # 15 rows, one hazard in two returns
    assert "还没有出具过指令书" in client.get("/orders/register/rows").text
    town = client.get("/orders", params={"town": "西上庄街道"}).text
    assert town.count('name="hazard"') == 3


def test_issue_for_chosen_hazards_with_officers_and_deadlines(filled, client, settings):
    ids = open_ids(settings, ENTERPRISE)
    sent = issue(client, ids[:2], deadline="2099-01-31", **{f"deadline_{ids[1]}": "2099-02-15"})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/orders/done?")
    done = client.get(sent.headers["location"]).text
    assert "已出具：（城区）应急责改" in done and ENTERPRISE in done and "问题2项" in done
    links = re.findall(r'href="(/files/[0-9a-f]{32})" download>([^<]+)</a>', done)
    names = [n for _, n in links]
    assert any(n.startswith("指令书合并打印") for n in names) and any(n.startswith("指令书登记簿") for n in names)
    merged = client.get(next(u for u, n in links if n.startswith("指令书合并打印")))
    text = docx_text(merged.content)
    assert ENTERPRISE in text and "14050001" in text and "14050002" in text
    assert "2099年1月31日" in text and "2099年2月15日" in text
    [row] = register(settings)
    assert row["enterprise"] == ENTERPRISE and row["n_items"] == 2 and row["last_deadline"] == "2099-02-15"
    # the third hazard is still open for an order; the two ordered are not offered again
    page = client.get("/orders").text
    assert f'value="{ids[2]}"' in page and f'value="{ids[0]}"' not in page
    assert row["number"] in client.get("/orders/register/rows").text


def test_bad_input_issues_nothing(filled, client, settings):
    ids = open_ids(settings, ENTERPRISE)
    nothing = issue(client, [])
    assert nothing.headers["location"] == "/orders"
    assert "请至少选择一项隐患" in flashes(client.get("/orders").text)
    past = issue(client, ids, deadline="2020-01-01")
    assert past.headers["location"] == "/orders" and "早于出具日期" in flashes(client.get("/orders").text)
    bad_date = issue(client, ids, deadline="下个月")
    assert bad_date.headers["location"] == "/orders" and "无法识别的日期“下个月”" in flashes(client.get("/orders").text)
    lone_cert = client.post("/orders/issue", data={"csrf_token": token(client), "hazard": [str(ids[0])],
                                                   "officer_name": ["", ""], "officer_cert": ["123", ""],
                                                   "deadline": "2099-01-01"})
    assert "执法证号“123”没有对应的执法人员姓名" in flashes(lone_cert.text)
    foreign = issue(client, [99999], deadline="2099-01-01")
    assert foreign.headers["location"] == "/orders" and "没有符合条件的未整改隐患" in flashes(client.get("/orders").text)
    no_token = client.post("/orders/issue", data={"hazard": [str(ids[0])], "deadline": "2099-01-01"})
    assert no_token.status_code == 403
    assert register(settings) == []


def test_register_reprint_and_voided_numbers(filled, client, settings):
    ids = open_ids(settings, ENTERPRISE)
    issue(client, ids[:1], deadline="2099-01-31")
    issue(client, ids[1:2], deadline="2099-01-31")
    first, second = register(settings)
    with open_ledger(settings.ledger) as handle:
        hazards.void_order(handle, first["number"], "测试", "编号错误")
    assert 'hx-get="/orders/register/rows"' in client.get("/orders").text        # the register, loaded after
    page = client.get("/orders/register/rows").text
    assert "作废" in page and "编号错误" in page and second["number"] in page
    again = client.post("/orders/reprint", data={"csrf_token": token(client), "number": second["number"],
                                                 "officer_name": ["王五"], "officer_cert": ["14059999"]},
                        follow_redirects=False)
    assert again.status_code == 303
    done = client.get(again.headers["location"]).text
    assert f"已重新生成：{second['number']}" in done
    url = re.search(r'href="(/files/[0-9a-f]{32})" download>', done)[1]
    assert "14059999" in docx_text(client.get(url).content)
    void = client.post("/orders/reprint", data={"csrf_token": token(client), "number": first["number"]})
    assert "已作废，不再生成文书" in flashes(void.text)
    unknown = client.post("/orders/reprint", data={"csrf_token": token(client), "number": "<b>99</b>"})
    assert "台账中没有编号为“&lt;b&gt;99&lt;/b&gt;”的指令书" in unknown.text
    book = client.post("/orders/register", data={"csrf_token": token(client)}, follow_redirects=False)
    url = re.search(r'href="(/files/[0-9a-f]{32})" download>', client.get(book.headers["location"]).text)[1]
    ws = load_workbook(io.BytesIO(client.get(url).content)).active
    values = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    assert [r[0] for r in values[1:]] == [first["number"], second["number"]]
    assert values[1][5] == "作废（编号错误）"


def test_decision_for_an_enterprise(filled, client, settings):
    missing = client.post("/orders/decision", data={"csrf_token": token(client), "enterprise": ENTERPRISE})
    assert "现场处理措施" in flashes(missing.text)
    sent = client.post("/orders/decision", data={
        "csrf_token": token(client), "enterprise": ENTERPRISE, "measure": ["撤出人员", "暂时停产停业"],
        "problems": "", "officer_name": ["张三", ""], "officer_cert": ["14050001", ""]}, follow_redirects=False)
    assert sent.status_code == 303
    done = client.get(sent.headers["location"]).text
    assert "已出具现场处理措施决定书：（城区）应急现决" in done
    url = re.search(r'href="(/files/[0-9a-f]{32})" download>', done)[1]
    text = docx_text(client.get(url).content)
    assert ENTERPRISE in text and "责令从危险区域内撤出作业人员" in text and "14050001" in text
    # the problems default to the enterprise's open hazards in the ledger
    assert "厂房内机器设备未设置防漏电装置" in text


def test_done_page_and_previews(filled, client, settings):
    ids = open_ids(settings, ENTERPRISE)
    done = client.get(issue(client, ids[:1], deadline="2099-01-31").headers["location"])
    first = parse_qs(urlparse(str(done.url)).query)["f"][0]
    assert f'hx-get="/orders/preview/{first}"' in done.text
    fragment = client.get(f"/orders/preview/{first}")
    assert fragment.status_code == 200 and f"/orders/preview/{first}/1" in fragment.text
    png = client.get(f"/orders/preview/{first}/1")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert client.get(f"/orders/preview/{first}/1").content == png.content          # cached
    assert client.get(f"/orders/preview/{first}/0").status_code == 404
    assert client.get(f"/orders/preview/{first}/9").status_code == 404
    assert client.get("/orders/preview/" + "0" * 32 + "/1").status_code == 404
    assert client.get("/orders/preview/../../etc/passwd").status_code == 404
    assert "没有可下载的文件" in client.get("/orders/done", params={"f": "nope"}).text
