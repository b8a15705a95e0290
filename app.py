"""chiapp: polymer-solvent Flory-Huggins χ(T), phase diagrams and solvent choice, in the browser.

Started by ``chiapp app`` (or ``streamlit run app.py`` in a checkout, which runs this file). Every
page reads its inputs, calls one function of ``chiapp`` and draws the result; the shared widgets
and caches live in ``chiapp/ui``.
"""

from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

# The browser loads Plotly's chart module (4.7 MB of JavaScript) only when a page first shows a
# chart. An empty, hidden chart sent first, before chiapp's imports (about 1 s), lets it load while
# the server computes the first answer: the first χ chart of a cold start draws about 1 s sooner
# (benchmarks.app). Tests that count charts leave this one out by its key.
with st.container(key="chart_module"):
    st.html("<style>.st-key-chart_module, [data-testid=stLayoutWrapper]:has(> .st-key-chart_module) "
            "{display: none}</style>")  # the wrapper too, or the page's gap stays above the title
    st.plotly_chart(go.Figure(), key="chart_module_preload")

from chiapp import ui  # noqa: E402 - after the hidden chart, on purpose (above)

_PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="chiapp: polymer-solvent χ", page_icon=ui.page_icon(), layout="wide")
ui.init_session()

navigation = st.navigation([
    st.Page(_PAGES / "1_Predict.py", title="Predict χ", icon=":material/show_chart:", default=True),
    st.Page(_PAGES / "2_Phase_diagram.py", title="Phase diagram", icon=":material/thermostat:"),
    st.Page(_PAGES / "3_Rank_solvents.py", title="Rank solvents", icon=":material/format_list_numbered:"),
    st.Page(_PAGES / "4_Separate_plastics.py", title="Separate plastics", icon=":material/recycling:"),
    st.Page(_PAGES / "10_Antisolvent.py", title="Antisolvent dose", icon=":material/water_drop:"),
    st.Page(_PAGES / "7_Solvent_blends.py", title="Solvent blends", icon=":material/science:"),
    st.Page(_PAGES / "8_Polymer_pairs.py", title="Polymer pairs", icon=":material/join_inner:"),
    st.Page(_PAGES / "5_Batch.py", title="Batch", icon=":material/table_view:"),
    st.Page(_PAGES / "9_Calibrate.py", title="Calibrate with your data", icon=":material/tune:"),
    st.Page(_PAGES / "6_About_the_model.py", title="About the model", icon=":material/info:"),
])

with st.sidebar:
    ui.offline_guard()
    st.markdown(
        "**What χ tells you.** The Flory-Huggins parameter χ measures how much a polymer and a "
        "solvent dislike each other. Below a critical value χc (about 0.5 for long chains) they "
        "mix at every concentration; above it the solution splits into two phases. χ changes "
        "with temperature, so a solvent can dissolve a plastic hot but not cold.")
    st.markdown(
        "**Where to start.** *Predict χ* for one pair; *Rank solvents* to find a solvent for one "
        "polymer; *Separate plastics* to dissolve one plastic out of a mixture; *Phase diagram* "
        "for the temperatures and concentrations at which a solution stays clear; *Solvent blends* and "
        "*Polymer pairs* for mixtures.")
    st.radio("Charts save as", ("PNG", "SVG"), key="figure_format", horizontal=True, persist_state=ui.PERSIST,
             help="What the camera button of a chart's toolbar saves: a PNG picture or an SVG vector figure.")

navigation.run()
ui.warm_up()
