"""Batch parsing: files, folders and zips in; JSONL, the ledger and a workbook out.

    expand (folders → files, stable order)
    → tasks (chunks of files; a PDF alone, its scanned pages split into a task each), run
      largest-first by worker processes: convert legacy files (one LibreOffice call per chunk),
      read each file (parsers.readers), recognise its forms (parsers.recognize)
    → main process, in input order: ledger (one transaction per file), JSONL, workbook rows.

The workers are forked by the main process (_Pool), each with its preloaded specs and dictionary;
one whose memory grew past PAICHA_WORKER_MAX_MB is replaced after its task, one that dies costs only
the task it was running. Results are streamed: a worker holds at most two tasks and results wait
only for the earlier files of their block, so memory stays flat however many files there are.
Every input file ends in exactly one outcome:
records, error (one Chinese line naming the file), no_table (read, but no table
in it) or skipped (paicha's own output). Every per-file step runs under a guard:
an unexpected exception fails that file only, its traceback goes to the run's log.
Temp files live in the run folder (schema/runfiles.py). Progress goes to the caller's
progress(done, total, label) callback: files as they finish (label FILES), and the pages of
long PDFs (label "<file name>：页"), also from the worker processes.
"""
from __future__ import annotations

import errno
import heapq
import json
import logging
import os
import stat
import tempfile
import time
import traceback
import warnings
from collections import Counter, deque
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from schema import runfiles
from schema.errors import (INTERNAL_REASON, OS_ERROR_REASON, InputError, PaichaError, exception_reason, path_text,
                           printable)
from parsers.readers.archive import FORM_SUFFIXES
from parsers.readers import limits, pdf as pdf_reader
from schema.record import Record, error_line, jsonl_line, outcome_line

EXTENSIONS = FORM_SUFFIXES          # the same files in a folder as in a zip archive
# legacy files, grouped by what LibreOffice makes of them (a chunk of one kind: one LibreOffice start)
LEGACY_WORD_SUFFIXES = {".doc", ".dot", ".wps", ".wpt", ".rtf"}          # → .docx
LEGACY_SHEET_SUFFIXES = {".xls", ".et", ".ett"}                          # → .xlsx
LEGACY_SUFFIXES = LEGACY_WORD_SUFFIXES | LEGACY_SHEET_SUFFIXES
# PDFs and images may be scans (seconds of OCR a page): each is a task of its own, so a worker that
# takes one is not holding a chunk of other files the idle workers could read
ALONE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"}
CHUNK_MAX = 32                      # files per worker task
LEGACY_CHUNK_MAX = 120              # legacy files per task: one LibreOffice start (~1.4 CPU s) for them all,
                                    # then ~65 ms a file
TASKS_PER_WORKER = 2                # tasks sent to a worker at once: the next waits while it runs one ...
PREFETCH_MAX_COST = 1.0             # ... if it is quick (expected CPU seconds): a long one waiting behind
                                    # another could leave a worker idle at the end of the batch
ORDER_BLOCK = 64                    # input files: tasks run largest-first within each block, so the batch
                                    # ends evenly while finished results wait in memory (and the files
                                    # progress) for one block at most
SPLIT_MIN_PAGES = 2                 # a PDF with this many scanned pages has them OCR'd by several workers
WORKER_MAX_MB = 600                 # a worker whose own memory exceeds this after a task is replaced
                                    # (PAICHA_WORKER_MAX_MB)
# expected CPU seconds, for the order of tasks only (bench/north_star.py measures the real ones)
COST_OCR_PAGE = 6.0
BYTES_PER_SCAN_PAGE = 300_000       # a PDF or image this large holds about one scanned page (200 dpi JPEG)
COST_LEGACY = 0.4                   # LibreOffice's share of a legacy file
COST_OTHER = 0.03                   # a .docx/.xlsx/zip …
UNKNOWN_TITLE = "未识别的表格"
OUTCOMES = ("records", "error", "no_table", "skipped")
FILES = "文件"                      # the progress label of whole files
PAGES = "：页"                      # ends the progress label of a long PDF's pages ("表.pdf：页")
LONG_PDF_PAGES = 30                 # PDFs with this many pages report their pages
ROWS = "：行"                       # ends the progress label of a long table's rows ("台账.xlsx：行")
LONG_TABLE_ROWS = 500               # a document with this many table rows reports them: read (0 of n), recognised (n)
OWN_OUTPUT_REASON = "已跳过（本工具生成的文件）"
RUN_OUTPUT_REASON = "已跳过（本次运行的输出文件）"
# libraries whose log records (English, for developers) go to the run's log, never to the screen
# a list to fill (bench/north_star.py --timeline): per task (worker slot, kind, files, expected cost, suffixes,
# start, end, CPU seconds) and per file the main process's take (slot -1), times on the monotonic clock;
# None: not kept
timeline: list | None = None
LIBRARY_LOGGERS = ("pdfminer", "pdfplumber", "PIL", "pypdfium2", "openpyxl", "olefile", "fontTools", "docx",
                   "docxcompose", "cv2")


@dataclass
class Summary:
    files_seen: int = 0
    files_parsed: int = 0
    files_failed: int = 0
    files_no_table: int = 0
    files_skipped: int = 0
    records_by_type: Counter = field(default_factory=Counter)
    titles: dict[str, str] = field(default_factory=dict)        # form_type → Chinese title
    warnings: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)   # (path, code, message); zip members too
    # one per input file, in input order: {"path", "outcome", "records", "code", "message"}
    outcomes: list[dict] = field(default_factory=list)
    ledger: dict[str, int] = field(default_factory=lambda: {"new": 0, "unchanged": 0, "superseded": 0, "suspects": 0})
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""                     # the log file, when a traceback was written to it
    seconds: float = 0.0
    # CPU seconds spent reading and recognising, by the file's format (zip for archives, error for
    # failures); LibreOffice's share of a chunk's conversion is added to its legacy files
    cpu_by_format: Counter = field(default_factory=Counter)
    files_by_format: Counter = field(default_factory=Counter)
    workers_replaced: int = 0         # worker processes started anew (one grew past its memory cap, or died)
    worker_peak_mb: float = 0.0       # the most memory of its own a worker had after a task
    split_pages: int = 0              # scanned PDF pages OCR'd as tasks of their own

    @property
    def records(self) -> int:
        return sum(self.records_by_type.values())

    def check(self) -> None:
        """Every input file has exactly one outcome."""
        counts = Counter(o["outcome"] for o in self.outcomes)
        assert (self.files_parsed, self.files_failed, self.files_no_table, self.files_skipped) == \
            tuple(counts[k] for k in OUTCOMES), counts
        assert sum(counts.values()) == len(self.outcomes) == self.files_seen, (counts, self.files_seen)


# --- input expansion ------------------------------------------------------------------------

def expand(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """Files to parse (folders walked recursively in sorted order) and the paths that do not exist.

    A file named directly is taken whatever its extension (its content decides);
    inside folders only known extensions, skipping hidden files and Word's ~$ lock files.
    Links are listed like files (not_a_file tells a bad one); links to folders are not walked.
    """
    files: list[Path] = []
    missing: list[tuple[str, str, str]] = []
    seen: set[str] = set()

    def take(p: Path) -> None:
        # a file reached twice (by a link, or named twice) is read once; a bad link is its own entry
        key = os.path.realpath(p) if os.path.exists(p) else os.path.abspath(p)
        if key not in seen:
            seen.add(key)
            files.append(p)

    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith((".", "~$")) or Path(name).suffix.lower() not in EXTENSIONS:
                        continue
                    take(Path(root) / name)
        elif os.path.lexists(p):
            take(p)
        else:
            missing.append((path_text(p), "not_found", f"{printable(p)}：找不到文件或文件夹"))
    return files, missing


def not_a_file(path: Path) -> tuple[str, str] | None:
    """(code, Chinese message) for a path that is not a regular file once links are followed
    (a link loop, a dangling link, a FIFO, a device, a socket): such paths are never opened,
    since reading a FIFO or a device can block forever. None for a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "bad_link", f"{printable(path)}：符号链接循环，无法打开"
        if os.path.islink(path) and e.errno == errno.ENOENT:
            return "not_found", f"{printable(path)}：符号链接指向的文件不存在"
        code, reason = exception_reason(e) or OS_ERROR_REASON
        return code, f"{printable(path)}：{reason}"
    if not stat.S_ISREG(mode):
        return "not_regular", f"{printable(path)}：不是普通文件（管道、设备或套接字），未读取"
    return None


def _chunks(files: list[Path], workers: int) -> list[list[tuple[int, str]]]:
    """Index-tagged chunks, ordered by their first file.

    Files named like legacy formats are grouped into large chunks of one kind, Word or Excel (one
    LibreOffice start converts a chunk; the name is only a hint, the worker sniffs the content):
    about as many chunks in all as workers, shared between the kinds by their files; PDFs and images
    (maybe scans) go alone; the others go in chunks small enough to balance the cores.
    """
    tagged = [(i, str(p)) for i, p in enumerate(files)]
    suffix = [Path(p).suffix.lower() for _, p in tagged]
    words = [t for t, x in zip(tagged, suffix) if x in LEGACY_WORD_SUFFIXES]
    sheets = [t for t, x in zip(tagged, suffix) if x in LEGACY_SHEET_SUFFIXES]
    alone = [t for t, x in zip(tagged, suffix) if x in ALONE_SUFFIXES]
    others = [t for t, x in zip(tagged, suffix) if x not in LEGACY_SUFFIXES | ALONE_SUFFIXES]
    chunks = [[t] for t in alone]
    for group, legacy in ((words, True), (sheets, True), (others, False)):
        if not group:
            continue
        if legacy:
            parts = max(1, round(workers * len(group) / (len(words) + len(sheets))))
            size = min(LEGACY_CHUNK_MAX, -(-len(group) // parts))
        else:
            size = min(CHUNK_MAX, max(1, len(group) // (workers * 4)))
        chunks += [group[i:i + size] for i in range(0, len(group), size)]
    return sorted(chunks, key=lambda c: c[0][0])


# --- worker side ----------------------------------------------------------------------------

Progress = Callable[[int, int, str], None]
_page_send: Progress | None = None     # in a pool worker: where page progress goes (set by _worker_main)


def _page_progress(path: str, progress: Progress | None | bool):
    """read_pdf's page callback for `path` (and read_records' rows, unit ROWS): long PDFs and long tables
    only, to `progress` (None: the main process when in a pool worker; False: nowhere)."""
    if progress is None:
        progress = _page_send
    if not progress:
        return None
    name = Path(path).name

    def report(done: int, total: int, unit: str = PAGES) -> None:
        if total >= (LONG_PDF_PAGES if unit == PAGES else LONG_TABLE_ROWS):
            progress(done, total, name + unit)
    return report


def parse_chunk(chunk: list[tuple[int, str]], progress: Progress | None = None,
                display: dict[str, str] | None = None) -> list[dict]:
    """Parse a chunk of files; one plain dict per file (pickled back to the main process).
    `progress` (in the main process only) gets long PDFs' pages; `display`: the name to record
    for a path (an upload kept under a generated name)."""
    display = display or {}
    try:
        tmp = tempfile.TemporaryDirectory(prefix="parse-", dir=runfiles.run_dir())
    except Exception as e:  # noqa: BLE001 — no temp folder (disk full …): every file of the chunk says so
        return [_guard(i, p, lambda: _raise(e)) for i, p in chunk]
    with tmp:
        checked = {i: _guard(i, p, lambda: {"legacy": _is_legacy(Path(p))}) for i, p in chunk}
        legacy = [Path(p) for i, p in chunk if checked[i].get("legacy")]
        office = _children_cpu()
        converted = _convert(legacy, Path(tmp.name)) if legacy else {}
        office = (_children_cpu() - office) / len(legacy) if legacy else 0.0
        from parsers.ocr import engine
        ocr_before = engine.ocr_cpu
        specs = _specs()        # once a chunk, not once a file (a spec changed mid-batch counts from the next)
        results = [checked[i] if "legacy" not in checked[i]
                   else parse_one(i, p, converted.get(Path(p)), progress, display.get(p), specs=specs)
                   for i, p in chunk]
        if engine.ocr_cpu != ocr_before:      # an OCR'd file: the worker does not keep its peak while idle
            engine.release_memory()
        for r in results:
            if checked[r["index"]].get("legacy"):
                r["cpu"] = r.get("cpu", 0.0) + office
        return results


def _specs() -> list | None:
    """The form specs for a chunk; None (each file then says what is wrong) when one does not load."""
    from schema.spec import all_specs
    try:
        return all_specs()
    except Exception:  # noqa: BLE001
        return None


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (LibreOffice)."""
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _raise(e: Exception):
    raise e


def _is_legacy(path: Path) -> bool:
    """A .doc/.xls/.wps/.et (by content) that LibreOffice converts first; unreadable files are left to read_file."""
    from parsers.readers.legacy import needs_conversion
    return needs_conversion(path)


def _convert(paths: list[Path], workdir: Path) -> dict[Path, Path]:
    """The chunk's legacy files converted in one go; on any failure none (each file is then converted alone
    by read_file, which reports its own reason)."""
    from parsers.readers.legacy import convert_legacy
    try:
        return convert_legacy(paths, workdir)
    except Exception:  # noqa: BLE001
        return {}


def parse_one(index: int, path: str, converted: Path | None = None, progress: Progress | None = None,
              display_path: str | None = None, ocr_pages: dict | None = None, specs: list | None = None) -> dict:
    """Read one file and recognise its forms; never raises (a failure is a result too).
    `ocr_pages`: a scanned PDF's pages OCR'd by other workers ({page: blocks}); `specs`: the form specs
    (default all_specs())."""
    def step() -> dict:
        member_errors: list[InputError] = []
        more = {"ocr_pages": ocr_pages} if ocr_pages else {}
        if specs is not None:
            more["specs"] = specs
        parts = read_records(path, converted, member_errors, _page_progress(path, progress), display_path, **more)
        return {"index": index, "path": path, "parts": parts,
                "member_errors": [_member_line(e, display_path or path_text(path)) for e in member_errors]}
    cpu = time.process_time()
    result = _guard(index, path, step)
    result["cpu"] = time.process_time() - cpu
    return result


def _guard(index: int, path: str, step) -> dict:
    """Run one file's step; whatever it raises becomes that file's result (Chinese, with the
    traceback kept for the log when the exception was not one of ours)."""
    try:
        return step()
    except PaichaError as e:
        if e.code == "own_output":
            return {"index": index, "path": path, "skipped": OWN_OUTPUT_REASON}
        return _failure(index, path, e.code, e.message)
    except Exception as e:  # noqa: BLE001 — a reader's surprise must not stop the batch
        code, reason = exception_reason(e) or ("internal", INTERNAL_REASON)
        result = _failure(index, path, code, f"{printable(path)}：{reason}")
        result["traceback"] = "".join(traceback.format_exception(e))
        return result


def _member_line(e: PaichaError, path: str) -> tuple[str, str, str, str]:
    """(member path, code, message, traceback or "") of an unreadable zip member."""
    return _named_path(e.message, path), e.code, e.message, getattr(e, "details", "")


def _named_path(message: str, default: str) -> str:
    """The path a reader's message starts with ("a.zip!表.docx：文件已损坏")."""
    head = message.split("：", 1)[0]
    return head if head.startswith(default) else default


def read_records(path: str, converted: Path | None = None, member_errors: list[InputError] | None = None,
                 pages=None, display_path: str | None = None, ocr_pages: dict | None = None,
                 specs: list | None = None) -> list[dict]:
    """[{"source", "records", "provenance", "file", "member"}] per document in the file (a zip holds several).

    Unreadable members of a zip go to `member_errors`; the other members are still read.
    `pages(page, total)`: a PDF's page progress; also given (0, rows, ROWS) when a document is read and
    (rows, rows, ROWS) when it is recognised. `display_path`: the path to record (default `path`).
    `ocr_pages`: a scanned PDF's pages already OCR'd ({page: blocks}, parsers.readers.pdf_pages).
    `specs`: the form specs to recognise (default all_specs(), which looks at the spec files again).
    provenance: where each record's fields were read (parsers.recognize.provenance), kept beside the
    records with the file they came from (`file` on disk, the zip `member`).
    """
    from parsers.readers import read_file
    from parsers.recognize import records_with_provenance
    shown = display_path or path_text(path)
    parts = []
    for doc in read_file(Path(path), display_path=shown, converted=converted, errors=member_errors,
                         progress=pages, ocr_pages=ocr_pages):
        rows = sum(t.n_rows for t in doc.tables())
        if pages:
            pages(0, rows, ROWS)            # a long register: read, now being recognised
        recs, provs = [], []
        for rec, prov in records_with_provenance(doc, specs):
            if not rec.source:
                rec.source = doc.source()
            recs.append(rec.to_json())
            provs.append(prov)
        if pages:
            pages(rows, rows, ROWS)
        member = doc.path[len(shown) + 1:] if doc.path.startswith(shown + "!") else None
        parts.append({"source": doc.source(), "records": recs, "provenance": provs,
                      "file": path_text(Path(path).resolve()), "member": member, "pages": doc.pages,
                      "tables": sum(1 for _ in doc.tables()), "notes": list(doc.notes)})
        doc.blocks = []          # drop the document model as soon as it is used
    return parts


def _failure(index: int, path: str, code: str, message: str) -> dict:
    return {"index": index, "path": path, "error": {"code": code, "message": message}}


# --- main side ------------------------------------------------------------------------------

def parse(paths: list[Path], jsonl: Path | None = None, db: Path | None = None, xlsx: Path | None = None,
          workers: int = 0, progress: Progress | None = None, display: dict[str, str] | None = None,
          attribute: dict | None = None, amend: Callable[[dict, dict], None] | None = None) -> Summary:
    """Parse every file under `paths`; write JSONL / ledger / workbook as asked; return the tallies.
    `attribute`: 直报, every record attributed to the uploader's unit (ledger/attribution.py).
    `amend(record, provenance)`: each record (JSON) changed in place before it is written anywhere.
    `progress(done, total, label)`: files done (label FILES) and long PDFs' pages.
    `display`: {path as given: the name to record and show instead} (uploads kept under generated names)."""
    with runfiles.run():
        return _parse(paths, jsonl, db, xlsx, workers, progress, {str(k): v for k, v in (display or {}).items()},
                      attribute, amend)


def _parse(paths, jsonl, db, xlsx, workers, progress, display=None, attribute=None, amend=None) -> Summary:
    started = time.perf_counter()
    summary = Summary()
    files, missing = expand(paths)
    summary.files_seen = len(files) + len(missing)
    # this run's own outputs are never read as returns (a workbook written into the input folder);
    # what is not a regular file is never opened
    ours = {os.path.realpath(o) for o in (jsonl, db, xlsx) if o}
    decided = {}
    for i, f in enumerate(files):
        refused = not_a_file(f)
        if refused:
            decided[i] = _failure(i, str(f), *refused)
        elif os.path.realpath(f) in ours:
            decided[i] = {"index": i, "path": str(f), "skipped": RUN_OUTPUT_REASON}
    workers = workers or os.cpu_count() or 1
    progress = progress or None
    log = _Log()

    con = None
    if db:
        from ledger.db import connect
        con = connect(db)
        summary.outputs["db"] = str(db)
    out = None
    if jsonl:
        Path(jsonl).parent.mkdir(parents=True, exist_ok=True)
        out = open(jsonl, "w", encoding="utf-8", newline="\n")
        summary.outputs["jsonl"] = str(jsonl)
    # records for the workbook are spooled to disk, not held in memory
    spool = tempfile.TemporaryFile("w+", encoding="utf-8") if xlsx else None
    sink = _Sink(summary, con, out, spool, log, display)
    sink.attribute = attribute
    sink.amend = amend
    unroute = _route_libraries(log)
    try:
        for path, code, message in missing:
            sink.outcome(path, "error", code=code, message=message)
        done = 0
        # closed on the way out, so an interruption stops the workers before the run folder goes
        with closing(_results(files, workers, decided, progress, display, log.path, summary)) as results:
            for result in results:
                if timeline is not None:
                    t, cpu = time.monotonic(), time.process_time()
                    sink.take(result)
                    timeline.append((-1, "take", 1, 0.0, "", t, time.monotonic(), time.process_time() - cpu))
                else:
                    sink.take(result)
                done += 1
                if progress:
                    progress(done, len(files), FILES)
        if xlsx:
            from generators.records_xlsx import write_records_xlsx
            spool.seek(0)
            t, cpu = time.monotonic(), time.process_time()
            write_records_xlsx((json.loads(line) for line in spool), Path(xlsx), errors=sink.error_lines,
                               outcomes=summary.outcomes)
            if timeline is not None:
                timeline.append((-1, "xlsx", 0, 0.0, "", t, time.monotonic(), time.process_time() - cpu))
            summary.outputs["xlsx"] = str(xlsx)
    finally:
        unroute()
        if out:
            out.close()
        if spool:
            spool.close()
        if con:
            con.close()
    summary.check()
    summary.log = str(log.path) if log.used else ""
    _fill_titles(summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _results(files: list[Path], workers: int, decided: dict[int, dict] | None = None,
             progress: Progress | None = None, display: dict[str, str] | None = None,
             log: Path | None = None, summary: Summary | None = None) -> Iterator[dict]:
    """Per-file results in input order; in-process for one worker, else a pool of worker processes.

    `decided`: results known without reading (by index); those files are not sent to a worker.
    `progress`: gets long PDFs' pages (from the workers, passed on while waiting).
    `log`: the run's log, for the workers' library log records and warnings.
    `summary`: gets the pool's counts (workers replaced, pages split).
    Tasks run largest-first within blocks of ORDER_BLOCK input files (_Task.key); a PDF is first
    planned (scan_pages): one with SPLIT_MIN_PAGES scanned pages or more has each page OCR'd as a
    task of its own, by whichever worker is free, and is then assembled in page order by one worker.
    A batch of one file (a web job's file) is read in this process, with no pool, unless it is such a PDF:
    then it is planned here and only its pages go to the pool.
    Tasks finish out of order; finished results wait in `ready` until every earlier file is out.
    """
    ready: dict[int, dict] = dict(decided or {})
    todo_files = [f for i, f in enumerate(files) if i not in ready]
    index_of = [i for i in range(len(files)) if i not in ready]
    next_index = 0

    def in_order() -> Iterator[dict]:
        nonlocal next_index
        while next_index in ready:
            yield ready.pop(next_index)
            next_index += 1

    def chunks(n: int) -> list[list[tuple[int, str]]]:
        return [[(index_of[i], p) for i, p in c] for c in _chunks(todo_files, n)]

    yield from in_order()
    # one file: read here, unless it is a PDF whose scanned pages split (planned here, OCR'd by the pool)
    planned = _plan(todo_files[0]) if workers > 1 and len(todo_files) == 1 else None
    if workers <= 1 or not todo_files or (len(todo_files) == 1 and planned is None):
        for chunk in chunks(1):
            ready.update((r["index"], r) for r in parse_chunk(chunk, progress, display))
            yield from in_order()
        return
    _preload()
    todo: list[tuple[tuple, int, _Task]] = []        # a heap by _Task.key
    seq = iter(range(1 << 62))

    def push(task: _Task) -> None:
        heapq.heappush(todo, (task.key, next(seq), task))

    splits: dict[int, _Split] = {}

    def split(task: _Task, plan: dict) -> None:
        """A PDF planned to split ({"pages", "total"}, _plan): each scanned page a task of its own."""
        splits[task.index] = _Split(plan["pages"], plan["total"], limits.cap("MAX_OCR_SECONDS"))
        if summary is not None:
            summary.split_pages += len(plan["pages"])
        for page in plan["pages"]:
            push(_Task("page", task.chunk, key=FIRST, cost=COST_OCR_PAGE, page=page))

    def page_settled(task: _Task, value: dict | None) -> None:
        """A split PDF's page OCR'd (value: the file of its blocks, CPU and wall seconds) or not (its reader
        OCRs it); assembled once all are in, or failed once their OCR took longer than the reader's cap."""
        split = splits[task.index]
        if value:
            split.files[task.page] = value["file"]
            split.cpu += value["cpu"]
            split.seconds += value["seconds"]
        split.settled += 1
        if progress:                # every split PDF's pages (each is seconds of OCR), not only long PDFs'
            progress(split.settled, len(split.pages), Path(task.path).name + PAGES)
        if split.timeout is None and split.seconds > split.cap:
            split.timeout = _guard(task.index, task.path, lambda: pdf_reader.check_time(
                Path(task.path), pdf_reader.clock() - split.seconds, len(split.files), split.total))
        if split.settled < len(split.pages):
            return
        if split.timeout:
            ready[task.index] = dict(splits.pop(task.index).timeout, cpu=split.cpu)
        else:
            push(_Task("assemble", task.chunk, key=FIRST, cost=COST_OTHER, files=split.files))

    def lost(task: _Task) -> None:
        """The task's worker died running it: files retried one a task, and a retry that dies fails."""
        if task.kind == "page":
            page_settled(task, None)
            return
        splits.pop(task.index, None)          # an assembly: read whole again
        if task.retry:
            i, path = task.chunk[0]
            ready[i] = _failure(i, path, "crashed", f"{printable(path)}：解析进程意外退出（文件可能过大或已损坏）")
        else:
            for item in task.chunk:
                push(_Task("chunk", [item], retry=True, key=FIRST, cost=_cost([item])))

    if planned:
        split(_Task("plan", chunks(workers)[0]), planned)
    else:
        for task in _tasks(chunks(workers)):
            push(task)
    pool = _Pool(workers, log, progress is not None, worker_max_mb())

    def dispatch() -> None:
        """Tasks to the free workers (and queued behind a running one when quick)."""
        while todo and (worker := pool.free(todo[0][2].cost <= PREFETCH_MAX_COST)):
            task = heapq.heappop(todo)[2]
            if task.kind == "page" and splits[task.index].timeout:
                page_settled(task, None)          # its file failed already: not OCR'd
                continue
            shown = {p: display[p] for _, p in task.chunk if p in display} if display else None
            pool.send(worker, task, shown)

    try:
        while todo or pool.busy():
            dispatch()
            for event, task, value in pool.events():
                if event == "page":
                    progress(*value)
                elif event == "unstarted":
                    push(task)
                elif event == "lost":
                    lost(task)
                elif event == "failed":      # cannot happen (the steps guard), but never stop
                    if task.kind == "page":
                        page_settled(task, None)
                    else:
                        splits.pop(task.index, None)
                        ready.update((i, _guard(i, p, lambda: _raise(RuntimeError(value)))) for i, p in task.chunk)
                elif task.kind == "page":
                    page_settled(task, value)
                elif task.kind == "plan" and isinstance(value, dict):
                    split(task, value)
                else:
                    for r in value:
                        if task.kind == "assemble":
                            r["cpu"] = r.get("cpu", 0.0) + splits.pop(task.index).cpu
                        ready[r["index"]] = r
            dispatch()              # before the results go out: their ledger writes can take a while (a block
                                    # of 64 files released by its last task) and would leave a worker idle
            yield from in_order()
    except BaseException:
        pool.terminate()        # interrupted: do not wait for conversions in flight
        raise
    finally:
        pool.close()
        if summary is not None:
            summary.workers_replaced = pool.forked - workers
            summary.worker_peak_mb = pool.peak_mb


# --- scheduling: tasks, their expected cost, the worker pool -------------------------------------

FIRST = (-1, 0.0)          # the key of a split PDF's pages and assembly, and of retries: before anything else


@dataclass
class _Task:
    """A unit of work for one worker: "chunk" (parse the files), "plan" (a PDF: split its scanned pages
    or parse it whole), "page" (OCR one page of a split PDF), "assemble" (parse a split PDF with its
    OCR'd pages). `key`: the order (block of input files, then expected cost, largest first)."""
    kind: str
    chunk: list[tuple[int, str]]          # (index, path); one file except for "chunk"
    key: tuple = FIRST
    cost: float = 0.0                     # expected CPU seconds (_cost)
    retry: bool = False                   # a file retried alone after its worker died
    page: int = 0
    files: dict[int, str] = field(default_factory=dict)     # assemble: page → its pickled blocks

    @property
    def index(self) -> int:
        return self.chunk[0][0]

    @property
    def path(self) -> str:
        return self.chunk[0][1]


@dataclass
class _Split:
    """A PDF whose scanned pages are OCR'd by several workers: which, how many are settled, their CPU
    and wall seconds (summed: the reader's cap on OCR time holds for the file as if read whole)."""
    pages: list[int]
    total: int                            # pages in the file
    cap: int                              # seconds (MAX_OCR_SECONDS)
    files: dict[int, str] = field(default_factory=dict)
    settled: int = 0
    cpu: float = 0.0
    seconds: float = 0.0
    timeout: dict | None = None           # the file's failure once its pages' OCR took longer than the cap


def _tasks(chunks: list[list[tuple[int, str]]]) -> list[_Task]:
    """The batch's first tasks in the order they run: by block of input files, largest first within
    a block; a PDF alone is planned (split into pages or read whole) by the worker that takes it."""
    tasks = []
    for c in chunks:
        cost = _cost(c)
        kind = "plan" if len(c) == 1 and Path(c[0][1]).suffix.lower() == ".pdf" else "chunk"
        tasks.append(_Task(kind, c, key=(c[0][0] // ORDER_BLOCK, -cost), cost=cost))
    return sorted(tasks, key=lambda t: t.key)


def _cost(chunk: list[tuple[int, str]]) -> float:
    """Expected CPU seconds of a chunk (for the order only): a PDF or image by its size (a scanned page
    is large and costs an OCR), a legacy file its LibreOffice share, any other file a quick read."""
    total = 0.0
    for _, p in chunk:
        suffix = Path(p).suffix.lower()
        if suffix in ALONE_SUFFIXES:
            try:
                size = os.path.getsize(p)
            except OSError:
                size = 0
            pages = size / BYTES_PER_SCAN_PAGE
            total += COST_OCR_PAGE * (max(1.0, pages) if suffix != ".pdf" else pages)
        elif suffix in LEGACY_SUFFIXES:
            total += COST_LEGACY
        else:
            total += COST_OTHER
    return total


def worker_max_mb() -> float:
    """The memory (MB of the worker's own pages) above which a worker is replaced after its task."""
    try:
        return float(os.environ.get("PAICHA_WORKER_MAX_MB") or WORKER_MAX_MB)
    except ValueError:
        return float(WORKER_MAX_MB)


def _own_mb() -> float:
    """This process's own memory in MB: pages not shared with the process it was forked from (USS),
    else its resident set."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as f:
            kb = sum(int(line.split()[1]) for line in f if line.startswith(("Private_Clean:", "Private_Dirty:")))
        return kb / 1024
    except (OSError, ValueError, IndexError):
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_task(task: _Task, display: dict[str, str] | None) -> object:
    """What a worker does with a task: parse_chunk's results; a plan's {"pages": …} when it splits."""
    if task.kind == "chunk":
        return parse_chunk(task.chunk, None, display)
    if task.kind == "plan":
        return _plan(Path(task.path)) or parse_chunk(task.chunk, None, display)
    if task.kind == "page":
        import pickle

        from parsers.ocr import engine
        from parsers.readers.pdf_pages import ocr_page
        cpu, wall = time.process_time(), time.monotonic()
        blocks = ocr_page(Path(task.path), task.page)
        seconds = time.monotonic() - wall
        engine.release_memory()
        fd, file = tempfile.mkstemp(prefix=f"page-{task.index}-{task.page}-", suffix=".pickle", dir=runfiles.run_dir())
        with os.fdopen(fd, "wb") as f:
            pickle.dump(blocks, f)
        return {"file": file, "cpu": time.process_time() - cpu, "seconds": seconds}
    return [_assemble(task, (display or {}).get(task.path))]


def _plan(path: Path) -> dict | None:
    """{"pages": the scanned pages, "total": pages in the file} of a PDF with SPLIT_MIN_PAGES scanned pages
    or more (each page then OCR'd by whichever worker is free); None: the file is read whole."""
    if Path(path).suffix.lower() != ".pdf":
        return None
    from parsers.readers.pdf_pages import page_count, scan_pages
    pages = scan_pages(Path(path))
    if len(pages) >= SPLIT_MIN_PAGES:
        return {"pages": pages, "total": page_count(Path(path))}
    return None


def _assemble(task: _Task, display_path: str | None) -> dict:
    """A split PDF parsed with the pages OCR'd by the workers (files written by this run's workers)."""
    import pickle
    ocr = {}
    for page, file in task.files.items():
        try:
            with open(file, "rb") as f:
                ocr[page] = pickle.load(f)
            os.unlink(file)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass            # read_pdf OCRs the page itself
    from parsers.ocr import engine
    result = parse_one(task.index, task.path, None, False, display_path, ocr)
    engine.release_memory()
    return result


@dataclass(eq=False)         # hashed by identity
class _Worker:
    proc: object
    conn: object
    tasks: deque = field(default_factory=deque)     # sent, not yet answered; the first is running


class _Pool:
    """Worker processes forked from this one, each fed through a pipe of its own, at most
    TASKS_PER_WORKER tasks at a time (the next is waiting when it finishes one). A worker whose own
    memory exceeds `max_mb` after a task sends its result and exits; a worker that dies loses only the
    task it was running (its others come back unstarted); either way a new worker takes its place."""

    def __init__(self, size: int, log: Path | None, pages: bool, max_mb: float):
        import multiprocessing
        self.ctx = multiprocessing.get_context("fork")
        self.args = (log, pages, max_mb)
        self.workers = [self._start() for _ in range(size)]
        self.forked = size                 # workers started in all (replacements included)
        self.peak_mb = 0.0                 # the most memory of its own a worker reported after a task

    def _start(self) -> _Worker:
        mine, theirs = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(theirs, *self.args), daemon=True)
        proc.start()
        theirs.close()
        return _Worker(proc, mine)

    def busy(self) -> bool:
        return any(w.tasks for w in self.workers)

    def free(self, queue: bool = True) -> _Worker | None:
        """The worker with the fewest tasks, if it can take one more (`queue`: behind a running one)."""
        w = min(self.workers, key=lambda w: len(w.tasks))
        return w if not w.tasks or (queue and len(w.tasks) < TASKS_PER_WORKER) else None

    def send(self, worker: _Worker, task: _Task, display: dict[str, str] | None) -> None:
        worker.conn.send((task, display))       # a few KB: never blocks on a busy worker
        worker.tasks.append(task)

    def events(self) -> list[tuple[str, _Task | None, object]]:
        """Waits for the workers: (event, task, value) with event "done", "failed" (value: the
        traceback), "lost" (its worker died running it), "unstarted" (sent to a worker that is gone),
        "page" (value: a long PDF's page progress, task None). Nothing when no worker has a task: nothing
        would wake the wait (the last queued pages of a split PDF past its time cap are settled unsent)."""
        if not self.busy():
            return []
        from multiprocessing.connection import wait as wait_any
        by_handle = {}
        for w in self.workers:
            by_handle[w.conn] = by_handle[w.proc.sentinel] = w
        out = []
        woken = list(dict.fromkeys(by_handle[h] for h in wait_any(list(by_handle))))
        for w in woken:
            gone, retired = False, False
            try:
                while not retired and w.conn.poll():
                    kind, status, value, retired, mb, span = w.conn.recv()
                    if kind == "page":
                        out.append(("page", None, value))
                    else:
                        task = w.tasks.popleft()
                        out.append((status, task, value))
                        self.peak_mb = max(self.peak_mb, mb)
                        if timeline is not None:
                            timeline.append((self.workers.index(w), task.kind, len(task.chunk), task.cost,
                                             "".join(sorted({Path(p).suffix.lower() for _, p in task.chunk})),
                                             *span))
            except Exception:  # noqa: BLE001 — EOF, or a message cut off by the worker's death
                gone = True
            if retired or gone or not w.proc.is_alive():
                out += self._replace(w, lost=not retired)
        return out

    def _replace(self, w: _Worker, lost: bool) -> list[tuple[str, _Task, object]]:
        """A new worker in place of `w` (retired or dead); the tasks `w` had left."""
        w.proc.join(timeout=10)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join()
        w.conn.close()
        out = []
        if lost and w.tasks:
            out.append(("lost", w.tasks.popleft(), None))
        out += [("unstarted", t, None) for t in w.tasks]
        self.workers[self.workers.index(w)] = self._start()
        self.forked += 1
        return out

    def terminate(self) -> None:
        """SIGTERM to every worker (each kills its LibreOffice first, see runfiles)."""
        for w in self.workers:
            try:
                w.proc.terminate()
            except (OSError, ValueError, AttributeError):
                pass

    def close(self) -> None:
        """Tell the workers to stop and wait for them (killed after 10 s)."""
        for w in self.workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        for w in self.workers:
            w.proc.join(timeout=10)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()
            w.conn.close()


def _worker_main(conn, log: Path | None, pages: bool, max_mb: float) -> None:
    """A pool worker: tasks from `conn` one at a time, each answered ("result", status, value, retiring,
    own MB, (start, end on the monotonic clock, CPU seconds)); a long PDF's page progress sent as ("page", None, (page, total, label), False, 0). Retires
    (exits) after a task that leaves its own memory above `max_mb`."""
    global _page_send
    _worker_init(log)
    if pages:
        _page_send = lambda page, total, label: conn.send(("page", None, (page, total, label), False, 0, None))  # noqa: E731
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, display = message
        started, cpu = time.monotonic(), time.process_time() + _children_cpu()
        try:
            status, value = "done", _run_task(task, display)
        except Exception as e:  # noqa: BLE001 — reported for the task's files, the worker goes on
            status, value = "failed", "".join(traceback.format_exception(e))
        mb = _own_mb()
        retiring = mb > max_mb
        span = (started, time.monotonic(), time.process_time() + _children_cpu() - cpu)
        conn.send(("result", status, value, retiring, mb, span))
        if retiring:
            conn.close()
            return


def _worker_init(log: Path | None = None) -> None:
    """Each pool worker runs OCR on one thread unless told otherwise (the pool already fills the cores);
    on SIGTERM it kills its LibreOffice and exits, Ctrl-C is left to the main process.
    `log`: the run's log, where the libraries' log records and warnings go."""
    os.environ.setdefault("PAICHA_OCR_THREADS", "1")
    if log is not None:
        _route_libraries(_Log(log))
    runfiles.install_worker_handlers()


def _preload() -> None:
    """Import the parsing code, load the form specs and jieba's dictionary once in the main process,
    so forked workers share them instead of each loading them on its first file (~1 s)."""
    import parsers.readers  # noqa: F401
    import parsers.recognize
    from schema.spec import all_specs
    try:
        all_specs()
        parsers.recognize._jieba().initialize()
    except Exception:  # noqa: BLE001 — a broken spec is reported by the files that need it
        pass


class _Log:
    """The run's log of tracebacks (and of the libraries' own log records and warnings):
    $XDG_STATE_HOME/paicha/logs (default ~/.local/state), opened on first use."""

    def __init__(self, path: Path | None = None):
        if path is None:
            state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = Path(state) / "paicha" / "logs" / f"parse-{stamp}-{os.getpid()}.log"
        self.path = Path(path)
        self.used = False

    def write(self, path: str, text: str) -> str:
        """Append one file's traceback; returns the Chinese note for its message."""
        lines = "\n".join(printable(line) for line in text.splitlines())
        if not self.append(f"=== {printable(path)}\n{lines}\n"):
            return "（详情无法写入日志）"
        self.used = True
        return f"（详情已写入日志 {printable(self.path)}）"

    def append(self, text: str) -> bool:
        """Append text to the log; False if it cannot be written (never raises: reporting a
        failure must not fail the file, or the batch)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8", errors="backslashreplace") as f:
                f.write(text)
        except Exception:  # noqa: BLE001
            return False
        return True


class _LibraryLog(logging.Handler):
    """A library's log record (pdfminer's "Data-loss while decompressing …") as a line of the run's log."""

    def __init__(self, log: _Log):
        super().__init__()
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 — a malformed record is not worth a failure
            text = str(record.msg)
        self.log.append(f"--- {record.name} {record.levelname}: {printable(text)}\n")


def _route_libraries(log: _Log) -> Callable[[], None]:
    """The libraries' log records and Python warnings go to `log` instead of stderr (where they would
    print English on the user's screen); returns the function that puts things back."""
    handler = _LibraryLog(log)
    saved = []
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if isinstance(h, _LibraryLog)]:    # inherited by a forked worker
            logger.removeHandler(old)
        saved.append((logger, logger.propagate))
        logger.addHandler(handler)
        logger.propagate = False
    shown = warnings.showwarning

    def to_log(message, category, filename, lineno, file=None, line=None):
        log.append(f"--- {printable(warnings.formatwarning(message, category, filename, lineno, line))}\n")
    warnings.showwarning = to_log

    def undo() -> None:
        if warnings.showwarning is to_log:
            warnings.showwarning = shown
        for logger, propagate in saved:
            logger.removeHandler(handler)
            logger.propagate = propagate
    return undo


class _Sink:
    """The main side of the run: one outcome per file into the summary, the JSONL, the ledger and the spool."""

    def __init__(self, summary: Summary, con, out, spool, log: _Log, display: dict[str, str] | None = None):
        self.summary, self.con, self.out, self.spool, self.log = summary, con, out, spool, log
        self.error_lines: list[dict] = []           # for the workbook's 错误 sheet
        self.display = display or {}                # path → the name shown and recorded instead
        self.attribute: dict | None = None          # 直报: the uploader's unit (ledger/attribution.py)
        self.amend: Callable[[dict, dict], None] | None = None     # parse(amend=…)

    def take(self, result: dict) -> None:
        """One file's result (under the guard: the ledger or a surprise here fails only this file)."""
        path = result["path"] = path_text(result["path"])        # the name as every output can write it
        try:
            self._take(result)
        except Exception as e:  # noqa: BLE001
            code, reason = exception_reason(e) or ("internal", INTERNAL_REASON)
            note = self.log.write(path, "".join(traceback.format_exception(e)))
            self.outcome(path, "error", code=code, message=f"{printable(path)}：{reason}{note}")

    def _take(self, result: dict) -> None:
        path = result["path"]
        kind = _format_of(result)
        self.summary.files_by_format[kind] += 1
        self.summary.cpu_by_format[kind] += result.get("cpu", 0.0)
        if "error" in result:
            message = result["error"]["message"]
            if "traceback" in result:
                message = message.removesuffix("。") + self.log.write(path, result["traceback"])
            self.outcome(path, "error", code=result["error"]["code"], message=message)
            return
        if "skipped" in result:
            self.outcome(path, "skipped", code="own_output", message=f"{printable(path)}：{result['skipped']}")
            return
        parts = result["parts"]
        members = result.get("member_errors", [])
        for member, code, message, details in members:
            if details:
                message += self.log.write(member, details)
            self.member_line(member, code, message)
        n_records = sum(len(p["records"]) for p in parts)
        if n_records == 0:
            unreadable = [m for m in members if m[1] != "own_output"]
            if unreadable:                          # a zip none of whose members gave a table
                self.outcome(path, "error", code=unreadable[0][1],
                             message=f"{printable(path)}：压缩包中没有可读的表格（{len(unreadable)} 个文件无法读取）")
            elif members and not parts:
                self.outcome(path, "skipped", code="own_output", message=f"{printable(path)}：{OWN_OUTPUT_REASON}")
            else:
                self.outcome(path, "no_table", code="no_table", message=_no_table_message(path, parts),
                             source=parts[0]["source"] if len(parts) == 1 else None)
            return
        if self.amend:
            for p in parts:
                for rec, prov in zip(p["records"], p["provenance"]):
                    self.amend(rec, prov)
        if self.attribute:
            from ledger.attribution import attribute
            for p in parts:
                for rec in p["records"]:
                    attribute(rec, self.attribute)
        lines = [(rec, jsonl_line(rec)) for p in parts for rec in p["records"]]    # before anything is counted
        if self.con is not None:
            from ledger import store
            items = [(p["source"], [Record.from_json(r) for r in p["records"]]) for p in parts]
            sources = [[dict(prov, file=p["file"], member=p["member"]) for prov in p["provenance"]] for p in parts]
            try:
                imported = store.import_many(self.con, items, provenance=sources)
            except Exception as e:  # noqa: BLE001 — the file's transaction was rolled back: nothing of it is in the ledger
                note = self.log.write(path, "".join(traceback.format_exception(e)))
                self.outcome(path, "error", code="ledger", message=f"{printable(path)}：写入台账失败{note}")
                return
            for r in imported:
                self.summary.ledger[r.status] = self.summary.ledger.get(r.status, 0) + 1
                self.summary.ledger["superseded"] += len(r.superseded)
                self.summary.ledger["suspects"] += len(r.suspects)
        notes = [n for p in parts for n in p.get("notes") or []]
        self.outcome(path, "records", records=n_records, message="；".join(notes))
        for rec, line in lines:
            self._record(rec, line)

    def _record(self, rec: dict, line: str) -> None:
        s = self.summary
        s.records_by_type[rec["form_type"]] += 1
        s.warnings += len(rec.get("warnings") or [])
        if rec.get("form_title"):
            s.titles.setdefault(rec["form_type"], rec["form_title"])
        if self.out:
            self.out.write(line + "\n")
        if self.spool:
            self.spool.write(line + "\n")

    def outcome(self, path: str, outcome: str, records: int = 0, code: str | None = None,
                message: str = "", source: dict | None = None) -> None:
        """The one outcome of an input file: counted, listed, and (error, no_table, skipped) written as a line."""
        s = self.summary
        message = printable(self._shown(message))
        s.outcomes.append({"path": path, "outcome": outcome, "records": records, "code": code, "message": message})
        if outcome == "records":
            s.files_parsed += 1
        elif outcome == "error":
            s.files_failed += 1
            s.errors.append((path, code, message))
            self._write(error_line({"path": self._shown(path)}, code, message))
        else:
            if outcome == "no_table":
                s.files_no_table += 1
            else:
                s.files_skipped += 1
            self._write(outcome_line(source or {"path": self._shown(path)}, code, message))

    def member_line(self, member: str, code: str, message: str) -> None:
        """An unreadable (or skipped) member of a zip: listed, but not an outcome of its own."""
        member, message = self._shown(member), printable(self._shown(message))
        if code == "own_output":
            self._write(outcome_line({"path": member}, code, message))
            return
        self.summary.errors.append((member, code, message))
        self._write(error_line({"path": member}, code, message))

    def _shown(self, text: str) -> str:
        """A message with the paths of uploads kept under generated names as their users named them."""
        for path, name in self.display.items():
            text = text.replace(path, name)
        return text

    def _write(self, line: dict) -> None:
        if "error" in line:
            self.error_lines.append(line)
        if self.out:
            self.out.write(jsonl_line(line) + "\n")


def _format_of(result: dict) -> str:
    """The format a file's CPU time is counted under: zip for archives, error for failures."""
    if "error" in result:
        return "error"
    parts = result.get("parts") or []
    if "skipped" in result or not parts:
        return "zip" if result.get("member_errors") else "other"
    if len(parts) > 1 or parts[0].get("member"):
        return "zip"
    return parts[0]["source"].get("format") or "other"


def _no_table_message(path: str, parts: list[dict]) -> str:
    """"a.pdf：未识别到表格（共 3 页、0 个表格）" and the readers' notes (blank pages skipped …)."""
    pages = sum(p.get("pages") or 0 for p in parts)
    tables = sum(p.get("tables") or 0 for p in parts)
    seen = (f"共 {pages} 页、{tables} 个表格" if pages else f"共 {tables} 个表格") if parts else "压缩包中没有表格文件"
    notes = "".join(f"；{n}" for p in parts for n in p.get("notes") or [])
    return f"{printable(path)}：未识别到表格（{seen}）{notes}"


def _fill_titles(summary: Summary) -> None:
    """Chinese form names from the form specs, else as the records gave them."""
    try:
        from schema.spec import all_specs
        titles = {s.form_type: s.title for s in all_specs()}
    except PaichaError:
        titles = {}
    titles["unknown"] = UNKNOWN_TITLE
    for t in summary.records_by_type:
        summary.titles[t] = titles.get(t) or summary.titles.get(t) or t
