"""One temp folder per run: removed on normal exit and on SIGTERM, and left-overs of killed runs swept."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schema import runfiles
from tests.badfiles import make_docx

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "cli.py"


def private_env(tmp: Path) -> dict:
    """The environment of a CLI run whose temp files can only go to `tmp`."""
    env = {k: v for k, v in os.environ.items() if k != runfiles.ENV}
    env.update(TMPDIR=str(tmp), XDG_STATE_HOME=str(tmp.parent / "state"))
    return env


def paicha_leftovers(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("paicha"))


def processes_using(tmp: Path) -> list[str]:
    """Command lines of live processes that mention `tmp` (LibreOffice names its profile there)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if str(tmp) in cmd:
            found.append(cmd)
    return found


def dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def test_run_folder_holds_temp_files_and_goes(tmp_path, monkeypatch):
    monkeypatch.setattr(runfiles.tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv(runfiles.ENV, raising=False)
    monkeypatch.setattr(runfiles, "_owned", None)          # not the folder an earlier test made lazily
    with runfiles.run() as folder:
        assert folder.parent == tmp_path and folder.name.startswith(f"paicha-run-{os.getpid()}-")
        inner = runfiles.temp_dir("zip-")
        assert inner.parent == folder and runfiles.office_profile().parent == folder
        with runfiles.run() as joined:                 # a nested run joins the outer one
            assert joined == folder
        assert folder.is_dir()
        import tempfile
        assert Path(tempfile.mkdtemp()).parent == folder     # every tempfile use goes in it
    assert not folder.exists() and runfiles.ENV not in os.environ
    assert paicha_leftovers(tmp_path) == []


def test_stale_folders_of_dead_runs_are_removed(tmp_path):
    """A folder left by a killed run (its pid gone) is removed by the next run; a live run's is kept."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    stale = tmp / f"paicha-run-{dead_pid()}-abc123"
    (stale / "soffice-profile-1").mkdir(parents=True)
    (stale / "soffice-profile-1" / "registrymodifications.xcu").write_text("x")
    old_profile = tmp / "paicha-soffice" / f"profile-{dead_pid()}"
    old_profile.mkdir(parents=True)
    live = tmp / f"paicha-run-{os.getpid()}-def456"
    live.mkdir()
    src = tmp_path / "in"
    src.mkdir()
    make_docx(src / "表.docx")
    r = subprocess.run([sys.executable, str(CLI), "parse", str(src), "-q", "--workers", "1"],
                       env=private_env(tmp), capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert not stale.exists() and not old_profile.exists()
    assert live.is_dir()
    assert paicha_leftovers(tmp) == ["paicha-run-" + live.name.removeprefix("paicha-run-"), "paicha-soffice"]


@pytest.fixture(scope="module")
def legacy_folder(tmp_path_factory) -> Path:
    """Forty real .doc returns: enough for LibreOffice to be busy when the run is killed."""
    from generators.office import convert
    d = tmp_path_factory.mktemp("legacy")
    src = make_docx(d / "表.docx")
    doc = convert([src], "doc", d)[src]
    folder = d / "in"
    folder.mkdir()
    for i in range(40):
        shutil.copyfile(doc, folder / f"回执{i:02d}.doc")
    return folder


def test_sigterm_mid_batch_leaves_nothing(legacy_folder, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, str(CLI), "parse", str(legacy_folder), "-q", "--workers", "2"],
                            env=private_env(tmp), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120          # wait for LibreOffice to be at work (not an assertion)
        while not list(tmp.glob("paicha-run-*/soffice-profile-*")) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        assert list(tmp.glob("paicha-run-*/soffice-profile-*")), "LibreOffice never started"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert "已中断" in err.decode("utf-8") and "Traceback" not in err.decode("utf-8")
    assert paicha_leftovers(tmp) == []
    assert processes_using(tmp) == []


def test_a_conversion_out_of_time_says_so(tmp_path):
    """A file LibreOffice had no time for is not called damaged: the message names the timeout."""
    from schema.errors import InputError
    from schema.office import convert_one
    src = make_docx(tmp_path / "大文件.docx")
    with pytest.raises(InputError) as e:
        convert_one(src, "pdf", tmp_path / "out", timeout=0)
    assert e.value.code == "convert_timeout"
    assert "超时" in str(e.value) and "大文件.docx" in str(e.value) and "损坏" not in str(e.value)
    assert convert_one(src, "pdf", tmp_path / "out2").suffix == ".pdf"      # the same file, given time, converts
