"""``python -m chiapp plan``: a dissolution sequence that takes a mixture of plastics apart.

    python -m chiapp plan --polymers PS --polymers PE --polymers PP --temperature-c 20 140
    python -m chiapp plan --polymers PS --polymers LDPE --polymers iPP --polymers PET --polymers PA6 \\
        --temperature-c 20 200 --chem21-only --output plan.csv

--polymers is repeated (one plastic per flag, so names with commas work). Each step: the solvent,
its temperature window, the plastic it dissolves, how that plastic is recovered (cooling below its
precipitation temperature, or an antisolvent); then the next-best solvents per step.
"""

from __future__ import annotations

import argparse

import numpy as np

from chiapp.cli.rank import add_common_filters, print_table, solvent_list
from chiapp.errors import InputError
from chiapp.separation import plan_separation
from chiapp.units import ZERO_CELSIUS_K

__all__ = ["add_parser", "run"]




def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "plan", help="separation sequence: dissolve 2-6 plastics one at a time",
        description="Plan a solvent-targeted dissolution and precipitation sequence for a mixture of plastics.")
    parser.add_argument("--polymers", action="append", required=True, metavar="POLYMER",
                        help="one plastic (name, grade such as LDPE or iPP, or repeat-unit SMILES); repeat 2-6 times")
    parser.add_argument("--temperature-c", type=float, nargs=2, required=True, metavar=("LOW", "HIGH"),
                        help="temperature range [°C]")
    parser.add_argument("--n-temperatures", type=int, default=73, help="grid points (default 73)")
    parser.add_argument("--allow-above-boiling", action="store_true",
                        help="allow windows above a solvent's boiling point (a step under pressure)")
    parser.add_argument("--chem21-only", action="store_true",
                        help="only solvents with a CHEM21 class (the common process solvents)")
    parser.add_argument("--alternatives", type=int, default=3, help="next-best solvents per step (default 3)")
    add_common_filters(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    low, high = args.temperature_c
    if not low < high:
        raise InputError(f"--temperature-c needs LOW < HIGH, got {low:g} {high:g}")
    if not 2 <= args.n_temperatures <= 10_000:
        raise InputError(f"--n-temperatures must be between 2 and 10000, got {args.n_temperatures}")
    if args.boiling_point_c:
        raise InputError("plan clips every window to the solvent's liquid range itself; drop --boiling-point-c")
    plan = plan_separation(
        args.polymers, np.linspace(low, high, args.n_temperatures) + ZERO_CELSIUS_K,
        solvents=solvent_list(args.solvents), min_flash_point_c=args.min_flash_point_c,
        exclude_classes=tuple(args.exclude_class), in_domain_only=args.in_domain_only,
        allow_above_boiling=args.allow_above_boiling, chem21_only=args.chem21_only,
        n_alternatives=max(args.alternatives, 0))
    print(plan.describe())
    print()
    print_table(plan.steps, {"step": "step", "dissolves": "dissolves", "solvent": "solvent", "window_low_c": "from °C",
                             "window_high_c": "to °C", "operating_temperature_c": "run at °C", "nearest": "nearest",
                             "margin": "margin", "margin_std": "sigma", "confidence": "sigmas", "margin_k": "K",
                             "chem21_class": "CHEM21", "boiling_point_c": "bp °C", "needs_pressure": "pressure"},
                args.top)
    if not plan.series.empty:
        print("\nthe best one-solvent series and the best mixed series, side by side:")
        print_table(plan.series, {"series": "series", "step": "step", "dissolves": "dissolves", "solvent": "solvent",
                                  "operating_temperature_c": "run at °C", "confidence": "sigmas", "margin_k": "K",
                                  "chem21_class": "CHEM21", "boiling_point_c": "bp °C"}, 0)
    if args.alternatives > 0 and not plan.alternatives.empty:
        print("\nnext-best solvents per step:")
        print_table(plan.alternatives, {"step": "step", "dissolves": "dissolves", "solvent": "solvent",
                                        "windows": "window(s)", "margin": "margin", "margin_std": "sigma",
                                        "chem21_class": "CHEM21", "boiling_point_c": "bp °C"}, 0)
    if args.output:
        plan.to_frame().to_csv(args.output, index=False)
        print(f"\nwrote {len(plan.steps)} steps to {args.output}")
    return 0
