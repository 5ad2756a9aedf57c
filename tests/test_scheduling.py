"""Scheduling the batch (issue 17): a scanned PDF's pages OCR'd by several workers and assembled in page
order exactly as reading it whole; tasks largest-first; a worker over its memory cap replaced with no file
lost or read twice."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from parsers import pipeline
from parsers.model import Cell, Table
from parsers.readers import pdf as pdf_reader
from parsers.readers import pdf_pages
from test_pipeline import fake_record, fakes, write  # noqa: F401  (fakes: the stand-in reader fixture)

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "samples" / "returns_pdf"


def joined_pdf(target: Path, parts: list[tuple[Path, list[int]]]) -> Path:
    """A PDF made of the given pages (0-based) of other PDFs, in that order."""
    import pypdfium2 as pdfium
    out = pdfium.PdfDocument.new()
    for src, pages in parts:
        doc = pdfium.PdfDocument(str(src))
        out.import_pages(doc, pages)
        doc.close()
    out.save(str(target))
    out.close()
    return target


def inked_pdf(target: Path, pages: int) -> Path:
    """A PDF of `pages` scanned-like pages (images with ink, no text layer)."""
    from PIL import Image, ImageDraw
    images = []
    for n in range(pages):
        im = Image.new("RGB", (850, 1100), "white")
        draw = ImageDraw.Draw(im)
        for k in range(n + 3):          # ruled lines, thin as a table's (thick bars look like background)
            draw.line((80, 100 + 60 * k, 700, 100 + 60 * k), fill="black", width=2)
            draw.line((80 + 100 * k, 100, 80 + 100 * k, 400), fill="black", width=2)
        images.append(im)
    images[0].save(target, save_all=True, append_images=images[1:], resolution=100)
    return target


def jsonl_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_scan_pages_lists_the_pages_read_pdf_would_ocr(tmp_path):
    mixed = joined_pdf(tmp_path / "混合.pdf", [(SCANS / "campaign_stats.pdf", [0]),
                                              (SCANS / "self_check-scan.pdf", [0, 1])])
    assert pdf_pages.scan_pages(mixed) == [2, 3]
    assert pdf_pages.scan_pages(SCANS / "campaign_stats.pdf") == []
    assert pdf_pages.scan_pages(write(tmp_path / "假.pdf", "不是 PDF")) == []


def test_split_scan_gives_the_records_of_reading_it_whole(tmp_path, monkeypatch):
    """Real OCR: a text page then two scanned pages, read whole in one process and split across two workers."""
    pdf = joined_pdf(tmp_path / "自查表.pdf", [(SCANS / "campaign_stats.pdf", [0]),
                                               (SCANS / "self_check-scan.pdf", [0, 1])])
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    whole = pipeline.parse([pdf], jsonl=tmp_path / "whole.jsonl", workers=1)
    split = pipeline.parse([pdf], jsonl=tmp_path / "split.jsonl", workers=2)
    assert (whole.split_pages, split.split_pages) == (0, 2)
    assert whole.records >= 1 and whole.files_parsed == 1
    assert jsonl_lines(tmp_path / "split.jsonl") == jsonl_lines(tmp_path / "whole.jsonl")
    assert split.outcomes == whole.outcomes


@pytest.fixture
def fake_ocr(monkeypatch, tmp_path):
    """OCR replaced by a table naming its page, each call marked with the process that made it."""
    marks = tmp_path / "marks"
    marks.mkdir()

    def fake(page, page_no):
        (marks / f"{os.getpid()}-{page_no}-{len(list(marks.iterdir()))}").touch()
        return [Table(cells=[Cell("序号", 0, 0), Cell("内容", 0, 1), Cell(str(page_no), 1, 0),
                             Cell(f"第{page_no}页的隐患", 1, 1)], n_rows=2, n_cols=2, page=page_no)]
    monkeypatch.setattr(pdf_pages, "scan_page_blocks", fake)
    monkeypatch.setattr(pdf_reader, "scan_page_blocks", fake)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return marks


def test_pages_of_one_scan_go_to_more_than_one_worker(tmp_path, fake_ocr):
    pdf = inked_pdf(tmp_path / "长扫描件.pdf", 6)
    whole = pipeline.parse([pdf], jsonl=tmp_path / "whole.jsonl", workers=1)
    marks_whole = sorted(fake_ocr.iterdir())
    for m in marks_whole:
        m.unlink()
    split = pipeline.parse([pdf], jsonl=tmp_path / "split.jsonl", workers=2)
    calls = [m.name.split("-") for m in fake_ocr.iterdir()]
    assert len(marks_whole) == 6 and split.split_pages == 6
    assert sorted(int(page) for _, page, _ in calls) == list(range(1, 7))     # each page OCR'd once
    assert len({pid for pid, _, _ in calls}) >= 2
    assert jsonl_lines(tmp_path / "split.jsonl") == jsonl_lines(tmp_path / "whole.jsonl")
    assert "第6页的隐患" in (tmp_path / "split.jsonl").read_text(encoding="utf-8")


def test_a_split_scan_among_other_files_keeps_input_order(tmp_path, fake_ocr, fakes):  # noqa: F811
    for i in range(5):
        write(tmp_path / "in" / f"{i}.docx", "FAKE\n" + json.dumps([fake_record(f"镇{i}", "2023-03-05", i)],
                                                                   ensure_ascii=False))
    inked_pdf(tmp_path / "in" / "2长扫描件.pdf", 4)
    s = pipeline.parse([tmp_path / "in"], jsonl=tmp_path / "o.jsonl", db=tmp_path / "l.db", workers=2)
    assert s.split_pages == 4 and s.files_seen == 6
    assert [Path(o["path"]).name for o in s.outcomes] == ["0.docx", "1.docx", "2.docx", "2长扫描件.pdf",
                                                          "3.docx", "4.docx"]


def test_tasks_run_largest_first_within_a_block(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "ORDER_BLOCK", 20)
    sizes = {"01.pdf": 60_000, "02.doc": 40_000, "03.jpg": 400_000, "05.pdf": 1_500_000, "06.doc": 40_000,
             "07.doc": 40_000, "08.xlsx": 8_000, "25.pdf": 3_000_000}
    files = []
    for i in range(26):
        name = next((n for n in sizes if n.startswith(f"{i:02d}.")), f"{i:02d}.docx")
        (tmp_path / name).write_bytes(b"x" * sizes.get(name, 9_000))
        files.append(tmp_path / name)
    tasks = pipeline._tasks(pipeline._chunks(files, 2))
    firsts = [Path(t.chunk[0][1]).name for t in tasks]
    # the 5-page scan, the photo, the small PDF (a page at most), 2 legacy files (one LibreOffice start);
    # the scan at input 25 is in the next block of 20: after all of the first block, first of its own
    assert firsts[:4] == ["05.pdf", "03.jpg", "01.pdf", "02.doc"]
    block = [t.chunk[0][0] // 20 for t in tasks]
    assert block == sorted(block) and firsts[block.index(1)] == "25.pdf"
    assert [t.kind for t in tasks if t.chunk[0][1].endswith(".pdf")] == ["plan"] * 3


def test_worker_over_memory_cap_is_replaced_and_no_file_lost_or_doubled(fakes, monkeypatch):  # noqa: F811
    tmp = fakes
    for i in range(40):
        write(tmp / "m" / f"{i:02d}.docx", "FAKE\n" + json.dumps([fake_record(f"镇{i}", "2023-03-05", i)],
                                                                 ensure_ascii=False))
    kept = pipeline.parse([tmp / "m"], jsonl=tmp / "kept.jsonl", workers=2)
    assert kept.workers_replaced == 0
    monkeypatch.setenv("PAICHA_WORKER_MAX_MB", "0.01")         # every worker is over it after any task
    s = pipeline.parse([tmp / "m"], jsonl=tmp / "o.jsonl", db=tmp / "l.db", workers=2)
    assert s.workers_replaced >= 4
    assert s.files_parsed == 40 and s.records == 40
    units = [line["header"]["reporting_unit"] for line in jsonl_lines(tmp / "o.jsonl")]
    assert units == [f"镇{i}" for i in range(40)]              # each once, in input order
    import sqlite3
    with sqlite3.connect(tmp / "l.db") as con:
        assert con.execute("select count(*) from records").fetchone()[0] == 40



def test_split_scan_keeps_the_ocr_time_cap(tmp_path, fake_ocr, monkeypatch):
    """The cap on a file's OCR time holds for its pages' summed time: the file fails as when read whole,
    and the pages not yet started are not OCR'd."""
    import time
    fast = pdf_pages.scan_page_blocks

    def slow(page, page_no):
        time.sleep(0.5)
        return fast(page, page_no)
    monkeypatch.setattr(pdf_pages, "scan_page_blocks", slow)
    monkeypatch.setattr(pdf_reader, "scan_page_blocks", slow)
    monkeypatch.setenv("PAICHA_OCR_SECONDS", "1")
    pdf = inked_pdf(tmp_path / "长扫描件.pdf", 8)
    whole = pipeline.parse([pdf], workers=1)
    for m in fake_ocr.iterdir():
        m.unlink()
    split = pipeline.parse([pdf], workers=2)
    assert whole.outcomes[0]["code"] == split.outcomes[0]["code"] == "timeout"
    assert "识别超时" in split.outcomes[0]["message"] and "共 8 页" in split.outcomes[0]["message"]
    assert split.split_pages == 8 and len(list(fake_ocr.iterdir())) < 8


def test_a_pool_with_nothing_in_flight_does_not_wait():
    """The hang of a split scan past its time cap: its last queued pages were settled unsent, and the
    loop then waited for events from workers that had no task (a wait nothing would end)."""
    import threading
    pool = pipeline._Pool(1, None, False, 1e9)
    got = []
    try:
        waiter = threading.Thread(target=lambda: got.append(pool.events()), daemon=True)
        waiter.start()
        waiter.join(timeout=10)
        assert not waiter.is_alive() and got == [[]]
    finally:
        pool.terminate()
        pool.close()


def test_legacy_files_are_chunked_by_kind_about_one_chunk_a_worker():
    """Each legacy chunk is converted by one LibreOffice start: its files are all Word or all Excel, and
    there are about as many chunks as workers (not one per 40 files of both kinds, two starts each)."""
    kinds = [".doc", ".xls", ".docx", ".wps", ".et", ".pdf", ".doc", ".xlsx"]
    files = [Path(f"{i:03d}{kinds[i % len(kinds)]}") for i in range(240)]
    legacy = [c for c in pipeline._chunks(files, 2) if c[0][1].endswith((".doc", ".wps", ".xls", ".et"))]
    word = [c for c in legacy if all(p.endswith((".doc", ".wps")) for _, p in c)]
    sheet = [c for c in legacy if all(p.endswith((".xls", ".et")) for _, p in c)]
    assert len(word) + len(sheet) == len(legacy) == 2                 # 90 Word files, 60 Excel files
    assert sorted(i for c in legacy for i, _ in c) == [i for i, f in enumerate(files)
                                                       if f.suffix in (".doc", ".wps", ".xls", ".et")]
    many = [Path(f"{i:04d}.doc") for i in range(1000)]
    sizes = [len(c) for c in pipeline._chunks(many, 2)]
    assert max(sizes) <= pipeline.LEGACY_CHUNK_MAX and sum(sizes) == 1000


def test_the_timeline_has_every_task_and_every_file_taken(monkeypatch):
    """bench/north_star.py --timeline: each task with its worker, span and CPU; each file's take in the main process."""
    files = sorted(p for p in (ROOT / "samples" / "returns").rglob("*") if p.suffix in (".docx", ".xlsx"))[:12]
    monkeypatch.setattr(pipeline, "timeline", [])
    summary = pipeline.parse(files, workers=2)
    tasks = [t for t in pipeline.timeline if t[0] >= 0]
    takes = [t for t in pipeline.timeline if t[0] == -1 and t[1] == "take"]
    assert summary.files_parsed == len(files) == len(takes) == sum(t[2] for t in tasks)
    assert {t[0] for t in tasks} <= {0, 1} and all(t[5] <= t[6] and t[7] >= 0 for t in pipeline.timeline)
    assert all(t[4] in (".docx", ".xlsx", ".docx.xlsx") for t in tasks)


def test_several_split_scans_in_one_batch(tmp_path, fake_ocr, monkeypatch):
    """A scan planned after another was assembled still splits (the assembly's bookkeeping once took the
    name of the function that splits a plan: the later plan then failed the whole batch)."""
    monkeypatch.setattr(pipeline, "ORDER_BLOCK", 1)          # each file after the one before: plans after assemblies
    (tmp_path / "in").mkdir()
    for i in range(4):
        inked_pdf(tmp_path / "in" / f"{i}扫描件.pdf", 2 + i % 2)
    whole = pipeline.parse([tmp_path / "in"], jsonl=tmp_path / "whole.jsonl", workers=1)
    split = pipeline.parse([tmp_path / "in"], jsonl=tmp_path / "split.jsonl", workers=2)
    assert split.files_parsed == whole.files_parsed == 4 and split.split_pages == 10
    assert jsonl_lines(tmp_path / "split.jsonl") == jsonl_lines(tmp_path / "whole.jsonl")
