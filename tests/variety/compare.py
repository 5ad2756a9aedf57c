"""Reading a hand-made return and comparing its records with what its builder wrote (all variety rounds)."""
from __future__ import annotations

from pathlib import Path

from parsers.readers import read_file
from parsers.recognize import records_from_document
from tests.test_roundtrip import diff


def records_of(path: Path) -> list:
    return [r for doc in read_file(path) for r in records_from_document(doc)]


def case_problems(case: dict, out: Path) -> list[str]:
    """Every difference between a case's expected records and what paicha reads from its file."""
    recs = records_of(out / case["file"])
    got_types = [r.form_type for r in recs]
    want_types = [e["form_type"] for e in case["records"]]
    if got_types != want_types:
        return [f"form types {got_types} != {want_types}"]
    problems: list[str] = []
    for e, rec in zip(case["records"], recs):
        problems += diff(e["data"], rec.data) + diff(e["header"], rec.header, "header")
        wanted = set(e.get("warnings", []))
        got = {w["code"] for w in rec.warnings}
        problems += [f"missing warning {code}" for code in wanted - got]
        problems += [f"unexpected warning {w}" for w in rec.warnings if w["code"] not in wanted]
        messages = " ".join(w["message"] for w in rec.warnings)
        problems += [f"no warning names {word!r}: {messages}" for word in e.get("messages", [])
                     if word not in messages]
    return problems
