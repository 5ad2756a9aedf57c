"""Issue 9's "done when": a folder of 1,000 returns, some broken, parsed in one batch, every file accounted for.

    .venv/bin/python bench/bench_batch_outcomes.py                  # 960 good copies + 40 broken
    .venv/bin/python bench/bench_batch_outcomes.py --files 200 --broken 10 --keep /tmp/batch

The good files are copies of the sample returns (samples/returns, .docx and .xlsx), each made distinct by
changing one number in its table (a different count per copy; a copy without a number gets an XML
comment naming the copy instead), so every file has its own sha256. The
broken ones are drawn (seeded) from the fuzz generator's variants (tests/fuzz/generate.py), leaving out
PDFs and images (a damaged text layer goes to OCR: ~20 s a file, which would measure OCR, not the batch).
`cli.py parse FOLDER --jsonl --db --xlsx` then runs under /usr/bin/time -v, as a user would run it;
printed: wall seconds, files/s, peak RSS (the largest single process: /usr/bin/time's figure), the
outcome counts, and whether every input file has exactly one outcome in the JSONL. Nothing is committed:
the folder is temporary unless --keep is given.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fuzz.generate import SEED, build  # noqa: E402
from tests.fuzz.run import jsonl_outcomes, printed_counts  # noqa: E402

SAMPLES = ROOT / "samples" / "returns"
SKIP_BROKEN = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"}
# a number cell: Word's run text that is only digits; an Excel cell without a type (a number, not a shared string)
DOCX_NUMBER = re.compile(rb"(<w:t(?: [^>]*)?>)(\d{1,4})(</w:t>)")
XLSX_NUMBER = re.compile(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?(?: t="n")?><v>)(\d{1,4})(</v>)')
MAIN_PART = {".docx": ("word/document.xml", DOCX_NUMBER), ".xlsx": ("xl/worksheets/sheet1.xml", XLSX_NUMBER)}


def distinct_copy(data: bytes, suffix: str, n: int) -> bytes:
    """The package with its first table number raised by n (or, without one, a comment naming copy n)."""
    part, number = MAIN_PART[suffix]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        changed = part in zin.namelist() and number.search(zin.read(part))
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == part:
                body = number.sub(lambda m: m.group(1) + str(int(m.group(2)) + n).encode() + m.group(3), body,
                                  count=1) if changed else body + b"<!-- copy %d -->" % n
            zout.writestr(info, body)
    return out.getvalue()


def make_folder(folder: Path, files: int, broken: int, seed: int = SEED) -> list[Path]:
    """`files` inputs under `folder`: `broken` fuzz variants, the rest distinct copies of the samples."""
    samples = sorted(p for p in SAMPLES.rglob("*") if p.suffix in MAIN_PART and "格式样例" not in p.parts)
    inputs = []
    for i in range(files - broken):
        src = samples[i % len(samples)]
        dest = folder / "good" / src.parent.relative_to(SAMPLES) / f"{src.stem}-{i:04d}{src.suffix}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(distinct_copy(src.read_bytes(), src.suffix, i // len(samples) + 1))
        inputs.append(dest)
    fuzz = folder.parent / "fuzz"
    variants = [v for v in build(fuzz, seed) if v.input and v.rel.startswith(("broken/", "ext/"))
                and Path(v.rel).suffix.lower() not in SKIP_BROKEN]
    for v in random.Random(seed).sample(variants, broken):
        dest = folder / "broken" / Path(v.rel).name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes((fuzz / v.rel).read_bytes())
        inputs.append(dest)
    return inputs


def run(folder: Path, out: Path, workers: int) -> dict:
    """cli.py parse under /usr/bin/time -v; the numbers."""
    argv = ["/usr/bin/time", "-v", sys.executable, str(ROOT / "cli.py"), "parse", str(folder),
            "--jsonl", str(out / "records.jsonl"), "--db", str(out / "ledger.db"), "--xlsx", str(out / "汇总.xlsx"),
            "--workers", str(workers)]
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "XDG_STATE_HOME": str(out / "state"), "LANG": "C.UTF-8"})
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return {"returncode": proc.returncode, "stdout": proc.stdout, "seconds": seconds, "peak_mb": int(rss.group(1)) / 1024,
            "screen_stderr": proc.stderr.split("\tCommand being timed")[0].strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--broken", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="build and keep everything here instead of a temporary folder")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="paicha-batch-") as tmp:
        top = args.keep or Path(tmp)
        folder, out = top / "in", top / "out"
        out.mkdir(parents=True, exist_ok=True)
        inputs = make_folder(folder, args.files, args.broken)
        r = run(folder, out, args.workers)
        lines = [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").split("\n") if x]
        found, stray = jsonl_outcomes(lines, {str(p) for p in inputs})
        kinds = Counter(",".join(o) for o in found.values())
        counts = printed_counts(r["stdout"])
        print(f"{len(inputs)} files ({args.files - args.broken} good copies, {args.broken} broken), "
              f"{args.workers} workers: exit code {r['returncode']}")
        print(f"wall {r['seconds']:.1f} s, {len(inputs) / r['seconds']:.1f} files/s, "
              f"peak RSS {r['peak_mb']:.0f} MB (largest process)")
        print(f"printed: {counts}; JSONL outcomes: {dict(kinds)}; stray lines: {len(stray)}")
        one_each = all(len(o) == 1 for o in found.values()) and not stray and counts and counts[0] == len(inputs)
        print("every file accounted for exactly once:", "yes" if one_each else "NO")
        if r["screen_stderr"]:
            print("stderr:", r["screen_stderr"][:2000])


if __name__ == "__main__":
    main()
