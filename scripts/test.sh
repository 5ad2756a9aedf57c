#!/usr/bin/env bash
# Sets up, then runs the whole test suite on both cores. The ledger tests run on SQLite and on a private
# PostgreSQL cluster started for this run (PAICHA_TEST_PG) and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pg_dir=$(mktemp -d)
trap 'bash scripts/pg_cluster.sh stop "$pg_dir"' EXIT
PAICHA_TEST_PG=$(bash scripts/pg_cluster.sh start "$pg_dir")
export PAICHA_TEST_PG
.venv/bin/python -m pytest -n 2 tests "$@"
