"""Flory–Huggins χ(T) of a polymer–solvent pair from COSMO-SAC: the solvent infinitely dilute in the polymer.

The Flory–Huggins activity of the solvent (Flory, *Principles of Polymer Chemistry*, 1953, eq. XII-30;
:func:`chiapp.flory_huggins.chemical_potentials`) is::

    ln a_1 = ln φ_1 + (1 − 1/N) φ_2 + χ φ_2²

so any model's ln a_1 at one composition gives χ (:func:`chi_from_solvent_activity`). As φ_1 → 0,
with ln a_1 = ln x_1 + ln γ_1 and φ_1/x_1 → V_1/V_2 = 1/N::

    χ = ln γ_1∞ − ln(V_1/V_2) − 1 + V_1/V_2

COSMO-SAC's ln γ_1∞ = ln γ^comb + ln γ^res (:mod:`chiapp.quantum.cosmosac`) for the solvent in a
chain of ``N_CHAIN_UNITS`` repeat units (:func:`chiapp.quantum.sigma.polymer_sigma_profile`) splits
χ into ``chi_residual`` = ln γ_1^res,∞ (the contact energies; the only temperature-dependent part)
and ``chi_combinatorial``, the Staverman–Guggenheim term beyond Flory–Huggins' ideal mixing, which
for a long chain tends to (z/2) q_1 [ln y + 1/y − 1] ≥ 0 with y = (q_1/r_1)/(q_u/r_u) (u: one repeat
unit). χ is per solvent molecule (the lattice site is the solvent's volume), as in chiapp's model.

Which χ :func:`qc_chi` returns was chosen on the paper's COSMO-RS χ only (never on experimental χ),
by ``python -m training.qc_validate`` over all 1,206 rows: the residual part alone (Spearman ρ
0.648, MAE 0.555) against residual + Staverman–Guggenheim (ρ 0.637, MAE 0.710). The middle repeat
unit's surface is partly buried by its neighbours, so q_u/r_u is small and the SG term adds a
near-constant 0.3–1.0 that COSMO-RS χ does not carry. ``include_combinatorial=True`` adds it.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chiapp.errors import InputError, VolumeFractionError
from chiapp.quantum.cosmosac import (
    COSMO_SAC_2010,
    CosmoSacParameters,
    activity_coefficients,
    exchange_energy_over_rt,
    segment_ln_gamma_many,
)
from chiapp.quantum.sigma import (
    SHIPPED_PROFILES_FILE,
    SigmaProfile,
    known_profile,
    polymer_sigma_profile,
    solvent_sigma_profile,
)
from chiapp.resources import verified_asset

__all__ = [
    "DEFAULT_METHOD",
    "N_CHAIN_UNITS",
    "QcChi",
    "chi_from_solvent_activity",
    "chi_infinite_dilution",
    "chi_residual_grid",
    "QC_NODES_K",
    "interpolate_nodes",
    "polymer_qc_half",
    "qc_nodes",
    "solvent_qc_half",
    "interpolate_rows",
    "known_qc_nodes",
    "solvent_self_terms",
    "write_self_terms",
    "qc_chi",
]

#: Repeat units of the chain the solvent is dissolved in; χ changes by < 1e-3 beyond a few hundred.
N_CHAIN_UNITS = 1000
#: MOPAC Hamiltonian used by default.
DEFAULT_METHOD = "PM7"


def chi_from_solvent_activity(ln_activity, phi_solvent, chain_length):
    """χ [-] from the solvent's ln a_1 at solvent volume fraction φ_1 (Flory–Huggins closed form, inverted).

        χ = (ln a_1 − ln φ_1 − (1 − 1/N) φ_2) / φ_2²,   φ_2 = 1 − φ_1

    >>> round(float(chi_from_solvent_activity(np.log(0.5) + 0.5 * (1 - 1 / 100) + 0.8 * 0.25, 0.5, 100)), 12)
    0.8
    """
    phi1 = np.asarray(phi_solvent, dtype=float)
    if np.any(~((phi1 > 0) & (phi1 < 1))):
        raise VolumeFractionError(f"solvent volume fraction must lie in (0, 1), got {phi_solvent}")
    phi2 = 1.0 - phi1
    return (np.asarray(ln_activity, float) - np.log(phi1) - (1 - 1 / chain_length) * phi2) / phi2 ** 2


def chi_infinite_dilution(polymer_unit: SigmaProfile, solvent: SigmaProfile, temperatures_k,
                          n_units: float = N_CHAIN_UNITS,
                          params: CosmoSacParameters = COSMO_SAC_2010) -> tuple[np.ndarray, np.ndarray]:
    """(chi_residual, chi_combinatorial) [-] at each temperature, from σ-profiles (module docstring)."""
    chain = polymer_unit.scaled(n_units)
    volume_ratio = solvent.volume_a3 / chain.volume_a3
    residual, combinatorial = [], []
    for t in np.atleast_1d(temperatures_k):
        gamma = activity_coefficients([solvent, chain], [0.0, 1.0], float(t), params)
        residual.append(gamma.ln_gamma_residual[0])
        combinatorial.append(gamma.ln_gamma_combinatorial[0] - np.log(volume_ratio) - 1 + volume_ratio)
    return np.array(residual), np.array(combinatorial)


def _fractions(profiles: list[SigmaProfile]) -> np.ndarray:
    """Each profile's σ-areas as fractions of its surface, (n, 153)."""
    return np.array([p.areas_a2.ravel() / p.area_a2 for p in profiles])


def _segments(profiles: list[SigmaProfile], params: CosmoSacParameters) -> np.ndarray:
    """Each molecule's number of standard segments n = A / a_eff, (n,)."""
    return np.array([p.area_a2 for p in profiles]) / params.a_eff_a2


def chi_residual_grid(polymer_units: list[SigmaProfile], solvents: list[SigmaProfile], temperatures_k,
                      params: CosmoSacParameters = COSMO_SAC_2010) -> np.ndarray:
    """``chi_residual`` of :func:`chi_infinite_dilution` for every (polymer, solvent, temperature), shape (P, S, T).

    At infinite dilution the liquid is the pure polymer, so ln γ_1^res = n_1 Σ p_1(σ) [ln Γ_P(σ) − ln Γ_1(σ)]
    needs one segment solve per polymer and one per solvent at each temperature, not one per pair.
    """
    temperatures_k = np.atleast_1d(np.asarray(temperatures_k, dtype=float))
    fp, fs, n_s = _fractions(polymer_units), _fractions(solvents), _segments(solvents, params)
    self_terms = solvent_self_terms(solvents, params, temperatures_k)                  # (S, T)
    out = np.empty((len(polymer_units), len(solvents), temperatures_k.size))
    for k, t in enumerate(temperatures_k):
        ln_p = segment_ln_gamma_many(fp, exchange_energy_over_rt(float(t), params))
        out[:, :, k] = n_s[None, :] * (ln_p @ fs.T) - self_terms[None, :, k]
    return out


#: Temperatures [K] where :func:`known_qc_nodes` solves COSMO-SAC; between them χ is interpolated in 1/T.
QC_NODES_K = np.array([150.0, 200.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0, 600.0, 800.0])
QC_NODES_K.flags.writeable = False


def solvent_self_terms(solvents: list[SigmaProfile], params: CosmoSacParameters = COSMO_SAC_2010,
                       temperatures_k=QC_NODES_K) -> np.ndarray:
    """n_s Σ p_s(σ) ln Γ_s(σ) of each pure solvent, shape (S, T) (at QC_NODES_K by default): the
    polymer-free half of ``chi_residual`` (:func:`chi_residual_grid`), which ``training.qc_task`` ships
    for every solvent."""
    fs, n_s = _fractions(solvents), _segments(solvents, params)
    return np.stack([n_s * np.sum(fs * segment_ln_gamma_many(fs, exchange_energy_over_rt(float(t), params)), axis=1)
                     for t in np.atleast_1d(temperatures_k)], axis=1)


@functools.lru_cache(maxsize=64)
def _polymer_ln_gamma(key: str, method: str) -> np.ndarray | None:
    """ln Γ of the pure polymer liquid at QC_NODES_K, (nodes, 153), or None without a known profile."""
    profile = known_profile("polymer", key, method)
    if profile is None:
        return None
    return np.concatenate([segment_ln_gamma_many(_fractions([profile]), exchange_energy_over_rt(t, COSMO_SAC_2010))
                           for t in QC_NODES_K])


#: Shipped :func:`solvent_self_terms` of every shipped solvent profile (``training.qc_task`` writes it).
SELF_TERMS_FILE = SHIPPED_PROFILES_FILE.with_name("solvent_self_terms.csv")


def write_self_terms(solvents: list[SigmaProfile], path=SELF_TERMS_FILE) -> None:
    columns = [f"self_{t:g}K" for t in QC_NODES_K]
    table = pd.DataFrame(solvent_self_terms(solvents), columns=columns)
    table.insert(0, "method", [p.method for p in solvents])
    table.insert(0, "key", [p.key for p in solvents])
    table.to_csv(path, index=False, float_format="%.8g")


@functools.lru_cache(maxsize=4)
def _shipped_self_terms(method: str) -> dict[str, np.ndarray]:
    if not SELF_TERMS_FILE.is_file():
        return {}
    table = pd.read_csv(io.BytesIO(verified_asset("quantum", SELF_TERMS_FILE.name)), keep_default_na=False)
    table = table[table["method"] == method]
    values = table[[f"self_{t:g}K" for t in QC_NODES_K]].to_numpy(float)
    return dict(zip(table["key"], values))


@functools.lru_cache(maxsize=1024)
def _solvent_half(key: str, method: str) -> tuple[SigmaProfile, np.ndarray] | None:
    profile = known_profile("solvent", key, method)
    if profile is None:
        return None
    self_term = _shipped_self_terms(method).get(key)
    return profile, solvent_self_terms([profile])[0] if self_term is None else self_term


def polymer_qc_half(polymer: str, method: str = DEFAULT_METHOD) -> np.ndarray | None:
    """The polymer's half of ``chi_residual`` at QC_NODES_K: ln Γ of the pure polymer liquid, (nodes, 153),
    from a σ-profile already known (shipped or cached; MOPAC never runs here), or None."""
    from chiapp.chemistry import canonical_polymer

    return _polymer_ln_gamma(canonical_polymer(polymer), method)


def solvent_qc_half(solvent: str, method: str = DEFAULT_METHOD) -> tuple[np.ndarray, np.ndarray] | None:
    """The solvent's half of ``chi_residual``: (n_s·p_s(σ) (153,), its self-term at QC_NODES_K (nodes,)),
    from a known σ-profile, or None; so that χ_res = ln Γ_P · (n_s p_s) − self-term (:func:`qc_nodes`)."""
    from chiapp.chemistry import canonical_solvent

    found = _solvent_half(canonical_solvent(solvent), method)
    if found is None:
        return None
    profile, self_term = found
    return _segments([profile], COSMO_SAC_2010)[0] * _fractions([profile])[0], np.asarray(self_term, dtype=float)


def qc_nodes(polymer_half: np.ndarray, solvent_weights: np.ndarray, solvent_self: np.ndarray) -> np.ndarray:
    """COSMO-SAC χ_res at QC_NODES_K from the halves: polymers (..., nodes, 153) with solvents
    (S, 153) and (S, nodes) give (..., S, nodes)."""
    return np.swapaxes(np.matmul(polymer_half, np.asarray(solvent_weights).T), -1, -2) - solvent_self


def known_qc_nodes(polymer: str, solvents: list[str], method: str = DEFAULT_METHOD) -> np.ndarray:
    """``chi_residual`` at QC_NODES_K of a polymer (repeat-unit SMILES) in each solvent (SMILES), (S, nodes),
    from σ-profiles already known (shipped with chiapp or in the cache): MOPAC never runs here, and a pair
    without both profiles is a row of NaN. One segment solve per node for the polymer (then cached); the
    solvents' halves come from the shipped table (:func:`solvent_self_terms`), else are solved."""
    out = np.full((len(solvents), QC_NODES_K.size), np.nan)
    ln_p = polymer_qc_half(polymer, method)
    if ln_p is None:
        return out
    for j, smiles in enumerate(solvents):
        half = solvent_qc_half(smiles, method)
        if half is not None:
            out[j] = qc_nodes(ln_p, half[0][None], half[1][None])[0]
    return out


def _node_weights(temperatures_k) -> tuple[np.ndarray, np.ndarray]:
    """Left node index (in QC_NODES_K order reversed, i.e. increasing 1/T) and weight of the right one."""
    x = 1.0 / QC_NODES_K[::-1]
    t = np.clip(1.0 / np.asarray(temperatures_k, dtype=float), x[0], x[-1])
    i = np.clip(np.searchsorted(x, t) - 1, 0, x.size - 2)
    return i, (t - x[i]) / (x[i + 1] - x[i])


def interpolate_nodes(nodes: np.ndarray, temperatures_k) -> np.ndarray:
    """Values at QC_NODES_K, shape (..., nodes), interpolated linearly in 1/T (held flat outside), (..., T)."""
    return np.asarray(nodes, dtype=float) @ interpolation_matrix(temperatures_k)


def interpolation_matrix(temperatures_k) -> np.ndarray:
    """(nodes, T): node values times it are their linear interpolation in 1/T (held flat outside)."""
    i, w = _node_weights(temperatures_k)
    t = np.atleast_1d(np.asarray(temperatures_k, dtype=float))
    matrix = np.zeros((QC_NODES_K.size, t.size))
    columns = np.arange(t.size)
    last = QC_NODES_K.size - 1  # node k of the flipped order is node last − k of QC_NODES_K
    np.add.at(matrix, (last - i, columns), 1.0 - w)
    np.add.at(matrix, (last - i - 1, columns), w)
    return matrix


def interpolate_rows(nodes: np.ndarray, temperatures_k) -> np.ndarray:
    """Row r of ``nodes`` (R, nodes) at its own temperature ``temperatures_k[r]``, shape (R,)."""
    i, w = _node_weights(temperatures_k)
    flipped, rows = np.asarray(nodes, dtype=float)[:, ::-1], np.arange(len(i))
    return flipped[rows, i] * (1 - w) + flipped[rows, i + 1] * w


@dataclass(frozen=True)
class QcChi:
    """χ(T) of a pair from quantum chemistry (MOPAC COSMO + COSMO-SAC), with its parts [-].

    ``chi`` is ``chi_residual`` (or ``chi_residual + chi_combinatorial`` when asked, see the module
    docstring) per temperature; ``polymer_key`` and ``solvent_key``
    are the canonical SMILES the σ-profiles are cached under (read them back with
    :func:`chiapp.quantum.sigma.polymer_sigma_profile` / :func:`~chiapp.quantum.sigma.solvent_sigma_profile`).
    """

    polymer: str
    solvent: str
    temperatures_k: np.ndarray
    chi: np.ndarray
    chi_residual: np.ndarray
    chi_combinatorial: np.ndarray
    polymer_key: str
    solvent_key: str
    method: str
    polymer_profile: SigmaProfile = field(repr=False)
    solvent_profile: SigmaProfile = field(repr=False)

    def __post_init__(self):
        for name in ("temperatures_k", "chi", "chi_residual", "chi_combinatorial"):
            getattr(self, name).flags.writeable = False


def qc_chi(polymer: str, solvent: str, temperature_k, *, method: str = DEFAULT_METHOD,
           include_combinatorial: bool = False, cache_dir=None, executable=None,
           progress: Callable[[str], None] | None = None) -> QcChi:
    """Flory–Huggins χ(T) of ``polymer`` in ``solvent`` from MOPAC COSMO σ-profiles and COSMO-SAC 2010.

    ``polymer`` and ``solvent`` are library names or SMILES (a polymer as its repeat unit with two
    '*'); ``temperature_k`` one temperature or several [K]. σ-profiles are computed once per
    molecule (seconds for a solvent, up to a minute for a large repeat unit) and then read from
    the cache (:func:`chiapp.quantum.sigma.sigma_cache_dir`). ``progress`` receives one line per step.
    ``include_combinatorial`` adds the Staverman–Guggenheim part to ``chi`` (off: module docstring).
    Raises MopacNotFoundError when a profile must be computed and MOPAC is not installed.
    """
    from chiapp.library import resolve_polymer, resolve_solvent

    temperatures = np.atleast_1d(np.asarray(temperature_k, dtype=float))
    if temperatures.ndim != 1 or temperatures.size == 0 or np.any(~(np.isfinite(temperatures) & (temperatures > 0))):
        raise InputError(f"temperatures must be finite and > 0 K, got {temperature_k}")
    say = progress or (lambda message: None)
    p, s = resolve_polymer(polymer), resolve_solvent(solvent)
    say(f"σ-profile of the polymer {p.name or p.smiles} (middle unit of a capped trimer, MOPAC {method})")
    polymer_profile = polymer_sigma_profile(p.smiles, method, cache_dir=cache_dir, executable=executable)
    say(f"σ-profile of the solvent {s.name or s.smiles} (MOPAC {method})")
    solvent_profile = solvent_sigma_profile(s.smiles, method, cache_dir=cache_dir, executable=executable)
    _polymer_ln_gamma.cache_clear()  # a profile computed just now is "known" from here on
    _solvent_half.cache_clear()
    say(f"COSMO-SAC at {temperatures.size} temperature(s)")
    residual, combinatorial = chi_infinite_dilution(polymer_profile, solvent_profile, temperatures)
    chi = residual + combinatorial if include_combinatorial else residual.copy()
    return QcChi(p.name or p.smiles, s.name or s.smiles, temperatures, chi, residual,
                 combinatorial, polymer_profile.key, solvent_profile.key, method, polymer_profile, solvent_profile)
