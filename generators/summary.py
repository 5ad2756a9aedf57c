"""通报 / 总结 and 催报 notices from the ledger, laid out by the 公文 engine (generators.gongwen.render).

summary(): one ledger.aggregate.aggregate() call gives every number: the 基本情况 sentences, the tables
by unit / town / industry, the bar chart and the 重大隐患清单 attachment, so they always agree with
each other and with the statistics workbook of the same period. 主要做法 / 存在问题 / 下步打算 are left
as marked placeholders (with what units reported) for the secretary to write.

remind(): the units of a roster (.csv / .xlsx, column 单位名称) that have not reported in the period
and, optionally, a short 催报 notice. Neither prints: what the user should know is in the result.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from generators.figures import MARK, RATE_DOUBT, TOTAL, Doubt, doubtful_figures, doubtful_keys, rate_doubtful
from generators.gongwen.model import Attachment, BodyImage, BodyPara, BodyTable, Gongwen
from generators.gongwen.render import render
from ledger.aggregate import (Aggregate, Counts, aggregate, number_text, rate, rate_text, reported_units,
                              stats_forms, unit_name)
from ledger.backend import display, exists as ledger_exists
from ledger.db import connect
from ledger.orders import HAZARD_STATUS
from ledger.periods import Period, parse_period
from schema.dates import date_text
from schema.errors import InputError
from schema.office import to_pdf
from schema.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
WORDING_FILE = Path(__file__).parent / "data" / "summary.yaml"
KINDS = ("通报", "总结")
CHART_UNITS = 20        # bars groups at most: a 150 mm chart of 173 units is unreadable (and took 2.5 CPU s to draw)


@lru_cache(maxsize=1)
def wording() -> dict:
    return yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8"))


def form_wording(form_type: str) -> dict:
    """A statistics form's wording: its summary.yaml entry, else one drawn from its spec (a form
    added as a spec file only: every number by its label, found/fixed pairs as groups)."""
    w = wording()["forms"].get(form_type)
    if w:
        return w
    from ledger.aggregate import fixed_pairs, label_of, numeric_keys
    label = lambda k: label_of(form_type, k).replace("{", "{{").replace("}", "}}")  # noqa: E731
    paired = {k for pair in fixed_pairs(form_type) for k in pair}
    numbers = "，".join(f"{label(k)}{{{k}}}" for k in numeric_keys(form_type))
    return {"campaign": wording()["default_campaign"], "table": f"各单位{load_spec(form_type).title}汇总",
            "sentence": "共收到{n_units}个单位报送的《{title}》（{units}），" + numbers + "。",
            "groups": [{"label": label_of(form_type, f), "found": f, "fixed": x} for f, x in fixed_pairs(form_type)],
            "extra": [{"label": label_of(form_type, k), "key": k} for k in numeric_keys(form_type) if k not in paired]}


def _flat(text: str) -> str:
    """A YAML-folded Chinese sentence without the spaces folding adds."""
    return "".join(str(text).split())


def default_organ() -> str:
    """The issuing organ when none is given: the authority configured for orders (templates/authority.yaml)."""
    from generators.order import load_authority
    return load_authority(None)["name"]


def _iso_text(iso: str | None) -> str:
    return date_text(iso) if iso else ""


def _open_ledger(db: Path | str):
    if not ledger_exists(db):
        raise InputError(f"{display(db)}：找不到台账数据库", code="missing")
    return connect(db)


# --- 基本情况: sentences ----------------------------------------------------------------------------

def form_sentence(agg: Aggregate, form_type: str, doubts: list[Doubt] = ()) -> str:
    """The 基本情况 sentence of one statistics form, numbers filled from the aggregation; a doubtful total
    is followed by （待核实） and its 整改率 is not computed."""
    fs = agg.forms[form_type]
    spec = form_wording(form_type)
    marked = doubtful_keys(list(doubts), form_type, TOTAL)
    values = {k: number_text(v) + (f"（{RATE_DOUBT}）" if k in marked else "") for k, v in fs.totals.items()}
    for g in spec.get("groups", []):
        values[f"rate_{g['found']}"] = RATE_DOUBT if rate_doubtful(fs.totals, g["found"], g["fixed"]) else \
            rate_text(fs.totals.get(g["fixed"]) or 0, fs.totals.get(g["found"]) or 0)
    values.update(n_units=len(fs.rows), units="、".join(fs.rows), title=fs.title,
                  latest=_iso_text(max(fs.latest.values())) if fs.latest else "")
    return _flat(spec["sentence"]).format_map(values)


def register_sentence(agg: Aggregate) -> str:
    t = agg.register.total
    text = _flat(wording()["register_sentence"]).format(
        found=t.found, general_found=t.general_found, major_found=t.major_found, fixed=t.fixed,
        rate=rate_text(t.fixed, t.found), overdue=t.overdue)
    if agg.orders:
        text += _flat(wording()["orders_sentence"]).format(orders=agg.orders,
                                                          ordered_enterprises=agg.ordered_enterprises)
    return text


# --- tables -----------------------------------------------------------------------------------------

def _cell(values: dict, key: str, marked: set[str]) -> str:
    return number_text(values.get(key)) + (MARK if key in marked else "")


def form_table(agg: Aggregate, form_type: str, doubts: list[Doubt] = ()) -> BodyTable:
    """One row per reporting unit: each found/fixed group (and its 整改率), the extra columns, 合计.
    A doubtful figure is followed by ※ and an 整改率 drawn from it reads 待核实 (never “200.00%”)."""
    fs = agg.forms[form_type]
    spec = form_wording(form_type)
    with_rate = spec.get("rate", True)
    sub = ["排查", "整改"] + (["整改率"] if with_rate else [])
    head1, head2, merges = ["单位"], [""], [(0, 0, 2, 1)]
    for g in spec["groups"]:
        merges.append((0, len(head1), 1, len(sub)))
        head1 += [g["label"]] + [""] * (len(sub) - 1)
        head2 += sub
    for e in spec.get("extra", []):
        merges.append((0, len(head1), 2, 1))
        head1.append(e["label"])
        head2.append("")
    rows = [head1, head2]
    for unit, values in list(fs.rows.items()) + [(TOTAL, fs.totals)]:
        marked = doubtful_keys(list(doubts), form_type, unit)
        row = [unit]
        for g in spec["groups"]:
            found, fixed = values.get(g["found"]) or 0, values.get(g["fixed"]) or 0
            row += [_cell(values, g["found"], marked), _cell(values, g["fixed"], marked)]
            if with_rate:
                row.append(RATE_DOUBT if rate_doubtful(values, g["found"], g["fixed"]) else rate_text(fixed, found))
        row += [_cell(values, e["key"], marked) for e in spec.get("extra", [])]
        rows.append(row)
    return BodyTable(rows, header_rows=2, merges=merges)


def register_table(groups: dict[str, Counts], total: Counts, first: str) -> BodyTable:
    """Counts from the hazard register by town or by industry, with a 合计 row."""
    rows = [[first, "一般隐患", "重大隐患", "合计", "已整改", "整改率", "逾期未整改"]]
    for name, c in list(groups.items()) + [("合计", total)]:
        rows.append([name, str(c.general_found), str(c.major_found), str(c.found), str(c.fixed),
                     rate_text(c.fixed, c.found), str(c.overdue)])
    return BodyTable(rows, header_rows=1)


def major_hazard_table(agg: Aggregate) -> BodyTable:
    rows = [["序号", "生产经营单位", "所在镇（街道）", "重大隐患", "处理措施", "状态", "指令书编号"]]
    for i, h in enumerate(agg.major_hazards, 1):
        status = HAZARD_STATUS.get(h["status"], h["status"]) + ("（逾期）" if h["overdue"] else "")
        rows.append([str(i), h["enterprise"] or "", h["town"] or unit_name(h["reporting_unit"]) or "",
                     h["description"] or "", h["measure"] or "", status, h["order_number"] or ""])
    return BodyTable(rows, header_rows=1)


def _chart_data(agg: Aggregate, doubts: list[Doubt] = ()) -> tuple[str, list[str], dict[str, list[float]]] | None:
    """(caption, units, {series: values}) of found vs fixed by unit: the first statistics form with
    hazards (a unit with doubtful figures named with ※), else the hazard register by town."""
    for ft in stats_forms():
        fs = agg.forms.get(ft)
        if not fs:
            continue
        groups = form_wording(ft)["groups"]
        found = [sum(v.get(g["found"]) or 0 for g in groups) for v in fs.rows.values()]
        fixed = [sum(v.get(g["fixed"]) or 0 for g in groups) for v in fs.rows.values()]
        if any(found):
            doubtful = {d.unit for d in doubts if d.form_type == ft}
            units = [u + (MARK if u in doubtful else "") for u in fs.rows]
            return _top_units("各单位隐患排查整改情况", f"来源：《{fs.title}》", units, {"排查": found, "整改": fixed})
    reg = agg.register
    if reg.total.found:
        return _top_units("各镇（街道）隐患整改情况", "来源：隐患台账", list(reg.by_unit),
                          {"登记隐患": [c.found for c in reg.by_unit.values()],
                           "已整改": [c.fixed for c in reg.by_unit.values()]})
    return None


def _top_units(what: str, source: str, units: list[str], series: dict[str, list[float]]
               ) -> tuple[str, list[str], dict[str, list[float]]]:
    """At most CHART_UNITS units, those of the most hazards in the first series, in their table order;
    the caption "what（source）" says so when some are left out (the tables list them all). Joined, not
    formatted: a form title is text, never a template."""
    if len(units) <= CHART_UNITS:
        return f"{what}（{source}）", units, series
    first = next(iter(series.values()))
    keep = sorted(sorted(range(len(units)), key=lambda i: -first[i])[:CHART_UNITS])
    return (f"{what}（隐患最多的{CHART_UNITS}个单位，{source}）", [units[i] for i in keep],
            {k: [v[i] for i in keep] for k, v in series.items()})


# --- the 通报 / 总结 --------------------------------------------------------------------------------

def _campaign(agg: Aggregate) -> str:
    names = [form_wording(ft)["campaign"] for ft in agg.forms]
    return names[0] if len(names) == 1 else wording()["default_campaign"]


def title_of(agg: Aggregate, kind: str) -> str:
    label = agg.period.label if agg.period.bounded else ""
    campaign = _campaign(agg)
    if kind == "总结":
        return f"{label}{campaign}工作总结"
    return f"关于{label}{campaign}情况的通报"


# --- what the ledger shows as problems --------------------------------------------------------------

def _names(items: list[str]) -> str:
    n = wording()["problem_sentences"]["list_max"]
    return "、".join(items[:n]) + ("等" if len(items) > n else "")


def _low_rates(units: dict[str, tuple[float, float]], average) -> list[str]:
    """“单位（rate%）” of the units (with something found) whose 整改率 is below the average, lowest first."""
    low = sorted((rate(fixed, found), u) for u, (found, fixed) in units.items() if found > 0)
    return [f"{u}（{r}%）" for r, u in low if r < average]


def problem_sentences(agg: Aggregate, doubts: list[Doubt]) -> list[str]:
    """Problems the numbers show: overdue hazards by unit, 重大隐患 not yet rectified, units whose
    整改率 is below the average (hazard register, then each statistics form; doubtful rows left out)."""
    ps = wording()["problem_sentences"]
    out = []
    reg = agg.register
    if reg.total.overdue:
        units = [f"{u}{c.overdue}项" for u, c in sorted(reg.by_unit.items(), key=lambda kv: -kv[1].overdue)
                 if c.overdue]
        out.append(ps["overdue"].format(overdue=reg.total.overdue, units=_names(units)))
    open_major = [h for h in agg.major_hazards if h["status"] == "open"]
    if open_major:
        names = list(dict.fromkeys(h["enterprise"] for h in open_major if h["enterprise"]))
        out.append(ps["open_major"].format(major=len(agg.major_hazards), open=len(open_major), names=_names(names)))
    if reg.total.found and len(reg.by_unit) > 1:
        average = rate(reg.total.fixed, reg.total.found)
        low = _low_rates({u: (c.found, c.fixed) for u, c in reg.by_unit.items()}, average)
        if low:
            out.append(ps["low_rate"].format(average=f"{average}%", units=_names(low)))
    for ft, fs in agg.forms.items():
        spec = form_wording(ft)
        if not spec.get("rate", True) or len(fs.rows) < 2:
            continue
        doubtful = {d.unit for d in doubts if d.form_type == ft}
        units = {u: (sum(v.get(g["found"]) or 0 for g in spec["groups"]), sum(v.get(g["fixed"]) or 0 for g in spec["groups"]))
                 for u, v in fs.rows.items() if u not in doubtful}
        found, fixed = sum(f for f, _ in units.values()), sum(x for _, x in units.values())
        if found > 0:
            average = rate(fixed, found)
            low = _low_rates(units, average)
            if low:
                out.append(ps["low_rate_form"].format(title=fs.title, average=f"{average}%", units=_names(low)))
    return out


# --- length and the share of problems (003) -----------------------------------------------------------

PLACEHOLDER_RE = re.compile(r"【[^】]*】")


def counted_chars(text: str) -> int:
    """Characters of a body paragraph as the 篇幅 counts them: no white space, no 【】 placeholder or note."""
    return len("".join(PLACEHOLDER_RE.sub("", text).split()))


@dataclass
class LengthCheck:
    """篇幅 of a 通报 / 总结 against 003's rule (summary.yaml length_rule)."""
    chars: int                  # body text characters (tables, figure, attachment, placeholders not counted)
    problem_chars: int          # of which in the problems section (its heading included)
    max_chars: int
    min_share: float

    @property
    def share(self) -> float:
        return self.problem_chars / self.chars if self.chars else 0.0

    @property
    def length_ok(self) -> bool:
        return self.chars <= self.max_chars

    @property
    def share_ok(self) -> bool:
        return self.share >= self.min_share

    @property
    def ok(self) -> bool:
        return self.length_ok and self.share_ok

    @property
    def need(self) -> int:
        """Problem characters still to write for the share (every added character counts on both sides)."""
        return max(0, math.ceil((self.min_share * self.chars - self.problem_chars) / (1 - self.min_share)))

    @property
    def room(self) -> int:
        return max(0, self.max_chars - self.chars)

    @property
    def text(self) -> str:
        return (f"{self.chars}字（应不超过{self.max_chars}字{'，符合' if self.length_ok else '，超出'}），"
                f"其中存在问题{self.problem_chars}字，占{self.share:.0%}"
                f"（应不少于{self.min_share:.0%}{'，符合' if self.share_ok else '，不足'}；不计表格、图、附件和【】内的待填说明）")


def measure(body: list, problems_heading: str, headings: list[str]) -> LengthCheck:
    """The LengthCheck of a body: paragraphs only; the problems section runs from its heading to the next."""
    rule = wording()["length_rule"]
    chars = problems = 0
    inside = False
    for block in body:
        if not isinstance(block, (str, BodyPara)):
            continue
        text = block if isinstance(block, str) else block.text
        if text in headings:
            inside = text == problems_heading
        n = counted_chars(text)
        chars += n
        problems += n if inside else 0
    return LengthCheck(chars, problems, rule["max_chars"], rule["min_problem_share"])


# --- the 通报 / 总结 --------------------------------------------------------------------------------

def check_note(agg: Aggregate, doubts: list[Doubt]) -> list[str]:
    """The 数据核对 paragraphs for the secretary (all inside 【】): doubtful figures, then what the
    aggregation found (returns counted twice, 合计 not matching) — never printed as 存在问题."""
    w = wording()["check_note"]
    lines = [w["doubt_line"].format(text=d.text) for d in doubts]
    lines += [w["issue_line"].format(text=i.message) for i in agg.issues if i.kind != "fixed_exceeds_found"]
    return [w["heading"]] + lines if lines else []


@dataclass
class SummaryDocument:
    out: Path                                   # the .docx
    pdf: Path | None = None
    warnings: list[str] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)    # figures that cannot be right (数据核对)
    length: LengthCheck | None = None                    # 篇幅 and the problems share (003)
    gongwen: Gongwen | None = None


def build_summary(agg: Aggregate, organ: str, kind: str, chart_dir: Path | None,
                  options: dict | None = None) -> SummaryDocument:
    """The Gongwen of a 通报 / 总结 (chart written into chart_dir when given) in a SummaryDocument with its
    doubtful figures, its length measured against 003's rule and what the user should know. `options`:
    the 版头/版记 elements of `format --options` (organs, doc_number, signers, recipients, cc, printer,
    print_date, note)."""
    w = wording()
    result = SummaryDocument(out=Path())
    doubts = result.doubts = doubtful_figures(agg)
    label = agg.period.label
    body: list = check_note(agg, doubts)
    lead = label if agg.period.bounded else ""
    body.append(f"现将{lead}{_campaign(agg)}{'开展情况通报如下' if kind == '通报' else '工作总结如下'}：")
    body.append("一、基本情况")
    if agg.empty:
        body.append(_flat(w["empty_sentence"]).format(period=label))
    else:
        if not agg.forms:
            body.append(_flat(w["no_returns_sentence"]).format(period=label))
        for ft in agg.forms:
            body.append(form_sentence(agg, ft, doubts))
        if agg.register.total.found:
            body.append(register_sentence(agg))
        tables = [(f"{form_wording(ft)['table']}（来源：各单位报送的统计表）", form_table(agg, ft, doubts))
                  for ft in agg.forms]
        if agg.register.total.found:
            reg = agg.register
            tables.append(("各镇（街道）隐患整改情况（来源：隐患台账）",
                           register_table(reg.by_unit, reg.total, "镇（街道）")))
            tables.append(("分行业隐患整改情况（来源：隐患台账）", register_table(reg.by_industry, reg.total, "行业")))
        for n, (caption, table) in enumerate(tables, 1):
            table.title = w["table_caption"].format(n=n, caption=caption)
            body.append(table)
        data = _chart_data(agg, doubts) if chart_dir else None
        if data:
            from generators.chart import bar_chart
            caption, units, series = data
            png = bar_chart(units, series, Path(chart_dir) / "chart.png", ylabel="项")
            body.append(BodyImage(png, width_mm=150, caption=w["figure_caption"].format(n=1, caption=caption)))
    headings = [sec["heading"] for sec in w["sections"]]
    problems_heading = next(sec["heading"] for sec in w["sections"] if sec.get("problems"))
    quoted_highlights: list[int] = []           # body indices of quoted highlights (dropped first when too long)
    budget_at = None
    for sec in w["sections"]:
        body.append(sec["heading"])
        if sec.get("problems"):
            body += problem_sentences(agg, doubts)
        texts = sec.get("texts")
        for ft, fs in agg.forms.items():
            for unit, t in fs.texts.items():
                if texts and t.get(texts) and t[texts] != "无":
                    if not sec.get("problems"):
                        quoted_highlights.append(len(body))
                    body.append(f"（{unit}报送）{t[texts]}")
        if sec.get("problems"):
            budget_at = len(body)
        body.append(_flat(sec["placeholder"]))
    length = measure(body, problems_heading, headings)
    dropped = 0
    while not length.length_ok and quoted_highlights:
        body[quoted_highlights.pop()] = ""
        dropped += 1
        length = measure(body, problems_heading, headings)
    body = [b for b in body if b != ""] if dropped else body
    if dropped:
        budget_at -= dropped
        result.warnings.append(f"篇幅超过{length.max_chars}字，已略去{dropped}段单位报送的做法（见各单位报表）。")
    rule = w["length_rule"]
    budget = _flat(rule["budget_met"] if length.share_ok else rule["budget"]).format(
        max_chars=length.max_chars, problems=length.problem_chars, need=length.need, room=length.room)
    body[budget_at] = body[budget_at].format(budget=budget)
    result.length = length

    atts = []
    if agg.major_hazards:
        atts.append(Attachment(name=f"{label if agg.period.bounded else ''}重大隐患清单",
                               blocks=[major_hazard_table(agg)]))
    today = dt.date.fromisoformat(agg.today)
    gw = Gongwen(organs=[organ], title=title_of(agg, kind),
                 recipients=w["recipients"] if kind == "通报" else "", body=body, signature=[organ],
                 date=today, attachments=atts, printer=organ, print_date=today)
    _apply_options(gw, options or {}, kind, result.warnings)
    result.gongwen = gw
    return result


def _apply_options(gw: Gongwen, options: dict, kind: str, warnings: list[str]) -> None:
    """The 版头/版记 elements given as options; what is still missing is told, not guessed."""
    for key, value in options.items():
        setattr(gw, key, value)
    if "organs" in options:
        gw.signature = list(gw.organs)
        if "printer" not in options:
            gw.printer = gw.organs[0]
    if not gw.doc_number:
        warnings.append(f"未给出发文字号，{kind}版头中发文字号空缺（用 --doc-number 或 --options 选项.yaml 的 doc_number 给出）。")
    if gw.recipients and kind == "总结" and not gw.signers:
        warnings.append("向上级报送的总结是上行文，应注明签发人（用 --options 选项.yaml 的 signers 给出）。")


def summary(db: Path, out: Path, period: str | None, organ: str | None, kind: str = "通报",
            pdf: bool = False, chart: bool = True, options: dict | Path | None = None) -> SummaryDocument:
    """A 通报 (or 总结) of the period as a GB/T 9704 .docx (and PDF). `options`: a dict or a YAML file of
    the `format --options` keys (organs, doc_number, signers, recipients, cc, printer, print_date, note)."""
    from generators.gongwen.reformat import load_options
    if kind not in KINDS:
        raise InputError(f"文种“{kind}”不支持（可选：通报、总结）", code="bad_kind")
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise InputError(f"{out}：通报只能生成 .docx 文件", code="bad_suffix")
    opts = load_options(options)
    con = _open_ledger(db)
    try:
        agg = aggregate(con, period)
    finally:
        con.close()
    warnings = []
    if agg.empty:
        warnings.append(f"{agg.period.label}没有收到任何报表，台账中也没有隐患；已生成说明未收到报表的{kind}。")
    with tempfile.TemporaryDirectory(prefix="paicha-chart-") as tmp:
        result = build_summary(agg, organ or default_organ(), kind, Path(tmp) if chart else None, opts)
        render(result.gongwen, out, kind="summary", paginate=True)     # 版记 page number per 7.5
    result.out = out
    result.warnings[:0] = warnings
    if result.doubts:
        result.warnings.append(f"{len(result.doubts)}个数字不合常理，已列在{kind}开头的【数据核对】中，表中标“{MARK}”，请核实后删除该段。")
    if pdf:
        result.pdf = to_pdf(out, keep_blank_pages=True)
    return result


# --- 催报 -------------------------------------------------------------------------------------------

@dataclass
class RosterUnit:
    name: str
    category: str = ""
    contact: str = ""
    phone: str = ""


@dataclass
class RemindResult:
    period: Period
    form_type: str | None
    roster: list[RosterUnit] = field(default_factory=list)
    reported: list[RosterUnit] = field(default_factory=list)
    missing: list[RosterUnit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    what: str = "统计表"                     # the return asked for: 《form title》 or 统计表
    out: Path | None = None                  # the 催报 notice (None: not asked for, or nobody missing)


def _roster_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError(f"{path}：名册编码无法识别（请存为 UTF-8）", code="encoding")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook
        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception:
            raise InputError(f"{path}：无法读取名册工作簿", code="unreadable") from None
        try:
            ws = wb.worksheets[0]
            return [["" if v is None else str(v).strip() for v in row]
                    for row in ws.iter_rows(values_only=True, max_row=5000)]
        finally:
            wb.close()
    raise InputError(f"{path}：名册应为 .csv 或 .xlsx 文件", code="bad_suffix")


def read_roster(path: Path) -> tuple[list[RosterUnit], list[str]]:
    """The units of a roster and warnings (duplicates, blank names); the header row must name 单位名称."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}：找不到名册文件", code="missing")
    rows = _roster_rows(path)
    columns = wording()["remind"]["roster_columns"]
    for hi, row in enumerate(rows[:10]):
        cols = {}
        for key, names in columns.items():
            cols[key] = next((i for i, c in enumerate(row) if c.replace(" ", "") in names), None)
        if cols["name"] is not None:
            break
    else:
        raise InputError(f"{path}：名册中找不到“单位名称”列", code="no_column")
    units, warnings, seen = [], [], {}
    for n, row in enumerate(rows[hi + 1:], hi + 2):
        def cell(key):
            i = cols[key]
            return row[i] if i is not None and i < len(row) else ""
        name = cell("name")
        if not name:
            if any(row):
                warnings.append(f"名册第{n}行没有单位名称，已跳过")
            continue
        key = unit_name(name)
        if key in seen:
            warnings.append(f"名册第{n}行“{name}”与第{seen[key]}行重复，只计一次")
            continue
        seen[key] = n
        units.append(RosterUnit(name, cell("category"), cell("contact"), cell("phone")))
    return units, warnings


def _match(name: str, reported: dict[str, list[str]]) -> str | None:
    """The reported unit a roster name stands for: the same short name, else a unique containment."""
    key = unit_name(name)
    if key in reported:
        return key
    near = [u for u in reported if len(min(u, key, key=len)) >= 2 and (u in key or key in u)]
    return near[0] if len(near) == 1 else None


def due_date(form_type: str | None, today: dt.date) -> str:
    """When a missing return is due, from the form's reporting rule (summary.yaml remind.deadlines)."""
    rules = wording()["remind"]
    rule = rules["deadlines"].get(form_type or "", {})
    if "weekday" in rule:
        days = (rule["weekday"] - today.isoweekday()) % 7
        d = today + dt.timedelta(days=days)
        return date_text(d) + rule.get("time", "")
    if "day" in rule:
        import calendar
        last = calendar.monthrange(today.year, today.month)[1]
        day = last if rule["day"] == "last" else int(rule["day"])
        d = today.replace(day=min(day, last))
        if d < today:
            y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
            last = calendar.monthrange(y, m)[1]
            d = dt.date(y, m, last if rule["day"] == "last" else min(int(rule["day"]), last))
        return date_text(d)
    return date_text(today + dt.timedelta(days=rules["default_days"]))


def remind(db: Path, roster: Path, period: str | None, form_type: str | None, out: Path | None,
           organ: str | None) -> "RemindResult":
    """Units of the roster with no return in the period; with `out`, a 催报 notice listing them."""
    p = parse_period(period)
    if form_type:
        load_spec(form_type)   # unknown form types fail here with the spec loader's message
    units, warnings = read_roster(Path(roster))
    con = _open_ledger(db)
    try:
        reported = reported_units(con, p, form_type)
    finally:
        con.close()
    result = RemindResult(p, form_type, units, warnings=warnings)
    matched = set()
    for u in units:
        m = _match(u.name, reported)
        if m:
            matched.add(m)
            result.reported.append(u)
        else:
            result.missing.append(u)
    for name in sorted(set(reported) - matched):
        result.warnings.append(f"“{name}”已报送，但不在名册中（请核对名册或单位名称）")
    result.what = f"《{load_spec(form_type).title}》" if form_type else "统计表"
    if out is not None and result.missing:
        result.out = render(_remind_notice(result, result.what, organ or default_organ()), Path(out), kind="remind",
                            paginate=True)
    return result


def _remind_notice(r: RemindResult, what: str, organ: str) -> Gongwen:
    today = dt.date.today()
    label = r.period.label if r.period.bounded else ""
    names = "、".join(u.name for u in r.missing)
    due = due_date(r.form_type, today)
    rows = [["序号", "单位名称", "联系人", "联系电话"]]
    rows += [[str(i), u.name, u.contact, u.phone] for i, u in enumerate(r.missing, 1)]
    body = [
        f"截至{date_text(today)}，以下{len(r.missing)}个单位尚未报送{label}{what}：",
        BodyTable(rows, header_rows=1),
        f"请上述单位于{due}前报送，并经主要负责人签字盖章。逾期未报送的，将予以通报。",
    ]
    return Gongwen(organs=[organ], title=f"关于催报{label}{what}的通知", recipients=names, body=body,
                   signature=[organ], date=today, printer=organ, print_date=today)
