"""Retrain the shipped model from ../shared/data: ``python -m training.train``.

Seeded and deterministic on CPU. In order:
  1. cross-validation on the paper's pair splits and on leave-polymer-out folds (the metrics);
  2. from the leave-polymer-out predictions: the spread calibration factor and the domain
     thresholds (nothing about a held-out polymer is used to predict it);
  3. the final ensemble on all data, written with its manifest to assets/model/.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.model import MANIFEST_FILE, MODEL_DIR, WEIGHTS_FILE, sha256_file
from training.data import DEFAULT_DATA_DIR, TrainingData, load_training_data
from training.evaluate import cross_validate, fold_metrics, r2
from training.fit import Config, Tables, fit
from training.hansen_task import hansen_table

N_HANSEN_PAIRS = 6000
TARGET_COVERAGE = 0.9  # fraction of held-out |error| within 2 calibrated sigma


def build_hansen(data: TrainingData, seed: int) -> pd.DataFrame:
    polymers = pd.concat([data.experimental[["polymer", "polymer_key"]], data.soluble[["polymer", "polymer_key"]]])
    polymers = polymers.drop_duplicates("polymer_key")
    solvents = pd.concat([data.experimental["solvent"], data.soluble["solvent"]]).unique().tolist()
    return hansen_table(polymers["polymer"].tolist(), polymers["polymer_key"].tolist(), solvents,
                        N_HANSEN_PAIRS, seed)


def calibrate(chi: pd.DataFrame) -> tuple[float, float]:
    """Spread scale s with P(|err| ≤ 2 s σ) = TARGET_COVERAGE, and the coverage it reaches on
    each fold when s is fitted on the other folds (an honest estimate)."""
    ratio = np.abs(chi["chi"] - chi["chi_pred"]) / (2 * chi["chi_std"])
    scale = float(np.quantile(ratio, TARGET_COVERAGE))
    covered = []
    for k, fold in chi.groupby("fold"):
        s = np.quantile(ratio[chi["fold"] != k], TARGET_COVERAGE)
        covered.append(np.abs(fold["chi"] - fold["chi_pred"]) <= 2 * s * fold["chi_std"])
    return scale, float(pd.concat(covered).mean())


def domain_study(data: TrainingData, chi: pd.DataFrame, folds_keys: list[set[str]]) -> dict:
    """Similarity of each held-out pair to its fold's training molecules; threshold chosen so the
    out-of-domain error is clearly larger, reported as MAE in and out."""
    from chiapp.domain import _polymer_fp, _solvent_fp
    from rdkit import DataStructs

    exp = data.experimental
    sims_p, sims_s = np.zeros(len(chi)), np.zeros(len(chi))
    for k, keys in enumerate(folds_keys):
        train = exp[~exp["polymer_key"].isin(keys)]
        train_p = [_polymer_fp(p) for p in train.drop_duplicates("polymer_key")["polymer"]]
        train_s = [_solvent_fp(s) for s in train["solvent"].unique()]
        rows = np.flatnonzero(chi["fold"].to_numpy() == k)
        for i in rows:
            sims_p[i] = max(DataStructs.BulkTanimotoSimilarity(_polymer_fp(chi["polymer"].iloc[i]), train_p))
            sims_s[i] = max(DataStructs.BulkTanimotoSimilarity(_solvent_fp(chi["solvent"].iloc[i]), train_s))
    err = np.abs(chi["chi"].to_numpy() - chi["chi_pred"].to_numpy())
    best = None
    for tp in np.arange(0.2, 0.75, 0.05):
        for ts in (0.0, 0.2, 0.3):
            inside = (sims_p >= tp) & (sims_s >= ts)
            if inside.sum() < 0.3 * len(err) or (~inside).sum() < 0.1 * len(err):
                continue
            ratio = err[~inside].mean() / err[inside].mean()
            if best is None or ratio > best[0]:
                best = (ratio, float(round(tp, 2)), float(ts))
    _, tp, ts = best
    inside = (sims_p >= tp) & (sims_s >= ts)
    return {"polymer_threshold": tp, "solvent_threshold": ts,
            "mae_in_domain": float(err[inside].mean()), "mae_out_of_domain": float(err[~inside].mean()),
            "fraction_in_domain": float(inside.mean())}


def domain_entry(experimental: pd.DataFrame, polymer_threshold: float, solvent_threshold: float) -> dict:
    """What chiapp.domain needs: the molecules with experimental χ, their temperatures, thresholds."""
    return {"polymers": sorted(experimental.drop_duplicates("polymer_key")["polymer"]),
            "solvents": sorted(experimental["solvent"].unique()),
            "temperature_k": [float(experimental["temperature_k"].min()),
                              float(experimental["temperature_k"].max())],
            "polymer_threshold": polymer_threshold, "solvent_threshold": solvent_threshold}


def metrics_summary(pairs, polymers) -> dict:
    from sklearn.metrics import roc_auc_score

    out = {"pair_splits": fold_metrics(pairs.chi), "leave_polymer_out": fold_metrics(polymers.chi)}
    out["leave_polymer_out"]["r2_pooled"] = r2(polymers.chi["chi"].to_numpy(), polymers.chi["chi_pred"].to_numpy())
    out["polysol_leave_polymer_out_auc"] = float(roc_auc_score(polymers.soluble["soluble"],
                                                               polymers.soluble["probability"]))
    return out


def _versions() -> dict:
    import rdkit
    import safetensors
    import torch

    return {"python": platform.python_version(), "numpy": np.__version__, "rdkit": rdkit.__version__,
            "torch": torch.__version__, "safetensors": safetensors.__version__, "pandas": pd.__version__}


def write_model(model, manifest_extra: dict, out_dir: Path) -> None:
    from safetensors.numpy import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    weights = {k: np.ascontiguousarray(v) for k, v in model._w.items()}
    save_file(weights, str(out_dir / WEIGHTS_FILE))
    manifest = {**model.manifest, **manifest_extra}
    manifest["files"] = {WEIGHTS_FILE: sha256_file(out_dir / WEIGHTS_FILE)}
    (out_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-cv", action="store_true", help="only fit the final ensemble (for a quick try)")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(2)
    start = time.perf_counter()
    config = Config(seed=args.seed)
    data = load_training_data(args.data_dir)
    hansen = build_hansen(data, args.seed)
    print(f"data: {len(data.experimental)} experimental, {len(data.cosmo)} COSMO-RS, {len(data.soluble)} PolySol, "
          f"{len(hansen)} Hansen rows")
    extra = {"training": {"data_sha256": data.file_hashes, "rows": {
        "experimental": len(data.experimental), "cosmo": len(data.cosmo), "soluble": len(data.soluble),
        "hansen": len(hansen)}, "notes": _jsonable(data.notes), "seconds": None},
        "versions": _versions()}
    if not args.skip_cv:
        from training.evaluate import leave_polymer_out_folds

        pairs = cross_validate(data, hansen, config, "pairs")
        polymers = cross_validate(data, hansen, config, "polymers")
        scale, coverage = calibrate(polymers.chi)
        dom = domain_study(data, polymers.chi, leave_polymer_out_folds(data))
        extra["metrics"] = metrics_summary(pairs, polymers)
        extra["calibration"] = {"spread_scale": scale, "target_coverage_2sigma": TARGET_COVERAGE,
                                "cross_validated_coverage_2sigma": coverage}
        extra["domain_study"] = dom
    else:
        extra["calibration"] = {"spread_scale": 1.0}
        dom = {"polymer_threshold": 0.0, "solvent_threshold": 0.0}
    extra["domain"] = domain_entry(data.experimental, dom["polymer_threshold"], dom["solvent_threshold"])
    model = fit(Tables(data.experimental, data.cosmo, hansen, data.soluble), config, log=print)
    extra["training"]["seconds"] = round(time.perf_counter() - start, 1)
    write_model(model, extra, args.out)
    print(json.dumps({k: extra.get(k) for k in ("metrics", "calibration", "domain_study")}, indent=1))
    print(f"wrote {args.out} in {extra['training']['seconds']} s")
    return 0


def _jsonable(value):
    return json.loads(json.dumps(value, default=lambda o: asdict(o) if hasattr(o, "__dataclass_fields__")
                                 else dict(o) if hasattr(o, "keys") else str(o)))


if __name__ == "__main__":
    raise SystemExit(main())
