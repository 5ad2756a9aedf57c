"""Chinese labels for record fields, from schema/labels.yaml (SCHEMA.md's names)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

LABELS_FILE = Path(__file__).with_name("labels.yaml")


@lru_cache(maxsize=1)
def labels() -> dict:
    """The whole labels.yaml."""
    return yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def form_labels(form_type: str) -> dict:
    """The form's entry (sheet, fields, rows, row_fields, marks). A form with no entry here
    (a new campaign's spec file) takes its labels from its spec; {} when there is none."""
    return labels()["forms"].get(form_type) or _from_spec(form_type)


def _spec_label(f) -> str:
    """A spec field's printed label: its first label, else its column-header path, plus unit."""
    if f.labels:
        text = f.labels[0]
    else:
        levels = [lv[0] if isinstance(lv, list) else lv for lv in f.path if lv]
        text = "".join(levels[-2:])
    return text + (f.unit or "")


def _from_spec(form_type: str) -> dict:
    from schema.spec import all_specs      # lazy: specs are only needed for forms not listed here
    spec = next((s for s in all_specs() if s.form_type == form_type), None)
    if spec is None:
        return {}
    entry = {"sheet": spec.title[:31], "fields": {}}
    fields = list(spec.fields.values()) + [i for sec in spec.sections for i in sec.indicators]
    if spec.columns:
        entry["rows"] = spec.rows_key
        entry["row_fields"] = {f.key: _spec_label(f) for f in spec.columns + spec.text_rows}
    else:
        fields += spec.text_rows
    entry["fields"] = {f.key: _spec_label(f) for f in fields}
    if spec.columns:
        entry["marks"] = [f.key for f in spec.columns if f.kind == "mark"]
    return entry


def _lookup(table: dict, path: str) -> str | None:
    """table[path], else the nearest labelled parent + the parts' labels (主要负责人 + 姓名)."""
    if path in table:
        return table[path]
    parts = labels()["parts"]
    head, _, leaf = path.rpartition(".")
    if head and leaf in parts:
        parent = _lookup(table, head)
        if parent:
            return parent + parts[leaf]
    return None


def field_label(form_type: str, field_path: str) -> str:
    """'data.rows[2].fines_wan' → '行政罚款（万元）'; 'header.fill_date' → '填报日期';
    unlabelled paths are returned as given."""
    spec = form_labels(form_type)
    path = re.sub(r"\[\d*\]", "", field_path)
    if path.startswith(("header.", "source.")):
        section, _, key = path.partition(".")
        return labels()[section].get(key, field_path)
    path = path.removeprefix("data.")
    head, _, rest = path.partition(".")
    if head == "totals" and rest:
        row_label = _lookup(spec.get("row_fields") or {}, rest)
        return "合计" + (row_label or rest)
    if spec.get("rows") and head == spec["rows"] and rest:
        return _lookup(spec.get("row_fields") or {}, rest) or field_path
    return _lookup(spec.get("fields") or {}, path) or field_path
