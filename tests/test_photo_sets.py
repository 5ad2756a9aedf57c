"""The hard-image sets' fill data (samples/make_photos.py): tune2 is other data than tune, heldout and
calib, and its statistics tables still hold (合计 = the rows' sums, 整改 <= 排查), so a flag on them
is about the reading, not the data."""
from __future__ import annotations

import json

from samples import make_photos as mp
from schema.spec import load_spec
from schema.totals import fixed_over_found, total_mismatches


def _names(fills: list[dict]) -> set[str]:
    return {s for f in fills for s in mp._strings([f["header"], f["data"]]) if len(s) >= 4}


def test_tune2_is_other_data_than_the_other_sets():
    tune2 = mp.fills("tune2")
    assert {f["name"] for f in tune2} == {f["name"] for f in mp.fills("tune")}
    units = {f["header"].get("reporting_unit") for f in tune2} - {None}
    for other in ("tune", "calib"):     # the roster has six units: held-out's two towns are tune2's too
        assert not units & {f["header"].get("reporting_unit") for f in mp.fills(other)}, other
    firms = {r["enterprise"] for f in tune2 for r in f["data"].get("rows") or [] if "enterprise" in r}
    assert firms and not firms & (_names(mp.fills("heldout")) | _names(mp.fills("tune")))
    assert mp.fills("tune2") == tune2                        # deterministic


def test_tune2_statistics_tables_have_more_rows_and_still_add_up():
    tune, tune2 = ({f["name"]: f for f in mp.fills(w)} for w in ("tune", "tune2"))
    for ft in mp.STATS_FORMS:
        assert len(tune2[ft]["data"]["rows"]) > len(tune[ft]["data"]["rows"]), ft
        spec, data = load_spec(ft), tune2[ft]["data"]
        for rule in spec.rules:
            if rule.get("rule") == "totals" and "totals" in data:
                assert not list(total_mismatches(data["totals"], data["rows"], rule["keys"])), ft
            if rule.get("rule") == "fixed_le_found":
                for r in data["rows"]:
                    assert not list(fixed_over_found(r, rule["pairs"])), (ft, json.dumps(r, ensure_ascii=False))
    seqs = [r["seq"] for r in tune2["major_hazard_list"]["data"]["rows"]]
    assert seqs == list(range(1, len(seqs) + 1))
