"""Views of a result: structures, the domain notice, metrics, tables, summaries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from chiapp import plots, report
from chiapp.ui.loaders import display_name, model_manifest, structure_3d_html, structure_svg
from chiapp.ui.session import PERSIST, plain
from chiapp.units import celsius


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
    """Nearest training molecules (SMILES as code, so '*' is never read as markdown) with similarity."""
    shown = []
    for item in items:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            shown.append(f"`{item[0]}` ({float(item[1]):.2f})")
        else:
            shown.append(f"`{item}`")
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


def verdict_headline(result) -> None:
    """The one verdict at the middle of the range, as the page's headline: P(dissolves), χ ± σ
    against χc and the handbook's word, with the qualification inside the headline when the pair
    is out of the model's domain."""
    middle = len(result.temperatures_k) // 2
    chance, word = float(result.dissolve_probability[middle]), result.verdicts[middle]
    text = (f"**{word.capitalize()}** at {celsius(result.temperatures_k[middle]):.0f} °C: "
            f"P(dissolves) = {chance:.0%}, χ = {result.chi[middle]:.2f} ± {result.chi_std[middle]:.2f} "
            f"against χc = {result.chi_critical:.3f} (N = {result.chain_length:,.0f}).")
    label = result.evidence.label_text
    if label:
        text += f" Polymer Handbook: {label}."
    if len(result.evidence.chis):
        text += f" {len(result.evidence.chis)} measured χ of this pair are used."
    if not result.in_domain:
        st.warning("**Rough guess, outside what the model was trained on**: the answer leans on the Hansen "
                   f"prior and its band is wide. {text}", icon=":material/warning:")
    elif word == "dissolves":
        st.success(text, icon=":material/check_circle:")
    else:
        st.info(text, icon=":material/info:")


def coefficient_metrics(result) -> None:
    """χ, σ and P(dissolves) at the middle of the range, then a, b, c of the posterior χ(T)."""
    middle = len(result.temperatures_k) // 2
    first, second, third = st.columns(3)
    first.metric(f"χ at {celsius(result.temperatures_k[middle]):.0f} °C", f"{result.chi[middle]:.2f}",
                 delta=f"{result.chi[middle] - result.chi_critical:+.2f} vs χc", delta_color="inverse",
                 help="Negative (green): below the critical χ, the pair mixes at every concentration.")
    second.metric("σ of χ", f"{result.chi_std[middle]:.2f}",
                  help=f"Posterior uncertainty; the raw ensemble alone says ± {result.ensemble_chi_std[middle]:.2f}.")
    third.metric("P(dissolves)", f"{result.dissolve_probability[middle]:.0%}",
                 help="P(χ < χc) from χ and σ: the verdict's probability, the same in rankings and the CLI.")
    first, second, third = st.columns(3)
    first.metric("a [-]", f"{result.a:.2f}", help="χ(T) = a + b/T")
    second.metric("b [K]", f"{result.b_k:.0f}")
    if result.c_k2:
        third.metric("c [K²]", f"{result.c_k2:.3g}")


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
    "chi_critical": st.column_config.NumberColumn("χc", format="%.3f"),
    "dissolve_probability": st.column_config.ProgressColumn("P(dissolves)", min_value=0.0, max_value=1.0,
                                                            format="percent"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "flash_point_c": st.column_config.NumberColumn("flash point [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "smiles": st.column_config.TextColumn("SMILES"),
}


def _empty_missing(table: pd.DataFrame, columns: dict) -> tuple[pd.DataFrame, dict]:
    """Numeric columns with missing values as text in the column's own format, a missing value an
    empty cell: st.dataframe writes 'None' in a number column's empty cell whatever the styling.
    Such a column sorts as text; the others stay numbers."""
    table, columns = table.copy(), dict(columns)
    for name, config in list(columns.items()):
        if name not in table.columns or not pd.api.types.is_float_dtype(table[name]) or not table[name].isna().any():
            continue
        number_format = ((config or {}).get("type_config") or {}).get("format") or "%g"
        table[name] = [("" if pd.isna(v) else number_format % v) for v in table[name]]
        columns[name] = st.column_config.TextColumn((config or {}).get("label") or name,
                                                    help=(config or {}).get("help"), alignment="right")
    return table, columns


def show_table(table: pd.DataFrame, columns: dict, key: str) -> None:
    """A sortable table of the given columns (click a header to sort); missing values are empty cells."""
    shown, config = _empty_missing(table[[c for c in columns if c in table.columns]], columns)
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
                 "largest margin first.")


SELECTION_VIEW = {
    "name": st.column_config.TextColumn("solvent"),
    "window_low_c": st.column_config.NumberColumn("from [°C]", format="%.0f"),
    "window_high_c": st.column_config.NumberColumn("to [°C]", format="%.0f"),
    "margin": st.column_config.NumberColumn("margin (χ units)", format="%.2f"),
    "margin_std": st.column_config.NumberColumn("± σ", format="%.2f"),
    "precipitation_temperature_c": st.column_config.NumberColumn("target precipitates below [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "flash_point_c": st.column_config.NumberColumn("flash point [°C]", format="%.0f"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
    "windows": st.column_config.TextColumn("all windows"),
}


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
