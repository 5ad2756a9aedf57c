"""Row lines over a table's columns (parsers/ocr/grid.separators): a table line lost over a narrow
column (left by a stray column line: a seal's star) still separates there; a short row line (a seal
ring's arc over the last columns) is not stretched over the columns beside it."""
from __future__ import annotations

import numpy as np

from parsers.ocr import grid

UNIT = 40.0
Y = 400                 # the row line judged, between the bands 300-400 and 400-500


def _hsep(xs, drawn, stray_at):
    """hsep at Y with the row line drawn over `drawn` ((x0, x1) runs), every column line of `xs` found in
    both bands but the stray one at `stray_at` (found in neither band beside the line)."""
    hmask = np.zeros((800, 1200), np.uint8)
    for x0, x1 in drawn:
        hmask[Y - 1:Y + 2, x0:x1] = 255
    band = [x for x in xs if x != stray_at]
    _, hsep = grid.separators(hmask, xs, [300.0, Y, 500.0], [band, band], UNIT)
    return hsep[1]


def test_a_table_line_lost_over_a_narrow_column_still_separates_it():
    # 类别 (0-200) spans the rows: no line there; the faint line lost over 200-225, the stray column
    xs = [0.0, 200.0, 225.0, 600.0, 1000.0]
    assert _hsep(xs, [(225, 1000)], stray_at=200.0 + 25.0) == [False, True, True, True]


def test_a_seal_arc_over_the_last_columns_is_not_stretched_over_the_next():
    xs = [0.0, 200.0, 600.0, 700.0, 720.0, 800.0, 1000.0]
    assert _hsep(xs, [(720, 1000)], stray_at=720.0) == [False, False, False, False, True, True]
