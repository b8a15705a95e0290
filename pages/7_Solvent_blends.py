"""χ of a polymer in a blend of two or three solvents, and the library's best two-solvent blends."""

import streamlit as st

from chiapp import ui

st.title("Solvent blends")
st.markdown("A blend is written as solvents and their **volume fractions**, joined by `+`: for example "
            "`ethanol:0.8+water:0.2` (two or three solvents; names, abbreviations or SMILES; the fractions "
            "sum to 1).")

left, right = st.columns(2)
with left:
    polymer_text = ui.polymer_choice("blend_polymer", "Polymer", ui.polymer_names())
with right:
    blend_text = st.text_input("Solvent blend (solvent:fraction+solvent:fraction)", key="blend_text",
                               persist_state=ui.PERSIST, placeholder="ethanol:0.8+water:0.2",
                               help="Volume fractions of two or three solvents, summing to 1 (± 0.01).")
    range_c = ui.temperature_range_input("blend_temperature_range_c")

with ui.user_errors():
    polymer = ui.resolve("polymer", polymer_text)

st.header("χ in your blend")
with ui.user_errors(stop=False), st.spinner("Predicting χ(T) in the blend..."):
    ui.show_blend(ui.blend_curve(polymer.query, blend_text, range_c))

st.header("Blend finder")
st.markdown("The best two-solvent blends of the library for this polymer at one temperature, most likely to "
            "dissolve it first (the same P(dissolves) and verdict as above), with the composition range in which "
            "the blend dissolves it.")
left, middle, right = st.columns(3)
temperature_c = left.number_input("Temperature [°C]", min_value=-50.0, max_value=300.0, step=5.0,
                                  key="blend_finder_temperature_c", persist_state=ui.PERSIST)
only_recommended = middle.toggle("Only CHEM21 'recommended' solvents", key="blend_only_recommended",
                                 persist_state=ui.PERSIST)
only_nonsolvents = right.toggle("Only solvents that do not dissolve it alone (cosolvency)",
                                key="blend_only_nonsolvents", persist_state=ui.PERSIST)
with ui.user_errors(), st.spinner("Scanning two-solvent blends of the library..."):
    blends = ui.find_blends(polymer.query, float(temperature_c), bool(only_recommended), bool(only_nonsolvents))
if blends.empty:
    st.warning("No two-solvent blend of the library dissolves this polymer with these options.")
else:
    st.caption("φ1 is the volume fraction of the first solvent of the blend; 0 or 1 at an end of the range means "
               "a pure solvent of the pair dissolves it too. Copy a blend into the box above to see its curve.")
    ui.show_table(blends, ui.BLEND_VIEW, key="blend_finder_table")
    st.download_button("Download the blends (CSV)", ui.csv_bytes(blends), file_name="solvent_blends.csv",
                       mime="text/csv", key="download_blends")
