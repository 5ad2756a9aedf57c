"""Blank scans: how long a 300-page scan of blank sheets takes to end as the all-blank error.

    .venv/bin/python bench/bench_blank.py              # 300 pages
    .venv/bin/python bench/bench_blank.py --pages 30

The PDF (one grey, noisy, JPEG-compressed blank page repeated, as tests/pages.py makes it) is
written to a temporary folder, never committed. Issue 9: before blank pages were skipped, every
page went to OCR (~0.9 s a page on 2 idle cores, 260 s for 300 pages) and the file "succeeded"
with no records. Target: a few seconds. Prints wall and CPU seconds and the outcome.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers.readers.pdf import read_pdf  # noqa: E402
from schema.errors import InputError  # noqa: E402
from tests.pages import blank_scan_pdf  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="paicha-blank-") as tmp:
        pdf = blank_scan_pdf(args.pages, Path(tmp) / "blank.pdf")
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            doc = read_pdf(pdf)
            outcome = f"读出 {len(doc.blocks)} 个块"
        except InputError as e:
            outcome = f"{e.code}：{e.message.split('：', 1)[1]}"
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"空白扫描件 {args.pages} 页：{wall:.2f} 秒（CPU {cpu:.2f} 秒，每页 {1000 * wall / args.pages:.1f} 毫秒）；{outcome}")


if __name__ == "__main__":
    main()
