"""Solvent blends on the real model: the mixing rule's identities, the blend's properties, the finder,
bad input, and the cosolvency cases of tests/data/cosolvency.csv (literature, each row cited there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chiapp.answer import answer_grid
from chiapp.blends import (
    BLEND_COLUMNS,
    blend_coefficients,
    find_blends,
    looks_like_blend,
    parse_blend,
    predict_blend_chi,
    worst_class,
)
from chiapp.descriptors import polymer_descriptors, solvent_descriptors
from chiapp.errors import (
    BlendError,
    ChiAppError,
    InputError,
    MoleculeError,
    NameNotFoundError,
    UnsupportedMoleculeError,
)
from chiapp.features import polymer_features, solvent_features
from chiapp.flory_huggins import critical_chi
from chiapp.library import polymer_defaults, resolve_polymer, resolve_solvent, solvent_row
from chiapp.prediction import load_model, predict_chi
from chiapp.units import kelvin

DATA = Path(__file__).resolve().parents[1] / "data"
T25_K = 298.15


@pytest.fixture(scope="module")
def model():
    return load_model()


def _x(polymer: str, *solvents: str):
    p = polymer_descriptors(resolve_polymer(polymer).smiles)
    s = np.stack([solvent_descriptors(resolve_solvent(name).smiles) for name in solvents])
    return p, s


# ---------------------------------------------------------------------------------------------
# Mixing rule

def test_blend_of_one_solvent_equals_that_solvent(model):
    p, s = _x("polystyrene", "toluene")
    blend = blend_coefficients(model, p, s, [1.0])
    pure = model.coefficients(p[None], s)
    np.testing.assert_allclose(blend.a, pure.a, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(blend.b_k, pure.b_k, rtol=1e-12, atol=1e-12)


def test_blend_of_a_solvent_with_itself_equals_that_solvent(model):
    p, s = _x("PMMA", "acetone", "acetone")
    blend = blend_coefficients(model, p, s, [0.3, 0.7])
    pure = model.coefficients(p[None], s[:1])
    np.testing.assert_allclose(blend.a, pure.a, atol=1e-10)
    np.testing.assert_allclose(blend.b_k, pure.b_k, atol=1e-8)


def test_blend_is_symmetric_in_the_order_of_its_solvents():
    one = predict_blend_chi("PMMA", {"ethanol": 0.3, "water": 0.7}, [T25_K, 330.0])
    two = predict_blend_chi("PMMA", "water:0.7+ethanol:0.3", [T25_K, 330.0])
    np.testing.assert_allclose(one.chi, two.chi, rtol=1e-12)
    np.testing.assert_allclose(one.chi_std, two.chi_std, rtol=1e-12)


def test_blend_endpoints_approach_the_pure_solvents():
    near = predict_blend_chi("polystyrene", {"toluene": 0.999, "methanol": 0.001}, T25_K)
    pure = predict_chi("polystyrene", "toluene", T25_K)
    assert abs(near.ensemble_chi[0] - pure.ensemble_chi[0]) < 0.01
    assert near.components[0].chi[0] == pytest.approx(pure.chi[0], rel=1e-12)  # each component's own answer
    # with the prior and the evidence too: the measured χ and handbook label of PS in toluene reach the
    # blend by toluene's share, so it meets the pure solvent's answer
    assert abs(near.chi[0] - pure.chi[0]) < 0.02


def test_blend_carries_its_components_evidence_by_their_fractions(model):
    """What the evidence of polymer–component j moves (a, b, c of the component's pair with and without
    it, from the engine's public door) moves the blend by φ_j: PS in cyclohexane (measured χ and θ/UCST
    rows, which bend χ(T): c ≠ 0) and toluene (measured χ)."""
    names, phi = ["cyclohexane", "toluene"], np.array([0.7, 0.3])
    polymer = [polymer_features("polystyrene", model=model)]
    blend = [solvent_features(dict(zip(names, phi)), model=model)]
    pure = [solvent_features(n, model=model) for n in names]
    with_it, without = (answer_grid(polymer, blend, [T25_K], model=model, evidence=e) for e in (True, False))
    parts = [answer_grid(polymer, pure, [T25_K], model=model, evidence=e) for e in (True, False)]
    assert np.abs(parts[0].a[0] - parts[1].a[0]).min() > 1e-3  # the components' evidence does move them
    assert abs(parts[0].c_k2[0, 0] - parts[1].c_k2[0, 0]) > 1.0  # cyclohexane's phase rows bend it [K²]
    for field in ("a", "b_k", "c_k2"):
        moved = getattr(parts[0], field)[0] - getattr(parts[1], field)[0]
        assert getattr(with_it, field)[0, 0] - getattr(without, field)[0, 0] == pytest.approx(phi @ moved, rel=1e-12, abs=1e-12)
    assert with_it.chi_std[0, 0, 0] == pytest.approx(without.chi_std[0, 0, 0], rel=1e-12)  # σ: the blend's own


def test_blend_has_its_components_mixed_cosmo_sac_for_the_prior_and_the_solvation_shift(model):
    """Σφ_j χ_QC,j, rebuilt from each component's own χ_QC: the blend's solvation shift is
    β·max(0, −Σφ_j χ_QC,j(300 K)) and its prior is COSMO-SAC's, as a single solvent's."""
    from chiapp.answer import MoleculeBlock, answer_grid, posterior_parameters
    from chiapp.quantum.chi import QC_NODES_K, qc_nodes

    polymer = polymer_features("PVDF", model=model)
    names, phi = ["N-methyl-2-pyrrolidone", "N,N-dimethylformamide"], np.array([0.95, 0.05])
    p = MoleculeBlock.of([polymer], "polymer")
    s = MoleculeBlock.of([solvent_features(n, model=model) for n in names], "solvent")
    chi_qc = qc_nodes(p.qc_first[0], s.qc_first, s.qc_second)[:, list(QC_NODES_K).index(300.0)]
    blend = solvent_features({names[0]: phi[0], names[1]: phi[1]}, model=model)
    answer = answer_grid([polymer], [blend], [T25_K], model=model)
    weight = posterior_parameters(model).solvation_weight
    assert answer.solvation_shift[0, 0] == pytest.approx(weight * max(0.0, -float(phi @ chi_qc)), rel=1e-12)
    assert answer.prior_codes[0, 0] == 2
    # the finder's many blends (MoleculeBlock.blended) mix the same way
    many = answer_grid([polymer], s.blended(np.array([0]), np.array([1]), np.array([0.95]), model), [T25_K],
                       model=model)
    assert many.solvation_shift[0, 0] == pytest.approx(answer.solvation_shift[0, 0], rel=1e-12)


def test_latent_mixing_equals_the_ternary_flory_huggins_form(model):
    """Two routes: mixing u, r² directly, and χ_b = φχ_1 + (1−φ)χ_2 − φ(1−φ)χ_12 with
    χ_12 = W·(u_1 − u_2)², the model's own solvent–solvent term (Scott 1949)."""
    p, s = _x("PMMA", "1-chlorobutane", "acetonitrile")
    pure = model.coefficients(np.repeat(p[None], 2, axis=0), s)
    u, _ = model.latent("solvent", s)
    w, _ = model.heads()
    latent = u.shape[-1]
    cross = np.einsum("ml,mlh->mh", (u[:, 0] - u[:, 1]) ** 2, w[:, :latent, :2])   # (M, 2): a and b
    for phi in (0.0, 0.25, 0.6, 1.0):
        direct = blend_coefficients(model, p, s, [phi, 1.0 - phi])
        closed_a = phi * pure.a[:, 0] + (1 - phi) * pure.a[:, 1] - phi * (1 - phi) * cross[:, 0]
        closed_b = phi * pure.b_k[:, 0] + (1 - phi) * pure.b_k[:, 1] - phi * (1 - phi) * cross[:, 1] * 298.15
        np.testing.assert_allclose(direct.a[:, 0], closed_a, atol=1e-9)
        np.testing.assert_allclose(direct.b_k[:, 0], closed_b, atol=1e-6)


def test_three_solvent_blend_is_a_number_with_a_spread():
    p = predict_blend_chi("PS", "toluene:0.5+ethyl acetate:0.3+acetone:0.2", T25_K)
    assert np.isfinite(p.chi[0]) and p.chi_std[0] >= 0
    assert [c.name for c in p.components] == ["toluene", "ethyl acetate", "acetone"]


# ---------------------------------------------------------------------------------------------
# Properties of the blend

def test_blend_molar_volume_is_the_mean_volume_per_molecule():
    blend = parse_blend({"ethanol": 0.8, "water": 0.2})
    v_e = float(solvent_row(resolve_solvent("ethanol").smiles)["molar_volume_cm3_per_mol"])
    v_w = float(solvent_row(resolve_solvent("water").smiles)["molar_volume_cm3_per_mol"])
    # moles per cm³ of blend: 0.8/V_e + 0.2/V_w; volume per mole is its inverse
    assert blend.molar_volume_cm3_per_mol == pytest.approx(1.0 / (0.8 / v_e + 0.2 / v_w), rel=1e-12)
    assert v_w < blend.molar_volume_cm3_per_mol < v_e


def test_blend_boiling_range_and_worst_safety_class():
    blend = parse_blend("ethanol:0.5+water:0.5")
    assert blend.boiling_range_c == pytest.approx((78.4, 100.0), abs=0.5)  # CRC Handbook boiling points
    assert blend.chem21_class == "recommended"
    assert worst_class(("recommended", "hazardous", "problematic")) == "hazardous"
    assert worst_class(("recommended", "")) == ""
    assert worst_class(("", "highly hazardous")) == "highly hazardous"


def test_parse_blend_text_forms():
    assert parse_blend("ethanol:80%+water:20%").fractions == pytest.approx((0.8, 0.2))
    b = parse_blend("ethanol:0.799+water:0.2")  # within rounding: rescaled to sum 1
    assert sum(b.fractions) == pytest.approx(1.0) and b.fractions[0] == pytest.approx(0.799 / 0.999)
    assert parse_blend(parse_blend("toluene:0.25+acetone:0.75").text).names == ("toluene", "acetone")
    assert looks_like_blend("ethanol:0.8+water:0.2") and looks_like_blend({"a": 1})
    assert not looks_like_blend("toluene") and not looks_like_blend("C[N+](C)(C)C")


# ---------------------------------------------------------------------------------------------
# Bad input: each a ChiAppError with a clear message

@pytest.mark.parametrize("blend, error, words", [
    ({"ethanol": 0.7, "water": 0.2}, BlendError, "sum to 1"),
    ("ethanol:0.6+water:0.6", BlendError, "sum to 1"),
    ({"ethanol": 1.2, "water": -0.2}, BlendError, "negative"),
    ("ethanol:1.2+water:-0.2", BlendError, "negative"),
    ({"ethanol": 0.5, "polystyrene": 0.5}, UnsupportedMoleculeError, "polymer"),
    ({"ethanol": 0.5, "*CC(*)c1ccccc1": 0.5}, UnsupportedMoleculeError, "polymer"),
    ({"ethanol": 0.5, "notasolventxyz": 0.5}, NameNotFoundError, "not a known name"),
    ("ethanol:0.5+ethanol:0.5", BlendError, "twice"),
    ({"ethanol": 0.5, "EtOH": 0.5}, BlendError, "twice"),
    ({"ethanol": 1.0}, BlendError, "2 to 3"),
    ({"ethanol": 0.25, "water": 0.25, "acetone": 0.25, "toluene": 0.25}, BlendError, "2 to 3"),
    ("ethanol:abc+water:0.2", BlendError, "must be a number"),
    ("ethanol+water:0.2", BlendError, "no fraction"),
    ({"ethanol": 0.0, "water": 1.0}, BlendError, "fraction 0"),
    (42, BlendError, "mapping"),
])
def test_bad_blends_raise_clear_errors(blend, error, words):
    with pytest.raises(error) as raised:
        parse_blend(blend)
    assert words in str(raised.value)
    assert isinstance(raised.value, ChiAppError)


def test_predict_blend_chi_bad_polymer_and_temperature():
    with pytest.raises(MoleculeError):
        predict_blend_chi("toluene", {"ethanol": 0.5, "water": 0.5}, T25_K)
    with pytest.raises(InputError):
        predict_blend_chi("PMMA", {"ethanol": 0.5, "water": 0.5}, -5.0)


# ---------------------------------------------------------------------------------------------
# The finder

@pytest.fixture(scope="module")
def cosolvent_pairs():
    return find_blends("PMMA", T25_K, only_nonsolvents=True, top=0)


def test_find_blends_columns_order_and_windows(cosolvent_pairs):
    table = cosolvent_pairs
    assert tuple(table.columns) == BLEND_COLUMNS and len(table) > 0
    z = (table["chi_limit"] - table["chi"]) / table["chi_std"]
    assert (np.diff(z.to_numpy()) <= 1e-12).all()  # most likely to dissolve first
    assert ((table["fraction_1_low"] <= table["fraction_1"]) & (table["fraction_1"] <= table["fraction_1_high"])).all()
    assert ((table["fraction_1"] > 0) & (table["fraction_1"] < 1)).all()
    np.testing.assert_allclose(table["margin"], table["chi_limit"] - table["chi"], atol=1e-12)
    assert (table["verdict"] == "dissolves").all() and (table["dissolve_probability"] >= 0.7).all()


def test_find_blends_only_nonsolvents_keeps_nonsolvents_alone(cosolvent_pairs):
    table = cosolvent_pairs
    assert (table["verdict_1"] != "dissolves").all() and (table["verdict_2"] != "dissolves").all()


def test_find_blends_limit_is_the_closed_form_critical_chi(cosolvent_pairs):
    """PMMA is amorphous: χ_lim = χ_c from N = (M_n/ρ)/V_b with V_b = 1/Σ(φ/V); PMMA: 100,000 g/mol,
    1.18 g/cm³ (library)."""
    def volume(smiles: str) -> float:
        return float(solvent_row(smiles)["molar_volume_cm3_per_mol"])

    # the first pair whose two volumes the library tabulates (others are estimated by the engine)
    row = next(r for _, r in cosolvent_pairs.iterrows()
               if np.isfinite(volume(r["smiles_1"])) and np.isfinite(volume(r["smiles_2"])))
    v1, v2 = volume(row["smiles_1"]), volume(row["smiles_2"])
    f = row["fraction_1"]
    n = 100_000 / 1.18 / (1.0 / (f / v1 + (1 - f) / v2))
    assert row["chi_limit"] == pytest.approx(critical_chi(n), rel=1e-12)
    assert row["chi_limit"] == pytest.approx(0.5 * (1 + 1 / np.sqrt(n)) ** 2, rel=1e-12)


def test_find_blends_answer_is_predict_blend_chi(cosolvent_pairs):
    """The finder asks the answer engine for every blend it scans: the same χ, σ, P and verdict."""
    for row in cosolvent_pairs.head(3).itertuples():
        direct = predict_blend_chi("PMMA", {row.smiles_1: row.fraction_1, row.smiles_2: 1 - row.fraction_1}, T25_K)
        assert direct.chi[0] == pytest.approx(row.chi, abs=1e-12)
        assert direct.chi_std[0] == pytest.approx(row.chi_std, abs=1e-12)
        assert direct.dissolve_probability[0] == pytest.approx(row.dissolve_probability, abs=1e-12)
        assert direct.verdict == row.verdict


def test_find_blends_only_recommended_and_top():
    table = find_blends("polystyrene", T25_K, only_recommended=True, top=3)
    assert len(table) <= 3
    assert (table["chem21_class"] == "recommended").all()
    with pytest.raises(InputError):
        find_blends("polystyrene", T25_K, top=-1)
    with pytest.raises(InputError):
        find_blends("polystyrene", [T25_K, 320.0])


# ---------------------------------------------------------------------------------------------
# Literature: cosolvency

def test_cosolvency_cases_from_the_literature():
    """For each case (polymer insoluble in each liquid, soluble in the mixture): does the model's
    blend verdict (χ < χ_c) turn 'dissolves' at some intermediate composition while both pure
    liquids stay 'does not'? Reports the count; asserts at least one, which the latent mixing rule
    can reach only through its solvent–solvent term (never fitted to cosolvency data)."""
    cases = pd.read_csv(DATA / "cosolvency.csv")
    assert len(cases) >= 5
    phis = np.linspace(0.05, 0.95, 19)
    hits, both_pure_not, lines = 0, 0, []
    for case in cases.itertuples(index=False):
        t = float(kelvin(case.temperature_c))
        polymer = resolve_polymer(case.polymer)
        mw, density = polymer_defaults(polymer, None)
        v = [float(solvent_row(resolve_solvent(s).smiles)["molar_volume_cm3_per_mol"])
             for s in (case.solvent_1, case.solvent_2)]
        pure = [predict_chi(case.polymer, s, t).chi[0] for s in (case.solvent_1, case.solvent_2)]
        pure_ok = [chi >= critical_chi(mw / density / vol) for chi, vol in zip(pure, v)]
        chis = [predict_blend_chi(case.polymer, {case.solvent_1: f, case.solvent_2: 1 - f}, t).chi[0] for f in phis]
        chi_c = [critical_chi(mw / density * (f / v[0] + (1 - f) / v[1])) for f in phis]
        dissolves = [c < cc for c, cc in zip(chis, chi_c)]
        hit = all(pure_ok) and any(dissolves)
        hits += hit
        both_pure_not += all(pure_ok)
        lines.append(f"{case.polymer} {case.solvent_1}/{case.solvent_2} {case.temperature_c:g} °C: pure "
                     f"{pure[0]:.2f}, {pure[1]:.2f}; blend min {min(chis):.2f} (chi_c {min(chi_c):.3f}); "
                     f"{'COSOLVENT' if hit else 'no'}")
    print("\n".join(lines))
    print(f"cosolvency reproduced: {hits}/{len(cases)} (both pure liquids non-solvents in the model: "
          f"{both_pure_not}/{len(cases)})")
    assert hits >= 1


def test_predict_chi_takes_a_blend_as_a_mapping_or_text():
    by_mapping = predict_chi("PMMA", {"ethanol": 0.8, "water": 0.2}, T25_K)
    by_text = predict_chi("PMMA", "water:0.2+ethanol:0.8", T25_K)
    direct = predict_blend_chi("PMMA", {"ethanol": 0.8, "water": 0.2}, T25_K)
    assert by_mapping.chi[0] == pytest.approx(direct.chi[0], abs=1e-12)
    assert by_text.chi[0] == pytest.approx(direct.chi[0], abs=1e-12)
    assert by_mapping.verdict in ("dissolves", "borderline", "does not dissolve")


def test_blend_of_two_pvdf_solvents_dissolves_pvdf(model):
    """NMP and DMF each dissolve PVDF at 25 °C (Arkema, Kynar PVDF solvent guide); so does NMP with 5 % DMF."""
    answer = predict_chi("PVDF", {"N-methyl-2-pyrrolidone": 0.95, "N,N-dimethylformamide": 0.05}, T25_K, model=model)
    assert answer.verdict == "dissolves"


def test_blend_finder_rows_carry_the_same_component_evidence(model):
    """answer_blends (the finder's door: each parent's evidence computed once, then mixed) gives the χ
    and σ that answer_grid gives the same blend's own features, where both solvents are measured."""
    from chiapp.answer import answer_blends

    polymer = polymer_features("PVDF", model=model)
    names = ["N-methyl-2-pyrrolidone", "N,N-dimethylformamide", "acetone"]
    parents = [solvent_features(n, model=model) for n in names]
    first, second, phi = np.array([0, 0, 2]), np.array([1, 2, 1]), np.array([0.95, 0.4, 0.25])
    rows = answer_blends(polymer, parents, first, second, phi, T25_K, model=model)
    for r in range(3):
        blend = solvent_features({names[first[r]]: phi[r], names[second[r]]: 1 - phi[r]}, model=model)
        own = answer_grid([polymer], [blend], [T25_K], model=model)
        assert rows.chi[r] == pytest.approx(own.chi[0, 0, 0], rel=1e-12, abs=1e-12)
        assert rows.chi_std[r] == pytest.approx(own.chi_std[0, 0, 0], rel=1e-12)
    blend = solvent_features({names[0]: phi[0], names[1]: 1 - phi[0]}, model=model)
    bare = answer_grid([polymer], [blend], [T25_K], model=model, evidence=False)
    assert abs(rows.chi[0] - bare.chi[0, 0, 0]) > 0.05  # the finder's row did take the parents' evidence
