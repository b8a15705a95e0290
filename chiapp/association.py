"""Hydrogen bonding in polymer blends: the Painter–Coleman association model.

A blend of a self-associating polymer B (a donor such as poly(4-vinyl phenol): its OH bonds to
other OH in chains B_h) and a polymer A with an acceptor (C=O, ether O) is an ideal associated
solution on the Flory lattice (Coleman, Graf & Painter, *Specific Interactions and the Miscibility
of Polymer Blends*, Technomic 1991; Painter, Graf & Coleman, J. Chem. Phys. 92, 6166 (1990)). With
volume fractions Φ on a lattice of the B segment's molar volume V_B, r = V_A/V_B, and the
dimensionless constants of B1 + B1 ⇌ B2 (K2), B_h + B1 ⇌ B_h+1 (K_B) and B_h + A ⇌ B_hA (K_A),
the free segments Φ_B1, Φ_A1 follow from the two stoichiometric balances

    Φ_B = Φ_B1 Γ2 (1 + K_A Φ_A1 / r),        Φ_A = Φ_A1 (1 + K_A Φ_B1 Γ1),
    Γ1 = (1 − K2/K_B) + (K2/K_B)/(1 − K_B Φ_B1),   Γ2 = (1 − K2/K_B) + (K2/K_B)/(1 − K_B Φ_B1)².

At equilibrium each component's chemical potential is its free segment's, so per V_B site

    Δμ_B/RT = ln(Φ_B1/Φ_B1⁰) − ν + ν⁰,        Δμ_A/RT = ln Φ_A1 + 1 − r ν,

with ν = Φ_B1 Γ1 (1 + K_A Φ_A1/r) + Φ_A1/r the moles of species per V_B and ⁰ pure B. The
free energy of the hydrogen bonds is what this adds to the Flory–Huggins mixing of free segments:

    ΔG_H/RT = Φ_B ln(Φ_B1 / (Φ_B Φ_B1⁰)) + (Φ_A/r) ln(Φ_A1/Φ_A) + Φ_B ν⁰ + Φ_A/r − ν,

and the blend's ΔG_M/RT = (Φ_A/(r M_A)) ln Φ_A + (Φ_B/M_B) ln Φ_B + χ Φ_A Φ_B + ΔG_H/RT, with M the
degrees of polymerization and χ = V_B (δ_A − δ_B)²/(RT) from the non-hydrogen-bonded solubility
parameters. Self-association alone makes ΔG_H positive (dilution breaks B–B bonds); only K_A can
make the blend miscible. The constants move with temperature by van 't Hoff's law with the
enthalpies h of the bonds.

Which constants chiapp has is in ``assets/association_constants.csv`` (``assets/evidence/BLENDS.md``):
the self-association of PVPh, and no inter-association K_A, so this module is a calculator that takes
K_A from the user; the answers of ``chiapp.polymer_compatibility`` do not use it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from chiapp.errors import InputError
from chiapp.frozen import FrozenResult
from chiapp.hansen import GAS_CONSTANT_J_PER_MOL_K
from chiapp.resources import verified_asset
from chiapp.units import ZERO_CELSIUS_K, check_temperatures_k

__all__ = ["AssociationModel", "SelfAssociation", "blend_free_energy", "equilibrium_constant",
           "is_miscible", "minimum_interassociation", "nonspecific_chi", "self_association"]

#: J per kcal (thermochemical calorie).
_J_PER_KCAL = 4184.0
#: Bisection steps: the bracket halves each time, 200 reach machine precision from any start.
_STEPS = 200


def equilibrium_constant(k_ref: float, enthalpy_kcal_per_mol: float, temperature_k, reference_temperature_k: float
                         ) -> np.ndarray:
    """K(T) = K_ref exp[−(h/R)(1/T − 1/T_ref)] (van 't Hoff), h the bond's enthalpy [kcal/mol], T [K].

    >>> float(equilibrium_constant(21.0, -5.6, 298.15, 298.15))
    21.0
    """
    t = np.asarray(temperature_k, dtype=float)
    h_over_r = enthalpy_kcal_per_mol * _J_PER_KCAL / GAS_CONSTANT_J_PER_MOL_K
    return k_ref * np.exp(-h_over_r * (1.0 / t - 1.0 / reference_temperature_k))


@dataclass(frozen=True, eq=False)
class AssociationModel(FrozenResult):
    """The constants at one temperature: K2, K_B (self-association of B), K_A (B with A's acceptor),
    all per V_B, and r = V_A/V_B [-]."""

    k2: float
    kb: float
    ka: float
    ratio: float

    def __post_init__(self) -> None:
        super().__post_init__()
        values = (self.k2, self.kb, self.ka, self.ratio)
        if not all(np.isfinite(values)) or min(values) < 0 or self.ratio == 0 or self.k2 > self.kb:
            raise InputError(f"association constants need 0 ≤ K2 ≤ K_B, K_A ≥ 0 and r > 0, got K2 {self.k2}, "
                             f"K_B {self.kb}, K_A {self.ka}, r {self.ratio}")

    def _gammas(self, phi_b1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.kb == 0:
            return np.ones_like(phi_b1), np.ones_like(phi_b1)
        share, free = self.k2 / self.kb, 1.0 - self.kb * phi_b1
        return (1.0 - share) + share / free, (1.0 - share) + share / free**2

    def _free_a(self, phi_b1: np.ndarray, phi_a: np.ndarray) -> np.ndarray:
        return phi_a / (1.0 + self.ka * phi_b1 * self._gammas(phi_b1)[0])

    def free_fractions(self, phi_b) -> tuple[np.ndarray, np.ndarray]:
        """(Φ_B1, Φ_A1): the volume fractions of free B and free A segments at Φ_B, by bisection on the
        B balance with Φ_A1 from the A balance (the B balance rises from −Φ_B at Φ_B1 = 0 to ≥ 0 at
        Φ_B1 = min(Φ_B, 1/K_B), so the root is bracketed)."""
        phi_b = np.asarray(phi_b, dtype=float)
        phi_a = 1.0 - phi_b
        low = np.zeros_like(phi_b)
        high = np.minimum(phi_b, (1.0 - 1e-15) / self.kb) if self.kb > 0 else phi_b.copy()
        for _ in range(_STEPS):
            middle = 0.5 * (low + high)
            balance = middle * self._gammas(middle)[1] * (1.0 + self.ka * self._free_a(middle, phi_a) / self.ratio)
            above = balance > phi_b
            high, low = np.where(above, middle, high), np.where(above, low, middle)
        phi_b1 = 0.5 * (low + high)
        return phi_b1, self._free_a(phi_b1, phi_a)

    def _species(self, phi_b1: np.ndarray, phi_a1: np.ndarray) -> np.ndarray:
        """ν: moles of species (free, chains, complexes) per V_B."""
        return phi_b1 * self._gammas(phi_b1)[0] * (1.0 + self.ka * phi_a1 / self.ratio) + phi_a1 / self.ratio

    @cached_property
    def _pure_b(self) -> tuple[float, float]:
        """(Φ_B1⁰, ν⁰) of pure B."""
        phi_b1, phi_a1 = self.free_fractions(np.array([1.0]))
        return float(phi_b1[0]), float(self._species(phi_b1, phi_a1)[0])

    def chemical_potentials(self, phi_b) -> tuple[np.ndarray, np.ndarray]:
        """(Δμ_B, Δμ_A)/RT of the free-segment lattice (module docstring), per V_B of B and per V_A of A."""
        phi_b1, phi_a1 = self.free_fractions(phi_b)
        nu = self._species(phi_b1, phi_a1)
        pure_b1, pure_nu = self._pure_b
        with np.errstate(divide="ignore"):
            return np.log(phi_b1 / pure_b1) - nu + pure_nu, np.log(phi_a1) + 1.0 - self.ratio * nu

    def free_energy(self, phi_b) -> np.ndarray:
        """ΔG_H/RT per V_B site at Φ_B (0 < Φ_B < 1) [-]."""
        phi_b = np.asarray(phi_b, dtype=float)
        phi_a = 1.0 - phi_b
        phi_b1, phi_a1 = self.free_fractions(phi_b)
        pure_b1, pure_nu = self._pure_b
        return (phi_b * np.log(phi_b1 / (phi_b * pure_b1)) + phi_a / self.ratio * np.log(phi_a1 / phi_a)
                + phi_b * pure_nu + phi_a / self.ratio - self._species(phi_b1, phi_a1))


@dataclass(frozen=True, eq=False)
class SelfAssociation(FrozenResult):
    """A donor polymer's self-association constants from ``assets/association_constants.csv``: K2, K_B
    at ``reference_temperature_k`` with their enthalpies [kcal/mol], per V_B [cm³/mol], and its
    non-hydrogen-bonded solubility parameter δ [MPa^0.5] (NaN when not tabulated)."""

    polymer: str
    k2: float
    kb: float
    h2_kcal_per_mol: float
    hb_kcal_per_mol: float
    reference_temperature_k: float
    molar_volume_cm3_per_mol: float
    delta_mpa05: float
    source: str

    def at(self, temperature_k: float, ka: float = 0.0, acceptor_molar_volume_cm3_per_mol: float | None = None
           ) -> AssociationModel:
        """The model at ``temperature_k`` with an inter-association constant K_A (per V_B, at that
        temperature) to an acceptor segment of the given molar volume (default: V_B)."""
        volume = acceptor_molar_volume_cm3_per_mol or self.molar_volume_cm3_per_mol
        temperature_k = float(check_temperatures_k(temperature_k)[0])
        return AssociationModel(
            float(equilibrium_constant(self.k2, self.h2_kcal_per_mol, temperature_k, self.reference_temperature_k)),
            float(equilibrium_constant(self.kb, self.hb_kcal_per_mol, temperature_k, self.reference_temperature_k)),
            float(ka), volume / self.molar_volume_cm3_per_mol)


#: (cal/cm³)^0.5 → MPa^0.5
_CAL_DELTA_TO_MPA05 = (_J_PER_KCAL / 1000.0) ** 0.5


def self_association(polymer: str = "PVPh") -> SelfAssociation:
    """The tabulated self-association of ``polymer`` (only PVPh is tabulated); InputError otherwise."""
    table = pd.read_csv(io.BytesIO(verified_asset("association_constants.csv")), keep_default_na=False)
    rows = table[(table["kind"] == "self") & (table["polymer"] == polymer)].set_index("constant")
    if not {"K2", "KB"} <= set(rows.index):
        known = sorted(set(table.loc[table["kind"] == "self", "polymer"]))
        raise InputError(f"no self-association constants for {polymer!r}: chiapp has them for {', '.join(known)}")
    delta = table[(table["kind"] == "solubility_parameter") & (table["polymer"] == polymer)]["value"]
    k2, kb = rows.loc["K2"], rows.loc["KB"]
    return SelfAssociation(polymer, float(k2["value"]), float(kb["value"]), float(k2["enthalpy_kcal_per_mol"]),
                           float(kb["enthalpy_kcal_per_mol"]), float(k2["reference_temperature_c"]) + ZERO_CELSIUS_K,
                           float(k2["molar_volume_cm3_per_mol"]),
                           float(delta.iloc[0]) * _CAL_DELTA_TO_MPA05 if len(delta) else float("nan"),
                           str(k2["source"]))


def nonspecific_chi(delta_a_mpa05: float, delta_b_mpa05: float, reference_volume_cm3_per_mol: float,
                    temperature_k: float) -> float:
    """χ = V_B (δ_A − δ_B)²/(RT) [-] from non-hydrogen-bonded solubility parameters [MPa^0.5 = (J/cm³)^0.5].

    >>> round(nonspecific_chi(19.0, 21.0, 100.0, 298.15), 4)
    0.1614
    """
    return reference_volume_cm3_per_mol * (delta_a_mpa05 - delta_b_mpa05) ** 2 / (GAS_CONSTANT_J_PER_MOL_K
                                                                                   * temperature_k)


def blend_free_energy(phi_b, model: AssociationModel, chi: float, degree_a: float, degree_b: float) -> np.ndarray:
    """ΔG_M/RT per V_B site of the blend at Φ_B (module docstring); ``degree_a``, ``degree_b``: the
    degrees of polymerization M_A, M_B in each polymer's own segments."""
    phi_b = np.asarray(phi_b, dtype=float)
    phi_a = 1.0 - phi_b
    return (phi_a / (model.ratio * degree_a) * np.log(phi_a) + phi_b / degree_b * np.log(phi_b)
            + chi * phi_a * phi_b + model.free_energy(phi_b))


#: Compositions where :func:`is_miscible` checks the curvature, and the step of its second difference.
_PHIS = np.linspace(0.005, 0.995, 199)
_STEP = 1e-3


def is_miscible(model: AssociationModel, chi: float, degree_a: float, degree_b: float) -> bool:
    """One phase at every composition: ΔG_M convex (d²ΔG_M/dΦ_B² > 0) over 0.005 ≤ Φ_B ≤ 0.995."""
    f = blend_free_energy(np.concatenate([_PHIS - _STEP, _PHIS, _PHIS + _STEP]), model, chi, degree_a, degree_b)
    below, at, above = np.split(f, 3)
    return bool(np.all(below - 2.0 * at + above > 0.0))


def minimum_interassociation(donor: SelfAssociation, temperature_k: float, chi: float, degree_a: float,
                             degree_b: float, acceptor_molar_volume_cm3_per_mol: float,
                             ka_max: float = 1e4) -> float:
    """The least K_A (per V_B) that makes the blend miscible at every composition at ``temperature_k``
    (bisection in log K_A); inf when even ``ka_max`` does not. What to compare with a measured K_A."""
    def mixes(ka: float) -> bool:
        return is_miscible(donor.at(temperature_k, ka, acceptor_molar_volume_cm3_per_mol), chi, degree_a, degree_b)

    if mixes(0.0):
        return 0.0
    if not mixes(ka_max):
        return float("inf")
    low, high = -3.0, float(np.log10(ka_max))
    for _ in range(40):
        middle = 0.5 * (low + high)
        low, high = (low, middle) if mixes(10.0**middle) else (middle, high)
    return float(10.0**high)
