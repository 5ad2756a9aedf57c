"""End-to-end parsing speed and memory, against bare reading of the same files.

    .venv/bin/python bench/bench_parse.py                 # 1,000 .docx + 1,000 .xlsx
    .venv/bin/python bench/bench_parse.py --files 10000   # memory on a 10,000-file batch

Builds the corpus (bench/make_corpus.py) in a temporary folder, then measures
parsers.pipeline.parse() (read + recognise + JSONL + ledger, all cores) and, in
the same run, the bare reading of the same files by python-docx, docx2python and
openpyxl (one process, nothing but opening the file and touching every cell).
Peak memory is the largest sum, over the whole process tree, of RSS (and of PSS,
which counts pages shared by the forked workers once), sampled every 100 ms.
The one-process lines (paicha's reading alone, reading + recognising, and the bare
readers) are timed in CPU seconds of this process, each method in turn on blocks of
50 files (a full garbage collection, untimed, before each), so the machine's load (and its changes)
weighs on each alike and no method pays for another's garbage, and compared
with each other: issue 17 asks paicha's one process for ≥ 4× python-docx's bare read
and ≥ 2× openpyxl's (--only-one-process: just these).
Targets: ≥ 200 .docx forms/s end to end on 2 cores; ≤ 500 MB peak for 10,000 files.
"""
from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from make_corpus import make_corpus  # noqa: E402

TARGET_DOCX_PER_S = 200
TARGET_PEAK_MB = 500
BASELINE_MAX_FILES = 1000     # bare readers are timed on at most this many files of each kind
INTERLEAVE_FILES = 50         # one-process lines: each method timed in turn on blocks of this many files


# --- memory of the process tree ------------------------------------------------------------

def _tree(root: int) -> list[int]:
    """root and all its descendants (each thread's children file: no scan of every process's stat)."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    todo += map(int, f.read().split())
        except OSError:          # gone meanwhile
            pass
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB (smaps_rollup: walks the page tables, ~8 ms CPU for a 600 MB worker)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def _rss_kb(pid: int) -> int:
    """RSS of one process in kB from statm (a counter: microseconds)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


class PeakMemory:
    """Samples the whole process tree's memory in a thread; .rss_mb / .pss_mb are the peaks.

    RSS (statm, microseconds) every `interval`; PSS (smaps_rollup walks the page tables: ~8 ms for an OCR
    worker; read every 100 ms it took ~9 % of a core beside a 2-worker parse) every `pss_interval`, and at
    most every `pss_gap` while the PSS the RSS implies comes near the peak: PSS = RSS - the pages counted in
    several processes, a share that changes slowly (taken from the last read, 10 % of it as a margin)."""

    def __init__(self, interval: float = 0.1, pss_interval: float = 2.0, pss_gap: float = 0.5):
        self.interval, self.pss_interval, self.pss_gap = interval, pss_interval, pss_gap
        self.rss, self.pss = 0, 0
        self.cpu = 0.0          # the sampler's own CPU time, taken out of the parse's
        self.pss_reads = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last, shared = float("-inf"), 0
        while not self._stop.is_set():
            pids = _tree(os.getpid())
            rss = sum(_rss_kb(pid) for pid in pids)
            now = time.monotonic()
            if now - last >= self.pss_interval or (rss - 0.9 * shared >= self.pss and now - last >= self.pss_gap):
                pss = sum(_mem_kb(pid)[1] for pid in pids)
                self.pss, shared, last = max(self.pss, pss), max(0, rss - pss), now
                self.pss_reads += 1
            self.rss = max(self.rss, rss)
            self.cpu = time.thread_time()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def rss_mb(self) -> float:
        return self.rss / 1024

    @property
    def pss_mb(self) -> float:
        return self.pss / 1024


# --- what is timed -----------------------------------------------------------------------------

def bare_python_docx(files: list[Path]) -> None:
    import docx
    for f in files:
        for t in docx.Document(str(f)).tables:
            for row in t.rows:
                for cell in row.cells:
                    cell.text


def bare_docx2python(files: list[Path]) -> None:
    from docx2python import docx2python
    for f in files:
        with docx2python(str(f)) as d:
            d.body


def bare_openpyxl(files: list[Path]) -> None:
    import openpyxl
    for f in files:
        wb = openpyxl.load_workbook(str(f), data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                pass
        wb.close()


def paicha_one_process(files: list[Path]) -> None:
    """paicha's own reading and recognition, file after file: what the pool spreads over the cores
    (the form specs looked up once a chunk of CHUNK_MAX files, as a pool worker does)."""
    from parsers.pipeline import CHUNK_MAX, _specs, read_records
    specs = None
    for i, f in enumerate(files):
        if i % CHUNK_MAX == 0:
            specs = _specs()
        read_records(str(f), specs=specs)


def paicha_read_only(files: list[Path]) -> None:
    """paicha's reading alone (sniff, own-output check, the format reader, hash): the Document of each file."""
    from parsers.readers import read_file
    for f in files:
        read_file(f)


def timed(fn, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of fn(*args)."""
    t, c = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - t, time.process_time() - c


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_parse(paths: list[Path], out: Path, workers: int):
    """(summary, wall seconds, CPU seconds of the whole tree, peak memory) of one parse()."""
    from parsers.pipeline import parse
    for f in ("l.db", "l.db-wal", "l.db-shm", "r.jsonl"):
        (out / f).unlink(missing_ok=True)
    with PeakMemory() as mem:
        t, c = time.perf_counter(), cpu_seconds()
        summary = parse(paths, jsonl=out / "r.jsonl", db=out / "l.db", workers=workers, progress=False)
        seconds, cpu = time.perf_counter() - t, cpu_seconds() - c
    return summary, seconds, cpu - mem.cpu, mem


def main() -> int:
    ap = argparse.ArgumentParser(description="解析速度与内存基准")
    ap.add_argument("--docx", type=int, default=1000)
    ap.add_argument("--xlsx", type=int, default=1000)
    ap.add_argument("--files", type=int, help="总文件数（一半 .docx 一半 .xlsx），覆盖 --docx/--xlsx")
    ap.add_argument("--workers", type=int, default=0, help="并行进程数（默认 CPU 核数）")
    ap.add_argument("--keep", help="语料目录（保留，不删除）")
    ap.add_argument("--only-one-process", action="store_true", help="只测单进程（读取、读取+识别、裸读），不跑 parse")
    a = ap.parse_args()
    n_docx, n_xlsx = (a.files // 2, a.files - a.files // 2) if a.files else (a.docx, a.xlsx)
    workers = a.workers or os.cpu_count() or 1

    tmp = tempfile.TemporaryDirectory(prefix="paicha-bench-")
    base = Path(a.keep) if a.keep else Path(tmp.name)
    t = time.perf_counter()
    docx_files, xlsx_files = make_corpus(base / "corpus", n_docx, n_xlsx)
    print(f"语料：{n_docx} 个 .docx、{n_xlsx} 个 .xlsx，生成用时 {time.perf_counter() - t:.1f} 秒；"
          f"{workers} 个进程，CPU {os.cpu_count()} 核；开始时系统负载 {os.getloadavg()[0]:.1f}")

    rows = []   # (what, files, seconds, peak rss, peak pss)
    # ours first, so the bare readers' imports do not inflate the main process
    runs = []
    if docx_files:
        runs.append(("paicha parse（.docx）", [base / "corpus" / "docx"], len(docx_files)))
    if xlsx_files:
        runs.append(("paicha parse（.xlsx）", [base / "corpus" / "xlsx"], len(xlsx_files)))
    if docx_files and xlsx_files:
        runs.append(("paicha parse（全部）", [base / "corpus" / "docx", base / "corpus" / "xlsx"],
                     len(docx_files) + len(xlsx_files)))
    failures = 0
    for name, paths, n in [] if a.only_one_process else runs:
        summary, seconds, cpu, mem = run_parse(paths, base, workers)
        failures += summary.files_failed
        rows.append((name, n, seconds, mem.rss_mb, mem.pss_mb, summary, cpu))

    bare = []     # (what, files, wall, CPU, kind)
    one = [("paicha 读取 单进程", paicha_read_only), ("paicha 读取+识别 单进程", paicha_one_process)]
    for kind, files, baselines in (("docx", docx_files, [("python-docx 裸读", bare_python_docx),
                                                         ("docx2python 裸读", bare_docx2python)]),
                                   ("xlsx", xlsx_files, [("openpyxl 裸读", bare_openpyxl)])):
        sample = files[:BASELINE_MAX_FILES]
        methods = one + baselines if sample else []
        for name, fn in methods:
            fn(sample[:5])                                  # imports and caches, not timed
        # interleaved: each method in turn on every block of files, so a change in the machine's load
        # weighs on all of them alike (the ratios are of CPU seconds over the same files)
        spent = {name: [0.0, 0.0] for name, _ in methods}
        for start in range(0, len(sample), INTERLEAVE_FILES):
            block = sample[start:start + INTERLEAVE_FILES]
            for name, fn in methods:
                gc.collect()        # untimed: each method pays for the collections its own garbage starts,
                wall, cpu = timed(fn, block)        # not for the previous method's (python-docx's)
                spent[name][0] += wall
                spent[name][1] += cpu
        bare += [(name, len(sample), *spent[name], kind) for name, _ in methods]

    ours_rate = {"docx": None, "xlsx": None}
    idle_rate = {}
    for name, n, seconds, *_, cpu in rows:
        for kind in ours_rate:
            if f"（.{kind}）" in name:
                ours_rate[kind] = n / seconds
                idle_rate[kind] = n / cpu * min(workers, os.cpu_count() or 1)

    print()
    print(f"{'方法':<22}{'文件数':>8}{'秒':>9}{'文件/秒':>10}{'峰值RSS(MB)':>13}{'峰值PSS(MB)':>13}{'paicha/它':>11}")
    for name, n, seconds, rss, pss, summary, cpu in rows:
        print(f"{name:<22}{n:>8}{seconds:>9.2f}{n / seconds:>10.1f}{rss:>13.0f}{pss:>13.0f}{'':>11}"
              f"   CPU {cpu:.1f} 秒，{n / cpu:.1f} 文件/CPU秒")
    for name, n, seconds, cpu, kind in bare:
        ratio = f"{ours_rate[kind] / (n / seconds):>10.2f}x" if ours_rate[kind] else f"{'':>11}"
        print(f"{name + '（.' + kind + '）':<22}{n:>8}{seconds:>9.2f}{n / seconds:>10.1f}{'':>13}{'':>13}{ratio}"
              f"   CPU {cpu:.2f} 秒，{n / cpu:.0f} 文件/CPU秒")
    print()
    print("单进程，按 CPU 时间：基准每文件的 CPU 秒 ÷ paicha 每文件的 CPU 秒（越大 paicha 越快）：")
    for kind, target in (("docx", 4), ("xlsx", 2)):
        cpu_of = {name: cpu / n for name, n, _, cpu, k in bare if k == kind}
        for ours in ("paicha 读取 单进程", "paicha 读取+识别 单进程"):
            for base in [b for b in cpu_of if not b.startswith("paicha")]:
                if ours in cpu_of:
                    print(f"  .{kind} {ours} / {base}：{cpu_of[base] / cpu_of[ours]:.2f}x"
                          + (f"（目标 ≥ {target}x）" if ours.endswith("识别 单进程") and base.startswith(("python-docx", "openpyxl")) else ""))
    print(f"结束时系统负载 {os.getloadavg()[0]:.1f}（高于核数时，其他进程在争用 CPU，速度偏低）")
    print()
    if not rows:
        return 0
    last = rows[-1][5]
    print(f"最后一轮：{last.files_parsed} 个成功、{last.files_failed} 个失败，"
          f"{last.records} 份记录 {dict(last.records_by_type)}")
    if ours_rate["docx"]:
        ok = "达标" if ours_rate["docx"] >= TARGET_DOCX_PER_S else "未达标"
        print(f"目标 ≥ {TARGET_DOCX_PER_S} 个 .docx/秒：实测 {ours_rate['docx']:.0f}（{ok}）；"
              f"按 CPU 时间折算，{workers} 核空闲时约 {idle_rate['docx']:.0f}")
    peak_rss = max(r[3] for r in rows)
    peak_pss = max(r[4] for r in rows)
    ok = "达标" if peak_pss <= TARGET_PEAK_MB else "未达标"
    print(f"目标峰值 ≤ {TARGET_PEAK_MB} MB：PSS {peak_pss:.0f} MB（{ok}），RSS 之和 {peak_rss:.0f} MB")
    if failures:
        print(f"注意：有 {failures} 个文件解析失败")
    return 0


if __name__ == "__main__":
    sys.exit(main())
