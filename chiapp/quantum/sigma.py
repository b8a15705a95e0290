"""σ-profiles: how much of a molecule's COSMO surface carries each screening charge density σ.

From the segments MOPAC writes (:mod:`chiapp.quantum.mopac`), following COSMO-SAC 2010 as documented
by Bell et al. (J. Chem. Theory Comput. 16, 2635 (2020), section 2 and its Table 1):

1. **Averaging** (Mullins et al., Ind. Eng. Chem. Res. 45, 4389 (2006), eq. 5; Hsieh, Sandler & Lin,
   Fluid Phase Equilib. 297, 90 (2010), with the decay factor f_decay = 3.57)::

       σ_m = Σ_n σ_n w_mn / Σ_n w_mn,
       w_mn = r_n² r_av² / (r_n² + r_av²) · exp(−f_decay d_mn² / (r_n² + r_av²))

   with r_n = sqrt(a_n / π) the radius of segment n, r_av = sqrt(a_eff / π), a_eff = 7.25 Å², and
   d_mn the distance between segments m and n [Å].

2. **Hydrogen-bonding classes** (Hsieh et al. 2010): a segment is "OH" when it lies on the oxygen
   of a hydroxyl group or on a hydrogen bonded to such an oxygen, "OT" when it lies on any other
   O, N or F or on a hydrogen bonded to N or F, and "NHB" otherwise. Only the donor side of a hydrogen
   (σ < 0) and the acceptor side of O, N, F (σ > 0) can bond; other segments of those atoms are NHB.

3. **Binning** on the grid σ = −0.025, −0.024, ..., 0.025 e/Å² (51 points), each segment's area
   split between the two nearest grid points in proportion to its closeness (Bell et al. 2020).

4. **Probability of bonding**: of the OH and OT area at σ, the share
   P_hb(σ) = 1 − exp(−σ² / (2 σ_0²)), σ_0 = 0.007 e/Å², stays hydrogen-bonding and the rest joins
   NHB (Hsieh et al. 2010, eq. 11).

A :class:`SigmaProfile` holds the three profiles as areas [Å²] per grid point (they sum to the
cavity area) and the cavity volume [Å³]. Profiles are computed once per canonical molecule and
kept on disk (:func:`sigma_cache_dir`).

A **polymer** is represented by the middle repeat unit of a methyl-capped linear trimer
(:func:`chiapp.chemistry.capped_oligomer`): the trimer is computed whole, so the middle unit sees
real neighbours on both sides and its own surface is partly buried by them as in a chain; only the
segments of the middle unit's atoms (and their hydrogens) are kept, so the ends (methyl caps, which
add no spurious OH/NH end groups) do not count. Its area is that of those segments; its volume is the
trimer's cavity volume times the unit's share of the trimer's mass. A trimer is the smallest
oligomer whose middle unit has a neighbour on each side; longer chains cost more MOPAC time
(steeply) for a small change in the middle unit's charges.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rdkit import Chem
from rdkit.Chem import Descriptors

from chiapp.chemistry import canonical_polymer, canonical_solvent, capped_oligomer, parse_polymer, parse_solvent
from chiapp.quantum.conformer import embed_conformer
from chiapp.quantum.mopac import MOPAC_TIMEOUT_S, CosmoSurface, run_cosmo
from chiapp.resources import asset_path, verified_asset

__all__ = [
    "A_EFF_A2",
    "CACHE_ENV",
    "F_DECAY",
    "PROFILE_NAMES",
    "SHIPPED_PROFILES_FILE",
    "SIGMA_0_E_PER_A2",
    "SIGMA_GRID_E_PER_A2",
    "SigmaProfile",
    "average_sigmas",
    "bin_profile",
    "polymer_sigma_profile",
    "known_profile",
    "profile_from_surface",
    "read_profile_table",
    "segment_classes",
    "sigma_cache_dir",
    "solvent_sigma_profile",
    "write_profile_table",
]

#: σ grid [e/Å²] of the profiles.
SIGMA_GRID_E_PER_A2 = np.round(np.linspace(-0.025, 0.025, 51), 6)
SIGMA_GRID_E_PER_A2.flags.writeable = False
#: Row order of :attr:`SigmaProfile.areas_a2`.
PROFILE_NAMES = ("nhb", "oh", "ot")
#: Environment variable overriding the σ-profile cache directory.
CACHE_ENV = "CHIAPP_SIGMA_CACHE"
#: Effective contact area of a segment pair [Å²] (Hsieh et al. 2010).
A_EFF_A2 = 7.25
#: Width of the hydrogen-bonding probability P_hb(σ) [e/Å²] (Hsieh et al. 2010).
SIGMA_0_E_PER_A2 = 0.007
#: Decay factor of the averaging (Hsieh et al. 2010; 1 in Lin & Sandler 2002 and Mullins 2006).
F_DECAY = 3.57
#: Oligomer standing in for a polymer: its middle unit is kept.
N_OLIGOMER_UNITS = 3
#: σ-profiles shipped with chiapp (every training and library molecule; built by ``python -m training.qc_task``).
SHIPPED_PROFILES_FILE = asset_path("quantum", "sigma_profiles.csv")
#: Changes whenever the recipe (geometry, keywords, averaging) changes: cached profiles are redone.
RECIPE_VERSION = 1

_NHB, _OH, _OT = 0, 1, 2


@dataclass(frozen=True)
class SigmaProfile:
    """σ-profile of one molecule (or one polymer repeat unit).

    ``areas_a2[k, j]`` is the surface area [Å²] of class ``PROFILE_NAMES[k]`` at
    ``SIGMA_GRID_E_PER_A2[j]``; ``area_a2`` [Å²] is their sum and ``volume_a3`` [Å³] the cavity
    volume. ``key`` is the canonical SMILES it is cached under, ``role`` 'solvent' or 'polymer'.
    """

    key: str
    role: str
    method: str
    areas_a2: np.ndarray
    volume_a3: float
    seconds: float = 0.0

    def __post_init__(self):
        if self.areas_a2.shape != (len(PROFILE_NAMES), SIGMA_GRID_E_PER_A2.size):
            raise ValueError(f"areas_a2 must have shape (3, 51), got {self.areas_a2.shape}")
        self.areas_a2.flags.writeable = False

    @property
    def area_a2(self) -> float:
        """Cavity area [Å²]."""
        return float(self.areas_a2.sum())

    @property
    def sigmas_e_per_a2(self) -> np.ndarray:
        return SIGMA_GRID_E_PER_A2

    def scaled(self, factor: float) -> SigmaProfile:
        """The profile of ``factor`` copies (a chain of ``factor`` repeat units): areas and volume × factor."""
        return SigmaProfile(self.key, self.role, self.method, self.areas_a2 * factor, self.volume_a3 * factor,
                            self.seconds)

    def table(self) -> pd.DataFrame:
        """The profile as a table: sigma_e_per_a2, area_nhb_a2, area_oh_a2, area_ot_a2, area_a2 (total)."""
        frame = pd.DataFrame({"sigma_e_per_a2": SIGMA_GRID_E_PER_A2})
        for name, row in zip(PROFILE_NAMES, self.areas_a2):
            frame[f"area_{name}_a2"] = row
        frame["area_a2"] = self.areas_a2.sum(axis=0)
        return frame

    def to_json(self) -> dict:
        return {"key": self.key, "role": self.role, "method": self.method, "recipe": RECIPE_VERSION,
                "areas_a2": self.areas_a2.tolist(), "volume_a3": self.volume_a3, "seconds": self.seconds}

    @classmethod
    def from_json(cls, data: dict) -> SigmaProfile:
        return cls(data["key"], data["role"], data["method"], np.asarray(data["areas_a2"], dtype=float),
                   float(data["volume_a3"]), float(data.get("seconds", 0.0)))


def average_sigmas(surface: CosmoSurface, a_eff_a2: float = A_EFF_A2, f_decay: float = F_DECAY) -> np.ndarray:
    """Averaged charge density σ_m [e/Å²] of every segment (module docstring, step 1)."""
    r2 = surface.segment_areas_a2 / math.pi
    r_av2 = a_eff_a2 / math.pi
    positions = surface.segment_positions_a
    d2 = ((positions[:, None, :] - positions[None, :, :]) ** 2).sum(axis=-1)
    weights = (r2 * r_av2 / (r2 + r_av2))[None, :] * np.exp(-f_decay * d2 / (r2 + r_av2)[None, :])
    return weights @ surface.segment_sigmas_e_per_a2 / weights.sum(axis=1)


def segment_classes(mol: Chem.Mol, surface: CosmoSurface, sigmas: np.ndarray) -> np.ndarray:
    """Class of each segment: 0 NHB, 1 OH, 2 OT (module docstring, step 2); ``mol`` with explicit H."""
    atom_class = np.zeros(mol.GetNumAtoms(), dtype=int)
    donor = np.zeros(mol.GetNumAtoms(), dtype=bool)
    for atom in mol.GetAtoms():
        z = atom.GetAtomicNum()
        if z == 8:
            atom_class[atom.GetIdx()] = _OH if any(n.GetAtomicNum() == 1 for n in atom.GetNeighbors()) else _OT
        elif z in (7, 9):
            atom_class[atom.GetIdx()] = _OT
        elif z == 1:
            heavy = atom.GetNeighbors()[0] if atom.GetDegree() else None
            if heavy is not None and heavy.GetAtomicNum() == 8:
                atom_class[atom.GetIdx()], donor[atom.GetIdx()] = _OH, True
            elif heavy is not None and heavy.GetAtomicNum() in (7, 9):
                atom_class[atom.GetIdx()], donor[atom.GetIdx()] = _OT, True
    classes = atom_class[surface.segment_atoms]
    on_donor = donor[surface.segment_atoms]
    can_bond = np.where(on_donor, sigmas < 0, sigmas > 0)
    return np.where(can_bond, classes, _NHB)


def bin_profile(sigmas: np.ndarray, areas_a2: np.ndarray, classes: np.ndarray,
                sigma_0: float = SIGMA_0_E_PER_A2) -> np.ndarray:
    """Areas [Å²] per class and grid point, (3, 51) (module docstring, steps 3 and 4)."""
    grid = SIGMA_GRID_E_PER_A2
    step = grid[1] - grid[0]
    position = np.clip((sigmas - grid[0]) / step, 0.0, grid.size - 1.0)
    lower = np.minimum(np.floor(position).astype(int), grid.size - 2)
    upper_share = position - lower
    raw = np.zeros((3, grid.size))
    np.add.at(raw, (classes, lower), areas_a2 * (1.0 - upper_share))
    np.add.at(raw, (classes, lower + 1), areas_a2 * upper_share)
    p_hb = 1.0 - np.exp(-grid ** 2 / (2.0 * sigma_0 ** 2))
    profile = raw.copy()
    profile[_OH] = raw[_OH] * p_hb
    profile[_OT] = raw[_OT] * p_hb
    profile[_NHB] = raw[_NHB] + (raw[_OH] + raw[_OT]) * (1.0 - p_hb)
    return profile


def profile_from_surface(mol: Chem.Mol, surface: CosmoSurface, keep_atoms: np.ndarray | None = None) -> np.ndarray:
    """(3, 51) areas [Å²] of the segments on ``keep_atoms`` (a boolean mask over atoms; all if None)."""
    sigmas = average_sigmas(surface)
    classes = segment_classes(mol, surface, sigmas)
    keep = np.ones(surface.n_segments, dtype=bool) if keep_atoms is None else keep_atoms[surface.segment_atoms]
    return bin_profile(sigmas[keep], surface.segment_areas_a2[keep], classes[keep])


# ---------------------------------------------------------------------------------------------
# One profile per canonical molecule, computed once and kept on disk

def sigma_cache_dir() -> Path:
    """Directory of cached σ-profiles: $CHIAPP_SIGMA_CACHE, else $XDG_CACHE_HOME/chiapp/sigma, else
    ~/.cache/chiapp/sigma. Never inside the package."""
    return _cache_dir(os.environ.get(CACHE_ENV), os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))


@functools.lru_cache(maxsize=8)
def _cache_dir(override: str | None, xdg_cache_home: str | None, home: str | None) -> Path:
    """The directory for these environment values, built once (every new molecule asks for it)."""
    if override:
        return Path(override).expanduser()
    base = xdg_cache_home or Path.home() / ".cache"
    return Path(base).expanduser() / "chiapp" / "sigma"


def _cache_file(cache_dir: Path, role: str, key: str, method: str, optimize: bool) -> Path:
    digest = hashlib.sha256(f"{role}|{key}|{method}|{optimize}|{RECIPE_VERSION}".encode()).hexdigest()[:32]
    return cache_dir / f"{role}-{digest}.json"


_AREA_COLUMNS = [f"{name}_{j}" for name in PROFILE_NAMES for j in range(SIGMA_GRID_E_PER_A2.size)]


def write_profile_table(profiles: list[SigmaProfile], path: Path) -> None:
    """One CSV row per profile: role, key, method, recipe, volume_a3, seconds, then the 3 × 51 areas [Å²]."""
    rows = [[p.role, p.key, p.method, RECIPE_VERSION, p.volume_a3, round(p.seconds, 2), *p.areas_a2.ravel()]
            for p in sorted(profiles, key=lambda p: (p.role, p.key, p.method))]
    columns = ["role", "key", "method", "recipe", "volume_a3", "seconds", *_AREA_COLUMNS]
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False, float_format="%.6g")


def read_profile_table(path: Path = SHIPPED_PROFILES_FILE, method: str = "PM7") -> dict[tuple[str, str], SigmaProfile]:
    """{(role, key): profile} of a table written by :func:`write_profile_table` (empty if absent)."""
    if not Path(path).is_file():
        return {}
    # the shipped table is checked against its digest (chiapp.resources.verified_asset); another is read as it is
    shipped = Path(path) == SHIPPED_PROFILES_FILE
    table = pd.read_csv(io.BytesIO(verified_asset("quantum", Path(path).name)) if shipped else path,
                        keep_default_na=False)
    table = table[(table["method"] == method) & (table["recipe"] == RECIPE_VERSION)]
    areas = table[_AREA_COLUMNS].to_numpy(float).reshape(len(table), len(PROFILE_NAMES), -1)
    return {(role, key): SigmaProfile(key, role, method, a, float(v), float(sec))
            for role, key, v, sec, a in zip(table["role"], table["key"], table["volume_a3"], table["seconds"], areas)}


@functools.lru_cache(maxsize=4)
def _shipped(method: str) -> dict[tuple[str, str], SigmaProfile]:
    return read_profile_table(SHIPPED_PROFILES_FILE, method)


def _default_optimize(role: str) -> bool:
    """The default recipe: a solvent's geometry is optimized in MOPAC, a polymer trimer's is not
    (``solvent_sigma_profile`` / ``polymer_sigma_profile``); shipped profiles follow it."""
    return role == "solvent"


def _stored(role: str, key: str, method: str, optimize: bool, directory: Path) -> SigmaProfile | None:
    """The shipped profile (the default recipe's, by ``training.qc_task``) or the one cached in
    ``directory``; None when there is neither or the cache file is damaged (it is then recomputed)."""
    if optimize == _default_optimize(role):
        shipped = _shipped(method).get((role, key))
        if shipped is not None:
            return shipped
    path = _cache_file(directory, role, key, method, optimize)
    try:
        return SigmaProfile.from_json(json.loads(path.read_text())) if path.is_file() else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def known_profile(role: str, key: str, method: str = "PM7") -> SigmaProfile | None:
    """The default-recipe profile of a canonical ``key`` if chiapp ships it or has it cached, else None
    (never runs MOPAC)."""
    return _stored(role, key, method, _default_optimize(role), sigma_cache_dir())


def _cached(role: str, key: str, method: str, optimize: bool, cache_dir, compute) -> SigmaProfile:
    directory = Path(cache_dir) if cache_dir is not None else sigma_cache_dir()
    stored = _stored(role, key, method, optimize, directory)
    if stored is not None:
        return stored
    path = _cache_file(directory, role, key, method, optimize)
    start = time.perf_counter()
    areas, volume = compute()
    # rounded as stored, so a profile is the same number whether computed now or read back
    profile = SigmaProfile(key, role, method, np.round(areas, 8), volume, time.perf_counter() - start)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(profile.to_json()))
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache only costs the recomputation
    return profile


def solvent_sigma_profile(smiles: str, method: str = "PM7", *, optimize: bool = True, cache_dir=None,
                          executable=None, timeout_s: float = MOPAC_TIMEOUT_S) -> SigmaProfile:
    """σ-profile of a solvent (any small molecule), from the disk cache or computed with MOPAC.

    Geometry: ETKDG + MMFF conformer, then (``optimize``) a MOPAC optimization in the conductor.
    """
    key = canonical_solvent(smiles)

    def compute():
        mol = embed_conformer(parse_solvent(key))
        surface = run_cosmo(mol, method, optimize=optimize, executable=executable, timeout_s=timeout_s)
        return profile_from_surface(mol, surface), surface.volume_a3

    return _cached("solvent", key, method, optimize, cache_dir, compute)


def polymer_sigma_profile(smiles: str, method: str = "PM7", *, optimize: bool = False, cache_dir=None,
                          executable=None, timeout_s: float = MOPAC_TIMEOUT_S) -> SigmaProfile:
    """σ-profile of one repeat unit of a polymer: the middle unit of a methyl-capped trimer (module docstring).

    By default the trimer's force-field geometry is used as is (MOPAC single point): optimizing a
    50–150-atom oligomer in the conductor costs 10–100 times more (14 s against 0.7 s for the
    polystyrene trimer on one core) for a change of the charges that is small beside COSMO-SAC's own
    error; pass ``optimize=True`` to optimize it anyway.
    """
    key = canonical_polymer(smiles)

    def compute():
        unit = parse_polymer(smiles)
        mol = embed_conformer(capped_oligomer(unit, N_OLIGOMER_UNITS))
        units = np.array([_unit_of(atom) for atom in mol.GetAtoms()])
        surface = run_cosmo(mol, method, optimize=optimize, executable=executable, timeout_s=timeout_s)
        areas = profile_from_surface(mol, surface, keep_atoms=units == N_OLIGOMER_UNITS // 2)
        unit_mass = sum(_atom_mass(a) for a, u in zip(mol.GetAtoms(), units) if u == N_OLIGOMER_UNITS // 2)
        volume = surface.volume_a3 * unit_mass / Descriptors.MolWt(mol)
        return areas, volume

    return _cached("polymer", key, method, optimize, cache_dir, compute)


def _unit_of(atom: Chem.Atom) -> int:
    if atom.GetAtomicNum() == 1:
        atom = atom.GetNeighbors()[0]
    return atom.GetIntProp("unit") if atom.HasProp("unit") else -1


def _atom_mass(atom: Chem.Atom) -> float:
    return atom.GetMass()
