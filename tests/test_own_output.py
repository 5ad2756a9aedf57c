"""paicha's own outputs are never read back as returns; forms sent out to be filled in are (issue 9).
Chart labels are drawn as typed, never as math text."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from generators.chart import bar_figure
from generators.forms import blank_form, draw_form
from generators.gongwen.notice import notice
from generators.order import issue_orders
from generators.records_xlsx import write_records_xlsx
from generators.stats import write_stats_workbook
from generators.summary import remind, summary
from ledger.aggregate import unit_name
from ledger.db import connect
from parsers.pipeline import expand, parse
from parsers.readers import read_file
from parsers.readers.archive import FORM_SUFFIXES
from parsers.readers.own import is_own_output
from parsers.recognize import records_from_document
from schema.errors import OwnOutput
from test_order import add_hazard

ROOT = Path(__file__).resolve().parent.parent
RETURNS = ROOT / "samples" / "returns"
HOSTILE_UNITS = ["$x^{$镇人民政府", "<b>\n"]
ORGAN = "晋城市城区安全生产委员会办公室"
DRAFT_HEAD = """---
发文机关: 晋城市城区应急管理局
发文字号: 城应急发〔2023〕7号
标题: 关于开展安全生产大排查大整治行动的通知
主送机关: 各镇（街道）
成文日期: 2023年3月2日
"""


def _campaign_return() -> dict:
    line = next(ln for ln in (RETURNS / "expected.jsonl").read_text(encoding="utf-8").splitlines()
                if '"campaign_stats"' in ln)
    return json.loads(line)


def assert_own(path: Path, what: str) -> None:
    with pytest.raises(OwnOutput) as info:
        read_file(path)
    assert info.value.code == "own_output"
    assert info.value.message == f"{path}：本工具生成的文件（{what}），已跳过"


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> dict:
    """Two units with hostile names return the 统计表; the batch writes its workbook into the input folder."""
    tmp = tmp_path_factory.mktemp("own")
    src = tmp / "returns"
    src.mkdir()
    rec = _campaign_return()
    for i, unit in enumerate(HOSTILE_UNITS):
        draw_form("campaign_stats", src / f"统计表{i}.docx", rec["data"], {**rec["header"], "reporting_unit": unit})
    db, xlsx = tmp / "台账.db", src / "汇总.xlsx"
    first = parse([src], db=db, xlsx=xlsx, workers=1, progress=False)
    assert first.files_failed == 0 and first.records == 2, first.errors
    return {"tmp": tmp, "src": src, "db": db, "xlsx": xlsx, "first": first}


# --- outputs are refused -----------------------------------------------------------------------

def test_second_run_does_not_read_its_own_workbook(returns):
    again = parse([returns["src"]], db=returns["tmp"] / "第二次.db", workers=1, progress=False)
    assert again.records == returns["first"].records == 2
    assert again.ledger["new"] == 2 and not again.errors
    assert_own(returns["xlsx"], "汇总表")


def test_stats_workbook_is_refused(returns):
    out = write_stats_workbook(returns["db"], returns["tmp"] / "统计.xlsx")
    assert_own(out, "统计表")


def test_summary_is_refused_and_its_chart_draws_hostile_names(returns):
    out = summary(returns["db"], returns["tmp"] / "通报.docx", period=None, organ=ORGAN).out
    assert_own(out, "通报/总结")
    doc = Document(str(out))
    assert len(doc.inline_shapes) == 1                       # the chart was drawn
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert {unit_name(u) for u in HOSTILE_UNITS} <= cells


def test_orders_and_register_are_refused(tmp_path):
    db = tmp_path / "台账.db"
    con = connect(db)
    add_hazard(con, "晋城市城区甲建材有限公司", "成品库安全出口上锁", "2023-03-20")
    con.commit()
    con.close()
    result = issue_orders(db=db, out_dir=tmp_path / "out", actor="李四", issued="2023-03-10")
    assert result.orders
    for o in result.orders:
        assert_own(o.path, "执法文书")
    assert_own(result.merged, "执法文书")
    assert_own(result.register, "指令书登记簿")


def test_notice_and_its_pdf_are_refused(tmp_path):
    draft = tmp_path / "通知.md"
    draft.write_text(DRAFT_HEAD + "---\n请各单位于3月10日前报送统计表。\n", encoding="utf-8")
    out = notice(draft, pdf=True)
    assert_own(out, "通知")
    assert_own(out.with_suffix(".pdf"), "通知")


def test_remind_notice_is_refused(returns, tmp_path):
    roster = tmp_path / "名册.csv"
    roster.write_text("单位名称\n北石店镇人民政府\n", encoding="utf-8")
    result = remind(returns["db"], roster, None, None, tmp_path / "催报.docx", ORGAN)
    assert_own(result.out, "催报通知")


def test_zip_member_output_is_skipped_and_the_rest_read(returns, tmp_path):
    archive = tmp_path / "报送.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(returns["src"] / "统计表0.docx", "统计表.docx")
        z.write(returns["xlsx"], "汇总.xlsx")
    errors = []
    docs = read_file(archive, errors=errors)
    assert len(docs) == 1 and docs[0].path == f"{archive}!统计表.docx"
    assert [(e.code, e.message) for e in errors] == \
        [("own_output", f"{archive}!汇总.xlsx：本工具生成的文件（汇总表），已跳过")]


# --- what is sent out to be filled in, and other people's files, are read -----------------------

def _fill_docx(path: Path, label: str, value: str) -> None:
    doc = Document(str(path))
    row = next(r for t in doc.tables for r in t.rows if r.cells[0].text == label)
    row.cells[1].text = value
    doc.save(str(path))


def _fill_xlsx(path: Path, label: str, value: str) -> None:
    wb = load_workbook(path)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == label)
    ws.cell(cell.row, cell.column + 1).value = value
    wb.save(path)


@pytest.mark.parametrize("suffix, fill", [(".docx", _fill_docx), (".xlsx", _fill_xlsx)])
def test_blank_form_filled_in_is_a_return(tmp_path, suffix, fill):
    path = blank_form("enterprise_register", tmp_path / f"摸底登记表{suffix}")
    fill(path, "单位名称", "晋城市城区宏达建材有限公司")
    assert is_own_output(path) is None
    records = [r for doc in read_file(path) for r in records_from_document(doc)]
    assert [(r.form_type, r.data["name"]) for r in records] == [("enterprise_register", "晋城市城区宏达建材有限公司")]


def test_notice_with_form_attachment_is_not_marked(tmp_path):
    draft = tmp_path / "通知.md"
    draft.write_text(DRAFT_HEAD + "附件:\n- {名称: 生产经营单位摸底登记表, 表: enterprise_register}\n---\n"
                     "请各单位填写附件后报送。\n", encoding="utf-8")
    out = notice(draft)
    assert is_own_output(out) is None
    assert read_file(out)


def test_third_party_files_naming_paicha_are_read(tmp_path):
    doc = Document()
    doc.add_paragraph("排查整治工作方案")
    props = doc.core_properties
    props.title, props.author, props.keywords = "paicha 汇总表", "paicha", "paicha paicha-output paicha-output-x"
    doc.save(str(tmp_path / "方案.docx"))
    wb = Workbook()
    wb.active["A1"] = "单位名称"
    wb.properties.title, wb.properties.creator, wb.properties.keywords = "paicha", "paicha", "paicha-outputs-stats"
    wb.save(tmp_path / "表.xlsx")
    for name in ("方案.docx", "表.xlsx"):
        assert is_own_output(tmp_path / name) is None
        assert read_file(tmp_path / name)


def test_ledger_and_jsonl_are_never_inputs(returns, tmp_path):
    assert not {".db", ".sqlite", ".sqlite3", ".jsonl", ".json"} & FORM_SUFFIXES
    parse([returns["src"]], jsonl=tmp_path / "records.jsonl", workers=1, progress=False)
    (tmp_path / "台账.db").write_bytes(returns["db"].read_bytes())
    files, missing = expand([tmp_path])
    assert files == [] and missing == []


# --- chart labels --------------------------------------------------------------------------------

def test_chart_labels_are_literal():
    names = [*HOSTILE_UNITS, "$x$", "x", "a\\$b"]
    fig = bar_figure(names, {"排$查$": [1, 2, 3, 4, 5], "整改": [0, 1, 1, 1, 1]})
    try:
        fig.canvas.draw()
        labels = {t.get_text(): t for t in fig.axes[0].get_xticklabels()}
        assert list(labels) == names
        # "$x$" as math would be an italic x as wide as "x"; drawn as typed it is three glyphs wide
        assert labels["$x$"].get_window_extent().width > 2 * labels["x"].get_window_extent().width
        assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["排$查$", "整改"]
        assert all(not t.get_parse_math() for t in [*labels.values(), *fig.axes[0].get_legend().get_texts()])
    finally:
        import matplotlib.pyplot as plt
        plt.close(fig)
