"""Every library solvent ranked for one polymer at one temperature, with filters and verdicts."""

import streamlit as st

from chiapp import report, ui
from chiapp.hansen_table import join_hansen

st.title("Rank solvents for a polymer")

left, right = st.columns(2)
with left:
    polymer_text = ui.molecule_input("polymer", ui.polymer_names())
with right:
    temperature_c = ui.temperature_input("rank_temperature_c")
filters = ui.solvent_filters()

with ui.user_errors():
    polymer = ui.resolve("polymer", polymer_text)
    with st.spinner("Ranking the solvent library..."):
        result = ui.rank_solvents(polymer.query, temperature_c, tuple(filters.items()))
        hansen = ui.hansen_table(polymer.query, temperature_c)
table = join_hansen(result.table, hansen)

st.markdown(ui.ranking_summary(result))
ui.show_failures(result.failures)
if result.table.empty:
    st.warning("No solvent passes the filters; widen them.")
    st.stop()

st.caption("Sorted by P(dissolves) = Φ((χlim − χ)/σ) to the percent, then by the margin χlim − χ, χlim = χc (or "
           "the melting limit of a crystalline polymer): 'dissolves' at 70 % and above, 'does not dissolve' at "
           "30 % and below; for a crystalline "
           "polymer the solvents that do not dissolve it follow by their dissolution temperature, lowest first. "
           "χ and σ are the posterior (ensemble, a prior from Hansen and COSMO-SAC χ, measured evidence). "
           "Click a column header to sort.")
ui.show_table(table, ui.RANKING_HANSEN_VIEW, key="ranking_table")
st.plotly_chart(ui.ranking_figure(result.table, title=ui.figure_title(
                    f"Solvents for {ui.display_name(polymer)} at {temperature_c:.0f} °C",
                    detail=f"Mn {result.molecular_weight_g_per_mol:,.0f} g/mol")),
                config=ui.plotly_config("solvent_ranking"), key="ranking_plot")
if st.toggle("3D Hansen plot of the library around the polymer", key="show_hansen_3d",
             help="Off by default: a 3D scatter of 366 solvents is slow to draw without a graphics card."):
    st.plotly_chart(ui.hansen_figure(hansen, ui.hansen_verdicts(hansen, result.table), ui.display_name(polymer),
                                     title=ui.figure_title(f"Hansen space around {ui.display_name(polymer)}",
                                                           detail="solvents coloured by the model's verdict")),
                    config=ui.plotly_config("hansen_space"), key="hansen_plot")
    st.caption("Each dot is a library solvent at its Hansen parameters (measured where known, else group "
               "contribution), coloured by the model's verdict; the diamond is the polymer (group contribution) "
               f"and the shell its interaction sphere Ra = R0 = {hansen['interaction_radius_mpa05'].iloc[0]:g} MPa½ "
               "(a typical radius, not measured for this polymer; Hansen predicts dissolution inside). "
               "Drag to turn it.")
left_button, right_button = st.columns(2)
left_button.download_button("Download the ranking with the Hansen columns (CSV)", ui.csv_bytes(table),
                            file_name="solvent_ranking.csv", mime="text/csv", key="download_ranking")
with right_button:
    ui.report_button(lambda: report.ranking_report(result, temperature_c, ui.model_manifest(), filters),
                     "solvent_ranking_report.html", key="report_ranking")
