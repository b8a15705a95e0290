"""The posterior, the evidence lookup and the one verdict, on closed-form cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from chiapp.evidence import evidence_for
from chiapp.posterior import (
    CHEMISTRY_CLASSES,
    FIT_TEMPERATURES_K,
    EnsembleMoments,
    PosteriorParameters,
    combine,
    condition_on_labels,
    dissolve_probability,
    posterior,
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


def _one(member_a, member_b_k, spread_scale, terms, measured_t=(), measured_chi=(), labels=(), chi_c=0.53,
         params=PARAMS, label_t=298.15):
    """The posterior of one pair by the engine (``chiapp.posterior.posterior`` over n = 1)."""
    moments = EnsembleMoments.from_members(np.asarray(member_a, float)[:, None], np.asarray(member_b_k, float)[:, None],
                                           spread_scale)
    terms = np.asarray(terms, float)[None]
    k = len(measured_t)
    return posterior(moments, terms, terms.sum(axis=1) > 0, params, chi_critical=np.array([chi_c]),
                     measured_t_k=np.asarray(measured_t, float).reshape(1, k),
                     measured_chi=np.asarray(measured_chi, float).reshape(1, k),
                     labels=np.array([list(labels) + [-1] * (2 - len(labels))]),
                     label_temperatures_k=np.broadcast_to(np.asarray(label_t, float), (2,))[None].copy())


def _reference(member_a, member_b_k, spread_scale, terms, temperatures, measured_t=(), measured_chi=(), labels=(),
               chi_c=0.53, params=PARAMS, label_t=298.15):
    """The same posterior written out for one pair, member by member and step by step (module docstring
    of chiapp.posterior): an independent route, with numpy's polyfit and a dense linear solve."""
    members = lambda t: np.asarray(member_a)[:, None] + np.asarray(member_b_k)[:, None] / np.asarray(t)  # noqa: E731

    def band(t):
        m = members(t)
        e_mean, e_std = m.mean(0), spread_scale * m.std(0)
        chi_h = 0.6 * (terms[0] + 0.25 * (terms[1] + terms[2])) * 298.15 / np.asarray(t)
        p_mean, p_var = params.prior_intercept + params.prior_slope * chi_h, params.prior_sigma**2
        e_var = (params.spread_weight * e_std) ** 2
        mean = (e_mean / e_var + p_mean / p_var) / (1 / e_var + 1 / p_var)
        return mean, params.sigma_scale * np.sqrt(1 / (1 / e_var + 1 / p_var))

    b_k, a = np.polyfit(1 / FIT_TEMPERATURES_K, band(FIT_TEMPERATURES_K)[0], 1)
    label_ts = np.broadcast_to(np.asarray(label_t, float), (max(len(labels), 1),))
    temperatures = np.append(temperatures, label_ts)  # the last: where the labels speak
    std = band(temperatures)[1]
    sigma_ref = band([298.15])[1][0]
    if len(measured_t):
        x = np.stack([np.ones(len(measured_t)), 298.15 / np.asarray(measured_t) - 1], axis=1)
        r = np.asarray(measured_chi) - (a + b_k / np.asarray(measured_t))
        precision = np.eye(2) / sigma_ref**2 + x.T @ x / params.measurement_sigma**2
        cov = np.linalg.solve(precision, np.eye(2))
        delta = cov @ x.T @ r / params.measurement_sigma**2
        a, b_k = a + delta[0] - delta[1], b_k + delta[1] * 298.15
        xt = np.stack([np.ones(len(temperatures)), 298.15 / np.asarray(temperatures) - 1], axis=1)
        shrink = np.einsum("ij,jk,ik->i", xt, cov, xt) / (sigma_ref**2 * (xt**2).sum(1))
        std = std * np.sqrt(np.minimum(shrink, 1))
        sigma_ref = np.sqrt(cov[0, 0])
    for j, label in enumerate(labels):  # one after the other, each at its temperature
        at = len(temperatures) - len(label_ts) + j
        mu = a + b_k / temperatures[at]
        new_mu, new_sigma = condition_on_labels(mu, std[at], chi_c, [label], params.label_sigma)
        a, std = a + new_mu - mu, std * new_sigma / std[at]
    return a, b_k, a + b_k / temperatures[:-len(label_ts)], std[:-len(label_ts)]


@pytest.mark.parametrize("measured, labels, label_t", [
    ((), (), 298.15), (([290.0, 310.0, 350.0], [0.5, 0.45, 0.4]), (), 298.15), ((), (1,), 298.15),
    (([300.0], [0.9]), (0,), 298.15), ((), (0, 1), 298.15),
    ((), (1,), 423.15), (([290.0, 310.0, 350.0], [0.7, 0.65, 0.6]), (1,), 400.0),  # "dissolves at T" facts
    ((), (0, 1), (298.15, 423.15)), (([300.0], [0.9]), (1, 1), (423.15, 350.0))])  # labels at two temperatures
def test_posterior_of_a_pair_equals_its_written_out_steps(measured, labels, label_t):
    rng = np.random.default_rng(5)
    member_a, member_b_k = rng.normal(0.4, 0.2, 6), rng.normal(80.0, 40.0, 6)
    terms = np.array([0.1, 0.2, 0.3])
    t = np.linspace(280.0, 420.0, 8)
    state = _one(member_a, member_b_k, 1.3, terms, *(measured or ((), ())), labels=labels, label_t=label_t)
    a, b_k, chi, std = _reference(member_a, member_b_k, 1.3, terms, t, *(measured or ((), ())), labels=labels,
                                  label_t=label_t)
    assert state.a[0] == pytest.approx(a, abs=1e-10) and state.b_k[0] == pytest.approx(b_k, abs=1e-7)
    np.testing.assert_allclose(state.chi(t)[0], chi, atol=1e-10)
    np.testing.assert_allclose(state.std(t)[0], std, atol=1e-12)


def test_measurements_pull_the_curve_to_the_points_within_their_noise():
    member_a, member_b_k = np.array([0.9, 1.1, 1.0]), np.array([0.0, 0.0, 0.0])
    t = np.linspace(280.0, 360.0, 9)
    # many measurements of chi = 0.5 flat in T: the curve must move to about 0.5 with a narrow band
    state = _one(member_a, member_b_k, 3.0, [0.1, 0.2, 0.3], np.repeat(t, 5), np.full(45, 0.5))
    assert np.all(np.abs(state.chi(t)[0] - 0.5) < 0.03) and np.all(state.std(t)[0] < 0.1)
    # no measurement: the band is the combined one, unchanged by the (empty) evidence
    plain = _one(member_a, member_b_k, 3.0, [0.1, 0.2, 0.3])
    assert np.all(plain.std(t)[0] > state.std(t)[0])


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


def test_posterior_is_a_plus_b_over_t_and_more_likely_to_dissolve_hot_when_b_is_positive():
    t = np.linspace(280.0, 400.0, 13)
    state = _one([0.1, 0.3], [100.0, 140.0], 1.0, [0.1, 0.2, 0.3])
    assert state.chi(t)[0] == pytest.approx(state.a[0] + state.b_k[0] / t)
    assert np.all(np.diff(dissolve_probability(state.chi(t)[0], state.std(t)[0], 0.53)) > 0)


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


def test_many_pairs_at_once_equal_one_pair_at_a_time():
    rng = np.random.default_rng(7)
    member_a, member_b_k = rng.normal(0.4, 0.2, (5, 6)), rng.normal(80.0, 40.0, (5, 6))
    terms = np.abs(rng.normal(0.3, 0.2, (6, 3)))
    terms[2] = 0.0  # δ unknown for one pair
    measured_t = np.full((6, 2), np.nan)
    measured_chi = np.full((6, 2), np.nan)
    measured_t[1], measured_chi[1] = [290.0, 330.0], [0.6, 0.5]
    labels = np.full((6, 2), -1)
    labels[3, 0] = 1
    t = np.linspace(280.0, 420.0, 8)
    many = posterior(EnsembleMoments.from_members(member_a, member_b_k, 1.3), terms, terms.sum(1) > 0, PARAMS,
                     chi_critical=np.full(6, 0.53), measured_t_k=measured_t, measured_chi=measured_chi, labels=labels)
    for j in range(6):
        one = _one(member_a[:, j], member_b_k[:, j], 1.3, terms[j], *(
            (measured_t[j], measured_chi[j]) if j == 1 else ((), ())), labels=(1,) if j == 3 else ())
        np.testing.assert_allclose(many.chi(t)[j], one.chi(t)[0], atol=1e-12)
        np.testing.assert_allclose(many.std(t)[j], one.std(t)[0], atol=1e-12)
        # one temperature per pair (a batch) is the grid's diagonal
        assert many.std(t[:6], rows=True)[j] == pytest.approx(many.std(t)[j, j], abs=1e-14)


def test_model_card_states_the_shipped_posterior():
    from chiapp import load_model
    from chiapp.model_card import posterior_tables

    manifest = load_model().manifest
    parameters, scores = posterior_tables(manifest)
    # one row per scalar parameter and one per chemistry class's σ factor
    assert len(parameters) == len(PosteriorParameters.__dataclass_fields__) - 1 + len(CHEMISTRY_CLASSES)
    factors = manifest["posterior"]["parameters"]["class_sigma_factors"]
    shown = parameters.set_index("parameter")["value"]
    assert [shown[f"σ factor f_c, {name}"] for name in CHEMISTRY_CLASSES] == [f"{f:.3g}" for f in factors]
    assert list(scores["answer"]) == ["ensemble", "prior", "posterior", "constant"]
    # the shipped parameters are the manifest's, read back through the same loader predict_chi uses
    assert PosteriorParameters.from_manifest(manifest).spread_weight == float(
        manifest["posterior"]["parameters"]["spread_weight"])


def test_the_laboratory_sigma_is_read_checked_and_optional():
    from chiapp import load_model
    from chiapp.errors import ModelArtifactError

    manifest = load_model().manifest
    values = dict(manifest["posterior"]["parameters"])
    study = manifest["posterior"]["held_out"]["held_out_sources"]
    assert PosteriorParameters.from_manifest(manifest).laboratory_sigma == study["source_sigma"] > 0
    without = {k: v for k, v in values.items() if k != "laboratory_sigma"}
    assert PosteriorParameters.from_manifest({"posterior": {"parameters": without}}).laboratory_sigma == 0.0
    with pytest.raises(ModelArtifactError, match="laboratory"):
        PosteriorParameters.from_manifest({"posterior": {"parameters": {**values, "laboratory_sigma": -0.1}}})


def test_the_class_sigma_factors_are_read_checked_and_optional():
    from chiapp import load_model
    from chiapp.errors import ModelArtifactError

    manifest = load_model().manifest
    values = dict(manifest["posterior"]["parameters"])
    assert PosteriorParameters.from_manifest(manifest).class_sigma_factors == tuple(values["class_sigma_factors"])
    without = {k: v for k, v in values.items() if k != "class_sigma_factors"}
    assert PosteriorParameters.from_manifest({"posterior": {"parameters": without}}).class_sigma_factors == (1.0,) * 4
    for bad in ([1.0, 1.0, 1.0], [1.0, 1.0, -1.0, 1.0], [1.0, 1.0, "wide", 1.0], 1.5):
        with pytest.raises(ModelArtifactError):
            PosteriorParameters.from_manifest({"posterior": {"parameters": {**values, "class_sigma_factors": bad}}})


def test_a_chemistry_class_multiplies_sigma_by_its_factor_and_leaves_chi():
    """Without measurements or labels σ(T) = s·f_c·(1/(kσ_e)² + 1/σ_p²)^-½ (module docstring): the class
    code picks f_c and nothing else, so the ratio to the one-scale σ is f_c at every temperature."""
    from dataclasses import replace

    from chiapp.posterior import chemistry_classes

    params = replace(PARAMS, class_sigma_factors=(1.0, 0.8, 1.7, 1.2))
    moments = EnsembleMoments.from_members(np.array([[0.4] * 4, [0.6] * 4]), np.array([[30.0] * 4, [50.0] * 4]), 1.0)
    terms = np.tile([0.3, 0.2, 0.1], (4, 1))
    codes = chemistry_classes([False, False, True, True], [False, True, False, True])
    assert codes.tolist() == [0, 1, 2, 3]
    t = np.array([280.0, 330.0, 400.0])
    one = posterior(moments, terms, np.ones(4, dtype=bool), params)
    classed = posterior(moments, terms, np.ones(4, dtype=bool), params, chemistry_class=codes)
    np.testing.assert_allclose(classed.std(t) / one.std(t), np.array([[1.0], [0.8], [1.7], [1.2]]) * np.ones(3),
                               rtol=1e-12)
    np.testing.assert_array_equal(classed.chi(t), one.chi(t))


def test_water_and_alcohols_donate_hydrogen_bonds_and_the_engine_uses_the_class(monkeypatch):
    """RDKit's Lipinski donor count is 0 for water; the class rule reads the NH/OH count of a solvent.
    PVA (an OH per repeat unit) in toluene is class 'the polymer donates': its σ is the one-scale σ
    times that class's shipped factor, which the engine's answer must show."""
    from dataclasses import replace

    import chiapp.answer as engine
    from chiapp import load_model
    from chiapp.descriptors import hydrogen_bond_donor, polymer_descriptors, solvent_descriptors
    from chiapp.features import polymer_features, solvent_features

    donors = [bool(hydrogen_bond_donor(solvent_descriptors(s), "solvent")) for s in ("O", "CCO", "Cc1ccccc1")]
    assert donors == [True, True, False]
    assert [bool(hydrogen_bond_donor(polymer_descriptors(p), "polymer")) for p in ("*CC(*)O", "*CC(*)c1ccccc1")] \
        == [True, False]
    factor = engine.posterior_parameters(load_model()).class_sigma_factors[2]
    assert factor != 1.0
    t = np.array([298.15, 350.0])
    pairs = lambda: ([polymer_features("PVA")], [solvent_features("toluene")])  # noqa: E731
    shipped = engine.answer_grid(*pairs(), t, evidence=False)
    shipped_one = engine.posterior_parameters
    monkeypatch.setattr(engine, "posterior_parameters",
                        lambda m: replace(shipped_one(m), class_sigma_factors=(1.0,) * 4))
    engine.forget_blocks()
    one = engine.answer_grid(*pairs(), t, evidence=False)
    np.testing.assert_allclose(shipped.chi_std / one.chi_std, factor, rtol=1e-12)
    np.testing.assert_array_equal(shipped.chi, one.chi)


def test_probability_of_a_subnormal_sigma_is_certain():
    with np.errstate(all="raise"):
        assert dissolve_probability(0.0, 2.2250738585e-313, 0.5) == 1.0  # found by Hypothesis
        assert dissolve_probability(1.0, 5e-324, 0.5) == 0.0


def test_an_infinite_ensemble_spread_gives_the_prior_and_a_nan_ensemble_no_answer():
    """Step 2's limits: an infinite spread leaves the prior's line (its own fit, closed form), a NaN
    ensemble gives no χ at all (never a confident number)."""
    from chiapp.posterior import EnsembleMoments, posterior, prior_line

    params = PosteriorParameters(0.1, 0.9, 0.4, 0.5, 0.6, spread_weight=1.0, sigma_scale=1.0, measurement_sigma=0.1,
                                 label_sigma=0.1)
    terms = np.array([[0.3, 0.2, 0.1], [0.3, 0.2, 0.1], [0.3, 0.2, 0.1]])
    moments = EnsembleMoments(np.array([2.0, np.nan, 2.0]), np.array([100.0, 100.0, 100.0]),
                              np.array([np.inf, 0.01, 0.01]), np.zeros(3), np.array([0.0, 0.0, 0.0]))
    state = posterior(moments, terms, np.ones(3, dtype=bool), params)
    c0, c1_k = prior_line(terms, np.ones(3, dtype=int), params)
    assert state.a[0] == pytest.approx(c0[0]) and state.b_k[0] == pytest.approx(c1_k[0])
    assert np.isnan(state.chi(np.array([300.0]))[1, 0])
    assert np.isfinite(state.chi(np.array([300.0]))[2, 0]) and state.a[2] != pytest.approx(c0[2])


def test_measured_points_name_the_paper_they_were_measured_in():
    """data_Chi.csv was typed from Orwoll & Arnold's Table 14.1 without its references; the join gives
    them back. PS in toluene at 27 °C is the table's osmotic entry citing Krigbaum & Flory, J. Am. Chem.
    Soc. 75, 1775 (1953), among others; a point the join found no entry for keeps the data set's name."""
    e = evidence_for("*CC(*)c1ccccc1", "Cc1ccccc1")
    at_27 = [s for t, s in zip(e.temperatures_k, e.point_sources) if abs(t - 300.15) < 0.01]
    assert at_27 and all("Krigbaum and P. J. Flory, J. Am. Chem. Soc. 75, 1775 (1953)" in s for s in at_27)
    assert all("Table 14.1" in s or s == "Aoki et al. 2023 (MTL_ChiParameter data_Chi.csv)" for s in e.point_sources)
    assert sum("Table 14.1" in s for s in e.point_sources) > len(e.point_sources) / 2
    assert "laboratories" in e.chi_source


def test_a_chemistry_class_far_worse_on_held_out_polymers_gets_a_caveat():
    """The caveat's rule (chiapp.model_card.chemistry_caveat): a class whose held-out MAE is at least twice
    the overall one is named with both figures and its σ factor; any other class, or a manifest without
    the study, says nothing. The shipped answers carry it: cellulose acetate in toluene is such a pair
    (the polymer's free OH, a solvent without O–H), PS in toluene and PVA in water are not."""
    from chiapp import load_model, predict_chi
    from chiapp.explanation import verdict_view
    from chiapp.model_card import chemistry_caveat

    manifest = load_model().manifest
    parameters = dict(manifest["posterior"]["parameters"], class_sigma_factors=[1.0, 1.0, 1.5, 0.9])
    def study(mae_2):
        return {"posterior": {"parameters": parameters, "held_out": {"posterior": {"mae": 0.2}, "by_chemistry_class": [
            {"class": CHEMISTRY_CLASSES[2], "mae": mae_2}, {"class": CHEMISTRY_CLASSES[3], "mae": 0.6}]}}}
    text = chemistry_caveat(study(0.4), 2)
    assert "0.40" in text and "0.20" in text and "×1.50" in text and "widened" in text
    assert chemistry_caveat(study(0.39), 2) == ""
    assert "scaled ×0.90" in chemistry_caveat(study(0.4), 3)
    assert chemistry_caveat({"posterior": {"parameters": parameters}}, 2) == ""
    caveats = {}
    for polymer, solvent in (("cellulose acetate", "toluene"), ("PS", "toluene"), ("PVA", "water"), ("PS", "water")):
        r = predict_chi(polymer, solvent, 298.15)
        caveats[polymer, solvent] = (r.chemistry_class, r.chemistry_caveat)
    assert caveats["cellulose acetate", "toluene"][0] == CHEMISTRY_CLASSES[2]
    assert caveats["PS", "toluene"] == (CHEMISTRY_CLASSES[0], "")
    assert caveats["PVA", "water"][0] == CHEMISTRY_CLASSES[3] and caveats["PS", "water"][0] == CHEMISTRY_CLASSES[1]
    shipped = chemistry_caveat(manifest, 2)
    assert shipped and caveats["cellulose acetate", "toluene"][1] == shipped
    assert shipped in verdict_view(predict_chi("cellulose acetate", "toluene", 298.15)).caveat
