"""What the model predicts, what it was trained on, how well it does, its limits and how to cite it.

The numbers on this page come from the shipped model manifest (assets/model/manifest.json)."""

import streamlit as st

from chiapp import ui

st.title("About the model")

with ui.user_errors():
    manifest = ui.model_manifest()

st.header("What it predicts")
st.markdown(
    "For a polymer (its repeat unit) and a solvent, the model predicts the temperature dependence of "
    "the Flory-Huggins parameter, χ(T) = a + b/T, and the probability that the polymer dissolves. "
    "It is a multitask neural network after Aoki et al., *Macromolecules* 2023, "
    "doi:[10.1021/acs.macromol.2c02600](https://doi.org/10.1021/acs.macromol.2c02600): one network "
    "learns at once from experimental χ values, from many more χ values computed with COSMO-RS and "
    "Hansen solubility parameters, and from soluble/insoluble observations. An ensemble of networks "
    "gives each prediction its spread σ.")

for title, key in (("Training data and licences", "training_data"), ("Architecture", "architecture"),
                   ("Benchmark", "benchmark"), ("Calibration", "calibration")):
    st.header(title)
    table = ui.manifest_table(manifest, key)
    if table is None:
        st.caption(f"The manifest has no '{key}' section.")
    else:
        st.dataframe(table, hide_index=True, key=f"manifest_{key}")

st.header("Limits")
st.markdown(
    "- χ comes from a model, not a measurement: use the band (± σ) and treat borderline verdicts as open.\n"
    "- Out-of-domain pairs (flagged on every result) are unlike the training molecules; χ is then a rough guess.\n"
    "- The chain is described by its repeat unit only: tacticity, crystallinity, branching, end groups "
    "and molecular-weight distribution are not seen. A semicrystalline plastic (PE, PP, PET) also needs "
    "to be above its dissolution temperature, which χ alone does not give.\n"
    "- Flory-Huggins theory is mean-field: the phase diagrams are qualitative near the critical point.")

st.header("How to cite")
st.code(ui.citation(manifest), language="text")
