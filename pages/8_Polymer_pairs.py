"""Polymer-polymer compatibility (two estimates of χ_AB side by side) and compatibilizer ideas."""

import streamlit as st

from chiapp import ui

st.title("Polymer pairs: compatibility and compatibilizers")
st.markdown("Two polymers mix when their interaction parameter χ_AB (per reference volume) lies below the "
            "critical value ½(1/√N_A + 1/√N_B)², tiny for long chains. χ_AB is estimated two ways: from the "
            "model's latent space, where polymers and solvents share one solubility space, and from Hansen "
            "parameters by group contribution. A pair the literature table has no statement on is judged by "
            "a classifier of both estimates, hydrogen-bond donors and acceptors, and the two polymers' "
            "records in that table.")

names = ui.polymer_names()
left, right = st.columns(2)
with left:
    polymer_a = ui.polymer_choice("pair_polymer_a", "Polymer A", names)
    chain_a = st.number_input("Chain length N_A per reference volume (empty: from the library's Mn)",
                              min_value=1.0, max_value=1e7, step=100.0, key="pair_chain_length_a",
                              persist_state=ui.PERSIST)
with right:
    polymer_b = ui.polymer_choice("pair_polymer_b", "Polymer B", names)
    chain_b = st.number_input("Chain length N_B per reference volume (empty: from the library's Mn)",
                              min_value=1.0, max_value=1e7, step=100.0, key="pair_chain_length_b",
                              persist_state=ui.PERSIST)
temperature_c = ui.temperature_input("pair_temperature_c", "Temperature [°C] (of the melt or the blending)")

with ui.user_errors(), st.spinner("Estimating χ_AB..."):
    result = ui.polymer_compatibility(polymer_a, polymer_b, temperature_c,
                                      None if chain_a is None else float(chain_a),
                                      None if chain_b is None else float(chain_b))
ui.show_compatibility(result)

st.header("Compatibilizer ideas")
st.markdown("Brainstorming, not a prediction of performance. Copolymer segments are ranked by why they would bind "
            "to each phase: miscible with it in the literature (cited), reacting with its chain ends, then the "
            "model's χ with its σ; the other lists by the model's χ with its σ.")
with ui.user_errors(), st.spinner("Screening the libraries against both polymers..."):
    ideas = ui.brainstorm_compatibilizers(polymer_a, polymer_b, temperature_c)
st.subheader("Small molecules compatible with both (plasticizers, additives)")
ui.show_idea_table(ideas.small_molecules, key="ideas_small_molecules")
st.subheader("Block or graft copolymers: a segment compatible with A and one compatible with B")
ui.show_idea_table(ideas.copolymers, key="ideas_copolymers")
with st.expander("Segments compatible with A, and with B"):
    ui.show_idea_table(ideas.segments_a, key="ideas_segments_a")
    ui.show_idea_table(ideas.segments_b, key="ideas_segments_b")
st.subheader("Common solvents for solution blending (dissolve both)")
ui.show_idea_table(ideas.common_solvents, key="ideas_common_solvents")
for note in ideas.notes[1:]:  # the first, on specific interactions, is shown above
    st.caption(ui.md(note))
