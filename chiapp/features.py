"""What the answer engine needs of each polymer and solvent, computed once per molecule.

A question names polymers and solvents by name, SMILES, a blend's text or a calibrated polymer.
Each is resolved and featurized here once: its descriptors, its latent factors (the towers of
``chiapp.model``, run once per molecule), its half of the COSMO-SAC χ (``chiapp.quantum.chi``),
its molar volume, and for a polymer its molecular weight, density, grade and crystalline data.
``chiapp.answer`` then combines them per pair in closed form. Molecule-level features are kept in
a memory-bounded cache keyed by canonical SMILES (``chiapp.cache``).

The policies with one home here: a polymer's molar volume is M_n/ρ (``chiapp.library.polymer_defaults``);
a solvent's is the library's, else Fedors' estimate (``chiapp.library.solvent_molar_volume``); a
blend's is 1/Σ(φ_j/V_j); a blend's latent point mixes its components' (``chiapp.blends`` explains).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol, cast, runtime_checkable

import numpy as np

from chiapp.cache import MemoryBoundedCache
from chiapp.crystallinity import CrystallineData, crystalline_data
from chiapp.descriptors import polymer_descriptors, solvent_descriptors
from chiapp.errors import ChiAppError
from chiapp.flory_huggins import DEFAULT_POLYMER_DENSITY_G_PER_CM3
from chiapp.library import (
    Molecule,
    polymer_defaults,
    resolve_polymer,
    resolve_solvent,
    solvent_library,
    solvent_molar_volume,
)
from chiapp.mixing import mixing_shift
from chiapp.model import ChiModel, Coefficients, LatentFactors, load_model
from chiapp.solvent_blend import Blend, hansen_blend_row, looks_like_blend, parse_blend

__all__ = ["LatentPolymer", "PolymerFeatures", "SolventFeatures", "blend_features", "clear_cache", "featurize_polymers",
           "featurize_solvents", "library_solvents", "mix_factors", "polymer_features", "solvent_features", "warm_up"]


@runtime_checkable
class LatentPolymer(Protocol):
    """A polymer that brings its own latent description (``chiapp.calibration.CalibratedPolymer``):
    its repeat unit ``polymer`` and the per-member coefficients of its pairs with solvents given by
    their latent factors and descriptors."""

    polymer: str

    def coefficients(self, model: ChiModel, solvents: LatentFactors, solvent_x: np.ndarray) -> Coefficients: ...


@dataclass(frozen=True, eq=False)
class _Molecule:
    """Features of one structure in one role: descriptors, latent factors, COSMO-SAC half."""

    x: np.ndarray
    vectors: np.ndarray          # u (n_members, latent)
    terms: np.ndarray            # head terms (n_members, 3)
    qc: object                   # polymer: ln Γ (nodes, bins); solvent: (weights (bins,), self (nodes,)); or None


_CACHE = MemoryBoundedCache()


def _molecules(model: ChiModel, role: str, smiles: Sequence[str], described: Mapping[str, np.ndarray] | None = None
               ) -> list[_Molecule]:
    """Features of canonical SMILES in one role, in order; descriptors raise MoleculeError (the
    caller decides whether that is one bad row or the answer); the towers run once for all new ones.
    ``described`` holds descriptor rows the caller already computed (not computed twice)."""
    described = described or {}
    keys = [(role, s, id(model)) for s in smiles]
    found: list[_Molecule | None] = [_CACHE.get(k) for k in keys]
    missing = [i for i, f in enumerate(found) if f is None]
    if missing:
        from chiapp.quantum.chi import polymer_qc_half, solvent_qc_half

        describe = polymer_descriptors if role == "polymer" else solvent_descriptors
        half = polymer_qc_half if role == "polymer" else solvent_qc_half
        xs = [described[smiles[i]] if smiles[i] in described else describe(smiles[i]) for i in missing]
        factors = model.factors(role, np.stack(xs))
        for j, i in enumerate(missing):
            entry = _Molecule(xs[j], factors.vectors[:, j].copy(), factors.terms[:, j].copy(), half(smiles[i]))
            _CACHE.put(keys[i], entry)
            found[i] = entry
    return found  # type: ignore[return-value]


def clear_cache() -> None:
    """Forget the molecules featurized so far (a screen's workers do after each block)."""
    _CACHE.clear()


def warm_up() -> None:
    """Load what the first new molecule would otherwise wait for: the ``chemicals`` identifier
    database (measured properties of solvents) and the shipped σ-profiles (the COSMO-SAC prior)."""
    from chiapp import properties
    from chiapp.quantum.chi import polymer_qc_half, solvent_qc_half

    properties.cas_of("O")
    polymer_qc_half("*CC*")
    solvent_qc_half("O")


# ---------------------------------------------------------------------------------------------
# Polymers

@dataclass(frozen=True, eq=False)
class PolymerFeatures:
    """A polymer as the engine uses it. ``molar_volume_cm3_per_mol`` is M_n/ρ; ``chain_length`` a
    given N (None: from the volumes of each pair); ``crystal`` its crystalline data (None: amorphous);
    ``latent`` a calibrated polymer's own description (None: the tower's); ``grade_given`` whether M_n
    or N was given (False: the library's typical grade, ``chiapp.selection.grade_chi_std``)."""

    molecule: Molecule
    x: np.ndarray
    vectors: np.ndarray
    terms: np.ndarray
    qc_half: np.ndarray | None
    molecular_weight_g_per_mol: float
    density_g_per_cm3: float
    chain_length: float | None
    crystal: CrystallineData | None
    latent: LatentPolymer | None = field(default=None, repr=False)
    grade_given: bool = False

    @property
    def smiles(self) -> str:
        return self.molecule.smiles

    @property
    def name(self) -> str | None:
        return self.molecule.name

    @property
    def label(self) -> str:
        """What a person calls it: the grade, else the name, else the SMILES."""
        return self.molecule.label

    @property
    def molar_volume_cm3_per_mol(self) -> float:
        return self.molecular_weight_g_per_mol / self.density_g_per_cm3


def _positive(name: str, value) -> float | None:
    if value is None:
        return None
    from chiapp.errors import InputError

    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise InputError(f"{name} must be a finite number > 0, got {value!r}")
    return number


def polymer_features(polymer, *, molecular_weight_g_per_mol: float | None = None, chain_length: float | None = None,
                     crystalline_overrides=None, model: ChiModel | None = None) -> PolymerFeatures:
    """The features of one polymer: a name, abbreviation or grade ("LDPE"), a repeat unit with two
    ``*`` ends, a resolved :class:`~chiapp.library.Molecule`, or a :class:`LatentPolymer`. M_n
    defaults to the library's; a given ``chain_length`` N replaces N = (M_n/ρ)/V_solvent for every
    solvent; ``crystalline_overrides`` corrects the crystalline table (``chiapp.crystallinity``).
    Raises MoleculeError or InputError with the reason."""
    model = model or load_model()
    latent = polymer if isinstance(polymer, LatentPolymer) else None
    molecule = polymer if isinstance(polymer, Molecule) else resolve_polymer(latent.polymer if latent else polymer)
    from chiapp.flory_huggins import check_chain_length

    n = None if chain_length is None else check_chain_length(chain_length)
    weight = _positive("molecular_weight_g_per_mol", molecular_weight_g_per_mol)
    mw, density = polymer_defaults(molecule, weight)
    (features,) = _molecules(model, "polymer", [molecule.smiles])
    return PolymerFeatures(
        molecule=molecule, x=features.x, vectors=features.vectors, terms=features.terms,
        qc_half=features.qc, molecular_weight_g_per_mol=mw,  # type: ignore[arg-type]
        density_g_per_cm3=density or DEFAULT_POLYMER_DENSITY_G_PER_CM3, chain_length=n,
        crystal=crystalline_data(molecule, overrides=crystalline_overrides, density_g_per_cm3=density),
        latent=latent, grade_given=weight is not None or n is not None)


def featurize_polymers(texts: Sequence[str], *, model: ChiModel | None = None
                       ) -> tuple[dict[str, PolymerFeatures], dict[str, str]]:
    """Features of each distinct text (library defaults), and the reason for each that fails."""
    model = model or load_model()
    good: dict[str, PolymerFeatures] = {}
    errors: dict[str, str] = {}
    for text in dict.fromkeys(texts):
        try:
            good[text] = polymer_features(text, model=model)
        except ChiAppError as err:
            errors[text] = str(err)
    return good, errors


# ---------------------------------------------------------------------------------------------
# Solvents and blends

@dataclass(frozen=True, eq=False)
class SolventFeatures:
    """A solvent, or a blend of two or three, as the engine uses it. ``x`` is the descriptor row (a
    blend's carries its Hansen inputs: ``chiapp.solvent_blend.hansen_blend_row``); ``qc_half`` is
    None for a blend (the engine mixes its components' halves: ``chiapp.answer.MoleculeBlock.qc_mixed``);
    ``key`` is the canonical SMILES the evidence tables
    are keyed by (None for a blend: no measured χ)."""

    molecule: Molecule | None
    blend: Blend | None
    x: np.ndarray
    vectors: np.ndarray
    terms: np.ndarray
    qc_half: tuple[np.ndarray, np.ndarray] | None
    molar_volume_cm3_per_mol: float
    molar_volume_source: str
    boiling_point_c: float
    melting_point_c: float
    flash_point_c: float
    chem21_class: str
    components: tuple["SolventFeatures", ...] = ()
    #: (Δa, Δb [K]) a blend's mixing term adds to its χ(T) (``chiapp.mixing``); None: unknown (a
    #: component without σ-profile), (0, 0) for one liquid
    mixing: tuple[float, float] | None = (0.0, 0.0)

    @property
    def smiles(self) -> str:
        """The canonical SMILES, or a blend's text form (``ethanol:0.8+water:0.2``)."""
        return self.blend.text if self.blend is not None else self.molecule.smiles  # type: ignore[union-attr]

    @property
    def name(self) -> str | None:
        return self.blend.text if self.blend is not None else self.molecule.name  # type: ignore[union-attr]

    @property
    def label(self) -> str:
        return self.name or self.smiles

    @property
    def key(self) -> str | None:
        return None if self.blend is not None else self.molecule.smiles  # type: ignore[union-attr]


@lru_cache(maxsize=1)
def _library_properties() -> dict[str, tuple[float, float, float, str]]:
    """Canonical SMILES -> (boiling point, melting point, flash point [°C], CHEM21 class) of the library."""
    table = solvent_library()
    return {s: (float(b), float(m), float(f), c) for s, b, m, f, c in table[
        ["smiles", "boiling_point_c", "melting_point_c", "flash_point_c", "chem21_class"]].itertuples(index=False)}


def _single(model: ChiModel, molecules: Sequence[Molecule], described: Mapping[str, np.ndarray] | None = None
            ) -> list[SolventFeatures]:
    """The features of single solvents, each object built once per molecule and model (so a catalogue
    asked again is the same objects, and the engine's block of them is found again: ``chiapp.answer``)."""
    keys = [("solvent features", m, id(model)) for m in molecules]
    out: list[SolventFeatures | None] = [_CACHE.get(k) for k in keys]
    missing = [i for i, f in enumerate(out) if f is None]
    if missing:
        features = _molecules(model, "solvent", [molecules[i].smiles for i in missing], described)
        properties = _library_properties()
        for i, f in zip(missing, features):
            molecule = molecules[i]
            volume, source = solvent_molar_volume(molecule.smiles)
            boiling, melting, flash, chem21 = properties.get(molecule.smiles, (math.nan, math.nan, math.nan, ""))
            out[i] = SolventFeatures(molecule, None, f.x, f.vectors, f.terms, f.qc, volume,  # type: ignore[arg-type]
                                     source, boiling, melting, flash, chem21)
            _CACHE.put(keys[i], out[i])
    return cast(list[SolventFeatures], out)


def mix_factors(vectors: np.ndarray, terms: np.ndarray, fractions: np.ndarray, model: ChiModel
                ) -> tuple[np.ndarray, np.ndarray]:
    """The latent factors of blends from their components': vectors (M, n, k, L) and terms (M, n, k, 3)
    of k components with volume fractions (n, k) give the blends' (M, n, L) and (M, n, 3).

    u_b = Σφ_j u_j and r_b² = Σφ_j r_j² (``chiapp.blends`` explains the rule); the heads being linear
    in u² − r², the blend's terms are t_b = Σφ_j t_j − (Σφ_j u_j² − u_b²)·W (``ChiModel.factors``)."""
    phi = np.asarray(fractions, dtype=float)
    mixed = np.einsum("nk,mnkl->mnl", phi, vectors)
    excess = np.einsum("nk,mnkl->mnl", phi, vectors * vectors) - mixed * mixed
    w, _ = model.heads()
    latent = mixed.shape[-1]
    return mixed, np.einsum("nk,mnkh->mnh", phi, terms) - np.einsum("mnl,mlh->mnh", excess, w[:, :latent, :])


def blend_features(blend: Blend, components: Sequence[SolventFeatures], model: ChiModel) -> SolventFeatures:
    """A blend's features from its components' (:func:`mix_factors`, Hansen's rule for its δ)."""
    phi = np.asarray(blend.fractions, dtype=float)
    vectors, terms = mix_factors(np.stack([c.vectors for c in components], axis=1)[:, None],
                                 np.stack([c.terms for c in components], axis=1)[:, None], phi[None], model)
    vectors, terms = vectors[:, 0], terms[:, 0]
    x = hansen_blend_row(np.stack([c.x for c in components]), phi)
    boiling = np.asarray([c.boiling_point_c for c in components], dtype=float)
    return SolventFeatures(
        molecule=None, blend=blend, x=x, vectors=vectors, terms=terms, qc_half=None,
        molar_volume_cm3_per_mol=blend.molar_volume_cm3_per_mol, molar_volume_source="blend (ideal mixing)",
        boiling_point_c=float(boiling.min()) if np.isfinite(boiling).all() else math.nan,
        melting_point_c=float(np.max([c.melting_point_c for c in components])),
        flash_point_c=float(np.min([c.flash_point_c for c in components])),
        chem21_class=blend.chem21_class, components=tuple(components),
        mixing=mixing_shift([c.key for c in components], phi, [c.molar_volume_cm3_per_mol for c in components]))


def solvent_features(solvent, *, model: ChiModel | None = None) -> SolventFeatures:
    """The features of one solvent: a name, CAS number or SMILES, a resolved Molecule, or a blend
    (``{"ethanol": 0.8, "water": 0.2}``, ``"ethanol:0.8+water:0.2"`` or a Blend). Raises
    MoleculeError or BlendError with the reason."""
    model = model or load_model()
    if isinstance(solvent, Blend) or isinstance(solvent, Mapping) or (isinstance(solvent, str)
                                                                       and looks_like_blend(solvent)):
        blend = solvent if isinstance(solvent, Blend) else parse_blend(solvent)
        return blend_features(blend, _single(model, blend.components), model)
    molecule = solvent if isinstance(solvent, Molecule) else resolve_solvent(solvent)
    return _single(model, [molecule])[0]


def featurize_solvents(texts: Sequence[str], *, model: ChiModel | None = None
                       ) -> tuple[dict[str, SolventFeatures], dict[str, str]]:
    """Features of each distinct text (single solvents in one tower pass), and the reason for each
    that fails."""
    model = model or load_model()
    errors: dict[str, str] = {}
    molecules: dict[str, Molecule] = {}
    described: dict[str, np.ndarray] = {}
    blends: list[str] = []
    for text in dict.fromkeys(texts):
        try:
            if isinstance(text, str) and looks_like_blend(text):
                blends.append(text)
                continue
            molecule = resolve_solvent(text)
            if ("solvent", molecule.smiles, id(model)) not in _CACHE and molecule.smiles not in described:
                # a molecule the descriptors refuse fails here, alone; the row is kept for the towers
                described[molecule.smiles] = solvent_descriptors(molecule.smiles)
            molecules[text] = molecule
        except ChiAppError as err:
            errors[text] = str(err)
    good = dict(zip(molecules, _single(model, list(molecules.values()), described))) if molecules else {}
    for text in blends:
        try:
            good[text] = solvent_features(text, model=model)
        except ChiAppError as err:
            errors[text] = str(err)
    return good, errors


@lru_cache(maxsize=2)
def _library(model: ChiModel) -> tuple[tuple[SolventFeatures, ...], tuple[tuple[str, str], ...]]:
    table = solvent_library()
    molecules, failures = [], []
    for name, smiles in zip(table["name"], table["smiles"]):
        try:
            solvent_descriptors(smiles)
            molecules.append(Molecule(name=name, smiles=smiles, role="solvent", source="library"))
        except ChiAppError as err:
            failures.append((name, str(err)))
    return tuple(_single(model, molecules)), tuple(failures)


def library_solvents(model: ChiModel | None = None) -> tuple[tuple[SolventFeatures, ...], tuple[tuple[str, str], ...]]:
    """The solvent library's features, computed once per model, and (name, reason) of any the model
    cannot take."""
    return _library(model or load_model())
