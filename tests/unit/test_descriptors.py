"""The featurization: fixed names and order, invariances, and values checked by hand."""

import numpy as np
import pytest

from chiapp.descriptors import (
    POLYMER_DESCRIPTOR_NAMES,
    SOLVENT_DESCRIPTOR_NAMES,
    polymer_descriptors,
    solvent_descriptors,
)
from chiapp.errors import ChiAppError


def _named(values, names):
    return dict(zip(names, values))


def test_descriptor_names_are_unique_and_sized():
    assert len(set(POLYMER_DESCRIPTOR_NAMES)) == len(POLYMER_DESCRIPTOR_NAMES)
    assert len(set(SOLVENT_DESCRIPTOR_NAMES)) == len(SOLVENT_DESCRIPTOR_NAMES)
    assert polymer_descriptors("*CC*").shape == (len(POLYMER_DESCRIPTOR_NAMES),)
    assert solvent_descriptors("CCO").shape == (len(SOLVENT_DESCRIPTOR_NAMES),)


@pytest.mark.parametrize("a, b", [
    ("*CC*", "*CCCC*"),                          # a doubled repeat unit is the same polymer
    ("*CCO*", "*OCC*"),                          # another starting atom
    ("*CC(*)c1ccccc1", "*C(c1ccccc1)C*"),        # written the other way round
    ("*C*", "*CC*"),
])
def test_polymer_descriptors_invariant_to_how_the_unit_is_written(a, b):
    np.testing.assert_allclose(polymer_descriptors(a), polymer_descriptors(b), rtol=1e-12)


@pytest.mark.parametrize("smiles, expected", [
    # by hand from the formula of the repeat unit
    ("*CC*", {"frac_C": 1.0, "h_per_heavy": 2.0, "backbone_frac": 1.0, "frac_small_ring": 0.0,
              "hydroxyl_per_heavy": 0.0}),
    ("*CC(*)O", {"frac_C": 2 / 3, "frac_O": 1 / 3, "h_per_heavy": 4 / 3, "hydroxyl_per_heavy": 1 / 3,
                 "backbone_frac": 2 / 3}),
    ("*CC(*)(C)C(=O)OC", {"frac_C": 5 / 7, "frac_O": 2 / 7, "ester_per_heavy": 1 / 7, "h_per_heavy": 8 / 7}),
    ("*CC(*)c1ccccc1", {"frac_C": 1.0, "aromatic_ring_atom_per_heavy": 6 / 8, "frac_small_ring": 6 / 8,
                        "h_per_heavy": 1.0, "backbone_frac": 2 / 8}),
    ("*CC(*)C#N", {"nitrile_per_heavy": 1 / 4, "frac_N": 1 / 4}),
])
def test_polymer_descriptors_match_hand_counts(smiles, expected):
    values = _named(polymer_descriptors(smiles), POLYMER_DESCRIPTOR_NAMES)
    for name, value in expected.items():
        assert values[name] == pytest.approx(value), name


def test_polymer_mass_per_heavy_atom_is_repeat_unit_mass_over_heavy_atoms():
    values = _named(polymer_descriptors("*CC(*)c1ccccc1"), POLYMER_DESCRIPTOR_NAMES)
    assert values["mass_per_heavy"] == pytest.approx(104.15 / 8, rel=1e-3)  # styrene C8H8


def test_solvent_descriptors_size_terms():
    values = _named(solvent_descriptors("Cc1ccccc1"), SOLVENT_DESCRIPTOR_NAMES)
    assert np.exp(values["log_heavy_atoms"]) == pytest.approx(7)
    assert np.exp(values["log_mass"]) == pytest.approx(92.14, rel=1e-3)
    # toluene's molar volume is 106.8 cm3/mol (CRC Handbook); group contributions land within 10 %
    assert np.exp(values["log_molar_volume"]) == pytest.approx(106.8, rel=0.10)
    assert values["hansen_known"] == 1.0


def test_solvent_rdkit_block_is_signed_log_of_hand_counts():
    values = _named(solvent_descriptors("OCc1ccccc1"), SOLVENT_DESCRIPTOR_NAMES)  # benzyl alcohol
    assert values["rdkit_RingCount"] == pytest.approx(np.log1p(1))
    assert values["rdkit_NumHDonors"] == pytest.approx(np.log1p(1))
    assert values["rdkit_NumAromaticRings"] == pytest.approx(np.log1p(1))
    assert values["rdkit_MolWt"] == pytest.approx(np.log1p(108.14), rel=1e-4)  # C7H8O
    # a partial charge that is negative stays negative
    assert values["rdkit_MinPartialCharge"] < 0
    assert "rdkit_Ipc" not in SOLVENT_DESCRIPTOR_NAMES  # seconds on large molecules


def test_solvent_hansen_measured_where_tabulated():
    # water defeats group contributions; its measured delta_H is 42.3 MPa^0.5 (Hansen 2007)
    values = _named(solvent_descriptors("O"), SOLVENT_DESCRIPTOR_NAMES)
    assert values["hansen_measured"] == 1.0 and values["hansen_delta_h"] == pytest.approx(42.3)
    assert np.exp(values["log_molar_volume"]) == pytest.approx(18.07, rel=0.01)


def test_solvent_without_any_hansen_values_is_flagged_not_invented():
    # 2-ethylthiophene: not in the measured tables, and the thiophene ring has no group value
    values = _named(solvent_descriptors("CCc1cccs1"), SOLVENT_DESCRIPTOR_NAMES)
    assert values["hansen_known"] == 0.0 and values["hansen_measured"] == 0.0


def test_descriptors_are_read_only():
    x = polymer_descriptors("*CC*")
    with pytest.raises(ValueError):
        x[0] = 1.0


def test_shared_rdkit_descriptors_equal_rdkits_own_functions():
    """The E-state extremes and Crippen logP/MR computed once, QED from shared logP, the fragment
    and alert searches skipped for missing elements and SpacialScore read by atom index give RDKit's
    own per-function values, to the last bit, for every library solvent, 600 generated ones (S, P,
    Si, halogens, nitrogen groups) and ten with stereo centres and double bonds."""
    import math

    from benchmarks.screening import generated_solvents
    from chiapp import descriptors
    from chiapp.chemistry import parse_solvent
    from chiapp.library import solvent_library

    # stereo centres, E/Z and unspecified double bonds, ring stereo, triple bonds: what SpacialScore weighs
    stereo = ["C/C=C/C", "CC=CC", "C[C@H](O)CC", "CC(O)CC", "C[C@H]1CC[C@@H](C)CC1", "CC1CCC(C)CC1",
              "C#CC(C)(O)C=C", "CC(C)=CCC/C(C)=C/CO", "O=C1CC[C@@H]2CCCC[C@H]2C1", "c1ccc2c(c1)CC=C2"]
    skipped = 0
    for smiles in [*solvent_library()["smiles"], *generated_solvents(600, skip=1000), *stereo]:
        mol = parse_solvent(smiles)
        elements = {a.GetAtomicNum() for a in mol.GetAtoms()}
        skipped += sum(not need <= elements for need in descriptors._FRAGMENT_ELEMENTS.values())
        mol = parse_solvent(smiles)
        expected = []
        for function in descriptors._RDKIT_FUNCTIONS.values():
            try:
                v = float(function(mol))
            except (ValueError, RuntimeError, ZeroDivisionError):
                v = 0.0
            expected.append(math.copysign(math.log1p(abs(v)), v) if math.isfinite(v) else 0.0)
        assert descriptors._rdkit_block(mol) == expected, smiles
    assert skipped > 10_000  # the screen does skip searches (most fragment patterns need N, S or a halogen)


def test_hansen_formula_screen_never_skips_a_tabulated_solvent():
    """The formula screen only skips InChIKey searches that cannot find Hansen parameters: every library
    solvent whose CAS (found by InChIKey) has tabulated δ passes it, and its descriptors say 'measured'."""
    from rdkit.Chem import rdMolDescriptors

    from benchmarks.screening import generated_solvents
    from chiapp import properties
    from chiapp.chemistry import canonical_solvent, parse_solvent
    from chiapp.descriptors import solvent_hansen
    from chiapp.library import solvent_library

    properties.load_databanks()
    tabulated = 0
    generated = []
    for text in generated_solvents(300):
        try:
            generated.append(canonical_solvent(text))
        except ChiAppError:
            continue
    # trichlorosilane: chemicals writes Cl3HSi, RDKit HCl3Si
    for smiles in [*solvent_library()["smiles"], "Cl[SiH](Cl)Cl", *generated]:
        cas = properties.cas_of(smiles)
        if cas and properties.hansen_parameters_mpa05(cas)[0] is not None:
            tabulated += 1
            assert properties.may_have_hansen_parameters(rdMolDescriptors.CalcMolFormula(parse_solvent(smiles))), smiles
            assert solvent_hansen(smiles)[1], smiles
    assert tabulated > 200
    assert not properties.may_have_hansen_parameters("C40H27Cl3N9O")
