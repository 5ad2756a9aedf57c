"""Errors that reach users: each carries a short code and a one-line Chinese message."""
import re


class PaichaError(Exception):
    """Base error; `message` is the Chinese text shown to users."""

    code = "error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InputError(PaichaError):
    """A file that cannot be read (corrupt, encrypted, empty, wrong type, too large)."""

    code = "unreadable"


class DraftError(PaichaError):
    """A notice draft with missing or malformed elements; `problems` lists them all."""

    code = "draft"

    def __init__(self, problems: list[str], path: str = ""):
        self.problems = list(problems)
        head = f"{path}：" if path else ""
        super().__init__(head + "草稿有以下问题：\n" + "\n".join(f"  - {p}" for p in problems))


class OwnOutput(InputError):
    """A file paicha itself wrote (workbook, document, PDF): skipped, never read as a return (an InputError,
    so an archive's other members are still read)."""

    code = "own_output"


# --- untrusted text in messages -----------------------------------------------------------------

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def printable(text: object) -> str:
    """Text (a file name, a zip member, a message holding them) made inert for a terminal line:
    control and bidi characters shown as escapes (\\n, \\t, \\x1b, \\u202e), a name's bytes that are
    not UTF-8 as \\xff (see path_text), the rest kept."""
    out = []
    for ch in path_text(text):
        o = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif o < 0x20 or 0x7F <= o < 0xA0:
            out.append(f"\\x{o:02x}")
        elif ch in _BIDI:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)


_SURROGATE = re.compile("[\ud800-\udfff]")


def path_text(path: object) -> str:
    """An OS path as text every UTF-8 writer accepts (JSONL, the ledger, a workbook, a log, the screen).

    Linux hands a name that is not UTF-8 (GBK bytes from a Windows zip) to Python with lone
    surrogates; each such byte is shown as \\xNN (\\xb1\\xa8.docx), anything else is kept as it is."""
    return _SURROGATE.sub(_surrogate_escape, str(path))


def _surrogate_escape(m: re.Match) -> str:
    o = ord(m.group())
    return f"\\x{o - 0xDC00:02x}" if 0xDC80 <= o <= 0xDCFF else f"\\u{o:04x}"


# --- unexpected exceptions as Chinese reasons -----------------------------------------------------

# exception class name (or module.name) → (code, Chinese reason); names, so no library is imported here
EXCEPTION_REASONS = {
    "zlib.error": ("corrupt", "压缩数据已损坏"),
    "struct.error": ("corrupt", "文件结构已损坏"),
    "BadZipFile": ("corrupt", "压缩数据已损坏"),
    "LargeZipFile": ("corrupt", "压缩数据已损坏"),
    "BadGzipFile": ("corrupt", "压缩数据已损坏"),
    "EOFError": ("corrupt", "文件不完整，可能被截断"),
    "PdfiumError": ("corrupt", "PDF 文件已损坏或无法解析"),
    "PDFSyntaxError": ("corrupt", "PDF 文件已损坏或无法解析"),
    "PdfminerException": ("corrupt", "PDF 文件已损坏或无法解析"),
    "PSException": ("corrupt", "PDF 文件已损坏或无法解析"),
    "UnidentifiedImageError": ("corrupt", "图片已损坏或格式无法识别"),
    "DecompressionBombError": ("too_large", "图片尺寸过大，已拒绝"),
    "XMLSyntaxError": ("corrupt", "文件已损坏（XML 结构错误）"),
    "ParseError": ("corrupt", "文件已损坏（XML 结构错误）"),
    "UnicodeDecodeError": ("encoding", "编码无法识别"),
    "UnicodeEncodeError": ("encoding", "编码无法识别"),
    "MemoryError": ("too_large", "文件过大，内存不足"),
    "RecursionError": ("corrupt", "文件结构嵌套过深，无法解析"),
    "TimeoutExpired": ("timeout", "处理超时"),
    "PermissionError": ("unreadable", "没有读取权限"),
    "FileNotFoundError": ("not_found", "文件不存在或已被移走"),
    "IsADirectoryError": ("unreadable", "是文件夹，不是文件"),
}
OS_ERROR_REASON = ("unreadable", "无法读取文件")
INTERNAL_REASON = "解析时出现内部错误"


def exception_reason(exc: BaseException) -> tuple[str, str] | None:
    """(code, Chinese reason) for a known exception type (by class, then its bases); None if unknown.

    The exception's own (English) text is never part of the reason."""
    for cls in type(exc).__mro__:
        for key in (f"{cls.__module__}.{cls.__name__}", cls.__name__):
            if key in EXCEPTION_REASONS:
                return EXCEPTION_REASONS[key]
    if isinstance(exc, OSError):
        return OS_ERROR_REASON
    return None
