#!/usr/bin/env bash
# Mutation testing of the core (issue 10): mutmut 3 on schema/, ledger/ and the checker's rules, run in a
# temporary copy so the working tree stays clean. Not for CI: minutes of both cores.
# Needs mutmut 3 in the venv: .venv/bin/pip install 'mutmut>=3.8,<4'
#   ./bench/mutation.sh                    every group of GROUPS in bench/mutation/run.py (hours)
#   ./bench/mutation.sh schema ledger.periods "generators.gongwen.check.x_check_dates*"
#                                          groups, modules or function patterns, one after another
# Prints generated / killed / survived / timeout per module; survivors' diffs go to the work directory.
# MUTATION_WORK=/tmp/dir keeps results (a stopped run resumes), MUTATION_JOBS=1 on a shared machine,
# MUTATION_SAMPLE=0.05 runs a fixed 5 % of the mutants, MUTATION_RECHECK=1 reruns the survivors and timeouts.
# bench/mutation/SURVIVORS.md: results, equivalents, what was not run.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PY:-.venv/bin/python}" bench/mutation/run.py "$@"
