#!/usr/bin/env bash
# Installs everything (scripts/setup.sh), builds the samples' ledger once (samples/returns and
# samples/returns_pdf parsed by cli.py parse into out/样例台账.db), then starts the web workbench on it.
#   PAICHA_PORT     port (default 8000)
#   PAICHA_DATA     the workbench's data folder (default out/工作台数据)
#   PAICHA_START_DB the ledger to build and serve (default out/样例台账.db)
#   PAICHA_NO_SETUP=1 skips scripts/setup.sh (already installed)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${PAICHA_NO_SETUP:-}" = "1" ] || bash scripts/setup.sh

db=${PAICHA_START_DB:-out/样例台账.db}
data=${PAICHA_DATA:-out/工作台数据}
port=${PAICHA_PORT:-8000}
if [ ! -f "$db" ]; then
  echo "正在用样例回执建立台账 $db（扫描件需要识别文字，约需一两分钟）……"
  mkdir -p "$(dirname "$db")"
  part="$db.part"
  rm -f "$part"
  inputs=(samples/returns)
  [ -d samples/returns_pdf ] && inputs+=(samples/returns_pdf)
  # a batch with a failed file still builds the ledger (exit code 3); anything else stops here
  .venv/bin/python cli.py parse "${inputs[@]}" --db "$part" -q || [ $? -eq 3 ]
  mv "$part" "$db"             # a build cut short is never taken for a finished ledger
fi

echo "工作台启动后，请用浏览器打开 http://127.0.0.1:$port/"
exec .venv/bin/python cli.py serve --db "$db" --data "$data" --port "$port"
