"""Campaign numbers for a period, from the ledger: one call feeds the workbook, the summary and 催报.

Two sources, always kept apart and named:
  - 统计表 (stats_rows of the forms whose spec's ledger block has `stats`): the numbers units
    reported, summed per reporting unit. Superseded returns are inactive and never counted; two
    different active returns of one unit in one reporting slot are flagged and the later one counts.
  - 隐患台账 (hazards): every hazard registered from 督导检查表 / 自查表 / 重大隐患统计表, counted
    with SQL GROUP BY by town (else reporting unit) and by industry.
整改率 = fixed ÷ found, computed here, never copied from a form ("—" when nothing was found).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from ledger.backend import dialect, is_connection
from ledger.db import connect
from ledger.periods import Period, parse_period, return_span, slot
from schema.keys import unit_key
from schema.totals import fixed_over_found, total_mismatches
from schema.spec import all_specs, ledger_spec, load_spec

CONFIG_FILE = Path(__file__).with_name("aggregate.yaml")
NUMERIC_KINDS = ("count", "money_wan")
_UNIT_SUFFIX = re.compile(r"[（(][^（）()]*[）)]$")


@lru_cache(maxsize=1)
def config() -> dict:
    return yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))


def stats_forms() -> dict[str, dict]:
    """{form_type: {cadence, cumulative}} of the statistics forms (the specs' ledger blocks), in spec order."""
    return {s.form_type: {"cadence": s.ledger.cadence, "cumulative": s.ledger.stats.cumulative}
            for s in all_specs() if s.ledger.stats}


# --- names and rates ------------------------------------------------------------------------------

def unit_name(name: str | None) -> str:
    """A reporting unit's short name: NFKC, no spaces, official suffix dropped (北石店镇人民政府 → 北石店镇)."""
    return unit_key(name, config()["unit_suffixes"])


def rate(fixed: float, found: float) -> Decimal | None:
    """整改率 in percent, two decimals (half up); None when nothing was found."""
    if not found:
        return None
    return (Decimal(str(fixed)) * 100 / Decimal(str(found))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def rate_text(fixed: float, found: float) -> str:
    """“90.00%”, or “—” when nothing was found."""
    r = rate(fixed, found)
    return "—" if r is None else f"{r}%"


def number_text(v: float | int | None) -> str:
    """A count or an amount as written in a sentence: 3, 1.5, 0."""
    if v is None:
        return "0"
    if isinstance(v, float):
        v = round(v, 4)
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


@lru_cache(maxsize=None)
def numeric_keys(form_type: str) -> tuple[str, ...]:
    """The number fields of a statistics form, in form order (from its spec)."""
    keys: list[str] = []
    for f in load_spec(form_type).all_fields():
        if f.parts:
            keys += [p.key for p in f.parts if p.kind in NUMERIC_KINDS]
        elif f.kind in NUMERIC_KINDS and f.key not in ("seq",):
            keys.append(f.key)
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=None)
def fixed_pairs(form_type: str) -> tuple[tuple[str, str], ...]:
    """(found, fixed) key pairs of a form: its spec's fixed_le_found rules."""
    out = []
    for rule in load_spec(form_type).rules:
        if rule.get("rule") == "fixed_le_found":
            out += [tuple(p) for p in rule.get("pairs", [])]
    return tuple(out)


def _add(a, b):
    if b is None or isinstance(b, bool) or not isinstance(b, (int, float)):
        return a
    s = a + b
    return round(s, 6) if isinstance(s, float) else s


@lru_cache(maxsize=None)
def label_of(form_type: str, key: str) -> str:
    """A field's label for a sentence: 一般隐患排查 (a short header label takes its parent's), no unit."""
    for f in load_spec(form_type).all_fields():
        label = None
        if f.key == key:
            label = f.labels[0]
            if f.path and len(f.path) >= 2 and len(label) <= 2:
                label = f.path[-2][0] + label
        for p in f.parts:
            if p.key == key:
                label = p.label or f.labels[0]
        if label:
            return _UNIT_SUFFIX.sub("", label)
    return key


# --- results ----------------------------------------------------------------------------------

@dataclass
class Issue:
    kind: str          # duplicate | fixed_exceeds_found | total
    unit: str
    message: str       # Chinese, one line


@dataclass
class FormStats:
    """One statistics form's returns in the period, summed per reporting unit."""
    form_type: str
    title: str
    keys: tuple[str, ...]
    rows: dict[str, dict] = field(default_factory=dict)       # unit → {key: number}
    totals: dict = field(default_factory=dict)                # key → number (sum of rows)
    returns: dict[str, list[int]] = field(default_factory=dict)  # unit → record ids counted
    texts: dict[str, dict] = field(default_factory=dict)      # unit → {highlights, problems, remarks}
    latest: dict[str, str] = field(default_factory=dict)      # unit → latest date covered (ISO)

    @property
    def units(self) -> list[str]:
        return list(self.rows)

    @property
    def n_returns(self) -> int:
        return sum(len(v) for v in self.returns.values())


@dataclass
class Counts:
    general_found: int = 0
    general_fixed: int = 0
    major_found: int = 0
    major_fixed: int = 0
    overdue: int = 0

    @property
    def found(self) -> int:
        return self.general_found + self.major_found

    @property
    def fixed(self) -> int:
        return self.general_fixed + self.major_fixed

    def add(self, level: str, found: int, fixed: int, overdue: int) -> None:
        if level == "major":
            self.major_found += found
            self.major_fixed += fixed
        else:
            self.general_found += found
            self.general_fixed += fixed
        self.overdue += overdue


@dataclass
class RegisterStats:
    """Hazard register counts (source: 隐患台账)."""
    by_unit: dict[str, Counts] = field(default_factory=dict)
    by_industry: dict[str, Counts] = field(default_factory=dict)
    total: Counts = field(default_factory=Counts)


@dataclass
class Aggregate:
    period: Period
    today: str
    forms: dict[str, FormStats] = field(default_factory=dict)   # only forms with returns in the period
    register: RegisterStats = field(default_factory=RegisterStats)
    major_hazards: list[dict] = field(default_factory=list)
    orders: int = 0                  # 责令限期整改指令书 issued in the period (ledger orders)
    ordered_enterprises: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.forms and not self.register.total.found


# --- aggregation ------------------------------------------------------------------------------

def aggregate(db: Path | str | sqlite3.Connection, period: str | Period | None = None,
              today: str | None = None) -> Aggregate:
    """All numbers of a period from a ledger file (or an open connection)."""
    own = not is_connection(db)
    con = connect(db) if own else db
    try:
        p = period if isinstance(period, Period) else parse_period(period)
        agg = Aggregate(p, today or dt.date.today().isoformat())
        _stats(con, agg)
        scan = _scan_period(con, p)
        _register(con, agg, scan)
        agg.major_hazards = hazard_list(con, p, agg.today, level="major", scan=scan)
        _orders(con, agg)
        return agg
    finally:
        if own:
            con.close()


def _stats(con: sqlite3.Connection, agg: Aggregate) -> None:
    forms = stats_forms()
    marks = ", ".join("?" for _ in forms)
    sql = ("SELECT s.record_id, s.form_type, s.reporting_unit, s.unit, s.data, r.period, r.fill_date"
           " FROM stats_rows s JOIN records r ON r.id = s.record_id"
           f" WHERE s.active = 1 AND s.form_type IN ({marks}) ORDER BY s.id")
    # record id → (form, unit, span, [row data])
    returns: dict[int, list] = {}
    for rid, ft, runit, unit, data, period, fill in con.execute(sql, list(forms)):
        ret = returns.get(rid)
        if ret is None:
            span = return_span(period, fill)
            if not agg.period.contains(*(span or (None, None))):
                returns[rid] = [None]
                continue
            name = unit_name(runit or unit) or config()["no_unit"]
            ret = returns[rid] = [ft, name, span, fill or "", []]
        if ret[0] is not None:
            ret[4].append(json.loads(data))
    by_unit: dict[tuple[str, str], list[tuple[int, list]]] = {}
    for rid, ret in returns.items():
        if ret[0] is not None:
            by_unit.setdefault((ret[0], ret[1]), []).append((rid, ret))
    for (ft, unit), items in sorted(by_unit.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        counted = _counted_returns(agg, ft, unit, items)
        fs = agg.forms.get(ft)
        if fs is None:
            fs = agg.forms[ft] = FormStats(ft, _title(ft), numeric_keys(ft))
        row = fs.rows.setdefault(unit, {k: 0 for k in fs.keys})
        text_keys = ledger_spec(ft).stats.text_keys
        for rid, ret in counted:
            fs.returns.setdefault(unit, []).append(rid)
            fs.latest[unit] = max(fs.latest.get(unit, ""), ret[2][1].isoformat() if ret[2] else "")
            for data in ret[4]:
                for k in fs.keys:
                    v = data.get(k)
                    if v is not None:
                        row[k] = _add(row[k], v)
                texts = {t: data.get(t) for t in text_keys if data.get(t)}
                if texts:
                    fs.texts.setdefault(unit, {}).update(texts)
        _check_fixed(agg, ft, unit, row)
    for fs in agg.forms.values():
        fs.totals = {k: 0 for k in fs.keys}
        for row in fs.rows.values():
            for k in fs.keys:
                fs.totals[k] = _add(fs.totals[k], row[k])
    _check_totals(con, agg)


def _counted_returns(agg: Aggregate, ft: str, unit: str, items: list) -> list:
    """The returns of one unit that count: one per reporting slot (the latest), only the latest
    for a cumulative form; a second active return in the same slot is flagged."""
    led = ledger_spec(ft)
    by_slot: dict[str, list] = {}
    for rid, ret in items:
        key = slot(led.cadence, ret[2]) if ret[2] else "未注明日期"
        by_slot.setdefault(key, []).append((rid, ret))
    counted = []
    title = _title(ft)
    for key, group in sorted(by_slot.items()):
        group.sort(key=lambda x: (x[1][3], x[0]))
        if len(group) > 1:
            agg.issues.append(Issue("duplicate", unit,
                                    f"{unit}在同一报送期（{key}）有 {len(group)} 份不同的有效《{title}》"
                                    f"（记录 {'、'.join(str(r) for r, _ in group)}），只计入最后一份"))
        counted.append(group[-1])
    if led.stats.cumulative and counted:
        counted.sort(key=lambda x: (x[1][2][1] if x[1][2] else dt.date.min, x[1][3], x[0]))
        counted = counted[-1:]
    return counted


def _check_fixed(agg: Aggregate, ft: str, unit: str, row: dict) -> None:
    for found, fixed, a, b in fixed_over_found(row, fixed_pairs(ft)):
        agg.issues.append(Issue("fixed_exceeds_found", unit,
                                f"{unit}：{label_of(ft, fixed)}（{number_text(b)}）多于"
                                f"{label_of(ft, found)}（{number_text(a)}）"))


def _check_totals(con: sqlite3.Connection, agg: Aggregate) -> None:
    """The 合计 row a unit wrote against the sum of its own rows."""
    for ft, fs in agg.forms.items():
        ids = [rid for rids in fs.returns.values() for rid in rids]
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            sql = f"SELECT id, json FROM records WHERE id IN ({', '.join('?' for _ in part)})"
            for rid, text in con.execute(sql, part):
                data = json.loads(text).get("data") or {}
                totals = data.get("totals")
                if not totals:
                    continue
                unit = next(u for u, r in fs.returns.items() if rid in r)
                bad = [f"{label_of(ft, k)}合计写{number_text(written)}、分项之和{number_text(s)}"
                       for k, written, s in total_mismatches(totals, data.get("rows") or [], fs.keys)]
                if bad:
                    agg.issues.append(Issue("total", unit, f"{unit}报送的合计与分项不符（已按分项计算）："
                                            + "；".join(bad)))


@lru_cache(maxsize=None)
def _title(form_type: str) -> str:
    return load_spec(form_type).title          # load_spec copies the whole spec: once per form type


SCAN_SHARE = 0.2        # a period holding more of the hazards than this is read by scanning the table


def _scan_period(con: sqlite3.Connection, period: Period) -> bool:
    """Whether the period's hazards are better read by scanning the table than through the found_date
    index (a seek per row): SQLite has no statistics to tell, so count (two index-only counts).
    PostgreSQL keeps statistics and plans this itself."""
    if not period.bounded or dialect(con) != "sqlite":
        return False
    total = con.execute("SELECT COUNT(*) FROM hazards").fetchone()[0]
    if not total:
        return True
    inside = con.execute("SELECT COUNT(*) FROM hazards WHERE found_date >= ? AND found_date <= ?",
                         [period.start_iso, period.end_iso]).fetchone()[0]
    return inside > SCAN_SHARE * total


def _hazard_filter(period: Period, scan: bool = False) -> tuple[str, list]:
    """The period's active hazards; `scan`: keep SQLite off the found_date index (+ is a no-op)."""
    sql, args = " h.active = 1", []
    if period.bounded:
        col = "+h.found_date" if scan else "h.found_date"
        sql += f" AND {col} >= ? AND {col} <= ?"
        args += [period.start_iso, period.end_iso]
    return sql, args


def _register(con: sqlite3.Connection, agg: Aggregate, scan: bool = False) -> None:
    """By unit and by industry, from one grouping of the hazards (unit × industry × level), summed here."""
    cfg = config()
    fixed = ", ".join(f"'{s}'" for s in cfg["fixed_statuses"])
    where, args = _hazard_filter(agg.period, scan)
    counts = (f"COUNT(*), SUM(CASE WHEN h.status IN ({fixed}) THEN 1 ELSE 0 END),"
              " SUM(CASE WHEN h.status = 'open' AND h.deadline IS NOT NULL AND h.deadline <> ''"
              " AND h.deadline < ? THEN 1 ELSE 0 END)")
    reg = agg.register
    sql = (f"SELECT COALESCE(h.town, h.reporting_unit), COALESCE(h.industry, e.industry), h.level, {counts}"
           f" FROM hazards h LEFT JOIN enterprises e ON e.id = h.enterprise_id WHERE {where}"
           " GROUP BY COALESCE(h.town, h.reporting_unit), COALESCE(h.industry, e.industry), h.level")
    for unit, industry, level, n, nfixed, overdue in con.execute(sql, [agg.today, *args]):
        name = unit_name(unit) or cfg["no_unit"]
        reg.by_unit.setdefault(name, Counts()).add(level, n, nfixed or 0, overdue or 0)
        reg.total.add(level, n, nfixed or 0, overdue or 0)
        name = (industry or "").strip() or cfg["no_industry"]
        reg.by_industry.setdefault(name, Counts()).add(level, n, nfixed or 0, overdue or 0)
    reg.by_unit = dict(sorted(reg.by_unit.items(), key=lambda kv: (-kv[1].found, kv[0])))
    reg.by_industry = dict(sorted(reg.by_industry.items(), key=lambda kv: (-kv[1].found, kv[0])))


def hazard_list(con: sqlite3.Connection, period: Period, today: str, level: str | None = None,
                scan: bool | None = None) -> list[dict]:
    """Hazards of the period (all, or one level) with their enterprise's town/industry, latest live
    order number and an overdue flag, ordered by town, enterprise, id. `scan`: see _scan_period."""
    where, args = _hazard_filter(period, _scan_period(con, period) if scan is None else scan)
    if level:
        where += " AND h.level = ?"
        args.append(level)
    order_no = ("(SELECT o.number FROM order_items oi JOIN orders o ON o.id = oi.order_id"
                " WHERE oi.hazard_id = h.id AND o.status <> 'void' ORDER BY o.id DESC LIMIT 1)")
    cols = ("h.id, h.enterprise, COALESCE(h.town, e.town) AS town, COALESCE(h.industry, e.industry) AS industry,"
            " h.reporting_unit, h.description, h.measure, h.level, h.origin, h.status, h.found_date,"
            " h.deadline, h.supervised")
    sql = (f"SELECT {cols}, {order_no} AS order_number FROM hazards h"
           f" LEFT JOIN enterprises e ON e.id = h.enterprise_id WHERE {where} ORDER BY h.id")
    try:
        cur = con.execute(sql, args)
    except sqlite3.OperationalError:            # a ledger without the orders tables
        cur = con.execute(sql.replace(order_no, "NULL"), args)
    names = [c[0] for c in cur.description]
    out = []
    for r in cur:
        d = dict(zip(names, r))
        d["overdue"] = bool(d["status"] == "open" and d["deadline"] and d["deadline"] < today)
        out.append(d)
    return out


def _orders(con: sqlite3.Connection, agg: Aggregate) -> None:
    sql = "SELECT COUNT(*), COUNT(DISTINCT enterprise) FROM orders WHERE status <> 'void'"
    args: list = []
    if agg.period.bounded:
        sql += " AND issued >= ? AND issued <= ?"
        args = [agg.period.start_iso, agg.period.end_iso]
    try:
        agg.orders, agg.ordered_enterprises = con.execute(sql, args).fetchone()
    except sqlite3.OperationalError:
        agg.orders, agg.ordered_enterprises = 0, 0


def reported_units(con: sqlite3.Connection, period: Period, form_type: str | None = None) -> dict[str, list[str]]:
    """{short unit name: [form titles]} of the active returns in the period (any form, or one form).

    Without a form type only the statistics forms count as "reported"."""
    types = [form_type] if form_type else list(stats_forms())
    sql = (f"SELECT form_type, reporting_unit, period, fill_date FROM records WHERE superseded_by IS NULL"
           f" AND form_type IN ({', '.join('?' for _ in types)})")
    out: dict[str, list[str]] = {}
    for ft, unit, per, fill in con.execute(sql, types):
        span = return_span(per, fill)
        if unit and period.contains(*(span or (None, None))):
            titles = out.setdefault(unit_name(unit), [])
            title = load_spec(ft).title
            if title not in titles:
                titles.append(title)
    return out
