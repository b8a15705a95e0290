"""Predict χ(T) for one polymer-solvent pair: structures, the curve with its band, the verdict."""

import streamlit as st

from chiapp import report, ui
from chiapp.blends import looks_like_blend

st.title("Predict χ for a polymer and a solvent")

left, right = st.columns(2)
with left:
    polymer_text = ui.molecule_input("polymer", ui.polymer_names(), show_structure=False)
    range_c = ui.temperature_range_input()
with right:
    solvent_text = ui.molecule_input("solvent", ui.solvent_names(), show_structure=False)
    chain_length = ui.chain_length_input(optional=True)

if looks_like_blend(solvent_text):  # a blend typed in the SMILES box: ethanol:0.8+water:0.2
    with ui.user_errors():
        polymer = ui.resolve("polymer", polymer_text)
        with st.spinner("Predicting χ(T) in the blend..."):
            blend = ui.chi_curve(polymer.query, solvent_text, range_c, chain_length)
    ui.show_blend(blend, key="predict_blend")
    st.caption("A blend: χ from the model's latent mixing rule (see the Solvent blends page, which also finds "
               "blends); the quantum-chemistry route and the report take one solvent.")
    st.stop()

with ui.user_errors():
    polymer, solvent = ui.resolve_pair(polymer_text, solvent_text)
structures, results = st.columns([1, 2])

with results, ui.user_errors():  # the result first: the 3D conformers can take a moment
    with st.spinner("Predicting χ(T)..."):
        prediction = ui.chi_curve(polymer.query, solvent.smiles, range_c, chain_length)
    ui.verdict_headline(prediction)
    ui.coefficient_metrics(prediction)
    st.plotly_chart(ui.chi_figure(prediction, prediction.chi_critical,
                                  title=ui.pair_title(polymer, solvent, prediction.chain_length)),
                    config=ui.plotly_config("chi_curve"), key="chi_plot")
    st.caption("The band is ± 1 σ of the posterior χ (the ensemble, a prior from Hansen and COSMO-SAC χ, "
               "and the measured evidence of the pair; dots: measured χ). Below the dashed line (χc) the pair "
               "mixes at every concentration. The camera button of the chart saves it (PNG or SVG: see the "
               "sidebar).")
    ui.laboratory_note(prediction)
    ui.domain_notice(prediction)
    left_button, right_button = st.columns(2)
    left_button.download_button("Download the curve (CSV)", ui.csv_bytes(ui.curve_table(prediction)),
                                file_name="chi_curve.csv", mime="text/csv", key="download_curve")
    with right_button:
        ui.report_button(lambda: report.pair_report(prediction, prediction.chain_length, ui.model_manifest()),
                         "chi_report.html", key="report_predict")
    qc_temperatures_c = tuple(float(t) for t in dict.fromkeys((range_c[0], (range_c[0] + range_c[1]) / 2, range_c[1])))
    if st.button("Compute with quantum chemistry", key="qc_button", icon=":material/calculate:",
                 help="MOPAC COSMO σ-profiles and COSMO-SAC at the low, middle and high temperature of the "
                      "range: seconds for a known molecule, up to a minute for a new one. Needs MOPAC "
                      "(Debian package mopac)."):
        ui.show_qc(polymer, solvent, prediction, qc_temperatures_c)

with structures:
    ui.show_structures(polymer, solvent)
