"""Benchmark: the web workbench's pages on a ledger of 100,000 hazards, 20 clients at once.

    .venv/bin/python bench/bench_web.py [--clients 20] [--rounds 10] [--files 1000] [--cold 3] [--workers N]
                                        [--cpu 20] [--only PAGE ...]

The ledger (temp folder): the sample returns (.docx/.xlsx) parsed for real, then 5,000 enterprises,
20,000 records (2 % carrying the warnings of a real flagged record), 100,000 hazards and 2,000 orders
inserted with SQL through the ledger's own connection. `cli.py serve` runs it in a subprocess (job
runner included). 20 client threads, each with its own keep-alive connection and session, request every
page in turn; the time of each request is taken on the client. Printed per page: p50 and p95 against
the target (lists and review queue ≤ 300 ms, notice preview ≤ 2 s), and the baseline: a static file
served by the same server under the same load, so ratios hold on another machine.

The notice preview is cached by its text: "cold" is a new text (LibreOffice renders it; renders are
serialised by one lock), measured one at a time; "warm" is the same text again, measured under load.
The 指令书 page (50 enterprises' orderable hazards a page) is measured under load like the lists, and one
at a time as well; its register (the last 100 orders) is a part the page loads after it (htmx), measured as
a page of its own.

`cli.py serve` runs with its default number of web processes (--workers to change it). The machine's load
average is printed beside each phase: numbers taken while other programs run are not comparable.

Phase 2 repeats the load while a 1,000-file parse job runs (submitted through services/jobs.py; distinct
copies of the sample returns, as bench/bench_batch_outcomes.py makes them). Server CPU is that of the
processes answering pages (the job runner's, in SCHED_IDLE, left out): per page one at a time in both
phases, and over each phase's whole load. The 指令书 grouping is kept ledger.queries.GROUPS_MAX_AGE after
the job's commits; `PAICHA_GROUPS_MAX_AGE=0` in the environment measures it regrouped at every commit.

Clients: a thread pool of httpx clients, not locust: locust patches the whole process with gevent (this
process also builds the ledger and submits the job through the services), reports percentiles rounded
to 10/100 ms buckets and adds a dependency tree for what 20 threads do here. The clients' own cost is
in the baseline.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.bench_batch_outcomes import MAIN_PART, distinct_copy  # noqa: E402
from ledger.db import transaction  # noqa: E402
from schema.keys import enterprise_key  # noqa: E402
from services.jobs import job_status, submit_parse_job  # noqa: E402
from services.ledgers import open_ledger  # noqa: E402
from services.returns import parse_batch  # noqa: E402

SAMPLES = ROOT / "samples" / "returns"
N_HAZARDS, N_ENTERPRISES, N_RECORDS, N_ORDERS = 100_000, 5_000, 20_000, 2_000
FLAGGED_EVERY = 50                  # one record in 50 carries warnings
TOWNS = [f"第{i}镇" for i in range(1, 31)]
INDUSTRIES = ["建材", "化工", "机械", "燃气", "冶金", "商贸", "建筑", "危险化学品"]
STATUSES = ["open"] * 4 + ["rectified"] * 2 + ["rechecked"] + ["closed"] * 3
LIST_TARGET, PREVIEW_TARGET = 0.300, 2.0
ORDERS = "/orders"                  # the 指令书 page (paged: 50 enterprises)
NOTICE = {"organs": "晋城市城区安全生产委员会办公室", "doc_number": "城安办〔2023〕{n}号",
          "title": "关于开展安全生产大排查大整治的通知", "recipients": "各镇人民政府、街道办事处",
          "date": "2023年3月2日", "printer": "晋城市城区安全生产委员会办公室", "print_date": "2023年3月2日",
          "body": "为做好工作，现通知如下。\n\n一、工作目标\n全面排查整治各类安全隐患，第{n}次检查。"}


# --- the ledger -----------------------------------------------------------------------------------

def build_ledger(db: Path) -> dict:
    """The sample returns parsed, then the bulk rows; returns the filters the clients use."""
    rnd = random.Random(11)
    returns = sorted(p for p in SAMPLES.rglob("*") if p.suffix in MAIN_PART and "格式样例" not in p.parts)
    with open_ledger(db) as handle:
        parse_batch(returns, ledger=handle, workers=1)
        con = handle.con
        flagged = con.execute("SELECT form_type, json, warnings FROM records WHERE warnings > 0"
                              " AND superseded_by IS NULL ORDER BY id LIMIT 1").fetchone()
        plain = con.execute("SELECT json FROM records WHERE form_type = 'supervision_check' ORDER BY id"
                            " LIMIT 1").fetchone()
        today = date.today()
        with transaction(con):
            source = con.execute("INSERT INTO sources (sha256, path, format, imported_at) VALUES"
                                 " ('bench', 'bench/批量.docx', 'docx', '2023-03-01T08:00:00')").lastrowid
            ents = [(f"晋城市第{i:04d}号{INDUSTRIES[i % 8]}有限公司", TOWNS[i % 30], INDUSTRIES[i % 8]) for i in range(N_ENTERPRISES)]
            con.executemany("INSERT INTO enterprises (name, norm_name, credit_code, town, industry, address)"
                            " VALUES (?, ?, ?, ?, ?, ?)",
                            [(n, enterprise_key(n), f"91140502MA{i:08d}", t, ind, f"{t}工业园区{i}号")
                             for i, (n, t, ind) in enumerate(ents)])
            first_ent = con.execute("SELECT MIN(id) FROM enterprises WHERE credit_code LIKE '91140502MA%'").fetchone()[0]
            rec_rows = []
            for i in range(N_RECORDS):
                warned = i % FLAGGED_EVERY == 0
                rec_rows.append((source, f"bench {i}", flagged["form_type"] if warned else "supervision_check",
                                 f"{TOWNS[i % 30]}人民政府", "2023-03", "2023-03-10", f"bench-{i}",
                                 flagged["warnings"] if warned else 0, flagged["json"] if warned else plain["json"],
                                 "2023-03-10T09:00:00"))
            con.executemany("INSERT INTO records (source_id, part, form_type, reporting_unit, period, fill_date,"
                            " supersede_key, warnings, json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rec_rows)
            first_rec = con.execute("SELECT MIN(id) FROM records WHERE source_id = ?", (source,)).fetchone()[0]
            hz_rows = []
            for i in range(N_HAZARDS):
                e = i % N_ENTERPRISES
                name, town, ind = ents[e]
                found = today - timedelta(days=rnd.randint(30, 400))
                deadline = found + timedelta(days=rnd.randint(7, 90))
                hz_rows.append((first_rec + i % N_RECORDS, first_ent + e, name, town, ind, f"{town}人民政府",
                                f"第{i}项：配电箱未设置漏电保护装置", "立即整改", "major" if i % 97 == 0 else "general",
                                "supervision_check", found.isoformat(), deadline.isoformat(), int(i % 211 == 0),
                                STATUSES[rnd.randrange(len(STATUSES))]))
            con.executemany("INSERT INTO hazards (record_id, enterprise_id, enterprise, town, industry, reporting_unit,"
                            " description, measure, level, origin, found_date, deadline, supervised, status)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", hz_rows)
            # orders over the first hazards of enterprises, 3 items each
            hz = con.execute("SELECT id, enterprise_id, enterprise, description, deadline FROM hazards"
                             " WHERE enterprise_id >= ? AND status != 'open' ORDER BY enterprise_id, id LIMIT ?",
                             (first_ent, N_ORDERS * 3)).fetchall()
            for n in range(N_ORDERS):
                items = hz[n * 3:n * 3 + 3]
                if not items:
                    break
                oid = con.execute("INSERT INTO orders (number, authority, code, year, serial, enterprise_id, enterprise,"
                                  " issued, status, actor, created_at) VALUES (?, '城区应急局', '责改', 2023, ?, ?, ?,"
                                  " '2023-03-15', 'issued', '基准', '2023-03-15T10:00:00')",
                                  (f"城应急责改〔2023〕{n + 1}号", n + 1, items[0]["enterprise_id"],
                                   items[0]["enterprise"])).lastrowid
                con.executemany("INSERT INTO order_items (order_id, seq, hazard_id, description, deadline)"
                                " VALUES (?, ?, ?, ?, ?)",
                                [(oid, k + 1, h["id"], h["description"], h["deadline"]) for k, h in enumerate(items)])
        counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("enterprises", "records", "hazards", "orders")}
        counts["flagged"] = con.execute("SELECT COUNT(*) FROM records WHERE warnings > 0"
                                        " AND superseded_by IS NULL").fetchone()[0]
    return counts


# --- the server and the clients -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, data: Path, port: int, log: Path, workers: int | None = None) -> subprocess.Popen:
    """`cli.py serve` with its output in `log` (a pipe nobody reads fills at 64 KB and blocks the server)."""
    more = [] if workers is None else ["--workers", str(workers)]
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--db", str(db), "--data", str(data),
                                 "--port", str(port), *more], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/app.css", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("工作台未能启动：" + log.read_text(encoding="utf-8", errors="replace"))


def session(base: str) -> tuple[httpx.Client, str]:
    """A client with its session cookie and CSRF token (from the home page)."""
    client = httpx.Client(base_url=base, timeout=120)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)[1]
    return client, token


def preview(client: httpx.Client, token: str, n: int) -> httpx.Response:
    fields = {k: v.replace("{n}", str(n)) for k, v in NOTICE.items()}
    return client.post("/gongwen/preview", data={"csrf_token": token, **fields},
                       headers={"HX-Request": "true"})


def load(base: str, pages: dict[str, str], clients: int, rounds: int, warm_text: int,
         pgid: int | None = None, with_preview: bool = True) -> dict[str, list[float]]:
    """`clients` threads, each requesting every page `rounds` times (shuffled order); seconds per page.
    With the server's `pgid`, prints the server's CPU per request over the whole load (group_cpu)."""
    cpu_before = group_cpu(pgid) if pgid else 0.0
    extra = ["公文预览（已缓存）"] if with_preview else []
    times: dict[str, list[float]] = {name: [] for name in [*pages, *extra]}
    errors: list[str] = []
    resets: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client_loop(k: int) -> None:
        client, token = session(base)
        plan = [*pages.items(), *((name, None) for name in extra)] * rounds
        random.Random(k).shuffle(plan)
        start.wait()
        for name, url in plan:
            t = time.perf_counter()
            try:
                answer = client.get(url) if url else preview(client, token, warm_text)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # the server closed the kept-alive connection as it was reused (uvicorn closes idle ones
                # after 5 s; a client thread starved of CPU lets it idle): once more on a new connection
                with lock:
                    resets.append(name)
                answer = client.get(url) if url else preview(client, token, warm_text)
            took = time.perf_counter() - t
            with lock:
                times[name].append(took)
                if answer.status_code != 200:
                    errors.append(f"{name} {answer.status_code}")
        client.close()

    threads = [threading.Thread(target=client_loop, args=(k,)) for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise SystemExit(f"有 {len(errors)} 个请求失败，例如：{errors[:3]}")
    if resets:
        print(f"  ({len(resets)} requests sent again after a kept-alive connection was reset; their time includes both)")
    if pgid:
        n = sum(map(len, times.values()))
        print(f"\nserver CPU under the load: {(group_cpu(pgid) - cpu_before) / n * 1000:.1f} ms per request"
              f" ({n} requests of {', '.join(times)})")
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def report(title: str, times: dict[str, list[float]], baseline: str, alone: dict[str, list[float]]) -> bool:
    print(f"\n{title}")
    print(f"  {'page':<28}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'target':>9}  {'x baseline p95':>14}")
    base = p95(times[baseline])
    ok = True
    rows = [*times.items(), *alone.items()]
    for name, values in rows:
        target = None if name == baseline else PREVIEW_TARGET if "预览" in name else LIST_TARGET
        q = p95(values)
        verdict = "" if target is None else ("OK" if q <= target else "SLOW")
        ok &= verdict != "SLOW"
        print(f"  {name:<28}{len(values):>5}{statistics.median(values) * 1000:>9.0f}{q * 1000:>9.0f}"
              f"{'' if target is None else f'{target * 1000:.0f}':>9}  {q / base:>12.0f}x {verdict}")
    return ok


def one_by_one(base: str, n: int, request) -> list[float]:
    """`n` requests one after another from one client: request(client, token, i) → response."""
    client, token = session(base)
    out = []
    for i in range(n):
        t = time.perf_counter()
        answer = request(client, token, i)
        out.append(time.perf_counter() - t)
        assert answer.status_code == 200, answer.text[:300]
    client.close()
    return out


def cold_previews(base: str, first: int, n: int) -> list[float]:
    return one_by_one(base, n, lambda client, token, i: preview(client, token, first + i))


def orders_page(base: str, n: int) -> list[float]:
    return one_by_one(base, n, lambda client, token, i: client.get(ORDERS))


def job_files(folder: Path, count: int) -> list[tuple[str, str, Path]]:
    """`count` distinct copies of the sample returns (a number in each changed)."""
    samples = sorted(p for p in SAMPLES.rglob("*") if p.suffix in MAIN_PART and "格式样例" not in p.parts)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        src = samples[i % len(samples)]
        dest = folder / f"{i:04d}-{src.name}"
        dest.write_bytes(distinct_copy(src.read_bytes(), src.suffix, i // len(samples) + 1))
        out.append((f"{i:032x}", src.name, dest))
    return out


SCHED_IDLE = 5                      # /proc stat's policy of the job runner's processes (web/app.py in_background)


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the server's processes that answer pages: those of the
    process group (the server and its web processes) less the job runner's and what it started, which run
    in Linux's SCHED_IDLE class (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:                       # ended meanwhile
            continue
        fields = text[text.rfind(")") + 2:].split()
        if int(fields[2]) == pgid and int(fields[38]) != SCHED_IDLE:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_cpu(base: str, pgid: int, pages: dict[str, str], n: int) -> dict[str, float]:
    """Server CPU milliseconds per request of each page, one client asking `n` times in a row: what a page
    costs the server whatever else the machine is doing (the times under load are not comparable then)."""
    client, _ = session(base)
    out = {}
    for name, url in pages.items():
        client.get(url)                             # this web process's first render compiles the template
        before = group_cpu(pgid)
        for _ in range(n):
            assert client.get(url).status_code == 200
        out[name] = (group_cpu(pgid) - before) / n * 1000
    client.close()
    return out


def print_cpu(cpu: dict[str, float], n: int, when: str) -> None:
    print(f"\nserver CPU per request, one client, {n} requests a page, {when} (its web processes, not the job"
          f" runner's; independent of the machine's load):")
    for name, ms in cpu.items():
        print(f"  {name:<28}{ms:>7.1f} ms")


def machine_load() -> str:
    """The 1-minute load average against the cores (other programs' work slows every page here)."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--cold", type=int, default=3, help="cold notice previews (and 指令书 pages) measured one at a time")
    ap.add_argument("--workers", type=int, default=None, help="web processes of cli.py serve (default: serve's own)")
    ap.add_argument("--cpu", type=int, default=20, help="requests a page for the server CPU per request")
    ap.add_argument("--only", nargs="+", metavar="PAGE", help="measure only these pages (names as printed; the"
                    " baseline is always measured), e.g. to tell one page's server CPU under the load")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))      # stopped: the server and temp folder go too
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        tmp = Path(tmp)
        db = tmp / "台账.db"
        t = time.perf_counter()
        counts = build_ledger(db)
        print(f"ledger built in {time.perf_counter() - t:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
              + f"; {machine_load()}; PAICHA_GROUPS_MAX_AGE={os.environ.get('PAICHA_GROUPS_MAX_AGE', '(default)')}")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(db, tmp / "data", port, tmp / "server.log", a.workers)
        try:
            pages = {"基线：静态文件": "/static/app.css", "首页": "/",
                     "台账：隐患（无筛选）": "/ledger", "台账：隐患（镇街+未整改）": "/ledger?town=第7镇&status=open",
                     "台账：隐患（逾期，第50页）": "/ledger?overdue=1&page=50",
                     "台账：企业": "/ledger?view=enterprises", "台账：企业（镇街+行业）": "/ledger?view=enterprises&town=第7镇&industry=机械",
                     "核对队列": "/review", "指令书": ORDERS, "指令书（第7镇，查找）": "/orders?town=第7镇&q=机械",
                     "指令书：登记簿（页面随后载入）": "/orders/register/rows"}
            if a.only:
                pages = {k: v for k, v in pages.items() if k in a.only or k == "基线：静态文件"}
            for name, url in list(pages.items()):      # every page answers before timing starts
                answer = httpx.get(base + url, timeout=300)
                if answer.status_code == 404:           # an older paicha measured with this bench
                    print(f"(no page {url} in this version: left out)")
                    del pages[name]
                    continue
                assert answer.status_code == 200, (url, answer.status_code)
            print_cpu(server_cpu(base, server.pid, pages, a.cpu), a.cpu, "idle")
            alone = {"指令书（逐个）": orders_page(base, a.cold), "公文预览（新文字，逐个）": cold_previews(base, 1, a.cold)}
            warm = cold_previews(base, 1, 1)              # the first text again: now cached
            print(f"notice preview, one client: cold {', '.join(f'{c:.2f}' for c in alone['公文预览（新文字，逐个）'])} s;"
                  f" warm {warm[0] * 1000:.0f} ms")
            times = load(base, pages, a.clients, a.rounds, warm_text=1, pgid=server.pid,
                         with_preview=not a.only)
            ok = report(f"{a.clients} clients x {a.rounds} rounds, idle server ({machine_load()})", times,
                        "基线：静态文件", alone)

            with open_ledger(db) as handle:
                job = submit_parse_job(handle, job_files(tmp / "job", a.files))
            time.sleep(3)                                 # the runner picks it up
            print_cpu(server_cpu(base, server.pid, pages, a.cpu), a.cpu, "while the job runs")
            alone = {"指令书（逐个）": orders_page(base, a.cold), "公文预览（新文字，逐个）": cold_previews(base, 100, a.cold)}
            times = load(base, pages, a.clients, a.rounds, warm_text=1, pgid=server.pid,
                         with_preview=not a.only)
            with open_ledger(db) as handle:
                state = job_status(handle, job.id)
            ok &= report(f"the same while a {a.files}-file parse job runs ({state.done}/{state.total} files done "
                         f"by the end, {state.state_label}; {machine_load()})", times, "基线：静态文件", alone)
        finally:
            t = time.perf_counter()
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(60)
                print(f"\nserver and job runner stopped in {time.perf_counter() - t:.1f} s")
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)          # the job runner too
        errors = (tmp / "server.log").read_text(encoding="utf-8", errors="replace").count("Traceback")
        if errors:
            print(f"\nthe server logged {errors} tracebacks")
    print("\nall pages within their targets" if ok else "\nsome pages missed their targets (SLOW)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
