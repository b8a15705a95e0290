"""The shipped σ-profiles, the fast COSMO-SAC routes built on them, and the posterior's QC prior.

Every fast route is checked against the pair-by-pair COSMO-SAC of ``chiapp.quantum.cosmosac``
(``activity_coefficients``), an independent computation of the same equations. No MOPAC needed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chiapp.chemistry import canonical_polymer, canonical_solvent
from chiapp.library import polymer_library, solvent_library
from chiapp.posterior import (
    QC_CLIP,
    EnsembleMoments,
    PosteriorParameters,
    hansen_chi,
    posterior,
    prior_chi,
    prior_codes,
)
from chiapp.quantum import chi as qchi
from chiapp.quantum import cosmosac, sigma

SHIPPED = sigma.read_profile_table()
PAIRS = [("*CC(*)c1ccccc1", "Cc1ccccc1"), ("*CC(*)(F)F", "CN1CCCC1=O"), ("*CCO*", "O"),
         ("*CC(*)(C)C(=O)OC", "CC(C)=O"), ("*CC*", "CCCCCCC")]


def _profiles(polymer: str, solvent: str) -> tuple[sigma.SigmaProfile, sigma.SigmaProfile]:
    return SHIPPED[("polymer", canonical_polymer(polymer))], SHIPPED[("solvent", canonical_solvent(solvent))]


# ---------------------------------------------------------------------------------------------
# The shipped table

def test_every_library_molecule_has_a_shipped_profile_or_a_recorded_failure():
    failures = pd.read_csv(qchi.SHIPPED_PROFILES_FILE.with_name("sigma_failures.csv"))
    failed = {canonical_solvent(s) for s in failures.loc[failures["role"] == "solvent", "smiles"]}
    for smiles in solvent_library()["smiles"]:
        key = canonical_solvent(smiles)
        assert ("solvent", key) in SHIPPED or key in failed, smiles
    for smiles in polymer_library()["smiles"]:
        assert ("polymer", canonical_polymer(smiles)) in SHIPPED, smiles


def test_shipped_profiles_are_physical():
    assert len(SHIPPED) >= 700
    for profile in SHIPPED.values():
        assert np.all(profile.areas_a2 >= 0) and profile.area_a2 > 5 and profile.volume_a3 > 5


def test_profile_table_round_trips(tmp_path):
    chosen = [SHIPPED[("solvent", "O")], SHIPPED[("polymer", canonical_polymer("*CC(*)c1ccccc1"))]]
    path = tmp_path / "profiles.csv"
    sigma.write_profile_table(chosen, path)
    back = sigma.read_profile_table(path)
    for profile in chosen:
        again = back[(profile.role, profile.key)]
        np.testing.assert_allclose(again.areas_a2, profile.areas_a2, rtol=1e-5, atol=1e-6)
        assert again.volume_a3 == pytest.approx(profile.volume_a3, rel=1e-5)


def test_shipped_self_terms_are_the_pure_solvent_half():
    for key in ("O", "Cc1ccccc1", "CS(C)=O"):
        shipped = qchi._shipped_self_terms("PM7")[key]
        np.testing.assert_allclose(shipped, qchi.solvent_self_terms([SHIPPED[("solvent", key)]])[0], rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# Fast routes against pair-by-pair COSMO-SAC

def test_many_liquids_at_once_equal_one_at_a_time():
    profiles = [SHIPPED[("solvent", k)] for k in ("O", "CCO", "CC(C)=O", "ClC(Cl)Cl")]
    fractions = np.array([p.areas_a2.ravel() / p.area_a2 for p in profiles])
    delta = cosmosac.exchange_energy_over_rt(320.0, cosmosac.COSMO_SAC_2010)
    many = cosmosac.segment_ln_gamma_many(fractions, delta)
    for row, f in zip(many, fractions):
        np.testing.assert_allclose(row, cosmosac.segment_ln_gamma(f, delta), atol=1e-8)


def test_grid_equals_pair_by_pair_chi():
    polymers = [_profiles(p, s)[0] for p, s in PAIRS]
    solvents = [_profiles(p, s)[1] for p, s in PAIRS]
    grid = qchi.chi_residual_grid(polymers, solvents, [280.0, 400.0])
    for i in (0, 2, 4):
        for j in (1, 3):
            residual, _ = qchi.chi_infinite_dilution(polymers[i], solvents[j], [280.0, 400.0])
            np.testing.assert_allclose(grid[i, j], residual, atol=1e-7)


@pytest.mark.parametrize("polymer, solvent", PAIRS)
def test_known_nodes_are_exact_at_the_nodes_and_close_between(polymer, solvent):
    p, s = _profiles(polymer, solvent)
    nodes = qchi.known_qc_nodes(polymer, [solvent])
    exact, _ = qchi.chi_infinite_dilution(p, s, qchi.QC_NODES_K)
    np.testing.assert_allclose(nodes[0], exact, atol=2e-6)  # the shipped self terms carry 8 digits
    between = np.array([273.15, 323.15, 373.15, 473.15])
    reference, _ = qchi.chi_infinite_dilution(p, s, between)
    # linear in 1/T between nodes 50 K apart: the curvature of COSMO-SAC χ(1/T) is small there
    error = np.abs(qchi.interpolate_nodes(nodes[0], between) - reference)
    assert np.all(error <= 0.03 + 0.02 * np.abs(reference)), error  # 1.5 % at χ_QC = −6.7 (PVDF–NMP, 0 °C)
    rows = qchi.interpolate_rows(np.repeat(nodes, 4, axis=0), between)
    np.testing.assert_allclose(rows, qchi.interpolate_nodes(nodes[0], between), atol=1e-12)


def test_unknown_molecules_give_nan_nodes_without_mopac(monkeypatch, tmp_path):
    monkeypatch.setenv("CHIAPP_SIGMA_CACHE", str(tmp_path))
    monkeypatch.setenv("CHIAPP_MOPAC", str(tmp_path / "no-mopac"))
    qchi._polymer_ln_gamma.cache_clear()
    nodes = qchi.known_qc_nodes("*CC(*)c1ccc(CCCCCCCC)cc1", ["Cc1ccccc1"])
    assert np.isnan(nodes).all()
    nodes = qchi.known_qc_nodes("*CC(*)c1ccccc1", ["Cc1ccccc1", "CC(C)(C)CCO"])
    assert np.isfinite(nodes[0]).all() and np.isnan(nodes[1]).all()


# ---------------------------------------------------------------------------------------------
# The posterior's prior with the COSMO-SAC term

QC_PARAMS = PosteriorParameters(prior_intercept=0.3, prior_slope=0.5, prior_sigma=0.6, prior_intercept_unknown=0.5,
                                prior_sigma_unknown=0.7, spread_weight=1.0, sigma_scale=1.0, measurement_sigma=0.1,
                                label_sigma=0.1, prior_qc_intercept=0.2, prior_qc_slope_hansen=0.4,
                                prior_qc_slope=0.3, prior_qc_sigma=0.4)


def test_qc_prior_is_its_linear_form_and_falls_back_to_hansen():
    terms, t = np.array([[0.2, 0.1, 0.3]]), np.array([300.0])
    chi_h = float(hansen_chi(terms, t)[0, 0])
    nodes = np.full((1, qchi.QC_NODES_K.size), 1.5)
    codes = prior_codes([True], nodes, QC_PARAMS)
    assert codes.tolist() == [2]
    mean, sigma_ = prior_chi(terms, codes, t, QC_PARAMS, np.array([[1.5]]))
    assert float(mean[0, 0]) == pytest.approx(0.2 + 0.4 * chi_h + 0.3 * 1.5) and float(sigma_[0]) == 0.4
    clipped, _ = prior_chi(terms, codes, t, QC_PARAMS, np.array([[-20.0]]))
    assert float(clipped[0, 0]) == pytest.approx(0.2 + 0.4 * chi_h + 0.3 * QC_CLIP[0])
    for qc in (nodes * np.nan, None):  # no σ-profile: the Hansen prior
        hansen_code = prior_codes([True], qc, QC_PARAMS)
        assert hansen_code.tolist() == [1]
        hansen, s = prior_chi(terms, hansen_code, t, QC_PARAMS, None)
        assert float(hansen[0, 0]) == pytest.approx(0.3 + 0.5 * chi_h) and float(s[0]) == 0.6
    unknown_code = prior_codes([False], nodes, QC_PARAMS)
    assert unknown_code.tolist() == [0]
    unknown, s = prior_chi(terms * 0, unknown_code, t, QC_PARAMS, np.array([[1.5]]))
    assert float(unknown[0, 0]) == 0.5 and float(s[0]) == 0.7


def test_a_model_without_qc_parameters_uses_the_hansen_prior():
    plain = PosteriorParameters(**{k: v for k, v in vars(QC_PARAMS).items() if not k.startswith("prior_qc_")})
    assert not plain.has_qc_prior
    moments = EnsembleMoments.from_members(np.array([[0.4], [0.5]]), np.array([[10.0], [20.0]]), 1.0)
    terms = np.array([[0.2, 0.1, 0.3]])
    a = posterior(moments, terms, [True], plain, qc_nodes=np.zeros((1, qchi.QC_NODES_K.size)))
    b = posterior(moments, terms, [True], plain)
    assert a.chi([300.0])[0, 0] == b.chi([300.0])[0, 0] and a.std([300.0])[0, 0] == b.std([300.0])[0, 0]
    assert a.prior_code.tolist() == [1]


def test_manifest_qc_fields_are_all_or_nothing():
    values = {k: v for k, v in vars(QC_PARAMS).items()}
    assert PosteriorParameters.from_manifest({"posterior": {"parameters": values}}).has_qc_prior
    without = {k: v for k, v in values.items() if not k.startswith("prior_qc_")}
    assert not PosteriorParameters.from_manifest({"posterior": {"parameters": without}}).has_qc_prior
    from chiapp.errors import ModelArtifactError

    with pytest.raises(ModelArtifactError):
        PosteriorParameters.from_manifest({"posterior": {"parameters": {**without, "prior_qc_slope": 0.3}}})


def test_shipped_model_has_a_qc_prior_and_uses_it_for_library_pairs():
    from chiapp import load_model, predict_chi
    from chiapp.answer import posterior_parameters

    params = posterior_parameters(load_model())
    assert params.has_qc_prior and math.isfinite(params.prior_qc_slope)
    # a pair with measured χ is pulled to it; one without evidence moves with its COSMO-SAC χ:
    # PVDF in NMP (χ_QC ≈ −5) gets a lower posterior χ than the same ensemble would with χ_QC = 0
    r = predict_chi("PVDF", "N-methyl-2-pyrrolidone", 298.15)
    assert r.chi[0] < r.ensemble_chi[0]


def test_the_answer_names_its_prior():
    from chiapp import predict_chi

    assert predict_chi("polystyrene", "toluene", 298.15).prior == "Hansen and COSMO-SAC"
    # a repeat unit chiapp ships no σ-profile for, in a library solvent: the Hansen prior alone
    assert predict_chi("*CC(*)c1ccc(CCCCCCCC)cc1", "toluene", 298.15).prior == "Hansen"
