"""Group-contribution Hansen parameters, molar volumes, densities, Hansen distance and χ.

Golden numbers: Hansen, *Hansen Solubility Parameters: A User's Handbook*, 2nd ed. (CRC 2007),
Table A.1 (solvents: δD/δP/δH [MPa^0.5], V [cm³/mol]) and its polymer table; amorphous densities
at 25 °C from Mark (ed.), *Physical Properties of Polymers Handbook* (2007); hand sums of the
Van Krevelen Table 7.10 / Fedors Table 5 increments. Tolerances follow the method's known
accuracy (Van Krevelen ch. 7): ±1.5 on δD, ±2.5 on δP and δH, ±10 % on molar volume.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from rdkit import Chem

from chiapp.errors import InputError
from chiapp.hansen import (
    GAS_CONSTANT_J_PER_MOL_K,
    HansenEstimate,
    estimate_density_g_per_cm3,
    estimate_hansen,
    hansen_chi,
    hansen_distance_mpa05,
)

# name, SMILES, handbook δD, δP, δH [MPa^0.5], molar volume [cm³/mol] (Hansen 2007, Table A.1)
SOLVENTS = [
    ("toluene", "Cc1ccccc1", 18.0, 1.4, 2.0, 106.8),
    ("acetone", "CC(C)=O", 15.5, 10.4, 7.0, 74.0),
    ("ethanol", "CCO", 15.8, 8.8, 19.4, 58.5),
    ("n-hexane", "CCCCCC", 14.9, 0.0, 0.0, 131.6),
    ("chloroform", "ClC(Cl)Cl", 17.8, 3.1, 5.7, 80.7),
]


def hansen(smiles: str) -> HansenEstimate:
    return estimate_hansen(Chem.MolFromSmiles(smiles))


@pytest.mark.parametrize("name, smiles, d, p, h, volume", SOLVENTS, ids=[s[0] for s in SOLVENTS])
def test_estimate_hansen_solvent_matches_handbook(name, smiles, d, p, h, volume):
    est = hansen(smiles)
    assert est.coverage == 1.0
    assert est.delta_d_mpa05 == pytest.approx(d, abs=1.5)
    assert est.delta_p_mpa05 == pytest.approx(p, abs=2.5)
    assert est.delta_h_mpa05 == pytest.approx(h, abs=2.5)
    assert est.molar_volume_cm3_per_mol == pytest.approx(volume, rel=0.10)


def test_estimate_hansen_explicit_hydrogens_change_nothing():
    # the training data writes solvents with explicit [H]
    with_h = estimate_hansen(Chem.MolFromSmiles("[H]C([H])([H])C(=O)C([H])([H])[H]"))
    assert with_h == hansen("CC(C)=O")


def test_estimate_hansen_toluene_equals_hand_sum():
    # phenyl 1430 + CH3 420 over Fedors phenyl 71.4 + CH3 33.5; F_p phenyl 110; no E_h
    est = hansen("Cc1ccccc1")
    assert est.molar_volume_cm3_per_mol == pytest.approx(104.9)
    assert est.delta_d_mpa05 == pytest.approx(1850 / 104.9)
    assert est.delta_p_mpa05 == pytest.approx(110 / 104.9)
    assert est.delta_h_mpa05 == 0.0


def test_estimate_hansen_pmma_equals_hand_sum():
    # -CH2- 270, >C< -70, 2 × -CH3 420, -COO- 390/490/7000; V = 16.1 - 19.2 + 2 × 33.5 + 18.0
    est = hansen("*CC(*)(C)C(=O)OC")
    volume = 16.1 - 19.2 + 2 * 33.5 + 18.0
    assert est.molar_volume_cm3_per_mol == pytest.approx(volume)
    assert est.delta_d_mpa05 == pytest.approx((270 - 70 + 2 * 420 + 390) / volume)
    assert est.delta_p_mpa05 == pytest.approx(490 / volume)
    assert est.delta_h_mpa05 == pytest.approx(math.sqrt(7000 / volume))


def test_estimate_hansen_symmetry_rule_cancels_ccl4_polarity():
    # CCl4 has four equivalent C-Cl dipoles: δP = 0 (handbook 17.8 / 0.0 / 0.6)
    assert hansen("ClC(Cl)(Cl)Cl").delta_p_mpa05 == 0.0


@pytest.mark.parametrize("a, b", [
    ("*CCO*", "*OCC*"),
    ("*OCCCCCC(*)=O", "*CCCCCC(=O)O*"),          # poly(ε-caprolactone), ester split by '*'
    ("*CC(*)c1ccccc1", "*C(c1ccccc1)C*"),
    ("*OCCOC(=O)CCC(*)=O", "*C(=O)OCCOC(=O)CC*"),
])
def test_estimate_hansen_repeat_unit_rotation_invariant(a, b):
    ea, eb = hansen(a), hansen(b)
    for field in ("delta_d_mpa05", "delta_p_mpa05", "delta_h_mpa05", "molar_volume_cm3_per_mol"):
        assert getattr(ea, field) == pytest.approx(getattr(eb, field), rel=1e-12)


def test_estimate_hansen_ester_across_the_ends_is_one_ester():
    # *OCCCCCC(*)=O is -O-(CH2)5-C(=O)-: one -COO- and five -CH2- per repeat unit
    est = hansen("*OCCCCCC(*)=O")
    volume = 5 * 16.1 + 18.0
    assert est.molar_volume_cm3_per_mol == pytest.approx(volume)
    assert est.delta_h_mpa05 == pytest.approx(math.sqrt(7000 / volume))


def test_estimate_hansen_polyethylene_is_nonpolar():
    est = hansen("*CC*")
    assert 16.0 <= est.delta_d_mpa05 <= 18.0
    assert est.delta_p_mpa05 == 0.0 and est.delta_h_mpa05 == 0.0
    assert est.molar_volume_cm3_per_mol == pytest.approx(2 * 16.1)


# polymer, SMILES, handbook δD (Hansen 2007 polymer table)
POLYMERS_DELTA_D = [
    ("PMMA", "*CC(*)(C)C(=O)OC", 18.6),
    pytest.param("polystyrene", "*CC(*)c1ccccc1", 18.5, marks=pytest.mark.xfail(
        strict=True, reason="Fedors' liquid volume is ~13 % small for a glassy polymer, so δD "
                            "comes out ~2 MPa^0.5 high (20.6)")),
    pytest.param("PVC", "*CC(*)Cl", 18.2, marks=pytest.mark.xfail(
        strict=True, reason="same glassy-volume shortfall: δD 20.5")),
]


@pytest.mark.parametrize("name, smiles, d", POLYMERS_DELTA_D)
def test_estimate_hansen_polymer_delta_d_matches_handbook(name, smiles, d):
    assert hansen(smiles).delta_d_mpa05 == pytest.approx(d, abs=1.5)


@pytest.mark.parametrize("smiles", [
    "OB(O)O",             # boron
    "c1cc[se]c1",         # selenium
    "O",                  # water: no group; a known failure of group contribution
    "c1ccc2cc3ccccc3cc2c1",  # three fused aromatic rings (two are the fitted naphthalene)
    "c1ccc2c(c1)[nH]c1ccccc12",  # carbazole: an aromatic N in a five-ring
    "c1ccsc1",            # thiophene
    "C[SiH3]",            # a silicon with hydrogens (the fitted >Si< has four heavy neighbours)
])
def test_estimate_hansen_uncovered_atoms_flagged(smiles):
    est = hansen(smiles)
    assert est.coverage < 1.0
    assert not est.is_complete
    assert all(math.isnan(v) for v in (est.delta_d_mpa05, est.delta_p_mpa05,
                                       est.delta_h_mpa05, est.molar_volume_cm3_per_mol))
    assert math.isnan(estimate_density_g_per_cm3(Chem.MolFromSmiles(smiles)))


def test_estimate_hansen_partial_coverage_is_the_covered_fraction():
    # 2-methylthiophene: the CH3 is covered, the five ring atoms are not
    assert hansen("Cc1cccs1").coverage == pytest.approx(1 / 6)


def test_estimate_hansen_wrong_number_of_stars_refused():
    with pytest.raises(ValueError):
        hansen("*CCC")


def test_estimate_hansen_agrees_with_chemicals_database():
    """An independent route: experimental Hansen parameters tabulated in `chemicals`."""
    from chemicals.identifiers import search_chemical
    from chemicals.solubility import hansen_delta_d, hansen_delta_h, hansen_delta_p

    smiles = ["CCCCCCC", "C1CCCCC1", "CCOC(C)=O", "CCC(C)=O", "CC#N", "CCCCO", "CC(C)O",
              "ClCCCl", "Clc1ccccc1", "CCOCC", "C1CCOC1", "CC[N+](=O)[O-]", "Cc1ccc(C)cc1",
              "CN(C)C=O", "CCCCCl", "OC1CCCCC1"]
    errors = []
    for s in smiles:
        mol = Chem.MolFromSmiles(s)
        cas = search_chemical("InChIKey=" + Chem.MolToInchiKey(mol)).CASs
        reference = np.array([hansen_delta_d(cas), hansen_delta_p(cas), hansen_delta_h(cas)]) / 1e3
        est = estimate_hansen(mol)
        errors.append(np.abs([est.delta_d_mpa05, est.delta_p_mpa05, est.delta_h_mpa05] - reference))
    mae_d, mae_p, mae_h = np.mean(errors, axis=0)
    assert mae_d < 1.0
    assert mae_p < 2.0 and mae_h < 2.0


@pytest.mark.parametrize("smiles, glassy, density", [
    ("*CC*", False, 0.855),               # amorphous polyethylene
    ("*CC(*)(C)C", False, 0.917),         # polyisobutylene
    ("*CCO*", False, 1.127),              # amorphous poly(ethylene oxide)
    ("*CC(*)c1ccccc1", True, 1.05),       # polystyrene
    ("*CC(*)Cl", True, 1.385),            # PVC
    ("*CC(*)(C)C(=O)OC", True, 1.17),     # PMMA
])
def test_estimate_density_matches_amorphous_polymers(smiles, glassy, density):
    rho = estimate_density_g_per_cm3(Chem.MolFromSmiles(smiles), glassy=glassy)
    assert rho == pytest.approx(density, rel=0.10)


def test_estimate_density_glassy_correction_is_fedors_rule():
    # n = 2 main-chain atoms: ΔV = 4 n = 8 cm³/mol on top of 16.1 - 1.0 + 71.4
    mol = Chem.MolFromSmiles("*CC(*)c1ccccc1")
    mass = 104.152
    assert estimate_density_g_per_cm3(mol, glassy=True) == pytest.approx(mass / 94.5, rel=1e-3)
    assert estimate_density_g_per_cm3(mol) == pytest.approx(mass / 86.5, rel=1e-3)


def test_hansen_distance_by_hand():
    # polystyrene (18.5, 4.5, 2.9) to toluene (18.0, 1.4, 2.0): sqrt(4·0.25 + 9.61 + 0.81)
    assert hansen_distance_mpa05((18.5, 4.5, 2.9), (18.0, 1.4, 2.0)) == pytest.approx(
        math.sqrt(11.42))


def test_hansen_distance_accepts_estimates_and_is_symmetric():
    a, b = hansen("Cc1ccccc1"), hansen("CC(C)=O")
    assert hansen_distance_mpa05(a, b) == pytest.approx(hansen_distance_mpa05(b, a))
    assert hansen_distance_mpa05(a, a) == 0.0


def test_hansen_chi_by_hand():
    # χ = 0.6 · 106.8 / (8.314462618 · 298.15) · (0.5² + ¼·3.1² + ¼·0.9²) = 0.0738
    chi = hansen_chi((18.5, 4.5, 2.9), (18.0, 1.4, 2.0), 106.8, 298.15)
    assert chi == pytest.approx(0.6 * 106.8 * (0.25 + 0.25 * 9.61 + 0.25 * 0.81)
                                / (8.314462618 * 298.15))
    assert chi == pytest.approx(0.0738, abs=1e-4)
    assert GAS_CONSTANT_J_PER_MOL_K == pytest.approx(8.314462618)


def test_hansen_chi_vectorized_over_temperature_scales_as_one_over_t():
    temperatures_k = np.array([250.0, 300.0, 400.0])
    chis = hansen_chi((18.5, 4.5, 2.9), (15.5, 10.4, 7.0), 74.0, temperatures_k)
    assert chis.shape == (3,)
    np.testing.assert_allclose(chis * temperatures_k, chis[0] * 250.0)
    assert hansen_chi((18.5, 4.5, 2.9), (15.5, 10.4, 7.0), 74.0, 300.0, alpha=1.2) == \
        pytest.approx(2 * chis[1])


@pytest.mark.parametrize("volume, temperature", [(0.0, 300.0), (-5.0, 300.0), (80.0, 0.0),
                                                 (80.0, float("nan")), (80.0, [300.0, -1.0])])
def test_hansen_chi_rejects_bad_inputs(volume, temperature):
    with pytest.raises(InputError):
        hansen_chi((18.0, 0.0, 0.0), (15.0, 0.0, 0.0), volume, temperature)


def test_hansen_distance_rejects_wrong_shape():
    with pytest.raises(InputError):
        hansen_distance_mpa05((18.0, 1.0), (15.0, 0.0, 0.0))


def test_delta_total_is_euclidean_norm():
    est = HansenEstimate(3.0, 4.0, 12.0, 100.0, 1.0)
    assert est.delta_total_mpa05 == pytest.approx(13.0)


# --- the fitted groups (assets/hansen_fitted_groups.csv, written by training.hansen_groups) ---

def _fitted_row(group: str) -> tuple[float, float, float, float]:
    """F_d, ΣF_p², E_h, V of a fitted group, read from the shipped table with the csv module."""
    import csv

    from chiapp.resources import asset_path
    with open(asset_path("hansen_fitted_groups.csv"), newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["group"] == group)
    return (float(row["f_d_j05_cm15_per_mol"]), float(row["f_p_squared_j_cm3_per_mol2"]),
            float(row["e_h_j_per_mol"]), float(row["volume_cm3_per_mol"]))


def _deltas(f_d: float, f_p2: float, e_h: float, volume: float) -> tuple[float, float, float]:
    return f_d / volume, math.sqrt(f_p2) / volume, math.sqrt(e_h / volume)


def _assert_deltas(est: HansenEstimate, f_d: float, f_p2: float, e_h: float, volume: float) -> None:
    assert est.is_complete
    assert (est.delta_d_mpa05, est.delta_p_mpa05, est.delta_h_mpa05) == pytest.approx(
        _deltas(f_d, f_p2, e_h, volume), rel=1e-9)
    assert est.molar_volume_cm3_per_mol == pytest.approx(volume, rel=1e-9)


def test_fitted_sulfone_hand_sum_dimethyl_sulfone():
    f_d, f_p2, e_h, v = _fitted_row("sulfone -SO2-")
    # two -CH3 (HVK 420 / 0 / 0, Fedors 33.5) and one fitted sulfone
    _assert_deltas(hansen("CS(C)(=O)=O"), 2 * 420 + f_d, f_p2, e_h, 2 * 33.5 + v)


def test_fitted_ring_takes_the_benzene_step_per_substituent():
    f_d, f_p2, e_h, v = _fitted_row("furan ring")
    # 2,5-dimethylfuran: the furan ring with k = 2 (F_d −160 and V −19.0 each) and two -CH3
    _assert_deltas(hansen("Cc1ccc(C)o1"), f_d - 2 * 160 + 2 * 420, f_p2, e_h, v - 2 * 19.0 + 2 * 33.5)


def test_fitted_groups_make_a_silicone_repeat_unit():
    si, o = _fitted_row(">Si<"), _fitted_row("siloxane -Si-O-Si-")
    # PDMS per repeat unit: >Si<, the siloxane O and two -CH3; the polar terms add as F_p²
    _assert_deltas(hansen("*O[Si](*)(C)C"), si[0] + o[0] + 2 * 420, si[1] + o[1], si[2] + o[2],
                   si[3] + o[3] + 2 * 33.5)


def test_fitted_vinylidene_matches_the_classical_increments():
    """=CH2 is absent from Table 7.10 but not from older tables: the fit from 117 measured molecules
    recovers Small's attraction constant (J. Appl. Chem. 3, 71 (1953): 190 (cal cm³)^0.5/mol =
    389 J^0.5 cm^1.5/mol) within 10 % and Fedors' volume increment (28.5 cm³/mol) within 2."""
    f_d, _, _, volume = _fitted_row("=CH2")
    assert f_d == pytest.approx(190 * math.sqrt(4.184), rel=0.10)
    assert volume == pytest.approx(28.5, abs=2.0)


def test_library_polymers_all_covered_but_carbazole():
    import pandas as pd

    from chiapp.chemistry import parse_polymer
    from chiapp.resources import asset_path
    library = pd.read_csv(asset_path("polymers.csv"))
    uncovered = {row["name"] for _, row in library.iterrows()
                 if not estimate_hansen(parse_polymer(row["smiles"])).is_complete}
    assert uncovered == {"poly(N-vinylcarbazole)"}


def test_fitted_anhydride_claims_the_whole_group_not_an_ester_and_a_ketone():
    f_d, f_p2, e_h, v = _fitted_row("anhydride -CO-O-CO-")
    _assert_deltas(hansen("CC(=O)OC(C)=O"), 2 * 420 + f_d, f_p2, e_h, 2 * 33.5 + v)  # acetic anhydride


def test_fitted_vinylidene_beside_the_tabulated_vinylene():
    f_d, f_p2, e_h, v = _fitted_row("=CH2")
    assert f_p2 == 0 and e_h == 0  # held non-polar, as Table 7.10's hydrocarbon groups
    # 1-butene: =CH2, =CH- (HVK 200, Fedors 13.5), -CH2-, -CH3
    _assert_deltas(hansen("C=CCC"), f_d + 200 + 270 + 420, 0.0, 0.0, v + 13.5 + 16.1 + 33.5)


def test_fitted_pyridine_ring_with_a_substituent():
    f_d, f_p2, e_h, v = _fitted_row("pyridine ring")
    _assert_deltas(hansen("Cc1ccncc1"), f_d - 160 + 420, f_p2, e_h, v - 19.0 + 33.5)  # 4-methylpyridine


def test_fitted_naphthalene_in_a_closed_repeat_unit():
    f_d, f_p2, e_h, v = _fitted_row("naphthalene ring")
    # PEN per repeat unit: two esters (HVK 390 / 490 / 7000, Fedors 18.0), two -CH2-, and the
    # naphthalene-2,6-diyl ring with k = 2; a repeat unit adds F_p² without the symmetry rule
    est = estimate_hansen(Chem.MolFromSmiles("*OCCOC(=O)c1ccc2cc(C(*)=O)ccc2c1"))
    _assert_deltas(est, 2 * 390 + 2 * 270 + f_d - 2 * 160, 2 * 490**2 + f_p2, 2 * 7000 + e_h,
                   2 * 18.0 + 2 * 16.1 + v - 2 * 19.0)
