"""What an OCR'd record cannot be trusted on, and what it can be corrected against (issue 14).

    check(record, spec)   after the record is read from a scan or photo:
      - a row list whose numbers (序号 / 编号) leave the run the first rows start: each row off it
        (a row line missed or doubled shifts the rest; a number misread only its row) -> ocr_row_shift;
      - a value that is a column's or label's own printed text (the header row read as data) -> ocr_label_as_value;
      - a value written twice over (王建国王建国, two names run together) -> ocr_run_together;
      - a mark cell read as a lone stroke (1, 4, 7, J: a handwritten √) -> √, with ocr_corrected;
      - a 自查表 item text against the printed items of the spec: read slightly wrong and one printed
        item clearly nearest -> corrected, with ocr_corrected carrying the raw reading; the printed
        item of another number (rows shifted) -> ocr_row_shift.
    printed_labels(spec, tables)   before the record is extracted: the header cells of a table read
      slightly wrong (一般隐惠, 行政司款, a units row's "3)") set to the form's printed label when one
      label is clearly nearest (labels are not values: no warning).
    With `where` (the cell or line each field was read from), unless PAICHA_OCR_TRUST=base (the
    flags as before, for bench/bench_ocr.py to measure against in one run):
      - confidence against a threshold per value kind (_defaults.yaml ocr.min_confidence: a count
        or a date read at 0.9 is doubtful, a √ at 0.5 is not), the generic low_confidence replaced;
        a value that is exactly a printed text of the form (a 自查表 item, its category) is trusted;
      - a count whose cell text is not a clean number (38专, 1l4) -> ocr_unclean;
      - a 合计 that breaks its rows, a 整改 above its 排查: every cell involved -> ocr_check_failed;
      - one cell giving several count columns their values (the row does not fit the grid) -> ocr_unplaced;
      - a statistics table listing a unit twice: the second row and those after -> ocr_row_shift;
      - a text column of Chinese values holding one with no Chinese (I for 第三检查组) -> invalid;
      - a count cell, a 合计 row, the whole row list, the header's date or unit, a count column in
        every row read empty beside read ones -> ocr_unread; a row number not read -> ocr_unread (the
        row did not move);
      - a line of numbers no row took: the row list (short a row) -> ocr_unread, the rows below -> ocr_row_shift;
      - a person-name cell holding two names (李志刚王芳), a phone field two numbers -> ocr_run_together;
      - a 自查表 item's category against the printed item its text is -> corrected (ocr_corrected);
      - a value read but placed in no field (a number, a long text): the fields left empty -> ocr_unread,
        and where a row's left-over numbers break the form's column order, the fields about them (back
        to a column left unplaced; the row whole when out of order) -> ocr_unplaced;
      - a mark read empty beside its item's other mark -> ocr_unread; a 自查表 item that is no printed
        item while most are -> ocr_not_printed;
      - a name whose ending lost a character (…限公司), an enterprise's name in no enterprise's ending,
        a sentence without its stop, a value that is another's beginning less its first character -> ocr_cut.
    One set of thresholds suits both ways of reading a page (PAICHA_OCR_READ=page|cells, measured
    with bench/ocr_fields.py on the calib set; the rules since on tune2, calib checked unchanged).
Warnings only name fields; a value is changed only by a correction, and then always says so.
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Indel

from schema.totals import fixed_over_found, is_number, total_mismatches

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


@lru_cache(maxsize=1)
def settings() -> dict:
    """The `ocr` keys of schema/forms/_defaults.yaml (thresholds per value kind, correction margins)."""
    from schema.spec import form_defaults
    return form_defaults().get("ocr") or {}


def correct_min() -> float:
    """Similarity (Indel ratio) a reading needs to the known text it is corrected to ..."""
    return float(settings().get("correct", {}).get("min", 0.8))


def correct_margin() -> float:
    """... and how much nearer it must be than the next known text."""
    return float(settings().get("correct", {}).get("margin", 0.15))


def new_flags() -> bool:
    """PAICHA_OCR_TRUST=base: the flags before calibration on the calib set (measured against)."""
    import os
    return os.environ.get("PAICHA_OCR_TRUST", "") != "base"


def check(record, spec, where: dict | None = None) -> None:
    """Flag (and where a known text is clearly meant, correct) what an OCR'd record cannot be trusted
    on; `where`: the cell or line each field was read from (path -> Cell/Paragraph, with confidence)."""
    new = new_flags() and where is not None
    labels = _labels(spec)
    for key, rows in list(record.data.items()):
        if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
            _rows(record, f"data.{key}", rows, labels, spec if new else None)
            if spec.groups and key == spec.rows_key:
                _printed_items(record, f"data.{key}", rows, spec, new)
    for part in ("header", "data"):
        _values(record, part, getattr(record, part), labels)
    _swallowed(record, spec, _printed_texts(spec) if new else set())
    _misread_ticks(record, spec)
    if spec.shape in ("label_grid", "item_marks"):
        _unread(record, spec)
    if new:
        _confidence(record, spec, where)
        _unclean_counts(record, spec, where)
        _spanned(record, spec, where)
        _twice_listed(record, spec)
        _out_of_kind(record, spec)
        _broken_checks(record, spec)
        _unread_cells(record, spec)
        _names_together(record, spec)
        _phones_together(record, spec)
        _unplaced(record, spec, where)
        _unread_marks(record, spec)
        _cut_endings(record, _printed_texts(spec))
        _cut_starts(record, _printed_texts(spec))
        if spec.groups:
            _not_printed(record, spec)


def _leaves(record) -> dict[str, Any]:
    from schema.record import leaf_fields
    return leaf_fields({"header": record.header, "data": record.data})


def _printed_texts(spec) -> set[str]:
    """Texts printed on the form that a value may be: a 自查表's items and their categories."""
    return {_norm(x) for g in spec.groups for x in [g.get("category", "")] + list(g.get("items", [])) if x}


def _confidence(record, spec, where: dict) -> None:
    """low_confidence by the threshold of each field's value kind (ocr.min_confidence; `default` for
    a kind not named), in place of the one threshold of the form; a value that is exactly a text
    printed on the form cannot be a misreading and is trusted."""
    from schema.validate import low_confidence
    limits = settings().get("min_confidence") or {}
    printed = _printed_texts(spec)
    values = _leaves(record)
    in_run = _numbers_in_run(record)
    record.warnings = [w for w in record.warnings
                       if not (w.get("code") == "low_confidence" and w.get("field") in where)]
    for path, src in where.items():
        conf = getattr(src, "confidence", None)
        if conf is None or path in in_run:
            continue
        value = values.get(path)
        if isinstance(value, str) and _norm(value) in printed:
            continue
        kind = spec.kind_of(path) or "text"
        low_confidence(record, path, conf, float(limits.get(kind, limits.get("default", spec.min_confidence))))


def _numbers_in_run(record) -> set[str]:
    """Paths of row numbers (序号 / 编号) one more than the row's above and one less than the row's
    below (or the list's first / last): what they read is their place in the list, whatever the score."""
    out = set()
    for key, rows in record.data.items():
        if not (isinstance(rows, list) and len(rows) >= 2 and all(isinstance(r, dict) for r in rows)):
            continue
        for nk in NUMBER_KEYS:
            nums = [r.get(nk) if isinstance(r.get(nk), int) and not isinstance(r.get(nk), bool) else None
                    for r in rows]
            for i, n in enumerate(nums):
                if n is None:
                    continue
                before = i == 0 or nums[i - 1] == n - 1
                after = i == len(nums) - 1 or nums[i + 1] == n + 1
                if before and after:
                    out.add(f"data.{key}[{i}].{nk}")
    return out


CLEAN_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?(?:万元|万|元|人|家|个|项|次|起|处|户|条|份|名)?$")


def _unclean_counts(record, spec, where: dict) -> None:
    """A count or amount taken from a cell whose text is not a clean number (38专, 1l4, 3.): what
    was dropped to make it a number may have been a digit."""
    from parsers.model import Cell
    values = _leaves(record)
    uses = Counter(id(src) for src in where.values())
    for path, src in where.items():
        if not isinstance(src, Cell) or spec.kind_of(path) not in ("count", "money_wan") \
                or not is_number(values.get(path)) or uses[id(src)] > 1:
            continue                # a line (label and value) or a cell of several numbers (6次，4.5万元)
        text = _norm(getattr(src, "text", "") or "")
        if text and not CLEAN_NUMBER.match(text):
            _warn(record, path, "ocr_unclean", f"此格识别为“{text}”，不是干净的数字，需人工核对", raw=text)


def _spanned(record, spec, where: dict) -> None:
    """One cell giving several count columns their values while holding fewer numbers (a 无 or a 3
    across four columns): the rules between the columns were not found, the row does not fit the
    grid; every field it fed -> ocr_unplaced."""
    from parsers.model import Cell
    fed: dict[int, list[str]] = {}
    for path, src in where.items():
        if isinstance(src, Cell) and spec.kind_of(path) in ("count", "money_wan"):
            fed.setdefault(id(src), []).append(path)
    cells = {id(src): src for src in where.values()}
    for key, paths in fed.items():
        text = unicodedata.normalize("NFKC", getattr(cells[key], "text", "") or "")
        numbers = re.findall(r"\d+(?:\.\d+)?", text)      # spaces kept: 3 2 is two numbers
        if len(paths) >= 2 and len(numbers) < len(paths):
            for path in paths:
                _warn(record, path, "ocr_unplaced",
                      "一格的内容被分给了几栏（表格线未读全，本行与表格各栏对不齐），需人工核对")


def _twice_listed(record, spec) -> None:
    """A statistics table listing one unit in two rows (one unit, one row): a row read twice (a stray
    line between rows, the unit filled down) or a unit's name misread as another's; the second and
    every row after it (shifted by it) whole -> ocr_row_shift (the first as a rule was read right)."""
    stats = getattr(spec.ledger, "stats", None)
    if stats is None or not stats.rows.startswith("data."):
        return
    rows = record.data.get(stats.rows[len("data."):])
    keys = [u.split(".", 1)[1] for u in stats.unit if u.startswith("row.")]
    if not keys or not isinstance(rows, list):
        return
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        name = _norm(r.get(keys[0]) or "") if isinstance(r, dict) else ""
        if not name:
            continue
        if name in seen:
            for j in range(i, len(rows)):
                _warn(record, f"{stats.rows}[{j}]", "ocr_row_shift",
                      f"“{name}”在表中出现两行（可能多读了一行、或把另一单位读成此单位），其后各行可能错位，需人工核对")
            break
        seen[name] = i


CJK = re.compile(r"[\u4e00-\u9fff]")
NONE_MARKS = {"/", "-", "—", "——", "无", "\\"}


def _out_of_kind(record, spec) -> None:
    """A text column whose values are Chinese names or sentences holding, in one row, a value with no
    Chinese at all (I for 第三检查组, 0356 for an enterprise): a stroke or a number of another cell."""
    rows = record.data.get(spec.rows_key)
    if not isinstance(rows, list):
        return
    for f in spec.read_columns():
        if f.kind not in ("text", None):
            continue
        values = [(i, _norm(r.get(f.key))) for i, r in enumerate(rows) if isinstance(r, dict)
                  and isinstance(r.get(f.key), str) and _norm(r.get(f.key)) not in NONE_MARKS | {""}]
        odd = [i for i, v in values if not CJK.search(v)]      # 无 and / say nothing: 其他 may hold 3
        if len(values) - len(odd) >= max(2, 2 * len(odd)):
            for i in odd:
                _warn(record, f"data.{spec.rows_key}[{i}].{f.key}", "invalid",
                      "本栏其余各行都是中文，此格没有中文（可能是误读的笔画或别格的数字），需人工核对")


def _broken_checks(record, spec) -> None:
    """A 合计 that is not the sum of its rows, a fixed count above its found count: any of the cells
    involved may be the misread one, so each is flagged (validate flags only the total or the fixed)."""
    for rule in spec.rules:
        if rule.get("rule") == "totals":
            totals, rows = record.data.get("totals"), record.data.get("rows")
            if not isinstance(totals, dict) or not isinstance(rows, list):
                continue
            for key, written, expected in total_mismatches(totals, rows, rule.get("keys") or list(totals)):
                for path in [f"data.totals.{key}"] + [f"data.rows[{i}].{key}" for i in range(len(rows))]:
                    _warn(record, path, "ocr_check_failed",
                          f"合计（{written}）与各行之和（{expected}）不符，参与的各格都可能误读，需人工核对")
        elif rule.get("rule") == "fixed_le_found":
            places = []
            if rule.get("scope") in (None, "data"):
                places.append(("data.", record.data))
            rows = record.data.get("rows")
            if rule.get("scope") in (None, "rows") and isinstance(rows, list):
                places += [(f"data.rows[{i}].", r) for i, r in enumerate(rows)]
            for prefix, at in places:
                if not isinstance(at, dict):
                    continue
                for found_key, fixed_key, found, fixed in fixed_over_found(at, rule["pairs"]):
                    for key in (found_key, fixed_key):
                        _warn(record, prefix + key, "ocr_check_failed",
                              f"整改数（{fixed}）大于排查数（{found}），两格都可能误读，需人工核对")


def _unread_cells(record, spec) -> None:
    """What a scan or photo should have had but nothing was read for: the row list of a row form, the
    合计 row of a form that checks totals, the header's unit and date, a column of numbers in every row, a count cell
    of a row whose other counts were read."""
    counts = {f.key for f in spec.read_columns() if f.kind in ("count", "money_wan")}
    rows = record.data.get(spec.rows_key) if spec.columns else None
    if spec.columns and not rows and not isinstance(record.data.get("totals"), dict):
        _warn(record, f"data.{spec.rows_key}", "ocr_unread", "扫描件上未读到任何数据行，需对照原件核对")
    if isinstance(rows, list) and any(r.get("rule") == "totals" for r in spec.rules):    # no rows read: nor a 合计
        totals = record.data.get("totals")
        if not isinstance(totals, dict) or not any(is_number(v) for v in totals.values()):
            _warn(record, "data.totals", "ocr_unread", "扫描件上未读到合计行，需对照原件核对")
    dates = [k for k, f in spec.header.items() if f.kind in ("date", "month")]
    if any(record.header.get(k) not in (None, "") for k in dates):
        dates = []              # every return is dated (填报日期 or 统计时间): none read, each doubted
    for key in dates + [p.partition(".")[2] for p in spec.ledger.unit if p.startswith("header.")]:
        if key in spec.header and record.header.get(key) in (None, ""):     # ... and names its unit
            _warn(record, f"header.{key}", "ocr_unread", "扫描件上未读到表头的此项，需对照原件核对")
    filled = [i for i, r in enumerate(rows) if isinstance(r, dict) and any(v not in (None, "") for v in r.values())] \
        if isinstance(rows, list) else []
    for f in spec.read_columns() if len(filled) >= 2 else ():
        if f.kind == "count" and all(rows[i].get(f.key) is None for i in filled):
            for i in filled:                    # a column of numbers read empty in every row: not read
                _warn(record, f"data.{spec.rows_key}[{i}].{f.key}", "ocr_unread",
                      "此栏各行都未读到数字（整栏漏读），需对照原件核对")
    for name, rs in (("rows", rows), ("totals", [record.data.get("totals")])):
        if not isinstance(rs, list):
            continue
        for i, r in enumerate(rs):
            if not isinstance(r, dict):
                continue
            read = [k for k in counts if is_number(r.get(k))]
            if len(read) * 2 < len(counts):
                continue                    # a row mostly empty: left blank, not misread
            for k in counts:
                if r.get(k) is None:
                    path = f"data.{spec.rows_key}[{i}].{k}" if name == "rows" else f"data.totals.{k}"
                    _warn(record, path, "ocr_unread", "本行其余各格都有数字，此格未读到，需对照原件核对")


LOST_LINE_NUMBERS = 3    # a table line of this many numbers that no row took: a row lost
VALUE_TEXT_MIN = 8        # an unused text this long, with no printed word of the form in it, is a value
PLAIN_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def _unplaced(record, spec, where: dict) -> None:
    """Cells read on the form that no field took and that hold a value (a number, a long text that is
    no printed word): a column head misread or two cells run together. Every field of the form left
    empty may be that value (ocr_unread); on a row form, a line of the table whose numbers left over
    do not fit between its placed columns in the form's column order (the heads misread, the values
    shifted to other columns) has its rows flagged whole (ocr_unplaced); a line of numbers no row took
    (its unit not read: the row lost) flags the row list as short a row (ocr_unread) and every row read
    below it (ocr_row_shift)."""
    unused = record.data.get("unused_cells")
    words = _printed_words(spec)
    values = [u for u in unused if isinstance(u, dict) and _value_like(u.get("text"), words)] \
        if isinstance(unused, list) else []
    if not values:
        return
    empty = "扫描件上有读出的内容未归入任何一栏，此项为空（可能漏读或错位），需对照原件核对"
    per_row = spec.columns + spec.text_rows
    for f in spec.all_fields():
        if f not in per_row and _get(record.data, f.key) in (None, "", []):
            _warn(record, f"data.{f.key}", "ocr_unread", empty)
    rows = record.data.get(spec.rows_key)
    for i, r in enumerate(rows if isinstance(rows, list) and spec.columns else []):
        for f in per_row:
            if isinstance(r, dict) and r.get(f.key) in (None, ""):
                _warn(record, f"data.{spec.rows_key}[{i}].{f.key}", "ocr_unread", empty)
    order = {f.key: n for n, f in enumerate(spec.columns)}
    row_part = re.compile(rf"^data\.({re.escape(spec.rows_key)}\[\d+\]|totals)\.(\w+)$")
    placed: dict[int, list[tuple[int, str, str]]] = {}       # table line -> (col, key, row path)
    for path, src in where.items():
        m = row_part.match(path)
        if m and m.group(2) in order and hasattr(src, "rowspan"):
            placed.setdefault(src.row, []).append((src.col, m.group(2), f"data.{m.group(1)}"))
    numbers: dict[int, list[int]] = {}          # table line -> columns of its unused plain numbers
    for u in values:
        if PLAIN_NUMBER.match(_norm(u.get("text"))):
            numbers.setdefault(u.get("row"), []).append(u.get("col"))
    for line, cols in numbers.items():
        for path in _misplaced(sorted(placed.get(line, [])), sorted(cols), order):
            _warn(record, path, "ocr_unplaced",
                  "本行有读出的数字未归入任何一栏，且与已归入的各栏次序不合（表头可能误读、各栏错位），需人工核对")
    lost = [line for line, cols in numbers.items() if line not in placed and len(cols) >= LOST_LINE_NUMBERS]
    if lost and not any("table" in u for u in values):      # one table: its lines are in one order
        _warn(record, f"data.{spec.rows_key}", "ocr_unread",
              "表中有一行数字未成为任何一行（该行的单位名称可能未读出），本表可能少读了一行，需对照原件核对")
        for line in (x for x in placed if x > min(lost)):
            for path in {p for _, _, p in placed[line]} - {"data.totals"}:
                _warn(record, path, "ocr_row_shift",
                      "上方有一行数字未成为任何一行（该行的单位名称可能未读出），本行可能错位，需人工核对")


def _misplaced(placed: list[tuple[int, str, str]], unused: list[int], order: dict[str, int]) -> list[str]:
    """The fields of a line that may hold another column's value: none when the placed columns stand
    in the form's order and each run of unused number cells between two of them has as many of the
    form's columns between those two left unplaced; the whole row (its paths) when out of order;
    else about each run that does not fit, the placed fields on either side of it back to the form's
    first column left unplaced on that side (a head misread shifts the values up to there), or to the
    row's end; a side with no column left unplaced, when the other has one, only its next field."""
    keys = [order[k] for _, k, _ in placed]
    if keys != sorted(keys):
        return sorted({p for _, _, p in placed})
    have = set(keys)
    edges = [(-1, -1)] + [(c, order[k]) for c, k, _ in placed] + [(10 ** 6, len(order))]
    out: set[int] = set()                   # indexes into placed
    for i, ((c0, k0), (c1, k1)) in enumerate(zip(edges, edges[1:])):
        n = sum(c0 < u < c1 for u in unused)
        if n <= sum(1 for k in range(k0 + 1, k1) if k not in have):
            continue
        a = i - 1                           # placed[i - 1] is the left side, placed[i] the right
        while a > 0 and keys[a - 1] == keys[a] - 1:
            a -= 1
        b = i
        while b + 1 < len(placed) and keys[b + 1] == keys[b] + 1:
            b += 1
        left_hole = i > 0 and keys[a] > 0
        right_hole = i < len(placed) and keys[b] < len(order) - 1
        if i > 0:
            out.update(range(a if left_hole or not right_hole else i - 1, i))
        if i < len(placed):
            out.update(range(i, b + 1 if right_hole or not left_hole else i + 1))
    if len(out) == len(placed):             # every field: the row (rows) whole, one warning
        return sorted({p for _, _, p in placed})
    return sorted({f"{placed[j][2]}.{placed[j][1]}" for j in out})


def _printed_words(spec) -> set[str]:
    """Labels, column heads and section titles of the form (normalised, two characters or more)."""
    words = set(_labels(spec)) | {_norm(x) for x in spec.all_labels()}
    for v in (spec.layout.get("sections") or {}).values():
        if isinstance(v, list):
            words.update(_norm(x) for x in v)
    return {w for w in words if len(w) >= 2}


def _value_like(text: Any, words: set[str]) -> bool:
    t = _norm(text) if isinstance(text, str) else ""
    if PLAIN_NUMBER.match(t):
        return True
    return len(t) >= VALUE_TEXT_MIN and not any(w in t for w in words) \
        and all(Indel.normalized_similarity(t, w) < GRID_LABEL_MIN for w in words)


def _get(data: dict, key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _unread_marks(record, spec) -> None:
    """A mark cell read empty in a row whose other mark column holds a mark (自查 ticked, 检查 not): a
    faint tick or one under a seal; an item left unanswered is blank in both."""
    keys = [c.key for c in spec.read_columns() if c.kind == "mark"]
    rows = record.data.get(spec.rows_key)
    if len(keys) < 2 or not isinstance(rows, list):
        return
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or all(r.get(k) in (None, "") for k in keys):
            continue
        for k in keys:
            if r.get(k) in (None, ""):
                _warn(record, f"data.{spec.rows_key}[{i}].{k}", "ocr_unread",
                      "本项另一栏有勾选，此格未读到，需对照原件核对")


SENTENCE = re.compile(r"^[^，,]{4,}[，,].{6,}$")       # a written sentence: a clause, a comma, more ...
SENTENCE_END = re.compile(r"[。．.！!？?；;…）)”\"]$")   # ... ends in a stop


def _cut_endings(record, printed: set[str] = frozenset()) -> None:
    """A name ending in an organisation's ending with its first or last character missing (…建林限公司,
    …街道办事, …应急管理局 read 急管理局), an enterprise's name ending in no enterprise's ending
    (…达建林限), a sentence with no stop at its end: characters were dropped (a seal's stroke taken
    for a rule, a line cut short). Texts printed on the form (`printed`) are as printed."""
    endings = sorted(settings().get("name_endings") or [], key=len, reverse=True)
    firms = settings().get("enterprise_names") or {}
    for path, value in _leaves(record).items():
        t = _norm(value) if isinstance(value, str) else ""
        if not t or t in printed or any(t.endswith(e) for e in endings):
            continue
        for e in endings:
            if len(e) >= 4 and (t.endswith(e[1:]) or t.endswith(e[:-1])) and len(t) > len(e) - 1:
                _warn(record, path, "ocr_cut", f"“{t}”的结尾不是完整的“{e}”（可能漏读了字），需人工核对")
                break
        else:
            if SENTENCE.search(t) and not SENTENCE_END.search(t):
                _warn(record, path, "ocr_cut", f"“{t[-8:]}”句子没有结尾的标点（可能漏读了句末的字），需人工核对")
            elif re.sub(r"\[\d+\]", "", path) in firms.get("paths", []) and len(t) >= 4 \
                    and not t.endswith(tuple(firms.get("endings", []))):
                _warn(record, path, "ocr_cut", f"企业名称“{t}”不以常见的名称结尾（公司、厂、站等）结束（可能漏读了字），需人工核对")


CUT_START_MIN = 4       # characters a cut value shares with another value after that one's first


def _cut_starts(record, printed: set[str] = frozenset()) -> None:
    """A value that is how another value of the record begins with its first character missing
    (城市城区北石店镇… beside 晋城市城区宏达…: the 晋 lost at the cell's edge) -> ocr_cut."""
    texts = {p: _norm(v) for p, v in _leaves(record).items() if isinstance(v, str) and len(_norm(v)) >= 6}
    for path, t in texts.items():
        if t in printed:
            continue
        for other in set(texts.values()):
            n = len(os.path.commonprefix([t, other[1:]]))
            if n >= CUT_START_MIN and t[0] != other[0] and not other.endswith(t):
                _warn(record, path, "ocr_cut", f"“{t[:8]}…”像是“{other[:n + 1]}”漏读了开头的字，需人工核对")
                break


def _not_printed(record, spec) -> None:
    """A 自查表 item whose text is none of the printed items (after correction) while most items are:
    read too wrong to correct, or two items' texts run together (a rule between rows missed)."""
    rows = record.data.get(spec.rows_key)
    printed = _printed_texts(spec)
    texts = [(i, _norm(r.get("content"))) for i, r in enumerate(rows or [])
             if isinstance(r, dict) and isinstance(r.get("content"), str) and r["content"].strip()]
    if len(texts) < 2 or sum(t in printed for _, t in texts) * 2 < len(texts):
        return
    for i, t in texts:
        if t not in printed:
            _warn(record, f"data.{spec.rows_key}[{i}].content", "ocr_not_printed",
                  "不是表中印制的任何一项检查内容（可能误读或两行连读），需人工核对")


PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def _phones_together(record, spec) -> None:
    """A phone field holding two numbers (0356-8743411、15962086275): two cells or two lines of a cell
    run together, the other number belonging to a neighbouring field."""
    for path, value in _leaves(record).items():
        if spec.kind_of(path) == "phone" and isinstance(value, str) and len(PHONE.findall(_norm(value))) >= 2:
            _warn(record, path, "ocr_run_together", f"“{value}”是两个号码（可能两格或两行连读），需人工核对")


PERSON_KEYS = ("principal", "responsible", "filler", "contact")
NAME_MAX = 4             # a Chinese person's name: 2-4 characters


def _names_together(record, spec) -> None:
    """A person-name field holding more characters than one name has (李志刚王芳: two names in one cell,
    the separator not read)."""
    for path, value in _leaves(record).items():
        kind = spec.kind_of(path)
        leaf = re.sub(r"\[\d+\]", "", path).rsplit(".", 1)[-1]
        person = kind == "names" or leaf in PERSON_KEYS or (leaf == "name" and spec.kind_of(path.rsplit(".", 1)[0]) == "person")
        if not person:
            continue
        for v in value if isinstance(value, list) else [value]:
            t = _norm(v) if isinstance(v, str) else ""
            if len(t) > NAME_MAX and re.fullmatch(r"[\u4e00-\u9fff·]+", t):
                _warn(record, path, "ocr_run_together", f"“{t}”比一个姓名长（可能是两个姓名连读），需人工核对")
                break

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


def _swallowed(record, spec, printed: set[str] = frozenset()) -> None:
    """A value with another field's label inside it (晋城市…有限公司所属行业建材): the rule between the
    cells was missed and the value ran on over the label and its value; both fields are flagged.
    A value that is a text printed on the form (an item holding 负责人) is left alone."""
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
        if t in printed:
            continue
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


def _rows(record, path: str, rows: list[dict], labels: set[str], spec=None) -> None:
    for i, r in enumerate(rows):       # one text in two columns of a row: a rule between them was missed
        seen: dict[str, str] = {}
        for k, v in r.items():
            if spec is not None and spec.kind_of(f"{path}[{i}].{k}") not in ("text", "names", None):
                continue               # with `spec`: two marks or dates alike are no text read twice
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
    # the numbers' run as the first rows start it (number less place, the most common of the first
    # three: one of them misread does not move it); a row off it is flagged (a row line missed or
    # doubled above it shifts every row after it; a number misread shifts only its own row)
    offsets = Counter([r[key] - i for i, r in enumerate(rows) if isinstance(r.get(key), int)][:3])
    start = offsets.most_common(1)[0][0] if offsets else None
    for i, r in enumerate(rows):
        v = r.get(key)
        if spec is not None and not isinstance(v, int) and start is not None:
            # no number read (a seal over it): no sign the row moved, only its number is doubted
            _warn(record, f"{path}[{i}].{key}", "ocr_unread", "本行的编号未读出，需对照原件核对")
        elif not isinstance(v, int) or v - i != start:
            _warn(record, f"{path}[{i}]", "ocr_row_shift",
                  f"第 {i + 1} 行的编号不在连续的编号中（可能漏读或多读了一行），本行各栏需人工核对")


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


def _printed_items(record, path: str, rows: list[dict], spec, new: bool = False) -> None:
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
        if best >= correct_min() and cat and isinstance(r.get("category"), str) and r["category"] != cat \
                and r["category"].startswith(cat):
            # the category cell read with the item text next to it run on: the printed category
            raw_cat = r["category"]
            r["category"] = cat
            _warn(record, f"{path}[{i}].category", "ocr_corrected",
                  f"识别为“{raw_cat}”，已按表中印制的类别更正为“{cat}”，请核对", raw=raw_cat)
        if new and best >= correct_min() and best - second >= correct_margin() and cat \
                and isinstance(r.get("category"), str) and _norm(r["category"]) != _norm(cat):
            # the item is the printed one of another category than read (a merged cell's rows miscounted)
            raw_cat = r["category"]
            r["category"] = cat
            _warn(record, f"{path}[{i}].category", "ocr_corrected",
                  f"识别为“{raw_cat}”，已按表中印制的第 {j + 1} 项所属类别更正为“{cat}”，请核对", raw=raw_cat)
        if best == 1.0:
            if j != expected:
                _warn(record, f"{path}[{i}]", "ocr_row_shift",
                      f"第 {i + 1} 项的内容是表中第 {j + 1} 项的文字（可能串行），本项需人工核对")
            continue
        if best >= correct_min() and best - second >= correct_margin():
            r["content"] = printed[j][1]
            _warn(record, f"{path}[{i}].content", "ocr_corrected",
                  f"识别为“{raw}”，已按表中印制的检查内容更正为“{printed[j][1]}”，请核对", raw=raw)
            if j != expected:
                _warn(record, f"{path}[{i}]", "ocr_row_shift",
                      f"第 {i + 1} 项的内容是表中第 {j + 1} 项的文字（可能串行），本项需人工核对")
