"""Predict χ for many pairs at once from an uploaded CSV; bad rows are reported beside good ones."""

import streamlit as st

from chiapp import ui

st.title("Batch predictions from a CSV file")
st.markdown("One row per polymer-solvent pair and temperature, with these columns:")
st.table(ui.batch_columns_table())
st.download_button("Download a template CSV", ui.csv_bytes(ui.pairs_template()),
                   file_name="chiapp_batch_template.csv", mime="text/csv", key="download_template")

uploaded = st.file_uploader("Pairs to predict (CSV)", type=["csv", "txt"], key="batch_file")
if uploaded is None:
    st.info("Upload a CSV file to start; the template above shows the format.")
    st.stop()

with ui.user_errors():
    pairs = ui.read_pairs_csv(uploaded)
    bar = st.progress(0.0, text=f"Predicting {len(pairs)} pairs...")
    results = ui.predict_batch(pairs, ui.progress_reporter(bar))
bar.empty()

st.success(ui.batch_summary(results))
ui.show_batch_results(results, key="batch_results")
st.download_button("Download the predictions (CSV)", ui.csv_bytes(results),
                   file_name="chiapp_predictions.csv", mime="text/csv", key="download_batch")
