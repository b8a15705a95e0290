"""Hansen parameters side by side with the model's χ."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chiapp.chemistry import parse_polymer
from chiapp.errors import InputError, MoleculeError
from chiapp.hansen import estimate_hansen
from chiapp.hansen_table import DEFAULT_INTERACTION_RADIUS_MPA05, HANSEN_COLUMNS, hansen_side_by_side
from chiapp.library import resolve_polymer
from chiapp.prediction import predict_chi

R = 8.314462618


@pytest.fixture(scope="module")
def table():
    return hansen_side_by_side("PMMA", ["toluene", "acetone", "water", "notasolventxyz", "polystyrene"], 298.15)


def test_columns_and_one_row_per_solvent(table):
    assert tuple(table.columns) == HANSEN_COLUMNS
    assert list(table["name"][:3]) == ["toluene", "acetone", "water"]
    assert len(table) == 5


def test_measured_solvent_values_are_marked_and_are_hansens(table):
    toluene = table.iloc[0]
    assert toluene["solvent_hansen_source"].startswith("measured")
    # Hansen, Hansen Solubility Parameters: A User's Handbook, 2nd ed. 2007, Table A.1: toluene 18.0, 1.4, 2.0
    assert (toluene["solvent_delta_d_mpa05"], toluene["solvent_delta_p_mpa05"],
            toluene["solvent_delta_h_mpa05"]) == pytest.approx((18.0, 1.4, 2.0), abs=0.05)
    water = table.iloc[2]
    assert water["solvent_delta_h_mpa05"] == pytest.approx(42.3, abs=0.1)  # ibid.


def test_polymer_values_are_group_contributions(table):
    estimate = estimate_hansen(parse_polymer(resolve_polymer("PMMA").smiles))
    row = table.iloc[0]
    assert row["polymer_delta_d_mpa05"] == pytest.approx(estimate.delta_d_mpa05)
    assert "group contribution" in row["polymer_hansen_source"]


def test_ra_red_and_hansen_chi_follow_their_formulas(table):
    for _, row in table.iloc[:3].iterrows():
        d = np.array([row["polymer_delta_d_mpa05"] - row["solvent_delta_d_mpa05"],
                      row["polymer_delta_p_mpa05"] - row["solvent_delta_p_mpa05"],
                      row["polymer_delta_h_mpa05"] - row["solvent_delta_h_mpa05"]])
        ra = math.sqrt(4 * d[0] ** 2 + d[1] ** 2 + d[2] ** 2)
        assert row["ra_mpa05"] == pytest.approx(ra, rel=1e-12)
        assert row["red"] == pytest.approx(ra / DEFAULT_INTERACTION_RADIUS_MPA05, rel=1e-12)
        assert row["hansen_chi"] > 0 and math.isfinite(row["hansen_chi"])
    # water is far outside the sphere, acetone (a good PMMA solvent) much closer
    assert table.iloc[2]["red"] > table.iloc[1]["red"]


def test_model_chi_is_predict_chi(table):
    assert table.iloc[1]["chi"] == pytest.approx(predict_chi("PMMA", "acetone", 298.15).chi[0], rel=1e-9)


def test_bad_solvents_keep_their_row_with_the_reason(table):
    assert "not a known name" in table.iloc[3]["error"]
    assert "polymer" in table.iloc[4]["error"]
    assert math.isnan(table.iloc[3]["chi"])


@pytest.mark.parametrize("radius", [0, -1, "x", float("nan")])
def test_bad_interaction_radius(radius):
    with pytest.raises(InputError):
        hansen_side_by_side("PMMA", ["toluene"], interaction_radius_mpa05=radius)


def test_bad_polymer():
    with pytest.raises(MoleculeError):
        hansen_side_by_side("toluene", ["acetone"])
