"""``python -m chiapp calibrate``: fit a polymer to your own measurements and save the calibration.

    python -m chiapp calibrate --polymer '*CC(*)c1ccccc1' --observations obs.csv --output cal.json
    python -m chiapp rank --calibration cal.json --temperature-c 25
    python -m chiapp predict --calibration cal.json --solvent toluene --temperature-c 25 60

obs.csv has the columns kind (chi, dissolves, cloud_point, theta), solvent, temperature_c or
temperature_k, value (χ; 1 or 0; the polymer volume fraction; empty for theta) and, for cloud
points, molecular_weight_g_per_mol. Bad rows are listed with their reason and nothing is written.
"""

from __future__ import annotations

import argparse

from chiapp.calibration import DEFAULT_CHI_NOISE, DEFAULT_MARGIN, calibrate
from chiapp.observations import OBSERVATION_COLUMNS

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "calibrate", help="fit a polymer to your measurements (chi, solvent tests, cloud points, theta)",
        description="Calibrate a polymer's latent description with your own observations; the JSON it "
                    "writes is accepted by predict and rank (--calibration).",
        epilog="observation columns: " + "; ".join(f"{k}: {v}" for k, v in OBSERVATION_COLUMNS.items()))
    parser.add_argument("--polymer", required=True, help="library name, abbreviation or repeat-unit SMILES")
    parser.add_argument("--observations", required=True, help="CSV of observations (see below)")
    parser.add_argument("--output", required=True, help="calibration JSON to write")
    parser.add_argument("--chi-noise", type=float, default=DEFAULT_CHI_NOISE,
                        help=f"standard deviation of a χ measurement (default {DEFAULT_CHI_NOISE})")
    parser.add_argument("--margin", type=float, default=DEFAULT_MARGIN,
                        help=f"soft margin of a solvent test in χ (default {DEFAULT_MARGIN})")
    return parser


def run(args) -> int:
    calibrated = calibrate(args.polymer, args.observations, chi_noise=args.chi_noise, margin=args.margin)
    calibrated.save(args.output)
    print(calibrated.summary())
    for message in calibrated.contradictions:
        print(f"contradiction: {message}")
    print(f"wrote {args.output}")
    return 0
