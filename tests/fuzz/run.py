"""`cli.py parse` on a folder in a subprocess, and what came out of it.

    run = run_parse(folder, outdir)      # exactly what a user would see: exit code, stdout, stderr
    run.jsonl, run.outcomes, run.db      # the JSONL lines, Summary.outcomes (None until it exists), the ledger

The subprocess calls `cli.main(["parse", folder, "--jsonl", …, "--xlsx", …, "--db", …])`; a thin spy
around `parsers.pipeline.parse` saves the Summary's per-file outcomes as JSON (with \\u escapes, so
names that are not valid UTF-8 survive).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HANG_GUARD = 1800         # seconds; only so a hung batch cannot hang the suite

SPY = """
import json, sys
sys.path.insert(0, sys.argv[1])
import cli
from parsers import pipeline
real = pipeline.parse
def spy(*args, **kwargs):
    summary = real(*args, **kwargs)
    with open(sys.argv[2], "w", encoding="ascii") as f:
        json.dump(getattr(summary, "outcomes", None), f, default=str)
    return summary
pipeline.parse = spy
sys.exit(cli.main(sys.argv[3:]))
"""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    jsonl: list[dict] = field(default_factory=list)
    outcomes: list[dict] | None = None
    db: Path | None = None

    @property
    def screen(self) -> str:
        return self.stdout + self.stderr


def run_parse(folder: Path, outdir: Path, workers: int = 2) -> Run:
    """Parse `folder` as a user would (UTF-8 terminal, private TMPDIR and log location)."""
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "tmp").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAICHA_")}
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8", TMPDIR=str(outdir / "tmp"), XDG_STATE_HOME=str(outdir / "state"))
    jsonl, db, outcomes = outdir / "records.jsonl", outdir / "ledger.db", outdir / "outcomes.json"
    argv = ["parse", str(folder), "--jsonl", str(jsonl), "--xlsx", str(outdir / "summary.xlsx"),
            "--db", str(db), "--workers", str(workers)]
    proc = subprocess.run([sys.executable, "-c", SPY, str(ROOT), str(outcomes), *argv], cwd=ROOT, env=env,
                          capture_output=True, timeout=HANG_GUARD)
    run = Run(proc.returncode, proc.stdout.decode("utf-8", "backslashreplace"),
              proc.stderr.decode("utf-8", "backslashreplace"), db=db if db.exists() else None)
    if jsonl.exists():
        with open(jsonl, encoding="utf-8", errors="surrogateescape") as f:
            run.jsonl = [json.loads(line) for line in f if line.strip()]
    if outcomes.exists():
        run.outcomes = json.loads(outcomes.read_text(encoding="ascii"))
    return run


# --- reading the results ----------------------------------------------------------------------

def owner(path: str, inputs: set[str]) -> str | None:
    """The input file a JSONL path belongs to: itself, or the archive it is a member of (a.zip!b.docx)."""
    if path in inputs:
        return path
    best = None
    for i in range(len(path)):
        if path[i] == "!" and path[:i] in inputs:
            best = path[:i]
    return best


def jsonl_outcomes(lines: list[dict], inputs: set[str]) -> tuple[dict[str, list[str]], list[dict]]:
    """{input path: its whole-file outcomes as the JSONL shows them}, and the lines that belong to no input.

    A file with records counts once ("records"), whatever it holds; an error or outcome line naming
    the file itself counts once each; error lines of archive members are not the archive's outcome,
    but an archive with nothing except failed members has failed ("error").
    """
    found: dict[str, list[str]] = {p: [] for p in inputs}
    members_failed: set[str] = set()
    stray = []
    for line in lines:
        path = str(line.get("source", {}).get("path", ""))
        who = owner(path, inputs)
        if who is None:
            stray.append(line)
        elif "form_type" in line:
            if "records" not in found[who]:
                found[who].append("records")
        elif who != path:
            members_failed.add(who)
        elif "error" in line:
            found[who].append("error")
        elif "outcome" in line:
            found[who].append(str(line["outcome"].get("code")))
        else:
            stray.append(line)
    for who in members_failed:
        if not found[who]:
            found[who].append("error")
    return found, stray


def printed_counts(stdout: str) -> tuple[int, list[int]] | None:
    """(total, [the per-outcome counts]) from the summary's first line "共 N 个文件：a X 个，b Y 个；…"."""
    m = re.search(r"共 (\d+) 个文件：([^\n；]*)", stdout)
    if not m:
        return None
    return int(m.group(1)), [int(n) for n in re.findall(r"(\d+) 个", m.group(2))]


ENGLISH = re.compile("|".join([
    r"\b[A-Za-z_][A-Za-z0-9_.]*(?:Error|Exception|Warning|error)\b|Traceback|Errno|\bline \d+",   # exceptions
    r"[A-Za-z]{2,}(?: [A-Za-z]{2,})+",                        # two or more English words
    r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b",                       # CamelCase: BadZipFile …
]))
PRODUCT_NAMES = {"LibreOffice", "OpenDocument", "PowerPoint"}       # … except names users know
COMMANDS = ["cli.py record suspects"]                               # … and commands the summary tells users to run


def english_on_screen(text: str, paths: list[str]) -> list[str]:
    """English exception text in what reached the screen: exception class names, Traceback, CamelCase
    words, phrases of two or more English words (the given paths and commands removed first; generated
    names have none)."""
    for p in sorted(paths, key=len, reverse=True) + COMMANDS:
        text = text.replace(p, "")
    found = [w for w in ENGLISH.findall(text) if w not in PRODUCT_NAMES]
    return [f for f in found if f.strip()]
