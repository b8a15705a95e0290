"""The quantum-chemistry auxiliary task and the solvent classes of its benchmark."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.qc_task import solvent_class
from chiapp.chemistry import canonical_polymer, canonical_solvent
from chiapp.posterior import QC_CLIP
from chiapp.quantum.chi import chi_infinite_dilution
from chiapp.quantum.sigma import read_profile_table
from training.data import CHI_FILE, DEFAULT_DATA_DIR
from training.fit import Config
from training.qc_task import N_QC_PAIRS, TEMPERATURES_K, build_qc

DATA_DIR = DEFAULT_DATA_DIR
needs_data = pytest.mark.skipif(not (DATA_DIR / CHI_FILE).is_file(),
                                reason=f"training data not found at {DATA_DIR} (set CHIAPP_DATA_DIR)")


@pytest.mark.parametrize("smiles, expected", [
    ("O", "water"), ("CN(C)C=O", "polar aprotic"), ("CN1CCCC1=O", "polar aprotic"), ("CS(C)=O", "polar aprotic"),
    ("CC#N", "polar aprotic"), ("CC(C)=O", "polar aprotic"), ("CCOC(C)=O", "polar aprotic"), ("CCO", "alcohols"),
    ("Oc1ccccc1", "alcohols"), ("OC(C(F)(F)F)C(F)(F)F", "fluorinated"), ("ClC(Cl)Cl", "chlorinated"),
    ("Cc1ccccc1", "hydrocarbons"), ("CCCCCC", "hydrocarbons"), ("C1CCOC1", "other"), ("CCN", "other")])
def test_solvent_classes(smiles, expected):
    assert solvent_class(smiles) == expected


def test_auxiliary_task_is_hansen_or_qc():
    assert Config().auxiliary_task == "hansen"  # the shipped model's
    with pytest.raises(ValueError, match="auxiliary_task"):
        Config(auxiliary_task="cosmo-rs")


@needs_data
def test_qc_task_has_ten_thousand_pairs_computed_from_the_shipped_profiles():
    from training.data import load_training_data

    data = load_training_data(DATA_DIR)
    table = build_qc(data, seed=0)
    pairs = table.drop_duplicates(["polymer_key", "solvent"])
    assert len(pairs) == N_QC_PAIRS and len(table) == N_QC_PAIRS * len(TEMPERATURES_K)
    assert table["chi"].between(*QC_CLIP).all()
    # every measured pair whose molecules have profiles is in it
    measured = set(zip(data.experimental["polymer_key"], data.experimental["solvent"]))
    assert len(measured & set(zip(pairs["polymer_key"], pairs["solvent"]))) >= 0.95 * len(measured)
    # values: the pair-by-pair COSMO-SAC of the shipped profiles (an independent route to the grid)
    profiles = read_profile_table()
    for row in table.sample(5, random_state=1).itertuples():
        residual, _ = chi_infinite_dilution(profiles[("polymer", canonical_polymer(row.polymer))],
                                            profiles[("solvent", canonical_solvent(row.solvent))], [row.temperature_k])
        assert row.chi == pytest.approx(float(np.clip(residual[0], *QC_CLIP)), abs=1e-6)
