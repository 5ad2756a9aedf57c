"""LibreOffice headless conversions: legacy formats in, PDF out (used by the readers and the generators).

One soffice process per batch, a private profile per worker (two processes
sharing a profile silently write nothing), a timeout, and every output checked.
Profiles and temp files live in the run folder (schema/runfiles.py); soffice runs
in its own process group, killed whole on a timeout or an interruption.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

from schema import runfiles
from schema.errors import InputError, PaichaError

FONTS_CONF = Path(__file__).resolve().parent.parent / "generators" / "fonts" / "fonts.conf"   # preview fonts
DEFAULT_TIMEOUT = 180
PDF_KEEP_BLANK_PAGES = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def soffice_binary() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise PaichaError("未找到 LibreOffice（soffice），请先运行 scripts/setup.sh 安装", code="no_office")
    return exe


def _run_soffice(cmd: list[str], env: dict, timeout: int) -> bool:
    """Run soffice in its own process group; the whole group is killed on a timeout or an exception
    (soffice is a script starting oosplash starting soffice.bin: killing the first leaves the others).
    True when it ran out of time."""
    proc = None
    try:
        with runfiles.signals_deferred():      # registered before a signal can act
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                    start_new_session=True)
            runfiles.add_child(proc.pid)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return True
    except BaseException:          # a signal unwinding the run
        if proc is not None:
            _kill_group(proc)
        raise
    finally:
        if proc is not None:
            runfiles.drop_child(proc.pid)
    return False


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait()


def convert(paths: list[Path], target: str, outdir: Path, timeout: int = DEFAULT_TIMEOUT) -> dict[Path, Path]:
    """Convert files to `target` (e.g. "pdf", "docx", "xlsx", "doc", "xls") in one soffice call.

    Returns {input: output} for the files that converted; files that did not are absent.
    """
    return _convert(paths, target, outdir, timeout)[0]


def _convert(paths: list[Path], target: str, outdir: Path, timeout: int) -> tuple[dict[Path, Path], bool]:
    """convert's work, and whether soffice ran out of time (killed: the files it had not done are absent)."""
    paths = [Path(p) for p in paths]
    if not paths:
        return {}, False
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env["TMPDIR"] = str(runfiles.run_dir())          # LibreOffice's own temp files go with the run
    env.setdefault("HOME", str(runfiles.run_dir()))
    cmd = [
        soffice_binary(),
        f"-env:UserInstallation=file://{runfiles.office_profile()}",
        "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nofirststartwizard",
        "--convert-to", target, "--outdir", str(outdir),
        *[str(p) for p in paths],
    ]
    timed_out = _run_soffice(cmd, env, timeout)
    ext = target.split(":")[0]
    out: dict[Path, Path] = {}
    for p in paths:
        cand = outdir / (p.stem + "." + ext)
        if cand.exists() and cand.stat().st_size > 0:
            out[p] = cand
    return out, timed_out


def convert_one(path: Path, target: str, outdir: Path | None = None, timeout: int = DEFAULT_TIMEOUT) -> Path:
    """Convert a single file; raises InputError naming the file when nothing came out (a timeout
    says so: a large file on a busy machine is not a damaged one)."""
    outdir = Path(outdir) if outdir else runfiles.temp_dir("conv-")
    res, timed_out = _convert([Path(path)], target, outdir, timeout)
    if Path(path) not in res and timed_out:
        raise InputError(f"{path}：LibreOffice 转换超时（超过 {timeout} 秒，文件过大或机器繁忙），未生成结果",
                         code="convert_timeout")
    if Path(path) not in res:
        raise InputError(f"{path}：LibreOffice 无法转换此文件（文件可能已损坏、加密或格式不符）", code="convert_failed")
    return res[Path(path)]


def to_pdf(docx: Path, pdf: Path | None = None, timeout: int = DEFAULT_TIMEOUT, keep_blank_pages: bool = False) -> Path:
    """Render a .docx/.xlsx to PDF next to it (or at `pdf`); keep_blank_pages for a 公文, whose evenPage
    section break before the 版记 inserts a blank page that must stay."""
    docx = Path(docx)
    target_dir = Path(pdf).parent if pdf else docx.parent
    tmp = runfiles.temp_dir("pdf-")
    try:
        out = convert_one(docx, PDF_KEEP_BLANK_PAGES if keep_blank_pages else "pdf", tmp, timeout)
        final = Path(pdf) if pdf else target_dir / (docx.stem + ".pdf")
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final
