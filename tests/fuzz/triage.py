"""Triage: each fuzz variant parsed alone, in process, to tell which one does what.

    .venv/bin/python -m tests.fuzz.triage OUTDIR [SUBSTRING …]

Builds the variants into OUTDIR/in (or reuses them), then for each input (or those whose path holds
one of the substrings) runs `parsers.pipeline.parse([file], jsonl=…, db=…)` with one worker and
`cli.print_summary`, and prints one line: seconds, the JSONL outcome, and anything wrong (an exception
escaping the batch, English or control characters on the screen, text that cannot be written as
UTF-8). Slow (one LibreOffice start per legacy file); for finding what the fuzz test reports.
"""
from __future__ import annotations

import contextlib
import io
import logging
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fuzz.generate import build  # noqa: E402
from tests.fuzz.run import english_on_screen, jsonl_outcomes  # noqa: E402


def triage_one(path: Path) -> tuple[float, str, list[str]]:
    """(seconds, outcome(s) seen in the JSONL, problems) for one file parsed alone."""
    import json

    from cli import print_summary
    from parsers.pipeline import parse
    problems: list[str] = []
    screen = io.StringIO()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stderr(screen), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        handler = logging.StreamHandler(screen)          # what logging's last resort would print
        logging.getLogger().addHandler(handler)
        jsonl = Path(tmp) / "r.jsonl"
        try:
            summary = parse([path], jsonl=jsonl, db=Path(tmp) / "l.db", workers=1, progress=False)
            print_summary(summary, file=screen)
        except BaseException as e:  # noqa: BLE001 - the point is to see anything that escapes
            frame = traceback.extract_tb(e.__traceback__)[-1]
            problems.append(f"ESCAPES: {type(e).__name__}: {e} (at {Path(frame.filename).name}:{frame.lineno})")
        finally:
            logging.getLogger().removeHandler(handler)
        lines = []
        if jsonl.exists():
            raw = jsonl.read_text(encoding="utf-8", errors="surrogateescape")
            lines = [json.loads(x) for x in raw.split("\n") if x.strip()]     # not splitlines(): U+2028
    seconds = time.perf_counter() - started
    text = screen.getvalue() + "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
    found, stray = jsonl_outcomes(lines, {str(path)})
    outcome = ",".join(found[str(path)]) or "NONE"
    if stray:
        problems.append(f"stray JSONL lines {[line.get('source') for line in stray]}")
    english = english_on_screen(text, [str(path)])
    if english:
        problems.append(f"English on screen: {sorted(set(english))[:4]}")
    if "\x1b" in text.replace(str(path), "") or "\r" in text:
        problems.append("raw control characters on screen")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        problems.append("screen text cannot be encoded as UTF-8")
    return seconds, outcome, problems


def main(argv: list[str]) -> None:
    out = Path(argv[0])
    wanted = argv[1:]
    variants = build(out / "in")
    for v in variants:
        if not v.input or (wanted and not any(w in v.rel for w in wanted)):
            continue
        seconds, outcome, problems = triage_one(out / "in" / v.rel)
        flag = " | ".join(problems)
        print(f"{seconds:6.2f}s {outcome:10s} {v.rel!r} :: {v.recipe} {'!! ' + flag if flag else ''}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
