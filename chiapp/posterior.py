"""One answer from everything known: the ensemble, a physical prior, the measured evidence, a verdict.

The raw ensemble extrapolates wildly far from its training data (σ of 3–7 for siloxanes). So the
χ chiapp reports is a posterior (parameters fitted on held-out polymers by ``training.posterior``
and stored in the model manifest under "posterior"):

1. **Prior** from Hansen solubility parameters (Lindvig's χ_H = 0.6·V_s/(R·T)·(ΔδD² + ¼ΔδP² + ¼ΔδH²),
   from the same group contributions the model uses) and, where chiapp knows both σ-profiles (shipped
   for every training and library molecule, or computed by ``chiapp qc``), the COSMO-SAC χ_QC of
   ``chiapp.quantum`` (clipped to [−3, 5]): χ_prior = α_q + β_q·χ_H + γ_q·χ_QC with its held-out error
   σ_q; with δ but no σ-profiles, α + β·χ_H with σ_prior; where δ is unknown, a constant α₀ with σ₀.
2. **Precision weighting** with the ensemble (mean χ_e, calibrated spread σ_e, inflated by the
   fitted factor k): χ = (χ_e/(kσ_e)² + χ_prior/σ_prior²) / (1/(kσ_e)² + 1/σ_prior²). Zero spread
   returns the ensemble, infinite spread the prior; the reported σ is s·(1/(kσ_e)² + 1/σ_prior²)^-½,
   s fitted so that 2σ covers 90 % of held-out errors.
3. **Measured χ of the pair** (the open data): Bayesian linear regression of the residuals on
   (1, T_ref/T − 1), i.e. a correction of a and b with the posterior σ as the prior width and the
   measurement noise σ_meas; the curve passes near the points, the band narrows there.
4. **Handbook labels** (solvent / non-solvent): a probit observation on χ − χc with width τ
   (against χc, not a crystalline polymer's melting limit: the lists often mean a hot solvent for
   those), folded in by moment matching (the Gaussian with the same mean and variance as
   the exact posterior; Rasmussen & Williams 2006, §3.6): a 'solvent' label pulls χ below χc.
5. **One verdict**: P(dissolves) = Φ((χc − χ)/σ) from the final χ and σ, so the χ shown and the
   probability shown cannot contradict each other; 'dissolves' when P ≥ 0.7, 'does not dissolve'
   when P ≤ 0.3, 'borderline' between.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from chiapp.errors import ModelArtifactError

__all__ = ["PosteriorParameters", "VERDICTS", "DISSOLVES_AT", "DOES_NOT_AT", "prior_chi", "combine",
           "condition_on_measurements", "condition_on_labels", "dissolve_probability", "verdict", "verdicts",
           "LABEL_TEMPERATURE_K"]

#: The three answers, best first.
VERDICTS = ("dissolves", "borderline", "does not dissolve")
#: P(dissolves) at or above which the verdict is 'dissolves', at or below which 'does not dissolve'.
DISSOLVES_AT = 0.7
DOES_NOT_AT = 0.3
#: Handbook solvent lists are room-temperature observations.
LABEL_TEMPERATURE_K = 298.15
#: Lindvig et al., Fluid Phase Equilib. 2002, 203, 247: χ = α·V_s/(RT)·[ΔδD² + ¼(ΔδP² + ΔδH²)], α = 0.6.
LINDVIG_ALPHA = 0.6
_T_REF_K = 298.15


@dataclass(frozen=True)
class PosteriorParameters:
    """The fitted constants of the posterior (see the module docstring for each)."""

    prior_intercept: float
    prior_slope: float
    prior_sigma: float
    prior_intercept_unknown: float
    prior_sigma_unknown: float
    spread_weight: float
    sigma_scale: float
    measurement_sigma: float
    label_sigma: float
    # the prior where the COSMO-SAC χ is known too (NaN: not fitted, the Hansen prior is used)
    prior_qc_intercept: float = math.nan
    prior_qc_slope_hansen: float = math.nan
    prior_qc_slope: float = math.nan
    prior_qc_sigma: float = math.nan

    @property
    def has_qc_prior(self) -> bool:
        return math.isfinite(self.prior_qc_sigma)

    @classmethod
    def from_manifest(cls, manifest: dict) -> "PosteriorParameters":
        entry = manifest.get("posterior")
        if not isinstance(entry, dict) or not isinstance(entry.get("parameters"), dict):
            raise ModelArtifactError("the model manifest has no posterior parameters; rebuild them with "
                                     "python -m training.posterior")
        values = entry["parameters"]
        optional = {name for name in cls.__dataclass_fields__ if name.startswith("prior_qc_")}
        try:
            params = cls(**{name: float(values[name]) for name in cls.__dataclass_fields__
                            if name not in optional or name in values})
        except (KeyError, TypeError, ValueError) as err:
            raise ModelArtifactError(f"the manifest's posterior parameters are incomplete or not numbers: {err}") \
                from None
        required = [v for name, v in vars(params).items() if name not in optional]
        qc = [getattr(params, name) for name in optional]
        widths = [params.prior_sigma, params.prior_sigma_unknown, params.spread_weight, params.sigma_scale,
                  params.measurement_sigma, params.label_sigma]
        if params.has_qc_prior:
            widths.append(params.prior_qc_sigma)
        qc_whole = all(map(math.isfinite, qc)) or all(map(math.isnan, qc))  # the QC prior all there, or absent
        if not (all(map(math.isfinite, required)) and qc_whole and min(widths) > 0):
            raise ModelArtifactError("the manifest's posterior parameters must be finite with positive widths")
        return params


def hansen_chi(hansen_terms: np.ndarray, temperatures_k: np.ndarray) -> np.ndarray:
    """Lindvig's χ_H [-] at each temperature from ``chiapp.model.hansen_terms`` (V_s·Δδ²/(R·T_ref) for
    δD, δP, δH), shape (..., 3) -> (..., T)."""
    weighted = hansen_terms[..., 0] + 0.25 * (hansen_terms[..., 1] + hansen_terms[..., 2])
    return LINDVIG_ALPHA * weighted[..., None] * (_T_REF_K / np.asarray(temperatures_k, dtype=float))


#: COSMO-SAC χ enters the prior clipped to this range: beyond it (χ_QC of −5 or +8 happen) it only says
#: "very good" or "very poor", and a linear term would take it literally.
QC_CLIP = (-3.0, 5.0)


def prior_chi(hansen_terms: np.ndarray, known: np.ndarray, temperatures_k: np.ndarray,
              params: PosteriorParameters, qc_chi: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Prior mean and σ of χ, shape (..., T): α_q + β_q·χ_H + γ_q·χ_QC where δ and ``qc_chi`` (COSMO-SAC
    χ, broadcastable to (..., T), NaN where unknown) are known, α + β·χ_H where only δ is, else α₀."""
    chi_h = hansen_chi(hansen_terms, temperatures_k)
    known = np.asarray(known, dtype=bool)[..., None]
    mean = np.where(known, params.prior_intercept + params.prior_slope * chi_h, params.prior_intercept_unknown)
    sigma = np.where(known, params.prior_sigma, params.prior_sigma_unknown) * np.ones_like(mean)
    if qc_chi is not None and params.has_qc_prior:
        qc = np.broadcast_to(np.asarray(qc_chi, dtype=float), mean.shape)
        use = known & np.isfinite(qc)
        with np.errstate(invalid="ignore"):
            qc_mean = (params.prior_qc_intercept + params.prior_qc_slope_hansen * chi_h
                       + params.prior_qc_slope * np.clip(qc, *QC_CLIP))
        mean = np.where(use, qc_mean, mean)
        sigma = np.where(use, params.prior_qc_sigma, sigma)
    return mean, sigma


def combine(ensemble_mean, ensemble_std, prior_mean, prior_std, params: PosteriorParameters):
    """Precision-weighted mean and scaled σ of the ensemble and the prior (element-wise).

    >>> p = PosteriorParameters(0, 0, 1, 0, 1, spread_weight=1, sigma_scale=1, measurement_sigma=.1, label_sigma=.1)
    >>> [round(float(v), 3) for v in combine(1.0, 1.0, 0.0, 1.0, p)]
    [0.5, 0.707]
    """
    e_var = (params.spread_weight * np.asarray(ensemble_std, dtype=float)) ** 2
    p_var = np.asarray(prior_std, dtype=float) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(e_var > 0, p_var / (p_var + e_var), 1.0)  # the ensemble's share
    mean = weight * np.asarray(ensemble_mean, dtype=float) + (1 - weight) * np.asarray(prior_mean, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.where(e_var > 0, 1.0 / (1.0 / e_var + 1.0 / p_var), 0.0)  # = p_var when e_var = inf
    return mean, params.sigma_scale * np.sqrt(var)


def measurement_update(measured_t_k, residuals, sigma0: float, measurement_sigma: float):
    """Posterior mean and covariance of (δa, δb) from residuals r_i = χ_i − χ(T_i) [-].

    The correction is δa + δb·x, x = T_ref/T − 1 (so it keeps χ = a + b/T), with δa, δb ~ N(0, σ0²)
    and independent measurement noise N(0, σ_meas²): Bayesian linear regression in closed form.
    """
    measured_t_k = np.asarray(measured_t_k, dtype=float)
    design = np.stack([np.ones_like(measured_t_k), _T_REF_K / measured_t_k - 1.0], axis=1)
    precision = np.eye(2) / max(sigma0, 1e-6) ** 2 + design.T @ design / measurement_sigma**2
    covariance = np.linalg.inv(precision)
    return covariance @ design.T @ np.asarray(residuals, dtype=float) / measurement_sigma**2, covariance


def condition_on_measurements(temperatures_k, mean, std, measured_t_k, measured_chi, measurement_sigma: float):
    """A curve ``mean`` ± ``std`` over ``temperatures_k`` corrected by measured χ of the same pair.

    Returns the corrected mean and the σ shrunk by the ratio of the correction's posterior to
    prior variance at each temperature (see :func:`measurement_update`).
    """
    t = np.asarray(temperatures_k, dtype=float)
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    if not len(measured_t_k):
        return mean, std
    sigma0 = float(np.interp(_T_REF_K, t, std)) if len(t) > 1 else float(std[0])
    residuals = np.asarray(measured_chi, dtype=float) - np.interp(measured_t_k, t, mean)
    delta, covariance = measurement_update(measured_t_k, residuals, sigma0, measurement_sigma)
    x = np.stack([np.ones_like(t), _T_REF_K / t - 1.0], axis=1)
    prior_var = max(sigma0, 1e-6) ** 2 * np.einsum("ij,ij->i", x, x)
    shrink = np.sqrt(np.einsum("ij,jk,ik->i", x, covariance, x) / prior_var)
    return mean + x @ delta, std * np.minimum(shrink, 1.0)


def condition_on_labels(mean: float, std: float, chi_critical: float, labels, label_sigma: float):
    """Mean and σ of χ after handbook labels (1: solvent, χ < χc; 0: non-solvent), by moment matching.

    One label with a probit likelihood Φ(s·(χc − χ)/τ), s = +1 for a solvent and −1 otherwise, on a
    Gaussian N(μ, σ²): z = s·(χc − μ)/√(σ² + τ²), r = φ(z)/Φ(z),
    μ' = μ − s·σ²·r/√(σ² + τ²),  σ'² = σ² − σ⁴·r·(z + r)/(σ² + τ²).
    """
    mu, var = float(mean), float(std) ** 2
    for label in labels:
        sign = 1.0 if int(label) == 1 else -1.0
        scale = math.sqrt(var + label_sigma**2)
        z = sign * (chi_critical - mu) / scale
        ratio = math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) / max(float(ndtr(z)), 1e-300)
        mu = mu - sign * var * ratio / scale
        var = var - var**2 * ratio * (z + ratio) / scale**2
    return mu, math.sqrt(max(var, 0.0))


def dissolve_probability(mean, std, chi_critical):
    """P(χ < χc) [0, 1] for a Gaussian χ; element-wise."""
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a subnormal σ: z = ±inf, P = 0 or 1
        gap = np.asarray(chi_critical, dtype=float) - mean
        z = np.where(std > 0, gap / std, np.sign(gap) * np.inf)
    return ndtr(z)


def verdict(probability: float) -> str:
    """'dissolves', 'borderline' or 'does not dissolve' from P(dissolves)."""
    if probability >= DISSOLVES_AT:
        return "dissolves"
    if probability <= DOES_NOT_AT:
        return "does not dissolve"
    return "borderline"


def verdicts(probabilities) -> np.ndarray:
    """:func:`verdict` over an array."""
    p = np.asarray(probabilities, dtype=float)
    return np.where(p >= DISSOLVES_AT, VERDICTS[0], np.where(p <= DOES_NOT_AT, VERDICTS[2], VERDICTS[1]))


@dataclass(frozen=True)
class PosteriorCurve:
    """χ(T) = a + b_k/T with σ(T), P(dissolves) and the verdict at each temperature."""

    a: float
    b_k: float
    chi: np.ndarray
    chi_std: np.ndarray
    dissolve_probability: np.ndarray
    verdicts: tuple[str, ...]


#: Where the posterior's a + b/T is fitted: fixed, so the coefficients of a pair never depend on
#: the temperatures asked for (the training data span 0–229 °C).
FIT_TEMPERATURES_K = np.linspace(273.15, 503.15, 24)


def posterior_curve(temperatures_k, member_a, member_b_k, spread_scale: float, hansen_terms_pair,
                    hansen_known: bool, chi_limit, params: PosteriorParameters, measured_t_k=(), measured_chi=(),
                    labels=(), label_chi_limit: float | None = None, qc_nodes=None) -> PosteriorCurve:
    """The posterior of one pair (steps 1–5 of the module docstring) at temperatures [K].

    ``member_a``/``member_b_k`` are the ensemble members' coefficients (spread calibrated by
    ``spread_scale``). The posterior mean is the a + b_k/T fitted through the precision-weighted
    curve on FIT_TEMPERATURES_K, then corrected (still a + b/T) by the measured χ and the handbook
    labels; σ is evaluated at each asked temperature. ``chi_limit`` is χc (or, for a
    semicrystalline polymer, the smaller melting limit), one value or one per temperature;
    ``label_chi_limit`` the limit at 25 °C that a handbook label speaks of (default: ``chi_limit``).
    ``qc_nodes`` is the pair's COSMO-SAC χ at ``chiapp.quantum.chi.QC_NODES_K`` (``known_qc_nodes``), or None.
    """
    t = np.asarray(temperatures_k, dtype=float)
    member_a, member_b_k = np.asarray(member_a, dtype=float), np.asarray(member_b_k, dtype=float)
    terms = np.asarray(hansen_terms_pair, dtype=float)[None, :]
    qc = None if qc_nodes is None else np.asarray(qc_nodes, dtype=float)[None, :]

    def band(temps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        members = member_a[:, None] + member_b_k[:, None] / temps
        p_mean, p_std = prior_chi(terms, np.array([hansen_known]), temps, params, _qc_at(qc, temps))
        return combine(members.mean(0), spread_scale * members.std(0), p_mean[0], p_std[0], params)

    fitted, _ = band(FIT_TEMPERATURES_K)
    b_k, a = np.polyfit(1.0 / FIT_TEMPERATURES_K, fitted, 1)
    _, std = band(t)
    sigma_ref = float(band(np.array([_T_REF_K]))[1][0])
    if len(measured_t_k):
        measured_t_k = np.asarray(measured_t_k, dtype=float)
        residuals = np.asarray(measured_chi, dtype=float) - (a + b_k / measured_t_k)
        delta, covariance = measurement_update(measured_t_k, residuals, sigma_ref, params.measurement_sigma)
        a, b_k = a + delta[0] - delta[1], b_k + delta[1] * _T_REF_K
        x = np.stack([np.ones_like(t), _T_REF_K / t - 1.0], axis=1)
        shrink = np.einsum("ij,jk,ik->i", x, covariance, x) / (sigma_ref**2 * np.einsum("ij,ij->i", x, x))
        std = std * np.sqrt(np.minimum(shrink, 1.0))
        x_ref = np.array([1.0, 0.0])
        sigma_ref = float(np.sqrt(x_ref @ covariance @ x_ref))
    if len(labels):
        limit = float(np.atleast_1d(chi_limit)[0] if label_chi_limit is None else label_chi_limit)
        mu_ref = a + b_k / LABEL_TEMPERATURE_K
        mu_new, sigma_new = condition_on_labels(mu_ref, sigma_ref, limit, labels, params.label_sigma)
        a += mu_new - mu_ref
        std = std * (sigma_new / sigma_ref if sigma_ref > 0 else 1.0)
    mean = a + b_k / t
    probability = dissolve_probability(mean, std, chi_limit)
    return PosteriorCurve(float(a), float(b_k), mean, std, probability, tuple(str(v) for v in verdicts(probability)))


def _qc_at(qc_nodes, temperatures_k):
    """COSMO-SAC χ at the temperatures from its node values (..., nodes) -> (..., T); None stays None."""
    if qc_nodes is None:
        return None
    from chiapp.quantum.chi import interpolate_nodes

    return interpolate_nodes(qc_nodes, temperatures_k)


def posterior_curves(temperatures_k, member_a, member_b_k, spread_scale: float, hansen_terms_pairs, hansen_known,
                     chi_limit, params: PosteriorParameters, qc_nodes=None) -> tuple[np.ndarray, ...]:
    """:func:`posterior_curve` for many pairs without measured evidence at once (a ranking, a grid).

    ``member_a``/``member_b_k`` are (n_members, S), ``hansen_terms_pairs`` (S, 3), ``hansen_known``
    (S,), ``chi_limit`` (S,) or (S, T), ``qc_nodes`` (S, nodes) or None. Returns χ, σ and P(dissolves),
    each (S, T), and a, b_k, each (S,): the same numbers as the one-pair function (least squares in closed form).
    """
    t = np.asarray(temperatures_k, dtype=float)
    member_a, member_b_k = np.asarray(member_a, dtype=float), np.asarray(member_b_k, dtype=float)
    terms, known = np.asarray(hansen_terms_pairs, dtype=float), np.asarray(hansen_known, dtype=bool)

    def band(temps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        members = member_a[..., None] + member_b_k[..., None] / temps           # (M, S, T)
        p_mean, p_std = prior_chi(terms, known, temps, params, _qc_at(qc_nodes, temps))  # (S, T)
        return combine(members.mean(0), spread_scale * members.std(0), p_mean, p_std, params)

    fitted, _ = band(FIT_TEMPERATURES_K)
    x = 1.0 / FIT_TEMPERATURES_K
    dx = x - x.mean()
    b_k = ((fitted - fitted.mean(axis=1, keepdims=True)) * dx).sum(axis=1) / (dx @ dx)
    a = fitted.mean(axis=1) - b_k * x.mean()
    _, std = band(t)
    mean = a[:, None] + b_k[:, None] / t
    limit = np.asarray(chi_limit, dtype=float)
    probability = dissolve_probability(mean, std, limit[:, None] if limit.ndim == 1 else limit)
    return mean, std, probability, a, b_k


def posterior_rows(temperatures_k, member_a, member_b_k, spread_scale: float, hansen_terms_rows, hansen_known,
                   chi_limit, params: PosteriorParameters, qc_nodes=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`posterior_curve` for rows that each have their own pair and one temperature (a batch),
    without measured evidence: χ, σ and P(dissolves), each (R,). ``member_a``/``member_b_k`` are
    (n_members, R), ``hansen_terms_rows`` (R, 3), ``hansen_known`` and ``chi_limit`` (R,), ``qc_nodes``
    (R, nodes) or None."""
    t = np.asarray(temperatures_k, dtype=float)
    fitted_mean, _, _, a, b_k = posterior_curves(t[:1] if len(t) else np.array([300.0]), member_a, member_b_k,
                                                 spread_scale, hansen_terms_rows, hansen_known,
                                                 np.asarray(chi_limit, dtype=float), params, qc_nodes)
    members = np.asarray(member_a, dtype=float) + np.asarray(member_b_k, dtype=float) / t        # (M, R)
    if qc_nodes is None:
        qc_rows = None
    else:
        from chiapp.quantum.chi import interpolate_rows

        qc_rows = interpolate_rows(qc_nodes, t)[:, None, None]
    p_mean, p_std = prior_chi(np.asarray(hansen_terms_rows, dtype=float)[:, None, :],
                              np.asarray(hansen_known, dtype=bool)[:, None], t[:, None, None], params, qc_rows)
    _, std = combine(members.mean(0), spread_scale * members.std(0), p_mean[:, 0, 0], p_std[:, 0, 0], params)
    mean = a + b_k / t
    return mean, std, dissolve_probability(mean, std, chi_limit)
