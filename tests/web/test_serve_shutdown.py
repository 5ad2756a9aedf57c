"""`cli.py serve` stops on a signal to its whole process group (the job worker killed with it): the
server must not wait for the dead worker (Runner.stop set the multiprocessing Event, whose set() waits
for every sleeper to wake, and hung)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_serve_exits_on_a_signal_to_its_process_group(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--db", str(tmp_path / "台账.db"),
                               "--data", str(tmp_path / "data"), "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        for _ in range(600):                              # up to a minute to start on a loaded machine
            try:
                if httpx.get(f"http://127.0.0.1:{port}/static/app.css", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("工作台未能启动")
        time.sleep(1)                                     # the job worker is asleep in its poll wait
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)                                   # a hang fails here (TimeoutExpired)
        assert server.returncode == 0, server.stdout.read()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
