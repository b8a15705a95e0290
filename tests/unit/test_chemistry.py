"""Parsing, validation and canonical keys of polymers and solvents."""

import pytest
from rdkit import Chem

from chiapp.chemistry import (
    MAX_HEAVY_ATOMS,
    canonical_polymer,
    canonical_solvent,
    cyclic_oligomer,
    parse_polymer,
    parse_solvent,
)
from chiapp.errors import InvalidSmilesError, MoleculeError, UnsupportedMoleculeError


@pytest.mark.parametrize("smiles, error, words", [
    ("", InvalidSmilesError, "empty"),
    ("   ", InvalidSmilesError, "empty"),
    ("C1CC", InvalidSmilesError, "syntax"),
    ("C(C)(C)(C)(C)C", InvalidSmilesError, "valence"),
    ("c1cccc1", InvalidSmilesError, "kekulized"),
    ("CCO.O", UnsupportedMoleculeError, "mixture"),
    ("[Na+].[Cl-]", UnsupportedMoleculeError, "salt"),
    ("[Fe]", UnsupportedMoleculeError, "element Fe"),
    ("CC[Se]CC", UnsupportedMoleculeError, "element Se"),
    ("C[N+](C)(C)C", UnsupportedMoleculeError, "charge"),
    ("C" * (MAX_HEAVY_ATOMS + 1), UnsupportedMoleculeError, "heavy atoms"),
    ("*CC*", UnsupportedMoleculeError, "polymer repeat unit"),
])
def test_parse_solvent_rejects_with_reason(smiles, error, words):
    with pytest.raises(error, match=words) as info:
        parse_solvent(smiles)
    assert info.value.role == "solvent"


@pytest.mark.parametrize("smiles, words", [
    ("CCC", "exactly two '\\*' ends, got 0"),
    ("*CC", "exactly two '\\*' ends, got 1"),
    ("*CC(*)C*", "exactly two '\\*' ends, got 3"),
    ("*C(*)(*)", "exactly two"),
    ("*=CC=*", "single bond"),
    ("**", "no heavy atom"),
])
def test_parse_polymer_rejects_wrong_ends(smiles, words):
    with pytest.raises(UnsupportedMoleculeError, match=words):
        parse_polymer(smiles)


def test_parse_accepts_nitro_group_with_formal_charges():
    # nitromethane is neutral overall: separated charges must not be mistaken for a salt
    assert parse_solvent("C[N+](=O)[O-]").GetNumHeavyAtoms() == 4


def test_errors_are_value_errors_with_short_message():
    with pytest.raises(ValueError) as info:
        parse_solvent("C" * 3000)
    assert isinstance(info.value, MoleculeError)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("a, b", [
    ("*CCO*", "*OCC*"),
    ("*CC(*)c1ccccc1", "*C(c1ccccc1)C*"),
    ("*CCCCCC(=O)O*", "*OCCCCCC(*)=O"),
    ("*CC(C)(*)C(=O)OC", "*C(C(=O)OC)(C)C*"),
])
def test_canonical_polymer_ignores_start_atom_and_direction(a, b):
    assert canonical_polymer(a) == canonical_polymer(b)


def test_canonical_polymer_distinguishes_isomers():
    assert canonical_polymer("*CC(*)C") != canonical_polymer("*CCC*")


def test_canonical_solvent_is_idempotent():
    once = canonical_solvent("C1=CC=CC=C1C")
    assert canonical_solvent(once) == once == "Cc1ccccc1"


def test_cyclic_oligomer_formula_is_n_times_the_unit():
    unit = parse_polymer("*CC(*)c1ccccc1")
    ring = cyclic_oligomer(unit, 3)
    formula = Chem.rdMolDescriptors.CalcMolFormula(ring)
    assert formula == "C24H24"  # three C8H8 styrene units, no end groups
    assert ring.GetRingInfo().NumRings() == 4  # three phenyls + the backbone ring
