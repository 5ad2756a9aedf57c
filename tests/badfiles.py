"""Build every hostile or broken input the readers must refuse (and a few good ones).

    python tests/badfiles.py OUTDIR      # writes them all and prints the list

`build(outdir)` returns {file name: expected InputError code, or None if it must read};
`build_crashers(outdir)` the files that once crashed the whole batch outside any InputError
(issue 9), with the outcome the pipeline must give them.
Everything is made at test time in a temp dir, in well under a second (the 2 GB
zip bomb is a repeated deflate block, never 2 GB of memory or disk). Also here:
`raw_zip` (a zip writer that stores names exactly as given, e.g. GBK like
Windows) and `ole_file` (a minimal OLE2 compound-file writer).
"""
from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

INJECTIONS = ['=HYPERLINK("http://evil")', "{{ 7*7 }}", "<script>alert(1)</script>", "{% for x in y %}"]
BOMB_BYTES = 2 << 30                  # 2 GiB of zeros
BOMB_UNIT = 1 << 20                   # deflated 1 MiB at a time, repeated


# --- good small documents ---------------------------------------------------------------------

def make_docx(path: Path, cells: list[str] | None = None) -> Path:
    """A small form: a title paragraph and a 2-row table (a paragraph after it, as Word stores)."""
    import docx
    d = docx.Document()
    d.add_paragraph("生产经营单位摸底登记表")
    cells = cells or ["单位名称", "北石店镇五金厂"]
    t = d.add_table(rows=2, cols=len(cells))
    for i, text in enumerate(cells):
        t.cell(0, i).text = f"项{i + 1}"
        t.cell(1, i).text = text
    d.add_paragraph("填表人：张三")
    d.save(path)
    return path


def make_xlsx(path: Path, cells: list[str] | None = None) -> Path:
    """A one-sheet statistics table; strings written through generators.excel (never formulas)."""
    import openpyxl
    from generators.excel import write
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "统计表"
    write(ws, 1, 1, "全市安全检查督导情况统计表")
    cells = cells or ["北石店镇", "3"]
    for i, text in enumerate(cells, start=1):
        write(ws, 2, i, f"项{i}")
        write(ws, 3, i, text)
    wb.save(path)
    return path


# --- hand-made containers ---------------------------------------------------------------------

def raw_zip(path: Path, members: list[dict]) -> Path:
    """Write a zip exactly as described: each member a dict with
    name (bytes), data (bytes, already deflated if method 8), size (declared), crc, method, flags."""
    out = io.BytesIO()
    central = []
    for m in members:
        offset = out.tell()
        name, data = m["name"], m["data"]
        fields = (20, m.get("flags", 0), m.get("method", 8), 0, 0x5A21,
                  m.get("crc", 0), len(data), m["size"], len(name), 0)
        out.write(struct.pack("<I5H3I2H", 0x04034B50, *fields) + name + data)
        central.append(struct.pack("<I6H3I5HII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset) + name)
    cd_offset = out.tell()
    cd = b"".join(central)
    out.write(cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd), cd_offset, 0))
    path.write_bytes(out.getvalue())
    return path


def deflated_zeros(n_bytes: int) -> bytes:
    """A raw deflate stream of n_bytes zeros, built by repeating one fully-flushed block."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(BOMB_UNIT)
    first = co.compress(zeros) + co.flush(zlib.Z_FULL_FLUSH)
    unit = co.compress(zeros) + co.flush(zlib.Z_FULL_FLUSH)
    return first + unit * (n_bytes // BOMB_UNIT - 1) + co.flush()


def deflate(data: bytes) -> bytes:
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


def stored_member(name: str, data: bytes, encoding: str = "utf-8") -> dict:
    """A correct deflated member; names in another encoding get no UTF-8 flag (as Windows writes)."""
    flags = 0x800 if encoding == "utf-8" else 0
    return {"name": name.encode(encoding), "data": deflate(data), "size": len(data),
            "crc": zlib.crc32(data), "flags": flags}


def ole_file(path: Path, streams: dict[str, bytes | dict]) -> Path:
    """A minimal OLE2 compound file (512-byte sectors, no mini stream, one directory sector: at most
    three entries) holding `streams`; a dict value is a storage (an embedded object: {"MBD0001": {…}})."""
    sector = 512
    FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    tree: list[list] = []               # [name, data or None, child, right]; directory id = index + 1

    def add(level: dict) -> int:
        ids = []
        for name, value in level.items():
            ids.append(len(tree) + 1)
            tree.append([name, None if isinstance(value, dict) else value, FREE, FREE])
        for i, value in zip(ids, level.values()):
            if isinstance(value, dict):
                tree[i - 1][2] = add(value)
        for a, b in zip(ids, ids[1:]):
            tree[a - 1][3] = b
        return ids[0] if ids else FREE

    first = add(streams)
    assert len(tree) <= 3, "ole_file: more entries than one directory sector holds"
    datas = [t[1].ljust(max(len(t[1]), 4096), b"\0") for t in tree if t[1] is not None]  # ≥ cutoff: no mini stream
    fat = [FATSECT, END]                                     # sector 0: FAT, sector 1: directory
    starts = []
    for d in datas:
        n = -(-len(d) // sector)
        start = len(fat)
        starts.append(start)
        fat += list(range(start + 1, start + n)) + [END]
    assert len(fat) <= sector // 4, "ole_file: streams too large for one FAT sector"
    fat += [FREE] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child=FREE, right=FREE) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB3I", len(raw), kind, 1, FREE, right, child)
                + bytes(16) + bytes(4) + bytes(16) + struct.pack("<IIxxxx", start, size))

    dir_entries = [entry("Root Entry", 5, END, 0, child=first)]
    placed = iter(zip(starts, datas))
    for name, data, child, right in tree:
        if data is None:
            dir_entries.append(entry(name, 1, 0, 0, child=child, right=right))
        else:
            start, padded = next(placed)
            dir_entries.append(entry(name, 2, start, len(padded), right=right))
    directory = b"".join(dir_entries).ljust(sector, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<109I", 0, *([FREE] * 108)))
    body = header + struct.pack(f"<{sector // 4}I", *fat) + directory
    body += b"".join(d.ljust(-(-len(d) // sector) * sector, b"\0") for d in datas)
    path.write_bytes(body)
    return path


def replace_part(src: Path, dst: Path, part: str, new: bytes) -> Path:
    """Copy an OOXML package with one part's bytes replaced."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, new if info.filename == part else zin.read(info.filename))
    return dst


def set_word_encrypted_flag(doc: Path) -> Path:
    """Set fEncrypted in the FIB of a real .doc (what Word writes for a password-protected file)."""
    import olefile
    from parsers.readers.sniff import FIB_ENCRYPTED, FIB_FLAGS_OFFSET
    with olefile.OleFileIO(str(doc), write_mode=True) as ole:
        fib = bytearray(ole.openstream("WordDocument").read())
        flags = struct.unpack_from("<H", fib, FIB_FLAGS_OFFSET)[0] | FIB_ENCRYPTED
        struct.pack_into("<H", fib, FIB_FLAGS_OFFSET, flags)
        ole.write_stream("WordDocument", bytes(fib))
    return doc


# --- the catalogue ----------------------------------------------------------------------------

XXE_DOCTYPE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def build(outdir: Path, legacy_doc: Path | None = None) -> dict[str, str | None]:
    """Write every case into outdir; {file name: expected error code, None = must read fine}.

    `legacy_doc`: a real .doc (LibreOffice-made) to turn into an encrypted one; skipped if None.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    cases: dict[str, str | None] = {}
    good_docx = make_docx(outdir / "good.docx")
    good_xlsx = make_xlsx(outdir / "good.xlsx")
    cases["good.docx"] = cases["good.xlsx"] = None

    (outdir / "empty.docx").write_bytes(b"")
    cases["empty.docx"] = "empty"

    data = good_docx.read_bytes()
    (outdir / "truncated.docx").write_bytes(data[: len(data) // 2])
    cases["truncated.docx"] = "corrupt"

    (outdir / "really_xlsx.docx").write_bytes(good_xlsx.read_bytes())
    cases["really_xlsx.docx"] = None

    (outdir / "html.xlsx").write_text(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'></head><body><table><tr><td>统计表</td></tr>"
        "</table></body></html>", encoding="utf-8")
    cases["html.xlsx"] = "wrong_type"
    (outdir / "text.xlsx").write_text("单位名称,检查数\n北石店镇,3\n", encoding="gbk")
    cases["text.xlsx"] = "wrong_type"
    (outdir / "archive.rar.xlsx").write_bytes(b"Rar!\x1a\x07\x00" + bytes(100))
    cases["archive.rar.xlsx"] = "wrong_type"

    encrypted = {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"<encryption/>",
                 "EncryptedPackage": struct.pack("<Q", 5000) + bytes(5000)}
    ole_file(outdir / "encrypted.xlsx", encrypted)
    ole_file(outdir / "encrypted.docx", encrypted)
    cases["encrypted.xlsx"] = cases["encrypted.docx"] = "encrypted"

    if legacy_doc is not None:
        target = outdir / "encrypted.doc"
        target.write_bytes(Path(legacy_doc).read_bytes())
        set_word_encrypted_flag(target)
        cases["encrypted.doc"] = "encrypted"
        broken = Path(legacy_doc).read_bytes()[:700]          # header, then the file stops
        (outdir / "truncated.doc").write_bytes(broken)
        cases["truncated.doc"] = "corrupt"
    bof = struct.pack("<HH", 0x0809, 16) + bytes(16)
    filepass = struct.pack("<HH", 0x002F, 6) + bytes(6)
    ole_file(outdir / "encrypted.xls", {"Workbook": bof + filepass + struct.pack("<HH", 0x000A, 0)})
    cases["encrypted.xls"] = "encrypted"
    ole_file(outdir / "not_office.doc", {"Contents": b"hello"})
    cases["not_office.doc"] = "wrong_type"

    bomb = deflated_zeros(BOMB_BYTES)
    raw_zip(outdir / "bomb.zip", [{"name": "报表.docx".encode(), "data": bomb, "size": BOMB_BYTES, "flags": 0x800}])
    cases["bomb.zip"] = "zip_bomb"
    # Same stream, but the headers claim 1000 bytes: only streaming can see it.
    raw_zip(outdir / "lying.zip", [{"name": "报表.docx".encode(), "data": bomb, "size": 1000, "flags": 0x800}])
    cases["lying.zip"] = "zip_bomb"
    # A .docx whose document.xml lies the same way.
    with zipfile.ZipFile(good_docx) as z:
        members = [stored_member(i.filename, z.read(i.filename)) for i in z.infolist()
                   if i.filename != "word/document.xml"]
    members.append({"name": b"word/document.xml", "data": bomb, "size": 5000, "flags": 0x800})
    raw_zip(outdir / "bomb_inside.docx", members)
    cases["bomb_inside.docx"] = "zip_bomb"
    with zipfile.ZipFile(outdir / "many_members.zip", "w", zipfile.ZIP_STORED) as z:
        for i in range(5_001):
            z.writestr(f"f{i}.txt", b"")
    cases["many_members.zip"] = "zip_bomb"

    with zipfile.ZipFile(good_docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    xml = xml.replace("?>", "?>" + XXE_DOCTYPE, 1).replace("北石店镇五金厂", "&xxe;", 1)
    replace_part(good_docx, outdir / "xxe.docx", "word/document.xml", xml.encode("utf-8"))
    cases["xxe.docx"] = "xxe"
    with zipfile.ZipFile(good_xlsx) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    sheet = sheet.replace("?>", "?>" + XXE_DOCTYPE, 1) if sheet.startswith("<?xml") else XXE_DOCTYPE + sheet
    sheet = re.sub(r'<c r="A3"[^>]*>.*?</c>', '<c r="A3" t="inlineStr"><is><t>&xxe;</t></is></c>', sheet, count=1)
    replace_part(good_xlsx, outdir / "xxe.xlsx", "xl/worksheets/sheet1.xml", sheet.encode("utf-8"))
    cases["xxe.xlsx"] = "xxe"

    with open(outdir / "huge.docx", "wb") as f:              # sparse: 201 MB that take no disk
        f.truncate(201 * 1024 * 1024)
    cases["huge.docx"] = "too_large"
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "表"
    wb.active["B1"] = "x"
    wb.active["XFD1048576"] = "远处的单元格"
    wb.save(outdir / "vast.xlsx")
    cases["vast.xlsx"] = "too_large"

    make_docx(outdir / "injection.docx", INJECTIONS)
    make_xlsx(outdir / "injection.xlsx", INJECTIONS)
    cases["injection.docx"] = cases["injection.xlsx"] = None
    return cases


def damaged_deflate(src: Path, dst: Path, part: str = "[Content_Types].xml") -> Path:
    """An OOXML package whose `part` has a broken deflate stream (zlib: "invalid block type")."""
    with zipfile.ZipFile(src) as z:
        members = [stored_member(i.filename, z.read(i.filename)) for i in z.infolist()]
    for m in members:
        if m["name"] == part.encode():
            m["data"] = b"\xff" * len(m["data"])
    return raw_zip(dst, members)


def build_crashers(outdir: Path) -> dict[str, tuple[str, str | None]]:
    """{file name: (outcome, error code)} for the inputs of issue 9 that escaped the per-file handling."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    good_xlsx = make_xlsx(outdir.parent / "crash-src.xlsx")
    good_docx = make_docx(outdir.parent / "crash-src.docx").read_bytes()
    damaged_deflate(good_xlsx, outdir / "damaged_deflate.xlsx")
    # WinRAR-style: the UTF-8 flag set on a GBK name; the member is read, its name decoded as GBK
    raw_zip(outdir / "gbk_flagged.zip", [{"name": "督导检查表.docx".encode("gbk"), "data": deflate(good_docx),
                                          "size": len(good_docx), "crc": zlib.crc32(good_docx), "flags": 0x800}])
    # the same broken stream inside a zip member
    with zipfile.ZipFile(outdir / "member_deflate.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(damaged_deflate(good_xlsx, outdir.parent / "crash-inner.xlsx"), "统计表.xlsx")
        z.writestr("摸底表.docx", good_docx)
    # a member with an empty name beside a good one (zipfile's is_dir() fails on it)
    raw_zip(outdir / "nameless_member.zip", [stored_member("", b"x"), stored_member("表.docx", good_docx)])
    return {"damaged_deflate.xlsx": ("error", "corrupt"), "gbk_flagged.zip": ("records", None),
            "member_deflate.zip": ("records", None), "nameless_member.zip": ("records", None)}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "badfiles")
    for name, code in build(out).items():
        print(f"{name:24s} {code or 'reads'}")
