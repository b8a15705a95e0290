"""The posterior, the evidence lookup and the one verdict, on closed-form cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from chiapp.evidence import evidence_for
from chiapp.posterior import (
    PosteriorParameters,
    combine,
    condition_on_labels,
    condition_on_measurements,
    dissolve_probability,
    posterior_curve,
    verdict,
    verdicts,
)

PARAMS = PosteriorParameters(prior_intercept=0.3, prior_slope=1.0, prior_sigma=0.4, prior_intercept_unknown=0.6,
                             prior_sigma_unknown=0.5, spread_weight=1.0, sigma_scale=1.0, measurement_sigma=0.1,
                             label_sigma=0.1)


def test_zero_spread_returns_the_ensemble_and_infinite_spread_the_prior():
    mean, std = combine(0.8, 0.0, 0.2, 0.4, PARAMS)
    assert float(mean) == 0.8 and float(std) == 0.0
    mean, std = combine(0.8, np.inf, 0.2, 0.4, PARAMS)
    assert float(mean) == pytest.approx(0.2) and float(std) == pytest.approx(0.4)


def test_equal_spreads_average_and_shrink_by_root_two():
    mean, std = combine(1.0, 0.3, 0.0, 0.3, PARAMS)
    assert float(mean) == pytest.approx(0.5) and float(std) == pytest.approx(0.3 / math.sqrt(2))


def test_measurements_pull_the_curve_to_the_points_within_their_noise():
    t = np.linspace(280.0, 360.0, 9)
    mean, std = np.full(9, 1.0), np.full(9, 0.5)
    # many measurements of chi = 0.5 flat in T: the curve must move to about 0.5 with a narrow band
    shifted, shrunk = condition_on_measurements(t, mean, std, np.repeat(t, 5), np.full(45, 0.5), 0.1)
    assert np.all(np.abs(shifted - 0.5) < 0.02) and np.all(shrunk < 0.1)
    # no measurement: unchanged
    same, same_std = condition_on_measurements(t, mean, std, [], [], 0.1)
    assert np.array_equal(same, mean) and np.array_equal(same_std, std)


def test_a_solvent_label_moves_chi_below_critical_as_the_truncated_gaussian_does():
    """One exact label (τ → 0) on N(μ, σ²): the posterior is the normal truncated at χc, whose mean is
    μ − σ·φ(α)/Φ(α) with α = (χc − μ)/σ (Johnson, Kotz & Balakrishnan, Continuous Univariate
    Distributions, vol. 1, 2nd ed., eq. 13.134)."""
    mu, sigma, chi_c = 0.8, 0.3, 0.55
    alpha = (chi_c - mu) / sigma
    expected = mu - sigma * norm.pdf(alpha) / norm.cdf(alpha)
    mean, std = condition_on_labels(mu, sigma, chi_c, [1], label_sigma=1e-9)
    assert mean == pytest.approx(expected, rel=1e-6) and mean < chi_c and std < sigma
    mean, _ = condition_on_labels(mu, sigma, chi_c, [0], label_sigma=1e-9)
    assert mean > mu  # a non-solvent label pushes χ up


def test_probability_and_verdict_agree_by_construction():
    p = dissolve_probability([0.2, 0.55, 1.2], [0.1, 0.1, 0.1], 0.55)
    assert p[0] > 0.99 and p[1] == pytest.approx(0.5) and p[2] < 0.01
    assert list(verdicts(p)) == ["dissolves", "borderline", "does not dissolve"]
    assert verdict(0.7) == "dissolves" and verdict(0.3) == "does not dissolve" and verdict(0.5) == "borderline"


def test_posterior_curve_is_a_plus_b_over_t():
    t = np.linspace(280.0, 400.0, 13)
    members_a, members_b_k = np.array([0.1, 0.3]), np.array([100.0, 140.0])
    curve = posterior_curve(t, members_a, members_b_k, 1.0, np.array([0.1, 0.2, 0.3]), True, 0.53, PARAMS)
    assert curve.chi == pytest.approx(curve.a + curve.b_k / t)
    assert np.all(np.diff(curve.dissolve_probability) > 0)  # χ falls with T: more likely to dissolve hot


@pytest.mark.parametrize("polymer, solvent", [
    ("*CC(*)c1ccccc1", "C1CCCCC1"),
    ("*C(c1ccccc1)C*", "cyclohexane"),          # written from the other end, solvent by name
    ("*CC(*)c1ccccc1", "C1CCC(CC1)"),           # another spelling of cyclohexane
])
def test_evidence_finds_the_same_rows_whatever_the_spelling(polymer, solvent):
    from chiapp.library import resolve_solvent

    found = evidence_for(polymer, resolve_solvent(solvent).smiles)
    assert len(found.chis) >= 10  # polystyrene in cyclohexane is among the most measured pairs
    assert np.all(np.diff(found.temperatures_k) >= 0)


def test_evidence_of_an_unmeasured_pair_is_empty():
    assert evidence_for("*CC(*)c1ccccc1", "O=C(O)CCCCCCCCCCCCCCCCC").is_empty


def test_posterior_coefficients_do_not_depend_on_the_temperatures_asked():
    members_a, members_b_k = np.array([0.1, 0.3, 0.2]), np.array([100.0, 140.0, 90.0])
    one = posterior_curve([300.0], members_a, members_b_k, 1.0, np.array([0.1, 0.2, 0.3]), True, 0.53, PARAMS,
                          [290.0, 310.0], [0.5, 0.45], [1])
    many = posterior_curve(np.linspace(280.0, 420.0, 15), members_a, members_b_k, 1.0, np.array([0.1, 0.2, 0.3]),
                           True, 0.53, PARAMS, [290.0, 310.0], [0.5, 0.45], [1])
    assert one.a == pytest.approx(many.a, abs=1e-12) and one.b_k == pytest.approx(many.b_k, abs=1e-9)
    assert one.chi_std[0] == pytest.approx(float(np.interp(300.0, np.linspace(280.0, 420.0, 15), many.chi_std)),
                                           rel=1e-2)


def test_many_pairs_at_once_equal_one_pair_at_a_time():
    from chiapp.posterior import posterior_curves

    rng = np.random.default_rng(7)
    member_a, member_b_k = rng.normal(0.4, 0.2, (5, 6)), rng.normal(80.0, 40.0, (5, 6))
    terms = np.abs(rng.normal(0.3, 0.2, (6, 3)))
    terms[2] = 0.0  # δ unknown for one pair
    known = terms.sum(axis=1) > 0
    t = np.linspace(280.0, 420.0, 8)
    limits = np.full(6, 0.53)
    chi, std, chance, a, b_k = posterior_curves(t, member_a, member_b_k, 1.3, terms, known, limits, PARAMS)
    for j in range(6):
        one = posterior_curve(t, member_a[:, j], member_b_k[:, j], 1.3, terms[j], bool(known[j]), 0.53, PARAMS)
        assert chi[j] == pytest.approx(one.chi, abs=1e-10) and std[j] == pytest.approx(one.chi_std, abs=1e-12)
        assert chance[j] == pytest.approx(one.dissolve_probability, abs=1e-10)
        assert (a[j], b_k[j]) == pytest.approx((one.a, one.b_k), abs=1e-8)


def test_rows_with_their_own_temperature_equal_one_pair_at_a_time():
    from chiapp.posterior import posterior_rows

    rng = np.random.default_rng(3)
    member_a, member_b_k = rng.normal(0.4, 0.2, (4, 5)), rng.normal(80.0, 40.0, (4, 5))
    terms, t = np.abs(rng.normal(0.3, 0.2, (5, 3))), np.array([280.0, 300.0, 330.0, 360.0, 410.0])
    limits = np.array([0.52, 0.53, 0.55, 0.6, 0.51])
    chi, std, chance = posterior_rows(t, member_a, member_b_k, 1.2, terms, np.ones(5, bool), limits, PARAMS)
    for j in range(5):
        one = posterior_curve(t[j:j + 1], member_a[:, j], member_b_k[:, j], 1.2, terms[j], True, limits[j], PARAMS)
        assert (chi[j], std[j], chance[j]) == pytest.approx(
            (one.chi[0], one.chi_std[0], one.dissolve_probability[0]), abs=1e-10)


def test_model_card_states_the_shipped_posterior():
    from chiapp import load_model
    from chiapp.model_card import posterior_tables

    manifest = load_model().manifest
    parameters, scores = posterior_tables(manifest)
    assert len(parameters) == len(PosteriorParameters.__dataclass_fields__)
    assert list(scores["answer"]) == ["ensemble", "prior", "posterior", "constant"]
    # the shipped parameters are the manifest's, read back through the same loader predict_chi uses
    assert PosteriorParameters.from_manifest(manifest).spread_weight == float(
        manifest["posterior"]["parameters"]["spread_weight"])


def test_probability_of_a_subnormal_sigma_is_certain():
    with np.errstate(all="raise"):
        assert dissolve_probability(0.0, 2.2250738585e-313, 0.5) == 1.0  # found by Hypothesis
        assert dissolve_probability(1.0, 5e-324, 0.5) == 0.0
