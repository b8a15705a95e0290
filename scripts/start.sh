#!/usr/bin/env bash
# Serve the app on http://127.0.0.1:8501 (this machine only). The first run creates a virtual
# environment in .venv and installs chiapp with its app extra there (a few minutes, with progress);
# later runs start in seconds. Options go to `chiapp app`:
#   bash scripts/start.sh --port 8600          another port
#   bash scripts/start.sh --address 0.0.0.0    share it on your network, on purpose
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv ".[app]"
exec .venv/bin/chiapp app "$@"
