"""Declarative form specs: one YAML file per form type in schema/forms/.

A spec says how a form is recognised (title patterns, labels and synonyms), how
its values are read (the key and value kind of every label or column), how it is
drawn (layout) and which checks apply (rules). The same spec drives the parser
and the blank-form generator, so a new campaign's form is a new YAML file.

Shapes:
  label_grid       label cell followed by its value cell (登记表, 督导检查表)
  item_marks       label grid head + numbered items with mark columns (自查表)
  row_list         序号-numbered rows under one header row (重大隐患统计表)
  header_matrix    multi-row merged header + units row, columns by header path (统计表)
  indicator_sheet  section | no | indicator | value, several per row (调度表)
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from schema.errors import PaichaError

FORMS_DIR = Path(__file__).parent / "forms"
DEFAULTS_FILE = FORMS_DIR / "_defaults.yaml"
SHAPES = ("label_grid", "item_marks", "row_list", "header_matrix", "indicator_sheet")
KINDS = ("date", "month", "count", "money_wan", "mark", "yes_no", "phone", "credit_code",
         "text", "person", "names", "items")


class SpecError(PaichaError):
    """A form spec file that is malformed; the message names the file and the key."""

    code = "spec"


def _check_keys(where: str, obj: Any, allowed: set[str], required: set[str] = frozenset()) -> dict:
    if not isinstance(obj, dict):
        raise SpecError(f"{where}：应为键值表，实际为 {type(obj).__name__}")
    unknown = sorted(str(k) for k in set(obj) - allowed)
    if unknown:
        raise SpecError(f"{where}：未知的键 {', '.join(unknown)}（允许：{', '.join(sorted(allowed))}）")
    missing = sorted(required - set(obj))
    if missing:
        raise SpecError(f"{where}：缺少必填键 {', '.join(missing)}")
    return obj


def _str_list(where: str, v: Any) -> list[str]:
    if isinstance(v, str):
        return [v]
    if not isinstance(v, list) or not all(isinstance(x, (str, int)) for x in v):
        raise SpecError(f"{where}：应为字符串列表")
    return [str(x) for x in v]


@dataclass
class Part:
    """One number inside a multi-value cell (行政处罚 “3次，1.5万元”)."""
    key: str
    label: str = ""       # written before the number (停产1家); empty: by position
    kind: str = "count"
    unit: str = ""


@dataclass
class Field:
    """A value the form carries: a labelled cell, a table column or an indicator."""
    key: str                              # dotted path into data (or header)
    labels: list[str]                     # first one is drawn; all are matched
    kind: str = "text"
    required: bool = False
    section: str = ""                     # label_grid / indicator section it belongs to
    unit: str = ""                        # drawn in the units row / after the indicator
    path: list[list[str]] = field(default_factory=list)  # header_matrix: header path, alternatives per level
    parts: list[Part] = field(default_factory=list)      # indicator with several numbers in one cell
    derive: dict[str, Any] = field(default_factory=dict)  # {key, kind, length}: also store a derived value
    pattern: str = ""                     # header field read by regex from a line (村)
    num: int | None = None                # indicator number as printed
    label_fallback: str = ""              # header_matrix: non-numeric text in this column goes to this key
    optional: bool = False                # header_matrix: drawn only when the data has it
    width: float = 1.0                    # relative column width when drawn

    def joined_labels(self) -> list[str]:
        """A header path's last two levels written in one cell (一般隐患 + 排查 → 一般隐患排查)."""
        if len(self.path) < 2:
            return []
        return [p + c for p in self.path[-2] for c in self.path[-1]]

    FIELD_KEYS = {"labels", "kind", "required", "section", "unit", "path", "parts", "derive",
                  "pattern", "num", "label_fallback", "optional", "width", "key"}

    @classmethod
    def parse(cls, where: str, key: str, obj: Any) -> "Field":
        if isinstance(obj, (str, list)):
            obj = {"labels": obj}
        _check_keys(where, obj, cls.FIELD_KEYS)
        key = str(obj.get("key", key))
        labels = _str_list(f"{where}.labels", obj.get("labels", []))
        kind = obj.get("kind", "text")
        if kind not in KINDS:
            raise SpecError(f"{where}.kind：未知的值类型 {kind}（允许：{', '.join(KINDS)}）")
        path = [_str_list(f"{where}.path", p) for p in obj.get("path", [])]
        if path and not labels:
            labels = [path[-1][0]]
        if not labels and not obj.get("pattern"):
            raise SpecError(f"{where}：缺少 labels")
        parts = []
        for i, p in enumerate(obj.get("parts", []) or []):
            _check_keys(f"{where}.parts[{i}]", p, {"key", "label", "kind", "unit"}, {"key"})
            parts.append(Part(key=p["key"], label=p.get("label", ""), kind=p.get("kind", "count"),
                              unit=p.get("unit", "")))
        derive = obj.get("derive") or {}
        if derive:
            _check_keys(f"{where}.derive", derive, {"key", "kind", "length"}, {"key", "kind"})
        return cls(key=key, labels=labels, kind=kind, required=bool(obj.get("required", False)),
                   section=str(obj.get("section", "")), unit=str(obj.get("unit", "")), path=path,
                   parts=parts, derive=derive, pattern=str(obj.get("pattern", "")), num=obj.get("num"),
                   label_fallback=str(obj.get("label_fallback", "")),
                   optional=bool(obj.get("optional", False)), width=float(obj.get("width", 1.0)))


@dataclass
class Section:
    """indicator_sheet: a group of numbered indicators (总体情况 …)."""
    name: str
    labels: list[str]
    indicators: list[Field]


@dataclass
class FormSpec:
    form_type: str
    title: str
    title_patterns: list[str]
    shape: str
    path: Path | None = None
    orientation: str = "portrait"
    header: dict[str, Field] = field(default_factory=dict)
    header_lines: list[list[str]] = field(default_factory=list)
    header_position: str = "above"        # above | below the table when drawn
    fields: dict[str, Field] = field(default_factory=dict)
    layout: dict[str, Any] = field(default_factory=dict)
    columns: list[Field] = field(default_factory=list)   # row_list / header_matrix / item columns
    parse_columns: list[Field] = field(default_factory=list)  # columns read when present, never drawn
    rows_key: str = "rows"                # where rows / items go in data
    groups: list[dict[str, Any]] = field(default_factory=list)  # item_marks: printed items by category
    text_rows: list[Field] = field(default_factory=list)  # header_matrix: per-unit text rows
    total_labels: list[str] = field(default_factory=lambda: ["合计", "总计", "合 计"])
    sections: list[Section] = field(default_factory=list)
    blank_rows: int = 8
    notes: list[str] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    min_confidence: float = 0.80
    font_size: float = 10.5               # table text (pt) when drawn standalone

    TOP_KEYS = {"form_type", "title", "title_patterns", "shape", "orientation", "header",
                "header_lines", "header_position", "fields", "layout", "columns", "parse_columns", "rows_key",
                "groups", "text_rows", "total_labels", "sections", "blank_rows", "notes", "rules",
                "min_confidence", "font_size"}

    # -- convenience used by the parser and the generator --------------------------------
    def all_fields(self) -> list[Field]:
        """Every matchable field of the body (not the header)."""
        out = list(self.fields.values()) + list(self.columns) + list(self.text_rows)
        for s in self.sections:
            out += s.indicators
        return out

    def read_columns(self) -> list[Field]:
        """The columns the parser looks for: the drawn ones, then the parse-only ones."""
        return self.columns + self.parse_columns

    def all_labels(self) -> list[str]:
        labels: list[str] = []
        for f in self.all_fields():
            labels += f.labels
            for level in f.path:
                labels += level
        return labels

    def copy(self) -> "FormSpec":
        return copy.deepcopy(self)


def _parse_spec(obj: Any, path: Path, defaults: dict[str, Any]) -> FormSpec:
    where = str(path)
    _check_keys(where, obj, FormSpec.TOP_KEYS, {"form_type", "title", "shape"})
    shape = obj["shape"]
    if shape not in SHAPES:
        raise SpecError(f"{where}：未知的 shape {shape}（允许：{', '.join(SHAPES)}）")
    merged = {**defaults, **obj}

    def field_map(name: str) -> dict[str, Field]:
        raw = merged.get(name) or {}
        if name == "header":   # a spec's header fields add to / override the defaults' ones
            raw = {**(defaults.get("header") or {}), **(obj.get("header") or {})}
        _check_keys(f"{where}.{name}", raw, set(raw))
        return {k: Field.parse(f"{where}.{name}.{k}", k, v) for k, v in raw.items()}

    def field_list(name: str) -> list[Field]:
        raw = merged.get(name) or []
        if isinstance(raw, dict):   # {key: {...}} keeps order too
            return [Field.parse(f"{where}.{name}.{k}", k, v) for k, v in raw.items()]
        out = []
        for i, v in enumerate(raw):
            if not isinstance(v, dict) or "key" not in v:
                raise SpecError(f"{where}.{name}[{i}]：每列需要 key")
            out.append(Field.parse(f"{where}.{name}[{i}]", v["key"], v))
        return out

    sections = []
    for i, s in enumerate(merged.get("sections") or []):
        _check_keys(f"{where}.sections[{i}]", s, {"name", "labels", "indicators"}, {"name", "indicators"})
        inds = []
        for j, ind in enumerate(s["indicators"]):
            if not isinstance(ind, dict) or "key" not in ind and "parts" not in ind:
                raise SpecError(f"{where}.sections[{i}].indicators[{j}]：需要 key 或 parts")
            key = ind.get("key") or "+".join(p["key"] for p in ind["parts"])
            f = Field.parse(f"{where}.sections[{i}].indicators[{j}]", key, ind)
            f.section = s["name"]
            inds.append(f)
        sections.append(Section(name=s["name"], labels=_str_list("labels", s.get("labels", [s["name"]])),
                                indicators=inds))
    for f_key, f in field_map("fields").items():
        if f.section and shape not in ("label_grid", "item_marks"):
            raise SpecError(f"{where}.fields.{f_key}.section：仅用于 label_grid / item_marks")
    for i, r in enumerate(merged.get("rules") or []):
        if not isinstance(r, dict) or "rule" not in r:
            raise SpecError(f"{where}.rules[{i}]：每条规则需要 rule")
    orientation = merged.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        raise SpecError(f"{where}.orientation：应为 portrait 或 landscape")
    spec = FormSpec(
        form_type=str(obj["form_type"]), title=str(obj["title"]),
        title_patterns=_str_list(f"{where}.title_patterns", merged.get("title_patterns", [obj["title"]])),
        shape=shape, path=path, orientation=orientation,
        header=field_map("header"),
        header_lines=[_str_list(f"{where}.header_lines", ln) for ln in merged.get("header_lines", [])],
        header_position=merged.get("header_position", "above"),
        fields=field_map("fields"), layout=dict(merged.get("layout") or {}),
        columns=field_list("columns"), parse_columns=field_list("parse_columns"), rows_key=str(merged.get("rows_key", "rows")),
        groups=list(merged.get("groups") or []), text_rows=field_list("text_rows"),
        total_labels=_str_list("total_labels", merged.get("total_labels", ["合计", "总计"])),
        sections=sections, blank_rows=int(merged.get("blank_rows", 8)),
        notes=_str_list(f"{where}.notes", merged.get("notes", [])),
        rules=list(merged.get("rules") or []),
        min_confidence=float(merged.get("min_confidence", 0.80)),
        font_size=float(merged.get("font_size", 10.5)),
    )
    for ln in spec.header_lines:
        for k in ln:
            if k not in spec.header:
                raise SpecError(f"{where}.header_lines：{k} 不在 header 中")
    if spec.header_position not in ("above", "below"):
        raise SpecError(f"{where}.header_position：应为 above 或 below")
    return spec


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    if not DEFAULTS_FILE.exists():
        return {}
    obj = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8")) or {}
    return _check_keys(str(DEFAULTS_FILE), obj, {"header", "header_lines", "min_confidence",
                                                  "total_labels", "font_size"})


def load_spec_file(path: Path) -> FormSpec:
    """Parse one spec file; SpecError names the file and the offending key."""
    path = Path(path)
    try:
        obj = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise SpecError(f"{path}：YAML 格式错误（{str(e).splitlines()[0]}）") from e
    return _parse_spec(obj, path, _defaults())


def _spec_files(extra_dirs: list[Path] | None) -> list[Path]:
    dirs = [FORMS_DIR] + [Path(d) for d in (extra_dirs or [])]
    env = os.environ.get("PAICHA_FORMS_DIRS", "")
    dirs += [Path(d) for d in env.split(os.pathsep) if d]
    files: list[Path] = []
    for d in dirs:
        if d.is_dir():
            files += sorted(p for p in d.glob("*.yaml") if not p.name.startswith("_"))
    return files


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float) -> FormSpec:
    return load_spec_file(Path(path))


def all_specs(extra_dirs: list[Path] | None = None) -> list[FormSpec]:
    """Every form spec: the built-in ones, then extra dirs and $PAICHA_FORMS_DIRS (later wins)."""
    by_type: dict[str, FormSpec] = {}
    for p in _spec_files(extra_dirs):
        spec = _load_cached(str(p), p.stat().st_mtime)
        by_type[spec.form_type] = spec
    return list(by_type.values())


def load_spec(form_type: str, extra_dirs: list[Path] | None = None) -> FormSpec:
    """The spec of one form type; SpecError (Chinese) for an unknown type."""
    for spec in all_specs(extra_dirs):
        if spec.form_type == form_type:
            return spec.copy()
    known = ", ".join(s.form_type for s in all_specs(extra_dirs))
    raise SpecError(f"未知的表类型 {form_type}（可用：{known}）", code="unknown_form")
