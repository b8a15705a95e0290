"""Cross-validation of the model and its baselines on the same folds.

Two protocols:
  pair splits       the paper's five 80/20 splits of data_Chi.csv (unseen pairs, seen polymers)
  leave-polymer-out five folds grouped by polymer over every task at once: a held-out polymer's
                    experimental, COSMO-RS, Hansen and PolySol rows are all left out of training,
                    so nothing about it leaks; the experimental rows score χ, the PolySol rows
                    score the soluble probability.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.model import T_REF_K
from training.data import DEFAULT_DATA_DIR, TrainingData, load_training_data
from training.fit import Config, Tables, fit
from training.qc_task import build_auxiliary

N_FOLDS = 5


def leave_polymer_out_folds(data: TrainingData, seed: int = 0, n_folds: int = N_FOLDS,
                            excluded: frozenset[str] = frozenset()) -> list[set[str]]:
    """``n_folds`` sets of held-out polymer keys: the polymers with experimental χ spread evenly,
    then the PolySol-only polymers, each shuffled with ``seed``; ``excluded`` polymers are in none
    (the inner folds of a nested CV exclude the outer test polymers)."""
    rng = np.random.default_rng(seed)
    folds: list[set[str]] = [set() for _ in range(n_folds)]
    exp_keys = sorted(set(data.experimental["polymer_key"]) - excluded)
    other = sorted(set(data.soluble["polymer_key"]) - set(data.experimental["polymer_key"]) - excluded)
    for keys in (exp_keys, other):
        for i, key in enumerate(rng.permutation(keys)):
            folds[i % n_folds].add(key)
    return folds


def tables_without(data: TrainingData, hansen: pd.DataFrame | None, polymer_keys=frozenset(),
                   experimental_mask: np.ndarray | None = None, pairs=frozenset()) -> Tables:
    """Training tables with the given polymers (all tasks) and pairs (COSMO, Hansen) left out."""

    def keep(frame):
        if frame is None:
            return None
        mask = ~frame["polymer_key"].isin(polymer_keys)
        if pairs:
            mask &= ~pd.Series(list(zip(frame["polymer_key"], frame["solvent"])), index=frame.index).isin(pairs)
        return frame[mask]

    experimental = data.experimental if experimental_mask is None else data.experimental[experimental_mask]
    return Tables(keep(experimental), keep(data.cosmo), keep(hansen), keep(data.soluble))


@dataclass(frozen=True)
class FoldPredictions:
    chi: pd.DataFrame      # experimental rows: fold, chi, chi_pred, chi_std (raw ensemble spread)
    soluble: pd.DataFrame  # PolySol rows: fold, soluble, probability


def predict_rows(model, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from chiapp.descriptors import polymer_descriptors, solvent_descriptors

    if not len(frame):
        return np.empty(0), np.empty(0), np.empty(0)
    xp = np.stack([polymer_descriptors(p) for p in frame["polymer"]])
    xs = np.stack([solvent_descriptors(s) for s in frame["solvent"]])
    c = model.coefficients(xp, xs)
    t = frame["temperature_k"].to_numpy(float) if "temperature_k" in frame else np.full(len(frame), T_REF_K)
    chi = c.a + c.b_k / t
    probability = 1.0 / (1.0 + np.exp(-c.soluble_logit))
    return chi.mean(0), chi.std(0), probability.mean(0)


def held_out_predictions(data: TrainingData, hansen: pd.DataFrame | None, config: Config,
                         excluded: set[str], scored: set[str]) -> FoldPredictions:
    """Fit without the ``excluded`` polymers (every task), predict the ``scored`` ones."""
    model = fit(tables_without(data, hansen, polymer_keys=excluded), config)
    chi_rows = data.experimental[data.experimental["polymer_key"].isin(scored)]
    mean, std, _ = predict_rows(model, chi_rows)
    sol_rows = data.soluble[data.soluble["polymer_key"].isin(scored)]
    _, _, probability = predict_rows(model, sol_rows)
    return FoldPredictions(chi_rows.assign(chi_pred=mean, chi_std=std), sol_rows.assign(probability=probability))


def cross_validate(data: TrainingData, hansen: pd.DataFrame | None, config: Config, protocol: str,
                   log=print) -> FoldPredictions:
    chi_parts, soluble_parts = [], []
    if protocol == "pairs":
        labels = data.experimental["row_label"].to_numpy()
        for k, (_, test_labels) in enumerate(data.splits):
            test = np.isin(labels, test_labels)
            test_rows = data.experimental[test]
            pairs = set(zip(test_rows["polymer_key"], test_rows["solvent"]))
            model = fit(tables_without(data, hansen, experimental_mask=~test, pairs=pairs), config)
            mean, std, _ = predict_rows(model, test_rows)
            chi_parts.append(test_rows.assign(fold=k, chi_pred=mean, chi_std=std))
            log(f"  pairs split {k}: MAE {np.abs(mean - test_rows['chi']).mean():.3f}")
    elif protocol == "polymers":
        for k, keys in enumerate(leave_polymer_out_folds(data)):
            held_out = held_out_predictions(data, hansen, config, keys, keys)
            chi_parts.append(held_out.chi.assign(fold=k))
            soluble_parts.append(held_out.soluble.assign(fold=k))
            log(f"  polymer fold {k}: MAE {np.abs(held_out.chi['chi_pred'] - held_out.chi['chi']).mean():.3f}")
    else:
        raise ValueError(f"protocol must be 'pairs' or 'polymers', got {protocol!r}")
    soluble = pd.concat(soluble_parts) if soluble_parts else pd.DataFrame()
    return FoldPredictions(pd.concat(chi_parts), soluble)


def r2(y: np.ndarray, pred: np.ndarray) -> float:
    return float(1.0 - np.sum((y - pred) ** 2) / np.sum((y - np.mean(y)) ** 2))


def fold_metrics(chi: pd.DataFrame, column: str = "chi_pred") -> dict[str, float]:
    """Mean over folds of R² and MAE (the paper reports the mean over its splits)."""
    per_fold = [(r2(g["chi"].to_numpy(), g[column].to_numpy()), np.abs(g["chi"] - g[column]).mean())
                for _, g in chi.groupby("fold")]
    return {"r2": float(np.mean([p[0] for p in per_fold])), "mae": float(np.mean([p[1] for p in per_fold]))}


def soluble_auc(soluble: pd.DataFrame) -> float:
    """ROC AUC of the held-out PolySol labels by the predicted soluble probability."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(soluble["soluble"], soluble["probability"]))


def _config_change(text: str) -> tuple[str, object]:
    """``name=value`` for a field of Config, the value read as that field's type."""
    name, _, value = text.partition("=")
    kinds = {f.name: type(getattr(Config(), f.name)) for f in fields(Config)}
    if name not in kinds or not value:
        raise argparse.ArgumentTypeError(f"expected name=value with name one of {', '.join(kinds)}; got {text!r}")
    if kinds[name] is bool:
        if value.lower() not in ("1", "0", "true", "false"):
            raise argparse.ArgumentTypeError(f"{name} is true or false; got {value!r}")
        return name, value.lower() in ("1", "true")
    return name, kinds[name](value)


def main(argv: list[str] | None = None) -> int:
    """``python -m training.evaluate pairs seed=1``: cross-validate Config() with some fields changed
    and print its metrics (a seed's spread, a candidate's figures; about 5 min on one core)."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate",
                                     description="Cross-validate Config() with some fields changed.")
    parser.add_argument("protocol", choices=("pairs", "polymers"))
    parser.add_argument("changes", nargs="*", type=_config_change, metavar="name=value")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)

    try:
        config = replace(Config(), **dict(args.changes))
    except ValueError as err:  # a combination Config refuses
        parser.error(str(err))
    data = load_training_data(args.data_dir)
    held_out = cross_validate(data, build_auxiliary(data, config), config, args.protocol)
    metrics = fold_metrics(held_out.chi)
    line = f"{args.protocol} {config}: R2 {metrics['r2']:.3f}, MAE {metrics['mae']:.3f} (mean over folds)"
    if len(held_out.soluble):
        line += f", PolySol AUC {soluble_auc(held_out.soluble):.3f}"
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
