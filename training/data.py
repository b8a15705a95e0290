"""Training tables read from ../shared/data (never copied into the repository).

Every table has columns ``polymer`` (repeat unit with two '*'), ``polymer_key`` (canonical, one per
polymer whatever way it was written), ``solvent`` (canonical SMILES) and its target(s).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.chemistry import canonical_polymer, canonical_solvent
from chiapp.errors import ChiAppError
from chiapp.units import kelvin

DEFAULT_DATA_DIR = Path(os.environ.get("CHIAPP_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data"))
CHI_FILE = Path("mtl_chiparameter/data_Chi.csv")
COSMO_FILE = Path("mtl_chiparameter/data_COSMO.csv")
SPLITS_FILE = Path("mtl_chiparameter/splits.json")
POLYSOL_FILE = Path("polysol/polysol_homopolymers.csv")


@dataclass(frozen=True)
class TrainingData:
    experimental: pd.DataFrame  # polymer, polymer_key, solvent, temperature_k, chi, row_label
    cosmo: pd.DataFrame         # polymer, polymer_key, solvent, temperature_k, chi
    soluble: pd.DataFrame       # polymer, polymer_key, solvent, soluble (0/1)
    splits: list[tuple[np.ndarray, np.ndarray]]  # the paper's (train, test) row labels
    file_hashes: dict[str, str]
    notes: dict[str, object]


def _split_pair(pair: str) -> tuple[str, str]:
    polymer, solvent = pair.split("_")
    return polymer, solvent


def _with_keys(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["polymer_key"] = frame["polymer"].map(canonical_polymer)
    frame["solvent"] = frame["solvent"].map(canonical_solvent)
    return frame


def _checked(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keys for rows the app itself would accept; the others are dropped with their reason."""
    ok, dropped = [], []
    for polymer, solvent in zip(frame["polymer"], frame["solvent"]):
        try:
            canonical_polymer(polymer), canonical_solvent(solvent)
            ok.append(True)
        except ChiAppError as err:
            ok.append(False)
            dropped.append(str(err))
    return _with_keys(frame[np.asarray(ok, dtype=bool)]).reset_index(drop=True), dropped


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_training_data(data_dir: Path = DEFAULT_DATA_DIR) -> TrainingData:
    data_dir = Path(data_dir)
    if not (data_dir / CHI_FILE).is_file():
        raise FileNotFoundError(
            f"training data not found in {data_dir}; pass --data-dir or set CHIAPP_DATA_DIR "
            "(see README: the data come from the MTL_ChiParameter and PolySol repositories)")
    chi = pd.read_csv(data_dir / CHI_FILE, index_col=0)
    pairs = chi["ps_pair_nonCyclic"].map(_split_pair)
    experimental = _with_keys(pd.DataFrame({
        "polymer": [p for p, _ in pairs], "solvent": [s for _, s in pairs],
        "temperature_k": kelvin(chi["temp"].to_numpy(float)), "chi": chi["chi"].to_numpy(float),
        "row_label": chi.index.to_numpy()}))

    cosmo_raw = pd.read_csv(data_dir / COSMO_FILE, index_col=0)
    cyclic_to_linear = dict(zip(chi["ps_pair"], chi["ps_pair_nonCyclic"]))
    linear = cosmo_raw["ps_pair"].map(cyclic_to_linear)
    n_cosmo_unmatched = int(linear.isna().sum())
    cosmo_raw = cosmo_raw[linear.notna()]
    pairs = linear.dropna().map(_split_pair)
    cosmo = _with_keys(pd.DataFrame({
        "polymer": [p for p, _ in pairs], "solvent": [s for _, s in pairs],
        "temperature_k": kelvin(cosmo_raw["temp"].to_numpy(float)), "chi": cosmo_raw["chi"].to_numpy(float)}))

    from training.polysol import load_polysol, polysol_report

    polysol = load_polysol(data_dir)
    soluble, dropped = _checked(pd.DataFrame({
        "polymer": polysol["polymer_smiles"].to_numpy(), "solvent": polysol["solvent_smiles"].to_numpy(),
        "soluble": polysol["soluble"].to_numpy(int)}))

    raw_splits = json.loads((data_dir / SPLITS_FILE).read_text())
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in zip(raw_splits["train"], raw_splits["test"])]
    hashes = {str(p): _sha256(data_dir / p) for p in (CHI_FILE, COSMO_FILE, SPLITS_FILE, POLYSOL_FILE)}
    report = polysol_report(data_dir)
    counts = {k: (dict(v) if hasattr(v, "keys") else v) for k, v in vars(report).items()
              if k.startswith("n_")}
    notes = {"cosmo_rows_without_experimental_pair": n_cosmo_unmatched, "polysol": counts,
             "polysol_rows_dropped_after_check": dropped}
    return TrainingData(experimental, cosmo, soluble, splits, hashes, notes)
