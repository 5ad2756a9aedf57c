"""通报 / 总结 and 催报: numbers read back from the .docx equal an independent recount; GB/T 9704 check."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook

from generators.gongwen.check import check_file
from generators.summary import read_roster, remind, summary
from schema.errors import InputError
from test_aggregate import build_ledger, expected_records, percent, recount

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def db(tmp_path_factory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("summary") / "台账.db")


@pytest.fixture(scope="session")
def report(db) -> Path:
    return summary(db, db.parent / "通报.docx", period="2023-03", organ="晋城市城区安全生产委员会办公室").out


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in r.cells] for r in t.rows] for t in Document(str(path)).tables]


def _n(v) -> str:
    return f"{float(v):g}"


def test_summary_numbers_equal_recount(report):
    text = _text(report)
    want = recount("campaign_stats", ["general_hazards_found", "general_hazards_fixed", "major_hazards_found",
                                      "major_hazards_fixed", "fines_wan", "ordered_rectification"])
    gf, gx = want["general_hazards_found"], want["general_hazards_fixed"]
    n_units = len(expected_records("campaign_stats"))
    assert f"共收到{n_units}个单位报送的《镇（街道）、部门大排查大整治行动统计表》" in text
    assert f"排查一般隐患{_n(gf)}项、已整改{_n(gx)}项，整改率{percent(gx, gf)}" in text
    mf, mx = want["major_hazards_found"], want["major_hazards_fixed"]
    assert f"排查重大隐患{_n(mf)}项、已整改{_n(mx)}项，整改率{percent(mx, mf)}" in text
    assert f"行政罚款{_n(want['fines_wan'])}万元" in text
    assert f"责令限期整改企业{_n(want['ordered_rectification'])}家" in text
    assert "关于2023年3月安全生产大排查大整治行动情况的通报" in text.replace("\n", "")   # title lines joined
    for heading in ("一、基本情况", "二、主要做法", "三、存在问题", "四、下步打算"):
        assert heading in text
    assert text.count("【请填写") == 3


def test_tables_agree_with_text_and_attachment(report):
    tables = _tables(report)
    by_unit = tables[0]
    total = by_unit[-1]
    want = recount("campaign_stats", ["general_hazards_found", "general_hazards_fixed"])
    assert total[0] == "合计" and total[1] == _n(want["general_hazards_found"])
    assert total[3] == percent(want["general_hazards_fixed"], want["general_hazards_found"])
    majors = {(r["enterprise"], r["description"]) for rec in expected_records("major_hazard_list")
              for r in rec["data"]["rows"]}
    attachment = tables[-1]
    assert attachment[0][:2] == ["序号", "生产经营单位"]
    assert {(r[1], r[3]) for r in attachment[1:]} == majors
    assert "2023年3月重大隐患清单" in _text(report)
    assert len(Document(str(report)).inline_shapes) == 1          # the bar chart


def test_summary_passes_the_gbt9704_checker(report):
    assert check_file(report) == []


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _body(path: Path):
    import zipfile

    from lxml import etree
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml")).find(f"{W}body")


def _ptext(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def test_tables_and_chart_have_real_captions(report):
    body = _body(report)
    tables = body.findall(f"{W}tbl")
    captions = [_ptext(t.getprevious()) for t in tables[:-1]]          # the last is the attachment's
    assert [c[:2] for c in captions] == [f"表{n}" for n in range(1, len(tables))]
    assert "各单位大排查大整治行动统计表汇总" in captions[0]
    for t in tables[:-1]:
        ppr = t.getprevious().find(f"{W}pPr")
        assert ppr.find(f"{W}jc").get(f"{W}val") == "center" and ppr.find(f"{W}keepNext").get(f"{W}val") == "1"
    picture = next(p for p in body.iter(f"{W}p") if p.find(f".//{W}drawing") is not None)
    assert _ptext(picture.getnext()).startswith("图1")
    assert not any(_ptext(p).startswith(("表1：", "图1：")) for p in body.iter(f"{W}p"))   # no plain-text captions


@pytest.fixture(scope="session")
def report_pdf(report) -> Path:
    from schema.office import to_pdf
    return to_pdf(report, keep_blank_pages=True)


def test_table_columns_fit_their_numbers(report, report_pdf):
    """Widths from the content at the 版心 width: percentages, numbers and unit names never wrap."""
    import pdfplumber
    body = _body(report)
    cells = set()
    for tbl in body.findall(f"{W}tbl"):
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        grid = [int(g.get(f"{W}w")) for g in tbl.iter(f"{W}gridCol")]
        assert abs(sum(grid) - int(tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}w"))) <= len(grid)
        assert round(sum(grid) / 56.7) in (156, 225)      # the 版心 width: portrait, or a turned page's
        assert all(tc.find(f"{W}tcPr/{W}tcW") is not None for tc in tbl.iter(f"{W}tc"))
        cells |= {_ptext(tc) for tc in tbl.iter(f"{W}tc")}
    whole = {c for c in cells if re.fullmatch(r"\d+(\.\d+)?%?|北石店镇|西上庄街道|东沟村", c)}
    assert any(c.endswith("%") for c in whole) and "西上庄街道" in whole
    with pdfplumber.open(report_pdf) as pdf:
        words = {w["text"] for pg in pdf.pages for w in pg.extract_words(keep_blank_chars=False)}
    assert whole <= words, sorted(whole - words)


def test_empty_period_still_a_valid_document(db, tmp_path, capsys):
    result = summary(db, tmp_path / "空.docx", period="2019-01", organ=None, kind="总结")
    out = result.out
    text = _text(out)
    assert "未收到各单位报送的统计表" in text and "2019年1月" in text
    assert "工作总结" in text
    assert any("没有收到任何报表" in w for w in result.warnings)
    assert capsys.readouterr() == ("", "")                  # told in the result, never printed
    assert check_file(out) == []


def _roster(path: Path, rows: list[list[str]]) -> Path:
    if path.suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(rows)
    else:
        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(path)
    return path


def test_remind_with_duplicate_and_unknown_units(db, tmp_path):
    roster = _roster(tmp_path / "名册.xlsx", [
        ["应报单位名册"], ["单位名称", "类别", "联系人", "电话"],
        ["北石店镇", "镇", "郭晓东", "0356-1"],               # reported as 北石店镇人民政府
        ["钟家庄街道办事处", "街道", "张丽", "0356-2"],
        ["北石店镇人民政府", "镇", "", ""],                   # duplicate of row 3
        ["", "", "", ""], ["南街街道办事处", "街道", "李娜", "0356-4"],
    ])
    r = remind(db, roster, period="2023-03", form_type="campaign_stats", out=tmp_path / "催报.docx", organ=None)
    assert [u.name for u in r.missing] == ["钟家庄街道办事处", "南街街道办事处"]
    assert [u.name for u in r.reported] == ["北石店镇"]
    assert any("重复" in w for w in r.warnings)
    assert any("西上庄街道" in w and "不在名册" in w for w in r.warnings)   # reported, not in the roster
    assert r.what == "《镇（街道）、部门大排查大整治行动统计表》"
    text = _text(r.out)
    assert "钟家庄街道办事处" in text and "南街街道办事处" in text and "北石店镇" not in text.split("：")[1]
    assert "15时前报送" in text
    assert check_file(r.out) == []


def test_remind_sample_roster_and_bad_rosters(db, tmp_path):
    r = remind(db, ROOT / "samples" / "roster.csv", period=None, form_type=None, out=None, organ=None)
    assert {u.name for u in r.reported} == {"北石店镇人民政府", "西上庄街道办事处"}
    assert r.out is None and len(r.missing) == 4
    with pytest.raises(InputError):
        read_roster(_roster(tmp_path / "坏.csv", [["名称x", "电话"], ["甲", "1"]]))
    with pytest.raises(InputError):
        read_roster(tmp_path / "没有.csv")


def test_chart_of_many_units_shows_those_of_most_hazards(db, monkeypatch):
    """A chart of every unit would be unreadable (173 units in a 1,000-file campaign): the CHART_UNITS units
    of the most hazards found, in table order, and the caption says so; all units when they fit."""
    import generators.summary as summary_module
    from ledger.aggregate import aggregate
    from ledger.db import connect
    con = connect(db)
    try:
        agg = aggregate(con, "2023-03")
    finally:
        con.close()
    caption, units, series = summary_module._chart_data(agg)
    assert "个单位" not in caption.split("（", 1)[1] and len(units) >= 2
    monkeypatch.setattr(summary_module, "CHART_UNITS", len(units) - 1)
    caption2, units2, series2 = summary_module._chart_data(agg)
    assert f"（隐患最多的{len(units) - 1}个单位，来源：" in caption2 and len(units2) == len(units) - 1
    found = dict(zip(units, series["排查"]))
    assert sorted(found.values(), reverse=True)[:len(units2)] == sorted(series2["排查"], reverse=True)
    assert [u for u in units if u in units2] == units2                  # table order kept
    assert all(found[u] >= v for u, v in found.items() if u not in units2 for u in units2)
    assert series2["整改"] == [series["整改"][units.index(u)] for u in units2]
