"""RDKit's sanitization errors reach the user in a chemist's words."""

from __future__ import annotations

import pytest

from chiapp.chemistry import parse_polymer, parse_solvent
from chiapp.errors import InvalidSmilesError


@pytest.mark.parametrize("smiles, message", [
    ("CC(C)(C)(C)C", "valence error: atom 2 (C) has 5 bonds; carbon takes at most 4"),
    ("O=N(=O)=O", "valence error: atom 2 (N) has 6 bonds; nitrogen takes at most 3"),
    ("CO(C)C", "valence error: atom 2 (O) has 3 bonds; oxygen takes at most 2"),
])
def test_valence_errors_count_the_bonds(smiles, message):
    with pytest.raises(InvalidSmilesError) as err:
        parse_solvent(smiles)
    assert err.value.reason == message


def test_a_repeat_unit_counts_its_star_bonds():
    with pytest.raises(InvalidSmilesError, match=r"atom 2 \(C\) has 6 bonds; carbon takes at most 4"):
        parse_polymer("*C(C)(C)(C)(C)*")


def test_kekulization_error_names_the_ring_and_the_fix():
    with pytest.raises(InvalidSmilesError) as err:
        parse_solvent("c1cccc1")
    assert "atoms 1, 2, 3, 4, 5" in err.value.reason and "[nH]" in err.value.reason
    assert "Unkekulized" not in str(err.value)


@pytest.mark.parametrize(("text", "error", "words"), [
    ("[Na+].[Cl-]", "UnsupportedMoleculeError", "mixture or salt"),   # a salt typed as the polymer
    ("CC[Fe]C", "UnsupportedMoleculeError", "element Fe is not supported"),
    ("P.V.C.", "NameNotFoundError", "not a known name"),              # dots in a name: not read as a salt
])
def test_a_polymer_box_says_what_is_wrong_with_a_salt_a_metal_or_a_dotted_name(text, error, words):
    from chiapp import errors
    from chiapp.library import resolve_polymer

    with pytest.raises(getattr(errors, error)) as caught:
        resolve_polymer(text)
    assert words in str(caught.value) and caught.value.role == "polymer"
