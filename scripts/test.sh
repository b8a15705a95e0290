#!/usr/bin/env bash
# Install what the tests need on a fresh Debian machine (Chromium for the browser test, a virtual
# environment in .venv with every extra), check the code with ruff and mypy, then run the whole
# suite; pytest options pass through (bash scripts/test.sh -x -q tests/unit). Safe to run again:
# installed parts are skipped. Installing Chromium needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "chiapp: installing Debian's chromium for the browser test" >&2
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
source scripts/venv.sh
ensure_venv ".[app,screen,train,dev]"
echo "chiapp: ruff and mypy" >&2
.venv/bin/python -m ruff check chiapp tests benchmarks training app.py
.venv/bin/python -m mypy
.venv/bin/python -m pytest "$@"
