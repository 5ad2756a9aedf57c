"""Issue 16's measure: false-alarm and miss rate of `paicha check` on the labelled set of other people's documents.

    .venv/bin/python bench/bench_check_corpus.py [--keep DIR] [-v] [--format]

Builds tests/check_corpus (build.py), checks every document, compares with labels.yaml
(tests/check_corpus/score.py) and prints the rates; -v lists each document's false rules and misses.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.check_corpus.score import format_score, score  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path)
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--format", action="store_true", help="also run `format` on the set's 公文 and check its output")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        s = score(args.keep or Path(tmp))
    for label, g in [("all", s)] + list(s["groups"].items()):
        print(f"{label:>14}: documents {g['docs']}, findings {g['reported']}, false {g['false']} ({g['false_rate']:.1%}), "
              f"true violations {g['labels']}, missed {g['missed']} ({g['miss_rate']:.1%})")
    if args.v:
        for name, (bad, miss) in s["per_doc"].items():
            print(f"  {name}: false {dict(bad)} missed {miss}")
    if args.format:
        with tempfile.TemporaryDirectory() as tmp:
            f = format_score(Path(tmp))
        n = f["drafts"]
        print(f"format: {n} 公文, formatted without options {f['formatted']} ({f['formatted'] / n:.0%}), "
              f"output passes check {f['passing']} ({f['passing'] / n:.0%}), text kept {f['text_kept']} ({f['text_kept'] / n:.0%}), "
              f"kind kept {f['kind_kept']} ({f['kind_kept'] / n:.0%}), format(format(x)) == format(x) {f['idempotent']} "
              f"({f['idempotent'] / n:.0%})")
        if args.v:
            for name, note in f["per_doc"].items():
                print(f"  {name}: {note}")


if __name__ == "__main__":
    main()
