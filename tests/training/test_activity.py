"""The measured activity table ships as ``python -m training.activity`` builds it from the pinned thermo."""

from __future__ import annotations

import pandas as pd

from chiapp.chemistry import canonical_solvent
from chiapp.resources import asset_path
from training.activity import build


def test_the_activity_table_is_what_the_builder_writes(tmp_path):
    out = tmp_path / "activity_nrtl.csv"
    n = build(out)
    assert out.read_bytes() == asset_path("evidence", "activity_nrtl.csv").read_bytes()
    table = pd.read_csv(out)
    assert n == len(table) > 250
    assert (table["alpha12"] > 0).all() and (table["alpha12"] <= 1).all()
    pairs = {frozenset(p) for p in zip(table["key_1"], table["key_2"])}
    assert len(pairs) == len(table)                                  # one parameter set a pair
    assert frozenset((canonical_solvent("CCO"), canonical_solvent("O"))) in pairs
