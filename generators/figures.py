"""Figures that cannot be right: a unit's reported numbers that the 通报 and the statistics workbook
must never print silently (a negative count, more fixed than found, hence an 整改率 over 100%).

doubtful_figures(agg) lists each (form, unit, figure, why); the 通报 puts them in a 数据核对 note for
the secretary and marks the cells (MARK, rate "待核实"); the workbook marks the cells and adds note rows.
"""
from __future__ import annotations

from dataclasses import dataclass

from ledger.aggregate import Aggregate, FormStats, fixed_pairs, label_of, number_text, rate
from schema.totals import fixed_over_found, is_number

MARK = "※"                  # after a doubtful number in a table cell
RATE_DOUBT = "待核实"        # in place of an 整改率 that cannot be computed from doubtful figures
TOTAL = "合计"


@dataclass(frozen=True)
class Doubt:
    form_type: str
    title: str          # the form's title
    unit: str           # reporting unit, or 合计
    key: str            # the doubtful figure's key
    label: str          # its label (重大隐患整改)
    value: float
    why: str            # Chinese, e.g. 多于重大隐患排查（1项），整改率将超过100%

    @property
    def text(self) -> str:
        """One line for the 数据核对 note and the CLI."""
        return f"{self.unit}《{self.title}》：{self.label}{number_text(self.value)}，{self.why}"


def _row_doubts(fs: FormStats, unit: str, row: dict) -> list[Doubt]:
    ft = fs.form_type
    out = []
    for key in fs.keys:
        v = row.get(key)
        if is_number(v) and v < 0:
            out.append(Doubt(ft, fs.title, unit, key, label_of(ft, key), v, "数量为负数"))
    for found_key, fixed_key, found, fixed in fixed_over_found(row, fixed_pairs(ft)):
        if found < 0 or fixed < 0:          # told once, as a negative count
            continue
        r = rate(fixed, found)
        over = f"，整改率将为{r}%（超过100%）" if r is not None else ""
        out.append(Doubt(ft, fs.title, unit, fixed_key, label_of(ft, fixed_key), fixed,
                         f"多于{label_of(ft, found_key)}{number_text(found)}{over}"))
    return out


def form_doubts(fs: FormStats) -> list[Doubt]:
    """The doubtful figures of one statistics form: each unit's row, then the 合计 row."""
    out = []
    for unit, row in fs.rows.items():
        out += _row_doubts(fs, unit, row)
    return out + _row_doubts(fs, TOTAL, fs.totals)


def doubtful_figures(agg: Aggregate) -> list[Doubt]:
    """Every doubtful figure of the period's statistics forms, in form and unit order."""
    return [d for fs in agg.forms.values() for d in form_doubts(fs)]


def doubtful_keys(doubts: list[Doubt], form_type: str, unit: str) -> set[str]:
    return {d.key for d in doubts if d.form_type == form_type and d.unit == unit}


def rate_doubtful(values: dict, found_key: str, fixed_key: str) -> bool:
    """An 整改率 that must not be printed: fixed over found, or a negative number on either side."""
    found, fixed = values.get(found_key), values.get(fixed_key)
    return any(is_number(v) and v < 0 for v in (found, fixed)) or \
        (is_number(found) and is_number(fixed) and fixed > found)
