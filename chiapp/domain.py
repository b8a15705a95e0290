"""Applicability domain: where the model's answer can be trusted.

A prediction is in the domain when the ensemble members agree (calibrated spread at or below the
threshold chosen by leave-polymer-out cross-validation: there, held-out pairs outside it had more
than twice the error of those inside) and the temperature lies inside the training range widened
by a margin. Similarity to the nearest training molecules (Tanimoto on Morgan radius-2 bits; the
polymer on its cyclic oligomer, so the ends do not count) is reported beside it, for the user to
see what the model has learnt from; it did not predict the error, so it does not set the flag.
The threshold, the range and the training molecules travel with the weights (``assets/model``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator

from chiapp.chemistry import parse_solvent
from chiapp.descriptors import polymer_ring_of
from chiapp.units import celsius

__all__ = [
    "TEMPERATURE_MARGIN_K",
    "DomainCheck",
    "assess",
    "in_domain_many",
    "polymer_similarity",
    "solvent_similarity",
]

#: How far outside the training temperatures a prediction still counts as in the domain [K].
TEMPERATURE_MARGIN_K = 20.0
_N_NEAREST = 3
_GENERATOR = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


@lru_cache(maxsize=16384)
def _polymer_fp(smiles: str):
    return _GENERATOR.GetFingerprint(polymer_ring_of(smiles)[0])


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
        "spread_threshold": domain["spread_threshold"],
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


def in_domain_many(model, chi_std: np.ndarray, temperatures_k: np.ndarray) -> np.ndarray:
    """Element-wise domain flags from calibrated ensemble spreads and their temperatures [K] (broadcast);
    needs only the manifest's threshold and range, not the training fingerprints."""
    domain = model.manifest["domain"]
    low, high = domain["temperature_k"]
    t = np.asarray(temperatures_k, dtype=float)
    return ((np.asarray(chi_std) <= domain["spread_threshold"]) & (t >= low - TEMPERATURE_MARGIN_K)
            & (t <= high + TEMPERATURE_MARGIN_K))


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


def assess(model, polymer: str, solvent: str, temperatures_k: np.ndarray, chi_std: np.ndarray) -> DomainCheck:
    """Domain flag of one pair over its temperatures, with the reasons when it is out."""
    ref = _reference(model)
    nearest_p = _nearest(model, _polymer_fp(polymer), "polymer")
    nearest_s = _nearest(model, _solvent_fp(solvent), "solvent")
    sim_p, sim_s = nearest_p[0][1], nearest_s[0][1]
    notes = []
    spread = float(np.max(chi_std))
    if spread > ref["spread_threshold"]:
        notes.append(f"the ensemble members disagree (σ up to {spread:.2f}, above {ref['spread_threshold']:.2f}): "
                     "the model has not learnt this kind of pair")
    t = np.asarray(temperatures_k, dtype=float)
    if t.min() < ref["t_min_k"] or t.max() > ref["t_max_k"]:
        notes.append(f"temperatures outside {celsius(ref['t_min_k']):.0f}–{celsius(ref['t_max_k']):.0f} °C "
                     "are extrapolated beyond the training data")
    return DomainCheck(not notes, sim_p, sim_s, nearest_p, nearest_s, tuple(notes))
