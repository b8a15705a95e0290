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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from chiapp.errors import InputError, VolumeFractionError
from chiapp.quantum.cosmosac import COSMO_SAC_2010, CosmoSacParameters, activity_coefficients
from chiapp.quantum.sigma import SigmaProfile, polymer_sigma_profile, solvent_sigma_profile

__all__ = [
    "DEFAULT_METHOD",
    "N_CHAIN_UNITS",
    "QcChi",
    "chi_from_solvent_activity",
    "chi_infinite_dilution",
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
    say(f"COSMO-SAC at {temperatures.size} temperature(s)")
    residual, combinatorial = chi_infinite_dilution(polymer_profile, solvent_profile, temperatures)
    chi = residual + combinatorial if include_combinatorial else residual.copy()
    return QcChi(p.name or p.smiles, s.name or s.smiles, temperatures, chi, residual,
                 combinatorial, polymer_profile.key, solvent_profile.key, method, polymer_profile, solvent_profile)
