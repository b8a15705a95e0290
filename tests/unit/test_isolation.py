"""Molecule work in worker processes with a time limit (chiapp.isolation)."""

from __future__ import annotations

import pytest

from chiapp import isolation
from chiapp.errors import UnsupportedMoleculeError


@pytest.fixture(autouse=True)
def _workers():
    yield
    isolation.shutdown()


def test_a_molecule_within_the_limit_passes():
    isolation.check_featurizable("polymer", "*CC(*)c1ccccc1", timeout_s=60.0)


def test_a_request_over_the_limit_is_refused_naming_the_limit_and_its_worker_replaced():
    isolation.start()
    with pytest.raises(UnsupportedMoleculeError) as info:
        isolation.check_featurizable("polymer", "*CC(*)C(=O)OCCCCCCCCCC", timeout_s=0.001)
    assert "MOLECULE_TIME_LIMIT_S" in str(info.value) and "0.001 s" in str(info.value)
    isolation.check_featurizable("solvent", "Cc1ccccc1", timeout_s=60.0)  # the pool recovers


def test_errors_are_left_to_the_caller():
    # a bad molecule is not a timeout: the worker reports it and the caller's own call raises it
    isolation.check_featurizable("polymer", "*CC(*", timeout_s=60.0)


def test_a_3d_view_over_its_limit_is_none():
    assert isolation.structure_3d_html("*CC(*)c1ccccc1", "polystyrene", timeout_s=0.001) is None
    page = isolation.structure_3d_html("Cc1ccccc1", "toluene", timeout_s=60.0)
    assert page is not None and "3Dmol" in page
