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
allow_above_boiling, target_override = ui.separation_options(target)

with ui.user_errors(), st.spinner("Screening the solvent library against every plastic..."):
    result = ui.select_solvents(target, tuple(others), range_c, tuple(filters.items()), allow_above_boiling,
                                target_override)

st.markdown(ui.selection_summary(result))
ui.show_failures(result.failures)
curves, criticals, solvent = None, None, None
if not result.table.empty:
    ui.show_table(result.table, ui.SELECTION_VIEW, key="selection_table")
    st.download_button("Download the selective solvents (CSV)", ui.csv_bytes(result.table),
                       file_name="selective_solvents.csv", mime="text/csv", key="download_selection")
    solvent = st.selectbox("Solvent to inspect", result.table["name"].tolist(), key="separate_solvent")
    with ui.user_errors():
        curves, criticals = ui.solvent_against_polymers(solvent, (result.target, *result.others), range_c,
                                                        target_override)
    st.plotly_chart(ui.chi_margins_figure(curves, highlight=ui.display_name(result.target),
                                          title=ui.figure_title(
                                              f"Selective dissolution in {solvent}: {ui.display_name(result.target)} "
                                              f"(target) and {len(result.others)} other plastic(s)",
                                              detail="N of each pair from the library Mn")),
                    config=ui.plotly_config("selective_dissolution"), key="selection_plot")
    st.caption("Each curve is χ − χlim of one plastic in this solvent, χlim its own limit (the critical χ, "
               "or the melting limit of a crystalline plastic): a plastic dissolves where its curve lies "
               "below the dashed zero line. Dotted: ± σ.")

if not result.antisolvents.empty:
    with st.expander(f"{len(result.antisolvents)} antisolvents to precipitate the target afterwards"):
        ui.show_table(result.antisolvents, ui.ANTISOLVENT_VIEW, key="antisolvent_table")

ui.report_button(lambda: report.selection_report(result, range_c, ui.model_manifest(), curves, criticals, solvent),
                 "separation_report.html", key="report_selection")

st.header("Separation sequence")
st.markdown("Dissolve the plastics of the mixture one at a time (target and others together, 2 to 6), the "
            "undissolved rest filtered off, the dissolved plastic recovered by cooling or an antisolvent. One "
            "solvent at rising temperatures is preferred when it takes as many plastics apart as changing "
            "solvents does; both series are shown side by side.")
if st.toggle("Plan a separation sequence of all the plastics above", key="separate_plan", persist_state=ui.PERSIST,
             help="Screens the solvent library once per plastic and step: about half a minute."):
    with ui.user_errors(), st.spinner("Planning the sequence (one library screen per plastic and step)..."):
        plan = ui.plan_separation((target, *others), range_c, tuple(filters.items()), allow_above_boiling,
                                  ((target, target_override),) if target_override else ())
    ui.show_separation_plan(plan)
