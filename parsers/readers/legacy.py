"""Legacy formats (.doc/.wps/.rtf → .docx, .xls/.et → .xlsx) through LibreOffice.

A batch is converted with ONE soffice call per target type. Inputs are linked
under numbered names with the extension of their real content, so two files
with the same stem never collide and a Word file named .wps opens as Word.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from schema.office import convert, convert_one
from parsers.readers.sniff import head, sniff
from schema import runfiles
from schema.errors import InputError

# sniffed kind → (extension LibreOffice should see, target format)
CONVERSIONS = {
    "doc": (".doc", "docx"),
    "rtf": (".rtf", "docx"),
    "xls": (".xls", "xlsx"),
}
SECONDS_PER_FILE = 5              # batch timeout = base + this × files
BASE_TIMEOUT = 60


def needs_conversion(path: Path) -> bool:
    """True for a readable legacy file (unreadable ones are left for read_file to report)."""
    try:
        if head(path).startswith(b"PK"):        # a zip (.docx/.xlsx/archive) is never legacy: not opened here
            return False
        return sniff(path) in CONVERSIONS
    except Exception:  # noqa: BLE001 — any unreadable file: read_file says why
        return False


def convert_legacy(paths: list[Path], workdir: Path) -> dict[Path, Path]:
    """{original: converted .docx/.xlsx} for the legacy files that converted; one soffice call per target."""
    workdir = Path(workdir)
    staged: dict[str, dict[Path, Path]] = {}          # target → {staged input: original}
    for i, p in enumerate(paths):
        p = Path(p)
        try:
            kind = sniff(p)
        except Exception:  # noqa: BLE001 — unreadable: read_file says why
            continue
        if kind not in CONVERSIONS:
            continue
        ext, target = CONVERSIONS[kind]
        stage = workdir / f"in-{target}"
        stage.mkdir(parents=True, exist_ok=True)
        link = stage / f"f{i:05d}{ext}"
        _link(p, link)
        staged.setdefault(target, {})[link] = p
    out: dict[Path, Path] = {}
    for target, inputs in staged.items():
        timeout = BASE_TIMEOUT + SECONDS_PER_FILE * len(inputs)
        done = convert(list(inputs), target, workdir / f"out-{target}", timeout=timeout)
        for link, result in done.items():
            out[inputs[link]] = result
    return out


def convert_single(path: Path, display: str, kind: str) -> tuple[Path, tempfile.TemporaryDirectory]:
    """Convert one legacy file; returns the result and the temp dir holding it (caller cleans up)."""
    ext, target = CONVERSIONS[kind]
    tmp = tempfile.TemporaryDirectory(prefix="legacy-", dir=runfiles.run_dir())
    link = Path(tmp.name) / f"f00000{ext}"
    _link(Path(path), link)
    try:
        result = convert_one(link, target, Path(tmp.name) / "out")
    except InputError as exc:
        tmp.cleanup()
        if exc.code == "convert_timeout":
            raise InputError(f"{display}：LibreOffice 转换超时，未能读取（文件过大或机器繁忙，可稍后重试）",
                             code="convert_timeout") from exc
        raise InputError(f"{display}：LibreOffice 无法转换此文件（文件可能已损坏或格式不符）", code="convert_failed") from exc
    except BaseException:
        tmp.cleanup()
        raise
    return result, tmp


def _link(src: Path, dst: Path) -> None:
    if dst.exists() or dst.is_symlink():
        dst.unlink()
    try:
        os.symlink(src.resolve(), dst)
    except OSError:
        shutil.copyfile(src, dst)
