"""Speed and accuracy of the χ model: ``python -m benchmarks.model``.

Accuracy re-runs the cross-validation of ``training/`` with the shipped configuration (about 20
minutes on 2 cores), with the baselines on the same folds. ``--from-manifest`` takes the model's
cross-validated figures from the manifest that ``python -m training.train`` wrote with the same
code and folds, and only fits the baselines; ``--speed-only`` skips accuracy. Speed is measured on
the shipped model after warm-up.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.table import median_seconds, print_table
from chiapp import descriptors
from chiapp.prediction import load_model, predict_batch, predict_chi
from training.data import load_training_data


def speed_rows(data) -> list:
    model = load_model()
    polymers = data.experimental.drop_duplicates("polymer_key")["polymer"].tolist()
    featurize = descriptors.polymer_descriptors.__wrapped__  # uncached: a polymer never seen before
    featurize(polymers[0])
    worst = max((median_seconds(lambda p=p: featurize(p), repeats=3, warmup=0), p) for p in polymers)
    pair_seconds = median_seconds(lambda: predict_chi("*CC(*)c1ccccc1", "Cc1ccccc1", np.linspace(280, 420, 50)),
                                  repeats=50, warmup=3)
    pairs = data.experimental[["polymer", "solvent"]].sample(10_000, replace=True, random_state=0)
    pairs = pairs.assign(temperature_k=np.random.default_rng(0).uniform(280, 450, len(pairs)))
    predict_batch(pairs, model=model)  # features now cached
    batch_seconds = median_seconds(lambda: predict_batch(pairs, model=model), repeats=3, warmup=0)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "pairs.csv"
        pairs.to_csv(source, index=False)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "chiapp", "predict", "--input", str(source),
                        "--output", str(Path(tmp) / "out.csv")], check=True, capture_output=True)
        cli_seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return [
        (f"featurize a new polymer, slowest of {len(polymers)} training polymers", f"{worst[0] * 1e3:.1f} ms",
         "≤ 100 ms", worst[0] <= 0.1),
        ("one pair at 50 temperatures, features cached", f"{pair_seconds * 1e3:.2f} ms", "≤ 5 ms",
         pair_seconds <= 0.005),
        ("10,000 pairs, features cached (predict_batch)", f"{batch_seconds:.2f} s", "≤ 1 s", batch_seconds <= 1.0),
        ("CLI batch of 10,000 pairs from a cold start, wall time", f"{cli_seconds:.1f} s", "", None),
        ("CLI batch of 10,000 pairs, peak memory (max RSS)", f"{peak_mb:.0f} MB", "≤ 1,500 MB", peak_mb <= 1500),
    ]


def _r2_mae(frame: pd.DataFrame, column: str) -> str:
    from training.evaluate import fold_metrics

    m = fold_metrics(frame, column)
    return f"{m['r2']:.3f} / {m['mae']:.3f}"


def model_rows(data) -> dict:
    """The model's cross-validated figures, re-run here (about 20 minutes on 2 cores)."""
    from training.evaluate import cross_validate
    from training.fit import Config
    from training.hansen_task import build_hansen
    from training.train import calibrate, domain_study, metrics_summary

    config = Config()
    hansen = build_hansen(data, config.seed)
    pairs = cross_validate(data, hansen, config, "pairs", log=lambda *a: None)
    polymers = cross_validate(data, hansen, config, "polymers", log=lambda *a: None)
    scale, coverage = calibrate(polymers.chi)
    dom = domain_study(polymers.chi, scale)
    return {**metrics_summary(pairs, polymers), "coverage": coverage, "domain": dom}


def manifest_figures() -> dict:
    """The same figures as written by ``python -m training.train`` into the shipped manifest."""
    m = load_model().manifest
    return {**m["metrics"], "coverage": m["calibration"]["cross_validated_coverage_2sigma"],
            "domain": m["domain_study"]}


def accuracy_rows(data, figures: dict) -> list:
    from sklearn.metrics import roc_auc_score

    from training.baselines import chi_baselines, soluble_baselines

    rows = []
    for protocol, key, label, (r2_min, mae_max) in (
            ("pairs", "pair_splits", "paper's 5 pair splits", (0.85, 0.15)),
            ("polymers", "leave_polymer_out", "leave-polymer-out, 5 folds", (0.5, None))):
        m = figures[key]
        rows.append((f"{label}: model R² / MAE", f"{m['r2']:.3f} / {m['mae']:.3f}",
                     f"R² ≥ {r2_min}" + (f", MAE ≤ {mae_max}" if mae_max else ""),
                     m["r2"] >= r2_min and (mae_max is None or m["mae"] <= mae_max)))
        base = chi_baselines(data, protocol)
        for name in ("constant", "gbm"):
            rows.append((f"{label}: {name} baseline R² / MAE", _r2_mae(base, name), "", None))
        h = base.dropna(subset=["hansen"])
        r2 = 1 - ((h.chi - h.hansen) ** 2).sum() / ((h.chi - h.chi.mean()) ** 2).sum()
        rows.append((f"{label}: Hansen-distance χ (no fit; {len(h)} of {len(base)} rows) R² / MAE",
                     f"{r2:.3f} / {(h.chi - h.hansen).abs().mean():.3f}", "", None))
    auc = figures["polysol_leave_polymer_out_auc"]
    rows.append(("PolySol labels, leave-polymer-out: model ROC AUC", f"{auc:.3f}", "≥ 0.85", auc >= 0.85))
    sb = soluble_baselines(data)
    rows.append(("PolySol: gbm classifier ROC AUC", f"{roc_auc_score(sb.soluble, sb.gbm):.3f}", "", None))
    hs = sb.dropna(subset=["hansen"])
    rows.append((f"PolySol: Hansen distance −Ra ({len(hs)} of {len(sb)} rows) ROC AUC",
                 f"{roc_auc_score(hs.soluble, hs.hansen):.3f}", "", None))
    coverage = figures["coverage"]
    rows.append(("held-out abs(error) ≤ 2·chi_std (calibrated, cross-validated)", f"{coverage:.3f}", "0.85–0.95",
                 0.85 <= coverage <= 0.95))
    dom = figures["domain"]
    rows.append(("leave-polymer-out MAE in domain / out of domain",
                 f"{dom['mae_in_domain']:.3f} / {dom['mae_out_of_domain']:.3f} ({dom['fraction_in_domain']:.0%} in)",
                 "out clearly larger", dom["mae_out_of_domain"] > 1.3 * dom["mae_in_domain"]))
    return rows + selection_rows()


def selection_rows() -> list:
    """The hyperparameter choice and the physical-inputs ablation, as ``python -m training.select``
    recorded them (about 16 minutes to redo)."""
    from training.select import SELECTION_FILE

    record = json.loads(SELECTION_FILE.read_text())
    nested = record["nested"]
    rows = [("nested leave-polymer-out, choice made inside each fold: pooled R² / MAE, AUC",
             f"{nested['r2']:.3f} / {nested['mae']:.3f}, {nested['auc']:.3f}", "", None)]
    for name, m in record["grouped_cv"].items():
        mark = " (selected)" if name == record["selected"] else ""
        rows.append((f"grouped CV, {record['inner_members']} members, {name}{mark}: pooled R² / MAE, AUC",
                     f"{m['r2']:.3f} / {m['mae']:.3f}, {m['auc']:.3f}", "", None))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.model")
    parser.add_argument("--speed-only", action="store_true", help="skip accuracy")
    parser.add_argument("--from-manifest", action="store_true",
                        help="take the model's cross-validated figures from the shipped manifest; fit only baselines")
    args = parser.parse_args(argv)
    data = load_training_data()
    rows = speed_rows(data)
    if not args.speed_only:
        rows += accuracy_rows(data, manifest_figures() if args.from_manifest else model_rows(data))
    print_table(rows, title="χ model: speed (2 cores, after warm-up) and cross-validated accuracy")


if __name__ == "__main__":
    main()
