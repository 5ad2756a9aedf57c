"""Draw every form filled with the sample data → (convert to .doc .xls .wps .et) → read → recognise
→ compare field by field with the data it was filled with (samples/make_returns.py)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from parsers.readers import read_file
from parsers.readers.legacy import convert_legacy
from parsers.recognize import records_from_document
from samples import make_returns

FORMATS = ("docx", "xlsx", "doc", "xls", "wps", "et")


@pytest.fixture(scope="session")
def returns(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("returns")
    expected = make_returns.make(out)
    return out, expected


@pytest.fixture(scope="session")
def parsed(returns, tmp_path_factory) -> dict[str, list]:
    """path → records, with every legacy file converted in one LibreOffice batch per target."""
    out, expected = returns
    files = sorted({e["path"].split("!")[0] for e in expected})
    legacy = [out / f for f in files if Path(f).suffix[1:] in ("doc", "xls", "wps", "et")]
    converted = convert_legacy(legacy, tmp_path_factory.mktemp("conv"))
    result: dict[str, list] = {}
    for f in files:
        p = out / f
        for doc in read_file(p, f, converted=converted.get(p)):
            result.setdefault(doc.path, []).extend(records_from_document(doc))
    return result


def diff(expected, got, path: str = "data") -> list[str]:
    """Every place where `got` differs from `expected`, keys `got` has and `expected` lacks included."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return [f"{path}: expected a dict, got {got!r}"]
        # data.unused_cells (cells no field took) is checked only where a case lists it (tests/variety4)
        out = [f"{path}.{k}: not expected, got {v!r}" for k, v in got.items()
               if k not in expected and k != "unused_cells"]
        for k, v in expected.items():
            if k not in got:
                out.append(f"{path}.{k}: missing (expected {v!r})")
            else:
                out += diff(v, got[k], f"{path}.{k}")
        return out
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return [f"{path}: expected {expected!r}, got {got!r}"]
        return [d for i, (a, b) in enumerate(zip(expected, got)) for d in diff(a, b, f"{path}[{i}]")]
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return [] if math.isclose(expected, got, abs_tol=1e-6) else [f"{path}: {expected!r} != {got!r}"]
    return [] if expected == got else [f"{path}: {expected!r} != {got!r}"]


def _record_for(parsed, e):
    recs = parsed.get(e["path"], [])
    if "index" in e:
        return recs[e["index"]] if e["index"] < len(recs) else None
    same = [r for r in recs if r.form_type == e["form_type"]]
    return same[0] if len(same) == 1 else None


def test_every_form_type_in_every_format(returns):
    _, expected = returns
    have = {(e["form_type"], e["format"]) for e in expected}
    types = {e["form_type"] for e in expected}
    assert len(types) == 7
    missing = [(t, f) for t in types for f in FORMATS if (t, f) not in have]
    assert not missing


def test_roundtrip_field_by_field(returns, parsed):
    _, expected = returns
    failures = []
    for e in expected:
        rec = _record_for(parsed, e)
        if rec is None:
            got = [r.form_type for r in parsed.get(e["path"], [])]
            failures.append(f"{e['path']}: expected one {e['form_type']} record, got {got}")
            continue
        problems = diff(e["data"], rec.data) + diff(e["header"], rec.header, "header")
        codes = {(w["field"], w["code"]) for w in rec.warnings}
        problems += [f"missing warning {f} {c}" for f, c in e["warnings"] if (f, c) not in codes]
        wanted = {tuple(fc) for fc in e["warnings"]}
        problems += [f"unexpected warning {w}" for w in rec.warnings if (w["field"], w["code"]) not in wanted]
        failures += [f"{e['path']} ({e['format']}): {p}" for p in problems]
    assert not failures, "\n".join(failures[:40]) + f"\n… {len(failures)} differences"


def test_sources_name_file_and_format(returns, parsed):
    _, expected = returns
    for e in expected:
        rec = _record_for(parsed, e)
        assert rec is not None
        assert rec.source["path"] == e["path"]
        assert rec.source["format"] == e["format"]
        assert len(rec.source["sha256"]) == 64


def test_deliberate_mistakes_are_flagged_not_fixed(returns, parsed):
    _, expected = returns
    bad_code = next(e for e in expected if e["form_type"] == "enterprise_register" and e["warnings"])
    rec = _record_for(parsed, bad_code)
    assert rec.data["credit_code"] == bad_code["data"]["credit_code"]      # kept as written
    wrong_total = next(e for e in expected if e["form_type"] == "campaign_stats" and e["warnings"])
    rec = _record_for(parsed, wrong_total)
    assert rec.data["totals"]["general_hazards_found"] == 52
    assert any(w["code"] == "total" for w in rec.warnings)


def test_samples_are_small(returns):
    out, _ = returns
    assert sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) < 3_000_000
    json.loads((out / "expected.jsonl").read_text(encoding="utf-8").splitlines()[0])
