"""Name lookup: library names, abbreviations, synonyms, CAS numbers, SMILES, the chemicals fallback."""

from __future__ import annotations

import pytest

from chiapp.errors import ChiAppError, MoleculeError, NameNotFoundError, UnsupportedMoleculeError
from chiapp.library import (
    Molecule,
    normalize_name,
    polymer_library,
    polymer_names,
    resolve_polymer,
    resolve_solvent,
    solvent_library,
    solvent_names,
)


@pytest.mark.parametrize("text, name, smiles", [
    ("toluene", "toluene", "Cc1ccccc1"),
    ("MEK", "methyl ethyl ketone", "CCC(C)=O"),
    ("THF", "tetrahydrofuran", "C1CCOC1"),
    ("DMF", "N,N-dimethylformamide", "CN(C)C=O"),
    ("DMSO", "dimethyl sulfoxide", "CS(C)=O"),
    ("NMP", "N-methyl-2-pyrrolidone", "CN1CCCC1=O"),
    ("DMAc", "N,N-dimethylacetamide", "CC(=O)N(C)C"),
    ("EtOAc", "ethyl acetate", "CCOC(C)=O"),
    ("IPA", "isopropanol", "CC(C)O"),
    ("DCM", "dichloromethane", "ClCCl"),
    ("2-MeTHF", "2-methyltetrahydrofuran", "CC1CCCO1"),
    ("GVL", "gamma-valerolactone", "CC1CCC(=O)O1"),
    ("DMC", "dimethyl carbonate", "COC(=O)OC"),
])
def test_resolve_solvent_finds_names_and_abbreviations(text, name, smiles):
    assert resolve_solvent(text) == Molecule(name, smiles, "solvent", "library")


@pytest.mark.parametrize("text", ["108-88-3", "108883", "  TOLUENE ", "Toluol", "methyl benzene"])
def test_resolve_solvent_ignores_case_spaces_hyphens_and_takes_cas(text):
    assert resolve_solvent(text).name == "toluene"


def test_resolve_solvent_names_a_library_structure_given_as_smiles():
    molecule = resolve_solvent("OCC")
    assert (molecule.name, molecule.smiles, molecule.source) == ("ethanol", "CCO", "smiles")


def test_resolve_solvent_takes_an_unnamed_smiles():
    molecule = resolve_solvent("CCCCCCCCCCCCCCCCCCO")  # 1-octadecanol, not in the library
    assert molecule.name is None and molecule.source == "smiles"


def test_resolve_solvent_falls_back_to_chemicals_database():
    assert "vanillin" not in [n.lower() for n in solvent_names()]
    molecule = resolve_solvent("vanillin")
    assert molecule.source == "chemicals"
    assert molecule.smiles == "COc1cc(C=O)ccc1O"


def test_resolve_solvent_suggests_close_names_for_a_typo():
    with pytest.raises(NameNotFoundError) as info:
        resolve_solvent("tolune")
    assert info.value.suggestions[0] == "toluene"
    assert "toluene" in str(info.value)


@pytest.mark.parametrize("text", ["polystyrene", "PMMA", "*CC(*)c1ccccc1"])
def test_resolve_solvent_refuses_a_polymer(text):
    with pytest.raises(UnsupportedMoleculeError, match="polymer"):
        resolve_solvent(text)


@pytest.mark.parametrize("text", ["", "   ", "[Na+].[Cl-]", "C1CC"])
def test_resolve_solvent_refuses_bad_input_with_a_chiapp_error(text):
    with pytest.raises(MoleculeError):
        resolve_solvent(text)


@pytest.mark.parametrize("text, name", [
    ("PS", "polystyrene"), ("polystyrene", "polystyrene"), ("nylon 6", "polyamide 6"), ("PA-66", "polyamide 66"),
    ("PET", "poly(ethylene terephthalate)"), ("PPO", "poly(propylene oxide)"),
    ("poly(phenylene oxide)", "poly(2,6-dimethyl-1,4-phenylene oxide)"), ("PC", "bisphenol A polycarbonate"),
    ("natural rubber", "cis-1,4-polyisoprene"), ("cellulose acetate", "cellulose diacetate"),
])
def test_resolve_polymer_finds_names_and_abbreviations(text, name):
    molecule = resolve_polymer(text)
    assert (molecule.name, molecule.role, molecule.source) == (name, "polymer", "library")


def test_resolve_polymer_names_a_repeat_unit_written_from_another_atom():
    molecule = resolve_polymer("*OCC*")  # poly(ethylene oxide) is *CCO* in the library
    assert (molecule.name, molecule.source) == ("poly(ethylene oxide)", "smiles")


@pytest.mark.parametrize("text", ["toluene", "CCO"])
def test_resolve_polymer_refuses_a_solvent(text):
    with pytest.raises(UnsupportedMoleculeError, match="not a polymer|small molecule"):
        resolve_polymer(text)


def test_resolve_polymer_suggests_close_names_for_a_typo():
    with pytest.raises(NameNotFoundError) as info:
        resolve_polymer("polystyrne")
    assert "polystyrene" in info.value.suggestions


def test_resolve_polymer_refuses_a_repeat_unit_with_one_end():
    with pytest.raises(UnsupportedMoleculeError, match="two"):
        resolve_polymer("*CC")


def test_normalize_name_removes_case_spaces_and_hyphens():
    assert normalize_name("N-Methyl 2-Pyrrolidone") == normalize_name("n-methyl-2-pyrrolidone")
    assert normalize_name("1,2-dichloroethane") != normalize_name("1,1-dichloroethane")


def test_libraries_are_copies_that_do_not_leak_changes():
    table = solvent_library()
    table.loc[0, "name"] = "changed"
    assert solvent_library().loc[0, "name"] != "changed"
    # every library polymer is listed, and after each its crystalline grades when it has several
    assert set(polymer_library()["name"]) <= set(polymer_names())
    from chiapp.library import resolve_polymer
    extra = [n for n in polymer_names() if n not in set(polymer_library()["name"])]
    assert "LDPE" in extra and all(resolve_polymer(n).grade == n for n in extra)


def test_library_names_are_unique_and_listed():
    names = solvent_names()
    assert len(names) == len(set(n.lower() for n in names))
    assert "toluene" in names and "polystyrene" in polymer_names()


def test_no_lookup_key_points_to_two_entries_ambiguously():
    """A name or abbreviation of one entry must not be a synonym of another (it would be shadowed)."""
    for table, fields in ((solvent_library(), ("name", "cas", "synonyms")),
                          (polymer_library(), ("name", "abbreviation", "synonyms"))):
        owner: dict[str, str] = {}
        clashes = []
        for _, row in table.iterrows():
            keys = {normalize_name(t) for f in fields for t in str(row[f]).split(";") if t.strip()}
            for key in keys:
                if key in owner and owner[key] != row["name"]:
                    clashes.append((key, owner[key], row["name"]))
                owner.setdefault(key, row["name"])
        assert not clashes


def test_errors_are_chiapp_errors():
    with pytest.raises(ChiAppError):
        resolve_solvent("not a solvent at all 123")


@pytest.mark.parametrize("solvent", ["toluene", "Cyrene"])
def test_chain_length_is_one_rule_for_ranking_and_charts(solvent):
    """The ranking table and the per-pair rule (used by the charts and the phase diagram) give the
    same N, including for a solvent whose molar volume is estimated rather than tabulated."""
    from chiapp.library import chain_length_for, polymer_defaults, solvent_molar_volume
    from chiapp.ranking import rank_solvents

    polymer = resolve_polymer("*CC(*)c1ccc(Cl)cc1")
    target = resolve_solvent(solvent)
    ranking = rank_solvents(polymer.smiles, 298.15, solvents=[solvent], molecular_weight_g_per_mol=100_000)
    n_chart = chain_length_for(polymer, target, molecular_weight_g_per_mol=100_000)
    assert ranking.table["chain_length"].iloc[0] == pytest.approx(n_chart, rel=1e-12)
    # and the closed form N = (Mn / rho) / V_s
    _, density = polymer_defaults(polymer)
    volume, _ = solvent_molar_volume(target.smiles)
    assert n_chart == pytest.approx(100_000 / density / volume, rel=1e-12)
