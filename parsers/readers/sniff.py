"""What a file really is, from its bytes (never from its extension).

`sniff(path)` returns one of: docx, xlsx, zip, doc, xls, rtf, pdf, image.
Files that cannot be read at all raise InputError (empty, corrupt, encrypted,
wrong_type). OLE2 (.doc/.xls/.wps/.et and password-protected OOXML) is read by
a minimal compound-file directory reader below, enough to list stream names
and peek at the first bytes of a stream.
"""
from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from schema.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 4096                 # how much of a file the magic-byte tests look at
PDF_SEARCH_BYTES = 1024           # "%PDF" may follow junk at the start

IMAGE_MAGICS = (
    b"\xff\xd8\xff",              # JPEG
    b"\x89PNG\r\n\x1a\n",         # PNG
    b"II*\x00", b"MM\x00*",       # TIFF
    b"BM",                        # BMP
)
SHEET_SUFFIXES = {".xlsx", ".xls", ".et", ".xlsm", ".csv"}
UNSUPPORTED_ARCHIVES = {
    b"Rar!\x1a\x07": "RAR",
    b"7z\xbc\xaf\x27\x1c": "7z",
}

# main-part content types in [Content_Types].xml (plain, template and macro-enabled variants)
WORD_MAIN = re.compile(rb'ContentType="application/vnd\.(openxmlformats-officedocument\.wordprocessingml|ms-word)\.[A-Za-z.]*main\+xml"')
EXCEL_MAIN = re.compile(rb'ContentType="application/vnd\.(openxmlformats-officedocument\.spreadsheetml|ms-excel)\.[A-Za-z.]*main\+xml"')

# OLE2 stream names
WORD_STREAM = "WordDocument"
EXCEL_STREAMS = ("Workbook", "Book")
ENCRYPTED_OOXML_STREAMS = ("EncryptionInfo", "EncryptedPackage")

FIB_FLAGS_OFFSET = 0x0A           # Word FIB: fEncrypted is bit 8 of this uint16
FIB_ENCRYPTED = 0x0100
FIB_OBFUSCATED = 0x8000
XLS_FILEPASS = 0x002F             # BIFF record present when the workbook has a password
XLS_EOF = 0x000A
XLS_SCAN_RECORDS = 200


def sniff(path: Path, display: str | None = None) -> str:
    """The real kind of the file at `path`; raises InputError if it is unreadable."""
    path = Path(path)
    name = display or str(path)
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    if not head:
        raise InputError(f"{name}：文件为空（零字节）", code="empty")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path, name)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(path, name)
    if b"%PDF-" in head[:PDF_SEARCH_BYTES]:
        return "pdf"
    if any(head.startswith(m) for m in IMAGE_MAGICS):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    for magic, label in UNSUPPORTED_ARCHIVES.items():
        if head.startswith(magic):
            raise InputError(f"{name}：{label} 压缩包暂不支持，请解压后报送或改用 zip 打包", code="wrong_type")
    if head.startswith(b"PK"):
        raise InputError(f"{name}：文件已损坏（压缩结构不完整）", code="corrupt")
    raise InputError(f"{name}：不是可识别的文档格式（{_describe_text(head, path.suffix.lower())}）",
                     code="wrong_type")


def _describe_text(head: bytes, suffix: str) -> str:
    """A short Chinese description of non-document content, for the error message."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
        if len(head) == HEAD_BYTES:
            head = head[:-4]                      # may end inside a multi-byte character
    for enc in encodings:
        try:
            text = head.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        return "未知的二进制内容"
    save_as = ".xlsx" if suffix in SHEET_SUFFIXES else ".docx"
    low = text.lstrip().lower()
    if low.startswith(("<html", "<!doctype html", "<head", "<meta", "<table")) or "<html" in low[:500]:
        return f"内容是网页 HTML，请在 Word/Excel/WPS 中另存为 {save_as} 后重新报送"
    if low.startswith("mime-version") or "multipart/related" in low[:500]:
        return f"内容是单个网页文件（MHT），请另存为 {save_as} 后重新报送"
    if low.startswith("<"):
        return "内容是 XML 文本，不是 Office 文档"
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    if printable >= 0.95 * max(len(text), 1):
        return "内容是纯文本，不是 Office 文档"
    return "未知的二进制内容"


# --- zip containers ---------------------------------------------------------------------------

def _sniff_zip(path: Path, name: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            ctypes = zf.read("[Content_Types].xml")[:200_000] if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as exc:
        raise InputError(f"{name}：文件已损坏（{_zip_reason(exc)}）", code="corrupt") from exc
    except NotImplementedError as exc:     # e.g. an unsupported compression method
        raise InputError(f"{name}：文件已损坏（不支持的压缩方式）", code="corrupt") from exc
    except RuntimeError as exc:            # an encrypted [Content_Types].xml
        raise InputError(f"{name}：文件已加密，请去掉密码后重新报送", code="encrypted") from exc
    if "xl/workbook.bin" in names or b"sheet.binary" in ctypes:
        raise InputError(f"{name}：不是可识别的文档格式（二进制工作簿 .xlsb，请另存为 .xlsx 后重新报送）",
                         code="wrong_type")
    # The main part decides (an .xlsx may embed a .docx, whose content type is listed too).
    if "word/document.xml" in names or WORD_MAIN.search(ctypes):
        return "docx"
    if "xl/workbook.xml" in names or EXCEL_MAIN.search(ctypes):
        return "xlsx"
    if b"presentationml" in ctypes:
        raise InputError(f"{name}：不是可识别的文档格式（演示文稿，请报送 Word/Excel 表格）", code="wrong_type")
    if "mimetype" in names and any(n.startswith("content.xml") for n in names):
        raise InputError(f"{name}：不是可识别的文档格式（OpenDocument 文档，请另存为 .docx/.xlsx 后重新报送）",
                         code="wrong_type")
    return "zip"


def _zip_reason(exc: Exception) -> str:
    msg = str(exc).lower()
    if "not a zip" in msg or "truncated" in msg or isinstance(exc, EOFError):
        return "文件不完整，可能下载或复制时被截断"
    if "crc" in msg:
        return "校验和不符"
    return "压缩结构损坏"


# --- OLE2 compound files ----------------------------------------------------------------------

def _sniff_ole(path: Path, name: str) -> str:
    try:
        return _ole_kind(OleFile(path.read_bytes()), name)
    except (ValueError, struct.error, KeyError) as exc:
        raise InputError(f"{name}：文件已损坏（{exc if isinstance(exc, ValueError) else '复合文档结构损坏'}）",
                         code="corrupt") from exc


def _ole_kind(ole: "OleFile", name: str) -> str:
    streams = ole.streams
    if all(s in streams for s in ENCRYPTED_OOXML_STREAMS):
        raise InputError(f"{name}：文件已加密，请去掉密码后重新报送", code="encrypted")
    if WORD_STREAM in streams:
        fib = ole.read(WORD_STREAM, 64)
        if len(fib) < FIB_FLAGS_OFFSET + 2:
            raise InputError(f"{name}：文件已损坏（Word 文档头不完整）", code="corrupt")
        flags = struct.unpack_from("<H", fib, FIB_FLAGS_OFFSET)[0]
        if flags & (FIB_ENCRYPTED | FIB_OBFUSCATED):
            raise InputError(f"{name}：文件已加密，请去掉密码后重新报送", code="encrypted")
        return "doc"
    for s in EXCEL_STREAMS:
        if s in streams:
            if _xls_has_password(ole.read(s, 16_384)):
                raise InputError(f"{name}：文件已加密，请去掉密码后重新报送", code="encrypted")
            return "xls"
    raise InputError(f"{name}：不是可识别的文档格式（OLE 复合文档，但不是 Word/Excel 文件）", code="wrong_type")


def _xls_has_password(head: bytes) -> bool:
    """True if a FILEPASS record appears in the workbook globals (before their EOF)."""
    pos = 0
    for _ in range(XLS_SCAN_RECORDS):
        if pos + 4 > len(head):
            break
        rtype, rlen = struct.unpack_from("<HH", head, pos)
        if rtype == XLS_FILEPASS:
            return True
        if rtype == XLS_EOF:
            break
        pos += 4 + rlen
    return False


class OleFile:
    """Minimal read-only OLE2 compound file: the stream names and their bytes."""

    FREE, END = 0xFFFFFFFF, 0xFFFFFFFE

    def __init__(self, data: bytes):
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise ValueError("复合文档头不完整")
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        mini_shift = struct.unpack_from("<H", data, 0x20)[0]
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError("复合文档头无效")
        self.sector = 1 << shift
        self.mini_sector = 1 << mini_shift
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
        difat = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < self.FREE - 3]
        sec, seen = first_difat, 0
        while sec < self.FREE - 3 and seen < n_difat:
            block = self._sector(sec)
            entries = struct.unpack_from(f"<{self.sector // 4}I", block)
            difat += [s for s in entries[:-1] if s < self.FREE - 3]
            sec, seen = entries[-1], seen + 1
        if len(difat) < n_fat:
            raise ValueError("文件不完整，可能被截断")
        fat: list[int] = []
        for s in difat[:n_fat]:
            fat += struct.unpack_from(f"<{self.sector // 4}I", self._sector(s))
        self.fat = fat
        self.streams: dict[str, tuple[int, int]] = {}
        dir_bytes = self._chain_bytes(first_dir, self.fat, self._sector)
        root_start = root_size = None
        for off in range(0, len(dir_bytes) - 127, 128):
            entry = dir_bytes[off:off + 128]
            name_len = struct.unpack_from("<H", entry, 0x40)[0]
            kind = entry[0x42]
            start, size = struct.unpack_from("<II", entry, 0x74)
            name = entry[:max(name_len - 2, 0)].decode("utf-16-le", "replace")
            if kind == 5:
                root_start, root_size = start, size
            elif kind == 2:
                self.streams[name] = (start, size)
        if root_start is None:
            raise ValueError("缺少根目录")
        self.minifat = []
        if n_minifat and first_minifat < self.FREE - 3:
            raw = self._chain_bytes(first_minifat, self.fat, self._sector)
            self.minifat = list(struct.unpack_from(f"<{len(raw) // 4}I", raw))
        self.root_start = root_start
        self.ministream = self._chain_bytes(root_start, self.fat, self._sector)[:root_size] if root_size else b""

    def _sector(self, n: int) -> bytes:
        off = (n + 1) * self.sector
        if off >= len(self.data):
            raise ValueError("文件不完整，可能被截断")
        block = self.data[off:off + self.sector]
        if len(block) < self.sector:
            block += b"\0" * (self.sector - len(block))
        return block

    def _mini_sector(self, n: int) -> bytes:
        off = n * self.mini_sector
        if off >= len(self.ministream):
            raise ValueError("文件不完整，可能被截断")
        return self.ministream[off:off + self.mini_sector]

    def _chain(self, start: int, fat: list[int], limit: int | None = None) -> list[int]:
        """Sector numbers of a chain (at most `limit` of them)."""
        out, sec = [], start
        while sec < self.FREE - 3:
            if sec >= len(fat) or len(out) > len(fat):
                raise ValueError("扇区链损坏")
            out.append(sec)
            if limit is not None and len(out) >= limit:
                break
            sec = fat[sec]
        return out

    def _chain_bytes(self, start: int, fat: list[int], get, limit: int | None = None) -> bytes:
        size = self.sector if get == self._sector else self.mini_sector
        count = None if limit is None else -(-limit // size)
        return b"".join(get(s) for s in self._chain(start, fat, count))

    def offset(self, name: str) -> int:
        """Where in the file a stream's first byte is (to patch it in place)."""
        start, size = self.streams[name]
        if size >= self.cutoff:
            return (start + 1) * self.sector
        pos = start * self.mini_sector
        root = self._chain(self.root_start, self.fat)
        return (root[pos // self.sector] + 1) * self.sector + pos % self.sector

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The first `limit` bytes (all if None) of a stream."""
        start, size = self.streams[name]
        want = size if limit is None else min(size, limit)
        if size < self.cutoff:
            raw = self._chain_bytes(start, self.minifat, self._mini_sector, want)
        else:
            raw = self._chain_bytes(start, self.fat, self._sector, want)
        return raw[:want]
