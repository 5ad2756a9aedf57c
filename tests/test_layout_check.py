"""Rendered-layout checks (generators/gongwen/layout_check.py): our notices, rendered by LibreOffice, pass;
the classic faults planted into their .docx are measured on the page and reported with the right rule."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from clirun import run as cli
from generators.gongwen.check import format_report
from generators.gongwen.layout_check import banner_geometry, check_layout
from generators.gongwen.notice import notice
from schema.office import PDF_KEEP_BLANK_PAGES as PDF_TARGET
from generators.office import convert

ROOT = Path(__file__).resolve().parent.parent
NOTICES = sorted((ROOT / "samples" / "notices").glob("*.md"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def plant(src: Path, dst: Path, part: str, edit) -> Path:
    """Copy a .docx with edit(root) applied to one XML part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                root = etree.fromstring(data)
                edit(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return dst


def mark_at_top(root) -> None:
    """The 标志 as the first line of the 版心 (no space above it): the fault of most generators."""
    for p in root.iter(f"{W}p"):
        if "".join(t.text or "" for t in p.iter(f"{W}t")).endswith("文件"):
            p.find(f"{W}pPr/{W}spacing").set(f"{W}before", "0")
            return
    raise AssertionError("no 标志 paragraph")


def one_footer(root) -> None:
    """Odd and even pages share one footer: page numbers always on the right."""
    for el in list(root.iter(f"{W}evenAndOddHeaders")):
        el.getparent().remove(el)


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("layout")
    docs = {d.stem: notice(d, out / (d.stem + ".docx")) for d in NOTICES}
    src = docs[next(k for k in docs if k.startswith("003"))]
    docs["mark_at_top"] = plant(src, out / "mark_at_top.docx", "word/document.xml", mark_at_top)
    docs["one_side"] = plant(src, out / "one_side.docx", "word/settings.xml", one_footer)
    made = convert(list(docs.values()), PDF_TARGET, out)
    return {k: made[d] for k, d in docs.items()}


@pytest.mark.parametrize("name", [d.stem for d in NOTICES])
def test_rendered_notices_pass(pdfs, name):
    problems = check_layout(pdfs[name])
    assert problems == [], format_report(pdfs[name], problems)


def test_mark_at_top_of_type_area_is_reported(pdfs):
    problems = check_layout(pdfs["mark_at_top"])
    assert {p.rule for p in problems} == {"layout.mark_top"}, format_report(pdfs["mark_at_top"], problems)
    got = float(re.search(r"距纸张上边 ([\d.]+) 毫米", problems[0].message).group(1))
    assert 37 <= got <= 47 and problems[0].where == "第1页"       # ink of the first line: its top + the glyph's inner leading


def test_page_numbers_on_one_side_are_reported(pdfs):
    problems = check_layout(pdfs["one_side"])
    assert {p.rule for p in problems} == {"layout.page_number_side"}, format_report(pdfs["one_side"], problems)
    pages = [int(re.search(r"\d+", p.where).group()) for p in problems]
    assert pages and all(n % 2 == 0 for n in pages)            # every even page, and only those
    assert "左侧" in problems[0].message and "右侧" in problems[0].message


def test_banner_measurements(pdfs):
    g = banner_geometry(pdfs[next(k for k in pdfs if k.startswith("000"))])
    assert abs(g["mark_top"] - 72) <= 3 and abs(g["rule_gap"] - 4) <= 1.5 and abs(g["rule_width"] - 156) <= 2
    g = banner_geometry(pdfs["mark_at_top"])
    assert 37 <= g["mark_top"] <= 47


def test_cli_check_render(pdfs, tmp_path):
    docx = pdfs["one_side"].with_suffix(".docx")
    r = cli("check", docx, "--render")
    assert r.returncode == 1, r.stderr
    assert "[layout.page_number_side]" in r.stdout and "[footer.oddeven]" in r.stdout
    good = pdfs[next(k for k in pdfs if k.startswith("002"))].with_suffix(".docx")
    r = cli("check", good, "--render")
    assert r.returncode == 0 and "未发现问题" in r.stdout, r.stdout + r.stderr
