"""LibreOffice headless conversions: legacy formats in, PDF out.

One soffice process per batch, a private profile per worker (two processes
sharing a profile silently write nothing), a timeout, and every output checked.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from schema.errors import InputError, PaichaError

FONTS_CONF = Path(__file__).parent / "fonts" / "fonts.conf"
DEFAULT_TIMEOUT = 180


def soffice_binary() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise PaichaError("未找到 LibreOffice（soffice），请先运行 scripts/setup.sh 安装", code="no_office")
    return exe


def _profile_dir() -> Path:
    """A profile private to this process, reused across calls."""
    base = Path(tempfile.gettempdir()) / "paicha-soffice"
    prof = base / f"profile-{os.getpid()}"
    prof.mkdir(parents=True, exist_ok=True)
    return prof


def convert(paths: list[Path], target: str, outdir: Path, timeout: int = DEFAULT_TIMEOUT) -> dict[Path, Path]:
    """Convert files to `target` (e.g. "pdf", "docx", "xlsx", "doc", "xls") in one soffice call.

    Returns {input: output} for the files that converted; files that did not are absent.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return {}
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env.setdefault("HOME", tempfile.gettempdir())
    cmd = [
        soffice_binary(),
        f"-env:UserInstallation=file://{_profile_dir()}",
        "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nofirststartwizard",
        "--convert-to", target, "--outdir", str(outdir),
        *[str(p) for p in paths],
    ]
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        pass
    ext = target.split(":")[0]
    out: dict[Path, Path] = {}
    for p in paths:
        cand = outdir / (p.stem + "." + ext)
        if cand.exists() and cand.stat().st_size > 0:
            out[p] = cand
    return out


def convert_one(path: Path, target: str, outdir: Path | None = None, timeout: int = DEFAULT_TIMEOUT) -> Path:
    """Convert a single file; raises InputError naming the file when nothing came out."""
    outdir = Path(outdir) if outdir else Path(tempfile.mkdtemp(prefix="paicha-conv-"))
    res = convert([Path(path)], target, outdir, timeout)
    if Path(path) not in res:
        raise InputError(f"{path}：LibreOffice 无法转换此文件（文件可能已损坏、加密或格式不符）", code="convert_failed")
    return res[Path(path)]


def to_pdf(docx: Path, pdf: Path | None = None, timeout: int = DEFAULT_TIMEOUT) -> Path:
    """Render a .docx/.xlsx to PDF next to it (or at `pdf`)."""
    docx = Path(docx)
    target_dir = Path(pdf).parent if pdf else docx.parent
    with tempfile.TemporaryDirectory(prefix="paicha-pdf-") as tmp:
        out = convert_one(docx, "pdf", Path(tmp), timeout)
        final = Path(pdf) if pdf else target_dir / (docx.stem + ".pdf")
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), final)
    return final
