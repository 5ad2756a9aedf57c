"""Validation rules: each adds the right warning to a small record and never changes a value."""
import copy

import pytest

from schema.credit_code import check_char
from schema.record import Record
from schema.validate import apply_rules, low_confidence


def codes(record):
    return [(w["field"], w["code"]) for w in record.warnings]


def stats_record():
    return Record("campaign_stats", header={"reporting_unit": "北石店镇"}, data={
        "rows": [
            {"unit": "第一检查组", "general_hazards_found": 3, "general_hazards_fixed": 5, "fines_wan": 0.1},
            {"unit": None, "general_hazards_found": 2, "general_hazards_fixed": 2, "fines_wan": 0.2},
        ],
        "totals": {"general_hazards_found": 6, "general_hazards_fixed": 7, "fines_wan": 0.3},
    })


def test_required_on_data_nested_header_and_rows():
    r = Record("enterprise_register", header={"fill_date": None},
               data={"name": "", "principal": {"name": "张三", "mobile": None}, "safety_org": {"staff": []}})
    apply_rules(r, [{"rule": "required",
                     "fields": ["name", "principal.name", "principal.mobile", "safety_org.staff",
                                "industry", "header.fill_date", "header.reporting_unit"]}])
    assert codes(r) == [("data.name", "required"), ("data.principal.mobile", "required"),
                        ("data.safety_org.staff", "required"), ("data.industry", "required"),
                        ("header.fill_date", "required"), ("header.reporting_unit", "required")]
    assert r.warnings[0]["message"] == "单位名称未填写"
    assert r.warnings[1]["message"] == "主要负责人手机未填写"
    assert r.warnings[4]["message"] == "填报日期未填写"


def test_required_every_row():
    r = stats_record()
    apply_rules(r, [{"rule": "required", "fields": ["rows[].unit"]}])
    assert codes(r) == [("data.rows[1].unit", "required")]
    assert r.warnings[0]["message"] == "检查组/单位未填写"


def test_fixed_le_found_in_rows():
    r = stats_record()
    before = copy.deepcopy(r.data)
    apply_rules(r, [{"rule": "fixed_le_found", "pairs": [["general_hazards_found", "general_hazards_fixed"]]}])
    assert codes(r) == [("data.rows[0].general_hazards_fixed", "fixed_exceeds_found")]
    assert r.warnings[0]["message"] == "一般隐患整改（5）大于一般隐患排查（3）"
    assert r.data == before                                   # values untouched


def test_fixed_le_found_in_data_for_dispatch():
    r = Record("progress_dispatch", header={"village": "东沟村"},
               data={"self_found": 4, "self_fixed": 6, "enforcement_found": 2, "enforcement_fixed": 2,
                     "reported_found": None, "reported_fixed": 1, "assigned_found": "若干", "assigned_fixed": 3})
    pairs = [["self_found", "self_fixed"], ["enforcement_found", "enforcement_fixed"],
             ["reported_found", "reported_fixed"], ["assigned_found", "assigned_fixed"]]
    apply_rules(r, [{"rule": "fixed_le_found", "pairs": pairs, "scope": "data"}])
    assert codes(r) == [("data.self_fixed", "fixed_exceeds_found")]   # blanks/unreadable are not compared
    assert r.warnings[0]["message"] == "企业自查已完成整改（6）大于企业自查发现（4）"


def test_fixed_le_found_scope_rows_ignores_data():
    r = Record("campaign_stats", data={"general_hazards_found": 1, "general_hazards_fixed": 2, "rows": []})
    apply_rules(r, [{"rule": "fixed_le_found", "scope": "rows",
                     "pairs": [["general_hazards_found", "general_hazards_fixed"]]}])
    assert r.warnings == []


def test_totals_names_written_and_expected():
    r = stats_record()
    apply_rules(r, [{"rule": "totals", "keys": ["general_hazards_found", "general_hazards_fixed", "fines_wan"]}])
    # 3+2=5 ≠ 6; 5+2=7 ok; 0.1+0.2 == 0.3 within rounding
    assert codes(r) == [("data.totals.general_hazards_found", "total")]
    assert r.warnings[0]["message"] == "一般隐患排查合计栏填写为6，各行相加应为5"


def test_totals_without_keys_checks_every_total_and_skips_unreadable():
    r = stats_record()
    r.data["rows"][1]["fines_wan"] = "很多"                  # has its own invalid warning
    apply_rules(r, [{"rule": "totals"}])
    assert codes(r) == [("data.totals.general_hazards_found", "total")]


def test_date_order():
    r = Record("supervision_check", data={"check_date": "2023-03-05", "deadline": "2023-03-31",
                                          "recheck_date": "2023-03-01"})
    rules = [{"rule": "date_order", "first": "check_date", "then": "deadline"},
             {"rule": "date_order", "first": "check_date", "then": "recheck_date"}]
    apply_rules(r, rules)
    assert codes(r) == [("data.recheck_date", "date_order")]
    assert r.warnings[0]["message"] == "回查日期（2023-03-01）早于检查日期（2023-03-05）"


def test_date_order_month_and_unreadable_dates():
    r = Record("supervision_check", data={"check_date": "2023-03-05", "recheck_date": "2023-03",
                                          "deadline": "立即整改"})
    apply_rules(r, [{"rule": "date_order", "first": "check_date", "then": "recheck_date"},
                    {"rule": "date_order", "first": "check_date", "then": "deadline"}])
    assert r.warnings == []
    r.data["recheck_date"] = "2023-02"
    apply_rules(r, [{"rule": "date_order", "first": "check_date", "then": "recheck_date"}])
    assert codes(r) == [("data.recheck_date", "date_order")]


def test_credit_code_checksum_once():
    good = "91140500MA0GRX1A2" + check_char("91140500MA0GRX1A2")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = Record("enterprise_register", data={"credit_code": bad})
    rule = [{"rule": "credit_code", "field": "credit_code"}]
    apply_rules(r, rule)
    apply_rules(r, rule)                                      # no duplicate warning
    assert codes(r) == [("data.credit_code", "checksum")]
    assert r.warnings[0]["message"] == "统一社会信用代码校验位不符"
    ok = Record("enterprise_register", data={"credit_code": good})
    apply_rules(ok, rule)
    assert ok.warnings == []


def test_low_confidence():
    r = stats_record()
    assert low_confidence(r, "rows[0].unit", 0.55, 0.8)
    assert not low_confidence(r, "rows[1].unit", 0.93, 0.8)
    assert not low_confidence(r, "rows[1].unit", None)
    assert codes(r) == [("data.rows[0].unit", "low_confidence")]
    assert "需人工核对" in r.warnings[0]["message"] and "0.55" in r.warnings[0]["message"]


def test_unknown_rule_is_a_spec_error():
    with pytest.raises(ValueError):
        apply_rules(stats_record(), [{"rule": "sum_of_squares"}])
