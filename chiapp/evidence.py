"""Measured evidence for a pair: experimental χ and handbook solvent / non-solvent labels.

The tables (``assets/evidence``, built by ``python -m training.evidence`` from the open
data; sources and licences in their README) are looked up by the canonical keys of
``chiapp.chemistry``, so a repeat unit written from another atom (``*OCC*`` or ``*CCO*``) and any
spelling of a solvent find the same rows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from chiapp.chemistry import canonical_polymer, canonical_solvent
from chiapp.errors import DataFileError
from chiapp.frozen import FrozenResult
from chiapp.resources import verified_asset

__all__ = ["Evidence", "evidence_by_key", "evidence_for", "evidence_pairs"]


@dataclass(frozen=True, eq=False)
class Evidence(FrozenResult):
    """What the open data say about one pair.

    ``temperatures_k`` and ``chis`` are the measured χ (empty arrays when none); ``labels`` the
    handbook verdicts (1 solvent, 0 non-solvent); ``sources`` where each kind comes from.
    """

    temperatures_k: np.ndarray
    chis: np.ndarray
    labels: tuple[int, ...]
    chi_source: str
    label_source: str

    @property
    def is_empty(self) -> bool:
        return not len(self.chis) and not self.labels

    @property
    def label_text(self) -> str | None:
        """'solvent', 'non-solvent', 'conflicting' or None, as the handbook has it."""
        if not self.labels:
            return None
        kinds = set(self.labels)
        return "conflicting" if len(kinds) > 1 else ("solvent" if kinds == {1} else "non-solvent")


def _key(polymer: str, solvent: str) -> tuple[str, str] | None:
    try:
        return canonical_polymer(polymer), canonical_solvent(solvent)
    except Exception:  # noqa: BLE001 - a row the current chemistry refuses is simply not evidence
        return None


def _check_values(measured: pd.DataFrame, labels: pd.DataFrame) -> None:
    """Values a table of evidence can hold: temperatures of liquids [K], finite χ, labels 0 or 1."""
    t = pd.to_numeric(measured.get("temperature_k"), errors="coerce")
    chi = pd.to_numeric(measured.get("chi"), errors="coerce")
    soluble = pd.to_numeric(labels.get("soluble"), errors="coerce")
    if t is None or chi is None or soluble is None or not (t.between(150.0, 800.0).all() and chi.between(-20, 20).all()
                                                            and soluble.isin([0, 1]).all()):
        raise DataFileError("the evidence tables hold values no measurement can have (temperatures outside 150-800 K, "
                            "χ outside ±20, labels other than 0 and 1); reinstall chiapp or rebuild them with "
                            "python -m training.evidence")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict, str, str]:
    measured = pd.read_csv(io.BytesIO(verified_asset("evidence", "measured_chi.csv")))
    labels = pd.read_csv(io.BytesIO(verified_asset("evidence", "handbook_labels.csv")))
    _check_values(measured, labels)
    chi_rows: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for polymer, solvent, t, chi in measured[["polymer", "solvent", "temperature_k", "chi"]].itertuples(index=False):
        key = _key(polymer, solvent)
        if key is not None:
            chi_rows.setdefault(key, []).append((float(t), float(chi)))
    label_rows: dict[tuple[str, str], list[int]] = {}
    for polymer, solvent, soluble in labels[["polymer", "solvent", "soluble"]].itertuples(index=False):
        key = _key(polymer, solvent)
        if key is not None:
            label_rows.setdefault(key, []).append(int(soluble))
    chi_source = str(measured["source"].iloc[0]) if len(measured) else ""
    label_source = str(labels["source"].iloc[0]) if len(labels) else ""
    return chi_rows, label_rows, chi_source, label_source


@lru_cache(maxsize=1)
def evidence_pairs() -> frozenset[tuple[str, str]]:
    """The canonical (polymer, solvent) keys of every pair the tables hold anything for."""
    chi_rows, label_rows, _, _ = _tables()
    return frozenset(chi_rows) | frozenset(label_rows)


def evidence_for(polymer: str, solvent: str) -> Evidence:
    """Measured χ and handbook labels for a polymer (repeat unit SMILES) in a solvent (SMILES)."""
    return evidence_by_key(_key(polymer, solvent))


@lru_cache(maxsize=None)
def evidence_by_key(key: tuple[str, str] | None) -> Evidence:
    """:func:`evidence_for` of a pair given by its canonical keys (``chiapp.chemistry.canonical_polymer``,
    ``canonical_solvent``), as :func:`evidence_pairs` lists them."""
    chi_rows, label_rows, chi_source, label_source = _tables()
    points = sorted(chi_rows.get(key, ())) if key else []
    labels = tuple(sorted(set(label_rows.get(key, ())))) if key else ()
    return Evidence(temperatures_k=np.array([t for t, _ in points], dtype=float),
                    chis=np.array([c for _, c in points], dtype=float), labels=labels,
                    chi_source=chi_source if points else "", label_source=label_source if labels else "")
