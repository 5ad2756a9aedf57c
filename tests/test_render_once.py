"""render builds each variant of a 公文 once: the 版记 page's numbering (GB/T 9704 7.5) is set after
LibreOffice has laid the document out by moving footer references (number_banji / unnumber_banji), and
gives the same document build_document writes for either answer."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from generators.gongwen import render as R
from generators.gongwen.draft import parse_draft
from generators.gongwen.notice import read_draft_text

NOTICES = sorted((Path(__file__).resolve().parent.parent / "samples" / "notices").glob("*.md"))


def _gongwen(path: Path):
    return parse_draft(read_draft_text(path), path.parent)


def _xml(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    import zipfile
    with zipfile.ZipFile(buf) as z:
        return b"".join(n.encode() + z.read(n) for n in sorted(z.namelist()) if not n.endswith("core.xml"))


@pytest.mark.parametrize("draft", NOTICES, ids=[p.stem for p in NOTICES])
def test_numbering_moves_only_footer_references(draft):
    gw = _gongwen(draft)
    unnumbered, numbered = _xml(R.build_document(gw, False)), _xml(R.build_document(gw, True))
    doc = R.build_document(gw, False)
    refs = R.number_banji(doc)
    assert _xml(doc) == numbered
    R.unnumber_banji(doc, refs)
    assert _xml(doc) == unnumbered
    assert (numbered != unnumbered) == bool(refs) == bool(gw.cc or (gw.printer and not gw.letter))


@pytest.mark.parametrize("name, blank", [("upward_城区应急局_请示经费", True), ("sealed_城区发改局能源办_隐患清单", False)])
def test_render_builds_each_variant_once_and_writes_the_document_for_the_layout(tmp_path, monkeypatch, name, blank):
    """With --pdf: the .docx and the twin for LibreOffice, two builds whatever the layout (four before
    when a blank page preceded the 版记); the .docx is build_document's for the page LibreOffice found."""
    gw = _gongwen(next(p for p in NOTICES if p.stem == name))
    builds = []
    build = R.build_document
    monkeypatch.setattr(R, "build_document", lambda *a, **k: builds.append(k) or build(*a, **k))
    found = []
    check = R.blank_before_banji
    monkeypatch.setattr(R, "blank_before_banji", lambda *a: found.append(check(*a)) or found[-1])
    out = R.render(gw, tmp_path / "通知.docx", pdf=True)
    assert len(builds) == 2 and sorted(k["preview"] for k in builds) == [False, True]
    assert out.with_suffix(".pdf").exists() and found == [blank]
    from docx import Document
    monkeypatch.undo()
    assert _xml(Document(str(out))) == _xml(R.build_document(gw, banji_numbered=not found[0]))
