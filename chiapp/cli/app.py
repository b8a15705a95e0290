"""``chiapp app``: serve the app (installed with ``pip install "chiapp[app]"``) in the browser.

    chiapp app                      # http://127.0.0.1:8501, this machine only
    chiapp app --port 8600
    chiapp app --address 0.0.0.0    # on purpose: every interface, for colleagues on the network

The server settings live in ``.streamlit/config.toml`` beside ``app.py``: Streamlit reads them from
the folder it is started in, so this command starts it there.
"""

from __future__ import annotations

import argparse
import os
import sys

from chiapp.resources import webapp_path

__all__ = ["add_parser", "run", "streamlit_command"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("app", help="serve the app in the browser",
                                   description="Serve the chiapp web app (needs the [app] extra).")
    parser.add_argument("--port", type=int, help="port (default 8501)")
    parser.add_argument("--address", help="address to listen on (default 127.0.0.1: this machine only)")
    return parser


def streamlit_command(port: int | None = None, address: str | None = None) -> list[str]:
    """The ``streamlit run`` command line, to be run in ``webapp_path()``."""
    command = [sys.executable, "-m", "streamlit", "run", str(webapp_path("app.py"))]
    if port is not None:
        command += ["--server.port", str(port)]
    if address is not None:
        command += ["--server.address", address]
    return command


def run(args) -> int:
    command = streamlit_command(args.port, args.address)
    os.chdir(webapp_path())
    print(f"chiapp: serving on http://{args.address or '127.0.0.1'}:{args.port or 8501} (Ctrl+C stops it)",
          file=sys.stderr, flush=True)
    os.execv(sys.executable, command)
    return 0  # not reached
