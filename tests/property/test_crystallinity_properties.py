"""Melting-point depression, checked with Hypothesis: a good solvent dissolves a crystal below its
melting point, and the better the solvent, the lower the dissolution temperature (Flory,
Principles of Polymer Chemistry, 1953, ch. XIII)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiapp.crystallinity import CrystallineData, crystalline_limit, dissolution_temperature_k
from chiapp.flory_huggins import critical_chi

melting_points = st.floats(min_value=300.0, max_value=650.0)
heats = st.floats(min_value=2_000.0, max_value=60_000.0)
unit_volumes = st.floats(min_value=10.0, max_value=300.0)
solvent_volumes = st.floats(min_value=18.0, max_value=400.0)
chain_lengths = st.floats(min_value=10.0, max_value=1e5)
fractions = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)


@pytest.fixture(autouse=True)
def _raise_on_float_errors():
    old = np.seterr(all="raise")
    yield
    np.seterr(**old)


def _data(tm, heat, vu):
    return CrystallineData("p", "", "*CC*", tm, None, heat, vu, 0.5, "")


@settings(max_examples=300, deadline=None)
@given(melting_points, heats, unit_volumes, solvent_volumes, chain_lengths, fractions, st.floats(-2.0, 0.0))
def test_good_solvent_dissolves_below_the_melting_point(tm, heat, vu, v1, n, fraction, low):
    """χ constant below χ_c: Td exists and Td < Tm (Flory's term (1 - χ) > 0 lowers the melting point)."""
    chi_c = critical_chi(n)
    chi = low + fraction * (chi_c - low)
    td = dissolution_temperature_k(_data(tm, heat, vu), chi, 0.0, v1, chi_c)
    assert td is not None
    assert 0.0 < td < tm


@settings(max_examples=300, deadline=None)
@given(melting_points, heats, unit_volumes, solvent_volumes, fractions, fractions,
       st.floats(min_value=-200.0, max_value=400.0))
def test_dissolution_temperature_falls_as_chi_falls(tm, heat, vu, v1, f1, f2, b_k):
    """Lower χ(T) at every T (a smaller a, same b_k): a lower or equal Td."""
    chi_c = 0.55
    a1, a2 = sorted((-1.0 + f1 * 1.5, -1.0 + f2 * 1.5))
    data = _data(tm, heat, vu)
    td1 = dissolution_temperature_k(data, a1, b_k, v1, chi_c)
    td2 = dissolution_temperature_k(data, a2, b_k, v1, chi_c)
    if td2 is not None:
        assert td1 is not None and td1 <= td2 * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(melting_points, heats, unit_volumes, solvent_volumes, st.floats(min_value=0.0, max_value=0.2),
       st.floats(min_value=-1.0, max_value=0.4))
def test_band_brackets_the_center(tm, heat, vu, v1, sigma, a):
    limit = crystalline_limit(_data(tm, heat, vu), a, 0.0, sigma, solvent_molar_volume_cm3_per_mol=v1)
    center, low, high = (limit.dissolution_temperature_k, limit.dissolution_temperature_low_k,
                         limit.dissolution_temperature_high_k)
    assert center is not None and low is not None
    assert low <= center
    assert high is None or center <= high
