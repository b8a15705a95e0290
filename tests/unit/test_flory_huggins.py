"""Unit tests of chiapp.flory_huggins: closed forms, literature values, an independent common tangent."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial import ConvexHull

from chiapp.errors import InputError, VolumeFractionError
from chiapp.flory_huggins import (
    DEFAULT_POLYMER_DENSITY_G_PER_CM3,
    PHASE_DIAGRAM_KINDS,
    PHASE_STATES,
    binodal,
    binodal_log,
    chain_length_from_molecular_weight,
    chemical_potentials,
    chemical_potentials_from_logs,
    chi_of_temperature,
    critical_chi,
    critical_point,
    critical_temperatures,
    free_energy,
    phase_diagram,
    phase_diagram_with_band,
    phase_state,
    spinodal,
)


@pytest.fixture(autouse=True)
def _raise_on_float_errors():
    # underflow is allowed: a lean phase of exp(-4e6) is 0.0 to machine precision, correctly
    old = np.seterr(all="raise", under="ignore")
    yield
    np.seterr(**old)


def f_test(phi, chi, n):
    """The free energy per site written out again, independent of the module."""
    return phi / n * np.log(phi) + (1 - phi) * np.log(1 - phi) + chi * phi * (1 - phi)


# --- critical point and spinodal -----------------------------------------------------------

def test_critical_point_n1_is_half_and_two():
    assert critical_point(1.0) == (0.5, 2.0)


def test_critical_point_n100_matches_flory():
    phi_c, chi_c = critical_point(100)
    assert phi_c == pytest.approx(1 / 11) and round(phi_c, 4) == 0.0909
    assert chi_c == pytest.approx(0.605)


def test_critical_chi_tends_to_half_for_long_chains():
    values = [critical_chi(n) for n in (1e2, 1e4, 1e6, 1e8)]
    assert all(a > b for a, b in zip(values, values[1:]))
    assert values[-1] == pytest.approx(0.5, abs=2e-4)


@pytest.mark.parametrize("chi", [2.1, 2.5, 4.0])
def test_spinodal_n1_closed_form(chi):
    low, high = spinodal(chi, 1.0)
    half = 0.5 * math.sqrt(1 - 2 / chi)
    assert (low, high) == (pytest.approx(0.5 - half, rel=1e-13), pytest.approx(0.5 + half, rel=1e-13))


@pytest.mark.parametrize("n, chi", [(10, 1.0), (1000, 0.6), (1e6, 3.0)])
def test_spinodal_second_derivative_vanishes(n, chi):
    for phi in spinodal(chi, n):
        curvature = 1 / (n * phi) + 1 / (1 - phi) - 2 * chi
        assert abs(curvature) <= 1e-9 * (1 / (n * phi) + 1 / (1 - phi))


@pytest.mark.parametrize("n", [1, 100, 1e6])
def test_spinodal_and_binodal_none_at_and_below_critical_chi(n):
    chi_c = critical_chi(n)
    for chi in (0.0, 0.5 * chi_c, chi_c):
        assert spinodal(chi, n) is None and binodal(chi, n) is None and binodal_log(chi, n) is None


# --- binodal -------------------------------------------------------------------------------

def _common_tangent_by_convex_hull(chi, n):
    """Tie line as the widest edge of the lower convex hull of f on a fine log grid."""
    phis = np.unique(np.concatenate([np.geomspace(1e-7, 0.5, 300_000), 1 - np.geomspace(1e-7, 0.5, 300_000)]))
    hull = ConvexHull(np.column_stack([phis, f_test(phis, chi, n)]))
    lower = hull.simplices[hull.equations[:, 1] < 0]
    widest = max(lower, key=lambda s: abs(phis[s[0]] - phis[s[1]]))
    return tuple(sorted(phis[widest]))


def test_binodal_n100_chi07_matches_convex_hull():
    lean, rich = binodal(0.7, 100)
    hull_lean, hull_rich = _common_tangent_by_convex_hull(0.7, 100)
    assert round(lean, 4) == 0.0015 and round(rich, 3) == 0.371  # the values quoted for this case
    assert lean == pytest.approx(hull_lean, rel=2e-4) and rich == pytest.approx(hull_rich, rel=2e-4)


def test_bracketing_safety_net_agrees_with_the_convex_hull():
    """The solver's slow net (nested brentq, used where Newton fails) on a case Newton solves: the
    same coexisting phases as an independent convex-hull construction."""
    from chiapp.flory_huggins import _binodal_bracketed, _spinodal_arrays

    s_low, s_psi = (float(v[0]) for v in _spinodal_arrays(np.array([0.7]), 100.0))
    x1, x2 = _binodal_bracketed(0.7, 100.0, s_low, s_psi)
    hull_lean, hull_rich = _common_tangent_by_convex_hull(0.7, 100)
    assert math.exp(x1) == pytest.approx(hull_lean, rel=2e-4)
    assert 1 - math.exp(x2) == pytest.approx(hull_rich, rel=2e-4)


def test_binodal_n1_solves_symmetric_closed_form():
    lean, rich = binodal(2.5, 1.0)
    assert lean + rich == pytest.approx(1.0, abs=1e-14)
    # N = 1: the binodal is the root of ln(phi / (1 - phi)) = chi (2 phi - 1)
    assert math.log(lean / (1 - lean)) == pytest.approx(2.5 * (2 * lean - 1), rel=1e-12)


def test_binodal_lean_phase_below_float_range_is_exact_in_logs():
    x_lean, y_rich = binodal_log(5.0, 1e6)
    # phi_lean -> 0: mu_solvent(rich) = 0 fixes phi_rich, then ln phi_lean = mu_p(rich) + (N-1) - chi N
    phi_rich = -math.expm1(y_rich)
    assert y_rich + (1 - 1e-6) * phi_rich + 5.0 * phi_rich**2 == pytest.approx(0.0, abs=1e-12)
    expected = math.log(phi_rich) - (1e6 - 1) * (1 - phi_rich) + 5e6 * (1 - phi_rich) ** 2 + (1e6 - 1) - 5e6
    assert x_lean == pytest.approx(expected, rel=1e-12) and x_lean < -4e6
    assert binodal(5.0, 1e6)[0] == 0.0  # below the smallest float, as documented


def test_binodal_tiny_lean_phase_1e_minus_30():
    # N = 1e4, chi = 0.62: the lean phase is ~exp(-N (chi - 1/2)...) yet still a positive float
    lean, rich = binodal(0.62, 1e4)
    assert 0 < lean < 1e-30 and spinodal(0.62, 1e4)[1] < rich < 1


# --- chemical potentials and free energy --------------------------------------------------

@pytest.mark.parametrize("phi, chi, n", [(0.1, 0.7, 100), (0.5, 2.0, 1), (0.9, 1.2, 1e4)])
def test_chemical_potentials_agree_with_derivative_of_free_energy(phi, chi, n):
    h = 1e-6 * min(phi, 1 - phi)
    slope = (f_test(phi + h, chi, n) - f_test(phi - h, chi, n)) / (2 * h)
    f = f_test(phi, chi, n)
    mu_s, mu_p = chemical_potentials(phi, chi, n)
    assert mu_s == pytest.approx(f - phi * slope, rel=1e-7, abs=1e-9)
    assert mu_p == pytest.approx(n * (f + (1 - phi) * slope), rel=1e-7, abs=1e-7)


def test_chemical_potentials_from_logs_match_plain():
    plain = chemical_potentials(0.3, 0.8, 50)
    logs = chemical_potentials_from_logs(math.log(0.3), math.log(0.7), 0.8, 50)
    assert logs == (pytest.approx(plain[0], rel=1e-14), pytest.approx(plain[1], rel=1e-14))


def test_free_energy_regular_solution_value():
    assert free_energy(0.5, 2.0, 1.0) == pytest.approx(math.log(0.5) + 0.5, rel=1e-14)
    assert free_energy(np.array([0.2, 0.8]), 1.0, 1.0) == pytest.approx([f_test(0.2, 1.0, 1.0)] * 2)


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("phi", [0.0, 1.0, -0.1, 1.5])
def test_volume_fraction_outside_open_interval_raises(phi):
    with pytest.raises(VolumeFractionError, match="phi"):
        free_energy(phi, 0.5, 10)
    with pytest.raises(VolumeFractionError):
        chemical_potentials(phi, 0.5, 10)


def test_chain_length_below_one_names_argument_and_value():
    with pytest.raises(InputError, match=r"chain_length must be >= 1.*got 0\.5"):
        critical_point(0.5)


@pytest.mark.parametrize("call", [
    lambda: binodal(float("nan"), 10), lambda: spinodal(0.7, float("nan")), lambda: free_energy(0.5, float("inf"), 10),
    lambda: chi_of_temperature((float("nan"), 1.0), 300), lambda: critical_point("ten")])
def test_nan_or_non_number_raises_input_error(call):
    with pytest.raises(InputError):
        call()


@pytest.mark.parametrize("temperature_k", [0.0, -10.0, 1e-300, 0.5, 1e300])
def test_temperature_outside_the_physical_range_raises(temperature_k):
    """1 to 2,000 K (chiapp.units): near 0 K χ = a + b/T is infinite, far above no solution exists."""
    with pytest.raises(InputError, match="between 1 and 2000 K"):
        chi_of_temperature((0.2, 100), temperature_k)
    with pytest.raises(InputError, match="between 1 and 2000 K"):
        phase_diagram((0.2, 100), chain_length=10, temperatures_k=[temperature_k, 300])


# --- chi(T), critical temperatures, phase diagrams ----------------------------------------

def test_chi_of_temperature_closed_form():
    assert chi_of_temperature((0.1, 100.0, 8000.0), np.array([200.0, 400.0])) == pytest.approx([0.8, 0.4])


def test_critical_temperature_ucst_closed_form():
    chi_c = critical_chi(1000)
    (t_c,) = critical_temperatures((0.2, 120.0, 0.0), 1000, 200.0, 500.0)
    assert t_c == pytest.approx(120.0 / (chi_c - 0.2), rel=1e-14)


def _quadratic_chi(t1, t2, amplitude, n):
    """(a, b, c) with chi - chi_c = amplitude (T - t1)(T - t2) / T**2: critical temperatures t1, t2."""
    return critical_chi(n) + amplitude, -amplitude * (t1 + t2), amplitude * t1 * t2


@pytest.mark.parametrize("amplitude, kind", [(0.2, "UCST+LCST"), (-0.2, "closed loop")])
def test_two_critical_temperatures_found_and_classified(amplitude, kind):
    a, b, c = _quadratic_chi(300.0, 420.0, amplitude, 100)
    assert critical_temperatures((a, b, c), 100, 250, 500) == (pytest.approx(300.0), pytest.approx(420.0))
    assert critical_temperatures((a, b, c), 100, 350, 500) == (pytest.approx(420.0),)
    diagram = phase_diagram((a, b, c), chain_length=100, temperatures_k=np.linspace(250, 500, 51))
    assert diagram.kind == kind and kind in PHASE_DIAGRAM_KINDS


@pytest.mark.parametrize("a, b_k, c_k2, kind", [
    (0.2, 120.0, 0.0, "UCST"), (0.9, -120.0, 0.0, "LCST"), (0.0, 10.0, 0.0, "miscible"), (1.5, 10.0, 0.0, "immiscible")])
def test_phase_diagram_kind(a, b_k, c_k2, kind):
    diagram = phase_diagram((a, b_k, c_k2), chain_length=1000, temperatures_k=np.linspace(250, 500, 40))
    assert diagram.kind == kind


def test_phase_diagram_hourglass_when_chi_minimum_stays_above_critical():
    n, amplitude, t0, delta = 100, 0.2, 350.0, 30.0  # chi - chi_c = A((T - t0)**2 + delta**2) / T**2 > 0
    a, b, c = critical_chi(n) + amplitude, -2 * amplitude * t0, amplitude * (t0**2 + delta**2)
    diagram = phase_diagram((a, b, c), chain_length=n, temperatures_k=np.linspace(250, 500, 60))
    assert diagram.kind == "hourglass" and diagram.critical_temperatures_k == ()


def test_phase_diagram_curves_ucst():
    temps = np.linspace(273.15, 473.15, 200)
    diagram = phase_diagram((0.2, 120.0), chain_length=1000, temperatures_k=temps)
    curves = diagram.curves
    assert list(curves.columns[:2]) == ["temperature_k", "temperature_c"]
    assert {"phi_binodal_lean", "phi_binodal_rich", "phi_spinodal_low", "phi_spinodal_high"} <= set(curves.columns)
    assert len(curves) == 201  # the grid plus the critical temperature
    (t_c,) = diagram.critical_temperatures_k
    above, below = curves[curves.temperature_k > t_c], curves[curves.temperature_k < t_c]
    assert above.filter(like="phi_").isna().all().all()
    assert (below.phi_binodal_lean < below.phi_spinodal_low).all()
    assert (below.phi_spinodal_high < below.phi_binodal_rich).all()
    at_c = curves[curves.temperature_k == t_c].iloc[0]
    assert at_c.phi_binodal_lean == at_c.phi_binodal_rich == pytest.approx(diagram.critical_phi)
    assert "88 °C" in diagram.summary() and "UCST" in diagram.summary()


def test_phase_diagram_summary_names_both_temperatures():
    a, b, c = _quadratic_chi(300.0, 420.0, 0.2, 100)
    text = phase_diagram((a, b, c), chain_length=100, temperatures_k=np.linspace(250, 500, 30)).summary()
    assert "27 °C" in text and "147 °C" in text


def test_phase_diagram_with_band_orders_critical_temperatures():
    band = phase_diagram_with_band((0.2, 120.0), chi_sigma=0.01, n_sigma=2.0, chain_length=1000,
                                   temperatures_k=np.linspace(250, 500, 50))
    (low,), (mid,), (high,) = (d.critical_temperatures_k for d in (band.lower, band.central, band.upper))
    assert low < mid < high  # smaller chi: miscible down to lower temperatures
    assert mid == pytest.approx(120 / (critical_chi(1000) - 0.2))
    assert low == pytest.approx(120 / (critical_chi(1000) - 0.18))
    assert set(band.curves.chi_shift) == {-0.02, 0.0, 0.02}


def test_phase_diagram_needs_two_temperatures():
    with pytest.raises(InputError, match="two different temperatures"):
        phase_diagram((0.2, 120.0), chain_length=10, temperatures_k=[300.0])


def test_phase_state_three_regions_n1():
    # N = 1, chi = 2.5: binodal 0.1448 / 0.8552, spinodal 0.2764 / 0.7236
    states = [phase_state((2.5, 0.0, 0.0), phi, 300.0, 1.0) for phi in (0.1, 0.2, 0.5, 0.8, 0.9)]
    assert states == ["one phase", "two phases (metastable)", "two phases (unstable)",
                      "two phases (metastable)", "one phase"]
    assert set(states) <= set(PHASE_STATES)
    assert phase_state((1.9, 0.0, 0.0), 0.5, 300.0, 1.0) == "one phase"


# --- chain length --------------------------------------------------------------------------

def test_chain_length_polystyrene_in_cyclohexane():
    # Mn 100 kg/mol, 1.05 g/cm3; cyclohexane 84.16 g/mol / 0.7739 g/cm3 = 108.7 cm3/mol
    assert chain_length_from_molecular_weight(1e5, 1.05, 108.7) == pytest.approx(1e5 / 1.05 / 108.7)


def test_chain_length_default_density():
    assert DEFAULT_POLYMER_DENSITY_G_PER_CM3 == 1.0
    assert chain_length_from_molecular_weight(5e4, None, 100.0) == pytest.approx(500.0)


@pytest.mark.parametrize("args, match", [
    ((-1.0, 1.0, 100.0), "molecular_weight_g_per_mol must be > 0"),
    ((1e4, 0.0, 100.0), "polymer_density_g_per_cm3 must be > 0"),
    ((50.0, 1.0, 100.0), "below 1")])
def test_chain_length_bad_input(args, match):
    with pytest.raises(InputError, match=match):
        chain_length_from_molecular_weight(*args)


# --- command line (chiapp/cli/phase.py) ----------------------------------------------------

def _phase_args(argv):
    import argparse

    from chiapp.cli import phase
    parser = argparse.ArgumentParser()
    phase.add_parser(parser.add_subparsers(dest="command"))
    return phase, parser.parse_args(["phase", *argv])


def test_cli_phase_prints_ucst_and_writes_curves(tmp_path, capsys):
    out = tmp_path / "curves.csv"
    phase, args = _phase_args(["--chi-a", "0.2", "--chi-b-k", "120", "--chain-length", "1000",
                               "--temperature-c", "0", "200", "--output", str(out)])
    assert phase.run(args) == 0
    printed = capsys.readouterr().out
    t_c = 120 / (critical_chi(1000) - 0.2) - 273.15
    assert f"{t_c:.1f} °C" in printed and "type: UCST" in printed
    import pandas as pd
    curves = pd.read_csv(out)
    assert len(curves) == 201 and curves.temperature_c.iloc[0] == 0.0


def test_cli_phase_chain_length_from_molecular_weight(capsys):
    phase, args = _phase_args(["--chi-a", "0.2", "--chi-b-k", "120", "--molecular-weight", "100000",
                               "--polymer-density", "1.05", "--solvent-molar-volume", "108.7"])
    assert phase.chain_length_from_args(args) == pytest.approx(1e5 / 1.05 / 108.7)
    assert phase.run(args) == 0


@pytest.mark.parametrize("argv, match", [
    (["--chi-b-k", "120", "--chain-length", "100"], "--chi-a"),
    (["--chi-a", "0.2", "--molecular-weight", "1e5"], "--solvent-molar-volume"),
    (["--chi-a", "0.2", "--chain-length", "100", "--temperature-c", "50", "10"], "T_MIN < T_MAX"),
    (["--chi-a", "0.2", "--chain-length", "0.5"], "chain_length must be >= 1")])
def test_cli_phase_bad_options_raise_input_error(argv, match):
    phase, args = _phase_args(argv)
    with pytest.raises(InputError, match=match):
        phase.run(args)
