#!/usr/bin/env bash
# Install what the tests need on a fresh Debian machine (Chromium for the browser test, a virtual
# environment in .venv with every extra), check the code with ruff and mypy, then run the whole
# suite; pytest options pass through (bash scripts/test.sh -x -q tests/unit). Safe to run again:
# installed parts are skipped. Installing the Debian packages needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages: Chromium for the browser test, MOPAC for the quantum-chemistry tests, strace for
# the offline test (each installed only when missing)
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v mopac >/dev/null 2>&1 || missing="$missing mopac"
command -v strace >/dev/null 2>&1 || missing="$missing strace"
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "chiapp: installing Debian's$missing" >&2
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq $missing >/dev/null
fi
source scripts/venv.sh
ensure_venv requirements
echo "chiapp: ruff and mypy" >&2
.venv/bin/python -m ruff check chiapp tests benchmarks training app.py pages setup.py
.venv/bin/python -m mypy
.venv/bin/python -m pytest "$@"
