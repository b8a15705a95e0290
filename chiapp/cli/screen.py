"""``python -m chiapp screen``: polymers × solvents × temperatures of catalogues, to Parquet.

    python -m chiapp screen --solvents catalogue.txt --temperature-c 25 60 100 --top 20 \\
        --output screen.parquet
    python -m chiapp screen --polymers stream.txt --solvents catalogue.txt --temperature-c 25 \\
        --verdict dissolves --exclude-class "highly hazardous" --engine dask --scheduler tcp://10.0.0.5:8786 \\
        --output screen.parquet

Files hold one name or SMILES per line; without one, the library is used. Inputs that cannot be
screened go to ``<output>.failures.csv``; an interrupted screen resumes when run again with the
same arguments.
"""

from __future__ import annotations

import argparse

from chiapp.errors import InputError
from chiapp.library import CHEM21_CLASSES
from chiapp.screening.screen import POLYMER_BLOCK, SOLVENT_BLOCK, VERDICTS, screen
from chiapp.units import ZERO_CELSIUS_K

__all__ = ["add_parser", "run"]




def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "screen", help="screen catalogues of polymers x solvents x temperatures to Parquet",
        description="Screen every polymer with every solvent at every temperature; write the best solvents "
                    "per polymer and temperature (or every pair) to a Parquet file.")
    parser.add_argument("--polymers", metavar="FILE", help="polymer names or repeat-unit SMILES, one per line "
                        "(default: the polymer library)")
    parser.add_argument("--solvents", metavar="FILE", help="solvent names or SMILES, one per line "
                        "(default: the solvent library)")
    parser.add_argument("--temperature-c", type=float, nargs="+", required=True, metavar="T",
                        help="temperatures [°C]")
    parser.add_argument("--top", type=int, default=20,
                        help="best solvents (lowest chi) kept per polymer and temperature (default 20; 0: every pair)")
    parser.add_argument("--verdict", action="append", choices=VERDICTS, default=[],
                        help="keep only pairs with this verdict (repeatable; default: all)")
    parser.add_argument("--in-domain-only", action="store_true", help="keep only pairs inside the model's domain")
    parser.add_argument("--exclude-class", action="append", default=[], choices=CHEM21_CLASSES, metavar="CLASS",
                        help=f"drop solvents of a CHEM21 class (repeatable): {', '.join(CHEM21_CLASSES)}")
    parser.add_argument("--output", required=True, metavar="FILE.parquet", help="the Parquet file to write")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="run in this process (default) or on a Dask cluster")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address, e.g. tcp://host:8786 (default: a local cluster)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the local Dask cluster (default 2)")
    parser.add_argument("--polymer-block", type=int, default=POLYMER_BLOCK, help=argparse.SUPPRESS)
    parser.add_argument("--solvent-block", type=int, default=SOLVENT_BLOCK, help=argparse.SUPPRESS)
    parser.add_argument("--restart", action="store_true", help="ignore the chunks of an interrupted run")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.top < 0:
        raise InputError(f"--top must be >= 0, got {args.top}")
    if args.scheduler and args.engine != "dask":
        raise InputError("--scheduler needs --engine dask")
    result = screen(
        args.polymers, args.solvents, [t + ZERO_CELSIUS_K for t in args.temperature_c], output=args.output,
        top=args.top or None, verdicts=tuple(args.verdict) or VERDICTS, in_domain_only=args.in_domain_only,
        exclude_classes=tuple(args.exclude_class), engine=args.engine, scheduler=args.scheduler,
        n_workers=args.workers, polymer_block=args.polymer_block, solvent_block=args.solvent_block,
        resume=not args.restart, progress=not args.quiet)
    print(f"screened {result.n_polymers} polymers x {result.n_solvents} solvents x {result.n_temperatures} "
          f"temperatures = {result.n_pair_temperatures:,} pair-temperatures; wrote {result.n_rows:,} rows to "
          f"{result.output}")
    if result.n_chunks_skipped:
        print(f"resumed: {result.n_chunks_skipped} of {result.n_chunks} chunks were already done")
    if result.n_filtered_out:
        print(f"{result.n_filtered_out} solvents removed by --exclude-class")
    if result.n_failures:
        print(f"{result.n_failures} inputs could not be screened; reasons in {result.failures}")
    return 0
