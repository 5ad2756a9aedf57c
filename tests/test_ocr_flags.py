"""What an OCR'd record cannot be trusted on (parsers/ocr/trust.py, issue 14): every wrong field flagged,
few right ones. Records as the recogniser makes them from a scan, with the cells they were read from."""
from __future__ import annotations

import pytest

from parsers.model import Cell, Paragraph
from parsers.ocr import trust
from schema.record import Record
from schema.spec import load_spec


def cell(text: str, conf: float = 0.99) -> Cell:
    return Cell(text=text, row=0, col=0, confidence=conf)


def flags(rec: Record) -> set[tuple[str, str]]:
    return {(w["field"], w["code"]) for w in rec.warnings}


def checked(form_type: str, header: dict, data: dict, where: dict, warnings=()) -> Record:
    spec = load_spec(form_type)
    rec = Record(form_type=form_type, header=header, data=data)
    for path, code in warnings:
        rec.warn(path, code, "")
    trust.check(rec, spec, where)
    return rec


def test_thresholds_are_per_value_kind_and_stated_in_the_defaults():
    """A count read at 0.93 is doubted, a √ at 0.5 is not; a text at 0.6 is doubted; a 自查表 item
    read at 0.4 that is exactly its printed text is trusted; the generic flag is replaced."""
    limits = trust.settings()["min_confidence"]
    assert limits["count"] > 0.9 and limits["mark"] < 0.5 and trust.correct_min() >= 0.8
    item = "是否制定了工作岗位操作规程"
    rec = checked("self_check", {"fill_date": "2023-03-08"},
                  {"enterprise": {"name": "晋城市城区宏达建材有限公司", "principal": "王建国"},
                   "items": [{"no": 4, "category": "机构培训制度", "content": item,
                              "self_result": "yes", "check_result": "yes"}]},
                  {"header.fill_date": Paragraph("填报日期：2023年3月8日", 0.88),
                   "data.enterprise.name": cell("晋城市城区宏达建材有限公司", 0.6),
                   "data.enterprise.principal": cell("王建国", 0.97),
                   "data.items[0].content": cell(item, 0.4),
                   "data.items[0].self_result": cell("√", 0.5),
                   "data.items[0].check_result": cell("√", 0.2)},
                  warnings=[("data.items[0].self_result", "low_confidence"),
                            ("data.items[0].content", "low_confidence")])
    low = {f for f, code in flags(rec) if code == "low_confidence"}
    assert low == {"header.fill_date", "data.enterprise.name", "data.items[0].check_result"}
    assert not any(code == "ocr_run_together" for _, code in flags(rec))   # two √ alike are no text read twice


def test_base_switch_keeps_the_flags_as_they_were(monkeypatch):
    monkeypatch.setenv("PAICHA_OCR_TRUST", "base")
    rec = checked("supervision_check", {}, {"enterprise": "晋城市城区宏达建材有限公司", "inspectors": ["李志刚王芳"]},
                  {"data.enterprise": cell("晋城市城区宏达建材有限公司", 0.5)}, warnings=[("data.enterprise", "low_confidence")])
    assert ("data.enterprise", "low_confidence") in flags(rec)
    assert not any(code == "ocr_run_together" for _, code in flags(rec))


def test_a_count_from_a_cell_that_is_not_a_clean_number_is_flagged():
    """38专 gave 38: what was dropped may have been a digit; 46 and 46人 are clean; a cell of two
    numbers read into two fields (6次，4.5万元) is not one unclean number."""
    two = cell("6次，4.5万元")
    rec = checked("enterprise_register", {}, {"name": "晋城市城区宏达建材有限公司", "employees": 46,
                                              "formal_employees": 38, "temporary_workers": 8},
                  {"data.employees": cell("46人"), "data.formal_employees": cell("38专"),
                   "data.temporary_workers": cell("8")})
    assert {f for f, code in flags(rec) if code == "ocr_unclean"} == {"data.formal_employees"}
    rec = checked("progress_dispatch", {}, {"penalties": 6, "penalty_wan": 4.5},
                  {"data.penalties": two, "data.penalty_wan": two})
    assert not any(code == "ocr_unclean" for _, code in flags(rec))


def _campaign(rows: list[dict], totals: dict | None) -> dict:
    """A 统计表's data: every count of each row 0 unless given; the 合计 row (unless None) the rows'
    sums unless given."""
    counts = [c.key for c in load_spec("campaign_stats").columns if c.kind in ("count", "money_wan")]
    data = {"rows": [{**{k: 0 for k in counts}, **r} for r in rows]}
    if totals is not None:
        data["totals"] = {**{k: sum(r[k] for r in data["rows"]) for k in counts}, **totals}
    return data


def test_a_broken_total_or_fixed_above_found_flags_every_cell_involved():
    data = _campaign([{"unit": "第一组", "inspection_groups": 1, "general_hazards_found": 12, "general_hazards_fixed": 10},
                      {"unit": "第二组", "inspection_groups": 1, "general_hazards_found": 8, "general_hazards_fixed": 9}],
                     {"inspection_groups": 2, "general_hazards_found": 26, "general_hazards_fixed": 19})
    rec = checked("campaign_stats", {}, data, {})
    failed = {f for f, code in flags(rec) if code == "ocr_check_failed"}
    assert {"data.totals.general_hazards_found", "data.rows[0].general_hazards_found",
            "data.rows[1].general_hazards_found"} <= failed                 # 12 + 8 != 26: all three
    assert {"data.rows[1].general_hazards_found", "data.rows[1].general_hazards_fixed"} <= failed   # 9 > 8
    assert not any(f.endswith("inspection_groups") for f in failed)


def test_cells_and_rows_read_empty_beside_read_ones_are_flagged():
    data = _campaign([{"unit": "第一组", "inspection_groups": 1, "general_hazards_found": 12, "general_hazards_fixed": 10}],
                     None)
    data["rows"][0]["closed"] = None
    rec = checked("campaign_stats", {}, data, {})
    unread = {f for f, code in flags(rec) if code == "ocr_unread"}
    assert unread == {"data.totals", "data.rows[0].closed"}
    rec = checked("inspection_stats", {"reporting_unit": "榆次区应急管理局"}, {"rows": []}, {})
    assert ("data.rows", "ocr_unread") in flags(rec)


@pytest.mark.parametrize("names, together", [(["李志刚王芳"], True), (["李志刚", "王芳"], False), (["欧阳建国"], False)])
def test_two_names_in_one_cell_are_flagged(names, together):
    rec = checked("supervision_check", {}, {"enterprise": "晋城市城区宏达建材有限公司", "inspectors": names,
                                            "responsible": "李红梅"}, {})
    assert (("data.inspectors", "ocr_run_together") in flags(rec)) is together


def test_an_item_of_another_category_than_read_is_corrected_and_says_so():
    """The merged category cell's rows miscounted: item 9 (厂房的通风设施是否良好, printed under 重点场所)
    read under 危险化学品管理 -> 重点场所, ocr_corrected with the raw reading; an item that holds a label
    (企业主要负责人) is no value run over another field's label."""
    rec = checked("self_check", {}, {"enterprise": {"name": "晋城市城区宏达建材有限公司", "principal": "王建国"},
                                     "items": [{"no": 9, "category": "危险化学品管理", "content": "厂房的通风设施是否良好",
                                                "self_result": "yes", "check_result": "yes"},
                                               {"no": 3, "category": "机构培训制度",
                                                "content": "是否开展三级安全教育培训，企业主要负责人和安全生产管理人员是否持证上岗",
                                                "self_result": "yes", "check_result": "yes"}]}, {})
    assert rec.data["items"][0]["category"] == "重点场所"
    w = next(w for w in rec.warnings if w["field"] == "data.items[0].category")
    assert w["code"] == "ocr_corrected" and w["raw"] == "危险化学品管理"
    assert not any(code == "ocr_run_together" for _, code in flags(rec))
