#!/usr/bin/env bash
# Sets up, then runs the main job on the samples into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python cli.py demo -o out
