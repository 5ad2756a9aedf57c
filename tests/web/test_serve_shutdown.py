"""`cli.py serve` stops on a signal to its whole process group (the job worker killed with it): the
server must not wait for the dead worker (Runner.stop set the multiprocessing Event, whose set() waits
for every sleeper to wake, and hung)."""
from __future__ import annotations

import os
import signal
import time

from webtools import serving


def test_serve_exits_on_a_signal_to_its_process_group(tmp_path):
    with serving("--db", str(tmp_path / "台账.db"), "--data", str(tmp_path / "data")) as (server, _):
        time.sleep(1)                                     # the job worker is asleep in its poll wait
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)                                   # a hang fails here (TimeoutExpired)
        assert server.returncode == 0, server.stdout.read()
