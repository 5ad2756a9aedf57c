"""What a file really is, from its bytes (never from its extension).

`sniff(path)` returns one of: docx, xlsx, zip, doc, xls, rtf, pdf, image.
Files that cannot be read at all raise InputError (empty, corrupt, encrypted,
wrong_type). OLE2 compound files (.doc/.xls/.wps/.et and password-protected
OOXML) are opened with olefile and classified by their top-level main stream.
"""
from __future__ import annotations

import contextlib
import os
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import olefile

from schema.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 4096                 # how much of a file the magic-byte tests look at
CONTENT_TYPES_BYTES = 200_000     # how much of [Content_Types].xml is inflated to tell docx/xlsx/xlsb/pptx
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
    kind, zf = sniff_open(path, display)
    if zf is not None:
        zf.close()
    return kind


def sniff_open(path: Path, display: str | None = None) -> tuple[str, zipfile.ZipFile | None]:
    """sniff(), and for a docx or xlsx the zip it opened to tell, left open for the reader (the caller
    closes it); None for every other kind."""
    path = Path(path)
    name = display or str(path)
    head = _head(path, name)
    if not head:
        raise InputError(f"{name}：文件为空（零字节）", code="empty")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path, name)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(path, name), None
    if b"%PDF-" in head[:PDF_SEARCH_BYTES]:
        return "pdf", None
    if any(head.startswith(m) for m in IMAGE_MAGICS):
        return "image", None
    if head.startswith(b"{\\rtf"):
        return "rtf", None
    for magic, label in UNSUPPORTED_ARCHIVES.items():
        if head.startswith(magic):
            raise InputError(f"{name}：{label} 压缩包暂不支持，请解压后报送或改用 zip 打包", code="wrong_type")
    if head.startswith(b"PK"):
        raise InputError(f"{name}：文件已损坏（压缩结构不完整）", code="corrupt")
    raise InputError(f"{name}：不是可识别的文档格式（{_describe_text(head, path.suffix.lower())}）",
                     code="wrong_type")


def head(path: Path) -> bytes:
    """The file's first HEAD_BYTES bytes (a regular file only: else InputError)."""
    return _head(Path(path), str(path))


def _head(path: Path, name: str) -> bytes:
    """The file's first bytes. Only a regular file is read: opening a FIFO blocks until someone
    writes into it, a device may never end (the open itself does not block: O_NONBLOCK)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{name}：不是普通文件（管道、设备或套接字），未读取", code="not_regular")
        return f.read(HEAD_BYTES)


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

def _sniff_zip(path: Path, name: str) -> tuple[str, zipfile.ZipFile | None]:
    """The zip's kind, with the zip left open when it is a docx or xlsx."""
    zf = None
    try:
        with _zip_errors(name):
            zf = zipfile.ZipFile(path)
            names = set(zf.namelist())
            ctypes = b""
            if "[Content_Types].xml" in names:
                with zf.open("[Content_Types].xml") as f:     # a prefix: the member may be a bomb
                    ctypes = f.read(CONTENT_TYPES_BYTES)
        kind = _zip_kind(names, ctypes, name)
    except BaseException:
        if zf is not None:
            zf.close()
        raise
    if kind in ("docx", "xlsx"):
        return kind, zf
    zf.close()
    return kind, None


@contextlib.contextmanager
def _zip_errors(name: str):
    """zipfile's exceptions as the Chinese InputError naming the file."""
    try:
        yield
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile, zlib.error) as exc:
        raise InputError(f"{name}：文件已损坏（{_zip_reason(exc)}）", code="corrupt") from exc
    except NotImplementedError as exc:     # e.g. an unsupported compression method
        raise InputError(f"{name}：文件已损坏（不支持的压缩方式）", code="corrupt") from exc
    except RuntimeError as exc:            # an encrypted [Content_Types].xml
        raise InputError(f"{name}：文件已加密，请去掉密码后重新报送", code="encrypted") from exc


def _zip_kind(names: set[str], ctypes: bytes, name: str) -> str:
    """docx, xlsx or zip by the member names and [Content_Types].xml; other packages raise InputError."""
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
    if isinstance(exc, zlib.error):
        return "压缩数据已损坏"
    return "压缩结构损坏"


# --- OLE2 compound files ----------------------------------------------------------------------

def _sniff_ole(path: Path, name: str) -> str:
    try:
        streams, word_head, book_head = _ole_streams(path)
    except Exception as exc:      # olefile raises OSError, struct.error, IndexError … on damaged files
        raise InputError(f"{name}：文件已损坏（复合文档结构损坏，可能下载或复制时被截断）", code="corrupt") from exc
    return _ole_kind(streams, word_head, book_head, name)


def _ole_streams(path: Path) -> tuple[set[str], bytes, bytes]:
    """The compound file's top-level stream names, lower case (embedded objects' streams, under
    ObjectPool or MBD… storages, are not among them) and the first bytes of its Word and Excel
    main streams."""
    with open(path, "rb") as f, olefile.OleFileIO(f) as ole:
        streams = {p[0].lower() for p in ole.listdir(streams=True, storages=False) if len(p) == 1}
        word_head = ole.openstream(WORD_STREAM).read(64) if WORD_STREAM.lower() in streams else b""
        book = next((s for s in EXCEL_STREAMS if s.lower() in streams), None)
        book_head = ole.openstream(book).read(16_384) if book else b""
    return streams, word_head, book_head


def _ole_kind(streams: set[str], word_head: bytes, book_head: bytes, name: str) -> str:
    """doc or xls by the main stream; encrypted OOXML and other OLE files raise InputError."""
    if streams & {s.lower() for s in ENCRYPTED_OOXML_STREAMS}:
        raise InputError(f"{name}：文件已加密，请去掉密码后重新报送", code="encrypted")
    if WORD_STREAM.lower() in streams:
        if len(word_head) < FIB_FLAGS_OFFSET + 2:
            raise InputError(f"{name}：文件已损坏（Word 文档头不完整）", code="corrupt")
        flags = struct.unpack_from("<H", word_head, FIB_FLAGS_OFFSET)[0]
        if flags & (FIB_ENCRYPTED | FIB_OBFUSCATED):
            raise InputError(f"{name}：文件已加密，请去掉密码后重新报送", code="encrypted")
        return "doc"
    if streams & {s.lower() for s in EXCEL_STREAMS}:
        if _xls_has_password(book_head):
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
