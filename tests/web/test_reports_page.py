"""报表 page over HTTP: the statistics workbook of a period shown as tables, 催报 from an uploaded roster,
the 通报 draft with its page previews; bad periods and rosters said in Chinese."""
from __future__ import annotations

import io
import re
import shutil

from docx import Document
from openpyxl import Workbook, load_workbook

from sample_ledger import ROOT, filled, sample_ledger  # noqa: F401  (fixtures)
from webtools import token

ROSTER = ROOT / "samples" / "roster.csv"


def download_links(page: str) -> list[tuple[str, str]]:
    return re.findall(r'href="(/files/[0-9a-f]{32})" download>([^<]+)</a>', page)


def test_workbook_of_a_period(filled, client):
    assert client.get("/reports").status_code == 200
    sent = client.post("/reports/workbook", data={"csrf_token": token(client), "period": "2023-03"},
                       follow_redirects=False)
    assert sent.status_code == 303
    page = client.get(sent.headers["location"]).text
    assert "隐患台账（2023年3月，共14项）" in page and "配电箱未设置漏电保护装置" in page
    [(url, name)] = download_links(page)
    assert name.startswith("下载 统计表（2023年3月）")
    wb = load_workbook(io.BytesIO(client.get(url).content))
    assert "隐患台账" in wb.sheetnames
    # an ISO week without returns: the tables are there, with no hazard rows
    week = client.post("/reports/workbook", data={"csrf_token": token(client), "period": "2024-W10"})
    assert week.status_code == 200 and "2024年第10周" in week.text and "配电箱未设置漏电保护装置" not in week.text


def test_bad_period_and_missing_file(filled, client):
    bad = client.post("/reports/workbook", data={"csrf_token": token(client), "period": "2023-13"})
    assert bad.status_code == 400 and "统计期“2023-13”的月份不存在" in bad.text
    assert client.post("/reports/workbook", data={"period": "2023-03"}).status_code == 403
    gone = client.get("/reports/workbook", params={"f": "0" * 32})
    assert "找不到该统计表" in gone.text


def test_remind_from_a_csv_or_xlsx_roster(filled, client, tmp_path):
    with open(ROSTER, "rb") as f:
        page = client.post("/reports/remind", data={"csrf_token": token(client), "period": "2023-03"},
                           files={"roster": ("名册.csv", f, "text/csv")})
    assert page.status_code == 200 and "催报：2023年3月" in page.text
    missing = re.search(r'<table class="dense" id="missing">.*?</table>', page.text, re.S)[0]
    assert "南街街道办事处" in missing and "北石店镇人民政府" not in missing
    [(url, name)] = download_links(page.text)
    notice = "\n".join(p.text for p in Document(io.BytesIO(client.get(url).content)).paragraphs)
    assert "南街街道办事处" in notice
    wb = Workbook()
    wb.active.append(["单位名称"])
    wb.active.append(["北石店镇人民政府"])
    wb.save(tmp_path / "r.xlsx")
    with open(tmp_path / "r.xlsx", "rb") as f:
        page = client.post("/reports/remind", data={"csrf_token": token(client), "period": "2023-03"},
                           files={"roster": ("r.xlsx", f)})
    assert "均已报送，无需催报" in page.text


def test_bad_rosters(filled, client, tmp_path):
    def send(name, content):
        return client.post("/reports/remind", data={"csrf_token": token(client), "period": "2023-03"},
                           files={"roster": (name, content)})
    assert "名册文件为空" in send("a.csv", b"").text
    assert "名册应为 .csv 或 .xlsx 文件" in send("a.csv", b"\x00\x01\xff\xfe\x00\x00binary").text
    assert "单位名称" in send("a.csv", "名称,电话\n甲,1\n".encode()).text
    none = client.post("/reports/remind", data={"csrf_token": token(client), "period": "2023-03"})
    assert none.status_code == 400 and "请选择名册文件" in none.text
    shutil.copy(ROSTER, tmp_path / "r.csv")
    with open(tmp_path / "r.csv", "rb") as f:
        bad_period = client.post("/reports/remind", data={"csrf_token": token(client), "period": "x"},
                                 files={"roster": ("r.csv", f)})
    assert bad_period.status_code == 400 and "统计期“x”无法识别" in bad_period.text


def test_summary_draft_and_its_pages(filled, client):
    sent = client.post("/reports/summary", data={"csrf_token": token(client), "period": "2023-03", "kind": "通报",
                                                 "doc_number": "城安办〔2023〕15号"}, follow_redirects=False)
    assert sent.status_code == 303
    page = client.get(sent.headers["location"]).text
    [(url, name)] = download_links(page)
    assert name == "通报（2023年3月）.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(client.get(url).content)).paragraphs)
    assert "通报" in text and "城安办〔2023〕15号" in text
    file_id = url.rsplit("/", 1)[1]
    fragment = client.get(f"/reports/preview/{file_id}")
    assert fragment.status_code == 200 and f"/reports/preview/{file_id}/1" in fragment.text
    assert client.get(f"/reports/preview/{file_id}/1").content[:4] == b"\x89PNG"
    bad = client.post("/reports/summary", data={"csrf_token": token(client), "period": "2023-03", "kind": "简报"})
    assert bad.status_code == 400 and "文种“简报”不支持" in bad.text
