"""training.sources: each experimental χ joined to the laboratory that measured it, and the between-source σ."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from training.sources import SOURCE_SIGMAS, held_out_sources, join


def _two_laboratories(offset: float) -> pd.DataFrame:
    """Three polymers × two solvents, each pair measured three times at 25 °C by laboratory A (χ above the
    posterior by ``offset``) and by B (below by as much), with a posterior σ so wide it says nothing."""
    rows = []
    for polymer in ("P1", "P2", "P3"):
        for solvent in ("S1", "S2"):
            for source, sign in (("A", 1.0), ("B", -1.0)):
                rows += [(polymer, solvent, 298.15, 0.5 + sign * offset, 0.5, 100.0, source)] * 3
    return pd.DataFrame(rows, columns=["polymer_key", "solvent", "temperature_k", "chi", "posterior", "posterior_std",
                                       "source"])


@pytest.mark.parametrize("offset", [0.11, 0.19])
def test_the_floor_covers_the_gap_between_two_laboratories(offset):
    """Predicting B from A's three points (Bayesian linear regression with a prior σ0 = 100 and noise
    σ_meas): δa = 3·offset/σ_meas² · C, C = 1/(1/σ0² + 3/σ_meas²), so each held-out point misses by
    offset + δa, and the engine's σ there is the shrunk √C (which covers none of them). The floor
    chosen is the grid's first τ with 2·√(C + τ²) ≥ that miss."""
    sigma_meas = 0.17
    c = 1.0 / (1.0 / 100.0**2 + 3.0 / sigma_meas**2)
    miss = offset + 3.0 * offset / sigma_meas**2 * c
    result = held_out_sources(_two_laboratories(offset), sigma_meas=sigma_meas)
    expected = min(t for t in SOURCE_SIGMAS if 2.0 * np.hypot(np.sqrt(c), t) >= miss)
    assert result["source_sigma"] == pytest.approx(expected)
    assert result["points"] == 36 and result["pairs"] == 6 and result["polymers"] == 3
    assert result["mae_with_other_sources"] == pytest.approx(miss, rel=1e-9)
    assert 2.0 * np.sqrt(c) < miss and result["coverage_shrunk_sigma"] == 0.0
    assert result["coverage_with_floor"] == 1.0 == result["coverage_with_floor_chosen_leave_polymer_out"]
    assert result["coverage_floor_alone"] == float(2.0 * expected >= miss)


def test_a_pair_measured_by_one_laboratory_is_not_held_out():
    one = _two_laboratories(0.1).assign(source="A")
    with pytest.raises(ValueError, match="two sources"):
        held_out_sources(one, sigma_meas=0.17)


def test_rows_join_the_entry_of_their_solvent_temperature_and_chi():
    """An entry gives the ends of its temperature range and of its χ range; the polymer is the name
    most rows of the repeat unit match."""
    table = pd.DataFrame({"polymer": ["Polystyrene", "Polystyrene", "Polyisobutylene"],
                          "solvent": ["toluene", "cyclohexane", "cyclohexane"],
                          "temperature_c": ["25 to 45", "34.5", "25"], "volume_fraction": ["0", "0", "1"],
                          "chi": ["0.44 to 0.40", "0.50", "0.50"], "refs": ["7;8", "12", "30"], "row_order": [1, 2, 3]})
    experimental = pd.DataFrame({"polymer_key": ["ps", "ps", "ps", "ps"],
                                 "solvent": ["Cc1ccccc1", "Cc1ccccc1", "C1CCCCC1", "Cc1ccccc1"],
                                 "temperature_k": [298.15, 318.15, 307.65, 308.15], "chi": [0.44, 0.40, 0.50, 0.44],
                                 "row_label": [10, 11, 12, 13]})
    joined, counts = join(experimental, table)
    assert dict(zip(joined["row_label"], joined["source"])) == {10: "7;8", 11: "7;8", 12: "12"}
    assert counts["matched"] == 3  # row 13: 35 °C is not an end of the entry's range
