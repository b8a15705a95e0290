"""The Painter–Coleman association model (chiapp.association) against closed forms and identities: no
bonds, pure components, a 1:1 complex (a quadratic), pure PVPh's free fraction (a cubic), the
chemical potentials of the free segments against derivatives of the free energy (Gibbs–Duhem), van 't
Hoff, and miscibility on both sides of the least K_A. The book's worked examples could not be read
here (assets/evidence/BLENDS.md), so none is tested."""

from __future__ import annotations

import numpy as np
import pytest

from chiapp.association import (
    AssociationModel,
    blend_free_energy,
    equilibrium_constant,
    is_miscible,
    minimum_interassociation,
    nonspecific_chi,
    self_association,
)
from chiapp.errors import InputError

PHIS = np.linspace(0.02, 0.98, 49)


def test_no_bonds_no_association_free_energy():
    model = AssociationModel(0.0, 0.0, 0.0, 0.85)
    phi_b1, phi_a1 = model.free_fractions(PHIS)
    np.testing.assert_allclose(phi_b1, PHIS, rtol=1e-12)
    np.testing.assert_allclose(phi_a1, 1 - PHIS, rtol=1e-12)
    np.testing.assert_allclose(model.free_energy(PHIS), 0.0, atol=1e-12)


def test_the_pure_components_have_no_mixing_free_energy():
    model = AssociationModel(21.0, 66.8, 40.0, 0.85)
    assert model.free_energy(np.array([1.0 - 1e-12]))[0] == pytest.approx(0.0, abs=1e-9)
    assert model.free_energy(np.array([1e-12]))[0] == pytest.approx(0.0, abs=1e-9)


def test_a_one_to_one_complex_meets_its_quadratic():
    """K2 = K_B = 0: Φ_A1 = Φ_A/(1 + K_A Φ_B1) and Φ_B = Φ_B1 (1 + K_A Φ_A1/r) give
    r K_A Φ_B1² + (r + K_A Φ_A − r K_A Φ_B) Φ_B1 − r Φ_B = 0."""
    ka, r = 30.0, 0.7
    phi_b1, phi_a1 = AssociationModel(0.0, 0.0, ka, r).free_fractions(PHIS)
    b = r + ka * (1 - PHIS) - r * ka * PHIS
    root = (-b + np.sqrt(b**2 + 4 * r * ka * r * PHIS)) / (2 * r * ka)
    np.testing.assert_allclose(phi_b1, root, rtol=1e-10)
    np.testing.assert_allclose(phi_a1, (1 - PHIS) / (1 + ka * root), rtol=1e-10)


def test_pure_pvph_free_fraction_is_the_root_of_its_cubic():
    """Pure B: 1 = Φ_B1 [(1 − K2/K_B) + (K2/K_B)/(1 − K_B Φ_B1)²], i.e. with y = K_B Φ_B1 the cubic
    (1 − s) y (1 − y)² + s y = K_B (1 − y)², s = K2/K_B, whose root below 1 is the free fraction."""
    donor = self_association("PVPh")
    model = donor.at(donor.reference_temperature_k)
    s = donor.k2 / donor.kb
    # (1 − s)(y³ − 2y² + y) + s y − K_B (y² − 2y + 1) = 0
    roots = np.roots([1 - s, -2 * (1 - s) - donor.kb, (1 - s) + s + 2 * donor.kb, -donor.kb])
    y = min(r.real for r in roots if abs(r.imag) < 1e-12 and 0 < r.real < 1)
    phi_b1, _ = model.free_fractions(np.array([1.0]))
    assert phi_b1[0] == pytest.approx(y / donor.kb, rel=1e-10)


@pytest.mark.parametrize("k2, kb, ka, r", [(21.0, 66.8, 0.0, 0.85), (21.0, 66.8, 37.4, 0.85), (5.0, 10.0, 200.0, 2.0)])
def test_free_segment_potentials_are_the_derivatives_of_the_free_energy(k2, kb, ka, r):
    """Independent route (Gibbs–Duhem): with f = ΔG_H + Φ_B ln Φ_B + (Φ_A/r) ln Φ_A per V_B site, the
    chemical potentials are Δμ_B = f + Φ_A f' and Δμ_A = r (f − Φ_B f'); the model gives them from the
    free segments alone (ln(Φ_B1/Φ_B1⁰) − ν + ν⁰ and ln Φ_A1 + 1 − r ν)."""
    model = AssociationModel(k2, kb, ka, r)

    def f(phi):
        return model.free_energy(phi) + phi * np.log(phi) + (1 - phi) / r * np.log(1 - phi)

    h = 1e-5
    slope = (f(PHIS + h) - f(PHIS - h)) / (2 * h)
    mu_b, mu_a = model.chemical_potentials(PHIS)
    np.testing.assert_allclose(mu_b, f(PHIS) + (1 - PHIS) * slope, atol=1e-7)
    np.testing.assert_allclose(mu_a, r * (f(PHIS) - PHIS * slope), atol=1e-7)


def test_self_association_alone_opposes_mixing_and_inter_association_favours_it():
    """Dilution breaks B–B bonds: ΔG_H > 0 with K_A = 0 (Coleman & Painter, Prog. Polym. Sci. 20, 1
    (1995)); a strong enough K_A makes it negative, and ΔG_H falls as K_A grows."""
    donor = self_association("PVPh")
    t = donor.reference_temperature_k
    alone, weak, strong = (donor.at(t, ka, 85.0).free_energy(PHIS) for ka in (0.0, 10.0, 200.0))
    assert np.all(alone > 0)
    assert np.all(strong < weak) and np.all(weak < alone)
    assert np.all(strong < 0)


def test_van_t_hoff():
    """Exothermic bonds (h < 0) weaken on heating: K(T) = K_ref exp[−(h/R)(1/T − 1/T_ref)]."""
    k = equilibrium_constant(21.0, -5.6, np.array([298.15, 398.15]), 298.15)
    assert k[0] == pytest.approx(21.0)
    assert k[1] == pytest.approx(21.0 * np.exp(5.6 * 4184 / 8.314462618 * (1 / 398.15 - 1 / 298.15)), rel=1e-6)
    donor = self_association("PVPh")
    assert donor.at(398.15).kb < donor.kb


def test_miscibility_switches_at_the_least_inter_association():
    """With χ from δ (PVPh 10.6, an ester 9.1 (cal/cm³)^0.5) and M = 1000, the least K_A mixes the
    blend and 0.9 of it does not; the blend is convex above it and not below (an independent check:
    the minimum of the second difference of ΔG_M itself)."""
    donor = self_association("PVPh")
    t = 298.15
    chi = nonspecific_chi(9.1 * 2.0455, 10.6 * 2.0455, donor.molar_volume_cm3_per_mol, t)
    least = minimum_interassociation(donor, t, chi, 1000.0, 1000.0, 85.0)
    assert 0 < least < np.inf
    phis = np.linspace(0.01, 0.99, 99)
    for ka, mixes in ((least * 1.02, True), (least * 0.9, False)):
        model = donor.at(t, ka, 85.0)
        assert is_miscible(model, chi, 1000.0, 1000.0) is mixes
        f = blend_free_energy(np.concatenate([phis - 1e-3, phis, phis + 1e-3]), model, chi, 1000.0, 1000.0)
        below, at, above = np.split(f, 3)
        assert bool(np.min(below - 2 * at + above) > 0) is mixes


def test_bad_constants_and_unknown_donors_are_refused():
    with pytest.raises(InputError, match="K2"):
        AssociationModel(80.0, 66.8, 0.0, 1.0)
    with pytest.raises(InputError, match="K2"):
        AssociationModel(21.0, 66.8, -1.0, 1.0)
    with pytest.raises(InputError, match="PVPh"):
        self_association("nylon 6")
    with pytest.raises(InputError):
        self_association("PVPh").at(-300.0)
