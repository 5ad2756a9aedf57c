"""The one worksheet-name sanitiser: names Excel accepts, kept apart, in a workbook saved and read back."""
from openpyxl import Workbook, load_workbook

from generators.excel import SHEET_NAME_MAX, sheet_title


def test_hostile_and_repeated_titles_make_a_valid_workbook(tmp_path):
    titles = ["统计表", "统计表", "a/b:c*d?[e]\\f", "", "长" * 40, "长" * 40, "统计表"]
    used: set[str] = set()
    wb = Workbook()
    wb.remove(wb.active)
    for t in titles:
        wb.create_sheet(sheet_title(t, used))
    wb.save(tmp_path / "names.xlsx")
    names = load_workbook(tmp_path / "names.xlsx").sheetnames
    assert names == ["统计表", "统计表_2", "abcdef", "表", "长" * 31, "长" * 29 + "_2", "统计表_3"]
    assert all(len(n) <= SHEET_NAME_MAX for n in names)
