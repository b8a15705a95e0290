"""The training options the hyperparameter choice compares: they change what they say, nothing else."""

import json
from dataclasses import replace

import numpy as np
import pytest

from chiapp.descriptors import (
    POLYMER_DESCRIPTOR_NAMES,
    SOLVENT_DESCRIPTOR_NAMES,
    polymer_descriptors,
    solvent_descriptors,
)
from training.fit import PHYSICAL_DESCRIPTORS, Config, Tables, fit
from training.select import CANDIDATES, SELECTION_FILE, candidate_config

TINY = Config(n_members=2, hidden=16, latent=4, n_steps=60, dropout=0.0, learning_rate=1e-2, seed=3)


def _descriptors(data):
    return (np.stack([polymer_descriptors(p) for p in data["polymer"]]),
            np.stack([solvent_descriptors(s) for s in data["solvent"]]))


def _shift_physical(xp, xs):
    xp, xs = xp.copy(), xs.copy()
    for x, names in ((xp, POLYMER_DESCRIPTOR_NAMES), (xs, SOLVENT_DESCRIPTOR_NAMES)):
        x[:, [names.index(n) for n in PHYSICAL_DESCRIPTORS if n in names]] += 3.0
    return xp, xs


@pytest.mark.parametrize("hansen_inputs", [True, False])
def test_blinded_physical_inputs_do_not_reach_the_prediction(hansen_inputs, synthetic):
    data = synthetic
    model = fit(Tables(data), replace(TINY, hansen_inputs=hansen_inputs))
    xp, xs = _descriptors(data)
    before = model.coefficients(xp, xs).a
    after = model.coefficients(*_shift_physical(xp, xs)).a
    if hansen_inputs:
        assert np.abs(after - before).max() > 1e-3
    else:
        np.testing.assert_array_equal(after, before)


def test_hansen_z_needs_the_hansen_inputs():
    with pytest.raises(ValueError, match="hansen_inputs"):
        Config(hansen_z=True, hansen_inputs=False)


def test_hansen_z_model_uses_the_hansen_terms(synthetic):
    data = synthetic
    model = fit(Tables(data), replace(TINY, hansen_z=True))
    assert model.manifest["architecture"]["hansen_z"] is True
    xp, xs = _descriptors(data)
    z = model.latent_distance(xp, xs)
    assert z.shape[-1] == TINY.latent + 3
    assert np.all(z[..., -3:] >= 0) and np.any(z[..., -3:] > 0)  # squared differences, not all zero


def test_shipped_config_is_the_recorded_choice():
    record = json.loads(SELECTION_FILE.read_text())
    assert record["selected"] in CANDIDATES
    assert Config() == candidate_config(record["selected"])
    assert record["config"] == Config().__dict__


def test_latent_chi_ab_of_a_hansen_z_model_adds_the_hansen_terms(synthetic):
    """χ_AB of two polymers (chiapp.compatibility) under a model with Hansen terms in z: per member, the
    latent part plus Σ_h w_h(T)·V_site·Δδ_h²/(R·T_ref)/scale_h, all moved to V_ref (its docstring's
    closed form, δ from the Hansen estimator); zero for a polymer with itself, symmetric."""
    from chiapp.chemistry import parse_polymer
    from chiapp.compatibility import REFERENCE_VOLUME_CM3_PER_MOL, _site_volume_cm3_per_mol, latent_chi_members
    from chiapp.hansen import GAS_CONSTANT_J_PER_MOL_K, estimate_hansen
    from chiapp.library import resolve_polymer
    from chiapp.model import T_REF_K

    model = fit(Tables(synthetic), replace(TINY, hansen_z=True))
    names = ("PS", "PMMA", "PVC")
    smiles = [resolve_polymer(n).smiles for n in names]
    x = np.stack([polymer_descriptors(s) for s in smiles])
    t = 450.0
    members = latent_chi_members(model, x, x, t)
    assert np.all(members[:, [0, 1, 2], [0, 1, 2]] == 0.0)
    np.testing.assert_allclose(members, members.transpose(0, 2, 1), atol=1e-12)

    u, _ = model.latent("polymer", x[:2])
    w = model._w["head.experimental.w"]
    weights = w[:, :, 0] + w[:, :, 1] * T_REF_K / t
    latent = u.shape[-1]
    a, b = (estimate_hansen(parse_polymer(s)) for s in smiles[:2])
    delta2 = np.array([(a.delta_d_mpa05 - b.delta_d_mpa05) ** 2, (a.delta_p_mpa05 - b.delta_p_mpa05) ** 2,
                       (a.delta_h_mpa05 - b.delta_h_mpa05) ** 2])
    site = _site_volume_cm3_per_mol()
    hansen = weights[:, latent:] @ (site * delta2 / (GAS_CONSTANT_J_PER_MOL_K * T_REF_K) / model._w["hansen.scale"])
    expected = (((u[:, 0] - u[:, 1]) ** 2 * weights[:, :latent]).sum(1) + hansen) * REFERENCE_VOLUME_CM3_PER_MOL / site
    expected = expected.mean() + model.spread_scale * (expected - expected.mean())
    np.testing.assert_allclose(members[:, 0, 1], expected, rtol=1e-6)
    assert np.abs(hansen).max() > 1e-3 * np.abs(expected).max()  # the Hansen part is not nothing
