"""Per-field OCR flags of the hard images: why each wrong field is not flagged, which rule flags each
right one (issue 14 item 5), with the OCR read once and the records re-made from it as often as needed.

    .venv/bin/python bench/ocr_fields.py read --set calib --label cells PAICHA_OCR_READ=cells PAICHA_OCR_PACK=1
      (reads every image of the set with those settings in a child process pinned to one core,
      PAICHA_OCR_THREADS=1, and keeps the Documents in out/ocr_fields/<set>/<label>/; --kinds scan,fax
      only those)
    .venv/bin/python bench/ocr_fields.py show --set calib --label cells [--label page] [--list]
      (recognises and checks the kept Documents again with the code as it is now: fields right, wrong
      flagged, right flagged per scans/photos as bench_ocr counts them; flags per rule; --list every
      wrong field not flagged and every right one flagged, with the cell's text and confidence)

Truth, `right` and `flagged` are bench/bench_ocr.py's (same images, same scoring). Never --set heldout.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_ocr import HARD, PHOTO_KINDS, SCAN_KINDS, best_match, ensure_images, pct, score  # noqa: E402

KEPT = ROOT / "out" / "ocr_fields"
SETS = ("tune", "calib", "tune2")           # the held-out set is never looked at field by field


def _read(which: str, label: str, env: dict[str, str], kinds: tuple[str, ...] = ()) -> None:
    """Child process: every image of the set (of these kinds, when given) read into Documents, pickled
    one file per image."""
    os.environ["PAICHA_OCR_THREADS"] = "1"
    os.environ.update(env)
    try:
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[int(os.environ.get("PAICHA_BENCH_CORE", "0")) % len(cores)]})
    except (AttributeError, OSError):
        pass
    from parsers.readers import read_file
    from schema.errors import InputError
    out = KEPT / which / label
    out.mkdir(parents=True, exist_ok=True)
    for t in ensure_images(which):
        if kinds and t["kind"] not in kinds:
            continue
        c0 = time.process_time()
        try:
            docs, error = read_file(HARD / which / t["file"]), None
        except InputError as e:
            docs, error = [], str(e)
        cpu = time.process_time() - c0
        (out / (t["file"] + ".pkl")).write_bytes(pickle.dumps({"docs": docs, "error": error, "cpu": cpu, "env": env}))
        print(f"{label} {t['file']} {cpu:.2f}s", flush=True)


def read(which: str, label: str, env: dict[str, str], kinds: tuple[str, ...] = ()) -> None:
    p = mp.get_context("spawn").Process(target=_read, args=(which, label, env, kinds))
    p.start()
    p.join()


def records(which: str, label: str) -> list[dict]:
    """Per image: its kind, scores (bench_ocr's) and per field the codes of the warnings on it and
    the source (text, confidence) it was read from."""
    from parsers.ocr import trust
    from parsers.recognize import records_from_document
    seen: dict[int, dict] = {}
    check = trust.check

    def keep(rec, spec, where=None):
        check(rec, spec, where)
        seen[id(rec)] = where or {}

    trust.check = keep
    before = dict(os.environ)
    try:
        rows = []
        for t in ensure_images(which):
            pkl = KEPT / which / label / (t["file"] + ".pkl")
            if not pkl.exists():
                continue                # not read (yet): a read still running is shown so far
            kept = pickle.loads(pkl.read_bytes())
            os.environ.update(kept.get("env") or {})      # the settings it was read with (the read mode)
            recs = [r for d in kept["docs"] for r in records_from_document(d)]
            scores = score(t, recs)
            for s in scores:
                rec = _matching(t, s, recs)
                for f in s["fields"]:
                    f["codes"], f["src"] = _codes(rec, f["path"]) if rec else [], None
                    if rec is not None:
                        src = seen.get(id(rec), {}).get(f["path"])
                        if src is not None:
                            f["src"] = (getattr(src, "text", ""), getattr(src, "confidence", None))
            rows.append({"file": t["file"], "kind": t["kind"], "scores": scores, "cpu": kept["cpu"]})
        return rows
    finally:
        trust.check = check
        os.environ.clear()
        os.environ.update(before)


def _matching(truth: dict, s: dict, recs: list):
    """The record bench_ocr scored `s` against (same rule: most fields equal, its form type)."""
    want_rec = next(w for w in truth["records"] if w["form_type"] == s["form_type"])
    best = best_match(want_rec, recs)[1]
    return best[0] if best else None


def _codes(rec, path: str) -> list[str]:
    """Codes of the warnings naming the field or a part holding it (bench_ocr's `flagged`)."""
    if any(w.get("code") == "low_recognition" for w in rec.warnings):
        return ["low_recognition"]
    parts, p = set(), path
    while p:
        parts.add(p)
        cut = max(p.rfind("."), p.rfind("["))
        p = p[:cut] if cut > 0 else ""
    return sorted({w.get("code", "") for w in rec.warnings if w.get("field") in parts})


def show(which: str, labels: list[str], listing: bool) -> None:
    for label in labels:
        rows = records(which, label)
        print(f"== {which} / {label}: {len(rows)} files, OCR cpu {sum(r['cpu'] for r in rows):.0f}s")
        for name, kinds in (("scans", SCAN_KINDS), ("photos", PHOTO_KINDS), ("all", SCAN_KINDS + PHOTO_KINDS)):
            fs = [f for r in rows if r["kind"] in kinds for s in r["scores"] for f in s["fields"]]
            wrong = [f for f in fs if not f["right"]]
            right = [f for f in fs if f["right"]]
            lost = sum(1 for r in rows if r["kind"] in kinds for s in r["scores"] if not s["found"]
                       for f in s["fields"])
            print(f"  {name:7s} fields {len(fs):4d}  right {pct(len(right), len(fs))}"
                  f"  wrong flagged {sum(f['flagged'] for f in wrong):3d}/{len(wrong):3d} "
                  f"{pct(sum(f['flagged'] for f in wrong), len(wrong))}"
                  f"  right flagged {sum(f['flagged'] for f in right):3d}/{len(right):4d} "
                  f"{pct(sum(f['flagged'] for f in right), len(right))}"
                  + (f"  (wrong in forms with no record: {lost}; flagged of the rest "
                     f"{pct(sum(f['flagged'] for f in wrong), len(wrong) - lost)})" if lost else ""))
        fs = [(r, f) for r in rows for s in r["scores"] for f in s["fields"]]
        only = Counter(f["codes"][0] for _, f in fs if f["right"] and len(f["codes"]) == 1)
        by = Counter(c for _, f in fs if f["right"] for c in f["codes"])
        print("  right fields flagged, by code (alone):",
              ", ".join(f"{c} {n} ({only.get(c, 0)})" for c, n in by.most_common()))
        by = Counter(c for _, f in fs if not f["right"] for c in f["codes"])
        print("  wrong fields flagged, by code:", ", ".join(f"{c} {n}" for c, n in by.most_common()))
        if listing:
            for r, f in fs:
                if not f["right"] and not f["flagged"]:
                    print(f"   ! {r['file']:32s} {f['path']}: {f['want']!r} -> {f['got']!r}  src={f['src']}")
            for r, f in fs:
                if f["right"] and f["flagged"]:
                    print(f"   F {r['file']:32s} {f['path']}: {f['want']!r} {f['codes']}  src={f['src']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("read", "show"))
    ap.add_argument("--set", choices=SETS, default="calib")
    ap.add_argument("--label", action="append", default=[])
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--kinds", default="", help="read only these kinds (scan,fax): a grid change measured on scans")
    ap.add_argument("env", nargs="*", metavar="VAR=VALUE")
    a = ap.parse_intermixed_args()
    if a.what == "read":
        read(a.set, a.label[0], dict(kv.split("=", 1) for kv in a.env), tuple(k for k in a.kinds.split(",") if k))
    else:
        show(a.set, a.label or ["cells"], a.list)


if __name__ == "__main__":
    main()
