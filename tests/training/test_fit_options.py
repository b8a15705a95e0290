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
