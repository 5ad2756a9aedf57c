import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


# --- the ledger on SQLite and on PostgreSQL (issue 12) ---------------------------------------------
import os
import secrets

import pytest

PG_ADMIN = os.environ.get("PAICHA_TEST_PG", "")      # set by scripts/test.sh: its private cluster's admin URL
PG_SKIP = "PostgreSQL 台账测试跳过：未设置 PAICHA_TEST_PG（scripts/test.sh 会启动临时 PostgreSQL 集群并设置它）"


def pytest_report_header(config):
    return f"PostgreSQL 台账：{PG_ADMIN}" if PG_ADMIN else PG_SKIP


def pg_database():
    """A fresh, empty PostgreSQL database for one test: (its URL, a function that drops it)."""
    import psycopg
    if not PG_ADMIN:
        pytest.skip(PG_SKIP)
    name = "t_" + secrets.token_hex(6)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    base, _, _ = PG_ADMIN.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name, drop


BACKENDS = ["sqlite", "postgresql"]


def ledger_at(backend: str, folder):
    """A new ledger target of that backend: (a SQLite path in folder, or a fresh database's URL; its clean-up)."""
    if backend == "sqlite":
        return str(folder / "台账.db"), lambda: None
    return pg_database()


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
