"""The recogniser's caches change no record (issue 17): the benchmark corpus (bench/make_corpus.py,
returns differing in one name each) read file after file with every cache warm gives the same
records as each file read as in a fresh process, with every text scored alone (against the labels
near it) or all at once (label_matrix), and as the difflib matcher the fast one replaced."""
from __future__ import annotations

from bench.bench_recognize import clear_caches, difflib_matching
from bench.make_corpus import make_corpus
from parsers import extract
from parsers.readers import read_file
from parsers.recognize import records_with_provenance


def _records(docs: list, fresh: bool) -> list:
    out = []
    for doc in docs:
        if fresh:
            clear_caches()
        out.append([(r.to_json(), prov) for r, prov in records_with_provenance(doc)])
    return out


def test_warm_caches_fresh_process_and_difflib_read_the_bench_corpus_alike(tmp_path, monkeypatch):
    docx, xlsx = make_corpus(tmp_path / "corpus", 12, 12)
    docs = [d for f in docx + xlsx for d in read_file(f)]
    clear_caches()
    warm = _records(docs, fresh=False)
    assert sum(len(r) for r in warm) >= 24 and all(rec["form_type"] != "unknown" for r in warm for rec, _ in r)
    assert _records(docs, fresh=True) == warm
    for one_by_one in (0, 10 ** 9):             # new texts scored all at once / each alone
        monkeypatch.setattr(extract._TextScores, "ONE_BY_ONE", one_by_one)
        assert _records(docs, fresh=True) == warm
    with difflib_matching():
        assert _records(docs, fresh=True) == warm
