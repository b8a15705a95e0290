"""Baselines scored on the same folds as the model: constant, gradient boosting, Hansen distance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chiapp import hansen
from chiapp.chemistry import parse_polymer, parse_solvent
from chiapp.descriptors import polymer_descriptors, solvent_descriptors
from training.data import TrainingData
from training.evaluate import leave_polymer_out_folds


def _features(frame: pd.DataFrame) -> np.ndarray:
    xp = np.stack([polymer_descriptors(p) for p in frame["polymer"]])
    xs = np.stack([solvent_descriptors(s) for s in frame["solvent"]])
    columns = [xp, xs]
    if "temperature_k" in frame:
        columns.append(1000.0 / frame["temperature_k"].to_numpy(float)[:, None])
    return np.hstack(columns)


def _gbm(seed: int):
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(max_iter=400, learning_rate=0.05, random_state=seed)


def _folds(data: TrainingData, protocol: str):
    exp = data.experimental
    if protocol == "pairs":
        labels = exp["row_label"].to_numpy()
        for k, (_, test_labels) in enumerate(data.splits):
            test = np.isin(labels, test_labels)
            yield k, ~test, test
    else:
        for k, keys in enumerate(leave_polymer_out_folds(data)):
            test = exp["polymer_key"].isin(keys).to_numpy()
            yield k, ~test, test


def chi_baselines(data: TrainingData, protocol: str, seed: int = 0) -> pd.DataFrame:
    """Held-out experimental rows with columns constant, gbm (and fold)."""
    exp = data.experimental
    x = _features(exp)
    y = exp["chi"].to_numpy()
    parts = []
    for k, train, test in _folds(data, protocol):
        gbm = _gbm(seed).fit(x[train], y[train])
        parts.append(exp[test].assign(fold=k, constant=y[train].mean(), gbm=gbm.predict(x[test])))
    return pd.concat(parts).assign(hansen=lambda f: hansen_chi_rows(f))


def _delta(smiles: str, role: str):
    estimate = hansen.estimate_hansen(parse_polymer(smiles) if role == "polymer" else parse_solvent(smiles))
    return estimate if estimate.is_complete else None


def hansen_chi_rows(frame: pd.DataFrame) -> np.ndarray:
    """Lindvig χ from group-contribution δ (NaN where a group is missing); no fitting at all."""
    out = np.full(len(frame), np.nan)
    for i, (p, s, t) in enumerate(zip(frame["polymer"], frame["solvent"], frame["temperature_k"])):
        dp, ds = _delta(p, "polymer"), _delta(s, "solvent")
        if dp and ds:
            out[i] = float(hansen.hansen_chi((dp.delta_d_mpa05, dp.delta_p_mpa05, dp.delta_h_mpa05),
                                             (ds.delta_d_mpa05, ds.delta_p_mpa05, ds.delta_h_mpa05),
                                             ds.molar_volume_cm3_per_mol, t))
    return out


def soluble_baselines(data: TrainingData, seed: int = 0) -> pd.DataFrame:
    """Held-out PolySol rows (leave-polymer-out) with a gbm probability and a Hansen score (-Ra)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    sol = data.soluble
    x = _features(sol)
    y = sol["soluble"].to_numpy()
    parts = []
    for k, keys in enumerate(leave_polymer_out_folds(data)):
        test = sol["polymer_key"].isin(keys).to_numpy()
        clf = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=seed).fit(x[~test], y[~test])
        parts.append(sol[test].assign(fold=k, gbm=clf.predict_proba(x[test])[:, 1]))
    out = pd.concat(parts)
    scores = np.full(len(out), np.nan)
    for i, (p, s) in enumerate(zip(out["polymer"], out["solvent"])):
        dp, ds = _delta(p, "polymer"), _delta(s, "solvent")
        if dp and ds:
            scores[i] = -hansen.hansen_distance_mpa05(dp, ds)
    return out.assign(hansen=scores)
