"""COSMO-SAC activity coefficients from σ-profiles (the 2010 model of Hsieh, Sandler & Lin).

ln γ_i = ln γ_i^comb + ln γ_i^res, with the parameters of Hsieh, Sandler & Lin, Fluid Phase Equilib.
297, 90 (2010), as tabulated by Bell et al., J. Chem. Theory Comput. 16, 2635 (2020), Table 1.

**Combinatorial** (Staverman–Guggenheim, as in Lin & Sandler, Ind. Eng. Chem. Res. 41, 899 (2002),
eq. 13)::

    ln γ_i^comb = ln(φ_i/x_i) + (z/2) q_i ln(θ_i/φ_i) + l_i − (φ_i/x_i) Σ_j x_j l_j
    q_i = A_i/q_0, r_i = V_i/r_0, θ_i = x_i q_i/Σ x_j q_j, φ_i = x_i r_i/Σ x_j r_j,
    l_i = (z/2)(r_i − q_i) − (r_i − 1),   z = 10, q_0 = 79.53 Å², r_0 = 66.69 Å³

**Residual** (Lin & Sandler 2002, eqs. 14–16; three profiles as in Hsieh et al. 2010, eqs. 8–13)::

    ln γ_i^res = n_i Σ_t Σ_m p_i^t(σ_m) [ln Γ_S^t(σ_m) − ln Γ_i^t(σ_m)],   n_i = A_i / a_eff
    ln Γ_j^t(σ_m) = −ln Σ_s Σ_n p_j^s(σ_n) Γ_j^s(σ_n) exp(−ΔW(σ_m^t, σ_n^s) / RT)
    ΔW(σ_m^t, σ_n^s) = c_ES (σ_m + σ_n)² − c_hb^{ts}(σ_m, σ_n) (σ_m − σ_n)²
    c_ES = A_ES + B_ES / T²

p_i^t(σ) is the area of class t (NHB, OH, OT) at σ over the molecule's whole area; the mixture's
profile p_S is the mole-and-area-weighted mean of the components'. c_hb is c_OH-OH, c_OT-OT or
c_OH-OT when both segments are hydrogen-bonding (OH or OT) and σ_m σ_n < 0, and 0 otherwise.
The segment equations are solved by damped successive substitution in ln Γ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.constants import R, calorie

from chiapp.errors import InputError, QuantumChemistryError
from chiapp.quantum.sigma import A_EFF_A2, SIGMA_GRID_E_PER_A2, SigmaProfile

__all__ = [
    "COSMO_SAC_2010",
    "ActivityCoefficients",
    "CosmoSacParameters",
    "activity_coefficients",
    "combinatorial_ln_gamma",
    "exchange_energy_over_rt",
    "infinite_dilution_ln_gamma",
    "segment_ln_gamma",
    "segment_ln_gamma_many",
]

#: Gas constant [kcal/(mol K)].
GAS_CONSTANT_KCAL_PER_MOL_K = R / (1000.0 * calorie)


@dataclass(frozen=True)
class CosmoSacParameters:
    """Universal COSMO-SAC constants (energies in kcal/mol, lengths in Å, charges in e)."""

    a_eff_a2: float = A_EFF_A2
    q0_a2: float = 79.53
    r0_a3: float = 66.69
    z: float = 10.0
    a_es: float = 6525.69          # kcal Å⁴ / (mol e²)
    b_es_k2: float = 1.4859e8      # kcal Å⁴ K² / (mol e²)
    c_oh_oh: float = 4013.78       # kcal Å⁴ / (mol e²)
    c_ot_ot: float = 932.31
    c_oh_ot: float = 3016.43


#: Hsieh, Sandler & Lin (2010), Bell et al. (2020) Table 1.
COSMO_SAC_2010 = CosmoSacParameters()


@dataclass(frozen=True)
class ActivityCoefficients:
    """ln γ of every component [-], split into combinatorial and residual parts."""

    temperature_k: float
    x: np.ndarray
    ln_gamma_combinatorial: np.ndarray
    ln_gamma_residual: np.ndarray

    @property
    def ln_gamma(self) -> np.ndarray:
        return self.ln_gamma_combinatorial + self.ln_gamma_residual


def exchange_energy_over_rt(temperature_k: float, params: CosmoSacParameters) -> np.ndarray:
    """ΔW / RT over all (class, σ) pairs, a (153, 153) matrix in the order of SigmaProfile.areas_a2.ravel()."""
    n = SIGMA_GRID_E_PER_A2.size
    sigma = np.tile(SIGMA_GRID_E_PER_A2, 3)
    kind = np.repeat(np.arange(3), n)
    c_es = params.a_es + params.b_es_k2 / temperature_k ** 2
    c_table = np.array([[0.0, 0.0, 0.0],
                        [0.0, params.c_oh_oh, params.c_oh_ot],
                        [0.0, params.c_oh_ot, params.c_ot_ot]])
    c_hb = c_table[kind[:, None], kind[None, :]] * (sigma[:, None] * sigma[None, :] < 0)
    delta_w = c_es * (sigma[:, None] + sigma[None, :]) ** 2 - c_hb * (sigma[:, None] - sigma[None, :]) ** 2
    return delta_w / (GAS_CONSTANT_KCAL_PER_MOL_K * temperature_k)


def segment_ln_gamma(fractions: np.ndarray, delta_w_over_rt: np.ndarray, tol: float = 1e-10,
                     max_iter: int = 5000) -> np.ndarray:
    """ln Γ(σ_m) of every (class, σ) segment type in a liquid of profile ``fractions`` (sum 1).

    Solves ln Γ_m = −ln Σ_n p_n Γ_n exp(−ΔW_mn/RT) by successive substitution with half steps in
    ln Γ, summing with log-sum-exp; only segment types present (p_n > 0) enter the sums.
    """
    present = fractions > 0
    p = fractions[present]
    log_p = np.log(p)
    a = -delta_w_over_rt[:, present]
    ln_g = np.zeros(fractions.size)
    for _ in range(max_iter):
        terms = a + (log_p + ln_g[present])[None, :]
        peak = terms.max(axis=1, keepdims=True)
        new = -(peak[:, 0] + np.log(np.exp(terms - peak).sum(axis=1)))
        step = new - ln_g
        ln_g = ln_g + 0.5 * step
        if np.max(np.abs(step)) < tol:
            return new
    raise QuantumChemistryError("COSMO-SAC segment activity coefficients did not converge")


def segment_ln_gamma_many(fractions: np.ndarray, delta_w_over_rt: np.ndarray, tol: float = 1e-10,
                          max_iter: int = 5000) -> np.ndarray:
    """:func:`segment_ln_gamma` of many liquids at once: ``fractions`` (M, 153), each row summing to 1.

    The same fixed point, iterated in Γ rather than ln Γ (Γ_m = 1 / Σ_n p_n Γ_n E_mn with E = exp(−ΔW/RT)),
    so one step of all M liquids is one matrix product. The damping is the same half step, taken as
    the geometric mean of the old and new Γ, i.e. half a step in ln Γ.
    """
    fractions = np.atleast_2d(np.asarray(fractions, dtype=float))
    shift = delta_w_over_rt.min()  # E scaled by exp(shift) ≤ 1 to keep it finite; Γ absorbs the factor
    e = np.exp(-(delta_w_over_rt - shift))
    gamma = np.ones_like(fractions)
    for _ in range(max_iter):
        new = 1.0 / ((fractions * gamma) @ e.T)
        step = np.log(new) - np.log(gamma)
        gamma = np.sqrt(gamma * new)
        if np.max(np.abs(step)) < tol:
            return np.log(new) + 0.5 * shift
    raise QuantumChemistryError("COSMO-SAC segment activity coefficients did not converge")


def combinatorial_ln_gamma(areas_a2: np.ndarray, volumes_a3: np.ndarray, x: np.ndarray,
                           params: CosmoSacParameters = COSMO_SAC_2010) -> np.ndarray:
    """Staverman–Guggenheim ln γ_i^comb [-] (module docstring); x may contain zeros (infinite dilution)."""
    q = np.asarray(areas_a2, float) / params.q0_a2
    r = np.asarray(volumes_a3, float) / params.r0_a3
    phi_over_x = r / np.dot(x, r)
    theta_over_phi = (q / np.dot(x, q)) / phi_over_x
    ell = params.z / 2 * (r - q) - (r - 1)
    return np.log(phi_over_x) + params.z / 2 * q * np.log(theta_over_phi) + ell - phi_over_x * np.dot(x, ell)


def activity_coefficients(profiles: Sequence[SigmaProfile], x, temperature_k: float,
                          params: CosmoSacParameters = COSMO_SAC_2010) -> ActivityCoefficients:
    """COSMO-SAC ln γ of each component of a liquid of mole fractions ``x`` at ``temperature_k`` [K].

    A zero mole fraction gives that component's infinite-dilution value.
    """
    x = np.asarray(x, dtype=float)
    if x.shape != (len(profiles),) or np.any(~np.isfinite(x)) or np.any(x < 0) or not x.sum() > 0:
        raise InputError(f"mole fractions must be {len(profiles)} finite values >= 0 with a positive sum, got {x}")
    if not (np.isfinite(temperature_k) and temperature_k > 0):
        raise InputError(f"temperature must be > 0 K, got {temperature_k}")
    x = x / x.sum()
    areas = np.array([p.area_a2 for p in profiles])
    volumes = np.array([p.volume_a3 for p in profiles])
    flat = np.array([p.areas_a2.ravel() for p in profiles])
    fractions = flat / areas[:, None]
    mixture = (x[:, None] * flat).sum(axis=0) / np.dot(x, areas)
    delta = exchange_energy_over_rt(float(temperature_k), params)
    ln_g_mix = segment_ln_gamma(mixture, delta)
    residual = np.array([areas[i] / params.a_eff_a2
                         * np.dot(fractions[i], ln_g_mix - segment_ln_gamma(fractions[i], delta))
                         for i in range(len(profiles))])
    combinatorial = combinatorial_ln_gamma(areas, volumes, x, params)
    for arr in (x, combinatorial, residual):
        arr.flags.writeable = False
    return ActivityCoefficients(float(temperature_k), x, combinatorial, residual)


def infinite_dilution_ln_gamma(solute: SigmaProfile, solvent: SigmaProfile, temperature_k: float,
                               params: CosmoSacParameters = COSMO_SAC_2010) -> float:
    """ln γ∞ [-] of ``solute`` infinitely dilute in ``solvent``."""
    return float(activity_coefficients([solute, solvent], [0.0, 1.0], temperature_k, params).ln_gamma[0])
