"""One-click 排版: unformatted Word drafts (and a .doc) → 公文 that the checker passes, text, tables and bold kept."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generators.gongwen.check import DATE_LINE_RE, DOCNUM_RE, check_file, fix_dates, fix_doc_number, format_report
from generators.gongwen.model import BodyPara, BodyTable
from generators.gongwen.reformat import format_document, recognise, table_block

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = ROOT / "samples" / "word_drafts"
NAMES = ["draft_fagai", "draft_nanzhuang", "draft_jincheng"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="session")
def formatted(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("format")
    done = {n: format_document(DRAFTS / f"{n}.docx", out / f"{n}.docx") for n in NAMES}
    done["doc"] = format_document(DRAFTS / "draft_fagai.doc", out / "from_doc.docx")
    wps = out / "draft_fagai.wps"           # WPS saves .wps in the .doc binary format
    wps.write_bytes((DRAFTS / "draft_fagai.doc").read_bytes())
    done["wps"] = format_document(wps, out / "from_wps.docx")
    return done


def body(path: Path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml")).find(f"{W}body")


def text_stream(path: Path) -> str:
    """All paragraph text (tables included) in document order, whitespace removed."""
    return "".join(re.sub(r"\s", "", "".join(t.text or "" for t in p.iter(f"{W}t"))) for p in body(path).iter(f"{W}p"))


def draft_lines(path: Path) -> list[str]:
    """The draft's paragraphs as the formatted document must show them (only the documented normalisations)."""
    out = []
    for p in body(path).iter(f"{W}p"):
        t = re.sub(r"\s", "", "".join(x.text or "" for x in p.iter(f"{W}t")))
        if not t:
            continue
        if DOCNUM_RE.match(t):
            t = fix_doc_number(t)
        if DATE_LINE_RE.match(t) or t.endswith("印发"):
            t = fix_dates(t)
        t = re.sub(r":$", "：", t)        # 主送机关 ends in a full-width colon
        out.append(t)
    return out


def bold_segments(path: Path) -> list[str]:
    """Texts of consecutive bold runs, paragraph by paragraph."""
    out = []
    for p in body(path).iter(f"{W}p"):
        cur = ""
        for r in p.iter(f"{W}r"):
            b = r.find(f"{W}rPr/{W}b")
            text = "".join(t.text or "" for t in r.iter(f"{W}t"))
            if b is not None and b.get(f"{W}val", "1") not in ("0", "false"):
                cur += text
            elif text and cur:
                out.append(cur)
                cur = ""
        if cur:
            out.append(cur)
    return out


def tables(path: Path) -> list[tuple]:
    return [(t.rows, t.merges) for t in (table_block(el) for el in body(path).iter(f"{W}tbl"))]


@pytest.mark.parametrize("name", NAMES + ["doc", "wps"])
def test_formatted_draft_passes_check(formatted, name):
    problems = check_file(formatted[name])
    assert problems == [], format_report(formatted[name], problems)


@pytest.mark.parametrize("name", NAMES)
def test_text_is_kept(formatted, name):
    stream = text_stream(formatted[name])
    pos = 0
    for line in draft_lines(DRAFTS / f"{name}.docx"):
        if line.startswith("附件：") or re.match(r"^\d+[.．]", line) and len(line) < 30:
            line = re.sub(r"^(附件：)?\d+[.．]", r"\1", line)     # 附件说明 numbering may be re-typeset
            found = stream.find(line.replace("附件：", ""), pos)
        else:
            found = stream.find(line, pos)
        assert found >= 0, f"{name}: “{line}” missing or out of order"
        pos = found + 1


@pytest.mark.parametrize("name", NAMES)
def test_bold_and_tables_survive(formatted, name):
    draft = DRAFTS / f"{name}.docx"
    want, got = bold_segments(draft), bold_segments(formatted[name])
    assert want, "draft has no bold: the test would prove nothing"
    assert all(any(seg in g for g in got) for seg in want), (want, got)
    want_t, got_t = tables(draft), iter(tables(formatted[name]))
    assert bool(want_t) == (name != "draft_jincheng")
    assert all(t in got_t for t in want_t)       # the draft's tables, in order, same cells and merges


@pytest.mark.parametrize("legacy", ["doc", "wps"])
def test_legacy_input_matches_docx(formatted, legacy):
    assert text_stream(formatted[legacy]) == text_stream(formatted["draft_fagai"])
    assert tables(formatted[legacy]) == tables(formatted["draft_fagai"])
    assert bold_segments(formatted[legacy]) == bold_segments(formatted["draft_fagai"])


def test_recognise_draft_parts():
    gw = recognise(DRAFTS / "draft_fagai.docx")
    assert gw.organs == ["晋城市城区发展和改革局"]
    assert gw.doc_number == "城发改字〔2023〕15号"
    assert gw.title == "晋城市城区发展和改革局关于开展安全生产大排查大整治行动的通知"
    assert gw.recipients == "各相关企业"
    assert gw.signature == ["晋城市城区发展和改革局"] and gw.date == dt.date(2023, 3, 2)
    assert gw.note == "此件公开发布"
    assert [a.name for a in gw.attachments] == ["企业安全生产自查表", "安全隐患排查整治统计表"]
    assert all(isinstance(a.blocks[0], BodyTable) for a in gw.attachments)
    assert gw.cc == ["区安委办", "区应急管理局"]
    assert gw.printer == "晋城市城区发展和改革局办公室" and gw.print_date == dt.date(2023, 3, 2)
    runin = next(b for b in gw.body if isinstance(b, BodyPara) and b.text.startswith("（一）"))
    assert runin.runs[0] == ("（一）五级联查。", True)
    table = next(b for b in gw.body if isinstance(b, BodyTable))
    assert table.merges == [(2, 0, 2, 1), (4, 1, 1, 2)]
    gw = recognise(DRAFTS / "draft_jincheng.docx")
    assert gw.doc_number == "晋市安委发〔2024〕6号" and gw.attachments == [] and len(gw.cc) == 3


def test_bad_input(tmp_path):
    from schema.errors import InputError
    txt = tmp_path / "a.txt"
    txt.write_text("x")
    with pytest.raises(InputError, match="只能排版"):
        format_document(txt, tmp_path / "o.docx")
    with pytest.raises(InputError, match="不存在"):
        format_document(tmp_path / "none.docx", tmp_path / "o.docx")


def test_joint_mark_table_and_text_box_mark_are_recognised(tmp_path):
    """Drafts whose 标志 is a 2-column table (联合行文) or sits in a text box: the organs are read from them."""
    from test_check import GONGWEN, build_reference, joint_mark_table, mark_in_textbox, plant
    ref = build_reference(GONGWEN, tmp_path / "ref.docx")
    joint = recognise(plant(ref, tmp_path / "joint.docx", {"word/document.xml": joint_mark_table()}))
    assert joint.organs == ["晋城市城区应急管理局", "晋城市城区发展和改革局"]
    assert joint.doc_number == "城发改字〔2023〕15号" and joint.title.startswith("晋城市城区发展和改革局关于")
    boxed = recognise(plant(ref, tmp_path / "boxed.docx", {"word/document.xml": mark_in_textbox()}))
    assert boxed.organs == ["晋城市城区发展和改革局"] and boxed.doc_number == "城发改字〔2023〕15号"


# --- other people's documents (issue 16): tests/check_corpus ------------------------------------

@pytest.fixture(scope="module")
def corpus_doc(tmp_path_factory):
    from tests.check_corpus.build import DOCS
    out = tmp_path_factory.mktemp("format_corpus")
    return lambda name: DOCS[name](out / f"{name}.docx")


def test_missing_organ_is_asked_for_once_and_taken_from_options(corpus_doc, tmp_path):
    from schema.errors import InputError
    from tests.check_corpus.score import kept_in_order
    src = corpus_doc("jiyao_no_docnum")
    with pytest.raises(InputError, match="未识别出发文机关.*organs（发文机关）.*printer（印发机关）"):
        format_document(src, tmp_path / "o.docx")
    opts = tmp_path / "选项.yaml"
    opts.write_text("organs: 晋城市安全生产委员会\nprinter: 晋城市安全生产委员会办公室\nprint_date: 2023.3.12\n", encoding="utf-8")
    out = format_document(src, tmp_path / "o.docx", options=opts)
    gw = recognise(out)
    assert gw.organs == ["晋城市安全生产委员会"] and gw.printer == "晋城市安全生产委员会办公室"
    assert gw.print_date == dt.date(2023, 3, 12) and kept_in_order(src, out) == []
    with pytest.raises(InputError, match="未知的排版选项：organ"):
        format_document(src, tmp_path / "o.docx", options={"organ": "x"})


@pytest.mark.parametrize("name", ["qingshi_signer", "h_head_notes"])     # every 公文 of the set: test_format_rates
def test_format_keeps_the_document_and_is_idempotent(corpus_doc, tmp_path, name):
    """Text kept in order, the title and 标志 kept (no second 版头), format(format(x)) == format(x)."""
    from generators.gongwen.check import DocxView, find_parts
    from tests.check_corpus.score import kept_in_order, text_lines
    src = corpus_doc(name)
    once = format_document(src, tmp_path / "once.docx")
    twice = format_document(once, tmp_path / "twice.docx")
    assert kept_in_order(src, once) == []
    a, b = find_parts(DocxView(src)), find_parts(DocxView(once))
    assert [p.text.strip() for p in a.title] == [p.text.strip() for p in b.title] or \
        "".join(p.text.strip() for p in a.title) == "".join(p.text.strip() for p in b.title)
    assert "".join(p.text for p in b.mark).count("晋城市") == 1
    assert text_lines(once) == text_lines(twice)
    with zipfile.ZipFile(once) as x, zipfile.ZipFile(twice) as y:
        assert x.read("word/document.xml") == y.read("word/document.xml")


def test_format_normalises_dates_and_keeps_signers(corpus_doc, tmp_path):
    out = format_document(corpus_doc("wenjian_date_dots"), tmp_path / "d.docx")
    assert "2017年4月13日" in text_stream(out) and check_file(out) == []
    gw = recognise(format_document(corpus_doc("qingshi_signer"), tmp_path / "q.docx"))
    assert gw.signers == ["王建国"] and gw.doc_number == "晋市应急〔2023〕8号"


def test_a_ling_is_refused_not_damaged(corpus_doc, tmp_path):
    from schema.errors import InputError
    with pytest.raises(InputError, match="命令（令）格式"):
        format_document(corpus_doc("minglin"), tmp_path / "l.docx")


def test_format_rates_on_the_corpus(tmp_path):
    """Reached on the set's 85 公文 (信函, letterheads and .doc included): 82 formatted without options (the
    rest ask for 发文机关 / 印发日期, or are a 令), every output passing check, with all its text, the title and
    标志 kept, of the same kind (a draft without 版头 becomes a 文件), and format(format(x)) == format(x)."""
    from tests.check_corpus.score import format_score
    f = format_score(tmp_path)
    assert f["drafts"] == 85 and f["formatted"] >= 82, f["per_doc"]
    assert f["passing"] == f["text_kept"] == f["kind_kept"] == f["idempotent"] == f["formatted"], f["per_doc"]


def test_a_xinhan_stays_a_xinhan(corpus_doc, tmp_path):
    """信函 (10.1): the name over a red double rule, the 字号 flush right, page 1 unnumbered; a 印发 line typed
    into one is dropped; a letterhead typed into the page header is taken as the 标志."""
    from generators.gongwen.check import DocxView, find_parts
    for name in ("xinhan_banji_print", "header_letterhead_xinhan_vml"):
        out = format_document(corpus_doc(name), tmp_path / f"{name}.docx")
        view = DocxView(out)
        parts = find_parts(view)
        assert parts.kind == "xinhan" and parts.printed is None and check_file(out) == [], name
        assert [q.text.strip() for q in parts.mark] == ["晋城市应急管理局"] and parts.docnum.align == "right"
        footer = view.first_page_part("footer")     # different first page: the lower double rule, no number
        assert footer is not None and not any("PAGE" in (t.text or "") for t in footer.iter(f"{W}instrText"))
        assert "印发" not in text_stream(out) and recognise(out).letter


def test_a_jiyao_gets_no_signature(corpus_doc, tmp_path):
    """纪要 (10.3): no 署名 is added (the renderer used to fall back to the organ); a plain 纪要 given its
    organ gets the "××纪要" 标志, not a 文件 one."""
    from generators.gongwen.check import DocxView, find_parts
    out = format_document(corpus_doc("jiyao_red_head"), tmp_path / "j.docx")
    assert recognise(out).signature == [] and "晋城市安全生产委员会" not in text_stream(out).split("出席")[1].split("抄送")[0]
    plain = format_document(corpus_doc("jiyao_no_docnum"), tmp_path / "p.docx", options={"organs": "晋城市安全生产委员会"})
    parts = find_parts(DocxView(plain))
    assert parts.kind == "jiyao" and [q.text for q in parts.mark] == ["晋城市安全生产委员会纪要"] and check_file(plain) == []


def test_cover_page_gives_the_organ_and_stays_out_of_the_body(corpus_doc, tmp_path):
    out = format_document(corpus_doc("cover_page_gongwen"), tmp_path / "c.docx", options={"print_date": "2023年4月10日"})
    gw = recognise(out)
    assert gw.organs == ["晋城市应急管理局"] and gw.title == "晋城市危险化学品安全专项检查工作方案"
    assert "2023年4月" not in [b if isinstance(b, str) else b.text for b in gw.body] and check_file(out) == []


def test_byline_is_neither_title_nor_body_text(tmp_path):
    """A "——作者" line under the title: check leaves it out of the title and body rules, format keeps it apart."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
    from tests.check_corpus.build import KAI, Doc
    d = Doc()
    d.mark(); d.docnum(); d.title("在全市危险化学品安全专项检查动员会上的讲话")
    d.p("——晋城市应急管理局局长　张某某", KAI, 16, AL.CENTER, False)
    d.recipients(); d.body(); d.signature(); d.banji()
    src = d.save(tmp_path / "byline.docx")
    assert check_file(src) == []
    out = format_document(src, tmp_path / "o.docx")
    gw = recognise(out)
    assert gw.title == "在全市危险化学品安全专项检查动员会上的讲话" and check_file(out) == []
    assert "——晋城市应急管理局局长张某某" in text_stream(out)
