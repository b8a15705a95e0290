"""The solvent–solvent term of a blend (chiapp.mixing): χ12 from COSMO-SAC's G^E against the
single-mixture COSMO-SAC route, its closed-form limits, and what it does to a blend's answer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from chiapp.answer import answer_grid
from chiapp.chemistry import canonical_solvent
from chiapp.features import polymer_features, solvent_features
from chiapp.mixing import MIXING_TEMPERATURES_K, excess_chi, mixing_shift, pair_interaction
from chiapp.prediction import predict_chi
from chiapp.quantum.cosmosac import activity_coefficients
from chiapp.quantum.sigma import known_profile

ETHANOL, WATER = canonical_solvent("CCO"), canonical_solvent("O")


def test_a_liquid_mixed_with_itself_has_no_excess():
    p = known_profile("solvent", ETHANOL)
    np.testing.assert_allclose(excess_chi(p, p, [0.2, 0.5, 0.9], (58.6, 58.6), 298.15), 0.0, atol=1e-9)


def test_excess_chi_agrees_with_the_single_mixture_cosmo_sac_route():
    """χ12 = [x1 ln(x1γ1/φ1) + x2 ln(x2γ2/φ2)]/(φ1φ2), γ from chiapp.quantum.cosmosac.activity_coefficients
    (its own fixed-point solver, one mixture at a time)."""
    first, second = known_profile("solvent", ETHANOL), known_profile("solvent", WATER)
    v1, v2 = 58.6, 18.07
    for phi1 in (0.3, 0.7):
        x1 = (phi1 / v1) / (phi1 / v1 + (1 - phi1) / v2)
        g = activity_coefficients([first, second], [x1, 1 - x1], 320.0).ln_gamma
        expected = (x1 * (np.log(x1 / phi1) + g[0]) + (1 - x1) * (np.log((1 - x1) / (1 - phi1)) + g[1])) / (
            phi1 * (1 - phi1))
        assert excess_chi(first, second, phi1, (v1, v2), 320.0)[0] == pytest.approx(expected, abs=1e-6)


def _nrtl_excess_per_mole(first: str, second: str, x1: float, t: float) -> float:
    """G^E/RT per mole of molecules, straight from NRTL (Renon & Prausnitz, AIChE J. 14, 135 (1968)) with
    the table's row for the pair: x1 x2 [τ21 G21/(x1 + x2 G21) + τ12 G12/(x2 + x1 G12)]."""
    import io

    import pandas as pd

    from chiapp.resources import verified_asset

    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "activity_nrtl.csv")))
    row = table[(table["key_1"] == first) & (table["key_2"] == second)]
    if row.empty:
        row, x1 = table[(table["key_1"] == second) & (table["key_2"] == first)], 1 - x1
    row = row.iloc[0]
    tau12, tau21 = (row[c] / (1.987204258640832 * t) for c in ("a12_cal_per_mol", "a21_cal_per_mol"))
    g12, g21 = np.exp(-row["alpha12"] * tau12), np.exp(-row["alpha12"] * tau21)
    x2 = 1 - x1
    return x1 * x2 * (tau21 * g21 / (x1 + x2 * g21) + tau12 * g12 / (x2 + x1 * g12))


def _measured_pair_chi(first: str, second: str, phi1: float, v1: float, v2: float, t: float) -> float:
    """χ12 per site of the pair's mean molar volume at volume fraction φ1: the excess of the NRTL ΔG_mix
    over Flory–Huggins', per mole of molecules, over φ1 φ2."""
    x1 = (phi1 / v1) / (phi1 / v1 + (1 - phi1) / v2)
    excess = (_nrtl_excess_per_mole(first, second, x1, t) + x1 * np.log(x1 / phi1)
              + (1 - x1) * np.log((1 - x1) / (1 - phi1)))
    return excess / (phi1 * (1 - phi1))


def test_three_liquids_add_their_pairs():
    """Each pair at its own ratio in the blend: ethanol–water and ethanol–acetonitrile by their measured
    activities (DECHEMA NRTL, computed here from the formula), water–acetonitrile (not tabulated) by
    COSMO-SAC; the blend's χ moves by −Σ φi φj V_b g_ij, g_ij = χ_ij / V_ij of the pair alone."""
    keys = [ETHANOL, WATER, canonical_solvent("CC#N")]
    phi, v = np.array([0.5, 0.2, 0.3]), np.array([58.6, 18.07, 52.9])
    v_blend = 1 / np.sum(phi / v)
    t = np.array(MIXING_TEMPERATURES_K)
    expected = np.zeros(2)
    for i, j in ((0, 1), (0, 2), (1, 2)):
        psi = phi[i] / (phi[i] + phi[j])
        v_pair = 1 / (psi / v[i] + (1 - psi) / v[j])
        if (i, j) == (1, 2):
            a, b = pair_interaction(keys[i], keys[j], v[i], v[j])
            g = a + b / t
        else:
            g = np.array([_measured_pair_chi(keys[i], keys[j], psi, v[i], v[j], temp) for temp in t]) / v_pair
        expected -= phi[i] * phi[j] * v_blend * g
    a, b = mixing_shift(keys, phi, v)
    np.testing.assert_allclose(a + b / t, expected, rtol=1e-9)


def test_the_blend_finders_many_blends_equal_one_blend_at_a_time():
    """binary_mixing_shifts (the finder's route, blends solved together) gives mixing_shift's numbers for
    tabulated and computed pairs, at several compositions and in either order."""
    from chiapp.mixing import binary_mixing_shifts

    toluene, anisole = canonical_solvent("Cc1ccccc1"), canonical_solvent("COc1ccccc1")
    volumes = {ETHANOL: 58.6, WATER: 18.07, toluene: 106.3, anisole: 108.6}
    rows = [(ETHANOL, WATER, 0.8), (WATER, ETHANOL, 0.2), (ETHANOL, WATER, 0.3), (toluene, anisole, 0.6),
            (toluene, ETHANOL, 0.5), (ETHANOL, toluene, 0.5)]
    many = binary_mixing_shifts([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                                [volumes[r[0]] for r in rows], [volumes[r[1]] for r in rows])
    one = [mixing_shift([r[0], r[1]], [r[2], 1 - r[2]], [volumes[r[0]], volumes[r[1]]]) for r in rows]
    np.testing.assert_allclose(many, np.array(one), rtol=1e-9)
    np.testing.assert_allclose(many[0], many[1], rtol=1e-9)   # the same blend, named in the other order


def test_a_blends_answer_carries_the_mixing_term():
    """The blend's χ minus the same blend without the term is −φ1φ2 χ12 (per the blend's site), and at
    the two temperatures that fix χ12(T) it equals χ12 straight from the measured G^E of ethanol and water
    at the blend's composition (NRTL, computed here from the formula)."""
    polymer = polymer_features("PMMA")
    blend = solvent_features("ethanol:0.8+water:0.2")
    bare = dataclasses.replace(blend, mixing=(0.0, 0.0))
    t = np.array(MIXING_TEMPERATURES_K)
    with_term = answer_grid([polymer], [blend], t).chi[0, 0]
    without = answer_grid([polymer], [bare], t).chi[0, 0]
    v1, v2 = (c.molar_volume_cm3_per_mol for c in blend.components)
    chi12 = np.array([_measured_pair_chi(ETHANOL, WATER, 0.8, v1, v2, temp) for temp in t])
    np.testing.assert_allclose(with_term - without, -0.8 * 0.2 * chi12, atol=1e-9)
    assert "DECHEMA" in predict_chi("PMMA", blend.blend, 298.15).mixing_source


def test_cosolvency_ethanol_water_is_better_than_ethanol_for_pmma():
    """PMMA dissolves best near 80 wt-% ethanol in water, better than in ethanol (Hoogenboom et al.,
    Aust. J. Chem. 63, 1173 (2010)): with χ12 > 0 the blend's χ must fall below ethanol's."""
    blend = predict_chi("PMMA", "ethanol:0.8+water:0.2", 298.15).chi[0]
    assert blend < predict_chi("PMMA", "ethanol", 298.15).chi[0]


@pytest.mark.parametrize("first, second, mix, source", [
    ("ethanol", "water", True, "DECHEMA"),      # miscible in all proportions
    ("acetone", "water", True, "DECHEMA"),      # miscible in all proportions
    ("ethyl acetate", "water", False, "DECHEMA"),   # about 8 wt % of ethyl acetate dissolves in water at 20 °C
    ("methyl ethyl ketone", "water", False, "DECHEMA"),  # about 27 wt % at 20 °C
    ("toluene", "water", False, "COSMO-SAC"),   # about 0.05 wt % at 25 °C; no DECHEMA NRTL set for the pair
    ("chloroform", "water", False, "COSMO-SAC"),  # about 0.8 wt % at 25 °C
])
def test_two_liquids_mix_or_not_as_the_handbook_says(first, second, mix, source):
    """Miscibility at 25 °C (CRC Handbook of Chemistry and Physics, aqueous solubility of organic
    compounds), by the measured activities where the DECHEMA NRTL table has the pair (ethyl acetate and
    MEK with water: COSMO-SAC on MOPAC σ-profiles calls both miscible), else by COSMO-SAC's χ12 against
    the critical χ of two liquids of 1 and V2/V1 sites, which for equal sizes is 2 (½(1 + 1)²)."""
    from chiapp.flory_huggins import critical_chis
    from chiapp.mixing import liquids_mix

    assert float(critical_chis(1.0)) == pytest.approx(2.0)
    a, b = solvent_features(first), solvent_features(second)
    found = liquids_mix(a.key, [b.key], a.molar_volume_cm3_per_mol, [b.molar_volume_cm3_per_mol], 298.15)
    assert found[0][0] is mix and source in found[0][1]


def test_measured_nrtl_meets_its_closed_form_at_infinite_dilution():
    """ln γ1∞ = τ21 + τ12 exp(−α τ12), τij = Aij/(RT) (Renon & Prausnitz 1968), with the table's own
    row for ethanol (1) / water (2), and the two orders of the pair agree."""
    import io

    import pandas as pd

    from chiapp.mixing import measured_ln_gammas
    from chiapp.resources import verified_asset

    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "activity_nrtl.csv")))
    row = table[(table["key_1"] == ETHANOL) & (table["key_2"] == WATER)].iloc[0]
    t = 298.15
    tau12, tau21 = (row[c] / (1.987204258640832 * t) for c in ("a12_cal_per_mol", "a21_cal_per_mol"))
    ln1 = measured_ln_gammas(ETHANOL, WATER, [1e-12], t)[0, 0]
    assert ln1 == pytest.approx(tau21 + tau12 * np.exp(-row["alpha12"] * tau12), rel=1e-9)
    np.testing.assert_allclose(measured_ln_gammas(WATER, ETHANOL, [0.3], t)[0, ::-1],
                               measured_ln_gammas(ETHANOL, WATER, [0.7], t)[0], rtol=1e-12)
    assert measured_ln_gammas(canonical_solvent("Cc1ccccc1"), WATER, [0.5], t) is None   # not tabulated


def test_measured_chi_is_the_excess_of_the_measured_mixing_free_energy_over_flory_huggins():
    """Independent route: ΔG_mix/RT per site of the mean volume at equal volume fractions from the NRTL
    G^E (G^E/RT = x1 ln γ1 + x2 ln γ2), minus the Flory–Huggins entropy φ1 ln φ1 /1 + φ2 ln φ2 /(V2/V1)
    per site of V1, divided by φ1 φ2 = 1/4: χ per site of the first liquid. The dose shows it beside
    COSMO-SAC's χsa (toluene/methanol)."""
    from chiapp.mixing import measured_chi, measured_ln_gammas
    from chiapp.precipitation import ternary_phase_diagram

    toluene, methanol = solvent_features("toluene"), solvent_features("methanol")
    v1, v2, t = toluene.molar_volume_cm3_per_mol, methanol.molar_volume_cm3_per_mol, 298.15
    x1 = v2 / (v1 + v2)                                      # equal volumes: x1/x2 = V2/V1
    ln1, ln2 = measured_ln_gammas(toluene.key, methanol.key, x1, t)
    per_mole = x1 * np.log(x1) + (1 - x1) * np.log(1 - x1) + x1 * ln1 + (1 - x1) * ln2
    per_site_v1 = per_mole / (x1 * v1 + (1 - x1) * v2) * v1   # per site of the toluene's volume
    fh_entropy = 0.5 * np.log(0.5) + 0.5 * np.log(0.5) * v1 / v2
    assert measured_chi(toluene.key, methanol.key, v1, v2, t) == pytest.approx((per_site_v1 - fh_entropy) / 0.25,
                                                                                rel=1e-9)
    diagram = ternary_phase_diagram("PS", "toluene", "methanol", t)   # g(½) of the fitted g(u)
    assert diagram.system.chi_sa == pytest.approx(measured_chi(toluene.key, methanol.key, v1, v2, t), abs=2e-3)
    assert "DECHEMA" in diagram.chi_sa_source and diagram.chi_sa_cosmo_sac is not None
    assert ternary_phase_diagram("PS", "toluene", "anisole", t).chi_sa_source == "COSMO-SAC"   # not tabulated


def test_the_ternary_edge_of_two_liquids_is_their_measured_mixing_free_energy():
    """With no polymer, f of the diagram's system (Flory–Huggins entropy + φs φa g(u)) is the measured
    ΔG_mix/RT per solvent site (NRTL, computed here from ln γ directly) along the whole edge, within the
    polynomial fit of g(u)."""
    from chiapp.mixing import measured_interaction, measured_ln_gammas
    from chiapp.ternary import TernarySystem

    acetone, water = solvent_features("acetone"), solvent_features("water")
    v_s, v_a, t = acetone.molar_volume_cm3_per_mol, water.molar_volume_cm3_per_mol, 298.15
    middle, excess = measured_interaction(acetone.key, water.key, v_s, v_a, t)
    system = TernarySystem(100.0, v_a / v_s, 0.4, 2.0, middle, excess)
    u = np.linspace(0.02, 0.98, 49)                                    # water's volume fraction
    x_w = (u / v_a) / ((1 - u) / v_s + u / v_a)
    ln_gamma = measured_ln_gammas(acetone.key, water.key, 1 - x_w, t)
    per_mole = (1 - x_w) * (np.log(1 - x_w) + ln_gamma[:, 0]) + x_w * (np.log(x_w) + ln_gamma[:, 1])
    per_site = per_mole * v_s / ((1 - x_w) * v_s + x_w * v_a)
    edge = np.stack([np.zeros_like(u), 1 - u, u], axis=1)
    np.testing.assert_allclose(system.free_energy(edge), per_site, atol=5e-4)   # the fit: 0.1 % of ΔG_mix
    assert system.liquids_mix                                           # acetone and water mix


def test_a_blend_says_where_each_pairs_chi12_comes_from():
    """Measured where tabulated, COSMO-SAC where both liquids have σ-profiles, else left out; and the
    last is what the engine does too (no mixing term: mixing_shift is None)."""
    from chiapp.mixing import mixing_sources

    acetonitrile, odd = canonical_solvent("CC#N"), canonical_solvent("OCC(F)(F)C(F)(F)C(F)(F)Cl")
    assert known_profile("solvent", odd) is None
    words = mixing_sources([ETHANOL, WATER, acetonitrile, odd], ["ethanol", "water", "acetonitrile", "odd"])
    parts = dict(part.split(": ", 1) for part in words.split("; "))
    assert parts["ethanol–water"].startswith("DECHEMA") and parts["water–acetonitrile"] == "COSMO-SAC (computed)"
    assert parts["water–odd"].startswith("not known")
    assert mixing_shift([WATER, odd], [0.5, 0.5], [18.07, 120.0]) is None
