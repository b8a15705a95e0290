"""The literature sets of tests/data: every name resolves, every row has a source, sizes as promised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from chiapp.library import resolve_polymer, resolve_solvent

DATA = Path(__file__).resolve().parents[1] / "data"


def _table(name: str) -> pd.DataFrame:
    table = pd.read_csv(DATA / name)
    assert table["source"].fillna("").str.len().gt(10).all(), f"{name}: a row has no source"
    return table


def test_polymer_blends_set():
    table = _table("polymer_blends.csv")
    assert len(table) >= 25 and set(table["miscible"]) == {0, 1}
    for row in table.itertuples(index=False):
        assert resolve_polymer(row.polymer_a).smiles != resolve_polymer(row.polymer_b).smiles


def test_cosolvency_set():
    table = _table("cosolvency.csv")
    assert len(table) >= 5
    for row in table.itertuples(index=False):
        resolve_polymer(row.polymer)
        assert resolve_solvent(row.solvent_1).smiles != resolve_solvent(row.solvent_2).smiles
        assert 0 < row.fraction_1 < 1


def test_solubility_facts_set():
    table = _table("solubility_facts.csv")
    assert set(table["kind"]) <= {"dissolves", "does_not_dissolve", "chi", "theta_c"}
    assert table["kind"].isin(["dissolves", "does_not_dissolve"]).sum() >= 80
    assert (table["kind"] == "theta_c").sum() >= 1 and (table["kind"] == "chi").sum() >= 1
    assert table["temperature_c"].notna().all()
    for row in table.itertuples(index=False):
        resolve_polymer(row.polymer)
        resolve_solvent(row.solvent)
    theta = table[table["kind"] == "theta_c"]
    assert (theta["value"] == theta["temperature_c"]).all()


def test_ternary_facts_set():
    table = _table("ternary_facts.csv")
    assert set(table["kind"]) <= {"critical_polymer_wt", "gap_grows_with_temperature", "chi_polymer_antisolvent",
                                  "cloud_point_antisolvent_vol"}
    grows = table[table["kind"] == "gap_grows_with_temperature"]
    assert (grows["temperature_high_c"] > grows["temperature_c"]).all()
    for row in table.itertuples(index=False):
        resolve_polymer(row.polymer)
        if row.kind == "chi_polymer_antisolvent":   # a binary fact: the source does not name the solvents
            resolve_solvent(row.antisolvent)
        else:
            assert resolve_solvent(row.solvent).smiles != resolve_solvent(row.antisolvent).smiles
