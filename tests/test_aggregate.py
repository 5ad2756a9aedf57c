"""Periods and aggregation: a ledger built by parsing the sample returns, recounted independently
from samples/returns/expected.jsonl (never through ledger.aggregate)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from fractions import Fraction
from pathlib import Path

import pytest

from ledger.aggregate import aggregate, rate_text, unit_name
from ledger.db import MIGRATIONS, connect
from ledger.periods import parse_period, return_span
from ledger.store import import_records
from schema.errors import InputError
from schema.record import Record

ROOT = Path(__file__).resolve().parent.parent
RETURNS = ROOT / "samples" / "returns"
TODAY = "2023-03-25"


# --- shared with test_stats.py and test_summary.py -----------------------------------------------

def sample_files() -> list[Path]:
    """The sample returns in modern formats (the legacy copies in 格式样例 repeat them and are slow)."""
    return sorted(p for p in RETURNS.rglob("*") if p.is_file() and "格式样例" not in p.parts
                  and p.suffix.lower() in (".docx", ".xlsx", ".zip"))


def build_ledger(db: Path) -> Path:
    from parsers.pipeline import parse
    summary = parse(sample_files(), db=db, workers=2, progress=False)
    assert summary.files_failed == 0 and not summary.errors, summary.errors
    return db


def expected_records(form_type: str) -> list[dict]:
    """Distinct returns of a form in expected.jsonl: a return sent as .docx and .xlsx counts once."""
    seen, out = set(), []
    for line in (RETURNS / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["form_type"] != form_type:
            continue
        h = rec["header"]
        key = (h.get("reporting_unit") or h.get("village"), h.get("period"), h.get("fill_date"))
        if key not in seen:
            seen.add(key)
            out.append(rec)
    return out


def recount(form_type: str, keys: list[str]) -> dict:
    """Sum of the data rows of each distinct return (the written 合计 is ignored)."""
    total = {k: 0 for k in keys}
    for rec in expected_records(form_type):
        rows = rec["data"].get("rows", [rec["data"]])
        for row in rows:
            for k in keys:
                total[k] += Fraction(str(row.get(k) or 0))
    return total


def percent(fixed, found) -> str:
    if not found:
        return "—"
    q = Fraction(fixed) * 100 / Fraction(found)
    hundredths = (q * 100 * 2 + 1) // 2          # half up
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


@pytest.fixture(scope="session")
def ledger(tmp_path_factory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("ledger") / "台账.db")


# --- periods ------------------------------------------------------------------------------------

def test_month_edges():
    p = parse_period("2023-02")
    assert (p.start, p.end) == (dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    assert parse_period("2024-02").end == dt.date(2024, 2, 29)
    assert p.contains_iso("2023-02-28") and p.contains_iso("2023-02-01")
    assert not p.contains_iso("2023-03-01") and not p.contains_iso("2023-01-31")
    assert p.contains_iso("2023-02") and not p.contains_iso("2023-03")
    assert p.label == "2023年2月"


def test_week_edges():
    p = parse_period("2023-W10")
    assert (p.start, p.end) == (dt.date(2023, 3, 6), dt.date(2023, 3, 12))
    assert p.contains_iso("2023-03-06") and p.contains_iso("2023-03-12")
    assert not p.contains_iso("2023-03-05") and not p.contains_iso("2023-03-13")
    assert not p.contains_iso("2023-03")          # a month-only return is not inside one week
    y = parse_period("2020-W53")                  # a week across the new year
    assert (y.start, y.end) == (dt.date(2020, 12, 28), dt.date(2021, 1, 3))
    with pytest.raises(InputError):
        parse_period("2021-W53")


def test_range_year_day_stage_and_errors():
    r = parse_period("2023-03-01..2023-03-16")
    assert r.contains_iso("2023-03-16") and not r.contains_iso("2023-03-17")
    assert parse_period("2023").end == dt.date(2023, 12, 31)
    assert parse_period("2023-03-05").contains_iso("2023-03-05")
    s = parse_period("stage:隐患清零")
    assert (s.start, s.end) == (dt.date(2023, 3, 26), dt.date(2023, 3, 31))
    assert not parse_period(None).bounded and parse_period(None).contains(None)
    for bad in ("2023-13", "2023-02-30", "2023-03-10..2023-03-01", "三月", "stage:不存在的阶段"):
        with pytest.raises(InputError) as e:
            parse_period(bad)
        assert bad.split(":")[-1] in e.value.message or "日期" in e.value.message


def test_return_span():
    # weekly form: no stated period, the fill date places it
    assert return_span("2023-03", "2023-03-17") == (dt.date(2023, 3, 17),) * 2
    # stated month, filled next month: the month
    assert return_span("2021-09", "2021-10-02") == (dt.date(2021, 9, 1), dt.date(2021, 9, 30))
    assert return_span("2023-06-25", None) == (dt.date(2023, 6, 25),) * 2


def test_rate_and_names():
    assert rate_text(0, 0) == "—"
    assert rate_text(2, 3) == "66.67%" and rate_text(1, 8) == "12.50%" and rate_text(39, 45) == "86.67%"
    assert unit_name("北石店镇人民政府") == unit_name(" 北石店镇 ") == "北石店镇"
    assert unit_name("西上庄街道办事处") == "西上庄街道"


# --- aggregation on the parsed samples ------------------------------------------------------------

CAMPAIGN_KEYS = ["inspection_groups", "general_hazards_found", "general_hazards_fixed", "major_hazards_found",
                 "major_hazards_fixed", "ordered_rectification", "fines_wan", "typical_cases"]


def test_campaign_stats_equal_independent_recount(ledger):
    agg = aggregate(ledger, "2023-03", today=TODAY)
    fs = agg.forms["campaign_stats"]
    want = recount("campaign_stats", CAMPAIGN_KEYS)
    for k in CAMPAIGN_KEYS:
        assert Fraction(str(fs.totals[k])) == want[k], k
    # each return counted once although it came as .docx and .xlsx (superseded copies inactive)
    assert fs.n_returns == len(expected_records("campaign_stats")) == 2
    assert sorted(fs.rows) == ["北石店镇", "西上庄街道"]


def test_consistency_issues_flagged(ledger):
    agg = aggregate(ledger, None, today=TODAY)
    kinds = {(i.kind, i.unit) for i in agg.issues}
    # 西上庄街道 wrote 重大隐患 整改 2 > 排查 1 and a 合计 of 52 over rows summing to 25
    assert ("fixed_exceeds_found", "西上庄街道") in kinds
    assert ("total", "西上庄街道") in kinds
    assert ("fixed_exceeds_found", "西沟村") in kinds
    assert not any(i.kind == "duplicate" for i in agg.issues)


def test_period_filters_returns(ledger):
    assert set(aggregate(ledger, "2021").forms) == {"inspection_stats"}
    assert set(aggregate(ledger, "2023-W11").forms) == {"campaign_stats"}      # filled 2023-03-17
    assert aggregate(ledger, "2023-W10").forms == {}
    cum = aggregate(ledger, "2023").forms["progress_dispatch"]
    want = recount("progress_dispatch", ["self_found", "self_fixed"])
    assert cum.totals["self_found"] == want["self_found"] and cum.totals["self_fixed"] == want["self_fixed"]


def test_register_counts_match_raw_hazards(ledger):
    agg = aggregate(ledger, "2023-03", today=TODAY)
    con = sqlite3.connect(ledger)
    n_major = con.execute("SELECT COUNT(*) FROM hazards WHERE active = 1 AND level = 'major'"
                          " AND found_date LIKE '2023-03-%'").fetchone()[0]
    n_all = con.execute("SELECT COUNT(*) FROM hazards WHERE active = 1 AND found_date LIKE '2023-03-%'").fetchone()[0]
    con.close()
    # the 重大隐患统计表 rows of distinct returns (the zip's copy of 北石店镇's list supersedes it)
    majors = {(r["enterprise"], r["description"]) for rec in expected_records("major_hazard_list")
              for r in rec["data"]["rows"]}
    assert agg.register.total.major_found == n_major == len(majors)
    assert agg.register.total.found == n_all
    assert sum(c.found for c in agg.register.by_unit.values()) == n_all
    assert sum(c.found for c in agg.register.by_industry.values()) == n_all
    assert len(agg.major_hazards) == n_major


def _campaign_record(unit: str, fill: str, found: int, fixed: int, path: str) -> tuple[dict, list[Record]]:
    rec = Record("campaign_stats", "镇（街道）、部门大排查大整治行动统计表",
                 header={"reporting_unit": unit, "fill_date": fill},
                 data={"rows": [{"unit": unit, "general_hazards_found": found, "general_hazards_fixed": fixed}]},
                 source={"path": path, "format": "xlsx", "sha256": path})
    return {"path": path, "format": "xlsx", "sha256": path}, [rec]


def test_resubmission_counted_once_and_duplicates_flagged(tmp_path):
    db = tmp_path / "l.db"
    con = connect(db)
    import_records(con, *_campaign_record("南街街道办事处", "2023-03-10", 10, 5, "a1"))
    # corrected resubmission of the same return: replaces the first
    import_records(con, *_campaign_record("南街街道办事处", "2023-03-11", 12, 6, "a2"))
    agg = aggregate(con, "2023-03", today=TODAY)
    assert agg.forms["campaign_stats"].totals["general_hazards_found"] == 12
    assert agg.forms["campaign_stats"].n_returns == 1
    # a second, different active return of the same unit in the same week (name spelled short)
    import_records(con, *_campaign_record("南街街道", "2023-03-09", 30, 1, "a3"))
    agg = aggregate(con, "2023-W10", today=TODAY)
    fs = agg.forms["campaign_stats"]
    assert fs.n_returns == 1 and fs.totals["general_hazards_found"] == 12   # the later one counts
    dup = [i for i in agg.issues if i.kind == "duplicate"]
    assert len(dup) == 1 and dup[0].unit == "南街街道" and "2023-W10" in dup[0].message
    con.close()


def test_older_ledger_migrates(tmp_path):
    db = tmp_path / "old.db"
    raw = sqlite3.connect(db)
    raw.executescript((MIGRATIONS / "001_core.sql").read_text(encoding="utf-8"))
    raw.execute("PRAGMA user_version = 1")
    raw.execute("INSERT INTO sources (sha256, path, format, imported_at) VALUES ('x', 'x.xlsx', 'xlsx', '2023')")
    raw.execute("INSERT INTO records (source_id, form_type, reporting_unit, period, fill_date, json, created_at)"
                " VALUES (1, 'campaign_stats', '北石店镇人民政府', '2023-03', '2023-03-17', '{}', '2023')")
    raw.execute("INSERT INTO stats_rows (record_id, form_type, reporting_unit, unit, period, data)"
                " VALUES (1, 'campaign_stats', '北石店镇人民政府', '一组', '2023-03',"
                " '{\"general_hazards_found\": 7, \"general_hazards_fixed\": 7}')")
    raw.execute("INSERT INTO hazards (enterprise, town, description, level, origin, found_date, deadline)"
                " VALUES ('甲公司', '北石店镇', '消防通道堵塞', 'general', 'manual', '2023-03-02', '2023-03-05')")
    raw.commit()
    raw.close()
    agg = aggregate(db, "2023-03", today=TODAY)
    assert agg.forms["campaign_stats"].totals["general_hazards_found"] == 7
    assert agg.register.total.found == 1 and agg.register.total.overdue == 1
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] > 1
    con.close()
