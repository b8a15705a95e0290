"""The library build: values against the literature, and invariants of the shipped CSV files.

Literature values: CRC Handbook of Chemistry and Physics, 97th ed. (2016), "Physical constants of
organic compounds" and "Density of water"; Hansen, Hansen Solubility Parameters: A User's Handbook,
2nd ed. (CRC 2007), Table A.1.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from chiapp.chemistry import canonical_polymer, canonical_solvent, parse_polymer, parse_solvent
from chiapp.library import CHEM21_CLASSES, POLYMERS_FILE, SOLVENTS_FILE

_SCRIPT = Path(__file__).resolve().parents[2] / "training" / "build_libraries.py"
_spec = importlib.util.spec_from_file_location("build_libraries", _SCRIPT)
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

_DATA = build.DEFAULT_DATA_DIR / "mtl_chiparameter" / "data_Chi.csv"


@pytest.fixture(scope="module")
def handful() -> pd.DataFrame:
    entries = [e for e in build.SOLVENT_ENTRIES if e[0] in ("toluene", "water", "acetone", "n-hexane")]
    return build.build_solvent_table(entries, chem21={"108-88-3": "problematic"}).set_index("name")


# name, boiling point [°C], density at 25 °C [g/cm3], molecular weight [g/mol]
_LITERATURE = [
    ("toluene", 110.6, 0.8623, 92.138),
    ("water", 99.97, 0.99705, 18.015),
    ("acetone", 56.05, 0.7845, 58.079),
    ("n-hexane", 68.73, 0.6548, 86.175),
]


@pytest.mark.parametrize("name, boiling_point_c, density_g_per_cm3, molecular_weight", _LITERATURE)
def test_build_solvent_boiling_point_and_molar_volume_match_literature(
        handful, name, boiling_point_c, density_g_per_cm3, molecular_weight):
    row = handful.loc[name]
    assert row["boiling_point_c"] == pytest.approx(boiling_point_c, abs=0.3)
    assert row["molar_volume_cm3_per_mol"] == pytest.approx(molecular_weight / density_g_per_cm3, rel=0.005)


def test_build_solvent_flash_point_and_hansen_match_literature(handful):
    toluene, acetone = handful.loc["toluene"], handful.loc["acetone"]
    assert toluene["flash_point_c"] == pytest.approx(4.0, abs=2.0)  # closed cup
    assert acetone["flash_point_c"] == pytest.approx(-20.0, abs=2.0)
    hansen = [toluene[f"delta_{k}_mpa05"] for k in "dph"]
    assert hansen == pytest.approx([18.0, 1.4, 2.0], abs=0.15)
    hansen = [acetone[f"delta_{k}_mpa05"] for k in "dph"]
    assert hansen == pytest.approx([15.5, 10.4, 7.0], abs=0.15)


def test_build_solvent_water_has_no_flash_point_and_records_sources(handful):
    water = handful.loc["water"]
    assert water["flash_point_c"] == "" and water["flash_point_source"] == ""
    assert water["molar_volume_source"] and water["boiling_point_source"]


def test_build_solvent_applies_chem21_classes_by_cas(handful):
    assert handful.loc["toluene", "chem21_class"] == "problematic"
    assert handful.loc["water", "chem21_class"] == ""


def test_build_polymer_refuses_a_training_polymer_without_a_name():
    with pytest.raises(ValueError, match="without a curated entry"):
        build.build_polymer_table(build.POLYMER_ENTRIES[:3], ["*CC(*)c1ccccc1"])


def test_load_chem21_refuses_an_unknown_class(tmp_path):
    path = tmp_path / "chem21.csv"
    path.write_text("cas,name,chem21_class\n108-88-3,toluene,fine\n")
    with pytest.raises(ValueError, match="unknown classes"):
        build.load_chem21(path)


# ---------------------------------------------------------------------------------------------
# The shipped files

@pytest.fixture(scope="module")
def solvents() -> pd.DataFrame:
    table = pd.read_csv(SOLVENTS_FILE, dtype={"chem21_class": str, "cas": str})
    table["chem21_class"] = table["chem21_class"].fillna("")
    return table


@pytest.fixture(scope="module")
def polymers() -> pd.DataFrame:
    return pd.read_csv(POLYMERS_FILE)


def test_shipped_solvents_are_many_valid_and_distinct(solvents):
    assert len(solvents) >= 300
    canonical = [canonical_solvent(s) for s in solvents["smiles"]]  # raises on an invalid one
    assert canonical == list(solvents["smiles"])
    assert not pd.Series(canonical).duplicated().any()
    assert not solvents["cas"].duplicated().any()
    assert set(solvents["chem21_class"].fillna("")) <= set(CHEM21_CLASSES) | {""}


def test_shipped_solvents_have_plausible_values(solvents):
    volume = solvents["molar_volume_cm3_per_mol"].dropna()
    assert volume.between(15, 700).all()  # water 18 ... large esters
    assert (solvents["boiling_point_c"].dropna() > -60).all()
    assert solvents[[f"delta_{k}_mpa05" for k in "dph"]].stack().dropna().between(0, 50).all()
    assert solvents.loc[solvents["name"] == "chloroform", "chem21_class"].item() == "highly hazardous"


def test_shipped_polymers_are_many_valid_and_distinct(polymers):
    assert len(polymers) >= 60
    for smiles in polymers["smiles"]:
        parse_polymer(smiles)
    assert not polymers["smiles"].duplicated().any()
    assert not polymers["name"].str.lower().duplicated().any()
    density = polymers["density_g_per_cm3"].dropna()
    assert density.between(0.8, 2.3).all()
    assert (polymers["molecular_weight_g_per_mol"] > 1000).all()
    assert polymers.loc[polymers["density_g_per_cm3"].notna(), "density_source"].str.len().gt(0).all()


def test_shipped_polymer_2d_duplicates_are_only_stereoisomers(polymers):
    keys = polymers["smiles"].map(canonical_polymer)
    for _, group in polymers[keys.duplicated(keep=False)].groupby(keys):
        assert group["smiles"].str.contains("/|\\\\|@").all(), group["name"].tolist()


@pytest.mark.skipif(not _DATA.exists(), reason="training data not beside the repository")
def test_shipped_libraries_hold_every_training_structure(solvents, polymers):
    training_polymers, training_solvents = build.training_structures()
    assert {canonical_solvent(s) for s in training_solvents} <= set(solvents["smiles"])
    assert set(training_polymers) <= set(polymers["smiles"])
    assert solvents["in_training_data"].sum() == len(training_solvents) == 140
    assert polymers["in_training_data"].sum() == len(training_polymers) == 46


def test_shipped_solvents_parse_as_solvents_not_polymers(solvents):
    for smiles in solvents["smiles"]:
        parse_solvent(smiles)
