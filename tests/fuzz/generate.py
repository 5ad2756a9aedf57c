"""Seeded broken variants of the sample returns, for the fuzz test of the batch parser.

    .venv/bin/python -m tests.fuzz.generate OUTDIR [SEED]     # writes them, prints one recipe a line

`build(outdir, seed)` writes
    good/      sample returns, unchanged (their records must come out the same in any company)
    broken/    damaged copies: truncations, flipped bytes, damaged or swapped zip members, damaged central
               directories, lying zip headers, damaged OLE headers, PDFs with broken xref, image bombs
    ext/       contents under the wrong extension, empty and one-byte files
    names/     a good return under hostile file names (newlines, terminal escapes, GBK bytes, RTL marks …)
    links/     symbolic links: dangling, looping, to a device, to a file outside the folder
    nest/      archives in archives, hostile member names
    badfiles/  the catalogue of tests/badfiles.py (bombs, XXE, encrypted files …)
and returns the manifest: one Variant per file, with the recipe that made it. Same seed, same bytes;
nothing here is committed, everything is made at test time in well under a minute.
"""
from __future__ import annotations

import io
import os
import random
import re
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers.readers.archive import FORM_SUFFIXES  # noqa: E402
from tests.badfiles import build as build_badfiles, deflate, raw_zip, stored_member  # noqa: E402

SAMPLES = ROOT / "samples"
SEED = 20230310

# Good returns copied unchanged into good/: every .docx/.xlsx/.zip return, one legacy file of each kind
# (one LibreOffice start reads them all) and two text-layer PDFs (scans are left out: OCR is slow).
GOOD_LEGACY = [f"returns/格式样例/大排查大整治行动统计表.{ext}" for ext in ("doc", "xls", "wps", "et")]
GOOD_PDF = ["returns_pdf/supervision_check.pdf", "returns_pdf/campaign_stats.pdf"]

# The samples the variants are made from.
DOCX = ["returns/北石店镇/督导检查表-晋城市城区宏达建材有限公司.docx",
        "returns/北石店镇/附件1附件3-宏达建材.docx",
        "returns/南庄镇/东沟村/重大事故隐患专项排查整治行动进展情况调度表.docx"]
XLSX = ["returns/北石店镇/大排查大整治行动统计表.xlsx",
        "returns/北石店镇/自查表-晋城市城区宏达建材有限公司.xlsx",
        "returns/太谷区应急管理局/全市安全检查督导情况统计表.xlsx"]
ZIP = "returns/钟家庄街道/钟家庄街道报送材料.zip"
PDF = GOOD_PDF
DOC = "returns/格式样例/督导检查表-晋城市城区宏达建材有限公司.doc"
XLS = "returns/格式样例/自查表-晋城市城区宏达建材有限公司.xls"
JPG = "returns_pdf/supervision_check-scan.jpg"

DOCX_PARTS = ["word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels", "_rels/.rels",
              "word/styles.xml"]
XLSX_PARTS = ["xl/worksheets/sheet1.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels",
              "xl/workbook.xml", "xl/styles.xml"]
MAIN_PARTS = 3                      # XML-content damage only for the first three parts of each list


@dataclass
class Variant:
    rel: str          # path under outdir (may hold any character a Linux file name can)
    recipe: str       # how it was made, enough to make it again
    input: bool       # a folder walk takes it: a form suffix, not hidden, not a Word lock file


def is_input(name: str) -> bool:
    """What `parse FOLDER` is documented to take from a folder."""
    return Path(name).suffix.lower() in FORM_SUFFIXES and not name.startswith((".", "~$"))


class Builder:
    """Writes numbered files and keeps the manifest."""

    def __init__(self, outdir: Path, seed: int):
        self.outdir = Path(outdir)
        self.rng = random.Random(seed)
        self.variants: list[Variant] = []
        self._cache: dict[str, bytes] = {}

    def sample(self, rel: str) -> bytes:
        if rel not in self._cache:
            self._cache[rel] = (SAMPLES / rel).read_bytes()
        return self._cache[rel]

    def add(self, folder: str, slug: str, ext: str, data: bytes, recipe: str) -> None:
        """A numbered file folder/NNN-slug.ext."""
        self.put(folder, f"{len(self.variants):03d}-{slug}{ext}", data, recipe)

    def put(self, folder: str, name: str, data: bytes, recipe: str) -> None:
        path = self.outdir / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.variants.append(Variant(f"{folder}/{name}", recipe, is_input(name)))

    def link(self, folder: str, name: str, target: str, recipe: str) -> None:
        """A symbolic link folder/name → target (target as written into the link)."""
        path = self.outdir / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        self.variants.append(Variant(f"{folder}/{name}", recipe, is_input(name)))


# --- byte-level damage ----------------------------------------------------------------------------

def flip(data: bytes, rng: random.Random, n: int) -> tuple[bytes, list[int]]:
    """n bytes XOR-ed with a non-zero byte at random positions; the positions."""
    out = bytearray(data)
    positions = sorted(rng.sample(range(len(data)), n))
    for p in positions:
        out[p] ^= rng.randrange(1, 256)
    return bytes(out), positions


# --- zip members --------------------------------------------------------------------------------

def zip_members(data: bytes) -> list[dict]:
    """A zip's members as tests.badfiles.raw_zip dicts: name bytes, compressed data as stored, headers."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            off = info.header_offset
            n, m = struct.unpack_from("<HH", data, off + 26)
            start = off + 30 + n + m
            out.append({"name": data[off + 30:off + 30 + n], "data": data[start:start + info.compress_size],
                        "size": info.file_size, "crc": info.CRC, "method": info.compress_type,
                        "flags": info.flag_bits & ~0x08})      # raw_zip writes no data descriptors
    return out


def zip_bytes(members: list[dict]) -> bytes:
    """raw_zip into memory."""
    buf = _MemPath()
    raw_zip(buf, members)
    return buf.data


class _MemPath:
    """Just enough of a Path for raw_zip to write into."""
    data = b""

    def write_bytes(self, data: bytes) -> None:
        self.data = data


def member_index(members: list[dict], name: str) -> int:
    return next(i for i, m in enumerate(members) if m["name"] == name.encode())


def with_content(member: dict, content: bytes) -> dict:
    """The member holding `content`, correctly deflated and declared."""
    return {**member, "data": deflate(content), "size": len(content), "crc": zlib.crc32(content), "method": 8}


def inflate(member: dict) -> bytes:
    return zlib.decompress(member["data"], -15) if member["method"] == 8 else member["data"]


def eocd_at(data: bytes) -> int:
    return data.rfind(b"PK\x05\x06")


def patch(data: bytes, offset: int, fmt: str, *values) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, *values)
    return bytes(out)


def first_cd_entry(data: bytes) -> int:
    return struct.unpack_from("<I", data, eocd_at(data) + 16)[0]


# XML damage: name → function(xml bytes, rng) → bytes
def _truncate_xml(xml, rng):
    return xml[: len(xml) // 2]


def _invalid_utf8(xml, rng):
    i = xml.rfind(b"<", 0, len(xml) // 2)
    return xml[:i] + b"\xff\xfe\xc3(" + xml[i:]


def _deep(xml, rng):
    return b'<?xml version="1.0"?>' + b"<a>" * 100_000 + b"</a>" * 100_000


def _entities(xml, rng):
    doctype = (b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
               b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
    head = xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:head] + doctype + xml[head:].replace(b"</", b"&d;</", 1)


def _utf16(xml, rng):
    return xml.decode("utf-8").encode("utf-16-le")


def _wrong_namespace(xml, rng):
    return xml.replace(b"schemas.openxmlformats.org", b"schemas.example.invalid")


def _garbage(xml, rng):
    return bytes(rng.randrange(256) for _ in range(2000))


XML_DAMAGE = {"empty": lambda xml, rng: b"", "half": _truncate_xml, "badutf8": _invalid_utf8, "deep": _deep,
              "entities": _entities, "utf16": _utf16, "wrongns": _wrong_namespace, "garbage": _garbage}


# --- PDFs -----------------------------------------------------------------------------------------

def tiny_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF of the given objects (object 1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def blank_page_pdf(media_box: bytes = b"[0 0 595 842]", content: bytes = b"", extra: bytes = b"") -> bytes:
    stream = b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"
    return tiny_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R >>" % media_box,
                     stream])


def nested_pages_pdf(depth: int) -> bytes:
    """A page tree `depth` Pages nodes deep."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        me, kid = level + 2, level + 3
        parent = b" /Parent %d 0 R" % (me - 1) if level else b""
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (kid, parent))
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (depth + 1))
    return tiny_pdf(objs)


# --- images ---------------------------------------------------------------------------------------

def png(width: int, height: int, rows: bytes | None = None, colour_type: int = 0) -> bytes:
    """A PNG whose IHDR says width × height; `rows` is the raw scanline data (None: a tiny IDAT only)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    idat = zlib.compress(rows if rows is not None else b"\0" * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def white_png(width: int, height: int) -> bytes:
    """A real grey PNG, all white, compressed row by row (a 60-megapixel page is ~60 KB)."""
    co = zlib.compressobj(9)
    row = b"\0" + b"\xff" * width
    body = b"".join(co.compress(row) for _ in range(height)) + co.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def jpeg_header(width: int, height: int) -> bytes:
    """A JPEG that declares width × height in its SOF0 and stops right after it."""
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof


def bmp_header(width: int, height: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + 16, 0, 0, 14 + len(info)) + info + bytes(16)


# --- the catalogue --------------------------------------------------------------------------------

def build(outdir: Path, seed: int = SEED) -> list[Variant]:
    """Write the good returns and every variant under outdir; the manifest, in writing order."""
    b = Builder(outdir, seed)
    _good(b)
    _truncations(b)
    _flips(b)
    _member_damage(b)
    _zip_structure(b)
    _lying_headers(b)
    _ole_damage(b)
    _pdfs(b)
    _images(b)
    _wrong_extensions(b)
    _empty_and_tiny(b)
    _odd_names(b)
    _links(b)
    _nesting(b)
    for name, code in sorted(build_badfiles(b.outdir / "badfiles").items()):
        b.variants.append(Variant(f"badfiles/{name}", f"tests/badfiles.py case {name} ({code or 'reads'})",
                                  is_input(name)))
    return b.variants


def _good(b: Builder) -> None:
    rels = sorted(str(p.relative_to(SAMPLES)) for p in (SAMPLES / "returns").rglob("*")
                  if p.suffix in (".docx", ".xlsx", ".zip") and "格式样例" not in p.parts)
    for rel in rels + GOOD_LEGACY + GOOD_PDF:
        b.put("good", rel, b.sample(rel), f"sample {rel}, unchanged")


def _truncations(b: Builder) -> None:
    for rel in DOCX[:2] + XLSX[:2] + [ZIP] + PDF:
        data = b.sample(rel)
        n = len(data)
        for cut in sorted({1, 4, 30, n // 10, n // 4, n // 2, 3 * n // 4, n - 22, n - 1, b.rng.randrange(n)}):
            b.add("broken", "cut", Path(rel).suffix, data[:cut], f"{rel} truncated to its first {cut} of {n} bytes")
    for rel in (DOC, XLS, JPG):
        data = b.sample(rel)
        for cut in (512, len(data) // 2):
            b.add("broken", "cut", Path(rel).suffix, data[:cut], f"{rel} truncated to its first {cut} bytes")


def _flips(b: Builder) -> None:
    # a damaged text layer sends a PDF page to OCR (~20 s each), and so does a still-decodable JPEG:
    # one byte for those, and none for the scan
    plan = ([(rel, (1, 8, 64)) for rel in DOCX + XLSX + [ZIP]] + [(rel, (1,)) for rel in PDF]
            + [(DOC, (8,)), (XLS, (8,))])
    for rel, counts in plan:
        for n in counts:
            data, where = flip(b.sample(rel), b.rng, n)
            b.add("broken", f"flip{n}", Path(rel).suffix, data,
                  f"{rel} with {n} bytes flipped at {where if n <= 8 else f'{where[:8]}…'}")


def _member_damage(b: Builder) -> None:
    for rel, parts in ((DOCX[0], DOCX_PARTS), (XLSX[0], XLSX_PARTS)):
        ext = Path(rel).suffix
        base = zip_members(b.sample(rel))
        for k, part in enumerate(parts):
            i = member_index(base, part)
            short = Path(part).stem.strip("[]")
            # damage to the stored (deflated) bytes; headers unchanged
            ms = [dict(m) for m in base]
            ms[i]["data"] = bytes(len(ms[i]["data"]))
            b.add("broken", f"zero-{short}", ext, zip_bytes(ms), f"{rel}: {part} deflate stream zeroed")
            ms = [dict(m) for m in base]
            ms[i]["data"], where = flip(ms[i]["data"], b.rng, 4)
            b.add("broken", f"flipz-{short}", ext, zip_bytes(ms),
                  f"{rel}: {part} deflate stream with bytes flipped at {where}")
            ms = [dict(m) for m in base]
            ms[i]["data"] = ms[i]["data"][: len(ms[i]["data"]) // 2]
            b.add("broken", f"halfz-{short}", ext, zip_bytes(ms),
                  f"{rel}: {part} deflate stream cut in half (sizes declared as before)")
            ms = [dict(m) for m in base]
            del ms[i]
            b.add("broken", f"del-{short}", ext, zip_bytes(ms), f"{rel}: {part} removed")
            if k >= MAIN_PARTS:
                continue
            xml = inflate(base[i])
            for name, damage in XML_DAMAGE.items():
                ms = [dict(m) for m in base]
                ms[i] = with_content(ms[i], damage(xml, b.rng))
                b.add("broken", f"{name}-{short}", ext, zip_bytes(ms), f"{rel}: {part} replaced by XML damage '{name}'")
        # swapped and duplicated members
        main, styles = member_index(base, parts[0]), member_index(base, parts[-1])
        ct, rels_root = member_index(base, "[Content_Types].xml"), member_index(base, "_rels/.rels")
        for a, c in ((main, styles), (ct, rels_root)):
            ms = [dict(m) for m in base]
            ms[a]["name"], ms[c]["name"] = ms[c]["name"], ms[a]["name"]
            b.add("broken", "swap", ext, zip_bytes(ms),
                  f"{rel}: names of {base[a]['name'].decode()} and {base[c]['name'].decode()} swapped")
        ms = [dict(m) for m in base]
        ms.append(with_content(dict(ms[main]), b"<not-the-document/>"))
        b.add("broken", "dup", ext, zip_bytes(ms), f"{rel}: a second {parts[0]} (garbage) after the first")
        ms = [dict(m) for m in base]
        ms.insert(0, with_content(dict(ms[main]), b"<not-the-document/>"))
        b.add("broken", "dupfirst", ext, zip_bytes(ms), f"{rel}: a garbage {parts[0]} before the real one")
        b.add("broken", "rebuilt", ext, zip_bytes(list(reversed(base))),
              f"{rel}: members rewritten in reverse order (a valid package)")


def _zip_structure(b: Builder) -> None:
    """Damage to the central directory and the end record."""
    ops = {
        "cdoff+1": lambda d, e: patch(d, e + 16, "<I", first_cd_entry(d) + 1),
        "cdoff0": lambda d, e: patch(d, e + 16, "<I", 0),
        "cdoffmax": lambda d, e: patch(d, e + 16, "<I", 0xFFFFFFFF),
        "entries0": lambda d, e: patch(d, e + 8, "<HH", 0, 0),
        "entriesmax": lambda d, e: patch(d, e + 8, "<HH", 0xFFFF, 0xFFFF),
        "cdsize1": lambda d, e: patch(d, e + 12, "<I", 1),
        "commentlen": lambda d, e: patch(d, e + 20, "<H", 0xFFFF),
        "noeocd": lambda d, e: d[:e],
        "cdzero": lambda d, e: d[:first_cd_entry(d)] + bytes(e - first_cd_entry(d)) + d[e:],
        "cdsig": lambda d, e: patch(d, first_cd_entry(d), "<I", 0x02014B51),
        "cdnamelen": lambda d, e: patch(d, first_cd_entry(d) + 28, "<H", 60000),
        "cdlocal": lambda d, e: patch(d, first_cd_entry(d) + 42, "<I", 7),
        "prefix": lambda d, e: bytes(1000) + d,
        "suffix": lambda d, e: d + b"\x00garbage" * 100,
        "twoeocd": lambda d, e: d + d[e:],
    }
    for rel in (DOCX[1], XLSX[1], ZIP):
        data = zip_bytes(zip_members(b.sample(rel)))
        for name, op in ops.items():
            b.add("broken", f"cd-{name}", Path(rel).suffix, op(data, eocd_at(data)),
                  f"{rel} (rewritten): central directory / end record damage '{name}'")


def _lying_headers(b: Builder) -> None:
    """Sizes, checksums, methods and flags that do not match the data."""
    lies = {
        "size100": lambda m: {**m, "size": 100},
        "size150m": lambda m: {**m, "size": 150 << 20},
        "size0": lambda m: {**m, "size": 0},
        "crc": lambda m: {**m, "crc": m["crc"] ^ 0xDEADBEEF},
        "stored": lambda m: {**m, "method": 0, "size": len(m["data"])},
        "bzip2": lambda m: {**m, "method": 12},
        "method99": lambda m: {**m, "method": 99},
        "encrypted": lambda m: {**m, "flags": m["flags"] | 0x1},
    }
    for rel, part in ((DOCX[2], "word/document.xml"), (XLSX[2], "xl/worksheets/sheet1.xml"), (ZIP, None)):
        base = zip_members(b.sample(rel))
        i = member_index(base, part) if part else 0
        what = part or base[0]["name"].decode("gbk")
        for name, lie in lies.items():
            ms = [dict(m) for m in base]
            ms[i] = lie(ms[i])
            b.add("broken", f"lie-{name}", Path(rel).suffix, zip_bytes(ms), f"{rel}: {what} header lie '{name}'")
        data = zip_bytes(base)
        local = zipfile.ZipFile(io.BytesIO(data)).infolist()[i].header_offset
        b.add("broken", "lie-local", Path(rel).suffix, patch(data, local + 22, "<I", 1),
              f"{rel}: {what} local header says 1 byte, central directory the truth")
    # a GBK name with the UTF-8 flag set (issue 9's UnicodeDecodeError)
    ms = [{**m, "flags": m["flags"] | 0x800} for m in zip_members(b.sample(ZIP))]
    b.add("broken", "gbk-utf8flag", ".zip", zip_bytes(ms), f"{ZIP}: GBK member names with the UTF-8 flag set")


def _ole_damage(b: Builder) -> None:
    """OLE2 header and FAT damage on .doc and .xls (first FAT sector is sector 0 in these files or not:
    the header says where)."""
    for rel in (DOC, XLS):
        data = b.sample(rel)
        fat0 = struct.unpack_from("<I", data, 0x4C)[0]
        fat_at = 512 * (fat0 + 1)
        ops = {
            "shift20": patch(data, 0x1E, "<H", 20),
            "fatcount": patch(data, 0x2C, "<I", 0x7FFFFFFF),
            "dirstart": patch(data, 0x30, "<I", 0x7FFFFFF0),
            "fatsect": patch(data, 0x4C, "<I", 0xFFFFFFF0),
            "fatzero": data[:fat_at] + bytes(512) + data[fat_at + 512:],
            "dirloop": patch(data, fat_at + 4 * struct.unpack_from("<I", data, 0x30)[0], "<I",
                             struct.unpack_from("<I", data, 0x30)[0]),     # the directory chain points to itself
            "minicut": patch(data, 0x38, "<I", 0),
            "magic": b"\xd0\xcf\x11\xe0" + bytes(4) + data[8:],
        }
        for name, damaged in ops.items():
            b.add("broken", f"ole-{name}", Path(rel).suffix, damaged, f"{rel}: OLE header/FAT damage '{name}'")


def _pdfs(b: Builder) -> None:
    for rel in PDF:
        data = b.sample(rel)
        xref = data.rfind(b"\nxref")
        table_end = data.find(b"trailer", xref)
        garbled = data[:xref] + re.sub(rb"\d", lambda m: str(b.rng.randrange(10)).encode(),
                                       data[xref:table_end]) + data[table_end:]
        start = data.rfind(b"startxref")
        stream = data.find(b"stream\n") + len(b"stream\n")
        streamed, where = flip(data[stream:stream + 200], b.rng, 16)
        variants = {
            "xrefgarbled": garbled,
            "startxref0": data[:start] + b"startxref\n0\n%%EOF\n",
            "startxrefbeyond": data[:start] + b"startxref\n99999999\n%%EOF\n",
            "noxref": data[:xref] + b"\n%%EOF\n",
            "noeof": data[:data.rfind(b"%%EOF")],
            "header": b"%PDQ" + data[4:],
            "countlie": re.sub(rb"/Count \d+", b"/Count 999999", data),
            "encrypt": data.replace(b"trailer\n<<", b"trailer\n<< /Encrypt 9999 0 R", 1).replace(
                b"trailer <<", b"trailer << /Encrypt 9999 0 R", 1),
            "streamflip": data[:stream] + streamed + data[stream + 200:],
            "cut1k": data[:1024],
        }
        for name, damaged in variants.items():
            b.add("broken", f"pdf-{name}", ".pdf", damaged, f"{rel}: PDF damage '{name}'")
    made = {
        "hugebox": (blank_page_pdf(b"[0 0 14400 14400]"), "one blank page, MediaBox 14400 pt square (200 inches)"),
        "kidsloop": (tiny_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]),
                     "a Pages node that is its own kid"),
        "nopages": (tiny_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
                    "zero pages"),
        "deeptree": (nested_pages_pdf(2000), "a page tree 2000 levels deep"),
        "badflate": (blank_page_pdf(content=bytes(range(256)) * 4, extra=b"/Filter /FlateDecode "),
                     "a page whose FlateDecode content stream is not deflate"),
        "textops": (blank_page_pdf(content=b"BT /F1 12 Tf 100 700 Td (\xd5\xd2) Tj ET " * 50),
                    "text operators using a font that does not exist"),
        "onlyheader": (b"%PDF-1.7\n%%EOF\n", "a header and %%EOF, nothing else"),
    }
    for name, (data, what) in made.items():
        b.add("broken", f"pdf-{name}", ".pdf", data, f"hand-made PDF: {what}")


def _images(b: Builder) -> None:
    items = [
        ("ihdr-huge", ".png", png(100_000, 100_000), "PNG declaring 100000×100000 pixels, tiny IDAT"),
        ("ihdr-wide", ".png", png(2**31 - 1, 1), "PNG declaring 2^31-1 × 1 pixels"),
        ("white61m", ".png", white_png(7_900, 7_800), "real all-white PNG of 7900×7800 (61.6 Mpx) in ~60 KB"),
        ("sof-huge", ".jpg", jpeg_header(65_500, 65_500), "JPEG whose SOF0 declares 65500×65500, then ends"),
        ("bmp-huge", ".bmp", bmp_header(50_000, 50_000), "BMP header declaring 50000×50000×24 bit, no pixels"),
        ("png-1px", ".png", png(1, 1, b"\0\0"), "a valid 1×1 PNG"),
        ("png-badcrc", ".png", png(800, 600)[:-4] + bytes(4), "PNG 800×600, too little IDAT data, IEND CRC zeroed"),
        ("tif-header", ".tif", b"II*\x00\x08\x00\x00\x00" + struct.pack("<HHHII", 1, 256, 4, 1, 10**9) + bytes(4),
         "TIFF whose only tag says ImageWidth 10^9"),
    ]
    for slug, ext, data, what in items:
        b.add("broken", slug, ext, data, f"image: {what}")


def _wrong_extensions(b: Builder) -> None:
    contents = {
        "docx": b.sample(DOCX[0]), "xlsx": b.sample(XLSX[0]), "pdf": b.sample(PDF[0]), "zip": b.sample(ZIP),
        "doc": b.sample(DOC), "xls": b.sample(XLS),
        "html": "<html><body><table><tr><td>督导检查表</td></tr></table></body></html>".encode(),
        "csv": "单位名称,检查数\n北石店镇,3\n".encode("gbk"),
        "rtf": rb"{\rtf1\ansi{\fonttbl\f0 SimSun;}\f0 \'b6\'bd\'b5\'bc\'bc\'ec\'b2\'e9\'b1\'ed\par}",
        "elf": b"\x7fELF\x02\x01\x01" + bytes(57) + bytes(range(256)) * 4,
        "mz": b"MZ\x90\x00" + bytes(60) + b"This program cannot be run in DOS mode." + bytes(200),
        "gzip": b"\x1f\x8b\x08\x00" + bytes(6) + deflate(b"x" * 1000) + bytes(8),
        "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(100),
        "rar": b"Rar!\x1a\x07\x01\x00" + bytes(100),
    }
    plan = {"docx": ".xlsx .pdf .jpg .doc .zip .et .png", "xlsx": ".docx .wps .png .pdf",
            "pdf": ".docx .xls .jpg .zip", "zip": ".docx .xlsx", "doc": ".docx .xlsx .pdf", "xls": ".doc .docx",
            "html": ".docx .xls .pdf", "csv": ".xlsx .et", "rtf": ".docx .xls", "elf": ".docx",
            "mz": ".doc", "gzip": ".zip", "7z": ".zip .xlsx", "rar": ".docx"}
    for kind, exts in plan.items():
        for ext in exts.split():
            b.add("ext", f"{kind}-as", ext, contents[kind], f"{kind} content named {ext}")


def _empty_and_tiny(b: Builder) -> None:
    for ext in ".docx .xlsx .pdf .zip .doc .xls .wps .et .jpg .png".split():
        b.add("ext", "empty", ext, b"", f"empty file named {ext}")
    tiny = [(".docx", b"P"), (".xlsx", b"PK"), (".zip", b"PK\x03\x04"), (".pdf", b"%PDF-"),
            (".doc", bytes.fromhex("D0CF11E0A1B11AE1")), (".jpg", b"\xff\xd8\xff"), (".docx", bytes(4096)),
            (".xlsx", b" " * 100), (".docx", b"\xef\xbb\xbf"), (".wps", b"\r\n")]
    for ext, data in tiny:
        b.add("ext", "tiny", ext, data, f"{len(data)}-byte file {data[:8]!r} named {ext}")


ODD_NAMES = [
    "换行\n失败：伪造.docx", "\x1b[31m红色\x1b[0m.docx", "回车\r覆盖.docx", "制表\t符.docx",
    "退格\x08\x08.docx", "响铃\x07.docx", "报表\u202excod.docx", "零宽\u200b空格.docx", "行分隔\u2028符.docx",
    "很" * 80 + ".docx",
    os.fsdecode("报表-北石店镇.docx".encode("gbk")), os.fsdecode(b"\xff\xfe\xfd.docx"), "-h.docx",
    "--help.docx", "报表!附件.docx", "大写扩展名.DOCX", "双扩展.pdf.docx", "百分号%s%n{0}.docx",
    "反斜杠\\..\\上级.docx", "引号\"'`$(echo 1).docx", "空 格.docx", "点..docx",
    # not inputs by the folder rule (hidden, Word lock file, no or odd suffix): never a record or an error
    ".隐藏.docx", "~$锁定.docx", "无扩展名", "报表.docx ", "报表.txt",
]


def _odd_names(b: Builder) -> None:
    """A good return under each odd name; a truncated one too where the name could harm a failure line."""
    data = b.sample(DOCX[0])
    for name in ODD_NAMES:
        b.put("names", name, data, f"{DOCX[0]} (good) named {name!r}")
        if is_input(name) and not name.isprintable():
            b.put("names", "坏-" + name, data[:5000], f"{DOCX[0]} truncated to 5000 bytes, named {'坏-' + name!r}")


def _links(b: Builder) -> None:
    """Symbolic links in the folder (not a FIFO: opening one blocks until a writer comes, see the findings)."""
    outside = str(SAMPLES / XLSX[0])
    for name, target, what in [
        ("外部.xlsx", outside, "to a good sample outside the folder"),
        ("悬空.docx", "不存在.docx", "to a file that does not exist"),
        ("自指.docx", "自指.docx", "to itself"),
        ("环甲.docx", "环乙.docx", "to 环乙.docx, which links back"), ("环乙.docx", "环甲.docx", "to 环甲.docx"),
        ("随机.docx", "/dev/urandom", "to /dev/urandom"),
    ]:
        b.link("links", name, target, f"symbolic link {what}")


def _nested(inner: bytes, inner_name: str, depth: int) -> bytes:
    """inner wrapped in `depth` zips, each named 层N.zip inside the next."""
    data, name = inner, inner_name
    for level in range(depth, 0, -1):
        data, name = zip_bytes([stored_member(name, data)]), f"层{level}.zip"
    return data


def _nesting(b: Builder) -> None:
    good, broken = b.sample(DOCX[0]), b.sample(DOCX[0])[:5000]
    for depth in (1, 2, 3, 4, 8):
        b.add("nest", f"depth{depth}", ".zip", _nested(good, "报表.docx", depth),
              f"{DOCX[0]} (good) in {depth} zip(s), one inside the other")
    members = {
        "dotdot": [stored_member("../../逃逸.docx", good)],
        "absolute": [stored_member("/tmp/绝对路径.docx", good)],
        "windows": [stored_member("C:\\Windows\\报表.docx", good)],
        "updown": [stored_member("a/../../b.docx", good)],
        "newline": [stored_member("换行\n失败：伪造.docx", good)],
        "escape": [stored_member("\x1b[31m红\x1b[0m.docx", good)],
        "longname": [stored_member("长" * 300 + ".docx", good)],
        "nul": [stored_member("报表\x00.exe.docx", good)],
        "emptyname": [stored_member("", good)],
        "dironly": [stored_member("目录/", b"")],
        "dupnames": [stored_member("报表.docx", good), stored_member("报表.docx", b.sample(DOCX[1]))],
        "allbroken": [stored_member(f"坏{i}.docx", broken) for i in range(10)],
        "mixed": [stored_member("好.docx", good), stored_member("坏.docx", broken),
                  stored_member("空.xlsx", b"")],
        "macosx": [stored_member("__MACOSX/._报表.docx", b"\0\5\26\7" + bytes(100))],
        "thumbs": [stored_member("Thumbs.db", bytes(100)), stored_member("说明.txt", "请查收".encode())],
        "zipasdocx": [stored_member("其实是压缩包.docx", _nested(good, "报表.docx", 1))],
        "gbknoflag": [stored_member("报表-北石店镇.docx", good, encoding="gbk")],
        "gbkflag": [{**stored_member("报表-北石店镇.docx", good, encoding="gbk"), "flags": 0x800}],
        "rtlname": [stored_member("报表\u202excod.docx", good)],
    }
    for slug, ms in members.items():
        names = [m["name"] for m in ms]
        b.add("nest", f"member-{slug}", ".zip", zip_bytes(ms), f"zip with members {names!r}")
    outer = zip_bytes([stored_member("自身.zip", zip_bytes([stored_member("报表.docx", good)]))] * 2)
    b.add("nest", "member-twinzips", ".zip", outer, "zip holding the same inner zip twice under one name")


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "fuzzfiles")
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else SEED
    for v in build(out, seed):
        print(f"{v.rel!r:60s} {'input ' if v.input else 'ignored'} {v.recipe}")
