"""One answer from everything known: the ensemble, a physical prior, the measured evidence, a verdict.

The raw ensemble extrapolates wildly far from its training data (σ of 3–7 for siloxanes). So the
χ chiapp reports is a posterior (parameters fitted on held-out polymers by ``training.posterior``
and stored in the model manifest under "posterior"), computed here for many pairs at once:

1. **Prior** from Hansen solubility parameters (Lindvig's χ_H = 0.6·V_s/(R·T)·(ΔδD² + ¼ΔδP² + ¼ΔδH²),
   from the same group contributions the model uses) and, where chiapp knows both σ-profiles (shipped
   for every training and library molecule, or computed by ``chiapp qc``), the COSMO-SAC χ_QC of
   ``chiapp.quantum`` (clipped to [−3, 5]): χ_prior = α_q + β_q·χ_H + γ_q·χ_QC with its held-out error
   σ_q; with δ but no σ-profiles, α + β·χ_H with σ_prior; where δ is unknown, a constant α₀ with σ₀.
2. **Precision weighting** with the ensemble (mean χ_e, calibrated spread σ_e, inflated by the
   fitted factor k): χ = (χ_e/(kσ_e)² + χ_prior/σ_prior²) / (1/(kσ_e)² + 1/σ_prior²). Zero spread
   returns the ensemble, infinite spread the prior; the reported σ is s·(1/(kσ_e)² + 1/σ_prior²)^-½,
   s fitted so that 2σ covers 90 % of held-out errors, then per chemistry class (whether the polymer and
   the solvent donate hydrogen bonds, :data:`CHEMISTRY_CLASSES`) a factor f_c fitted the same way on
   that class's held-out rows, shrunk towards 1 by the class's size: a hydrogen-bonding polymer in a
   solvent that cannot donate is where both towers and the Hansen prior miss most. The posterior mean
   is χ(T) = a + b_k/T (+ c_k2/T² when the manifest asks for three terms) fitted by least squares
   through that curve on the fixed grid FIT_TEMPERATURES_K, so a pair's coefficients never depend
   on the temperatures asked for.
3. **Measured χ of the pair** (the open data): Bayesian linear regression of the residuals on
   (1, T_ref/T − 1), i.e. a correction of a and b with the posterior σ at T_ref as the prior width and
   the measurement noise σ_meas; the curve passes near the points, the band narrows there.
4. **Handbook labels** (solvent / non-solvent): a probit observation on χ(25 °C) − χc with width τ
   (against χc, not a crystalline polymer's melting limit: the lists often mean a hot solvent for
   those), folded in by moment matching (the Gaussian with the same mean and variance as
   the exact posterior; Rasmussen & Williams 2006, §3.6): a 'solvent' label pulls χ below χc. A cited
   "dissolves at T" fact is the same observation at its own T; each label shifts a and scales σ.
5. **One verdict**: P(dissolves) = Φ((χ_lim − χ)/σ) from the final χ and σ, so the χ shown and the
   probability shown cannot contradict each other; :func:`verdict_codes` is the one home of the rule
   ('dissolves' when P ≥ 0.7, 'does not dissolve' when P ≤ 0.3, 'borderline' between).

Every step is closed form per pair, so σ(T) at any temperature is a formula of a dozen numbers per
pair (:class:`PairPosterior`): the ensemble's moments, the prior's σ, the measurement covariance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import ndtr

from chiapp.errors import ModelArtifactError
from chiapp.units import REFERENCE_TEMPERATURE_K, ZERO_CELSIUS_K

__all__ = ["PosteriorParameters", "VERDICTS", "DISSOLVES_AT", "DOES_NOT_AT", "PRIOR_NAMES", "LABEL_TEMPERATURE_K",
           "FIT_TEMPERATURES_K", "EnsembleMoments", "PairPosterior", "posterior", "prior_chi", "hansen_chi",
           "combine", "measurement_update", "condition_on_labels", "dissolve_probability", "laboratory_std",
           "verdict_codes", "verdict", "verdicts", "CHEMISTRY_CLASSES", "chemistry_classes"]

#: The three answers, best first; a verdict code is an index into this.
VERDICTS = ("dissolves", "borderline", "does not dissolve")
#: P(dissolves) at or above which the verdict is 'dissolves', at or below which 'does not dissolve'.
DISSOLVES_AT = 0.7
DOES_NOT_AT = 0.3
#: Which prior a pair's answer leaned on, by prior code (0, 1, 2).
PRIOR_NAMES = ("constant", "Hansen", "Hansen and COSMO-SAC")
#: The chemistry classes of a pair's σ factor, by class code 2·(polymer donates) + (solvent donates).
CHEMISTRY_CLASSES = ("neither donates a hydrogen bond", "the solvent donates", "the polymer donates",
                     "both donate")
#: Handbook solvent lists are room-temperature observations.
LABEL_TEMPERATURE_K = REFERENCE_TEMPERATURE_K
#: Lindvig et al., Fluid Phase Equilib. 2002, 203, 247: χ = α·V_s/(RT)·[ΔδD² + ¼(ΔδP² + ΔδH²)], α = 0.6.
LINDVIG_ALPHA = 0.6
_T_REF_K = REFERENCE_TEMPERATURE_K
#: Where the posterior's χ(T) is fitted: fixed, so the coefficients of a pair never depend on
#: the temperatures asked for (the training data span 0–229 °C).
FIT_TEMPERATURES_K = np.linspace(ZERO_CELSIUS_K, ZERO_CELSIUS_K + 230.0, 24)
FIT_TEMPERATURES_K.flags.writeable = False
#: COSMO-SAC χ enters the prior clipped to this range: beyond it (χ_QC of −5 or +8 happen) it only says
#: "very good" or "very poor", and a linear term would take it literally.
QC_CLIP = (-3.0, 5.0)


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
    # β of the solvation shift of a crystalline polymer's melting χ (chiapp.crystallinity; manifest
    # entry "solvation", fitted by training.solvation; 0: Flory's limit unchanged)
    solvation_weight: float = 0.0
    # τ, the spread of one laboratory's χ about another's for the same pair (training.sources: the
    # smallest τ whose band √(σ² + τ²) covers 90 % of held-out laboratories' χ; 0: not measured)
    laboratory_sigma: float = 0.0
    # f_c, the σ factor of each chemistry class (CHEMISTRY_CLASSES; all 1: one σ scale for every pair)
    class_sigma_factors: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0)

    @property
    def has_qc_prior(self) -> bool:
        return math.isfinite(self.prior_qc_sigma)

    def pair_sigma_scales(self, chemistry_class) -> np.ndarray:
        """s·f_c [-] of each pair from its chemistry class code (:func:`chemistry_classes`)."""
        return self.sigma_scale * np.asarray(self.class_sigma_factors, dtype=float)[np.asarray(chemistry_class)]

    @classmethod
    def from_manifest(cls, manifest: dict) -> "PosteriorParameters":
        entry = manifest.get("posterior")
        if not isinstance(entry, dict) or not isinstance(entry.get("parameters"), dict):
            raise ModelArtifactError("the model manifest has no posterior parameters; rebuild them with "
                                     "python -m training.posterior")
        values = entry["parameters"]
        optional = {name for name in cls.__dataclass_fields__ if name.startswith("prior_qc_")}
        solvation = manifest.get("solvation") or {}  # absent or null: no shift
        try:
            factors = values.get("class_sigma_factors", [1.0] * len(CHEMISTRY_CLASSES))
            if not isinstance(factors, (list, tuple)) or len(factors) != len(CHEMISTRY_CLASSES):
                raise ValueError(f"class_sigma_factors must list {len(CHEMISTRY_CLASSES)} numbers")
            params = cls(**{name: _number(values[name]) for name in cls.__dataclass_fields__
                            if name not in ("solvation_weight", "laboratory_sigma", "class_sigma_factors")
                            and (name not in optional or name in values)},
                         laboratory_sigma=_number(values.get("laboratory_sigma", 0.0)),
                         class_sigma_factors=tuple(_number(f) for f in factors),
                         solvation_weight=_number(solvation.get("weight", 0.0)) if isinstance(solvation, dict)
                         else math.nan)
        except (KeyError, TypeError, ValueError) as err:
            raise ModelArtifactError(f"the manifest's posterior parameters are incomplete or not numbers: {err}") \
                from None
        required = [v for name, v in vars(params).items()  # solvation_weight among them
                    if name not in optional and name != "class_sigma_factors"] + list(params.class_sigma_factors)
        qc = [getattr(params, name) for name in optional]
        widths = [params.prior_sigma, params.prior_sigma_unknown, params.spread_weight, params.sigma_scale,
                  params.measurement_sigma, params.label_sigma, *params.class_sigma_factors]
        if params.has_qc_prior:
            widths.append(params.prior_qc_sigma)
        all_finite = all(map(math.isfinite, required)) and all(abs(v) < 1e9 for v in required)
        qc_whole = all(map(math.isfinite, qc)) or all(map(math.isnan, qc))  # the QC prior all there, or absent
        if not (all_finite and qc_whole and min(widths) > 0 and params.solvation_weight >= 0
                and params.laboratory_sigma >= 0):
            raise ModelArtifactError("the manifest's posterior parameters must be finite, below 1e9, with positive "
                                     "widths, a solvation weight ≥ 0 and a laboratory σ ≥ 0")
        return params


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


# ---------------------------------------------------------------------------------------------
# The pieces, each element-wise

def hansen_chi(hansen_terms: np.ndarray, temperatures_k) -> np.ndarray:
    """Lindvig's χ_H [-] at each temperature from ``chiapp.model.hansen_terms`` (V_s·Δδ²/(R·T_ref) for
    δD, δP, δH), shape (..., 3) -> (..., T)."""
    return LINDVIG_ALPHA * _lindvig_weighted(hansen_terms)[..., None] * (_T_REF_K / np.asarray(temperatures_k,
                                                                                                dtype=float))


def _lindvig_weighted(hansen_terms: np.ndarray) -> np.ndarray:
    """The V_s·Δδ² terms (δD, δP, δH) weighted as Lindvig's χ_H weighs them, 1 : ¼ : ¼; (..., 3) -> (...)."""
    return hansen_terms[..., 0] + 0.25 * (hansen_terms[..., 1] + hansen_terms[..., 2])


def chemistry_classes(polymer_donor, solvent_donor) -> np.ndarray:
    """Each pair's chemistry class code (an index into CHEMISTRY_CLASSES): 2·(polymer donates) + (solvent
    donates), from ``chiapp.descriptors.hydrogen_bond_donor`` of each side.

    >>> chemistry_classes([True, False], [False, True]).tolist()
    [2, 1]
    """
    return (2 * np.asarray(polymer_donor, dtype=np.int8) + np.asarray(solvent_donor, dtype=np.int8)).astype(np.int8)


def prior_codes(hansen_known, qc_nodes, params: PosteriorParameters) -> np.ndarray:
    """Which prior each pair uses (an index into PRIOR_NAMES): 2 where δ and COSMO-SAC χ are both known
    (and the model has a COSMO-SAC prior), 1 where only δ is, 0 otherwise."""
    known = np.asarray(hansen_known, dtype=bool)
    codes = known.astype(np.int8)
    if qc_nodes is not None and params.has_qc_prior:
        codes[known & np.all(np.isfinite(qc_nodes), axis=-1)] = 2
    return codes


def prior_line(hansen_terms: np.ndarray, codes, params: PosteriorParameters) -> tuple[np.ndarray, np.ndarray]:
    """The part of the prior mean that is a line in 1/T: c0 (...) [-] + c1_k (...) [K] / T, by prior code:
    0 the constant α₀, 1 α + β·χ_H, 2 α_q + β_q·χ_H (to which :func:`prior_chi` adds γ_q·clip(χ_QC(T)));
    Lindvig's χ_H = 0.6·(weighted V_s·Δδ² terms)·T_ref/T."""
    codes = np.asarray(codes)
    weighted = _lindvig_weighted(hansen_terms)
    c0 = np.select([codes == 2, codes == 1], [params.prior_qc_intercept, params.prior_intercept],
                   params.prior_intercept_unknown).astype(float)
    slope = np.select([codes == 2, codes == 1], [params.prior_qc_slope_hansen, params.prior_slope], 0.0)
    return c0, slope * (LINDVIG_ALPHA * _T_REF_K) * weighted


def prior_sigmas(codes, params: PosteriorParameters) -> np.ndarray:
    """The prior's σ [-] of each pair by its prior code."""
    codes = np.asarray(codes)
    return np.select([codes == 2, codes == 1], [params.prior_qc_sigma, params.prior_sigma],
                     params.prior_sigma_unknown).astype(float)


def prior_chi(hansen_terms: np.ndarray, codes: np.ndarray, temperatures_k, params: PosteriorParameters,
              qc_chi: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Prior mean (..., T) and σ (...) of χ for pairs with Hansen terms (..., 3), prior codes (...) and
    the COSMO-SAC χ at the temperatures (..., T) where a pair's code is 2 (without it, code 2 pairs get
    the Hansen prior's mean)."""
    codes = np.asarray(codes)
    qc = codes == 2
    inverse = 1.0 / np.asarray(temperatures_k, dtype=float)
    c0, c1_k = prior_line(np.asarray(hansen_terms, dtype=float), codes if qc_chi is not None else
                          np.minimum(codes, 1), params)
    mean = c0[..., None] + c1_k[..., None] * inverse
    if qc_chi is not None and np.any(qc):
        with np.errstate(invalid="ignore"):
            mean = np.where(qc[..., None], mean + params.prior_qc_slope * np.clip(qc_chi, *QC_CLIP), mean)
    return mean, prior_sigmas(codes, params)


def combine(ensemble_mean, ensemble_std, prior_mean, prior_std, params: PosteriorParameters):
    """Precision-weighted mean and scaled σ of the ensemble and the prior (element-wise).

    >>> p = PosteriorParameters(0, 0, 1, 0, 1, spread_weight=1, sigma_scale=1, measurement_sigma=.1, label_sigma=.1)
    >>> [round(float(v), 3) for v in combine(1.0, 1.0, 0.0, 1.0, p)]
    [0.5, 0.707]
    """
    e_var = (params.spread_weight * np.asarray(ensemble_std, dtype=float)) ** 2
    mean, var = _weighted(np.asarray(ensemble_mean, dtype=float), e_var, np.asarray(prior_mean, dtype=float),
                          np.asarray(prior_std, dtype=float) ** 2)
    return mean, params.sigma_scale * np.sqrt(var)


def _weighted(e_mean, e_var, p_mean, p_var):
    """Precision-weighted mean and variance of two Gaussians; zero ensemble variance is the ensemble,
    an infinite one the prior."""
    with np.errstate(invalid="ignore", divide="ignore"):
        total = p_var + e_var
        weight = p_var / total                                 # the ensemble's share
        mean = p_mean + weight * (e_mean - p_mean)
        var = e_var * weight                                   # = 1 / (1/e_var + 1/p_var)
    if not np.all(np.isfinite(e_var)):                         # an infinite spread: the prior alone
        infinite = np.isinf(e_var)
        mean = np.where(infinite, p_mean, mean)
        var = np.where(infinite, np.broadcast_to(p_var, np.shape(var)), var)
    return mean, var


def measurement_update(measured_t_k, residuals, sigma0: float, measurement_sigma: float):
    """Posterior mean and covariance of (δa, δb) from residuals r_i = χ_i − χ(T_i) [-] of one pair.

    The correction is δa + δb·x, x = T_ref/T − 1 (so it keeps χ = a + b/T), with δa, δb ~ N(0, σ0²)
    and independent measurement noise N(0, σ_meas²): Bayesian linear regression in closed form.
    """
    measured_t_k = np.asarray(measured_t_k, dtype=float)
    design = np.stack([np.ones_like(measured_t_k), _T_REF_K / measured_t_k - 1.0], axis=1)
    precision = np.eye(2) / max(sigma0, 1e-6) ** 2 + design.T @ design / measurement_sigma**2
    covariance = np.linalg.inv(precision)
    return covariance @ design.T @ np.asarray(residuals, dtype=float) / measurement_sigma**2, covariance


def condition_on_labels(mean, std, chi_critical, labels, label_sigma: float):
    """Mean and σ of χ after handbook labels (1: solvent, χ < χc; 0: non-solvent; −1: none), by moment
    matching; element-wise over pairs, ``labels`` of shape (..., n_labels) or a list for one pair.

    One label with a probit likelihood Φ(s·(χc − χ)/τ), s = +1 for a solvent and −1 otherwise, on a
    Gaussian N(μ, σ²): z = s·(χc − μ)/√(σ² + τ²), r = φ(z)/Φ(z),
    μ' = μ − s·σ²·r/√(σ² + τ²),  σ'² = σ² − σ⁴·r·(z + r)/(σ² + τ²).
    """
    mu, var = np.asarray(mean, dtype=float).copy(), np.asarray(std, dtype=float) ** 2
    labels = np.asarray(labels, dtype=int).reshape(mu.shape + (-1,))
    for j in range(labels.shape[-1]):
        label = labels[..., j]
        sign = np.where(label == 1, 1.0, -1.0)
        scale = np.sqrt(var + label_sigma**2)
        z = sign * (np.asarray(chi_critical, dtype=float) - mu) / scale
        with np.errstate(under="ignore"):
            ratio = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) / np.maximum(ndtr(z), 1e-300)
        used = label >= 0
        mu = np.where(used, mu - sign * var * ratio / scale, mu)
        var = np.where(used, np.maximum(var - var**2 * ratio * (z + ratio) / scale**2, 0.0), var)
    if mu.ndim == 0:
        return float(mu), math.sqrt(float(var))
    return mu, np.sqrt(var)


def laboratory_std(std, measured, params: PosteriorParameters) -> np.ndarray:
    """σ of the χ another laboratory would measure for the pair: √(σ² + τ²) where measured χ narrowed
    σ (it is then the uncertainty of those laboratories' consensus, and laboratories disagree by τ),
    else σ itself (calibrated on held-out polymers' measured χ, laboratories' spread included).
    ``measured`` is a bool or an array that broadcasts against ``std``.

    >>> p = PosteriorParameters(0, 0, 1, 0, 1, spread_weight=1, sigma_scale=1, measurement_sigma=.1,
    ...                         label_sigma=.1, laboratory_sigma=0.4)
    >>> float(laboratory_std(0.3, True, p)[()]), float(laboratory_std(0.3, False, p)[()])
    (0.5, 0.3)
    """
    std = np.asarray(std, dtype=float)
    return np.where(measured, np.hypot(std, params.laboratory_sigma), std)


def dissolve_probability(mean, std, chi_limit):
    """P(χ < χ_lim) [0, 1] for a Gaussian χ; element-wise."""
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a subnormal σ: z = ±inf, P = 0 or 1
        gap = np.asarray(chi_limit, dtype=float) - mean
        z = np.where(std > 0, gap / std, np.sign(gap) * np.inf)
    return ndtr(z)


def verdict_codes(probabilities) -> np.ndarray:
    """The one verdict rule: 0 'dissolves' (P ≥ 0.7), 2 'does not dissolve' (P ≤ 0.3), else 1 'borderline';
    −1 where P is not a number (no answer)."""
    p = np.asarray(probabilities, dtype=float)
    codes = np.where(p >= DISSOLVES_AT, 0, np.where(p <= DOES_NOT_AT, 2, 1)).astype(np.int8)
    codes[np.isnan(p)] = -1
    return codes


def verdicts(probabilities) -> np.ndarray:
    """:func:`verdict_codes` as words ('' where there is no answer)."""
    codes = verdict_codes(probabilities)
    return np.where(codes >= 0, np.asarray(VERDICTS, dtype=object)[np.maximum(codes, 0)], "")


def verdict(probability: float) -> str:
    """'dissolves', 'borderline' or 'does not dissolve' from P(dissolves)."""
    return str(verdicts(probability)[()])


# ---------------------------------------------------------------------------------------------
# Many pairs at once

@dataclass(frozen=True)
class EnsembleMoments:
    """What the ensemble says of each pair: means of a and b_k and their calibrated (co)variances, so
    that mean χ(T) = a + b_k/T and σ_e(T)² = var_a + 2 cov/T + var_b/T², each of shape (n,)."""

    mean_a: np.ndarray
    mean_b_k: np.ndarray
    var_a: np.ndarray
    cov_ab: np.ndarray
    var_b: np.ndarray

    @classmethod
    def from_members(cls, a: np.ndarray, b_k: np.ndarray, spread_scale: float) -> "EnsembleMoments":
        """From member coefficients of shape (n_members, ...), the spread calibrated by ``spread_scale``."""
        mean_a, mean_b = a.mean(axis=0), b_k.mean(axis=0)
        da, db = a - mean_a, b_k - mean_b
        scale2 = spread_scale**2
        return cls(mean_a, mean_b, scale2 * np.mean(da * da, axis=0), scale2 * np.mean(da * db, axis=0),
                   scale2 * np.mean(db * db, axis=0))

    def take(self, index) -> "EnsembleMoments":
        return EnsembleMoments(*(getattr(self, f)[index] for f in self.__dataclass_fields__))

    def mean(self, temperatures_k) -> np.ndarray:
        """Ensemble χ at a grid of temperatures, shape (n, T)."""
        return self.mean_a[:, None] + self.mean_b_k[:, None] / np.asarray(temperatures_k, dtype=float)

    def variance(self, temperatures_k) -> np.ndarray:
        """Calibrated ensemble variance of χ at a grid of temperatures, shape (n, T)."""
        inv = 1.0 / np.asarray(temperatures_k, dtype=float)
        return np.maximum(self.var_a[:, None] + 2.0 * self.cov_ab[:, None] * inv + self.var_b[:, None] * inv * inv,
                          0.0)


def _basis(temperatures_k, n_terms: int) -> np.ndarray:
    inv = 1.0 / np.asarray(temperatures_k, dtype=float)
    return np.stack([np.ones_like(inv), inv, inv * inv][:n_terms], axis=-1)


@dataclass(frozen=True)
class PairPosterior:
    """The posterior of n pairs: χ(T) = a + b_k/T + c_k2/T² and everything σ(T) needs, each (n,).

    σ(T) = s·(1/(k²σ_e(T)²) + 1/σ_prior²)^-½ × (measurement shrink at T) × label factor, where the
    measurement shrink is √(v(T)ᵀ C v(T) / (σ_0² |v(T)|²)) ≤ 1 with v = (1, x, x²), x = T_ref/T − 1,
    and C the covariance of the (δa, δb, δc) correction (δc ≡ 0 unless a phase point bends it).
    """

    a: np.ndarray
    b_k: np.ndarray
    c_k2: np.ndarray
    ensemble: EnsembleMoments
    prior_sigma: np.ndarray
    prior_code: np.ndarray
    sigma0: np.ndarray            # σ at T_ref before the measurements (the correction's prior width)
    covariance: np.ndarray        # (n, 3, 3): C of the measurement correction (NaN: none measured)
    label_factor: np.ndarray
    spread_weight: float
    sigma_scale: np.ndarray       # (n,): s·f_c of the pair's chemistry class

    def chi(self, temperatures_k, rows: bool = False) -> np.ndarray:
        """Posterior χ at a grid of temperatures (n, T), or at one temperature per pair (``rows``)."""
        t = np.asarray(temperatures_k, dtype=float)
        inv = 1.0 / t
        if rows:
            return self.a + self.b_k * inv + self.c_k2 * inv * inv
        return self.a[:, None] + self.b_k[:, None] * inv + self.c_k2[:, None] * inv * inv

    def std(self, temperatures_k, rows: bool = False, ensemble_variance: np.ndarray | None = None) -> np.ndarray:
        """Posterior σ at a grid of temperatures (n, T), or at one temperature per pair (``rows``);
        ``ensemble_variance`` is :meth:`ensemble_variance` at those temperatures when already computed."""
        t = np.asarray(temperatures_k, dtype=float)
        column = (lambda v: v) if rows else (lambda v: v[:, None])
        e_var = self.ensemble_variance(t, rows) if ensemble_variance is None else ensemble_variance
        p_var = column(self.prior_sigma * self.prior_sigma)
        with np.errstate(divide="ignore", over="ignore"):  # 1/(1/(k²σ_e²) + 1/σ_p²): ∞ spread gives σ_p², none 0
            var = p_var / (1.0 + p_var / (self.spread_weight**2 * e_var))
        std = column(self.sigma_scale) * np.sqrt(var)
        measured = np.isfinite(self.covariance[:, 0, 0])
        if measured.any():
            x1 = _T_REF_K / t - 1.0
            x2 = x1 * x1
            c = self.covariance
            quad = (column(c[:, 0, 0]) + 2.0 * column(c[:, 0, 1]) * x1 + column(c[:, 1, 1]) * x2
                    + 2.0 * column(c[:, 0, 2]) * x2 + 2.0 * column(c[:, 1, 2]) * x1 * x2 + column(c[:, 2, 2]) * x2 * x2)
            curved = column(np.nan_to_num(c[:, 2, 2]) > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                shrink = quad / (column(self.sigma0) ** 2 * (1.0 + x2 + np.where(curved, x2 * x2, 0.0)))
            std = np.where(column(measured), std * np.sqrt(np.minimum(shrink, 1.0)), std)
        return std * column(self.label_factor)

    def ensemble_mean(self, temperatures_k, rows: bool = False) -> np.ndarray:
        e = self.ensemble
        inv = 1.0 / np.asarray(temperatures_k, dtype=float)
        return e.mean_a + e.mean_b_k * inv if rows else e.mean_a[:, None] + e.mean_b_k[:, None] * inv

    def ensemble_variance(self, temperatures_k, rows: bool = False) -> np.ndarray:
        e = self.ensemble
        inv = 1.0 / np.asarray(temperatures_k, dtype=float)
        column = (lambda v: v) if rows else (lambda v: v[:, None])
        return np.maximum(column(e.var_a) + 2.0 * column(e.cov_ab) * inv + column(e.var_b) * inv * inv, 0.0)


def _impose_slopes(delta, c, a, b_k, c_k2, t_k, signs):
    """The correction (δa, δb, δc) ~ N(delta, c) of each row conditioned on s·dχ/dT(T) ≥ 0 at each
    point with a sign s (an LCST: χ rises through χc on heating; a UCST: it falls), one inequality
    after the other, by moment matching of the truncated Gaussian (the probit of
    :func:`condition_on_labels` with no label noise). dχ/dT = hᵀδ + the fitted curve's own slope,
    h = (0, 1, 2x)·dx/dT, x = T_ref/T − 1."""
    from scipy.special import log_ndtr

    delta, c = delta.copy(), c.copy()
    for k in range(signs.shape[1]):
        rows = np.flatnonzero(signs[:, k] != 0)
        if not rows.size:
            continue
        t, s = t_k[rows, k], signs[rows, k]
        x, dx = _T_REF_K / t - 1.0, -_T_REF_K / t**2
        h = np.stack([np.zeros_like(t), dx, 2.0 * x * dx], axis=1)
        d = delta[rows]
        slope = (-b_k[rows] / t**2 - 2.0 * c_k2[rows] / t**3) + np.einsum("ri,ri->r", h, d)
        ch = np.einsum("rij,rj->ri", c[rows], h)
        var = np.maximum(np.einsum("ri,ri->r", h, ch), 1e-300)
        z = s * slope / np.sqrt(var)
        ratio = np.exp(-0.5 * z * z - 0.5 * np.log(2.0 * np.pi) - log_ndtr(z))         # φ(z)/Φ(z)
        delta[rows] = d + (s * ratio / np.sqrt(var))[:, None] * ch
        c[rows] -= (ratio * (ratio + z) / var)[:, None, None] * np.einsum("ri,rj->rij", ch, ch)
    return delta, c


@lru_cache(maxsize=2)
def _projection(n_terms: int) -> np.ndarray:
    """(F, n_terms): a curve's values on FIT_TEMPERATURES_K times this are its least-squares coefficients."""
    projection = np.linalg.pinv(_basis(FIT_TEMPERATURES_K, n_terms)).T
    projection.flags.writeable = False  # shared by every call
    return projection


def _fitted_curve(ensemble: EnsembleMoments, hansen_terms: np.ndarray, codes: np.ndarray, prior_sigma: np.ndarray,
                  params: PosteriorParameters, qc_nodes, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """a, b_k, c_k2 of the least-squares fit through the precision-weighted curve (step 2) on FIT_TEMPERATURES_K.

    The curve is χ_prior + w(T)·(χ_e − χ_prior), w = σ_prior²/(σ_prior² + k²σ_e(T)²). A prior of code 0 or 1
    is itself a line in 1/T (:func:`prior_line`), its own fit, so only the ensemble's pull is projected;
    a COSMO-SAC prior (code 2) is projected too. Written for speed: every pair of the engine passes here.
    """
    inverse = 1.0 / FIT_TEMPERATURES_K
    s2 = params.spread_weight**2
    e = ensemble
    e_var = np.multiply.outer(2.0 * s2 * e.cov_ab, inverse)                       # k²σ_e(T)², (n, F)
    e_var += (s2 * e.var_a)[:, None]
    e_var += np.multiply.outer(s2 * e.var_b, inverse * inverse)
    np.maximum(e_var, 0.0, out=e_var)
    c0, c1_k = prior_line(hansen_terms, codes, params)
    pull = np.multiply.outer(e.mean_b_k - c1_k, inverse)                           # χ_e − χ_prior
    pull += (e.mean_a - c0)[:, None]
    qc = np.flatnonzero(codes == 2)
    qc_term = None
    if qc.size:  # γ_q·clip(χ_QC(T)) is not a line: projected with the pull
        from chiapp.quantum.chi import interpolate_nodes

        qc_term = params.prior_qc_slope * np.clip(interpolate_nodes(qc_nodes[qc], FIT_TEMPERATURES_K), *QC_CLIP)
        if qc.size == len(c0):
            pull -= qc_term
        else:
            pull[qc] -= qc_term
    p_var = (prior_sigma * prior_sigma)[:, None]
    infinite = None
    if not (np.isfinite(e.var_a).all() and np.isfinite(e.cov_ab).all() and np.isfinite(e.var_b).all()):
        infinite = np.isinf(e_var)  # an infinite spread: the prior there (NaN stays NaN: no answer)
    with np.errstate(invalid="ignore", divide="ignore"):
        e_var += p_var
        np.divide(p_var, e_var, out=e_var)                                         # w(T); 0 at an infinite spread
        pull *= e_var
    if infinite is not None:
        pull[infinite] = 0.0
    coefficients = pull @ _projection(n_terms)                                     # (n, n_terms)
    coefficients[:, 0] += c0
    coefficients[:, 1] += c1_k
    if qc_term is not None:
        coefficients[qc] += qc_term @ _projection(n_terms)
    c_k2 = coefficients[:, 2].copy() if n_terms == 3 else np.zeros(len(c0))
    return coefficients[:, 0].copy(), coefficients[:, 1].copy(), c_k2


def posterior(ensemble: EnsembleMoments, hansen_terms: np.ndarray, hansen_known: np.ndarray,
              params: PosteriorParameters, *, qc_nodes: np.ndarray | None = None, chi_critical=None,
              measured_t_k: np.ndarray | None = None, measured_chi: np.ndarray | None = None,
              measured_sigma: np.ndarray | None = None, measured_slope: np.ndarray | None = None,
              labels: np.ndarray | None = None, label_temperatures_k: np.ndarray | None = None, n_terms: int = 2,
              chemistry_class=None) -> PairPosterior:
    """The posterior of n pairs (steps 1–4 of the module docstring): the one implementation.

    ``ensemble`` holds each pair's ensemble moments; ``hansen_terms`` (n, 3) and ``hansen_known`` (n,)
    the Hansen inputs of ``chiapp.model.hansen_terms``; ``qc_nodes`` (n, nodes) the COSMO-SAC χ at
    ``chiapp.quantum.chi.QC_NODES_K`` (NaN rows where unknown) or None; ``chi_critical`` (n,) the χc a
    handbook label speaks of; ``measured_t_k``/``measured_chi`` (n, K) the measured χ of each pair,
    NaN-padded, and ``measured_sigma`` (n, K) each point's own σ (NaN: the measurement noise of the
    open data; a phase-behaviour point of ``chiapp.evidence`` has its own, and lets the correction
    bend: δa + δb·x + δc·x², x = T_ref/T − 1, so that a UCST and an LCST can both be met);
    ``measured_slope`` (n, K) the sign dχ/dT must have at a point (+1 at an LCST, −1 at a UCST, 0:
    none), imposed on the Gaussian correction by moment matching (:func:`_impose_slopes`);
    ``labels`` (n, L) the handbook labels (1 solvent, 0 non-solvent, −1 padding), each at its temperature
    ``label_temperatures_k`` (n, L) (None: LABEL_TEMPERATURE_K): a literature "dissolves at T" fact is a
    solvent label at T.
    ``n_terms`` is 2 (a + b/T) or 3 (a + b/T + c/T²); ``chemistry_class`` (n,) the codes of
    :func:`chemistry_classes` (None: no class factor, the σ scale s alone).
    """
    n = len(ensemble.mean_a)
    scale = np.full(n, params.sigma_scale) if chemistry_class is None else params.pair_sigma_scales(chemistry_class)
    codes = prior_codes(hansen_known, qc_nodes, params)
    prior_sigma = prior_sigmas(codes, params)
    a, b_k, c_k2 = _fitted_curve(ensemble, np.asarray(hansen_terms, dtype=float), codes, prior_sigma, params,
                                 qc_nodes, n_terms)
    state = PairPosterior(a, b_k, c_k2, ensemble, prior_sigma, codes, np.zeros(n), np.full((n, 3, 3), np.nan),
                          np.ones(n), params.spread_weight, scale)
    sigma0 = state.std(np.array([_T_REF_K]))[:, 0]
    covariance = np.full((n, 3, 3), np.nan)
    if measured_t_k is not None and measured_chi is not None and np.isfinite(measured_chi).any():
        t = np.asarray(measured_t_k, dtype=float)
        have = np.isfinite(t) & np.isfinite(measured_chi)
        rows = np.flatnonzero(have.any(axis=1))
        t_r, y_r, m = np.where(have[rows], t[rows], _T_REF_K), np.asarray(measured_chi)[rows], have[rows]
        own = (np.full(t.shape, np.nan) if measured_sigma is None else np.asarray(measured_sigma, dtype=float))[rows]
        weight = np.where(m, 1.0 / np.where(np.isfinite(own), own, params.measurement_sigma) ** 2, 0.0)
        residual = np.where(m, y_r - (a[rows, None] + b_k[rows, None] / t_r + c_k2[rows, None] / t_r**2), 0.0)
        x = np.where(m, _T_REF_K / t_r - 1.0, 0.0)
        basis = np.stack([np.ones_like(x), x, x * x], axis=-1)                               # (r, K, 3)
        # the curvature δc·x² only where precise phase points are (module docstring): measured χ alone
        # keeps the two-term correction the grouped validation chose
        curved = (m & np.isfinite(own)).any(axis=1)
        precision = np.einsum("rk,rki,rkj->rij", weight, basis, basis)
        precision[:, [0, 1], [0, 1]] += (1.0 / np.maximum(sigma0[rows], 1e-6) ** 2)[:, None]
        rhs = np.einsum("rk,rki->ri", weight * residual, basis)
        c = np.zeros((len(rows), 3, 3))
        flat = ~curved
        c[flat, :2, :2] = np.linalg.inv(precision[flat, :2, :2])
        precision[curved, 2, 2] += 1.0 / np.maximum(sigma0[rows][curved], 1e-6) ** 2
        c[curved] = np.linalg.inv(precision[curved])
        delta = np.einsum("rij,rj->ri", c, rhs)
        if measured_slope is not None and np.any(np.asarray(measured_slope)[rows] != 0):
            delta, c = _impose_slopes(delta, c, a[rows], b_k[rows], c_k2[rows], t_r,
                                      np.where(m, np.asarray(measured_slope, dtype=float)[rows], 0.0))
        a[rows] += delta[:, 0] - delta[:, 1] + delta[:, 2]
        b_k[rows] += (delta[:, 1] - 2.0 * delta[:, 2]) * _T_REF_K
        c_k2[rows] += delta[:, 2] * _T_REF_K**2
        covariance[rows] = c
    state = PairPosterior(a, b_k, c_k2, ensemble, prior_sigma, codes, sigma0, covariance, np.ones(n),
                          params.spread_weight, scale)
    label_factor = np.ones(n)
    if labels is not None and np.any(np.asarray(labels) >= 0):
        labels = np.asarray(labels, dtype=int)
        label_t = (np.full(labels.shape, LABEL_TEMPERATURE_K) if label_temperatures_k is None
                   else np.asarray(label_temperatures_k, dtype=float))
        for j in range(labels.shape[1]):  # one label after the other, each at its own temperature
            rows = np.flatnonzero(labels[:, j] >= 0)
            if not rows.size:
                continue
            t = np.full(n, _T_REF_K)
            t[rows] = label_t[rows, j]
            mu = state.chi(t, rows=True)[rows]
            sigma = state.std(t, rows=True)[rows] * label_factor[rows]
            limit = np.asarray(chi_critical, dtype=float)[rows]
            mu_new, sigma_new = condition_on_labels(mu, sigma, limit, labels[rows, j], params.label_sigma)
            a[rows] += mu_new - mu
            with np.errstate(invalid="ignore", divide="ignore"):
                label_factor[rows] *= np.where(sigma > 0, sigma_new / sigma, 1.0)
    return PairPosterior(a, b_k, c_k2, ensemble, prior_sigma, codes, sigma0, covariance, label_factor,
                         params.spread_weight, scale)
