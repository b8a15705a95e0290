"""Calibrate a polymer with the user's own measurements: an update of its latent description.

The model places every molecule in a learned space (chiapp.model): a polymer is (u_p, r_p), a
solvent (u_s, r_s), and a pair's χ is a linear head on

    z_i = (u_p,i - u_s,i)^2 - r_p,i^2 - r_s,i^2,     χ(T) = Σ_i c_i(T) z_i + c_0(T),
    c_i(T) = W_a,i + W_b,i T_ref / T.

Calibration keeps the solvents and the heads fixed and moves only the polymer's (u_p, r_p), in
each ensemble member m, to the maximum a posteriori (MAP) point of

    -log p(θ_m | data) = Σ_χ-like (χ_m(θ_m; s, T) - y - ε_m)^2 / (2 σ_n^2)
                         - Σ_tests log Λ(±(χ_c - χ_m(θ_m; s, T)) / τ)
                         + Σ_i (θ_m,i - θ0_m,i)^2 / (2 w_i^2)

with θ0_m the member's own tower output (the model's prediction is the prior mean) and w_i the
spread of latent component i across the members, scaled once by one factor (below). Each kind of
observation enters through its own likelihood:

- ``chi``: a measured χ at T, Gaussian with noise σ_n (default 0.17, or the user's);
- ``theta``: a θ temperature, where χ(θ) = 1/2 (the critical χ of an infinite chain), Gaussian
  with the same σ_n;
- ``cloud_point``: (T, φ, M_n) on the binodal: χ(T) equals the χ at which the coexisting
  composition of the Flory-Huggins binodal at that chain length is φ (:func:`binodal_chi`),
  Gaussian with σ_n;
- ``dissolves``: a solvent test at T, a logistic Λ on χ_c - χ with soft margin τ (default 0.05):
  P(dissolves) = Λ((χ_c - χ)/τ), χ_c = (1 + 1/√N)^2 / 2 with N from M_n as everywhere in chiapp.

Why the whole (u_p, r_p): χ is a quadratic function of it, so the gradient and the Gauss-Newton
curvature are exact and cheap; the prior (not a hand-chosen subspace) decides which directions
move: a direction that no observed solvent sees has zero gradient and stays at its prior, so the
polymer's other solvents move only as far as they share directions with the observed ones.

Width of the prior. Latent coordinates differ from member to member, so the across-member spread
of a component is a scale, not an error bar; it is multiplied by one factor κ per polymer chosen
so that the prior, pushed through the linearized heads, has the model's own calibrated χ
variance over a panel of solvents (a fixed reference panel of common solvents plus the observed
ones), in the geometric mean: mean_s log(Σ_i g_{s,i}^2 κ^2 w_i^2 / σ_cal(s)^2) = 0. Data then
move χ about as far as the model's stated uncertainty allows, no farther.

The calibrated χ is the mean over members of their MAP predictions. Its σ is the model's own σ
for the pair (the calibrated ensemble spread at the prior) times a Laplace ratio

    ρ(s)² = 1 - mean_m q̂_mᵀ A_mᵀ (I + A_m A_mᵀ)⁻¹ A_m q̂_m ≤ 1,   q̂ = Bᵀg / |Bᵀg|,

the Gauss-Newton posterior variance of a linear-Gaussian model along g_m = ∂χ_m/∂θ (at the MAP
point, T_ref) in units of its prior variance, with P⁻¹ = B Bᵀ the prior covariance. The rows of
A are the observations' gradients (times 1/σ_n for χ-like ones, sqrt(p(1-p))/τ for tests), each
rescaled so that its prior variance is the model's calibrated σ² for that pair: the latent
space supplies the correlations between solvents, the model's σ their sizes. An observation
with σ_n ≪ σ therefore brings σ near σ_n at its own pair. ρ = 1 exactly without observations
and for a solvent whose gradient is orthogonal to what was observed, and it is never above 1:
σ shrinks where data constrain it and not elsewhere. The calibrated members are the fitted
members' mean plus the prior members' deviations times ρ, so their spread (times the model's
spread_scale) is ρ × the model's σ at every temperature; ranking, selection and phase diagrams
then use it unchanged.

Contradictions (the same solvent reported to dissolve and not to dissolve within 1 K; χ values
of one pair and temperature more than 4 σ_n apart; θ temperatures of one solvent more than 10 K
apart) are reported in ``CalibratedPolymer.contradictions``; contradictory solvent tests are
left out of the fit rather than averaged.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chiapp.errors import CalibrationError, ChiAppError, InputError
from chiapp.flory_huggins import binodal_chi
from chiapp.frozen import FrozenResult
from chiapp.model import T_REF_K, WEIGHTS_FILE, ChiModel, Coefficients, LatentFactors
from chiapp.observations import OBSERVATION_KINDS, Observation, check_observation, contradictions, parse_observations
from chiapp.units import MAX_TEMPERATURE_K, MIN_TEMPERATURE_K
from chiapp.units import ZERO_CELSIUS_K as T_ZERO

__all__ = [
    "DEFAULT_CHI_NOISE",
    "DEFAULT_MARGIN",
    "CalibratedPolymer",
    "calibrate",
    "observed_chi",
    "load_calibration",
    "model_version",
    "observations_frame",
    "polymer_coefficients",
    "ranking_comparison",
]

#: σ_n of a measured χ: the scatter of one pair's measured χ about its own a + b/T in the open data
#: (``training.posterior.measurement_sigma``: 0.170), the noise the posterior gives measured χ too.
DEFAULT_CHI_NOISE = 0.17
DEFAULT_MARGIN = 0.05
#: σ of a pair whose polymer the model knows well: √(π/2) × 0.150, the shipped model's mean absolute
#: error on the paper's pair splits (held-out pairs of training polymers). Calibration turns a new
#: polymer into a known one, so its σ shrinks towards this and not below (module docstring).
KNOWN_POLYMER_SIGMA = 0.188
#: Reference solvents for the prior's scale (with the observed ones).
REFERENCE_SOLVENTS = ("toluene", "tetrahydrofuran", "chloroform", "acetone", "ethanol", "methanol", "water",
                      "hexane", "cyclohexane", "N,N-dimethylformamide", "ethyl acetate", "dichloromethane")
_FORMAT = "chiapp-calibration"
#: 2: a digest over the document; the file is verified by fitting its observations again on load.
_FORMAT_VERSION = 2
#: How close a file's latent arrays must be to a new fit of its observations (relative to the prior width).
_REFIT_TOLERANCE = 1e-5
_WIDTH_FLOOR = 1e-6
#: Latent directions the update may move along (None: all 2·latent); see _prior_basis.
N_DIRECTIONS: int | None = None


# ---------------------------------------------------------------------------------------------
# The model's latent space

def model_version(model: ChiModel) -> str:
    """The sha256 of the model's weights file as its manifest lists it, or of its weights' bytes."""
    listed = model.manifest.get("files", {}).get(WEIGHTS_FILE)
    if listed:
        return str(listed)
    digest = hashlib.sha256()
    for key in sorted(model._w):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(model._w[key], dtype=np.float64).tobytes())
    return digest.hexdigest()


def _solvent_side(model: ChiModel, solvent_smiles: Sequence[str]):
    from chiapp.descriptors import solvent_descriptors

    x = np.stack([solvent_descriptors(s) for s in solvent_smiles])
    u, r = model.latent("solvent", x)
    return x, u, r


def _coefficients(model: ChiModel, u_p: np.ndarray, r_p: np.ndarray, polymer_x: np.ndarray,
                  u_s: np.ndarray, r_s: np.ndarray, solvent_x: np.ndarray) -> Coefficients:
    """Coefficients for paired rows from the polymer's latent (M, n, L) and the solvents' (M, n, L)."""
    z = (u_p - u_s) ** 2 - r_p**2 - r_s**2
    z = model.with_hansen(z, np.broadcast_to(polymer_x, solvent_x.shape[:-1] + polymer_x.shape[-1:]), solvent_x)
    return model.coefficients_from_latent(z)


def _head_slopes(model: ChiModel, inverse_t: np.ndarray, latent: int) -> np.ndarray:
    """c_i(T) = W_a,i + W_b,i T_ref/T of shape (M, n_obs, L): dχ/dz_i of every member."""
    w = model._w["head.experimental.w"][:, :latent, :]               # (M, L, 2)
    return w[:, None, :, 0] + w[:, None, :, 1] * (T_REF_K * inverse_t)[None, :, None]


# ---------------------------------------------------------------------------------------------
# The calibrated polymer

@dataclass(frozen=True, eq=False)
class CalibratedPolymer(FrozenResult):
    """A polymer whose latent description was fitted to the user's observations.

    Accepted where a polymer is (``predict_chi``, ``predict_batch``, ``rank_solvents``, ``select_solvents``) with the
    model it was made with. ``u`` and ``r`` are the fitted (u_p, r_p) of every member, shape
    (n_members, latent); ``prior_u``/``prior_r`` the tower's. ``observations`` are those used,
    ``contradictions`` what disagreed, ``excluded`` the tests left out because of it.
    ``prior_distance`` is how far the polymer moved, in prior standard deviations (root mean
    square over members of the Mahalanobis length, per latent dimension). ``gauss_newton_rows``
    (n_members, n_observations, 2·latent) are the rows a of the Laplace precision.
    """

    polymer: str
    polymer_name: str | None
    model_version: str
    observations: tuple[Observation, ...]
    excluded: tuple[Observation, ...]
    contradictions: tuple[str, ...]
    chi_noise: float
    margin: float
    u: np.ndarray
    r: np.ndarray
    prior_u: np.ndarray = field(repr=False)
    prior_r: np.ndarray = field(repr=False)
    prior_basis: np.ndarray = field(repr=False)
    gauss_newton_rows: np.ndarray = field(repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """Observations used, per kind (every kind listed)."""
        return {kind: sum(o.kind == kind for o in self.observations) for kind in OBSERVATION_KINDS}

    @property
    def prior_distance(self) -> float:
        shift = np.concatenate([self.u - self.prior_u, self.r - self.prior_r], axis=1)
        basis = np.asarray(self.prior_basis)
        beta = np.stack([np.linalg.lstsq(b, d, rcond=None)[0] for b, d in zip(basis, shift)])
        return float(np.sqrt(np.mean(np.sum(beta**2, axis=1)) / basis.shape[2]))

    def summary(self) -> str:
        used = ", ".join(f"{n} {kind}" for kind, n in self.counts.items() if n) or "no observations"
        text = f"{self.polymer_name or self.polymer}: calibrated on {used}; moved {self.prior_distance:.2f} prior σ"
        if self.excluded:
            text += f"; {len(self.excluded)} contradictory test(s) left out"
        return text

    # -- persistence ---------------------------------------------------------------------------
    def to_json(self) -> str:
        """The calibration as a JSON document that proves what it is: the canonical repeat unit, the
        observations it was fitted on, the model version, the fitted arrays and a sha256 digest over
        all of them (:func:`load_calibration` checks it, then fits the observations again)."""
        from chiapp import __version__

        document: dict[str, Any] = {
            "format": _FORMAT, "format_version": _FORMAT_VERSION, "chiapp_version": __version__,
            "model_version": self.model_version, "polymer": self.polymer, "polymer_name": self.polymer_name,
            "chi_noise": self.chi_noise, "margin": self.margin,
            "observations": [o.to_dict() for o in self.observations],
            "excluded": [o.to_dict() for o in self.excluded],
            "contradictions": list(self.contradictions),
            "latent": {name: np.asarray(getattr(self, name)).tolist()
                       for name in ("u", "r", "prior_u", "prior_r", "prior_basis", "gauss_newton_rows")},
        }
        basis = np.asarray(self.prior_basis)
        if basis.shape[1] == basis.shape[2] and np.array_equal(basis, np.broadcast_to(
                np.diag(np.diagonal(basis[0])), basis.shape)):  # every direction: the widths suffice
            del document["latent"]["prior_basis"]
            document["latent"]["prior_width"] = np.diagonal(basis[0]).tolist()
        document["digest"] = _digest(document)
        return json.dumps(document, indent=1) + "\n"

    def save(self, path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    # -- use -----------------------------------------------------------------------------------
    def coefficients(self, model: ChiModel, solvents: LatentFactors, solvent_x: np.ndarray) -> Coefficients:
        """Its pairs' per-member coefficients (``chiapp.features.LatentPolymer``): :func:`polymer_coefficients`."""
        return polymer_coefficients(model, self, solvents, solvent_x)

    def check_model(self, model: ChiModel) -> None:
        version = model_version(model)
        if version != self.model_version:
            raise CalibrationError(
                f"this calibration of {self.polymer_name or self.polymer} was made with model version "
                f"{self.model_version[:12]}…, but the model in use is {version[:12]}…; a calibration lives in "
                "one model's latent space: calibrate again from the observations recorded in the file")
        if self.u.shape != (model.n_members, self.u.shape[1]) or model._w["polymer.w0"].shape[0] != self.u.shape[0]:
            raise CalibrationError(f"calibration has {self.u.shape[0]} members, the model {model.n_members}")


def _digest(document: dict) -> str:
    """sha256 of a document without its digest, in one canonical JSON form."""
    body = {k: v for k, v in document.items() if k != "digest"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=True).encode()).hexdigest()


def _text_of(source) -> str:
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("{")):
        try:
            return Path(source).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CalibrationError(f"no such calibration file: {source}") from None
        except (OSError, UnicodeDecodeError, ValueError) as err:
            raise CalibrationError(f"cannot read calibration file {source}: {err}") from None
    if isinstance(source, (bytes, bytearray)):
        try:
            return bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CalibrationError("the calibration file is not UTF-8 JSON") from None
    if hasattr(source, "getvalue"):
        return _text_of(source.getvalue())
    return str(source)


def _number(document: Mapping, name: str, low: float, high: float) -> float:
    value = document.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= float(value) <= high:
        raise CalibrationError(f"the calibration file's {name} must be a number from {low:g} to {high:g}, "
                               f"got {value!r}")
    return float(value)


def _checked_observation(record) -> Observation:
    """One recorded observation, checked as a user's row is (and its solvent resolved again)."""
    if not isinstance(record, Mapping):
        raise CalibrationError(f"an observation of the calibration file is not an object: {record!r}")
    for name in ("kind", "solvent", "solvent_smiles"):
        if not isinstance(record.get(name), str):
            raise CalibrationError(f"an observation of the calibration file has {name} {record.get(name)!r}; "
                                   "it must be text")
    t = record.get("temperature_k")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not MIN_TEMPERATURE_K <= t <= MAX_TEMPERATURE_K:
        raise CalibrationError(f"an observation of the calibration file has temperature_k {t!r}; it must be a number "
                               f"of kelvin from "
                               f"{MIN_TEMPERATURE_K:g} to {MAX_TEMPERATURE_K:g}")
    row = {"kind": record["kind"], "solvent": record["solvent_smiles"], "temperature_k": str(float(t))}
    for name in ("value", "molecular_weight_g_per_mol"):
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise CalibrationError(f"an observation of the calibration file has {name} {value!r}; "
                                   "it must be a number or null")
        row[name] = "" if value is None else repr(float(value))
    try:
        checked = check_observation(row)
    except ChiAppError as err:
        raise CalibrationError(f"an observation of the calibration file is not valid: {err}") from None
    return Observation(checked.kind, record["solvent"], checked.solvent_smiles, checked.temperature_k, checked.value,
                       checked.molecular_weight_g_per_mol)


def load_calibration(source, *, model: ChiModel | None = None) -> CalibratedPolymer:
    """A CalibratedPolymer from its JSON (a path, the text, or bytes), verified before any number is used.

    The file is refused (CalibrationError, saying why) when it is not a chiapp calibration of this
    format, its digest does not match its content (a changed byte), a field has the wrong type or a
    value outside what a fit can produce, it was made with other weights than ``model`` (default:
    the shipped one), or its latent description is not what its own observations give when fitted
    again (a latent value, the polymer or a width changed, and the digest recomputed). What is
    returned is that new fit: a file can only ever carry its observations into an answer.
    """
    try:
        return _verified(source, model)
    except (TypeError, ValueError, OverflowError, KeyError, IndexError, AttributeError) as err:
        if isinstance(err, ChiAppError):
            raise
        raise CalibrationError(f"the calibration file is malformed: {type(err).__name__}: {err}") from None


def _verified(source, model: ChiModel | None) -> CalibratedPolymer:
    from chiapp.library import resolve_polymer
    from chiapp.model import load_model

    try:
        document = json.loads(_text_of(source))
    except json.JSONDecodeError as err:
        raise CalibrationError(f"the calibration file is not valid JSON: {err}") from None
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise CalibrationError("not a chiapp calibration file (its \"format\" is not \"chiapp-calibration\")")
    version = document.get("format_version")
    if isinstance(version, bool) or version != _FORMAT_VERSION:
        raise CalibrationError(f"calibration file format {version!r}; this chiapp reads {_FORMAT_VERSION} "
                               "(calibrate again from the observations, with chiapp calibrate)")
    if document.get("digest") != _digest(document):
        raise CalibrationError("the calibration file was changed after it was written (its digest does not match "
                               "its content); calibrate again from the observations")
    model = model or load_model()
    if document.get("model_version") != model_version(model):
        raise CalibrationError(
            f"this calibration was made with model version {str(document.get('model_version'))[:12]}…, but the model "
            f"in use is {model_version(model)[:12]}…; a calibration lives in one model's latent space: calibrate "
            "again from the observations recorded in the file")
    polymer = document.get("polymer")
    observations, excluded = document.get("observations"), document.get("excluded", [])
    if not isinstance(polymer, str) or not isinstance(observations, list) or not isinstance(excluded, list):
        raise CalibrationError("the calibration file needs a polymer (text) and lists of observations")
    try:
        molecule = resolve_polymer(polymer)
    except ChiAppError as err:
        raise CalibrationError(f"the calibration file's polymer {polymer!r} is not a polymer: {err}") from None
    chi_noise = _number(document, "chi_noise", 1e-6, 10.0)
    margin = _number(document, "margin", 1e-6, 10.0)
    recorded = [_checked_observation(o) for o in [*observations, *excluded]]
    refit = calibrate(molecule.smiles, recorded, chi_noise=chi_noise, margin=margin, model=model)
    latent = document.get("latent")
    if not isinstance(latent, dict):
        raise CalibrationError("the calibration file has no latent arrays")
    width = np.asarray(refit.prior_basis)
    scale = float(np.max(np.abs(width)))
    for name in ("u", "r", "prior_u", "prior_r", "gauss_newton_rows"):
        try:
            stored = np.asarray(latent[name], dtype=float)
        except (KeyError, TypeError, ValueError):
            raise CalibrationError(f"the calibration file's latent {name} is missing or not numbers") from None
        expected = np.asarray(getattr(refit, name))
        if stored.shape != expected.shape or not np.all(np.isfinite(stored)) or not np.allclose(
                stored, expected, rtol=_REFIT_TOLERANCE, atol=_REFIT_TOLERANCE * max(scale, 1.0)):
            raise CalibrationError(
                f"the calibration file's latent {name} is not what its observations give for {polymer!r} when "
                "fitted again: the file was changed (or made for another polymer); calibrate again")
    stored_width = latent.get("prior_width")
    if stored_width is not None and not np.allclose(np.asarray(stored_width, dtype=float),
                                                    np.diagonal(width[0]), rtol=_REFIT_TOLERANCE):
        raise CalibrationError("the calibration file's prior widths are not what the model gives for its polymer")
    return refit


# ---------------------------------------------------------------------------------------------
# Hooks used by chiapp.prediction (one place each)

def _polymer_factors(model: ChiModel, u: np.ndarray, r: np.ndarray, polymer_x: np.ndarray, n: int) -> LatentFactors:
    """Latent factors of a polymer at (u, r) (n_members, latent), repeated for n pairs."""
    w, _ = model.heads()
    latent = u.shape[1]
    terms = np.einsum("ml,mlh->mh", u * u - r * r, w[:, :latent, :])                   # (M, 3)
    return LatentFactors("polymer", "experimental", np.repeat(u[:, None, :], n, axis=1),
                         np.repeat(terms[:, None, :], n, axis=1),
                         np.repeat(np.atleast_2d(polymer_x), n, axis=0) if model.hansen_z else None)


def polymer_coefficients(model: ChiModel, calibrated: "CalibratedPolymer", solvents: LatentFactors,
                         solvent_x: np.ndarray) -> Coefficients:
    """Per-member coefficients (n_members, n) of a calibrated polymer with n solvents given by their
    latent factors (a blend's too, ``chiapp.features``) and descriptors: the fitted members' mean with
    the prior members' deviations shrunk by the Laplace ratio ρ (module docstring)."""
    calibrated.check_model(model)
    from chiapp.descriptors import polymer_descriptors

    polymer_x = polymer_descriptors(calibrated.polymer)
    n = solvents.vectors.shape[1]
    if not len(calibrated.observations):  # the prior exactly: the tower's own factors, as for any polymer
        return model.pair_from_factors(model.factors("polymer", polymer_x[None]).take(np.zeros(n, dtype=int)),
                                       solvents)
    u_p, r_p = np.asarray(calibrated.u), np.asarray(calibrated.r)
    fitted = model.pair_from_factors(_polymer_factors(model, u_p, r_p, polymer_x, n), solvents)
    prior = model.pair_from_factors(
        _polymer_factors(model, np.asarray(calibrated.prior_u), np.asarray(calibrated.prior_r), polymer_x, n), solvents)
    # Laplace ratio ρ at T_ref (module docstring), and the members' spread set to ρ × the prior's
    latent = u_p.shape[1]
    u_s = solvents.vectors                                                           # (M, n, L)
    c = _head_slopes(model, np.full(n, 1.0 / T_REF_K), latent)                       # (M, n, L)
    g = np.concatenate([2 * c * (u_p[:, None, :] - u_s), -2 * c * r_p[:, None, :]], axis=-1)   # (M, n, 2L)
    basis = np.asarray(calibrated.prior_basis)                                       # (M, 2L, d): P⁻¹ = B Bᵀ
    ab = np.einsum("mkd,mde->mke", np.asarray(calibrated.gauss_newton_rows), basis)  # A B  (M, k, d)
    bg = np.einsum("mnd,mde->mne", g, basis)                                         # Bᵀ g (M, n, d)
    unit = bg / np.maximum(np.linalg.norm(bg, axis=-1, keepdims=True), 1e-300)      # correlations only
    v = np.einsum("mke,mne->mnk", ab, unit)
    s = np.eye(ab.shape[1]) + np.einsum("mke,mje->mkj", ab, ab)                      # I + A P⁻¹ Aᵀ
    reduction = np.einsum("mnk,mnk->mn", v, np.linalg.solve(s[:, None], v[..., None])[..., 0])
    rho2 = np.clip(1.0 - reduction.mean(0), 0.0, 1.0)
    # the data shrink σ towards the error of a polymer the model knows, not below it (module docstring)
    # except at an observed solvent, whose own measurement speaks for the pair directly
    sigma_model = model.spread_scale * (prior.a + prior.b_k / T_REF_K).std(0)
    floor2 = np.minimum(1.0, (KNOWN_POLYMER_SIGMA / np.maximum(sigma_model, 1e-12)) ** 2)
    from chiapp.descriptors import solvent_descriptors

    observed = np.stack([solvent_descriptors(o.solvent_smiles) for o in calibrated.observations])
    solvent_x = np.atleast_2d(solvent_x)
    floor2[(np.abs(solvent_x[:, None, :] - observed[None]) < 1e-12).all(-1).any(-1)] = 0.0
    rho = np.sqrt(rho2 + (1.0 - rho2) * floor2)

    def drawn(fitted_values: np.ndarray, prior_values: np.ndarray) -> np.ndarray:
        # the fitted members' mean, with the prior members' deviations shrunk by ρ: σ(T) = ρ σ_prior(T)
        return fitted_values.mean(0) + rho * (prior_values - prior_values.mean(0))
    return Coefficients(a=drawn(fitted.a, prior.a), b_k=drawn(fitted.b_k, prior.b_k),
                        soluble_logit=drawn(fitted.soluble_logit, prior.soluble_logit))


# ---------------------------------------------------------------------------------------------
# The fit

@dataclass(frozen=True)
class _Targets:
    """The observations as arrays: Gaussian χ targets and logistic tests."""

    solvent_x: np.ndarray        # (n, d_s) for every observation used
    u_s: np.ndarray              # (M, n, L)
    r_s: np.ndarray
    inverse_t: np.ndarray        # (n,)
    gaussian: np.ndarray         # (n,) bool: a χ target
    target: np.ndarray           # (n,) χ target (NaN for tests)
    dissolves: np.ndarray        # (n,) 1/0 for tests, NaN otherwise
    chi_critical: np.ndarray     # (n,) χ_c for tests, NaN otherwise


def _targets(model: ChiModel, molecule, observations: Sequence[Observation]) -> _Targets:
    from chiapp.library import chain_length_for, resolve_solvent

    x_s, u_s, r_s = _solvent_side(model, [o.solvent_smiles for o in observations])
    n = len(observations)
    gaussian, target = np.zeros(n, bool), np.full(n, np.nan)
    dissolves, chi_c = np.full(n, np.nan), np.full(n, np.nan)
    for i, o in enumerate(observations):
        mw = None if math.isnan(o.molecular_weight_g_per_mol) else o.molecular_weight_g_per_mol
        if o.kind == "chi":
            gaussian[i], target[i] = True, o.value
        elif o.kind == "theta":
            gaussian[i], target[i] = True, 0.5  # χ_c of an infinite chain
        else:
            from chiapp.flory_huggins import critical_chi
            length = chain_length_for(molecule, resolve_solvent(o.solvent_smiles), molecular_weight_g_per_mol=mw)
            if o.kind == "cloud_point":
                gaussian[i], target[i] = True, binodal_chi(o.value, length)
            else:
                dissolves[i], chi_c[i] = o.value, critical_chi(length)
    inverse_t = 1.0 / np.array([o.temperature_k for o in observations], dtype=float)
    return _Targets(x_s, u_s, r_s, inverse_t, gaussian, target, dissolves, chi_c)


def _prior_width(model: ChiModel, prior_u: np.ndarray, prior_r: np.ndarray, polymer_x: np.ndarray,
                 solvent_smiles: Sequence[str]) -> np.ndarray:
    """w (2L,): the across-member spread of each latent component, scaled by κ (module docstring)."""
    latent = prior_u.shape[1]
    spread = np.concatenate([prior_u.std(axis=0), prior_r.std(axis=0)])
    spread = np.maximum(spread, _WIDTH_FLOOR * max(float(spread.mean()), _WIDTH_FLOOR))
    x_s, u_s, r_s = _solvent_side(model, list(dict.fromkeys(solvent_smiles)))
    inverse_t = np.full(len(x_s), 1.0 / T_REF_K)
    c = _head_slopes(model, inverse_t, latent)                                  # (M, S, L)
    g = np.concatenate([2 * c * (prior_u[:, None, :] - u_s), -2 * c * prior_r[:, None, :]], axis=-1)
    prior_var = np.mean(np.sum(g**2 * spread**2, axis=-1), axis=0)              # (S,) mean over members
    coeffs = _coefficients(model, prior_u[:, None, :], prior_r[:, None, :], polymer_x[None], u_s, r_s, x_s)
    chi = coeffs.a + coeffs.b_k / T_REF_K                                       # (M, S)
    target_var = (model.spread_scale * chi.std(axis=0)) ** 2
    ok = (prior_var > 0) & (target_var > 0)
    kappa = math.exp(0.5 * float(np.mean(np.log(target_var[ok] / prior_var[ok])))) if ok.any() else 1.0
    return kappa * spread


def _prior_basis(model: ChiModel, prior_u: np.ndarray, prior_r: np.ndarray, width: np.ndarray,
                 solvent_smiles: Sequence[str], n_directions: int | None) -> np.ndarray:
    """B (M, 2L, d) with prior covariance B Bᵀ: diag(w) (every direction), or diag(w) V_d with V_d
    the d leading right singular vectors of the panel's gradient matrix G diag(w): the directions
    of the latent space along which the model's χ in common solvents varies most."""
    n_members, latent = prior_u.shape
    full = np.broadcast_to(np.diag(width), (n_members, 2 * latent, 2 * latent))
    if n_directions is None or n_directions >= 2 * latent:
        return np.array(full)
    _, u_s, _ = _solvent_side(model, list(dict.fromkeys(solvent_smiles)))
    c = _head_slopes(model, np.full(u_s.shape[1], 1.0 / T_REF_K), latent)
    g = np.concatenate([2 * c * (prior_u[:, None, :] - u_s), -2 * c * prior_r[:, None, :]], axis=-1) * width
    _, _, vt = np.linalg.svd(g, full_matrices=False)                                 # (M, ·, 2L)
    return width[None, :, None] * np.transpose(vt[:, :n_directions, :], (0, 2, 1))


def _fit(model: ChiModel, prior_u: np.ndarray, prior_r: np.ndarray, basis: np.ndarray, polymer_x: np.ndarray,
         targets: _Targets, chi_noise: float, margin: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MAP (u, r) of every member (one L-BFGS over all members: the objective is a sum over them)
    and the Gauss-Newton rows of the Laplace precision at it, (M, n, 2L)."""
    from scipy.optimize import minimize

    n_members, latent = prior_u.shape
    prior = np.concatenate([prior_u, prior_r], axis=1)                          # (M, 2L)
    c = _head_slopes(model, targets.inverse_t, latent)                          # (M, n, L)
    base = _coefficients(model, prior_u[:, None, :], prior_r[:, None, :], polymer_x[None],
                         targets.u_s, targets.r_s, targets.solvent_x)
    # χ = Σ_i c_i z_i + rest, with rest independent of the polymer's latent
    z0 = (prior_u[:, None, :] - targets.u_s) ** 2 - prior_r[:, None, :] ** 2 - targets.r_s**2
    rest = base.a + base.b_k * targets.inverse_t - np.sum(c * z0, axis=-1)     # (M, n)
    y = np.where(targets.gaussian, targets.target, 0.0)
    g_mask = targets.gaussian.astype(float)
    t_mask = (~np.isnan(targets.dissolves)).astype(float)
    sign = np.where(targets.dissolves == 1.0, 1.0, -1.0)                          # +: χ < χ_c expected
    chi_c = np.nan_to_num(targets.chi_critical)

    n_dir = basis.shape[2]

    def objective(flat: np.ndarray):
        beta = flat.reshape(n_members, n_dir)
        theta = prior + np.einsum("mde,me->md", basis, beta)
        u, r = theta[:, None, :latent], theta[:, None, latent:]
        z = (u - targets.u_s) ** 2 - r**2 - targets.r_s**2
        chi = np.sum(c * z, axis=-1) + rest                                      # (M, n)
        residual = (chi - y) * g_mask
        s = np.clip(sign * (chi_c - chi) / margin, -500.0, 500.0)  # the line search may stray far
        # -log Λ(s) = log(1 + e^-s), stable; d/dχ = sign/margin · Λ(-s)
        nll_test = np.logaddexp(0.0, -s) * t_mask
        d_chi = residual / chi_noise**2 + (sign / margin) * (1.0 / (1.0 + np.exp(s))) * t_mask
        value = 0.5 * np.sum(residual**2) / chi_noise**2 + np.sum(nll_test) + 0.5 * np.sum(beta**2)
        grad_u = np.sum(d_chi[..., None] * 2 * c * (u - targets.u_s), axis=1)
        grad_r = np.sum(d_chi[..., None] * (-2) * c * r, axis=1)
        grad = np.einsum("mde,md->me", basis, np.concatenate([grad_u, grad_r], axis=1)) + beta
        return float(value), grad.ravel()

    result = minimize(objective, np.zeros(n_members * n_dir), jac=True, method="L-BFGS-B",
                      options={"maxiter": 2000, "gtol": 1e-9, "ftol": 1e-15})
    theta = prior + np.einsum("mde,me->md", basis, result.x.reshape(n_members, n_dir))
    u, r = theta[:, None, :latent], theta[:, None, latent:]
    jacobian = np.concatenate([2 * c * (u - targets.u_s), -2 * c * r], axis=-1)      # (M, n, 2L)
    z = (u - targets.u_s) ** 2 - r**2 - targets.r_s**2
    chi = np.sum(c * z, axis=-1) + rest
    p = 1.0 / (1.0 + np.exp(-np.clip((chi_c - chi) / margin, -500.0, 500.0)))
    weight = np.where(targets.gaussian, 1.0 / chi_noise, np.sqrt(p * (1.0 - p)) / margin * t_mask)
    # each row rescaled so that its prior variance is the model's own σ² at that pair (σ/noise in
    # whitened units): the Laplace ratio then uses the latent space for correlations only
    chi_prior = base.a + base.b_k * targets.inverse_t                               # (M, n)
    sigma_model = model.spread_scale * chi_prior.std(axis=0)                        # (n,)
    along = np.linalg.norm(np.einsum("mnd,mde->mne", jacobian, basis), axis=-1)     # |J B| (M, n)
    scale = sigma_model[None, :] / np.maximum(along, 1e-300)
    return theta[:, :latent], theta[:, latent:], jacobian * (weight * scale)[..., None]


def calibrate(polymer, observations, *, chi_noise: float = DEFAULT_CHI_NOISE, margin: float = DEFAULT_MARGIN,
              model: ChiModel | None = None, prior_scale: float = 1.0,
              n_directions: int | None = N_DIRECTIONS) -> CalibratedPolymer:
    """Fit the polymer's latent description to observations; returns a CalibratedPolymer.

    ``polymer`` is a name or repeat-unit SMILES (or a CalibratedPolymer, recalibrated from its
    model prior with its observations plus the new ones); ``observations`` a table
    (OBSERVATION_COLUMNS), a CSV path or bytes, or records (see :func:`parse_observations`).
    ``chi_noise`` is the standard deviation of a χ measurement [-] (also used for θ and cloud
    points), ``margin`` the soft margin τ of a solvent test in χ. Any bad row raises
    CalibrationError naming every bad row and why. Zero observations return the prior exactly.
    """
    from chiapp.descriptors import polymer_descriptors
    from chiapp.library import resolve_polymer
    from chiapp.model import load_model

    for name, value in (("chi_noise", chi_noise), ("margin", margin)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise InputError(f"{name} must be a number > 0, got {value!r}")
    earlier: tuple[Observation, ...] = ()
    if isinstance(polymer, CalibratedPolymer):
        earlier = polymer.observations + polymer.excluded
        polymer = polymer.polymer
    model = model or load_model()
    molecule = resolve_polymer(polymer)
    if isinstance(observations, pd.DataFrame) or isinstance(observations, (str, bytes, Path)):
        good, bad = parse_observations(observations)
    else:
        good, bad = parse_observations(list(observations) if observations is not None else [])
    if bad:
        lines = "; ".join(f"row {i}: {reason}" for i, reason in bad)
        raise CalibrationError(f"{len(bad)} bad observation row(s): {lines}")
    every = earlier + good
    found, left_out = contradictions(every, chi_noise)
    used = tuple(o for i, o in enumerate(every) if i not in left_out)
    excluded = tuple(o for i, o in enumerate(every) if i in left_out)

    polymer_x = polymer_descriptors(molecule.smiles)
    prior_u, prior_r = (a[:, 0, :] for a in model.latent("polymer", polymer_x[None]))
    panel = _reference_smiles() + [o.solvent_smiles for o in used]
    width = prior_scale * _prior_width(model, prior_u, prior_r, polymer_x, panel)
    basis = _prior_basis(model, prior_u, prior_r, width, panel, n_directions)
    if used:
        u, r, rows = _fit(model, prior_u, prior_r, basis, polymer_x, _targets(model, molecule, used),
                          float(chi_noise), float(margin))
    else:
        u, r, rows = prior_u.copy(), prior_r.copy(), np.zeros((model.n_members, 0, 2 * prior_u.shape[1]))
    return CalibratedPolymer(
        polymer=molecule.smiles, polymer_name=molecule.name, model_version=model_version(model),
        observations=used, excluded=excluded, contradictions=found, chi_noise=float(chi_noise),
        margin=float(margin), u=u, r=r, prior_u=prior_u, prior_r=prior_r, prior_basis=basis, gauss_newton_rows=rows)


@lru_cache(maxsize=1)
def _reference_tuple() -> tuple[str, ...]:
    from chiapp.library import resolve_solvent

    out = []
    for name in REFERENCE_SOLVENTS:
        try:
            out.append(resolve_solvent(name).smiles)
        except ChiAppError:
            continue
    return tuple(out)


def _reference_smiles() -> list[str]:
    return list(_reference_tuple())


# ---------------------------------------------------------------------------------------------
# Before and after, for the page, the README and the command line

def observations_frame(calibrated: CalibratedPolymer) -> pd.DataFrame:
    """The observations used (and those left out), one row each, temperatures in °C."""
    rows = [{**o.to_dict(), "used": True} for o in calibrated.observations]
    rows += [{**o.to_dict(), "used": False} for o in calibrated.excluded]
    frame = pd.DataFrame(rows, columns=["kind", "solvent", "solvent_smiles", "temperature_k", "value",
                                        "molecular_weight_g_per_mol", "used"])
    frame.insert(3, "temperature_c", frame["temperature_k"] - T_ZERO)
    return frame


def ranking_comparison(before, after, top: int | None = None) -> pd.DataFrame:
    """Two chiapp.ranking.Ranking tables (the model's, the calibrated polymer's) side by side.

    Rows are the calibrated ranking's order: name, rank/χ/σ/verdict before and after, Δχ.
    """
    keep = ["name", "chi", "chi_std", "verdict"]
    old = before.table[keep].reset_index(drop=True).assign(rank_before=lambda f: np.arange(1, len(f) + 1))
    new = after.table[keep].reset_index(drop=True).assign(rank_after=lambda f: np.arange(1, len(f) + 1))
    merged = new.merge(old, on="name", suffixes=("_after", "_before"), how="left")
    merged["delta_chi"] = merged["chi_after"] - merged["chi_before"]
    columns = ["rank_after", "rank_before", "name", "chi_before", "chi_after", "delta_chi", "chi_std_before",
               "chi_std_after", "verdict_before", "verdict_after"]
    merged = merged[columns]
    return merged.head(top) if top else merged


#: How each kind of observation is drawn on a χ(T) plot: its legend and marker.
_OBSERVED_MARKS = {"chi": ("your χ", "circle"), "theta": ("your θ temperature (χ = ½)", "diamond"),
                   "cloud_point": ("your cloud point (binodal χ)", "square"),
                   "dissolves_1": ("your test: dissolves (χ below χc)", "triangle-down"),
                   "dissolves_0": ("your test: does not dissolve (χ above χc)", "triangle-up")}


def observed_chi(calibrated: CalibratedPolymer, solvent_smiles: str, *, model: ChiModel | None = None) -> pd.DataFrame:
    """What the observations of one solvent say about χ, for a plot: ``label``, ``temperature_c``,
    ``chi`` and ``symbol`` per observation (a χ as given; a θ temperature at χ = ½; a cloud point at
    its binodal χ; a solvent test at the pair's χc, pointing the way the test says χ lies)."""
    from chiapp.chemistry import canonical_solvent
    from chiapp.library import resolve_polymer
    from chiapp.model import load_model
    from chiapp.units import celsius

    key = canonical_solvent(solvent_smiles)
    chosen = [o for o in calibrated.observations if canonical_solvent(o.solvent_smiles) == key]
    columns = ["label", "temperature_c", "chi", "symbol"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    targets = _targets(model or load_model(), resolve_polymer(calibrated.polymer), chosen)
    rows = []
    for o, chi, chi_c in zip(chosen, targets.target, targets.chi_critical):
        mark = _OBSERVED_MARKS[o.kind if o.kind != "dissolves" else f"dissolves_{int(o.value)}"]
        rows.append((mark[0], float(celsius(o.temperature_k)), float(chi if o.kind != "dissolves" else chi_c), mark[1]))
    return pd.DataFrame(rows, columns=columns)
