#!/usr/bin/env python3
"""Make the fixture ledgers of tests/data/ledgers/ with the code of the commits that wrote them.

One ledger per schema generation that `git log -- ledger/` shows, each written by
that commit's own code, checked out with `git worktree add /tmp/old-<sha> <sha>` and
run with the current venv; the worktrees are removed afterwards:

  001_only           c9de722  skeleton: migration 001 only, user_version 1, no importer yet (empty)
  uv10_001_010       9b9aab8  001 and 010 only, user_version 10, no schema_migrations table
                              (no parser yet: that commit's store imports records the current parser read)
  uv10_no_table      ae215de  001, 002, 010 by `cli.py parse --db`, user_version 10, no schema_migrations
  uv10_empty_table   the uv10_001_010 ledger opened by 4bbc811: schema_migrations created but left
                              empty, user_version 10, still without 002's tables
  recorded           4bbc811  `cli.py parse --db`, schema_migrations lists 1, 2, 10

Each ledger is compacted (1 KiB pages, rollback journal) so the fixtures stay small.
Usage: .venv/bin/python scripts/make_old_ledgers.py [OUT_DIR]   (default tests/data/ledgers)
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# a few returns of each kind the ledger draws from (hazards, stats rows, enterprises)
SAMPLES = [
    "samples/returns/北石店镇/督导检查表-晋城市城区宏达建材有限公司.docx",
    "samples/returns/北石店镇/自查表-晋城市城区宏达建材有限公司.xlsx",
    "samples/returns/北石店镇/大排查大整治行动统计表.xlsx",
    "samples/returns/北石店镇/重大隐患统计表.xlsx",
    "samples/returns/南庄镇/东沟村/重大事故隐患专项排查整治行动进展情况调度表.xlsx",
]

# run inside a worktree: that commit's connect() / import_records, records from a JSONL file
_OPEN = "import sys; sys.path.insert(0, '.'); from ledger.db import connect; connect(sys.argv[1]).close()"
_IMPORT = """
import json, sys
sys.path.insert(0, '.')
from ledger.db import connect
from ledger.store import import_records
from schema.record import Record
con = connect(sys.argv[1])
by_file = {}
for line in open(sys.argv[2], encoding='utf-8'):
    obj = json.loads(line)
    if 'form_type' in obj:
        by_file.setdefault(obj['source']['sha256'], (obj['source'], []))[1].append(Record.from_json(obj))
for source, records in by_file.values():
    import_records(con, source, records)
con.close()
"""


def run(args: list, cwd: Path) -> None:
    subprocess.run([str(a) for a in args], cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def worktree(sha: str) -> Path:
    path = Path(f"/tmp/old-{sha}")
    if not path.exists():
        run(["git", "worktree", "add", "--detach", path, sha], ROOT)
    return path


def compact(db: Path) -> None:
    """1 KiB pages, no WAL: the same schema and rows in a much smaller file."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("PRAGMA page_size = 1024")
    con.execute("VACUUM")
    con.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    trees: list[Path] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            jsonl = Path(tmp) / "records.jsonl"
            run([PY, "cli.py", "parse", *SAMPLES, "--jsonl", jsonl, "--workers", "1", "-q"], ROOT)

            def make(name: str, sha: str, script: str | None = None, extra: list | None = None) -> Path:
                tree = worktree(sha)
                trees.append(tree)
                db = Path(tmp) / f"{name}.db"
                if script is None:   # that commit's own `cli.py parse --db`
                    run([PY, "cli.py", "parse", *SAMPLES, "--db", db, "--workers", "1", "-q"], tree)
                else:
                    run([PY, "-c", script, db, *(extra or [])], tree)
                return db

            make("001_only", "c9de722", _OPEN)
            g2 = make("uv10_001_010", "9b9aab8", _IMPORT, [jsonl])
            make("uv10_no_table", "ae215de")
            shutil.copy(g2, Path(tmp) / "uv10_empty_table.db")
            make("uv10_empty_table", "4bbc811", _OPEN)
            make("recorded", "4bbc811")
            for db in sorted(Path(tmp).glob("*.db")):
                compact(db)
                target = out / db.name
                shutil.copy(db, target)
                made.append(target)
    finally:
        for tree in dict.fromkeys(trees):
            run(["git", "worktree", "remove", "--force", tree], ROOT)
    for db in made:
        print(f"{db.relative_to(ROOT) if db.is_relative_to(ROOT) else db}：{db.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "ledgers")
