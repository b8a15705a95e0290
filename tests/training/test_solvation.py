"""The solvation weight's fit (``training.solvation``): it recovers a known β from facts generated
with it, holds each repeat unit out together, and the manifest's entry is read back as the engine's β."""

import json

import numpy as np
import pandas as pd
import pytest

from chiapp.errors import ModelArtifactError
from chiapp.model import MANIFEST_FILE, MODEL_DIR
from chiapp.posterior import PosteriorParameters
from training.solvation import WEIGHTS, Facts, fit_weight, leave_polymer_out


def _facts(true_weight: float, n: int = 400, seed: int = 0) -> Facts:
    """Facts whose truth is χ < min(χc, χ_m + β·max(0, −χ_QC)) with the given β, and a small σ."""
    rng = np.random.default_rng(seed)
    chi = rng.uniform(-0.5, 1.0, n)
    melting = rng.uniform(-3.0, 0.8, n)
    chi_qc = rng.uniform(-6.0, 2.0, n)
    chi_qc[::10] = np.nan  # no σ-profile: no shift
    chi_c = np.full(n, 0.55)
    dissolves = chi < np.minimum(chi_c, melting + true_weight * np.maximum(-np.nan_to_num(chi_qc), 0.0))
    groups = np.array([f"p{i % 8}" for i in range(n)])
    table = pd.DataFrame({"polymer": groups, "solvent": "s", "kind": np.where(dissolves, "dissolves", "insoluble"),
                          "temperature_c": 25.0})
    return Facts(groups, dissolves, chi, np.full(n, 1e-3), chi_c, melting, chi_qc, table)


@pytest.mark.parametrize("true_weight", [0.0, 0.3, 0.9])
def test_fit_recovers_the_weight_the_facts_were_made_with(true_weight):
    facts = _facts(true_weight)
    weight = fit_weight(facts)
    assert facts.right(weight).all()
    assert weight == pytest.approx(true_weight, abs=0.05)
    assert WEIGHTS[0] <= weight <= WEIGHTS[-1]


def test_leave_polymer_out_holds_each_repeat_unit_out_and_scores_it():
    facts = _facts(0.5)
    right, weights = leave_polymer_out(facts)
    assert len(weights) == 8 and right.shape == facts.chi.shape
    assert all(abs(w - 0.5) <= 0.05 for w in weights.values())
    # a polymer whose facts contradict the others' β gets it wrong when held out
    flipped = facts.subset(np.ones(len(facts.chi), dtype=bool))
    flipped.dissolves[flipped.group == "p0"] = ~flipped.dissolves[flipped.group == "p0"]
    right, _ = leave_polymer_out(flipped)
    assert right[flipped.group != "p0"].mean() > 0.95 > right[flipped.group == "p0"].mean()


def test_manifest_weight_is_the_engines_and_must_be_a_number_at_least_zero():
    manifest = json.loads((MODEL_DIR / MANIFEST_FILE).read_text())
    assert PosteriorParameters.from_manifest(manifest).solvation_weight == manifest["solvation"]["weight"] > 0
    assert PosteriorParameters.from_manifest({k: v for k, v in manifest.items() if k != "solvation"}
                                             ).solvation_weight == 0.0
    for bad in (-0.1, "0.6", None):
        with pytest.raises(ModelArtifactError):
            PosteriorParameters.from_manifest({**manifest, "solvation": {"weight": bad}})
