"""One temporary folder per run: every temp file, LibreOffice profile and conversion of a run lives in
$TMPDIR/paicha-run-<pid>-<random>, removed when the run ends (normally, or on SIGTERM/SIGINT once
`install_signal_handlers` is in place); a folder whose process is gone is removed by the next run.

    with runfiles.run():                  # the CLI command / the pipeline entry
        runfiles.temp_dir("zip-")         # a fresh folder inside the run folder
        runfiles.office_profile()         # this process's LibreOffice profile

Worker processes find the folder through PAICHA_RUN_DIR (inherited), never create their own.
Child process groups (LibreOffice) are registered so a terminated process can kill them first.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ENV = "PAICHA_RUN_DIR"
PREFIX = "paicha-run-"
STALE_NAME = re.compile(rf"{PREFIX}(\d+)-")
OLD_PROFILES = "paicha-soffice"          # before runfiles: $TMPDIR/paicha-soffice/profile-<pid>

_owned: tuple[Path, int] | None = None    # (folder, pid of the process that made it)
_saved_tempdir: list[str | None] = []
_children: set[int] = set()               # process group ids of running child programs


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(base: Path | None = None) -> list[Path]:
    """Remove run folders (and old-style LibreOffice profiles) of processes no longer alive; returns them."""
    base = Path(base or tempfile.gettempdir())
    removed = []
    candidates = [(p, STALE_NAME.match(p.name)) for p in base.glob(PREFIX + "*")]
    candidates += [(p, re.match(r"profile-(\d+)$", p.name)) for p in (base / OLD_PROFILES).glob("profile-*")]
    for path, m in candidates:
        try:
            mine = path.is_dir() and not path.is_symlink() and path.stat().st_uid == os.getuid()
        except OSError:
            continue
        if m and mine and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def run_dir() -> Path:
    """This run's folder: the one named in PAICHA_RUN_DIR, else a new one (removed at exit)."""
    global _owned
    env = os.environ.get(ENV)
    if env and Path(env).is_dir():
        return Path(env)
    if _owned and _owned[1] == os.getpid() and _owned[0].is_dir():
        return _owned[0]
    sweep_stale()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    if _owned is None:
        atexit.register(end_run)
    _owned = (folder, os.getpid())
    os.environ[ENV] = str(folder)
    return folder


def end_run() -> None:
    """Remove the run folder, if this process made it."""
    global _owned
    if not _owned or _owned[1] != os.getpid():
        return
    folder = _owned[0]
    _owned = None
    if os.environ.get(ENV) == str(folder):
        del os.environ[ENV]
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def run() -> Iterator[Path]:
    """Own a run folder for the block (or join the run already going on) and send every
    `tempfile` use of this process into it; the folder is removed when the block ends."""
    joined = bool(os.environ.get(ENV) and Path(os.environ[ENV]).is_dir())
    folder = run_dir()
    _saved_tempdir.append(tempfile.tempdir)
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = _saved_tempdir.pop()
        if not joined:
            end_run()


def temp_dir(prefix: str) -> Path:
    """A new folder inside the run folder (removed with it; callers may remove it earlier)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=run_dir()))


def office_profile() -> Path:
    """This process's LibreOffice profile (two processes sharing one silently convert nothing)."""
    prof = run_dir() / f"soffice-profile-{os.getpid()}"
    prof.mkdir(parents=True, exist_ok=True)
    return prof


# --- child programs and signals ---------------------------------------------------------------

def add_child(pgid: int) -> None:
    _children.add(pgid)


def drop_child(pgid: int) -> None:
    _children.discard(pgid)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGTERM/SIGINT for the block and deliver them after it: a child started in the block is
    registered before any handler runs (else a signal between fork and add_child would orphan it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: held.append(signum))
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in held:
            signal.raise_signal(sig)


def kill_children() -> None:
    """Kill every registered child process group (LibreOffice and its helpers)."""
    for pgid in list(_children):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        _children.discard(pgid)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def install_signal_handlers() -> dict:
    """Main process: SIGTERM and SIGINT unwind like Ctrl-C, so every `finally` cleans up.
    Returns the previous handlers (for restore_signal_handlers)."""
    return {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}


def restore_signal_handlers(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def _worker_exit(signum, frame) -> None:
    kill_children()
    os._exit(128 + signum)


def install_worker_handlers() -> None:
    """Pool worker: Ctrl-C is the main process's business; SIGTERM kills the worker's children, then it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_exit)
