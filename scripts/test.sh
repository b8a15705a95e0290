#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine (Chromium for the browser test, the
# Python packages), then runs the whole suite. Safe to run again: installed parts are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
python3 -m pytest "$@"
