"""Uploads streamed to disk in chunks, with limits, stored under generated ids (web/files.py).

A request over a limit (bytes per file, bytes per request, files per request) is refused whole with a
413 and leaves nothing on disk. Within an accepted request each file is judged by its content
(parsers.readers.sniff): an empty, unreadable or unsupported file, or a zip over the unpacking limits,
is refused with its Chinese reason and the others are kept.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from parsers.readers.archive import open_zip
from parsers.readers.sniff import sniff
from schema.errors import InputError, PaichaError
from web import files
from web.settings import Settings

MAX_FIELD_BYTES = 64 * 1024

# which extensions each sniffed kind may carry, and how it is called
KINDS = {
    "docx": ({".docx", ".docm", ".dotx"}, "Word 文档（.docx）"),
    "xlsx": ({".xlsx", ".xlsm"}, "Excel 工作簿（.xlsx）"),
    "doc": ({".doc", ".dot", ".wps", ".wpt"}, "Word 97-2003 文档（.doc）"),
    "xls": ({".xls", ".et", ".ett"}, "Excel 97-2003 工作簿（.xls）"),
    "rtf": ({".rtf", ".doc", ".wps"}, "RTF 文档"),
    "pdf": ({".pdf"}, "PDF 文件"),
    "image": ({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"}, "图片"),
    "zip": ({".zip"}, "zip 压缩包"),
}
ZIP_KINDS = {"docx", "xlsx", "zip"}
CANONICAL = {"docx": ".docx", "xlsx": ".xlsx", "doc": ".doc", "xls": ".xls", "rtf": ".rtf", "pdf": ".pdf",
             "zip": ".zip", "image": ""}


class UploadRejected(PaichaError):
    """The whole request refused; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 413):
        super().__init__(message, code="upload")
        self.status = status


@dataclass
class Refused:
    name: str
    message: str


@dataclass
class UploadBatch:
    stored: list[files.StoredFile] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Part:
    field: str = ""
    filename: str | None = None
    partial: Path | None = None
    handle: object = None
    size: int = 0
    digest: object = None
    value: bytes = b""


async def receive_uploads(request: Request, settings: Settings) -> UploadBatch:
    """Read a multipart request: files streamed into the store, other fields returned as text."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadRejected("请用表单上传文件（multipart/form-data）", status=400)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_request_bytes:
        raise UploadRejected(_too_big_request(settings))
    root = settings.uploads_dir
    work = files.partial_dir(root)
    received: list[_Part] = []
    current = _Part()
    header: list[bytes] = [b"", b""]
    headers: dict[bytes, bytes] = {}
    state = {"bytes": 0}

    def on_part_begin() -> None:
        nonlocal current
        current = _Part()
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        headers[header[0].lower()] = header[1]
        header[0] = header[1] = b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(headers.get(b"content-disposition", b""))
        current.field = disp.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in disp:
            current.filename = disp[b"filename"].decode("utf-8", "replace")
        if not current.filename:
            return                   # a plain field, or a file input left empty
        if len(received) >= settings.max_files:
            raise UploadRejected(f"一次最多上传 {settings.max_files} 个文件，请分批上传")
        current.partial = work / f"{files.new_id()}.part"
        current.handle = open(current.partial, "xb")
        current.digest = hashlib.sha256()
        received.append(current)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if current.handle is None:
            if current.filename is None:
                current.value += chunk
                if len(current.value) > MAX_FIELD_BYTES:
                    raise UploadRejected("表单内容过长")
            return
        current.size += len(chunk)
        if current.size > settings.max_file_bytes:
            raise UploadRejected(f"{files.display_name(current.filename)}：文件超过 {_mb(settings.max_file_bytes)} 上限，"
                                 "未上传任何文件")
        current.digest.update(chunk)
        current.handle.write(chunk)

    def on_part_end() -> None:
        if current.handle is not None:
            current.handle.close()
            current.handle = None
        elif current.filename is None and current.field:
            batch.fields[current.field] = current.value.decode("utf-8", "replace")

    batch = UploadBatch()
    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data, "on_part_end": on_part_end})
    try:
        async for chunk in request.stream():
            state["bytes"] += len(chunk)
            if state["bytes"] > settings.max_request_bytes:
                raise UploadRejected(_too_big_request(settings))
            parser.write(chunk)
        parser.finalize()
        me = getattr(request.state, "principal", None)
        for part in received:
            _judge(root, part, batch, me)
    except ClientDisconnect:
        raise UploadRejected("上传中断，未保存任何文件", status=400) from None
    except UploadRejected:
        raise
    except Exception as e:  # noqa: BLE001 — a malformed request body
        raise UploadRejected("上传内容不完整或格式有误，未保存任何文件", status=400) from e
    finally:
        for part in received:
            if part.handle is not None:
                part.handle.close()
            if part.partial is not None:
                part.partial.unlink(missing_ok=True)     # moved into place when accepted; else removed here
    return batch


def _judge(root: Path, part: _Part, batch: UploadBatch, me=None) -> None:
    """Keep the complete file if its content is something we read; else say why not."""
    name = files.display_name(part.filename or "")
    try:
        kind = sniff(part.partial, display=name)
        if kind in ZIP_KINDS:
            open_zip(part.partial, name).close()
    except InputError as e:
        batch.refused.append(Refused(name, e.message))
        return
    suffixes, label = KINDS.get(kind, (set(), kind))
    suffix = files.safe_suffix(name)
    note = ""
    if suffix not in suffixes:
        shown = suffix or Path(name).suffix or "（无）"
        note = f"扩展名为 {shown}，按内容识别为{label}"
        suffix = CANONICAL.get(kind, "")
    meta = files.StoredFile(id=part.partial.stem, name=name, suffix=suffix, size=part.size,
                            sha256=part.digest.hexdigest(), kind=kind, note=note).own(me)
    batch.stored.append(files.commit(root, part.partial, meta))


def _too_big_request(settings: Settings) -> str:
    return f"上传内容超过每次 {_mb(settings.max_request_bytes)} 的上限，未保存任何文件，请分批上传"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} 字节"
