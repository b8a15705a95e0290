"""Binary Flory-Huggins thermodynamics: free energy, spinodal, critical point, binodal, phase diagram in T.

A polymer of N lattice sites (``chain_length``) mixed with a one-site solvent, at polymer volume
fraction phi, has the free energy of mixing per lattice site, in units of kT (Flory, *Principles of
Polymer Chemistry*, 1953, ch. XII)::

    f(phi) = (phi / N) ln phi + (1 - phi) ln(1 - phi) + chi phi (1 - phi)          [kT per site]

The lattice site is one solvent molecule, so chi is referenced to the solvent molar volume and
N = V_polymer / V_solvent (see :func:`chain_length_from_molecular_weight`). chi(T) comes from the model as
chi = a + b/T + c/T**2 with T in kelvin.

Two phases coexist (the binodal) when the exchange chemical potentials of both species are equal in
both phases; the homogeneous mixture is unstable (the spinodal) where f''(phi) < 0. Both curves meet at
the critical point phi_c = 1/(1 + sqrt N), chi_c = (1 + 1/sqrt N)**2 / 2.

The binodal is solved by Newton's method on two formulations, each where it is well conditioned:
far from the critical point in the variables (ln phi_lean, ln(1 - phi_rich)), started from the
asymptotic solution for a vanishing lean phase, so that a lean phase of 1e-30 or exp(-4e6) is exact;
near the critical point in the midpoint and squared half-width of the two phases, with the
equations divided by the width so that the trivial root phi_lean = phi_rich is gone, started from the
Landau expansion (half-width = sqrt 3 times the spinodal's). A bracketing solver is the safety net.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chiapp.errors import InputError, VolumeFractionError
from chiapp.units import MAX_TEMPERATURE_K, MIN_TEMPERATURE_K, ZERO_CELSIUS_K

__all__ = [
    "DEFAULT_POLYMER_DENSITY_G_PER_CM3",
    "PHASE_DIAGRAM_KINDS",
    "PHASE_STATES",
    "ChiCoefficients",
    "PhaseDiagram",
    "PhaseDiagramBand",
    "as_coefficients",
    "binodal",
    "binodal_chi",
    "binodal_log",
    "chain_length_from_molecular_weight",
    "chain_lengths",
    "check_chain_length",
    "critical_chis",
    "chemical_potentials",
    "chemical_potentials_from_logs",
    "chi_of_temperature",
    "critical_chi",
    "critical_point",
    "critical_temperatures",
    "free_energy",
    "phase_diagram",
    "phase_diagram_with_band",
    "phase_state",
    "spinodal",
]

#: Fallback polymer density [g/cm3] when none is known: most amorphous organic polymers lie within
#: 0.85-1.4 g/cm3 (polyethylene 0.85 amorphous, polystyrene 1.05, PMMA 1.18; Mark, *Physical Properties
#: of Polymers Handbook*, 2007), so N is then uncertain by up to about 30 %.
DEFAULT_POLYMER_DENSITY_G_PER_CM3 = 1.0
#: Every value of :attr:`PhaseDiagram.kind`, see :func:`phase_diagram`.
PHASE_DIAGRAM_KINDS = ("UCST", "LCST", "UCST+LCST", "closed loop", "hourglass", "miscible", "immiscible")
#: Every value :func:`phase_state` returns.
PHASE_STATES = ("one phase", "two phases (metastable)", "two phases (unstable)")

#: |χ| above this at any physical temperature is not a χ(T) (the training data span -1 to 5).
_MAX_ABS_CHI = 1e6
_MAX_CHAIN_LENGTH = 1e8  # beyond this chi_c - 1/2 < 1e-4 drowns in the model's own chi error
_RTOL = 1e-13  # coexistence residual relative to the size of its terms: a few hundred rounding errors


# ---------------------------------------------------------------------------------------------
# Checks at the public boundary; inside, inputs are trusted.

def _finite(name: str, value) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a number, got {_short(value)}") from None
    if not np.all(np.isfinite(array)):
        raise InputError(f"{name} must be finite (not NaN or infinite), got {value!r}")
    return array


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _chis(value) -> np.ndarray:
    """χ values: finite and at most ``_MAX_ABS_CHI`` in magnitude (the bound ChiCoefficients keeps)."""
    chi = _finite("chi", value)
    if np.any(np.abs(chi) > _MAX_ABS_CHI):
        bad = chi[np.abs(chi) > _MAX_ABS_CHI].ravel()[0]
        raise InputError(f"chi must lie between {-_MAX_ABS_CHI:g} and {_MAX_ABS_CHI:g}, got {bad:g}")
    return chi


def _number(name: str, value) -> float:
    array = _finite(name, value)
    if array.ndim != 0:
        raise InputError(f"{name} must be a single number, got an array of shape {array.shape}")
    return float(array)


def _chain_length(value) -> float:
    n = _number("chain_length", value)
    if not 1.0 <= n <= _MAX_CHAIN_LENGTH:
        raise InputError(f"chain_length must be >= 1 and <= {_MAX_CHAIN_LENGTH:g} "
                         f"(polymer volume / solvent volume), got {n:g}")
    return n


def _phis(value) -> np.ndarray:
    phi = _finite("phi", value)
    if np.any((phi <= 0.0) | (phi >= 1.0)):
        bad = phi[(phi <= 0.0) | (phi >= 1.0)].ravel()[0]
        raise VolumeFractionError(f"phi (polymer volume fraction) must lie strictly between 0 and 1, got {bad:g}")
    return phi


def _temperatures(name: str, value) -> np.ndarray:
    """Temperatures [K] in the physical range of ``chiapp.units`` (1 to 2,000 K): χ(T) = a + b/T + c/T²
    is meaningless near 0 K (1e-300 K would give χ = inf)."""
    t = _finite(name, value)
    bad = (t < MIN_TEMPERATURE_K) | (t > MAX_TEMPERATURE_K)
    if np.any(bad):
        raise InputError(f"{name} must lie between {MIN_TEMPERATURE_K:g} and {MAX_TEMPERATURE_K:g} K, got "
                         f"{t[bad].ravel()[0]:g} K")
    return t


def _log1mexp(x):
    """ln(1 - exp(x)) for x < 0, accurate at both ends."""
    with np.errstate(under="ignore"):
        return np.where(x < -0.693, np.log1p(-np.exp(x)), np.log(-np.expm1(x)))


def _out(array: np.ndarray):
    """A 0-d result as a Python float, anything else as an array."""
    return float(array) if np.ndim(array) == 0 else array


# ---------------------------------------------------------------------------------------------
# Free energy and chemical potentials

def free_energy(phi, chi, chain_length):
    """Free energy of mixing per lattice site f(phi) [kT per site].

    f = (phi/N) ln phi + (1 - phi) ln(1 - phi) + chi phi (1 - phi)

    phi: polymer volume fraction [-], in (0, 1); chi [-]; chain_length N [-], >= 1. Arrays broadcast.
    For N = 1, phi = 1/2, chi = 2: f = ln(1/2) + 1/2 = -0.19315 (symmetric regular solution).

    >>> round(free_energy(0.5, 2.0, 1.0), 5)
    -0.19315
    """
    phi, chi, n = _phis(phi), _chis(chi), _chain_length(chain_length)
    return _out(phi / n * np.log(phi) + (1 - phi) * np.log1p(-phi) + chi * phi * (1 - phi))


def chemical_potentials_from_logs(ln_phi, ln_one_minus_phi, chi, chain_length):
    """Exchange chemical potentials from ln(phi) and ln(1 - phi): exact for phi below 1e-308.

    Same quantities as :func:`chemical_potentials`; pass the pair (ln phi, ln(1 - phi)) of one
    composition, e.g. from :func:`binodal_log`. Inputs are not range-checked beyond finiteness.
    """
    x, y = _finite("ln_phi", ln_phi), _finite("ln_one_minus_phi", ln_one_minus_phi)
    chi, n = _chis(chi), _chain_length(chain_length)
    mu_s, mu_p = _mu_logs(x, y, chi, n)
    return _out(mu_s), _out(mu_p)


def _mu_logs(x, y, chi, n):
    with np.errstate(under="ignore"):  # exp(-4e6) is 0 to machine precision, as it should be
        phi, one_minus = np.exp(x), np.exp(y)
        mu_solvent = y + (1 - 1 / n) * phi + chi * phi * phi
        mu_polymer = x - (n - 1) * one_minus + chi * n * one_minus * one_minus
    return mu_solvent, mu_polymer


def chemical_potentials(phi, chi, chain_length):
    """Exchange chemical potentials (solvent per molecule, polymer per chain) [kT].

    From the free energy per site f (Flory 1953, eqs. XII-30, XII-31)::

        mu_solvent = f - phi f'        = ln(1 - phi) + (1 - 1/N) phi + chi phi**2          [kT per solvent]
        mu_polymer = N (f + (1-phi) f') = ln phi - (N - 1)(1 - phi) + chi N (1 - phi)**2   [kT per chain]

    Both relative to the pure components. Returns (mu_solvent, mu_polymer); arrays broadcast.
    Pure-component limits: as phi -> 0, mu_solvent -> 0; for N = 1 the two are mirror images.

    >>> chemical_potentials(0.5, 0.0, 1.0) == (math.log(0.5), math.log(0.5))
    True
    """
    phi, chi, n = _phis(phi), _chis(chi), _chain_length(chain_length)
    mu_s, mu_p = _mu_logs(np.log(phi), np.log1p(-phi), chi, n)
    return _out(mu_s), _out(mu_p)


# ---------------------------------------------------------------------------------------------
# Critical point and spinodal

def critical_point(chain_length: float) -> tuple[float, float]:
    """Critical (phi_c, chi_c) of a binary polymer-solvent mixture [-].

    phi_c = 1 / (1 + sqrt(N)),  chi_c = (1 + 1/sqrt(N))**2 / 2      (Flory 1953, eq. XIII-4)

    N = 100 gives (0.0909, 0.605); as N -> infinity, chi_c -> 1/2 (the theta point).

    >>> critical_point(1.0)
    (0.5, 2.0)
    """
    n = _chain_length(chain_length)
    root = math.sqrt(n)
    return 1.0 / (1.0 + root), 0.5 * (1.0 + 1.0 / root) ** 2


def check_chain_length(chain_length) -> float:
    """A given chain length N [-], checked: a finite number from 1 to 1e8 (InputError otherwise)."""
    try:
        n = float(chain_length)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"chain length N must be a number, got {chain_length!r}") from None
    if not 1.0 <= n <= _MAX_CHAIN_LENGTH:
        raise InputError(f"chain length N must lie between 1 and {_MAX_CHAIN_LENGTH:g}, got {chain_length!r}")
    return n


def chain_lengths(polymer_volumes_cm3_per_mol, solvent_volumes_cm3_per_mol) -> np.ndarray:
    """N = V_polymer / V_solvent [-] element-wise (broadcasting), V_polymer = M_n/ρ [cm3/mol]; NaN where
    N < 1 (a polymer smaller than one solvent molecule: no Flory-Huggins answer) or above 1e8. The one
    policy for N of the answer engine; :func:`chain_length_from_molecular_weight` says why for one pair.

    >>> chain_lengths([95238.1], [108.7]).round(1)
    array([876.2])
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.asarray(polymer_volumes_cm3_per_mol, dtype=float) / np.asarray(solvent_volumes_cm3_per_mol, dtype=float)
    return np.where((n >= 1.0) & (n <= _MAX_CHAIN_LENGTH), n, np.nan)


def critical_chis(chain_length) -> np.ndarray:
    """χc = (1 + 1/√N)²/2 element-wise; NaN stays NaN (:func:`critical_chi` for one N)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return 0.5 * (1.0 + 1.0 / np.sqrt(np.asarray(chain_length, dtype=float))) ** 2


def critical_chi(chain_length: float) -> float:
    """Critical chi_c = (1 + 1/sqrt(N))**2 / 2 [-]; one phase at any phi when chi <= chi_c.

    >>> round(critical_chi(100.0), 3)
    0.605
    """
    return critical_point(chain_length)[1]


def _spinodal_arrays(chi: np.ndarray, n: float) -> tuple[np.ndarray, np.ndarray]:
    """phi_low and 1 - phi_high of the spinodal, each from its own quadratic without cancellation."""
    # f'' = 1/(N phi) + 1/(1 - phi) - 2 chi = 0  <=>  2 chi N phi**2 - (N (2 chi - 1) + 1) phi + 1 = 0,
    # and with psi = 1 - phi:  2 chi psi**2 - (2 chi + 1 - 1/N) psi + 1 = 0.  Products of roots are
    # 1/(2 chi N) and 1/(2 chi), so each small root is computed from its large partner.
    b_phi = n * (2 * chi - 1) + 1
    big_phi = (b_phi + np.sqrt(np.maximum(b_phi * b_phi - 8 * chi * n, 0.0))) / (4 * chi * n)
    b_psi = 2 * chi + 1 - 1 / n
    big_psi = (b_psi + np.sqrt(np.maximum(b_psi * b_psi - 8 * chi, 0.0))) / (4 * chi)
    return 1 / (2 * chi * n * big_phi), 1 / (2 * chi * big_psi)


def spinodal(chi: float, chain_length: float) -> tuple[float, float] | None:
    """Spinodal compositions (phi_low, phi_high) where f''(phi) = 0, or None when chi <= chi_c [-].

    f''(phi) = 1/(N phi) + 1/(1 - phi) - 2 chi = 0, i.e. 2 chi N phi**2 - (N(2 chi - 1) + 1) phi + 1 = 0.
    Between the two roots the mixture is unstable. N = 1: phi = 1/2 (1 -+ sqrt(1 - 2/chi)), so
    chi = 2.5 gives (0.27639, 0.72361).

    >>> [round(p, 5) for p in spinodal(2.5, 1.0)]
    [0.27639, 0.72361]
    """
    chi, n = _number("chi", chi), _chain_length(chain_length)
    _chis(chi)
    if chi <= critical_chi(n):
        return None
    low, one_minus_high = _spinodal_arrays(np.asarray(chi), n)
    return float(low), float(1 - one_minus_high)


# ---------------------------------------------------------------------------------------------
# Binodal

def _binodal_logs(chi: np.ndarray, n: float) -> tuple[np.ndarray, np.ndarray]:
    """(ln phi_lean, ln(1 - phi_rich)) for every chi > chi_c (NaN elsewhere), vectorized."""
    chi = np.atleast_1d(np.asarray(chi, dtype=float))
    x1, x2 = np.full(chi.shape, np.nan), np.full(chi.shape, np.nan)
    two = chi > critical_chi(n)
    if not np.any(two):
        return x1, x2
    c = chi[two]
    s_low, s_psi = _spinodal_arrays(c, n)
    bound1, bound2 = np.log(s_low), np.log(s_psi)
    r1, r2 = np.full(c.shape, np.nan), np.full(c.shape, np.nan)
    with np.errstate(all="ignore"):  # candidates that fail are discarded, not trusted
        g1, g2, far = _asymptotic_guess(c, n, bound1, bound2)
        # far from chi_c: log variables from the asymptotic guess; near it (or if that failed):
        # the divided-difference form from the Landau guess; then log variables from a plain start;
        # then the bracketing safety net
        i = np.flatnonzero(far)
        a1, a2, ok = _newton_logs(c[i], n, g1[i], g2[i], bound1[i], bound2[i])
        ok &= (a1 < bound1[i]) & (a2 < bound2[i])
        r1[i[ok]], r2[i[ok]] = a1[ok], a2[ok]
        i = np.flatnonzero(np.isnan(r1))
        b1, b2, ok = _newton_near_critical(c[i], n, s_low[i], s_psi[i])
        ok &= (b1 < bound1[i]) & (b2 < bound2[i])
        r1[i[ok]], r2[i[ok]] = b1[ok], b2[ok]
        candidates = {int(j): [(b1[k], b2[k])] for k, j in enumerate(i)}
        # in between (large N, chi a little above chi_c): log variables, lean phase e times below the spinodal
        i = np.flatnonzero(np.isnan(r1))
        a1, a2, ok = _newton_logs(c[i], n, bound1[i] - 1, np.minimum(g2[i], bound2[i] - 0.01), bound1[i], bound2[i])
        ok &= (a1 < bound1[i]) & (a2 < bound2[i])
        r1[i[ok]], r2[i[ok]] = a1[ok], a2[ok]
    for j in np.flatnonzero(np.isnan(r1)):
        r1[j], r2[j] = _binodal_rescue(float(c[j]), n, float(s_low[j]), float(s_psi[j]), candidates[int(j)])
    x1[two], x2[two] = r1, r2
    return x1, x2


def _asymptotic_guess(chi, n, bound1, bound2):
    """Binodal as phi_lean -> 0: mu_solvent(phi_rich) = 0, then ln phi_lean from equal mu_polymer."""
    k = 1 - 1 / n
    y = -k - chi  # ln(1 - phi_rich) when phi_rich ~ 1
    for _ in range(12):
        q, p = np.exp(y), -np.expm1(y)
        y = y - (y + k * p + chi * p * p) / (1 - k * q - 2 * chi * p * q)
    q, p = np.exp(y), -np.expm1(y)
    x = np.log(p) - (n - 1) * q + chi * n * q * q + (n - 1) - chi * n
    valid = np.isfinite(x) & np.isfinite(y) & (x < bound1 - 3) & (y < bound2)  # lean phase negligible
    return x, y, valid


def _log_residuals(chi, n, x1, x2):
    """Coexistence residuals in (x1, x2) = (ln phi_lean, ln(1 - phi_rich)), their scales and Jacobian."""
    k = 1 - 1 / n
    p1, q1, q2, p2 = np.exp(x1), -np.expm1(x1), np.exp(x2), -np.expm1(x2)
    ln_q1, ln_p2 = np.log1p(-p1), np.log1p(-q2)
    # mu_solvent(1) - mu_solvent(2) and (mu_polymer(1) - mu_polymer(2)) / N, per site
    e1 = ln_q1 - x2 + k * (p1 - p2) + chi * (p1 * p1 - p2 * p2)
    e2 = (x1 - ln_p2) / n + k * (p1 - p2) + chi * (q1 * q1 - q2 * q2)
    scale1 = np.abs(ln_q1) + np.abs(x2) + k * (p1 + p2) + chi * (p1 * p1 + p2 * p2)
    scale2 = (np.abs(x1) + np.abs(ln_p2)) / n + k * (p1 + p2) + chi * (q1 * q1 + q2 * q2)
    jac = (p1 * (-1 / q1 + k + 2 * chi * p1), -1 + q2 * (k + 2 * chi * p2),
           1 / n + k * p1 - 2 * chi * q1 * p1, q2 * (1 / (n * p2) + k - 2 * chi * q2))
    return e1, e2, scale1, scale2, jac


def _newton_logs(chi, n, x1, x2, bound1, bound2, max_iter=40):
    """Newton on equal mu in (x1, x2) = (ln phi_lean, ln(1 - phi_rich)), kept outside the spinodal."""
    x1 = np.where(np.isfinite(x1), np.minimum(x1, bound1 - 0.1), bound1 - 0.1)
    x2 = np.where(np.isfinite(x2), np.minimum(x2, bound2 - 0.01), bound2 - 0.01)
    for _ in range(max_iter):
        e1, e2, scale1, scale2, (j11, j12, j21, j22) = _log_residuals(chi, n, x1, x2)
        done = (np.abs(e1) <= _RTOL * scale1) & (np.abs(e2) <= _RTOL * scale2)
        if np.all(done | ~np.isfinite(e1 + e2)):
            break
        det = j11 * j22 - j12 * j21
        new1 = x1 - (j22 * e1 - j12 * e2) / det
        new2 = x2 - (j11 * e2 - j21 * e1) / det
        # a step across the spinodal goes halfway to it instead: the solution lies outside
        new1 = np.where(new1 >= bound1, 0.5 * (x1 + bound1), new1)
        new2 = np.where(new2 >= bound2, 0.5 * (x2 + bound2), new2)
        x1, x2 = np.where(done, x1, new1), np.where(done, x2, new2)
    return x1, x2, done


def _atanh_ratio(z):
    """S(z) = atanh(sqrt z) / sqrt z and dS/dz, smooth at z = 0 (series below 0.01)."""
    small = z < 1e-2
    zs = np.where(small, z, 0.0)
    s = 1 + zs * (1 / 3 + zs * (1 / 5 + zs * (1 / 7 + zs * (1 / 9 + zs * (1 / 11 + zs * (1 / 13 + zs / 15))))))
    ds = 1 / 3 + zs * (2 / 5 + zs * (3 / 7 + zs * (4 / 9 + zs * (5 / 11 + zs * (6 / 13 + zs * 7 / 15)))))
    zb = np.where(small, 0.25, z)
    root = np.sqrt(zb)
    sb = np.arctanh(root) / root
    return np.where(small, s, sb), np.where(small, ds, (1 / (1 - zb) - sb) / (2 * zb))


def _newton_near_critical(chi, n, s_low, s_psi, max_iter=40):
    """Newton on the divided-difference equations in midpoint m and squared half-width w.

    With phi_lean = m - d, phi_rich = m + d and w = d**2, dividing both coexistence equations by
    phi_lean - phi_rich gives (S(z) = atanh(sqrt z)/sqrt z):
        F1 = -S(w/(1-m)**2)/(1-m) + (1 - 1/N) + 2 chi m = 0
        F2 =  S(w/m**2)/(N m)     + (1 - 1/N) - 2 chi (1-m) = 0
    which no longer have the root d = 0. Started from the Landau expansion: the binodal half-width
    is sqrt 3 times the spinodal half-width about the same midpoint.
    """
    k = 1 - 1 / n
    m = 0.5 * (s_low + 1 - s_psi)
    w = 3 * (0.5 * (1 - s_psi - s_low)) ** 2
    cap = np.minimum(m, 1 - m) ** 2
    w = np.minimum(w, 0.9 * cap)
    for _ in range(max_iter):
        om = 1 - m
        z1, z2 = w / (om * om), w / (m * m)
        s1, ds1 = _atanh_ratio(z1)
        s2, ds2 = _atanh_ratio(z2)
        f1 = -s1 / om + k + 2 * chi * m
        f2 = s2 / (n * m) + k - 2 * chi * om
        done = ((np.abs(f1) <= _RTOL * (s1 / om + k + 2 * chi * m))
                & (np.abs(f2) <= _RTOL * (s2 / (n * m) + k + 2 * chi * om)))
        if np.all(done | ~np.isfinite(f1 + f2)):
            break
        j11 = -2 * w * ds1 / om**4 - s1 / om**2 + 2 * chi
        j12 = -ds1 / om**3
        j21 = -2 * w * ds2 / (n * m**4) - s2 / (n * m * m) + 2 * chi
        j22 = ds2 / (n * m**3)
        det = j11 * j22 - j12 * j21
        dm = -(j22 * f1 - j12 * f2) / det
        dw = -(j11 * f2 - j21 * f1) / det
        new_m = np.clip(m + dm, 0.5 * m, m + 0.5 * (1 - m))
        cap = np.minimum(new_m, 1 - new_m) ** 2
        new_w = w + dw
        new_w = np.where(new_w <= 0, 0.5 * w, np.where(new_w >= cap, 0.5 * (w + cap), new_w))
        m, w = np.where(done, m, new_m), np.where(done, w, new_w)
    d = np.sqrt(w)
    return np.log(m - d), np.log((1 - m) - d), done


def _binodal_bracketed(chi: float, n: float, s_low: float, s_psi: float) -> tuple[float, float]:
    """Safety net: nested bracketing in (ln phi_lean, ln(1 - phi_rich)); slow but cannot wander.

    For each lean phi_1 below the spinodal, the rich phi_2 above it with f'(phi_2) = f'(phi_1) is
    unique; the outer root equates mu_solvent. Its sign changes between the two ends of the
    bracket because f' is monotone on each stable branch (equal-area construction).
    """
    from scipy.optimize import brentq  # 0.35 s to import, on the app's cold path; this net is rare

    def slope_lean(x):  # f'(phi) with phi = exp(x)
        p = math.exp(x)
        return (x + 1) / n - math.log1p(-p) - 1 + chi * (1 - 2 * p)

    def slope_rich(y):  # f'(phi) with 1 - phi = exp(y)
        q = math.exp(y)
        return (math.log1p(-q) + 1) / n - y - 1 + chi * (2 * q - 1)

    b1, b2 = math.log(s_low), math.log(s_psi)

    def rich_for(x):
        target = slope_lean(x)
        lo = b2 - 1.0
        while slope_rich(lo) < target:
            lo = 2 * lo
        if slope_rich(b2) >= target:
            return b2
        return brentq(lambda y: slope_rich(y) - target, lo, b2, xtol=1e-15, rtol=1e-15)

    target = slope_rich(b2)
    lo = b1 - 1.0
    while slope_lean(lo) > target:
        lo = 2 * lo
    start = brentq(lambda x: slope_lean(x) - target, lo, b1, xtol=1e-15, rtol=1e-15)

    def gap(x):
        y = rich_for(x)
        return _mu_logs(x, math.log1p(-math.exp(x)), chi, n)[0] - _mu_logs(math.log1p(-math.exp(y)), y, chi, n)[0]

    x = brentq(gap, start, b1, xtol=1e-15, rtol=1e-15)
    return x, rich_for(x)


def _binodal_rescue(chi, n, s_low, s_psi, candidates) -> tuple[float, float]:
    """Bracketing, else the Newton candidate with the smallest residual if it is still accurate."""
    try:
        return _binodal_bracketed(chi, n, s_low, s_psi)
    except (ValueError, OverflowError, ZeroDivisionError):
        pass
    best, best_error = None, np.inf
    for x1, x2 in candidates:
        with np.errstate(all="ignore"):
            e1, e2, scale1, scale2, _ = _log_residuals(chi, n, x1, x2)
            error = max(abs(e1) / scale1, abs(e2) / scale2)
        if x1 < math.log(s_low) and x2 < math.log(s_psi) and error < best_error:
            best, best_error = (float(x1), float(x2)), error
    if best is not None and best_error <= 1e-10:
        return best
    phi_c, chi_c = critical_point(n)
    if (chi - chi_c) / chi_c <= _LANDAU_RELATIVE_DISTANCE:
        return _binodal_landau(phi_c, s_low, s_psi)
    raise RuntimeError(f"binodal did not converge for chi = {chi!r}, N = {n!r}; please report this")


#: Below this relative distance (chi - chi_c)/chi_c the Newton and bracketing solvers can lose the
#: two roots in rounding for N ~ 1e7-1e8; there the leading-order Landau result is used instead.
_LANDAU_RELATIVE_DISTANCE = 1e-6


def _binodal_landau(phi_c: float, s_low: float, s_psi: float) -> tuple[float, float]:
    """Leading-order binodal next to the critical point: each branch sqrt(3) times as far from
    phi_c as the spinodal branch on its side (mean-field Landau expansion of f about (phi_c, chi_c):
    f ~ A t (phi - phi_c)^2 + B (phi - phi_c)^4 gives spinodal at sqrt(A t / 6B), binodal at
    sqrt(A t / 2B)); the neglected asymmetry is of the order of the squared width."""
    root3 = math.sqrt(3.0)
    lean = phi_c - root3 * (phi_c - s_low)
    rich_psi = (1 - phi_c) - root3 * ((1 - phi_c) - s_psi)
    return math.log(lean), math.log(rich_psi)


def binodal_log(chi: float, chain_length: float) -> tuple[float, float] | None:
    """(ln phi_lean, ln(1 - phi_rich)) of the coexisting phases, or None when chi <= chi_c.

    Same solution as :func:`binodal`, in the variables the solver uses: exact also when the lean
    phase is below the smallest float (N = 1e6, chi = 5 gives ln phi_lean = -4.0e6).
    """
    chi, n = _number("chi", chi), _chain_length(chain_length)
    _chis(chi)
    x1, x2 = _binodal_logs(np.asarray(chi), n)
    if np.isnan(x1[0]):
        return None
    return float(x1[0]), float(x2[0])


def binodal(chi: float, chain_length: float) -> tuple[float, float] | None:
    """Coexisting compositions (phi_lean, phi_rich) [-], or None when chi <= chi_c (one phase).

    The two phases have equal exchange chemical potentials (see :func:`chemical_potentials`)::

        mu_solvent(phi_lean) = mu_solvent(phi_rich),   mu_polymer(phi_lean) = mu_polymer(phi_rich)

    equivalently the common tangent of f. Exact to machine precision for N in [1, 1e6] and chi in
    (chi_c, 5]; a lean phase below ~1e-308 is returned as 0.0 (use :func:`binodal_log`).
    N = 1, chi = 2.5: phi_lean = 0.14479, the root of ln(phi/(1 - phi)) = chi (2 phi - 1).

    >>> [round(p, 5) for p in binodal(2.5, 1.0)]
    [0.14479, 0.85521]
    """
    logs = binodal_log(chi, chain_length)
    if logs is None:
        return None
    return math.exp(logs[0]), -math.expm1(logs[1])


# ---------------------------------------------------------------------------------------------
# chi(T) and critical temperatures

@dataclass(frozen=True)
class ChiCoefficients:
    """χ(T) = a + b_k/T + c_k2/T² [-], T in K, b_k in K, c_k2 in K²: the one way χ(T) is passed.

    Every function here that needs χ(T) takes one of these (or an ``(a, b_k, c_k2)`` tuple) first.

    >>> round(float(ChiCoefficients(0.2, 120.0).chi(300.0)), 12)
    0.6
    """

    a: float
    b_k: float = 0.0
    c_k2: float = 0.0

    def __post_init__(self) -> None:
        for name in ("a", "b_k", "c_k2"):
            object.__setattr__(self, name, _number(name, getattr(self, name)))
        # χ must stay finite over the physical temperatures (units.MIN_TEMPERATURE_K and up)
        worst = abs(self.a) + abs(self.b_k) / MIN_TEMPERATURE_K + abs(self.c_k2) / MIN_TEMPERATURE_K**2
        if not math.isfinite(worst) or worst > _MAX_ABS_CHI:
            raise InputError(f"χ coefficients a={self.a:g}, b_k={self.b_k:g} K, c_k2={self.c_k2:g} K² give "
                             f"|χ| above {_MAX_ABS_CHI:g} at some temperature; they are not a χ(T)")

    def chi(self, temperatures_k):
        """χ at temperatures [K]; arrays give arrays."""
        t = _temperatures("temperatures_k", temperatures_k)
        return _out(self.a + self.b_k / t + self.c_k2 / (t * t))

    def shifted(self, delta_a: float) -> ChiCoefficients:
        """The same χ(T) moved by delta_a at every temperature."""
        return ChiCoefficients(self.a + delta_a, self.b_k, self.c_k2)


def as_coefficients(value) -> ChiCoefficients:
    """ChiCoefficients from itself or an ``(a, b_k[, c_k2])`` sequence; InputError otherwise."""
    if isinstance(value, ChiCoefficients):
        return value
    try:
        return ChiCoefficients(*value)
    except (TypeError, ValueError):
        raise InputError(f"χ(T) must be ChiCoefficients(a, b_k, c_k2) or an (a, b_k, c_k2) tuple, "
                         f"got {value!r}") from None


def chi_of_temperature(coefficients, temperatures_k):
    """chi(T) = a + b/T + c/T**2 [-], T in kelvin, b in K, c in K**2.

    Arrays of temperatures give arrays. chi = 0.2 + 120/T at 300 K: 0.2 + 0.4 = 0.6.

    >>> round(chi_of_temperature((0.2, 120.0), 300.0), 12)
    0.6
    """
    return as_coefficients(coefficients).chi(temperatures_k)


def _crossings(a: float, b: float, c: float, chi_c: float, t_min: float, t_max: float) -> tuple[float, ...]:
    """Roots of chi(T) = chi_c in [t_min, t_max]: (a - chi_c) T**2 + b T + c = 0, polished by Newton."""
    a2 = a - chi_c
    roots: list[float] = []
    if a2 == 0.0:
        if b != 0.0:
            roots = [-c / b]
    else:
        disc = b * b - 4 * a2 * c
        if disc > 0.0:  # a double root touches chi_c without crossing it: no phase change
            q = -0.5 * (b + math.copysign(math.sqrt(disc), b))  # stable quadratic formula
            roots = [q / a2] + ([c / q] if q != 0.0 else [])
        elif disc == 0.0:
            roots = []
    out = []
    for t in roots:
        if t > 0.0 and math.isfinite(t):
            for _ in range(3):  # polish against rounding: g = a2 + b/T + c/T**2
                try:
                    g, dg = a2 + b / t + c / (t * t), -b / (t * t) - 2 * c / t**3
                    polished = t - g / dg
                except (ZeroDivisionError, OverflowError):  # extreme coefficients: keep the root as is
                    break
                if not (polished > 0.0 and math.isfinite(polished)):
                    break
                t = polished
            if t_min <= t <= t_max:
                out.append(t)
    return tuple(sorted(set(out)))


def critical_temperatures(coefficients, chain_length: float, t_min_k: float, t_max_k: float) -> tuple[float, ...]:
    """Every temperature in [t_min_k, t_max_k] where chi(T) crosses chi_c [K], ascending.

    chi(T) = chi_c  <=>  (a - chi_c) T**2 + b T + c = 0, solved in closed form (at most two roots) and
    polished by Newton. At each, the critical point (phi_c, T) is a UCST where dchi/dT < 0 (two phases
    below) and an LCST where dchi/dT > 0 (two phases above). Example: chi = 0.2 + 120/T with N = 1000,
    chi_c = 0.53212: T_c = 120/0.33212 = 361.31 K.

    >>> [round(t, 2) for t in critical_temperatures((0.2, 120.0), 1000.0, 200.0, 500.0)]
    [361.31]
    """
    coefficients = as_coefficients(coefficients)
    a, b, c = coefficients.a, coefficients.b_k, coefficients.c_k2
    n = _chain_length(chain_length)
    t_min, t_max = (float(t) for t in _temperatures("temperature range", [t_min_k, t_max_k]))
    if t_min > t_max:
        raise InputError(f"t_min_k must not exceed t_max_k, got {t_min:g} K > {t_max:g} K")
    return _crossings(a, b, c, critical_chi(n), t_min, t_max)


# ---------------------------------------------------------------------------------------------
# Phase diagram

def _celsius(t_k: float) -> str:
    return f"{t_k - ZERO_CELSIUS_K:.0f} °C"


@dataclass(frozen=True)
class PhaseDiagram:
    """A binary phase diagram in the (phi, T) plane for chi(T) = a + b/T + c/T**2.

    kind: one of PHASE_DIAGRAM_KINDS (see :func:`phase_diagram`).
    critical_temperatures_k: where chi(T) = chi_c inside the range [K], ascending.
    critical_phi, critical_chi: phi_c and chi_c of this chain length [-].
    curves: one row per temperature (the grid plus each critical temperature), columns
        temperature_k, temperature_c, chi, phi_binodal_lean, phi_binodal_rich, phi_spinodal_low,
        phi_spinodal_high; NaN where the mixture is one phase.
    """

    kind: str
    critical_temperatures_k: tuple[float, ...]
    critical_phi: float
    critical_chi: float
    chain_length: float
    a: float
    b_k: float
    c_k2: float
    t_min_k: float
    t_max_k: float
    curves: pd.DataFrame

    def summary(self) -> str:
        """One sentence a chemist can act on, e.g. 'Dissolves above 88 °C at any concentration (UCST 88 °C).'"""
        temps = [_celsius(t) for t in self.critical_temperatures_k]
        span = f"{_celsius(self.t_min_k)} to {_celsius(self.t_max_k)}"
        if self.kind == "UCST":
            return (f"Dissolves above {temps[0]} at any concentration; separates into two phases below "
                    f"(UCST {temps[0]}).")
        if self.kind == "LCST":
            return (f"Dissolves below {temps[0]} at any concentration; separates into two phases on heating "
                    f"above (LCST {temps[0]}).")
        if self.kind == "UCST+LCST":
            return (f"Dissolves at any concentration only between {temps[0]} and {temps[1]}; "
                    f"separates on cooling below {temps[0]} or heating above {temps[1]} "
                    f"(UCST {temps[0]}, LCST {temps[1]}).")
        if self.kind == "closed loop":
            return (f"Separates into two phases between {temps[0]} and {temps[1]} and dissolves at any concentration "
                    f"outside that window (closed loop: LCST {temps[0]}, UCST {temps[1]}).")
        if self.kind == "miscible":
            return f"Dissolves at any concentration from {span} (χ stays below χc = {self.critical_chi:.3f})."
        lean = float(self.curves["phi_binodal_lean"].min())
        adjective = "hourglass: narrowest near the middle" if self.kind == "hourglass" else "immiscible"
        below = (f"except below a polymer fraction φ of {lean:.2f}" if lean >= 0.01 else
                 "at any polymer fraction φ above 0.01 (the solvent-rich phase holds almost no polymer)")
        return (f"Separates into two phases at all temperatures from {span} {below} ({adjective}; χ stays above "
                f"χc = {self.critical_chi:.3f}).")


def _classify(a, b, c, chi_c, crits, t_min, t_max) -> str:
    def slope(t):
        return -b / (t * t) - 2 * c / t**3

    if len(crits) == 2:
        return "UCST+LCST" if slope(crits[0]) < 0 else "closed loop"
    if len(crits) == 1:
        return "UCST" if slope(crits[0]) < 0 else "LCST"
    t_mid = 0.5 * (t_min + t_max)
    if a + b / t_mid + c / t_mid**2 <= chi_c:
        return "miscible"
    # Always two phases; an interior minimum of chi(T) (at T* = -2c/b) makes the gap an hourglass.
    if b != 0.0:
        t_star = -2 * c / b
        if t_min < t_star < t_max and 2 * b / t_star**3 + 6 * c / t_star**4 > 0:
            return "hourglass"
    return "immiscible"


def _diagram(a: float, b: float, c: float, n: float, temperatures_k: np.ndarray) -> PhaseDiagram:
    phi_c, chi_c = critical_point(n)
    t_min, t_max = float(temperatures_k.min()), float(temperatures_k.max())
    crits = _crossings(a, b, c, chi_c, t_min, t_max)
    temps = np.unique(np.concatenate([temperatures_k, np.asarray(crits, dtype=float)]))
    chi = a + b / temps + c / (temps * temps)
    x1, x2 = _binodal_logs(chi, n)
    two = chi > chi_c
    s_low, s_psi = np.full(temps.shape, np.nan), np.full(temps.shape, np.nan)
    if np.any(two):
        s_low[two], s_psi[two] = _spinodal_arrays(chi[two], n)
    at_critical = np.isin(temps, crits)  # the curves close at (phi_c, T_c)
    columns = {"temperature_k": temps, "temperature_c": temps - ZERO_CELSIUS_K, "chi": chi,
               "phi_binodal_lean": np.exp(x1), "phi_binodal_rich": -np.expm1(x2),
               "phi_spinodal_low": s_low, "phi_spinodal_high": 1 - s_psi}
    curves = pd.DataFrame(columns)
    for name in ("phi_binodal_lean", "phi_binodal_rich", "phi_spinodal_low", "phi_spinodal_high"):
        curves.loc[at_critical, name] = phi_c
    return PhaseDiagram(kind=_classify(a, b, c, chi_c, crits, t_min, t_max), critical_temperatures_k=crits,
                        critical_phi=phi_c, critical_chi=chi_c, chain_length=n, a=a, b_k=b, c_k2=c,
                        t_min_k=t_min, t_max_k=t_max, curves=curves)


def _check_diagram_inputs(coefficients, chain_length, temperatures_k):
    coefficients = as_coefficients(coefficients)
    a, b, c = coefficients.a, coefficients.b_k, coefficients.c_k2
    n = _chain_length(chain_length)
    temps = _temperatures("temperatures_k", temperatures_k).ravel()
    if temps.size < 2 or temps.min() == temps.max():
        raise InputError(f"temperatures_k must hold at least two different temperatures, got {temps.size}")
    return a, b, c, n, temps


def phase_diagram(coefficients, *, chain_length: float, temperatures_k) -> PhaseDiagram:
    """Binodal, spinodal, critical temperatures and type of a polymer solution with chi = a + b/T + c/T**2.

    At each temperature chi(T) is compared with chi_c(N); above it the binodal and spinodal are
    solved (see :func:`binodal`). Critical temperatures come from :func:`critical_temperatures` and are
    added to the rows of ``curves`` so the curves close at (phi_c, T_c). ``kind`` describes what lies in
    the range of ``temperatures_k`` [K]:

    - 'UCST': one critical temperature, two phases below it (chi falls with T);
    - 'LCST': one critical temperature, two phases above it (chi rises with T);
    - 'UCST+LCST': two, a one-phase window between UCST < LCST;
    - 'closed loop': two, a two-phase island between LCST < UCST;
    - 'hourglass': none, two phases throughout, narrowest where chi(T) has its minimum
      (a UCST and an LCST that have merged);
    - 'miscible' / 'immiscible': none, chi below / above chi_c throughout.

    Example (UCST): chi = 0.2 + 120/T, N = 1000 gives T_c = 361.3 K = 88 °C.
    """
    a, b, c, n, temps = _check_diagram_inputs(coefficients, chain_length, temperatures_k)
    return _diagram(a, b, c, n, temps)


@dataclass(frozen=True)
class PhaseDiagramBand:
    """Phase diagrams for chi, chi - n_sigma*chi_sigma (more miscible) and chi + n_sigma*chi_sigma.

    The shift is applied to a, i.e. the same at every temperature. ``curves`` stacks the three
    diagrams' curves with a column ``chi_shift`` (-n_sigma*chi_sigma, 0, +n_sigma*chi_sigma).
    """

    central: PhaseDiagram
    lower: PhaseDiagram
    upper: PhaseDiagram
    chi_sigma: float
    n_sigma: float

    def critical_interval_summary(self) -> str:
        """The critical temperatures with the interval the χ ± n_sigma·σ band gives, in one sentence.

        The lower diagram (χ − σ) is the more miscible; each critical temperature of the central
        one is bracketed by the nearest one of the same kind in the other two, or 'none' there.
        """
        def named(diagram: "PhaseDiagram") -> list[str]:
            return [_celsius(t) for t in diagram.critical_temperatures_k]

        central, low, high = named(self.central), named(self.lower), named(self.upper)
        if not central and not low and not high:
            return f"No critical temperature between {_celsius(self.central.t_min_k)} and " \
                   f"{_celsius(self.central.t_max_k)}, whichever χ in the ± {self.n_sigma:g}σ band holds."
        parts = [f"with χ − {self.n_sigma:g}σ: {', '.join(low) or 'none'}",
                 f"with χ + {self.n_sigma:g}σ: {', '.join(high) or 'none'}"]
        head = f"critical temperature(s) {', '.join(central)}" if central else "no critical temperature in range"
        return f"Predicted {head}; {'; '.join(parts)} (the true one likely lies between, or is absent)."

    @property
    def curves(self) -> pd.DataFrame:
        shift = self.n_sigma * self.chi_sigma
        parts = [d.curves.assign(chi_shift=s) for d, s in
                 ((self.lower, -shift), (self.central, 0.0), (self.upper, shift))]
        return pd.concat(parts, ignore_index=True)


def phase_diagram_with_band(coefficients, *, chi_sigma: float, n_sigma: float = 1.0,
                            chain_length: float, temperatures_k) -> PhaseDiagramBand:
    """Three phase diagrams for chi(T) and chi(T) -+ n_sigma * chi_sigma, to show the model's uncertainty.

    chi_sigma [-] is the standard deviation of the predicted chi (e.g. the ensemble spread), taken as
    independent of T: the band is the diagrams for a -+ n_sigma * chi_sigma. The lower one (smaller chi)
    is the more miscible. Since the binodal moves monotonically with chi, the true diagram lies between
    them when chi does.
    """
    sigma, k = _number("chi_sigma", chi_sigma), _number("n_sigma", n_sigma)
    if sigma < 0 or k < 0:
        raise InputError(f"chi_sigma and n_sigma must be >= 0, got {sigma:g} and {k:g}")
    a, b, c, n, temps = _check_diagram_inputs(coefficients, chain_length, temperatures_k)
    shift = k * sigma
    if not shift <= _MAX_ABS_CHI:
        raise InputError(f"n_sigma × chi_sigma must be at most {_MAX_ABS_CHI:g}, got {k:g} × {sigma:g}")
    for shifted in (a - shift, a + shift):
        ChiCoefficients(shifted, b, c)  # the band's χ(T) must stay a χ(T) too
    return PhaseDiagramBand(central=_diagram(a, b, c, n, temps), lower=_diagram(a - shift, b, c, n, temps),
                            upper=_diagram(a + shift, b, c, n, temps), chi_sigma=sigma, n_sigma=k)


def phase_state(coefficients, phi: float, temperature_k: float, chain_length: float) -> str:
    """State of a mixture at polymer fraction phi and temperature T: one of PHASE_STATES.

    'one phase' outside the binodal (or chi <= chi_c), 'two phases (metastable)' between binodal and
    spinodal (separates only by nucleation), 'two phases (unstable)' inside the spinodal (spinodal
    decomposition). N = 1, chi = 2.5 (a = 2.5): phi = 0.2 lies between 0.145 and 0.276, metastable.

    >>> phase_state((2.5, 0.0, 0.0), 0.2, 300.0, 1.0)
    'two phases (metastable)'
    """
    phi = float(_phis(_number("phi", phi)))
    chi = as_coefficients(coefficients).chi(_number("temperature_k", temperature_k))
    n = _chain_length(chain_length)
    spin = spinodal(chi, n)
    if spin is None:
        return "one phase"
    if spin[0] < phi < spin[1]:
        return "two phases (unstable)"
    coexisting = binodal(chi, n)
    if coexisting is None:  # cannot happen with a spinodal, but binodal's type says it may
        return "one phase"
    lean, rich = coexisting
    return "two phases (metastable)" if lean < phi < rich else "one phase"


# ---------------------------------------------------------------------------------------------
# Chain length from what a chemist knows

def chain_length_from_molecular_weight(molecular_weight_g_per_mol: float,
                                       polymer_density_g_per_cm3: float | None,
                                       solvent_molar_volume_cm3_per_mol: float) -> float:
    """Flory-Huggins chain length N = (M_n / rho_polymer) / V_solvent [-].

    N counts lattice sites of one solvent molecule's volume per chain, so it is set by the
    number-average molecular weight M_n [g/mol] (the lattice is defined per chain, and M_n is the
    mass per chain). polymer_density_g_per_cm3 = None uses DEFAULT_POLYMER_DENSITY_G_PER_CM3 (1.0), for
    when it is unknown; solvent_molar_volume_cm3_per_mol is the solvent's M / rho [cm3/mol] (cyclohexane 108.7,
    toluene 106.3, water 18.07 at 25 °C). Polystyrene M_n = 100 000 g/mol (1.05 g/cm3) in cyclohexane:
    N = 95238 / 108.7 = 876.
    Raises InputError for non-positive inputs or N < 1 (a polymer smaller than the solvent).

    >>> round(chain_length_from_molecular_weight(100000.0, 1.05, 108.7))
    876
    """
    m = _number("molecular_weight_g_per_mol", molecular_weight_g_per_mol)
    if polymer_density_g_per_cm3 is None:
        polymer_density_g_per_cm3 = DEFAULT_POLYMER_DENSITY_G_PER_CM3
    rho = _number("polymer_density_g_per_cm3", polymer_density_g_per_cm3)
    v = _number("solvent_molar_volume_cm3_per_mol", solvent_molar_volume_cm3_per_mol)
    for name, value in (("molecular_weight_g_per_mol", m), ("polymer_density_g_per_cm3", rho),
                        ("solvent_molar_volume_cm3_per_mol", v)):
        if value <= 0:
            raise InputError(f"{name} must be > 0, got {value:g}")
    n = m / rho / v
    if not n <= _MAX_CHAIN_LENGTH:
        raise InputError(f"chain length N = (M_n / density) / solvent molar volume = {n:.3g} is above "
                         f"{_MAX_CHAIN_LENGTH:g}: check molecular_weight_g_per_mol = {m:g}, "
                         f"polymer_density_g_per_cm3 = {rho:g}, solvent_molar_volume_cm3_per_mol = {v:g}")
    if n < 1:
        raise InputError(f"chain length N = (M_n / density) / solvent molar volume = {n:.3g} is below 1: "
                         f"the polymer is smaller than one solvent molecule; check the units (g/mol, g/cm3, cm3/mol)")
    return n


def binodal_chi(phi: float, chain_length: float) -> float:
    """The χ [-] at which a coexisting composition of the Flory-Huggins binodal is φ.

    The binodal at χ > χ_c has a lean branch φ' < φ_c (decreasing from φ_c to 0 as χ grows) and a
    rich one (increasing from φ_c to 1); a cloud point at (T, φ) says χ(T) is the χ whose branch
    through φ ends there. φ = φ_c gives χ_c. For N = 1 the binodal is symmetric and
    ln(φ/(1-φ)) = χ(2φ - 1) gives χ in closed form.

    >>> round(binodal_chi(0.2, 1.0), 6) == round(math.log(0.25) / (0.4 - 1.0), 6)
    True
    """
    from scipy.optimize import brentq

    if not 0.0 < phi < 1.0:
        raise VolumeFractionError(f"φ must lie strictly between 0 and 1, got {phi!r}")
    phi_c, chi_c = critical_point(chain_length)
    if abs(phi - phi_c) < 1e-9:
        return chi_c
    lean = phi < phi_c

    def gap(chi: float) -> float:
        logs = binodal_log(chi, chain_length)
        if logs is None:
            return math.log(phi_c) - math.log(phi) if lean else math.log1p(-phi_c) - math.log1p(-phi)
        return logs[0] - math.log(phi) if lean else logs[1] - math.log1p(-phi)

    low, high = chi_c * (1.0 + 1e-12), chi_c + 0.5
    while gap(high) > 0:
        high = chi_c + 2.0 * (high - chi_c)
        if high > 1e3:
            raise InputError(f"no binodal passes through φ = {phi:g} at N = {chain_length:g}")
    return float(brentq(gap, low, high, xtol=1e-12, rtol=1e-12))
