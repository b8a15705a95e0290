"""AppTests of the mixture, separation-sequence, Hansen and quantum-chemistry parts of the app, with
the real model (issues 13, 15 and 18). Widgets are driven by key (chiapp/ui/session.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from chiapp.units import kelvin
from tests import helpers

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT_S = 300


def open_page(page: str | None = None) -> AppTest:
    return helpers.open_page(page, TIMEOUT_S)


assert_clean = helpers.assert_clean


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in helpers.plotly_charts(at)]


#: A column that tells each table apart (AppTest does not expose a dataframe's key).
_MARKERS = {
    "blend_finder_table": {"fraction_1_low"},
    "compatibility_table": {"method"},
    "ideas_small_molecules": {"chi_a", "dissolves_both", "name"},
    "ideas_copolymers": {"segment_a"},
    "sequence_table": {"dissolves", "recovery"},
    "ranking_table": {"verdict", "red"},
}


def tables(at: AppTest, key: str) -> list:
    return [f.value for f in at.dataframe if _MARKERS[key] <= set(f.value.columns)]


def table(at: AppTest, key: str):
    """The DataFrame of the st.dataframe made with ``key``, found by its columns."""
    found = tables(at, key)
    assert found, f"no table {key!r} on the page"
    return found[0]


# ------------------------------------------------------------------------------- Solvent blends

def test_blends_page_shows_blend_properties_and_finder():
    at = open_page("pages/7_Solvent_blends.py")
    assert_clean(at)
    # Default blend ethanol:0.5+toluene:0.5. Boiling points 78.4 and 110.6 °C; molar volumes 58.7 and
    # 106.3 cm³/mol (CRC Handbook of Chemistry and Physics): V_b = 1 / (0.5/58.7 + 0.5/106.3) = 75.6.
    assert metric(at, "Boiling range") == "78 – 111"
    assert float(metric(at, "Blend molar volume")) == pytest.approx(1 / (0.5 / 58.7 + 0.5 / 106.3), abs=1.5)
    assert len(helpers.plotly_charts(at)) == 1
    blends = table(at, "blend_finder_table")
    assert len(blends) > 0
    assert (blends["margin"] > 0).all()


def test_blends_page_finder_only_nonsolvents_keeps_cosolvent_pairs():
    at = open_page("pages/7_Solvent_blends.py")
    at.toggle(key="blend_only_nonsolvents").set_value(True).run()
    assert_clean(at)
    blends = table(at, "blend_finder_table")
    # the option's definition: neither solvent alone dissolves the polymer (its verdict alone)
    assert (blends["verdict_1"] != "dissolves").all() and (blends["verdict_2"] != "dissolves").all()


@pytest.mark.parametrize("text, words", [
    ("ethanol:0.5+water:0.2", "sum"),
    ("ethanol:-0.2+water:1.2", "negative"),
    ("polystyrene:0.5+toluene:0.5", "polymer"),
    ("notasolvent:0.5+toluene:0.5", "notasolvent"),
])
def test_blends_page_bad_blend_is_a_clear_error_and_the_finder_stays(text, words):
    at = open_page("pages/7_Solvent_blends.py")
    at.text_input(key="blend_text").set_value(text).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    assert words in at.error[0].value.lower()
    assert len(table(at, "blend_finder_table")) > 0, "the finder still runs under a bad blend"


# ------------------------------------------------------------------------------- Polymer pairs

def test_polymer_pairs_page_shows_both_estimates_and_the_three_lists():
    at = open_page("pages/8_Polymer_pairs.py")
    assert_clean(at)
    # PS/PMMA (the default) is a pair of the blend table: its literature statement first, then the blend
    # classifier and both estimates
    estimates = table(at, "compatibility_table")
    assert len(estimates) == 4 and estimates["method"].iloc[0].startswith("literature: immiscible")
    assert estimates["method"].iloc[1].startswith("blend classifier: P(miscible)")
    assert any(c.value.startswith("literature") and "immiscible at" in c.value and "Source" in c.value for c in at.caption)
    at.number_input(key="pair_chain_length_a").set_value(100.0).run()
    at.number_input(key="pair_chain_length_b").set_value(100.0).run()
    assert_clean(at)
    estimates = table(at, "compatibility_table")  # chain lengths given: the latent space decides
    assert len(estimates) == 3 and not estimates["method"].str.startswith("literature").any()
    assert estimates["method"].str.contains("latent").any() and estimates["method"].str.contains("Hansen").any()
    assert any("with the chain lengths given" in c.value for c in at.caption)
    # blend critical value ½(1/√N_A + 1/√N_B)² (Scott 1949) = ½(2/10)² = 0.02
    assert estimates["chi_critical"].iloc[0] == pytest.approx(0.02, rel=1e-6)
    assert any("specific interactions" in c.value for c in at.caption)
    assert len(table(at, "ideas_copolymers")) > 0
    small, common = tables(at, "ideas_small_molecules")[:2]  # additives first, common solvents last
    assert len(small) > 0 and len(common) > 0


# ------------------------------------------------------------------------------- Separate plastics

def test_separate_chart_has_one_shared_zero_line():
    at = open_page("pages/4_Separate_plastics.py")
    assert_clean(at)
    figure = figures(at)[0]
    shapes = figure["layout"].get("shapes", [])
    assert len(shapes) == 1 and shapes[0]["y0"] == 0 == shapes[0]["y1"]
    names = [t.get("name", "") for t in figure["data"] if t.get("showlegend", True)]
    assert not [n for n in names if n.startswith("χc")], "no χc line per plastic"
    assert len(names) == 1 + len(at.multiselect(key="separate_others").value)


def test_separate_sequence_of_two_plastics_without_pressure_stays_below_boiling():
    at = open_page("pages/4_Separate_plastics.py")
    at.multiselect(key="separate_others").set_value(["polyethylene"]).run()
    at.toggle(key="separate_plan").set_value(True).run()
    assert_clean(at)
    steps = table(at, "sequence_table")
    assert 1 <= len(steps) <= 1  # two plastics: one dissolution, the other is the residue
    assert set(steps["dissolves"]) <= {"polystyrene", "polyethylene"}
    assert not steps["needs_pressure"].any()
    known = steps.dropna(subset=["boiling_point_c"])
    assert (known["window_high_c"] <= known["boiling_point_c"] + 1e-6).all()
    diagram = " ".join(a.get("text", "") for f in figures(at) for a in f["layout"].get("annotations", []))
    for row in steps.itertuples():
        assert row.solvent in diagram and f"{row.dissolves} dissolves" in diagram  # the diagram shows each step


def test_a_table_shows_the_digits_the_sentences_print():
    """The browser rounds 132.5 up to 133; Python's format, which writes the page's sentences ('run at
    132 °C'), rounds half to even. A column with a '%.0f' format reaches the browser already rounded as
    Python formats it (chiapp.ui.displayed_table)."""
    from chiapp.ui import displayed_table

    frame = pd.DataFrame({"run_c": [132.5, 102.5, 20.0], "margin": [0.125, 0.35, 0.015]})
    shown, _ = displayed_table(frame, {"run_c": st.column_config.NumberColumn("run", format="%.0f"),
                                      "margin": st.column_config.NumberColumn("m", format="%.2f")})
    assert [f"{v:g}" for v in shown["run_c"]] == [f"{v:.0f}" for v in frame["run_c"]] == ["132", "102", "20"]
    assert [f"{v:g}" for v in shown["margin"]] == [f"{v:.2f}".rstrip("0").rstrip(".") for v in frame["margin"]]
    assert frame["run_c"].tolist() == [132.5, 102.5, 20.0]   # the caller's table (CSV downloads) untouched


# ------------------------------------------------------------------------------- Rank solvents: Hansen

def test_rank_page_has_hansen_columns_and_3d_plot():
    at = open_page("pages/3_Rank_solvents.py")
    assert_clean(at)
    ranking = table(at, "ranking_table")
    for column in ("solvent_delta_d_mpa05", "ra_mpa05", "red", "hansen_chi"):
        assert column in ranking.columns
    # the table shows a column with empty cells as text in its format (chiapp.ui.displayed_table)
    ra, red = (pd.to_numeric(ranking[c].replace("", None)) for c in ("ra_mpa05", "red"))
    known = ra.notna() & red.notna()
    assert known.sum() > 100
    assert ((red[known] - ra[known] / 8.0).abs() < 0.0115).all()  # RED = Ra/R0, R0 = 8; shown rounded
    toluene = ranking.loc[ranking["name"] == "toluene"].iloc[0]
    # Hansen, Hansen Solubility Parameters: A User's Handbook, 2nd ed. (2007), appendix: toluene 18.0, 1.4, 2.0
    deltas = [float(toluene[f"solvent_delta_{k}_mpa05"]) for k in "dph"]
    assert deltas == pytest.approx([18.0, 1.4, 2.0], abs=0.15)
    kinds = {t["type"] for f in figures(at) for t in f["data"]}
    assert "scatter3d" not in kinds  # drawn on request only
    at.toggle(key="show_hansen_3d").set_value(True).run()
    kinds = {t["type"] for f in figures(at) for t in f["data"]}
    assert {"scatter3d", "surface"} <= kinds


# ------------------------------------------------------------------------------- Predict: blends and QC

def test_predict_accepts_a_blend_in_the_solvent_box():
    at = open_page()
    at.radio(key="solvent_mode").set_value("SMILES").run()
    at.text_input(key="solvent_smiles").set_value("ethanol:0.8+water:0.2").run()
    assert_clean(at)
    assert metric(at, "Boiling range") == "78 – 100"  # ethanol 78.4 °C, water 100.0 °C
    figure = figures(at)[0]
    assert any("water alone" in t.get("name", "") for t in figure["data"])


def test_predict_quantum_chemistry_of_library_molecules_needs_no_mopac(monkeypatch, tmp_path):
    monkeypatch.setenv("CHIAPP_MOPAC", str(tmp_path / "no-such-mopac"))
    monkeypatch.setenv("CHIAPP_SIGMA_CACHE", str(tmp_path / "sigma"))  # nothing cached, but shipped
    at = open_page()
    assert_clean(at)
    at.button(key="qc_button").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("COSMO-SAC" in m.value for m in at.markdown) or any("COSMO-SAC" in c.value for c in at.caption)


def test_predict_quantum_chemistry_without_mopac_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("CHIAPP_MOPAC", str(tmp_path / "no-such-mopac"))
    monkeypatch.setenv("CHIAPP_SIGMA_CACHE", str(tmp_path / "sigma"))  # nothing cached: MOPAC is needed
    at = open_page()
    at.radio(key="polymer_mode").set_value("SMILES").run()
    at.text_input(key="polymer_smiles").set_value("*CC(*)c1ccc(CCCCCCCC)cc1").run()  # no shipped σ-profile
    assert_clean(at)
    at.button(key="qc_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    assert "mopac" in at.error[0].value.lower()
    assert metric(at, "a [-]"), "the model's answer stays on the page"


def test_predict_runs_no_quantum_chemistry_unless_asked(monkeypatch, tmp_path):
    monkeypatch.setenv("CHIAPP_MOPAC", str(tmp_path / "no-such-mopac"))
    monkeypatch.setenv("CHIAPP_SIGMA_CACHE", str(tmp_path / "sigma"))
    at = open_page()
    assert_clean(at)
    assert not math.isnan(float(metric(at, "a [-]")))


@pytest.mark.parametrize("polymer_a, polymer_b, t_c, decided_by", [
    ("poly(methyl methacrylate)", "polystyrene", 150.0, "literature"),          # a statement at 150 °C
    ("poly(methyl methacrylate)", "poly(vinyl chloride)", 150.0, "blend classifier"),  # its statement: 120 °C
])
def test_polymer_pairs_agree_across_api_cli_and_page(polymer_a, polymer_b, t_c, decided_by):
    """The same polymer pair gets the same verdict, P(miscible) and decider from the API, ``chiapp
    compat`` and the Polymer pairs page."""
    from chiapp.compatibility import polymer_compatibility

    api = polymer_compatibility(polymer_a, polymer_b, float(kelvin(t_c)))
    assert api.decided_by.startswith(decided_by)
    done = helpers.run_cli("compat", "--polymer-a", polymer_a, "--polymer-b", polymer_b, "--temperature-c", str(t_c),
                           "--no-ideas")
    assert done.returncode == 0, done.stderr
    assert f"verdict: {api.verdict} (decided by the {api.decided_by})" in done.stdout
    assert f"P(miscible) = {api.miscible_probability:.2f}" in done.stdout
    at = helpers.open_page("pages/8_Polymer_pairs.py")
    at.selectbox(key="pair_polymer_a").set_value(polymer_a).run()
    at.selectbox(key="pair_polymer_b").set_value(polymer_b).run()
    at.slider(key="pair_temperature_c").set_value(t_c).run()
    assert_clean(at)
    box = next(m.value for m in at.markdown if f"**{api.verdict.capitalize()}**" in m.value)
    assert f"by the {decided_by}" in box
    estimates = table(at, "compatibility_table")
    assert f"P(miscible) = {api.miscible_probability:.2f}" in " ".join(estimates["method"])
