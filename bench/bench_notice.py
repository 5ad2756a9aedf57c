"""Notices per second: paicha's notice() on the five samples vs a plain docxtpl render.

    .venv/bin/python bench/bench_notice.py [rounds]

Baseline (same run, same template, same 版记 context): DocxTemplate(template).render(ctx,
autoescape=True).save() with no body, i.e. the cost of docxtpl alone. Both produce .docx
only (no PDF). Prints both rates (wall clock and per CPU-second: other processes on a shared
machine slow the wall clock), the ratio and peak memory. Target: ≥ 20 notices/s per
core; the template bytes and profiles are cached across calls.
"""
from __future__ import annotations

import io
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402

from generators.gongwen.draft import parse_draft  # noqa: E402
from generators.gongwen.notice import notice, read_draft_text  # noqa: E402
from generators.gongwen.profile import load_profile  # noqa: E402
from generators.gongwen.render import TEMPLATE, banji_context  # noqa: E402


def main(rounds: int = 4) -> None:
    drafts = sorted((ROOT / "samples" / "notices").glob("*.md"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for d in drafts:                                # warm caches (template, profile, form specs)
            notice(d, out / "warm.docx")
        t, c = time.perf_counter(), time.process_time()
        n = 0
        for _ in range(rounds):
            for d in drafts:
                notice(d, out / f"{d.stem}.docx")
                n += 1
        ours, ours_cpu = n / (time.perf_counter() - t), n / (time.process_time() - c)

        p = load_profile()
        ctxs = [banji_context(parse_draft(read_draft_text(d), d.parent), p) for d in drafts]
        t, c = time.perf_counter(), time.process_time()
        m = 0
        for _ in range(rounds):
            for i, ctx in enumerate(ctxs):
                tpl = DocxTemplate(TEMPLATE)
                tpl.render(ctx, autoescape=True)
                buf = io.BytesIO()
                tpl.save(buf)
                m += 1
        base, base_cpu = m / (time.perf_counter() - t), m / (time.process_time() - c)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"paicha notice()        : {ours:6.1f} notices/s wall, {ours_cpu:6.1f} per CPU-second"
          f"  ({n} notices, {len(drafts)} samples, docx only)")
    print(f"plain docxtpl render   : {base:6.1f} docs/s wall,    {base_cpu:6.1f} per CPU-second"
          f"  (same template and 版记 context, no body)")
    print(f"ratio paicha/docxtpl   : {ours_cpu / base_cpu:6.2f} (CPU time; wall {ours / base:.2f})")
    print(f"peak memory (maxrss)   : {rss:6.1f} MB")
    print(f"target ≥ 20 notices/s per core (CPU time): {'met' if ours_cpu >= 20 else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
