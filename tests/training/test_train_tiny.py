"""Train a tiny model end to end on a synthetic set, save it, load it and predict through the API."""

import numpy as np
import pandas as pd
import pytest

from chiapp import predict_batch, predict_chi
from chiapp.chemistry import canonical_polymer
from chiapp.model import ChiModel
from training.fit import Config, Tables, fit
from training.train import domain_entry, write_model

POLYMERS = ["*CC*", "*CC(*)c1ccccc1", "*CC(*)(C)C(=O)OC", "*CCO*", "*CC(*)Cl", "*CC(*)OC(C)=O"]
SOLVENTS = ["CCCCCC", "Cc1ccccc1", "CC(C)=O", "CCO", "ClC(Cl)Cl", "O"]
TEMPERATURES_K = (300.0, 360.0)


def _synthetic() -> pd.DataFrame:
    # chi = 0.3 + 0.2 (i_p - i_s)^2 / 25 + 60 K / T: a smooth, learnable pattern of the indices
    rows = [(p, s, t, 0.3 + 0.2 * (i - j) ** 2 / 25 + 60.0 / t)
            for i, p in enumerate(POLYMERS) for j, s in enumerate(SOLVENTS) for t in TEMPERATURES_K]
    frame = pd.DataFrame(rows, columns=["polymer", "solvent", "temperature_k", "chi"])
    return frame.assign(polymer_key=frame["polymer"].map(canonical_polymer))


def test_tiny_model_trains_saves_loads_and_predicts(tmp_path):
    data = _synthetic()
    config = Config(n_members=2, hidden=16, latent=4, n_steps=300, dropout=0.0, learning_rate=1e-2, seed=3)
    model = fit(Tables(data), config)
    write_model(model, {"calibration": {"spread_scale": 1.0}, "domain": domain_entry(data, spread_threshold=1.0)}, tmp_path)

    loaded = ChiModel.load(tmp_path)
    batch = predict_batch(data[["polymer", "solvent", "temperature_k"]], model=loaded)
    error = np.abs(batch["chi"] - data["chi"]).mean()
    baseline = np.abs(data["chi"] - data["chi"].mean()).mean()
    assert error < 0.5 * baseline  # it learned the pattern, not just the mean

    p = predict_chi("*CC*", "CCCCCC", list(TEMPERATURES_K), model=loaded)
    assert p.in_domain and p.chi.shape == (2,)
    assert p.chi[0] == pytest.approx(batch["chi"][0], abs=1e-9)
