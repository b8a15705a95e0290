"""What the model predicts, what it was trained on, how well it does, its limits and how to cite it.

Every number on this page is read from the shipped model manifest (assets/model/manifest.json)."""

import streamlit as st

from chiapp import ui

st.title("About the model")

with ui.user_errors():
    manifest = ui.model_manifest()

st.header("What it predicts")
st.markdown(
    "For a polymer (its repeat unit) and a solvent, the model predicts χ(T) = a + b/T, the "
    "Flory-Huggins parameter as a function of temperature T [K], and the probability that the polymer "
    "dissolves. It is a multitask neural network after Aoki et al., *Macromolecules* 2023, "
    "doi:[10.1021/acs.macromol.2c02600](https://doi.org/10.1021/acs.macromol.2c02600): one network "
    "learns at once from experimental χ, from χ computed with COSMO-RS, from Hansen solubility "
    "parameters and from solvent / non-solvent observations. An ensemble of networks gives each "
    "prediction its spread σ, scaled so that ± 2σ holds the true χ in about 90 % of held-out cases.")

st.header("Training data and licences")
st.markdown(
    "- Experimental and COSMO-RS χ: the data of Aoki et al. (repository yoshida-lab/MTL_ChiParameter, "
    "MIT licence), experimental values from the Orwoll & Arnold tables. The experimental χ cover 46 "
    "polymers; cis- and trans-1,4-polybutadiene share one 2D repeat unit, so the domain below counts 45.\n"
    "- Solvent / non-solvent labels: PolySol, Stubbs et al., *Digital Discovery* 2025 (repository "
    "cstubb/PolySol, MIT licence), from the Polymer Handbook.\n"
    "- The data is not shipped with the app; the weights and the code that reproduces them are.")
st.dataframe(ui.training_table(manifest), hide_index=True, key="manifest_training")

st.header("Benchmark")
benchmark = ui.benchmark_table(manifest)
if benchmark is None:
    st.info("This model's manifest holds no cross-validation figures (it was fitted without them).")
else:
    st.caption("Cross-validation: each fold's test polymers or pairs were unseen in its training. An empty "
               "cell is a figure not measured for that test.")
    st.dataframe(benchmark, hide_index=True, key="manifest_benchmark")
study = ui.domain_study_table(manifest)
if study is not None:
    st.caption("Held-out error inside and outside the model's domain (folds that leave whole polymers out):")
    st.dataframe(study, hide_index=True, key="manifest_domain_study")

st.header("One verdict: the posterior")
posterior = ui.posterior_tables(manifest)
if posterior is None:
    st.info("This model's manifest holds no posterior parameters.")
else:
    st.markdown(
        "The χ shown is a posterior: the ensemble's answer weighed against a prior from Hansen parameters "
        "and COSMO-SAC (the wider the ensemble's spread, the more the prior counts), corrected by the measured "
        "χ of the pair and its Polymer Handbook label where the open data has them. P(dissolves) = "
        "Φ((χlim − χ)/σ): 'dissolves' at 70 % and above, 'does not dissolve' at 30 % and below. For a "
        "crystalline polymer χlim is the lower of χc and Flory's melting limit, which a solvent COSMO-SAC "
        "finds strongly attractive raises (the solvation weight, last row; fitted on cited dissolution "
        "facts). Parameters fitted on held-out polymers, and what they score there:")
    st.dataframe(posterior[0], hide_index=True, key="manifest_posterior")
    st.dataframe(posterior[1], hide_index=True, key="manifest_posterior_scores")

st.header("Architecture and domain")
st.markdown(
    "Two towers map the polymer's and the solvent's descriptors to latent vectors; a Hansen-like distance "
    "between them feeds one linear head per task (χ's a and b, COSMO-RS χ, Hansen parameters, solubility). "
    "The settings were chosen by cross-validation grouped by polymer. A pair is *in the domain* when "
    "the ensemble's spread σ is at or below the threshold below and the temperature lies within the "
    "training range (widened by a margin). The similarity to the nearest training molecules is shown "
    "beside each result; it did not predict the error in cross-validation, so it does not set the flag.")
st.dataframe(ui.architecture_table(manifest), hide_index=True, key="manifest_architecture")
st.dataframe(ui.domain_table(manifest), hide_index=True, key="manifest_domain")

st.header("Limits")
st.markdown(
    "- χ comes from a model, not a measurement: use the band (± σ) and treat borderline verdicts as open.\n"
    "- Out-of-domain pairs (flagged on every result) are unlike the training molecules; χ is then a rough guess.\n"
    "- The chain is seen through its repeat unit only: tacticity, crystallinity, branching, end groups "
    "and the molecular-weight distribution are not. A semicrystalline plastic (PE, PP, PET) must also be "
    "above its dissolution temperature, which χ alone does not give.\n"
    "- Flory-Huggins theory is mean-field: phase diagrams are qualitative, most of all near the critical point.")

st.header("How to cite")
st.code(ui.citation(manifest), language="text", wrap_lines=True)
