"""Applicability domain: how like the training data a question is.

A polymer or solvent is in the domain when its Tanimoto similarity (Morgan radius-2 bits; the
polymer on its cyclic oligomer, so the ends do not count) to the nearest training molecule with
experimental χ reaches the threshold chosen by leave-polymer-out cross-validation, and a
temperature is in the domain inside the training range widened by a margin. The thresholds, the
range and the training molecules travel with the weights (``assets/model``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator

from chiapp.chemistry import parse_polymer, parse_solvent
from chiapp.descriptors import polymer_ring

__all__ = ["DomainCheck", "assess", "polymer_similarity", "solvent_similarity", "in_domain_many",
           "polymer_in_domain", "solvent_in_domain", "TEMPERATURE_MARGIN_K"]

#: How far outside the training temperatures a prediction still counts as in the domain [K].
TEMPERATURE_MARGIN_K = 20.0
_N_NEAREST = 3
_GENERATOR = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


@lru_cache(maxsize=16384)
def _polymer_fp(smiles: str):
    return _GENERATOR.GetFingerprint(polymer_ring(parse_polymer(smiles))[0])


@lru_cache(maxsize=16384)
def _solvent_fp(smiles: str):
    return _GENERATOR.GetFingerprint(parse_solvent(smiles))


def _reference(model) -> dict:
    """Fingerprints of the model's training molecules, built once per model."""
    if model._domain is None:
        model._domain = _build_reference(model.manifest["domain"])
    return model._domain


def _build_reference(domain: dict) -> dict:
    return {
        "polymers": domain["polymers"], "solvents": domain["solvents"],
        "polymer_fps": [_polymer_fp(s) for s in domain["polymers"]],
        "solvent_fps": [_solvent_fp(s) for s in domain["solvents"]],
        "polymer_threshold": domain["polymer_threshold"], "solvent_threshold": domain["solvent_threshold"],
        "t_min_k": domain["temperature_k"][0] - TEMPERATURE_MARGIN_K,
        "t_max_k": domain["temperature_k"][1] + TEMPERATURE_MARGIN_K,
    }


def _similarities(model, fp, role: str) -> np.ndarray:
    return np.asarray(DataStructs.BulkTanimotoSimilarity(fp, _reference(model)[f"{role}_fps"]))


def polymer_similarity(model, smiles: str) -> float:
    """Tanimoto similarity [0, 1] of a repeat unit to the nearest training polymer."""
    return float(_similarities(model, _polymer_fp(smiles), "polymer").max())


def solvent_similarity(model, smiles: str) -> float:
    """Tanimoto similarity [0, 1] of a solvent to the nearest training solvent."""
    return float(_similarities(model, _solvent_fp(smiles), "solvent").max())


def polymer_in_domain(model, polymers: list[str]) -> np.ndarray:
    threshold = _reference(model)["polymer_threshold"]
    sims = {p: polymer_similarity(model, p) for p in set(polymers)}
    return np.array([sims[p] >= threshold for p in polymers], dtype=bool)


def solvent_in_domain(model, solvents: list[str]) -> np.ndarray:
    threshold = _reference(model)["solvent_threshold"]
    sims = {s: solvent_similarity(model, s) for s in set(solvents)}
    return np.array([sims[s] >= threshold for s in solvents], dtype=bool)


def in_domain_many(model, polymers: list[str], solvents: list[str], temperatures_k: np.ndarray) -> np.ndarray:
    """Row-wise domain flags for paired lists (similarity computed once per distinct molecule)."""
    ref = _reference(model)
    t = np.asarray(temperatures_k, dtype=float)
    return (polymer_in_domain(model, polymers) & solvent_in_domain(model, solvents)
            & (t >= ref["t_min_k"]) & (t <= ref["t_max_k"]))


@dataclass(frozen=True)
class DomainCheck:
    in_domain: bool
    polymer_similarity: float
    solvent_similarity: float
    nearest_polymers: tuple[tuple[str, float], ...]
    nearest_solvents: tuple[tuple[str, float], ...]
    notes: tuple[str, ...]


def _nearest(model, fp, role: str) -> tuple[tuple[str, float], ...]:
    sims = _similarities(model, fp, role)
    order = np.argsort(-sims, kind="stable")[:_N_NEAREST]
    return tuple((_reference(model)[f"{role}s"][i], float(sims[i])) for i in order)


def assess(model, polymer: str, solvent: str, temperatures_k: np.ndarray) -> DomainCheck:
    """Domain flag of one pair over its temperatures, with the reasons when it is out."""
    ref = _reference(model)
    nearest_p = _nearest(model, _polymer_fp(polymer), "polymer")
    nearest_s = _nearest(model, _solvent_fp(solvent), "solvent")
    sim_p, sim_s = nearest_p[0][1], nearest_s[0][1]
    notes = []
    if sim_p < ref["polymer_threshold"]:
        notes.append(f"the polymer is unlike every training polymer (similarity {sim_p:.2f} "
                     f"< {ref['polymer_threshold']:.2f})")
    if sim_s < ref["solvent_threshold"]:
        notes.append(f"the solvent is unlike every training solvent (similarity {sim_s:.2f} "
                     f"< {ref['solvent_threshold']:.2f})")
    t = np.asarray(temperatures_k, dtype=float)
    if t.min() < ref["t_min_k"] or t.max() > ref["t_max_k"]:
        notes.append(f"temperatures outside {ref['t_min_k'] - 273.15:.0f}–{ref['t_max_k'] - 273.15:.0f} °C "
                     "are extrapolated beyond the training data")
    return DomainCheck(not notes, sim_p, sim_s, nearest_p, nearest_s, tuple(notes))
