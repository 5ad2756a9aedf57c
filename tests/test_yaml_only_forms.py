"""Two forms added only as spec files (tests/specs_extra/yaml_only): a 督导检查表-like 巡查单 and a
统计表-like 周报表. Blank forms drawn by the generator, filled as a town would, then parsed, put in
the ledger, turned into hazards, orders, the statistics workbook and the 通报 with no Python
knowing either form: everything the ledger does with them comes from their `ledger:` blocks."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from docx import Document

from generators.forms import blank_form
from generators.order import issue_orders
from generators.stats import write_stats_workbook
from generators.summary import summary
from ledger import queries
from ledger.db import connect
from parsers import pipeline

EXTRA = Path(__file__).parent / "specs_extra" / "yaml_only"
UNIT = "北石店镇人民政府"


def _fill_patrol(blank: Path, out: Path, values: dict[str, str], fill_date: str) -> Path:
    """The blank 巡查单 with each label's value cell written, and the 填报 lines under the title."""
    doc = Document(str(blank))
    for p in doc.paragraphs:
        if p.text.startswith("填报单位"):
            p.text = f"填报单位（盖章）：{UNIT}"
        elif p.text.startswith("填报日期"):
            p.text = f"填报日期：{fill_date}"
    for row in doc.tables[0].rows:
        cells = row.cells
        for i, cell in enumerate(cells[:-1]):
            if cell.text in values and cells[i + 1].text == "":
                cells[i + 1].text = values[cell.text]
    doc.save(str(out))
    return out


def _fill_weekly(blank: Path, out: Path, unit: str, fill_date: str, rows: list[list]) -> Path:
    """The blank 周报表 with the unit, the date and one row per 检查组 in its empty rows."""
    wb = openpyxl.load_workbook(blank)
    ws = wb.active
    ws["A2"] = f"填报单位（盖章）：{unit}"
    ws["A3"] = f"填报日期：{fill_date}"
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "（处）") + 1
    for i, values in enumerate(rows):
        for j, v in enumerate(values, 1):
            ws.cell(first + i, j, v)
    wb.save(out)
    return out


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    """Returns of both forms parsed into a ledger: two enterprises' 巡查单 of the same day, two units' 周报表."""
    monkeypatch.setenv("PAICHA_FORMS_DIRS", str(EXTRA))
    returns = tmp_path / "returns"
    returns.mkdir()
    patrol = blank_form("gas_patrol", tmp_path / "巡查单.docx")
    weekly = blank_form("gas_weekly", tmp_path / "周报表.xlsx")
    _fill_patrol(patrol, returns / "巡查单-宏达.docx", {
        "受检单位": "长治市宏达化工有限公司", "统一社会信用代码": "91140400MA0K1234XY", "所在乡镇": "北石店镇",
        "巡查日期": "2023年3月9日", "巡查人员": "王强、李明",
        "发现隐患": "1.燃气管道未设置紧急切断阀；2.液化气钢瓶与明火距离不足",
        "整改要求": "1.加装紧急切断阀；2.钢瓶移至专用气瓶间",
        "隐患等级": "重大", "整改时限": "2023年3月31日", "整改负责人": "张三"}, "2023年3月10日")
    _fill_patrol(patrol, returns / "巡查单-东沟.docx", {
        "受检单位": "东沟村农家乐", "所在乡镇": "北石店镇", "巡查日期": "2023年3月9日", "巡查人员": "王强",
        "发现隐患": "燃气报警器失效", "整改要求": "更换燃气报警器", "隐患等级": "一般",
        "整改时限": "2023年3月20日", "整改负责人": "赵六"}, "2023年3月10日")
    _fill_weekly(weekly, returns / "周报-北石店.xlsx", UNIT, "2023年3月10日",
                 [["第一检查组", 12, 7, 5, 3], ["第二检查组", 8, 2, 2, 0]])
    _fill_weekly(weekly, returns / "周报-西上庄.xlsx", "西上庄街道办事处", "2023年3月10日",
                 [["西上庄街道", 5, 4, 1, 2]])
    db = tmp_path / "台账.db"
    result = pipeline.parse([returns], db=db, workers=1, progress=False)
    assert result.files_seen == 4
    return tmp_path, db


def test_patrol_returns_of_two_enterprises_are_both_kept(ledger):
    _, db = ledger
    con = connect(db)
    try:
        current = queries.records(con, form_type="gas_patrol")
        names = sorted(r["record"]["data"]["site"] for r in current)
        assert names == ["东沟村农家乐", "长治市宏达化工有限公司"]        # one did not replace the other
        assert not queries.superseded(con)
        keys = [r[0] for r in con.execute("SELECT supersede_key FROM records WHERE form_type = 'gas_patrol'")]
        assert sorted(keys) == ["gas_patrol|北石店镇人民政府|2023-03|东沟村农家乐|2023-03-09",
                                "gas_patrol|北石店镇人民政府|2023-03|长治市宏达化工有限公司|2023-03-09"]
        ent = queries.enterprise_by_name(con, "长治市宏达化工有限公司")
        assert ent["credit_code"] == "91140400MA0K1234XY" and ent["town"] == "北石店镇"
        inspections = {r["enterprise"]: r["inspectors"] for r in con.execute("SELECT * FROM inspections")}
        assert inspections == {"长治市宏达化工有限公司": "王强、李明", "东沟村农家乐": "王强"}

        hazards = {h["description"]: h for h in queries.hazards(con)}
        assert set(hazards) == {"燃气管道未设置紧急切断阀", "液化气钢瓶与明火距离不足", "燃气报警器失效"}
        valve = hazards["燃气管道未设置紧急切断阀"]
        assert valve["measure"] == "加装紧急切断阀"                      # paired with its problem
        assert hazards["液化气钢瓶与明火距离不足"]["measure"] == "钢瓶移至专用气瓶间"
        assert (valve["level"], valve["deadline"], valve["responsible"]) == ("major", "2023-03-31", "张三")
        assert (valve["found_date"], valve["town"], valve["origin"]) == ("2023-03-09", "北石店镇", "gas_patrol")
        alarm = hazards["燃气报警器失效"]
        assert (alarm["level"], alarm["enterprise"], alarm["reporting_unit"]) == ("general", "东沟村农家乐", UNIT)
    finally:
        con.close()


def test_yaml_only_forms_reach_orders_workbook_and_summary(ledger):
    tmp, db = ledger
    issued = issue_orders(db=db, out_dir=tmp / "指令书", issued="2023-03-12")
    by_enterprise = {o.enterprise: o for o in issued.orders}
    assert set(by_enterprise) == {"长治市宏达化工有限公司", "东沟村农家乐"}
    assert by_enterprise["长治市宏达化工有限公司"].n_items == 2
    order_text = "\n".join(p.text for p in Document(str(by_enterprise["东沟村农家乐"].path)).paragraphs)
    assert "燃气报警器失效" in order_text

    book = openpyxl.load_workbook(write_stats_workbook(db, tmp / "统计表.xlsx", period="2023-03"))
    ws = book["燃气安全专项整治周报表"]
    rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and r[0] in ("北石店镇", "西上庄街道", "合计")}
    assert rows["北石店镇"] == (20, 9, 7, 3)
    assert rows["西上庄街道"] == (5, 4, 1, 2)
    assert rows["合计"] == (25, 13, 8, 5)
    hazard_sheet = list(book["隐患台账"].iter_rows(values_only=True))
    origin = hazard_sheet[1].index("来源")
    assert {r[origin] for r in hazard_sheet[2:]} == {"燃气巡查单"}
    with pytest.raises(Exception, match="不存在"):
        write_stats_workbook(db, tmp / "x.xlsx", layout="no_such_form")

    out = tmp / "通报.docx"
    summary(db, out, period="2023-03", organ="晋城市城区安全生产委员会办公室")
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "共收到2个单位报送的《燃气安全专项整治周报表》（北石店镇、西上庄街道）" in text
    assert "检查场所25" in text and "燃气隐患发现13" in text and "收缴气瓶5" in text
    assert "本期登记隐患3项，其中一般隐患1项、重大隐患2项" in text
    tables = [[c.text for c in row.cells] for t in Document(str(out)).tables for row in t.rows]
    assert ["合计", "13", "8", "61.54%", "25", "5"] in tables


@pytest.mark.parametrize("ledger_block, message", [
    ("ledger: {subject: unit, supersed: [unit]}", "未知的键 supersed"),
    ("ledger: {subject: enterprise}", "enterprise：subject 为 enterprise 时必填"),
    ("ledger: {stats: {rows: data.rows}}", "须写明报送周期"),
    ("ledger: {cadence: week, stats: {rows: data.rows, unit: row.unitt}}", "row.unitt 不是本表的列"),
    ("ledger: {hazards: [{rows: data.problems, description: row, measure: data.measure}]}",
     "data.measure 不是本表的字段"),
    ("ledger: {hazards: [{rows: data.rows, description: row, when: {any: [row.gas_found], in: [no]}}]}",
     "yes / no 须加引号"),
])
def test_a_bad_ledger_block_is_refused_naming_the_file(tmp_path, ledger_block, message):
    from schema.spec import SpecError, load_spec_file
    text = (EXTRA / "gas_weekly.yaml").read_text(encoding="utf-8").split("\nledger:")[0]
    bad = tmp_path / "坏表.yaml"
    bad.write_text(text.replace("form_type: gas_weekly", "form_type: bad") + "\n" + ledger_block + "\n",
                   encoding="utf-8")
    with pytest.raises(SpecError, match=message) as e:
        load_spec_file(bad)
    assert "坏表.yaml" in str(e.value)
