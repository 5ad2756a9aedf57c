"""Zip archives of returned forms, and the zip safety every OOXML package goes through.

Limits are checked twice: from the central directory (declared sizes) and while
streaming (actual bytes), because declared sizes can lie. Member names are
decoded the way Windows writes them (GBK without the UTF-8 flag; GBK under a
wrongly set UTF-8 flag is read from a copy with the flag cleared).
"""
from __future__ import annotations

import contextlib
import copy
import struct
import tempfile
import traceback
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from schema import runfiles
from schema.errors import INTERNAL_REASON, InputError, OwnOutput, exception_reason

from parsers.readers.xmlsafe import DoctypeScanner

MAX_MEMBERS = 5_000
MAX_TOTAL_BYTES = 1 << 30                 # 1 GiB uncompressed, whole archive
MAX_MEMBER_BYTES = 200 * 1024 * 1024      # 200 MB uncompressed, one member
MAX_RATIO = 200                           # uncompressed / compressed
RATIO_MIN_BYTES = 1 << 20                 # small members may compress well; ratio checked above 1 MiB
MAX_NESTING = 1                           # a zip inside a zip is read; deeper ones are not
CHUNK = 1 << 16

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
UNICODE_PATH_EXTRA = 0x7075               # Info-ZIP Unicode Path extra field

SKIP_PARTS = {"__MACOSX"}
SKIP_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
FORM_SUFFIXES = {".docx", ".docm", ".doc", ".wps", ".wpt", ".dot", ".dotx", ".rtf",
                 ".xlsx", ".xlsm", ".xls", ".et", ".ett",
                 ".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".zip"}


@dataclass
class Budget:
    """Uncompressed bytes still allowed for one archive (shared by its members)."""
    left: int = MAX_TOTAL_BYTES


def open_zip(path: Path, display: str, workdir: Path | None = None) -> zipfile.ZipFile:
    """Open a zip and check its central directory against the limits.

    `workdir`: where a copy may be written when the UTF-8 flag is set on names that are not
    UTF-8 (without it such a zip is reported as undecodable)."""
    try:
        try:
            zf = zipfile.ZipFile(path)
        except UnicodeDecodeError:
            if workdir is None:
                raise
            zf = zipfile.ZipFile(clear_false_utf8_flags(path, Path(workdir) / "names.zip"))
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise InputError(f"{display}：文件已损坏（压缩结构不完整，可能被截断）", code="corrupt") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{display}：压缩包内文件名的编码无法识别", code="encoding") from exc
    try:
        check_declared(zf, display)
    except InputError:
        zf.close()
        raise
    return zf


@contextlib.contextmanager
def package(path: Path, display: str, zf: zipfile.ZipFile | None = None) -> Iterator[zipfile.ZipFile]:
    """open_zip(path, display), closed on the way out; or `zf`, the package the caller opened and
    checked already (parsers.readers.read_any opens a .docx/.xlsx once for sniff, own check and reader)."""
    if zf is not None:
        yield zf
        return
    with open_zip(path, display) as opened:
        yield opened


def check_declared(zf: zipfile.ZipFile, display: str) -> None:
    """Limits on what the central directory declares."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _bomb(display, f"成员数 {len(infos)} 超过上限 {MAX_MEMBERS}")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise _bomb(display, f"成员 {member_name(info)} 解压后 {_mb(info.file_size)}，超过单个上限 {_mb(MAX_MEMBER_BYTES)}")
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(display, f"成员 {member_name(info)} 压缩比超过 {MAX_RATIO}")
    if total > MAX_TOTAL_BYTES:
        raise _bomb(display, f"解压后共 {_mb(total)}，超过上限 {_mb(MAX_TOTAL_BYTES)}")


def stream_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str,
                  budget: Budget | None = None) -> Iterator[bytes]:
    """The member's bytes in chunks, counting what really comes out (not what is declared)."""
    if info.flag_bits & ENCRYPTED_FLAG:
        raise InputError(f"{display}：文件已加密，请去掉密码后重新报送", code="encrypted")
    # Let zipfile decompress past the declared size so a lying header is seen, not trusted.
    probe = copy.copy(info)
    probe.file_size = MAX_MEMBER_BYTES + 1
    produced = 0
    try:
        with zf.open(probe) as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                produced += len(chunk)
                if produced > info.file_size:
                    raise _bomb(display, f"成员 {member_name(info)} 实际解压大小超过声明的 {info.file_size} 字节")
                if produced > MAX_MEMBER_BYTES:
                    raise _bomb(display, f"成员 {member_name(info)} 解压后超过单个上限 {_mb(MAX_MEMBER_BYTES)}")
                if produced > RATIO_MIN_BYTES and produced > MAX_RATIO * max(info.compress_size, 1):
                    raise _bomb(display, f"成员 {member_name(info)} 压缩比超过 {MAX_RATIO}")
                if budget is not None:
                    budget.left -= len(chunk)
                    if budget.left < 0:
                        raise _bomb(display, f"解压后超过上限 {_mb(MAX_TOTAL_BYTES)}")
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error) as exc:
        raise InputError(f"{display}：文件已损坏（成员 {member_name(info)} 无法解压）", code="corrupt") from exc
    except RuntimeError as exc:
        raise InputError(f"{display}：文件已加密，请去掉密码后重新报送", code="encrypted") from exc


def check_package(zf: zipfile.ZipFile, display: str, keep: tuple[str, ...] = (),
                  only_kept: bool = False) -> dict[str, bytes]:
    """Stream the parts of an OOXML package through the limits and the DOCTYPE scan.

    Returns the bytes of the parts named in `keep` (so they are inflated only once).
    `only_kept`: stream just those (the caller never inflates the other parts).
    """
    budget = Budget()
    kept: dict[str, bytes] = {}
    for info in zf.infolist():
        if info.is_dir() or (only_kept and info.filename not in keep):
            continue
        scan = DoctypeScanner(display, info.filename) if _is_xml_part(info.filename) else None
        chunks = []
        for chunk in stream_member(zf, info, display, budget):
            if scan:
                scan.feed(chunk)
            if info.filename in keep:
                chunks.append(chunk)
        if info.filename in keep:
            kept[info.filename] = b"".join(chunks)
    return kept


def _is_xml_part(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml")) or name == "[Content_Types].xml"


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author saw it: UTF-8 flag, Info-ZIP unicode path, else GBK."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    uni = _unicode_path_extra(info.extra)
    if uni:
        return uni
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def clear_false_utf8_flags(path: Path, dest: Path) -> Path:
    """Copy a zip to `dest` with the UTF-8 flag cleared on every member whose name is not UTF-8
    (some Windows tools set it on GBK names); member_name() then decodes those names as GBK."""
    data = bytearray(Path(path).read_bytes())
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if eocd < 0:
        raise zipfile.BadZipFile("no end of central directory")
    count, cd_size, cd_offset = struct.unpack_from("<HII", data, eocd + 10)
    pos = cd_offset
    for _ in range(count):
        if data[pos:pos + 4] != b"PK\x01\x02":
            raise zipfile.BadZipFile("bad central directory")
        flags, = struct.unpack_from("<H", data, pos + 8)
        n_name, n_extra, n_comment = struct.unpack_from("<HHH", data, pos + 28)
        local, = struct.unpack_from("<I", data, pos + 42)
        name = bytes(data[pos + 46:pos + 46 + n_name])
        if flags & UTF8_FLAG and not _is_utf8(name):
            struct.pack_into("<H", data, pos + 8, flags & ~UTF8_FLAG)
            if data[local:local + 4] == b"PK\x03\x04":
                local_flags, = struct.unpack_from("<H", data, local + 6)
                struct.pack_into("<H", data, local + 6, local_flags & ~UTF8_FLAG)
        pos += 46 + n_name + n_extra + n_comment
    dest.write_bytes(data)
    return dest


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unicode_path_extra(extra: bytes) -> str | None:
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + size]
        if tag == UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        pos += 4 + size
    return None


def _is_form_member(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    if any(part in SKIP_PARTS for part in p.parts):
        return False
    if p.name.lower() in SKIP_NAMES or p.name.startswith(("._", "~$", ".~")):
        return False
    return p.suffix.lower() in FORM_SUFFIXES


def read_archive(path: Path, display: str, errors: list[InputError] | None = None,
                 depth: int = 0) -> list:
    """One Document per form file in the archive, in member order.

    A member that cannot be read raises, or, when `errors` is a list, is appended
    to it and the other members go on. Limit violations always raise. `depth` is
    how deep this archive is nested in other archives.
    """
    if depth > MAX_NESTING:
        raise InputError(f"{display}：压缩包嵌套超过 {MAX_NESTING + 1} 层，未读取，请解压后报送", code="wrong_type")
    from parsers.readers import read_any              # the dispatcher; imported late (cycle)
    from parsers.readers.legacy import convert_legacy, needs_conversion

    docs: list = []
    with tempfile.TemporaryDirectory(prefix="zip-", dir=runfiles.run_dir()) as tmp, \
            open_zip(path, display, Path(tmp)) as zf:
        tmpdir = Path(tmp)
        budget = Budget()
        members: list[tuple[Path, str]] = []
        for i, info in enumerate(zf.infolist()):
            name = member_name(info)
            if not info.filename or info.is_dir() or not _is_form_member(name):    # nameless: skipped
                continue
            member_display = f"{display}!{name}"
            suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
            # Never use the member's path on disk (zip-slip): a numbered name with its suffix.
            dest = tmpdir / f"m{i:05d}{suffix}"
            with open(dest, "wb") as out:
                for chunk in stream_member(zf, info, member_display, budget):
                    out.write(chunk)
            members.append((dest, member_display))

        legacy = [p for p, _ in members if needs_conversion(p)]
        converted = convert_legacy(legacy, tmpdir / "converted") if legacy else {}
        for dest, member_display in members:
            try:
                docs += read_any(dest, member_display, converted.get(dest), errors, depth + 1)
            except (InputError, OwnOutput) as exc:
                if exc.code == "zip_bomb":
                    raise
                _fail(exc, errors)
            except Exception as exc:  # noqa: BLE001 — one member's surprise must not lose the others
                _fail(_member_error(member_display, exc), errors)
    return docs


def _member_error(member_display: str, exc: Exception) -> InputError:
    """An unexpected exception of one member as its Chinese error; the traceback rides along in
    `details` for the run's log."""
    code, reason = exception_reason(exc) or ("internal", INTERNAL_REASON)
    err = InputError(f"{member_display}：{reason}", code=code)
    err.details = "".join(traceback.format_exception(exc))
    return err


def _fail(exc: InputError, errors: list[InputError] | None) -> None:
    if errors is None:
        raise exc
    errors.append(exc)


def _bomb(display: str, why: str) -> InputError:
    return InputError(f"{display}：压缩包解压后超过上限（{why}），已拒绝", code="zip_bomb")


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB"
