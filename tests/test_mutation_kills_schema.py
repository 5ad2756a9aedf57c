"""Behaviour of schema/ that mutation testing (bench/mutation.sh) found unpinned: each test is a real
input with the value a filler or an inspector expects, not the code's own output read back."""
import datetime as dt

import pytest

from schema.credit_code import check_char
from schema.normalize import asked_negatively, is_ditto, normalize


# --- phone numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,want", [
    ("8613513583104", "13513583104"),                        # country code without the +
    ("0356—2286336", "0356-2286336"),                        # an em dash as the hyphen
    ("2286336、13513583104", "2286336、13513583104"),        # a local number beside a mobile
    ("、13513583104", "13513583104"),                        # a stray separator first
    ("办公室0356-2286336、手机13513583104", "0356-2286336、13513583104"),
    ("手机13513583104、办公室0356-2286336", "13513583104、0356-2286336"),
])
def test_phone_forms_fillers_write(raw, want):
    r = normalize("phone", raw)
    assert r.value == want and r.warning is None


@pytest.mark.parametrize("raw", ["010-123456789", "0356-2286336转801", "、、"])
def test_phone_that_is_not_one_is_kept_with_warning(raw):
    assert normalize("phone", raw).warning == ("invalid", f"电话号码无法识别：{raw}")


# --- people and names ----------------------------------------------------------------------------

@pytest.mark.parametrize("raw,want", [
    (("张三", "无"), {"name": "张三", "mobile": None}),           # 无 in the phone cell
    (("", "13512345678"), {"name": None, "mobile": "13512345678"}),
    (("张三；\n李四", "13512345678"), {"name": "张三；李四", "mobile": "13512345678"}),
    ("13512345678", {"name": None, "mobile": "13512345678"}),
    ("王五、李六 13512345678", {"name": "王五李六", "mobile": "13512345678"}),
    ("Tom, Lee 13512345678", {"name": "Tom Lee", "mobile": "13512345678"}),
])
def test_person_cells(raw, want):
    r = normalize("person", raw)
    assert r.value == want and r.warning is None


def test_person_pair_with_bad_number_warns():
    r = normalize("person", ("王五", "1351234"))
    assert r.value == {"name": "王五", "mobile": "1351234"}
    assert r.warning == ("invalid", "电话号码无法识别：1351234")


@pytest.mark.parametrize("raw,want", [
    ("张三等", ["张三"]), ("张三、李四、王五等", ["张三", "李四", "王五"]),
    ("王等", ["王等"]),                                      # a two-character name keeps its 等
    ("、、", None),
])
def test_names_with_etc(raw, want):
    assert normalize("names", raw).value == want


# --- checklist helpers ---------------------------------------------------------------------------

def test_ditto_marks():
    assert is_ditto("同上") and is_ditto(" 〃 ") and is_ditto("同前")
    assert not is_ditto("张三") and not is_ditto(None) and not is_ditto(3) and not is_ditto("")


@pytest.mark.parametrize("item,negative", [
    ("安全出口锁闭", True),                                   # no 是否: the whole item is read
    ("是否存在堵塞，是否及时清理", True),                      # read from the first 是否 on
    ("是否及时清理", False),
])
def test_asked_negatively(item, negative):
    assert asked_negatively(item) is negative


# --- credit code ---------------------------------------------------------------------------------

def test_credit_code_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="17"):
        check_char("91350100M000100")
    with pytest.raises(ValueError, match="'O'"):
        check_char("91350100M000100O4")


def test_item_negated_with_bei_is_not_negative():
    assert asked_negatively("消防通道是否不被占用") is False       # 不被占用: 占用 negated
    assert asked_negatively("消防通道是否被占用") is True


# --- counts, amounts, marks ----------------------------------------------------------------------

@pytest.mark.parametrize("kind,raw", [("count", True), ("count", "-3"), ("money_wan", True)])
def test_booleans_and_negative_counts_are_not_numbers(kind, raw):
    assert normalize(kind, raw).warning[0] == "invalid"


@pytest.mark.parametrize("raw,want", [(1.23456789, 1.234568), ("RMB 1.5万", 1.5), ("人民币3000元", 0.3)])
def test_money(raw, want):
    r = normalize("money_wan", raw)
    assert r.value == want and r.warning is None


@pytest.mark.parametrize("kind,raw,want", [
    ("yes_no", "是☑ 否", True),             # glyph after its word, the last word without one
    ("yes_no", "有（已整改）", True),        # a remark in brackets
    ("yes_no", "□", None), ("mark", "☐ ☐", None),   # only empty boxes: not answered
    ("mark", "X", "no"), ("mark", 0.0, "rectifying"),   # Excel gives numbers as floats
])
def test_marks_and_boxes(kind, raw, want):
    r = normalize(kind, raw)
    assert r.value == want and r.warning is None


def test_two_ticked_options_are_not_an_answer():
    assert normalize("yes_no", "☑是 ☑否").warning == ("invalid", "是否无法识别：☑是 ☑否")


@pytest.mark.parametrize("kind,raw,want", [
    ("yes_no", True, True), ("yes_no", False, False), ("mark", True, "yes"), ("mark", False, "no"),
])
def test_excel_boolean_cells(kind, raw, want):
    """openpyxl reads a TRUE / FALSE cell as a bool: it answers the question (it used to be 是无法识别)."""
    r = normalize(kind, raw)
    assert r.value == want and r.warning is None


# --- dates ---------------------------------------------------------------------------------------

def test_find_date():
    from schema.dates import find_date
    assert find_date("印发日期：2023年3月5日") == (2023, 3, 5)
    assert find_date("二〇二三年十二月三十一日") == (2023, 12, 31)
    for text in ("无日期", "二〇二三年十三月五日", "2023年3月32日", "2023年0月5日"):
        assert find_date(text) is None, text


def test_fix_dates_leaves_impossible_dates_alone():
    from schema.dates import fix_dates
    assert fix_dates("于2023年13月5日前，2023年03月05日后") == "于2023年13月5日前，2023年3月5日后"


def test_date_text():
    from schema.dates import date_text
    assert date_text("2023-03-02T08:00:00") == "2023年3月2日"
    assert date_text(dt.date(2023, 3, 2), with_year=False) == "3月2日"
    assert date_text((2023, 11, 20)) == "2023年11月20日"


def test_range_that_is_not_dates():
    from schema.dates import range_iso
    assert range_iso("第1至3") is None
    assert range_iso("第1至2023年3月5日") is None            # the start is no date, the end is one
    assert range_iso("2023年3月1日至3月31日") == "2023-03"


@pytest.mark.parametrize("text,span", [
    ("2023-03-05", ((2023, 3, 5), (2023, 3, 5))), ("2023-03-05 10:00", ((2023, 3, 5), (2023, 3, 5))),
    ("2023-03", ((2023, 3, 1), (2023, 3, 31))), (" 2023-02 ", ((2023, 2, 1), (2023, 2, 28))),
    ("2024-02", ((2024, 2, 1), (2024, 2, 29))), ("2023-12", ((2023, 12, 1), (2023, 12, 31))),
    ("2023-01", ((2023, 1, 1), (2023, 1, 31))), ("2023-04", ((2023, 4, 1), (2023, 4, 30))),
    ("2023-13", None), ("2023-00", None), ("2023-02-30", None), ("2023-3", None), ("2023", None),
    ("", None), (None, None),
])
def test_iso_span(text, span):
    from schema.dates import iso_span
    want = tuple(dt.date(*d) for d in span) if span else None
    assert iso_span(text) == want


@pytest.mark.parametrize("raw,want", [
    (20000, (dt.date(1970, 1, 1) - dt.timedelta(days=25569 - 20000)).isoformat()),  # Excel serial 25569 = 1970-01-01
    (20230305.0, "2023-03-05"),            # a compact date typed as a number
    (2023.03, "2023-03"),                  # 2023.03 typed as a number
])
def test_dates_typed_as_numbers(raw, want):
    r = normalize("date", raw)
    assert r.value == want and r.warning is None


def test_zero_month_is_not_january():
    assert normalize("date", "二〇二三年零月五日").warning[0] == "invalid"


@pytest.mark.parametrize("raw,want", [
    ("2023年3月1日至7日", "2023-03-07"),           # the end written as a day only
    ("2023年3月5日至3月5日", "2023-03-05"),        # one day
    ("2023年3月7日至3月1日", None),                # backwards
    ("2023年3月1日至2023年4月", None),             # the end has no day
    ("2023年3月1日至2150年3月5日", None),          # an implausible end
])
def test_range_iso_edges(raw, want):
    from schema.dates import range_iso
    assert range_iso(raw) == want


@pytest.mark.parametrize("raw", ["0100年3月5日", "2023年"])
def test_unreadable_year_forms(raw):
    assert normalize("date", raw).warning == ("invalid", f"日期无法识别：{raw}")


# --- Chinese numerals ----------------------------------------------------------------------------

@pytest.mark.parametrize("text,number", [
    ("12", 12), ("03", 3), ("1.5万", 15000), ("十二", 12), ("十", 10), ("二十", 20), ("叁", 3),
    ("壹万伍仟", 15000), ("二〇二三", 2023), ("1,234", 1234), ("1，234", 1234), ("一百零五", 105), ("三千二百", 3200),
    ("两亿三千万", 230000000), ("十万", 100000), ("一百十", 110), ("2亿", 200000000), ("", None), ("abc", None), ("12个", None),
])
def test_parse_number(text, number):
    from schema.numerals import parse_number
    assert parse_number(text) == number


def test_parse_int_and_has_cn_numeral():
    from schema.numerals import has_cn_numeral, parse_int
    assert parse_int("二十五") == 25 and parse_int("1.5") is None and parse_int("x") is None
    assert has_cn_numeral("二〇二三年") and has_cn_numeral("十二月") and has_cn_numeral("万")
    assert not has_cn_numeral("2023年3月")


@pytest.mark.parametrize("n,text", [
    (0, "〇"), (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"),
    (99, "九十九"), (100, "一百"), (101, "一百零一"), (105, "一百零五"), (110, "一百一十"), (115, "一百一十五"),
    (120, "一百二十"), (999, "九百九十九"), (1000, "1000"),
])
def test_cn_counting(n, text):
    from schema.numerals import cn_counting
    assert cn_counting(n) == text


# --- totals and matching keys --------------------------------------------------------------------

def test_fixed_over_found():
    from schema.totals import fixed_over_found
    where = {"found": 3, "fixed": 5, "f2": 2, "x2": 2, "f3": None, "x3": 4, "f4": True, "x4": 5, "f5": 1, "x5": "7"}
    pairs = [("found", "fixed"), ("f2", "x2"), ("f3", "x3"), ("f4", "x4"), ("f5", "x5")]
    assert fixed_over_found(where, pairs) == [("found", "fixed", 3, 5)]


def test_total_mismatches():
    from schema.totals import total_mismatches
    rows = [{"n": 3, "m": 2, "w": 0.1, "s": 1}, {"n": 6, "m": 3, "w": 0.2, "s": "两"}, "junk", {"n": None}]
    totals = {"n": 10, "m": 5, "w": 0.3, "s": 3, "b": True}
    assert total_mismatches(totals, rows, ["s", "b", "n", "m", "w"]) == [("n", 10, 9)]   # skipped keys first
    assert total_mismatches({"n": 1.00001}, [{"n": 1}], ["n"]) == [("n", 1.00001, 1)]
    assert total_mismatches({"n": 1.0000001}, [{"n": 1}], ["n"]) == []


def test_keys():
    from schema.keys import compact, description_key, enterprise_key, label_key, unit_key, word_key
    assert compact(" 北 石\t店 ") == "北石店" and compact(None) == "" and compact("ＡＢ１") == "AB1"
    assert word_key("ok ") == "OK"
    assert label_key("单位 名称：") == "单位名称" and label_key("Unit_Name") == "unitname"
    assert enterprise_key("北石店（镇） 煤矿【一】") == "北石店(镇)煤矿(一)" and enterprise_key(None) == ""
    assert description_key("①消防通道堵塞。") == "消防通道堵塞"
    assert description_key("1. 配电箱未接地；") == "配电箱未接地" and description_key(None) == ""
    suffixes = ["政府", "人民政府"]
    assert unit_key("北石店镇人民政府", suffixes) == "北石店镇"       # the longer suffix first
    assert unit_key(" 北石店镇 政府 ", suffixes) == "北石店镇"
    assert unit_key("乡镇政府", suffixes) == "乡镇"
    assert unit_key("镇政府", suffixes) == "镇政府"                 # would leave one character
    assert unit_key("北石店镇", suffixes) == "北石店镇"


# --- numbering marks -----------------------------------------------------------------------------

def test_heading_marks():
    from schema.marks import heading_mark, mark_level
    assert heading_mark("一、总体要求") == (1, 2)
    assert heading_mark("（一）工作目标") == (2, 3)
    assert heading_mark("1.具体措施") == (3, 2)
    assert heading_mark("（1）细则") == (4, 3)
    assert heading_mark("正文") == (0, 0) and heading_mark("1.5米") == (0, 0)
    assert mark_level("  （二）分工") == 2 and mark_level("各单位") == 0


@pytest.mark.parametrize("text,number", [
    ("⑫消防", 12), ("⑵通道", 2), ("①配电", 1), ("第十二，检查", 12), ("十一、总结", 11), ("（3）出口", 3), ("二是落实", 2),
])
def test_leading_mark_numbers(text, number):
    from schema.marks import leading_mark, mark_number
    assert mark_number(leading_mark(text)) == number


def test_strip_and_split():
    from schema.marks import NUMBERED_CELL, leading_mark, split_items, strip_leading_mark
    assert strip_leading_mark("  ① 消防通道") == "消防通道"
    assert strip_leading_mark("第3项 灭火器") == "灭火器"
    assert strip_leading_mark("正文1.") == "正文1."
    assert leading_mark("1.5米高") is None and leading_mark("统一是否") is None
    assert [m.group().strip() for m in split_items("1.甲 2.乙，长2.5米 3.丙")] == ["1.", "2.", "3."]
    assert len(split_items("1.甲 3.乙 2.丙")) == 2
    assert len(split_items("一是加强，二是落实")) == 2
    assert [bool(NUMBERED_CELL.match(s)) for s in ("12", "3.", "1.1", "a", "1项")] == [True, True, True, False, False]


# --- normalize, second round ---------------------------------------------------------------------

def test_negative_item_regex_built_from_the_vocabulary():
    """The regex itself (vocab() caches it once per process, so build it here)."""
    from schema.normalize import _negative_item_rx
    rx = _negative_item_rx({"negations": ["无", "不"], "words": ["堵塞", "占用"]})
    assert rx.search("通道堵塞") and rx.search("通道被占用") and rx.search("占用")
    assert not rx.search("通道无堵塞") and not rx.search("通道不被占用") and not rx.search("通道畅通")


@pytest.mark.parametrize("raw,want", [
    (dt.datetime(2023, 3, 5, 8, 30), "2023-03-05 08:30:00"), (dt.datetime(2023, 3, 5), "2023-03-05"),
    ("Safety   First", "Safety First"),
    ("配电箱未设漏电\x0b保护", "配电箱未设漏电保护"),              # Excel's in-cell line break
    ("FIX\nNOW", "FIX NOW"), ("配电箱\nABC", "配电箱ABC"), ("配电x\ny配", "配电x y配"),
])
def test_text_cells(raw, want):
    assert normalize("text", raw).value == want


def test_fractions_in_text():
    assert normalize("count", "2.5项").warning == ("invalid", "数量无法识别：2.5项")
    assert normalize("money_wan", "1.23456789万").value == 1.234568


@pytest.mark.parametrize("raw,want", [
    ("消防通道堵塞 1.灭火器过期 2.出口锁闭", ["消防通道堵塞", "灭火器过期", "出口锁闭"]),   # text before the list
    ("1.甲；\n乙 2.丙", ["甲；乙", "丙"]),
])
def test_items_lead_and_line_breaks(raw, want):
    assert normalize("items", raw).value == want


def test_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown value kind 'colour'; known: date, month, count, money_wan"):
        normalize("colour", "红")


# --- schema/validate.py ---------------------------------------------------------------------------

def _warnings(record):
    return [(w["field"], w["code"], w["message"]) for w in record.warnings]


def test_a_path_into_a_text_or_through_a_list_is_absent():
    from schema.record import Record
    from schema.validate import _MISSING, apply_rules, get_value
    r = Record("enterprise_register", data={"name": "长治市宏达化工有限公司", "rows": [{"unit": "甲"}]})
    assert get_value(r, "name.first") is _MISSING and get_value(r, "rows.unit") is _MISSING
    assert get_value(r, "nothing.deeper") is _MISSING and get_value(r, "rows[3].unit") is _MISSING
    assert get_value(r, "rows[0].unit") == "甲"
    apply_rules(r, [{"rule": "required", "fields": ["name.first"]}])
    assert [w[:2] for w in _warnings(r)] == [("data.name.first", "required")]


def test_every_index_of_nested_lists():
    from schema.record import Record
    from schema.validate import apply_rules, expand
    r = Record("campaign_stats", data={"rows": [{"checks": [{"result": "合格"}, {"result": ""}]},
                                                {"checks": [{"result": None}]}]})
    assert list(expand(r, "rows[].checks[].result")) == [
        "data.rows[0].checks[0].result", "data.rows[0].checks[1].result", "data.rows[1].checks[0].result"]
    apply_rules(r, [{"rule": "required", "fields": ["rows[].checks[].result"]}])
    assert [w[0] for w in _warnings(r)] == ["data.rows[0].checks[1].result", "data.rows[1].checks[0].result"]


def test_fractions_in_messages_and_rows_scope():
    from schema.record import Record
    from schema.validate import apply_rules
    r = Record("campaign_stats", data={"general_hazards_found": 1, "general_hazards_fixed": 9,   # data: ignored
                                       "rows": [{"general_hazards_found": 0.5, "general_hazards_fixed": 1.5}]})
    apply_rules(r, [{"rule": "fixed_le_found", "scope": "rows",
                     "pairs": [["general_hazards_found", "general_hazards_fixed"]]}])
    assert _warnings(r) == [("data.rows[0].general_hazards_fixed", "fixed_exceeds_found",
                             "一般隐患整改（1.5）大于一般隐患排查（0.5）")]


def test_fixed_le_found_without_rows_checks_data_only():
    from schema.record import Record
    from schema.validate import apply_rules
    r = Record("progress_dispatch", data={"self_found": 4, "self_fixed": 6, "rows": None})
    apply_rules(r, [{"rule": "fixed_le_found", "pairs": [["self_found", "self_fixed"]]}])
    assert [w[:2] for w in _warnings(r)] == [("data.self_fixed", "fixed_exceeds_found")]


def test_date_order_with_one_date_missing_says_nothing():
    from schema.record import Record
    from schema.validate import apply_rules
    rule = [{"rule": "date_order", "first": "check_date", "then": "recheck_date"}]
    for data in ({"check_date": "2023-03-05", "recheck_date": None}, {"check_date": None, "recheck_date": "2023-03-01"},
                 {"check_date": "2023-03-05"}):
        r = Record("supervision_check", data=data)
        apply_rules(r, rule)
        assert r.warnings == []


def test_credit_code_rule_reads_credit_code_by_default():
    from schema.record import Record
    from schema.validate import apply_rules
    good = "91140500MA0GRX1A2" + check_char("91140500MA0GRX1A2")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = Record("enterprise_register", data={"credit_code": bad, "other_code": bad})
    apply_rules(r, [{"rule": "credit_code"}])
    assert _warnings(r) == [("data.credit_code", "checksum", "统一社会信用代码校验位不符")]


def test_a_bare_index_segment_indexes_the_list_itself():
    from schema.record import Record
    from schema.validate import _MISSING, get_value
    r = Record("campaign_stats", data={"rows": [{"unit": "甲"}, {"unit": "乙"}]})
    assert get_value(r, "rows.[1].unit") == "乙" and get_value(r, "rows.[2]") is _MISSING


def test_validate_edges_second_round():
    from schema.record import Record
    from schema.validate import _MISSING, apply_rules, expand, get_value, low_confidence
    r = Record("campaign_stats", header={"reporting_unit": "北石店镇"}, source={"file": "统计表.xlsx"},
               data={"name": "文字", "rows": ["（空）", {"general_hazards_found": 1, "general_hazards_fixed": 2,
                                                      "credit_code": "91140500MA0GRX1A2X"}]})
    assert get_value(r, "source.file") == "统计表.xlsx" and get_value(r, "nothing") is _MISSING
    assert list(expand(r, "name[]")) == [] and list(expand(r, "missing[]")) == []
    assert low_confidence(r, "name", 0.8, 0.8) is False and r.warnings == []      # at the threshold: fine
    apply_rules(r, [{"rule": "required", "fields": ["source.sheet"]},
                    {"rule": "fixed_le_found", "scope": "rows",
                     "pairs": [["general_hazards_found", "general_hazards_fixed"]]},
                    {"rule": "credit_code", "field": "rows[].credit_code"}])
    assert [w[:2] for w in _warnings(r)] == [("source.sheet", "required"),
                                             ("data.rows[1].general_hazards_fixed", "fixed_exceeds_found"),
                                             ("data.rows[1].credit_code", "checksum")]


def test_totals_only_the_keys_asked_for_and_large_numbers():
    from schema.record import Record
    from schema.validate import apply_rules
    rows = [{"general_hazards_found": 600000, "general_hazards_fixed": 1}, {"general_hazards_found": 400000,
                                                                          "general_hazards_fixed": 1}]
    r = Record("campaign_stats", data={"rows": rows, "totals": {"general_hazards_found": 1200000,
                                                                 "general_hazards_fixed": 3}})
    apply_rules(r, [{"rule": "totals", "keys": ["general_hazards_found"]}])
    assert _warnings(r) == [("data.totals.general_hazards_found", "total",
                             "一般隐患排查合计栏填写为1200000，各行相加应为1000000")]
    bare = Record("campaign_stats", data={"rows": None, "totals": {"general_hazards_found": 3}})
    apply_rules(bare, [{"rule": "totals"}])
    assert bare.warnings == []


def test_an_unknown_rule_names_the_known_ones():
    from schema.record import Record
    from schema.validate import apply_rules
    with pytest.raises(ValueError) as e:
        apply_rules(Record("campaign_stats", data={}), [{"rule": "sum_of_squares"}])
    assert str(e.value) == ("unknown validation rule {'rule': 'sum_of_squares'}; "
                            "known: required, fixed_le_found, totals, date_order, credit_code")


# --- schema/spec.py ---------------------------------------------------------------------------------

def _gas_spec(tmp_path, ledger_block):
    from pathlib import Path
    from schema.spec import load_spec_file
    extra = Path(__file__).parent / "specs_extra" / "yaml_only" / "gas_weekly.yaml"
    text = extra.read_text(encoding="utf-8").split("\nledger:")[0].replace("form_type: gas_weekly", "form_type: gas_x")
    path = tmp_path / "燃气表.yaml"
    path.write_text(text + "\n" + ledger_block + "\n", encoding="utf-8")
    return load_spec_file(path)


def test_ledger_block_defaults(tmp_path):
    spec = _gas_spec(tmp_path, "ledger: {subject: unit, supersede: [unit, period], cadence: week,\n"
                               "  stats: {rows: data.rows, unit: row.unit},\n"
                               "  hazards: [{rows: data.rows, description: row.unit}]}")
    st, hz = spec.ledger.stats, spec.ledger.hazards[0]
    assert (st.layout, st.sheet, st.unit_word, st.cumulative) == ("matrix", "", "单位", False)
    assert (hz.question, hz.origin) == (False, "")


@pytest.mark.parametrize("hazards,message", [
    ("[{rows: data.rows, description: row.unit, note: {when: {any: [row.unit], in: [甲]}}}]",
     "ledger.hazards[0].note：缺少必填键 text"),
    ("[{rows: data.rows, description: row.unit, when: {any: [unit], in: [甲]}}]", "ledger.hazards[0].when.any"),
])
def test_ledger_block_errors_name_the_place(tmp_path, hazards, message):
    from schema.spec import SpecError
    with pytest.raises(SpecError) as e:
        _gas_spec(tmp_path, f"ledger: {{subject: unit, supersede: [unit, period], cadence: week, hazards: {hazards}}}")
    assert message in str(e.value) and "燃气表.yaml" in str(e.value)


def test_field_defaults_and_kind_of():
    from schema.spec import load_spec
    stats = load_spec("campaign_stats")
    unit = next(c for c in stats.columns if c.key == "unit")
    assert (unit.unit, unit.label_fallback) == ("", "")
    assert stats.kind_of("data.rows[0].general_hazards_found") == "count"
    assert stats.kind_of("data.totals.general_hazards_found") == "count"
    assert stats.kind_of("header.fill_date") == "date"
    reg = load_spec("enterprise_register")
    assert (reg.kind_of("data.principal.mobile"), reg.kind_of("data.principal.name")) == ("phone", "text")
    assert reg.kind_of("data.nothing") is None


def test_stats_layout_and_a_part_without_a_unit(tmp_path):
    from pathlib import Path
    from schema.spec import load_spec, load_spec_file
    assert load_spec("progress_dispatch").ledger.stats.layout == "indicators"
    src = Path(__file__).parent.parent / "schema" / "forms" / "campaign_stats.yaml"
    text = src.read_text(encoding="utf-8")
    assert "kind: money_wan, unit: 万元}]}" in text
    copy = tmp_path / "campaign_stats.yaml"
    copy.write_text(text.replace("kind: money_wan, unit: 万元}]}", "kind: money_wan}]}"), encoding="utf-8")
    fines = next(c for c in load_spec_file(copy).columns if c.parts)
    assert [(p.key, p.unit) for p in fines.parts] == [("fines_wan", "")]
