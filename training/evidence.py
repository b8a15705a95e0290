"""Build the compact evidence tables the app conditions its answers on: ``python -m training.evidence``.

Writes ``assets/evidence/measured_chi.csv`` (every experimental χ of data_Chi.csv: polymer
repeat unit, solvent SMILES, temperature, χ, and the reference numbers of the laboratory that
measured it in Orwoll & Arnold's Table 14.1, ``training.sources``) and ``handbook_labels.csv`` (the PolySol good /
non-solvent labels after the repeat-unit conversion of ``training.polysol``), each row with its
lookup key (``chiapp.evidence.pair_key``). Both sources are MIT
licensed; their notices are in ``assets/evidence/README.md``. The tables are derived
(canonical SMILES, kelvin, one row per observation), never the raw files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chiapp.evidence import pair_key
from training.data import DEFAULT_DATA_DIR, load_training_data
from training.sources import sources

OUT_DIR = Path(__file__).resolve().parents[1] / "assets" / "evidence"


def build(data_dir: Path = DEFAULT_DATA_DIR, out_dir: Path = OUT_DIR) -> tuple[int, int]:
    data = load_training_data(data_dir)
    measured = data.experimental[["polymer", "solvent", "temperature_k", "chi"]].assign(
        reference=sources(data.experimental))  # the laboratory: reference numbers of Orwoll & Arnold's table
    measured = measured.sort_values(["polymer", "solvent", "temperature_k", "chi", "reference"]).reset_index(drop=True)
    measured["temperature_k"] = measured["temperature_k"].round(2)
    measured["source"] = "Aoki et al. 2023 (MTL_ChiParameter data_Chi.csv)"
    labels = (data.soluble[["polymer", "solvent", "soluble"]].drop_duplicates()
              .sort_values(["polymer", "solvent", "soluble"]).reset_index(drop=True))
    labels["source"] = "PolySol (Stubbs et al. 2025), from the Polymer Handbook"
    for table in (measured, labels):  # the lookup keys, so the app does not canonicalize them at start
        keys = [pair_key(p, s) or ("", "") for p, s in zip(table["polymer"], table["solvent"])]
        table["polymer_key"], table["solvent_key"] = [k[0] for k in keys], [k[1] for k in keys]
    out_dir.mkdir(parents=True, exist_ok=True)
    measured.to_csv(out_dir / "measured_chi.csv", index=False, float_format="%.6g")
    labels.to_csv(out_dir / "handbook_labels.csv", index=False)
    return len(measured), len(labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evidence", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    n_measured, n_labels = build(args.data_dir, args.out)
    print(f"wrote {n_measured} measured χ and {n_labels} handbook labels to {args.out}")
    if args.out == OUT_DIR:
        from training.checksums import main as write_checksums
        write_checksums()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
