"""The command line: ``python -m chiapp <command> ...``; one module per command.

Each command module has ``add_parser(subparsers)`` and ``run(args) -> int``. A ChiAppError is the
user's mistake and is printed as one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from chiapp.errors import ChiAppError

__all__ = ["main"]

_COMMANDS = ("predict", "phase", "rank", "select", "screen", "app")
#: BLAS threads per process unless the environment says otherwise: the model's products are
#: small, and a second thread made them 2.5-2.7 times slower whenever another process was busy
#: on the cores (issue 19). Set before numpy is first imported.
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m chiapp",
        description="Predict polymer-solvent Flory-Huggins chi(T), phase diagrams and solvent rankings.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"chiapp.cli.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"chiapp.cli.{name}":
                raise
            continue  # a command whose module is not written yet is simply not offered
        module.add_parser(subparsers)
        subparsers.choices[name].set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    for name in _THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except ChiAppError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
