"""Benchmark: summary numbers and the statistics workbook on a ledger of 100,000 hazards and
5,000 statistics rows (direct SQL inserts), against a naive baseline measured in the same run
(every row fetched and counted in pure Python), each run --repeat times interleaved, the least
taken. Targets: numbers ≤ 2 s and no slower than the naive count, workbook ≤ 10 s.

    .venv/bin/python bench/bench_summary.py
    .venv/bin/python bench/bench_summary.py --hazards 1000000 --no-workbook   # the 通报 numbers at 1,000,000
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generators.stats import write_stats_workbook  # noqa: E402
from ledger.aggregate import aggregate  # noqa: E402
from ledger.db import connect, transaction  # noqa: E402

N_HAZARDS, N_STATS, ROWS_PER_RETURN = 100_000, 5_000, 10
TOWNS = [f"第{i}镇" for i in range(1, 31)]
INDUSTRIES = ["建材", "化工", "机械", "燃气", "冶金", "商贸", "建筑", None]
STATUSES = ["open", "rectified", "rechecked", "closed"]


def build(db: Path, n_hazards: int = N_HAZARDS) -> None:
    rnd = random.Random(7)
    con = connect(db)
    with transaction(con):
        con.execute("INSERT INTO sources (sha256, path, format, imported_at) VALUES ('b', 'bench', 'xlsx', 'now')")
        # 125 units x 4 weekly returns x 10 检查组 rows = 5,000 rows, one return per unit and week
        for i in range(N_STATS // ROWS_PER_RETURN):
            unit = f"第{i % 125 + 1}单位"
            day = f"2023-03-{3 + 7 * (i // 125):02d}"
            cur = con.execute("INSERT INTO records (source_id, form_type, reporting_unit, period, fill_date, json,"
                              " created_at) VALUES (1, 'campaign_stats', ?, '2023-03', ?, '{}', 'now')", (unit, day))
            for j in range(ROWS_PER_RETURN):
                data = {"general_hazards_found": rnd.randint(0, 40), "general_hazards_fixed": rnd.randint(0, 30),
                        "major_hazards_found": rnd.randint(0, 2), "major_hazards_fixed": rnd.randint(0, 1),
                        "fines_wan": round(rnd.random() * 3, 2), "inspection_groups": 1}
                con.execute("INSERT INTO stats_rows (record_id, form_type, reporting_unit, unit, period, data)"
                            " VALUES (?, 'campaign_stats', ?, ?, '2023-03', ?)",
                            (cur.lastrowid, unit, f"第{j + 1}组", json.dumps(data)))
        rows = []
        for i in range(n_hazards):
            rows.append((f"企业{i % 5000}", TOWNS[i % len(TOWNS)], INDUSTRIES[i % len(INDUSTRIES)],
                         f"隐患描述{i}", "major" if i % 50 == 0 else "general", "supervision_check",
                         f"2023-03-{1 + i % 31:02d}", f"2023-04-{1 + i % 30:02d}", STATUSES[i % 4]))
        con.executemany("INSERT INTO hazards (enterprise, town, industry, description, level, origin, found_date,"
                        " deadline, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.close()


def naive(db: Path) -> dict:
    """Baseline: fetch every row and count in Python."""
    con = connect(db)
    totals: dict = {}
    for (data,) in con.execute("SELECT data FROM stats_rows WHERE active = 1"):
        for k, v in json.loads(data).items():
            totals[k] = totals.get(k, 0) + v
    by_town: dict = {}
    for town, level, status, found in con.execute("SELECT town, level, status, found_date FROM hazards"
                                                  " WHERE active = 1"):
        if "2023-03-01" <= found <= "2023-03-31":
            c = by_town.setdefault((town, level), [0, 0])
            c[0] += 1
            c[1] += status != "open"
    by_ind: dict = {}
    for ind, level, status in con.execute("SELECT COALESCE(h.industry, e.industry), h.level, h.status FROM hazards h"
                                          " LEFT JOIN enterprises e ON e.id = h.enterprise_id WHERE h.active = 1"):
        c = by_ind.setdefault((ind, level), [0, 0])
        c[0] += 1
        c[1] += status != "open"
    con.close()
    return {"totals": totals, "towns": by_town, "industries": by_ind}


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description="通报数字与统计表基准")
    ap.add_argument("--hazards", type=int, default=N_HAZARDS)
    ap.add_argument("--no-workbook", action="store_true", help="只测通报数字，不生成统计表")
    ap.add_argument("--repeat", type=int, default=3, help="通报数字与逐行计数各测几次（交替），取最少用时")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        _, t_build = timed(build, db, a.hazards)
        print(f"ledger: {a.hazards} hazards, {N_STATS} statistics rows, built in {t_build:.1f} s")
        t_naive = t_agg = float("inf")
        for _ in range(a.repeat):          # interleaved; the least of each (the first call also loads specs)
            base, t = timed(naive, db)
            t_naive = min(t_naive, t)
            agg, t = timed(aggregate, db, "2023-03", today="2023-03-20")
            t_agg = min(t_agg, t)
        assert agg.register.total.found == sum(v[0] for v in base["towns"].values())
        assert agg.forms["campaign_stats"].totals["general_hazards_found"] == base["totals"]["general_hazards_found"]
        print(f"summary numbers (aggregate): {t_agg:.2f} s  target ≤ 2 s  "
              f"{'OK' if t_agg <= 2 else 'SLOW'}; naive baseline {t_naive:.2f} s; "
              f"naive / aggregate {t_naive / t_agg:.2f}x (target ≥ 1)")
        if not a.no_workbook:
            _, t_xlsx = timed(write_stats_workbook, db, Path(tmp) / "stats.xlsx", "2023-03")
            print(f"statistics workbook incl. {a.hazards}-row 隐患台账: {t_xlsx:.2f} s  target ≤ 10 s  "
                  f"{'OK' if t_xlsx <= 10 else 'SLOW'}; ratio to naive counting {t_xlsx / t_naive:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
