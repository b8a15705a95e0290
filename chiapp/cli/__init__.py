"""The command line: ``python -m chiapp <command> ...``; one module per command.

Each command module has ``add_parser(subparsers)`` and ``run(args) -> int``. A ChiAppError is the
user's mistake and is printed as one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from chiapp._version import __version__
from chiapp.errors import ChiAppError

__all__ = ["COMMANDS", "main"]

#: Every command and its one-line help. Only the command asked for is imported (its module loads
#: RDKit, pandas and the model), so ``chiapp --help`` stays instant.
COMMANDS = {
    "predict": "predict chi(T), P(dissolves) and the verdict for a pair or a CSV of pairs",
    "phase": "phase diagram (binodal, spinodal, UCST/LCST) from chi(T) = a + b/T + c/T^2",
    "rank": "rank solvents for a polymer by P(dissolves)",
    "select": "selective dissolution: solvents for one polymer of a mixture",
    "plan": "separation sequence: dissolve 2-6 plastics one at a time",
    "ternary": "ternary diagram and antisolvent dose (polymer / solvent / antisolvent)",
    "blend": "chi in a solvent blend, or find two-solvent blends that dissolve a polymer",
    "compat": "polymer-polymer compatibility and compatibilizer ideas",
    "report": "write a self-contained HTML report of a pair",
    "calibrate": "fit a polymer to your own measurements (chi, solvent tests, cloud points, theta)",
    "screen": "screen polymers x solvents x temperatures in chunks (Parquet, resumable, Dask)",
    "qc": "chi(T) of a pair from quantum chemistry (MOPAC COSMO + COSMO-SAC)",
    "app": "serve the app in the browser",
}
#: BLAS threads per process unless the environment says otherwise: the model's products are
#: small, and a second thread made them 2.5-2.7 times slower whenever another process was busy
#: on the cores (issue 19). Set before numpy is first imported.
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _parser(command: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chiapp",
        description="Predict polymer-solvent Flory-Huggins chi(T), phase diagrams and solvent rankings.")
    parser.add_argument("--version", action="version", version=f"chiapp {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in COMMANDS.items():
        if name != command:
            subparsers.add_parser(name, help=text)
            continue
        module = importlib.import_module(f"chiapp.cli.{name}")
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
    for name in _THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in argv if a in COMMANDS), None)
    args = _parser(command).parse_args([_shielded(a) for a in argv])
    try:
        return args.run(args)
    except ChiAppError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
