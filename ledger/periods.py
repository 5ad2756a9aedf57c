"""Statistics periods: "2023-03" (month), "2023-W10" (ISO week), "2023-03-01..2023-03-31" (range),
"2023" (year), "2023-03-05" (day), "stage:隐患清零" (a campaign stage from periods.yaml), None (everything).

Boundaries are inclusive. A return covers a date or a month (`return_span`); it belongs to a
period when what it covers lies inside the period.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from schema.dates import ISO_DAY, ISO_MONTH, date_text, iso_span, month_span
from schema.errors import InputError

STAGES_FILE = Path(__file__).with_name("periods.yaml")
HELP = "可用格式：2023-03（月）、2023-W10（周）、2023-03-01..2023-03-31（起止日期）、2023（年）、stage:阶段名"

_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)


@dataclass(frozen=True)
class Period:
    kind: str                     # all | year | month | week | day | range | stage
    start: dt.date | None = None
    end: dt.date | None = None
    label: str = "全部"           # Chinese, for titles: 2023年3月, 2023年第10周（3月6日至3月12日）
    spec: str | None = None

    @property
    def bounded(self) -> bool:
        return self.start is not None

    @property
    def start_iso(self) -> str | None:
        return self.start.isoformat() if self.start else None

    @property
    def end_iso(self) -> str | None:
        return self.end.isoformat() if self.end else None

    def contains(self, start: dt.date | None, end: dt.date | None = None) -> bool:
        """Whether [start, end] lies inside the period; an undated thing only in the unbounded period."""
        if not self.bounded:
            return True
        if start is None:
            return False
        return self.start <= start and (end or start) <= self.end

    def contains_iso(self, text: str | None) -> bool:
        """Whether an ISO date or month ("2023-03-05", "2023-03") lies inside the period."""
        span = iso_span(text)
        return self.contains(*span) if span else not self.bounded


def _date(y: int, m: int, d: int, spec: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise InputError(f"统计期“{spec}”中的日期不存在", code="bad_period") from None


def _range_label(a: dt.date, b: dt.date, with_year: bool = True) -> str:
    return f"{date_text(a, with_year)}至{date_text(b, a.year != b.year)}"


def return_span(period: str | None, fill_date: str | None) -> tuple[dt.date, dt.date] | None:
    """What one return covers: its stated date; else its fill date when that lies in its stated month
    (a weekly form states no period, only when it was filled); else its stated month."""
    span = iso_span(period)
    fill = iso_span(fill_date)
    if span and span[0] == span[1]:
        return span
    if fill and fill[0] == fill[1] and (span is None or span[0] <= fill[0] <= span[1]):
        return fill
    return span


@lru_cache(maxsize=1)
def stages() -> list[dict]:
    """[{campaign, name, start, end}] from periods.yaml."""
    data = yaml.safe_load(STAGES_FILE.read_text(encoding="utf-8")) or {}
    out = []
    for c in data.get("campaigns") or []:
        for s in c.get("stages") or []:
            out.append({"campaign": c["name"], "name": s["name"], "start": s["start"], "end": s["end"]})
    return out


def _stage(spec: str, text: str) -> Period:
    campaign, _, name = text.rpartition("/")
    found = [s for s in stages() if name and name in s["name"] and (not campaign or campaign in s["campaign"])]
    if not found:
        names = "、".join(s["name"] for s in stages())
        raise InputError(f"统计期“{spec}”：没有这个行动阶段（已有：{names}；见 ledger/periods.yaml）",
                         code="bad_period")
    if len(found) > 1:
        names = "、".join(f"{s['campaign']}/{s['name']}" for s in found)
        raise InputError(f"统计期“{spec}”对应多个阶段：{names}，请写成 stage:行动名/阶段名", code="bad_period")
    s = found[0]
    return Period("stage", s["start"], s["end"], f"{s['name']}阶段（{_range_label(s['start'], s['end'])}）", spec)


def parse_period(spec: str | None) -> Period:
    """The Period a spec names; None or "" → everything. Unknown specs → InputError."""
    if spec is None or not str(spec).strip():
        return Period("all")
    s = str(spec).strip()
    if s.lower().startswith("stage:") or s.startswith("阶段："):
        return _stage(s, s.split(":", 1)[1] if ":" in s else s.split("：", 1)[1])
    if ".." in s:
        a, _, b = s.partition("..")
        ma, mb = ISO_DAY.match(a.strip()), ISO_DAY.match(b.strip())
        if not (ma and mb):
            raise InputError(f"统计期“{s}”无法识别，{HELP}", code="bad_period")
        start = _date(*map(int, ma.groups()), s)
        end = _date(*map(int, mb.groups()), s)
        if end < start:
            raise InputError(f"统计期“{s}”的结束日期早于开始日期", code="bad_period")
        return Period("range", start, end, _range_label(start, end), s)
    m = _YEAR.match(s)
    if m:
        y = int(m.group(1))
        return Period("year", dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年", s)
    m = ISO_MONTH.match(s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise InputError(f"统计期“{s}”的月份不存在", code="bad_period")
        a, b = month_span(y, mo)
        return Period("month", a, b, f"{y}年{mo}月", s)
    m = _WEEK.match(s)
    if m:
        y, w = int(m.group(1)), int(m.group(2))
        try:
            a = dt.date.fromisocalendar(y, w, 1)
        except ValueError:
            raise InputError(f"统计期“{s}”：{y}年没有第{w}周", code="bad_period") from None
        b = a + dt.timedelta(days=6)
        return Period("week", a, b, f"{y}年第{w}周（{_range_label(a, b, a.year != y)}）", s)
    m = ISO_DAY.match(s)
    if m:
        d = _date(*map(int, m.groups()), s)
        return Period("day", d, d, date_text(d), s)
    raise InputError(f"统计期“{s}”无法识别，{HELP}", code="bad_period")


def slot(form_cadence: str, span: tuple[dt.date, dt.date]) -> str:
    """The reporting slot a return fills (one return per unit per slot): week, month or day."""
    d = span[0]
    if form_cadence == "week" and span[0] == span[1]:
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if form_cadence == "day":
        return d.isoformat()
    return f"{d.year}-{d.month:02d}"
