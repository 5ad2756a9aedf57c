"""The mark paicha writes into every output file, so its own outputs are never read back as returns.

The mark is one word in the document's keywords (core property `keywords` of a .docx/.xlsx), which
LibreOffice copies into the PDF's /Keywords: "paicha-output-<kind>". No colon or space in it:
LibreOffice splits keywords there. Written by generators/mark.py, detected by parsers/readers/own.py.
Blank forms and notices with attachments are meant to be filled in and sent back: they carry no mark.
"""
from __future__ import annotations

import re

MARK_PREFIX = "paicha-output-"

# kind → what the file is, in the skip message "…：本工具生成的文件（汇总表），已跳过"
OUTPUT_KINDS = {
    "records": "汇总表",
    "stats": "统计表",
    "order": "执法文书",
    "register": "指令书登记簿",
    "notice": "通知",
    "summary": "通报/总结",
    "remind": "催报通知",
}

KEYWORD_SPLIT = re.compile(r"[\s,;:，；：、]+")


def mark_word(kind: str) -> str:
    """The keyword marking an output of `kind`."""
    if kind not in OUTPUT_KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    return MARK_PREFIX + kind


def marked_kind(keywords: str | None) -> str | None:
    """The output kind marked in a keywords string, or None (the whole word must match a known kind)."""
    for word in KEYWORD_SPLIT.split(keywords or ""):
        if word.startswith(MARK_PREFIX) and word[len(MARK_PREFIX):] in OUTPUT_KINDS:
            return word[len(MARK_PREFIX):]
    return None
