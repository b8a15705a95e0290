"""Properties of the blend mixing rule and the blend critical value (Hypothesis, real model)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiapp.blends import blend_coefficients
from chiapp.compatibility import blend_critical_chi
from chiapp.descriptors import SOLVENT_DESCRIPTOR_NAMES, polymer_descriptors, solvent_descriptors
from chiapp.library import resolve_solvent
from chiapp.prediction import load_model
from chiapp.solvent_blend import hansen_blend_row

SOLVENTS = ("toluene", "acetone", "water", "ethanol", "n-hexane", "chloroform", "1-chlorobutane", "acetonitrile")
POLYMERS = ("*CC(*)c1ccccc1", "*CC(*)(C)C(=O)OC", "*CCO*", "*CC*")


@cache
def _solvent_x(name: str) -> np.ndarray:
    return solvent_descriptors(resolve_solvent(name).smiles)


@settings(max_examples=40, deadline=None)
@given(polymer=st.sampled_from(POLYMERS), pair=st.permutations(SOLVENTS).map(lambda p: p[:2]),
       phi=st.floats(0.0, 1.0))
def test_blend_is_symmetric_and_between_linear_mixing_and_its_cross_term(polymer, pair, phi):
    model = load_model()
    p = polymer_descriptors(polymer)
    s = np.stack([_solvent_x(pair[0]), _solvent_x(pair[1])])
    one = blend_coefficients(model, p, s, [phi, 1.0 - phi])
    two = blend_coefficients(model, p, s[::-1], [1.0 - phi, phi])
    np.testing.assert_allclose(one.a, two.a, atol=1e-10)
    np.testing.assert_allclose(one.b_k, two.b_k, atol=1e-7)
    # the deviation from linear mixing vanishes at both ends and is quadratic, φ(1−φ)·χ_12
    pure = model.coefficients(np.repeat(p[None], 2, axis=0), s)
    linear = phi * pure.a[:, 0] + (1 - phi) * pure.a[:, 1]
    half = blend_coefficients(model, p, s, [0.5, 0.5]).a[:, 0] - 0.5 * (pure.a[:, 0] + pure.a[:, 1])
    np.testing.assert_allclose(one.a[:, 0] - linear, 4.0 * phi * (1 - phi) * half, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(n_a=st.floats(1.0, 1e7), n_b=st.floats(1.0, 1e7))
def test_blend_critical_chi_is_symmetric_and_bounded_by_the_shorter_chain(n_a, n_b):
    chi_c = blend_critical_chi(n_a, n_b)
    assert chi_c == blend_critical_chi(n_b, n_a)
    shorter = min(n_a, n_b)
    assert 0.5 / shorter - 1e-15 <= chi_c <= 2.0 / shorter + 1e-15


@given(phi=st.floats(0.01, 0.99))
def test_hansen_inputs_of_a_blend_mix_delta_linearly_and_volume_per_molecule(phi):
    x = np.stack([_solvent_x("toluene"), _solvent_x("acetone")])
    row = hansen_blend_row(x, np.array([phi, 1 - phi]))
    d = SOLVENT_DESCRIPTOR_NAMES.index("hansen_delta_d")
    v = SOLVENT_DESCRIPTOR_NAMES.index("log_molar_volume")
    assert row[d] == pytest.approx(phi * x[0, d] + (1 - phi) * x[1, d], rel=1e-14)
    expected = 1.0 / (phi / np.exp(x[0, v]) + (1 - phi) / np.exp(x[1, v]))
    assert np.exp(row[v]) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(polymer=st.sampled_from(POLYMERS), pair=st.permutations(SOLVENTS).map(lambda p: p[:2]),
       phi=st.floats(0.0, 1.0))
def test_the_engines_factored_blend_equals_the_mixing_rule_written_on_z(polymer, pair, phi):
    """Two routes to a blend's coefficients: the answer engine's factors (chiapp.features.blend_features,
    the heads linear in u² − r²) and the rule written directly on z (chiapp.blends.blend_coefficients)."""
    from chiapp.features import polymer_features, solvent_features
    from chiapp.solvent_blend import Blend

    model = load_model()
    p = polymer_features(polymer, model=model)
    components = [solvent_features(name, model=model) for name in pair]
    blend = Blend(tuple(c.molecule for c in components), (phi, 1.0 - phi), (100.0, 100.0), (np.nan, np.nan), ("", ""))
    from chiapp.features import blend_features

    mixed = blend_features(blend, components, model)
    factored = model.pair_from_factors(
        model.factors("polymer", p.x[None]), type(model.factors("solvent", mixed.x[None]))(
            "solvent", "experimental", mixed.vectors[:, None, :], mixed.terms[:, None, :]))
    direct = blend_coefficients(model, p.x, np.stack([c.x for c in components]), [phi, 1.0 - phi])
    np.testing.assert_allclose(factored.a, direct.a, atol=1e-10)
    np.testing.assert_allclose(factored.b_k, direct.b_k, atol=1e-7)
