"""Predict χ(T) for one polymer-solvent pair: structures, the curve with its band, the verdict."""

import streamlit as st

from chiapp import report, ui

st.title("Predict χ for a polymer and a solvent")

left, right = st.columns(2)
with left:
    polymer_text = ui.molecule_input("polymer", ui.polymer_names(), show_structure=False)
    range_c = ui.temperature_range_input()
with right:
    solvent_text = ui.molecule_input("solvent", ui.solvent_names(), show_structure=False)
    chain_length = ui.chain_length_input()

with ui.user_errors():
    polymer, solvent = ui.resolve_pair(polymer_text, solvent_text)
structures, results = st.columns([1, 2])

with results, ui.user_errors():  # the result first: the 3D conformers can take a moment
    with st.spinner("Predicting χ(T)..."):
        prediction = ui.chi_curve(polymer.smiles, solvent.smiles, range_c, chain_length)
    ui.verdict_headline(prediction)
    ui.coefficient_metrics(prediction)
    st.plotly_chart(ui.chi_figure(prediction, prediction.chi_critical,
                                  title=ui.pair_title(polymer, solvent, chain_length)),
                    config=ui.plotly_config("chi_curve"), key="chi_plot")
    st.caption("The band is ± 1 σ of the posterior χ (the ensemble, a Hansen prior and the measured "
               "evidence of the pair; dots: measured χ). Below the dashed line (χc) the pair mixes at every "
               "concentration. The camera button of the chart saves it (PNG or SVG: see the sidebar).")
    ui.domain_notice(prediction)
    left_button, right_button = st.columns(2)
    left_button.download_button("Download the curve (CSV)", ui.csv_bytes(ui.curve_table(prediction)),
                                file_name="chi_curve.csv", mime="text/csv", key="download_curve")
    with right_button:
        ui.report_button(lambda: report.pair_report(prediction, chain_length, ui.model_manifest()),
                         "chi_report.html", key="report_predict")

with structures:
    ui.show_structures(polymer, solvent)
