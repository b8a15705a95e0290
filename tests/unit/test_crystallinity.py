"""Flory's melting-point depression, the crystalline data table and the dissolution limit.

Flory, Principles of Polymer Chemistry, Cornell 1953, ch. XIII, eq. 28:
1/Tm - 1/Tm0 = (R/ΔHu)(Vu/V1)(φ1 - χ φ1²); the dissolution temperature is its φ1 → 1 limit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import Descriptors
from scipy.constants import R, zero_Celsius
from scipy.optimize import brentq

from chiapp.crystallinity import (
    CrystallineData,
    CrystallineOverride,
    crystalline_data,
    crystalline_limit,
    crystallinity_table,
    dissolution_chi_limit,
    dissolution_temperature_k,
    dissolution_window,
    k_per_kelvin,
    melting_chi,
    solvated_inverse_melting_k,
    solvation_shift,
)
from chiapp.errors import InputError
from chiapp.library import polymer_library, resolve_polymer
from chiapp.liquid_range import liquid_mask, needs_pressure
from chiapp.prediction import dissolution_limit, predict_chi

#: A made-up crystalline polymer with round numbers, independent of the table.
TOY = CrystallineData(polymer="toy", grade="", smiles="*CC*", melting_point_k=420.0, equilibrium_melting_point_k=None,
                      heat_of_fusion_j_per_mol=8000.0, repeat_unit_molar_volume_cm3_per_mol=33.0, crystallinity=0.5,
                      source="test")


def _data(text: str, **options):
    """The table's data of a polymer as typed (a grade name picks that grade)."""
    return crystalline_data(resolve_polymer(text), **options)


@pytest.fixture(autouse=True)
def _raise_on_float_errors():
    old = np.seterr(all="raise")
    yield
    np.seterr(**old)


# ---------------------------------------------------------------------------------------------
# The physics against closed forms and an independent route

@pytest.mark.parametrize("chi", [-0.5, 0.0, 0.2, 0.45])
@pytest.mark.parametrize("volume", [18.0, 106.8, 250.0])
def test_dissolution_temperature_constant_chi_matches_closed_form(chi, volume):
    """χ constant: 1/Td = 1/Tm + (R/ΔHu)(Vu/V1)(1 - χ)."""
    expected = 1.0 / (1.0 / TOY.melting_point_k + R / TOY.heat_of_fusion_j_per_mol
                      * TOY.repeat_unit_molar_volume_cm3_per_mol / volume * (1.0 - chi))
    assert dissolution_temperature_k(TOY, chi, 0.0, volume) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("a, b_k", [(0.1, 80.0), (-0.3, 250.0), (0.6, -60.0), (0.0, 0.0)])
def test_dissolution_temperature_matches_free_energy_balance_root(a, b_k):
    """Independent route: at Td a repeat unit has the same chemical potential in the crystal and in
    the dilute solution, ΔHu (1 - T/Tm) = R T (Vu/V1)(1 - χ(T)) (Flory 1953, ch. XIII), solved by
    bracketing instead of the closed form."""
    volume = 120.0

    def balance(t):
        chi = a + b_k / t
        return (TOY.heat_of_fusion_j_per_mol * (1 - t / TOY.melting_point_k)
                - R * t * TOY.repeat_unit_molar_volume_cm3_per_mol / volume * (1 - chi))

    root = brentq(balance, 150.0, TOY.melting_point_k + 50.0, xtol=1e-12)
    assert dissolution_temperature_k(TOY, a, b_k, volume) == pytest.approx(root, rel=1e-9)


def test_worked_example_polyethylene_in_xylene():
    """Textbook inputs, by hand: linear PE, Tm0 = 414.6 K and ΔHu = 4.11 kJ per mol CH2
    (Wunderlich, Macromolecular Physics vol. 3, 1980), amorphous density 0.855 g/cm3 (Mark 2007),
    p-xylene V1 = 123.95 cm3/mol, χ = 0.35:
    Vu = 14.027/0.855 = 16.406 cm3/mol, K = R Vu/(ΔHu V1) = 2.6776e-4 /K,
    1/Td = 1/414.6 + 2.6776e-4 × 0.65 = 2.58600e-3 /K, Td = 386.70 K (113.5 °C): within the
    110-118 °C at which linear PE dissolves in xylene (Polymer Handbook, 4th ed., ch. VII)."""
    data = _data("HDPE", basis="equilibrium")
    assert data.melting_point_k == 414.6
    assert dissolution_temperature_k(data, 0.35, 0.0, 123.95) == pytest.approx(386.70, abs=0.05)


def test_melting_chi_is_one_at_the_melting_point_and_the_limit_is_the_smaller():
    t = np.array([300.0, 380.0, 420.0, 450.0])
    chi_m = melting_chi(t, TOY, 100.0)
    assert chi_m[2] == pytest.approx(1.0)
    assert np.all(np.diff(chi_m) > 0)
    limit = dissolution_chi_limit(t, TOY, 100.0, 0.55)
    assert np.array_equal(limit, np.minimum(0.55, chi_m))
    assert np.all(dissolution_chi_limit(t, None, 100.0, 0.55) == 0.55)


def test_melting_chi_crossing_is_the_dissolution_temperature():
    """χ(Td) = χ_m(Td): the two ways of writing the rule agree."""
    a, b_k, volume = 0.1, 90.0, 110.0
    td = dissolution_temperature_k(TOY, a, b_k, volume)
    assert a + b_k / td == pytest.approx(float(melting_chi(td, TOY, volume)[0]), abs=1e-10)


def test_solvation_shift_is_flory_with_a_raised_melting_chi():
    """χ_m + Δ in closed form: for a constant χ, 1/Td = 1/Tm + K (1 + Δ − χ); the shift is
    β·max(0, −χ_QC), nothing where COSMO-SAC says 'not attractive' or is unknown."""
    chi, shift, volume = 0.2, 0.8, 100.0
    k = k_per_kelvin(TOY, volume)
    expected = 1.0 / (1.0 / TOY.melting_point_k + k * (1.0 + shift - chi))
    assert dissolution_temperature_k(TOY, chi, 0.0, volume, solvation=shift) == pytest.approx(expected, rel=1e-12)
    assert dissolution_temperature_k(TOY, chi, 0.0, volume, solvation=shift) < dissolution_temperature_k(
        TOY, chi, 0.0, volume)
    t = np.array([300.0, 350.0])
    assert np.allclose(melting_chi(t, TOY, volume, shift), melting_chi(t, TOY, volume) + shift, atol=1e-12)
    np.testing.assert_array_equal(solvation_shift([-5.0, -0.5, 0.0, 2.0, np.nan], 0.5), [2.5, 0.25, 0.0, 0.0, 0.0])
    # the engine's form: the same window with 1/Tm' = 1/Tm + K·Δ
    x_m = solvated_inverse_melting_k(1.0 / TOY.melting_point_k, k, shift)
    window = dissolution_window([chi], [0.0], [0.0], [np.inf], [k], [x_m])
    assert window["low_k"][0] == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# The too-poor solvent, the band, the reason

def test_solvent_poorer_than_chi_c_does_not_dissolve_a_crystal():
    """χ = 0.7 > χ_c = 0.55: the crystals melt (at 1/T = 1/Tm + K(1 - χ)) but the melt demixes."""
    limit = crystalline_limit(TOY, 0.7, 0.0, 0.05, solvent_molar_volume_cm3_per_mol=100.0, chi_critical=0.55)
    assert limit.dissolution_temperature_k is None
    expected_melt = 1.0 / (1.0 / TOY.melting_point_k + R * 33.0 / (8000.0 * 100.0) * 0.3)
    assert limit.melting_temperature_k == pytest.approx(expected_melt, rel=1e-9)
    assert "does not dissolve" in limit.reason


def test_ucst_solvent_dissolves_above_where_chi_falls_below_chi_c():
    """χ = 0.2 + 150/T crosses χ_c = 0.55 at 428.6 K, above the melting point in it: Td is there."""
    limit = crystalline_limit(TOY, 0.2, 150.0, 0.0, solvent_molar_volume_cm3_per_mol=100.0, chi_critical=0.55)
    assert limit.dissolution_temperature_k == pytest.approx(150.0 / 0.35)
    assert limit.limited_by_chi_c


def test_three_term_chi_with_a_ucst_and_an_lcst_dissolves_between_them():
    """χ = g0 + g1/T + g2/T² equals χc at the roots of the quadratic in x = 1/T: for an amorphous
    polymer the dissolved window is exactly between them (closed form)."""
    g0, g1, g2, chi_c = 2.0, -1200.0, 2.0e5, 0.55
    roots = np.sort(np.roots([g2, g1, g0 - chi_c]))            # x = 1/T where χ = χc
    window = dissolution_window([g0], [g1], [g2], [chi_c], [np.nan], [np.nan])
    assert window["low_k"][0] == pytest.approx(1 / roots[1], rel=1e-12)   # the UCST
    assert window["high_k"][0] == pytest.approx(1 / roots[0], rel=1e-12)  # the LCST
    assert window["by_chi_c"][0]


def test_band_orders_low_center_high_and_reason_quotes_them():
    limit = crystalline_limit(TOY, 0.1, 60.0, 0.05, solvent_molar_volume_cm3_per_mol=120.0)
    low, center, high = (limit.dissolution_temperature_low_k, limit.dissolution_temperature_k,
                         limit.dissolution_temperature_high_k)
    assert low < center < high < TOY.melting_point_k
    assert limit.reason.startswith(f"dissolves above ~{center - zero_Celsius:.0f} °C (melting-point depression, χ ")
    assert "± 0.05" in limit.reason
    # the band is Td of χ ∓ σ: each edge is where χ ∓ σ meets the melting limit
    for edge, shift in ((low, -0.05), (high, +0.05)):
        assert 0.1 + shift + 60.0 / edge == pytest.approx(float(melting_chi(edge, TOY, 120.0)[0]), abs=1e-9)


def test_amorphous_polymer_has_no_limit():
    limit = crystalline_limit(None, 0.3, 20.0, 0.05, polymer="*CC(*)c1ccccc1")
    assert not limit.is_crystalline
    assert limit.reason == "amorphous: no melting-point limit"


@pytest.mark.parametrize("kwargs", [{"chi_std": -0.1}, {"a": float("nan")}, {"b_k": 1e300},
                                    {"solvent_molar_volume_cm3_per_mol": 0.0}, {"chi_critical": 0.0}])
def test_crystalline_limit_bad_input_raises(kwargs):
    args = dict(data=TOY, a=0.3, b_k=20.0, chi_std=0.05, solvent_molar_volume_cm3_per_mol=100.0)
    args.update(kwargs)
    with pytest.raises(InputError):
        crystalline_limit(**args)


# ---------------------------------------------------------------------------------------------
# The table and the overrides

def test_every_table_row_names_a_library_polymer_with_one_default():
    table = crystallinity_table()
    names = set(polymer_library()["name"])
    assert set(table["polymer"]) <= names
    assert (table.groupby("polymer")["default"].sum() == 1).all()
    required = {"HDPE", "LDPE", "iPP", "PET", "PBT", "PA6", "PA66", "PVDF", "POM", "PEEK", "PTFE", "PLLA", "PCL",
                "PEO", "PVA", "PPS", "PHB", "PBS", "iPS", "sPS"}
    assert required <= set(table["grade"])


def test_table_values_are_physically_consistent():
    """A commercial grade melts below its equilibrium Tm0; heats of fusion per gram lie in the
    40-350 J/g span of known polymers (Wunderlich 1980: from ~50 J/g for sPS to 326 J/g for POM); crystallinities in [0, 1)."""
    table = crystallinity_table()
    library = polymer_library().set_index("name")
    crystalline = table[table["crystallinity"] > 0]
    both = crystalline.dropna(subset=["equilibrium_melting_point_k"])
    assert (both["melting_point_c"] + zero_Celsius < both["equilibrium_melting_point_k"]).all()
    for row in crystalline.itertuples():
        mass = Descriptors.MolWt(Chem.MolFromSmiles(library.loc[row.polymer, "smiles"]))
        assert 40.0 < row.heat_of_fusion_j_per_mol / mass < 350.0, row.grade
        assert row.melting_point_source and row.heat_of_fusion_source
    assert table["crystallinity"].between(0.0, 0.99).all()


@pytest.mark.parametrize("text, grade, melting_c", [("HDPE", "HDPE", 133.0), ("LDPE", "LDPE", 110.0),
                                                    ("polyethylene", "HDPE", 133.0), ("iPP", "iPP", 165.0),
                                                    ("sPS", "sPS", 270.0), ("PLA", "PLLA", 170.0)])
def test_crystalline_data_picks_the_grade_the_text_names(text, grade, melting_c):
    data = _data(text)
    assert data.grade == grade
    assert data.melting_point_c == pytest.approx(melting_c)


@pytest.mark.parametrize("text", ["polystyrene", "aPP", "PDLLA", "PMMA", "*CC(*)c1ccccc1"])
def test_amorphous_grades_and_unlisted_polymers_have_no_data(text):
    assert _data(text) is None


def test_overrides_amorphous_grade_measured_melting_point_and_a_new_crystalline_polymer():
    assert _data("PET", overrides={"crystallinity": 0}) is None
    measured = _data("HDPE", overrides=CrystallineOverride(melting_point_c=128.0))
    assert measured.melting_point_c == pytest.approx(128.0) and measured.overridden
    td_table = dissolution_temperature_k(_data("HDPE"), 0.3, 0.0, 120.0)
    td_measured = dissolution_temperature_k(measured, 0.3, 0.0, 120.0)
    assert td_measured < td_table  # a lower melting point dissolves lower
    made = _data("PMMA", overrides={"melting_point_c": 160.0, "heat_of_fusion_j_per_mol": 5000.0})
    assert made is not None and made.melting_point_c == pytest.approx(160.0)
    assert _data("PE", overrides={"grade": "LDPE"}).grade == "LDPE"


@pytest.mark.parametrize("overrides", [{"melting_temperature": 100}, {"crystallinity": 1.5},
                                       {"heat_of_fusion_j_per_mol": -3}, {"grade": "UHMWPE"}, "hot"])
def test_bad_overrides_raise_input_error(overrides):
    with pytest.raises(InputError):
        _data("HDPE", overrides=overrides)


def test_crystalline_polymer_needs_a_heat_of_fusion():
    with pytest.raises(InputError, match="heat_of_fusion"):
        _data("PMMA", overrides={"melting_point_c": 160.0})


# ---------------------------------------------------------------------------------------------
# With the model: the strict xfail of PE in toluene, now physics

def test_polyethylene_in_toluene_at_25c_does_not_dissolve_and_says_why():
    """Polymer Handbook, 4th ed., ch. VII: PE dissolves in no solvent at room temperature, in
    toluene or xylene only near 100 °C and above."""
    limit = dissolution_limit("PE", "toluene")
    assert predict_chi("PE", "toluene", [298.15, 393.15]).verdicts == ("does not dissolve", "dissolves")
    assert limit.reason.startswith("dissolves above ~")
    assert "melting-point depression" in limit.reason
    assert 80.0 < limit.dissolution_temperature_c < 115.0
    assert "specific interactions" not in limit.reason  # COSMO-SAC: no attraction, Flory's limit unchanged


def test_pvdf_dissolves_in_nmp_at_25c_by_the_solvation_shift():
    """PVDF binder solutions are made in NMP at room temperature (Arkema, Kynar PVDF solvent guide);
    the engine's P is Φ((min(χc, χ_m + β·max(0, −χ_QC(300 K))) − χ)/σ), rebuilt here from the
    pieces: Flory's χ_m, COSMO-SAC's χ from the σ-profiles, the manifest's β."""
    from scipy.stats import norm

    from chiapp import load_model
    from chiapp.answer import MoleculeBlock, posterior_parameters
    from chiapp.features import polymer_features, solvent_features
    from chiapp.quantum.chi import QC_NODES_K, qc_nodes

    model = load_model()
    weight = posterior_parameters(model).solvation_weight
    assert weight > 0
    polymer, solvent = polymer_features("PVDF", model=model), solvent_features("N-methyl-2-pyrrolidone", model=model)
    p, s = MoleculeBlock.of([polymer], "polymer"), MoleculeBlock.of([solvent], "solvent")
    chi_qc = qc_nodes(p.qc_first[0], s.qc_first, s.qc_second)[0, list(QC_NODES_K).index(300.0)]
    assert chi_qc < -1.0  # a strong acceptor for PVDF's acidic CH2
    t = np.array([298.15, 333.15])
    answer = predict_chi("PVDF", "N-methyl-2-pyrrolidone", t)
    limit = np.minimum(answer.chi_critical, melting_chi(t, polymer.crystal, solvent.molar_volume_cm3_per_mol)
                       + weight * -chi_qc)
    np.testing.assert_allclose(answer.dissolve_probability, norm.cdf((limit - answer.chi) / answer.chi_std),
                               atol=1e-9)
    assert answer.verdicts == ("dissolves", "dissolves")
    assert answer.crystalline.reason.endswith(f"raise its melting χ by {weight * -chi_qc:.2f}")
    # its Td lies below NMP's melting point (−24 °C, the library's): said so, not "above ~−49 °C"
    limit = answer.crystalline
    assert limit.solvent_melting_point_k == pytest.approx(solvent.melting_point_c + zero_Celsius)
    assert limit.dissolution_temperature_k < limit.solvent_melting_point_k and limit.dissolves_wherever_liquid
    assert limit.reason.startswith("dissolves wherever the solvent is liquid")


# ---------------------------------------------------------------------------------------------
# Liquid range

def test_liquid_mask_clips_at_boiling_and_melting_points_unless_allowed():
    t = np.array([0.0, 50.0, 100.0, 150.0]) + zero_Celsius
    mask = liquid_mask(t, [110.6, 202.0, math.nan], [-95.0, 5.5, math.nan])
    assert mask.tolist() == [[True, True, True, False], [False, True, True, True], [True, True, True, True]]
    assert liquid_mask(t, [110.6], [-95.0], allow_above_boiling=True).all()
    assert needs_pressure(140.0, 110.6) and not needs_pressure(100.0, 110.6)


def test_solvent_table_has_melting_points():
    from chiapp.library import solvent_library
    library = solvent_library()
    assert library["melting_point_c"].notna().mean() > 0.9
    toluene = library.set_index("name").loc["toluene"]
    assert toluene["melting_point_c"] == pytest.approx(-95.0, abs=1.5)  # CRC Handbook: -94.9 °C


def test_grades_of_one_repeat_unit_carry_their_own_melting_point_everywhere():
    """LDPE and HDPE are one repeat unit with two melting points (110 and 133 °C, Mark 2007): the
    grade the text names travels with the resolved molecule to the answer."""
    ldpe, hdpe = predict_chi("LDPE", "p-xylene", 298.15), predict_chi("HDPE", "p-xylene", 298.15)
    assert ldpe.grade == "LDPE" and hdpe.grade == "HDPE"
    assert ldpe.crystalline.data.melting_point_c == 110.0 and hdpe.crystalline.data.melting_point_c == 133.0
    assert ldpe.crystalline.dissolution_temperature_k < hdpe.crystalline.dissolution_temperature_k


def test_two_term_window_in_closed_form_equals_the_piecewise_search():
    """χ = a + b/T: the closed-form window (half-lines in 1/T) and the general piecewise search over the
    roots give the same Td, upper end and deciding limit, for random pairs (amorphous, crystalline,
    no demixing condition, flat χ, χ at χc)."""
    from chiapp.crystallinity import _window_linear, _window_pieces

    rng = np.random.default_rng(7)
    n = 20_000
    a, b = rng.normal(0.6, 0.8, n), rng.normal(50.0, 300.0, n)
    b[:200] = 0.0
    chi_c = np.where(rng.random(n) < 0.2, np.inf, rng.uniform(0.5, 0.6, n))
    a[200:300] = chi_c[200:300]
    k = np.where(rng.random(n) < 0.2, np.nan, rng.uniform(5e-4, 1e-2, n))
    x_m = 1.0 / rng.uniform(300.0, 600.0, n)
    with np.errstate(all="ignore"):
        closed, pieces = _window_linear(a, b, chi_c, k, x_m), _window_pieces(a, b, np.zeros(n), chi_c, k, x_m)
    for name in ("low_k", "high_k"):
        np.testing.assert_allclose(closed[name], pieces[name], rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(closed["by_chi_c"], pieces["by_chi_c"])
    assert np.isfinite(closed["low_k"]).sum() > n // 10 and np.isnan(closed["low_k"]).sum() > n // 10
