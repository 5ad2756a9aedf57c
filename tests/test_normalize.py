"""Value normalisation: every row of SCHEMA.md's table, plus what fillers really write."""
import datetime as dt

import pytest

from schema.credit_code import check_char, is_valid
from schema.normalize import Normalized, normalize

CASES = {
    "date": [
        ("2023年3月5日", "2023-03-05"), ("2023.3.5", "2023-03-05"), ("2023-3-5", "2023-03-05"),
        ("2023/03/05", "2023-03-05"), ("二〇二三年三月五日", "2023-03-05"), ("23年3月5日", "2023-03-05"),
        ("二〇二三年十二月三十一日", "2023-12-31"), ("二○二三年十月一日", "2023-10-01"),
        ("２０２３年３月５日", "2023-03-05"), ("2023 年 3 月 5 日", "2023-03-05"),
        ("2023年03月05号", "2023-03-05"), ("2023年3月31日前", "2023-03-31"),
        ("2023-03-05 00:00:00", "2023-03-05"), ("20230305", "2023-03-05"),
        (dt.datetime(2023, 3, 5, 0, 0), "2023-03-05"), (dt.date(2023, 3, 5), "2023-03-05"),
        (44990, "2023-03-05"), (44990.0, "2023-03-05"),
        ("2023年3月", "2023-03"), ("2021年9月 日", "2021-09"), ("2023.3", "2023-03"),
        ("2023年 月 日", None), ("    年  月  日", None), ("", None), (None, None),
        ("2023 年 ____月 ____日", None), ("2023 年 __9__月 __15__日", "2023-09-15"),   # seed 002's blank
        ("填报日期：2023年3月5日", "2023-03-05"), ("时间：2023 年 9 月 15 日", "2023-09-15"),
    ],
    "month": [("2023年9月", "2023-09"), ("2021年9月 日", "2021-09"), ("统计时间：2021年9月 日", "2021-09"), ("2023-09-05", "2023-09"),
              ("二〇二三年九月", "2023-09"), (None, None)],
    "count": [
        (3, 3), (3.0, 3), ("3", 3), ("３", 3), ("3项", 3), ("3家", 3), ("3 项", 3), ("5家次", 5),
        ("三", 3), ("叁", 3), ("十二", 12), ("二十", 20), ("一百零五", 105), ("共12处", 12),
        ("—", 0), ("/", 0), ("无", 0), ("0", 0), ("——", 0), ("－", 0),
        ("", None), ("  ", None), (None, None),
    ],
    "money_wan": [
        (1.5, 1.5), (2, 2.0), ("1.5", 1.5), ("1.5万", 1.5), ("15000元", 1.5), ("壹万伍仟元", 1.5),
        ("1.5万元", 1.5), ("15,000元", 1.5), ("5千元", 0.5), ("￥3000元", 0.3), ("无", 0.0), ("", None),
    ],
    "mark": [
        ("√", "yes"), ("✓", "yes"), ("✔", "yes"), ("是", "yes"), ("符合", "yes"), ("☑", "yes"),
        ("×", "no"), ("✗", "no"), ("✘", "no"), ("否", "no"), ("不符合", "no"), ("☒", "no"),
        ("0", "rectifying"), (0, "rectifying"), ("○", "rectifying"), ("〇", "rectifying"),
        ("整改中", "rectifying"),
        ("", None), (None, None), ("无", None), ("—", None), ("不涉及", None), ("□", None),
        ("☑是 □否", "yes"), ("□是 ☑否", "no"), ("是□ 否☑", "no"), ("☒符合 □不符合", "yes"),
        ("□符合 □不符合", None), (" √ ", "yes"),
        ("\uf0fc", "yes"), ("\uf0fb", "no"), ("\uf050", "yes"), ("\uf0fe是 \uf0a8否", "yes"),
    ],
    "yes_no": [("是", True), ("有", True), ("√", True), ("否", False), ("无", False), ("×", False),
               ("☑有 □无", True), ("□有 ☑无", False), ("", None)],
    "phone": [
        ("0356-2286336", "0356-2286336"), ("03562286336", "0356-2286336"), ("13513583104", "13513583104"),
        ("135 1358 3104", "13513583104"), ("+86 135 1358 3104", "13513583104"),
        ("135-1358-3104", "13513583104"), (13513583104, "13513583104"), (13513583104.0, "13513583104"),
        ("(0356)2286336", "0356-2286336"), ("0356－2286336", "0356-2286336"),
        ("010-12345678", "010-12345678"), ("02112345678", "021-12345678"), ("２２８６３３６", "2286336"),
        ("0356-2286336/13513583104", "0356-2286336、13513583104"), ("", None),
    ],
    "credit_code": [("91350100M000100Y43", "91350100M000100Y43"), ("91350100m000100y43", "91350100M000100Y43"),
                    ("9135 0100 M000 100Y 43", "91350100M000100Y43"), ("", None)],
    "text": [
        ("  赵 强  ", "赵强"), ("电 话", "电话"), ("ＡＢＣ１２３", "ABC123"),
        ("北石店镇，（东沟村）：。", "北石店镇，（东沟村）：。"),   # Chinese punctuation kept
        ("配电箱未设漏电\n保护", "配电箱未设漏电保护"), ("1.配电箱\n2.消防通道", "1.配电箱\n2.消防通道"),
        ("配电箱；\n消防通道", "配电箱；\n消防通道"), ("Safety\nFirst", "Safety First"),
        ("无", "无"), ("   ", None), (None, None), (12, "12"), ("a\u200bb", "ab"),
    ],
    "person": [
        ("张三 13512345678", {"name": "张三", "mobile": "13512345678"}),
        ("张三13512345678", {"name": "张三", "mobile": "13512345678"}),
        ("李四（手机：135 1234 5678）", {"name": "李四", "mobile": "13512345678"}),
        (("赵 强", "135 1358 3104"), {"name": "赵强", "mobile": "13513583104"}),
        (["张三", None], {"name": "张三", "mobile": None}),
        (("张三 13512345678", ""), {"name": "张三", "mobile": "13512345678"}),
        ({"name": "王五", "mobile": "0356-2286336"}, {"name": "王五", "mobile": "0356-2286336"}),
        ("张三", {"name": "张三", "mobile": None}), (None, None), (("", ""), None),
    ],
    "names": [
        ("张三、李四,王五 赵六", ["张三", "李四", "王五", "赵六"]), ("张三，李四；王五;赵六", ["张三", "李四", "王五", "赵六"]),
        ("张三\n李四", ["张三", "李四"]), ("赵  强", ["赵强"]), ("张三、李四等", ["张三", "李四"]),
        (["张三、李四", "王五"], ["张三", "李四", "王五"]), ("无", []), ("", None),
    ],
    "items": [
        ("1.配电箱未设漏电保护；2.消防通道堵塞", ["配电箱未设漏电保护", "消防通道堵塞"]),
        ("1、配电箱未设漏电保护\n2、消防通道堵塞", ["配电箱未设漏电保护", "消防通道堵塞"]),
        ("（1）配电箱未设漏电保护（2）消防通道堵塞", ["配电箱未设漏电保护", "消防通道堵塞"]),
        ("配电箱未设漏电保护；消防通道堵塞", ["配电箱未设漏电保护", "消防通道堵塞"]),
        ("①配电箱②通道", ["配电箱", "通道"]),
        ("存在问题：1.护栏高度2.5米不足；2.消防通道堵塞", ["护栏高度2.5米不足", "消防通道堵塞"]),
        ("1.灭火器过期。", ["灭火器过期"]), ("１．灭火器过期２．通道堵塞", ["灭火器过期", "通道堵塞"]),
        ("一、未培训\n二、无台账", ["未培训", "无台账"]), ("第1、2号车间无标识", ["第1、2号车间无标识"]),
        (["1.甲；2.乙", "丙"], ["甲", "乙", "丙"]), ("无", []), ("", None),
        ("1、配电箱\n2.灭火器\n（3）出口\n④无证\n• 演练", ["配电箱", "灭火器", "出口", "无证", "演练"]),
        ("• 甲\n● 乙", ["甲", "乙"]), ("甲-乙", ["甲-乙"]),
        ("经检查发现：仓库堆放过高；消防通道被占用。", ["仓库堆放过高", "消防通道被占用"]),
        ("配电箱：未上锁；灭火器：过期", ["配电箱：未上锁", "灭火器：过期"]),
        ("一是消防通道堵塞；二是灭火器过期。", ["消防通道堵塞", "灭火器过期"]),
        ("⑴通道堵塞⑵灭火器过期", ["通道堵塞", "灭火器过期"]), ("第一，通道堵塞；第二，无培训", ["通道堵塞", "无培训"]),
        ("标识不统一是问题；通道堵塞", ["标识不统一是问题", "通道堵塞"]),
    ],
}


@pytest.mark.parametrize("kind,raw,expected",
                         [(k, raw, exp) for k, rows in CASES.items() for raw, exp in rows])
def test_schema_table(kind, raw, expected):
    r = normalize(kind, raw)
    assert r == Normalized(expected, None), (kind, raw, r)
    assert type(r.value) is type(expected)         # 3 is an int, 1.5 a float, never "3"


@pytest.mark.parametrize("kind,raw,message", [
    ("date", "2023年2月30日", "日期无法识别：2023年2月30日"),
    ("date", "2023年13月1日", "日期无法识别：2023年13月1日"),
    ("date", "2023-02-29", "日期无法识别：2023-02-29"),
    ("date", "立即整改", "日期无法识别：立即整改"),
    ("date", "3月5日", "日期无法识别：3月5日"),
    ("month", "2023年13月", "月份无法识别：2023年13月"),
    ("count", "若干", "数量无法识别：若干"),
    ("count", 2.5, "数量无法识别：2.5"),
    ("money_wan", "很多", "金额无法识别：很多"),
    ("mark", "还行", "标记无法识别：还行"),
    ("yes_no", "不清楚", "是否无法识别：不清楚"),
    ("phone", "12345", "电话号码无法识别：12345"),
    ("phone", "0356-22863", "电话号码无法识别：0356-22863"),
])
def test_unreadable_value_is_kept_with_warning(kind, raw, message):
    r = normalize(kind, raw)
    assert r.warning == ("invalid", message)
    assert r.value == str(raw).strip()             # kept as read


def test_leap_day_is_a_date():
    assert normalize("date", "2024年2月29日").value == "2024-02-29"


def _valid_code(first17: str) -> str:
    return first17 + check_char(first17)


def test_check_char_known_codes():
    # published codes (the GB 32100-2015 example and a listed company)
    assert is_valid("91350100M000100Y43")
    assert is_valid("91110000802100433B")
    assert check_char("91350100M000100Y4") == "3"


# GB 32100-2015 by hand: character values 0-9 → 0-9, A=10 B=11 … H=17, J=18 … N=22, P=23 Q=24 R=25
# T=26 U=27 W=28 X=29 Y=30; weights 3^i mod 31; check value = 31 − (Σ value × weight) mod 31, 31 → 0.
#   北京字节跳动科技有限公司 911101085923662400: Σ = 992 = 32 × 31, 31 − 0 = 31 → 0
#   上海倾信互联网金融信息服务有限公司 91310000332725243Y (组织机构代码 332725243):
#   Σ = 714 = 23 × 31 + 1, 31 − 1 = 30 → Y
@pytest.mark.parametrize("code", ["911101085923662400", "91310000332725243Y"])
def test_published_codes_with_check_char_0_and_y(code):
    """The two check values a modulus slip loses first (0 and 30) on real published codes."""
    assert is_valid(code)
    assert check_char(code[:17]) == code[17]
    assert normalize("credit_code", code) == Normalized(code)
    for other in "0Y":
        if other != code[17]:
            assert not is_valid(code[:17] + other)


def test_credit_code_tables_are_the_standard():
    from schema.credit_code import CHARSET, WEIGHTS
    assert CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY"             # no I O S V Z
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_credit_code_computed_valid_and_wrong_check_char():
    code = _valid_code("91140500MA0GRX1A2")
    assert is_valid(code)
    assert normalize("credit_code", code.lower()) == Normalized(code)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    r = normalize("credit_code", wrong)
    assert r.value == wrong
    assert r.warning == ("checksum", "统一社会信用代码校验位不符")


def test_credit_code_rejects_letters_outside_the_set_and_wrong_length():
    assert not is_valid("91350100M000100I43")         # I is not in the GB 32100 set
    with pytest.raises(ValueError):
        check_char("91350100M000100O4")
    r = normalize("credit_code", "140500123456")         # an old 注册号: kept, flagged
    assert r.value == "140500123456" and r.warning[0] == "invalid"


def test_person_with_bad_number_keeps_it_and_warns():
    r = normalize("person", "王五 1351234")
    assert r.value == {"name": "王五", "mobile": "1351234"}
    assert r.warning[0] == "invalid"


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        normalize("colour", "红")


@pytest.mark.parametrize("raw,want", [
    ("2023年3月1日至3月31日", "2023-03"),      # a whole month
    ("2023.3.1-2023.3.31", "2023-03"),
    ("2023年3月1日-3月7日", "2023-03-07"),     # a week: its end date
    ("2023年3月28日至4月3日", "2023-04-03"),
    ("2023年2月1日至2月28日", "2023-02"),
    # a span starting mid-month is not the whole month, even when it runs to the month's end
    ("2023年3月15日至3月31日", "2023-03-31"), ("2023.3.2-2023.3.31", "2023-03-31"),
    ("2023年2月2日至2月28日", "2023-02-28"), ("2023年3月15日至4月10日", "2023-04-10"),
    ("2023年3月1日至3月30日", "2023-03-30"),      # from the 1st, but short of the 31st
    ("2024年2月1日至2月29日", "2024-02"),          # leap February, whole
])
def test_date_span_is_one_period(raw, want):
    assert normalize("date", raw) == Normalized(want)


@pytest.mark.parametrize("raw", ["5（家）", "5(家)", "5 (个)"])
def test_count_with_bracketed_unit(raw):
    assert normalize("count", raw) == Normalized(5)


@pytest.mark.parametrize("item,negative", [
    ("是否存在埋压、圈占消防栓现象", True), ("生产车间电源线路是否存在老化现象或存在乱搭线现象", True),
    ("是否使用易燃液体擦洗设备", True), ("消防车通道是否被占用", True), ("安全出口是否锁闭", True),
    ("员工宿舍是否超员居住", True), ("是否有私拉乱接电线", True),
    ("厂房是否禁止使用易燃液体清洁地面", False), ("疏散通道是否畅通、无堵塞", False), ("通道是否不被占用", False),
    ("存在的隐患是否整改到位", False), ("是否建立健全安全生产责任制和规章制度", False), ("重大危险源监测、评估", False),
])
def test_item_asked_negatively(item, negative):
    from schema.normalize import asked_negatively
    assert asked_negatively(item) is negative


@pytest.mark.parametrize("raw,negative,want", [
    ("是", False, "yes"), ("否", False, "no"), ("有", False, "yes"), ("没有", False, "no"),
    ("是", True, "no"), ("否", True, "yes"), ("☑是 ☐否", True, "no"), ("☐是 ☑否", True, "yes"),
    ("是☑ 否□", False, "yes"),
    ("√", True, None), ("×", True, None), ("符合", True, None), ("", True, None), ("☐是 ☐否", True, None),
])
def test_yes_no_answer_as_mark(raw, negative, want):
    """是 / 否 words turn round on an item asked negatively; marks and other words are not answers."""
    from schema.normalize import answer_mark
    got = answer_mark(raw, negative)
    assert (got.value if got else None) == want


def test_conforming_header():
    from schema.normalize import conforming_header
    assert conforming_header("是否符合") and conforming_header("是否 符合")
    assert not conforming_header("自查结果")


@pytest.mark.parametrize("text, expected", [
    ("2023年2月28日", (2023, 2, 28)), ("2024年2月29日", (2024, 2, 29)), ("2023年4月30日", (2023, 4, 30)),
    ("2023年2月29日", None), ("2023年2月30日", None), ("2023年4月31日", None), ("二〇二三年六月三十一日", None),
])
def test_find_date_knows_month_lengths(text, expected):
    """An impossible 年月日 date is not a date: `fix_dates` leaves it as written for the checker to report."""
    from schema.dates import find_date, fix_dates
    assert find_date(text) == expected
    if expected is None:
        assert fix_dates(f"于{text}前报送") == f"于{text}前报送"
