#!/usr/bin/env bash
# Mutation testing of the core (issue 10): mutmut 3 on schema/, ledger/ and the checker's rules, run in a
# temporary copy so the working tree stays clean. Not for CI: minutes of both cores.
#   ./bench/mutation.sh                    all modules of bench/mutation/setup.cfg, one after another
#   ./bench/mutation.sh schema.dates ...   only these modules
# Prints generated / killed / survived / timeout per module; survivors' diffs go to the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PY:-.venv/bin/python}" bench/mutation/run.py "$@"
