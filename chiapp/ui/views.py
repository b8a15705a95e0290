"""Views of a result: structures, the domain notice, metrics, tables, summaries."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from chiapp import plots, report
from chiapp.explanation import verdict_view
from chiapp.tables import csv_bytes
from chiapp.ui.loaders import display_name, model_manifest, structure_3d_html, structure_svg
from chiapp.ui.session import PERSIST, plain
from chiapp.units import celsius

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text) -> str:
    """User text made inert for st.markdown and the other markdown widgets: every markdown, HTML
    and LaTeX character backslash-escaped (a SMILES '*' stays a star, never italics)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def show_3d(smiles: str, title: str, height: int = 240) -> None:
    """Draw ``structure_3d_html`` in an iframe, or say why there is no 3D view."""
    page = structure_3d_html(smiles, title, height)
    if page is None:
        st.caption(plain(f"No 3D conformer of {title} could be generated in time."))
    else:
        st.iframe(page, height=height + 24)


def show_structures(polymer, solvent) -> None:
    """2D structures side by side and, when switched on, a 3D view of both."""
    show_3d_views = st.toggle("3D views", key="show_3d", persist_state=PERSIST,
                              help="Polymer as a short H-capped oligomer; drag to rotate, scroll to zoom.")
    for column, molecule in zip(st.columns(2), (polymer, solvent)):
        with column:
            st.image(structure_svg(molecule.smiles), caption=f"{display_name(molecule)}: `{molecule.smiles}`",
                     width="stretch")
            if show_3d_views:
                with st.spinner("Building a 3D conformer..."):
                    oligomer = " (oligomer)" if molecule.role == "polymer" else ""
                    show_3d(molecule.smiles, f"{display_name(molecule)}{oligomer}")


def _names(items) -> str:
    """Nearest training molecules with their similarity, as plain text (escaped where shown)."""
    shown = []
    for item in items:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            shown.append(f"{item[0]} ({float(item[1]):.2f})")
        else:
            shown.append(str(item))
    return ", ".join(shown) or "none"


def domain_notice(result) -> None:
    """Say whether the model can be trusted here (its members agree, the temperature is in range),
    with the nearest training molecules."""
    nearest = (f"Nearest training polymers: {_names(result.nearest_polymers)}. "
               f"Nearest training solvents: {_names(result.nearest_solvents)} (Tanimoto similarity, 1 = same).")
    if result.in_domain:
        st.success(plain(f"In the model's domain: the ensemble agrees and the temperatures are within the "
                         f"training range. {nearest}"),
                   icon=":material/check_circle:")
    else:
        reasons = " ".join(f"{note[:1].upper()}{note[1:]}." if not note.endswith(".") else note
                           for note in result.domain_notes)
        st.warning(plain(f"Out of the model's domain: treat χ as a rough guess. {reasons} {nearest}"),
                   icon=":material/warning:")


_ICONS = {"green": ":material/check_circle:", "orange": ":material/help:", "red": ":material/block:"}


def verdict_box(kind: str, headline: str, text: str) -> None:
    """A verdict in a bordered box, its headline in the colour the verdict has everywhere
    (``chiapp.explanation.VERDICT_KINDS``); error boxes stay for errors."""
    with st.container(border=True):
        st.markdown(f"{_ICONS.get(kind, '')} :{kind}-background[**{headline}**] {text}")


def verdict_headline(result) -> None:
    """The one verdict at the middle of the range as the page's headline (``chiapp.explanation.verdict_view``):
    the verdict and P(dissolves), χ against the limit that decided it, the reason in one sentence, the
    evidence used; a caveat of its own when the pair is outside the model's domain."""
    view = verdict_view(result)
    verdict_box(view.kind, md(view.headline), f"{md('(' + view.probability + ').')}  \n{md(view.comparison)}. "
                f"{md(view.reason)} {md(view.evidence)}")
    if view.caveat:
        st.warning(md(view.caveat), icon=":material/warning:")


def coefficient_metrics(result) -> None:
    """χ (with its delta against the deciding limit), σ and P(dissolves) at the middle of the range,
    then a, b, c of the posterior χ(T)."""
    middle = len(result.temperatures_k) // 2
    view = verdict_view(result, middle)
    first, second, third = st.columns(3)
    first.metric(f"χ at {view.temperature_c:.0f} °C", f"{result.chi[middle]:.2f}",
                 delta=f"{view.delta:+.2f} {view.delta_label}", delta_color="inverse",
                 help="Negative (green): χ below the limit that decides (χc, or a crystalline grade's melting limit).")
    second.metric("σ of χ", f"{result.chi_std[middle]:.2f}",
                  help=f"Posterior uncertainty; the raw ensemble alone says ± {result.ensemble_chi_std[middle]:.2f}.")
    third.metric("P(dissolves)", f"{result.dissolve_probability[middle]:.0%}",
                 help="P(χ < χ limit) from χ and σ: the verdict's probability, the same in rankings and the CLI.")
    first, second, third = st.columns(3)
    first.metric("a [-]", f"{result.a:.2f}", help="χ(T) = a + b/T (+ c/T²)")
    second.metric("b [K]", f"{result.b_k:.0f}")
    if result.c_k2:
        third.metric("c [K²]", f"{result.c_k2:.3g}")


def laboratory_note(result) -> None:
    """Where measured χ narrowed σ: how far another laboratory's χ of the pair would scatter."""
    if not result.laboratory_band:
        return
    middle = len(result.temperatures_k) // 2
    st.caption(f"Measured χ narrow σ to the uncertainty of the laboratories' consensus. Another laboratory's χ "
               f"of this pair would scatter more: σ' = {result.laboratory_std[middle]:.2f} at "
               f"{celsius(result.temperatures_k[middle]):.0f} °C (√(σ² + τ²), "
               f"{report.laboratory_coverage(model_manifest()) or 'τ the spread between laboratories'}).")


def band_caption(band, chain_length: float) -> str:
    return (f"N = {chain_length:,.0f}, χc = {band.central.critical_chi:.3f}, φc = {band.central.critical_phi:.3f}. "
            f"Solid: binodal (two phases inside); dashed: spinodal. The thin curves are the binodals for "
            f"χ ± σ (σ = {band.chi_sigma:.2f}, the ensemble spread): the true curve likely lies between them.")


def ranking_summary(result) -> str:
    """One sentence for ``st.markdown``, escaped (it names the polymer as the user typed it)."""
    counts = result.table["verdict"].value_counts()
    filtered = f"; {result.n_filtered_out} left out by the filters" if result.n_filtered_out else ""
    return plain(f"{len(result.table)} solvents ranked for {display_name(result.polymer)} "
                 f"(Mn {result.molecular_weight_g_per_mol:,.0f} g/mol): {counts.get('dissolves', 0)} dissolve it, "
                 f"{counts.get('borderline', 0)} borderline, {counts.get('does not dissolve', 0)} do not{filtered}.")


RANKING_VIEW = {
    "name": st.column_config.TextColumn("solvent"),
    "verdict": st.column_config.TextColumn("verdict"),
    "chi": st.column_config.NumberColumn("χ", format="%.2f"),
    "chi_std": st.column_config.NumberColumn("σ", format="%.2f"),
    "laboratory_chi_std": st.column_config.NumberColumn(
        "σ' (another lab)", format="%.2f", help="Where measured χ narrowed σ: the σ of the χ another laboratory "
                                                 "would measure, √(σ² + τ²); elsewhere σ itself"),
    "chi_limit": st.column_config.NumberColumn("χ limit", format="%.2f",
                                               help="χc, or a crystalline grade's melting limit where it is lower"),
    "dissolve_probability": st.column_config.ProgressColumn("P(dissolves)", min_value=0.0, max_value=1.0,
                                                            format="percent"),
    "dissolution_temperature_c": st.column_config.NumberColumn(
        "dissolves above [°C]", format="%.0f", help="A crystalline grade's dissolution temperature in this solvent"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "flash_point_c": st.column_config.NumberColumn("flash point [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "smiles": st.column_config.TextColumn("SMILES"),
}


def displayed_table(table: pd.DataFrame, columns: dict) -> tuple[pd.DataFrame, dict]:
    """The table and column settings as ``show_table`` hands them to the browser (a copy).

    Numeric columns with missing values become text in the column's own format, a missing value an
    empty cell: st.dataframe writes 'None' in a number column's empty cell whatever the styling. Such a
    column sorts as text. The others stay numbers, each rounded to what Python's format prints ('%.0f'
    of 132.5 is 132; the browser would show 133), so the table shows the digits the page's sentences
    print; values that tie after rounding keep no order among them when a header is clicked."""
    table, columns = table.copy(), dict(columns)
    for name, config in list(columns.items()):
        if name not in table.columns or not pd.api.types.is_float_dtype(table[name]):
            continue
        number_format = ((config or {}).get("type_config") or {}).get("format") or "%g"
        if not table[name].isna().any():
            if re.fullmatch(r"%\.\d+f", number_format):
                table[name] = [float(number_format % v) for v in table[name]]
            continue
        table[name] = [("" if pd.isna(v) else number_format % v) for v in table[name]]
        columns[name] = st.column_config.TextColumn((config or {}).get("label") or name,
                                                    help=(config or {}).get("help"), alignment="right")
    return table, columns


def show_table(table: pd.DataFrame, columns: dict, key: str) -> None:
    """A sortable table of the given columns (click a header to sort); missing values are empty cells."""
    shown, config = displayed_table(table[[c for c in columns if c in table.columns]], columns)
    st.dataframe(shown, column_config={k: v for k, v in config.items() if v is not None},  # None would hide it
                 hide_index=True, key=key)


def show_failures(failures: pd.DataFrame, what: str = "solvents") -> None:
    if len(failures):
        with st.expander(f"{len(failures)} {what} could not be used"):
            st.dataframe(failures.fillna(""), hide_index=True)


def selection_summary(result) -> str:
    """One sentence for ``st.markdown``, escaped (it names the polymers as the user typed them)."""
    others = ", ".join(display_name(m) for m in result.others)
    filtered = f" ({result.n_filtered_out} left out by the filters)" if result.n_filtered_out else ""
    if result.table.empty:
        return plain(f"No solvent of the {result.n_screened} screened{filtered} dissolves "
                     f"{display_name(result.target)} while leaving {others} undissolved in this "
                     "temperature range. Try a wider range or fewer filters.")
    return plain(f"{len(result.table)} of {result.n_screened} solvents{filtered} dissolve "
                 f"{display_name(result.target)} and leave {others} undissolved somewhere in the range; "
                 "surest first (the margin over its σ, at the polymer nearest to flipping; σ allows for the "
                 "grade's chain length).")


SELECTION_VIEW = {
    "name": st.column_config.TextColumn("solvent"),
    "window_low_c": st.column_config.NumberColumn("from [°C]", format="%.0f"),
    "window_high_c": st.column_config.NumberColumn("to [°C]", format="%.0f"),
    "margin": st.column_config.NumberColumn("margin (χ units)", format="%.2f"),
    "margin_std": st.column_config.NumberColumn(
        "± σ", format="%.2f", help="σ of the margin: the answer's σ and, where the limit is χc and no M_n was "
                                   "given, the grade's unknown chain length (the chart's dotted band is χ's σ alone)"),
    "confidence": st.column_config.NumberColumn("margin/σ", format="%.1f"),
    "precipitation_temperature_c": st.column_config.NumberColumn("target precipitates below [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "flash_point_c": st.column_config.NumberColumn("flash point [°C]", format="%.0f"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
    "windows": st.column_config.TextColumn("all windows"),
}


HANSEN_VIEW = {
    "solvent_delta_d_mpa05": st.column_config.NumberColumn("δD [MPa½]", format="%.1f"),
    "solvent_delta_p_mpa05": st.column_config.NumberColumn("δP [MPa½]", format="%.1f"),
    "solvent_delta_h_mpa05": st.column_config.NumberColumn("δH [MPa½]", format="%.1f"),
    "solvent_hansen_source": st.column_config.TextColumn("solvent δ from"),
    "ra_mpa05": st.column_config.NumberColumn("Ra [MPa½]", format="%.1f"),
    "red": st.column_config.NumberColumn("RED", format="%.2f", help="Ra / R0; below 1 Hansen predicts dissolution."),
    "hansen_chi": st.column_config.NumberColumn("Hansen χ", format="%.2f"),
}


#: The ranking with the Hansen columns before the SMILES.
RANKING_HANSEN_VIEW = {**{k: v for k, v in RANKING_VIEW.items() if k != "smiles"}, **HANSEN_VIEW,
                       "smiles": RANKING_VIEW["smiles"]}


ANTISOLVENT_VIEW = {k: v for k, v in {**RANKING_VIEW, "margin": SELECTION_VIEW["margin"]}.items()
                    if k not in ("verdict", "dissolve_probability")}


def plotly_config(file_name: str) -> dict:
    """``chiapp.plots.plotly_config`` in the format chosen in the sidebar (PNG or SVG)."""
    return plots.plotly_config(file_name, str(st.session_state.get("figure_format", "png")).lower())


def pair_title(polymer, solvent, chain_length: float | None = None) -> str:
    """Figure title: the pair, N and the model version (``chiapp.plots.figure_title``)."""
    return plots.figure_title(f"{display_name(polymer)} in {display_name(solvent)}", chain_length,
                              plots.model_version(model_manifest()))


def figure_title(subject: str, chain_length: float | None = None, detail: str | None = None) -> str:
    return plots.figure_title(subject, chain_length, plots.model_version(model_manifest()), detail)


def report_button(build, file_name: str, key: str) -> None:
    """A button that downloads the HTML report ``build()`` returns (chiapp.report); built on click."""
    def data() -> bytes:
        return report.report_html(build())

    st.download_button("Download a report (HTML, opens offline)", data, file_name=file_name, mime="text/html",
                       key=key, on_click="ignore", icon=":material/description:",
                       help="One file with the inputs, the answer, the figures, the tables, the model version "
                            "and the citation; it needs no internet to open.")


BATCH_VIEW = {
    "chi": st.column_config.NumberColumn("χ", format="%.2f"),
    "chi_std": st.column_config.NumberColumn("σ", format="%.2f"),
    "laboratory_chi_std": st.column_config.NumberColumn(
        "σ' (another lab)", format="%.2f", help="Where measured χ narrowed σ: the σ of the χ another laboratory "
                                                 "would measure, √(σ² + τ²); elsewhere σ itself"),
    "dissolve_probability": st.column_config.NumberColumn("P(dissolves)", format="%.2f"),
}


def show_batch_results(results: pd.DataFrame, key: str) -> None:
    """The predicted rows in their input order; a failed row's χ is an empty cell, its reason in 'error'."""
    order = [c for c in results.columns if c != "error"] + (["error"] if "error" in results.columns else [])
    show_table(results, {c: BATCH_VIEW.get(c) for c in order}, key=key)  # the reason last: it is long


def batch_summary(results: pd.DataFrame) -> str:
    n_bad = int(results["error"].astype(str).str.len().gt(0).sum()) if "error" in results else 0
    return f"{len(results) - n_bad} of {len(results)} rows predicted; {n_bad} with an error (see the error column)."


def batch_columns_table() -> pd.DataFrame:
    from chiapp.tables import PAIR_COLUMNS

    return pd.DataFrame({"column": list(PAIR_COLUMNS), "content": list(PAIR_COLUMNS.values())})


SEQUENCE_VIEW = {
    "step": st.column_config.NumberColumn("step", format="%d"),
    "dissolves": st.column_config.TextColumn("dissolves"),
    "solvent": st.column_config.TextColumn("solvent"),
    "window_low_c": st.column_config.NumberColumn("from [°C]", format="%.0f"),
    "window_high_c": st.column_config.NumberColumn("to [°C]", format="%.0f"),
    "operating_temperature_c": st.column_config.NumberColumn("run at [°C]", format="%.0f"),
    "nearest": st.column_config.TextColumn("nearest to flipping"),
    "margin": st.column_config.NumberColumn("margin (χ units)", format="%.2f"),
    "margin_std": st.column_config.NumberColumn("± σ", format="%.2f"),
    "confidence": st.column_config.NumberColumn("margin [σ]", format="%.1f"),
    "margin_k": st.column_config.NumberColumn("margin [K]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "needs_pressure": st.column_config.CheckboxColumn("needs pressure"),
    "recovery": st.column_config.TextColumn("recovery"),
    "undissolved": st.column_config.TextColumn("undissolved (filtered off)"),
    "molten": st.column_config.TextColumn("note"),
}


SERIES_VIEW = {"series": st.column_config.TextColumn("series"),
               **{k: SEQUENCE_VIEW[k] for k in ("step", "dissolves", "solvent", "operating_temperature_c", "confidence",
                                                "margin_k", "chem21_class", "boiling_point_c")}}


ALTERNATIVE_VIEW = {
    "step": st.column_config.NumberColumn("step", format="%d"),
    "dissolves": st.column_config.TextColumn("dissolves"),
    "rank": st.column_config.NumberColumn("rank", format="%d"),
    "solvent": st.column_config.TextColumn("solvent"),
    "windows": st.column_config.TextColumn("windows"),
    "margin": st.column_config.NumberColumn("margin (χ units)", format="%.2f"),
    "margin_std": st.column_config.NumberColumn("± σ", format="%.2f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "needs_pressure": st.column_config.CheckboxColumn("needs pressure"),
}


def show_separation_plan(plan) -> None:
    """A separation plan: its diagram, the steps, the plain-text sequence, the alternatives, CSV."""
    if plan.steps.empty:
        st.warning("No solvent dissolves one of these plastics without the others in this range: no sequence. "
                   "Try a wider temperature range, fewer filters or the pressure option.")
        st.text(plan.describe())
        return
    st.plotly_chart(plots.separation_figure(plan, title=figure_title(
                        f"Separation sequence of {len(plan.polymers)} plastics")),
                    config=plotly_config("separation_sequence"), key="sequence_plot")
    show_table(plan.steps, SEQUENCE_VIEW, key="sequence_table")
    st.text(plan.describe())
    if plan.unseparated:
        st.warning("Not separated from each other in this range: " + md(", ".join(plan.unseparated)) + ".")
    if len(plan.series):
        st.markdown("**The best one-solvent series and the best mixed series, side by side** (the plan above is "
                    f"the {md(plan.kind)} one)")
        show_table(plan.series, SERIES_VIEW, key="sequence_series")
    if len(plan.alternatives):
        with st.expander(f"Next best solvents of each step ({len(plan.alternatives)})"):
            show_table(plan.alternatives, ALTERNATIVE_VIEW, key="sequence_alternatives")
    st.download_button("Download the sequence (CSV)", csv_bytes(plan.to_frame()), file_name="separation_sequence.csv",
                       mime="text/csv", key="download_sequence")
    report_button(lambda: report.plan_report(plan, model_manifest()), "separation_plan_report.html",
                  key="report_plan")


def show_blend(result, key: str = "blend") -> None:
    """A polymer in a solvent blend (a ChiPrediction with ``blend``): the verdict at the middle of the
    range, the blend's molar volume, boiling range and safety class, the curve with each pure
    solvent's and the table."""
    verdict_headline(result)
    blend = result.blend
    low, high = blend.boiling_range_c
    first, second, third = st.columns(3)
    first.metric("Blend molar volume [cm³/mol]", f"{blend.molar_volume_cm3_per_mol:.1f}",
                 help="1 / Σ(φ/V): the mean volume per solvent molecule, the lattice site of N.")
    second.metric("Boiling range [°C]", "unknown" if low != low else f"{low:.0f} – {high:.0f}",
                  help="Lowest and highest boiling point of the components at 1 atm.")
    third.metric("Safety class (CHEM21)", blend.chem21_class or "unclassified",
                 help="The worst CHEM21 class of the components (Prat et al., Green Chem. 2016).")
    st.plotly_chart(plots.blend_figure(result, result.chi_critical, title=figure_title(
                        f"{display_name_of(result)} in {blend.text}", result.chain_length)),
                    config=plotly_config("blend_chi"), key=f"{key}_plot")
    st.caption("Solid: χ of the blend with ± σ (its components' latent points mixed by volume fraction, minus "
               "φ1φ2χ12 with the solvents' χ12 from their measured activities where chiapp has the pair, else from "
               "COSMO-SAC's excess Gibbs energy: two liquids that dislike each "
               "other can make a better solvent together; what the measured χ, handbook labels, phase rows and "
               "cited dissolution facts of each solvent with this polymer move, they move in the blend by its "
               "fraction); dotted: the polymer's χ in each solvent alone; dashed: the blend's χc.")
    st.download_button("Download the blend curve (CSV)", csv_bytes(result.to_frame()), file_name="blend_chi.csv",
                       mime="text/csv", key=f"download_{key}")
    report_button(lambda: report.pair_report(result, result.chain_length, model_manifest()), "blend_chi_report.html",
                  key=f"report_{key}")


def display_name_of(result) -> str:
    """What a person calls the polymer of a result: its grade, else its name, else its repeat unit."""
    return result.polymer_label


BLEND_VIEW = {
    "blend": st.column_config.TextColumn("blend (volume fractions)"),
    "fraction_1_low": st.column_config.NumberColumn("dissolves from φ1", format="%.2f"),
    "fraction_1_high": st.column_config.NumberColumn("to φ1", format="%.2f"),
    "chi": st.column_config.NumberColumn("χ", format="%.2f"),
    "chi_std": st.column_config.NumberColumn("σ", format="%.2f"),
    "chi_limit": st.column_config.NumberColumn("χ limit", format="%.3f"),
    "dissolve_probability": st.column_config.ProgressColumn("P(dissolves)", format="percent", min_value=0.0,
                                                            max_value=1.0),
    "margin": st.column_config.NumberColumn("margin χ limit − χ", format="%.2f"),
    "chi_1": st.column_config.NumberColumn("χ solvent 1 alone", format="%.2f"),
    "verdict_1": st.column_config.TextColumn("solvent 1 alone"),
    "chi_2": st.column_config.NumberColumn("χ solvent 2 alone", format="%.2f"),
    "verdict_2": st.column_config.TextColumn("solvent 2 alone"),
    "chem21_class": st.column_config.TextColumn("CHEM21 (worst)"),
    "boiling_low_c": st.column_config.NumberColumn("bp low [°C]", format="%.0f"),
    "boiling_high_c": st.column_config.NumberColumn("bp high [°C]", format="%.0f"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
}


COMPATIBILITY_VIEW = {
    "method": st.column_config.TextColumn("method"),
    "chi": st.column_config.NumberColumn("χ_AB per V_ref", format="%.4f"),
    "chi_std": st.column_config.NumberColumn("± σ", format="%.4f"),
    "chi_critical": st.column_config.NumberColumn("critical χ_AB", format="%.5f"),
    "verdict": st.column_config.TextColumn("verdict"),
}


def _compatibility_box(word: str, text: str) -> None:
    """Polymer pairs keep their own words (miscible / borderline / immiscible) in the verdict colours."""
    verdict_box({"miscible": "green", "borderline": "orange"}.get(word, "red"), md(word.capitalize()), text)


def show_compatibility(result) -> None:
    """Both estimates of χ_AB side by side with the verdict for the chain lengths, and the notes."""
    a, b = display_name(result.polymer_a), display_name(result.polymer_b)
    latent = (f"{md(a)} and {md(b)} at {celsius(result.temperature_k):.0f} °C, χ_AB = {result.chi:.4f} ± "
              f"{result.chi_std:.4f} against the critical {result.chi_critical:.5f} "
              f"(N_A = {result.chain_length_a:,.0f}, N_B = {result.chain_length_b:,.0f} "
              f"per {result.reference_volume_cm3_per_mol:.0f} cm³/mol)")
    if result.decided_by == "latent space":
        _compatibility_box(result.verdict, f"by the model's latent space: {latent}.")
    elif result.decided_by == "literature":  # the pair's statement decides; the model's estimate stays beside it
        _compatibility_box(result.verdict, f"by the literature (the first note below); the model's latent space "
                                           f"alone: {latent}, {result.latent.verdict}.")
    else:
        _compatibility_box(result.verdict, f"by the {md(result.decided_by)}; the model's latent space alone: "
                                           f"{latent}, {result.latent.verdict}.")
    show_table(result.to_frame(), COMPATIBILITY_VIEW, key="compatibility_table")
    hansen = pd.DataFrame({"polymer": [a, b], "δD [MPa½]": [result.hansen_a_mpa05[0], result.hansen_b_mpa05[0]],
                           "δP [MPa½]": [result.hansen_a_mpa05[1], result.hansen_b_mpa05[1]],
                           "δH [MPa½]": [result.hansen_a_mpa05[2], result.hansen_b_mpa05[2]]})
    st.dataframe(hansen, hide_index=True, key="compatibility_hansen",
                 column_config={c: st.column_config.NumberColumn(c, format="%.1f") for c in hansen.columns[1:]})
    for note in result.notes:
        st.caption(md(note))


IDEA_VIEW = {
    "name": st.column_config.TextColumn("name"),
    "abbreviation": st.column_config.TextColumn("abbr."),
    "segment_a": st.column_config.TextColumn("segment with A"),
    "segment_b": st.column_config.TextColumn("segment with B"),
    "kind": st.column_config.TextColumn("kind"),
    "chi": st.column_config.NumberColumn("χ_AB with the partner", format="%.4f"),
    "chi_std": st.column_config.NumberColumn("σ", format="%.4f"),
    "chi_a": st.column_config.NumberColumn("χ with A", format="%.3f"),
    "chi_std_a": st.column_config.NumberColumn("σ A", format="%.3f"),
    "chi_critical_a": st.column_config.NumberColumn("χc A", format="%.3f"),
    "chi_b": st.column_config.NumberColumn("χ with B", format="%.3f"),
    "chi_std_b": st.column_config.NumberColumn("σ B", format="%.3f"),
    "chi_critical_b": st.column_config.NumberColumn("χc B", format="%.3f"),
    "score": st.column_config.NumberColumn("score (lower is better)", format="%.3f"),
    "dissolves_both": st.column_config.CheckboxColumn("dissolves both"),
    "mechanism": st.column_config.TextColumn("why it would bind"),
    "mechanism_a": st.column_config.TextColumn("why with A"),
    "mechanism_b": st.column_config.TextColumn("why with B"),
    "precedent": st.column_config.TextColumn("literature precedent"),
    "precedent_a": st.column_config.TextColumn("precedent with A"),
    "precedent_b": st.column_config.TextColumn("precedent with B"),
    "reactive_group": st.column_config.TextColumn("reactive group"),
    "reacts": st.column_config.CheckboxColumn("reacts with the chain ends"),
    "reacts_a": st.column_config.CheckboxColumn("reacts with A"),
    "reacts_b": st.column_config.CheckboxColumn("reacts with B"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
}


def show_idea_table(table: pd.DataFrame, key: str, n_rows: int = 15) -> None:
    """The first rows of one of brainstorm_compatibilizers' tables, with every column it has."""
    if table.empty:
        st.caption("None found.")
        return
    shown = table.head(n_rows)
    hidden = ("smiles", "is_partner", "mechanism_rank")  # the rank is the order of the rows
    show_table(shown, {c: IDEA_VIEW.get(c) for c in shown.columns if c not in hidden}, key=key)


QC_VIEW = {
    "temperature_c": st.column_config.NumberColumn("T [°C]", format="%.0f"),
    "qc_chi": st.column_config.NumberColumn("χ quantum chemistry", format="%.2f"),
    "model_chi": st.column_config.NumberColumn("χ model", format="%.2f"),
    "model_chi_std": st.column_config.NumberColumn("± σ", format="%.2f"),
    "hansen_chi": st.column_config.NumberColumn("χ Hansen", format="%.2f"),
}


def hansen_verdicts(hansen: pd.DataFrame, ranking: pd.DataFrame) -> pd.Series:
    """The ranking's verdict of each row of a Hansen table (matched on SMILES; NaN when not ranked)."""
    return hansen["smiles"].map(ranking.drop_duplicates("smiles").set_index("smiles")["verdict"])


def show_qc(polymer, solvent, prediction, temperatures_c: tuple[float, ...]) -> None:
    """Run chiapp.quantum.qc_chi for the pair (MOPAC COSMO σ-profiles + COSMO-SAC) with its
    progress lines, then its χ beside the model's and the Hansen χ; a ChiAppError (MOPAC missing)
    is shown as st.error with its message and the rest of the page goes on."""
    from chiapp.errors import ChiAppError
    from chiapp.tables import qc_comparison_table
    from chiapp.ui.loaders import qc_chi

    with st.status("Computing χ with quantum chemistry (MOPAC + COSMO-SAC)...", expanded=True) as status:
        try:
            result, hansen = qc_chi(polymer.smiles, solvent.smiles, temperatures_c, progress=st.text)
        except ChiAppError as err:
            status.update(label="Quantum chemistry failed", state="error")
            st.error(str(err), icon=":material/error:")
            return
        status.update(label="Quantum chemistry done", state="complete", expanded=False)
    table = qc_comparison_table(result, prediction, hansen)
    st.dataframe(table, hide_index=True, key="qc_table",
                 column_config={k: v for k, v in QC_VIEW.items() if v is not None})
    st.caption(f"Quantum chemistry: COSMO-SAC 2010 on MOPAC {result.method} σ-profiles (the polymer as the middle "
               "unit of a capped trimer), the residual χ; model: the posterior χ ± σ; Hansen: Lindvig's χ from "
               "group-contribution δ. Three routes, three sets of assumptions: agreement is reassuring, a "
               "disagreement says where to measure.")


def show_antisolvent_dose(dose) -> None:
    """An antisolvent dose (``chiapp.precipitation``): cloud point, dose, amount, the interval and the
    three χ's in words, the ternary diagram and its report."""
    from chiapp.precipitation import MAX_DOSE_FRACTION, dose_percent

    d = dose.diagram
    first, second, third = st.columns(3)
    first.metric("Cloud point", dose_percent(dose.cloud_point_fraction),
                 help="Antisolvent volume fraction of the final liquid at which the solution turns cloudy.")
    second.metric(f"{dose.share:.0%} precipitated at", dose_percent(dose.fraction),
                  help="Antisolvent volume fraction of the final liquid (the interval below is over posterior draws).")
    third.metric("Antisolvent per kg of solution", "—" if dose.kg_per_kg_solution is None
                 else f"{dose.kg_per_kg_solution:.3f} kg")
    if dose.note:
        st.warning(dose.note)
    beyond = f"beyond {100 * MAX_DOSE_FRACTION:.0f} vol-%"
    st.caption(f"16–84 % of the posterior draws of χ(polymer, solvent) and χ(polymer, antisolvent): "
               f"{dose_percent(dose.fraction_low, '—')} to {dose_percent(dose.fraction_high, beyond)}. "
               f"χ per {d.solvent} site: polymer–solvent {d.system.chi_ps:.3f} ± {d.chi_ps_std:.3f}, "
               f"polymer–antisolvent {d.system.chi_pa:.3f} ± {d.chi_pa_std:.3f}, solvent–antisolvent "
               f"{d.system.chi_sa:.3f} (" + ("COSMO-SAC, least reliable where water meets an aprotic solvent such "
                                             "as acetone, DMAc or NMP" if d.chi_sa_cosmo_sac is None else
                                             f"{d.chi_sa_source}, composition-dependent, at equal volumes; "
                                             f"COSMO-SAC {d.chi_sa_cosmo_sac:.3f}") +
               "). One chain length (no molecular-weight distribution), "
               "liquid–liquid demixing only (no crystallization).")
    st.plotly_chart(plots.ternary_figure(dose, title=figure_title(f"{d.polymer} / {d.solvent} / {d.antisolvent}",
                                                                  d.system.chain_length)),
                    config=plotly_config("ternary_diagram"), key="ternary_plot")
    report_button(lambda: report.ternary_report(dose, model_manifest()), "antisolvent_report.html",
                  key="report_ternary")
