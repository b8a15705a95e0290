"""``python -m chiapp predict``: χ of one pair at some temperatures, or of every row of a CSV.

    python -m chiapp predict --polymer '*CC(*)c1ccccc1' --solvent toluene --temperature-c 25 60 100
    python -m chiapp predict --input pairs.csv --output predictions.csv

The CSV has columns ``polymer``, ``solvent`` and ``temperature_k`` or ``temperature_c``. The output
is the input rows in order plus chi, chi_std, dissolve_probability, verdict, in_domain, the raw
ensemble's chi and the classifier's probability, and error; a bad row
gets its reason in ``error`` and an empty chi. The exit code is non-zero only when the file itself
cannot be used.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from chiapp.errors import InputError
from chiapp.explanation import component_evidence
from chiapp.prediction import predict_batch, predict_chi
from chiapp.tables import read_pairs_csv, write_csv
from chiapp.units import check_temperatures_c

__all__ = ["add_parser", "run"]

_PROGRESS_MIN_ROWS = 500


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "predict", help="predict chi(T) for a pair or a CSV of pairs",
        description="Predict the Flory-Huggins chi of polymer-solvent pairs with the shipped ensemble.")
    parser.add_argument("--polymer", help="library name, abbreviation or repeat-unit SMILES with two '*'")
    parser.add_argument("--solvent", help="library name, CAS number or SMILES")
    parser.add_argument("--temperature-c", type=float, nargs="+", metavar="T", help="temperatures [°C]")
    parser.add_argument("--input", help="CSV with columns polymer, solvent, temperature_k or temperature_c")
    parser.add_argument("--calibration", help="calibration JSON from `chiapp calibrate`: its polymer is used "
                        "(--polymer may then be left out)")
    parser.add_argument("--output", help="write the results to this CSV file")
    return parser


def calibrated_polymer(calibration: str | None, polymer: str | None):
    """The polymer to use: a --calibration file's CalibratedPolymer (which must be --polymer's, if
    given), else --polymer."""
    if not calibration:
        return polymer
    from chiapp.calibration import load_calibration
    from chiapp.chemistry import canonical_polymer
    from chiapp.library import resolve_polymer

    calibrated = load_calibration(calibration)
    if polymer and canonical_polymer(resolve_polymer(polymer).smiles) != canonical_polymer(calibrated.polymer):
        raise InputError(f"--polymer {polymer!r} is not the calibrated polymer "
                         f"{calibrated.polymer_name or calibrated.polymer!r} of {calibration}")
    return calibrated


def _progress_bar(n_rows: int):
    if n_rows < _PROGRESS_MIN_ROWS:
        return None
    from tqdm import tqdm

    bar = tqdm(total=1, file=sys.stderr, unit="step", desc="predicting", leave=False)

    def report(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()
    return report


def run(args) -> int:
    if args.input:
        frame = read_pairs_csv(args.input)
        calibrated = calibrated_polymer(args.calibration, args.polymer) if args.calibration else None
        result = predict_batch(frame, progress=_progress_bar(len(frame)), calibrated=calibrated)
        n_bad = int((result["error"] != "").sum())
        if args.output:
            write_csv(result, args.output)
            print(f"wrote {len(result)} rows to {args.output} ({n_bad} with an error)")
        else:
            print(result.to_string(index=False))
        return 0
    polymer = calibrated_polymer(args.calibration, args.polymer)
    if not (polymer and args.solvent and args.temperature_c):
        raise InputError("give --polymer (or --calibration), --solvent and --temperature-c, or --input FILE.csv")
    prediction = predict_chi(polymer, args.solvent, check_temperatures_c(args.temperature_c))
    table = prediction.to_frame()[["temperature_c", "chi", "chi_std", "dissolve_probability", "verdict"]]
    print(f"polymer  {prediction.polymer_name or ''} {prediction.polymer}")
    if args.calibration:
        print(f"calibrated: {polymer.summary()}")
    print(f"solvent  {prediction.solvent_name or ''} {prediction.solvent}")
    print(f"chi(T) = {prediction.a:.3f} + {prediction.b_k:.1f} K / T (posterior); chain length N = "
          f"{prediction.chain_length:,.0f}, chi_c = {prediction.chi_critical:.3f}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    evidence = prediction.evidence
    if len(evidence.chis):
        print(f"measured chi of this pair used: {len(evidence.chis)} points ({evidence.chi_source})")
        if prediction.laboratory_band:
            half_width = 2 * float(np.median(prediction.laboratory_std))
            print(f"another laboratory's chi: within ± {half_width:.2f} at 2 sigma "
                  "(laboratories disagree by more than chi_std, the uncertainty of their consensus)")
    if evidence.label_text:
        print(f"Polymer Handbook: {evidence.label_text} ({evidence.label_source})")
    for fact in evidence.dissolution_facts:
        print(f"literature: {fact.sentence()} ({fact.source})")
    for line in component_evidence(prediction):
        print(line)
    if prediction.crystalline is not None and prediction.crystalline.data is not None:
        data = prediction.crystalline.data
        print(f"crystalline ({data.grade or data.polymer}, melts at {data.melting_point_c:.0f} °C): "
              f"{prediction.crystalline.reason}")
    if prediction.in_domain:
        print("in domain: the pair resembles the training data")
    else:
        print(f"OUT OF DOMAIN, the answer leans on the prior ({prediction.prior}): "
              + "; ".join(prediction.domain_notes))
    if prediction.chemistry_caveat:
        print(prediction.chemistry_caveat)
    if args.output:
        write_csv(prediction.to_frame(), args.output)
    return 0
