"""Literature phase behaviour as evidence (chiapp.evidence, the posterior's per-point σ): a θ entry
puts the posterior's θ where the literature has it, and only because of that entry."""

from __future__ import annotations

import numpy as np
import pytest
from rdkit import Chem
from scipy.optimize import brentq

from chiapp.answer import answer_grid
from chiapp.evidence import PHASE_SIGMAS, evidence_for, phase_systems, without_phase_evidence
from chiapp.explanation import evidence_table
from chiapp.features import polymer_features, solvent_features
from chiapp.units import ZERO_CELSIUS_K

#: θ temperatures of the table (Elias, Theta solvents, Polymer Handbook 4th ed., ch. VII)
THETA_C = {("PS", "trans-decalin"): 20.4, ("PS", "cyclopentane"): 19.6, ("PIB", "diisobutyl ketone"): 58.0}


def _theta_k(polymer: str, solvent: str) -> float:
    """The closed-form θ of the posterior χ(T) = a + b/T + c/T²: the root of χ = ½ nearest the table's."""
    answer = answer_grid([polymer_features(polymer)], [solvent_features(solvent)], [298.15])
    a, b, c = (float(getattr(answer, name)[0, 0]) for name in ("a", "b_k", "c_k2"))
    chi = (lambda t: a + b / t + c / t**2 - 0.5)
    near = THETA_C[(polymer, solvent)] + ZERO_CELSIUS_K
    grid = np.linspace(near - 60, near + 60, 241)
    values = chi(grid)
    crossings = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    if not crossings.size:
        return float("nan")
    roots = [brentq(chi, grid[i], grid[i + 1]) for i in crossings]
    return float(min(roots, key=lambda r: abs(r - near)))


@pytest.mark.parametrize("polymer, solvent", list(THETA_C))
def test_a_theta_entry_puts_theta_within_1_k(polymer, solvent):
    assert abs(_theta_k(polymer, solvent) - (THETA_C[(polymer, solvent)] + ZERO_CELSIUS_K)) <= 1.0


def test_without_its_entry_theta_is_the_models_own():
    polymer, solvent = polymer_features("PS"), solvent_features("trans-decalin")
    key = next(k for k, (p, s, _) in phase_systems().items() if (p, s) == (polymer.smiles, solvent.smiles))
    with without_phase_evidence([key]):
        alone = answer_grid([polymer], [solvent], [293.55])
        assert not any(k.endswith("θ temperature") for k in evidence_for(polymer.smiles, solvent.smiles).kinds)
    used = answer_grid([polymer], [solvent], [293.55])
    assert abs(used.chi[0, 0, 0] - 0.5) < 0.01 < abs(alone.chi[0, 0, 0] - 0.5)
    assert used.chi_std[0, 0, 0] < alone.chi_std[0, 0, 0]


def test_phase_points_carry_their_kind_sigma_and_source():
    e = evidence_for("*CC(*)c1ccccc1", "C1CCCCC1")       # PS / cyclohexane
    theta = [i for i, k in enumerate(e.kinds) if k.endswith("θ temperature")]
    assert theta and all(e.chis[i] == 0.5 and e.point_sigmas[i] == PHASE_SIGMAS["theta"] for i in theta)
    assert all(e.temperatures_k[i] < 354.0 for i in range(len(e.kinds)) if e.kinds[i] != "measured χ"), \
        "no row above cyclohexane's boiling point (81 °C) is used"
    table = evidence_table(e)
    assert "upper θ temperature" in " ".join(map(str, table.to_numpy().ravel()))


def test_a_slope_sign_is_imposed_as_a_truncated_gaussian():
    """One inequality on dχ/dT at T_ref: the corrected δb is the mean of the truncated normal
    (scipy.stats.truncnorm, an independent route) and its variance that of the truncated normal."""
    from scipy.stats import truncnorm

    from chiapp.posterior import _T_REF_K, _impose_slopes

    sigma, b_k = 0.05, 30.0                              # the fitted curve falls: dχ/dT = −b/T² < 0
    delta, cov = np.zeros((1, 3)), np.diag([sigma**2] * 3)[None]
    t = np.array([[_T_REF_K]])
    new, new_cov = _impose_slopes(delta, cov, np.zeros(1), np.array([b_k]), np.zeros(1), t, np.array([[1.0]]))
    # at x = 0, dχ/dT = −b/T² − δb/T_ref ≥ 0  ⇔  δb ≤ −b/T_ref
    upper = -b_k / _T_REF_K
    expected = truncnorm(-np.inf, upper / sigma, loc=0.0, scale=sigma)
    assert new[0, 1] == pytest.approx(expected.mean(), rel=1e-9)
    assert new_cov[0, 1, 1] == pytest.approx(expected.var(), rel=1e-9)
    assert new[0, 0] == 0.0 and new[0, 2] == 0.0


@pytest.mark.parametrize("polymer", ["PVME", "PEO"])
def test_an_lcst_entry_makes_chi_rise_through_it(polymer):
    """PVME and PEO in water have LCSTs (35 and about 98 °C in the table): χ must rise with T there,
    so both are on the soluble side below it (PEO dissolves in water at 25 °C)."""
    answer = answer_grid([polymer_features(polymer)], [solvent_features("water")], [298.15, 318.15])
    chi = answer.chi[0, 0]
    assert chi[1] > chi[0]
    if polymer == "PEO":
        assert answer.verdicts[0, 0, 0] == "dissolves"


def test_a_theta_entry_with_its_side_sets_the_slope_sign():
    """An upper θ (UCST side) is where χ falls through ½ on heating, a lower θ (LCST side) where it
    rises (Flory, Principles of Polymer Chemistry, 1953, ch. XIII). PDMS in methyl ethyl ketone has an
    upper θ at 20 °C (Flory et al. 1952): the model alone has χ rising there, the row's side turns it."""
    from chiapp.evidence import THETA_SIDES

    e = evidence_for(polymer_features("PNIPAM").smiles, solvent_features("water").smiles)
    assert e.point_slopes[e.kinds.index(THETA_SIDES["lower"])] == 1.0
    chi = answer_grid([polymer_features("PDMS")], [solvent_features("methyl ethyl ketone")],
                      [283.15, 303.15]).chi[0, 0]
    assert chi[0] > 0.5 > chi[1]


def test_every_phase_row_names_molecules_the_libraries_resolve_without_the_databank():
    """Each molecule of phase_behaviour.csv is a library name or a SMILES: the evidence tables load at
    the first answer, and a name only the ``chemicals`` databank knows would load it there (about 2 s)."""
    import io

    import pandas as pd

    from chiapp.chemistry import looks_like_polymer
    from chiapp.library import _polymer_index, _solvent_index
    from chiapp.resources import verified_asset

    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "phase_behaviour.csv")))
    for polymer, solvent in table[["polymer", "solvent"]].itertuples(index=False):
        assert _polymer_index().find(polymer) is not None or looks_like_polymer(polymer), polymer
        assert _solvent_index().find(solvent) is not None or Chem.MolFromSmiles(solvent) is not None, solvent


def test_a_theta_rows_side_is_upper_lower_or_unsaid_and_agrees_with_its_note():
    """``side`` is 'upper' or 'lower' on θ rows only (empty where the source does not say), and a note
    that names the side (the source's words) names the same one: a typo would drop the slope silently."""
    import io

    import pandas as pd

    from chiapp.resources import verified_asset

    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "phase_behaviour.csv")), keep_default_na=False)
    assert set(table["side"]) <= {"upper", "lower", ""}
    assert (table.loc[table["kind"] != "theta", "side"] == "").all()
    for side, note in table.loc[table["kind"] == "theta", ["side", "note"]].itertuples(index=False):
        other = {"upper": "lower", "lower": "upper"}.get(side)
        assert other is None or f"{other} θ" not in note, note
        assert side or ("upper θ" not in note and "lower θ" not in note), note


def test_stored_evidence_keys_are_the_keys_chiapp_computes():
    """Every stored lookup key of the evidence tables is ``pair_key`` of its row (a table built by another
    RDKit or stale keys would fail here), and a table whose keys disagree is keyed afresh, not trusted."""
    import io

    import pandas as pd

    from chiapp.evidence import _row_keys, pair_key
    from chiapp.resources import verified_asset

    for name in ("measured_chi.csv", "handbook_labels.csv"):
        table = pd.read_csv(io.BytesIO(verified_asset("evidence", name)))
        computed = [pair_key(p, s) for p, s in zip(table["polymer"], table["solvent"])]
        assert list(zip(table["polymer_key"], table["solvent_key"])) == computed, name
    tampered = table.head(5).copy()
    tampered["polymer_key"] = "C1CCCCC1"  # wrong for every row
    assert _row_keys(tampered) == computed[:5]
    assert _row_keys(tampered.drop(columns=["polymer_key", "solvent_key"])) == computed[:5]
