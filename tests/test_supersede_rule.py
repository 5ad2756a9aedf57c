"""Which of two versions of one return stays current: the later fill date wins; on the same date, the later import."""
from __future__ import annotations

import pytest

from ledger import queries, store
from ledger.db import connect
from schema.record import Record


def campaign(found: int, fill: str) -> Record:
    """A town's monthly statistics return; `found` tells the versions apart."""
    return Record("campaign_stats", "镇（街道）、部门大排查大整治行动统计表",
                  header={"reporting_unit": "北石店镇人民政府", "fill_date": fill, "period": "2023-03"},
                  data={"rows": [{"unit": "第一检查组", "inspection_groups": 1, "general_hazards_found": found}],
                        "totals": {"inspection_groups": 1, "general_hazards_found": found}})


@pytest.fixture
def con(ledger_target):
    c = connect(ledger_target)
    yield c
    c.close()


def _import(con, name: str, rec: Record):
    return store.import_records(con, {"path": f"回执/{name}", "sha256": name, "format": "xlsx"}, [rec])


def _current_found(con) -> list[int]:
    return [r["data"]["general_hazards_found"] for r in queries.stats_rows(con, "campaign_stats", "2023-03")]


def test_same_day_correction_replaces_the_first_version(con):
    """A town sends its return, finds a mistake and sends the corrected file the same day."""
    first = _import(con, "统计表.xlsx", campaign(5, "2023-03-24"))
    corrected = _import(con, "统计表（更正）.xlsx", campaign(7, "2023-03-24"))
    assert corrected.superseded == [(first.record_ids[0], corrected.record_ids[0])]
    assert _current_found(con) == [7]
    assert [r["id"] for r in queries.records(con, "campaign_stats")] == corrected.record_ids


def test_later_fill_date_wins_whatever_the_import_order(con):
    newer = _import(con, "v2.xlsx", campaign(9, "2023-03-25"))
    older = _import(con, "v1.xlsx", campaign(5, "2023-03-24"))
    assert older.superseded == [(older.record_ids[0], newer.record_ids[0])]
    assert _current_found(con) == [9]

