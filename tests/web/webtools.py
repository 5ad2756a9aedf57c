"""Helpers of the web tests (the fixtures are in conftest.py)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


def token(client: TestClient) -> str:
    """This client's CSRF token, as the home page hands it out."""
    page = client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]


def sample(name: str, tmp_path: Path) -> Path:
    """A copy of a sample return (samples/returns/…) in tmp_path."""
    src = next((ROOT / "samples").rglob(name))
    dest = tmp_path / src.name
    shutil.copy(src, dest)
    return dest


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """`cli.py serve ARGS` on a free port in its own process group, once it answers (up to a minute on a
    loaded machine): (the process, its base URL); killed with its group if still running at the end."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", *args, "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/static/app.css", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("工作台未能启动")
        yield server, base
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
