"""Fit the blend classifier: ``python -m training.blend_classifier [--write]``.

Logistic regression of "miscible" (a "partially miscible" statement counts as not miscible) on
``chiapp.compatibility.BLEND_FEATURES`` over the literature table
``assets/evidence/blend_miscibility.csv``, the features standardized. Each row's literature record
leaves out the row's own statement (so a fitted weight never learns a pair's label from itself).
Printed beside the fit: the leave-one-pair-out ROC AUC, each pair predicted by a classifier fitted
without it and with its statement left out of every other row's record too, and the same with every
statement on either polymer left out (both polymers new). ``--write`` stores the fit in
``assets/evidence/blend_classifier.json`` (then run ``python -m training.checksums``).
"""

from __future__ import annotations

import argparse
import io
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.chemistry import canonical_polymer
from chiapp.compatibility import BLEND_FEATURES, blend_features, chi_ab_estimates
from chiapp.library import resolve_polymer
from chiapp.resources import verified_asset
from chiapp.units import kelvin

ASSET = Path(__file__).resolve().parents[1] / "assets" / "evidence" / "blend_classifier.json"


def table_pairs() -> pd.DataFrame:
    """The table's rows with their repeat units, canonical keys, χ_AB estimates and label ``miscible``."""
    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "blend_miscibility.csv")))
    rows = []
    for row in table.itertuples(index=False):
        a, b = resolve_polymer(row.polymer_a), resolve_polymer(row.polymer_b)
        latent, _, hansen, _ = chi_ab_estimates(a, b, float(kelvin(row.temperature_c)))
        rows.append({"a": a.smiles, "b": b.smiles, "key": frozenset((canonical_polymer(a.smiles),
                                                                        canonical_polymer(b.smiles))),
                     "latent": latent, "hansen": hansen, "miscible": int(row.state == "miscible")})
    return pd.DataFrame(rows)


def features(pairs: pd.DataFrame, exclude: frozenset = frozenset()) -> np.ndarray:
    """(rows, BLEND_FEATURES); every record leaves out its own row and the statements in ``exclude``."""
    return np.array([blend_features(r.a, r.b, r.latent, r.hansen, exclude) for r in pairs.itertuples(index=False)])


def fit(x: np.ndarray, y: np.ndarray) -> dict:
    """The classifier's parameters (as ``chiapp.compatibility.BlendClassifier.from_json`` reads them)."""
    from sklearn.linear_model import LogisticRegression

    fill = float(np.nanmedian(x[:, 1]))
    x = np.where(np.isnan(x), fill, x)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(max_iter=1000).fit((x - mean) / std, y)
    return {"features": list(BLEND_FEATURES), "mean": mean.tolist(), "std": std.tolist(),
            "weights": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]), "hansen_fill": fill}


def held_out_auc(pairs: pd.DataFrame, both_polymers: bool = False) -> float:
    """ROC AUC of P(miscible), each pair predicted without its statement (``both_polymers``: without
    any statement on either of its polymers), the classifier refitted each time."""
    from sklearn.metrics import roc_auc_score

    from chiapp.compatibility import BlendClassifier

    y = pairs["miscible"].to_numpy()
    scores = np.empty(len(pairs))
    for i, held in enumerate(pairs.itertuples(index=False)):
        if both_polymers:
            out = pairs["key"].map(lambda k, h=held.key: bool(k & h)).to_numpy()
        else:
            out = np.arange(len(pairs)) == i
        exclude = frozenset(pairs["key"][out])
        x = features(pairs, exclude)
        classifier = BlendClassifier.from_json(fit(x[~out], y[~out]))
        scores[i] = classifier.probability(x[i])
    return float(roc_auc_score(y, scores))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.blend_classifier", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"store the fit in {ASSET}")
    args = parser.parse_args(argv)
    pairs = table_pairs()
    document = {**fit(features(pairs), pairs["miscible"].to_numpy()), "pairs": len(pairs),
                "miscible": int(pairs["miscible"].sum()),
                "leave_one_pair_out_auc": round(held_out_auc(pairs), 4),
                "leave_both_polymers_out_auc": round(held_out_auc(pairs, both_polymers=True), 4)}
    print(json.dumps(document, indent=1))
    if args.write:
        ASSET.write_text(json.dumps(document, indent=1) + "\n")
        print(f"wrote {ASSET}; now run python -m training.checksums")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
