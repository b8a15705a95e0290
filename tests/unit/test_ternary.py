"""Ternary Flory–Huggins (chiapp.ternary) against closed forms and an independent route, and the
antisolvent dose (chiapp.precipitation) through the answer engine, the CLI and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from chiapp.cli import main
from chiapp.errors import InputError
from chiapp.features import solvent_features
from chiapp.model import load_model
from chiapp.precipitation import antisolvent_dose, dose_percent
from chiapp.prediction import predict_chi
from chiapp.report import ternary_report
from chiapp.ternary import TernarySystem, critical_point_ternary, precipitated_share, spinodal_points, tie_lines


def _symmetric_binodal(chi: float) -> tuple[float, float]:
    """Binary N = 1: the coexisting φ solve ln(φ/(1 − φ)) = χ(2φ − 1) (closed-form condition)."""
    lean = brentq(lambda p: math.log(p / (1 - p)) - chi * (2 * p - 1), 1e-12, 0.5 - 1e-9)
    return lean, 1 - lean


def test_identical_solvent_and_antisolvent_give_the_binary_binodal_on_every_tie_line():
    """χps = χpa, χsa = 0, all sizes 1: the two liquids are one, so each tie line splits the polymer as
    the symmetric binary does, whatever the liquids' ratio."""
    lines = tie_lines(TernarySystem(1.0, 1.0, 2.5, 2.5, 0.0))
    lean, rich = _symmetric_binodal(2.5)
    assert len(lines.shares) > 5
    np.testing.assert_allclose(lines.rich[:, 0], rich, atol=1e-8)
    np.testing.assert_allclose(lines.lean[:, 0], lean, atol=1e-8)
    np.testing.assert_allclose(lines.rich.sum(axis=1), 1.0, atol=1e-12)


def test_lever_rule_on_the_pseudo_binary():
    system = TernarySystem(1.0, 1.0, 2.5, 2.5, 0.0)
    lean, rich = _symmetric_binodal(2.5)
    z = np.array([0.4, 0.3, 0.3])
    expected = (z[0] - lean) / (rich - lean) * rich / z[0]
    assert precipitated_share(system, z) == pytest.approx(expected, abs=1e-7)
    assert precipitated_share(system, [0.1, 0.45, 0.45]) == 0.0  # outside the gap: one phase


def test_symmetric_spinodal_matches_its_closed_form():
    """N = m = 1 and one χ for every pair: det H = 0 is 3χ² − 2(a + b + c)χ + (ab + bc + ca) = 0 with
    a, b, c = 1/φ of each component (from f_pp = a + c − 2χ, f_aa = b + c − 2χ, f_pa = c − χ)."""
    chi = 3.3
    points = spinodal_points(TernarySystem(1.0, 1.0, chi, chi, chi))
    assert len(points) > 50
    a, b, c = (1 / points[:, i] for i in range(3))
    residual = 3 * chi**2 - 2 * (a + b + c) * chi + (a * b + b * c + c * a)
    np.testing.assert_allclose(residual / (a * b + b * c + c * a), 0.0, atol=1e-8)


def _gradient(system: TernarySystem, phi: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂f/∂(φp, φa) at fixed total, by central differences of the free energy alone."""
    out = []
    for i in (0, 2):
        step = np.zeros(3)
        step[i], step[1] = h, -h
        out.append((system.free_energy(phi + step) - system.free_energy(phi - step)) / (2 * h))
    return np.array(out)


def test_tie_lines_are_common_tangent_planes_of_the_free_energy():
    """An independent route: coexistence means one tangent plane touches f at both ends."""
    system = TernarySystem(10.0, 0.5, 0.3, 2.0, 0.4)
    lines = tie_lines(system)
    assert len(lines.shares) > 5
    for rich, lean in list(zip(lines.rich, lines.lean))[:: max(1, len(lines.shares) // 6)]:
        if min(rich.min(), lean.min()) < 1e-5:
            continue  # central differences need room on both sides
        g_rich, g_lean = _gradient(system, rich), _gradient(system, lean)
        np.testing.assert_allclose(g_rich, g_lean, atol=1e-5)
        d = lean - rich
        plane = system.free_energy(rich) + g_rich[0] * d[0] + g_rich[1] * d[2]
        assert system.free_energy(lean) == pytest.approx(plane, abs=1e-6)


def test_the_binodal_closes_at_the_critical_point_of_the_third_order_condition():
    system = TernarySystem(100.0, 0.4, 0.35, 3.0, 1.0)
    lines = tie_lines(system)
    critical = critical_point_ternary(system)
    assert critical is not None
    last = 0.5 * (lines.rich[-1] + lines.lean[-1])
    assert np.abs(last - critical).max() < 0.01
    assert system.stability(critical[0], critical[2]) == pytest.approx(0.0, abs=1e-6)


def test_bad_systems_are_refused():
    with pytest.raises(InputError):
        TernarySystem(0.5, 1.0, 0.4, 2.0, 0.0)
    with pytest.raises(InputError):
        TernarySystem(100.0, 1.0, float("nan"), 2.0, 0.0)


@pytest.fixture(scope="module")
def ps_dose():
    return antisolvent_dose("PS", "toluene", "methanol", 298.15, draws=4)


def test_dose_uses_the_engines_chi(ps_dose):
    d = ps_dose.diagram
    ps_toluene = predict_chi("PS", "toluene", 298.15)
    ps_methanol = predict_chi("PS", "methanol", 298.15)
    assert d.system.chi_ps == pytest.approx(float(ps_toluene.chi[0]), abs=1e-12)
    v_s, v_a = (solvent_features(s).molar_volume_cm3_per_mol for s in ("toluene", "methanol"))
    assert d.system.chi_pa == pytest.approx(float(ps_methanol.chi[0]) * v_s / v_a, rel=1e-12)


def test_dose_is_where_the_polymer_leaves_the_solution(ps_dose):
    d, alpha = ps_dose.diagram, ps_dose.fraction
    assert 0 < ps_dose.cloud_point_fraction <= alpha < 0.95
    start = ps_dose.start_composition
    corner = np.array([0.0, 0.0, 1.0])
    at = (lambda a: precipitated_share(d.system, (1 - a) * start + a * corner, d.tie_lines))
    assert at(alpha) >= ps_dose.share > at(ps_dose.cloud_point_fraction - 1e-3)
    assert ps_dose.litres_per_litre_solution == pytest.approx(alpha / (1 - alpha))


def test_two_liquids_that_do_not_mix_are_named_as_why_there_is_no_dose():
    """Toluene and water are nearly immiscible (water dissolves about 0.05 wt % of toluene at 25 °C,
    CRC Handbook of Chemistry and Physics, aqueous solubility of organic compounds): the water forms a
    layer of its own instead of precipitating PS. Methanol mixes with toluene: no such note."""
    assert TernarySystem(100, 1.0, 0.4, 2.0, 1.99).liquids_critical_chi == pytest.approx(2.0)  # ½(1 + 1/√1)²
    water = antisolvent_dose("PS", "toluene", "water", 298.15, draws=0)
    assert water.fraction is None and "do not mix" in water.note and "water forms its own layer" in water.note
    assert water.diagram.system.chi_sa > water.diagram.system.liquids_critical_chi
    assert water.note in ternary_report(water, load_model().manifest).answer   # the report says it too
    assert antisolvent_dose("PS", "toluene", "methanol", 298.15, draws=0).note == ""


def test_dose_refuses_bad_input():
    with pytest.raises(InputError, match="same liquid"):
        antisolvent_dose("PS", "toluene", "toluene", 298.15, draws=0)
    with pytest.raises(InputError, match="share"):
        antisolvent_dose("PS", "toluene", "methanol", 298.15, share=1.5, draws=0)
    with pytest.raises(InputError, match="does not dissolve"):
        antisolvent_dose("PS", "methanol", "water", 298.15, draws=0)
    with pytest.raises(InputError, match=r"0-60 wt-%\), got 0.9 \(90 wt-%\)"):  # the CLI's unit named too
        antisolvent_dose("PS", "toluene", "methanol", 298.15, polymer_mass_fraction=0.9, draws=0)


def test_cli_ternary_prints_the_dose_and_writes_the_curves(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert main(["ternary", "--polymer", "PS", "--solvent", "toluene", "--antisolvent", "methanol",
                 "--draws", "2", "--output", str(out)]) == 0
    text = capsys.readouterr().out
    assert "to precipitate 99%" in text and out.exists()
    api = antisolvent_dose("PS", "toluene", "methanol", 298.15, draws=2)   # the CLI's defaults: 10 wt-%, 25 °C
    assert f"to precipitate 99%: {dose_percent(api.fraction)} (16-84 % of draws: " in text
    assert dose_percent(0.0234) == "2.3 vol-%" and "95 vol-%" in dose_percent(None)
    assert main(["ternary", "--polymer", "PS", "--solvent", "toluene", "--antisolvent", "C1CC1("]) == 2


def test_a_composition_dependent_solvent_antisolvent_term_meets_its_derivatives():
    """f = Flory–Huggins + φs φa g(u), g a polynomial in u = φa/(φs + φa) (Altena & Smolders 1982):
    the chemical potentials are ∂(N f)/∂n_i, the Hessian and the third-order term f's derivatives,
    each against central differences of f; a g(u) that is constant reduces to the constant-χ system."""
    from chiapp.ternary import _third_order

    system = TernarySystem(50.0, 0.4, 0.45, 2.5, 1.2, (0.3, -0.8, 0.5, 0.2))
    r = system.sizes

    def total(n):                                     # N_sites f at molecule numbers n
        sites = float((n * r).sum())
        return sites * float(system.free_energy(n * r / sites))

    phi = np.array([0.12, 0.65, 0.23])
    n, h = phi / r * 1000.0, 1e-4
    numeric = [(total(n + h * e) - total(n - h * e)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(system.chemical_potentials(np.log(phi)), numeric, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(system.chemical_potentials(np.log(np.tile(phi, (10, 1))))[3], numeric, rtol=1e-6)

    def f(p, a):
        return float(system.free_energy(np.array([p, 1 - p - a, a])))

    p, a = 0.12, 0.23
    f_pp = (f(p + h, a) - 2 * f(p, a) + f(p - h, a)) / h ** 2
    f_aa = (f(p, a + h) - 2 * f(p, a) + f(p, a - h)) / h ** 2
    f_pa = (f(p + h, a + h) - f(p + h, a - h) - f(p - h, a + h) + f(p - h, a - h)) / (4 * h * h)
    np.testing.assert_allclose(system.hessian_terms(p, a), (f_pp, f_aa, f_pa), rtol=1e-5)
    terms = system.hessian_terms(p, a)
    v = np.array([-terms[2], terms[0]]) if abs(terms[0]) > abs(terms[1]) else np.array([terms[1], -terms[2]])
    v *= np.sign(v[0]) / np.linalg.norm(v)
    k = 1e-3
    along = [f(p + s * k * v[0], a + s * k * v[1]) for s in (2, 1, -1, -2)]
    third = (along[0] - 2 * along[1] + 2 * along[2] - along[3]) / (2 * k ** 3)
    assert _third_order(system, p, a) == pytest.approx(third, rel=1e-3)
    flat = TernarySystem(50.0, 0.4, 0.45, 2.5, 1.2, (0.0, 0.0))
    np.testing.assert_allclose(flat.chemical_potentials(np.log(phi)),
                               TernarySystem(50.0, 0.4, 0.45, 2.5, 1.2).chemical_potentials(np.log(phi)), rtol=1e-12)


def test_the_diagram_takes_measured_activities_only_where_they_keep_the_two_liquids_mixed():
    """Acetone and water mix, and so do their DECHEMA activities: the diagram takes g(u). THF and water
    mix in all proportions at room temperature too, but the boiling-point NRTL set
    splits them: a three-phase region the tracer does not draw, so COSMO-SAC's χsa, and the source says so."""
    from chiapp.precipitation import ternary_phase_diagram

    acetone = ternary_phase_diagram("PMMA", "acetone", "water", 298.15)
    assert acetone.system.sa_excess and acetone.chi_sa_source.startswith("DECHEMA") and acetone.system.liquids_mix
    thf = ternary_phase_diagram("PS", "tetrahydrofuran", "water", 298.15)
    assert not thf.system.sa_excess and thf.chi_sa_source.startswith("COSMO-SAC") and "split" in thf.chi_sa_source
