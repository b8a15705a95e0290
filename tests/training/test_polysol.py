"""Tests of training.polysol: monomer -> repeat unit rules, curated table, solvent checks, counts.

Expected repeat units are written by hand from the polymer chemistry (head-to-tail vinyl
addition, 1,4-addition of dienes, ring-opening at the heteroatom-alkyl bond), not copied from
a run of the code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdkit import Chem

from training.polysol import (
    RepeatUnitConversion,
    load_polysol,
    load_polysol_fixes,
    monomer_to_repeat_unit,
    polysol_report,
)


def _data_dir() -> Path:
    env = os.environ.get("CHIAPP_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"


DATA_DIR = _data_dir()
needs_data = pytest.mark.skipif(
    not (DATA_DIR / "polysol" / "polysol_homopolymers.csv").is_file(),
    reason=f"PolySol data not found at {DATA_DIR} (set CHIAPP_DATA_DIR to the shared data directory)",
)


def _same(a: str, b: str) -> bool:
    return Chem.MolToSmiles(Chem.MolFromSmiles(a)) == Chem.MolToSmiles(Chem.MolFromSmiles(b))


@pytest.mark.parametrize(
    ("monomer", "expected", "rule"),
    [
        ("C=Cc1ccccc1", "*CC(*)c1ccccc1", "vinyl"),  # styrene
        ("C=C(C)C(=O)OC", "*CC(*)(C)C(=O)OC", "vinyl"),  # methyl methacrylate
        ("C=COC(C)=O", "*CC(*)OC(C)=O", "vinyl"),  # vinyl acetate
        ("C=C(Cl)Cl", "*CC(*)(Cl)Cl", "vinyl"),  # vinylidene chloride
        ("C=CN1CCCC1=O", "*CC(*)N1CCCC1=O", "vinyl"),  # N-vinylpyrrolidone: the lactam stays
        ("C=CC=C", "*CC=CC*", "diene_1_4"),  # butadiene
        ("C=CC(=C)C", "*CC(C)=CC*", "diene_1_4"),  # isoprene
        ("C=CC(=C)Cl", "*CC(Cl)=CC*", "diene_1_4"),  # chloroprene
        ("C#C", "*C=C*", "alkyne"),  # acetylene
        ("C#Cc1ccccc1", "*C=C(*)c1ccccc1", "alkyne"),  # phenylacetylene
        ("C1CO1", "*CCO*", "ring_opening"),  # ethylene oxide
        ("C1CCOC1", "*CCCCO*", "ring_opening"),  # tetrahydrofuran
        ("ClCC1CO1", "*CC(CCl)O*", "ring_opening"),  # epichlorohydrin, O-CH2 bond broken
        ("O=C1CCCCCO1", "*CCCCCC(=O)O*", "ring_opening"),  # epsilon-caprolactone
        ("O=C1CCCCCN1", "*CCCCCC(=O)N*", "ring_opening"),  # caprolactam
        ("O=C1CCCCC(=O)OCCCCO1", "*CCCCOC(=O)CCCCC(=O)O*", "ring_opening"),  # cyclic butylene adipate
        ("C=O", "*CO*", "aldehyde"),  # formaldehyde
        ("CC=O", "*C(C)O*", "aldehyde"),  # acetaldehyde
        ("CC(O)C(=O)O", "*C(C)C(=O)O*", "ab_condensation"),  # lactic acid
        ("NCCCCCC(=O)O", "*CCCCCC(=O)N*", "ab_condensation"),  # 6-aminohexanoic acid = nylon 6
    ],
)
def test_monomer_to_repeat_unit_matches_hand_written(monomer, expected, rule):
    result = monomer_to_repeat_unit(monomer)
    assert result.rule == rule
    assert _same(result.repeat_unit_smiles, expected)


@pytest.mark.parametrize(
    ("monomer", "reason"),
    [
        ("C=CC(=O)OCCOC(=O)C=C", "nonconjugated_polyene"),  # ethylene glycol diacrylate
        ("C=Cc1ccc(C=C)cc1", "nonconjugated_polyene"),  # divinylbenzene
        ("C=CCN(C(=O)C=C)C(C)(C)C", "nonconjugated_polyene"),  # N-allylacrylamide
        ("C=C=C", "cumulated_double_bond"),  # allene
        ("O=CCCCC=O", "ambiguous_mechanism"),  # glutaraldehyde: cyclopolymerization
        ("C=CC1CC(=O)O1", "ambiguous_mechanism"),  # vinyl beta-lactone: vinyl or ring-opening
        ("C1=CCC=C1", "cyclic_diene"),  # cyclopentadiene: 1,2 or 1,4
        ("CC12C=CC(CC1)C2", "cyclic_olefin"),  # a norbornene: addition or ROMP
        ("c1ccccc1", "no_rule"),
        ("[C]COC(=O)c1ccccc1", "monomer_not_neutral_molecule"),
        ("C1=C", "monomer_unreadable"),
    ],
)
def test_monomer_to_repeat_unit_drops_with_reason(monomer, reason):
    result = monomer_to_repeat_unit(monomer)
    assert result == RepeatUnitConversion(None, None, reason, result.detail)
    assert result.detail


def test_monomer_to_repeat_unit_is_deterministic():
    assert monomer_to_repeat_unit("ClCC1CO1") == monomer_to_repeat_unit("C1OC1CCl")


def test_polysol_fixes_are_valid_and_name_known_polymers():
    fixes = load_polysol_fixes()
    assert _same(fixes["Poly(ethylene terephthalate)"][0], "*CCOC(=O)c1ccc(C(=O)O*)cc1")
    assert _same(fixes["Poly(Bisphenol A carbonate)"][0], "*c1ccc(C(C)(C)c2ccc(OC(=O)O*)cc2)cc1")
    assert _same(fixes["Poly(methylphenylsiloxane)"][0], "*[Si](C)(c1ccccc1)O*")
    assert _same(fixes["Poly[imino-(1-oxohexamethylene)]"][0], "*NC(=O)CCCCC*")  # nylon 6
    assert fixes["Poly(siloxanes)"][0] is None and fixes["Poly(siloxanes)"][1]
    for smiles, note in fixes.values():
        assert smiles is not None or note, "a curated drop must say why"


@needs_data
def test_load_polysol_repeat_units_have_two_single_bonded_stars():
    table = load_polysol(DATA_DIR)
    columns = ["polymer_name", "polymer_smiles", "solvent_name", "solvent_smiles", "soluble"]
    assert list(table.columns) == columns
    for smiles in table["polymer_smiles"].unique():
        mol = Chem.MolFromSmiles(smiles)
        stars = [a for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
        assert len(stars) == 2, smiles
        assert all(a.GetDegree() == 1 for a in stars), smiles
        assert Chem.MolToSmiles(mol) == smiles  # canonical
    for smiles in table["solvent_smiles"].unique():
        mol = Chem.MolFromSmiles(smiles)
        assert "." not in smiles and "*" not in smiles
        assert sum(a.GetFormalCharge() for a in mol.GetAtoms()) == 0
    assert set(table["soluble"].unique()) <= {0, 1}
    assert not table.duplicated(["polymer_smiles", "solvent_smiles"]).any()


@needs_data
def test_load_polysol_fixes_furfurol_to_furfural():
    table = load_polysol(DATA_DIR)
    furfurol = table[table["solvent_name"] == "furfurol"]
    assert len(furfurol) > 0
    assert set(furfurol["solvent_smiles"]) == {"O=Cc1ccco1"}  # furfural, not furfuryl alcohol
    decision = next(d for d in polysol_report(DATA_DIR).solvent_decisions if d.name == "furfurol")
    assert decision.action == "fix" and decision.database_smiles == "O=Cc1ccco1"


@needs_data
def test_load_polysol_keeps_known_pairs():
    table = load_polysol(DATA_DIR)
    polystyrene = table[table["polymer_smiles"] == "*CC(*)c1ccccc1"]
    # polystyrene dissolves in toluene and not in acetone (Polymer Handbook solvent tables)
    assert polystyrene.loc[polystyrene["solvent_smiles"] == "Cc1ccccc1", "soluble"].tolist() == [1]
    assert polystyrene.loc[polystyrene["solvent_smiles"] == "CC(C)=O", "soluble"].tolist() == [0]
    # "alcohols" is a class, not a compound: dropped, not read as ethanol
    assert "alcohols" not in set(table["solvent_name"])


@needs_data
def test_polysol_report_counts_add_up():
    report = polysol_report(DATA_DIR)
    table = load_polysol(DATA_DIR)
    assert report.n_rows_read == 1818  # the README of the data
    assert report.n_polymers_read == 450
    assert report.n_rows_kept == len(table)
    assert report.n_rows_kept + sum(report.n_rows_dropped.values()) == report.n_rows_read
    assert sum(report.n_rows_by_rule.values()) == report.n_rows_kept
    assert report.n_polymers_kept == table["polymer_smiles"].nunique()
    assert report.n_solvent_rows_fixed == sum(d.n_rows for d in report.solvent_decisions if d.action == "fix")
    assert all(count > 0 for count in report.n_rows_dropped.values())


@needs_data
def test_polysol_is_deterministic():
    first = load_polysol(DATA_DIR)
    first.iloc[0, 0] = "changed by the caller"
    assert load_polysol(DATA_DIR).iloc[0, 0] != "changed by the caller"
    assert load_polysol(DATA_DIR).equals(load_polysol(Path(str(DATA_DIR))))
