"""Chinese numerals ↔ numbers: 十二, 二〇二三, 壹万伍仟 (大写), 1.5万 → numbers; 21 → 二十一."""
from __future__ import annotations

import re

CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "两": 2, "兩": 2,
             "贰": 2, "貳": 2, "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5,
             "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
# Every character of a Chinese-written number (a character class body for regexes).
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(CN_BIG)
CN_COUNT = "〇一二三四五六七八九"          # the digits Word's chineseCounting writes
_NUM_TOKEN = re.compile(r"\d+(?:\.\d+)?|.")


def parse_number(s: str) -> float | None:
    """'12' '1.5万' '十二' '叁' '壹万伍仟' '二〇二三' '０３' → a number; None when not a number."""
    s = s.replace(",", "").replace("，", "")
    if not s:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    if all(c in CN_DIGITS for c in s):                 # positional: 二〇二三
        return float("".join(str(CN_DIGITS[c]) for c in s))
    total, section, number = 0.0, 0.0, None
    for tok in _NUM_TOKEN.findall(s):
        if tok[0].isdigit():
            number = float(tok)
        elif tok in CN_DIGITS:
            number = CN_DIGITS[tok]
        elif tok in CN_UNITS:
            section += (1 if number is None else number) * CN_UNITS[tok]
            number = None
        elif tok in CN_BIG:
            total += (section + (number or 0)) * CN_BIG[tok]
            section, number = 0.0, None
        else:
            return None
    return total + section + (number or 0)


def parse_int(s: str) -> int | None:
    """A whole number written in any numerals (二十五, 二〇二三, ０３); None otherwise."""
    n = parse_number(s)
    return int(n) if n is not None and n.is_integer() else None


def has_cn_numeral(s: str) -> bool:
    """The text holds a Chinese numeral character (二〇二三年, 十二月)."""
    return any(c in CN_NUMERAL_CHARS for c in s)


def cn_counting(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (Word's chineseCounting); 1000 and up in digits."""
    if n < 10:
        return CN_COUNT[n]
    if n < 20:
        return "十" + (CN_COUNT[n % 10] if n % 10 else "")
    if n < 100:
        return CN_COUNT[n // 10] + "十" + (CN_COUNT[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + CN_COUNT[rest] if rest < 10 else
                                 ("一" if rest < 20 else "") + cn_counting(rest))
    return CN_COUNT[n // 100 % 10] + "百" + tail if n < 1000 else str(n)
