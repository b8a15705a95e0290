"""Precipitate a dissolved polymer with an antisolvent: the ternary diagram and the dose."""

import streamlit as st

from chiapp import ui

st.title("Precipitate with an antisolvent")
st.markdown("A polymer dissolved in a solvent comes out when enough of a liquid it does not dissolve in is "
            "added. Ternary Flory–Huggins with the three χ's (two from the model's answer; the solvent–"
            "antisolvent one from the two liquids' measured activities where chiapp has them, else from "
            "COSMO-SAC's excess Gibbs energy) gives the cloud point and the dose that precipitates a chosen "
            "share of the polymer.")

solvents = ui.solvent_names()
left, right = st.columns(2)
with left:
    polymer_text = ui.polymer_choice("antisolvent_polymer", "Polymer", ui.polymer_names())
    solvent = st.selectbox("Solvent (the polymer is dissolved in it)", solvents, key="antisolvent_solvent",
                           persist_state=ui.PERSIST)
    antisolvent = st.selectbox("Antisolvent (added)", solvents, key="antisolvent_added", persist_state=ui.PERSIST)
with right:
    temperature_c = ui.temperature_input("antisolvent_temperature_c")
    polymer_wt = st.number_input("Polymer in the solution [wt-%]", min_value=0.5, max_value=50.0, step=0.5,
                                 key="antisolvent_polymer_wt", persist_state=ui.PERSIST)
    share = st.number_input("Share of the polymer to precipitate", min_value=0.5, max_value=0.999, step=0.01,
                            format="%.3f", key="antisolvent_share", persist_state=ui.PERSIST)

with ui.user_errors():
    polymer = ui.resolve("polymer", polymer_text)
    with st.spinner("Tracing the ternary diagram and the dose (with posterior draws)..."):
        dose = ui.antisolvent_dose(polymer.query, solvent, antisolvent, float(temperature_c), float(polymer_wt),
                                   float(share))

ui.show_antisolvent_dose(dose)
