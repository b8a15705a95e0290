"""The command line: ``python -m chiapp <command> ...``; one module per command.

Each command module has ``add_parser(subparsers)`` and ``run(args) -> int``. A ChiAppError is the
user's mistake and is printed as one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from chiapp.errors import ChiAppError

__all__ = ["main"]

_COMMANDS = ("predict", "phase", "rank", "select", "calibrate", "app")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chiapp",
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


def _shielded(argument: str) -> str:
    """A negative number (-1e7, -inf) that argparse would take for an option, made a plain value.

    argparse reads only plain negative numbers such as -5 or -0.5 as values; a leading space makes
    any other one a value too, and float() ignores the space.
    """
    if argument.startswith("-") and argument[1:2] not in ("-", ""):
        try:
            float(argument)
        except ValueError:
            return argument
        return " " + argument
    return argument


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args([_shielded(a) for a in argv])
    try:
        return args.run(args)
    except ChiAppError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
