"""Cited dissolution facts as evidence (chiapp.evidence): "dissolves at T" is a solvent label at T.

The facts are those of assets/evidence/dissolution_temperatures.csv; the literature named in each test
is the fact the table cites for it."""

from __future__ import annotations

import numpy as np

from chiapp.answer import answer_grid
from chiapp.evidence import evidence_for, pair_key, without_dissolution_facts
from chiapp.explanation import evidence_table, verdict_view
from chiapp.features import polymer_features, solvent_features
from chiapp.model import load_model
from chiapp.posterior import PosteriorParameters, condition_on_labels
from chiapp.prediction import predict_chi
from chiapp.units import ZERO_CELSIUS_K

T_150_K = 150.0 + ZERO_CELSIUS_K


def _pe_tcb():
    return polymer_features("HDPE"), solvent_features("1,2,4-trichlorobenzene")


def test_a_dissolves_fact_is_evidence_at_its_temperature_and_an_insoluble_fact_is_not():
    polymer, solvent = _pe_tcb()
    # ASTM D6474: polyethylenes are dissolved in 1,2,4-trichlorobenzene at 140-160 °C for GPC
    assert T_150_K in evidence_for(polymer.smiles, solvent.smiles).dissolves_at_k
    # PTFE is listed insoluble in TCB at 150 °C: its crystals, not χ, may be what keeps it out
    ptfe = polymer_features("PTFE")
    assert evidence_for(ptfe.smiles, solvent.smiles).dissolves_at_k == ()


def test_the_fact_pulls_chi_below_chi_c_at_its_temperature_and_only_because_of_it():
    polymer, solvent = _pe_tcb()
    used = answer_grid([polymer], [solvent], [T_150_K])
    with without_dissolution_facts([pair_key(polymer.smiles, solvent.smiles)]):
        alone = answer_grid([polymer], [solvent], [T_150_K])
        assert evidence_for(polymer.smiles, solvent.smiles).dissolves_at_k == ()
    chi_c = float(used.chi_critical[0, 0])
    assert used.chi[0, 0, 0] < chi_c < alone.chi[0, 0, 0] + alone.chi_std[0, 0, 0]
    assert used.chi[0, 0, 0] < alone.chi[0, 0, 0] and used.chi_std[0, 0, 0] < alone.chi_std[0, 0, 0]
    assert used.verdicts[0, 0, 0] == "dissolves"


def test_the_fact_moves_chi_as_one_probit_label_at_its_own_temperature():
    """An independent route: the answer without the fact, conditioned by hand on one solvent label at
    150 °C (chiapp.posterior.condition_on_labels of its χ ± σ there), is the answer with it: χ shifted
    by the same amount at every temperature, σ scaled by the same factor."""
    polymer, solvent = _pe_tcb()
    temperatures = [298.15, T_150_K]
    used = answer_grid([polymer], [solvent], temperatures)
    with without_dissolution_facts([pair_key(polymer.smiles, solvent.smiles)]):
        alone = answer_grid([polymer], [solvent], temperatures)
    tau = PosteriorParameters.from_manifest(load_model().manifest).label_sigma
    mean, std = condition_on_labels(float(alone.chi[0, 0, 1]), float(alone.chi_std[0, 0, 1]),
                                    float(alone.chi_critical[0, 0]), [1], tau)
    shift, factor = mean - alone.chi[0, 0, 1], std / alone.chi_std[0, 0, 1]
    np.testing.assert_allclose(used.chi[0, 0], alone.chi[0, 0] + shift, atol=1e-9)
    np.testing.assert_allclose(used.chi_std[0, 0], alone.chi_std[0, 0] * factor, rtol=1e-9)


def test_polyethylene_still_does_not_dissolve_in_the_solvent_cold():
    """A fact at 150 °C moves χ, not the melting limit: PE stays out of TCB at 25 °C (its crystals)."""
    answer = predict_chi("HDPE", "1,2,4-trichlorobenzene", [298.15, T_150_K])
    assert list(answer.verdicts) == ["does not dissolve", "dissolves"]


def test_the_answer_names_the_fact_and_its_source():
    answer = predict_chi("HDPE", "1,2,4-trichlorobenzene", T_150_K)
    # the fact is the polyethylene grades' that ASTM D6474 names; it is evidence on the repeat unit's χ
    assert "literature: LDPE, LLDPE dissolves at 150 °C" in verdict_view(answer, 0).evidence
    table = evidence_table(answer.evidence)
    fact = table[table["kind"] == "LDPE, LLDPE dissolves (cited fact)"]
    assert len(fact) and np.all(fact["temperature_c"] == 150.0)
    assert fact["source"].str.contains("D6474").any()


def test_exclusions_nest_and_end_where_they_began():
    polymer, solvent = _pe_tcb()
    key = pair_key(polymer.smiles, solvent.smiles)
    facts = evidence_for(polymer.smiles, solvent.smiles).dissolves_at_k
    with without_dissolution_facts():
        with without_dissolution_facts([key]):
            assert evidence_for(polymer.smiles, solvent.smiles).dissolves_at_k == ()
        assert evidence_for(polymer.smiles, solvent.smiles).dissolves_at_k == (), "the outer block still holds"
    assert evidence_for(polymer.smiles, solvent.smiles).dissolves_at_k == facts != ()
