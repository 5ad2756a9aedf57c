"""Dates as fillers and drafters write them, and as paicha writes them.

`date_parts` reads one written date (2023年3月2日, 二〇二三年三月二日, 2023.3.2, 20230302, an Excel
serial, a date cell); `range_iso` a reporting span; `find_date` / `fix_dates` the 年月日 dates inside
a line of text; `iso_span` the days an ISO date or month covers; `date_text` writes 2023年3月2日.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from typing import Any

from schema.numerals import CN_DIGITS, parse_number

# Excel's day 0 (serials count from 1899-12-30, accounting for the 1900 leap-year bug)
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = (20000, 80000)        # 1954 .. 2119: numbers in this range are dates
YEARS = (1949, 2100)                  # plausible years for any date on these forms

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{2,4}(?=\s*年)")
_CN_MD = re.compile(r"[〇零一二两三四五六七八九十]{1,3}(?=\s*[月日号])")
_DATE_CN = re.compile(r"(?P<y>\d{4}|\d{2})\s*年\s*(?P<m>\d{1,2})?\s*"
                      r"(?:月\s*(?P<d>\d{1,2})?\s*[日号]?)?")
_DATE_SEP = re.compile(r"(?P<y>\d{4}|\d{2})\s*(?P<s>[./\-])\s*(?P<m>\d{1,2})"
                       r"(?:\s*(?P=s)\s*(?P<d>\d{1,2}))?")
_DATE_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
# Words around a date that do not change it: 2023年3月31日前, 2023-03-05 00:00:00
_DATE_NOISE = re.compile(r"(?:之前|以前|前|为止|止|上午|下午|[（(]?(?:星期|周)[一二三四五六日天][)）]?"
                         r"|\d{1,2}:\d{2}(?::\d{2})?)$")
# A reporting span: 2023年3月1日至3月31日, 2023.3.1-2023.3.31, 3月1日—3月7日
_DATE_RANGE = re.compile(r"^(?P<a>.+?\d\s*[日号.\-/]?)\s*(?:至|到|~|～|—|－|-{1,2})\s*(?P<b>\d.+)$")
# A 年月日 date inside a line, in any numerals: 2023年3月2日, 二〇二三年三月二日, ２０２３年
_NUM = r"[0-9０-９〇○零一二三四五六七八九十]"
DATE_RE = re.compile(rf"(?P<y>{_NUM}{{2,4}})\s*年\s*(?P<m>{_NUM}{{1,3}})\s*月\s*(?P<d>{_NUM}{{1,3}})\s*日")
ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def date_parts(raw: Any) -> tuple[int, int | None, int | None] | str | None:
    """(year, month, day) with month/day None when blank; None for an empty cell;
    "invalid" when unreadable."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.year, raw.month, raw.day
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if EXCEL_SERIALS[0] <= raw < EXCEL_SERIALS[1]:
            d = EXCEL_EPOCH + dt.timedelta(days=int(raw))
            return d.year, d.month, d.day
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    s = unicodedata.normalize("NFKC", str(raw).translate(_ZERO_WIDTH)).strip()
    s = re.sub(r"_+", " ", s)                        # fill-in lines: 2023 年 __9__月 ____日
    s = re.sub(r"^[^\d〇○零一二三四五六七八九:：]{1,8}[:：]\s*", "", s)   # a label: 填报日期：
    if re.fullmatch(r"[年月日号\s]*", s):          # blank, or a bare "年 月 日" template
        return None
    s = _CN_YEAR.sub(lambda m: "".join(str(CN_DIGITS[c]) for c in m.group()), s)
    s = _CN_MD.sub(lambda m: str(int(parse_number(m.group()) or 0)), s)
    s = re.sub(r"[\s]+", " ", s).strip()
    while (m := _DATE_NOISE.search(s)) and m.start() > 0:
        s = s[:m.start()].strip()
    for pattern in (_DATE_CN, _DATE_SEP, _DATE_COMPACT):
        m = pattern.fullmatch(s)
        if m:
            break
    else:
        return "invalid"
    y, mo, d = (int(v) if v else None for v in (m.group("y"), m.group("m"), m.group("d")))
    if y < 100:
        y += 2000
    if mo is None:                                   # "2023年 月 日": a blank template
        return None if "月" in s else "invalid"
    return y, mo, d


def iso(parts: tuple[int, int, int | None]) -> str | None:
    """"YYYY-MM-DD" (or "YYYY-MM" without a day) of plausible date parts, else None."""
    y, mo, d = parts
    if not (YEARS[0] <= y <= YEARS[1] and 1 <= mo <= 12):
        return None
    if d is None:
        return f"{y:04d}-{mo:02d}"
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def range_iso(raw: Any) -> str | None:
    """A date range as one period: the month when it covers one whole month, else its end date."""
    if not isinstance(raw, str):
        return None
    m = _DATE_RANGE.match(unicodedata.normalize("NFKC", raw).strip())
    if not m:
        return None
    a = date_parts(m.group("a"))
    if not isinstance(a, tuple) or a[2] is None:
        return None
    b_text = m.group("b")
    if not re.match(r"^\d{4}", b_text):            # 3月31日: the year of the start
        b_text = f"{a[0]}年{b_text}" if "月" in b_text else f"{a[0]}年{a[1]}月{b_text}"
    b = date_parts(b_text)
    if not isinstance(b, tuple) or b[2] is None or not (iso(a) and iso(b)) or iso(b) < iso(a):
        return None
    end_of_month = (dt.date(b[0], b[1], b[2]) + dt.timedelta(days=1)).day == 1
    return iso(a)[:7] if a[:2] == b[:2] and a[2] == 1 and end_of_month else iso(b)


def find_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of the first 年月日 date in text (any numerals), or None."""
    m = DATE_RE.search(text)
    parts = date_parts(m.group()) if m else None
    if not isinstance(parts, tuple) or None in parts or not 1 <= parts[1] <= 12:
        return None
    if not 1 <= parts[2] <= calendar.monthrange(parts[0], parts[1])[1]:   # 2月30日 is no date
        return None
    return parts


def fix_dates(text: str) -> str:
    """Every 年月日 date in text written as GB/T 9704 wants it: 2023年3月2日."""
    def repl(m):
        ymd = find_date(m.group(0))
        return date_text(ymd) if ymd else m.group(0)
    return DATE_RE.sub(repl, text)


def date_text(d: dt.date | str | tuple[int, int, int], with_year: bool = True) -> str:
    """2023年3月2日 from a date, (year, month, day) or an ISO date ("2023-03-02", time part ignored):
    no leading zeros."""
    if isinstance(d, str):
        y, m, day = (int(x) for x in d[:10].split("-"))
    elif isinstance(d, tuple):
        y, m, day = d
    else:
        y, m, day = d.year, d.month, d.day
    return (f"{y}年" if with_year else "") + f"{m}月{day}日"


def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def iso_span(text: str | None) -> tuple[dt.date, dt.date] | None:
    """The days an ISO date ("2023-03-05") or month ("2023-03") covers; None if neither."""
    if not text:
        return None
    s = str(text).strip()[:10]
    m = ISO_DAY.match(s)
    if m:
        try:
            d = dt.date(*map(int, m.groups()))
        except ValueError:
            return None
        return d, d
    m = ISO_MONTH.match(s[:7]) if len(s) == 7 else None
    if m and 1 <= int(m.group(2)) <= 12:
        return month_span(int(m.group(1)), int(m.group(2)))
    return None
