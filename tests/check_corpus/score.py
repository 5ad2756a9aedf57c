"""False-alarm and miss rates of `check` on the labelled set (build.py + labels.yaml).

A reported finding is false when its rule id is not among the document's labels; a label is missed when
no finding carries its rule id.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from generators.gongwen.check import check_file
from tests.check_corpus.build import build_all

LABELS = Path(__file__).with_name("labels.yaml")


def labels() -> dict[str, list[str]]:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


def score(out_dir: Path) -> dict:
    """{"docs", "reported", "false", "labels", "missed", "false_rate", "miss_rate", "per_doc": {name: (false rules, missed)}}."""
    want = labels()
    docs = build_all(out_dir)
    assert set(docs) == set(want), set(docs) ^ set(want)
    reported = false = n_labels = missed = 0
    per_doc = {}
    for name, path in docs.items():
        found = Counter(p.rule for p in check_file(path))
        bad = {r: n for r, n in found.items() if r not in want[name]}
        miss = [r for r in want[name] if r not in found]
        reported += sum(found.values())
        false += sum(bad.values())
        n_labels += len(want[name])
        missed += len(miss)
        if bad or miss:
            per_doc[name] = (bad, miss)
    return {"docs": len(docs), "reported": reported, "false": false, "labels": n_labels, "missed": missed,
            "false_rate": false / reported if reported else 0.0, "miss_rate": missed / n_labels if n_labels else 0.0,
            "per_doc": per_doc}
