"""``python -m chiapp rank``: solvents for one polymer, best (lowest predicted χ) first.

    python -m chiapp rank --polymer polystyrene --temperature-c 25 --top 20
    python -m chiapp rank --polymer PMMA --temperature-c 20 60 --exclude-class hazardous \\
        --exclude-class "highly hazardous" --min-flash-point-c 23 --output ranking.csv

Over a temperature range each solvent is judged at its worst temperature. --output writes the
whole table (not only --top) as CSV; failures are listed after the table.
"""

from __future__ import annotations

import argparse

import pandas as pd

from chiapp.errors import InputError
from chiapp.library import CHEM21_CLASSES
from chiapp.ranking import rank_solvents
from chiapp.tables import write_csv
from chiapp.units import ZERO_CELSIUS_K, check_temperatures_c

__all__ = ["add_common_filters", "add_parser", "kelvin", "print_failures", "print_table", "run", "solvent_list"]

_MAX_FAILURES_SHOWN = 10


def add_common_filters(parser: argparse.ArgumentParser) -> None:
    """Solvent list and filters shared by ``rank`` and ``select``."""
    group = parser.add_argument_group("solvents")
    group.add_argument("--solvents", nargs="+", action="extend", metavar="SOLVENT",
                       help="names or SMILES, each its own argument (quote names with spaces or commas: "
                            "--solvents toluene 'N,N-dimethylformamide'); default: the whole library")
    group.add_argument("--boiling-point-c", type=float, nargs=2, metavar=("LOW", "HIGH"),
                       help="keep solvents boiling within [LOW, HIGH] °C")
    group.add_argument("--min-flash-point-c", type=float,
                       help="drop solvents with a tabulated flash point below this [°C]")
    group.add_argument("--exclude-class", action="append", default=[], choices=CHEM21_CLASSES,
                       metavar="CLASS", help=f"drop a CHEM21 class (repeatable): {', '.join(CHEM21_CLASSES)}")
    group.add_argument("--in-domain-only", action="store_true", help="drop pairs outside the model's domain")
    parser.add_argument("--top", type=int, default=20, help="rows to print (default 20; 0 prints all)")
    parser.add_argument("--output", help="write the full table to this CSV file")


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "rank", help="rank solvents for a polymer by predicted chi",
        description="Rank solvents for a polymer by predicted Flory-Huggins chi against the critical chi.")
    parser.add_argument("--polymer", help="library name, abbreviation or repeat-unit SMILES")
    parser.add_argument("--calibration", help="calibration JSON from `chiapp calibrate`: rank for the calibrated "
                        "polymer (--polymer may then be left out)")
    parser.add_argument("--temperature-c", type=float, nargs="+", required=True, metavar="T",
                        help="one temperature, or LOW HIGH for a range [°C]")
    parser.add_argument("--molecular-weight", type=float, help="number-average Mn [g/mol] (default: library)")
    add_common_filters(parser)
    return parser


def kelvin(temperatures_c: list[float]) -> float | tuple[float, float]:
    """One temperature or a (low, high) range from --temperature-c values [K]."""
    if len(temperatures_c) not in (1, 2):
        raise InputError(f"--temperature-c takes one value or LOW HIGH, got {len(temperatures_c)} values")
    temperatures_k = check_temperatures_c(temperatures_c)
    if len(temperatures_k) == 1:
        return float(temperatures_k[0])
    return float(temperatures_k[0]), float(temperatures_k[1])


def solvent_list(names: list[str] | None) -> list[str] | None:
    """The --solvents option as a list (None: the whole library)."""
    if names is None:
        return None
    names = [t.strip() for t in names if t.strip()]
    if not names:
        raise InputError("--solvents is empty")
    return names


def print_table(table: pd.DataFrame, columns: dict[str, str], top: int) -> None:
    """Print the first ``top`` rows (all if 0) of the chosen columns, renamed, numbers rounded."""
    shown = table if top <= 0 else table.head(top)
    shown = shown[list(columns)].rename(columns=columns)
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                           "display.max_colwidth", 32, "display.float_format", "{:.3f}".format):
        print(shown.to_string(index=False, na_rep="") if len(shown) else "(none)")


def print_failures(failures: pd.DataFrame) -> None:
    """List the inputs that could not be screened, with the reason (the first few)."""
    if len(failures):
        print(f"\n{len(failures)} not screened:")
        for row in failures.head(_MAX_FAILURES_SHOWN).itertuples(index=False):
            print(f"  {row.input}: {row.reason}")
        if len(failures) > _MAX_FAILURES_SHOWN:
            print(f"  ... and {len(failures) - _MAX_FAILURES_SHOWN} more")


def run(args: argparse.Namespace) -> int:
    from chiapp.cli.predict import calibrated_polymer

    polymer = calibrated_polymer(args.calibration, args.polymer)
    if not polymer:
        raise InputError("give --polymer or --calibration")
    ranking = rank_solvents(
        polymer, kelvin(args.temperature_c), solvents=solvent_list(args.solvents),
        molecular_weight_g_per_mol=args.molecular_weight,
        boiling_point_c=tuple(args.boiling_point_c) if args.boiling_point_c else None,
        min_flash_point_c=args.min_flash_point_c, exclude_classes=tuple(args.exclude_class),
        in_domain_only=args.in_domain_only)
    if args.calibration:
        print(f"calibrated: {polymer.summary()}")
    polymer = ranking.polymer
    temps = ", ".join(f"{t - ZERO_CELSIUS_K:g}" for t in (ranking.temperatures_k[0], ranking.temperatures_k[-1]))
    counts = ranking.table["verdict"].value_counts()
    print(f"{polymer.label} ({polymer.smiles}), Mn = {ranking.molecular_weight_g_per_mol:g} g/mol, "
          f"T = {temps if len(ranking.temperatures_k) > 1 else temps.split(',')[0]} °C: "
          f"{len(ranking.table)} solvents: {counts.get('dissolves', 0)} dissolve, {counts.get('borderline', 0)} "
          f"borderline, {counts.get('does not dissolve', 0)} do not (P(dissolves) >= 0.7 / <= 0.3, "
          "P = Phi((chi_limit - chi)/sigma), chi_limit = chi_c or a crystalline polymer's melting limit)")
    columns = {"name": "solvent", "chi": "chi", "chi_std": "sigma", "chi_limit": "chi_lim",
               "verdict": "verdict", "dissolve_probability": "P", "in_domain": "in domain",
               "boiling_point_c": "bp °C", "flash_point_c": "flash °C", "chem21_class": "CHEM21"}
    if ranking.table["dissolution_temperature_c"].notna().any():
        columns["dissolution_temperature_c"] = "Td °C"
    print_table(ranking.table, columns, args.top)
    print_failures(ranking.failures)
    if args.output:
        write_csv(ranking.table, args.output)
        print(f"\nwrote {len(ranking.table)} rows to {args.output}")
    return 0
