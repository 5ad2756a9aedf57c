#!/usr/bin/env python3
"""Many offices at once: clerks uploading returns together, two parse workers, the district reading pages.

    .venv/bin/python bench/bench_multi_office.py [--clerks 50] [--files 20] [--workers 2] [--pg URL]

For each ledger (PostgreSQL, then SQLite): a live uvicorn serving the workbench (its own runner off), and
`cli.py worker --concurrency W` beside it (procrastinate workers on PostgreSQL, local ones on SQLite — the
same task code). Each clerk (a thread with its own HTTP client) uploads F distinct returns in one request
to /returns/upload (one parse job each), all at once. Measured: the time from the first upload until every
file is in the ledger, and meanwhile the p95 time of the district's pages (a loop over /, /ledger,
/returns, /reports from a few threads). Prints both and the ratio PostgreSQL / SQLite.
Without --pg a private cluster is started (scripts/pg_cluster.sh) and removed afterwards.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402

from make_corpus import make_corpus  # noqa: E402
from services import jobs  # noqa: E402
from services.ledgers import open_ledger  # noqa: E402

PAGES = ["/", "/ledger", "/returns", "/reports"]
READERS = 4                        # threads reading the district's pages
SERVE = ("import sys, uvicorn; from web.app import create_app; from web.settings import Settings; "
         "s = Settings.load(); uvicorn.run(create_app(s, run_jobs=False), host=s.host, port=s.port, "
         "log_level='warning')")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def wait_http(base: str, server: subprocess.Popen) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"工作台未能启动（退出码 {server.returncode}）")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code in (200, 503):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("工作台启动超时")


def clerk(base: str, files: list[Path]) -> int:
    """One clerk: open the 回执 page, upload the files in one request; the job id."""
    with httpx.Client(base_url=base, timeout=600) as client:
        page = client.get("/returns")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        parts = [("files", (f.name, f.read_bytes())) for f in files]
        answer = client.post("/returns/upload", data={"csrf_token": token}, files=parts, follow_redirects=False)
        if answer.status_code != 303:
            raise RuntimeError(f"上传失败：{answer.status_code} {answer.text[:200]}")
        return int(answer.headers["location"].rsplit("/", 1)[1])


def reader(base: str, stop: threading.Event, times: dict[str, list[float]]) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        while not stop.is_set():
            for page in PAGES:
                t = time.perf_counter()
                answer = client.get(page)
                times[page].append(time.perf_counter() - t)
                if answer.status_code != 200:
                    raise RuntimeError(f"{page}：{answer.status_code}")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def run(name: str, target: str, batches: list[list[Path]], workers: int, work: Path) -> dict:
    """One ledger's run: the time until every file is in the ledger and the pages' p95 meanwhile."""
    port = free_port()
    env = dict(os.environ, PAICHA_LEDGER=target, PAICHA_DATA=str(work / "data"), PAICHA_PORT=str(port),
               PAICHA_HOST="127.0.0.1", PAICHA_UPLOAD_FILES=str(max(len(b) for b in batches)))
    with open_ledger(target) as ledger:
        ledger.con                                         # created and migrated before the processes start
    server = start([sys.executable, "-c", SERVE], env, work / "server.log")
    pool = start([sys.executable, "cli.py", "worker", "--db", target, "--concurrency", str(workers)], env,
                 work / "workers.log")
    base = f"http://127.0.0.1:{port}"
    times: dict[str, list[float]] = {p: [] for p in PAGES}
    stop = threading.Event()
    try:
        wait_http(base, server)
        readers = [threading.Thread(target=reader, args=(base, stop, times), daemon=True) for _ in range(READERS)]
        for t in readers:
            t.start()
        began = time.perf_counter()
        with ThreadPoolExecutor(len(batches)) as ex:
            ids = list(ex.map(lambda b: clerk(base, b), batches))
        uploaded = time.perf_counter() - began
        with open_ledger(target) as ledger:
            while not all(jobs.job_status(ledger, i).finished for i in ids):
                if pool.poll() is not None:
                    raise SystemExit(f"解析进程意外退出（退出码 {pool.returncode}）")
                time.sleep(0.2)
            elapsed = time.perf_counter() - began
            done = [jobs.job_status(ledger, i) for i in ids]
            sources = ledger.con.execute("SELECT count(*) FROM sources").fetchone()[0]
        stop.set()
        for t in readers:
            t.join()
    finally:
        stop.set()
        for p in (pool, server):
            p.terminate()
            p.wait(60)
    files = sum(len(b) for b in batches)
    outcomes = [f.outcome for j in done for f in j.files]
    assert outcomes.count("records") == files and sources == files, (outcomes.count("records"), sources)
    result = {"name": name, "files": files, "uploaded": uploaded, "elapsed": elapsed,
              "p95": {p: p95(v) for p, v in times.items()}, "requests": sum(len(v) for v in times.values())}
    print(f"{name}：{files} 个文件全部入台账用时 {elapsed:.1f} s（上传 {uploaded:.1f} s，{files / elapsed:.1f} 个/秒）；"
          f"同时读取页面 {result['requests']} 次，p95：" +
          "，".join(f"{p} {v * 1000:.0f} ms" for p, v in result["p95"].items()), flush=True)
    return result


def pg_database(admin: str) -> str:
    import psycopg
    name = f"bench_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {name}")
    return admin.partition("?")[0].rsplit("/", 1)[0] + "/" + name


def main() -> None:
    ap = argparse.ArgumentParser(description="多单位同时上传回执的负载实测（PostgreSQL 与 SQLite）")
    ap.add_argument("--clerks", type=int, default=50)
    ap.add_argument("--files", type=int, default=20, help="每人上传的回执数")
    ap.add_argument("--workers", type=int, default=2, help="解析进程数")
    ap.add_argument("--pg", help="PostgreSQL 管理地址（不给则启动临时集群）")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="paicha-bench-") as tmp:
        tmp = Path(tmp)
        n = a.clerks * a.files
        docx, xlsx = make_corpus(tmp / "corpus", n // 2, n - n // 2)
        files = [f for pair in zip(docx, xlsx) for f in pair]
        batches = [files[i * a.files:(i + 1) * a.files] for i in range(a.clerks)]
        print(f"{a.clerks} 人同时各上传 {a.files} 份回执（共 {n} 个不同文件），{a.workers} 个解析进程，"
              f"{READERS} 个线程同时读取页面", flush=True)
        cluster = None
        admin = a.pg
        if not admin:
            cluster = tmp / "pg"
            admin = subprocess.run(["bash", "scripts/pg_cluster.sh", "start", str(cluster)], cwd=ROOT, check=True,
                                   capture_output=True, text=True).stdout.strip()
        try:
            (tmp / "pg-run").mkdir()
            pg = run("PostgreSQL", pg_database(admin), batches, a.workers, tmp / "pg-run")
        finally:
            if cluster:
                subprocess.run(["bash", "scripts/pg_cluster.sh", "stop", str(cluster)], cwd=ROOT, check=False)
        (tmp / "sqlite-run").mkdir()
        lite = run("SQLite", str(tmp / "sqlite-run" / "台账.db"), batches, a.workers, tmp / "sqlite-run")
    print(f"PostgreSQL / SQLite：入台账用时 {pg['elapsed'] / lite['elapsed']:.2f} 倍；页面 p95 " +
          "，".join(f"{p} {pg['p95'][p] / lite['p95'][p]:.2f} 倍" for p in PAGES))


if __name__ == "__main__":
    main()
