"""Property-based tests of the normalisers: every value written in a supported way reads back as itself.

The writers below (Chinese numerals, 大写, item marks, the GB 32100 check character) are written
here from the standards, independently of schema/normalize.py and schema/credit_code.py.
"""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from schema.credit_code import check_char, is_valid
from schema.dates import EXCEL_EPOCH
from schema.normalize import normalize

# modest and reproducible: the same examples every run, no per-example deadline
FAST = settings(max_examples=150, deadline=None, derandomize=True)

LOWER = "零一二三四五六七八九"
UPPER = "零壹贰叁肆伍陆柒捌玖"
LOWER_UNITS = ("", "十", "百", "千", "万")
UPPER_UNITS = ("", "拾", "佰", "仟", "万")


def chinese(n: int, digits: str = LOWER, units: tuple = LOWER_UNITS, short_ten: bool = True) -> str:
    """0..99999 in Chinese numerals: 10005 → 一万零五, 1010 → 一千零一十, 12 → 十二 (壹拾贰 when not short)."""
    if n == 0:
        return digits[0]
    out, zero = "", False
    for pos in range(4, -1, -1):
        d = n // 10 ** pos % 10
        if d == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + units[pos]
    if short_ten and out.startswith(digits[1] + units[1]):
        out = out[1:]
    return out


def test_chinese_writer():
    """The writer itself, on values from any primer of Chinese numerals."""
    assert [chinese(n) for n in (0, 7, 10, 12, 20, 105, 1010, 10005, 20300, 99999)] == [
        "零", "七", "十", "十二", "二十", "一百零五", "一千零一十", "一万零五", "二万零三百", "九万九千九百九十九"]
    assert chinese(15000, UPPER, UPPER_UNITS, short_ten=False) == "壹万伍仟"
    assert chinese(12, UPPER, UPPER_UNITS, short_ten=False) == "壹拾贰"


# --- dates ----------------------------------------------------------------------------------------

def cn_year(y: int) -> str:
    return "".join("〇一二三四五六七八九"[int(c)] for c in str(y))


WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
DATE_FORMS = {
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "chinese_padded": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}号",
    "spaced": lambda d: f"{d.year} 年 {d.month} 月 {d.day} 日",
    "iso": lambda d: d.isoformat(),
    "dotted": lambda d: f"{d.year}.{d.month}.{d.day}",
    "slashed": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "compact": lambda d: d.strftime("%Y%m%d"),
    "full_width": lambda d: f"{d.year}年{d.month}月{d.day}日".translate(WIDE),
    "numerals": lambda d: f"{cn_year(d.year)}年{chinese(d.month)}月{chinese(d.day)}日",
    "labelled": lambda d: f"填报日期：{d.year}年{d.month}月{d.day}日",
}
DATES = st.dates(min_value=dt.date(1949, 1, 1), max_value=dt.date(2100, 12, 31))


@FAST
@given(DATES, st.sampled_from(sorted(DATE_FORMS)))
def test_written_date_reads_back(day, form):
    written = DATE_FORMS[form](day)
    assert normalize("date", written).value == day.isoformat(), written


@FAST
@given(st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_excel_serial_reads_back(day):
    assert normalize("date", (day - EXCEL_EPOCH).days).value == day.isoformat()


@FAST
@given(DATES)
def test_month_of_any_date(day):
    assert normalize("month", f"{day.year}年{day.month}月").value == day.isoformat()[:7]
    assert normalize("month", day.isoformat()).value == day.isoformat()[:7]


# --- counts and money -----------------------------------------------------------------------------

COUNTS = st.integers(min_value=0, max_value=99999)


@FAST
@given(COUNTS)
def test_count_in_every_writing(n):
    for written in (n, str(n), f"{n}项", f"共{n}处", chinese(n), f"{chinese(n)}家",
                    chinese(n, UPPER, UPPER_UNITS, short_ten=False)):
        assert normalize("count", written).value == n, written


@FAST
@given(st.integers(min_value=0, max_value=10**9))
def test_yuan_amounts_are_stored_in_wan(yuan):
    for written in (f"{yuan}元", f"{yuan:,}元", f"￥{yuan}元", f"人民币{yuan}元"):
        assert normalize("money_wan", written).value == round(yuan / 10000, 6), written


@FAST
@given(st.integers(min_value=1, max_value=99999))
def test_daxie_yuan(yuan):
    written = chinese(yuan, UPPER, UPPER_UNITS, short_ten=False) + "元"
    assert normalize("money_wan", written).value == round(yuan / 10000, 6), written


@FAST
@given(st.decimals(min_value=0, max_value=100000, places=2))
def test_wan_amounts_stay_in_wan(wan):
    for written in (f"{wan}", f"{wan}万", f"{wan}万元", f"{wan}（万元）"):
        assert normalize("money_wan", written).value == float(wan), written


# --- credit codes ---------------------------------------------------------------------------------

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"            # GB 32100-2015: no I O S V Z


def gb32100_check(code17: str) -> str:
    """The check character by the standard's formula: weights 3^i mod 31, C18 = 31 − Σ mod 31."""
    total = sum(CHARSET.index(c) * pow(3, i, 31) for i, c in enumerate(code17))
    return CHARSET[(31 - total % 31) % 31]


CODES = st.text(alphabet=CHARSET, min_size=17, max_size=17).map(lambda c: c + gb32100_check(c))


@FAST
@given(CODES)
def test_check_char_agrees_with_the_standard(code):
    assert check_char(code[:17]) == code[17]
    assert is_valid(code) and is_valid(code.lower())


@FAST
@given(CODES, st.integers(min_value=0, max_value=17), st.sampled_from(CHARSET))
def test_every_single_substitution_is_detected(code, at, char):
    if code[at] == char:
        return
    changed = code[:at] + char + code[at + 1:]
    assert not is_valid(changed)
    r = normalize("credit_code", changed)
    assert r.value == changed and r.warning[0] == "checksum"


# --- numbered items -------------------------------------------------------------------------------

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
MARKS = {
    "一、": lambda i: f"{chinese(i)}、",
    "（一）": lambda i: f"（{chinese(i)}）",
    "1.": lambda i: f"{i}.",
    "1、": lambda i: f"{i}、",
    "（1）": lambda i: f"（{i}）",
    "①": lambda i: CIRCLED[i - 1],
}
# item text without numerals, marks, separators or words that end an introduction
ITEM = st.text(alphabet="配电箱未上锁消防通道堵塞灭火器过期安全出口杂物培训台账缺失防护罩破损", min_size=1, max_size=12)


@FAST
@given(st.lists(ITEM, min_size=1, max_size=12), st.sampled_from(sorted(MARKS)), st.sampled_from(["\n", "；", ""]))
def test_numbered_items_read_back(items, mark, sep):
    written = sep.join(MARKS[mark](i) + text for i, text in enumerate(items, 1))
    assert normalize("items", written).value == items, written


# --- the shared text utilities themselves (schema/numerals, marks, dates, keys, totals) ---------------

@FAST
@given(st.integers(min_value=0, max_value=99999))
def test_numerals_read_back(n):
    from schema.numerals import cn_counting, parse_int
    assert parse_int(chinese(n)) == n
    assert parse_int(chinese(n, UPPER, UPPER_UNITS, short_ten=False)) == n
    if n < 1000:
        assert parse_int(cn_counting(n)) == n


@FAST
@given(st.integers(min_value=1, max_value=20), ITEM, st.sampled_from(sorted(MARKS)))
def test_every_mark_is_read_and_stripped(i, text, mark):
    from schema.marks import leading_mark, mark_number, strip_leading_mark
    from schema.keys import description_key
    written = MARKS[mark](i) + text
    assert mark_number(leading_mark(written)) == i
    assert strip_leading_mark(written) == text
    assert description_key(f" {written}。") == description_key(text)


@FAST
@given(st.integers(min_value=1, max_value=20), ITEM)
def test_heading_levels(i, text):
    from schema.marks import heading_mark, mark_level
    for level, mark in enumerate(("一、", "（一）", "1.", "（1）"), 1):
        written = MARKS[mark](i) + text
        assert mark_level(written) == level and heading_mark(written) == (level, len(MARKS[mark](i)))
    assert mark_level(text) == 0 and mark_level(f"{i}.5{text}") == 0


@FAST
@given(DATES)
def test_dates_in_lines_and_the_writer(day):
    from schema.dates import date_parts, date_text, find_date, fix_dates
    ymd = (day.year, day.month, day.day)
    assert date_parts(date_text(day)) == ymd and date_text(ymd) == date_text(day.isoformat())
    line = "兴县应急管理局" + DATE_FORMS["numerals"](day) + "印发"
    assert find_date(line) == ymd
    assert fix_dates(line) == "兴县应急管理局" + date_text(day) + "印发"


@FAST
@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=8), st.integers(min_value=-3, max_value=3))
def test_totals_against_rows(values, off):
    from schema.totals import fixed_over_found, total_mismatches
    rows = [{"found": v, "fixed": v // 2} for v in values]
    written = sum(values) + off
    got = total_mismatches({"found": written}, rows, ["found"])
    assert got == ([] if off == 0 else [("found", written, sum(values))])
    assert all(not fixed_over_found(r, [("found", "fixed")]) for r in rows)
    assert fixed_over_found({"found": 1, "fixed": 2}, [("found", "fixed")]) == [("found", "fixed", 1, 2)]
