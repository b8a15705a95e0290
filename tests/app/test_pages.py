"""Every page from the entry script, its main interactions and its error paths, with the real model.

Widgets are driven by key (the keys live in chiapp/ui/session.py). A ChiAppError must reach the user as an
``st.error`` with its message, never as an exception.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import helpers

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = [
    "pages/1_Predict.py",
    "pages/2_Phase_diagram.py",
    "pages/3_Rank_solvents.py",
    "pages/4_Separate_plastics.py",
    "pages/5_Batch.py",
    "pages/6_About_the_model.py",
    "pages/7_Solvent_blends.py",
    "pages/8_Polymer_pairs.py",
    "pages/9_Calibrate.py",
    "pages/10_Antisolvent.py",
]
TIMEOUT_S = 120


def open_page(page: str | None = None) -> AppTest:
    return helpers.open_page(page, TIMEOUT_S)


shown = helpers.shown
assert_clean = helpers.assert_clean


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def verdicts(at: AppTest) -> list[tuple[str, str]]:
    """(colour, text) of every verdict box (chiapp.ui.views.verdict_box: a coloured headline)."""
    found = []
    for m in at.markdown:
        for colour in ("green", "orange", "red"):
            if f":{colour}-background[" in m.value:
                found.append((colour, m.value))
    return found


def chart_count(at: AppTest) -> int:
    return len(helpers.plotly_charts(at))


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page):
    at = open_page(page)
    assert_clean(at)
    assert at.title, "every page has a title"


# ---------------------------------------------------------------- Predict χ (the main page)

def test_predict_default_pair_shows_curve_and_coefficients():
    at = open_page()
    assert_clean(at)
    assert chart_count(at) == 1
    assert metric(at, "P(dissolves)").endswith("%")
    assert at.success or at.warning, "an in/out-of-domain notice is shown"
    # polystyrene in toluene: the headline is the verdict in its colour, unqualified (in the model's domain)
    (colour, text), = verdicts(at)
    assert colour == "green" and "**Dissolves at" in text and "χc" in text, text
    assert not any("Rough guess" in w.value for w in at.warning)


def test_predict_gives_another_laboratorys_scatter_where_measured_chi_narrow_sigma():
    """PS in toluene (measured χ of six laboratories): σ' = √(σ² + τ²) with the manifest's τ, against
    the σ metric shown; PMMA in acetonitrile (no measured χ) has no such note."""
    import re

    from chiapp import load_model

    tau = load_model().manifest["posterior"]["parameters"]["laboratory_sigma"]
    at = open_page()
    (note,) = [c.value for c in at.caption if "laboratories' consensus" in c.value]
    shown = float(re.search(r"σ' = ([0-9.]+)", note).group(1))
    sigma = float(metric(at, "σ of χ"))
    assert tau > 0 and abs(shown - (sigma**2 + tau**2) ** 0.5) <= 0.01, (shown, sigma, tau)
    at.selectbox(key="polymer_name").set_value("poly(methyl methacrylate)").run()
    at.selectbox(key="solvent_name").set_value("acetonitrile").run()
    assert_clean(at)
    assert not [c.value for c in at.caption if "laboratories' consensus" in c.value]


def test_predict_names_a_cited_dissolution_fact_and_its_grades():
    """HDPE in 1,2,4-trichlorobenzene: ASTM D6474 dissolves LDPE and LLDPE there at 150 °C, a fact on
    polyethylene's χ that the verdict must name (chiapp.evidence: cited dissolution facts)."""
    at = open_page()
    at.selectbox(key="polymer_name").set_value("HDPE").run()
    at.selectbox(key="solvent_name").set_value("1,2,4-trichlorobenzene").run()
    at.slider(key="temperature_range_c").set_value((100.0, 150.0)).run()
    assert_clean(at)
    (colour, text), = verdicts(at)
    assert colour == "green" and "LDPE, LLDPE dissolves at 150 °C" in text.replace("\\", "")


def test_predict_headline_is_qualified_out_of_domain():
    """PDMS (one silicon per repeat unit, unlike any training polymer) in toluene: the headline
    itself says how little the model knows; no unqualified green verdict above a warning."""
    at = open_page()
    at.radio(key="polymer_mode").set_value("SMILES").run()
    at.text_input(key="polymer_smiles").set_value("*O[Si](C)(C)*").run()
    assert not at.exception
    assert any("Rough guess" in w.value for w in at.warning), [w.value for w in at.warning]
    (colour, text), = verdicts(at)
    assert "P\\(dissolves\\)" in text or "P(dissolves)" in text, text


def test_predict_polymer_by_name_changes_the_result():
    at = open_page()
    before = metric(at, "a [-]")
    at.selectbox(key="polymer_name").set_value("poly(methyl methacrylate)").run()
    assert_clean(at)
    assert metric(at, "a [-]") != before


def test_predict_polymer_by_smiles_changes_the_result():
    at = open_page()
    before = metric(at, "a [-]")
    at.radio(key="polymer_mode").set_value("SMILES").run()
    at.text_input(key="polymer_smiles").set_value("*CC(*)C(=O)OC").run()
    assert_clean(at)
    assert metric(at, "a [-]") != before


def test_predict_temperature_range_changes_the_curve():
    at = open_page()
    before = next(m.label for m in at.metric if m.label.startswith("χ at"))
    at.slider(key="temperature_range_c").set_value((40.0, 60.0)).run()
    assert_clean(at)
    assert next(m.label for m in at.metric if m.label.startswith("χ at")) == "χ at 50 °C" != before


def test_switching_to_smiles_starts_from_the_chosen_name():
    at = open_page()
    at.selectbox(key="polymer_name").set_value("poly(methyl methacrylate)").run()
    before = metric(at, "a [-]")
    at.radio(key="polymer_mode").set_value("SMILES").run()
    assert_clean(at)
    assert at.text_input(key="polymer_smiles").value == "*CC(*)(C)C(=O)OC"
    assert metric(at, "a [-]") == before


def test_predict_draw_mode_keeps_the_last_structure():
    at = open_page()
    at.radio(key="polymer_mode").set_value("SMILES").run()
    at.text_input(key="polymer_smiles").set_value("*CC(*)C#N").run()
    smiles_a = metric(at, "a [-]")
    at.radio(key="polymer_mode").set_value("Draw").run()
    assert_clean(at)
    assert metric(at, "a [-]") == smiles_a, "the editor starts from the structure already chosen"


@pytest.mark.parametrize("smiles, words", [
    ("*CC(*", "syntax"),
    ("*C(C)(C)(C)(C)*", "valence"),
    ("*CC*.O", "mixture"),
])
def test_predict_bad_smiles_shows_an_error(smiles, words):
    at = open_page()
    at.radio(key="polymer_mode").set_value("SMILES").run()
    at.text_input(key="polymer_smiles").set_value(smiles).run()
    assert not at.exception
    assert len(at.error) == 1 and words in at.error[0].value
    assert chart_count(at) == 0


def test_predict_unknown_name_shows_an_error_with_suggestions():
    at = open_page()
    at.radio(key="solvent_mode").set_value("SMILES").run()
    at.text_input(key="solvent_smiles").set_value("tolune").run()
    assert not at.exception
    assert len(at.error) == 1 and "did you mean" in at.error[0].value and "toluene" in at.error[0].value


def test_inputs_survive_a_page_switch():
    at = open_page()
    at.selectbox(key="polymer_name").set_value("poly(methyl methacrylate)").run()
    at.slider(key="temperature_range_c").set_value((10.0, 90.0)).run()
    at.switch_page("pages/5_Batch.py").run()
    at.switch_page("pages/3_Rank_solvents.py").run()
    assert at.selectbox(key="polymer_name").value == "poly(methyl methacrylate)"
    at.switch_page("pages/5_Batch.py").run()
    at.switch_page("pages/1_Predict.py").run()
    assert at.selectbox(key="polymer_name").value == "poly(methyl methacrylate)"
    assert at.slider(key="temperature_range_c").value == (10.0, 90.0)


# ---------------------------------------------------------------- Phase diagram

def test_phase_diagram_shows_a_verdict_and_the_users_mixture():
    at = open_page("pages/2_Phase_diagram.py")
    assert_clean(at)
    verdict = at.subheader[0].value
    assert any(word in verdict for word in ("Dissolves", "Separates")), verdict
    assert "Your mixture" in at.info[0].value
    at.radio(key="chain_length_mode").set_value("Chain length N").run()
    at.number_input(key="phase_chain_length").set_value(10.0).run()
    assert_clean(at)
    assert "N = 10," in at.caption[0].value


def test_phase_diagram_for_a_solvent_outside_the_library_uses_the_same_n_as_the_ranking():
    """A solvent without a tabulated molar volume gets the group-contribution estimate, as in the
    ranking (one rule for N); before, this page refused what the ranking answered."""
    from chiapp.library import chain_length_for, resolve_polymer, resolve_solvent

    at = open_page("pages/2_Phase_diagram.py")
    at.radio(key="chain_length_mode").set_value("Molecular weight").run()
    at.radio(key="solvent_mode").set_value("SMILES").run()
    at.text_input(key="solvent_smiles").set_value("CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCO").run()
    assert_clean(at)
    expected = chain_length_for(resolve_polymer("polystyrene"), resolve_solvent("CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCO"),
                                molecular_weight_g_per_mol=100_000.0)
    assert any(f"N = {expected:,.0f}" in c.value for c in at.caption)


# ---------------------------------------------------------------- Rank solvents

def test_ranking_filters_shrink_the_table():
    at = open_page("pages/3_Rank_solvents.py")
    assert_clean(at)
    n_all = len(at.dataframe[0].value)
    assert n_all > 100
    at.multiselect(key="filter_exclude_classes").set_value(["hazardous", "highly hazardous"]).run()
    at.slider(key="filter_boiling_point_c").set_value((50.0, 200.0)).run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert 0 < len(table) < n_all
    assert table["boiling_point_c"].between(50, 200).all()
    assert not table["chem21_class"].isin(["hazardous", "highly hazardous"]).any()
    assert "left out by the filters" in at.markdown[0].value


def test_ranking_in_domain_only_and_temperature():
    at = open_page("pages/3_Rank_solvents.py")
    first = at.dataframe[0].value.iloc[0].to_dict()
    at.toggle(key="filter_in_domain_only").set_value(True).run()
    at.slider(key="rank_temperature_c").set_value(120.0).run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) > 0 and table["in_domain"].all()
    assert table.iloc[0].to_dict() != first


# ---------------------------------------------------------------- Separate plastics

def test_separation_lists_selective_solvents_and_plots_the_chosen_one():
    at = open_page("pages/4_Separate_plastics.py")
    assert_clean(at)
    assert "surest first" in at.markdown[1].value  # the summary sentence says the table's order
    if at.dataframe:
        assert chart_count(at) == 1
        shown_table = next(f.value for f in at.dataframe if "confidence" in f.value.columns)  # not the failures
        assert shown_table["confidence"].is_monotonic_decreasing   # the order the sentence states


def test_separation_with_the_target_among_the_others_is_an_error():
    at = open_page("pages/4_Separate_plastics.py")
    at.multiselect(key="separate_others").set_value(["polystyrene", "polyethylene"]).run()
    assert not at.exception
    assert len(at.error) == 1 and "also among the others" in at.error[0].value


# ---------------------------------------------------------------- Batch

GOOD_AND_BAD = (b"polymer,solvent,temperature_k\n"
                b"polystyrene,toluene,298.15\n"
                b"*CC(*)C(=O)OC,acetone,310\n"
                b"*CC(*,toluene,300\n"
                b"polystyrene,notasolventname,300\n"
                b"polystyrene,toluene,-5\n")


def test_batch_predicts_good_rows_and_explains_bad_ones():
    at = open_page("pages/5_Batch.py")
    at.file_uploader(key="batch_file").upload("pairs.csv", GOOD_AND_BAD, "text/csv").run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) == 5
    errors = table["error"].fillna("").astype(str)
    assert (errors == "").tolist() == [True, True, False, False, False]
    assert [v not in ("", None) and v == v for v in table["chi"]] == [True, True, False, False, False]
    assert "None" not in table["chi"].astype(str).tolist(), "a failed row's χ is an empty cell"
    assert "2 of 5 rows predicted" in at.success[0].value


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"\xff\xfe\x00binary", "not UTF"),  # shown escaped: UTF\\-8
    (b"polymer;solvent\npolystyrene;toluene\n", "missing column"),
    (b"polymer,solvent,temperature_k\n", "no rows"),
    (b'polymer,solvent,temperature_k\n"polystyrene,toluene,300\n', "not a readable CSV"),
])
def test_batch_bad_file_shows_an_error(content, words):
    at = open_page("pages/5_Batch.py")
    at.file_uploader(key="batch_file").upload("pairs.csv", content, "text/csv").run()
    assert not at.exception
    assert len(at.error) == 1 and words in at.error[0].value, [e.value for e in at.error]


# ---------------------------------------------------------------- About the model

def test_about_reads_the_benchmark_from_the_manifest():
    at = open_page("pages/6_About_the_model.py")
    assert_clean(at)
    assert len(at.dataframe) >= 2
    assert "10.1021/acs.macromol.2c02600" in at.code[0].value


# ---------------------------------------------------------------- Search, drawing, silent cases

@pytest.mark.parametrize("role, text, expected", [
    ("solvent", "110-54-3", "n-hexane"),      # CAS number
    ("solvent", "THF", "tetrahydrofuran"),    # abbreviation, first of several hits
    ("polymer", "silicone", "polydimethylsiloxane"),  # synonym
    ("polymer", "PS", "polystyrene"),
])
def test_search_box_picks_the_best_hit(role, text, expected):
    at = open_page("pages/2_Phase_diagram.py")
    at.text_input(key=f"{role}_search").input(text).run()
    assert_clean(at)
    assert at.selectbox(key=f"{role}_name").value == expected
    assert at.selectbox(key=f"{role}_name").options[0].startswith(expected)


def test_separation_search_adds_a_plastic_by_trade_name():
    at = open_page("pages/4_Separate_plastics.py")
    at.text_input(key="separate_others_search").input("teflon").run()
    assert not at.exception
    assert "polytetrafluoroethylene" in at.multiselect(key="separate_others").value
    assert any("Added polytetrafluoroethylene (synonym: teflon)" in c.value for c in at.caption)


def test_empty_drawing_says_so_instead_of_keeping_the_old_molecule(monkeypatch):
    """Apply on an empty editor: the browser component hands back '' (the browser test presses the
    real button); the page must say the drawing is empty and show no result."""
    from chiapp.ui import editor

    at = open_page()
    at.radio(key="polymer_mode").set_value("Draw").run()
    monkeypatch.setattr(editor, "draw_molecule", lambda smiles, key, height=380: "")
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "The drawing is empty: draw the polymer" in shown(at.error[0].value)
    assert chart_count(at) == 0


def test_drawing_with_r_ends_becomes_a_polymer(monkeypatch):
    from chiapp.ui import editor

    at = open_page()
    at.radio(key="polymer_mode").set_value("Draw").run()
    monkeypatch.setattr(editor, "draw_molecule", lambda smiles, key, height=380: "[R]CC([R])C#N")
    at.run()
    assert_clean(at)
    assert chart_count(at) == 1
    assert at.session_state["polymer_smiles"] == "*CC(*)C#N"


def test_invalid_drawing_shows_the_chemistry_in_words(monkeypatch):
    from chiapp.ui import editor

    at = open_page()
    at.radio(key="polymer_mode").set_value("Draw").run()
    monkeypatch.setattr(editor, "draw_molecule", lambda smiles, key, height=380: "[R]C(C)(C)(C)C[R]")
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "atom 2 (C) has 5 bonds; carbon takes at most 4" in shown(at.error[0].value)


@pytest.mark.parametrize("page, key", [("pages/1_Predict.py", "temperature_range_c"),
                                       ("pages/2_Phase_diagram.py", "temperature_range_c"),
                                       ("pages/4_Separate_plastics.py", "separate_temperature_range_c")])
def test_collapsed_temperature_range_shows_a_message(page, key):
    at = open_page(page)
    at.slider(key=key).set_value((150.0, 150.0)).run()
    assert not at.exception
    assert len(at.error) == 1 and "150–150 °C is empty" in at.error[0].value
    assert chart_count(at) == 0


# ---------------------------------------------------------------- grades on every page

@pytest.mark.parametrize("page", ["pages/1_Predict.py", "pages/3_Rank_solvents.py", "pages/2_Phase_diagram.py"])
def test_a_grade_typed_in_the_search_travels_to_the_answer(page):
    """Issue 24: 'LDPE' found by the search is LDPE (melting at 110 °C), not polyethylene's default HDPE."""
    at = open_page(page)
    at.text_input(key="polymer_search").set_value("LDPE").run()
    assert_clean(at)
    assert at.selectbox(key="polymer_name").value == "LDPE"
    if page.endswith("1_Predict.py"):
        (_, text), = verdicts(at)
        assert "LDPE" in text and "HDPE" not in text
    elif page.endswith("3_Rank_solvents.py"):
        assert "LDPE" in at.markdown[0].value
        ldpe = at.dataframe[0].value.set_index("name")["dissolution_temperature_c"]
        at.text_input(key="polymer_search").set_value("HDPE").run()
        hdpe = at.dataframe[0].value.set_index("name")["dissolution_temperature_c"]
        assert float(ldpe["toluene"]) < float(hdpe["toluene"])  # a lower melting point dissolves lower
    else:  # the phase diagram's title names the grade
        assert "LDPE" in str(helpers.plotly_charts(at)[0].proto.spec)


def test_antisolvent_page_doses_and_refuses_a_non_solvent():
    at = open_page("pages/10_Antisolvent.py")
    assert_clean(at)
    assert metric(at, "Cloud point").endswith("vol-%") and chart_count(at) == 1
    at.selectbox(key="antisolvent_solvent").set_value("water").run(timeout=TIMEOUT_S)
    assert any("does not dissolve" in e.value for e in at.error)
    assert not at.exception
    at.selectbox(key="antisolvent_solvent").set_value("toluene")
    at.selectbox(key="antisolvent_added").set_value("water").run(timeout=TIMEOUT_S)  # two liquids that do not mix
    assert any("do not mix" in w.value for w in at.warning) and not at.exception
