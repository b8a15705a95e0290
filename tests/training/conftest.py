"""A synthetic χ table small enough to train on in seconds."""

import pandas as pd
import pytest

from chiapp.chemistry import canonical_polymer

POLYMERS = ["*CC*", "*CC(*)c1ccccc1", "*CC(*)(C)C(=O)OC", "*CCO*", "*CC(*)Cl", "*CC(*)OC(C)=O"]
SOLVENTS = ["CCCCCC", "Cc1ccccc1", "CC(C)=O", "CCO", "ClC(Cl)Cl", "O"]
TEMPERATURES_K = (300.0, 360.0)


@pytest.fixture
def synthetic() -> pd.DataFrame:
    # chi = 0.3 + 0.2 (i_p - i_s)^2 / 25 + 60 K / T: a smooth, learnable pattern of the indices
    rows = [(p, s, t, 0.3 + 0.2 * (i - j) ** 2 / 25 + 60.0 / t)
            for i, p in enumerate(POLYMERS) for j, s in enumerate(SOLVENTS) for t in TEMPERATURES_K]
    frame = pd.DataFrame(rows, columns=["polymer", "solvent", "temperature_k", "chi"])
    return frame.assign(polymer_key=frame["polymer"].map(canonical_polymer))
