"""Train a tiny model end to end on a synthetic set, save it, load it and predict through the API."""

import numpy as np
import pytest

from chiapp import predict_batch, predict_chi
from chiapp.model import ChiModel
from training.fit import Config, Tables, fit
from training.train import domain_entry, write_model


def test_tiny_model_trains_saves_loads_and_predicts(tmp_path, synthetic):
    data = synthetic
    config = Config(n_members=2, hidden=16, latent=4, n_steps=600, dropout=0.0, learning_rate=1e-2, seed=3)
    model = fit(Tables(data), config)
    # a posterior whose prior is flat (σ huge) and spread weight 1: it returns the ensemble itself
    flat = {"prior_intercept": 0.0, "prior_slope": 0.0, "prior_sigma": 1e6, "prior_intercept_unknown": 0.0,
            "prior_sigma_unknown": 1e6, "spread_weight": 1.0, "sigma_scale": 1.0, "measurement_sigma": 0.1,
            "label_sigma": 0.1}
    write_model(model, {"calibration": {"spread_scale": 1.0}, "domain": domain_entry(data, spread_threshold=1.0),
                        "posterior": {"parameters": flat}}, tmp_path)

    loaded = ChiModel.load(tmp_path)
    batch = predict_batch(data[["polymer", "solvent", "temperature_k"]], model=loaded)
    # flat prior: the posterior is the ensemble, but for the shipped evidence of real pairs (PE in hexane)
    assert np.abs(batch["chi"] - batch["ensemble_chi"]).max() < 0.05
    error = np.abs(batch["chi"] - data["chi"]).mean()
    baseline = np.abs(data["chi"] - data["chi"].mean()).mean()
    assert error < 0.5 * baseline  # it learned the pattern, not just the mean

    p = predict_chi("*CC*", "CCCCCC", [300.0, 360.0], model=loaded)
    assert p.in_domain and p.chi.shape == (2,)
    assert p.chi[0] == pytest.approx(batch["chi"][0], abs=1e-9)
