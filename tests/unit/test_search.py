"""search_molecules: what a chemist types finds the molecule, the exact match first."""

from __future__ import annotations

import pytest

from chiapp.errors import InputError
from chiapp.library import polymer_names, search_molecules, solvent_names


@pytest.mark.parametrize("text, role, first", [
    ("THF", "solvent", "tetrahydrofuran"),        # abbreviation, before THFA and 2-MeTHF
    ("thf", "solvent", "tetrahydrofuran"),
    ("PS", "polymer", "polystyrene"),             # abbreviation, before PSU and PPS
    ("110-54-3", "solvent", "n-hexane"),          # CAS number
    ("110543", "solvent", "n-hexane"),            # CAS without hyphens
    ("silicone", "polymer", "polydimethylsiloxane"),  # synonym
    ("teflon", "polymer", "polytetrafluoroethylene"),  # trade name
    ("plexiglas", "polymer", "poly(methyl methacrylate)"),
    ("MEK", "solvent", "methyl ethyl ketone"),
    ("toluene", "solvent", "toluene"),
    ("PE", "polymer", "polyethylene"),
])
def test_search_puts_the_exact_match_first(text, role, first):
    found = search_molecules(text, role, 5)
    assert found[0][0] == first, found


def test_search_says_what_matched():
    name, smiles, matched = search_molecules("silicone", "polymer", 1)[0]
    assert matched == "synonym: silicone" and smiles.count("*") == 2
    assert search_molecules("110-54-3", "solvent", 1)[0][2] == "CAS: 110-54-3"
    assert search_molecules("toluene", "solvent", 1)[0][2] == ""


def test_search_prefix_before_inside():
    names = [n for n, _, _ in search_molecules("acet", "solvent", None)]
    assert names.index("acetone") < names.index("ethyl acetate")


def test_search_empty_lists_the_library_in_order():
    assert [n for n, _, _ in search_molecules("", "polymer", None)] == polymer_names()
    assert len(search_molecules("  ", "solvent", 7)) == 7


def test_search_a_misspelling_falls_back_to_close_names():
    found = search_molecules("tolune", "solvent", 3)
    assert found[0][0] == "toluene" and found[0][2].startswith("close to")


def test_search_nothing_found_is_empty_and_role_is_checked():
    assert search_molecules("zzzzqqqq", "solvent") == []
    assert all(n in solvent_names() for n, _, _ in search_molecules("ol", "solvent", None))
    with pytest.raises(InputError):
        search_molecules("THF", "plastic")
