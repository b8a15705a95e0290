"""Solvent ranking and selective dissolution, on the real model (no mocks).

The chemistry checks are textbook solubility facts: polystyrene dissolves in toluene, THF,
chloroform and MEK, not in methanol, ethanol, water or hexane; PMMA in acetone and ethyl acetate,
not in water or hexane (Brandrup, Immergut, Grulke, Polymer Handbook, 4th ed., Wiley 1999,
ch. VII "Solvents and non-solvents for polymers"); polyethylene dissolves in no common solvent
at room temperature, but in xylene or decalin above about 100 °C (ibid.; the usual GPC and
viscometry solvents of polyolefins are hot trichlorobenzene, xylene and decalin).

"""

from __future__ import annotations

import numpy as np
import pytest

from chiapp.errors import InputError, MoleculeError, NameNotFoundError
from chiapp.ranking import RANKING_COLUMNS, VERDICTS, rank_solvents
from chiapp.selection import ANTISOLVENT_COLUMNS, SELECTION_COLUMNS, select_solvents
from chiapp.units import ZERO_CELSIUS_K

T25_K = 298.15
SELECT_TEMPERATURES_K = np.linspace(20.0, 160.0, 50) + 273.15


def _positions(table, names):
    order = list(table["name"])
    return [order.index(n) for n in names]


# ---------------------------------------------------------------------------------------------
# Chemistry

def test_rank_solvents_polystyrene_good_solvents_above_nonsolvents():
    good = ["toluene", "tetrahydrofuran", "chloroform", "methyl ethyl ketone"]
    bad = ["methanol", "ethanol", "water", "n-hexane"]
    ranking = rank_solvents("polystyrene", T25_K, solvents=good + bad)
    assert ranking.failures.empty
    assert max(_positions(ranking.table, good)) < min(_positions(ranking.table, bad))


def test_rank_solvents_pmma_acetone_and_ethyl_acetate_above_water_and_hexane():
    good, bad = ["acetone", "ethyl acetate"], ["water", "n-hexane"]
    ranking = rank_solvents("PMMA", T25_K, solvents=good + bad)
    assert max(_positions(ranking.table, good)) < min(_positions(ranking.table, bad))


def test_rank_solvents_polyethylene_no_good_common_solvent_at_25c():
    """Was a strict xfail: the χ of the amorphous chain calls toluene good. PE's insolubility at
    25 °C is its crystallinity: Flory's melting-point depression (chiapp.crystallinity) puts its
    dissolution temperature near 100 °C in the aromatic and aliphatic solvents."""
    common = ["toluene", "p-xylene", "decalin", "n-hexane", "cyclohexane", "chloroform", "tetrahydrofuran",
              "acetone", "ethanol", "water"]
    ranking = rank_solvents("polyethylene", T25_K, solvents=common)
    assert not (ranking.table["verdict"] == "dissolves").any()
    toluene = ranking.table.set_index("name").loc["toluene"]
    assert toluene["verdict"] == "does not dissolve"
    assert toluene["reason"].startswith("dissolves above ~") and "melting-point depression" in toluene["reason"]
    assert 25.0 < toluene["dissolution_temperature_c"] < 120.0


def test_rank_solvents_polyethylene_hot_xylene_or_decalin_good():
    ranking = rank_solvents("polyethylene", 403.15, solvents=["p-xylene", "decalin"])
    assert (ranking.table["verdict"] == "dissolves").any()


def test_rank_solvents_amorphous_override_lifts_the_crystalline_limit():
    ranking = rank_solvents("polyethylene", T25_K, solvents=["toluene"], crystalline_overrides={"crystallinity": 0})
    row = ranking.table.iloc[0]
    assert row["chi_limit"] == pytest.approx(row["chi_critical"])
    assert row["reason"] == "amorphous: no melting-point limit"


# ---------------------------------------------------------------------------------------------
# The table, filters, failures

def test_rank_solvents_table_is_sorted_with_consistent_verdicts():
    ranking = rank_solvents("PS", T25_K)
    table = ranking.table
    assert list(table.columns) == list(RANKING_COLUMNS)
    assert len(table) + len(ranking.failures) + ranking.n_filtered_out >= 300
    # P to the percent, then the margin χ − χ_lim: a θ solvent at P 0.99999 does not outrank a good one at 0.998
    p = table["dissolve_probability"].round(2)
    assert p.is_monotonic_decreasing
    margin = table["chi"] - table["chi_limit"]
    for value in p.unique():
        assert margin[p == value].is_monotonic_increasing
    assert set(table["verdict"]) <= set(VERDICTS)
    # the verdict is P(dissolves) = Φ((χ_lim − χ)/σ) read at 0.7 / 0.3: recompute it from the columns
    from scipy.stats import norm
    probability = norm.cdf((table["chi_limit"] - table["chi"]) / table["chi_std"])
    assert probability == pytest.approx(table["dissolve_probability"].to_numpy(), abs=1e-9)
    assert (table["chi_limit"] == table["chi_critical"]).all()  # amorphous: the limit is χc
    expected = np.where(probability >= 0.7, "dissolves", np.where(probability <= 0.3, "does not dissolve", "borderline"))
    assert list(table["verdict"]) == list(expected)
    assert (table["chi_critical"] > 0.5).all() and (table["chain_length"] >= 1).all()


def test_rank_solvents_critical_chi_follows_chain_length():
    """χ_c = (1 + 1/sqrt N)^2 / 2 with N = (M_n / ρ) / V_s: toluene, PS 100 kg/mol, 1.05 g/cm3."""
    ranking = rank_solvents("PS", T25_K, solvents=["toluene"], molecular_weight_g_per_mol=100_000)
    row = ranking.table.iloc[0]
    n = 100_000 / 1.05 / row["molar_volume_cm3_per_mol"]
    assert row["chain_length"] == pytest.approx(n, rel=1e-9)
    assert row["chi_critical"] == pytest.approx(0.5 * (1 + n**-0.5) ** 2, rel=1e-12)


def test_rank_solvents_filters_boiling_point_flash_point_and_class():
    ranking = rank_solvents("PS", T25_K, boiling_point_c=(60, 120), min_flash_point_c=0,
                            exclude_classes=("hazardous", "highly hazardous"))
    table = ranking.table
    assert table["boiling_point_c"].between(60, 120).all()
    assert not (table["flash_point_c"] < 0).any()  # unknown flash points are kept
    assert not table["chem21_class"].isin(["hazardous", "highly hazardous"]).any()
    assert ranking.n_filtered_out > 0


def test_rank_solvents_in_domain_only_keeps_in_domain_pairs():
    ranking = rank_solvents("PS", T25_K, in_domain_only=True)
    assert ranking.table["in_domain"].all()


def test_rank_solvents_reports_failures_without_breaking():
    ranking = rank_solvents("PS", T25_K, solvents=["toluene", "tolune", "PMMA", "[Na+].[Cl-]", "Cc1ccccc1"])
    assert list(ranking.table["name"]) == ["toluene"]  # the SMILES of toluene is the same solvent
    assert list(ranking.failures["input"]) == ["tolune", "PMMA", "[Na+].[Cl-]"]
    assert ranking.failures["reason"].str.len().gt(0).all()


def test_rank_solvents_range_judges_the_worst_temperature():
    ranking = rank_solvents("PS", (T25_K, 373.15), solvents=["toluene", "cyclohexane", "acetone"])
    for row in ranking.table.itertuples():
        assert T25_K <= row.temperature_k <= 373.15
        single = rank_solvents("PS", row.temperature_k, solvents=[row.name]).table.iloc[0]
        assert single["chi"] == pytest.approx(row.chi)
        for t in np.linspace(T25_K, 373.15, 21):  # the worst temperature: the lowest P(dissolves)
            other = rank_solvents("PS", t, solvents=[row.name]).table.iloc[0]
            assert other["dissolve_probability"] >= row.dissolve_probability - 1e-12


# ---------------------------------------------------------------------------------------------
# Selective dissolution

def test_select_solvents_windows_are_selective_and_ranked():
    selection = select_solvents("PS", ["PE", "PP", "PET"], SELECT_TEMPERATURES_K)
    table = selection.table
    assert list(table.columns) == list(SELECTION_COLUMNS)
    assert selection.n_screened >= 300 - len(selection.failures)
    assert (table["margin"] > 0).all() and (table["target_probability"] >= 0.7).all()
    assert table["confidence"].is_monotonic_decreasing  # rank_by='confidence'
    assert table["confidence"].to_numpy() == pytest.approx((table["margin"] / table["margin_std"]).to_numpy())
    assert table["operating_temperature_c"].between(table["window_low_c"], table["window_high_c"]).all()
    by_margin = select_solvents("PS", ["PE", "PP", "PET"], SELECT_TEMPERATURES_K, rank_by="margin").table
    assert by_margin["margin"].is_monotonic_decreasing
    assert (table["window_low_c"] >= 20 - 1e-9).all() and (table["window_high_c"] <= 160 + 1e-9).all()
    assert (table["window_low_c"] <= table["window_high_c"]).all()
    assert (table["margin_std"] >= 0).all()
    precipitation = table["precipitation_temperature_c"].dropna()
    assert (precipitation <= table.loc[precipitation.index, "window_low_c"]).all()


def test_select_solvents_margin_std_holds_the_grades_chain_length():
    """Where the binding polymer's limit is χc (PS, amorphous) and its M_n was not given, margin_std =
    √(σ² + (s·(χc − ½))²), s = GRADE_SIGMA_SHARE, with σ, χc and the margin from rank_solvents (an
    independent route); with its M_n given, margin_std is σ itself."""
    from chiapp.selection import GRADE_SIGMA_SHARE

    def check(weights, with_grade: bool):
        table = select_solvents("PS", ["PE", "PP"], SELECT_TEMPERATURES_K, solvents=["toluene"],
                                molecular_weights_g_per_mol=weights).table
        row = table.iloc[0]
        assert row["nearest"] == "polystyrene"
        ranked = rank_solvents("PS", row["operating_temperature_c"] + ZERO_CELSIUS_K, solvents=["toluene"],
                               molecular_weight_g_per_mol=weights.get("PS")).table.iloc[0]
        grade = GRADE_SIGMA_SHARE * (ranked["chi_critical"] - 0.5) if with_grade else 0.0
        assert row["margin_std"] == pytest.approx(np.hypot(ranked["chi_std"], grade), rel=1e-9)
        assert row["margin"] == pytest.approx(ranked["chi_limit"] - ranked["chi"], rel=1e-9)

    check({}, with_grade=True)
    check({"PS": 250_000.0}, with_grade=False)


def test_select_solvents_margin_std_is_sigma_under_a_melting_limit():
    """PE from PET in toluene near 100 °C: both are below their melting points, so the limit of whichever
    is nearest is a melting limit, not χc, and the grade's chain length adds nothing (margin_std = the
    engine's σ of that polymer, read from rank_solvents)."""
    temperatures = np.linspace(100.0, 125.0, 11) + ZERO_CELSIUS_K
    table = select_solvents("PE", ["PET"], temperatures, solvents=["toluene"]).table
    row = table.iloc[0]
    assert row["nearest"] in ("polyethylene", "poly(ethylene terephthalate)")
    ranked = rank_solvents(row["nearest"], row["operating_temperature_c"] + ZERO_CELSIUS_K,
                           solvents=["toluene"]).table.iloc[0]
    assert ranked["chi_limit"] < ranked["chi_critical"]  # the melting limit binds
    assert row["margin_std"] == pytest.approx(ranked["chi_std"], rel=1e-9)


def test_select_solvents_grade_allowance_moves_no_verdict(monkeypatch):
    """The allowance changes σ, the order and the operating point, never which solvents are selective
    nor their windows: with the share set to 0 the same windows come out."""
    import chiapp.selection as selection

    with_grade = select_solvents("PS", ["PE", "PP"], SELECT_TEMPERATURES_K).table
    monkeypatch.setattr(selection, "GRADE_SIGMA_SHARE", 0.0)
    without = select_solvents("PS", ["PE", "PP"], SELECT_TEMPERATURES_K).table
    key = ["name", "window_low_c", "window_high_c", "windows"]
    assert (with_grade[key].sort_values("name").reset_index(drop=True)
            .equals(without[key].sort_values("name").reset_index(drop=True)))
    assert (with_grade["margin_std"].sum() > without["margin_std"].sum())


def test_select_solvents_selective_solvent_checks_out_with_rank_solvents():
    selection = select_solvents("PS", ["PE"], SELECT_TEMPERATURES_K)
    if selection.table.empty:
        pytest.skip("no selective solvent for PS over PE")
    best = selection.table.iloc[0]
    t_k = best["window_low_c"] + 273.15
    target = rank_solvents("PS", t_k, solvents=[best["name"]]).table.iloc[0]
    other = rank_solvents("PE", t_k, solvents=[best["name"]]).table.iloc[0]
    assert target["chi"] < target["chi_limit"] and other["chi"] > other["chi_limit"]


def test_select_polystyrene_from_polyolefins_toluene_or_xylene_at_room_temperature():
    """Issue 13: PS from PE and PP at 20-140 °C. PS dissolves in toluene and xylene at room
    temperature, the polyolefins only near 100 °C and above (Polymer Handbook, 4th ed., ch. VII;
    Nauman & Lynch, US 5,198,471: xylene at room temperature takes PS out of a mixed stream)."""
    temperatures = np.linspace(20.0, 140.0, 49) + 273.15
    table = select_solvents("PS", ["PE", "PP"], temperatures).table
    top = table.head(5)
    aromatic = top[top["name"].isin(["toluene", "p-xylene", "m-xylene", "o-xylene"])]
    assert not aromatic.empty
    assert (aromatic["window_low_c"] <= 25.0).all()
    assert not (table["window_high_c"] > table["boiling_point_c"] + 1e-9).any()  # unknown bp: not clipped
    assert not table["needs_pressure"].any()
    liquid = table["melting_point_c"].isna() | (table["window_low_c"] >= table["melting_point_c"] - 1e-9)
    assert liquid.all()


def test_select_solvents_above_boiling_only_with_the_pressure_option():
    temperatures = np.linspace(20.0, 140.0, 25) + 273.15
    solvents = ["dichloromethane", "toluene"]
    closed = select_solvents("PS", ["PE", "PP"], temperatures, solvents=solvents).table.set_index("name")
    assert closed.loc["dichloromethane", "window_high_c"] <= 39.8
    pressure = select_solvents("PS", ["PE", "PP"], temperatures, solvents=solvents,
                               allow_above_boiling=True).table.set_index("name")
    if pressure.loc["dichloromethane", "window_high_c"] > 39.8:
        assert pressure.loc["dichloromethane", "needs_pressure"]
    assert not pressure.loc["toluene", "needs_pressure"] or pressure.loc["toluene", "window_high_c"] > 110.6


def test_select_solvents_crystalline_target_dissolves_only_above_its_dissolution_temperature():
    """PE out of PET in toluene: only above PE's dissolution temperature, and it precipitates on
    cooling below it (the same curve)."""
    temperatures = np.linspace(20.0, 110.0, 46) + 273.15
    row = select_solvents("PE", ["PET"], temperatures, solvents=["toluene"]).table.iloc[0]
    assert row["window_low_c"] >= row["target_dissolution_temperature_c"] - 2.0 - 1e-9
    assert row["precipitation_temperature_c"] == pytest.approx(row["target_dissolution_temperature_c"], abs=2.0)
    assert row["reason"].startswith("dissolves above ~")


def test_select_solvents_antisolvents_are_poor_for_the_target():
    selection = select_solvents("PS", ["PE", "PP"], SELECT_TEMPERATURES_K)
    anti = selection.antisolvents
    assert list(anti.columns) == list(ANTISOLVENT_COLUMNS)
    from scipy.stats import norm
    assert (norm.cdf((anti["chi_limit"] - anti["chi"]) / anti["chi_std"]) <= 0.3).all()
    assert (anti["margin"] / anti["margin_std"]).is_monotonic_decreasing   # clearest first, as the selection weighs σ
    assert (anti["margin_std"] >= anti["chi_std"]).all()


def test_select_solvents_reports_bad_solvents():
    selection = select_solvents("PS", ["PE"], SELECT_TEMPERATURES_K, solvents=["toluene", "polystyrene", "xyzzy"])
    assert list(selection.failures["input"]) == ["polystyrene", "xyzzy"]


# ---------------------------------------------------------------------------------------------
# Bad input: a ChiAppError that says what is wrong, before the model is asked

def test_rank_solvents_unknown_polymer_raises_with_suggestions():
    with pytest.raises(NameNotFoundError) as info:
        rank_solvents("polystyrne", T25_K)
    assert "polystyrene" in info.value.suggestions


def test_rank_solvents_solvent_given_as_polymer_raises():
    with pytest.raises(MoleculeError, match="not a polymer"):
        rank_solvents("toluene", T25_K)


@pytest.mark.parametrize("temperature", [-5.0, 0.0, float("nan"), "hot", (350.0, 300.0), (300.0, 320.0, 340.0)])
def test_rank_solvents_bad_temperature_raises_input_error(temperature):
    with pytest.raises(InputError):
        rank_solvents("PS", temperature)


@pytest.mark.parametrize("kwargs", [
    {"exclude_classes": ("dangerous",)}, {"boiling_point_c": (120, 60)}, {"min_flash_point_c": "high"},
    {"molecular_weight_g_per_mol": -1.0},
])
def test_rank_solvents_bad_filters_raise_input_error(kwargs):
    with pytest.raises(InputError):
        rank_solvents("PS", T25_K, **kwargs)


def test_select_solvents_empty_others_raises():
    with pytest.raises(InputError, match="others"):
        select_solvents("PS", [], SELECT_TEMPERATURES_K)


def test_select_solvents_upside_down_window_raises():
    with pytest.raises(InputError, match="increase"):
        select_solvents("PS", ["PE"], SELECT_TEMPERATURES_K[::-1])


def test_select_solvents_target_among_others_raises():
    with pytest.raises(InputError, match="also among"):
        select_solvents("PS", ["PE", "polystyrene"], SELECT_TEMPERATURES_K)


@pytest.mark.parametrize("target, others", [("toluene", ["PE"]), ("PS", ["PE", "acetone"]), ("PS", ["PEE"])])
def test_select_solvents_solvent_or_unknown_name_as_polymer_raises(target, others):
    with pytest.raises(MoleculeError):
        select_solvents(target, others, SELECT_TEMPERATURES_K)
