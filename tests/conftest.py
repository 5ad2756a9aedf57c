import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


# --- the ledger on SQLite and on PostgreSQL (issue 12) ---------------------------------------------
import pytest

from pgtest import BACKENDS, PG_ADMIN, PG_SKIP, ledger_at  # noqa: E402  (re-exported for the tests)


def pytest_report_header(config):
    return f"PostgreSQL 台账：{PG_ADMIN}" if PG_ADMIN else PG_SKIP


@pytest.fixture(params=BACKENDS)
def ledger_target(request, tmp_path):
    """Where a test's ledger lives: a SQLite file in tmp_path, or a fresh PostgreSQL database (skipped,
    with the reason, when PAICHA_TEST_PG is not set). A string either way, as --db and PAICHA_LEDGER take it."""
    target, drop = ledger_at(request.param, tmp_path)
    yield target
    drop()


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    n = sum(PG_SKIP in str(getattr(r, "longrepr", "")) for r in skipped)
    if n:
        terminalreporter.write_line(f"{PG_SKIP}：{n} 项")
