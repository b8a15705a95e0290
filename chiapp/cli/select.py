"""``python -m chiapp select``: solvents that dissolve one polymer and none of the others.

    python -m chiapp select --target PS --others PE PP PET --temperature-c 20 160
    python -m chiapp select --target PVC --others PE PET --temperature-c 20 140 --n-temperatures 50 \\
        --exclude-class "highly hazardous" --output selective.csv

For each selective solvent: the temperature window(s), the margin (smallest distance to a phase
boundary inside the best window) with its σ (the answer's, and, where the limit is χc and no M_n was
given, the grade's unknown chain length: ``chiapp.selection.grade_chi_std``), the precipitation temperature on
cooling, and the safety class; then the antisolvents for the target. --output writes the full
selective-solvent table as CSV.
"""

from __future__ import annotations

import argparse

import numpy as np

from chiapp.cli.rank import add_common_filters, print_failures, print_table, solvent_list
from chiapp.errors import InputError
from chiapp.selection import select_solvents
from chiapp.tables import write_csv
from chiapp.units import check_temperatures_c, kelvin

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "select", help="selective dissolution: solvents for one polymer of a mixture",
        description="Solvents and temperature windows that dissolve the target polymer but none of the others "
                    "(solvent-targeted dissolution and precipitation).")
    parser.add_argument("--target", help="the polymer to dissolve (name or repeat-unit SMILES)")
    parser.add_argument("--calibration", help="calibration JSON from `chiapp calibrate`: the target, calibrated "
                        "(--target may then be left out)")
    parser.add_argument("--others", required=True, nargs="+", action="extend", metavar="POLYMER",
                        help="polymers that must stay undissolved, each its own argument "
                             "(quote names with commas: 'cis-1,4-polyisoprene')")
    parser.add_argument("--temperature-c", type=float, nargs=2, required=True, metavar=("LOW", "HIGH"),
                        help="temperature window [°C]")
    parser.add_argument("--n-temperatures", type=int, default=50, help="grid points (default 50)")
    parser.add_argument("--antisolvents", type=int, default=5, help="antisolvents to print (default 5)")
    parser.add_argument("--allow-above-boiling", action="store_true",
                        help="let windows pass a solvent's boiling point (a step under pressure)")
    add_common_filters(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    low, high = args.temperature_c
    check_temperatures_c([low, high])
    if not low < high:
        raise InputError(f"--temperature-c needs LOW < HIGH, got {low:g} {high:g}")
    if not 1 <= args.n_temperatures <= 10_000:
        raise InputError(f"--n-temperatures must be between 1 and 10000, got {args.n_temperatures}")
    others = [o.strip() for o in args.others if o.strip()]
    from chiapp.cli.predict import calibrated_polymer

    target = calibrated_polymer(args.calibration, args.target)
    if not target:
        raise InputError("give --target or --calibration")
    selection = select_solvents(
        target, others, kelvin(np.linspace(low, high, args.n_temperatures)),
        solvents=solvent_list(args.solvents),
        boiling_point_c=tuple(args.boiling_point_c) if args.boiling_point_c else None,
        min_flash_point_c=args.min_flash_point_c, exclude_classes=tuple(args.exclude_class),
        in_domain_only=args.in_domain_only, allow_above_boiling=args.allow_above_boiling)
    names = ", ".join(m.label for m in selection.others)
    print(f"dissolve {selection.target.label}, not {names}, {low:g}-{high:g} °C: "
          f"{len(selection.table)} of {selection.n_screened} solvents are selective somewhere in the window "
          "(target 'dissolves', every other 'does not dissolve', the solvent liquid)")
    print_table(selection.table, {"name": "solvent", "windows": "window(s)", "operating_temperature_c": "best °C",
                                  "margin": "margin", "margin_std": "sigma", "confidence": "margin/sigma",
                                  "nearest": "nearest", "precipitation_temperature_c": "precip. °C",
                                  "in_domain": "in domain", "chem21_class": "CHEM21",
                                  "boiling_point_c": "bp °C", "needs_pressure": "pressure", "reason": "target"},
                args.top)
    if args.antisolvents:
        print(f"\nantisolvents for {selection.target.label} at {low:g} °C "
              "(the target 'does not dissolve' in them):")
        print_table(selection.antisolvents, {"name": "solvent", "chi": "chi", "chi_std": "sigma",
                                             "chi_limit": "chi_lim", "dissolve_probability": "P",
                                             "chem21_class": "CHEM21",
                                             "boiling_point_c": "bp °C"}, args.antisolvents)
    print_failures(selection.failures)
    if args.output:
        write_csv(selection.table, args.output)
        print(f"\nwrote {len(selection.table)} rows to {args.output}")
    return 0
