"""核对 page over HTTP: the queue, the cell in its table, confirm / correct / refuse, who and why, 404s."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from services import returns, review
from services.ledgers import open_ledger
from webtools import ROOT, token

REGISTER = ROOT / "samples/returns/钟家庄街道/摸底登记表-晋城市城区鑫源机械加工厂.xlsx"   # credit code checksum
STATS = ROOT / "samples/returns/西上庄街道/大排查大整治行动统计表.xlsx"     # fixed > found
CODE = "data.credit_code"


@pytest.fixture
def flagged(settings):
    with open_ledger(settings.ledger) as ledger:
        returns.parse_batch([REGISTER, STATS], ledger=ledger, workers=1)
        return ledger.con.execute("SELECT id FROM records WHERE form_type = 'enterprise_register'").fetchone()[0]


def queue_size(settings) -> int:
    with open_ledger(settings.ledger) as ledger:
        return len(review.flagged_fields(ledger).fields)


def corrections(settings) -> list:
    with open_ledger(settings.ledger) as ledger:
        return [dict(r) for r in ledger.con.execute("SELECT * FROM corrections ORDER BY id")]


def test_queue_shows_the_field_in_its_table(client, settings, flagged):
    page = client.get("/review")
    assert page.status_code == 200
    text = page.text
    assert queue_size(settings) >= 2 and f"待核对 {queue_size(settings)} 处" in text and "第 1 / " in text and "统一社会信用代码" in text and "校验位不符" in text
    assert "92140502MA0GUL4X15" in text                                  # value and raw reading
    hit = re.search(r'<td[^>]*class="hit"[^>]*>([^<]*)</td>', text)
    assert hit and hit[1] == "92140502MA0GUL4X15"                          # the cell marked in its table
    assert "第 2 行第 2 列" in text and 'autofocus' in text and "/static/review.js" in text
    assert client.get(f"/review/cell/{flagged}.png", params={"path": CODE}).status_code == 404   # no scan


def test_accept_with_reviewer_and_reason(client, settings, flagged):
    t = token(client)
    before = queue_size(settings)
    client.post("/review/reviewer", data={"csrf_token": t, "reviewer": "李  秘书"})
    page = client.post("/review/decide", data={"csrf_token": t, "record_id": flagged, "path": CODE, "at": 0,
                                               "value": "", "reason": "与原件核对无误"})
    assert page.status_code == 200 and "已确认无误" in page.text and queue_size(settings) == before - 1
    assert "校验位不符" not in page.text.split("全部待核对")[-1]
    [c] = corrections(settings)
    assert (c["action"], c["actor"], c["reason"], c["path"]) == ("accepted", "李 秘书", "与原件核对无误", CODE)


def test_refused_value_changes_nothing_and_foreign_ids_are_404(client, settings, flagged):
    t = token(client)
    page = client.post("/review/decide", data={"csrf_token": t, "record_id": flagged, "path": CODE, "at": 0,
                                               "value": "12345"})
    assert page.status_code == 200 and "统一社会信用代码" in page.text and "flash-error" in page.text
    assert corrections(settings) == [] and "校验位不符" in page.text
    for record_id, path in ((999, CODE), (flagged, "data.nothing_here")):
        answer = client.post("/review/decide", data={"csrf_token": t, "record_id": record_id, "path": path, "value": "1"})
        assert answer.status_code == 404
    assert client.post("/review/decide", data={"csrf_token": t, "record_id": "abc", "path": CODE}).status_code == 400
    answer = client.post("/review/decide", data={"record_id": flagged, "path": CODE, "value": ""})
    assert answer.status_code == 403
    assert client.post("/review/suspects/999/accept", data={"csrf_token": t}).status_code == 404
    assert client.post("/review/suspects/999/maybe", data={"csrf_token": t}).status_code == 404
    assert client.get("/review/cell/999.png", params={"path": CODE}).status_code == 404
    assert corrections(settings) == []


def test_a_corrected_count_is_in_the_statistics_workbook(client, settings, flagged):
    with open_ledger(settings.ledger) as ledger:
        rid = ledger.con.execute("SELECT id FROM records WHERE form_type = 'campaign_stats'").fetchone()[0]
    t = token(client)
    page = client.post("/review/decide", data={"csrf_token": t, "record_id": rid, "path": "data.rows[0].general_hazards_found",
                                               "value": "４７", "reason": "按原件更正"})
    assert "已更正：25 → 47" in page.text
    book = client.get("/review/statistics")
    assert book.status_code == 200 and book.headers["content-disposition"].startswith("attachment;")
    wb = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True)
    [row] = [r for r in wb.worksheets[0].iter_rows(values_only=True) if r[0] == "西上庄街道"]
    assert row[2] == 47                                   # 一般隐患 排查, as corrected
    # the record's history on the page: who, old, new, why
    history = client.get(f"/review?at={queue_size(settings) - 1}").text
    assert "更正" in history and "按原件更正" in history and "本机用户" in history


def test_the_whole_queue_listed_a_block_at_a_time(client, settings, flagged, monkeypatch):
    """The list of every flagged field shows the block the current one is in (not the whole queue, which
    runs to thousands of fields), with links to the blocks before and after."""
    from web.routes import review as review_route
    monkeypatch.setattr(review_route, "QUEUE_ROWS", 2)
    size = queue_size(settings)
    assert size >= 3
    page = client.get("/review", params={"at": 2}).text
    listed = page.split("全部待核对")[-1]
    assert f"第 3–{min(4, size)} 处，共 {size} 处" in listed
    assert re.findall(r'<a href="/review\?at=(\d+)">\d+</a>', listed) == [str(n) for n in range(2, min(4, size))]
    assert 'href="/review?at=0" rel="prev">前 2 处' in listed
    assert ('rel="next"' in listed) == (size > 4)
    last = client.get("/review", params={"at": size + 5}).text        # past the end: the last block
    assert "已到队尾" in last and f"共 {size} 处" in last.split("全部待核对")[-1]


def test_a_block_of_the_queue_is_the_same_slice_of_the_whole_queue(settings, flagged):
    """flagged_block reads only the records its rows are in (by their warning counts) and must give exactly
    the rows flagged_fields gives there, at every edge: inside one record, across records, past the end."""
    from services.accounts import UNIT, Principal
    with open_ledger(settings.ledger) as handle:
        every = review.flagged_fields(handle).fields
        assert len(every) >= 3
        for start, stop in [(0, 1), (0, 2), (1, 3), (2, len(every)), (0, len(every) + 5), (len(every) - 1, len(every)),
                            (len(every), len(every) + 3), (0, 0)]:
            got = review.flagged_block(handle, start, stop)
            assert got.total == len(every) and got.fields == every[start:stop], (start, stop)
        name = handle.con.execute("SELECT reporting_unit FROM records WHERE warnings > 0 AND reporting_unit != ''"
                                  " ORDER BY id DESC").fetchone()[0]
        unit = Principal("u", UNIT, unit=name)                   # a 填报单位 sees its own records' fields
        mine = review.flagged_fields(handle, scope=unit).fields
        assert 0 < len(mine) < len(every)
        got = review.flagged_block(handle, 0, 3, scope=unit)
        assert got.total == len(mine) and got.fields == mine[:3]


def test_every_ocr_warning_code_has_a_chinese_label():
    """The 核对 page names each warning code the OCR checks give (parsers/ocr): none shown as a bare code."""
    emitted = set()
    for path in (ROOT / "parsers").rglob("*.py"):
        emitted |= set(re.findall(r"warn\([^\n]*?\"(ocr_[a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert {"ocr_corrected", "ocr_ambiguous", "ocr_unread"} <= emitted      # the scan finds them
    missing = sorted(c for c in emitted if not re.search(r"[\u4e00-\u9fff]", review.CODE_LABELS.get(c, "")))
    assert not missing
