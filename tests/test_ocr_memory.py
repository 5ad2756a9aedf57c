"""A parse worker's memory after OCR (issue 17): the engine's peak is handed back, not kept while idle."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCAN = ROOT / "samples" / "returns_pdf" / "supervision_check-scan.pdf"

PROBE = """
import json, resource, sys
sys.path.insert(0, {root!r})
from parsers.pipeline import parse_chunk
from parsers.ocr import engine

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

engine.get_engine()
start = rss()
result = parse_chunk([(0, {scan!r})])[0]
print(json.dumps({{"start": start, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   "after": rss(), "records": sum(len(p["records"]) for p in result.get("parts", []))}}))
"""


def test_worker_hands_back_ocr_memory():
    """One scanned page through a worker's parse_chunk: the OCR's peak is well above the idle engine,
    and after the file the worker is back near where it started (without the release it stays near the peak)."""
    code = PROBE.format(root=str(ROOT), scan=str(SCAN))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                         env={"PAICHA_OCR_THREADS": "1", "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    m = json.loads(out.stdout.strip().splitlines()[-1])
    assert m["records"] >= 1, m
    grown = m["peak"] - m["start"]
    assert grown > 100, m
    assert m["after"] - m["start"] < grown / 3, m


def test_wide_crops_are_not_batched_beyond_the_column_cap():
    """engine._batches: narrow crops six to a batch, wide ones fewer, a very wide one alone (six 2,000 px
    lines in one batch held ~500 MB of recogniser output at once)."""
    from parsers.ocr import engine
    widths = [160] * 8 + [400, 700, 700, 2000, 2000, 2100]
    batches = engine._batches(widths, 6)
    assert [j for b in batches for j in b] == list(range(len(widths)))
    assert all(len(b) <= 6 for b in batches) and len(batches[0]) == 6
    assert all(len(b) == 1 or widths[b[-1]] * len(b) <= engine.REC_BATCH_COLUMNS for b in batches)
    assert [len(b) for b in batches if widths[b[0]] >= 2000] == [1, 1, 1]
