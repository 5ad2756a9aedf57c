"""A statistics table of which nothing was read (a small photo): its rows and its 合计 are flagged,
not only the row list (a record with no rows must not pass its totals off as checked)."""
from __future__ import annotations

from parsers.model import Paragraph
from parsers.ocr import trust
from schema.record import Record
from schema.spec import load_spec


def test_a_stats_table_read_empty_has_its_rows_and_totals_flagged():
    spec = load_spec("campaign_stats")
    rec = Record(form_type="campaign_stats", header={"reporting_unit": "钟家庄街道办事处"}, data={"rows": []})
    trust.check(rec, spec, {"header.reporting_unit": Paragraph("填报单位：钟家庄街道办事处", confidence=0.99)})
    flagged = {(w["field"], w["code"]) for w in rec.warnings}
    assert ("data.rows", "ocr_unread") in flagged
    assert ("data.totals", "ocr_unread") in flagged
    assert ("header.reporting_unit", "ocr_unread") not in flagged
