"""Hard scans and phone photos: fields right, wrong fields flagged, seconds and memory per page,
the cell-by-cell pipeline against the plain full-page OCR (what paicha did before issue 14), one run.

    .venv/bin/python bench/bench_ocr.py                    # held-out set, both pipelines
    .venv/bin/python bench/bench_ocr.py --set tune --only cells --limit 4
    .venv/bin/python bench/bench_ocr.py --set tune --only cells --variant det1280:PAICHA_OCR_DET_SIDE=1280
      (each --variant LABEL:VAR=VALUE;… is the cells pipeline again with those settings, in the same run)
    .venv/bin/python bench/bench_ocr.py --set tune --only none --variant page:PAICHA_OCR_READ=page \
        --variant cells:PAICHA_OCR_READ=cells;PAICHA_OCR_PACK=1
      (the knobs: PAICHA_OCR_READ=page|cells how a page's text is read, parsers/ocr/cellread.py;
      PAICHA_OCR_PACK=1 short lines read several to a row; PAICHA_OCR_DET_SIDE=N the long side text
      lines are found on; PAICHA_OCR_DET_REGION=0 text looked for on the whole page, not round its ink;
      PAICHA_OCR_REC_MIN_WIDTH=N a short crop padded to N px; PAICHA_OCR_PARAMS={...} any rapidocr setting)
    --keep: each run's Documents also kept for bench/ocr_fields.py show (out/ocr_fields/<set>/<label>/),
      so the flags can be studied without reading the images again.

Images: samples/make_photos.py (made into out/ocr_hard/ when missing; truth = the fill data).
Each pipeline runs in its own process (PAICHA_OCR_THREADS=1, pinned to one core: PAICHA_BENCH_CORE,
default the first), so its peak RSS is its own. A field is `right` when the record's value equals the fill; `flagged` when a warning
names it (or a part of the record holding it: data.items[3] flags data.items[3].self_result), or the
record was kept only as low_recognition. A form with no record: all its fields wrong, not flagged
(counted apart too: `no-rec flds`, and `flagged of rest` the wrong fields flagged of the forms with one).
Targets (issue 14): scans >= 98% right, photos >= 95% right, >= 95% of wrong fields flagged,
<= 10% of right fields flagged, <= 1.5 s a page on one core, <= 600 MB per worker.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import pickle
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HARD = ROOT / "out" / "ocr_hard"
PHOTO_KINDS = ("photo", "photo2", "screenshot", "rotated")
SCAN_KINDS = ("scan", "fax")


def ensure_images(which: str) -> list[dict]:
    truth = HARD / which / "truth.jsonl"
    if not truth.exists():
        from samples.make_photos import make
        make(which, HARD)
    return [json.loads(x) for x in truth.read_text(encoding="utf-8").splitlines() if x.strip()]


def flagged(path: str, warned: set[str], whole: bool) -> bool:
    if whole:
        return True
    p = path
    while p:
        if p in warned:
            return True
        cut = max(p.rfind("."), p.rfind("["))
        p = p[:cut] if cut > 0 else ""
    return False


def best_match(want_rec: dict, records: list) -> tuple[dict, tuple | None]:
    """The truth record's fields and the record scored against it: (want, (record, its fields, kept only as
    low_recognition) or None): of its form type (or low_recognition), the most fields equal."""
    from schema.record import leaf_fields
    want = leaf_fields({"header": want_rec["header"], "data": want_rec["data"]})
    best, best_n = None, -1
    for r in records:
        low = any(w.get("code") == "low_recognition" for w in r.warnings)
        if r.form_type != want_rec["form_type"] and not low:
            continue
        got = leaf_fields({"header": r.header, "data": r.data}) if r.form_type == want_rec["form_type"] else {}
        n = sum(got.get(k) == v for k, v in want.items())
        if n > best_n:
            best, best_n = (r, got, low), n
    return want, best


def score(truth: dict, records: list) -> list[dict]:
    """Per truth record: [{path, right, flagged}] against the best-matching record of its form type."""
    out = []
    for want_rec in truth["records"]:
        want, best = best_match(want_rec, records)
        fields = []
        for k, v in want.items():
            if best is None:
                fields.append({"path": k, "right": False, "flagged": False, "want": v, "got": None})
                continue
            r, got, low = best
            warned = {w.get("field", "") for w in r.warnings}
            fields.append({"path": k, "right": got.get(k) == v, "flagged": flagged(k, warned, low),
                           "want": v, "got": got.get(k)})
        out.append({"form_type": want_rec["form_type"], "found": best is not None, "fields": fields})
    return out


def run_pipeline(name: str, which: str, limit: int | None, q, env: dict[str, str] | None = None,
                 keep: Path | None = None) -> None:
    """Child process: read every image with pipeline `name` (settings `env`), put results, peak RSS and
    the CPU seconds spent inside the OCR engine on the queue; with `keep`, each image's Documents
    pickled there as bench/ocr_fields.py keeps them."""
    os.environ["PAICHA_OCR_PIPELINE"] = name
    os.environ["PAICHA_OCR_THREADS"] = "1"
    os.environ.update(env or {})
    try:
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[int(os.environ.get("PAICHA_BENCH_CORE", "0")) % len(cores)]})
    except (AttributeError, OSError):
        pass
    from parsers.ocr import engine
    from parsers.ocr.engine import get_engine
    from parsers.readers import read_file
    from parsers.recognize import records_from_document
    from schema.errors import InputError
    get_engine()
    rows = []
    for t in ensure_images(which)[:limit]:
        path = HARD / which / t["file"]
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            docs = read_file(path)
            error = None
        except InputError as e:
            docs, error = [], str(e)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / (t["file"] + ".pkl")).write_bytes(pickle.dumps(
                {"docs": docs, "error": error, "cpu": time.process_time() - c0, "env": env or {}}))
        records = [r for d in docs for r in records_from_document(d)]
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        rows.append({"file": t["file"], "kind": t["kind"], "pages": t["pages"], "wall": wall, "cpu": cpu,
                     "error": error, "n_records": len(records), "scores": score(t, records)})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    q.put({"rows": rows, "rss_mb": rss, "ocr_cpu": engine.ocr_cpu})


def measure(name: str, which: str, limit: int | None, env: dict[str, str] | None = None,
            keep: Path | None = None) -> dict:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=run_pipeline, args=(name, which, limit, q, env, keep))
    p.start()
    res = q.get()
    p.join()
    return res


def tally(rows: list[dict], kinds) -> dict:
    fs = [f for r in rows if r["kind"] in kinds for s in r["scores"] for f in s["fields"]]
    right = sum(f["right"] for f in fs)
    wrong = [f for f in fs if not f["right"]]
    rights = [f for f in fs if f["right"]]
    flagged_all = sum(f["flagged"] for f in fs)
    lost = sum(len(s["fields"]) for r in rows if r["kind"] in kinds for s in r["scores"] if not s["found"])
    return {"n": len(fs), "right": right, "wrong": len(wrong), "lost": lost,
            "wrong_flagged": sum(f["flagged"] for f in wrong), "right_flagged": sum(f["flagged"] for f in rights),
            "flagged": flagged_all,
            "zero": sum(1 for r in rows if r["kind"] in kinds and r["n_records"] == 0)}


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "  —  "


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("heldout", "tune", "calib", "tune2"), default="heldout")
    ap.add_argument("--only", choices=("cells", "page", "none"), default=None,
                    help="one pipeline; none: only the --variant runs")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--show", action="store_true", help="list every wrong field")
    ap.add_argument("--json", type=Path, default=None, help="write all rows here")
    ap.add_argument("--variant", action="append", default=[], metavar="LABEL:VAR=VALUE;…",
                    help="the cells pipeline again with these environment settings (repeatable)")
    ap.add_argument("--keep", action="store_true",
                    help="keep each run's Documents for bench/ocr_fields.py show (not for the held-out set)")
    a = ap.parse_args()
    if a.keep and a.set == "heldout":
        ap.error("--keep：留出集不逐字段查看")
    kept = (lambda label: ROOT / "out" / "ocr_fields" / a.set / label) if a.keep else (lambda label: None)
    ensure_images(a.set)
    names = [] if a.only == "none" else [a.only] if a.only else ["page", "cells"]
    results = {n: measure(n, a.set, a.limit, keep=kept(n)) for n in names}
    for v in a.variant:
        label, _, settings = v.partition(":")
        env = dict(kv.split("=", 1) for kv in settings.split(";") if kv)
        results[label] = measure("cells", a.set, a.limit, env, kept(label))
    print(f"难识别照片与扫描件（{a.set}，{len(next(iter(results.values()))['rows'])} 个文件）；单核，PAICHA_OCR_THREADS=1")
    print(f"  {'pipeline':10s}{'set':8s}{'fields':>7s}{'right':>8s}{'wrong flagged':>15s}{'right flagged':>15s}"
          f"{'flag prec':>11s}{'0-record':>9s}{'no-rec flds':>12s}{'flagged of rest':>16s}")
    for n, res in results.items():
        for label, kinds in (("scans", SCAN_KINDS), ("photos", PHOTO_KINDS)):
            t = tally(res["rows"], kinds)
            print(f"  {n:10s}{label:8s}{t['n']:7d}{pct(t['right'], t['n']):>8s}"
                  f"{pct(t['wrong_flagged'], t['wrong']):>15s}{pct(t['right_flagged'], t['right']):>15s}"
                  f"{pct(t['wrong_flagged'], t['flagged']):>11s}{t['zero']:9d}{t['lost']:12d}"
                  f"{pct(t['wrong_flagged'], t['wrong'] - t['lost']):>16s}")
    print(f"\n  {'pipeline':10s}{'s/page wall':>12s}{'s/page cpu':>12s}{'OCR cpu':>9s}{'peak MB':>9s}")
    for n, res in results.items():
        rows = res["rows"]
        pages = sum(r["pages"] for r in rows)
        print(f"  {n:10s}{sum(r['wall'] for r in rows) / pages:12.2f}{sum(r['cpu'] for r in rows) / pages:12.2f}"
              f"{res['ocr_cpu'] / pages:9.2f}{res['rss_mb']:9.0f}")
    if "page" in results and "cells" in results:
        p, c = results["page"]["rows"], results["cells"]["rows"]
        cpu = lambda rows: sum(r["cpu"] for r in rows)   # noqa: E731
        print(f"  cells / page cpu time: {cpu(c) / cpu(p):.2f}×")
    print("\n  per file (right/fields, wrong flagged/wrong):")
    for n, res in results.items():
        for r in res["rows"]:
            fs = [f for s in r["scores"] for f in s["fields"]]
            wrong = [f for f in fs if not f["right"]]
            print(f"  {n:6s} {r['file']:34s} {sum(f['right'] for f in fs):3d}/{len(fs):3d}  "
                  f"{sum(f['flagged'] for f in wrong):3d}/{len(wrong):3d}  {r['cpu']:6.2f}s"
                  + (f"  {r['error']}" if r["error"] else ""))
            if a.show:
                for f in wrong:
                    print(f"         {'F' if f['flagged'] else '!'} {f['path']}: {f['want']!r} → {f['got']!r}")
    print(f"  (cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f})")
    if a.json:
        a.json.write_text(json.dumps(results, ensure_ascii=False, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
