"""Temperatures and the one check every temperature passes: the home of 273.15.

Public functions take temperatures in kelvin (``temperature_k``); °C appears only at the edges
(pages, command line, CSV columns ``temperature_c``), converted here.
"""

from __future__ import annotations

import numpy as np
from scipy.constants import zero_Celsius

from chiapp.errors import InputError

__all__ = [
    "MAX_TEMPERATURE_K",
    "MIN_TEMPERATURE_K",
    "REFERENCE_TEMPERATURE_K",
    "ZERO_CELSIUS_K",
    "celsius",
    "check_temperatures_c",
    "check_temperatures_k",
    "kelvin",
    "temperature_grid_k",
]

#: 0 °C in kelvin (scipy.constants.zero_Celsius).
ZERO_CELSIUS_K: float = float(zero_Celsius)
#: 25 °C [K]: the reference temperature of χ's b coefficient, of tabulated properties and of handbook
#: solvent lists ("room temperature").
REFERENCE_TEMPERATURE_K: float = ZERO_CELSIUS_K + 25.0
#: The physical range a temperature may take [K]: χ(T) = a + b/T is meaningless near 0 K, and no
#: polymer solution exists above ~2,000 K. Outside the training range the domain flag says so.
MIN_TEMPERATURE_K = 1.0
MAX_TEMPERATURE_K = 2000.0


def kelvin(temperatures_c):
    """[K] from [°C]; a float for a float, an array for anything else.

    >>> kelvin(25.0)
    298.15
    """
    if np.ndim(temperatures_c) == 0:
        return float(temperatures_c) + ZERO_CELSIUS_K
    return np.asarray(temperatures_c, dtype=float) + ZERO_CELSIUS_K


def celsius(temperatures_k):
    """[°C] from [K]; a float for a float, an array for anything else."""
    if np.ndim(temperatures_k) == 0:
        return float(temperatures_k) - ZERO_CELSIUS_K
    return np.asarray(temperatures_k, dtype=float) - ZERO_CELSIUS_K


def _as_array(values, unit: str) -> np.ndarray:
    try:
        array = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"temperature must be a number in {unit}, got {values!r}") from None
    if array.size == 0 or array.ndim != 1:
        raise InputError(f"give at least one temperature (a number or a list of numbers, in {unit})")
    return array


def _check(temperatures_k: np.ndarray, shown: np.ndarray, unit: str) -> np.ndarray:
    bad = ~np.isfinite(temperatures_k) | (temperatures_k < MIN_TEMPERATURE_K) | (temperatures_k > MAX_TEMPERATURE_K)
    if bad.any():
        value = shown[bad][0]
        low, high = ((MIN_TEMPERATURE_K, MAX_TEMPERATURE_K) if unit == "K"
                     else (celsius(MIN_TEMPERATURE_K), celsius(MAX_TEMPERATURE_K)))
        raise InputError(f"temperature must lie between {low:g} and {high:g} {unit}, got {value:g} {unit}")
    return temperatures_k


def check_temperatures_k(temperature_k) -> np.ndarray:
    """Temperatures as a 1-D float array [K]; InputError outside 1–2,000 K, NaN or non-numbers.

    >>> check_temperatures_k(300)
    array([300.])
    """
    array = _as_array(temperature_k, "K")
    return _check(array, array, "K")


def check_temperatures_c(temperature_c) -> np.ndarray:
    """Temperatures given in °C, checked and returned in kelvin; the message speaks °C."""
    array = _as_array(temperature_c, "°C")
    return _check(array + ZERO_CELSIUS_K, array, "°C")


def temperature_grid_k(range_c: tuple[float, float], n_points: int = 61) -> tuple[float, ...]:
    """Evenly spaced temperatures [K] over a range in [°C] (a tuple: hashable for caches).

    An empty range (low ≥ high) is refused: silently widening it would show a range the user
    did not ask for.
    """
    low, high = (float(v) for v in range_c)
    if not high > low:
        raise InputError(f"the temperature range {low:g}–{high:g} °C is empty; make the upper end higher "
                         "than the lower one")
    return tuple(float(t) for t in check_temperatures_c(np.linspace(low, high, n_points)))
