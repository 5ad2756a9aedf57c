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

The `ledger:` block says what a form's records mean to the ledger (LedgerSpec): whose return
it is, which returns supersede each other, which rows become hazards or statistics rows, and
how often it is returned. ledger/store.py, ledger/aggregate.py and generators/stats.py read
only this block, so a new form needs no code there either.
"""
from __future__ import annotations

import copy
import os
import re
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


# --- the ledger block -------------------------------------------------------------------------

# A value source: a record path (header.x, data.x.y), a path in the current row (row, row.x),
# or a value the ledger computes: unit (the reporting unit), period (the reporting slot),
# enterprise (the subject enterprise's name). A list: the first that is filled.
COMPUTED = ("unit", "period", "enterprise")
_PATH = re.compile(r"^(?:header|data|row)(?:\.[^.\s\[\]]+)*$")
SUBJECTS = ("enterprise", "unit")
CADENCES = ("week", "month", "day")
STATS_LAYOUTS = ("matrix", "indicators")
ENTERPRISE_KEYS = ("name", "credit_code", "town", "industry", "address")
LEVELS = {"一般": "general", "重大": "major", "general": "general", "major": "major"}


@dataclass
class Condition:
    """True when any of `paths` holds one of `values` (a mark: yes / no / rectifying)."""
    paths: list[str]
    values: list[str]


@dataclass
class HazardMap:
    """Rows of a record that become hazards, and where each hazard column comes from."""
    rows: str                                     # a list (dict rows or strings) or one dict
    description: list[str]
    when: Condition | None = None                 # only rows meeting it
    question: bool = False                        # 是否… items rewritten as statements (hazard_statement)
    note: tuple[Condition, str] | None = None     # a note for the found event
    measure: list[str] = field(default_factory=list)   # a record-level list is paired with the rows
    deadline: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    found_date: list[str] = field(default_factory=list)
    reporting_unit: list[str] = field(default_factory=lambda: ["unit"])
    level: list[str] = field(default_factory=list)     # read: 重大 / major → major, else general
    level_value: str = "general"                        # when no level path gives one
    enterprise: dict[str, list[str]] = field(default_factory=dict)  # per row; empty: the subject
    origin: str = ""                               # 来源 label; the form's title when empty


@dataclass
class StatsMap:
    """Rows of a record that become statistics rows, and the workbook sheet they feed."""
    rows: str = "data.rows"
    unit: list[str] = field(default_factory=lambda: ["row.unit"])
    cumulative: bool = False                     # only a unit's latest return in a period counts
    layout: str = "matrix"                       # matrix: one row per unit; indicators: 调度表 sheets
    text_keys: list[str] = field(default_factory=list)   # texts kept per unit (亮点工作 …)
    sheet: str = ""                              # short sheet name (indicators); the title when empty
    unit_word: str = "单位"                      # what a unit is called (村): 全部（3个村）


@dataclass
class LedgerSpec:
    subject: str = "unit"                          # whose return: one enterprise's or a unit's
    unit: list[str] = field(default_factory=lambda: ["header.reporting_unit"])
    enterprise: dict[str, list[str]] = field(default_factory=dict)   # the subject enterprise
    authoritative: bool = False                    # its details overwrite the ledger's (登记表)
    supersede: list[str] = field(default_factory=lambda: ["unit", "period"])
    cadence: str | None = None                     # week / day: the reporting slot of a return
    inspection: dict[str, list[str]] = field(default_factory=dict)   # check_date, inspectors
    hazards: list[HazardMap] = field(default_factory=list)
    stats: StatsMap | None = None

    KEYS = {"subject", "unit", "enterprise", "supersede", "cadence", "inspection", "hazards", "stats"}


def _source(where: str, v: Any, computed: bool = True) -> list[str]:
    """A value source or a list of them, checked."""
    out = _str_list(where, v)
    for p in out:
        if not (_PATH.match(p) or computed and p in COMPUTED):
            raise SpecError(f"{where}：无法识别的取值路径 {p}（应为 header.… / data.… / row.…"
                            + (f" 或 {'、'.join(COMPUTED)}" if computed else "") + "）")
    return out


def _condition(where: str, obj: Any) -> Condition:
    _check_keys(where, obj, {"any", "in"}, {"any", "in"})
    if any(isinstance(v, bool) for v in (obj["in"] if isinstance(obj["in"], list) else [obj["in"]])):
        raise SpecError(f"{where}.in：yes / no 须加引号（\"no\"），否则 YAML 读作真假值")
    return Condition(_source(f"{where}.any", obj["any"], computed=False), _str_list(f"{where}.in", obj["in"]))


def _enterprise_map(where: str, obj: Any, extra: set[str] = frozenset()) -> dict[str, list[str]]:
    _check_keys(where, obj, set(ENTERPRISE_KEYS) | extra, {"name"})
    return {k: _source(f"{where}.{k}", v) for k, v in obj.items() if k in ENTERPRISE_KEYS}


def _hazard_map(where: str, obj: Any) -> HazardMap:
    paths = {"description", "measure", "deadline", "responsible", "found_date", "reporting_unit"}
    _check_keys(where, obj, paths | {"rows", "when", "question", "note", "level", "enterprise", "origin"},
                {"rows", "description"})
    hz = HazardMap(rows=_source(f"{where}.rows", obj["rows"], computed=False)[0],
                   description=_source(f"{where}.description", obj["description"]),
                   question=bool(obj.get("question", False)), origin=str(obj.get("origin", "")))
    for k in paths - {"description"}:
        if k in obj:
            setattr(hz, k, _source(f"{where}.{k}", obj[k]))
    if "when" in obj:
        hz.when = _condition(f"{where}.when", obj["when"])
    if "note" in obj:
        _check_keys(f"{where}.note", obj["note"], {"when", "text"}, {"when", "text"})
        hz.note = (_condition(f"{where}.note.when", obj["note"]["when"]), str(obj["note"]["text"]))
    level = obj.get("level")
    if isinstance(level, dict):
        _check_keys(f"{where}.level", level, {"value"}, {"value"})
        if str(level["value"]) not in LEVELS:
            raise SpecError(f"{where}.level.value：应为 一般 或 重大")
        hz.level_value = LEVELS[str(level["value"])]
    elif level is not None:
        hz.level = _source(f"{where}.level", level)
    if "enterprise" in obj:
        hz.enterprise = _enterprise_map(f"{where}.enterprise", obj["enterprise"])
    return hz


def _stats_map(where: str, obj: Any) -> StatsMap:
    _check_keys(where, obj, {"rows", "unit", "cumulative", "layout", "text_keys", "sheet", "unit_word"})
    st = StatsMap(cumulative=bool(obj.get("cumulative", False)), layout=str(obj.get("layout", "matrix")),
                  text_keys=_str_list(f"{where}.text_keys", obj.get("text_keys", [])),
                  sheet=str(obj.get("sheet", "")), unit_word=str(obj.get("unit_word", "单位")))
    if "rows" in obj:
        st.rows = _source(f"{where}.rows", obj["rows"], computed=False)[0]
    if "unit" in obj:
        st.unit = _source(f"{where}.unit", obj["unit"])
    if st.layout not in STATS_LAYOUTS:
        raise SpecError(f"{where}.layout：应为 {' 或 '.join(STATS_LAYOUTS)}")
    return st


def _parse_ledger(where: str, obj: Any) -> LedgerSpec:
    _check_keys(where, obj, LedgerSpec.KEYS)
    led = LedgerSpec(subject=str(obj.get("subject", "unit")), cadence=obj.get("cadence"))
    if led.subject not in SUBJECTS:
        raise SpecError(f"{where}.subject：应为 {' 或 '.join(SUBJECTS)}")
    if led.cadence is not None and led.cadence not in CADENCES:
        raise SpecError(f"{where}.cadence：应为 {'、'.join(CADENCES)} 之一")
    if "unit" in obj:
        led.unit = _source(f"{where}.unit", obj["unit"], computed=False)
    if "enterprise" in obj:
        led.enterprise = _enterprise_map(f"{where}.enterprise", obj["enterprise"], {"authoritative"})
        led.authoritative = bool(obj["enterprise"].get("authoritative", False))
    elif led.subject == "enterprise":
        raise SpecError(f"{where}.enterprise：subject 为 enterprise 时必填（企业名称等的取值路径）")
    led.supersede = _source(f"{where}.supersede", obj.get("supersede", ["unit", "period"]
                                                           + (["enterprise"] if led.subject == "enterprise" else [])))
    if led.subject not in led.supersede:
        raise SpecError(f"{where}.supersede：须包含 {led.subject}（本表的报送主体）")
    if "inspection" in obj:
        _check_keys(f"{where}.inspection", obj["inspection"], {"check_date", "inspectors"})
        led.inspection = {k: _source(f"{where}.inspection.{k}", v) for k, v in obj["inspection"].items()}
    hazards = obj.get("hazards") or []
    if not isinstance(hazards, list):
        raise SpecError(f"{where}.hazards：应为列表")
    led.hazards = [_hazard_map(f"{where}.hazards[{i}]", h) for i, h in enumerate(hazards)]
    if "stats" in obj:
        led.stats = _stats_map(f"{where}.stats", obj["stats"])
        if led.cadence is None:
            raise SpecError(f"{where}.cadence：有 stats 的表须写明报送周期（week、month 或 day）")
    return led


def _check_ledger_paths(where: str, spec: "FormSpec") -> None:
    """Each data.… path of the ledger block names a key the form has; row.… paths under the
    form's rows name one of its columns."""
    fields = spec.all_fields() + spec.parse_columns
    keys = {k.split(".")[0] for f in fields for k in [f.key, f.derive.get("key", f.key)] + [p.key for p in f.parts]}
    keys |= {spec.rows_key, "totals"}
    columns = {f.key.split(".")[0] for f in spec.read_columns() + spec.text_rows}
    led = spec.ledger

    def check(what: str, paths: list[str], rows: str | None = None) -> None:
        for p in paths:
            head, _, rest = p.partition(".")
            if head == "data" and rest and rest.split(".")[0] not in keys:
                raise SpecError(f"{where}.ledger.{what}：{p} 不是本表的字段")
            if head == "row" and rest and rows == f"data.{spec.rows_key}" and spec.read_columns() \
                    and rest.split(".")[0] not in columns:
                raise SpecError(f"{where}.ledger.{what}：{p} 不是本表的列")

    check("unit", led.unit)
    check("supersede", led.supersede)
    for k, v in led.enterprise.items():
        check(f"enterprise.{k}", v)
    for k, v in led.inspection.items():
        check(f"inspection.{k}", v)
    for i, hz in enumerate(led.hazards):
        for name in ("description", "measure", "deadline", "responsible", "found_date", "reporting_unit", "level"):
            check(f"hazards[{i}].{name}", getattr(hz, name), hz.rows)
        for k, v in hz.enterprise.items():
            check(f"hazards[{i}].enterprise.{k}", v, hz.rows)
        for cond in [hz.when, hz.note[0] if hz.note else None]:
            if cond:
                check(f"hazards[{i}]", cond.paths, hz.rows)
        check(f"hazards[{i}].rows", [hz.rows])
    if led.stats:
        check("stats.rows", [led.stats.rows])
        check("stats.unit", led.stats.unit, led.stats.rows)


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
    ledger: LedgerSpec = field(default_factory=LedgerSpec)   # what its records mean to the ledger

    TOP_KEYS = {"ledger", "form_type", "title", "title_patterns", "shape", "orientation", "header",
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

    def kind_of(self, path: str) -> str | None:
        """The value kind of a record path (header.fill_date, data.rows[0].fines_wan,
        data.principal.mobile); None when the form has no such field."""
        section, _, rest = re.sub(r"\[\d+\]", "", path).partition(".")
        if section == "header":
            return self.header[rest].kind if rest in self.header else None
        if section != "data":
            return None
        head, _, key = rest.partition(".")
        if head in (self.rows_key, "totals") and key and (self.columns or self.parse_columns):
            rest = key
        kinds: dict[str, str] = {}
        for f in self.all_fields() + self.parse_columns:
            kinds[f.key] = f.kind
            kinds.update({p.key: p.kind for p in f.parts})
            if f.derive:
                kinds[f.derive["key"]] = f.derive["kind"]
        if rest in kinds:
            return kinds[rest]
        parent, _, leaf = rest.rpartition(".")
        if kinds.get(parent) == "person":       # {name, mobile}
            return {"name": "text", "mobile": "phone"}.get(leaf)
        return None

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
    spec.ledger = _parse_ledger(f"{where}.ledger", obj.get("ledger") or {})
    _check_ledger_paths(where, spec)
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
                                                  "total_labels", "font_size", "ocr"})


def form_defaults() -> dict[str, Any]:
    """schema/forms/_defaults.yaml, read once, its keys checked (the specs' defaults, the OCR thresholds)."""
    return _defaults()


def load_spec_file(path: Path) -> FormSpec:
    """Parse one spec file; SpecError names the file and the offending key."""
    path = Path(path)
    try:
        obj = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise SpecError(f"{path}：YAML 格式错误（{str(e).splitlines()[0]}）") from e
    return _parse_spec(obj, path, _defaults())


def _spec_files(extra_dirs: list[Path] | None) -> list[str]:
    dirs = [FORMS_DIR] + [Path(d) for d in (extra_dirs or [])]
    env = os.environ.get("PAICHA_FORMS_DIRS", "")
    dirs += [Path(d) for d in env.split(os.pathsep) if d]
    files: list[str] = []
    for d in dirs:
        try:
            with os.scandir(d) as it:
                files += sorted(e.path for e in it if e.name.endswith(".yaml") and not e.name.startswith("_"))
        except (FileNotFoundError, NotADirectoryError):
            continue
    return files


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float) -> FormSpec:
    return load_spec_file(Path(path))


_lists: dict[tuple[int, ...], tuple[tuple[FormSpec, ...], list[FormSpec]]] = {}


def all_specs(extra_dirs: list[Path] | None = None) -> list[FormSpec]:
    """Every form spec: the built-in ones, then extra dirs and $PAICHA_FORMS_DIRS (later wins).
    Specs are loaded again when their file changes; the same loaded specs give equal lists."""
    loaded = tuple(_load_cached(p, os.stat(p).st_mtime) for p in _spec_files(extra_dirs))
    key = tuple(map(id, loaded))
    kept = _lists.get(key)
    if kept is None or any(a is not b for a, b in zip(kept[0], loaded)):
        by_type: dict[str, FormSpec] = {}
        for spec in loaded:
            by_type[spec.form_type] = spec
        if len(_lists) > 64:
            _lists.clear()
        kept = _lists[key] = (loaded, list(by_type.values()))
    return list(kept[1])


def ledger_spec(form_type: str) -> LedgerSpec | None:
    """The ledger block of a form type (shared, do not change it): None for `unknown`, the
    defaults (a unit's return, no entities) for a form type no spec defines."""
    if form_type == "unknown":
        return None
    return _ledger_spec(form_type, os.environ.get("PAICHA_FORMS_DIRS", ""))


@lru_cache(maxsize=256)
def _ledger_spec(form_type: str, _dirs: str) -> LedgerSpec:
    spec = next((s for s in all_specs() if s.form_type == form_type), None)
    return spec.ledger if spec else LedgerSpec()


def load_spec(form_type: str, extra_dirs: list[Path] | None = None) -> FormSpec:
    """The spec of one form type; SpecError (Chinese) for an unknown type."""
    for spec in all_specs(extra_dirs):
        if spec.form_type == form_type:
            return spec.copy()
    known = ", ".join(s.form_type for s in all_specs(extra_dirs))
    raise SpecError(f"未知的表类型 {form_type}（可用：{known}）", code="unknown_form")
