"""Numbering marks: 一、 （一） 1. （1） 1） ① ⑴ 一是 第一， 第1项.

One table of mark styles (STYLES); callers pick the styles their text may carry:
gongwen headings (HEADING_LEVELS), marks in free text (ITEM), the number before a
table row's content (CELL).
"""
from __future__ import annotations

import re
from functools import lru_cache

from schema.numerals import parse_int

CN = "一二三四五六七八九十"        # the numerals marks count with
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PARENTHESIZED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"

# style → the regex of one mark; its number is the group named after the style
STYLES = {
    "cn": rf"(?P<cn>[{CN}百]{{1,3}})\s*[、.．]",                       # 一、 一.
    "cn_paren": rf"[（(]\s*(?P<cn_paren>[{CN}百]{{1,3}})\s*[）)]",     # （一）
    "num": r"(?P<num>\d{1,3})\s*[.．、](?!\d)",                         # 1. 1、 (not 1.5)
    "num_paren": r"[（(]\s*(?P<num_paren>\d{1,3})\s*[）)]",             # （1）
    "num_half": r"(?P<num_half>\d{1,3})\s*[)）]",                       # 1）
    "circled": f"(?P<circled>[{CIRCLED}])",                             # ①
    "parenthesized": f"(?P<parenthesized>[{PARENTHESIZED}])",           # ⑴
    "cn_shi": rf"(?<![\u4e00-\u9fff])(?P<cn_shi>[{CN}]{{1,3}})是(?!否)",  # 一是 (not 统一是否)
    "cn_ordinal": rf"第(?P<cn_ordinal>[{CN}]{{1,3}})\s*[，,、:：]",       # 第一，
    "num_ordinal": r"第\s*(?P<num_ordinal>\d{1,3})\s*[项条]",           # 第1项
    "num_comma": r"(?P<num_comma>\d{1,3})\s*[，,](?!\d)",               # 1， (a table cell's number)
}
# GB/T 9704 heading levels: 一、 → （一） → 1. → （1）
HEADING_LEVELS = ("cn", "cn_paren", "num", "num_paren")
# marks that number items in free text and start a line of their own
ITEM = ("cn", "cn_paren", "num", "num_paren", "num_half", "circled", "parenthesized", "cn_shi", "cn_ordinal")
# the number written before a table row's content (Arabic or circled: 一、 there is a category)
CELL = ("num", "num_comma", "num_half", "num_paren", "num_ordinal", "circled")
ANY = tuple(STYLES)
# a cell of a number column: 1, 1. 1、 (also 1.1)
NUMBERED_CELL = re.compile(r"^\s*\d{1,3}(?:\s*[.、．]|\s*$)")


@lru_cache(maxsize=None)
def mark_re(styles: tuple[str, ...] = ITEM) -> re.Pattern:
    """One mark of the given styles, anywhere (use .match for a mark at a position)."""
    return re.compile("(?:" + "|".join(STYLES[s] for s in styles) + ")")


@lru_cache(maxsize=None)
def leading_re(styles: tuple[str, ...] = ITEM) -> re.Pattern:
    """A mark of the given styles at the start of a text, with the spaces around it."""
    return re.compile(r"^\s*" + mark_re(styles).pattern + r"\s*")


def mark_number(m: re.Match) -> int | None:
    """The number a matched mark stands for (① → 1, 第十二， → 12)."""
    style, text = m.lastgroup, m.group(m.lastgroup)
    if style == "circled":
        return CIRCLED.index(text) + 1
    if style == "parenthesized":
        return PARENTHESIZED.index(text) + 1
    return parse_int(text)


def leading_mark(text: str, styles: tuple[str, ...] = ITEM) -> re.Match | None:
    """The mark a text starts with (spaces around it included), else None."""
    return leading_re(styles).match(text)


def strip_leading_mark(text: str, styles: tuple[str, ...] = ANY) -> str:
    """The text without the mark it starts with."""
    return leading_re(styles).sub("", text, count=1)


def heading_mark(text: str) -> tuple[int, int]:
    """(level 1–4, length of the mark) of a 一、/（一）/1./（1） heading; (0, 0) for other text."""
    for level, style in enumerate(HEADING_LEVELS, 1):
        m = re.match(STYLES[style], text)
        if m:
            return level, m.end()
    return 0, 0


def mark_level(text: str) -> int:
    """1–4 for 一、 / （一） / 1. / （1） headings (after leading spaces), 0 otherwise."""
    return heading_mark(text.lstrip())[0]


def split_items(text: str) -> list[re.Match]:
    """The marks that number a list in `text`: counting 1, 2, 3 …, so a "2." inside a sentence
    that breaks the count is text."""
    cuts, expected = [], 1
    for m in mark_re(ITEM).finditer(text):
        if mark_number(m) == expected:
            cuts.append(m)
            expected += 1
    return cuts
