"""predict_batch takes a solvent blend in a solvent cell (``ethanol:0.8+water:0.2``), with the real model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chiapp.blends import blend_chain_length, predict_blend_chi
from chiapp.flory_huggins import critical_chi
from chiapp.posterior import dissolve_probability
from chiapp.prediction import predict_batch

ROWS = pd.DataFrame({
    "polymer": ["polystyrene", "polystyrene", "PMMA", "polystyrene", "polystyrene"],
    "solvent": ["toluene", "toluene:0.5+ethanol:0.5", "acetone", "toluene:0.5+ethanol:0.2", "ethanol:0.7+water:0.3"],
    "temperature_k": [298.15, 298.15, 300.0, 298.15, 320.0],
}, index=[10, 10, 11, 12, 13])  # a repeated label: rows are kept by position


@pytest.fixture(scope="module")
def results():
    return predict_batch(ROWS)


def test_batch_keeps_rows_in_order_with_their_index(results):
    assert list(results.index) == list(ROWS.index)
    assert list(results["solvent"]) == list(ROWS["solvent"])


def test_batch_blend_rows_match_predict_blend_chi(results):
    for position in (1, 4):
        row = ROWS.iloc[position]
        direct = predict_blend_chi(row["polymer"], row["solvent"], row["temperature_k"])
        got = results.iloc[position]
        assert got["error"] == ""
        assert got["chi"] == pytest.approx(direct.chi[0], rel=1e-9)
        assert got["chi_std"] == pytest.approx(direct.chi_std[0], rel=1e-9)
        chi_c = critical_chi(blend_chain_length(row["polymer"], row["solvent"]))
        assert got["chi_limit"] == pytest.approx(chi_c, rel=1e-12)  # polystyrene is amorphous: χ_lim = χc
        assert got["dissolve_probability"] == pytest.approx(
            float(dissolve_probability(direct.chi[0], direct.chi_std[0], chi_c)), rel=1e-9)
        assert got["verdict"] == direct.verdict


def test_batch_single_solvent_rows_are_unchanged_by_blend_rows(results):
    alone = predict_batch(ROWS.iloc[[0, 2]])
    np.testing.assert_allclose(results.iloc[[0, 2]]["chi"].to_numpy(float), alone["chi"].to_numpy(float))


def test_batch_bad_blend_row_has_its_reason(results):
    bad = results.iloc[3]
    assert np.isnan(bad["chi"])
    assert "sum to 1" in bad["error"]
