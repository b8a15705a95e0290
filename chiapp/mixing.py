"""Solvent–solvent interaction from COSMO-SAC's excess Gibbs energy, and what it does to a blend's χ.

A polymer in a mixture of two solvents behaves, at fixed solvent ratio and without preferential
sorption, as in one solvent s whose χ with the polymer is (ternary Flory–Huggins, per site of the
blend's mean molar volume V_s = 1/(φ1/V1 + φ2/V2); Scott 1949, J. Chem. Phys. 17, 268)

    χ_eff = [φ1 χ1p + φ2 χ2p]_mixed − φ1 φ2 χ12,

so two liquids that dislike each other (χ12 > 0) make a better solvent together than their mean:
cosolvency. chiapp's latent mixing gives the first part (``chiapp.features.mix_factors``); this
module gives the second. χ12 comes from the pair's excess Gibbs energy, computed with chiapp's own
COSMO-SAC (``chiapp.quantum.cosmosac``) from the σ-profiles of the two liquids:

    ΔG_mix/RT (per mole of molecules) = x1 ln(x1 γ1) + x2 ln(x2 γ2)
                                      = x1 ln φ1 + x2 ln φ2 + χ12 φ1 φ2,

at equal volume fractions, at two temperatures (25 and 100 °C) so that χ12 = a + b/T. Where the pair's
activities were measured (``assets/evidence/activity_nrtl.csv``, DECHEMA VLE data as NRTL sets), χ12 is
taken from them instead, at the blend's own composition (ethanol–water's χ12 changes sign across the
range): measurement before computation, as measured χ before the model. Where a liquid has no
σ-profile (chiapp ships them for its library; a new molecule has one once MOPAC has run) and the pair
is not tabulated, the term is unknown and left out, and the answer says so.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
import pandas as pd

from chiapp.flory_huggins import critical_chis
from chiapp.quantum.cosmosac import (
    COSMO_SAC_2010,
    exchange_energy_over_rt,
    segment_ln_gamma_many,
)
from chiapp.quantum.sigma import SigmaProfile, known_profile
from chiapp.resources import verified_asset

__all__ = ["MIXING_TEMPERATURES_K", "binary_mixing_shifts", "excess_chi", "interaction_coefficients", "liquids_mix",
           "MEASURED_SOURCE", "measured_chi", "measured_excess_chi", "measured_interaction",
           "measured_ln_gammas", "mixing_sources", "mixing_shift", "pair_interaction", "clear_cache"]

#: χ12(T) = a + b/T is fixed by its values at these temperatures [K].
MIXING_TEMPERATURES_K = (298.15, 373.15)


def _ln_gamma_rows(first: list[SigmaProfile], second: list[SigmaProfile], x1: np.ndarray,
                   temperature_k: float) -> np.ndarray:
    """COSMO-SAC ln γ (M, 2) of M binary liquids (row m: ``first[m]`` at mole fraction x1[m] with
    ``second[m]``), at one temperature, every row solved at once."""
    params = COSMO_SAC_2010
    flat = np.stack([[p.areas_a2.ravel() for p in first], [p.areas_a2.ravel() for p in second]], axis=1)  # (M,2,153)
    areas = flat.sum(axis=2)                                                                            # (M, 2)
    volumes = np.array([[a.volume_a3, b.volume_a3] for a, b in zip(first, second)])
    x = np.stack([x1, 1.0 - x1], axis=1)
    fractions = flat / areas[:, :, None]
    mixture = np.einsum("mk,mkj->mj", x, flat) / (x * areas).sum(axis=1)[:, None]
    delta = exchange_energy_over_rt(temperature_k, params)
    n = len(x1)
    liquids = list({id(p): p for p in (*first, *second)}.values())  # each pure liquid solved once
    where = {id(p): i for i, p in enumerate(liquids)}
    own = np.array([p.areas_a2.ravel() / p.area_a2 for p in liquids])
    segments = segment_ln_gamma_many(np.concatenate([mixture, own]), delta, tol=1e-9)
    mixed, solved = segments[:n], segments[n:]
    pure = np.stack([solved[[where[id(p)] for p in first]], solved[[where[id(p)] for p in second]]], axis=1)
    residual = areas / params.a_eff_a2 * np.einsum("mkj,mkj->mk", fractions, mixed[:, None, :] - pure)
    # Staverman–Guggenheim, as chiapp.quantum.cosmosac.combinatorial_ln_gamma, row by row
    q, r = areas / params.q0_a2, volumes / params.r0_a3
    phi_over_x = r / (x * r).sum(axis=1, keepdims=True)
    theta_over_phi = q / (x * q).sum(axis=1, keepdims=True) / phi_over_x
    ell = params.z / 2 * (r - q) - (r - 1)
    combinatorial = (np.log(phi_over_x) + params.z / 2 * q * np.log(theta_over_phi) + ell
                     - phi_over_x * (x * ell).sum(axis=1, keepdims=True))
    return combinatorial + residual


def excess_chi(first, second, volume_fraction_first, molar_volumes_cm3_per_mol, temperature_k: float) -> np.ndarray:
    """χ12 [-] of binary liquids at volume fractions φ1 (0 < φ1 < 1) and one temperature [K], per site of
    the mixture's mean molar volume (module docstring), from COSMO-SAC's G^E. ``first``/``second``: one
    σ-profile each, or one per row; ``molar_volumes_cm3_per_mol``: (V1, V2), each a number or (M,)."""
    phi1 = np.atleast_1d(np.asarray(volume_fraction_first, dtype=float))
    m = len(phi1)
    first = list(first) if isinstance(first, (list, tuple)) else [first] * m
    second = list(second) if isinstance(second, (list, tuple)) else [second] * m
    v1, v2 = (np.broadcast_to(np.asarray(v, dtype=float), (m,)) for v in molar_volumes_cm3_per_mol)
    x1 = (phi1 / v1) / (phi1 / v1 + (1.0 - phi1) / v2)
    ln_gamma = _ln_gamma_rows(first, second, x1, float(temperature_k))
    x2, phi2 = 1.0 - x1, 1.0 - phi1
    excess = x1 * (np.log(x1 / phi1) + ln_gamma[:, 0]) + x2 * (np.log(x2 / phi2) + ln_gamma[:, 1])
    return excess / (phi1 * phi2)


def interaction_coefficients(first, second, molar_volumes_cm3_per_mol) -> tuple[np.ndarray, np.ndarray]:
    """(a, b [K]) of g12(T) = a + b/T, the interaction of binary liquids per cm³ [mol/cm³], taken from
    χ12 at equal volume fractions (arguments as :func:`excess_chi`; one rule for every blend of the
    pair, so a blend gets the same χ whichever route asks)."""
    v1, v2 = (np.asarray(v, dtype=float) for v in molar_volumes_cm3_per_mol)
    v_half = 1.0 / (0.5 / v1 + 0.5 / v2)
    t1, t2 = MIXING_TEMPERATURES_K
    c1, c2 = (excess_chi(first, second, 0.5 if not isinstance(first, list) else np.full(len(first), 0.5),
                         (v1, v2), t) / v_half for t in (t1, t2))
    b = (c1 - c2) / (1.0 / t1 - 1.0 / t2)
    return c1 - b / t1, b


#: (first key, second key, V1, V2) in sorted order -> (a, b) of g12, or None: unknown
_KNOWN: dict[tuple[str, str, float, float], tuple[float, float] | None] = {}


def _pair(first_key: str, second_key: str, v1: float, v2: float) -> tuple[str, str, float, float]:
    """The pair in one order (g12 is symmetric), so that it is solved and stored once."""
    return (first_key, second_key, v1, v2) if first_key <= second_key else (second_key, first_key, v2, v1)


def _solve(pairs) -> None:
    """Solve the pairs not yet known, all in one COSMO-SAC fixed point per temperature."""
    todo = [p for p in dict.fromkeys(pairs) if p not in _KNOWN]
    profiles = {k: known_profile("solvent", k) for p in todo for k in p[:2]}
    ready = [p for p in todo if profiles[p[0]] is not None and profiles[p[1]] is not None]
    _KNOWN.update({p: None for p in todo})
    if ready:
        a, b = interaction_coefficients([profiles[p[0]] for p in ready], [profiles[p[1]] for p in ready],
                                        (np.array([p[2] for p in ready]), np.array([p[3] for p in ready])))
        _KNOWN.update({p: (float(x), float(y)) for p, x, y in zip(ready, a, b)})


def pair_interaction(first_key: str, second_key: str, v1_cm3_per_mol: float, v2_cm3_per_mol: float
                     ) -> tuple[float, float] | None:
    """(a, b [K]) of g12(T) = a + b/T [mol/cm³] of two liquids (canonical SMILES, molar volumes), or
    None when one has no σ-profile chiapp ships or has computed."""
    pair = _pair(first_key, second_key, float(v1_cm3_per_mol), float(v2_cm3_per_mol))
    _solve([pair])
    return _KNOWN[pair]


#: The gas constant in the units of the DECHEMA NRTL parameters [cal/(mol K)].
_R_CAL_PER_MOL_K = 1.987204258640832
MEASURED_SOURCE = "DECHEMA VLE data (NRTL)"


@lru_cache(maxsize=1)
def _measured_pairs() -> dict[tuple[str, str], tuple[float, float, float]]:
    """(key 1, key 2) -> (A12, A21 [cal/mol], α) of every pair of ``assets/evidence/activity_nrtl.csv``,
    in both orders."""
    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "activity_nrtl.csv")), keep_default_na=False)
    pairs: dict[tuple[str, str], tuple[float, float, float]] = {}
    for row in table.itertuples(index=False):
        pairs[(row.key_1, row.key_2)] = (row.a12_cal_per_mol, row.a21_cal_per_mol, row.alpha12)
        pairs[(row.key_2, row.key_1)] = (row.a21_cal_per_mol, row.a12_cal_per_mol, row.alpha12)
    return pairs


def measured_ln_gammas(first_key: str, second_key: str, x1, temperature_k: float) -> np.ndarray | None:
    """(ln γ1, ln γ2) along the last axis at mole fractions ``x1`` of the first liquid, by NRTL with the
    measured (DECHEMA) parameters of the pair (Renon & Prausnitz, AIChE J. 14, 135 (1968)); None when
    the pair is not tabulated."""
    found = _measured_pairs().get((first_key, second_key))
    if found is None:
        return None
    a12, a21, alpha = found
    tau12, tau21 = a12 / (_R_CAL_PER_MOL_K * temperature_k), a21 / (_R_CAL_PER_MOL_K * temperature_k)
    g12, g21 = np.exp(-alpha * tau12), np.exp(-alpha * tau21)
    x1 = np.asarray(x1, dtype=float)
    x2 = 1.0 - x1
    ln1 = x2 ** 2 * (tau21 * (g21 / (x1 + x2 * g21)) ** 2 + tau12 * g12 / (x2 + x1 * g12) ** 2)
    ln2 = x1 ** 2 * (tau12 * (g12 / (x2 + x1 * g12)) ** 2 + tau21 * g21 / (x1 + x2 * g21) ** 2)
    return np.stack([ln1, ln2], axis=-1)


def measured_excess_chi(first_key: str, second_key: str, volume_fraction_first, v1_cm3_per_mol: float,
                        v2_cm3_per_mol: float, temperature_k: float) -> np.ndarray | None:
    """χ12 [-] of two liquids at volume fractions φ1 from their measured activities, per site of the
    mixture's mean molar volume, by the rule of :func:`excess_chi` (COSMO-SAC's): the excess of ΔG_mix
    over Flory–Huggins' per mole of molecules, over φ1 φ2; None when the pair is not tabulated."""
    phi1 = np.atleast_1d(np.asarray(volume_fraction_first, dtype=float))
    v1, v2 = float(v1_cm3_per_mol), float(v2_cm3_per_mol)
    x1 = (phi1 / v1) / (phi1 / v1 + (1.0 - phi1) / v2)
    ln_gamma = measured_ln_gammas(first_key, second_key, x1, temperature_k)
    if ln_gamma is None:
        return None
    x2, phi2 = 1.0 - x1, 1.0 - phi1
    excess = x1 * (np.log(x1 / phi1) + ln_gamma[..., 0]) + x2 * (np.log(x2 / phi2) + ln_gamma[..., 1])
    return excess / (phi1 * phi2)


def measured_chi(first_key: str, second_key: str, v1_cm3_per_mol: float, v2_cm3_per_mol: float,
                 temperature_k: float) -> float | None:
    """χ12 per site of the first liquid from the pair's measured activities at equal volume fractions,
    where COSMO-SAC's is taken (:func:`interaction_coefficients`), for comparing the two; None when the
    pair is not tabulated."""
    chi = measured_excess_chi(first_key, second_key, 0.5, v1_cm3_per_mol, v2_cm3_per_mol, temperature_k)
    v1, v2 = float(v1_cm3_per_mol), float(v2_cm3_per_mol)
    return None if chi is None else float(chi[0] * v1 * (0.5 / v1 + 0.5 / v2))


def _measured_g(first_key: str, second_key: str, volume_fraction_first, v1: float, v2: float
                ) -> np.ndarray | None:
    """(a, b [K]) of g12(T) = a + b/T [mol/cm³] (M, 2) of two liquids at volume fractions φ1 (M,) from
    their measured activities, fixed at MIXING_TEMPERATURES_K as COSMO-SAC's; None: not tabulated."""
    phi1 = np.atleast_1d(np.asarray(volume_fraction_first, dtype=float))
    per_cm3 = phi1 / v1 + (1.0 - phi1) / v2                          # 1 / the mean molar volume
    t1, t2 = MIXING_TEMPERATURES_K
    cold = measured_excess_chi(first_key, second_key, phi1, v1, v2, t1)
    hot = measured_excess_chi(first_key, second_key, phi1, v1, v2, t2)
    if cold is None or hot is None:
        return None
    c1, c2 = cold * per_cm3, hot * per_cm3
    b = (c1 - c2) / (1.0 / t1 - 1.0 / t2)
    return np.stack([c1 - b / t1, b], axis=-1)


def measured_interaction(solvent_key: str, antisolvent_key: str, v_s_cm3_per_mol: float, v_a_cm3_per_mol: float,
                         temperature_k: float, degree: int = 10) -> tuple[float, tuple[float, ...]] | None:
    """The composition-dependent interaction g(u) of two liquids from their measured activities, per
    site of the first (u: the second's volume fraction): ΔG_mix/RT per site less Flory–Huggins'
    (1 − u) ln(1 − u) + (u/m) ln u, over u(1 − u) (Altena & Smolders, Macromolecules 15, 1491 (1982)),
    as a polynomial of ``degree`` fitted on 0.001 ≤ u ≤ 0.999: (g(½), coefficients of g(u) − g(½) in
    powers of u), the form ``chiapp.ternary.TernarySystem`` takes; None when the pair is not tabulated."""
    m = float(v_a_cm3_per_mol) / float(v_s_cm3_per_mol)
    u = 0.5 - 0.499 * np.cos(np.linspace(0.0, np.pi, 201))           # denser near the two ends
    x_a = (u / m) / ((1.0 - u) + u / m)
    ln_gamma = measured_ln_gammas(solvent_key, antisolvent_key, 1.0 - x_a, temperature_k)
    if ln_gamma is None:
        return None
    x_s = 1.0 - x_a
    per_mole = x_s * (np.log(x_s) + ln_gamma[:, 0]) + x_a * (np.log(x_a) + ln_gamma[:, 1])
    per_site = per_mole / (x_s + m * x_a)
    g = (per_site - (1.0 - u) * np.log(1.0 - u) - u / m * np.log(u)) / (u * (1.0 - u))
    coefficients = np.polynomial.polynomial.polyfit(u, g, degree)
    middle = float(np.polynomial.polynomial.polyval(0.5, coefficients))
    coefficients[0] -= middle
    return middle, tuple(float(c) for c in coefficients)


def liquids_mix(first_key: str, second_keys, v1_cm3_per_mol: float, v2_cm3_per_mol, temperature_k: float
                ) -> list[tuple[bool | None, str]]:
    """Whether a liquid mixes at every ratio with each of others at ``temperature_k``, and by what:
    where the pair's measured activities are tabulated (MEASURED_SOURCE), ΔG_mix/RT = Σ x ln(xγ) convex
    over the whole composition range; else COSMO-SAC's χ12 per site of the first at or below the
    critical χ of two liquids of 1 and V2/V1 sites (``chiapp.flory_huggins.critical_chis``), the
    ternary's own criterion; (None, '') where a σ-profile is missing."""
    v1 = float(v1_cm3_per_mol)
    x = np.linspace(1e-4, 1.0 - 1e-4, 999)
    out: list[tuple[bool | None, str]] = []
    todo = []
    for key, v2 in zip(second_keys, v2_cm3_per_mol):
        ln_gamma = measured_ln_gammas(first_key, key, x, temperature_k)
        if ln_gamma is not None:
            mixing = x * (np.log(x) + ln_gamma[:, 0]) + (1 - x) * (np.log(1 - x) + ln_gamma[:, 1])
            out.append((bool(np.all(np.diff(mixing, 2) > 0)), MEASURED_SOURCE))
            continue
        todo.append((len(out), _pair(first_key, key, v1, float(v2)), float(v2)))
        out.append((None, ""))
    _solve([pair for _, pair, _ in todo])
    for at, pair, v2 in todo:
        found = _KNOWN[pair]
        if found is not None:
            chi = v1 * (found[0] + found[1] / temperature_k)
            out[at] = (bool(chi <= critical_chis(v2 / v1)), "COSMO-SAC")
    return out


def _pair_g(first_key: str, second_key: str, v1: float, v2: float, fraction_first: float
            ) -> tuple[float, float] | None:
    """g12 (a, b) of two liquids mixed at ``fraction_first`` by volume: measured where tabulated, else
    COSMO-SAC's (one value at every composition), else None."""
    measured = _measured_g(first_key, second_key, fraction_first, v1, v2)
    if measured is not None:
        return float(measured[0, 0]), float(measured[0, 1])
    return pair_interaction(first_key, second_key, v1, v2)


def mixing_shift(keys, fractions, molar_volumes_cm3_per_mol) -> tuple[float, float] | None:
    """(Δa, Δb [K]) that the mixing term −Σ_{i<j} φi φj χij adds to a blend's χ(T) with any polymer, or
    None when a pair's interaction is unknown; χij = g_ij · V_s, V_s the blend's mean molar volume, g_ij
    of the pair mixed at its own ratio in the blend, φi/(φi + φj)."""
    phi = np.asarray(fractions, dtype=float)
    v = np.asarray(molar_volumes_cm3_per_mol, dtype=float)
    v_blend = 1.0 / float(np.sum(phi / v))
    shift_a = shift_b = 0.0
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            found = _pair_g(keys[i], keys[j], v[i], v[j], phi[i] / (phi[i] + phi[j]))
            if found is None:
                return None
            shift_a -= phi[i] * phi[j] * v_blend * found[0]
            shift_b -= phi[i] * phi[j] * v_blend * found[1]
    return shift_a, shift_b


def mixing_sources(keys, names) -> str:
    """Where each pair's χ12 of a blend comes from, in words ('' for one liquid)."""
    parts = []
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if (keys[i], keys[j]) in _measured_pairs():
                source = f"{MEASURED_SOURCE} at their ratio in the blend"
            elif known_profile("solvent", keys[i]) is None or known_profile("solvent", keys[j]) is None:
                source = "not known (no σ-profile): left out"
            else:
                source = "COSMO-SAC (computed)"
            parts.append(f"{names[i]}–{names[j]}: {source}")
    return "; ".join(parts)


def binary_mixing_shifts(first_keys, second_keys, volume_fraction_first, v1_cm3_per_mol, v2_cm3_per_mol
                         ) -> np.ndarray:
    """(Δa, Δb [K]) of many two-liquid blends at once (M, 2), NaN rows where the interaction is unknown:
    the numbers of :func:`mixing_shift`, the pairs not yet known solved together."""
    phi1 = np.asarray(volume_fraction_first, dtype=float)
    v1 = np.asarray(v1_cm3_per_mol, dtype=float)
    v2 = np.asarray(v2_cm3_per_mol, dtype=float)
    rows = np.stack([np.asarray(first_keys, dtype=str), np.asarray(second_keys, dtype=str),
                     v1.astype(str), v2.astype(str)], axis=1)
    _, first_row, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    measured = _measured_pairs()
    tabulated = [(str(first_keys[i]), str(second_keys[i])) in measured for i in first_row]
    pairs = [_pair(str(first_keys[i]), str(second_keys[i]), float(v1[i]), float(v2[i]))
             for i, known in zip(first_row, tabulated) if not known]
    _solve(pairs)
    computed = iter(pairs)
    per_pair = np.array([(np.nan, np.nan) if known else (_KNOWN[next(computed)] or (np.nan, np.nan))
                         for known in tabulated], dtype=float).reshape(-1, 2)
    found = per_pair[inverse]
    for group in np.flatnonzero(tabulated):
        at = np.flatnonzero(inverse == group)
        i = first_row[group]
        found[at] = _measured_g(str(first_keys[i]), str(second_keys[i]), phi1[at], float(v1[i]), float(v2[i]))
    weight = phi1 * (1.0 - phi1) / (phi1 / v1 + (1.0 - phi1) / v2)
    return -weight[:, None] * found


def clear_cache() -> None:
    _KNOWN.clear()
