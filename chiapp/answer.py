"""The one answer engine: polymers × solvents × temperatures -> χ, σ, limit, P(dissolves), verdict.

Every route of chiapp (``predict_chi``, ``predict_batch``, rankings, selections, separation plans,
screens, blends, reports, pages) asks this module and nothing else, so the same question always
gets the same answer. For each pair it combines, in closed form and for many pairs at once:

1. the ensemble's coefficients from the molecules' latent factors (``chiapp.model``; a calibrated
   polymer brings its own), reduced to their moments;
2. the posterior (``chiapp.posterior``): the Hansen and COSMO-SAC prior, the measured χ and the
   handbook labels of the pair (``chiapp.evidence``, found by canonical keys once per question);
3. the chain length N = (M_n/ρ)/V_solvent (or the N given) and χc = (1 + 1/√N)²/2
   (``chiapp.flory_huggins``; a pair with N < 1 has no answer and says why);
4. the limit χ_lim(T) = min(χc, χ_m(T)) with Flory's melting limit χ_m of a semicrystalline grade
   (``chiapp.crystallinity``), P(dissolves) = Φ((χ_lim − χ)/σ) and the verdict
   (``chiapp.posterior.verdict_codes``, the one rule);
5. the dissolution temperature Td (the lowest temperature at which χ < χ_lim) with its band from
   χ ± σ(Td), searched over fixed temperatures (``chiapp.crystallinity.SEARCH_TEMPERATURES_K``),
   so it never depends on the temperatures asked for;
6. the domain flag (the ensemble's spread and the temperature, ``chiapp.domain``) and which prior
   the answer leaned on.

Two shapes of question: a grid (:func:`answer_grid`, every polymer with every solvent at every
temperature, computed in blocks so memory stays bounded) and rows (:func:`answer_rows`, each row
its own pair and temperature, as a batch file has them). Both run the same per-pair kernel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
from scipy.constants import R

from chiapp import domain
from chiapp.chemistry import canonical_polymer
from chiapp.crystallinity import (
    SEARCH_TEMPERATURES_K,
    SOLVATION_NODE_K,
    CrystallineLimit,
    dissolution_reason,
    dissolution_window,
    solvated_inverse_melting_k,
    solvation_shift,
)
from chiapp.descriptors import hydrogen_bond_donor
from chiapp.errors import InputError
from chiapp.evidence import Evidence, evidence_by_key, evidence_pairs, evidence_table
from chiapp.features import PolymerFeatures, SolventFeatures, mix_factors
from chiapp.flory_huggins import chain_lengths, critical_chis
from chiapp.frozen import FrozenResult
from chiapp.mixing import binary_mixing_shifts
from chiapp.model import ChiModel, Coefficients, LatentFactors, hansen_inputs, hansen_terms_of, load_model
from chiapp.posterior import (
    PRIOR_NAMES,
    VERDICTS,
    EnsembleMoments,
    PairPosterior,
    PosteriorParameters,
    chemistry_classes,
    dissolve_probability,
    laboratory_std,
    posterior,
    verdict_codes,
)
from chiapp.solvent_blend import hansen_blend_row
from chiapp.units import REFERENCE_TEMPERATURE_K, ZERO_CELSIUS_K, check_temperatures_k

__all__ = ["Answer", "MoleculeBlock", "RowAnswer", "answer_blends", "answer_grid", "answer_rows", "forget_blocks",
           "posterior_parameters"]

#: Pairs per block of the kernel: bounds its temporaries (about 3 kB a pair) whatever the grid.
BLOCK_PAIRS = 1 << 15
_T_REF_K = REFERENCE_TEMPERATURE_K


@lru_cache(maxsize=4)
def posterior_parameters(model: ChiModel) -> PosteriorParameters:
    """The model's posterior parameters (its manifest's), read once."""
    return PosteriorParameters.from_manifest(model.manifest)


def _n_terms(model: ChiModel) -> int:
    return int(model.manifest.get("posterior", {}).get("chi_terms", 2))


# ---------------------------------------------------------------------------------------------
# The kernel: many pairs, each with its own polymer and solvent, independent of temperature

@lru_cache(maxsize=1)
def _measured_keys() -> tuple[frozenset[str], frozenset[str]]:
    """The polymer keys and the solvent keys of every pair the evidence tables hold."""
    pairs = evidence_pairs()
    return frozenset(key[0] for key in pairs), frozenset(key[1] for key in pairs)


@dataclass(frozen=True)
class MoleculeBlock:
    """The features of one side of a question as arrays, one row per molecule: what the kernel reads.

    Built from features (:meth:`of`) once per question, or read back from the arrays a screen's part
    file holds (:meth:`to_arrays`, :meth:`from_arrays`), so a worker needs no Python object per molecule.
    """

    role: str
    x: np.ndarray                 # (n, d) descriptors
    hansen: np.ndarray            # (n, 4): chiapp.model.hansen_inputs
    vectors: np.ndarray           # (n_members, n, latent)
    terms: np.ndarray             # (n_members, n, 3)
    volume: np.ndarray            # (n,) M_n/ρ of a polymer, V of a solvent [cm3/mol]
    keys: np.ndarray              # (n,) canonical SMILES for the evidence tables ('' for a blend)
    qc_known: np.ndarray          # (n,) bool: the COSMO-SAC half is known
    qc_first: np.ndarray          # polymer: ln Γ (n, nodes, bins); solvent: n_s·p_s (n, bins)
    qc_second: np.ndarray         # solvent: self-terms (n, nodes); polymer: (n, 0)
    # (n,) bool: a blend whose qc_first/qc_second are its components' φ-weighted halves, so its χ_QC is
    # Σφ_j χ_QC,j (the rule its latent point follows; −φ1φ2χ12 is in ``mixing``): its prior and the
    # solvation shift read it as a single solvent's
    qc_mixed: np.ndarray
    given_n: np.ndarray           # (n,) a given chain length (NaN: from the volumes); polymers only
    k_numerator: np.ndarray       # (n,) R Vu / ΔHu [cm3/(mol K)] of a crystalline polymer, NaN amorphous
    inverse_melting_k: np.ndarray  # (n,)
    mixing: np.ndarray            # (n, 2) Δa, Δb [K] of a blend's mixing term (chiapp.mixing); 0: one liquid
    latent: tuple = ()            # per polymer its own LatentPolymer or None (not saved)
    # blends made by :meth:`blended`: (first, second, φ of first) into the parent solvents, whose halves
    # qc_first/qc_second then hold (χ_QC is linear in them: the parents' χ_QC mixed, not their halves)
    qc_parents: tuple | None = None
    # a blend's components, so that their pairs' evidence reaches it (_component_evidence): (block of the
    # components, (n, k) their rows in it, -1 for none or a single liquid, (n, k) volume fractions)
    components: tuple | None = None

    @property
    def size(self) -> int:
        return len(self.volume)

    @cached_property
    def measured(self) -> np.ndarray:
        """(n,) whether the evidence tables hold any pair of this molecule: the kernel's quick pre-check."""
        known = _measured_keys()[0 if self.role == "polymer" else 1]
        return np.array([k in known for k in self.keys.tolist()], dtype=bool)

    @cached_property
    def any_latent(self) -> bool:
        """Whether a calibrated polymer (its own latent description) is among these molecules."""
        return any(latent is not None for latent in self.latent)

    @classmethod
    def of(cls, items, role: str) -> "MoleculeBlock":
        from chiapp.quantum.chi import QC_NODES_K

        n = len(items)
        nan = np.full(n, np.nan)
        given, numerator, inverse_tm = nan.copy(), nan.copy(), nan.copy()
        known = np.array([f.qc_half is not None for f in items], dtype=bool)
        mixed = np.zeros(n, dtype=bool)
        bins = 153
        if role == "polymer":
            for i, f in enumerate(items):
                if f.chain_length is not None:
                    given[i] = f.chain_length
                if f.crystal is not None:
                    crystal = f.crystal
                    numerator[i] = R * crystal.repeat_unit_molar_volume_cm3_per_mol / crystal.heat_of_fusion_j_per_mol
                    inverse_tm[i] = 1.0 / crystal.melting_point_k
            keys = [canonical_polymer(f.smiles) for f in items]
            first = np.full((n, QC_NODES_K.size, bins), np.nan)
            for i, f in enumerate(items):
                if f.qc_half is not None:
                    first[i] = f.qc_half
            second = np.empty((n, 0))
            latent = tuple(f.latent for f in items)
        else:
            keys = [f.key or "" for f in items]
            first, second = np.zeros((n, bins)), np.full((n, QC_NODES_K.size), np.nan)
            for i, f in enumerate(items):
                if f.qc_half is not None:
                    first[i], second[i] = f.qc_half
                elif f.blend is not None and f.components and all(c.qc_half is not None for c in f.components):
                    phi = np.asarray(f.blend.fractions, dtype=float)
                    first[i] = phi @ np.stack([c.qc_half[0] for c in f.components])  # type: ignore[index]
                    second[i] = phi @ np.stack([c.qc_half[1] for c in f.components])  # type: ignore[index]
                    mixed[i] = True
            latent = (None,) * n
        mixing = np.zeros((n, 2)) if role == "polymer" else np.array(
            [f.mixing if f.mixing is not None else (np.nan, np.nan) for f in items], dtype=float).reshape(n, 2)
        x = np.stack([f.x for f in items])
        return cls(role, x, hansen_inputs(role, x), np.stack([f.vectors for f in items], axis=1),
                   np.stack([f.terms for f in items], axis=1),
                   np.array([f.molar_volume_cm3_per_mol for f in items], dtype=float), np.array(keys, dtype=str),
                   known, first, second, mixed, given, numerator, inverse_tm, mixing, latent,
                   components=_components_of(items) if role == "solvent" else None)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The block as named arrays (a calibrated polymer's own description is not among them)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__
                if name not in ("role", "latent", "qc_parents", "components")}

    @classmethod
    def from_arrays(cls, role: str, arrays) -> "MoleculeBlock":
        n = len(arrays["volume"])
        arrays = {"mixing": np.zeros((n, 2)), "qc_mixed": np.zeros(n, dtype=bool), **arrays}
        given: dict = {name: np.asarray(arrays[name]) for name in cls.__dataclass_fields__
                       if name not in ("role", "latent", "qc_parents", "components")}
        return cls(role, **given, latent=(None,) * n)

    def blended(self, first: np.ndarray, second: np.ndarray, fractions: np.ndarray, model: ChiModel
                ) -> "MoleculeBlock":
        """Two-solvent blends of this block's solvents: φ of ``first``, 1 − φ of ``second`` (the mixing rule
        of ``chiapp.features.mix_factors`` and ``chiapp.solvent_blend``, for many blends at once)."""
        phi = np.stack([fractions, 1.0 - fractions], axis=1)                       # (n, 2)
        pair = np.stack([first, second], axis=1)                                   # (n, 2)
        vectors, terms = mix_factors(self.vectors[:, pair], self.terms[:, pair], phi, model)
        x = hansen_blend_row(self.x[pair], phi)
        volume = 1.0 / (phi[:, 0] / self.volume[first] + phi[:, 1] / self.volume[second])
        mixing = binary_mixing_shifts(self.keys[first], self.keys[second], fractions, self.volume[first],
                                      self.volume[second])
        n = len(fractions)
        nan = np.full(n, np.nan)
        return MoleculeBlock("solvent", x, hansen_inputs("solvent", x), vectors, terms, volume,
                             np.full(n, "", dtype=str), np.zeros(n, dtype=bool), self.qc_first, self.qc_second,
                             self.qc_known[first] & self.qc_known[second], nan, nan, nan, mixing, (None,) * n,
                             (first, second, phi[:, 0]), (self, pair, phi))


def _components_of(items) -> tuple | None:
    """:attr:`MoleculeBlock.components` of solvent features: the blends' components as one block."""
    blends = [(i, f) for i, f in enumerate(items) if f.blend is not None and f.components]
    if not blends:
        return None
    width = max(len(f.components) for _, f in blends)
    index, phi = np.full((len(items), width), -1), np.zeros((len(items), width))
    row: dict[str, int] = {}  # one row per distinct component
    parts: list = []
    for i, f in blends:
        for j, c in enumerate(f.components):
            if c.smiles not in row:
                row[c.smiles] = len(parts)
                parts.append(c)
            index[i, j] = row[c.smiles]
        phi[i, :len(f.components)] = f.blend.fractions
    return MoleculeBlock.of(parts, "solvent"), index, phi


@dataclass(frozen=True)
class _Pairs:
    """Everything about n pairs that does not depend on the temperatures asked, each (n,)."""

    posterior: PairPosterior
    chain_length: np.ndarray
    chi_critical: np.ndarray
    k_per_kelvin: np.ndarray          # Flory's K = R Vu/(ΔHu V1) [1/K]; NaN: amorphous
    inverse_melting_k: np.ndarray     # 1/Tm' = 1/Tm + KΔ, solvated [1/K]; NaN: amorphous
    classifier_probability: np.ndarray
    dissolution: dict                 # Td and its band (see _dissolution)
    error: np.ndarray                 # '' or why the pair has no answer
    evidence: dict                    # pair position -> Evidence, for the pairs with any
    solvation_shift: np.ndarray       # Δ of the melting χ (chiapp.crystallinity.solvation_shift); 0: none
    has_measured_chi: np.ndarray      # measured χ narrowed σ (another laboratory's σ' is wider; see _evaluate)
    chemistry_class: np.ndarray       # chiapp.posterior.chemistry_classes: which σ factor the pair has

    def limit(self, temperatures_k, rows: bool) -> np.ndarray:
        """χ_lim = min(χc, χ_m(T) + Δ) (``chiapp.crystallinity.dissolution_chi_limit``, vectorized over pairs)."""
        column = (lambda v: v) if rows else (lambda v: v[:, None])
        t = np.asarray(temperatures_k, dtype=float)
        with np.errstate(invalid="ignore"):
            melting = 1.0 - (1.0 / t - column(self.inverse_melting_k)) / column(self.k_per_kelvin)
        return np.where(np.isnan(column(self.k_per_kelvin)), column(self.chi_critical),
                        np.fmin(column(self.chi_critical), melting))


def _coefficients(model: ChiModel, polymers: MoleculeBlock, solvents: MoleculeBlock, p_idx: np.ndarray,
                  s_idx: np.ndarray, grid: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Member coefficients (3, n_members, n): a, b_k, soluble logit of each pair; ``grid`` (polymers,
    solvents) says the pairs are every one of those polymers with every one of those solvents, in
    that order, which one matrix product per member computes (``ChiModel.grid_from_factors``)."""
    def factors(role: str, stack: MoleculeBlock, index) -> LatentFactors:
        return LatentFactors(role, "experimental", stack.vectors[:, index], stack.terms[:, index],
                             stack.x[index] if model.hansen_z else None)

    out = np.empty((3, model.n_members, len(p_idx)))
    if not len(p_idx):
        return out
    if grid is not None:
        block = model.grid_from_factors(factors("polymer", polymers, grid[0]), factors("solvent", solvents, grid[1]))
        out[:] = block.reshape(out.shape)
    else:
        c = model.pair_from_factors(factors("polymer", polymers, p_idx), factors("solvent", solvents, s_idx))
        out[0], out[1], out[2] = c.a, c.b_k, c.soluble_logit
    present = np.flatnonzero(np.bincount(p_idx, minlength=polymers.size)) if polymers.any_latent else ()
    for p in (int(p) for p in present if polymers.latent[p] is not None):  # calibrated: its own latent
        at = np.flatnonzero(p_idx == p)
        own: Coefficients = polymers.latent[p].coefficients(model, factors("solvent", solvents, s_idx[at]),
                                                             solvents.x[s_idx[at]])
        out[0][:, at], out[1][:, at], out[2][:, at] = own.a, own.b_k, own.soluble_logit
    return out


@lru_cache(maxsize=1)
def _solvation_node() -> int:
    from chiapp.quantum.chi import QC_NODES_K

    return int(np.flatnonzero(QC_NODES_K == SOLVATION_NODE_K)[0])


def _qc_nodes(polymers: MoleculeBlock, solvents: MoleculeBlock, p_idx: np.ndarray, s_idx: np.ndarray,
              wanted: np.ndarray) -> np.ndarray:
    """COSMO-SAC χ at the nodes of the ``wanted`` pairs (n, nodes), NaN rows for the others and where a
    σ-profile is missing (a blend's is its components' φ-weighted sum: ``MoleculeBlock.qc_mixed``)."""
    from chiapp.quantum.chi import QC_NODES_K, qc_nodes

    out = np.full((len(p_idx), QC_NODES_K.size), np.nan)
    usable = np.flatnonzero(wanted & (solvents.qc_known | solvents.qc_mixed)[s_idx] & polymers.qc_known[p_idx])
    usable = usable[np.argsort(p_idx[usable], kind="stable")]      # each polymer's pairs in one run
    runs = np.flatnonzero(np.diff(p_idx[usable])) + 1
    for at in np.split(usable, runs) if usable.size else ():
        half = polymers.qc_first[p_idx[at[0]]]
        if solvents.qc_parents is None:
            out[at] = qc_nodes(half, solvents.qc_first[s_idx[at]], solvents.qc_second[s_idx[at]])
        else:  # blends of parent solvents: their χ_QC, mixed
            first, second, phi = (v[s_idx[at]] for v in solvents.qc_parents)
            parents = qc_nodes(half, solvents.qc_first, solvents.qc_second)
            out[at] = phi[:, None] * parents[first] + (1.0 - phi)[:, None] * parents[second]
    return out


def _evidence(polymers: MoleculeBlock, solvents: MoleculeBlock, p_idx: np.ndarray, s_idx: np.ndarray):
    """Measured (T, χ, own σ, slope sign) (n, K) NaN/0-padded, labels and their temperatures (n, L)
    −1-padded (:class:`chiapp.evidence.EvidenceTable`), whether
    measured χ (not only phase rows) are among the points (n,), and {position: Evidence}, found through
    the canonical keys the tables hold (a loop over the tables' pairs, not over the question's)."""
    pairs = evidence_pairs()
    p_present = np.flatnonzero((np.bincount(p_idx, minlength=polymers.size) > 0) & polymers.measured)
    s_present = np.flatnonzero((np.bincount(s_idx, minlength=solvents.size) > 0) & solvents.measured)
    p_of: dict[str, list[int]] = {}
    s_of: dict[str, list[int]] = {}
    for i in p_present.tolist():
        p_of.setdefault(polymers.keys[i], []).append(i)
    for i in s_present.tolist():
        s_of.setdefault(solvents.keys[i], []).append(i)
    if not p_of or not s_of:  # nothing measured for any pair here (a catalogue screen): skip the search
        none = np.empty((len(p_idx), 0))
        return none, none, none, none, None, None, np.zeros(len(p_idx), bool), {}
    table = evidence_table()
    width = max(len(solvents.keys), 1)
    codes = p_idx * width + s_idx
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    wanted: list[int] = []
    rows: list[int] = []
    for key in pairs:
        if key[0] in p_of and key[1] in s_of:
            row = table.row_of[key]
            for p in p_of[key[0]]:
                for s in s_of[key[1]]:
                    wanted.append(p * width + s)
                    rows.append(row)
    lows = np.searchsorted(ordered, wanted)           # every pair's positions in one search
    counts = np.searchsorted(ordered, wanted, side="right") - lows
    positions = order[np.repeat(lows - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())]
    rows_at = np.repeat(np.asarray(rows, dtype=int), counts)
    n_points = int(table.n_points[rows_at].max(initial=0))
    measured_t = np.full((len(p_idx), n_points), np.nan)
    measured_chi = np.full((len(p_idx), n_points), np.nan)
    measured_sigma = np.full((len(p_idx), n_points), np.nan)
    measured_slope = np.zeros((len(p_idx), n_points))
    labels = np.full((len(p_idx), table.labels.shape[1]), -1, dtype=int)
    label_t = np.full(labels.shape, REFERENCE_TEMPERATURE_K)
    measured_t[positions] = table.temperatures_k[rows_at, :n_points]
    measured_chi[positions] = table.chis[rows_at, :n_points]
    measured_sigma[positions] = table.sigmas[rows_at, :n_points]
    measured_slope[positions] = table.slopes[rows_at, :n_points]
    labels[positions] = table.labels[rows_at]
    label_t[positions] = table.label_temperatures_k[rows_at]
    has_chi = np.zeros(len(p_idx), dtype=bool)
    has_chi[positions] = table.has_measured_chi[rows_at]
    found = {position: evidence_by_key(table.keys[row]) for position, row in zip(positions.tolist(), rows_at.tolist())}
    return measured_t, measured_chi, measured_sigma, measured_slope, labels, label_t, has_chi, found


def _chain_errors(volume_p: np.ndarray, volume_s: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """Why a pair has no chain length, '' for the others."""
    error = np.full(len(volume_p), "", dtype=object)
    for i in np.flatnonzero(bad):
        n = volume_p[i] / volume_s[i]
        error[i] = (f"chain length N = (M_n/ρ)/V_solvent = {n:.3g} is below 1: the polymer is smaller than one "
                    "solvent molecule; give a larger molecular weight" if n < 1 else
                    f"chain length N = {n:.3g} is above 1e8: check the molecular weight")
    return error


@dataclass(frozen=True)
class _Inputs:
    """What the posterior of n pairs is computed from, besides their evidence (each (n,) or (n, ...))."""

    params: PosteriorParameters
    moments: EnsembleMoments
    classifier: np.ndarray
    terms: np.ndarray
    chain_length: np.ndarray
    chi_critical: np.ndarray
    k_per_kelvin: np.ndarray
    classes: np.ndarray
    shifted: np.ndarray
    qc: np.ndarray | None
    n_terms: int

    def posterior(self, evidence: tuple = (None,) * 6) -> PairPosterior:
        """The pairs' posterior given their evidence (measured T, χ, σ, slope, labels, label T; None: none)."""
        t, chi, sigma, slope, labels, label_t = evidence
        p = self.params
        return posterior(self.moments, self.terms, self.terms.sum(axis=1) > 0, p,
                         qc_nodes=self.qc if p.has_qc_prior else None,
                         chi_critical=np.nan_to_num(self.chi_critical, nan=0.5), measured_t_k=t, measured_chi=chi,
                         measured_sigma=sigma, measured_slope=slope, labels=labels, label_temperatures_k=label_t,
                         n_terms=self.n_terms, chemistry_class=self.classes)


def _inputs(model: ChiModel, polymers: MoleculeBlock, solvents: MoleculeBlock, p_idx: np.ndarray,
            s_idx: np.ndarray, grid: tuple[np.ndarray, np.ndarray] | None = None) -> _Inputs:
    params = posterior_parameters(model)
    members = _coefficients(model, polymers, solvents, p_idx, s_idx, grid)
    moments = EnsembleMoments.from_members(members[0], members[1], model.spread_scale)
    with np.errstate(over="ignore"):
        classifier = (1.0 / (1.0 + np.exp(-members[2]))).mean(axis=0)
    terms = hansen_terms_of(polymers.hansen[p_idx], solvents.hansen[s_idx])
    given_n = polymers.given_n[p_idx]
    n = np.where(np.isnan(given_n), chain_lengths(polymers.volume[p_idx], solvents.volume[s_idx]), given_n)
    k = polymers.k_numerator[p_idx] / solvents.volume[s_idx]
    classes = chemistry_classes(hydrogen_bond_donor(polymers.x[p_idx], "polymer"),
                                hydrogen_bond_donor(solvents.x[s_idx], "solvent"))
    shifted = np.isfinite(k) if params.solvation_weight > 0 else np.zeros(len(k), dtype=bool)
    wanted = np.full(len(k), params.has_qc_prior) | shifted
    qc = _qc_nodes(polymers, solvents, p_idx, s_idx, wanted) if wanted.any() else None
    return _Inputs(params, moments, classifier, terms, n, critical_chis(n), k, classes, shifted, qc, _n_terms(model))


def _kernel(model: ChiModel, polymers: MoleculeBlock, solvents: MoleculeBlock, p_idx: np.ndarray, s_idx: np.ndarray,
            grid: tuple[np.ndarray, np.ndarray] | None = None, evidence: bool = True,
            carried: np.ndarray | None = None) -> _Pairs:
    """The answer of n pairs, all that does not depend on the temperatures asked. ``carried``: what the
    blends' components' evidence moves (:func:`_component_evidence`; computed here when not given)."""
    inputs = _inputs(model, polymers, solvents, p_idx, s_idx, grid)
    if evidence:
        *arrays, has_chi, found = _evidence(polymers, solvents, p_idx, s_idx)
        state = inputs.posterior(tuple(arrays))
    else:  # a validation that holds the open data out: the answer without the pairs' measured evidence
        state, found, has_chi = inputs.posterior(), {}, np.zeros(len(p_idx), dtype=bool)
    mixing = np.nan_to_num(solvents.mixing[s_idx])  # a blend's −Σφiφjχij, which neither tower nor prior holds
    if mixing.any():
        state = replace(state, a=state.a + mixing[:, 0], b_k=state.b_k + mixing[:, 1])
    if evidence and carried is None and solvents.components is not None:
        carried = _component_evidence(model, polymers, solvents.components, p_idx, s_idx)
    if evidence and carried is not None and carried.any():
        state = replace(state, a=state.a + carried[:, 0], b_k=state.b_k + carried[:, 1],
                        c_k2=state.c_k2 + carried[:, 2])
    k, shifted, qc = inputs.k_per_kelvin, inputs.shifted, inputs.qc
    shift = np.zeros(len(p_idx))
    if shifted.any():
        shift[shifted] = solvation_shift(qc[shifted, _solvation_node()],  # type: ignore[index]
                                         inputs.params.solvation_weight)
    inverse_tm = solvated_inverse_melting_k(polymers.inverse_melting_k[p_idx], k, shift)
    n, chi_c = inputs.chain_length, inputs.chi_critical
    return _Pairs(state, n, chi_c, k, inverse_tm, inputs.classifier, _dissolution(state, chi_c, k, inverse_tm),
                  _chain_errors(polymers.volume[p_idx], solvents.volume[s_idx], np.isnan(n)), found, shift, has_chi,
                  inputs.classes)


def _component_evidence(model: ChiModel, polymers: MoleculeBlock, components: tuple, p_idx: np.ndarray,
                        s_idx: np.ndarray) -> np.ndarray:
    """(n, 3) what the components' evidence adds to a blend's (a, b_k, c_k2): Σφ_j (posterior − posterior
    without evidence) of each component's pair. The mixing rule is linear in the components' χ, so what
    the measured χ, handbook labels, phase rows and cited dissolution facts of polymer–component j move,
    they move in the blend by φ_j; σ stays the blend's own (it is not narrowed). Each distinct
    polymer–component pair of a block of pairs is computed once (a solvent shared by several blends has one
    row: :func:`_components_of`)."""
    block, index, phi = components
    rows, slots = np.nonzero(index[s_idx] >= 0)
    carried = np.zeros((len(p_idx), 3))
    if rows.size:
        moved = _evidence_moves(model, polymers, block, p_idx[rows], index[s_idx[rows], slots])
        np.add.at(carried, rows, phi[s_idx[rows], slots][:, None] * moved)
    return carried


def _evidence_moves(model: ChiModel, polymers: MoleculeBlock, solvents: MoleculeBlock, p_idx: np.ndarray,
                    s_idx: np.ndarray) -> np.ndarray:
    """(n, 3) what each pair's evidence moves its (a, b_k, c_k2) by; 0 where the tables hold nothing."""
    moved = np.zeros((len(p_idx), 3))
    known = np.flatnonzero(polymers.measured[p_idx] & solvents.measured[s_idx])  # the tables' quick pre-check
    if known.size:
        pairs, inverse = np.unique(np.stack([p_idx[known], s_idx[known]]), axis=1, return_inverse=True)
        inputs = _inputs(model, polymers, solvents, pairs[0], pairs[1])  # once, for both posteriors
        *arrays, _, _ = _evidence(polymers, solvents, pairs[0], pairs[1])
        with_it, without = inputs.posterior(tuple(arrays)), inputs.posterior()
        moved[known] = np.stack([with_it.a - without.a, with_it.b_k - without.b_k,
                                 with_it.c_k2 - without.c_k2], axis=1)[inverse.ravel()]
    return moved


def _dissolution(state: PairPosterior, chi_c: np.ndarray, k: np.ndarray, inverse_tm: np.ndarray) -> dict:
    """Td (lowest temperature with χ < χ_lim), its band from χ ∓ σ(Td), the upper end of that window
    and the melting-only Td (as if χc did not bind), per pair [K]; NaN: none, and for an amorphous
    polymer, whose answer needs no dissolution temperature (its verdict at each T says it all)."""
    n = len(k)
    crystalline = np.flatnonzero(np.isfinite(k))
    out = {name: np.full(n, np.nan) for name in ("low_k", "band_low_k", "band_high_k", "upper_k", "melt_k", "chi_at",
                                                 "sigma_at")}
    out["by_chi_c"] = np.zeros(n, dtype=bool)
    if len(crystalline):
        found = _crystalline_dissolution(_take(state, crystalline), chi_c[crystalline], k[crystalline],
                                         inverse_tm[crystalline])
        for name, values in found.items():
            out[name][crystalline] = values
    return out


def _crystalline_dissolution(state: PairPosterior, chi_c: np.ndarray, k: np.ndarray, inverse_tm: np.ndarray) -> dict:
    window = dissolution_window(state.a, state.b_k, state.c_k2, chi_c, k, inverse_tm)
    melt = dissolution_window(state.a, state.b_k, state.c_k2, np.inf, k, inverse_tm)["low_k"]
    reference = np.where(np.isfinite(window["low_k"]), window["low_k"], np.where(np.isfinite(melt), melt, _T_REF_K))
    reference = np.clip(reference, *SEARCH_TEMPERATURES_K)
    sigma = state.std(reference, rows=True)
    lower = dissolution_window(state.a - sigma, state.b_k, state.c_k2, chi_c, k, inverse_tm)["low_k"]
    upper = dissolution_window(state.a + sigma, state.b_k, state.c_k2, chi_c, k, inverse_tm)["low_k"]
    td = window["low_k"]
    with np.errstate(invalid="ignore", divide="ignore"):
        chi_at = state.a + state.b_k / td + state.c_k2 / td**2
    return {"low_k": td, "band_low_k": lower, "band_high_k": upper, "upper_k": window["high_k"], "melt_k": melt,
            "by_chi_c": window["by_chi_c"], "chi_at": chi_at, "sigma_at": sigma}


def _evaluate(model: ChiModel, pairs: _Pairs, temperatures_k, rows: bool) -> dict[str, np.ndarray]:
    """The temperature-dependent answer of the pairs: on a grid (n, T) or one temperature per pair (n,)."""
    state = pairs.posterior
    chi = state.chi(temperatures_k, rows)
    e_var = state.ensemble_variance(temperatures_k, rows)
    std = state.std(temperatures_k, rows, e_var)
    limit = pairs.limit(temperatures_k, rows)
    measured = pairs.has_measured_chi if rows else pairs.has_measured_chi[:, None]
    out = {"chi": chi, "chi_std": std, "laboratory_chi_std": laboratory_std(std, measured, posterior_parameters(model)),
           "chi_limit": limit,
           "dissolve_probability": dissolve_probability(chi, std, limit),
           "ensemble_chi": state.ensemble_mean(temperatures_k, rows), "ensemble_chi_std": np.sqrt(e_var)}
    out["in_domain"] = domain.in_domain_many(model, out["ensemble_chi_std"], temperatures_k)
    bad = np.flatnonzero(pairs.error != "")
    if bad.size:  # a pair without an answer has no numbers
        for name, values in out.items():
            values[bad] = False if name == "in_domain" else np.nan
    return out


# ---------------------------------------------------------------------------------------------
# Results

_PAIR_FIELDS = ("a", "b_k", "c_k2", "chain_length", "chi_critical", "classifier_probability", "prior_codes",
                "chemistry_classes",
                "dissolution_temperature_k", "dissolution_temperature_low_k", "dissolution_temperature_high_k",
                "upper_temperature_k", "melting_temperature_k", "limited_by_chi_c", "chi_at_dissolution",
                "chi_std_at_dissolution", "solvation_shift", "errors")
_TEMPERATURE_FIELDS = ("chi", "chi_std", "laboratory_chi_std", "chi_limit", "dissolve_probability", "ensemble_chi",
                       "ensemble_chi_std", "in_domain")


@dataclass(frozen=True, eq=False)
class _Answers(FrozenResult):
    """What a grid and rows share: the same fields (shaped (P, S, T) and (P, S) for a grid, (R,) for
    rows; see :class:`Answer`), the verdict words, the prior's name, the reason."""

    polymers: tuple[PolymerFeatures, ...]
    solvents: tuple[SolventFeatures, ...]
    temperatures_k: np.ndarray
    chi: np.ndarray
    chi_std: np.ndarray
    laboratory_chi_std: np.ndarray  # σ' of another laboratory's χ (chiapp.posterior.laboratory_std)
    chi_limit: np.ndarray
    dissolve_probability: np.ndarray
    verdict_codes: np.ndarray
    ensemble_chi: np.ndarray
    ensemble_chi_std: np.ndarray
    in_domain: np.ndarray
    a: np.ndarray
    b_k: np.ndarray
    c_k2: np.ndarray
    chain_length: np.ndarray
    chi_critical: np.ndarray
    classifier_probability: np.ndarray
    prior_codes: np.ndarray
    chemistry_classes: np.ndarray
    dissolution_temperature_k: np.ndarray
    dissolution_temperature_low_k: np.ndarray
    dissolution_temperature_high_k: np.ndarray
    upper_temperature_k: np.ndarray
    melting_temperature_k: np.ndarray
    limited_by_chi_c: np.ndarray
    chi_at_dissolution: np.ndarray
    chi_std_at_dissolution: np.ndarray
    solvation_shift: np.ndarray
    errors: np.ndarray

    @property
    def verdicts(self) -> np.ndarray:
        """The verdicts as words ('' where a pair has no answer)."""
        words = np.asarray(VERDICTS, dtype=object)[np.maximum(self.verdict_codes, 0)]
        return np.where(self.verdict_codes >= 0, words, "")

    def _value(self, name: str, at) -> float | None:
        v = float(getattr(self, name)[at])
        return v if np.isfinite(v) else None

    def _solvent_of(self, at) -> int:
        return at[1]

    def _solvent_melting_k(self, at) -> float | None:
        """The melting point [K] of the solvent of ``at`` (None: unknown, or an answer without features)."""
        index = self._solvent_of(at)
        melting_c = self.solvents[index].melting_point_c if 0 <= index < len(self.solvents) else math.nan
        return melting_c + ZERO_CELSIUS_K if math.isfinite(melting_c) else None

    def _reason(self, polymer: PolymerFeatures, at) -> str:
        if self.errors[at]:
            return str(self.errors[at])
        value = self._value
        return dissolution_reason(polymer.crystal, value("dissolution_temperature_k", at),
                                  value("dissolution_temperature_low_k", at),
                                  value("dissolution_temperature_high_k", at),
                                  value("upper_temperature_k", at), value("chi_at_dissolution", at),
                                  value("chi_std_at_dissolution", at), float(self.chi_critical[at]),
                                  bool(self.limited_by_chi_c[at]), value("melting_temperature_k", at),
                                  float(self.solvation_shift[at]), self._solvent_melting_k(at))

    def _limit(self, polymer: PolymerFeatures, at) -> CrystallineLimit:
        value = self._value
        chi = value("chi_at_dissolution", at)
        return CrystallineLimit(
            polymer=polymer.smiles, data=polymer.crystal, chi_critical=float(self.chi_critical[at]),
            dissolution_temperature_k=value("dissolution_temperature_k", at),
            dissolution_temperature_low_k=value("dissolution_temperature_low_k", at),
            dissolution_temperature_high_k=value("dissolution_temperature_high_k", at),
            upper_temperature_k=value("upper_temperature_k", at),
            melting_temperature_k=value("melting_temperature_k", at),
            limited_by_chi_c=bool(self.limited_by_chi_c[at]), chi_at_dissolution=chi,
            chi_std_at_dissolution=value("chi_std_at_dissolution", at) if chi is not None else None,
            reason=self._reason(polymer, at), solvent_melting_point_k=self._solvent_melting_k(at))


@dataclass(frozen=True, eq=False)
class Answer(_Answers):
    """The answer for every polymer × solvent × temperature.

    Arrays of shape (P, S, T): ``chi``, ``chi_std`` (the posterior), ``chi_limit`` (χ_lim = min(χc, χ_m(T))),
    ``dissolve_probability``, ``verdict_codes`` (indices into ``chiapp.posterior.VERDICTS``, −1: no answer),
    ``ensemble_chi``/``ensemble_chi_std`` (the raw ensemble, for comparison), ``in_domain``. Arrays of
    shape (P, S): the posterior χ(T) = a + b_k/T + c_k2/T², ``chain_length``, ``chi_critical``,
    ``classifier_probability`` (the network's own soluble head, shown for transparency, not the
    verdict), ``prior_codes`` (indices into ``chiapp.posterior.PRIOR_NAMES``), ``chemistry_classes``
    (indices into ``chiapp.posterior.CHEMISTRY_CLASSES``: which σ factor the pair has), the dissolution
    temperature and its band [K] of a crystalline polymer (NaN: never, or amorphous;
    ``chiapp.crystallinity.SEARCH_TEMPERATURES_K[0]``: no lower limit), ``errors`` ('' or why a pair has
    no answer). ``evidence`` maps (p, s) to the measured evidence of the pairs that have any;
    ``failures`` lists (role, input, reason) of the inputs left out (``chiapp.prediction.predict_grid``).
    """

    evidence: dict = field(default_factory=dict, compare=False)
    failures: tuple = field(default=(), compare=False)

    def prior(self, p: int, s: int) -> str:
        """The prior the answer of pair (p, s) leaned on, in words."""
        return PRIOR_NAMES[int(self.prior_codes[p, s])]

    def reason(self, p: int, s: int) -> str:
        """Where polymer p dissolves in solvent s, in one sentence."""
        return self._reason(self.polymers[p], (p, s))

    def dissolution(self, p: int, s: int) -> CrystallineLimit:
        """Td of pair (p, s) with its band and reason, as a :class:`~chiapp.crystallinity.CrystallineLimit`."""
        return self._limit(self.polymers[p], (p, s))

    def evidence_of(self, p: int, s: int) -> Evidence:
        return self.evidence.get((p, s)) or evidence_by_key(None)


@dataclass(frozen=True, eq=False)
class RowAnswer(_Answers):
    """The answer for rows that each have their own pair and temperature (a batch): every array is
    (R,), with the fields of :class:`Answer`; ``polymer_index``/``solvent_index`` point into
    ``polymers``/``solvents``."""

    polymer_index: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    solvent_index: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def prior(self, row: int) -> str:
        return PRIOR_NAMES[int(self.prior_codes[row])]

    def reason(self, row: int) -> str:
        return self._reason(self.polymers[int(self.polymer_index[row])], row)

    def _solvent_of(self, at) -> int:
        return int(self.solvent_index[at])


def _pair_fields(pairs: _Pairs) -> dict[str, np.ndarray]:
    d = pairs.dissolution
    state = pairs.posterior
    return {"a": state.a, "b_k": state.b_k, "c_k2": state.c_k2, "chain_length": pairs.chain_length,
            "chi_critical": pairs.chi_critical, "classifier_probability": pairs.classifier_probability,
            "prior_codes": state.prior_code, "chemistry_classes": pairs.chemistry_class,
            "dissolution_temperature_k": d["low_k"],
            "dissolution_temperature_low_k": d["band_low_k"], "dissolution_temperature_high_k": d["band_high_k"],
            "upper_temperature_k": d["upper_k"], "melting_temperature_k": d["melt_k"],
            "limited_by_chi_c": d["by_chi_c"], "chi_at_dissolution": d["chi_at"],
            "chi_std_at_dissolution": d["sigma_at"], "solvation_shift": pairs.solvation_shift, "errors": pairs.error}


def _checked(polymers, solvents, temperatures_k) -> np.ndarray:
    if not len(polymers) or not len(solvents):
        raise InputError("give at least one polymer and one solvent")
    return check_temperatures_k(temperatures_k)


def _block(items, role: str) -> tuple[MoleculeBlock, tuple]:
    """(the block, the features it was built from: () when given a block)."""
    if isinstance(items, MoleculeBlock):
        return items, ()
    items = tuple(items)
    return _block_of(items, role), items


@lru_cache(maxsize=4)
def _block_of(items: tuple, role: str) -> MoleculeBlock:
    """The block of these very feature objects (compared by identity), kept for the next question
    about them: a catalogue ranked again at another temperature skips stacking its arrays."""
    return MoleculeBlock.of(items, role)


def forget_blocks() -> None:
    """Release the kept blocks (a screen does after each of its blocks, with the molecule caches)."""
    _block_of.cache_clear()


# ---------------------------------------------------------------------------------------------
# The two questions

def answer_grid(polymers: Sequence[PolymerFeatures] | MoleculeBlock,
                solvents: Sequence[SolventFeatures] | MoleculeBlock,
                temperatures_k, *, model: ChiModel | None = None, block_pairs: int = BLOCK_PAIRS,
                evidence: bool = True) -> Answer:
    """The answer for every polymer × solvent × temperature [K] (features from ``chiapp.features``, or
    :class:`MoleculeBlock` s, as a screen's workers hold them: the answer then lists no features).

    The pairs are computed in blocks of at most ``block_pairs``, so the kernel's temporaries stay
    bounded whatever the grid; the result holds (P, S, T) and (P, S) arrays. ``evidence=False`` leaves
    the measured χ, handbook labels, phase rows and cited dissolution facts of the pairs out, a blend's
    solvents' too (a validation on held-out data does).
    """
    p_stack, polymers = _block(polymers, "polymer")
    s_stack, solvents = _block(solvents, "solvent")
    n_p, n_s = p_stack.size, s_stack.size
    t = _checked(range(n_p), range(n_s), temperatures_k)
    model = model or load_model()
    out_t = {name: np.empty((n_p, n_s, t.size), dtype=bool if name == "in_domain" else float)
             for name in _TEMPERATURE_FIELDS}
    out_p: dict[str, np.ndarray] = {}
    used: dict[tuple[int, int], Evidence] = {}
    s_block = max(1, min(n_s, block_pairs))
    p_block = max(1, block_pairs // s_block)
    for p0 in range(0, n_p, p_block):
        for s0 in range(0, n_s, s_block):
            ps = np.arange(p0, min(p0 + p_block, n_p))
            ss = np.arange(s0, min(s0 + s_block, n_s))
            p_idx, s_idx = np.repeat(ps, len(ss)), np.tile(ss, len(ps))
            pairs = _kernel(model, p_stack, s_stack, p_idx, s_idx, (ps, ss), evidence)
            values = _evaluate(model, pairs, t, rows=False)
            shape = (len(ps), len(ss))
            for name, v in values.items():
                out_t[name][p0:p0 + len(ps), s0:s0 + len(ss)] = v.reshape(*shape, t.size)
            for name, v in _pair_fields(pairs).items():
                if name not in out_p:
                    out_p[name] = np.empty((n_p, n_s), dtype=v.dtype)
                out_p[name][p0:p0 + len(ps), s0:s0 + len(ss)] = v.reshape(shape)
            for position, e in pairs.evidence.items():
                used[(int(p_idx[position]), int(s_idx[position]))] = e
    arrays: dict[str, Any] = {**out_t, **out_p}
    return Answer(polymers=polymers, solvents=solvents, temperatures_k=t,
                  verdict_codes=verdict_codes(out_t["dissolve_probability"]), evidence=used, **arrays)


def answer_rows(polymers: Sequence[PolymerFeatures], solvents: Sequence[SolventFeatures], polymer_index,
                solvent_index, temperatures_k, *, model: ChiModel | None = None,
                block_pairs: int = BLOCK_PAIRS, evidence: bool = True) -> RowAnswer:
    """The answer for rows: row r is polymer ``polymer_index[r]`` in solvent ``solvent_index[r]`` at
    ``temperatures_k[r]`` [K]. Each distinct pair is computed once, then evaluated at its rows
    (``evidence`` as in :func:`answer_grid`)."""
    polymers, solvents = tuple(polymers), tuple(solvents)
    t = _checked(polymers, solvents, temperatures_k)
    p_rows = np.asarray(polymer_index, dtype=np.int64)
    s_rows = np.asarray(solvent_index, dtype=np.int64)
    if not (p_rows.shape == s_rows.shape == t.shape):
        raise InputError(f"polymer_index, solvent_index and temperatures_k need one value per row, got "
                         f"{p_rows.size}, {s_rows.size} and {t.size}")
    model = model or load_model()
    p_stack, s_stack = _block_of(polymers, "polymer"), _block_of(solvents, "solvent")
    codes, inverse = np.unique(p_rows * len(solvents) + s_rows, return_inverse=True)
    inverse = inverse.ravel()
    n = len(t)
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(codes), block_pairs):
        block = codes[start:start + block_pairs]
        pairs = _kernel(model, p_stack, s_stack, block // len(solvents), block % len(solvents), None, evidence)
        at = np.flatnonzero((inverse >= start) & (inverse < start + len(block)))
        local = inverse[at] - start
        selected = _Pairs(_take(pairs.posterior, local), pairs.chain_length[local], pairs.chi_critical[local],
                          pairs.k_per_kelvin[local], pairs.inverse_melting_k[local],
                          pairs.classifier_probability[local], {}, pairs.error[local], {},
                          pairs.solvation_shift[local], pairs.has_measured_chi[local], pairs.chemistry_class[local])
        values = {**_evaluate(model, selected, t[at], rows=True),
                  **{name: v[local] for name, v in _pair_fields(pairs).items()}}
        for name, v in values.items():
            if name not in out:
                out[name] = np.empty(n, dtype=v.dtype)
            out[name][at] = v
    return RowAnswer(polymers=polymers, solvents=solvents, polymer_index=p_rows, solvent_index=s_rows,
                     temperatures_k=t, verdict_codes=verdict_codes(out["dissolve_probability"]), **out)


def _take(state: PairPosterior, index: np.ndarray) -> PairPosterior:
    return PairPosterior(state.a[index], state.b_k[index], state.c_k2[index], state.ensemble.take(index),
                         state.prior_sigma[index], state.prior_code[index], state.sigma0[index],
                         state.covariance[index], state.label_factor[index], state.spread_weight,
                         state.sigma_scale[index])


def answer_blends(polymer: PolymerFeatures, solvents: Sequence[SolventFeatures], first, second, fractions,
                  temperature_k: float, *, model: ChiModel | None = None, block_pairs: int = BLOCK_PAIRS) -> RowAnswer:
    """The answer for many two-solvent blends at one temperature [K]: row i is ``polymer`` in the blend
    of ``solvents[first[i]]`` (volume fraction ``fractions[i]``) and ``solvents[second[i]]`` (the rest),
    the same as :func:`answer_grid` of the blend's own features (``chiapp.features.solvent_features``)
    but without a Python object per blend. ``solvent_index`` of the result is the row number."""
    solvents = tuple(solvents)
    t = _checked([polymer], solvents, temperature_k)
    if t.size != 1:
        raise InputError("answer_blends takes one temperature")
    first, second = np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64)
    fractions = np.asarray(fractions, dtype=float)
    model = model or load_model()
    p_stack, s_stack = MoleculeBlock.of([polymer], "polymer"), _block_of(solvents, "solvent")
    n = len(fractions)
    # each parent's evidence once, not once per block of blends (_component_evidence's rule)
    moves = _evidence_moves(model, p_stack, s_stack, np.zeros(s_stack.size, dtype=np.int64), np.arange(s_stack.size))
    out: dict[str, np.ndarray] = {}
    for start in range(0, n, block_pairs):
        at = np.arange(start, min(start + block_pairs, n))
        blends = s_stack.blended(first[at], second[at], fractions[at], model)
        carried = fractions[at, None] * moves[first[at]] + (1.0 - fractions[at, None]) * moves[second[at]]
        pairs = _kernel(model, p_stack, blends, np.zeros(len(at), dtype=np.int64), np.arange(len(at)),
                        carried=carried)
        values = {**{k: v[:, 0] for k, v in _evaluate(model, pairs, t, rows=False).items()}, **_pair_fields(pairs)}
        for name, v in values.items():
            if name not in out:
                out[name] = np.empty(n, dtype=v.dtype)
            out[name][at] = v
    return RowAnswer(polymers=(polymer,), solvents=(), polymer_index=np.zeros(n, dtype=np.int64),
                     solvent_index=np.arange(n), temperatures_k=np.full(n, t[0]),
                     verdict_codes=verdict_codes(out["dissolve_probability"]), **out)
