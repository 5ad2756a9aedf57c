"""What an OCR'd record cannot be trusted on, and what it can be corrected against (issue 14).

    check(record, spec)   after the record is read from a scan or photo:
      - a row list whose numbers (序号 / 编号) break their run: that row and every row after it
        (a row line missed or doubled shifts the rest) -> ocr_row_shift on each row;
      - a value that is a column's or label's own printed text (the header row read as data) -> ocr_label_as_value;
      - a value written twice over (王建国王建国, two names run together) -> ocr_run_together;
      - a mark cell read as a lone stroke (1, 4, 7, J: a handwritten √) -> √, with ocr_corrected;
      - a 自查表 item text against the printed items of the spec: read slightly wrong and one printed
        item clearly nearest -> corrected, with ocr_corrected carrying the raw reading; the printed
        item of another number (rows shifted) -> ocr_row_shift.
    printed_labels(spec, tables)   before the record is extracted: the header cells of a table read
      slightly wrong (一般隐惠, 行政司款, a units row's "3)") set to the form's printed label when one
      label is clearly nearest (labels are not values: no warning).
Warnings only name fields; a value is changed only by a correction, and then always says so.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from rapidfuzz.distance import Indel

CORRECT_MIN = 0.8        # similarity (Indel ratio) of a reading to the printed text it is corrected to ...
CORRECT_MARGIN = 0.15    # ... and at least this much nearer than the next printed text
NUMBER_KEYS = ("no", "seq")
UNIT_CELL = re.compile(r"^[（(][^（()）]{1,3}[)）]$")     # (家) （项）: a units row under the column heads
TICK_READINGS = {"1", "4", "7", "J", "j", "V", "v", "/", "丿", "レ", "✓", "✔"}   # a handwritten √ as OCR reads it
LABEL_MIN = 0.5          # similarity of a header cell's reading to the printed label it is set to ...
LABEL_MARGIN = 0.15      # ... and at least this much nearer than any label that is not its synonym
HEADER_SHAPES = ("header_matrix", "row_list")      # forms whose header rows stand above the first number
GRID_LABEL_MIN = 0.65    # other forms: labels stand beside values, so a nearer reading ...
GRID_LABEL_CHARS = 4     # ... and a longer one (a short value is never taken for a label)


def printed_labels(spec, tables) -> None:
    """Header cells of OCR'd tables (the rows above the first number) set to the printed label (or
    unit) they were read from, when one label is clearly nearest; cells with digits are left alone."""
    if spec.shape not in HEADER_SHAPES:
        _grid_labels(spec, tables)
        return
    groups: list[tuple[str, ...]] = []
    for f in spec.read_columns():
        groups.append(tuple(_norm(x) for x in f.labels))
        groups += [tuple(_norm(x) for x in level) for level in f.path]
    synonyms: dict[str, set[str]] = {}
    for g in groups:
        for x in g:
            synonyms.setdefault(x, set()).update(g)
    units = sorted({_norm(f.unit) for f in spec.read_columns() if f.unit})
    for table in tables:
        rows: dict[int, list] = {}
        for c in table.cells:
            rows.setdefault(c.row, []).append(c)
        for r in sorted(rows):
            cells = [c for c in rows[r] if _norm(c.text)]
            if units and sum(bool(UNIT_CELL.match(_norm(c.text))) for c in cells) * 2 >= len(cells) >= 2:
                for c in cells:         # a units row: its odd cell is a unit too
                    if not UNIT_CELL.match(_norm(c.text)) and len(_norm(c.text)) <= 4:
                        c.text = nearest(_norm(c.text), units, {u: {u} for u in units}, 0.0)[0] or units[0]
                continue
            if any(re.search(r"\d", c.text) and not UNIT_CELL.match(_norm(c.text)) and len(_norm(c.text)) > 2
                   for c in cells) or any(_norm(c.text).isdigit() for c in cells):
                break                   # the first data row
            for c in cells:
                t = _norm(c.text)
                if len(t) >= 2 and t not in synonyms and not re.search(r"\d", t):
                    best, _ = nearest(t, list(synonyms), synonyms, LABEL_MIN)
                    if best:
                        c.text = best
            for c in cells:
                if _norm(c.text) not in synonyms:
                    _only_child_left(spec, c, rows.get(r, []), [x for rr in rows for x in rows[rr] if rr < r])


def _grid_labels(spec, tables) -> None:
    """Forms of labels beside values (登记表, 自查表): a cell of GRID_LABEL_CHARS or more, no digits,
    read slightly wrong (自直内容, 所属镇（街酒)) set to the label clearly nearest it (GRID_LABEL_MIN)."""
    synonyms: dict[str, set[str]] = {}
    titles = [list(v) for v in (spec.layout.get("sections") or {}).values() if isinstance(v, list)]
    for g in [f.labels for f in spec.all_fields() + spec.parse_columns] + titles:     # section titles: printed too
        g = {_norm(x) for x in g}
        for x in g:
            synonyms.setdefault(x, set()).update(g)
    for table in tables:
        for c in table.cells:
            t = _norm(c.text)
            if len(t) >= GRID_LABEL_CHARS and t not in synonyms and not re.search(r"\d", t):
                best, _ = nearest(t, list(synonyms), synonyms, GRID_LABEL_MIN)
                if best and best not in t:          # a label inside a longer text is another printed text
                    c.text = best


def _only_child_left(spec, cell, row: list, above: list) -> None:
    """A head under a parent (一般隐患: 排查 | 数) that no label fits, when its siblings took all the
    parent's sub-heads but one: that one (整改)."""
    parent = next((p for p in above if p.col <= cell.col < p.col + p.colspan and p.colspan > cell.colspan
                   and p.row + p.rowspan == cell.row), None)
    if parent is None or len(_norm(cell.text)) > 3:
        return
    kids: dict[str, tuple[str, ...]] = {}
    for f in spec.read_columns():
        for i, level in enumerate(f.path[:-1]):
            if _norm(parent.text) in {_norm(x) for x in level}:
                g = tuple(_norm(x) for x in f.path[i + 1])
                kids.setdefault(g[0], g)
    siblings = [_norm(x.text) for x in row if x is not cell and parent.col <= x.col < parent.col + parent.colspan]
    left = [g for g in kids.values() if not any(s in g for s in siblings)]
    if len(left) == 1 and len(siblings) == len(kids) - 1:
        cell.text = left[0][0]


def nearest(text: str, candidates: list[str], synonyms: dict[str, set[str]],
            least: float) -> tuple[str | None, float]:
    """The candidate nearest `text` (Indel similarity at least `least`) when every candidate that is
    not its synonym (nor much shorter: 结果 is inside 检直结果 but no rival of 检查结果) is LABEL_MARGIN
    further; else (None, its similarity)."""
    scored = sorted(((Indel.normalized_similarity(text, x), x) for x in candidates), reverse=True)
    if not scored or scored[0][0] < least:
        return None, scored[0][0] if scored else 0.0
    best, winner = scored[0]
    rival = max((s for s, x in scored if x not in synonyms[winner] and len(x) >= 0.6 * len(text)), default=0.0)
    return (winner, best) if best - rival >= LABEL_MARGIN else (None, best)


def check(record, spec) -> None:
    labels = _labels(spec)
    for key, rows in list(record.data.items()):
        if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
            _rows(record, f"data.{key}", rows, labels)
            if spec.groups and key == spec.rows_key:
                _printed_items(record, f"data.{key}", rows, spec)
    for part in ("header", "data"):
        _values(record, part, getattr(record, part), labels)
    _swallowed(record, spec)
    _misread_ticks(record, spec)
    if spec.shape in ("label_grid", "item_marks"):
        _unread(record, spec)


def _misread_ticks(record, spec) -> None:
    """A mark column's cell read as a lone stroke-like character (a handwritten √ read 1, 4, 7, J):
    corrected to √ (yes), with ocr_corrected carrying the raw reading."""
    keys = [c.key for c in spec.read_columns() if c.kind == "mark"]
    rows = record.data.get(spec.rows_key)
    if not keys or not isinstance(rows, list):
        return
    for i, r in enumerate(rows):
        for k in keys:
            raw = r.get(k) if isinstance(r, dict) else None
            if isinstance(raw, str) and _norm(raw) in TICK_READINGS:
                r[k] = "yes"
                path = f"data.{spec.rows_key}[{i}].{k}"
                record.warnings = [w for w in record.warnings if not (w.get("field") == path and w.get("code") == "invalid")]
                _warn(record, path, "ocr_corrected", f"识别为“{raw}”，按打勾（√）处理，请核对", raw=raw)


def _unread(record, spec) -> None:
    """A labelled field with nothing read: on a scan its cell may have run into its neighbour."""
    for f in spec.fields.values():
        value: Any = record.data
        for part in f.key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value in (None, "", []):
            _warn(record, f"data.{f.key}", "ocr_unread",
                  "扫描件上未读到此项（可能漏读或与相邻格连读），如原件确为空白请忽略")


def _swallowed(record, spec) -> None:
    """A value with another field's label inside it (晋城市…有限公司所属行业建材): the rule between the
    cells was missed and the value ran on over the label and its value; both fields are flagged."""
    owner: dict[str, str] = {}
    for prefix, fields in (("data", spec.fields), ("header", spec.header)):
        for f in fields.values():
            for lbl in f.labels:
                if len(_norm(lbl)) >= 2:
                    owner.setdefault(_norm(lbl), f"{prefix}.{f.key}")
    if not owner:
        return
    from schema.record import leaf_fields
    for path, value in leaf_fields({"header": record.header, "data": record.data}).items():
        if not isinstance(value, str):
            continue
        t = _norm(value)
        for lbl, other in owner.items():
            at = t.find(lbl)
            if at > 0 and len(t) > at + len(lbl) and other != path:
                _warn(record, path, "ocr_run_together",
                      f"取值中含有“{lbl}”（可能与相邻格连读），需人工核对")
                _warn(record, other, "ocr_run_together",
                      f"“{lbl}”一格可能被相邻格连读，需人工核对")


def _labels(spec) -> set[str]:
    out = set()
    for f in list(spec.fields.values()) + list(spec.columns) + list(spec.header.values()):
        out.update(_norm(x) for x in f.labels)
    return {x for x in out if len(x) >= 2}


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _warn(record, path: str, code: str, message: str, **extra) -> None:
    if not any(w.get("field") == path and w.get("code") == code for w in record.warnings):
        record.warn(path, code, message, **extra)


def _rows(record, path: str, rows: list[dict], labels: set[str]) -> None:
    for i, r in enumerate(rows):       # one text in two columns of a row: a rule between them was missed
        seen: dict[str, str] = {}
        for k, v in r.items():
            if isinstance(v, str) and len(_norm(v)) >= 2:
                if _norm(v) in seen:
                    for kk in (seen[_norm(v)], k):
                        _warn(record, f"{path}[{i}].{kk}", "ocr_run_together",
                              "与同一行另一栏读出的文字相同（可能两格连读），需人工核对")
                seen.setdefault(_norm(v), k)
        heads = [k for k, v in r.items() if isinstance(v, str) and (_norm(v) in labels or UNIT_CELL.match(_norm(v)))]
        if len(heads) >= 2:            # the header row (or its units row) read as data: the whole row
            _warn(record, f"{path}[{i}]", "ocr_label_as_value",
                  "本行多栏是表头文字（可能把表头行读成了数据，其余各行随之错位），需人工核对")
            for j in range(i + 1, len(rows)):
                _warn(record, f"{path}[{j}]", "ocr_row_shift", "上方有表头行被读成数据，本行可能错位，需人工核对")
    key = next((k for k in NUMBER_KEYS if any(k in r for r in rows)), None)
    if key is None:
        return
    broken_from = None
    for i, r in enumerate(rows):
        v = r.get(key)
        if not isinstance(v, int) or (i and isinstance(rows[i - 1].get(key), int) and v != rows[i - 1][key] + 1):
            broken_from = i
            break
    if broken_from is None:
        return
    for i in range(broken_from, len(rows)):
        _warn(record, f"{path}[{i}]", "ocr_row_shift",
              f"第 {i + 1} 行起编号不连续（可能漏读或多读了一行），本行各栏需人工核对")


def _values(record, prefix: str, value: Any, labels: set[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _values(record, f"{prefix}.{k}", v, labels)
    elif isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            if len(set(value)) < len(value):
                _warn(record, prefix, "ocr_run_together", "同一内容读出两次（可能串格或连读），需人工核对")
            for v in value:
                _values(record, prefix, v, labels)
            return
        for i, v in enumerate(value):
            _values(record, f"{prefix}[{i}]", v, labels)
    elif isinstance(value, str):
        t = _norm(value)
        if t in labels:
            _warn(record, prefix, "ocr_label_as_value", "取值是表头文字（可能把表头行读成了数据），需人工核对")
        elif doubled(t):
            _warn(record, prefix, "ocr_run_together", "同一内容读出两次（可能串格或连读），需人工核对")


def doubled(text: str) -> bool:
    """王建国王建国, 0356-2286336、0356-2286336: the same text twice (with or without a separator)."""
    parts = [p for p in re.split(r"[、,，;；/\s]+", text) if p]
    if len(parts) >= 2 and len(set(parts)) < len(parts):
        return True
    n = len(text)
    return n >= 4 and n % 2 == 0 and text[: n // 2] == text[n // 2:]


def _printed_items(record, path: str, rows: list[dict], spec) -> None:
    printed = [(g.get("category", ""), c) for g in spec.groups for c in g.get("items", [])]
    texts = [_norm(c) for _, c in printed]
    for i, r in enumerate(rows):
        raw = r.get("content")
        if not isinstance(raw, str) or not raw.strip():
            continue
        t = _norm(raw)
        scores = sorted(((Indel.normalized_similarity(t, p), j) for j, p in enumerate(texts)), reverse=True)
        best, j = scores[0]
        second = scores[1][0] if len(scores) > 1 else 0.0
        expected = r.get("no") - 1 if isinstance(r.get("no"), int) else i
        cat = printed[j][0]
        if best >= CORRECT_MIN and cat and isinstance(r.get("category"), str) and r["category"] != cat \
                and r["category"].startswith(cat):
            # the category cell read with the item text next to it run on: the printed category
            raw_cat = r["category"]
            r["category"] = cat
            _warn(record, f"{path}[{i}].category", "ocr_corrected",
                  f"识别为“{raw_cat}”，已按表中印制的类别更正为“{cat}”，请核对", raw=raw_cat)
        if best == 1.0:
            if j != expected:
                _warn(record, f"{path}[{i}]", "ocr_row_shift",
                      f"第 {i + 1} 项的内容是表中第 {j + 1} 项的文字（可能串行），本项需人工核对")
            continue
        if best >= CORRECT_MIN and best - second >= CORRECT_MARGIN:
            r["content"] = printed[j][1]
            _warn(record, f"{path}[{i}].content", "ocr_corrected",
                  f"识别为“{raw}”，已按表中印制的检查内容更正为“{printed[j][1]}”，请核对", raw=raw)
            if j != expected:
                _warn(record, f"{path}[{i}]", "ocr_row_shift",
                      f"第 {i + 1} 项的内容是表中第 {j + 1} 项的文字（可能串行），本项需人工核对")
