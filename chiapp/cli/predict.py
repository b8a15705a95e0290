"""``python -m chiapp predict``: χ of one pair at some temperatures, or of every row of a CSV.

    python -m chiapp predict --polymer '*CC(*)c1ccccc1' --solvent toluene --temperature-c 25 60 100
    python -m chiapp predict --input pairs.csv --output predictions.csv

The CSV has columns ``polymer``, ``solvent`` and ``temperature_k`` or ``temperature_c``. The output
is the input rows in order plus chi, chi_std, soluble_probability, in_domain and error; a bad row
gets its reason in ``error`` and an empty chi. The exit code is non-zero only when the file itself
cannot be used.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from chiapp.crystallinity import dissolution_limit
from chiapp.errors import DataFileError, InputError
from chiapp.prediction import predict_batch, predict_chi

__all__ = ["add_parser", "run", "read_pairs"]

_ZERO_CELSIUS_K = 273.15
_PROGRESS_MIN_ROWS = 500


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "predict", help="predict chi(T) for a pair or a CSV of pairs",
        description="Predict the Flory-Huggins chi of polymer-solvent pairs with the shipped ensemble.")
    parser.add_argument("--polymer", help="library name, abbreviation or repeat-unit SMILES with two '*'")
    parser.add_argument("--solvent", help="library name, CAS number or SMILES")
    parser.add_argument("--temperature-c", type=float, nargs="+", metavar="T", help="temperatures [°C]")
    parser.add_argument("--input", help="CSV with columns polymer, solvent, temperature_k or temperature_c")
    parser.add_argument("--output", help="write the results to this CSV file")
    return parser


def read_pairs(source) -> pd.DataFrame:
    """The pairs of a CSV file or buffer, with ``temperature_k``; DataFileError when unusable."""
    try:
        frame = pd.read_csv(source, dtype={"polymer": str, "solvent": str}, keep_default_na=False,
                            na_values={"temperature_k": [""], "temperature_c": [""]})
    except FileNotFoundError:
        raise DataFileError(f"no such file: {source}") from None
    except pd.errors.EmptyDataError:
        raise DataFileError("the file is empty; expected a header polymer,solvent,temperature_k") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        raise DataFileError(f"not a readable CSV file: {str(err).splitlines()[0]}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if "temperature_k" not in frame.columns and "temperature_c" in frame.columns:
        celsius = pd.to_numeric(frame["temperature_c"], errors="coerce")
        frame["temperature_k"] = celsius + _ZERO_CELSIUS_K
        # keep the unreadable text so the row's error names it
        frame.loc[celsius.isna(), "temperature_k"] = None
    missing = [c for c in ("polymer", "solvent") if c not in frame.columns]
    if missing or "temperature_k" not in frame.columns:
        absent = missing + ([] if "temperature_k" in frame.columns else ["temperature_k or temperature_c"])
        raise DataFileError(f"missing column(s): {', '.join(absent)}; found {', '.join(frame.columns)}")
    if frame.empty:
        raise DataFileError("the file has a header but no rows")
    return frame


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
        frame = read_pairs(args.input)
        result = predict_batch(frame, progress=_progress_bar(len(frame)))
        n_bad = int((result["error"] != "").sum())
        if args.output:
            result.to_csv(args.output, index=False)
            print(f"wrote {len(result)} rows to {args.output} ({n_bad} with an error)")
        else:
            print(result.to_string(index=False))
        return 0
    if not (args.polymer and args.solvent and args.temperature_c):
        raise InputError("give --polymer, --solvent and --temperature-c, or --input FILE.csv")
    prediction = predict_chi(args.polymer, args.solvent, [t + _ZERO_CELSIUS_K for t in args.temperature_c])
    table = prediction.to_frame()[["temperature_c", "chi", "chi_std"]]
    print(f"polymer  {prediction.polymer_name or ''} {prediction.polymer}")
    print(f"solvent  {prediction.solvent_name or ''} {prediction.solvent}")
    print(f"chi(T) = {prediction.a:.3f} + {prediction.b_k:.1f} K / T    "
          f"soluble probability {prediction.soluble_probability:.2f}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    limit = dissolution_limit(args.polymer, args.solvent, prediction.temperatures_k)
    if limit.is_crystalline:
        print(f"crystalline ({limit.data.grade or limit.data.polymer}, melts at {limit.data.melting_point_c:.0f} °C): "
              f"{limit.reason}")
    if prediction.in_domain:
        print("in domain: the pair resembles the training data")
    else:
        print("OUT OF DOMAIN: " + "; ".join(prediction.domain_notes))
    if args.output:
        prediction.to_frame().to_csv(args.output, index=False)
    return 0
