"""generators.excel.merge_cells / add_merged_range / Styler write the same sheets as openpyxl's ws.merge_cells,
ws.merged_cells.add and style assignment: every blank form, the statistics workbook of the sample ledger and a sheet of
awkward merges (contained, overlapping, over custom borders and protection), compared part by part."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Border, Protection, Side

from generators import excel, forms
from generators.forms import blank_form
from generators.stats import write_stats_workbook
from schema.spec import all_specs
from test_aggregate import build_ledger


def _openpyxl_merge(ws, min_row, min_col, max_row, max_col):
    ws.merge_cells(start_row=min_row, start_column=min_col, end_row=max_row, end_column=max_col)


@pytest.fixture
def openpyxl_merges(monkeypatch):
    """The reference: openpyxl's own merging and style assignment, everywhere the generators merge."""
    monkeypatch.setattr(forms, "merge_cells", _openpyxl_merge)
    monkeypatch.setattr(forms, "Styler", lambda wb: lambda cell, **styles: [setattr(cell, k, v) for k, v in styles.items()])
    monkeypatch.setattr(excel, "add_merged_range", lambda ws, rng: ws.merged_cells.add(rng.coord))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", z.read(n))
                for n in z.namelist()}


def _same(ours: Path, theirs: Path) -> None:
    a, b = _parts(ours), _parts(theirs)
    assert a.keys() == b.keys()
    assert [n for n in a if a[n] != b[n]] == []
    assert any(b"<mergeCell " in v for v in a.values())        # the comparison covers merges


def _write_both(tmp_path: Path, request, make) -> tuple[Path, Path]:
    ours = make(tmp_path / "ours.xlsx")
    request.getfixturevalue("openpyxl_merges")
    return ours, make(tmp_path / "openpyxl.xlsx")


@pytest.mark.parametrize("form_type", [s.form_type for s in all_specs()])
def test_blank_form_sheet_is_openpyxls(tmp_path, request, form_type):
    _same(*_write_both(tmp_path, request, lambda out: blank_form(form_type, out)))


@pytest.fixture(scope="module")
def sample_ledger(tmp_path_factory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("merges") / "台账.db")


def test_statistics_workbook_is_openpyxls(tmp_path, request, sample_ledger):
    _same(*_write_both(tmp_path, request, lambda out: write_stats_workbook(sample_ledger, out)))


def _awkward(out: Path, merge) -> Path:
    """Merges openpyxl treats specially: contained in an earlier one (dropped), overlapping, 1×1, over cells
    with their own borders and protection, over cells not yet written."""
    wb = Workbook()
    ws = wb.active
    thick, thin = Side(style="thick"), Side(style="thin")
    for r in range(1, 9):
        for c in range(1, 7):
            ws.cell(r, c, f"{r},{c}" if (r + c) % 3 else None)
    ws.cell(2, 2).border = Border(left=thick, top=thin)
    ws.cell(4, 4).border = Border(right=thick, bottom=thick)
    ws.cell(6, 1).protection = Protection(locked=False)
    ws.cell(6, 1).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for box in [(2, 2, 4, 4), (3, 3, 4, 4), (1, 1, 1, 6), (6, 1, 7, 3), (7, 2, 8, 5), (5, 5, 5, 5),
                (10, 1, 12, 2), (2, 2, 4, 4)]:
        merge(ws, *box)
    wb.save(out)
    return out


def test_awkward_merges_are_openpyxls(tmp_path):
    _same(_awkward(tmp_path / "ours.xlsx", excel.merge_cells), _awkward(tmp_path / "openpyxl.xlsx", _openpyxl_merge))
