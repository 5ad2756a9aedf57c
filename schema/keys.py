"""Matching keys of names and labels: the text folded (NFKC, spaces, brackets, numbering,
suffixes) so that two spellings of one name compare equal."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from schema.marks import strip_leading_mark

_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")",
                           "〈": "(", "〉": ")", "｛": "(", "｝": ")", "{": "(", "}": ")"})
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = "。；;，,、.．:： "


def compact(s: str | None) -> str:
    """NFKC, without any white space."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", s or ""))


def word_key(s: str) -> str:
    """A short word of the vocabulary (values.yaml) as compared: compact, upper-case Latin."""
    return compact(s).upper()


@lru_cache(maxsize=65536)
def label_key(s: str) -> str:
    """A label as compared: NFKC, no spaces/underscores/colons, lower case."""
    s = unicodedata.normalize("NFKC", s or "")
    return re.sub(r"[\s_:：]+", "", s).lower()


def enterprise_key(name: str | None) -> str:
    """The matching key of an enterprise name: NFKC, no spaces, brackets unified; suffixes kept."""
    if not name:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(name)).translate(_BRACKETS))


def description_key(text: str | None) -> str:
    """The matching key of a hazard description: like enterprise_key, without numbering or end punctuation."""
    s = enterprise_key(strip_leading_mark(text or ""))     # before NFKC, which turns ① into 1
    return s.strip(_EDGE_PUNCT)


def unit_key(name: str | None, suffixes: list[str]) -> str:
    """A reporting unit's short name: compact, one official suffix dropped (北石店镇人民政府 → 北石店镇)."""
    s = compact(name)
    for suffix in sorted(suffixes, key=len, reverse=True):
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s
