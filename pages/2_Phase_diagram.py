"""Binodal and spinodal of a polymer solution in the (φ, T) plane, with the model's uncertainty."""

import streamlit as st

from chiapp import library, report, ui

st.title("Phase diagram")

left, right = st.columns(2)
with left:
    polymer_text = ui.molecule_input("polymer", ui.polymer_names())
with right:
    solvent_text = ui.molecule_input("solvent", ui.solvent_names())
range_c = ui.temperature_range_input()
size = ui.chain_size_inputs()
phi, temperature_c = ui.mixture_point_inputs()

with ui.user_errors():
    polymer, solvent = ui.resolve_pair(polymer_text, solvent_text)
    with st.spinner("Predicting χ(T) and solving the binodal..."):
        chain_length = library.chain_length_for(polymer, solvent, **size)
        prediction = ui.chi_curve(polymer.query, solvent.smiles, range_c, chain_length)
        band = ui.phase_band(prediction, chain_length, range_c)
        state = ui.mixture_state(prediction, chain_length, phi, temperature_c)

if prediction.in_domain:
    st.subheader(band.central.summary())
else:
    st.subheader(f"Rough guess, outside the model's training data: {band.central.summary()}")
st.markdown(band.critical_interval_summary())
st.caption(ui.band_caption(band, chain_length))
st.plotly_chart(ui.phase_figure(band, (phi, temperature_c), title=ui.figure_title(
                    f"Phase diagram of {ui.display_name(polymer)} in {ui.display_name(solvent)}", chain_length)),
                config=ui.plotly_config("phase_diagram"), key="phase_plot")
st.info(f"Your mixture, φ = {phi:.2f} at {temperature_c:.0f} °C: **{state}**.", icon=":material/star:")
ui.domain_notice(prediction)
left_button, right_button = st.columns(2)
left_button.download_button("Download the curves (CSV)", ui.csv_bytes(band.curves),
                            file_name="phase_diagram.csv", mime="text/csv", key="download_phase")
with right_button:
    ui.report_button(lambda: report.pair_report(prediction, chain_length, ui.model_manifest(), band,
                                                (phi, temperature_c), state),
                     "phase_diagram_report.html", key="report_phase")
