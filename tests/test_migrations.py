"""Ledgers written by every earlier paicha upgrade on open, and every ledger command works on them.

The fixtures in tests/data/ledgers/ were written by the old commits' own code
(scripts/make_old_ledgers.py tells which and how).
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import cli
from ledger import db as ledger_db
from ledger.db import applied_versions, connect, migrations, steps

ROOT = Path(__file__).resolve().parent.parent
LEDGERS = ROOT / "tests" / "data" / "ledgers"
RETURNS = ROOT / "samples" / "returns"
FIXTURES = sorted(p.name for p in LEDGERS.glob("*.db"))
# what each old version wrote: (user_version, schema_migrations or None when the table is absent, records)
WRITTEN = {
    "001_only.db": (1, None, 0),
    "uv10_001_010.db": (10, None, 5),
    "uv10_no_table.db": (10, None, 5),
    "uv10_empty_table.db": (10, [], 5),
    "recorded.db": (10, [1, 2, 10], 5),
}


def recorded(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version")]


def old_copy(tmp_path, name: str) -> Path:
    path = tmp_path / name
    shutil.copy(LEDGERS / name, path)
    return path


def test_fixtures_are_what_the_old_versions_wrote():
    assert set(FIXTURES) == set(WRITTEN)
    assert sum((LEDGERS / n).stat().st_size for n in FIXTURES) < 512 * 1024
    for name, (version, table, records) in WRITTEN.items():
        con = sqlite3.connect(f"file:{LEDGERS / name}?mode=ro", uri=True)
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert con.execute("PRAGMA user_version").fetchone()[0] == version
        assert (recorded(con) if "schema_migrations" in tables else None) == table
        assert con.execute("SELECT COUNT(*) FROM records").fetchone()[0] == records
        con.close()


@pytest.mark.parametrize("name", FIXTURES)
def test_old_ledger_upgrades_and_every_command_works(tmp_path, name, capsys):
    path = old_copy(tmp_path, name)
    con = connect(path)
    every = [v for v, _ in migrations()]
    assert recorded(con) == every                      # each migration exactly once
    assert applied_versions(con) == every              # and its tables, indexes and columns are there
    assert con.execute("PRAGMA user_version").fetchone()[0] == every[-1]
    assert con.execute("SELECT COUNT(*) FROM records").fetchone()[0] == WRITTEN[name][2]
    con.close()
    assert recorded(connect(path)) == every            # opening again changes nothing

    db, out = str(path), tmp_path / "out"
    for argv in (
        ["parse", str(RETURNS / "西上庄街道" / "大排查大整治行动统计表.xlsx"),
         str(RETURNS / "南庄镇" / "督导检查表-晋城市城区南庄煤炭物流有限公司.docx"), "--db", db, "--workers", "1", "-q"],
        ["hazard", "list", "--db", db],
        ["order", "--db", db, "-o", str(out / "指令书"), "--date", "2023-03-01"],
        ["stats", "--db", db, "-o", str(out / "统计表.xlsx"), "--period", "2023-03"],
        ["summary", "--db", db, "--period", "2023-03", "-o", str(out / "通报.docx"), "--no-chart"],
        ["remind", "--db", db, "--roster", str(ROOT / "samples" / "roster.csv"), "--period", "2023-03",
         "-o", str(out / "催报.docx")],
        ["record", "suspects", "--db", db],
    ):
        rc = cli.main(argv)
        assert rc == 0, (argv[0], capsys.readouterr())
    assert (out / "统计表.xlsx").exists() and (out / "通报.docx").exists() and (out / "催报.docx").exists()
    assert list((out / "指令书").glob("*.docx"))
    con = connect(path)
    assert con.execute("SELECT COUNT(*) FROM orders").fetchone()[0] > 0
    assert recorded(con) == every
    con.close()


def test_a_migration_added_later_runs_once_and_nothing_reruns(tmp_path, monkeypatch):
    """Issue 9: a ledger whose schema_migrations was left empty re-ran 001 once a migration was added."""
    path = old_copy(tmp_path, "uv10_empty_table.db")
    connect(path).close()
    extra = tmp_path / "migrations"
    shutil.copytree(ledger_db.MIGRATIONS, extra)
    (extra / "099_probe.sql").write_text(
        "-- a later migration\nCREATE TABLE probe (id INTEGER PRIMARY KEY);\n"
        "ALTER TABLE records ADD COLUMN probe_note TEXT;\nUPDATE records SET probe_note = 'x';\n", encoding="utf-8")
    monkeypatch.setattr(ledger_db, "MIGRATIONS", extra)
    for _ in range(2):
        con = connect(path)
        assert recorded(con) == [v for v, _ in migrations()] and recorded(con)[-1] == 99
        assert con.execute("SELECT COUNT(*) FROM records WHERE probe_note = 'x'").fetchone()[0] == 5
        con.close()


def test_partly_applied_migration_is_completed(tmp_path):
    """A ledger that has some of a migration's objects gets the rest; what is there is not re-created."""
    path = old_copy(tmp_path, "recorded.db")
    raw = sqlite3.connect(path)
    raw.execute("DROP INDEX hazards_record")           # one of 010's four indexes lost
    raw.execute("DELETE FROM schema_migrations WHERE version = 10")
    raw.commit()
    raw.close()
    con = connect(path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"hazards_record", "records_source", "stats_rows_record"} <= names
    assert recorded(con) == [v for v, _ in migrations()]
    con.close()


def test_each_statement_says_how_to_see_it_applied():
    """Every schema migration can be recognised in a ledger: its statements name what they leave."""
    for version, path in migrations():
        checks = [s.check for s in steps(path)]
        assert any(checks), f"{path.name} creates nothing recognisable"
    core = {s.check for s in steps(migrations()[0][1])}
    assert ("present", "table", "hazards") in core and ("present", "index", "records_key") in core
    orders = {s.check for s in steps(next(p for v, p in migrations() if v == 2))}
    assert ("column", "hazards", "legal_basis") in orders


def test_fresh_ledger_has_every_migration_and_a_later_one_runs_once(ledger_target, tmp_path, monkeypatch):
    """On SQLite and on PostgreSQL: a new ledger gets every migration, recognised as applied on reopen;
    a migration added later (a table with an id, a column, an UPDATE) runs exactly once."""
    every = [v for v, _ in migrations()]
    for _ in range(2):
        con = connect(ledger_target)
        assert recorded(con) == every and applied_versions(con) == every
        con.close()
    extra = tmp_path / "migrations"
    shutil.copytree(ledger_db.MIGRATIONS, extra)
    (extra / "099_probe.sql").write_text(
        "CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT);\n"
        "ALTER TABLE hazards ADD COLUMN probe_note TEXT;\nINSERT INTO probe (note) VALUES ('x');\n", encoding="utf-8")
    monkeypatch.setattr(ledger_db, "MIGRATIONS", extra)
    for _ in range(2):
        con = connect(ledger_target)
        assert recorded(con)[-1] == 99 and applied_versions(con) == every + [99]
        assert [tuple(r) for r in con.execute("SELECT id, note FROM probe")] == [(1, "x")]
        new = con.execute("INSERT INTO probe (note) VALUES ('y')").lastrowid          # an identity id
        assert new > 1 and con.execute("SELECT note FROM probe WHERE id = ?", (new,)).fetchone()[0] == "y"
        con.execute("DELETE FROM probe WHERE note = 'y'")
        con.close()
