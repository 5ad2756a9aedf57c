"""Fuzz test of the batch parser (issue 9): the good sample returns and ≥ 300 seeded broken variants
of them (tests/fuzz/generate.py) parsed in ONE `cli.py parse` batch, in a subprocess, as a user would.

Nothing lost, nothing doubled: the batch ends with the "some files failed" exit code, nothing English
or raw reaches the screen, every input file has exactly one outcome (JSONL, Summary.outcomes and the
printed counts agree), the good files' records are those of a batch of the good files alone, and the
ledger holds nothing from a failed file and nothing twice. Which variant does what:
`.venv/bin/python -m tests.fuzz.triage OUTDIR` (findings are kept in /tmp/fuzz_findings.md).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fuzz.generate import SEED, Variant, build
from tests.fuzz.run import Run, english_on_screen, jsonl_outcomes, owner, printed_counts, run_parse

SOME_FAILED = 3                    # cli.cmd_parse: the exit code when some files failed
OUTCOMES = {"records", "error", "no_table", "skipped"}
JSONL_KIND = {"records": "records", "error": "error", "no_table": "no_table", "skipped": "own_output"}
RAW_ON_SCREEN = ["\x1b", "\r", "\x07", "\x08", "\u202e", "\u2028"]


def shown(path: Path) -> str:
    """A path as the batch writes it: bytes of the name that are not UTF-8 (GBK from a Windows zip) as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass
class Batch:
    root: Path                     # the folder given to `parse`
    variants: list[Variant]
    inputs: list[str]              # the input files, as the batch names them (see shown)
    ignored: list[str]             # files a folder walk does not take
    run: Run                       # the whole folder in one batch
    good: Run                      # good/ alone


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    top = tmp_path_factory.mktemp("fuzz")
    root = top / "in"
    variants = build(root, SEED)
    inputs = [shown(root / v.rel) for v in variants if v.input]
    ignored = [shown(root / v.rel) for v in variants if not v.input]
    run = run_parse(root, top / "out-all")
    good = run_parse(root / "good", top / "out-good")
    return Batch(root, variants, inputs, ignored, run, good)


def _listing(items, limit: int = 25) -> str:
    items = list(items)
    shown = "\n".join(f"  {x!r}" for x in items[:limit])
    return f"{len(items)}:\n{shown}" + ("\n  …" if len(items) > limit else "")


def _jsonl_found(b: Batch) -> tuple[dict[str, list[str]], list[dict]]:
    """Outcomes per input from the JSONL; stray lines (an outcome line for an ignored file is allowed)."""
    found, stray = jsonl_outcomes(b.run.jsonl, set(b.inputs))
    ignored = set(b.ignored)
    return found, [x for x in stray if not (x.get("source", {}).get("path") in ignored and "outcome" in x)]


# --- the generator ---------------------------------------------------------------------------

def _digest(path: Path) -> str:
    """A file's sha256, or where a symbolic link points."""
    return os.readlink(path) if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_is_seeded_and_large(batch, tmp_path):
    """The same seed writes the same bytes under the same names; ≥ 300 broken variants of every kind.
    (tests/badfiles.py's catalogue is only compared by name: its python-docx files carry a timestamp.)"""
    again = build(tmp_path / "in", SEED)
    assert [(v.rel, v.recipe) for v in again] == [(v.rel, v.recipe) for v in batch.variants]
    ours = [v for v in again if not v.rel.startswith("badfiles/")]
    assert [_digest(tmp_path / "in" / v.rel) for v in ours] == [_digest(batch.root / v.rel) for v in ours]
    broken = [v for v in batch.variants if not v.rel.startswith("good/")]
    assert len(broken) >= 300
    recipes = " ".join(v.recipe for v in broken)
    for kind in ("truncated", "flipped", "deflate stream", "[Content_Types].xml", "central directory",
                 "header lie", "OLE header", "PDF damage", "declaring", "named .pdf", "empty file",
                 "zip(s), one inside", "../", "\\x1b", "\\u202e", "symbolic link"):
        assert kind in recipes, kind


# --- the batch as the user sees it -------------------------------------------------------------

def test_batch_completes_with_some_failed_code(batch):
    run = batch.run
    assert "Traceback" not in run.screen, run.stderr[-3000:]
    assert run.returncode == SOME_FAILED, f"exit code {run.returncode}\n{run.stderr[-3000:]}"


def test_screen_has_no_english_and_no_raw_control_characters(batch):
    """Exception text is Chinese; file names cannot colour the terminal, move the cursor or forge a line."""
    screen = batch.run.screen
    english = english_on_screen(screen, [str(batch.root.parent)] + batch.inputs)
    assert not english, f"English on screen {_listing(Counter(english).most_common())}"
    raw = [repr(c) for c in RAW_ON_SCREEN if c in screen]
    assert not raw, f"raw control characters on screen: {raw}"
    forged = [line for line in batch.run.stdout.split("\n") if line.startswith("失败：伪造")]
    assert not forged, f"a file name forged a line: {forged}"


# --- one outcome per file ----------------------------------------------------------------------

def test_jsonl_gives_every_input_exactly_one_outcome(batch):
    found, stray = _jsonl_found(batch)
    missing = [p for p, o in found.items() if not o]
    several = [(p, o) for p, o in found.items() if len(o) > 1]
    assert not missing, f"inputs with no outcome in the JSONL {_listing(missing)}"
    assert not several, f"inputs with several outcomes in the JSONL {_listing(several)}"
    assert not stray, f"JSONL lines of no input file {_listing(x.get('source') for x in stray)}"


def test_summary_outcomes_cover_every_input_once(batch):
    outcomes = batch.run.outcomes
    assert outcomes is not None, "Summary.outcomes is missing (or the batch did not finish)"
    counts = Counter(o["path"] for o in outcomes)
    missing = [p for p in batch.inputs if counts[p] == 0]
    twice = [p for p, n in counts.items() if n > 1]
    extra = [p for p in counts if p not in set(batch.inputs) | set(batch.ignored)]
    assert not missing, f"inputs without an outcome {_listing(missing)}"
    assert not twice, f"inputs with several outcomes {_listing(twice)}"
    assert not extra, f"outcomes of no input file {_listing(extra)}"
    assert {o["outcome"] for o in outcomes} <= OUTCOMES
    assert all(o["records"] > 0 for o in outcomes if o["outcome"] == "records")
    found, _ = _jsonl_found(batch)
    disagree = [(o["path"], o["outcome"], found[o["path"]]) for o in outcomes
                if o["path"] in found and found[o["path"]] != [JSONL_KIND[o["outcome"]]]]
    assert not disagree, f"Summary.outcomes and the JSONL disagree {_listing(disagree)}"


def test_printed_counts_add_up_to_the_input_files(batch):
    counts = printed_counts(batch.run.stdout)
    assert counts, f"no summary line on the screen:\n{batch.run.stdout[:2000]}"
    total, parts = counts
    assert total == len(batch.inputs), f"共 {total} 个文件, {len(batch.inputs)} given"
    assert sum(parts) == total, f"the outcome counts {parts} do not add up to {total}"


# --- nothing changed, nothing lost, nothing doubled ---------------------------------------------

def _records_by_file(run: Run, inputs: set[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in run.jsonl:
        if "form_type" in line:
            who = owner(line["source"]["path"], inputs)
            out.setdefault(who, []).append(json.dumps(line, ensure_ascii=False, sort_keys=True))
    return {k: sorted(v) for k, v in out.items()}


def test_good_files_records_unchanged_by_the_broken_ones(batch):
    good = {p for p in batch.inputs if p.startswith(str(batch.root / "good") + "/")}
    alone = _records_by_file(batch.good, good)
    assert set(alone) == good, f"good files without records when parsed alone {_listing(good - set(alone))}"
    together = {k: v for k, v in _records_by_file(batch.run, set(batch.inputs)).items() if k in good}
    changed = [p for p in good if together.get(p) != alone[p]]
    assert not changed, f"good files whose records changed in the fuzz batch {_listing(changed)}"


def test_ledger_holds_nothing_failed_and_nothing_twice(batch):
    assert batch.run.db is not None, "no ledger written"
    con = sqlite3.connect(f"file:{batch.run.db}?mode=ro", uri=True)
    rows = con.execute("SELECT s.path, s.sha256, r.part FROM records r JOIN sources s ON s.id = r.source_id").fetchall()
    con.close()
    found, _ = _jsonl_found(batch)
    failed_files = {p for p, o in found.items() if o == ["error"]}
    failed = {line["source"]["path"] for line in batch.run.jsonl if "error" in line}
    from_failed = [(p, part) for p, _sha, part in rows
                   if p in failed or owner(p, set(batch.inputs)) in failed_files]
    assert not from_failed, f"ledger records from failed files {_listing(from_failed)}"
    twice = [k for k, n in Counter((sha, part) for _p, sha, part in rows).items() if n > 1]
    assert not twice, f"ledger records held twice {_listing(twice)}"
    # the same bytes in two files are imported once (the second is "unchanged"), so compare by sha256
    parsed = {(line["source"]["sha256"], line["source"].get("part") or "") for line in batch.run.jsonl
              if "form_type" in line}
    unknown = {(sha, part) for _p, sha, part in rows} - parsed
    assert not unknown, f"ledger records that the JSONL does not have {_listing(unknown)}"
    lost = {sha for sha, _part in parsed} - {sha for _p, sha, _part in rows}
    assert not lost, f"parsed files that are not in the ledger {_listing(lost)}"


def test_archive_member_names_never_become_paths(batch):
    """Members named ../../逃逸.docx, /tmp/绝对路径.docx, a/../../b.docx are read, never written there."""
    top = batch.root.parent
    escaped = [p for name in ("逃逸.docx", "b.docx", "绝对路径.docx") for p in top.rglob(name)
               if batch.root not in p.parents]
    assert not escaped and not Path("/tmp/绝对路径.docx").exists(), escaped


def test_names_that_are_not_utf8_are_read_and_written_escaped(batch):
    """A good return named in GBK bytes (a Windows zip unpacked on Linux) gives its records; every output
    names it with the bytes escaped (\\xb1\\xa8…), and everything written is valid UTF-8."""
    name = os.fsdecode("报表-北石店镇.docx".encode("gbk"))
    path = shown(batch.root / "names" / name)
    assert "\\xb1\\xa8" in path
    outcome, = [o for o in batch.run.outcomes if o["path"] == path]
    assert outcome["outcome"] == "records", outcome
    assert any(line["source"]["path"] == path for line in batch.run.jsonl if "form_type" in line)
    raw = (batch.run.db.parent / "records.jsonl").read_bytes()
    raw.decode("utf-8")                                  # strict: no surrogate ever written
    assert "\u2028".encode() not in raw and "\u2029".encode() not in raw


def test_library_warnings_go_to_the_log_not_the_screen(batch):
    """pdfminer's "Data-loss while decompressing corrupted data" (a damaged PDF stream) is kept in the
    run's log; the screen has none of it."""
    logs = list((batch.run.db.parent / "state").rglob("*.log"))
    assert any("Data-loss" in p.read_text(encoding="utf-8") for p in logs), logs
    assert "Data-loss" not in batch.run.screen
