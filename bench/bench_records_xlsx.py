"""Speed of the records workbook on 10,000 records.

Baselines, measured in the same run: openpyxl write-only dumping the records'
values as flat as they come (fewer cells: no 序号, 表内行号, 问题 …), and openpyxl
write-only dumping exactly the cells our workbook holds (read back from it, untimed),
with no styles, comments or widths. Prints CPU seconds of this process (the machine's load does
not count, as it does in wall time) and both ratios (target ≤ 1.5×); with --repeat, the least of
each, the three runs interleaved.

    .venv/bin/python bench/bench_records_xlsx.py [N] [--repeat K]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

from generators.records_xlsx import write_records_xlsx  # noqa: E402


def make_records(n: int) -> list[dict]:
    """A realistic mix: registers, self-checks (28 items), stats tables; 1 in 5 with warnings."""
    out = []
    for i in range(n):
        src = {"path": f"returns/镇{i % 40}/file{i}.docx", "sha256": "0" * 64, "format": "docx", "part": "table 1"}
        head = {"reporting_unit": f"第{i % 40}镇人民政府", "fill_date": "2023-03-05"}
        warnings = []
        kind = i % 3
        if kind == 0:
            data = {"name": f"某某有限公司{i}", "credit_code": "91350100M000100Y43", "address": "某路1号",
                    "principal": {"name": "张三", "mobile": "13512345678"}, "employees": i % 300,
                    "has_major_hazard_source": False, "safety_org": {"staff": ["王五", "赵六"]}}
            rec = {"form_type": "enterprise_register", "data": data}
            if i % 5 == 0:
                warnings.append({"field": "data.credit_code", "code": "checksum", "message": "统一社会信用代码校验位不符"})
        elif kind == 1:
            items = [{"no": j + 1, "category": "消防安全", "content": f"检查内容第{j + 1}项",
                      "self_result": "yes", "check_result": "no" if j % 7 == 0 else "yes"} for j in range(28)]
            rec = {"form_type": "self_check", "data": {"enterprise": {"name": f"企业{i}"}, "items": items}}
            if i % 5 == 1:
                warnings.append({"field": "data.items[3].check_result", "code": "low_confidence", "message": "识别置信度低"})
        else:
            rows = [{"unit": f"第{j}组", "general_hazards_found": 5, "general_hazards_fixed": 4, "fines_wan": 0.5}
                    for j in range(5)]
            rec = {"form_type": "campaign_stats", "data": {"rows": rows, "totals": {"general_hazards_found": 25}}}
            if i % 5 == 2:
                warnings.append({"field": "data.totals.general_hazards_found", "code": "total", "message": "合计不符"})
        rec.update(schema_version=1, source=src, header=head, form_title="", warnings=warnings)
        out.append(rec)
    return out


def baseline(records: list[dict], out: Path) -> None:
    """The same number of rows, values only, as flat as they come."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    for r in records:
        lists = r["data"].get("items") or r["data"].get("rows") or [r["data"]]
        for item in lists:
            ws.append([r["source"]["path"], *map(str, r["header"].values()), *map(str, item.values())])
    wb.save(out)


def same_cells(workbook: Path) -> list[tuple[str, list[tuple]]]:
    """Every sheet's rows of values, as written."""
    from openpyxl import load_workbook
    wb = load_workbook(workbook, read_only=True)
    try:
        return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb.worksheets]
    finally:
        wb.close()


def baseline_same(sheets: list[tuple[str, list[tuple]]], out: Path) -> None:
    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(out)


def cpu(fn, *args) -> float:
    """CPU seconds of this process spent in fn(*args)."""
    t = time.process_time()
    fn(*args)
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description="汇总表（记录工作簿）写出速度基准")
    ap.add_argument("n", nargs="?", type=int, default=10_000, help="记录数")
    ap.add_argument("--repeat", type=int, default=1, help="各测几次，取最小值")
    a = ap.parse_args()
    records = make_records(a.n)
    base = ours = same = float("inf")
    wall_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "records.xlsx"
        for _ in range(a.repeat):
            base = min(base, cpu(baseline, records, Path(tmp) / "baseline.xlsx"))
            ours = min(ours, cpu(write_records_xlsx, records, out, [{"path": "bad.doc", "reason": "文件已损坏"}]))
            size = out.stat().st_size
            sheets = same_cells(out)
            rows = sum(len(r) for _, r in sheets)
            same = min(same, cpu(baseline_same, sheets, Path(tmp) / "same.xlsx"))
            del sheets
    print(f"records: {a.n}; CPU seconds, least of {a.repeat}; wall {time.perf_counter() - wall_start:.0f} s in all")
    print(f"baseline (openpyxl write-only, values only): {base:.2f} s")
    print(f"write_records_xlsx: {ours:.2f} s  ({size / 1e6:.1f} MB)")
    print(f"ratio write_records_xlsx / baseline: {ours / base:.2f}")
    print(f"baseline (openpyxl write-only, the same {rows} rows and cells): {same:.2f} s")
    print(f"ratio write_records_xlsx / same-cells baseline: {ours / same:.2f}  (target ≤ 1.5)")


if __name__ == "__main__":
    main()
