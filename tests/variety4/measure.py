"""Field accuracy of the variety sets per format: each expected leaf value (header and data) counts
right when the record in its place has the right form type and the same value there; each row a
record has beyond the expected ones counts as one wrong field.

    .venv/bin/python tests/variety4/measure.py OUTDIR [variety4 variety3 …]
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.test_roundtrip import diff
from tests.variety.compare import records_of


def leaves(expected, path: str = "") -> list[tuple[str, object]]:
    if isinstance(expected, dict):
        return [x for k, v in expected.items() for x in leaves(v, f"{path}.{k}")]
    if isinstance(expected, list) and expected and isinstance(expected[0], (dict, list)):
        return [x for i, v in enumerate(expected) for x in leaves(v, f"{path}[{i}]")]
    return [(path, expected)]


def _at(obj, path: str):
    for part in path.replace("[", ".[").strip(".").split("."):
        if part.startswith("["):
            i = int(part[1:-1])
            obj = obj[i] if isinstance(obj, list) and i < len(obj) else KeyError
        else:
            obj = obj.get(part, KeyError) if isinstance(obj, dict) else KeyError
        if obj is KeyError:
            return KeyError
    return obj


def case_score(case: dict, out: Path) -> tuple[int, int]:
    """(right, total) leaves of one case."""
    try:
        recs = records_of(out / case["file"])
    except Exception:                       # noqa: BLE001 - a file paicha rejects scores nothing
        recs = []
    right = total = 0
    for i, e in enumerate(case["records"]):
        rec = recs[i] if i < len(recs) else None
        for part in ("header", "data"):
            for path, want in leaves(e[part]):
                total += 1
                if rec is None or rec.form_type != e["form_type"]:
                    continue
                got = _at(getattr(rec, part), path)
                right += got is not KeyError and not diff(want, got)
            for key, want in e[part].items():          # each row too many (a text row taken for a unit) counts wrong
                got = getattr(rec, part).get(key) if rec is not None and rec.form_type == e["form_type"] else None
                if isinstance(want, list) and isinstance(got, list) and len(got) > len(want):
                    total += len(got) - len(want)
    return right, total


def measure(out: Path) -> dict[str, tuple[int, int]]:
    cases = json.loads((out / "cases.json").read_text(encoding="utf-8"))
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in cases:
        r, t = case_score(c, out)
        fmt = Path(c["file"]).suffix[1:]
        per[fmt][0] += r
        per[fmt][1] += t
        print(f"{r:6}/{t:<6} {c['name']}", flush=True)
    return {k: (v[0], v[1]) for k, v in sorted(per.items())}


if __name__ == "__main__":
    import importlib
    root = Path(sys.argv[1])
    for name in sys.argv[2:] or ["variety4"]:
        out = root / name
        if not (out / "cases.json").exists():
            importlib.import_module(f"tests.{name}.build").build(out)
        for fmt, (r, t) in measure(out).items():
            print(f"{name} {fmt:5} {r}/{t} = {100 * r / max(t, 1):.1f}%")
