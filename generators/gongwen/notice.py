"""cli.py notice: a plain-text draft (UTF-8, YAML front matter + body) → 红头文件 .docx (and PDF)."""
from __future__ import annotations

from pathlib import Path

from generators.gongwen.draft import parse_draft
from generators.gongwen.render import render
from schema.errors import DraftError, InputError


def read_draft_text(path: Path) -> str:
    """The draft's text; anything but UTF-8 is rejected with a Chinese message."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}：找不到草稿文件", code="missing")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}：草稿不是 UTF-8 编码（可能是 GBK），请用记事本“另存为”UTF-8 后重试",
                         code="encoding")


def notice(draft_path: Path, out: Path | None = None, pdf: bool = False, profile: str = "gbt9704") -> Path:
    """Lay out the draft as a GB/T 9704 notice; default output is the draft's name with .docx."""
    draft_path = Path(draft_path)
    text = read_draft_text(draft_path)
    try:
        gw = parse_draft(text, draft_path.parent)
    except DraftError as e:
        raise DraftError(e.problems, str(draft_path)) from None
    if profile != "gbt9704" or gw.profile == "gbt9704":
        gw.profile = profile
    out = Path(out) if out else draft_path.with_suffix(".docx")
    render(gw, out, pdf=pdf, paginate=True)     # laid out once by LibreOffice: is the 版记 page numbered (7.5)?
    return out
