"""Validation rules from the form specs: they add warnings to a record, never change a value.

A rule is a dict from a form spec's YAML:
  {rule: required, fields: [name, principal.mobile, header.fill_date, rows[].unit]}
  {rule: fixed_le_found, pairs: [[found, fixed], ...], scope: data|rows}   (both when no scope)
  {rule: totals, keys: [...]}                 (all keys of data.totals when no keys)
  {rule: date_order, first: check_date, then: recheck_date}
  {rule: credit_code, field: credit_code}
Field paths are relative to `data`, or start with `header.`; `rows[]` means every row.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from schema.credit_code import is_valid as credit_code_is_valid
from schema.labels import field_label
from schema.record import Record
from schema.totals import fixed_over_found, total_mismatches

LOW_CONFIDENCE_THRESHOLD = 0.80
_ISO = re.compile(r"\d{4}-\d{2}(-\d{2})?")
_MISSING = object()


def _full(path: str) -> str:
    """The path as it appears in a warning: 'data.x' or 'header.x'."""
    return path if path.startswith(("data.", "header.", "source.")) else "data." + path


_INDEXED = re.compile(r"(.*?)\[(\d+)\]")       # rows[3]


def _step(node: Any, key: str) -> Any:
    m = _INDEXED.fullmatch(key) if "[" in key else None
    if m:
        node = _step(node, m.group(1)) if m.group(1) else node
        i = int(m.group(2))
        return node[i] if isinstance(node, list) and i < len(node) else _MISSING
    return node.get(key, _MISSING) if isinstance(node, dict) else _MISSING


def get_value(record: Record, path: str) -> Any:
    """The value at a full or data-relative path; `_MISSING` when absent."""
    full = _full(path)
    section, _, rest = full.partition(".")
    node: Any = {"data": record.data, "header": record.header, "source": record.source}[section]
    for key in rest.split("."):
        node = _step(node, key)
        if node is _MISSING:
            break
    return node


def expand(record: Record, path: str) -> Iterator[str]:
    """Full paths for `path`, with each `xs[]` replaced by every index of the list xs."""
    full = _full(path)
    if "[]" not in full:
        yield full
        return
    head, _, tail = full.partition("[]")
    items = get_value(record, head)
    for i in range(len(items) if isinstance(items, list) else 0):
        yield from expand(record, f"{head}[{i}]{tail}")


def _warn(record: Record, field: str, code: str, message: str) -> None:
    """record.warn, once per (field, code)."""
    if not any(w.get("field") == field and w.get("code") == code for w in record.warnings):
        record.warn(field, code, message)


def _label(record: Record, path: str) -> str:
    """The field's Chinese label, without a trailing unit such as （项）."""
    return re.sub(r"（[^（）]*）$", "", field_label(record.form_type, path)) or path


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


# --- the rules -------------------------------------------------------------------------

def rule_required(record: Record, rule: dict) -> None:
    """Each field must be filled."""
    for path in rule["fields"]:
        for full in expand(record, path):
            v = get_value(record, full)
            if v is _MISSING or v is None or v == "" or v == [] or v == {}:
                _warn(record, full, "required", f"{_label(record, full)}未填写")


def rule_fixed_le_found(record: Record, rule: dict) -> None:
    """A fixed/handled count may not exceed its found count (in data and in every row)."""
    scope = rule.get("scope")
    places: list[tuple[str, Any]] = []
    if scope in (None, "data"):
        places.append(("data.", record.data))
    if scope in (None, "rows"):
        rows = record.data.get("rows")
        places += [(f"data.rows[{i}].", r) for i, r in enumerate(rows if isinstance(rows, list) else [])]
    for prefix, where in places:
        if not isinstance(where, dict):
            continue
        for found_key, fixed_key, found, fixed in fixed_over_found(where, rule["pairs"]):
            _warn(record, prefix + fixed_key, "fixed_exceeds_found",
                  f"{_label(record, prefix + fixed_key)}（{_fmt(fixed)}）"
                  f"大于{_label(record, prefix + found_key)}（{_fmt(found)}）")


def rule_totals(record: Record, rule: dict) -> None:
    """The 合计 row (data.totals) must equal the sum of the data rows."""
    totals, rows = record.data.get("totals"), record.data.get("rows")
    if not isinstance(totals, dict) or not isinstance(rows, list):
        return
    for key, written, expected in total_mismatches(totals, rows, rule.get("keys") or list(totals)):
        _warn(record, f"data.totals.{key}", "total",
              f"{_label(record, f'data.rows[].{key}')}合计栏填写为{_fmt(written)}，各行相加应为{_fmt(expected)}")


def rule_date_order(record: Record, rule: dict) -> None:
    """The `then` date may not be earlier than the `first` date."""
    first, then = _full(rule["first"]), _full(rule["then"])
    a, b = get_value(record, first), get_value(record, then)
    if not (isinstance(a, str) and isinstance(b, str) and _ISO.fullmatch(a) and _ISO.fullmatch(b)):
        return
    n = min(len(a), len(b))                         # a month compares with its days
    if b[:n] < a[:n]:
        _warn(record, then, "date_order",
              f"{_label(record, then)}（{b}）早于{_label(record, first)}（{a}）")


def rule_credit_code(record: Record, rule: dict) -> None:
    """An 18-character 统一社会信用代码 must have the right check character."""
    for full in expand(record, rule.get("field", "credit_code")):
        v = get_value(record, full)
        if isinstance(v, str) and len(v) == 18 and not credit_code_is_valid(v):
            _warn(record, full, "checksum", "统一社会信用代码校验位不符")


RULES: dict[str, Callable[[Record, dict], None]] = {
    "required": rule_required,
    "fixed_le_found": rule_fixed_le_found,
    "totals": rule_totals,
    "date_order": rule_date_order,
    "credit_code": rule_credit_code,
}


def apply_rules(record: Record, rules: list[dict]) -> None:
    """Apply a form spec's rules to a record, adding warnings (each field/code once)."""
    for rule in rules or []:
        try:
            check = RULES[rule["rule"]]
        except KeyError:
            raise ValueError(f"unknown validation rule {rule!r}; known: {', '.join(RULES)}") from None
        check(record, rule)


def low_confidence(record: Record, field_path: str, confidence: float | None,
                   threshold: float = LOW_CONFIDENCE_THRESHOLD) -> bool:
    """Warn `low_confidence` when an OCR'd field's confidence is below the threshold."""
    if confidence is None or confidence >= threshold:
        return False
    field = _full(field_path)
    _warn(record, field, "low_confidence",
          f"{_label(record, field)}识别置信度低（{confidence:.2f}），需人工核对")
    return True
