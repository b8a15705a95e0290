"""Selective dissolution: solvents and temperatures that dissolve one plastic out of a mixture."""

import streamlit as st

from chiapp import report, ui

st.title("Separate plastics by selective dissolution")
st.markdown("Pick the plastic to recover and the others in the mixture. A solvent is selective at "
            "a temperature when it dissolves the target and none of the others.")

names = ui.polymer_names()
left, right = st.columns(2)
with left:
    target = ui.polymer_choice("separate_target", "Plastic to dissolve (target)", names)
with right:
    others = ui.polymer_choice("separate_others", "Other plastics in the mixture", names, multiple=True)
range_c = ui.temperature_range_input("separate_temperature_range_c")
filters = ui.solvent_filters()

with ui.user_errors(), st.spinner("Screening the solvent library against every plastic..."):
    result = ui.select_solvents(target, tuple(others), range_c, tuple(filters.items()))

st.markdown(ui.selection_summary(result))
ui.show_failures(result.failures)
curves, criticals, solvent = None, None, None
if not result.table.empty:
    ui.show_table(result.table, ui.SELECTION_VIEW, key="selection_table")
    st.download_button("Download the selective solvents (CSV)", ui.csv_bytes(result.table),
                       file_name="selective_solvents.csv", mime="text/csv", key="download_selection")
    solvent = st.selectbox("Solvent to inspect", result.table["name"].tolist(), key="separate_solvent")
    with ui.user_errors():
        curves, criticals = ui.solvent_against_polymers(solvent, (result.target, *result.others), range_c)
    st.plotly_chart(ui.chi_curves_figure(curves, criticals, highlight=ui.display_name(result.target),
                                         title=ui.figure_title(
                                             f"Selective dissolution in {solvent}: {ui.display_name(result.target)} "
                                             f"(target) and {len(result.others)} other plastic(s)",
                                             detail="N of each pair from the library Mn")),
                    config=ui.plotly_config("selective_dissolution"), key="selection_plot")
    st.caption("Dotted lines: each plastic's critical χ in this solvent. A plastic dissolves where its "
               "curve lies below its own dotted line; bands are ± σ.")

if not result.antisolvents.empty:
    with st.expander(f"{len(result.antisolvents)} antisolvents to precipitate the target afterwards"):
        ui.show_table(result.antisolvents, ui.ANTISOLVENT_VIEW, key="antisolvent_table")

ui.report_button(lambda: report.selection_report(result, range_c, ui.model_manifest(), curves, criticals, solvent),
                 "separation_report.html", key="report_selection")
