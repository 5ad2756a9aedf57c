"""A ledger filled from samples/returns (parsed through services.returns.parse_batch), built once per test
session and copied for each test that wants it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from services.ledgers import open_ledger
from services.returns import parse_batch

ROOT = Path(__file__).resolve().parents[2]


def build(target: Path) -> Path:
    returns = sorted(p for p in (ROOT / "samples" / "returns").rglob("*") if p.suffix in (".docx", ".xlsx"))
    with open_ledger(target) as handle:
        result = parse_batch(returns, ledger=handle, workers=1)
    assert result.summary.ledger.get("new"), "样例回执未能导入台账"
    return target


@pytest.fixture(scope="session")
def sample_ledger(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("sample-ledger") / "ledger.db")


@pytest.fixture
def filled(sample_ledger, settings) -> Path:
    """The sample ledger copied to where the test's settings (and its client or live server) look."""
    shutil.copy(sample_ledger, settings.ledger)
    return Path(settings.ledger)
