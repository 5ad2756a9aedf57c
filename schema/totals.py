"""Totals checks on counts: a written 合计 against its rows, a fixed count against its found count."""
from __future__ import annotations

from typing import Any, Iterable

TOLERANCE = 1e-6


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def fixed_over_found(where: dict, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str, float, float]]:
    """(found key, fixed key, found, fixed) of each pair whose fixed (handled) count exceeds its found count."""
    out = []
    for found_key, fixed_key in pairs:
        found, fixed = where.get(found_key), where.get(fixed_key)
        if is_number(found) and is_number(fixed) and fixed > found:
            out.append((found_key, fixed_key, found, fixed))
    return out


def total_mismatches(totals: dict, rows: list, keys: Iterable[str]) -> list[tuple[str, float, float]]:
    """(key, written 合计, sum of the rows) of each total that differs from its rows; a key with an
    unreadable number (which carries its own warning) is not checked."""
    out = []
    for key in keys:
        written = totals.get(key)
        values = [r.get(key) for r in rows if isinstance(r, dict)]
        if not is_number(written) or any(v is not None and not is_number(v) for v in values):
            continue
        expected = round(sum(v for v in values if v is not None), 6)
        if abs(expected - written) > TOLERANCE:
            out.append((key, written, expected))
    return out
