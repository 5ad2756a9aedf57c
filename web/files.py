"""The data folder's file store: every uploaded or generated file under a generated id.

    <data>/files/<id><suffix>     the bytes (suffix from a fixed list, never from the request)
    <data>/files/<id>.json        its display name, size, sha256, kind
    <data>/files/.partial/        uploads being received (moved into place only when complete)

A file is found by its id alone; no path from a request is ever opened. Each file records who put it
there (owner, their role and unit); owned() hands a file only to whom may have it (visible()).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from schema.errors import printable
from services.accounts import SEES_ALL, UNIT, Principal

ID = re.compile(r"[0-9a-f]{32}")
# suffixes a stored file may keep (the readers tell .wps/.et from .doc/.xls by it; downloads by it)
SUFFIXES = {".docx", ".docm", ".dotx", ".doc", ".dot", ".wps", ".wpt", ".rtf",
            ".xlsx", ".xlsm", ".xls", ".et", ".ett", ".pdf",
            ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".zip", ".jsonl", ".csv", ".txt"}
UNNAMED = "未命名文件"


@dataclass
class StoredFile:
    id: str
    name: str                 # display name: the original base name, control characters escaped
    suffix: str
    size: int
    sha256: str
    kind: str                 # what sniff() found (docx, xlsx, pdf …), or "" for generated files
    note: str = ""            # e.g. the extension did not match the content
    created_at: str = ""
    owner: str = ""           # the account that uploaded or made it ("" in the local mode)
    owner_role: str = ""
    owner_unit: str = ""      # that account's 填报单位 or enterprise

    def own(self, me: Principal | None) -> "StoredFile":
        """Recorded as `me`'s file."""
        if me is not None and me.user:
            self.owner, self.owner_role, self.owner_unit = me.user, me.role, me.unit
        return self

    def path(self, root: Path) -> Path:
        return root / f"{self.id}{self.suffix}"


def display_name(raw: str) -> str:
    """The base name of what a browser sent (no folders), control and bidi characters escaped."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return printable(base) if base not in ("", ".", "..") else UNNAMED


def safe_suffix(name: str) -> str:
    """The name's extension when it is one of ours, lower case; else none."""
    suffix = Path(name).suffix.lower()
    return suffix if suffix in SUFFIXES else ""


def new_id() -> str:
    return uuid.uuid4().hex


def partial_dir(root: Path) -> Path:
    path = root / ".partial"
    path.mkdir(parents=True, exist_ok=True)
    return path


def commit(root: Path, partial: Path, meta: StoredFile) -> StoredFile:
    """Move a complete file into place, then write its description (a file without one is never served)."""
    os.replace(partial, meta.path(root))
    _write_meta(root, meta)
    return meta


def add_file(root: Path, source: Path, name: str, kind: str = "", owner: Principal | None = None) -> StoredFile:
    """Copy a generated file into the store (for download); `name` is what the user will see, `owner` who
    may fetch it (with visible()'s rules)."""
    root.mkdir(parents=True, exist_ok=True)
    meta = StoredFile(id=new_id(), name=display_name(name), suffix=safe_suffix(name) or safe_suffix(str(source)),
                      size=0, sha256="", kind=kind).own(owner)
    partial = partial_dir(root) / f"{meta.id}.part"
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as src, open(partial, "xb") as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                dst.write(chunk)
                meta.size += len(chunk)
        meta.sha256 = digest.hexdigest()
        return commit(root, partial, meta)
    finally:
        partial.unlink(missing_ok=True)


def get(root: Path, file_id: str) -> StoredFile | None:
    """The stored file with this id, or None (an id that is not ours, a missing or half-written file)."""
    if not isinstance(file_id, str) or not ID.fullmatch(file_id):
        return None
    try:
        data = json.loads((root / f"{file_id}.json").read_text(encoding="utf-8"))
        meta = StoredFile(**data)
    except (OSError, ValueError, TypeError):
        return None
    if meta.id != file_id or (meta.suffix and meta.suffix not in SUFFIXES) or not meta.path(root).is_file():
        return None
    return meta


def visible(meta: StoredFile, me: Principal | None) -> bool:
    """Whether `me` may have the file: the all-unit roles any; others their own files and, for a 填报单位,
    the files of its unit's other clerks. (An evidence photo is also shown to whom may see its hazard:
    web/routes/files.py asks services.hazards.)"""
    if me is None:
        return False
    if me.role in SEES_ALL:
        return True
    if meta.owner and meta.owner == me.user:
        return True
    return me.role == UNIT and meta.owner_role == UNIT and bool(me.unit) and meta.owner_unit == me.unit


def owned(root: Path, file_id: str, me: Principal | None) -> StoredFile | None:
    """get() for a request's user: None also when the file is someone else's (never telling which)."""
    meta = get(root, file_id)
    return meta if meta is not None and visible(meta, me) else None


def remove_partials(root: Path) -> None:
    """Uploads cut off by a stopped server."""
    shutil.rmtree(root / ".partial", ignore_errors=True)


def _write_meta(root: Path, meta: StoredFile) -> None:
    meta.created_at = meta.created_at or datetime.now().isoformat(timespec="seconds")
    tmp = partial_dir(root) / f"{meta.id}.json"
    tmp.write_text(json.dumps(asdict(meta), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, root / f"{meta.id}.json")
