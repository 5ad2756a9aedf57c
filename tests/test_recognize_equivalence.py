"""The rapidfuzz label matcher decides as the difflib one it replaced (kept in bench/bench_recognize.py):
the same records from every sample return and every variety case, and the same threshold decisions
for every label of every spec against every cell text of the samples."""
from __future__ import annotations

import numpy as np
import pytest

from bench.bench_recognize import clear_caches, difflib_label_score, difflib_matching, sample_documents
from parsers.extract import MATCH, STRONG, label_matrix, label_score
from parsers.readers import read_file
from parsers.recognize import records_from_document
from schema.spec import all_specs
from tests.variety.build import CASES as CASES1
from tests.variety2.build import CASES as CASES2
from tests.variety3.build import CASES as CASES3

THRESHOLDS = (MATCH, 0.8, STRONG)          # every cut-off the recogniser applies to a label score


@pytest.fixture(scope="module")
def samples():
    return sample_documents()[1]


@pytest.fixture(scope="module")
def variety_docs(tmp_path_factory) -> list:
    """Every variety case's return; one LibreOffice converts (to .doc/.xls/.pdf) is read as the
    .docx/.xlsx it was made from, which keeps this test free of LibreOffice."""
    out = tmp_path_factory.mktemp("variety_all")
    docs = []
    for fn in CASES1 + CASES2 + CASES3:
        case = fn(out)
        docs += read_file(out / (case["convert"][1] if "convert" in case else case["file"]))
    return docs


def _records(docs: list) -> list[list[dict]]:
    """Each document's records, as a fresh process would find them."""
    clear_caches()
    return [[r.to_json() for r in records_from_document(d)] for d in docs]


def _pairs(docs: list) -> tuple[tuple[str, ...], tuple[str, ...]]:
    labels = {lb for s in all_specs() for lb in s.all_labels() + [s.title] + s.title_patterns}
    texts = {c.text for d in docs for t in d.tables() for c in t.cells}
    return tuple(sorted(labels)) + ("", "(万元)"), tuple(sorted(texts)) + ("", " ", "（）", "注册资本(万元)")


@pytest.mark.parametrize("which", ["samples", "variety_docs"])
def test_same_records_as_difflib(which, request):
    docs = request.getfixturevalue(which)
    assert len(docs) >= 29
    with difflib_matching():
        before = _records(docs)
    after = _records(docs)
    for d, old, new in zip(docs, before, after):
        assert new == old, d.path
    assert sum(r["form_type"] != "unknown" for recs in after for r in recs) >= len(docs) - 1


@pytest.mark.parametrize("cutoff", [0.0, MATCH, 0.8])
def test_matrix_is_label_score_pair_by_pair(samples, cutoff):
    """Every pair of the matrix is label_score, or 0 where that is under the cutoff."""
    labels, texts = _pairs(samples)
    m = label_matrix(labels, texts, cutoff)
    assert m.shape == (len(labels), len(texts)) and m.max() == 1.0
    want = np.array([[s if (s := label_score(lb, t)) >= cutoff else 0.0 for t in texts] for lb in labels])
    assert (m == want).all()
    assert (want > 0).sum() >= 100          # not a matrix of zeros


def test_thresholds_decide_as_with_difflib(samples):
    labels, texts = _pairs(samples)
    crossed = [(lb, t) for lb in labels for t in texts for th in THRESHOLDS
               if (label_score(lb, t) >= th) != (difflib_label_score(lb, t) >= th)]
    assert not crossed
    assert label_score("安全生产许可证号", "安全许可证号") == difflib_label_score("安全生产许可证号", "安全许可证号") >= 0.8
