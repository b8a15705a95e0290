"""The Streamlit side of chiapp: cached loaders, session defaults, shared widgets, figures, views.

This is the only module of the package that imports streamlit. Pages read like recipes: shared
input widgets from here -> ``st.stop()`` with a message on bad input (``user_errors``) -> one call
into chiapp -> draw with the figure and view helpers here. Unit conversions, grids and table
shaping live here too, so that pages hold no arithmetic.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
import threading
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from rdkit import Chem
from rdkit.Chem import AllChem, rdDistGeom
from rdkit.Chem.Draw import rdMolDraw2D

from chiapp import flory_huggins, library, prediction, ranking
from chiapp.chemistry import looks_like_polymer, parse_polymer, parse_solvent
from chiapp.errors import ChiAppError, DataFileError

__all__ = [
    "ANTISOLVENT_VIEW",
    "BATCH_COLUMNS",
    "BOILING_POINT_SPAN_C",
    "KELVIN",
    "MAX_BATCH_ROWS",
    "PERSIST",
    "PLOTLY_CONFIG",
    "RANKING_VIEW",
    "SELECTION_VIEW",
    "band_caption",
    "batch_columns_table",
    "batch_summary",
    "batch_template",
    "celsius",
    "chain_length_input",
    "chain_size_inputs",
    "chi_curve",
    "chi_curves_figure",
    "chi_figure",
    "citation",
    "coefficient_metrics",
    "critical_chi",
    "csv_bytes",
    "curve_table",
    "display_name",
    "domain_notice",
    "drawn_to_smiles",
    "init_session",
    "kelvin",
    "linear_oligomer",
    "manifest_table",
    "mixture_point_inputs",
    "mixture_state",
    "model",
    "model_manifest",
    "molecule_input",
    "page_icon",
    "phase_band",
    "phase_figure",
    "plotly_config",
    "polymer_choice",
    "polymer_library",
    "polymer_names",
    "predict_batch",
    "progress_reporter",
    "rank_solvents",
    "ranking_figure",
    "ranking_summary",
    "read_pairs_csv",
    "resolve",
    "resolve_pair",
    "select_solvents",
    "selection_summary",
    "show_3d",
    "show_failures",
    "show_structures",
    "show_table",
    "smiles_for_editor",
    "solvent_against_polymers",
    "solvent_filters",
    "solvent_library",
    "solvent_names",
    "structure_3d_html",
    "structure_svg",
    "temperature_grid_k",
    "temperature_input",
    "temperature_range_input",
    "user_errors",
]

KELVIN = 273.15
#: The vendored 3Dmol.js (assets/vendor/3dmol), served by Streamlit's static file serving from
#: ./static, a link to assets/vendor. Relative, so that it resolves under server.baseUrlPath too;
#: the 3D views are srcdoc iframes, which resolve URLs against the app page's address.
VIEWER_SCRIPT_URL = "app/static/3dmol/3Dmol-min.js"

#: Plotly's own toolbar: its camera button saves a PNG in the browser, offline.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}

# ---------------------------------------------------------------------------------------------
# Session: every input a user chooses lives under one of these keys, so it survives page switches
# (widgets are created with a key and no ``value=``: the key is the truth; see init_session).
# ---------------------------------------------------------------------------------------------
#: The boiling-point slider's whole span [°C]; the whole span means "no boiling-point filter".
BOILING_POINT_SPAN_C = (-50.0, 350.0)
DEFAULTS: dict[str, object] = {
    "polymer_mode": "Name",
    "polymer_name": "polystyrene",
    "polymer_smiles": "*CC(*)c1ccccc1",
    "solvent_mode": "Name",
    "solvent_name": "toluene",
    "solvent_smiles": "Cc1ccccc1",
    "temperature_range_c": (0.0, 150.0),
    "show_3d": True,
    "chain_length_mode": "Molecular weight",
    "molecular_weight_g_per_mol": 100_000.0,
    "chain_length": 1000.0,
    "polymer_density_g_per_cm3": None,
    "user_phi": 0.10,
    "user_temperature_c": 25.0,
    "rank_temperature_c": 25.0,
    "filter_boiling_point_c": BOILING_POINT_SPAN_C,
    "filter_min_flash_point_c": None,
    "filter_exclude_classes": [],
    "filter_in_domain_only": False,
    "separate_target": "polystyrene",
    "separate_others": ["polyethylene", "polypropylene", "poly(ethylene terephthalate)"],
    "separate_temperature_range_c": (20.0, 140.0),
}
PERSIST = "session"


@lru_cache(maxsize=1)
def page_icon():
    """The tab icon, drawn here: an emoji or Material icon would make the browser fetch it online."""
    from PIL import Image, ImageDraw

    icon = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((2, 2, 62, 62), radius=14, fill=(31, 111, 139, 255))
    draw.line((16, 48, 48, 16), fill="white", width=7)
    draw.line((16, 16, 48, 48), fill="white", width=7)
    return icon


#: streamlit-jsme loads its editor from a CDN when its bundled copy is not ready the moment its
#: component starts (a race), unless a script whose src names ``jsme.nocache`` is in the page. This
#: puts such a marker in the page once, as a script of an unknown type, which browsers never fetch.
_OFFLINE_GUARD_JS = """
export default function () {
  if (document.querySelector('script[data-chiapp-offline]')) return;
  const marker = document.createElement('script');
  marker.type = 'text/x-chiapp-marker';
  marker.dataset.chiappOffline = 'true';
  marker.setAttribute('src', 'bundled/jsme.nocache.js');
  document.head.appendChild(marker);
}
"""
_offline_guard = st.components.v2.component("chiapp_offline_guard", js=_OFFLINE_GUARD_JS)


def offline_guard() -> None:
    """Mount the marker above on every page (the entry script calls it, before any editor)."""
    _offline_guard(key="chiapp_offline_guard")


def init_session() -> None:
    """Every run, before any page: defaults for new sessions, and each input written back to itself.

    Writing a value back through the Session State API makes it the value of the widget that the
    next page creates under the same key. Without it a widget of the same key on another page
    may start from its default (seen in Streamlit 1.67 on a page switch before any interaction),
    even with ``persist_state="session"``.
    """
    for key, value in DEFAULTS.items():
        st.session_state[key] = st.session_state.get(key, value)


@contextmanager
def user_errors():
    """Show a ChiAppError as ``st.error`` and stop the page; anything else is a bug and propagates."""
    try:
        yield
    except ChiAppError as err:
        st.error(str(err), icon=":material/error:")
        st.stop()


def kelvin(temperature_c: float) -> float:
    """Temperature [K] from [°C]."""
    return float(temperature_c) + KELVIN


def celsius(temperatures_k):
    """Temperatures [°C] from [K]; works on floats and arrays."""
    return np.asarray(temperatures_k, dtype=float) - KELVIN


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV bytes for ``st.download_button``."""
    return frame.to_csv(index=False).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Molecule pictures: 2D with RDKit SVG, 3D with 3Dmol.js inlined (no request leaves the iframe).
# ---------------------------------------------------------------------------------------------
def _mol_for(smiles: str) -> Chem.Mol:
    return parse_polymer(smiles) if looks_like_polymer(smiles) else parse_solvent(smiles)


@st.cache_data(max_entries=512, show_spinner=False)
def structure_svg(smiles: str, width: int = 320, height: int = 220) -> str:
    """2D depiction of a solvent or a repeat unit ('*' ends drawn) as an SVG string."""
    mol = Chem.Mol(_mol_for(smiles))
    AllChem.Compute2DCoords(mol)
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height)
    options = drawer.drawOptions()
    options.clearBackground = False
    options.addStereoAnnotation = False
    options.padding = 0.08
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol)
    drawer.FinishDrawing()
    return drawer.GetDrawingText()


def linear_oligomer(repeat_unit: Chem.Mol, n_units: int) -> Chem.Mol:
    """Chain ``n_units`` copies of a repeat unit head to tail, capping both free ends with H."""
    stars = [a.GetIdx() for a in repeat_unit.GetAtoms() if a.GetAtomicNum() == 0]
    head, tail = (repeat_unit.GetAtomWithIdx(s).GetNeighbors()[0].GetIdx() for s in stars)
    n_atoms = repeat_unit.GetNumAtoms()
    chain = Chem.RWMol(repeat_unit)
    for i in range(1, n_units):
        chain.InsertMol(repeat_unit)
        chain.AddBond(tail + (i - 1) * n_atoms, head + i * n_atoms, Chem.BondType.SINGLE)
    first_star, last_star = stars[0], stars[1] + (n_units - 1) * n_atoms
    internal = [stars[1] + i * n_atoms for i in range(n_units - 1)]
    internal += [stars[0] + i * n_atoms for i in range(1, n_units)]
    for idx in (first_star, last_star):
        chain.GetAtomWithIdx(idx).SetAtomicNum(1)
    for idx in sorted(internal, reverse=True):
        chain.RemoveAtom(idx)
    mol = chain.GetMol()
    Chem.SanitizeMol(mol)
    return Chem.RemoveHs(mol)


#: Heavy atoms of a drawn oligomer: enough to show the chain's shape, small enough to embed fast.
_MAX_3D_HEAVY_ATOMS = 80


@st.cache_data(max_entries=512, show_spinner=False)
def _embedded_molblock(smiles: str) -> str | None:
    mol = _mol_for(smiles)
    if looks_like_polymer(smiles):
        n_heavy = max(1, mol.GetNumHeavyAtoms() - 2)
        mol = linear_oligomer(mol, max(1, min(3, _MAX_3D_HEAVY_ATOMS // n_heavy)))
    if mol.GetNumHeavyAtoms() > _MAX_3D_HEAVY_ATOMS * 2:
        return None
    mol = Chem.AddHs(mol)
    params = rdDistGeom.ETKDGv3()
    params.randomSeed = 0xC41
    params.timeout = 5
    if AllChem.EmbedMolecule(mol, params) != 0:
        params.useRandomCoords = True
        if AllChem.EmbedMolecule(mol, params) != 0:
            return None
    if AllChem.MMFFHasAllMoleculeParams(mol):
        AllChem.MMFFOptimizeMolecule(mol, maxIters=200)
    return Chem.MolToMolBlock(mol)


#: Antialiasing costs ~0.4 s per view on a software renderer (headless Chromium, no GPU) and nothing
#: on a GPU: switch it on only when WebGL runs on real hardware.
_SMOOTH_IF_GPU = (
    "var _chiappSmooth = (function () { try {"
    " var gl = document.createElement('canvas').getContext('webgl');"
    " var info = gl.getExtension('WEBGL_debug_renderer_info');"
    " var hardware = !/SwiftShader|llvmpipe|software/i.test(gl.getParameter(info.UNMASKED_RENDERER_WEBGL));"
    " gl.getExtension('WEBGL_lose_context').loseContext(); return hardware;"
    " } catch (e) { return false; } })();"
)


@st.cache_data(max_entries=256, show_spinner=False)
def structure_3d_html(smiles: str, title: str, height: int = 240) -> str | None:
    """A 3D ball-and-stick view of one molecule as an HTML page; None if no conformer embeds.

    A polymer is shown as a short linear oligomer (up to a trimer) capped with H. The page loads
    the vendored 3Dmol.js from the app's own server; py3Dmol writes the viewer script.
    """
    import py3Dmol  # imports IPython (~0.7 s): only when a 3D view is first drawn

    block = _embedded_molblock(smiles)
    if block is None:
        return None
    view = py3Dmol.view(width="100%", height=f"{height}px", js="")
    view.addModel(block, "sdf")
    view.setStyle({"stick": {"radius": 0.14}, "sphere": {"scale": 0.22}})
    view.zoomTo()
    view.zoom(0.8)
    body = view.write_html()  # its CDN loader is bypassed: $3Dmolpromise is set in the head
    body = re.sub(r"_(\d{8,})", "_chiapp", body)  # stable ids: the same molecule, the same HTML
    body = body.replace('{backgroundColor:"white"}', '{backgroundColor:"white",antialias:_chiappSmooth}')
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<script src='{VIEWER_SCRIPT_URL}'></script>"
        "<script>var $3Dmolpromise = window.$3Dmol ? Promise.resolve()"
        " : Promise.reject(new Error('3Dmol.js did not load'));"
        f"{_SMOOTH_IF_GPU}</script></head>"
        "<body style='margin:0;font:13px sans-serif;color:#1d2a33'>"
        f"<div style='text-align:center'>{html.escape(title)}</div>{body}</body></html>"
    )


def show_3d(smiles: str, title: str, height: int = 240) -> None:
    """Draw ``structure_3d_html`` in an iframe, or say why there is no 3D view."""
    page = structure_3d_html(smiles, title, height)
    if page is None:
        st.caption(f"No 3D conformer of {title} could be generated in time.")
    else:
        st.iframe(page, height=height + 24)


# ---------------------------------------------------------------------------------------------
# Shared input widgets: driven by the session keys above.
# ---------------------------------------------------------------------------------------------
_MODES = ("Name", "SMILES", "Draw")
_STAR_LABELS = re.compile(r"\[(?:R\d*|\*|\*:\d+)\]")


def _keep_choice(key: str, options) -> None:
    """A remembered choice that is no longer offered falls back to the first option."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]


def drawn_to_smiles(drawn: str) -> str:
    """The editor's SMILES with R-group or any-atom labels turned into the '*' ends chiapp reads."""
    return _STAR_LABELS.sub("*", drawn.strip())


def smiles_for_editor(smiles: str) -> str:
    """A SMILES the JSME editor reads: its '*' ends written as R atoms (JSME cannot read '*')."""
    return re.sub(r"\[\*(?::\d+)?\]|\*", "[R]", smiles or "")


def molecule_input(role: str, names: list[str], label: str | None = None) -> str:
    """Name, SMILES or drawing of a polymer or a solvent; returns the text to resolve."""
    label = label or role.capitalize()
    mode = st.radio(f"{label} given as", _MODES, key=f"{role}_mode", horizontal=True,
                    persist_state=PERSIST, on_change=_carry_over, args=(role,))
    if mode == "SMILES":
        example = "*CC(*)c1ccccc1 (polystyrene)" if role == "polymer" else "Cc1ccccc1 (toluene)"
        return _remember(role, st.text_input(f"{label} SMILES", key=f"{role}_smiles", persist_state=PERSIST,
                             help=f"For example {example}." + (
                                 " A polymer is its repeat unit with two '*' ends." if role == "polymer" else "")))
    if mode == "Draw":
        from streamlit_jsme import st_jsme  # the editor loads only when asked for

        hint = (" Mark the two ends of the repeat unit with R atoms (the R button)."
                if role == "polymer" else "")
        st.caption(f"Draw the {role}, then press Apply.{hint}")
        drawn = st_jsme(smiles_for_editor(st.session_state.get(f"{role}_smiles", "")), height=300,
                        key=f"{role}_jsme")
        if drawn:
            st.session_state[f"{role}_smiles"] = drawn_to_smiles(drawn)
        return _remember(role, st.session_state.get(f"{role}_smiles", ""))
    _keep_choice(f"{role}_name", names)
    return _remember(role, st.selectbox(label, names, key=f"{role}_name", persist_state=PERSIST,
                                        help="Type to search the library."))


def _remember(role: str, text: str) -> str:
    st.session_state[f"_{role}_shown"] = text
    return text


def _carry_over(role: str) -> None:
    """On a switch between name, SMILES and drawing, start from the molecule shown until now."""
    try:
        molecule = resolve(role, st.session_state.get(f"_{role}_shown", ""))
    except ChiAppError:
        return
    st.session_state[f"{role}_smiles"] = molecule.smiles
    if molecule.name:
        st.session_state[f"{role}_name"] = molecule.name


def temperature_range_input(key: str = "temperature_range_c") -> tuple[float, float]:
    """Temperature range slider [°C]."""
    low, high = st.slider("Temperature range [°C]", min_value=-50.0, max_value=300.0, step=5.0,
                          format="%.0f", key=key, persist_state=PERSIST)
    return float(low), float(high)


def temperature_grid_k(range_c: tuple[float, float], n_points: int = 61) -> tuple[float, ...]:
    """Evenly spaced temperatures [K] over a range in [°C] (a tuple: hashable for caches)."""
    low, high = range_c
    if high <= low:
        high = low + 1.0
    return tuple(float(t) for t in np.linspace(kelvin(low), kelvin(high), n_points))


# ---------------------------------------------------------------------------------------------
# Figures: plotly, temperatures shown in °C.
# ---------------------------------------------------------------------------------------------
_BAND = "rgba(31,111,139,0.18)"
_LINE = "#1f6f8b"
_CRITICAL = "#c0392b"
_PALETTE = ("#1f6f8b", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#7f8c8d", "#d4ac0d", "#2c3e50")


def _layout(figure: go.Figure, x_title: str, y_title: str, height: int = 420) -> go.Figure:
    figure.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, xaxis_title=x_title, yaxis_title=y_title,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0},
        hovermode="x unified", template="plotly_white")
    return figure


def chi_figure(prediction, chi_critical: float | None = None, band_sigmas: float = 1.0) -> go.Figure:
    """χ(T) with its ensemble band (± band_sigmas σ) and the critical χ line."""
    temperatures_c = celsius(prediction.temperatures_k)
    chi = np.asarray(prediction.chi)
    spread = band_sigmas * np.asarray(prediction.chi_std)
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi + spread, mode="lines", line={"width": 0},
                                hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi - spread, mode="lines", line={"width": 0},
                                fill="tonexty", fillcolor=_BAND, name=f"± {band_sigmas:g} σ (ensemble)",
                                hoverinfo="skip"))
    figure.add_trace(go.Scatter(x=temperatures_c, y=chi, mode="lines", line={"color": _LINE, "width": 3},
                                name="predicted χ", hovertemplate="χ = %{y:.3f}<extra></extra>"))
    if chi_critical is not None:
        figure.add_trace(go.Scatter(
            x=[temperatures_c[0], temperatures_c[-1]], y=[chi_critical, chi_critical], mode="lines",
            line={"color": _CRITICAL, "dash": "dash"}, name=f"critical χc = {chi_critical:.3f}",
            hovertemplate="χc = %{y:.3f}<extra></extra>"))
    return _layout(figure, "Temperature [°C]", "χ [-]")


def chi_curves_figure(curves: dict[str, object], criticals: dict[str, float], highlight: str | None = None) -> go.Figure:
    """χ(T) of one solvent with several polymers, each with its band and its own χc (dotted)."""
    figure = go.Figure()
    for i, (name, result) in enumerate(curves.items()):
        color = _PALETTE[i % len(_PALETTE)]
        temperatures_c = celsius(result.temperatures_k)
        chi, std = np.asarray(result.chi), np.asarray(result.chi_std)
        figure.add_trace(go.Scatter(
            x=np.concatenate([temperatures_c, temperatures_c[::-1]]),
            y=np.concatenate([chi + std, (chi - std)[::-1]]), fill="toself", line={"width": 0},
            fillcolor=color, opacity=0.15, hoverinfo="skip", showlegend=False, legendgroup=name))
        figure.add_trace(go.Scatter(
            x=temperatures_c, y=chi, mode="lines", name=name, legendgroup=name,
            line={"color": color, "width": 4 if name == highlight else 2},
            hovertemplate=f"{html.escape(name)}: χ = %{{y:.3f}}<extra></extra>"))
        if name in criticals:
            figure.add_trace(go.Scatter(
                x=[temperatures_c[0], temperatures_c[-1]], y=[criticals[name]] * 2, mode="lines",
                line={"color": color, "dash": "dot", "width": 1.5}, name=f"χc {name}", legendgroup=name,
                showlegend=False, hovertemplate=f"χc {html.escape(name)} = %{{y:.3f}}<extra></extra>"))
    return _layout(figure, "Temperature [°C]", "χ [-]")


def plotly_config(file_name: str) -> dict:
    """Plotly toolbar config whose camera button saves ``<file_name>.png`` in the browser."""
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"],
                                                     "filename": file_name}}


# ---------------------------------------------------------------------------------------------
# Cached calls into the core: keyed by strings, floats and tuples, never by Mol objects.
# ---------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner="Loading the model...")
def model():
    """The shipped ensemble, loaded once per server and shared read-only by every session."""
    return prediction.load_model()


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server, after the first page is drawn: compute the solvent library's features in the
    background, so that the first ranking or separation does not wait for them (~2 s)."""
    def work() -> None:
        try:
            ranking.rank_solvents(str(DEFAULTS["polymer_smiles"]), kelvin(25.0))
        except ChiAppError:
            pass  # the pages will show the same error with its message

    # Not a daemon: a process that ends meanwhile waits for it (~2 s) instead of killing it inside
    # RDKit's C++ code, which aborts the interpreter ("terminate called without an active exception").
    thread = threading.Thread(target=work, name="chiapp-warm-up", daemon=False)
    thread.start()
    return thread


@st.cache_data(show_spinner=False)
def polymer_names() -> list[str]:
    return list(library.polymer_names())


@st.cache_data(show_spinner=False)
def solvent_names() -> list[str]:
    return list(library.solvent_names())


@st.cache_data(show_spinner=False)
def polymer_library() -> pd.DataFrame:
    return library.polymer_library()


@st.cache_data(show_spinner=False)
def solvent_library() -> pd.DataFrame:
    return library.solvent_library()


@st.cache_data(max_entries=1024, show_spinner=False)
def resolve(role: str, text: str):
    """A library name or a SMILES as a Molecule; raises NameNotFoundError / MoleculeError."""
    return library.resolve_polymer(text) if role == "polymer" else library.resolve_solvent(text)


def display_name(molecule) -> str:
    """The library name of a molecule, or its SMILES when it has none."""
    return molecule.name or molecule.smiles


def resolve_pair(polymer_text: str, solvent_text: str):
    return resolve("polymer", polymer_text), resolve("solvent", solvent_text)


@st.cache_data(max_entries=4096, show_spinner=False)
def chi_curve(polymer_smiles: str, solvent_smiles: str, range_c: tuple[float, float]):
    """χ(T) of a pair over a temperature range [°C], as a ChiPrediction."""
    model()
    return prediction.predict_chi(polymer_smiles, solvent_smiles, temperature_grid_k(range_c))


def critical_chi(chain_length: float) -> float:
    return float(flory_huggins.critical_chi(chain_length))


def chain_length_input(key: str = "chain_length") -> float:
    """Chain length N: polymer molar volume over the solvent's [-] (sets the critical χ)."""
    return float(st.number_input(
        "Chain length N (segments)", min_value=1.0, max_value=1e6, step=100.0, format="%.0f", key=key,
        persist_state=PERSIST, help="Polymer molar volume divided by the solvent's. χc = ½(1 + 1/√N)²: "
                                    "0.5 for very long chains, 2 for N = 1. The Phase diagram page "
                                    "computes N from the molecular weight."))


# ---------------------------------------------------------------------------------------------
# Views of a result.
# ---------------------------------------------------------------------------------------------
def show_structures(polymer, solvent) -> None:
    """2D structures side by side and, when switched on, a 3D view of both."""
    show_3d_views = st.toggle("3D views", key="show_3d", persist_state=PERSIST,
                              help="Polymer as a short H-capped oligomer; drag to rotate, scroll to zoom.")
    for column, molecule in zip(st.columns(2), (polymer, solvent)):
        with column:
            st.image(structure_svg(molecule.smiles), caption=f"{display_name(molecule)}: `{molecule.smiles}`",
                     width="stretch")
            if show_3d_views:
                with st.spinner("Building a 3D conformer..."):
                    oligomer = " (oligomer)" if molecule.role == "polymer" else ""
                    show_3d(molecule.smiles, f"{display_name(molecule)}{oligomer}")


def _names(items) -> str:
    shown = []
    for item in items:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            shown.append(f"{item[0]} ({float(item[1]):.2f})")
        else:
            shown.append(str(item))
    return ", ".join(shown) or "none"


def domain_notice(result) -> None:
    """Say whether the model can be trusted here (its members agree, the temperature is in range),
    with the nearest training molecules."""
    nearest = (f"Nearest training polymers: {_names(result.nearest_polymers)}. "
               f"Nearest training solvents: {_names(result.nearest_solvents)}.")
    if result.in_domain:
        st.success(f"In the model's domain: the ensemble agrees and the temperatures are within the "
                   f"training range. {nearest}",
                   icon=":material/check_circle:")
    else:
        reasons = " ".join(f"{note[:1].upper()}{note[1:]}." if not note.endswith(".") else note
                           for note in result.domain_notes)
        st.warning(f"Out of the model's domain: treat χ as a rough guess. {reasons} {nearest}",
                   icon=":material/warning:")


def coefficient_metrics(result, chi_critical: float) -> None:
    """χ, σ and the verdict at the middle of the range, the soluble probability, then a, b, c."""
    middle = len(result.temperatures_k) // 2
    first, second, third = st.columns(3)
    first.metric(f"χ at {celsius(result.temperatures_k[middle]):.0f} °C", f"{result.chi[middle]:.3f}",
                 delta=f"{result.chi[middle] - chi_critical:+.3f} vs χc", delta_color="inverse",
                 help="Negative (green): below the critical χ, the pair mixes at every concentration.")
    second.metric("σ (ensemble spread)", f"{result.chi_std[middle]:.3f}")
    third.metric("Soluble probability", f"{result.soluble_probability:.0%}",
                 help="The model's classifier head, trained on solvent / non-solvent observations.")
    first, second, third = st.columns(3)
    first.metric("a [-]", f"{result.a:.3f}", help="χ(T) = a + b/T + c/T²")
    second.metric("b [K]", f"{result.b_k:.1f}")
    third.metric("c [K²]", f"{result.c_k2:.3g}")


def curve_table(result) -> pd.DataFrame:
    """The χ(T) curve as a table for download."""
    return pd.DataFrame({
        "polymer": result.polymer, "solvent": result.solvent,
        "temperature_k": np.asarray(result.temperatures_k),
        "temperature_c": celsius(result.temperatures_k),
        "chi": np.asarray(result.chi), "chi_std": np.asarray(result.chi_std)})


def phase_figure(band, user_point: tuple[float, float] | None = None) -> go.Figure:
    """Binodal (solid) and spinodal (dashed) in the (φ, T [°C]) plane for χ and χ ± σ, critical
    points as diamonds, the user's own mixture as a star."""
    figure = go.Figure()
    styles = ((band.lower, "χ − σ", "rgba(39,174,96,0.55)", 1.5),
              (band.upper, "χ + σ", "rgba(192,57,43,0.55)", 1.5),
              (band.central, "predicted χ", _LINE, 3.0))
    for diagram, label, color, width in styles:
        curves = diagram.curves
        two_phase = curves.dropna(subset=["phi_binodal_lean"])
        if two_phase.empty:
            continue
        for lean, rich, dash, kind in (("phi_binodal_lean", "phi_binodal_rich", "solid", "binodal"),
                                       ("phi_spinodal_low", "phi_spinodal_high", "dash", "spinodal")):
            if kind == "spinodal" and diagram is not band.central:
                continue
            for i, segment in enumerate(_segments(two_phase)):
                x = np.concatenate([segment[lean].to_numpy(), segment[rich].to_numpy()[::-1]])
                y = np.concatenate([segment["temperature_c"].to_numpy(),
                                    segment["temperature_c"].to_numpy()[::-1]])
                figure.add_trace(go.Scatter(
                    x=x, y=y, mode="lines", line={"color": color, "width": width, "dash": dash},
                    name=f"{kind}, {label}", legendgroup=f"{kind}{label}",
                    showlegend=i == 0,
                    hovertemplate="φ = %{x:.3g}, T = %{y:.1f} °C<extra>" + f"{kind}, {label}</extra>"))
    critical = band.central
    if critical.critical_temperatures_k:
        figure.add_trace(go.Scatter(
            x=[critical.critical_phi] * len(critical.critical_temperatures_k),
            y=celsius(critical.critical_temperatures_k), mode="markers", name="critical point",
            marker={"symbol": "diamond", "size": 12, "color": _CRITICAL},
            hovertemplate="critical: φc = %{x:.3g}, Tc = %{y:.1f} °C<extra></extra>"))
    if user_point is not None:
        figure.add_trace(go.Scatter(
            x=[user_point[0]], y=[user_point[1]], mode="markers", name="your mixture",
            marker={"symbol": "star", "size": 16, "color": "#f1c40f", "line": {"color": "#1d2a33", "width": 1}}))
    if band.central.curves["phi_binodal_lean"].isna().all():
        figure.add_annotation(text="one phase at every φ and T shown (no binodal)", x=0.5, y=0.5,
                              xref="paper", yref="paper", showarrow=False, font={"size": 16, "color": _LINE})
    figure.update_xaxes(range=[0, 1])
    figure.update_yaxes(range=[float(celsius(critical.t_min_k)), float(celsius(critical.t_max_k))])
    figure = _layout(figure, "Polymer volume fraction φ [-]", "Temperature [°C]", height=480)
    figure.update_layout(hovermode="closest")
    return figure


def _segments(curves: pd.DataFrame) -> list[pd.DataFrame]:
    """Runs of consecutive two-phase temperatures (an island and a lower region are separate)."""
    edges = [0, *(np.flatnonzero(np.diff(curves.index.to_numpy()) > 1) + 1), len(curves)]
    return [curves.iloc[start:stop] for start, stop in itertools.pairwise(edges) if stop > start]


# ---------------------------------------------------------------------------------------------
# Batch: the uploaded CSV, checked as a whole here; bad rows are the core's business.
# ---------------------------------------------------------------------------------------------
BATCH_COLUMNS = {
    "polymer": "library name or repeat-unit SMILES with two `*` ends, e.g. `polystyrene` or `*CC(*)c1ccccc1`",
    "solvent": "library name or SMILES, e.g. `toluene` or `Cc1ccccc1`",
    "temperature_k": "temperature [K]; or give a column `temperature_c` [°C] instead",
}
MAX_BATCH_ROWS = 20_000


def batch_template() -> pd.DataFrame:
    """A small example of the batch input, one good row per way of naming a molecule."""
    return pd.DataFrame({
        "polymer": ["polystyrene", "*CC(*)c1ccccc1", "poly(methyl methacrylate)"],
        "solvent": ["toluene", "C1CCCCC1", "acetone"],
        "temperature_k": [298.15, 308.15, 323.15],
    })


def read_pairs_csv(uploaded) -> pd.DataFrame:
    """The uploaded file as a table of polymer, solvent, temperature_k (all as given, text).

    Raises DataFileError when the file as a whole cannot be used: not UTF-8 text, not CSV, empty,
    missing a column, or too many rows.
    """
    data = uploaded.getvalue() if hasattr(uploaded, "getvalue") else bytes(uploaded)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError("the file is not UTF-8 text; save it as CSV (UTF-8)") from None
    if not text.strip():
        raise DataFileError("the file is empty; it needs a header line polymer,solvent,temperature_k "
                            "and one line per pair")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as err:
        raise DataFileError(f"the file is not a readable CSV: {str(err).strip().splitlines()[0]}") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "temperature_k" not in frame.columns and "temperature_c" in frame.columns:
        celsius_values = pd.to_numeric(frame["temperature_c"], errors="coerce")
        frame["temperature_k"] = (celsius_values + KELVIN).astype(str).where(celsius_values.notna(),
                                                                             frame["temperature_c"])
    missing = [c for c in BATCH_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFileError(f"missing column(s) {', '.join(missing)}; got {', '.join(frame.columns) or 'none'}, "
                            f"expected {', '.join(BATCH_COLUMNS)} (download the template)")
    if frame.empty:
        raise DataFileError("the file has a header but no rows")
    if len(frame) > MAX_BATCH_ROWS:
        raise DataFileError(f"{len(frame)} rows; at most {MAX_BATCH_ROWS} per file")
    return frame[list(BATCH_COLUMNS)]


def progress_reporter(bar):
    """A ``progress(done, total)`` callback that moves a ``st.progress`` bar."""
    def report(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Predicted {done} of {total} pairs")
    return report


def batch_summary(results: pd.DataFrame) -> str:
    n_bad = int(results["error"].astype(str).str.len().gt(0).sum()) if "error" in results else 0
    return f"{len(results) - n_bad} of {len(results)} rows predicted; {n_bad} with an error (see the error column)."


def batch_columns_table() -> pd.DataFrame:
    return pd.DataFrame({"column": list(BATCH_COLUMNS), "content": list(BATCH_COLUMNS.values())})


def predict_batch(pairs: pd.DataFrame, progress) -> pd.DataFrame:
    """Every row of the table predicted; rows that fail carry their reason in ``error``."""
    model()
    return prediction.predict_batch(pairs, progress=progress)


# ---------------------------------------------------------------------------------------------
# Phase diagram inputs and calls.
# ---------------------------------------------------------------------------------------------
def chain_size_inputs() -> dict:
    """Chain length given directly, or from the molecular weight and the polymer density."""
    mode = st.radio("Chain size given as", ("Molecular weight", "Chain length N"), key="chain_length_mode",
                    horizontal=True, persist_state=PERSIST)
    if mode == "Chain length N":
        return {"chain_length": chain_length_input()}
    left, right = st.columns(2)
    molecular_weight = left.number_input(
        "Molecular weight Mn [g/mol]", min_value=100.0, max_value=1e8, step=10_000.0, format="%.0f",
        key="molecular_weight_g_per_mol", persist_state=PERSIST)
    density = right.number_input(
        "Polymer density [g/cm³] (empty: library value)", min_value=0.3, max_value=3.0, step=0.01,
        key="polymer_density_g_per_cm3", persist_state=PERSIST)
    return {"molecular_weight_g_per_mol": float(molecular_weight),
            "polymer_density_g_per_cm3": None if density is None else float(density)}


def mixture_point_inputs() -> tuple[float, float]:
    """The user's own mixture: polymer volume fraction [-] and temperature [°C]."""
    left, right = st.columns(2)
    phi = left.slider("Your polymer volume fraction φ", min_value=0.01, max_value=0.99, step=0.01,
                      key="user_phi", persist_state=PERSIST)
    temperature_c = right.number_input("Your temperature [°C]", min_value=-50.0, max_value=300.0, step=5.0,
                                       key="user_temperature_c", persist_state=PERSIST)
    return float(phi), float(temperature_c)


def _chi_sigma(result) -> float:
    return float(np.median(result.chi_std))


@st.cache_data(max_entries=512, show_spinner=False)
def _phase_band(a: float, b_k: float, c_k2: float, chi_sigma: float, chain_length: float,
                range_c: tuple[float, float]):
    return flory_huggins.phase_diagram_with_band(
        a, b_k, c_k2, chi_sigma=chi_sigma, chain_length=chain_length,
        temperatures_k=np.asarray(temperature_grid_k(range_c, 121)))


def phase_band(result, chain_length: float, range_c: tuple[float, float]):
    """Phase diagrams for χ and χ ± σ (σ: median ensemble spread over the range)."""
    return _phase_band(float(result.a), float(result.b_k), float(result.c_k2), _chi_sigma(result),
                       float(chain_length), tuple(range_c))


def mixture_state(result, chain_length: float, phi: float, temperature_c: float) -> str:
    return flory_huggins.phase_state(phi, kelvin(temperature_c), float(result.a), float(result.b_k),
                                     float(result.c_k2), chain_length)


def band_caption(band, chain_length: float) -> str:
    return (f"N = {chain_length:,.0f}, χc = {band.central.critical_chi:.3f}, φc = {band.central.critical_phi:.3f}. "
            f"Solid: binodal (two phases inside); dashed: spinodal. The thin curves are the binodals for "
            f"χ ± {band.chi_sigma:.3f} (one ensemble σ): the true curve likely lies between them.")


# ---------------------------------------------------------------------------------------------
# Ranking and selective dissolution.
# ---------------------------------------------------------------------------------------------
_VERDICT_COLORS = {"good": "#27ae60", "borderline": "#e67e22", "poor": "#c0392b"}


def solvent_filters() -> dict:
    """Boiling point window, minimum flash point, CHEM21 classes to leave out, in-domain only.

    Shared by the ranking and the separation pages (same keys: the filters follow the user)."""
    with st.expander("Solvent filters (boiling point, flash point, CHEM21 class, domain)"):
        left, middle = st.columns(2)
        boiling = left.slider("Boiling point window [°C]", min_value=BOILING_POINT_SPAN_C[0],
                              max_value=BOILING_POINT_SPAN_C[1], step=5.0, format="%.0f", key="filter_boiling_point_c",
                              persist_state=PERSIST, help="The whole span keeps solvents of unknown boiling point.")
        flash = middle.number_input("Minimum flash point [°C] (empty: no limit)", min_value=-100.0,
                                    max_value=400.0, step=5.0, key="filter_min_flash_point_c",
                                    persist_state=PERSIST,
                                    help="Solvents without a tabulated flash point (most do not burn) are kept.")
        left, middle = st.columns(2)
        exclude = left.multiselect("Leave out CHEM21 classes", list(library.CHEM21_CLASSES),
                                   key="filter_exclude_classes", persist_state=PERSIST,
                                   help="CHEM21 solvent selection guide (Prat et al., Green Chem. 2016).")
        in_domain_only = middle.toggle("Only pairs inside the model's domain", key="filter_in_domain_only",
                                       persist_state=PERSIST)
    return {
        "boiling_point_c": None if tuple(boiling) == BOILING_POINT_SPAN_C else tuple(float(v) for v in boiling),
        "min_flash_point_c": None if flash is None else float(flash),
        "exclude_classes": tuple(exclude),
        "in_domain_only": bool(in_domain_only),
    }


def temperature_input(key: str, label: str = "Temperature [°C]") -> float:
    return float(st.slider(label, min_value=-50.0, max_value=300.0, step=5.0, format="%.0f", key=key,
                           persist_state=PERSIST))


@st.cache_data(max_entries=256, show_spinner=False)
def rank_solvents(polymer_smiles: str, temperature_c: float, filters: tuple) -> object:
    """``ranking.rank_solvents`` over the whole library at one temperature [°C], cached."""
    model()
    return ranking.rank_solvents(polymer_smiles, kelvin(temperature_c), **dict(filters))


def ranking_summary(result) -> str:
    counts = result.table["verdict"].value_counts()
    filtered = f"; {result.n_filtered_out} left out by the filters" if result.n_filtered_out else ""
    return (f"{len(result.table)} solvents ranked for {display_name(result.polymer)} "
            f"(Mn {result.molecular_weight_g_per_mol:,.0f} g/mol): {counts.get('good', 0)} good, "
            f"{counts.get('borderline', 0)} borderline, {counts.get('poor', 0)} poor{filtered}.")


def ranking_figure(table: pd.DataFrame, n_best: int = 25) -> go.Figure:
    """The best solvents as horizontal bars of χ − χc with the ± σ band, coloured by verdict."""
    best = table.head(n_best).iloc[::-1]
    margin = best["chi"] - best["chi_critical"]
    figure = go.Figure(go.Bar(
        x=margin, y=best["name"], orientation="h",
        marker_color=[_VERDICT_COLORS.get(v, _LINE) for v in best["verdict"]],
        error_x={"type": "data", "array": best["chi_std"], "color": "#555", "thickness": 1},
        customdata=np.stack([best["chi"], best["chi_critical"], best["verdict"]], axis=1),
        hovertemplate="%{y}: χ = %{customdata[0]:.3f}, χc = %{customdata[1]:.3f} (%{customdata[2]})<extra></extra>"))
    figure.add_vline(x=0, line={"color": _CRITICAL, "dash": "dash"})
    figure = _layout(figure, "χ − χc [-] (left of the dashed line: dissolves)", "", height=max(360, 22 * len(best)))
    figure.update_layout(hovermode="closest", showlegend=False)
    return figure


RANKING_VIEW = {
    "name": st.column_config.TextColumn("solvent"),
    "verdict": st.column_config.TextColumn("verdict"),
    "chi": st.column_config.NumberColumn("χ", format="%.3f"),
    "chi_std": st.column_config.NumberColumn("σ", format="%.3f"),
    "chi_critical": st.column_config.NumberColumn("χc", format="%.3f"),
    "soluble_probability": st.column_config.ProgressColumn("P(soluble)", min_value=0.0, max_value=1.0, format="percent"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "flash_point_c": st.column_config.NumberColumn("flash point [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "smiles": st.column_config.TextColumn("SMILES"),
}


def show_table(table: pd.DataFrame, columns: dict, key: str) -> None:
    """A sortable table of the given columns (click a header to sort)."""
    shown = [c for c in columns if c in table.columns]
    st.dataframe(table[shown], column_config=columns, hide_index=True, key=key)


def show_failures(failures: pd.DataFrame, what: str = "solvents") -> None:
    if len(failures):
        with st.expander(f"{len(failures)} {what} could not be used"):
            st.dataframe(failures, hide_index=True)


def polymer_choice(key: str, label: str, names: list[str], multiple: bool = False):
    """Library polymers by name; a repeat-unit SMILES can be typed in as a new option."""
    if multiple:
        return st.multiselect(label, names, key=key, persist_state=PERSIST, accept_new_options=True,
                              help="Type to search; a repeat-unit SMILES with two '*' ends is accepted too.")
    return st.selectbox(label, names, key=key, persist_state=PERSIST, accept_new_options=True,
                        help="Type to search; a repeat-unit SMILES with two '*' ends is accepted too.")


@st.cache_data(max_entries=128, show_spinner=False)
def select_solvents(target: str, others: tuple[str, ...], range_c: tuple[float, float], filters: tuple):
    """``ranking.select_solvents`` over the whole library and a temperature range [°C], cached."""
    model()
    return ranking.select_solvents(target, list(others), np.asarray(temperature_grid_k(range_c, 36)),
                                   **dict(filters))


def selection_summary(result) -> str:
    others = ", ".join(display_name(m) for m in result.others)
    filtered = f" ({result.n_filtered_out} left out by the filters)" if result.n_filtered_out else ""
    if result.table.empty:
        return (f"No solvent of the {result.n_screened} screened{filtered} dissolves {display_name(result.target)} "
                f"while leaving {others} undissolved in this temperature range. Try a wider range or fewer filters.")
    return (f"{len(result.table)} of {result.n_screened} solvents{filtered} dissolve {display_name(result.target)} "
            f"and leave {others} undissolved somewhere in the range; largest margin first.")


SELECTION_VIEW = {
    "name": st.column_config.TextColumn("solvent"),
    "window_low_c": st.column_config.NumberColumn("from [°C]", format="%.0f"),
    "window_high_c": st.column_config.NumberColumn("to [°C]", format="%.0f"),
    "margin": st.column_config.NumberColumn("margin (χ units)", format="%.3f"),
    "margin_std": st.column_config.NumberColumn("± σ", format="%.3f"),
    "precipitation_temperature_c": st.column_config.NumberColumn("target precipitates below [°C]", format="%.0f"),
    "chem21_class": st.column_config.TextColumn("CHEM21"),
    "boiling_point_c": st.column_config.NumberColumn("bp [°C]", format="%.0f"),
    "flash_point_c": st.column_config.NumberColumn("flash point [°C]", format="%.0f"),
    "in_domain": st.column_config.CheckboxColumn("in domain"),
    "windows": st.column_config.TextColumn("all windows"),
}
ANTISOLVENT_VIEW = {k: v for k, v in {**RANKING_VIEW, "margin": SELECTION_VIEW["margin"]}.items()
                    if k not in ("verdict", "soluble_probability")}


def solvent_against_polymers(solvent_name: str, polymers: tuple, range_c: tuple[float, float]):
    """χ(T) of one solvent with each polymer, and each pair's critical χ (library Mn and density)."""
    solvent = resolve("solvent", solvent_name)
    curves, criticals = {}, {}
    for polymer in polymers:
        name = display_name(polymer)
        curves[name] = chi_curve(polymer.smiles, solvent.smiles, range_c)
        row = library.polymer_row(polymer.smiles)
        weight = ranking.DEFAULT_MOLECULAR_WEIGHT_G_PER_MOL
        if row is not None and not pd.isna(row["molecular_weight_g_per_mol"]):
            weight = float(row["molecular_weight_g_per_mol"])
        criticals[name] = critical_chi(library.chain_length_for(polymer, solvent, molecular_weight_g_per_mol=weight))
    return curves, criticals


# ---------------------------------------------------------------------------------------------
# The model card (read from the manifest, never retyped).
# ---------------------------------------------------------------------------------------------
def model_manifest() -> dict:
    return model().manifest


def manifest_table(manifest: dict, key: str) -> pd.DataFrame | None:
    """A manifest section as a table: one row per entry; nested entries spread into columns."""
    section = manifest.get(key)
    if section is None:
        return None
    if not isinstance(section, dict):
        return pd.DataFrame({"item": [key], "value": [_plain(section)]})
    rows = [{"item": name, **value} if isinstance(value, dict) and all(not isinstance(v, (dict, list))
                                                                       for v in value.values())
            else {"item": name, "value": _plain(value)} for name, value in section.items()]
    return pd.DataFrame(rows)


def training_table(manifest: dict) -> pd.DataFrame:
    """Rows per training task and the checksum of every data file the weights were fitted on."""
    training = manifest.get("training", {})
    rows = [{"data": f"{task} rows", "value": f"{count:,}"} for task, count in training.get("rows", {}).items()]
    rows += [{"data": name, "value": f"sha256 {digest[:16]}..."}
             for name, digest in training.get("data_sha256", {}).items()]
    return pd.DataFrame(rows, columns=["data", "value"])


def benchmark_table(manifest: dict) -> pd.DataFrame | None:
    """The cross-validation figures of the manifest ('metrics'), one row per kind of split."""
    table = manifest_table(manifest, "metrics")
    if table is None:
        return None
    names = {"item": "evaluation", "r2": "R² (mean over folds)", "mae": "MAE of χ (mean over folds)",
             "r2_pooled": "R² (pooled)", "value": "value"}
    table = table.rename(columns=names)
    table["evaluation"] = table["evaluation"].str.replace("_", " ")
    return table


def domain_study_table(manifest: dict) -> pd.DataFrame | None:
    """How the in-domain thresholds were chosen and the errors inside and outside, if recorded."""
    table = manifest_table(manifest, "domain_study")
    if table is not None:
        table["item"] = table["item"].str.replace("_", " ")
    return table


def domain_table(manifest: dict) -> pd.DataFrame:
    """What 'in the model's domain' means for this model: thresholds and the temperature range."""
    domain = manifest.get("domain", {})
    rows = [{"item": "training polymers", "value": str(len(domain.get("polymers", ())))},
            {"item": "training solvents", "value": str(len(domain.get("solvents", ())))}]
    if "temperature_k" in domain:
        low, high = domain["temperature_k"]
        rows.append({"item": "training temperatures", "value": f"{celsius(low):.0f} to {celsius(high):.0f} °C"})
    rows += [{"item": name.replace("_", " "), "value": _plain(value)} for name, value in domain.items()
             if name not in ("polymers", "solvents", "temperature_k")]
    rows += [{"item": f"calibration {name.replace('_', ' ')}", "value": _plain(value)}
             for name, value in (manifest.get("calibration") or {}).items()]
    return pd.DataFrame(rows)


def _plain(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def citation(manifest: dict) -> str:
    """How to cite: the model paper, and this tool's version (from the manifest when it says)."""
    lines = [("Method: Y. Aoki et al., \"Multitask machine learning to predict polymer-solvent miscibility "
             "using Flory-Huggins interaction parameters\", Macromolecules 2023, "
             "doi:10.1021/acs.macromol.2c02600.")]
    for key in ("citation", "cite"):
        if manifest.get(key):
            lines.append(_plain(manifest[key]))
    return "\n".join(lines)
