"""The ledger on SQLite and on PostgreSQL in tests (issue 12): where a test's ledger lives.

PAICHA_TEST_PG is the admin URL of a PostgreSQL cluster (scripts/test.sh starts a private one); each
PostgreSQL test gets a fresh database. Without it the PostgreSQL cases are skipped, with the reason."""
import os
import secrets

import pytest

PG_ADMIN = os.environ.get("PAICHA_TEST_PG", "")
PG_SKIP = "PostgreSQL 台账测试跳过：未设置 PAICHA_TEST_PG（scripts/test.sh 会启动临时 PostgreSQL 集群并设置它）"
BACKENDS = ["sqlite", "postgresql"]


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
    base = PG_ADMIN.partition("?")[0]
    return base.rsplit("/", 1)[0] + "/" + name, drop


def ledger_at(backend: str, folder):
    """A new ledger target of that backend: (a SQLite path in folder, or a fresh database's URL; its clean-up)."""
    if backend == "sqlite":
        return str(folder / "台账.db"), lambda: None
    return pg_database()
