"""Immutable results: the arrays a result holds are read-only, and two results compare by value.

A frozen dataclass alone leaves its numpy arrays writable (``result.chi[0] = 99`` would succeed)
and its default ``==`` raises on arrays ("truth value of an array is ambiguous"). Results inherit
from :class:`FrozenResult`, declared with ``@dataclass(frozen=True, eq=False)``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

__all__ = ["FrozenResult", "read_only"]


def read_only(array) -> np.ndarray:
    """A read-only float-or-object array view of ``array`` (a copy when it is not an array yet)."""
    out = np.array(array, copy=True) if not isinstance(array, np.ndarray) else array.view()
    out.flags.writeable = False
    return out


def _equal(x, y) -> bool:
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        return isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and x.shape == y.shape and bool(
            np.array_equal(x, y, equal_nan=x.dtype.kind == "f" and y.dtype.kind == "f"))
    if isinstance(x, (pd.DataFrame, pd.Series)) or isinstance(y, (pd.DataFrame, pd.Series)):
        return type(x) is type(y) and x.equals(y)
    return bool(x == y)


class FrozenResult:
    """Base of chiapp's result dataclasses: read-only arrays, value equality."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                object.__setattr__(self, field.name, read_only(value))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(_equal(getattr(self, f.name), getattr(other, f.name))
                   for f in dataclasses.fields(self) if f.compare)  # type: ignore[arg-type]

    __hash__ = None  # type: ignore[assignment]  # holds arrays: not hashable
