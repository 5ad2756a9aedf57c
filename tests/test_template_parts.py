"""PreparedTemplate.save deflates the template's fixed parts once: each document it writes holds the same
parts, entries and compressed bytes as zipfile.writestr of every part would give (dates aside)."""
from __future__ import annotations

import zipfile

from generators import documents
from generators.mark import mark_part
from generators.order import ZHILING


def _plain_save(t: documents.PreparedTemplate, xml: str, out):
    """The straightforward writer: every part deflated for every document."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=documents.ZIP_LEVEL) as z:
        for info, data in t.parts:
            z.writestr(info.filename, xml.encode("utf-8") if info.filename == "word/document.xml"
                       else mark_part(info.filename, data, t.mark), compress_type=zipfile.ZIP_DEFLATED)
    return out


def _entries(path):
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        infos = z.infolist()
        raw = open(path, "rb").read()
        return [(i.filename, z.read(i.filename), i.CRC, i.compress_size, i.compress_type, i.external_attr,
                 raw[i.header_offset + 30 + len(i.filename.encode()):][:i.compress_size]) for i in infos]


def test_documents_equal_plain_zipfile_writes(tmp_path):
    t = ZHILING.prepared()
    template_xml = dict((i.filename, d) for i, d in t.parts)["word/document.xml"].decode("utf-8")
    for k, xml in enumerate([template_xml, template_xml.replace("<w:body>", "<w:body><w:p/>", 1)]):
        ours = t.save(xml, tmp_path / f"ours{k}.docx")
        plain = _plain_save(t, xml, tmp_path / f"plain{k}.docx")
        a, b = _entries(ours), _entries(plain)
        assert [e[0] for e in a] == [info.filename for info, _ in t.parts]
        assert a == b
    assert len(t.fixed_parts) == len(t.parts) - 1 and "word/styles.xml" in t.fixed_parts

