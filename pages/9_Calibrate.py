"""Calibrate a polymer with the user's own results: χ values, solvent tests, cloud points, θ."""

import streamlit as st

from chiapp import report, ui
from chiapp.calibration import observations_frame
from chiapp.observations import OBSERVATION_COLUMNS, observations_template

st.title("Calibrate a polymer with your measurements")
st.markdown(
    "A few lab results (a measured χ, *dissolves in THF, not in methanol*, a cloud point, a θ "
    "temperature) move the polymer in the model's learned space; every solvent's prediction for it "
    "then changes together. Solvents stay as the model knows them.")

source = st.radio("Start from", ("Enter observations", "Upload a calibration (JSON)"), horizontal=True,
                  key="calibration_source")
if source == "Upload a calibration (JSON)":
    uploaded_json = st.file_uploader("Calibration JSON saved from this page or `chiapp calibrate`", type=["json"],
                                     key="calibration_json_upload")
    if uploaded_json is None:
        st.info("Upload a calibration file to see its predictions.")
        st.stop()
    calibration_json = uploaded_json.getvalue().decode("utf-8", errors="replace")
    with ui.user_errors():
        calibrated = ui.calibrated(calibration_json)
else:
    polymer_text = ui.molecule_input("polymer", ui.polymer_names())
    st.markdown("**Observations.** " + "; ".join(f"`{k}`: {v}" for k, v in OBSERVATION_COLUMNS.items()))
    uploaded = st.file_uploader("Upload observations (CSV) or edit the table below", type=["csv"],
                                key="calibration_upload")
    chi_noise = st.number_input("Uncertainty of a χ measurement (σ)", min_value=0.005, max_value=1.0,
                                value=ui.DEFAULT_CHI_NOISE,
                                step=0.01, format="%.3f", key="calibration_chi_noise")
    if uploaded is not None:
        observations_csv = uploaded.getvalue().decode("utf-8-sig", errors="replace")
    else:
        edited = st.data_editor(observations_template(), num_rows="dynamic", key="calibration_editor",
                                width="stretch")
        observations_csv = edited.to_csv(index=False)
    with ui.user_errors():
        polymer = ui.resolve("polymer", polymer_text)
        with st.spinner("Fitting the polymer to your observations..."):
            calibration_json = ui.calibrate(polymer.smiles, observations_csv, float(chi_noise))
        calibrated = ui.calibrated(calibration_json)

counts = calibrated.counts
columns = st.columns(len(counts) + 1)
for column, (kind, n) in zip(columns, counts.items()):
    column.metric(f"{kind} observations used", n)
columns[-1].metric("Moved (prior σ)", f"{calibrated.prior_distance:.2f}")
st.markdown(calibrated.summary())
for message in calibrated.contradictions:
    st.warning(f"Contradiction: {message}")
with st.expander("Observations used"):
    st.dataframe(observations_frame(calibrated), hide_index=True)
st.download_button("Download the calibration (JSON)", calibration_json.encode("utf-8"),
                   file_name="calibration.json", mime="application/json", key="download_calibration")

st.subheader("χ(T) before and after")
solvent_name = st.selectbox("Solvent", ui.solvent_names(), key="calibration_solvent",
                            index=ui.solvent_names().index("toluene") if "toluene" in ui.solvent_names() else 0)
range_c = ui.temperature_range_input()
with ui.user_errors():
    solvent = ui.resolve("solvent", solvent_name)
    before, after, observed = ui.calibrated_curves(calibration_json, solvent.smiles, range_c)
st.plotly_chart(ui.chi_curves_figure({"model": before, "calibrated": after}, {}, observed=observed),
                config=ui.plotly_config("chi_calibrated"), key="calibration_curves")
ui.report_button(lambda: report.pair_report(after, after.chain_length, ui.model_manifest()),
                 "calibrated_chi_report.html", key="report_calibration")

st.subheader("Solvent ranking before and after")
temperature_c = st.slider("Temperature [°C]", min_value=-50.0, max_value=300.0, value=25.0, step=5.0,
                          key="calibration_temperature_c")
with ui.user_errors():
    with st.spinner("Ranking the solvent library..."):
        _, ranking_after, comparison = ui.calibrated_comparison(calibration_json, float(temperature_c))
st.markdown(ui.ranking_summary(ranking_after))
st.dataframe(comparison, hide_index=True, key="calibration_ranking")
st.download_button("Download the comparison (CSV)", ui.csv_bytes(comparison), file_name="calibrated_ranking.csv",
                   mime="text/csv", key="download_calibrated_ranking")
