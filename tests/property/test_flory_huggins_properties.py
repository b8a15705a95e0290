"""Thermodynamic identities of the Flory-Huggins engine, checked with Hypothesis and on a fixed grid."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiapp.flory_huggins import binodal, binodal_log, chemical_potentials_from_logs, critical_point, spinodal

log10_chain_lengths = st.floats(min_value=0.0, max_value=6.0)
excess = st.floats(min_value=1e-6, max_value=1.0)  # chi = chi_c + excess * (5 - chi_c)


@pytest.fixture(autouse=True)
def _raise_on_float_errors():
    # underflow is allowed: a lean phase of exp(-4e6) is 0.0 to machine precision, correctly
    old = np.seterr(all="raise", under="ignore")
    yield
    np.seterr(**old)


def _log1mexp(x):
    return math.log1p(-math.exp(x)) if x < -0.693 else math.log(-math.expm1(x))


def assert_coexisting(chi, n):
    """Equal mu in both phases (1e-9 of the terms' size), lean < spinodal < rich, all finite."""
    x_lean, y_rich = binodal_log(chi, n)
    assert math.isfinite(x_lean) and math.isfinite(y_rich)
    mu_lean = chemical_potentials_from_logs(x_lean, _log1mexp(x_lean), chi, n)
    mu_rich = chemical_potentials_from_logs(_log1mexp(y_rich), y_rich, chi, n)
    # relative to the largest term of each potential: mu_s ~ ln(1 - phi), chi phi**2; mu_p ~ ln phi, N
    assert abs(mu_lean[0] - mu_rich[0]) <= 1e-9 * max(1.0, chi, abs(y_rich))
    assert abs(mu_lean[1] - mu_rich[1]) <= 1e-9 * max(1.0, chi * n, abs(x_lean))
    low, high = spinodal(chi, n)
    assert x_lean < math.log(low) and y_rich < math.log1p(-high)  # the binodal encloses the spinodal
    assert low < high


@given(log10_chain_lengths)
def test_critical_point_is_on_spinodal_and_its_minimum(log10_n):
    n = 10.0**log10_n
    phi_c, chi_c = critical_point(n)
    chi_spinodal = lambda phi: 0.5 * (1 / (n * phi) + 1 / (1 - phi))  # f'' = 0 solved for chi
    assert chi_spinodal(phi_c) == pytest.approx(chi_c, rel=1e-12)
    for factor in (0.9, 0.999, 1.001, 1.1):
        assert chi_spinodal(phi_c * factor) > chi_c * (1 - 1e-15)
    # the spinodal pinches to phi_c as chi -> chi_c from above
    low, high = spinodal(chi_c * (1 + 1e-8), n)
    assert low < phi_c < high and high - low < 1e-2


@given(log10_chain_lengths, excess)
@settings(max_examples=300, deadline=None)
def test_binodal_chemical_potentials_equal_and_spinodal_enclosed(log10_n, fraction):
    n = 10.0**log10_n
    chi_c = critical_point(n)[1]
    assert_coexisting(chi_c + fraction * (5.0 - chi_c), n)


@given(st.floats(min_value=2.0 + 1e-6, max_value=5.0))
def test_binodal_n1_is_symmetric_about_half(chi):
    lean, rich = binodal(chi, 1.0)
    assert lean + rich == pytest.approx(1.0, abs=1e-12)
    low, high = spinodal(chi, 1.0)
    assert low + high == pytest.approx(1.0, abs=1e-12)


@given(log10_chain_lengths, st.floats(min_value=-5.0, max_value=1.0))
def test_chi_at_or_below_critical_is_one_phase(log10_n, fraction):
    n = 10.0**log10_n
    chi = critical_point(n)[1] * fraction
    assert binodal(chi, n) is None and spinodal(chi, n) is None


@pytest.mark.parametrize("n", np.logspace(0, 6, 13))
def test_binodal_grid_over_chain_length_and_chi(n):
    """No failure, no NaN, identities hold on N in [1, 1e6] x chi in (chi_c, 5], just above chi_c too."""
    chi_c = critical_point(n)[1]
    near = chi_c * (1 + np.array([1e-6, 1e-5, 1e-4, 1e-3, 1e-2]))
    for chi in np.concatenate([near, np.geomspace(chi_c * 1.02, 5.0, 25)]):
        assert_coexisting(float(chi), float(n))
