"""The public prediction API on the shipped model: literature sanity, invariance, bad input."""

import math

import numpy as np
import pandas as pd
import pytest

from chiapp import load_model, predict_batch, predict_chi, predict_grid
from chiapp.errors import InputError, InvalidSmilesError, NameNotFoundError, UnsupportedMoleculeError

PS = "*CC(*)c1ccccc1"


def test_polystyrene_in_toluene_is_a_good_solvent_near_room_temperature():
    # chi = 0.37-0.44 at 25 °C (Orwoll & Arnold, Physical Properties of Polymers Handbook, 2007)
    p = predict_chi(PS, "Cc1ccccc1", 298.15)
    assert 0.30 <= p.chi[0] <= 0.50
    assert p.verdict == "dissolves" and p.dissolve_probability[0] >= 0.7


def test_polystyrene_in_cyclohexane_is_near_theta_at_35_c():
    # cyclohexane is the classic theta solvent of PS (theta = 34.5 °C): chi = 1/2 in the dilute limit,
    # higher in concentrated solution; the handbook table (Orwoll & Arnold 2007) gives 0.57 at
    # 30 °C and 0.64 at 40 °C. So near theta chi is 0.45-0.70, poorer than toluene, and it falls
    # on heating (an upper critical solution temperature).
    p = predict_chi(PS, "C1CCCCC1", 308.15)
    assert 0.45 <= p.chi[0] <= 0.70
    assert p.chi_std[0] < 0.15
    assert p.b_k > 0
    assert p.chi[0] > predict_chi(PS, "Cc1ccccc1", 308.15).chi[0] + 0.1


def test_water_is_a_non_solvent_for_polystyrene():
    p = predict_chi(PS, "O", 298.15)
    assert p.chi[0] > 1.0
    assert p.verdict == "does not dissolve" and p.dissolve_probability[0] <= 0.3


def test_predict_chi_by_name_equals_by_smiles():
    by_name = predict_chi("polystyrene", "toluene", [300.0, 350.0])
    by_smiles = predict_chi(PS, "Cc1ccccc1", [300.0, 350.0])
    np.testing.assert_array_equal(by_name.chi, by_smiles.chi)
    assert by_name.polymer_name and by_name.solvent_name


def test_prediction_same_for_any_way_of_writing_the_repeat_unit():
    a = predict_chi("*CCO*", "O", 300.0)
    b = predict_chi("*OCC*", "O", 300.0)
    c = predict_chi("*C(c1ccccc1)C*", "O", 300.0)
    d = predict_chi("*CC(*)c1ccccc1", "O", 300.0)
    assert a.chi[0] == pytest.approx(b.chi[0], abs=1e-12)
    assert c.chi[0] == pytest.approx(d.chi[0], abs=1e-12)


def test_chi_follows_its_coefficients_and_spread_is_non_negative():
    t = np.linspace(280.0, 420.0, 50)
    p = predict_chi(PS, "CCCCCC", t)
    np.testing.assert_allclose(p.chi, p.a + p.b_k / t + p.c_k2 / t**2, rtol=1e-9)
    assert p.chi.shape == p.chi_std.shape == (50,)
    assert np.all(p.chi_std >= 0)


def test_domain_flag_follows_spread_and_temperature_range():
    inside = predict_chi(PS, "Cc1ccccc1", 298.15)  # a measured pair
    assert inside.in_domain and inside.polymer_similarity == pytest.approx(1.0)
    assert inside.nearest_polymers[0][0] == PS
    silicone = predict_chi("*[Si](C)(C)O*", "Cc1ccccc1", 298.15)  # no silicon in the chi data
    assert silicone.polymer_similarity < 0.5
    hot = predict_chi(PS, "Cc1ccccc1", 900.0)
    assert not hot.in_domain and any("temperature" in n for n in hot.domain_notes)
    threshold = load_model().manifest["domain"]["spread_threshold"]
    for p in (inside, silicone):
        assert p.in_domain == bool(p.chi_std.max() <= threshold)


@pytest.mark.parametrize("temperature_k, words", [
    (-26.85, "between 1 and 2000 K, got -26.85 K"),       # -300 °C
    (0.0, "between 1 and 2000 K"),
    (1e-300, "between 1 and 2000 K"),      # would give chi ~ 1e302
    (1e9, "between 1 and 2000 K"),
    (float("nan"), "between 1 and 2000 K, got nan"),
    ("warm", "number"),
    ([], "at least one"),
])
def test_predict_chi_rejects_bad_temperatures(temperature_k, words):
    with pytest.raises(InputError, match=words):
        predict_chi(PS, "toluene", temperature_k)


@pytest.mark.parametrize("polymer, solvent, error", [
    ("*CC(*", "toluene", InvalidSmilesError),
    ("CCC", "toluene", UnsupportedMoleculeError),        # a polymer without '*' ends
    (PS, "[Na+].[Cl-]", UnsupportedMoleculeError),       # a salt
    (PS, "CC[Hg]CC", UnsupportedMoleculeError),          # a metal
    (PS, "tolune", NameNotFoundError),                   # a typo gets suggestions
    (PS, "*CC*", UnsupportedMoleculeError),              # a polymer where a solvent is expected
])
def test_predict_chi_rejects_bad_molecules(polymer, solvent, error):
    with pytest.raises(error):
        predict_chi(polymer, solvent, 300.0)


def test_predict_batch_answers_good_rows_and_reports_bad_ones_in_order():
    frame = pd.DataFrame({
        "polymer": [PS, "*CC(*", PS, "CCC", PS, "polystyrene"],
        "solvent": ["Cc1ccccc1", "Cc1ccccc1", "O", "Cc1ccccc1", "Cc1ccccc1", "toluene"],
        "temperature_k": [298.15, 298.15, 298.15, 298.15, -26.85, 298.15],
    })
    out = predict_batch(frame)
    assert list(out.columns[:3]) == ["polymer", "solvent", "temperature_k"]
    assert list(out["error"] == "") == [True, False, True, False, False, True]
    assert "syntax" in out["error"][1] and "'*'" in out["error"][3] and "0 K" in out["error"][4]
    assert math.isnan(out["chi"][1]) and not math.isnan(out["chi"][0])
    single = predict_chi(PS, "O", 298.15)
    assert out["chi"][2] == pytest.approx(single.chi[0], abs=1e-12)
    assert out["chi"][0] == pytest.approx(out["chi"][5], abs=1e-12)


def test_predict_grid_matches_single_predictions_and_reports_failures():
    grid = predict_grid([PS, "*CC(*)C"], ["Cc1ccccc1", "O", "not a smiles"], [298.15, 350.0])
    assert grid.a.shape == (2, 2) and grid.chi.shape == (2, 2, 2)
    assert [f[1] for f in grid.failures] == ["not a smiles"]
    single = predict_chi(PS, "O", [298.15, 350.0])
    assert grid.ensemble_chi[0, 1] == pytest.approx(single.ensemble_chi, abs=1e-12)   # the raw ensemble
    assert grid.chi[0, 1] == pytest.approx(single.chi, abs=1e-12)                     # the posterior
    assert grid.dissolve_probability[0, 1] == pytest.approx(single.dissolve_probability, abs=1e-12)
    assert (grid.a[0, 1], grid.b_k[0, 1]) == pytest.approx((single.a, single.b_k), rel=1e-12, abs=1e-12)  # b_k is ~300 K
    assert list(grid.verdicts[0, 1]) == list(single.verdicts)


def test_prediction_is_immutable_and_compares_by_value():
    first = predict_chi(PS, "toluene", [298.15, 350.0])
    second = predict_chi(PS, "toluene", [298.15, 350.0])
    with pytest.raises(ValueError, match="read-only"):
        first.chi[0] = 99.0
    with pytest.raises(ValueError, match="read-only"):
        first.temperatures_k[0] = 1.0
    assert first == second
    assert first != predict_chi(PS, "toluene", [298.15, 351.0])
    # the value type of chi(T) gives the same numbers as the stored curve
    assert first.coefficients.chi(first.temperatures_k) == pytest.approx(first.chi)


def test_inference_does_not_import_torch():
    import subprocess
    import sys

    code = ("import sys\nfrom chiapp import predict_chi, rank_solvents\npredict_chi('PS', 'toluene', 300.0)\n"
            "rank_solvents('PS', 300.0, solvents=['toluene', 'water'])\nprint('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-1000:]
    assert done.stdout.strip() == "False"


def test_a_batch_error_row_carries_no_number_at_all():
    frame = pd.DataFrame({"polymer": ["PS", "not a polymer", "PS"], "solvent": ["toluene", "toluene", "toluene"],
                          "temperature_k": [300.0, 300.0, 1e-300]})
    result = predict_batch(frame)
    numbers = ["chi", "chi_std", "chi_limit", "dissolve_probability", "ensemble_chi", "ensemble_chi_std",
               "classifier_probability"]
    assert result["error"].iat[0] == "" and np.isfinite(result.loc[0, numbers].to_numpy(float)).all()
    for row in (1, 2):
        assert result["error"].iat[row] != ""
        assert np.isnan(result.loc[row, numbers].to_numpy(float)).all()
        assert result["verdict"].iat[row] == "" and result["prior"].iat[row] == "" and result["in_domain"].iat[row] is None
