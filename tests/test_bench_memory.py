"""The benchmarks' memory sampler (bench/bench_parse.PeakMemory): the whole process tree, PSS peaks kept
while reading PSS (costly) far less often than RSS."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import PeakMemory, _tree  # noqa: E402

HOLD = "import sys, time; b = bytearray(200 << 20); b[::4096] = b'x' * len(b[::4096]); print(1, flush=True); time.sleep(3)"


def test_a_child_holding_200_mb_is_in_the_peaks():
    with PeakMemory() as mem:
        child = subprocess.Popen([sys.executable, "-c", HOLD], stdout=subprocess.PIPE)
        try:
            child.stdout.readline()              # its memory is touched
            time.sleep(0.5)
            assert child.pid in _tree(__import__("os").getpid())
        finally:
            child.wait()
    assert mem.rss_mb >= 200 and mem.pss_mb >= 190
    assert mem.pss_reads < 20                    # about 4 s at 100 ms: 40 RSS samples, PSS on rises and each second
