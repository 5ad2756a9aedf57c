"""Recognition speed: the rapidfuzz label matcher against the difflib one it replaced, same run.

    .venv/bin/python bench/bench_recognize.py              # 7 rounds each
    .venv/bin/python bench/bench_recognize.py --profile    # and cProfile's top of one rapidfuzz round

Reads the sample returns (samples/returns, .docx/.xlsx/.zip: 27 files) once, then recognises all
their Documents (parsers.recognize.records_from_document) round after round, alternating the two
matchers; every cache that holds file text is emptied before each round, as in a fresh process.
The difflib baseline is the old matcher, kept here only (difflib_matching()); the records of the
two must be the same. Target: recognising >= 3x faster.
"""
from __future__ import annotations

import argparse
import cProfile
import contextlib
import pstats
import statistics
import sys
import time
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers import extract, recognize  # noqa: E402

SAMPLES = ROOT / "samples" / "returns"
SUFFIXES = {".docx", ".xlsx", ".zip"}
TARGET = 3.0


# --- the difflib matcher, as it was before rapidfuzz (baseline only) --------------------------

@lru_cache(maxsize=262144)
def difflib_label_score(label: str, text: str) -> float:
    a, b = extract.norm_label(label), extract.norm_label(text)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    a0, b0 = extract._bare(a), extract._bare(b)
    if a0 == b0:
        return 0.95
    best = 0.0
    for x, y in ((a, b), (a0, b0)):
        if len(x) >= 2 and x in y:
            best = max(best, 0.9 * len(x) / len(y) + 0.1 * (y.startswith(x) or y.endswith(x)))
    if 0.6 <= len(a0) / len(b0) <= 1.6:
        sm = SequenceMatcher(None, a0, b0)
        if sm.quick_ratio() >= extract.MATCH:
            best = max(best, 0.95 * sm.ratio())
    return best


def difflib_label_fraction(spec, texts: list[str]) -> float:
    fields = [f for f in spec.all_fields() if not f.optional]
    if not fields:
        return 0.0
    cands = [t for t in texts if 0 < len(extract.norm_label(t)) <= 60]
    found = 0
    for f in fields:
        labels = f.labels + [lb for level in f.path[-1:] for lb in level] + f.joined_labels()
        if any(difflib_label_score(lb, t) >= 0.8 for lb in labels for t in cands):
            found += 1
    return found / len(fields)


def difflib_label_fractions(specs: list, texts: list[str]) -> list[float]:
    return [difflib_label_fraction(s, texts) for s in specs]


def difflib_field_scores(fields: list, text: str) -> list[float]:
    return [max((difflib_label_score(lb, text) for lb in f.labels), default=0.0) for f in fields]


class DifflibMemo(extract._FieldMemo):
    """A field list's memo scoring with difflib (field_scores, field_hits, best_field_score and the
    header-row mappings all read it)."""

    def _get(self, text: str):
        scores = [s if s >= extract.MATCH else 0.0 for s in difflib_field_scores(self.fields, text)]
        return scores, [(k, v) for k, v in enumerate(scores) if v >= extract.MATCH], max(scores, default=0.0)


def difflib_memo(fields: list) -> DifflibMemo:
    return DifflibMemo(fields)


# (module, name) → the difflib version put there by difflib_matching()
PATCHES = {(extract, "label_score"): difflib_label_score, (recognize, "label_score"): difflib_label_score,
           (extract, "field_scores"): difflib_field_scores, (recognize, "field_scores"): difflib_field_scores,
           (extract, "_memo"): difflib_memo, (recognize, "label_fractions"): difflib_label_fractions}


@contextlib.contextmanager
def difflib_matching():
    """Recognise with the old difflib matcher inside the block."""
    saved = {(mod, name): getattr(mod, name) for mod, name in PATCHES}
    for (mod, name), fn in PATCHES.items():
        setattr(mod, name, fn)
    try:
        yield
    finally:
        for (mod, name), fn in saved.items():
            setattr(mod, name, fn)


def clear_caches() -> None:
    """Forget every file text seen (a fresh process; the specs' own caches stay)."""
    for fn in (extract.norm_label, extract._bare, extract.label_score, extract._label_forms,
               recognize.tokens, difflib_label_score):
        fn.cache_clear()
    extract._columns.clear()            # group_scores' score columns of texts seen
    extract._scores.__init__()          # …and each text's scores against every label
    extract._memos.clear()              # field_scores' and map_columns' memos
    extract._memo_of_list.clear()
    recognize._line_title_score.cache_clear()
    recognize._label_spans.cache_clear()      # header lines split at labels
    recognize._spec_words.cache_clear()     # each text's words among the specs' words
    extract._mapped.clear()             # map_matrix's column mappings of header paths seen


# --- the measurement ------------------------------------------------------------------------

def sample_documents() -> list:
    from parsers.readers import read_file
    files = sorted(p for p in SAMPLES.rglob("*") if p.suffix in SUFFIXES and "格式样例" not in p.parts)
    return files, [doc for f in files for doc in read_file(f)]


def recognise_all(docs: list) -> list[dict]:
    clear_caches()
    return [r.to_json() for doc in docs for r in recognize.records_from_document(doc)]


def timed_round(docs: list, baseline: bool) -> tuple[float, list[dict]]:
    with difflib_matching() if baseline else contextlib.nullcontext():
        t = time.process_time()          # CPU time: the machine is shared
        records = recognise_all(docs)
        return time.process_time() - t, records


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--profile", action="store_true", help="cProfile one rapidfuzz round")
    args = ap.parse_args()
    files, docs = sample_documents()
    recognise_all(docs)                    # warm up: jieba's dictionary, the specs
    times: dict[bool, list[float]] = {True: [], False: []}
    same = True
    for _ in range(args.rounds):
        (t_old, old), (t_new, new) = timed_round(docs, True), timed_round(docs, False)
        times[True].append(t_old)
        times[False].append(t_new)
        same = same and old == new
    old_s, new_s = statistics.median(times[True]), statistics.median(times[False])
    print(f"{len(files)} files, {len(docs)} documents, {len(new)} records; median of {args.rounds} rounds")
    print(f"difflib   {old_s * 1000:8.1f} ms per round")
    print(f"rapidfuzz {new_s * 1000:8.1f} ms per round")
    print(f"ratio     {old_s / new_s:8.2f}x   (target >= {TARGET:.0f}x)   records identical: {same}")
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(recognise_all, docs)
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    return 0 if same and old_s / new_s >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
