"""Hard scans and phone photos (issue 14), made in the test by samples/make_photos.py from a filled form:
a photo at an angle on a desk sent over WeChat, the same photo turned on its side, two forms in one
photo, a sealed fax. Every field is read right or carries a warning; no readable return gives no record."""
from __future__ import annotations

import random

import numpy as np
import pytest

from samples import make_photos as mp
from schema.record import leaf_fields


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    """The 督导检查表 and the 自查表 of the tune set, drawn and rendered (LibreOffice, ~5 s)."""
    out = tmp_path_factory.mktemp("hard")
    items = [f for f in mp.render_forms("tune", out) if f["name"] in ("supervision_check", "self_check")]
    return {f["name"]: f for f in items}, out


def read(path):
    from parsers.readers import read_file
    from parsers.recognize import records_from_document
    return [r for d in read_file(path) for r in records_from_document(d)]


def unflagged_wrong(fill: dict, records: list) -> list[str]:
    """Fields of `fill` neither right nor named by a warning of the record of its form type."""
    recs = [r for r in records if r.form_type == fill["form_type"]]
    assert recs, f"no {fill['form_type']} record"
    r = recs[0]
    want = leaf_fields({"header": fill["header"], "data": fill["data"]})
    got = leaf_fields({"header": r.header, "data": r.data})
    warned = {w["field"] for w in r.warnings}

    def flagged(path):
        while path:
            if path in warned:
                return True
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return False
    return [f"{k}: {v!r} → {got.get(k)!r}" for k, v in want.items() if got.get(k) != v and not flagged(k)]


def test_photo_at_an_angle_on_a_desk(forms, tmp_path):
    fs, _ = forms
    f = fs["supervision_check"]
    img = mp.photo(f["pages"], random.Random("test-photo"))
    path = tmp_path / "photo.jpg"
    img.save(path, "JPEG", quality=95)
    records = read(path)
    assert unflagged_wrong(f, records) == []
    # the cell boxes point into the photo as received (inside the sheet, not the flattened page)
    from parsers.recognize import records_with_provenance
    from parsers.readers import read_file
    (rec, prov), *_ = [x for x in records_with_provenance(read_file(path)[0]) if x[0].form_type == f["form_type"]]
    box = prov["fields"]["data.enterprise"]["box"]
    assert 0.05 < box[0] < box[2] < 0.95 and 0.05 < box[1] < box[3] < 0.95


def test_photo_on_its_side(forms, tmp_path):
    fs, _ = forms
    f = fs["supervision_check"]
    img = mp.turned(mp.photo(f["pages"], random.Random("test-side")), 1)
    path = tmp_path / "side.jpg"
    img.save(path, "JPEG", quality=95)
    assert unflagged_wrong(f, read(path)) == []


def test_two_forms_in_one_photo(forms, tmp_path):
    fs, _ = forms
    pair = [fs["self_check"], fs["supervision_check"]]
    img = mp.photo([f["pages"][0] for f in pair], random.Random("test-pair"), side=2048, max_tilt=12)
    path = tmp_path / "pair.jpg"
    img.save(path, "JPEG", quality=95)
    records = read(path)
    assert {r.form_type for r in records} >= {"self_check", "supervision_check"}
    for f in pair:
        wrong = unflagged_wrong(f, records)
        assert len(wrong) <= 0, wrong


def test_sealed_fax(forms, tmp_path):
    fs, out = forms
    f = fs["supervision_check"]
    words = mp.words_of(f["pdf"])
    page, dpi = mp.scan(f["pages"][0], words[0], f, random.Random("test-fax"), True, True, 200)
    path = tmp_path / "fax.pdf"
    mp.save_pdf([page], path, dpi=dpi)
    assert unflagged_wrong(f, read(path)) == []


def test_geometry_finds_and_flattens_the_sheet():
    """A white sheet on a dark desk: four corners found near where they were drawn; a scan (paper to
    the edges) has none."""
    import cv2

    from parsers.ocr import geometry
    desk = np.full((1200, 900, 3), 50, np.uint8)
    corners = np.float32([[150, 130], [760, 180], [720, 1050], [120, 1000]])
    cv2.fillConvexPoly(desk, corners.astype(np.int32), (235, 235, 230))
    quads = geometry.find_sheets(desk)
    assert len(quads) == 1
    assert np.abs(quads[0] - corners).max() < 12
    assert geometry.find_sheets(np.full((1200, 900, 3), 240, np.uint8)) == []


# The 统计表 of the tune set's phone photo as the OCR read it (bold 9-pt column heads misread:
# 一般隐惠, 行政司款, 停产整领, 关利取樟, a units cell read "3)"); the numbers all right.
CAMPAIGN_PHOTO_READING = [
    "0v4:单位|1v3:检表组|2+4:集中行动开展情况|6+7:执法情况|13+2:追责情况|15+3:问责曝光工作不力情况|18v3:典型案例（详另情报)",
    "2+2:一般隐惠|4+2:重大隐患|6+2:非法违法生产经营建设行为查处情况|8v2:责令限期整改企业|9v2:行政司款|10v2:停产整领|"
    "11v2:暂扣吊销证照|12v2:关利取樟|13+2:追究|15v2:约谈通报|16v2:公开光|17v2:联合惩戒",
    "2:排查|3:数|4:排查|5:整|6:排查|7:查处|13:党纪政纪处分|14:刑事责任",
    "1:(↑)|2:(项)|3:(项)|4:(项)|5:(项)|6:(项)|7:(项)|8:(项)|9:(0万)|10:(家)|11:(个)|12:(家)|13:3)|14:(人)|15:(家)|"
    "16:(家)|17:(家)|18:(个)",
    "0:第一检查组|1:1|2:12|3:10|4:1|5:0|6:2|7:2|8:3|9:1.5|10:1|11:0|12:0|13:0|14:0|15:1|16:0|17:0|18:1",
    "0:第二检查组|1:1|2:8|3:8|4:0|5:0|6:1|7:1|8:2|9:0.5|10:0|11:0|12:1|13:0|14:0|15:0|16:1|17:0|18:0",
    "0:合计|1:2|2:20|3:18|4:1|5:0|6:3|7:3|8:5|9:2|10:1|11:0|12:1|13:0|14:0|15:1|16:1|17:0|18:1",
]


def _reading_doc(rows: list[str], fmt: str):
    import re

    from parsers.model import Cell, Document, Paragraph, Table
    t = Table()
    for r, row in enumerate(rows):
        for part in row.split("|"):
            at, text = part.split(":", 1)
            c, cs, rs = re.fullmatch(r"(\d+)(?:\+(\d+))?(?:v(\d+))?", at).groups()
            t.add(Cell(text=text, row=r, col=int(c), colspan=int(cs or 1), rowspan=int(rs or 1), confidence=0.99))
    paras = [Paragraph("镇（街道）、部门大排查大整治行动统计表", 0.95), Paragraph("填报单位（盖章）：北石店镇人民政府", 0.99),
             Paragraph("填报日期：2023年3月17日", 0.99)]
    return Document(blocks=[*paras, t], format=fmt)


def test_misread_column_heads_are_read_as_the_printed_labels():
    """The photo's numbers were all read right but its column heads were not: set to the printed
    labels (one clearly nearest), every field comes out; the same reading taken as typed text is not."""
    import json
    from pathlib import Path

    from parsers.recognize import records_from_document
    truth = next(r for line in (Path(__file__).parent / "data" / "ocr_hard" / "tune.jsonl").read_text(
        encoding="utf-8").splitlines() for r in json.loads(line)["records"] if r["form_type"] == "campaign_stats")
    (rec,) = records_from_document(_reading_doc(CAMPAIGN_PHOTO_READING, "image"))
    assert rec.form_type == "campaign_stats"
    assert rec.data["rows"] == truth["data"]["rows"] and rec.data["totals"] == truth["data"]["totals"]
    assert not [w for w in rec.warnings if w["code"] == "low_recognition"]
    (raw,) = records_from_document(_reading_doc(CAMPAIGN_PHOTO_READING, "docx"))   # no correction: not found
    assert raw.form_type != "campaign_stats" or raw.data.get("rows") != truth["data"]["rows"]


def test_printed_labels_leave_values_and_unclear_heads_alone():
    from parsers.model import Cell, Table
    from parsers.ocr.trust import printed_labels
    from schema.spec import all_specs
    spec = next(s for s in all_specs() if s.form_type == "major_hazard_list")
    t = Table()
    for c, text in enumerate(["序号", "生产经营单位名杯", "核查单住", "所在镇街道)", "企业类", "AB", "处理"]):
        t.add(Cell(text=text, row=0, col=c))
    for c, text in enumerate(["1", "晋城市城区宏达建材有限公司", "北石店镇安监站", "北石店镇", "建材", "x", "挂牌督办"]):
        t.add(Cell(text=text, row=1, col=c))
    printed_labels(spec, [t])
    # 企业类 is as near 企业类别 as 企业类型: synonyms, either will do; AB is near nothing
    assert [c.text for c in t.cells if c.row == 0] == ["序号", "生产经营单位名称", "核查单位", "所在镇(街道)",
                                                       "企业类型", "AB", "处理措施"]
    assert [c.text for c in t.cells if c.row == 1][1:5] == ["晋城市城区宏达建材有限公司", "北石店镇安监站", "北石店镇", "建材"]


def test_a_text_box_across_a_rule_keeps_the_rule():
    """Two cells whose texts the detector took as one line (北石店镇 | 建材): the rule between them is
    still found, so the two words land in their own cells."""
    import cv2

    from parsers.ocr import grid
    from parsers.ocr.engine import Piece
    img = np.full((400, 900), 255, np.uint8)
    for y in (50, 150, 250, 350):
        cv2.line(img, (50, y), (850, y), 0, 3)
    for x in (50, 450, 850):
        cv2.line(img, (x, 50), (x, 350), 0, 3)
    line = (300.0, 180.0, 620.0, 220.0)     # one detected line over the rule at x = 450
    pieces = [Piece("北石店镇", 0.99, 300, 182, 440, 218, 0, line), Piece("建材", 0.99, 460, 182, 540, 218, 0, line),
              Piece("名称", 0.99, 200, 82, 280, 118, 1, (200, 82, 280, 118)),
              Piece("类别", 0.99, 600, 82, 680, 118, 2, (600, 82, 680, 118))]
    for x0, y0, x1, y1 in {p.line_box for p in pieces}:
        cv2.rectangle(img, (int(x0) + 5, int(y0) + 8), (int(x1) - 5, int(y1) - 8), 0, -1)   # glyph ink
    img[50:350, 448:453] = 0
    (table,) = grid.blocks_from_page(img, pieces)
    texts = {(c.row, c.col): c.text for c in table.cells}
    assert texts[(1, 0)] == "北石店镇" and texts[(1, 1)] == "建材"


def test_misread_labels_of_a_self_check_are_the_printed_labels():
    """The 自查表 of the tune set's two-forms photo: its head row read 自直内容 | 自森结果 | 检直结果 and no
    record came out. Long label-like readings are set to the nearest label; values stay as read."""
    from parsers.model import Cell, Table
    from parsers.ocr.trust import printed_labels
    from schema.spec import all_specs
    spec = next(s for s in all_specs() if s.form_type == "self_check")
    rows = [["企业名称", "晋城市城区宏达建材有限公司", "所属行业", "建材"],
            ["企业地址", "晋城市城区北石店镇东武匠村南", "所属镇（街酒)", "北石店镇"],
            ["负责人", "王塘国", "电话", "03562286336"],
            ["自查项目", "自直内容", "自森结果", "检直结果"]]
    t = Table()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.add(Cell(text=text, row=r, col=c))
    printed_labels(spec, [t])
    assert [[c.text for c in t.cells if c.row == r] for r in range(4)] == [
        rows[0], [rows[1][0], rows[1][1], "所属镇(街道)", rows[1][3]], rows[2], ["自查项目", "自查内容", "自查结果", "检查结果"]]


def _ruled_page(seal_at: tuple[int, int] | None):
    """A 200-dpi A4 page: a ruled table with text-like ink in its cells, and a red seal stamped over it."""
    from PIL import Image, ImageDraw, ImageFont

    from samples.make_scans import SEAL_FONT, stamp_seal
    page = Image.new("RGB", (1654, 2339), "white")
    d = ImageDraw.Draw(page)
    font = ImageFont.truetype(SEAL_FONT, 34, index=2)
    words = ["晋城市城区宏达建材有限公司", "北石店镇安监站", "有限空间作业未设置监护人", "责令停产整顿", "王建国"]
    for i, y in enumerate(range(300, 1820, 80)):
        d.line([(150, y), (1500, y)], fill="black", width=3)
        for j, x in enumerate((165, 515, 915)):
            d.text((x, y + 20), words[(i + j) % len(words)][:10], font=font, fill="black")
    d.line([(150, 1820), (1500, 1820)], fill="black", width=3)
    for x in (150, 500, 900, 1500):
        d.line([(x, 300), (x, 1820)], fill="black", width=3)
    if seal_at:
        page = stamp_seal(page, seal_at, "北石店镇人民政府", radius=150)
    return page


def test_a_black_seal_is_found_and_the_text_under_it_doubted():
    """A fax keeps the seal black (the red channel cannot lift it): the ring is found where it was
    stamped; a red seal on a colour scan is no black seal; text read under it is not trusted."""
    from parsers.model import Cell, Paragraph, Table
    from parsers.ocr import seal
    from parsers.ocr.cells import doubt_under_seals
    colour = np.asarray(_ruled_page((700, 1000)))[:, :, ::-1].copy()
    fax = np.where(colour.mean(axis=2) < 200, 0, 255).astype(np.uint8)      # binarised: the seal turns black
    found = seal.black_seals(fax)
    assert len(found) == 1
    cx, cy, r = found[0]
    assert abs(cx - 700) < 15 and abs(cy - 1000) < 15 and 130 < r < 165
    assert seal.black_seals(seal.red_channel_grey(colour)) == []
    assert seal.black_seals(np.where(np.asarray(_ruled_page(None)).mean(axis=2) < 200, 0, 255).astype(np.uint8)) == []
    h, w = fax.shape
    near = Cell(text="王建国", row=0, col=0, confidence=0.99, box=(650 / w, 980 / h, 760 / w, 1030 / h))
    far = Cell(text="建材", row=0, col=1, confidence=0.99, box=(1200 / w, 300 / h, 1400 / w, 380 / h))
    line = Paragraph("填报单位：北石店镇", 0.99, box=(500 / w, 830 / h, 900 / w, 870 / h))
    doubt_under_seals([Table(cells=[near, far]), line], found, fax.shape)
    assert near.confidence == seal.SEAL_TRUST and line.confidence == seal.SEAL_TRUST and far.confidence == 0.99


def test_a_tick_read_as_a_stroke_is_corrected_and_says_so():
    """Handwritten √ in a 自查表's mark columns read 1 or 4 (the tune photos): √, flagged ocr_corrected
    with the raw reading; a count column's 1 is a number and stays."""
    from parsers.ocr.trust import check
    from schema.record import Record
    from schema.spec import all_specs
    spec = next(s for s in all_specs() if s.form_type == "self_check")
    rec = Record(form_type="self_check")
    rec.data = {"items": [{"no": 1, "content": "是否制定了工作岗位操作规程", "self_result": "1", "check_result": "yes"},
                          {"no": 2, "content": "是否按导则编制应急救援预案并备案和组织演练", "self_result": "4",
                           "check_result": "甲"}]}
    rec.warn("data.items[0].self_result", "invalid", "标记无法识别：1")
    check(rec, spec)
    items = rec.data["items"]
    assert [items[0]["self_result"], items[1]["self_result"], items[1]["check_result"], items[0]["no"]] == \
        ["yes", "yes", "甲", 1]
    codes = {(w["field"], w["code"]) for w in rec.warnings}
    assert ("data.items[0].self_result", "ocr_corrected") in codes and ("data.items[1].self_result", "ocr_corrected") in codes
    assert ("data.items[0].self_result", "invalid") not in codes


def test_rules_run_on_under_a_black_seal():
    """A fax loses the rules under a black seal and its ring reads as rules of its own: with the seal
    known, the grid is the table's (every word in its own cell, no row read twice); without, it is not."""
    import cv2

    from parsers.ocr import grid
    from parsers.ocr.engine import Piece
    img = np.full((900, 1000), 255, np.uint8)
    ys, xs = list(range(100, 800, 100)), [100, 400, 700, 900]
    for y in ys:
        cv2.line(img, (100, y), (900, y), 0, 3)
    for x in xs:
        cv2.line(img, (x, 100), (x, 700), 0, 3)
    pieces = []
    for r, (top, bottom) in enumerate(zip(ys, ys[1:])):
        for c, (left, right) in enumerate(zip(xs, xs[1:])):
            x0, y0 = left + 30, top + 35
            pieces.append(Piece(f"字{r}{c}", 0.99, x0, y0, x0 + 60, y0 + 30, len(pieces), (x0, y0, x0 + 60, y0 + 30)))
            cv2.rectangle(img, (x0 + 4, y0 + 4), (x0 + 56, y0 + 26), 0, 2)
    seal = (720.0, 420.0, 130.0)
    cv2.circle(img, (720, 420), 128, 255, -1)             # the rules vanish under the seal ...
    cv2.circle(img, (720, 420), 126, 0, 9)                # ... and its ring is drawn black
    for p in pieces:
        if (p.cx - 720) ** 2 + (p.cy - 420) ** 2 < 126 ** 2:
            cv2.rectangle(img, (int(p.x0) + 4, int(p.y0) + 4), (int(p.x1) - 4, int(p.y1) - 4), 0, 2)

    def cells(seals):
        (table,) = [b for b in grid.blocks_from_page(img, pieces, seals=seals) if hasattr(b, "cells")]
        return sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells)
    want = sorted((r, c, 1, 1, f"字{r}{c}") for r in range(6) for c in range(3))
    assert cells([seal]) == want
    assert cells([]) != want


def test_printed_texts_that_hold_a_label_are_not_labels():
    """三、安全管理机构信息 (a section title of the 登记表, read right) holds the label 安全管理机构 but is
    no misread label: it stays, and so does a label read right."""
    from parsers.model import Cell, Table
    from parsers.ocr.trust import printed_labels
    from schema.spec import all_specs
    spec = next(s for s in all_specs() if s.form_type == "enterprise_register")
    t = Table()
    for c, text in enumerate(["三、安全管理机构信息", "机构负责人", "姓名：赵志强", "手机号码", "缴纳工伤保险人教"]):
        t.add(Cell(text=text, row=c, col=0))
    printed_labels(spec, [t])
    assert [c.text for c in t.cells] == ["三、安全管理机构信息", "机构负责人", "姓名：赵志强", "手机号码", "缴纳工伤保险人数"]
