"""The liquid range of a solvent: where a dissolution step can run at 1 atm.

A temperature window for a solvent never extends past its normal boiling point (at 1 atm),
unless the user accepts running under pressure (``allow_above_boiling``), nor below its
melting point. Both come from the solvent library (``boiling_point_c``, ``melting_point_c`` of
``assets/solvents.csv``); an unknown one does not clip.
"""

from __future__ import annotations

import numpy as np

from chiapp.units import ZERO_CELSIUS_K

__all__ = ["liquid_mask", "needs_pressure"]


def liquid_mask(temperatures_k, boiling_points_c, melting_points_c, *, allow_above_boiling: bool = False) -> np.ndarray:
    """(S, T) mask: solvent s is liquid at 1 atm at temperature t (or above its boiling point and
    ``allow_above_boiling``). NaN boiling or melting points do not clip.

    >>> liquid_mask([300.0, 400.0], [100.0], [-20.0]).tolist()
    [[True, False]]
    """
    t_c = np.asarray(temperatures_k, dtype=float)[None, :] - ZERO_CELSIUS_K
    boiling = np.asarray(boiling_points_c, dtype=float)[:, None]
    melting = np.asarray(melting_points_c, dtype=float)[:, None]
    mask = ~(t_c < melting)                     # NaN compares False: kept
    if not allow_above_boiling:
        mask &= ~(t_c > boiling)
    return mask


def needs_pressure(window_high_c, boiling_point_c) -> bool:
    """True when a window reaches above the solvent's normal boiling point."""
    return bool(np.asarray(window_high_c, dtype=float) > np.asarray(boiling_point_c, dtype=float))
