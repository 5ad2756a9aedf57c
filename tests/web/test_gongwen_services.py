"""services/drafts.py and the preview/report additions of services/gongwen.py, called directly."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cli import main
from schema.errors import DraftError, PaichaError
from services import drafts, gongwen
from services.ledgers import open_ledger
from webtools import ROOT

JOINT = ROOT / "samples/notices/joint_城区应急局_城区发改局_燃气安全.md"
# a WeChat paste: full-width indents, half-width punctuation, full-width digits, blank lines
PASTED = ("　　为深刻汲取近期全国燃气安全事故教训,全面排查整治城镇燃气安全风险隐患:现将有关事项通知如下.\n\n"
          "一.排查范围\n\n\u200b辖区内(含开发区)燃气经营企业\"五到位\"清单...\n"
          "（一）重点排查是否１０人以上(GB30871-2014)，时间10:30, 共1,000元\n|序号|名称|\n|---|---|\n")


def docx_text(path: Path) -> str:
    """The paragraphs' text of a .docx (what a reader sees), ignoring ids and timestamps."""
    import re
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in xml.split("</w:p>"))


def test_clean_body_fixes_pasted_text_and_says_what_changed():
    cleaned = drafts.clean_body(PASTED)
    assert cleaned.text.splitlines() == [
        "为深刻汲取近期全国燃气安全事故教训，全面排查整治城镇燃气安全风险隐患：现将有关事项通知如下。",
        "一、排查范围",
        "辖区内（含开发区）燃气经营企业“五到位”清单……",
        "（一）重点排查是否10人以上（GB30871-2014），时间10:30, 共1,000元",      # numbers and times kept
        "|序号|名称|", "|---|---|"]
    assert cleaned.blank_lines == 2
    assert [c.line for c in cleaned.edited] == [1, 3, 5, 6]
    first = cleaned.edited[0].segments
    assert ("del", "\u3000\u3000") in first and ("del", ",") in first and ("ins", "，") in first
    # the segments rebuild both sides
    for c in cleaned.edited:
        assert "".join(t for k, t in c.segments if k != "ins") == c.before
        assert "".join(t for k, t in c.segments if k != "del") == c.after
    assert drafts.clean_body(cleaned.text).changes == []          # clean text stays as it is


def test_draft_file_round_trip_and_import_refuses_paths(tmp_path):
    imported = drafts.import_draft(JOINT.read_text(encoding="utf-8"))
    form = imported.form
    assert imported.notes == [] and form.sealed
    assert form.elements["organs"] == "晋城市城区应急管理局、晋城市城区发展和改革局"
    again = drafts.import_draft(drafts.draft_text(form))
    assert again.form == form
    # a path written in a file is never opened, and 版式 (a profile path) is not taken over
    hostile = "---\n标题: 通知\n版式: /etc/passwd\n附件:\n- {名称: 清单, 文件: /etc/hostname}\n---\n正文\n"
    got = drafts.import_draft(hostile)
    assert got.form.attachments == [{"名称": "清单"}] and "文件" not in drafts.draft_text(got.form)
    assert any("版式" in n for n in got.notes) and any("重新上传" in n for n in got.notes)
    with pytest.raises(DraftError):
        drafts.import_draft("没有文件信息的正文")
    with pytest.raises(DraftError, match="未知的文件信息项"):
        drafts.import_draft("---\n作者: 某人\n---\n正文\n")


def test_drafts_saved_listed_loaded_deleted(tmp_path):
    form = drafts.make_form({"title": "关于开展检查的通知", "organs": "兴县应急管理局", "bogus": "x"}, PASTED)
    assert "bogus" not in form.elements
    with open_ledger(tmp_path / "台账.db") as handle:
        saved = drafts.save_draft(handle, form)
        assert drafts.load_draft(handle, saved.id).form == form
        changed = drafts.make_form({"title": "关于复查的通知"}, "正文")
        assert drafts.save_draft(handle, changed, saved.id).title == "关于复查的通知"
        other = drafts.save_draft(handle, drafts.DraftForm())
        assert [d["title"] for d in drafts.list_drafts(handle).drafts] == ["（无标题）", "关于复查的通知"]
        assert drafts.export_draft(handle, saved.id).name == "关于复查的通知.md"
        drafts.delete_draft(handle, other.id)
        for call in (lambda: drafts.load_draft(handle, other.id), lambda: drafts.delete_draft(handle, other.id),
                     lambda: drafts.save_draft(handle, form, 999)):
            with pytest.raises(PaichaError) as e:
                call()
            assert e.value.code == "not_found"
        assert len(drafts.list_drafts(handle).drafts) == 1


def test_exported_draft_makes_the_same_document_with_the_cli(tmp_path):
    """web form → saved draft → exported file → `cli.py notice` gives the text of the web's preview .docx."""
    form = drafts.import_draft(JOINT.read_text(encoding="utf-8")).form
    form.body = PASTED + form.body.split("\n", 1)[1]
    with open_ledger(tmp_path / "台账.db") as handle:
        exported = drafts.export_draft(handle, drafts.save_draft(handle, form).id)
    draft = tmp_path / exported.name
    draft.write_text(exported.text, encoding="utf-8")
    assert main(["notice", str(draft), "-o", str(tmp_path / "cli.docx")]) == 0
    shown = gongwen.preview_notice(drafts.draft_text(form), tmp_path / "cache", form.title)
    assert docx_text(tmp_path / "cli.docx") == docx_text(shown.docx)
    assert "五到位" in docx_text(shown.docx) and '"' not in docx_text(shown.docx)
    # the preview: pages as PNG, cached by content, and a conforming document placed on its pages
    assert shown.pages >= 2 and all(shown.page(n).read_bytes()[:4] == b"\x89PNG" for n in range(1, shown.pages + 1))
    assert shown.page(0) is None and shown.page(shown.pages + 1) is None
    assert gongwen.preview_notice(drafts.draft_text(form), tmp_path / "cache", "x") == shown
    assert gongwen.cached_preview(tmp_path / "cache", "../" + shown.key) is None
    report = gongwen.placed_report(shown)
    assert report.findings == []
    assert report.paragraphs[0].page == 1 and report.paragraphs[-1].page == shown.pages


def test_check_findings_point_at_their_paragraph_and_page(tmp_path):
    """A Word draft as typed: its findings name paragraphs, each found on a page with its text."""
    shown = gongwen.preview_document(ROOT / "samples/word_drafts/draft_fagai.docx", tmp_path / "cache")
    report = gongwen.placed_report(shown)
    placed = [f for f in report.findings if f.paragraph]
    assert placed, "the unformatted draft has paragraph findings"
    texts = {p.index: p for p in report.paragraphs}
    for f in placed:
        para = texts[f.paragraph]
        assert f.page == para.page and para.page is not None
        snippet = f.where.split("“", 1)[1].rsplit("”", 1)[0]
        assert para.text.startswith(snippet.strip())
