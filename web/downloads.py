"""Downloads: a stored file by its id only, with a Content-Disposition that keeps Chinese names."""
from __future__ import annotations

import mimetypes
import os
import re
import unicodedata
from urllib.parse import quote

from starlette.responses import FileResponse

from web import files
from web.settings import Settings

FALLBACK_STEM = "download"
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()\- ]")


def content_disposition(name: str, inline: bool = False) -> str:
    """RFC 6266 / RFC 5987: filename*=UTF-8''… with the real name, and an ASCII filename= for old clients.

    filename* comes first: browsers take it wherever it is, Python's email parser takes the first."""
    name = files.display_name(name)
    stem, suffix = os.path.splitext(name)
    ascii_stem = _ascii(stem)
    if not re.search(r"[A-Za-z0-9]", ascii_stem):
        ascii_stem = FALLBACK_STEM
    ascii_name = ascii_stem + ("." + _ascii(suffix) if _ascii(suffix) else "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename*=UTF-8''{quote(name, safe='')}; filename=\"{ascii_name}\""


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE_ASCII.sub("_", plain).strip(" ._")


def download_response(settings: Settings, file_id: str, me=None, anyone: bool = False) -> FileResponse | None:
    """The stored file as an attachment, or None when there is no such file or `me` may not have it
    (files.visible; `anyone`: the caller has checked already)."""
    meta = files.get(settings.uploads_dir, file_id) if anyone else files.owned(settings.uploads_dir, file_id, me)
    if meta is None:
        return None
    media = mimetypes.guess_type(f"x{meta.suffix}")[0] or "application/octet-stream"
    return FileResponse(meta.path(settings.uploads_dir), media_type=media,
                        headers={"Content-Disposition": content_disposition(meta.name + _missing_suffix(meta))})


def _missing_suffix(meta: files.StoredFile) -> str:
    """The stored suffix when the display name lacks it (a lying extension was corrected)."""
    return meta.suffix if meta.suffix and not meta.name.lower().endswith(meta.suffix) else ""
