"""Separation sequences (chiapp.separation) on the real model.

Chemistry checked: polystyrene dissolves in aromatic solvents at room temperature while the
polyolefins, PET and polyamides do not (Polymer Handbook, 4th ed., ch. VII); a crystalline
polyolefin dissolves only when heated, near 100 °C or above, and comes back out on cooling
(Nauman & Lynch, US 5,198,471, 1993; Walker et al., Sci. Adv. 2020, 6, eaba7599).
"""

from __future__ import annotations

import numpy as np
import pytest

from chiapp import plan_separation
from chiapp.errors import InputError, NameNotFoundError
from chiapp.library import solvent_library
from chiapp.separation import ALTERNATIVE_COLUMNS, STEP_COLUMNS

FIVE = ["PS", "PE", "PP", "PET", "PA6"]
T_20_200_K = np.linspace(20.0, 200.0, 73) + 273.15


@pytest.fixture(scope="module")
def five_plan():
    return plan_separation(FIVE, T_20_200_K, chem21_only=True)


def test_five_plastic_plan_takes_each_plastic_out_once(five_plan):
    steps = five_plan.steps
    assert list(steps.columns) == list(STEP_COLUMNS)
    assert list(five_plan.alternatives.columns) == list(ALTERNATIVE_COLUMNS)
    dissolved = list(steps["dissolves"])
    assert len(dissolved) == len(set(dissolved))
    accounted = dissolved + ([five_plan.residue] if five_plan.residue else []) + list(five_plan.unseparated)
    assert sorted(accounted) == sorted(FIVE)
    assert (steps["margin"] > 0).all()


def test_five_plastic_plan_reads_like_chemistry(five_plan):
    steps = five_plan.steps.set_index("dissolves")
    library = solvent_library().set_index("name")
    ps = steps.loc["PS"]
    assert ps["window_low_c"] <= 25.0                       # PS: room temperature
    assert ps["solvent"] in {"toluene", "benzene", "chlorobenzene", "anisole", "p-xylene", "ethylbenzene"}
    if "PE" in steps.index:
        assert steps.loc["PE"]["window_low_c"] >= 60.0      # PE: only hot
        assert "cooling" in steps.loc["PE"]["recovery"]     # and it crystallizes back out
    for row in five_plan.steps.itertuples():
        assert library.loc[row.solvent, "chem21_class"] != ""
        assert not row.needs_pressure
        assert row.window_high_c <= library.loc[row.solvent, "boiling_point_c"] + 1e-9
        melting = library.loc[row.solvent, "melting_point_c"]
        assert not row.window_low_c < melting
    text = five_plan.describe()
    assert text.count("\n") >= len(five_plan.steps)
    assert "dissolves PS" in text


def test_plan_windows_stay_below_boiling_points_without_the_pressure_option():
    plan = plan_separation(["PS", "PE"], np.linspace(20.0, 140.0, 25) + 273.15,
                           solvents=["dichloromethane", "toluene", "p-xylene", "chloroform"])
    library = solvent_library().set_index("name")
    for row in plan.steps.itertuples():
        assert row.window_high_c <= library.loc[row.solvent, "boiling_point_c"]
    frame = plan.to_frame()
    assert len(frame) == len(plan.steps) + (plan.residue is not None)


def test_plan_takes_a_low_high_range():
    plan = plan_separation(["PS", "PE"], (293.15, 413.15), solvents=["toluene", "p-xylene"])
    assert len(plan.temperatures_k) == 49  # every 2.5 K
    assert plan.temperatures_k[0] == 293.15 and plan.temperatures_k[-1] == pytest.approx(413.15)
    assert len(plan.steps) == 1 and plan.residue in {"PS", "PE"}


@pytest.mark.parametrize("polymers, error", [
    (["PS"], InputError), (["PS", "PE", "PP", "PET", "PA6", "PVC", "PMMA"], InputError),
    (["PS", "polystyrene"], InputError), (["PS", "polystyrne"], NameNotFoundError), ("PS,PE", InputError),
])
def test_plan_separation_bad_input_raises(polymers, error):
    with pytest.raises(error):
        plan_separation(polymers, T_20_200_K)
