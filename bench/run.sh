#!/usr/bin/env bash
# All benchmarks, one after another; each prints its rates and the ratio against its baseline
# measured in the same run. Run on an otherwise idle machine: ./bench/run.sh
# A benchmark whose baseline needs an outside program that is not installed is skipped with a note;
# a benchmark that fails is reported and the others still run (the exit status says how many failed).
# NORTH_FILES: files in the north-star batch (default 1000; 0 skips it).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
NORTH_FILES=${NORTH_FILES:-1000}
failed=0

need() {   # need PROGRAM BENCH: true when PROGRAM is installed, else a note
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  echo "跳过 $2：未安装 $1（基线需要它；Debian 上 apt-get install $3）"
  echo
  return 1
}

run() {
  echo "== $* =="
  if ! "$PY" "bench/$1.py" "${@:2}"; then
    echo "!! $1 失败"
    failed=$((failed + 1))
  fi
  echo
}

run bench_notice
run bench_parse
need tesseract bench_pdf "tesseract-ocr tesseract-ocr-chi-sim" && run bench_pdf
run bench_orders
run bench_summary
run bench_summary --hazards 1000000 --no-workbook
run bench_records_xlsx
run bench_web
if [ "$NORTH_FILES" != 0 ]; then
  need soffice north_star "libreoffice-writer libreoffice-calc" && run north_star --files "$NORTH_FILES"
fi
echo "基准完成：$failed 个失败"
exit "$failed"
