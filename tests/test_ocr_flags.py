"""What an OCR'd record cannot be trusted on (parsers/ocr/trust.py, issue 14): every wrong field flagged,
few right ones. Records as the recogniser makes them from a scan, with the cells they were read from."""
from __future__ import annotations

import numpy as np
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
    rec = checked("campaign_stats", {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-17"}, data, {})
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


def at(text: str, row: int, col: int, conf: float = 0.99) -> Cell:
    return Cell(text=text, row=row, col=col, confidence=conf)


# The records below are as the recogniser made them from calib images read cell by cell
# (bench/ocr_fields.py show --set calib --label cells --list): values, unused cells and the cells read.

def _inspection_fax() -> tuple[dict, dict]:
    """inspection_stats-fax: the column heads misread, the unit placed, the numbers of its line
    (table row 4) left unused, in the columns of the form's order (cols 1-4, 12-16)."""
    nums = {1: "18", 2: "72", 3: "174", 4: "429", 12: "111", 13: "6", 14: "55.8", 15: "0", 16: "3"}
    data = {"rows": [{"unit": "阳曲县应急管理局", "general_hazards_fixed": None, "other": "无",
                      "highlights": "推行“专家+执法”联合检查模式，对58家企业开展全覆盖体检式检查。"}],
            "unused_cells": [{"row": 3, "col": 6, "text": "(页) 用(项)"}]
            + [{"row": 4, "col": c, "text": t} for c, t in nums.items()]
            + [{"row": 5, "col": 1, "text": "亮点工作（或者本行业特色工作）(50至200字)"}]}
    where = {"data.rows[0].unit": at("阳曲县应急管理局", 4, 0), "data.rows[0].general_hazards_fixed": at("", 4, 5, 0.0),
             "data.rows[0].other": at("无", 4, 17), "data.rows[0].highlights": at(data["rows"][0]["highlights"], 5, 4)}
    return data, where


def test_numbers_no_column_took_flag_the_fields_left_empty():
    """Numbers read but placed in no column, fitting the columns left empty in the form's order:
    each empty column of the row may be one of them (ocr_unread); the placed unit is not doubted."""
    data, where = _inspection_fax()
    rec = checked("inspection_stats", {"reporting_unit": "阳曲县应急管理局"}, data, where)
    unread = {f for f, code in flags(rec) if code == "ocr_unread"}
    assert {"data.rows[0].inspection_groups", "data.rows[0].fines_wan", "data.rows[0].closed",
            "data.rows[0].problems"} <= unread
    assert not any(code == "ocr_unplaced" for _, code in flags(rec))
    assert not any(f in ("data.rows[0].unit", "data.rows[0]") for f, _ in flags(rec))


def test_a_printed_head_left_over_is_no_value():
    """The same record with only the form's printed heads left over (a units cell, 亮点工作（…）):
    nothing is doubted for it (备注 left blank is blank)."""
    data, where = _inspection_fax()
    data["unused_cells"] = [u for u in data["unused_cells"] if not u["text"][0].isdigit()]
    data["rows"][0].update({k: 1 for k in ("inspection_groups", "inspectors", "units_inspected",
                                           "general_hazards_found", "general_hazards_fixed", "major_hazards_found",
                                           "major_hazards_fixed", "enforcement_documents", "suspended",
                                           "licenses_revoked", "closed")}, fines_wan=1.5, problems="无")
    rec = checked("inspection_stats", {"reporting_unit": "阳曲县应急管理局"}, data, where)
    assert not any(code in ("ocr_unread", "ocr_unplaced") for f, code in flags(rec) if f.startswith("data.rows"))


def test_a_long_text_no_field_took_flags_the_empty_text_field():
    """inspection_stats-photo: 存在问题's text read in a cell no field took, the row's problems empty."""
    data, where = _inspection_fax()
    data["unused_cells"] = [{"row": 6, "col": 4, "text": "部分小微企业安全管理人员配备不足，隐患自查流于形式。"}]
    rec = checked("inspection_stats", {"reporting_unit": "阳曲县应急管理局"}, data, where)
    assert ("data.rows[0].problems", "ocr_unread") in flags(rec)


def test_numbers_left_over_out_of_the_column_order_flag_their_rows():
    """campaign_stats-photo: the heads misread, the first row's numbers of cols 1-3 left unused while
    col 4 was taken as 一般隐患排查 (it is 重大隐患排查: the values shifted) -> the row flagged whole.
    With the unused numbers in columns the form has room for, only the empty fields are doubted."""
    counts = [c.key for c in load_spec("campaign_stats").columns if c.kind in ("count", "money_wan")]
    row = {"unit": "第二检合组", **{k: 0 for k in counts[1:]}}
    where = {"data.rows[0].unit": at("第二检合组", 4, 0, 0.31)}
    where.update({f"data.rows[0].{k}": at("0", 4, 3 + n) for n, k in enumerate(counts[1:], 1)})
    left = [{"row": 4, "col": c, "text": t} for c, t in ((1, "3"), (2, "24"), (3, "24"))]
    data = {"rows": [row], "unused_cells": left}
    rec = checked("campaign_stats", {}, data, where)
    assert ("data.rows[0]", "ocr_unplaced") in flags(rec)
    # the same numbers where the form's first three count columns stand, those left empty: they fit
    row = {"unit": "第二检查组", **{k: 0 for k in counts[3:]}}
    where = {"data.rows[0].unit": at("第二检查组", 4, 0)}
    where.update({f"data.rows[0].{k}": at("0", 4, n) for n, k in enumerate(counts[3:], 4)})
    rec = checked("campaign_stats", {}, {"rows": [row], "unused_cells": data["unused_cells"]}, where)
    assert not any(code == "ocr_unplaced" for _, code in flags(rec))
    assert {f"data.rows[0].{k}" for k in counts[:3]} <= {f for f, code in flags(rec) if code == "ocr_unread"}


def _items(nos: list[int], contents: list[str] | None = None) -> dict:
    spec = load_spec("self_check")
    printed = [c for g in spec.groups for c in g["items"]]
    return {"enterprise": {"name": "晋城市城区宏达建材有限公司", "principal": "王建国"},
            "items": [{"no": n, "content": (contents or printed)[min(n, len(printed)) - 1 if not contents else i],
                       "self_result": "yes", "check_result": "yes"} for i, n in enumerate(nos)]}


def test_a_row_number_off_the_run_flags_its_row_not_every_row_after_it():
    """self_check-fax: the content cells of items 9 and 10 read as one (a rule missed), both rows took
    its number 9: the second row is off the run, the rows after it (11, 12, ...) are not; a row lost
    (1, 2, 4, 5) shifts every row after it."""
    rec = checked("self_check", {}, _items([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 11, 12, 13]), {})
    shifted = {f for f, code in flags(rec) if code == "ocr_row_shift"}
    assert shifted == {"data.items[9]"}
    rec = checked("self_check", {}, _items([1, 2, 4, 5, 6]), {})
    assert {f for f, code in flags(rec) if code == "ocr_row_shift"} == {f"data.items[{i}]" for i in (2, 3, 4)}
    rec = checked("self_check", {}, _items([7, 2, 3, 4, 5]), {})       # the first number misread
    assert {f for f, code in flags(rec) if code == "ocr_row_shift"} == {"data.items[0]"}


def test_an_item_that_is_no_printed_item_is_flagged():
    """Items 9 and 10 read as one cell: a text that is none of the form's printed items, while the
    others are, is flagged (it is too far from either to be corrected)."""
    spec = load_spec("self_check")
    printed = [c for g in spec.groups for c in g["items"]]
    contents = printed[:8] + ["9." + printed[8] + "\n10." + printed[9]] + printed[10:12]
    rec = checked("self_check", {}, _items(list(range(1, 12)), contents), {})
    assert {f for f, code in flags(rec) if code == "ocr_not_printed"} == {"data.items[8].content"}


@pytest.mark.parametrize("name, cut", [("市城区达建林限公司", True), ("晋城市城区宏达建材有限公司", False),
                                       ("东街街道办事", True), ("东街街道办事处", False), ("城区急管理局", True),
                                       ("晋城市宏达建材股份有限公司", False), ("晋城市宏达建材公司", False),
                                       ("市城区达建林限", True), ("晋城市城区金鼎铸造厂", False)])
def test_a_name_whose_ending_lost_a_character_is_flagged(name, cut):
    """tune self_check28-fax: a fax seal's stroke cut 晋城市城区宏达建材有限公司 to 市城区达建林限公司 (read
    at 0.92; read with the committed pipeline 市城区达建林限): an organisation's ending with its first or
    last character missing, an enterprise's name ending in no enterprise's ending, is flagged."""
    rec = checked("self_check", {}, {"enterprise": {"name": name, "principal": "王建国"}, "items": []},
                  {"data.enterprise.name": cell(name, 0.92)})
    assert (("data.enterprise.name", "ocr_cut") in flags(rec)) is cut


def test_a_mark_read_empty_beside_the_other_mark_of_its_item_is_flagged():
    """tune self_check28-fax: item 13's 自查 tick under the seal read empty, its 检查 tick read: the
    empty one is flagged; an item left unanswered (both empty) is not."""
    data = _items([1, 2, 3])
    data["items"][1]["self_result"] = None
    data["items"][2].update(self_result=None, check_result=None)
    rec = checked("self_check", {}, data, {})
    unread = {f for f, code in flags(rec) if code == "ocr_unread" and f.startswith("data.items")}
    assert unread == {"data.items[1].self_result"}


def test_a_cell_read_empty_under_a_black_seal_is_doubted():
    """tune self_check28-fax: the ticks of items 13 and 15 under the fax's black seal were not seen at
    all (the cells read empty, no confidence): a cell read empty under a black seal scores 0, so its
    field is flagged; an empty cell away from the seal is left alone."""
    from parsers.model import Table
    from parsers.ocr import seal
    from parsers.ocr.cells import doubt_under_seals
    from tests.test_ocr_hard import _ruled_page
    fax = np.where(np.asarray(_ruled_page((700, 1000))).mean(axis=2) < 200, 0, 255).astype(np.uint8)
    found = seal.black_seals(fax)
    h, w = fax.shape
    under = Cell(text="", row=3, col=1, box=(650 / w, 980 / h, 760 / w, 1030 / h))
    away = Cell(text="", row=3, col=2, box=(1200 / w, 300 / h, 1400 / w, 380 / h))
    doubt_under_seals([Table(cells=[under, away])], found, fax.shape)
    assert under.confidence == 0.0 and away.confidence is None
    data = _items([13])
    data["items"][0]["self_result"] = None
    rec = checked("self_check", {}, data, {"data.items[0].self_result": under})
    assert ("data.items[0].self_result", "low_confidence") in flags(rec)


@pytest.mark.parametrize("text, cut", [("部分小微企业安全管理人员配备不足，隐患自查流于形式", True),
                                       ("部分小微企业安全管理人员配备不足，隐患自查流于形式。", False),
                                       ("无", False)])
def test_a_sentence_read_without_its_stop_is_flagged(text, cut):
    """tune inspection_stats-photo: 存在问题 read at 0.81 without its last character (。): a sentence
    (a clause, a comma, more) with no stop at its end is flagged; a 自查表 item printed without a stop
    (是否开展三级安全教育培训，…是否持证上岗) is as printed."""
    data = {"rows": [{"unit": "阳曲县应急管理局", "problems": text}]}
    rec = checked("inspection_stats", {"reporting_unit": "阳曲县应急管理局"}, data,
                  {"data.rows[0].problems": cell(text, 0.81)})
    assert (("data.rows[0].problems", "ocr_cut") in flags(rec)) is cut
    item = "是否开展三级安全教育培训，企业主要负责人和安全生产管理人员是否持证上岗"
    rec = checked("self_check", {}, _items([3], [item]), {})
    assert not any(code == "ocr_cut" for _, code in flags(rec))


def test_one_cell_feeding_several_count_columns_flags_each_of_them():
    """A 无 across four count columns (the rules between them not found) gave each column 0: the row
    does not fit the grid, so every field it fed is doubted; a cell read as one number per field is not."""
    data = _campaign([{"unit": "第一组", "inspection_groups": 1, "general_hazards_found": 0, "general_hazards_fixed": 0,
                       "major_hazards_found": 0}], None)
    wide = Cell(text="无", row=4, col=2, colspan=3, confidence=0.99)
    two = Cell(text="3 2", row=4, col=5, colspan=2, confidence=0.99)
    rec = checked("campaign_stats", {}, data,
                  {"data.rows[0].general_hazards_found": wide, "data.rows[0].general_hazards_fixed": wide,
                   "data.rows[0].major_hazards_found": wide, "data.rows[0].illegal_acts_found": two,
                   "data.rows[0].illegal_acts_handled": two, "data.rows[0].inspection_groups": cell("1")})
    spanned = {f for f, code in flags(rec) if code == "ocr_unplaced"}
    assert spanned == {"data.rows[0].general_hazards_found", "data.rows[0].general_hazards_fixed",
                       "data.rows[0].major_hazards_found"}


def test_a_unit_listed_twice_flags_the_second_and_the_rows_after():
    """A stray line between two rows filled the unit down: 第二组 twice, every row after it one off."""
    rows = [{"unit": u, "inspection_groups": 1} for u in ("第一组", "第二组", "第二组", "第三组")]
    rec = checked("campaign_stats", {}, _campaign(rows, None), {})
    shifted = {f for f, code in flags(rec) if code == "ocr_row_shift"}
    assert shifted == {"data.rows[2]", "data.rows[3]"}
    rec = checked("campaign_stats", {}, _campaign(rows[:2] + rows[3:], None), {})
    assert not any(code == "ocr_row_shift" for _, code in flags(rec))


@pytest.mark.parametrize("phone, together", [("0356-8743411、15962086275", True), ("0356-8743411", False),
                                             ("15962086275", False)])
def test_two_phone_numbers_in_one_field_are_flagged(phone, together):
    rec = checked("enterprise_register", {}, {"name": "晋城市城区宏达建材有限公司",
                                              "safety_org": {"duty_phone": phone}}, {})
    assert (("data.safety_org.duty_phone", "ocr_run_together") in flags(rec)) is together


def test_an_unread_header_date_or_unit_and_a_column_unread_in_every_row_are_flagged():
    """A fax's 填报日期 line and its 序号 column lost in the noise: each such field is doubted; a 填表人
    left blank (often so) is not."""
    rows = [{"seq": None, "enterprise": f"晋城市城区{b}建材有限公司", "description": "未设置监护人"} for b in ("宏达", "金鼎")]
    rec = checked("major_hazard_list", {"reporting_unit": "北石店镇人民政府"}, {"rows": rows}, {})
    unread = {f for f, code in flags(rec) if code == "ocr_unread"}
    assert {"header.fill_date", "data.rows[0].seq", "data.rows[1].seq"} <= unread
    assert "header.reporting_unit" not in unread and not any("filler" in f for f in unread)
    rows[0]["seq"], rows[1]["seq"] = 1, 2
    rec = checked("major_hazard_list", {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-15"}, {"rows": rows}, {})
    assert not {f for f, code in flags(rec) if code == "ocr_unread"}


def test_a_row_number_not_read_doubts_the_number_not_the_row():
    """A seal over 序号 4: the row did not move, only its number is unread; a number off the run
    (7 for 4) still doubts its row."""
    rows = [{"seq": n, "enterprise": f"晋城市城区{b}建材有限公司"} for n, b in ((1, "宏达"), (2, "金鼎"), (3, "永安"), (None, "瑞祥"))]
    rec = checked("major_hazard_list", {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-15"}, {"rows": rows}, {})
    assert ("data.rows[3].seq", "ocr_unread") in flags(rec)
    assert not any(code == "ocr_row_shift" for _, code in flags(rec))
    rows[3]["seq"] = 7
    rec = checked("major_hazard_list", {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-15"}, {"rows": rows}, {})
    assert ("data.rows[3]", "ocr_row_shift") in flags(rec)


def test_a_value_that_lost_its_first_character_beside_one_that_kept_it_is_flagged():
    """城市城区北石店镇… beside 晋城市城区宏达…: the 晋 lost at the cell's edge; 城区住建局 is no such cut."""
    rec = checked("self_check", {"fill_date": "2023-03-08"},
                  {"enterprise": {"name": "晋城市城区宏达建材有限公司", "address": "城市城区北石店镇东武匠村南",
                                  "principal": "王建国"}, "items": []}, {})
    assert ("data.enterprise.address", "ocr_cut") in flags(rec)
    rec.data["enterprise"]["address"] = "晋城市城区北石店镇东武匠村南"
    rec.warnings = []
    trust.check(rec, load_spec("self_check"), {})
    assert not any(code == "ocr_cut" for _, code in flags(rec))


def test_a_value_with_no_chinese_in_a_column_of_chinese_names_is_flagged():
    """第三检查组 read I (the 1 of the next cell) among 第一/第二/第四检查组; a / (none) is no such value."""
    rows = [{"unit": u, "inspection_groups": 1} for u in ("第一检查组", "第二检查组", "I", "第四检查组", "/")]
    rec = checked("campaign_stats", {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-17"},
                  _campaign(rows, None), {})
    assert {f for f, code in flags(rec) if code == "invalid"} == {"data.rows[2].unit"}


def test_a_line_of_numbers_no_row_took_flags_the_rows_read_below_it():
    """inspection_stats-fax: the first unit's name ran into the text below, its numbers (line 4) made no
    row, so the rows read from lines 8 and 12 stand one place up; a row read above it is not moved."""
    spec = load_spec("inspection_stats")
    counts = [c.key for c in spec.columns if c.kind == "count"][:4]
    rows, where = [], {}
    for i, (line, unit) in enumerate(((2, "榆次区应急管理局"), (8, "小店区应急管理局"), (12, "尖草坪区应急管理局"))):
        rows.append({"unit": unit, **{k: 5 for k in counts}})
        where[f"data.rows[{i}].unit"] = at(unit, line, 0)
        where.update({f"data.rows[{i}].{k}": at("5", line, n) for n, k in enumerate(counts, 1)})
    lost = [{"row": 4, "col": c, "text": t} for c, t in ((1, "18"), (2, "72"), (3, "174"))]
    rec = checked("inspection_stats", {"reporting_unit": "古交市应急管理局", "period": "2021-09"},
                  {"rows": rows, "unused_cells": lost}, where)
    assert {f for f, code in flags(rec) if code == "ocr_row_shift"} == {"data.rows[1]", "data.rows[2]"}
    assert ("data.rows", "ocr_unread") in flags(rec)            # a row short: the list as a whole
    rec = checked("inspection_stats", {"reporting_unit": "古交市应急管理局", "period": "2021-09"},
                  {"rows": rows, "unused_cells": lost[:2]}, where)
    assert not any(code == "ocr_row_shift" for _, code in flags(rec)) and ("data.rows", "ocr_unread") not in flags(rec)

    rows = [{"unit": u, "other": o} for u, o in (("榆次区应急管理局", "无"), ("太谷区应急管理局", "无"), ("祁县应急管理局", "3"))]
    rec = checked("inspection_stats", {"reporting_unit": "晋中市应急管理局", "period": "2021-09"}, {"rows": rows}, {})
    assert not any(code == "invalid" for _, code in flags(rec))      # 其他: 无, 无 and a count
