"""Batch parsing: files, folders and zips in; JSONL, the ledger and a workbook out.

    expand (folders → files, stable order)
    → chunks of files → worker processes: convert legacy files (one LibreOffice call
      per chunk), read each file (parsers.readers), recognise its forms (parsers.recognize)
    → main process, in input order: ledger (one transaction per file), JSONL, workbook rows.

Results are streamed: at most a few chunks are in flight, so memory stays flat
however many files there are. A file that fails is reported and never stops the
batch or touches the ledger.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from schema.errors import InputError, PaichaError
from parsers.readers.archive import FORM_SUFFIXES
from schema.record import Record, error_line

EXTENSIONS = FORM_SUFFIXES          # the same files in a folder as in a zip archive
LEGACY_SUFFIXES = {".doc", ".dot", ".wps", ".wpt", ".rtf", ".xls", ".et", ".ett"}   # grouped: one LibreOffice start
CHUNK_MAX = 32                      # files per worker task
LEGACY_CHUNK_MAX = 40               # legacy files per task: one LibreOffice start for them all
WINDOW_PER_WORKER = 3               # chunks in flight per worker
UNKNOWN_TITLE = "未识别的表格"


@dataclass
class Summary:
    files_seen: int = 0
    files_parsed: int = 0
    files_failed: int = 0
    records_by_type: Counter = field(default_factory=Counter)
    titles: dict[str, str] = field(default_factory=dict)        # form_type → Chinese title
    warnings: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)   # (path, code, message); zip members too
    ledger: dict[str, int] = field(default_factory=lambda: {"new": 0, "unchanged": 0, "superseded": 0})
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(self.records_by_type.values())


# --- input expansion ------------------------------------------------------------------------

def expand(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """Files to parse (folders walked recursively in sorted order) and the paths that do not exist.

    A file named directly is taken whatever its extension (its content decides);
    inside folders only known extensions, skipping hidden files and Word's ~$ lock files.
    """
    files: list[Path] = []
    missing: list[tuple[str, str, str]] = []
    seen: set[Path] = set()

    def take(p: Path) -> None:
        key = p.resolve()
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
        elif p.is_file():
            take(p)
        else:
            missing.append((str(p), "not_found", f"{p}：找不到文件或文件夹"))
    return files, missing


def _chunks(files: list[Path], workers: int) -> list[list[tuple[int, str]]]:
    """Index-tagged chunks, ordered by their first file.

    Files named like legacy formats are grouped into a few large chunks (one LibreOffice
    start serves many files; the name is only a hint, the worker sniffs the content);
    the others go in chunks small enough to balance the cores.
    """
    tagged = [(i, str(p)) for i, p in enumerate(files)]
    legacy = [t for t in tagged if Path(t[1]).suffix.lower() in LEGACY_SUFFIXES]
    others = [t for t in tagged if Path(t[1]).suffix.lower() not in LEGACY_SUFFIXES]
    chunks = []
    for group, cap in ((legacy, LEGACY_CHUNK_MAX), (others, CHUNK_MAX)):
        if not group:
            continue
        per_worker = -(-len(group) // workers)
        size = min(cap, per_worker if group is legacy else max(1, len(group) // (workers * 4)))
        chunks += [group[i:i + size] for i in range(0, len(group), size)]
    return sorted(chunks, key=lambda c: c[0][0])


# --- worker side ----------------------------------------------------------------------------

def parse_chunk(chunk: list[tuple[int, str]]) -> list[dict]:
    """Parse a chunk of files; one plain dict per file (pickled back to the main process)."""
    legacy = [Path(p) for _, p in chunk if _is_legacy(Path(p))]
    with tempfile.TemporaryDirectory(prefix="paicha-parse-") as tmp:
        converted = _convert(legacy, Path(tmp)) if legacy else {}
        return [parse_one(i, p, converted.get(Path(p))) for i, p in chunk]


def _is_legacy(path: Path) -> bool:
    """A .doc/.xls/.wps/.et (by content) that LibreOffice converts first; unreadable files are left to read_file."""
    from parsers.readers.legacy import needs_conversion
    try:
        return needs_conversion(path)
    except OSError:
        return False


def _convert(paths: list[Path], workdir: Path) -> dict[Path, Path]:
    from parsers.readers.legacy import convert_legacy
    try:
        return convert_legacy(paths, workdir)
    except PaichaError:
        return {}          # read_file then reports each file's own reason


def parse_one(index: int, path: str, converted: Path | None = None) -> dict:
    """Read one file and recognise its forms; never raises (a failure is a result too)."""
    member_errors: list[InputError] = []
    try:
        parts = read_records(path, converted, member_errors)
    except PaichaError as e:
        return _failure(index, path, e.code, e.message)
    except OSError as e:
        return _failure(index, path, "unreadable", f"{path}：无法读取文件（{e.strerror or e}）")
    except MemoryError:
        return _failure(index, path, "too_large", f"{path}：文件过大，内存不足")
    except Exception as e:  # a bug in a reader or recogniser must not stop the batch
        return _failure(index, path, "internal", f"{path}：解析时出错（{type(e).__name__}: {e}）")
    return {"index": index, "path": path, "parts": parts,
            "member_errors": [(_named_path(e.message, path), e.code, e.message) for e in member_errors]}


def _named_path(message: str, default: str) -> str:
    """The path a reader's message starts with ("a.zip!表.docx：文件已损坏")."""
    head = message.split("：", 1)[0]
    return head if head.startswith(default) else default


def read_records(path: str, converted: Path | None = None,
                 member_errors: list[InputError] | None = None) -> list[dict]:
    """[{"source", "records"}] per document in the file (a zip holds several).

    Unreadable members of a zip go to `member_errors`; the other members are still read.
    """
    from parsers.readers import read_file
    from parsers.recognize import records_from_document
    parts = []
    for doc in read_file(Path(path), display_path=path, converted=converted, errors=member_errors):
        recs = []
        for rec in records_from_document(doc):
            if not rec.source:
                rec.source = doc.source()
            recs.append(rec.to_json())
        parts.append({"source": doc.source(), "records": recs})
        doc.blocks = []          # drop the document model as soon as it is used
    return parts


def _failure(index: int, path: str, code: str, message: str) -> dict:
    return {"index": index, "path": path, "error": {"code": code, "message": message}}


# --- main side ------------------------------------------------------------------------------

def parse(paths: list[Path], jsonl: Path | None = None, db: Path | None = None, xlsx: Path | None = None,
          workers: int = 0, progress: bool = True) -> Summary:
    """Parse every file under `paths`; write JSONL / ledger / workbook as asked; return the tallies."""
    started = time.perf_counter()
    summary = Summary()
    files, missing = expand(paths)
    summary.files_seen = len(files) + len(missing)
    workers = workers or os.cpu_count() or 1
    bar = _Progress(len(files)) if progress and _progress_wanted() else None
    # long PDFs report their pages too (read_pdf, also inside pool workers) only when the bar is on
    os.environ["PAICHA_PROGRESS"] = "1" if bar else "0"

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
    error_lines: list[dict] = []
    try:
        for path, code, message in missing:
            _fail(summary, error_lines, out, {"path": path}, code, message)
        done = 0
        for result in _results(files, workers):
            _take(result, summary, con, out, spool, error_lines)
            done += 1
            if bar:
                bar.update(done)
        if bar:
            bar.finish()
        if xlsx:
            from generators.records_xlsx import write_records_xlsx
            spool.seek(0)
            write_records_xlsx((json.loads(line) for line in spool), Path(xlsx), errors=error_lines)
            summary.outputs["xlsx"] = str(xlsx)
    finally:
        if out:
            out.close()
        if spool:
            spool.close()
        if con:
            con.close()
    _fill_titles(summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _results(files: list[Path], workers: int) -> Iterator[dict]:
    """Per-file results in input order; in-process for one worker, else a process pool.

    Chunks finish out of order; finished results wait in `ready` until every earlier
    file is out. At most workers × WINDOW_PER_WORKER chunks run at once.
    """
    ready: dict[int, dict] = {}
    next_index = 0

    def in_order() -> Iterator[dict]:
        nonlocal next_index
        while next_index in ready:
            yield ready.pop(next_index)
            next_index += 1

    if workers <= 1 or len(files) <= 1:
        for chunk in _chunks(files, 1):
            ready.update((r["index"], r) for r in parse_chunk(chunk))
            yield from in_order()
        return
    _preload()
    todo = deque((c, False) for c in _chunks(files, workers))   # (chunk, is a retry)
    running: dict[Future, tuple[list, bool]] = {}
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    try:
        while todo or running:
            while todo and len(running) < workers * WINDOW_PER_WORKER:
                if running and (todo[0][1] or any(r for _, r in running.values())):
                    break      # retries run alone, so a crash is blamed on the right file
                chunk, retry = todo.popleft()
                running[pool.submit(parse_chunk, chunk)] = (chunk, retry)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                chunk, retry = running.pop(fut)
                try:
                    ready.update((r["index"], r) for r in fut.result())
                except BrokenProcessPool:
                    broken = True
                    running[fut] = (chunk, retry)
            if broken:
                # a worker died (out of memory, a crash in a native library): new pool; the lost
                # chunks are retried file by file, and a file that kills a worker alone is reported
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
                again = []
                for chunk, retry in running.values():
                    if retry:
                        i, path = chunk[0]
                        ready[i] = _failure(i, path, "crashed", f"{path}：解析进程意外退出（文件可能过大或已损坏）")
                    else:
                        again += [([item], True) for item in chunk]
                running.clear()
                todo = deque(sorted(again, key=lambda c: c[0][0][0])) + todo
            yield from in_order()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_init() -> None:
    """Each pool worker runs OCR on one thread unless told otherwise (the pool already fills the cores)."""
    os.environ.setdefault("PAICHA_OCR_THREADS", "1")


def _preload() -> None:
    """Import the parsing code once in the main process so forked workers share it."""
    import parsers.readers  # noqa: F401
    import parsers.recognize  # noqa: F401


def _take(result: dict, summary: Summary, con, out, spool, error_lines: list[dict]) -> None:
    """One file's result: ledger first (it may still fail the file), then JSONL and the workbook spool."""
    path = result["path"]
    if "error" in result:
        _fail(summary, error_lines, out, {"path": path}, result["error"]["code"], result["error"]["message"])
        return
    parts = result["parts"]
    for member, code, message in result.get("member_errors", []):
        _fail(summary, error_lines, out, {"path": member}, code, message, whole_file=False)
    if not parts and result.get("member_errors"):
        summary.files_failed += 1       # a zip none of whose members could be read
        return
    if con is not None:
        from ledger import store
        items = [(p["source"], [Record.from_json(r) for r in p["records"]]) for p in parts]
        try:
            imported = store.import_many(con, items)
        except Exception as e:  # the file's transaction was rolled back: nothing of it is in the ledger
            _fail(summary, error_lines, out, {"path": path}, "ledger", f"{path}：写入台账失败（{e}）")
            return
        for r in imported:
            summary.ledger[r.status] += 1
            summary.ledger["superseded"] += len(r.superseded)
    summary.files_parsed += 1
    for p in parts:
        for rec in p["records"]:
            summary.records_by_type[rec["form_type"]] += 1
            summary.warnings += len(rec.get("warnings") or [])
            if rec.get("form_title"):
                summary.titles.setdefault(rec["form_type"], rec["form_title"])
            line = json.dumps(rec, ensure_ascii=False)
            if out:
                out.write(line + "\n")
            if spool:
                spool.write(line + "\n")


def _fail(summary: Summary, error_lines: list[dict], out, source: dict, code: str, message: str,
          whole_file: bool = True) -> None:
    """Report a failed file (or, whole_file=False, one unreadable member of a zip)."""
    summary.files_failed += int(whole_file)
    summary.errors.append((source["path"], code, message))
    line = error_line(source, code, message)
    error_lines.append(line)
    if out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


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


# --- output -----------------------------------------------------------------------------------

def print_summary(summary: Summary, file=None) -> None:
    """The run's tallies in Chinese, then one line per failed file."""
    file = file or sys.stdout
    p = lambda s="": print(s, file=file)  # noqa: E731
    p(f"共 {summary.files_seen} 个文件：解析成功 {summary.files_parsed} 个，失败 {summary.files_failed} 个；"
      f"得到 {summary.records} 份表格记录（用时 {summary.seconds:.1f} 秒）")
    for t, n in sorted(summary.records_by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        p(f"  {summary.titles.get(t, t)}：{n} 份")
    p(f"提示（warnings）：{summary.warnings} 条" if summary.warnings else "提示：无")
    if "db" in summary.outputs:
        led = summary.ledger
        p(f"台账：新增 {led['new']} 个文件，已导入过（未变）{led['unchanged']} 个，"
          f"更正报送取代旧记录 {led['superseded']} 份")
    for kind, label in (("jsonl", "JSONL 文件"), ("xlsx", "汇总表"), ("db", "台账文件")):
        if kind in summary.outputs:
            p(f"{label}：{summary.outputs[kind]}")
    for path, _code, message in summary.errors:
        reason = message[len(path) + 1:] if message.startswith(path + "：") else message
        p(f"失败：{path}：{reason}")


def _progress_wanted() -> bool:
    return sys.stderr.isatty() or os.environ.get("PAICHA_PROGRESS") == "1"


class _Progress:
    """解析中 [#####.....] 120/1000 文件, redrawn on stderr at most ten times a second."""

    WIDTH = 30

    def __init__(self, total: int):
        self.total = total
        self.last = 0.0
        self.shown = -1

    def update(self, done: int) -> None:
        now = time.monotonic()
        if done == self.shown or (done < self.total and now - self.last < 0.1):
            return
        self.last, self.shown = now, done
        filled = self.WIDTH * done // max(self.total, 1)
        sys.stderr.write(f"\r解析中 [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{self.total} 文件")
        sys.stderr.flush()

    def finish(self) -> None:
        self.update(self.total)
        sys.stderr.write("\n")
        sys.stderr.flush()
