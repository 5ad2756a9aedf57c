"""PDF and OCR speed and accuracy, against plain baselines measured in the same run.

    .venv/bin/python bench/bench_pdf.py            # all sample scans (tesseract baseline ~15 s a page)
    .venv/bin/python bench/bench_pdf.py --scans 3  # fewer scanned pages

Text PDFs: read_pdf pages/s on a 100-page PDF of the sample forms, against plain
pdfplumber extract_tables() on the same pages. Targets: >= 10 pages/s.
Scans (200 dpi, seal, tilt, noise, JPEG): read_image seconds per page and accuracy,
against plain `tesseract -l chi_sim` on the same images. Targets: <= 3 s a page,
>= 97% of fields exactly right.
Accuracy measures:
  cells   - cells of the text layer found with the same row/col/span and text (ours only);
  strings - text-layer cell strings found anywhere in the page's OCR text (both engines);
  fields  - record fields equal to the fill data (ours; forms on one page only).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schema.record import leaf_fields  # noqa: E402

SAMPLES = ROOT / "samples" / "returns_pdf"
TEXT_PAGES = 100


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())




def cells(doc, page=None) -> set:
    return {(t.page or 1, c.row, c.col, c.rowspan, c.colspan, norm(c.text))
            for t in doc.tables() if page is None or (t.page or 1) == page for c in t.cells if norm(c.text)}


def long_text_pdf(expected: list[dict], out: Path) -> Path:
    """A TEXT_PAGES-page PDF cycling through the sample forms' pages."""
    import pypdfium2 as pdfium
    srcs = [pdfium.PdfDocument(str(SAMPLES / e["file"])) for e in expected if e["format"] == "pdf"]
    pages = [(s, i) for s in srcs for i in range(len(s))]
    doc = pdfium.PdfDocument.new()
    for n in range(TEXT_PAGES):
        s, i = pages[n % len(pages)]
        doc.import_pages(s, [i])
    doc.save(str(out))
    return out


def bench_text(expected: list[dict]) -> dict:
    import pdfplumber

    from parsers.readers.pdf import read_pdf
    with tempfile.TemporaryDirectory() as tmp:
        pdf = long_text_pdf(expected, Path(tmp) / "long.pdf")
        t = time.perf_counter()
        with pdfplumber.open(str(pdf)) as doc:
            n_base = 0
            for page in doc.pages:
                n_base += len(page.extract_tables())
                page.close()
        base = time.perf_counter() - t
        t = time.perf_counter()
        ours_doc = read_pdf(pdf)
        ours = time.perf_counter() - t
    return {"pages": TEXT_PAGES, "ours_s": ours, "base_s": base,
            "tables": len(list(ours_doc.tables())), "base_tables": n_base}


def tesseract_text(image: Path) -> tuple[str, float]:
    t = time.perf_counter()
    out = subprocess.run(["tesseract", str(image), "-", "-l", "chi_sim", "--psm", "6"],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "OMP_THREAD_LIMIT": str(os.cpu_count() or 1)})
    return out.stdout, time.perf_counter() - t


def bench_scans(expected: list[dict], limit: int | None) -> list[dict]:
    from parsers.ocr.engine import get_engine
    from parsers.readers.image import read_image
    from parsers.readers.pdf import read_pdf
    from parsers.recognize import records_from_document
    text = {e["form_type"]: e for e in expected if e["format"] == "pdf"}
    images = [e for e in expected if e["format"] == "image"][:limit]
    get_engine()     # model load (~0.5 s) is not a page cost
    rows = []
    for e in images:
        ref_doc = read_pdf(SAMPLES / text[e["form_type"]]["file"])
        ref = cells(ref_doc, page=1)
        t = time.perf_counter()
        doc = read_image(SAMPLES / e["file"])
        ours_s = time.perf_counter() - t
        ours_text = norm("".join(c.text for tb in doc.tables() for c in tb.cells)
                         + "".join(p.text for p in doc.paragraphs()))
        tess, tess_s = tesseract_text(SAMPLES / e["file"])
        tess = norm(tess)
        strings = [s for *_, s in ref]
        row = {"file": e["file"], "ours_s": ours_s, "tess_s": tess_s,
               "cells": (len(ref & cells(doc)), len(ref)),
               "ours_strings": (sum(s in ours_text for s in strings), len(strings)),
               "tess_strings": (sum(s in tess for s in strings), len(strings)), "fields": None}
        if text[e["form_type"]]["pages"] == 1:
            recs = [r for r in records_from_document(doc) if r.form_type == e["form_type"]]
            want = leaf_fields({"header": e["header"], "data": e["data"]})
            got = leaf_fields({"header": recs[0].header, "data": recs[0].data}) if recs else {}
            row["fields"] = (sum(got.get(k) == v for k, v in want.items()), len(want))
        rows.append(row)
    return rows


def pct(pair) -> str:
    return "—" if not pair else f"{pair[0]}/{pair[1]} {100 * pair[0] / pair[1]:.1f}%"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", type=int, default=None, help="how many scanned sample pages (default all)")
    a = ap.parse_args()
    expected = [json.loads(x) for x in (SAMPLES / "expected.jsonl").read_text(encoding="utf-8").splitlines()]

    tx = bench_text(expected)
    print(f"文字层 PDF（{tx['pages']} 页）")
    print(f"  {'':28s}{'秒':>8s}{'页/秒':>10s}{'表格':>8s}")
    print(f"  {'read_pdf (ours)':28s}{tx['ours_s']:8.2f}{tx['pages'] / tx['ours_s']:10.1f}{tx['tables']:8d}")
    print(f"  {'pdfplumber extract_tables':28s}{tx['base_s']:8.2f}{tx['pages'] / tx['base_s']:10.1f}"
          f"{tx['base_tables']:8d}")
    print(f"  ours / baseline time: {tx['ours_s'] / tx['base_s']:.2f}×   target ≥ 10 页/秒: "
          f"{'OK' if tx['pages'] / tx['ours_s'] >= 10 else 'MISSED'}")

    rows = bench_scans(expected, a.scans)
    print("\n扫描件 / 照片（200 dpi，红章，倾斜，噪点，JPEG）")
    print(f"  {'file':32s}{'ours s':>8s}{'tess s':>8s}  {'cells (ours)':>16s}  {'strings ours':>16s}"
          f"  {'strings tess':>16s}  {'fields (ours)':>16s}")
    for r in rows:
        print(f"  {r['file']:32s}{r['ours_s']:8.2f}{r['tess_s']:8.2f}  {pct(r['cells']):>16s}  "
              f"{pct(r['ours_strings']):>16s}  {pct(r['tess_strings']):>16s}  {pct(r['fields']):>16s}")

    def total(key):
        pairs = [r[key] for r in rows if r[key]]
        return (sum(p[0] for p in pairs), sum(p[1] for p in pairs))
    ours_s = sum(r["ours_s"] for r in rows) / len(rows)
    tess_s = sum(r["tess_s"] for r in rows) / len(rows)
    print(f"  {'TOTAL / mean':32s}{ours_s:8.2f}{tess_s:8.2f}  {pct(total('cells')):>16s}  "
          f"{pct(total('ours_strings')):>16s}  {pct(total('tess_strings')):>16s}  {pct(total('fields')):>16s}")
    f = total("fields")
    print(f"  ours / tesseract time: {ours_s / tess_s:.2f}×   target ≤ 3 s/页: {'OK' if ours_s <= 3 else 'MISSED'}"
          f"   target ≥ 97% fields: {'OK' if f[1] and f[0] / f[1] >= 0.97 else 'MISSED'}")
    print(f"  (cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
