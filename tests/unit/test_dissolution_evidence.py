"""Cited dissolution facts as evidence (chiapp.evidence): "dissolves at T" is a solvent label at T.

The facts are those of assets/evidence/dissolution_temperatures.csv; the literature named in each test
is the fact the table cites for it."""

from __future__ import annotations

import numpy as np
import pytest

from chiapp.answer import answer_grid
from chiapp.evidence import evidence_for, pair_key, without_dissolution_facts
from chiapp.explanation import evidence_table, verdict_view
from chiapp.features import polymer_features, solvent_features
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


def test_polyethylene_still_does_not_dissolve_in_the_solvent_cold():
    """A fact at 150 °C moves χ, not the melting limit: PE stays out of TCB at 25 °C (its crystals)."""
    answer = predict_chi("HDPE", "1,2,4-trichlorobenzene", [298.15, T_150_K])
    assert list(answer.verdicts) == ["does not dissolve", "dissolves"]


def test_the_answer_names_the_fact_and_its_source():
    answer = predict_chi("HDPE", "1,2,4-trichlorobenzene", T_150_K)
    assert "literature: dissolves at 150 °C" in verdict_view(answer, 0).evidence
    table = evidence_table(answer.evidence)
    fact = table[table["kind"] == "dissolves (cited fact)"]
    assert len(fact) and np.all(fact["temperature_c"] == 150.0)
    assert fact["source"].str.contains("D6474").any()


@pytest.mark.parametrize("every", [True, False])
def test_leaving_the_facts_out_restores_the_answer_without_them(every):
    polymer, solvent = _pe_tcb()
    keys = None if every else [pair_key(polymer.smiles, solvent.smiles)]
    with without_dissolution_facts(keys):
        first = answer_grid([polymer], [solvent], [T_150_K]).chi[0, 0, 0]
    with without_dissolution_facts(keys):
        second = answer_grid([polymer], [solvent], [T_150_K]).chi[0, 0, 0]
    assert first == second != answer_grid([polymer], [solvent], [T_150_K]).chi[0, 0, 0]
