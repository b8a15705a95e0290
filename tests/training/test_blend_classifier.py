"""The blend classifier: the shipped weights are the fit of the literature table, reproducibly, and a
pair's literature record never holds its own statement."""

from __future__ import annotations

import json
import math

import numpy as np

from chiapp.chemistry import canonical_polymer
from chiapp.compatibility import literature_record
from chiapp.library import resolve_polymer
from training.blend_classifier import ASSET, features, fit, table_pairs


def test_the_shipped_blend_classifier_is_the_fit_of_the_literature_table():
    pairs = table_pairs()
    refit, shipped = fit(features(pairs), pairs["miscible"].to_numpy()), json.loads(ASSET.read_text())
    for name in ("mean", "std", "weights", "intercept", "hansen_fill"):
        np.testing.assert_allclose(refit[name], shipped[name], rtol=1e-6, atol=1e-9)
    assert shipped["pairs"] == len(pairs) and shipped["leave_one_pair_out_auc"] >= 0.5


def test_a_record_leaves_out_the_pair_asked_about():
    """PS and PVME are miscible in the table: PS's record without that statement has one miscible
    partner fewer and one statement fewer, log((k + 1)/(n − k + 1)) by hand."""
    pairs = table_pairs()
    ps, pvme = (canonical_polymer(resolve_polymer(name).smiles) for name in ("PS", "PVME"))
    own = pairs[pairs["key"].map(lambda key: ps in key)]
    k, n = int(own["miscible"].sum()), len(own)
    assert frozenset((ps, pvme)) in set(own["key"])
    assert literature_record(ps) == math.log((k + 1) / (n - k + 1))
    assert literature_record(ps, frozenset({frozenset((ps, pvme))})) == math.log(k / (n - k + 1))
