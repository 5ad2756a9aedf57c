"""Statistics workbook from the ledger: the official layouts, one row per reporting unit, and the 隐患台账.

Sheets (layout "all"; or one statistics form by its form type), one per statistics form in spec
order, as its spec's ledger block says (stats.layout):
  - matrix (000 附件4 大排查大整治行动统计表, 003 全市安全检查督导情况统计表): drawn by
    generators.forms from the spec (same merged headers and units row as the blank form),
    one row per reporting unit and a 合计 row (numbers computed here, not formulas);
  - indicators (002 调度表): the indicator sheet filled with the sum over units (villages), and one
    row per unit;
  - 隐患台账: every hazard of the period with its order number and overdue flag;
  - 核对情况: the consistency problems the aggregation found.
All numbers come from one ledger.aggregate.aggregate() call; every value goes through
generators.excel (no text ever becomes a formula). The workbook is saved in openpyxl's write-only
mode: the small official sheets are drawn with the normal API and copied in (excel.copy_sheet), the
隐患台账 (100,000 rows and more) is streamed row by row from one SQL query.
"""
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from generators.excel import (CELL_PAD_PT, LINE_EM, MIN_ROW_PT, ROW_PAD_PT, column_pt, copy_sheet,
                              cell_lines, fit_rows, registered_style, set_cell, set_print, sheet_title, styled_row,
                              write_only_row)
from generators.figures import MARK, Doubt, doubtful_figures, doubtful_keys
from generators.mark import mark_xlsx
from generators.forms import BODY_FONT, BORDER, TABLE_FONT, DCell, Drawing, drawing, matrix_columns, render_sheet
from ledger.aggregate import Aggregate, aggregate, stats_forms
from ledger.backend import display, exists as ledger_exists
from ledger.orders import HAZARD_STATUS
from schema.dates import date_text
from schema.errors import InputError
from schema.spec import all_specs, ledger_spec, load_spec

LEVELS = {"general": "一般隐患", "major": "重大隐患"}
MANUAL_ORIGIN = {"manual": "手工录入"}     # hazards typed in, not drawn from a form
COUNT_FORMAT, MONEY_FORMAT = "0", "0.00"
DOUBT_FILL = PatternFill("solid", fgColor="FFF2CC")     # a doubtful figure: shaded, and shown with ※
HAZARD_COLUMNS = [  # (header, key, width)
    ("序号", "seq", 6), ("生产经营单位", "enterprise", 31), ("所在镇（街道）", "town", 13),
    ("行业", "industry", 10), ("隐患描述", "description", 40), ("等级", "level", 10), ("状态", "status", 15),
    ("发现日期", "found_date", 13), ("整改期限", "deadline", 13), ("指令书编号", "order_number", 22),
    ("是否逾期", "overdue", 8), ("来源", "origin", 17), ("报送单位", "reporting_unit", 20),
]


def write_stats_workbook(db: Path, out: Path, period: str | None = None, layout: str = "all") -> Path:
    """The statistics workbook of a period from a ledger file; returns `out`."""
    out = Path(out)
    if not ledger_exists(db):
        raise InputError(f"{display(db)}：找不到台账数据库", code="missing")
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}：统计表只能生成 .xlsx 文件", code="bad_suffix")
    layouts = list(stats_forms())
    if layout not in ("all", *layouts):
        raise InputError(f"统计表格式“{layout}”不存在（可选：all、{'、'.join(layouts)}）", code="bad_layout")
    return write_workbook(aggregate(db, period), out, layout, db=db)


def write_workbook(agg: Aggregate, out: Path, layout: str = "all", db: Path | None = None) -> Path:
    """Write an aggregation as the statistics workbook (the summary reuses the same Aggregate)."""
    drawn_wb = Workbook()          # the official sheets, drawn with merges and styles
    drawn_wb.remove(drawn_wb.active)
    used: set[str] = set()
    wanted = list(stats_forms()) if layout == "all" else [layout]
    drawn = [ft for ft in wanted if ft in agg.forms]
    if not drawn:   # nothing came in: still the official layout, empty, saying so
        drawn = wanted[:1]
    doubts = doubtful_figures(agg)
    for ft in drawn:
        if ledger_spec(ft).stats.layout == "indicators":
            _indicator_sheets(drawn_wb, agg, ft, used, doubts)
        else:
            _matrix_sheet(drawn_wb, agg, ft, used, doubts)
    wb = Workbook(write_only=True)
    for ws in drawn_wb.worksheets:
        copy_sheet(ws, wb)
    _hazard_sheet(wb, agg, db, used)
    issues = [(d.unit, d.text + f"（表中该数标“{MARK}”）") for d in doubts if d.form_type in drawn]
    issues += [(i.unit, i.message) for i in agg.issues if i.kind != "fixed_exceeds_found"]
    if issues:
        _issues_sheet(wb, issues, used)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    mark_xlsx(wb, "stats")
    wb.save(tmp)
    tmp.replace(out)
    return out


def _period_line(agg: Aggregate) -> str:
    return f"统计期间：{agg.period.label}（由台账汇总，{date_text(agg.today)}）"


def _sheet(wb: Workbook, d: Drawing, title: str, used: set[str]):
    ws = wb.create_sheet(sheet_title(title, used))
    render_sheet(ws, d)
    return ws


def _note_lines(doubts: list[Doubt], form_type: str) -> list[str]:
    """Note rows under a sheet's table: each doubtful figure of the form (the cell is marked ※)."""
    mine = [d for d in doubts if d.form_type == form_type]
    if not mine:
        return []
    return [f"数据核对（核实更正后删除本行）：以下数字不合常理，表中已标“{MARK}”。"] + [f"{d.text}。" for d in mine]


def _mark(cell, kind: str = "count") -> None:
    """A doubtful figure: shaded and shown with ※ (a number stays a number; text gets the mark)."""
    if isinstance(cell.value, str):
        if not cell.value.endswith(MARK):
            set_cell(cell, cell.value + MARK)
    else:
        fmt = MONEY_FORMAT if kind == "money_wan" else COUNT_FORMAT
        cell.number_format = f'{fmt}"{MARK}"'
    cell.fill = DOUBT_FILL


def _finish(ws, title_rows: str | None, landscape: bool) -> None:
    """Row heights from the content, print area, titles on every page, A4."""
    fit_rows(ws)
    set_print(ws, ws.max_column, ws.max_row, title_rows, landscape)


def _table_top(d: Drawing) -> int:
    """Sheet row of the first table row (render_sheet: title row, then the lines above)."""
    return 2 + len(d.above)


def _matrix_sheet(wb: Workbook, agg: Aggregate, ft: str, used: set[str], doubts: list[Doubt]) -> None:
    """000 附件4 / 003 统计表: one row per reporting unit and a 合计 row."""
    spec = load_spec(ft)
    fs = agg.forms.get(ft)
    rows = []
    if fs:
        for unit, values in fs.rows.items():
            rows.append({"unit": unit, **values, **fs.texts.get(unit, {})})
    data = {"rows": rows, "totals": dict(fs.totals) if fs else None}
    header = {"fill_date": agg.today}
    if agg.period.kind in ("month", "day"):
        header["period"] = agg.period.spec
    d = drawing(spec, data if rows else None, header)
    d.above.insert(0, _period_line(agg))
    if not rows:
        d.above.insert(1, "本统计期没有收到此表。")
    d.below += _note_lines(doubts, ft)
    ws = _sheet(wb, d, spec.title, used)
    cols = matrix_columns(spec, rows)
    depth = max((len(c.path) for c in cols), default=1)
    top = _table_top(d)
    first_data = top + depth + 1
    ws.freeze_panes = ws.cell(first_data, 2)
    ws.print_title_rows = f"{top}:{first_data - 1}"
    formats = {c: (MONEY_FORMAT if col.kind == "money_wan" else COUNT_FORMAT)
               for c, col in enumerate(cols, 1) if col.kind in ("count", "money_wan")}
    for r in range(first_data, ws.max_row + 1):
        for c, fmt in formats.items():
            cell = ws.cell(r, c)
            if isinstance(cell.value, (int, float)):
                cell.number_format = fmt
    column = {col.key: c for c, col in enumerate(cols, 1)}
    kinds = {col.key: col.kind for col in cols}
    for r in range(first_data, ws.max_row + 1):
        unit = ws.cell(r, 1).value
        if isinstance(unit, str) and unit:
            for key in doubtful_keys(doubts, ft, unit):
                if key in column and ws.cell(r, column[key]).value not in (None, ""):
                    _mark(ws.cell(r, column[key]), kinds[key])
    _finish(ws, ws.print_title_rows, d.landscape)


def _indicator_sheets(wb: Workbook, agg: Aggregate, ft: str, used: set[str], doubts: list[Doubt]) -> None:
    """An indicator sheet (002 调度表): the form filled with the sum over units, then one row per unit."""
    spec = load_spec(ft)
    st = spec.ledger.stats
    name, word = st.sheet or spec.title, st.unit_word
    fs = agg.forms.get(ft)
    latest = max(fs.latest.values()) if fs and fs.latest else None
    # the header line naming the unit (村) says how many were summed
    unit_key = next((p.split(".", 1)[1] for p in st.unit if p.startswith("header.")), "reporting_unit")
    header = {unit_key: f"全部（{len(fs.rows)}个{word}）" if fs else None, "period": latest}
    d = drawing(spec, dict(fs.totals) if fs else None, header)
    d.above.insert(0, _period_line(agg))
    if not fs:
        d.above.insert(1, "本统计期没有收到此表。")
    d.below += _note_lines(doubts, ft)
    _finish(_sheet(wb, d, f"{name}（汇总）", used), None, d.landscape)

    # one row per unit: section headings over their indicators, 合计 at the bottom
    cells = [DCell(0, 0, f"{word}（单位）", rowspan=2, bold=True)]
    columns: list[tuple[str, str]] = []      # (key, kind) in sheet order
    for s in spec.sections:
        start = 1 + len(columns)
        for f in s.indicators:
            base = re.sub(r"（[^）]*）", "", f.labels[0]).split("，")[0]
            parts = [(p.key, p.kind, f"{p.label or base}（{p.unit}）" if p.unit else (p.label or base))
                     for p in f.parts]
            for key, kind, label in parts or [(f.key, f.kind, f.labels[0])]:
                cells.append(DCell(1, 1 + len(columns), f"{f.num}.{label}", bold=True))
                columns.append((key, kind))
        cells.append(DCell(0, start, s.name, colspan=1 + len(columns) - start, bold=True))
    n_cols = 1 + len(columns)
    rows = list(fs.rows.items()) + [("合计", fs.totals)] if fs else []
    for r, (unit, values) in enumerate(rows, 2):
        cells.append(DCell(r, 0, unit))
        for j, (key, _) in enumerate(columns, 1):
            cells.append(DCell(r, j, _num_text(values.get(key))))
    d2 = Drawing(title=f"{spec.title}（分{word}）", above=[_period_line(agg)], tables=[cells], n_cols=n_cols,
                 widths=[1.6] + [1.0] * (n_cols - 1), landscape=True, font_size=9,
                 below=_note_lines(doubts, ft))
    ws = _sheet(wb, d2, f"{name}（分{word}）", used)
    top = _table_top(d2)
    ws.freeze_panes = ws.cell(top + 2, 2)
    for rr in range(top + 2, ws.max_row + 1):
        unit = ws.cell(rr, 1).value
        marked = doubtful_keys(doubts, ft, unit) if isinstance(unit, str) else set()
        for j, (key, kind) in enumerate(columns, 2):
            cell = ws.cell(rr, j)
            if isinstance(cell.value, (int, float)):
                cell.number_format = MONEY_FORMAT if kind == "money_wan" else COUNT_FORMAT
            if key in marked and cell.value not in (None, ""):
                _mark(cell, kind)
    _finish(ws, f"{top}:{top + 1}", True)


def _num_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{round(v, 4):g}"
    return str(v)


def _hazard_sheet(wb: Workbook, agg: Aggregate, db: Path | None, used: set[str]) -> None:
    """隐患台账 (write-only): every hazard of the period (the same filter as the counts), one SQL query."""
    from ledger.aggregate import hazard_list
    from ledger.db import connect
    hazards = []
    if db is not None:
        con = connect(db)
        try:
            hazards = hazard_list(con, agg.period, agg.today)
        finally:
            con.close()
    ws = wb.create_sheet(sheet_title("隐患台账", used))
    n = len(HAZARD_COLUMNS)
    for c, (_, _, width) in enumerate(HAZARD_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.merged_cells.add(f"A1:{get_column_letter(n)}1")
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{get_column_letter(n)}{max(2, len(hazards) + 2)}"
    set_print(ws, n, len(hazards) + 2, "2:2")
    title = set_cell(WriteOnlyCell(ws), f"隐患台账（{agg.period.label}，共{len(hazards)}项）")
    title.font = Font(name=BODY_FONT, size=14, bold=True)
    ws.row_dimensions[1].height = 24
    ws.append([title])
    ws.print_options.gridLines = True          # the ruling of 100,000 rows: printed grid lines, not cell borders
    head = registered_style(ws, font=Font(name=TABLE_FONT, size=HAZARD_PT, bold=True), border=BORDER,
                            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    labels = [label for label, _, _ in HAZARD_COLUMNS]
    chars = [(column_pt(w) - CELL_PAD_PT) / HAZARD_PT for _, _, w in HAZARD_COLUMNS]
    ws.row_dimensions[2].height = _row_pt(labels, chars) or MIN_ROW_PT
    ws.append(styled_row(ws, labels, head))
    wrap = registered_style(ws, alignment=Alignment(vertical="center", wrap_text=True))
    keys = [key for _, key, _ in HAZARD_COLUMNS]
    origins = _origin_labels()
    for i, h in enumerate(hazards, 1):
        h.update(seq=i, level=LEVELS.get(h["level"], h["level"]), status=HAZARD_STATUS.get(h["status"], h["status"]),
                 overdue="逾期" if h["overdue"] else None, origin=origins.get(h["origin"], h["origin"]))
        values = [None if h.get(k) == "" else h.get(k) for k in keys]
        lines = cell_lines(values, chars)
        tallest = max(lines)
        if tallest == 1:
            ws.append(write_only_row(ws, values))               # the usual row: plain values, fast
        else:
            ws.row_dimensions[i + 2].height = _lines_pt(tallest)
            ws.append(styled_row(ws, values, wrap))             # a rare tall row: every cell wrapped, centred


HAZARD_PT = 11            # the sheet's default font size (its plain cells)


def _lines_pt(lines: int) -> float:
    return round(lines * HAZARD_PT * LINE_EM + ROW_PAD_PT + 0.05, 1)


def _row_pt(values: list, chars: list[float]) -> float | None:
    """Height of a row of plain cells at HAZARD_PT: its tallest cell; None for one line (the default
    height holds it)."""
    tallest = max(cell_lines(values, chars))
    return _lines_pt(tallest) if tallest > 1 else None


def _origin_labels() -> dict[str, str]:
    """{hazard origin: 来源 label}: each form that draws hazards, by its ledger block's origin (else its title)."""
    out = dict(MANUAL_ORIGIN)
    for spec in all_specs():
        for hm in spec.ledger.hazards:
            out.setdefault(spec.form_type, hm.origin or spec.title)
    return out


def _issues_sheet(wb: Workbook, issues: list[tuple[str, str]], used: set[str]) -> None:
    """核对情况 (write-only): (unit, problem) — doubtful figures and the aggregation's consistency problems."""
    ws = wb.create_sheet(sheet_title("核对情况", used))
    columns = (("单位", 18), ("问题", 100))
    for c, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    set_print(ws, len(columns), len(issues) + 1, "1:1")
    chars = [(column_pt(w) - CELL_PAD_PT) / HAZARD_PT for _, w in columns]
    head = registered_style(ws, font=Font(name=TABLE_FONT, size=HAZARD_PT, bold=True), border=BORDER,
                            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    body = registered_style(ws, font=Font(name=TABLE_FONT, size=HAZARD_PT), border=BORDER,
                            alignment=Alignment(vertical="top", wrap_text=True))
    ws.append(styled_row(ws, [label for label, _ in columns], head))
    for r, (unit, message) in enumerate(issues, 2):
        height = _row_pt([unit, message], chars)
        if height:
            ws.row_dimensions[r].height = height
        ws.append(styled_row(ws, [unit, message], body))
