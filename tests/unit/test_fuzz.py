"""Hostile inputs through the API, the CLI and the CSV reader (a seeded generator, benchmarks/fuzz.py):
no uncaught exception, no non-finite number returned as a result, every error message naming its input.
The larger run is ``python -m benchmarks.fuzz``."""

from __future__ import annotations

import math

import pytest

from benchmarks.fuzz import run_cases
from chiapp import flory_huggins as fh
from chiapp.errors import InputError, InvalidSmilesError, NameNotFoundError
from chiapp.library import resolve_polymer, resolve_solvent


@pytest.mark.parametrize("seed", [0, 1])
def test_fuzz_finds_no_failure(seed):
    """10,000 generated inputs in all (two seeds), files chiapp reads back included (issue 27)."""
    failures, examples = run_cases(5000, seed=seed)
    assert failures["cases"] == 5000
    found = {kind: failures.get(kind, 0) for kind in ("uncaught", "non-finite", "unclear message", "wrong part")}
    assert found == {"uncaught": 0, "non-finite": 0, "unclear message": 0, "wrong part": 0}, examples[:10]
    assert failures["cases: calibration file"] >= 250 and failures["cases: part file"] >= 250


@pytest.mark.parametrize("call, words", [
    (lambda: fh.spinodal(1e300, 1e8), "chi must lie between"),
    (lambda: fh.binodal(1e300, 700.0), "chi must lie between"),
    (lambda: fh.spinodal(0.7, 10**400), "chain_length must be a number"),
    (lambda: fh.chain_length_from_molecular_weight(1e300, 1e-16, 100.0), "above 1e+08"),
    (lambda: fh.phase_diagram_with_band((0.5, 0.0), chi_sigma=1e7, chain_length=100.0,
                                        temperatures_k=[300.0, 400.0]), "n_sigma × chi_sigma"),
])
def test_extreme_phase_inputs_are_refused_with_the_reason(call, words):
    with pytest.raises(InputError) as info:
        call()
    assert words in str(info.value)


def test_binodal_next_to_the_critical_point_of_a_long_chain():
    # Was "binodal did not converge ... please report this". Landau: the binodal lies sqrt(3) times
    # as far from phi_c as the spinodal, on each side, to leading order.
    n = 1e7
    phi_c, chi_c = fh.critical_point(n)
    chi = chi_c * (1 + 1e-15)
    lean, rich = fh.binodal(chi, n)
    low, high = fh.spinodal(chi, n)
    assert lean < low < phi_c < high < rich
    assert math.isclose(phi_c - lean, math.sqrt(3) * (phi_c - low), rel_tol=1e-6)


@pytest.mark.parametrize("text", ["25", "1e3", "-1", "0"])
def test_a_plain_number_is_not_a_solvent_name(text):
    # '25' was read by the chemicals database as atomic number 25 (manganese)
    with pytest.raises(NameNotFoundError, match=f"'{text}'"):
        resolve_solvent(text)


def test_a_cas_number_still_resolves():
    assert resolve_solvent("7732-18-5").name == "water"


@pytest.mark.parametrize("resolve", [resolve_polymer, resolve_solvent])
@pytest.mark.parametrize("text", ["*CC(*)c1ccccc1\ud800", "CCO\udcff"])
def test_lone_surrogates_are_refused_by_position(resolve, text):
    with pytest.raises(InvalidSmilesError, match="is not valid text"):
        resolve(text)


def test_non_text_input_says_what_it_got():
    with pytest.raises(InvalidSmilesError, match="got a dict"):
        resolve_solvent({"a": 1})
