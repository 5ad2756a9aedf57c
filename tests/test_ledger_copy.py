"""cli.py ledger copy: a whole ledger into another (a SQLite file into PostgreSQL), nothing lost.

The source is a busy SQLite ledger: parsed sample returns, a corrected resubmission that supersedes
(records.superseded_by names a later row), a suspect one, a field correction, orders numbered and
printed, a recheck. Every table is compared row by row, ids included, and the copy takes new rows."""
import pytest

import cli
from conftest import ROOT
from ledger import corrections, store
from ledger.db import connect, tables
from parsers.pipeline import parse
from test_ledger import campaign, src

RETURNS = ROOT / "samples" / "returns"


@pytest.fixture(scope="module")
def busy_ledger(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("busy")
    db = str(tmp / "台账.db")
    assert not parse([RETURNS / "北石店镇", RETURNS / "南庄镇"], db=db, progress=False, workers=1).errors
    con = connect(db)
    store.import_records(con, src("统计表.xlsx", "v1", "xlsx"), [campaign(5)])
    store.import_records(con, src("统计表（更正）.xlsx", "v2", "xlsx"), [campaign(7, fill="2023-03-25")])
    damaged = campaign(7, fill="2023-03-26")
    damaged.data["rows"], damaged.data["totals"] = [], {}
    store.import_records(con, src("统计表（重报）.xlsx", "v3", "xlsx"), [damaged])
    rid = con.execute("SELECT id FROM records WHERE form_type = 'supervision_check' ORDER BY id").fetchone()[0]
    corrections.correct_field(con, rid, "data.responsible", "李四", "王强", "电话核实")
    con.close()
    assert cli.main(["order", "--db", db, "-o", str(tmp / "指令书"), "--date", "2023-03-16"]) == 0
    assert cli.main(["hazard", "void", "1", "--db", db, "--reason", "写错", "--by", "张三"]) == 0
    return db


def everything(con) -> dict[str, list[dict]]:
    out = {}
    for table in tables(con):
        if table != "schema_migrations":
            rows = [dict(r) for r in con.execute(f"SELECT * FROM {table}")]
            out[table] = sorted(rows, key=lambda r: [(v is None, str(v)) for v in r.values()])
    return out


def test_copy_keeps_every_row_and_id(busy_ledger, ledger_target, capsys):
    assert cli.main(["ledger", "copy", busy_ledger, ledger_target]) == 0
    assert "已复制台账" in capsys.readouterr().out
    a, b = connect(busy_ledger), connect(ledger_target)
    before, after = everything(a), everything(b)
    assert before == after
    # what makes the copy hard is there: a row naming a later one, orders, events, a correction, a suspect
    assert any(r["superseded_by"] for r in after["records"]) and any(r["review"] for r in after["records"])
    assert after["orders"] and after["order_items"] and after["order_counters"] and after["corrections"]
    assert len(after["hazard_events"]) > len(after["hazards"]) > 5
    # new rows continue after the copied ids, and the numbering after the copied counter
    top = max(r["id"] for r in after["hazards"])
    assert b.execute("INSERT INTO hazards (enterprise, description, origin) VALUES ('甲厂', '新隐患', 'manual')"
                     ).lastrowid == top + 1
    b.close()
    a.close()
    assert cli.main(["order", "--db", ledger_target, "-o", str(busy_ledger) + "-指令书", "--date", "2023-03-20"]) == 0
    serials = sorted(r["serial"] for r in everything(connect(ledger_target))["orders"])
    assert len(serials) > len(before["orders"]) and serials == list(range(1, len(serials) + 1))


def test_copy_refuses_a_target_with_rows_and_a_missing_source(busy_ledger, ledger_target, tmp_path, capsys):
    con = connect(ledger_target)
    con.execute("INSERT INTO hazards (enterprise, description, origin) VALUES ('甲厂', '已有隐患', 'manual')")
    con.close()
    assert cli.main(["ledger", "copy", busy_ledger, ledger_target]) == 2
    assert "目标台账已有数据（hazards）" in capsys.readouterr().err
    assert cli.main(["ledger", "copy", str(tmp_path / "无.db"), str(tmp_path / "新.db")]) == 2
    assert "找不到台账数据库" in capsys.readouterr().err
