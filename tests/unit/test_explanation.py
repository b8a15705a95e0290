"""The verdict view every page and report shows (chiapp.explanation): what decided it, in words."""

from __future__ import annotations

import math

import pytest

from chiapp.explanation import VERDICT_COLORS, evidence_table, verdict_view
from chiapp.prediction import predict_chi


def test_crystalline_headline_compares_chi_with_the_melting_limit_that_decided_it():
    """Issue 29's case: HDPE in p-xylene at 25 °C does not dissolve because its crystals do not melt
    (Polymer Handbook, 4th ed., ch. VII: PE dissolves in xylene only near 100 °C and above), though
    χ is below χc: the view says so, and compares χ with the melting limit, not with χc."""
    prediction = predict_chi("HDPE", "p-xylene", 298.15)
    view = verdict_view(prediction)
    assert view.verdict == "does not dissolve" and view.color == VERDICT_COLORS["does not dissolve"]
    limit = float(prediction.chi_limit[0])
    assert limit < prediction.chi_critical < 1.0 and prediction.chi[0] < prediction.chi_critical
    assert view.delta == pytest.approx(prediction.chi[0] - limit) and view.delta > 0
    assert view.delta_label == "vs melting limit"
    assert f"melting limit {limit:.2f}" in view.comparison and "crystalline HDPE" in view.comparison
    td = prediction.crystalline.dissolution_temperature_c
    assert f"only above ~{td:.0f} °C" in view.reason and f"below {limit:.2f}" in view.reason


def test_amorphous_headline_compares_chi_with_chi_c():
    prediction = predict_chi("polystyrene", "toluene", 298.15)
    view = verdict_view(prediction)
    assert view.headline == "Dissolves at 25 °C" and view.delta_label == "vs χc"
    assert view.delta == pytest.approx(prediction.chi[0] - prediction.chi_critical)
    assert "χc" in view.comparison and view.caveat == ""


def test_out_of_domain_answer_carries_its_caveat_and_names_its_prior():
    prediction = predict_chi("*O[Si](C)(C)*", "toluene", 298.15)
    view = verdict_view(prediction)
    assert not prediction.in_domain and "Rough guess" in view.caveat


def test_evidence_reads_as_a_table_of_sources_temperatures_and_labels():
    prediction = predict_chi("polystyrene", "cyclohexane", 298.15)
    table = evidence_table(prediction.evidence)
    assert list(table.columns) == ["kind", "source", "temperature_c", "measured_chi", "handbook_label"]
    assert {"measured χ", "upper θ temperature"} <= set(table["kind"])
    measured = table.dropna(subset=["measured_chi"])
    assert len(measured) == len(prediction.evidence.chis) >= 10
    assert measured["temperature_c"].tolist() == pytest.approx([t - 273.15 for t in prediction.evidence.temperatures_k],
                                                               abs=0.05)
    labels = table[table["handbook_label"] != ""]
    assert set(labels["handbook_label"]) <= {"solvent", "non-solvent"}
    assert all(math.isnan(v) for v in labels["measured_chi"])
