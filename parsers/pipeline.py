"""Batch parsing: files, folders and zips in; JSONL, the ledger and a workbook out.

    expand (folders → files, stable order)
    → chunks of files → worker processes: convert legacy files (one LibreOffice call
      per chunk), read each file (parsers.readers), recognise its forms (parsers.recognize)
    → main process, in input order: ledger (one transaction per file), JSONL, workbook rows.

Results are streamed: at most a few chunks are in flight, so memory stays flat
however many files there are. Every input file ends in exactly one outcome:
records, error (one Chinese line naming the file), no_table (read, but no table
in it) or skipped (paicha's own output). Every per-file step runs under a guard:
an unexpected exception fails that file only, its traceback goes to the run's log.
Temp files live in the run folder (schema/runfiles.py). Progress goes to the caller's
progress(done, total, label) callback: files as they finish (label FILES), and the pages of
long PDFs (label "<file name>：页"), also from the worker processes.
"""
from __future__ import annotations

import errno
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
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from multiprocessing import SimpleQueue
from typing import Callable, Iterator

from schema import runfiles
from schema.errors import (INTERNAL_REASON, OS_ERROR_REASON, InputError, PaichaError, exception_reason, path_text,
                           printable)
from parsers.readers.archive import FORM_SUFFIXES
from schema.record import Record, error_line, jsonl_line, outcome_line

EXTENSIONS = FORM_SUFFIXES          # the same files in a folder as in a zip archive
LEGACY_SUFFIXES = {".doc", ".dot", ".wps", ".wpt", ".rtf", ".xls", ".et", ".ett"}   # grouped: one LibreOffice start
# PDFs and images may be scans (seconds of OCR a page): each is a task of its own, so a worker that
# takes one is not holding a chunk of other files the idle workers could read
ALONE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"}
CHUNK_MAX = 32                      # files per worker task
LEGACY_CHUNK_MAX = 40               # legacy files per task: one LibreOffice start for them all
WINDOW_PER_WORKER = 3               # chunks in flight per worker
UNKNOWN_TITLE = "未识别的表格"
OUTCOMES = ("records", "error", "no_table", "skipped")
FILES = "文件"                      # the progress label of whole files
PAGES = "：页"                      # ends the progress label of a long PDF's pages ("表.pdf：页")
LONG_PDF_PAGES = 30                 # PDFs with this many pages report their pages
OWN_OUTPUT_REASON = "已跳过（本工具生成的文件）"
RUN_OUTPUT_REASON = "已跳过（本次运行的输出文件）"
# libraries whose log records (English, for developers) go to the run's log, never to the screen
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

    Files named like legacy formats are grouped into a few large chunks (one LibreOffice
    start serves many files; the name is only a hint, the worker sniffs the content);
    PDFs and images (maybe scans) go alone; the others go in chunks small enough to balance the cores.
    """
    tagged = [(i, str(p)) for i, p in enumerate(files)]
    legacy = [t for t in tagged if Path(t[1]).suffix.lower() in LEGACY_SUFFIXES]
    alone = [t for t in tagged if Path(t[1]).suffix.lower() in ALONE_SUFFIXES]
    others = [t for t in tagged if Path(t[1]).suffix.lower() not in LEGACY_SUFFIXES | ALONE_SUFFIXES]
    chunks = [[t] for t in alone]
    for group, cap in ((legacy, LEGACY_CHUNK_MAX), (others, CHUNK_MAX)):
        if not group:
            continue
        per_worker = -(-len(group) // workers)
        size = min(cap, per_worker if group is legacy else max(1, len(group) // (workers * 4)))
        chunks += [group[i:i + size] for i in range(0, len(group), size)]
    return sorted(chunks, key=lambda c: c[0][0])


# --- worker side ----------------------------------------------------------------------------

Progress = Callable[[int, int, str], None]
_page_queue: SimpleQueue | None = None     # in a pool worker: where page progress goes (set by _worker_init)


def _page_progress(path: str, progress: Progress | None):
    """read_pdf's page callback for `path`: long PDFs only, to `progress` or the worker's queue."""
    if progress is None and _page_queue is None:
        return None
    label = Path(path).name + PAGES

    def report(page: int, total: int) -> None:
        if total < LONG_PDF_PAGES:
            return
        if progress is not None:
            progress(page, total, label)
        else:
            _page_queue.put((page, total, label))
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
        results = [checked[i] if "legacy" not in checked[i]
                   else parse_one(i, p, converted.get(Path(p)), progress, display.get(p)) for i, p in chunk]
        if engine.ocr_cpu != ocr_before:      # an OCR'd file: the worker does not keep its peak while idle
            engine.release_memory()
        for r in results:
            if checked[r["index"]].get("legacy"):
                r["cpu"] = r.get("cpu", 0.0) + office
        return results


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
              display_path: str | None = None) -> dict:
    """Read one file and recognise its forms; never raises (a failure is a result too)."""
    def step() -> dict:
        member_errors: list[InputError] = []
        parts = read_records(path, converted, member_errors, _page_progress(path, progress), display_path)
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


def read_records(path: str, converted: Path | None = None,
                 member_errors: list[InputError] | None = None, pages=None, display_path: str | None = None) -> list[dict]:
    """[{"source", "records", "provenance", "file", "member"}] per document in the file (a zip holds several).

    Unreadable members of a zip go to `member_errors`; the other members are still read.
    `pages(page, total)`: a PDF's page progress. `display_path`: the path to record (default `path`).
    provenance: where each record's fields were read (parsers.recognize.provenance), kept beside the
    records with the file they came from (`file` on disk, the zip `member`).
    """
    from parsers.readers import read_file
    from parsers.recognize import records_with_provenance
    shown = display_path or path_text(path)
    parts = []
    for doc in read_file(Path(path), display_path=shown, converted=converted, errors=member_errors,
                         progress=pages):
        recs, provs = [], []
        for rec, prov in records_with_provenance(doc):
            if not rec.source:
                rec.source = doc.source()
            recs.append(rec.to_json())
            provs.append(prov)
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
          attribute: dict | None = None) -> Summary:
    """Parse every file under `paths`; write JSONL / ledger / workbook as asked; return the tallies.
    `attribute`: 直报, every record attributed to the uploader's unit (ledger/attribution.py).
    `progress(done, total, label)`: files done (label FILES) and long PDFs' pages.
    `display`: {path as given: the name to record and show instead} (uploads kept under generated names)."""
    with runfiles.run():
        return _parse(paths, jsonl, db, xlsx, workers, progress, {str(k): v for k, v in (display or {}).items()},
                      attribute)


def _parse(paths, jsonl, db, xlsx, workers, progress, display=None, attribute=None) -> Summary:
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
    unroute = _route_libraries(log)
    try:
        for path, code, message in missing:
            sink.outcome(path, "error", code=code, message=message)
        done = 0
        # closed on the way out, so an interruption stops the workers before the run folder goes
        with closing(_results(files, workers, decided, progress, display, log.path)) as results:
            for result in results:
                sink.take(result)
                done += 1
                if progress:
                    progress(done, len(files), FILES)
        if xlsx:
            from generators.records_xlsx import write_records_xlsx
            spool.seek(0)
            write_records_xlsx((json.loads(line) for line in spool), Path(xlsx), errors=sink.error_lines,
                               outcomes=summary.outcomes)
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
             log: Path | None = None) -> Iterator[dict]:
    """Per-file results in input order; in-process for one worker, else a process pool.

    `decided`: results known without reading (by index); those files are not sent to a worker.
    `progress`: gets long PDFs' pages (from the workers through a queue, passed on while waiting).
    `log`: the run's log, for the workers' library log records and warnings.
    Chunks finish out of order; finished results wait in `ready` until every earlier
    file is out. At most workers × WINDOW_PER_WORKER chunks run at once.
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
    if workers <= 1 or len(todo_files) <= 1:
        for chunk in chunks(1):
            ready.update((r["index"], r) for r in parse_chunk(chunk, progress, display))
            yield from in_order()
        return
    _preload()
    todo = deque((c, False) for c in chunks(workers))   # (chunk, is a retry)
    running: dict[Future, tuple[list, bool]] = {}
    pages = SimpleQueue() if progress else None

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(pages, log))

    pool = new_pool()
    try:
        while todo or running:
            while todo and len(running) < workers * WINDOW_PER_WORKER:
                if running and (todo[0][1] or any(r for _, r in running.values())):
                    break      # retries run alone, so a crash is blamed on the right file
                chunk, retry = todo.popleft()
                shown = {p: display[p] for _, p in chunk if p in display} if display else None
                running[pool.submit(parse_chunk, chunk, None, shown)] = (chunk, retry)
            done, _ = wait(running, timeout=0.2 if pages else None, return_when=FIRST_COMPLETED)
            while pages and not pages.empty():
                progress(*pages.get())
            broken = False
            for fut in done:
                chunk, retry = running.pop(fut)
                try:
                    ready.update((r["index"], r) for r in fut.result())
                except BrokenProcessPool:
                    broken = True
                    running[fut] = (chunk, retry)
                except Exception as e:  # noqa: BLE001 — cannot happen (parse_chunk guards), but never stop
                    ready.update((i, _guard(i, p, lambda: _raise(e))) for i, p in chunk)
            if broken:
                # a worker died (out of memory, a crash in a native library): new pool; the lost
                # chunks are retried file by file, and a file that kills a worker alone is reported
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                again = []
                for chunk, retry in running.values():
                    if retry:
                        i, path = chunk[0]
                        ready[i] = _failure(i, path, "crashed",
                                            f"{printable(path)}：解析进程意外退出（文件可能过大或已损坏）")
                    else:
                        again += [([item], True) for item in chunk]
                running.clear()
                todo = deque(sorted(again, key=lambda c: c[0][0][0])) + todo
            yield from in_order()
    except BaseException:
        _stop_workers(pool)        # interrupted: do not wait for conversions in flight
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers (each kills its LibreOffice first, see runfiles)."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.terminate()
        except (OSError, ValueError):
            pass
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.join(timeout=10)


def _worker_init(pages: SimpleQueue | None = None, log: Path | None = None) -> None:
    """Each pool worker runs OCR on one thread unless told otherwise (the pool already fills the cores);
    on SIGTERM it kills its LibreOffice and exits, Ctrl-C is left to the main process.
    `pages`: where the worker's page progress goes (None: not wanted); `log`: the run's log, where
    the libraries' log records and warnings go."""
    global _page_queue
    _page_queue = pages
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
