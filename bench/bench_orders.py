#!/usr/bin/env python3
"""Orders per second: issue_orders on 1,000 enterprises vs a naive docxtpl loop, same run.

    .venv/bin/python bench/bench_orders.py [--orders 1000] [--naive 200]

Baseline ("naive"): per order, DocxTemplate(path) → render(context, autoescape=True) → save,
the usual docxtpl loop; measured on --naive orders (its rate is per order, so a sample is enough).
Ours: issue_orders from a ledger (numbering in SQLite, one .docx per order, the merged print
file and the register included). Prints both rates and the ratio.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402

from generators import order  # noqa: E402
from ledger.db import connect  # noqa: E402

PROBLEMS = ["成品库安全出口上锁", "电焊工无证上岗作业", "配电箱未安装漏电保护器", "车间积尘未及时清扫",
            "未制定生产安全事故应急救援预案", "危化品未分类存放"]


def build_ledger(db: Path, n: int) -> None:
    con = connect(db)
    con.execute("BEGIN")
    for i in range(n):
        name = f"晋城市城区第{i + 1}号测试企业有限公司"
        eid = con.execute("INSERT INTO enterprises (name, norm_name, town) VALUES (?, ?, '北石店镇')",
                          (name, name)).lastrowid
        for k in range(1 + i % 4):
            con.execute("INSERT INTO hazards (enterprise_id, enterprise, town, description, origin, found_date,"
                        " deadline) VALUES (?, ?, '北石店镇', ?, 'supervision_check', '2023-03-05', ?)",
                        (eid, name, PROBLEMS[(i + k) % len(PROBLEMS)], f"2023-03-{20 + k % 2}"))
    con.execute("COMMIT")
    con.close()


def naive(drafts_ctx: list[dict], out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    for i, ctx in enumerate(drafts_ctx):
        tpl = DocxTemplate(order.ORDER_TEMPLATE)
        tpl.render(ctx, autoescape=True)
        tpl.save(out / f"{i}.docx")
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1000)
    ap.add_argument("--naive", type=int, default=200)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-orders-") as tmp:
        tmp = Path(tmp)
        db = tmp / "l.db"
        build_ledger(db, a.orders)
        order.prepared(order.ORDER_TEMPLATE)            # as in a real run: loaded once
        t = time.perf_counter()
        result = order.issue_orders(db=db, out_dir=tmp / "ours", issued="2023-03-10", actor="bench")
        ours = time.perf_counter() - t
        assert len(result.orders) == a.orders
        # the same contexts for the naive loop
        from ledger.orders import OrderDraft, OrderItem
        cfg = order.load_authority()
        ctxs = []
        for o in result.orders[:a.naive]:
            d = OrderDraft(o.enterprise, [OrderItem(p, o.deadlines[0], "依据：________") for p in PROBLEMS[:o.n_items]])
            d.number = o.number
            ctxs.append(order.clean({"a": order.authority_context(cfg), "o": order.order_context(d, cfg, "2023-03-10")}))
        base = naive(ctxs, tmp / "naive")
    ours_rate = a.orders / ours
    base_rate = len(ctxs) / base
    print(f"naive docxtpl loop : {len(ctxs)} orders in {base:.2f} s = {base_rate:.1f} orders/s")
    print(f"issue_orders       : {a.orders} orders in {ours:.2f} s = {ours_rate:.1f} orders/s "
          f"(incl. ledger numbering, merged print file, register)")
    print(f"ratio              : {ours_rate / base_rate:.1f}x the naive loop")


if __name__ == "__main__":
    main()
