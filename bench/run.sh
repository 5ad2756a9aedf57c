#!/usr/bin/env bash
# All benchmarks, one after another; each prints its rates and the ratio against its baseline
# measured in the same run. Run on an otherwise idle machine: ./bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
for b in bench_notice bench_parse bench_pdf bench_orders bench_summary bench_records_xlsx bench_web; do
  echo "== $b =="
  "$PY" "bench/$b.py"
  echo
done
