"""The phase diagram's headline in a chemist's symbols: χ and χc, φ to 2 decimals, no 1e-13."""

from __future__ import annotations

import re

import numpy as np

from chiapp.flory_huggins import critical_chi, phase_diagram


def test_immiscible_headline_has_no_exponent_and_no_internal_names():
    # χ = 3 everywhere, N = 1000: the solvent-rich binodal branch is ~exp(-N·...) thin, far below 0.01
    diagram = phase_diagram((3.0, 0.0, 0.0), chain_length=1000.0, temperatures_k=np.linspace(280.0, 400.0, 7))
    text = diagram.summary()
    assert "chi_c" not in text and "chi " not in text
    assert not re.search(r"\de-\d", text), text
    assert f"χc = {critical_chi(1000.0):.3f}" in text and "φ above 0.01" in text


def test_miscible_headline_uses_symbols():
    diagram = phase_diagram((0.2, 0.0, 0.0), chain_length=100.0, temperatures_k=np.linspace(280.0, 400.0, 7))
    assert diagram.summary().endswith(f"(χ stays below χc = {critical_chi(100.0):.3f}).")
