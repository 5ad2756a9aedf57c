"""The records workbook: every parsed record (SCHEMA.md JSON) as rows people can read and filter.

One sheet per form type (Chinese names from schema/labels.yaml), one row per record;
row-list forms (统计表, 重大隐患统计表, …) and the 自查表's items get one row per
data row. A 问题 column lists the record's warnings; the cells they concern are
filled yellow with a comment (orange "需人工核对" for low OCR confidence).
A 错误 sheet lists the files (and zip members) that could not be read; given the
run's outcomes, a 文件 sheet lists every input file with its outcome. Every value goes through
generators.excel.set_cell, so untrusted text never becomes a formula.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from generators.excel import set_cell, sheet_title
from generators.mark import mark_xlsx
from schema.errors import printable
from schema.labels import field_label, form_labels, labels

ERRORS_SHEET = "错误"
FILES_SHEET = "文件"
OUTCOME_LABELS = {"records": "已解析", "error": "失败", "no_table": "未识别到表格", "skipped": "已跳过"}
FILL_WARNING = PatternFill("solid", fgColor="FFFF00")        # yellow: a check failed
FILL_CHECK = PatternFill("solid", fgColor="FFC000")          # orange: low OCR confidence
HEADER_FONT = Font(bold=True)
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
COMMENT_AUTHOR = "paicha"
MAX_CELL_CHARS = 32767            # Excel's limit for one cell
WIDTH_MIN, WIDTH_MAX = 6, 50      # column widths, in characters
WIDTH_SAMPLE = 1000               # rows looked at to size a column
LIST_SEP = "；"
ROW_PREFIX = "row."               # column keys of a data row's fields
ISSUES = "issues"
READ_AS_CODE = ("=", "#")         # text openpyxl may store as a formula or an error code (ERROR_CODES), not as text
PLAIN_NUMBERS = (int, float)
WIDE_CHARS = re.compile("[\u2e80-\U0010ffff]")     # CJK and other characters two columns wide


@dataclass
class SheetRow:
    """One worksheet row: values by column key, the warnings on each cell, the 问题 text."""
    values: dict[str, Any]
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    issues: list[str] = field(default_factory=list)


# --- records → rows --------------------------------------------------------------------

def _flatten(obj: Any, prefix: str, out: dict[str, Any]) -> dict[str, Any]:
    """Nested dicts → dotted keys; lists and scalars stay values."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict):
                _flatten(v, f"{prefix}{k}.", out)
            else:
                out[f"{prefix}{k}"] = v
    else:
        out[prefix[:-1]] = obj
    return out


def _text(v: Any) -> str:
    if isinstance(v, dict):
        return "，".join(_text(x) for x in v.values() if x not in (None, ""))
    if isinstance(v, bool):
        return "是" if v else "否"
    return "" if v is None else str(v)


def _display(v: Any, mark: bool = False) -> Any:
    """A record value as a cell value: numbers stay numbers, the rest becomes clean text."""
    if v is None:
        return None
    if type(v) is str and not mark:                 # the common case, quickly
        s = ILLEGAL_CHARACTERS_RE.sub("", v)
        return s if len(s) <= MAX_CELL_CHARS else s[: MAX_CELL_CHARS - 1] + "…"
    if mark and v in labels()["marks"]:
        return labels()["marks"][v]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    s = LIST_SEP.join(_text(x) for x in v) if isinstance(v, (list, tuple)) else _text(v)
    s = ILLEGAL_CHARACTERS_RE.sub("", s)
    return s if len(s) <= MAX_CELL_CHARS else s[: MAX_CELL_CHARS - 1] + "…"


def _locate(field_path: str, rows_key: str | None) -> tuple[Any, str | None]:
    """Where a warning goes: (index in the record's row list, "totals" or None; column key or None)."""
    m = re.match(rf"data\.{re.escape(rows_key)}\[(\d+)\]\.?(.*)", field_path) if rows_key else None
    if m:
        return int(m.group(1)), (ROW_PREFIX + re.sub(r"\[\d*\]", "", m.group(2))) if m.group(2) else None
    if field_path.startswith("data.totals."):
        return "totals", ROW_PREFIX + re.sub(r"\[\d*\]", "", field_path[len("data.totals."):])
    column = re.sub(r"\[\d*\]", "", field_path)
    return None, column if column.startswith(("data.", "header.", "source.")) else None


def _issue(form_type: str, field_path: str, message: str) -> str:
    """The 问题 text of a warning: its message, led by the field's label unless it names it."""
    label = field_label(form_type, field_path) if field_path else ""
    core = re.sub(r"（[^（）]*）$", "", label).removeprefix("合计")
    if not label or label == field_path or core in message:
        return message
    return f"{label}：{message}"


def _record_rows(form_type: str, rec: dict) -> list[SheetRow]:
    """The worksheet rows of one record, with its warnings attached."""
    spec = form_labels(form_type)
    data = rec.get("data") or {}
    rows_key = spec.get("rows")
    base = _flatten(rec.get("source") or {}, "source.", {})
    base = {k: v for k, v in base.items() if k in ("source.path", "source.part", "source.score")}
    _flatten(rec.get("header") or {}, "header.", base)

    if form_type == "unknown" or (not spec and "tables" in data):
        base_data = {k: v for k, v in _flatten(data, "data.", {}).items() if k != "data.tables"}
        items = [(ti, ri, row) for ti, table in enumerate(data.get("tables") or [])
                 for ri, row in enumerate(table or [])]
        rows = [SheetRow({**base, **base_data, "table": ti + 1, "row": ri + 1,
                          **{f"c{j + 1}": c for j, c in enumerate(row or [])}})
                for ti, ri, row in items] or [SheetRow({**base, **base_data})]
        index: dict[Any, SheetRow] = {}
    else:
        listed = data.get(rows_key) if rows_key else None
        totals = data.get("totals") if rows_key else None
        rest = {k: v for k, v in data.items() if not rows_key or k not in (rows_key, "totals")}
        base.update(_flatten(rest, "data.", {}))
        rows, index = [], {}
        for i, item in enumerate(listed if isinstance(listed, list) else []):
            values = _flatten(item if isinstance(item, dict) else {"value": item}, ROW_PREFIX, {})
            index[i] = SheetRow({**base, "row.index": i + 1, **values})
            rows.append(index[i])
        if isinstance(totals, dict) and totals:
            index["totals"] = SheetRow({**base, "row.index": "合计", **_flatten(totals, ROW_PREFIX, {})})
            rows.append(index["totals"])
        rows = rows or [SheetRow(dict(base))]

    for w in rec.get("warnings") or []:
        fpath, code, message = str(w.get("field") or ""), str(w.get("code") or ""), str(w.get("message") or "")
        where, column = _locate(fpath, rows_key)
        target = index.get(where, rows[0])
        if column:
            target.notes[column].append((code, message))
        target.issues.append(_issue(form_type, fpath, message))
    return rows


# --- rows → worksheet ------------------------------------------------------------------

def _section(key: str) -> int:
    """Column groups, left to right: source, header, record fields, table position
    (未识别), grid cells (未识别), data-row fields."""
    if key.startswith("source."):
        return 0
    if key.startswith("header."):
        return 1
    if key.startswith("data."):
        return 2
    if key in ("table", "row"):
        return 3
    if re.fullmatch(r"c\d+", key):
        return 4
    return 5


def _columns(form_type: str, rows: list[SheetRow]) -> list[tuple[str, str]]:
    """(key, Chinese label) for every column the rows use: labelled ones in form order,
    then unlabelled ones as first seen, within each group."""
    spec = form_labels(form_type)
    rows_key = spec.get("rows") or "rows"
    known = (["source.path", "source.part", "source.score"]
             + ["header." + k for k in labels()["header"]]
             + ["data." + k for k in (spec.get("fields") or {})]
             + ["table", "row", "row.index"]
             + [ROW_PREFIX + k for k in (spec.get("row_fields") or {})])
    rank = {k: i for i, k in enumerate(known)}
    present: dict[str, None] = {}
    for r in rows:
        present.update(dict.fromkeys(r.values))
    seen = {k: i for i, k in enumerate(present)}
    grid = lambda k: int(k[1:]) if _section(k) == 4 else 0  # noqa: E731
    keys = sorted(present, key=lambda k: (_section(k), k not in rank, rank.get(k, 0), grid(k), seen[k]))

    cols = [("seq", "序号")]
    for k in keys:
        if k in ("table", "row", "row.index"):
            label = {"table": "表号", "row": "行号", "row.index": "表内行号"}[k]
        elif _section(k) == 4:
            label = f"列{k[1:]}"
        elif k.startswith(ROW_PREFIX):
            label = field_label(form_type, f"data.{rows_key}[0].{k[len(ROW_PREFIX):]}")
        else:
            label = field_label(form_type, k)
        cols.append((k, label))
    cols.append((ISSUES, "问题"))
    return cols


def _width(v: Any) -> int:
    """Display width of a value: CJK characters count double; the longest line counts."""
    if v is None:
        return 0
    s = v if isinstance(v, str) else str(v)
    if s.isascii() and "\n" not in s:
        return len(s)
    return max(len(line) + len(WIDE_CHARS.findall(line)) for line in s.split("\n"))


def _plain(values: list[Any]) -> bool:
    """True if openpyxl writes every value as set_cell would (no cell objects needed): nothing, a
    number, or text it can read neither as a formula nor as an error code (one pass for the line)."""
    return all(v is None or type(v) in PLAIN_NUMBERS or (type(v) is str and not v.startswith(READ_AS_CODE))
               for v in values)


def _note_column(column: str, keys: dict[str, int], ordered: list[str]) -> str | None:
    """The column a warning highlights: its own, else the first of its parts (主要负责人 → 姓名)."""
    if column in keys:
        return column
    return next((k for k in ordered if k.startswith(column + ".")), None)


Line = tuple[list[Any], dict[int, list[tuple[str, str]]]]   # cell values; warnings by column index


def _write_sheet(wb: Workbook, title: str, columns: list[tuple[str, str]],
                 sample: list[Line], lines: Iterable[Line]) -> None:
    """A write-only sheet: bold frozen header, columns sized on `sample`, then every line
    with its warned cells highlighted and commented."""
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for j, (_, label) in enumerate(columns):
        width = max([_width(label)] + [_width(values[j]) for values, _ in sample])
        ws.column_dimensions[get_column_letter(j + 1)].width = min(max(width + 2, WIDTH_MIN), WIDTH_MAX)
    header = []
    for _, label in columns:
        cell = set_cell(WriteOnlyCell(ws), label)
        cell.font, cell.alignment = HEADER_FONT, HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    for values, row_notes in lines:
        if not row_notes and _plain(values):
            ws.append(values)
            continue
        cells = []
        for j, v in enumerate(values):
            found = row_notes.get(j) if row_notes else None
            if not found and _plain((v,)):
                cells.append(v)                     # None, a number, text openpyxl keeps as text
                continue
            cell = set_cell(WriteOnlyCell(ws), v)
            if found:
                only_check = all(code == "low_confidence" for code, _ in found)
                cell.fill = FILL_CHECK if only_check else FILL_WARNING
                text = "\n".join(m for _, m in found)
                lead = "需人工核对：" if only_check and "需人工核对" not in text else ""
                comment = Comment(lead + text, COMMENT_AUTHOR)
                comment.width, comment.height = 240, 90
                cell.comment = comment
            cells.append(cell)
        ws.append(cells)


def _form_sheet(wb: Workbook, form_type: str, rows: list[SheetRow], title: str, used: set[str]) -> None:
    """The sheet of one form type; `rows` is emptied as it is written."""
    spec = form_labels(form_type)
    columns = _columns(form_type, rows)
    keys = [k for k, _ in columns]
    position = {k: j for j, k in enumerate(keys)}
    mark_keys = {ROW_PREFIX + k for k in spec.get("marks") or []}
    marked = [(k, k in mark_keys) for k in keys]

    def line(n: int, r: SheetRow) -> Line:
        cell_notes: dict[int, list[tuple[str, str]]] = {}
        for column, found in r.notes.items():
            target = _note_column(column, position, keys)
            if target:
                cell_notes.setdefault(position[target], []).extend(found)
        get = r.values.get                          # keys never "seq" or ISSUES: those are set below
        values = [None if (v := get(k)) is None else _display(v, m) for k, m in marked]
        values[0], values[-1] = n, _display(LIST_SEP.join(r.issues) or None)
        return values, cell_notes

    sample = [line(i + 1, r) for i, r in enumerate(rows[:WIDTH_SAMPLE])]

    def lines() -> Iterable[Line]:
        yield from sample                           # the sized rows are written as they are
        for i in range(len(sample)):
            rows[i] = None
        for i in range(len(sample), len(rows)):
            yield line(i + 1, rows[i])
            rows[i] = None                          # free each row once written

    _write_sheet(wb, sheet_title(spec.get("sheet") or title or form_type, used), columns, sample, lines())


def _error_fields(e: Any) -> tuple[str, str, str]:
    """(path, reason, code) from an error entry: the JSONL error object
    {"source": {"path"}, "error": {"code", "message"}}, a {path, reason|message, code}
    dict, or a (path, code, message) / (path, message) tuple."""
    if isinstance(e, dict):
        err = e.get("error")
        err = err if isinstance(err, dict) else {"message": err}
        src = e.get("source")
        path = e.get("path") or (src.get("path") if isinstance(src, dict) else src) or ""
        reason = e.get("reason") or e.get("message") or err.get("message") or ""
        return str(path), str(reason), str(e.get("code") or err.get("code") or "")
    e = list(e)
    if len(e) >= 3:
        return str(e[0]), str(e[2]), str(e[1])
    return str(e[0]), str(e[1] if len(e) > 1 else ""), ""


def _outcome_line(n: int, o: dict) -> Line:
    """序号, 文件, 结果, 记录数, 说明 of one input file (说明 without the leading path)."""
    path = printable(o.get("path") or "")
    message = str(o.get("message") or "")
    reason = message[len(path) + 1:] if message.startswith(path + "：") else message
    return [n, _display(path), OUTCOME_LABELS.get(o.get("outcome"), o.get("outcome")),
            o.get("records") or 0, _display(reason) or None], {}


def write_records_xlsx(records: Iterable[dict], out: Path, errors: list[dict] | None = None,
                       outcomes: list[dict] | None = None) -> Path:
    """Write the records workbook to `out` (a sheet per form type, then 错误, then 文件 when the
    run's `outcomes` are given: {"path", "outcome", "records", "message"} per input file); returns `out`."""
    out = Path(out)
    groups: dict[str, list[SheetRow]] = defaultdict(list)     # records become rows at once
    titles: dict[str, str] = {}
    for rec in records:
        form_type = rec.get("form_type") or "unknown"
        titles.setdefault(form_type, rec.get("form_title") or "")
        groups[form_type].extend(_record_rows(form_type, rec))
    known = list(labels()["forms"])
    order = sorted(groups, key=lambda t: (known.index(t) if t in known else len(known) - 0.5, t))
    if "unknown" in order:                          # 未识别 comes last, before 错误
        order.remove("unknown")
        order.append("unknown")

    wb = Workbook(write_only=True)
    used: set[str] = {ERRORS_SHEET, FILES_SHEET}
    for form_type in order:
        _form_sheet(wb, form_type, groups.pop(form_type), titles[form_type], used)
    error_lines = [([n, *(_display(x) for x in _error_fields(e))], {})
                   for n, e in enumerate(errors or [], start=1)]
    _write_sheet(wb, ERRORS_SHEET, [("seq", "序号"), ("path", "文件"), ("reason", "原因"), ("code", "代码")],
                 error_lines[:WIDTH_SAMPLE], error_lines)
    if outcomes is not None:
        file_lines = [_outcome_line(n, o) for n, o in enumerate(outcomes, start=1)]
        _write_sheet(wb, FILES_SHEET, [("seq", "序号"), ("path", "文件"), ("outcome", "结果"),
                                       ("records", "记录数"), ("reason", "说明")],
                     file_lines[:WIDTH_SAMPLE], file_lines)
    out.parent.mkdir(parents=True, exist_ok=True)
    mark_xlsx(wb, "records")          # never read back as returns
    wb.save(out)
    return out
