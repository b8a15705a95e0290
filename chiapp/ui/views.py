"""Views of a result: structures, the domain notice, metrics, tables, summaries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from chiapp.ui.loaders import display_name, structure_3d_html, structure_svg
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
               f"Nearest training solvents: {_names(result.nearest_solvents)}.")
    if result.in_domain:
        st.success(plain(f"In the model's domain: the ensemble agrees and the temperatures are within the "
                         f"training range. {nearest}"),
                   icon=":material/check_circle:")
    else:
        reasons = " ".join(f"{note[:1].upper()}{note[1:]}." if not note.endswith(".") else note
                           for note in result.domain_notes)
        st.warning(plain(f"Out of the model's domain: treat χ as a rough guess. {reasons} {nearest}"),
                   icon=":material/warning:")


def coefficient_metrics(result, chi_critical: float) -> None:
    """χ, σ and the verdict at the middle of the range, the soluble probability, then a, b, c."""
    middle = len(result.temperatures_k) // 2
    first, second, third = st.columns(3)
    first.metric(f"χ at {celsius(result.temperatures_k[middle]):.0f} °C", f"{result.chi[middle]:.3f}",
                 delta=f"{result.chi[middle] - chi_critical:+.3f} vs χc", delta_color="inverse",
                 help="Negative (green): below the critical χ, the pair mixes at every concentration.")
    second.metric("σ (ensemble spread)", f"{result.chi_std[middle]:.3f}")
    third.metric("Soluble probability", f"{result.soluble_probability:.0%}",
                 help="The model's classifier head, trained on solvent / non-solvent observations.")
    first, second, third = st.columns(3)
    first.metric("a [-]", f"{result.a:.3f}", help="χ(T) = a + b/T + c/T²")
    second.metric("b [K]", f"{result.b_k:.1f}")
    third.metric("c [K²]", f"{result.c_k2:.3g}")


def band_caption(band, chain_length: float) -> str:
    return (f"N = {chain_length:,.0f}, χc = {band.central.critical_chi:.3f}, φc = {band.central.critical_phi:.3f}. "
            f"Solid: binodal (two phases inside); dashed: spinodal. The thin curves are the binodals for "
            f"χ ± {band.chi_sigma:.3f} (one ensemble σ): the true curve likely lies between them.")


def ranking_summary(result) -> str:
    """One sentence for ``st.markdown``, escaped (it names the polymer as the user typed it)."""
    counts = result.table["verdict"].value_counts()
    filtered = f"; {result.n_filtered_out} left out by the filters" if result.n_filtered_out else ""
    return plain(f"{len(result.table)} solvents ranked for {display_name(result.polymer)} "
                 f"(Mn {result.molecular_weight_g_per_mol:,.0f} g/mol): {counts.get('good', 0)} good, "
                 f"{counts.get('borderline', 0)} borderline, {counts.get('poor', 0)} poor{filtered}.")


RANKING_VIEW = {
    "name": st.column_config.TextColumn("solvent"),
    "verdict": st.column_config.TextColumn("verdict"),
    "chi": st.column_config.NumberColumn("χ", format="%.3f"),
    "chi_std": st.column_config.NumberColumn("σ", format="%.3f"),
    "chi_critical": st.column_config.NumberColumn("χc", format="%.3f"),
    "soluble_probability": st.column_config.ProgressColumn("P(soluble)", min_value=0.0, max_value=1.0,
                                                           format="percent"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "flash_point_c": st.column_config.NumberColumn("flash point [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "smiles": st.column_config.TextColumn("SMILES"),
}


def show_table(table: pd.DataFrame, columns: dict, key: str) -> None:
    """A sortable table of the given columns (click a header to sort)."""
    shown = [c for c in columns if c in table.columns]
    st.dataframe(table[shown], column_config=columns, hide_index=True, key=key)


def show_failures(failures: pd.DataFrame, what: str = "solvents") -> None:
    if len(failures):
        with st.expander(f"{len(failures)} {what} could not be used"):
            st.dataframe(failures, hide_index=True)


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
    "margin": st.column_config.NumberColumn("margin (χ units)", format="%.3f"),
    "margin_std": st.column_config.NumberColumn("± σ", format="%.3f"),
    "precipitation_temperature_c": st.column_config.NumberColumn("target precipitates below [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "flash_point_c": st.column_config.NumberColumn("flash point [°C]", format="%.0f"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
    "windows": st.column_config.TextColumn("all windows"),
}


ANTISOLVENT_VIEW = {k: v for k, v in {**RANKING_VIEW, "margin": SELECTION_VIEW["margin"]}.items()
                    if k not in ("verdict", "soluble_probability")}


def batch_summary(results: pd.DataFrame) -> str:
    n_bad = int(results["error"].astype(str).str.len().gt(0).sum()) if "error" in results else 0
    return f"{len(results) - n_bad} of {len(results)} rows predicted; {n_bad} with an error (see the error column)."


def batch_columns_table() -> pd.DataFrame:
    from chiapp.tables import PAIR_COLUMNS

    return pd.DataFrame({"column": list(PAIR_COLUMNS), "content": list(PAIR_COLUMNS.values())})
