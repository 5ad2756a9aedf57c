#!/usr/bin/env python3
"""Writes samples/orders/隐患清单.xlsx, a filled hazard list for `cli.py order --hazards`:

    .venv/bin/python samples/orders/make_hazard_list.py
    .venv/bin/python cli.py order --hazards samples/orders/隐患清单.xlsx --date 2023-03-12 -o out/orders
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from openpyxl import load_workbook  # noqa: E402

from generators.excel import write  # noqa: E402
from generators.order import write_hazard_template  # noqa: E402

ROWS = [
    ("晋城市城区宏达铸造有限公司", "北石店镇工业园区3号", "李建国", "熔炼车间安全出口堆放砂箱，通道堵塞", "2023-03-20", None),
    (None, None, None, "电焊工无证上岗作业", "2023-03-15", None),
    (None, None, None, "除尘器未设置泄爆装置", "2023-04-10", None),
    (None, None, None, "车间积尘未及时清理", "2023-03-20", "无"),
    ("晋城市城区鑫源商贸有限公司", "西上庄街道建设路12号", "张红", "危化品仓库门口无安全警示标志", "2023年3月25日", None),
    (None, None, None, "员工宿舍设在仓库内", "2023年3月25日", "《中华人民共和国安全生产法》第四十二条"),
]


def main() -> Path:
    out = write_hazard_template(HERE / "隐患清单.xlsx")
    wb = load_workbook(out)
    ws = wb.active
    for r, row in enumerate(ROWS, 2):
        for c, value in enumerate(row, 1):
            if value is not None:
                write(ws, r, c, value)
    wb.save(out)
    return out


if __name__ == "__main__":
    print(f"已生成：{main()}")
