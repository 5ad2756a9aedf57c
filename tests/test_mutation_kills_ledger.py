"""Statistics periods (ledger/periods.py) against hand-worked calendars, and record corrections
(ledger/corrections.py): what mutation testing (bench/mutation.sh) found the ledger tests do not pin."""
import datetime as dt
import json

import pytest

from ledger.periods import Period, parse_period, return_span, slot
from schema.errors import InputError

D = dt.date


@pytest.mark.parametrize("spec,kind,start,end,label", [
    ("2023", "year", D(2023, 1, 1), D(2023, 12, 31), "2023年"),
    ("2023-03", "month", D(2023, 3, 1), D(2023, 3, 31), "2023年3月"),
    ("2023-02", "month", D(2023, 2, 1), D(2023, 2, 28), "2023年2月"),
    ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),
    ("2023-W10", "week", D(2023, 3, 6), D(2023, 3, 12), "2023年第10周（3月6日至3月12日）"),
    ("2023w10", "week", D(2023, 3, 6), D(2023, 3, 12), "2023年第10周（3月6日至3月12日）"),
    ("2020-W53", "week", D(2020, 12, 28), D(2021, 1, 3), "2020年第53周（12月28日至2021年1月3日）"),
    ("2021-W01", "week", D(2021, 1, 4), D(2021, 1, 10), "2021年第1周（1月4日至1月10日）"),
    ("2023-03-01..2023-03-31", "range", D(2023, 3, 1), D(2023, 3, 31), "2023年3月1日至3月31日"),
    (" 2023-12-25 .. 2024-01-05 ", "range", D(2023, 12, 25), D(2024, 1, 5), "2023年12月25日至2024年1月5日"),
    ("2023-03-05", "day", D(2023, 3, 5), D(2023, 3, 5), "2023年3月5日"),
    ("stage:隐患清零", "stage", D(2023, 3, 26), D(2023, 3, 31), "隐患清零、总结提升阶段（2023年3月26日至3月31日）"),
    ("阶段：动员部署", "stage", D(2023, 4, 25), D(2023, 5, 15), "动员部署阶段（2023年4月25日至5月15日）"),
    ("STAGE:南庄镇/巩固提高", "stage", D(2023, 12, 1), D(2023, 12, 31), "巩固提高阶段（2023年12月1日至12月31日）"),
])
def test_period_specs(spec, kind, start, end, label):
    p = parse_period(spec)
    assert (p.kind, p.start, p.end, p.label) == (kind, start, end, label)
    assert p.spec == spec.strip() and p.bounded
    assert (p.start_iso, p.end_iso) == (start.isoformat(), end.isoformat())


@pytest.mark.parametrize("spec,message", [
    ("2023-13", "统计期“2023-13”的月份不存在"),
    ("2023-00", "统计期“2023-00”的月份不存在"),
    ("2021-W53", "统计期“2021-W53”：2021年没有第53周"),
    ("2023-02-30", "统计期“2023-02-30”中的日期不存在"),
    ("2023-03-10..2023-03-01", "统计期“2023-03-10..2023-03-01”的结束日期早于开始日期"),
    ("2023-03..2023-04", "统计期“2023-03..2023-04”无法识别，"),
    ("三月", "统计期“三月”无法识别，"),
    ("stage:不存在", "统计期“stage:不存在”：没有这个行动阶段（已有：全面部署、广泛动员、"),
])
def test_bad_period_specs(spec, message):
    with pytest.raises(InputError) as e:
        parse_period(spec)
    assert e.value.message.startswith(message) and e.value.code == "bad_period"


def test_stage_named_twice_asks_for_the_campaign(monkeypatch):
    import ledger.periods as periods
    two = [{"campaign": "甲行动", "name": "动员部署", "start": D(2023, 1, 1), "end": D(2023, 1, 9)},
           {"campaign": "乙行动", "name": "动员部署", "start": D(2023, 2, 1), "end": D(2023, 2, 9)}]
    monkeypatch.setattr(periods, "stages", lambda: two)
    with pytest.raises(InputError) as e:
        parse_period("stage:动员")
    assert "对应多个阶段：甲行动/动员部署、乙行动/动员部署" in e.value.message and e.value.code == "bad_period"
    assert parse_period("stage:乙行动/动员").start == D(2023, 2, 1)


def test_unbounded_period():
    for spec in (None, "", "  "):
        p = parse_period(spec)
        assert p.kind == "all" and not p.bounded and p.label == "全部" and p.start_iso is None
        assert p.contains(None) and p.contains_iso(None) and p.contains_iso("2023-03")


def test_contains():
    march = parse_period("2023-03")
    assert march.contains(D(2023, 3, 1)) and march.contains(D(2023, 3, 31))
    assert not march.contains(D(2023, 2, 28)) and not march.contains(D(2023, 4, 1))
    assert march.contains(D(2023, 3, 30), D(2023, 3, 31)) and not march.contains(D(2023, 3, 30), D(2023, 4, 1))
    assert not march.contains(None)
    assert march.contains_iso("2023-03") and march.contains_iso("2023-03-15")
    assert not march.contains_iso("2023-04") and not march.contains_iso(None) and not march.contains_iso("三月")
    assert Period("week", D(2023, 3, 6), D(2023, 3, 12)).contains_iso("2023-03-12")


@pytest.mark.parametrize("period,fill,span", [
    ("2023-03", "2023-03-15", (D(2023, 3, 15), D(2023, 3, 15))),   # a weekly form: its fill date
    ("2023-03", "2023-04-02", (D(2023, 3, 1), D(2023, 3, 31))),    # filled later: the stated month
    ("2023-03-05", "2023-03-15", (D(2023, 3, 5), D(2023, 3, 5))),   # a stated date wins
    (None, "2023-03-15", (D(2023, 3, 15), D(2023, 3, 15))),
    ("2023-03", "2023-03", (D(2023, 3, 1), D(2023, 3, 31))),
    ("2023-03", "2023-03-01", (D(2023, 3, 1), D(2023, 3, 1))),
    ("2023-03", "2023-03-31", (D(2023, 3, 31), D(2023, 3, 31))),
    (None, "2023-04", None),                                         # a month as fill date places nothing
    (None, None, None),
])
def test_return_span(period, fill, span):
    assert return_span(period, fill) == span


@pytest.mark.parametrize("cadence,span,want", [
    ("week", (D(2023, 3, 8), D(2023, 3, 8)), "2023-W10"),
    ("week", (D(2021, 1, 1), D(2021, 1, 1)), "2020-W53"),            # ISO week of the year before
    ("week", (D(2023, 1, 2), D(2023, 1, 2)), "2023-W01"),
    ("week", (D(2023, 3, 1), D(2023, 3, 31)), "2023-03"),            # a month's return on a weekly form
    ("day", (D(2023, 3, 8), D(2023, 3, 8)), "2023-03-08"),
    ("month", (D(2023, 3, 8), D(2023, 3, 8)), "2023-03"),
])
def test_slot(cadence, span, want):
    assert slot(cadence, span) == want


# --- ledger/corrections.py ------------------------------------------------------------------------

@pytest.fixture
def con(ledger_target):
    from ledger.db import connect
    c = connect(ledger_target)
    yield c
    c.close()


def _campaign(con, rows, sha, fill, unit="北石店镇人民政府", warn=False):
    from ledger import store
    from schema.record import Record
    rec = Record("campaign_stats", "镇（街道）、部门大排查大整治行动统计表",
                 header={"reporting_unit": unit, "fill_date": fill, "period": "2023-03"},
                 data={"rows": [{"unit": f"第{i + 1}组", "general_hazards_found": "若干" if warn else 2}
                                for i in range(rows)]})
    if warn:
        rec.warn("data.rows[0].general_hazards_found", "invalid", "一般隐患排查无法识别：若干", raw="若干")
    return store.import_records(con, {"path": f"回执/{sha}.xlsx", "sha256": sha, "format": "xlsx"},
                                [rec]).record_ids[0]


def test_record_history_lists_the_suspect_and_accepted_events(con):
    from ledger import store
    from ledger.corrections import record_history
    _campaign(con, 2, "old", "2023-03-24")
    new = _campaign(con, 0, "new", "2023-03-25")
    store.accept_resubmission(con, new, "王科长")
    history = record_history(con, new)
    assert [(h["kind"], h["action"], h["actor"]) for h in history] == [("event", "suspect", "导入"),
                                                                      ("event", "accepted", "王科长")]
    assert all("seq" not in h for h in history)


def test_flagged_fields_rows_and_filters(con):
    from ledger.corrections import flagged_fields
    from schema.errors import PaichaError
    rid = _campaign(con, 1, "a", "2023-03-24", warn=True)
    (row,) = flagged_fields(con)
    assert set(row) == {"record_id", "form_type", "path", "label", "value", "raw", "code", "message",
                        "source_path", "part", "confidence", "box"}
    assert (row["record_id"], row["raw"], row["part"], row["code"], row["source_path"]) == \
        (rid, "若干", "", "invalid", "回执/a.xlsx")
    with pytest.raises(PaichaError) as e:
        flagged_fields(con, {"unit": "北石店镇", "town": "x"})
    assert e.value.code == "bad_filter" and e.value.message == "未知的筛选条件：town、unit"


def test_correcting_a_missing_record_or_an_unknown_form(con):
    from ledger import store
    from ledger.corrections import correct_field
    from schema.errors import PaichaError
    from schema.record import Record
    with pytest.raises(PaichaError) as e:
        correct_field(con, 999, "data.x", "1", "王科长")
    assert e.value.code == "no_record" and e.value.message == "台账中没有编号为 999 的记录"
    rec = Record("unknown", None, header={}, data={"tables": [{"title": "某表", "cells": "若干"}]})
    (rid,) = store.import_records(con, {"path": "回执/u.docx", "sha256": "u", "format": "docx"}, [rec]).record_ids
    c = correct_field(con, rid, "data.tables[0].cells", "三处", "王科长")      # no spec: kept as typed
    assert (c.old, c.new) == ("若干", "三处")


def test_a_correction_re_derives_only_a_current_record_whose_value_changed(con):
    from ledger.corrections import accept_field, correct_field
    old = _campaign(con, 2, "old", "2023-03-20", warn=True)
    new = _campaign(con, 2, "new", "2023-03-24", warn=True)

    def rows():
        return [tuple(r) for r in con.execute("SELECT id, record_id, active FROM stats_rows ORDER BY id")]
    before = rows()
    assert [(rid, active) for _, rid, active in before] == [(old, 0), (old, 0), (new, 1), (new, 1)]
    correct_field(con, old, "data.rows[0].general_hazards_found", "5", "王科长")   # superseded: history only
    accept_field(con, new, "data.rows[0].general_hazards_found", "王科长")         # value unchanged
    assert rows() == before
    c = correct_field(con, new, "data.rows[1].general_hazards_found", "4", "王科长")
    assert c.id and [(rid, active) for _, rid, active in rows()] == [(old, 0), (old, 0), (new, 1), (new, 1)]
    data = [json.loads(r[0]) for r in con.execute("SELECT data FROM stats_rows WHERE active = 1 ORDER BY id")]
    assert [d["general_hazards_found"] for d in data] == ["若干", 4]                 # drawn again


# --- ledger/aggregate.py --------------------------------------------------------------------------

@pytest.mark.parametrize("v,text", [(None, "0"), (0, "0"), (3, "3"), (3.0, "3"), (0.0, "0"), (1.25, "1.25"),
                                    (0.5, "0.5"), (2.00004, "2"), (1.23456, "1.2346")])
def test_number_text(v, text):
    from ledger.aggregate import number_text
    assert number_text(v) == text


def test_a_units_latest_return_is_its_latest_date_even_beside_an_undated_one(con):
    from ledger.aggregate import aggregate
    from ledger import store
    from schema.record import Record

    def camp(sha, fill):
        header = {"reporting_unit": "北石店镇人民政府", **({"fill_date": fill} if fill else {})}
        rec = Record("campaign_stats", "镇（街道）、部门大排查大整治行动统计表", header=header,
                     data={"rows": [{"unit": "第一组", "general_hazards_found": 2}]})
        return store.import_records(con, {"path": sha, "sha256": sha, "format": "xlsx"}, [rec]).record_ids[0]
    dated, undated = camp("a", "2023-03-08"), camp("b", None)
    fs = aggregate(con, None).forms["campaign_stats"]
    assert fs.returns == {"北石店镇": [dated, undated]} and fs.latest == {"北石店镇": "2023-03-08"}


def test_a_migration_that_adds_a_trigger_is_recognised_on_both_backends(ledger_target, tmp_path, monkeypatch):
    """A trigger is read from sqlite_master on SQLite and from pg_trigger on PostgreSQL (no pg_class row):
    a migration creating one runs once and counts as applied on reopen."""
    import shutil

    from ledger import db as ledger_db
    from ledger.backend import dialect
    every = [v for v, _ in ledger_db.migrations()]
    con = ledger_db.connect(ledger_target)
    body = ("FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()" if dialect(con) == "postgresql"
            else "BEGIN SELECT 1; END")
    con.close()
    extra = tmp_path / "migrations"
    shutil.copytree(ledger_db.MIGRATIONS, extra)
    (extra / "099_trigger.sql").write_text(f"CREATE TRIGGER probe_guard BEFORE UPDATE ON hazards {body};\n",
                                           encoding="utf-8")
    monkeypatch.setattr(ledger_db, "MIGRATIONS", extra)
    for _ in range(2):
        con = ledger_db.connect(ledger_target)
        assert ledger_db.applied_versions(con) == every + [99]
        assert [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version")] == every + [99]
        con.close()


def test_a_table_another_connection_created_returns_its_new_ids(ledger_target):
    """Two processes on one ledger: a table created by the other one after this connection looked at the
    schema still gives its INSERTs' ids (PostgreSQL: the identity-table list is looked up again)."""
    from ledger.backend import open_connection
    from ledger.db import connect
    con = connect(ledger_target)
    con.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'x')")  # the tables seen now
    other = open_connection(ledger_target)
    other.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT)")
    other.close()
    assert con.execute("INSERT INTO probe (note) VALUES ('x')").lastrowid == 1
    assert con.execute("INSERT INTO probe (note) VALUES ('y')").lastrowid == 2
    con.close()


def test_a_postgresql_ledger_without_psycopg_says_what_to_install(monkeypatch):
    from ledger import backend
    from schema.errors import PaichaError
    monkeypatch.setattr(backend, "psycopg", None)
    with pytest.raises(PaichaError) as err:
        backend.open_connection("postgresql://paicha@127.0.0.1:1/ledger")
    assert str(err.value) == "使用 PostgreSQL 台账需要安装 psycopg（pip install \"psycopg[binary]\"）"
    assert err.value.code == "missing_dependency"


def test_opening_an_up_to_date_ledger_takes_no_write_lock_on_either_backend(ledger_target):
    """The fast path reads the whole schema at once (sqlite_master, or pg_class and pg_attribute): a ledger
    with every migration is opened without BEGIN or a write."""
    from ledger.backend import dialect, open_connection
    from ledger.db import connect, migrate
    connect(ledger_target).close()
    con = open_connection(ledger_target)
    statements: list[str] = []
    if dialect(con) == "sqlite":
        con.set_trace_callback(statements.append)
    else:
        run = con.execute
        con.execute = lambda sql, params=(): statements.append(sql) or run(sql, params)
    migrate(con)
    con.close()
    assert statements
    assert not [s for s in statements if s.lstrip().upper().startswith(("BEGIN", "INSERT", "ALTER", "DROP"))]
