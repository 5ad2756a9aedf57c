"""What the recogniser keeps per form spec (parsers.extract.per_spec) belongs to that spec object:
a spec loaded again with other labels (a changed spec file) reads a return by its own labels, and the
first spec, used again afterwards, still by its own."""
from __future__ import annotations

import copy

from bench.make_corpus import make_corpus
from parsers.extract import per_spec
from parsers.readers import read_file
from parsers.recognize import records_from_document
from schema.spec import all_specs


def _header(doc, spec) -> dict:
    [rec] = records_from_document(doc, [spec])
    assert rec.form_type == spec.form_type
    return rec.header


def test_a_spec_with_other_header_labels_does_not_reuse_the_first_specs_labels(tmp_path):
    [docx], _ = make_corpus(tmp_path, 1, 0)          # 填报单位（盖章）：北石店00000镇人民政府
    doc = read_file(docx)[0]
    spec = next(s for s in all_specs() if s.form_type == "supervision_check")
    assert _header(doc, spec)["reporting_unit"] == "北石店00000镇人民政府"

    renamed = copy.deepcopy(spec)                    # the same form, its unit now labelled 报送机关 only
    renamed.header["reporting_unit"].labels = ["报送机关"]
    assert "reporting_unit" not in _header(doc, renamed)
    assert _header(doc, spec)["reporting_unit"] == "北石店00000镇人民政府"


def test_per_spec_keeps_one_result_per_spec_object():
    calls = []

    @per_spec
    def labels_of(spec):
        calls.append(spec)
        return [lb for f in spec.header.values() for lb in f.labels]

    spec = all_specs()[0]
    other = copy.deepcopy(spec)
    assert labels_of(spec) is labels_of(spec)
    assert labels_of(other) is not labels_of(spec)
    assert calls == [spec, other]
