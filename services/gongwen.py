"""公文 (GB/T 9704-2012): a notice from a plain-text draft, re-laying out a Word draft, checking a .docx."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from generators.gongwen import check, layout_check, reformat
from generators.gongwen import notice as notice_module
from generators.gongwen.check import DocxView, Problem
from schema.office import convert, to_pdf


_office = threading.Lock()        # one LibreOffice at a time per process (threads would share its profile)


@dataclass
class Written:
    out: Path                        # the .docx
    pdf: Path | None = None


@dataclass
class CheckResult:
    file: Path
    problems: list[Problem] = field(default_factory=list)    # rule, where, message; empty: conforms

    @property
    def report(self) -> str:
        """The findings in Chinese, one line each."""
        return check.format_report(self.file, self.problems)


def _pdf(out: Path, pdf: bool) -> Path | None:
    return out.with_suffix(".pdf") if pdf else None


def notice(draft: Path, out: Path | None = None, pdf: bool = False, profile: str = "gbt9704") -> Written:
    """A 红头文件 .docx (and PDF) from a draft (YAML head + body); every problem of the draft at once."""
    out = notice_module.notice(Path(draft), Path(out) if out else None, pdf=pdf, profile=profile)
    return Written(out, _pdf(out, pdf))


def notices(drafts: list[Path], out_dir: Path, pdf: bool = False, profile: str = "gbt9704") -> list[Written]:
    """A notice from each draft into `out_dir` (named as the draft); their PDFs in one LibreOffice run."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [Written(notice_module.notice(Path(d), out_dir / (Path(d).stem + ".docx"), profile=profile)) for d in drafts]
    if pdf and written:
        pdfs = convert([w.out for w in written], "pdf", out_dir)
        for w in written:
            w.pdf = pdfs.get(w.out)
    return written


def format_document(source: Path, out: Path, pdf: bool = False, profile: str = "gbt9704",
                    options: dict | None = None) -> Written:
    """An unformatted Word draft (.docx/.doc/.wps) re-laid out as a 公文; `options` gives what it does not say
    (generators.gongwen.reformat.OPTIONS)."""
    with _office:
        out = reformat.format_document(Path(source), Path(out), pdf=pdf, profile=profile, options=options,
                                       paginate=True)
    return Written(out, _pdf(out, pdf))


def check_document(file: Path, profile: str = "gbt9704", render: bool = False) -> CheckResult:
    """Every GB/T 9704 problem of a .docx; `render` also measures the page LibreOffice lays out."""
    problems = check.check_file(Path(file), profile=profile)
    if render:
        problems += layout_check.check_rendered(Path(file), profile=profile)
    return CheckResult(Path(file), problems)


# --- previews: the pages as images, cached by content in a folder of the caller's ---------------------

PREVIEW_SCALE = 1.25              # 72 dpi × 1.25: an A4 page 744×1052 pixels
KEY = re.compile(r"[0-9a-f]{64}")


@dataclass
class Preview:
    key: str                         # the content hash naming the cache folder
    folder: Path
    name: str                        # the document's name for downloads, without suffix
    pages: int

    @property
    def docx(self) -> Path:
        return self.folder / "document.docx"

    @property
    def pdf(self) -> Path:
        return self.folder / "document.pdf"

    def page(self, n: int) -> Path | None:
        """Page n (1-based) as PNG, or None when there is no such page."""
        return self.folder / f"page-{n}.png" if 1 <= n <= self.pages else None

    def page_texts(self) -> list[str]:
        return json.loads((self.folder / "texts.json").read_text(encoding="utf-8"))


def preview_notice(text: str, cache: Path, name: str = "公文", profile: str = "gbt9704") -> Preview:
    """A draft's text (as `cli.py notice` reads it) laid out as a 公文 and rendered to page images; the
    same text again is answered from the cache. Raises DraftError listing the draft's problems."""
    key = hashlib.sha256(f"{profile}\n{text}".encode("utf-8")).hexdigest()

    def make(work: Path) -> None:
        draft = work / "draft.md"
        draft.write_text(text, encoding="utf-8")
        # the PDF made with the .docx: one LibreOffice run, drawn from the twin laid out with LibreOffice's
        # glyph widths (render), so the preview shows the 署名 where the printed page has it
        notice_module.notice(draft, work / "document.docx", pdf=True, profile=profile)
    return _cached(cache, key, name, make)


def preview_document(docx: Path, cache: Path, name: str | None = None) -> Preview:
    """A .docx rendered to page images, cached by the file's bytes."""
    docx = Path(docx)
    digest = hashlib.sha256()
    with open(docx, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return _cached(cache, digest.hexdigest(), name or docx.stem, lambda work: shutil.copy(docx, work / "document.docx"))


def cached_preview(cache: Path, key: str) -> Preview | None:
    """The cached preview with this key, or None (a key that is not a hash, or nothing cached)."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        return None
    try:
        meta = json.loads((Path(cache) / key / "preview.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Preview(key, Path(cache) / key, str(meta["name"]), int(meta["pages"]))


def _cached(cache: Path, key: str, name: str, make) -> Preview:
    """The preview `key` from the cache, else made in a fresh folder (make(work) writes document.docx, and
    document.pdf when it lays the document out itself) and moved into place whole, so a half-made preview is never served."""
    found = cached_preview(cache, key)
    if found:
        return found
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".make-", dir=cache))
    try:
        with _office:
            make(work)
            if not (work / "document.pdf").exists():
                to_pdf(work / "document.docx", work / "document.pdf", keep_blank_pages=True)
        texts = _render_pages(work / "document.pdf", work)
        (work / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        (work / "preview.json").write_text(json.dumps({"name": name, "pages": len(texts)}, ensure_ascii=False),
                                           encoding="utf-8")
        try:
            os.rename(work, cache / key)
        except OSError:
            pass                     # made meanwhile by another request: theirs is kept
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return cached_preview(cache, key)


def _render_pages(pdf: Path, folder: Path) -> list[str]:
    """page-N.png for each page of the PDF; returns the pages' text."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    texts = []
    try:
        for n, page in enumerate(doc, 1):
            page.render(scale=PREVIEW_SCALE).to_pil().save(folder / f"page-{n}.png", optimize=True)
            texts.append(page.get_textpage().get_text_range())
    finally:
        doc.close()
    return texts


# --- a check report placed on the pages -------------------------------------------------------

@dataclass
class Paragraph:
    index: int                       # 第N段 of the checker: the N-th non-empty top-level paragraph
    text: str
    page: int | None                 # the preview page it falls on (None: not found there)


@dataclass
class Finding:
    rule: str
    message: str
    where: str
    paragraph: int | None            # the paragraph's index when the finding is about one
    page: int | None                 # the page the finding's text falls on


@dataclass
class PlacedReport:
    findings: list[Finding] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)


def placed_report(preview: Preview, profile: str = "gbt9704") -> PlacedReport:
    """The check findings of the previewed .docx, each with the paragraph and page it is about."""
    pages = [_squash(t) for t in preview.page_texts()]
    view = DocxView(preview.docx)
    paragraphs, page, at = [], 0, 0
    for kind, para, _ in view.blocks():
        if kind != "p" or not para.index:
            continue
        found = _find(pages, _squash(para.text)[:12], page, at)
        if found:
            page, at = found
        paragraphs.append(Paragraph(para.index, para.text.strip(), page + 1 if found else None))
    by_index = {p.index: p for p in paragraphs}
    findings = []
    for pr in check_document(preview.docx, profile=profile).problems:
        m = re.match(r"第(\d+)段", pr.where)
        index = int(m[1]) if m and int(m[1]) in by_index else None
        if index:
            where_page = by_index[index].page
        else:
            snippet = re.search(r"“(.+?)”", pr.where)
            found = _find(pages, _squash(snippet[1]), 0, 0) if snippet else None
            where_page = found[0] + 1 if found else None
        findings.append(Finding(pr.rule, pr.message, pr.where, index, where_page))
    return PlacedReport(findings, paragraphs)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _find(pages: list[str], needle: str, page: int, at: int) -> tuple[int, int] | None:
    """(page, position) of the first `needle` from `page`, position `at` on; None when absent or empty."""
    if not needle:
        return None
    for n in range(page, len(pages)):
        i = pages[n].find(needle, at if n == page else 0)
        if i >= 0:
            return n, i + len(needle)
    return None
