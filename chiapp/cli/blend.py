"""``python -m chiapp blend``: χ of a polymer in given solvent blends, or the best two-solvent blends.

    python -m chiapp blend --polymer PMMA --temperature-c 25 --only-nonsolvents --top 10
    python -m chiapp blend --polymer PMMA --temperature-c 20 --blend 1-butanol:0.7+acetonitrile:0.3
    python -m chiapp blend --polymer PMMA --temperature-c 20 --component 1-butanol 0.7 --component acetonitrile 0.3

Without --blend/--component it runs the finder (chiapp.blends.find_blends): for every pair of
library solvents, the composition range (volume fraction of solvent 1) where the blend dissolves the
polymer (chi < chi_c), ranked by margin - sigma. --blend takes the text form NAME:FRACTION+NAME:FRACTION
(repeatable: one blend each); --component NAME FRACTION (repeatable) builds one blend, for names
that hold a '+' or ':'.
"""

from __future__ import annotations

import argparse
import math

from chiapp.blends import find_blends, predict_blend_chi
from chiapp.cli.rank import print_table
from chiapp.errors import InputError
from chiapp.units import check_temperatures_c

__all__ = ["add_parser", "run"]

def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "blend", help="chi in a solvent blend, or find two-solvent blends that dissolve a polymer",
        description="Predict chi of a polymer in solvent blends, or find the best two-solvent blends of the library.")
    parser.add_argument("--polymer", required=True, help="library name, abbreviation or repeat-unit SMILES")
    parser.add_argument("--temperature-c", type=float, required=True, metavar="T", help="temperature [°C]")
    parser.add_argument("--blend", action="append", default=[], metavar="TEXT",
                        help="a blend as NAME:FRACTION+NAME:FRACTION (volume fractions; repeatable)")
    parser.add_argument("--component", action="append", nargs=2, default=[], metavar=("NAME", "FRACTION"),
                        help="one solvent of a single blend and its volume fraction (repeatable)")
    parser.add_argument("--only-recommended", action="store_true", help="finder: CHEM21 'recommended' solvents only")
    parser.add_argument("--only-nonsolvents", action="store_true",
                        help="finder: only solvents that do not dissolve the polymer alone (cosolvency)")
    parser.add_argument("--molecular-weight", type=float, help="number-average Mn [g/mol] (default: library)")
    parser.add_argument("--top", type=int, default=20, help="finder rows (default 20; 0: all)")
    parser.add_argument("--output", help="write the finder's table to this CSV file")
    return parser


def _given_blends(args) -> list:
    blends: list = list(args.blend)
    if args.component:
        mapping: dict[str, str] = {}
        for name, fraction in args.component:
            if name.strip() in mapping:
                raise InputError(f"--component {name!r} is given twice; give each solvent once")
            mapping[name.strip()] = fraction
        blends.append(mapping)
    return blends


def run(args: argparse.Namespace) -> int:
    temperature_k = float(check_temperatures_c(args.temperature_c)[0])
    blends = _given_blends(args)
    if blends:
        for blend in blends:
            p = predict_blend_chi(args.polymer, blend, temperature_k)
            assert p.blend is not None  # predict_blend_chi answers a blend
            low, high = p.blend.boiling_range_c
            print(f"{p.polymer_label} in {p.blend.text} at {args.temperature_c:g} °C: {p.verdict} "
                  f"(P = {p.dissolve_probability[0]:.2f}; chi = {p.chi[0]:.3f} ± {p.chi_std[0]:.3f} against "
                  f"chi_lim {p.chi_limit[0]:.3f}; chi = {p.a:.3f} + {p.b_k:.1f}/T)")
            for c in p.components:
                print(f"  {c.name:<30} fraction {c.fraction:.3f}   chi alone {c.chi[0]:.3f} ± {c.chi_std[0]:.3f}")
            boiling = "unknown" if math.isnan(low) else f"{low:g}-{high:g} °C"
            print(f"  blend molar volume {p.blend.molar_volume_cm3_per_mol:.1f} cm3/mol, boiling {boiling}, "
                  f"CHEM21 class {p.blend.chem21_class or 'unknown'}, in domain: {'yes' if p.in_domain else 'no'}")
            for note in p.domain_notes:
                print(f"  note: {note}")
        return 0
    if args.molecular_weight is not None and args.molecular_weight <= 0:
        raise InputError(f"--molecular-weight must be > 0, got {args.molecular_weight:g}")
    table = find_blends(args.polymer, temperature_k, only_recommended=args.only_recommended,
                        only_nonsolvents=args.only_nonsolvents, top=0 if args.output else args.top,
                        molecular_weight_g_per_mol=args.molecular_weight)
    print(f"two-solvent blends dissolving {args.polymer} at {args.temperature_c:g} °C "
          f"(verdict 'dissolves'; fraction = volume fraction of solvent 1; most likely first): {len(table)} found")
    print_table(table, {"solvent_1": "solvent 1", "solvent_2": "solvent 2", "fraction_1": "best f1",
                        "fraction_1_low": "f1 from", "fraction_1_high": "f1 to", "chi": "chi", "chi_std": "sigma",
                        "chi_limit": "chi_lim", "dissolve_probability": "P", "verdict_1": "solvent 1 alone",
                        "verdict_2": "solvent 2 alone", "chem21_class": "CHEM21"}, args.top)
    if args.output:
        table.to_csv(args.output, index=False)
        print(f"\nwrote {len(table)} rows to {args.output}")
    return 0
