"""Dates as people read them on the pages: 2023年3月2日, 2023年3月2日 14:05 (Jinja filters cn_date, cn_datetime)."""
from __future__ import annotations

import re

from jinja2 import Environment

_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?")


def cn_date(value, with_time: bool = False) -> str:
    """An ISO date or time as 2023年3月2日 (and 14:05); anything else as it is."""
    m = _ISO.match(str(value or ""))
    if not m:
        return "" if value is None else str(value)
    y, mo, d, hh, mm = m.groups()
    text = f"{int(y)}年{int(mo)}月" + (f"{int(d)}日" if d else "")
    return text + (f" {hh}:{mm}" if with_time and hh else "")


def cn_datetime(value) -> str:
    return cn_date(value, with_time=True)


def install(env: Environment) -> None:
    env.filters.setdefault("cn_date", cn_date)
    env.filters.setdefault("cn_datetime", cn_datetime)
