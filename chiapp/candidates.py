"""The solvents a ranking, a selection or a plan considers: the library or a list, and filters.

A list may name solvents by name, CAS number or SMILES (a bad entry is reported, not fatal, with
its reason); the same structure typed twice counts once. Filters: a boiling-point window [°C]
(solvents of unknown boiling point are removed by it), a minimum flash point [°C] (solvents with
no tabulated flash point are kept: water and many halogenated solvents do not burn; for others
the value is missing) and CHEM21 classes to leave out (Prat et al., Green Chem. 2016, 18, 288).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from chiapp.errors import InputError
from chiapp.features import SolventFeatures, featurize_solvents, library_solvents
from chiapp.library import CHEM21_CLASSES
from chiapp.model import ChiModel

__all__ = ["FAILURE_COLUMNS", "Filters", "candidate_solvents", "check_filters", "failure_table", "properties_frame"]

FAILURE_COLUMNS = ("input", "role", "reason")


class Filters(tuple):
    """(boiling_point_c, min_flash_point_c, exclude_classes), checked by :func:`check_filters`."""


def check_filters(boiling_point_c, min_flash_point_c, exclude_classes) -> Filters:
    """The filters as clean values; InputError with the reason for a bad one."""
    if boiling_point_c is not None:
        try:
            low, high = (float(v) for v in boiling_point_c)
        except (TypeError, ValueError):
            raise InputError(f"boiling_point_c must be a (low, high) pair in °C, got {boiling_point_c!r}") from None
        if not (math.isfinite(low) and math.isfinite(high)) or high < low:
            raise InputError(f"boiling_point_c window must be finite with low <= high, got ({low:g}, {high:g})")
        boiling_point_c = (low, high)
    if min_flash_point_c is not None:
        try:
            min_flash_point_c = float(min_flash_point_c)
        except (TypeError, ValueError):
            raise InputError(f"min_flash_point_c must be a number in °C, got {min_flash_point_c!r}") from None
        if not math.isfinite(min_flash_point_c):
            raise InputError("min_flash_point_c must be finite")
    if isinstance(exclude_classes, str):
        exclude_classes = (exclude_classes,)
    exclude_classes = tuple(str(c).strip().lower() for c in exclude_classes or ())
    unknown = [c for c in exclude_classes if c not in CHEM21_CLASSES]
    if unknown:
        raise InputError(f"unknown CHEM21 class {', '.join(map(repr, unknown))}; expected one of "
                         f"{', '.join(CHEM21_CLASSES)}")
    return Filters((boiling_point_c, min_flash_point_c, exclude_classes))


def _kept(solvent: SolventFeatures, filters: Filters) -> bool:
    boiling, flash, excluded = filters
    if boiling is not None and not (boiling[0] <= solvent.boiling_point_c <= boiling[1]):
        return False
    if flash is not None and solvent.flash_point_c < flash:
        return False
    return solvent.chem21_class not in excluded


def candidate_solvents(solvents: Sequence[str] | str | None, filters: Filters, *, model: ChiModel | None = None
                       ) -> tuple[list[SolventFeatures], list[tuple[str, str, str]], int]:
    """(the solvents that pass the filters, (input, role, reason) of the inputs that cannot be used,
    how many the filters removed). ``solvents`` None is the whole library; a string is a
    comma-separated list."""
    failures: list[tuple[str, str, str]] = []
    if solvents is None:
        found, refused = library_solvents(model)
        pool = list(found)
        failures += [(name, "solvent", reason) for name, reason in refused]
    else:
        if isinstance(solvents, str):
            solvents = [s for s in solvents.split(",") if s.strip()]
        good, bad = featurize_solvents([str(s).strip() for s in solvents], model=model)
        failures += [(text, "solvent", reason) for text, reason in bad.items()]
        seen: set[str] = set()
        pool = []
        for features in good.values():
            if features.smiles not in seen:  # the same structure typed twice
                seen.add(features.smiles)
                pool.append(features)
    kept = [s for s in pool if _kept(s, filters)]
    return kept, failures, len(pool) - len(kept)


def failure_table(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(input, role, reason) rows as a table; a refused input holding a lone surrogate is shown
    escaped (\\ud800), as its error message does."""
    printable = [tuple(str(c).encode("utf-8", "backslashreplace").decode("utf-8") for c in row) for row in rows]
    return pd.DataFrame(printable, columns=list(FAILURE_COLUMNS))


def properties_frame(solvents: Sequence[SolventFeatures]) -> pd.DataFrame:
    """Name, SMILES and the properties a table of solvents shows, one row each."""
    return pd.DataFrame({
        "name": [s.label for s in solvents], "smiles": [s.smiles for s in solvents],
        "boiling_point_c": np.array([s.boiling_point_c for s in solvents], dtype=float),
        "melting_point_c": np.array([s.melting_point_c for s in solvents], dtype=float),
        "flash_point_c": np.array([s.flash_point_c for s in solvents], dtype=float),
        "chem21_class": [s.chem21_class for s in solvents],
        "molar_volume_cm3_per_mol": np.array([s.molar_volume_cm3_per_mol for s in solvents], dtype=float),
        "molar_volume_source": [s.molar_volume_source for s in solvents]})



