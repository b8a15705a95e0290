"""Shared input widgets, driven by the session keys of chiapp.ui.session."""

from __future__ import annotations

import streamlit as st

from chiapp import library
from chiapp.errors import ChiAppError
from chiapp.ui import editor
from chiapp.ui.editor import drawn_to_smiles, smiles_for_editor  # noqa: F401 - re-exported by chiapp.ui
from chiapp.ui.loaders import resolve, search, structure_svg
from chiapp.ui.session import BOILING_POINT_SPAN_C, PERSIST, plain

_MODES = ("Name", "SMILES", "Draw")


def _keep_choice(key: str, options) -> None:
    """A remembered choice that is no longer offered falls back to the first option."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]


_SEARCH_HELP = ("Name, abbreviation, synonym, trade name or CAS number (THF, PS, silicone, 110-54-3); "
                "exact matches come first.")


def _pick_top_hit(role: str, search_key: str, choice_key: str) -> None:
    """A new search text selects its best hit (THF -> tetrahydrofuran), as a user expects."""
    text = st.session_state.get(search_key, "")
    hits = search(role, text) if text.strip() else []
    if hits:
        st.session_state[choice_key] = hits[0][0]


def _searchable_select(role: str, label: str, names: list[str], choice_key: str, search_key: str) -> str:
    """A search box over the library (``library.search_molecules`` ranking) and the select box of its hits."""
    query = st.text_input(f"Search {role}s", key=search_key, placeholder="THF, PS, silicone, 110-54-3...",
                          help=_SEARCH_HELP, on_change=_pick_top_hit, args=(role, search_key, choice_key))
    hits = search(role, query) if query.strip() else []
    if query.strip() and not hits:
        st.caption(f"Nothing in the {role} library matches this; the whole library is listed.")
    matched = {name: how for name, _, how in hits}
    options = [name for name, _, _ in hits] or names
    _keep_choice(choice_key, options)
    return st.selectbox(label, options, key=choice_key, persist_state=PERSIST,
                        format_func=lambda name: f"{name}  ({matched[name]})" if matched.get(name) else name,
                        help="The search box above finds abbreviations, synonyms and CAS numbers too.")


def _structure_beside(text: str, role: str) -> None:
    """A small 2D drawing of the chosen molecule (nothing when it does not resolve: the page says why)."""
    try:
        molecule = resolve(role, text)
    except ChiAppError:
        return
    st.image(structure_svg(molecule.smiles, 260, 130), width="content")


def molecule_input(role: str, names: list[str], label: str | None = None, show_structure: bool = True) -> str:
    """Name (searched), SMILES or drawing of a polymer or a solvent; returns the text to resolve.

    With ``show_structure`` the chosen molecule is drawn under the picker."""
    label = label or role.capitalize()
    mode = st.radio(f"{label} given as", _MODES, key=f"{role}_mode", horizontal=True,
                    persist_state=PERSIST, on_change=_carry_over, args=(role,))
    if mode == "SMILES":
        example = "*CC(*)c1ccccc1 (polystyrene)" if role == "polymer" else "Cc1ccccc1 (toluene)"
        text = _remember(role, st.text_input(f"{label} SMILES", key=f"{role}_smiles", persist_state=PERSIST,
                             help=f"For example {example}." + (
                                 " A polymer is its repeat unit with two '*' ends." if role == "polymer" else
                                 " A blend of two or three solvents by volume fraction where the page takes one: "
                                 "ethanol:0.8+water:0.2.")))
    elif mode == "Draw":
        text = _drawing(role)
    else:
        text = _remember(role, _searchable_select(role, label, names, f"{role}_name", f"{role}_search"))
    if show_structure and text:
        _structure_beside(text, role)
    return text


#: How to draw a repeat unit in JSME, shown above the editor.
DRAW_POLYMER_HINT = ("Draw the repeat unit with one extra atom at each end, then pick **R** (left column, "
                     "under X) and click those two end atoms: each becomes R, read as a '*' end. "
                     "Then press **Apply**.")


def _drawing(role: str) -> str:
    """The JSME editor; an applied drawing becomes the SMILES, an empty one says so."""
    st.caption(DRAW_POLYMER_HINT if role == "polymer" else "Draw the solvent, then press **Apply**.")
    applied = editor.draw_molecule(st.session_state.get(f"{role}_smiles", ""), key=f"{role}_jsme")
    if applied is not None:
        st.session_state[f"_{role}_drawing_empty"] = not applied.strip()
        if applied.strip():
            st.session_state[f"{role}_smiles"] = editor.drawn_to_smiles(applied)
    if st.session_state.get(f"_{role}_drawing_empty"):
        return _remember(role, "")  # loaders.resolve says the drawing is empty, where the page shows errors
    return _remember(role, st.session_state.get(f"{role}_smiles", ""))


def _remember(role: str, text: str) -> str:
    st.session_state[f"_{role}_shown"] = text
    return text


def _carry_over(role: str) -> None:
    """On a switch between name, SMILES and drawing, start from the molecule shown until now."""
    st.session_state[f"_{role}_drawing_empty"] = False
    try:
        molecule = resolve(role, st.session_state.get(f"_{role}_shown", ""))
    except ChiAppError:
        return
    st.session_state[f"{role}_smiles"] = molecule.smiles
    if molecule.name:
        st.session_state[f"{role}_name"] = molecule.name


def temperature_range_input(key: str = "temperature_range_c") -> tuple[float, float]:
    """Temperature range slider [°C]."""
    chosen = st.slider("Temperature range [°C]", min_value=-50.0, max_value=300.0, step=5.0,
                       format="%.0f", key=key, persist_state=PERSIST)
    low, high = chosen  # type: ignore[misc]  # a range slider: its session value is a pair
    return float(low), float(high)  # type: ignore[has-type]


def _in_range(value, low: float, high: float, label: str, unit: str = "") -> float:
    """A number box's value, or a message and a stop when it is outside [low, high].

    The boxes have no min/max of their own: Streamlit would silently keep the previous value
    when one is typed outside them, and the user would see a result for a number they did not give.
    """
    if value is None or not low <= float(value) <= high:
        shown = "nothing" if value is None else f"{float(value):g}{unit}"
        st.error(plain(f"{label} must be between {low:g}{unit} and {high:g}{unit}, got {shown}"),
                 icon=":material/error:")
        st.stop()
    return float(value)


#: The chain length range of the number box (the documented cap of chiapp.flory_huggins is 1e8).
CHAIN_LENGTH_RANGE = (1.0, 1e6)


def chain_length_input(key: str = "chain_length", optional: bool = False) -> float | None:
    """Chain length N: polymer molar volume over the solvent's [-] (sets the critical χ); with
    ``optional``, empty means the pair's own N (M_n and densities from the libraries), as the
    command line and the API take it."""
    value = st.number_input(
        "Chain length N (segments)" + (" (empty: from the libraries' M_n)" if optional else ""), step=100.0,
        format="%.0f", key=key, persist_state=PERSIST,
        help="Polymer molar volume divided by the solvent's. χc = ½(1 + 1/√N)²: 0.5 for very long chains, 2 for "
             f"N = 1, between {CHAIN_LENGTH_RANGE[0]:g} and {CHAIN_LENGTH_RANGE[1]:g}. Empty: N = (M_n/ρ)/V_solvent "
             "with the libraries' typical M_n and density, as everywhere in chiapp.")
    if optional and value is None:
        return None
    return _in_range(value, *CHAIN_LENGTH_RANGE, "Chain length N")


def chain_size_inputs() -> dict:
    """Chain length given directly, or from the molecular weight and the polymer density."""
    mode = st.radio("Chain size given as", ("Molecular weight", "Chain length N"), key="chain_length_mode",
                    horizontal=True, persist_state=PERSIST)
    if mode == "Chain length N":
        return {"chain_length": chain_length_input("phase_chain_length")}
    left, right = st.columns(2)
    molecular_weight = _in_range(left.number_input(
        "Molecular weight Mn [g/mol]", step=10_000.0, format="%.0f",
        key="molecular_weight_g_per_mol", persist_state=PERSIST), 100.0, 1e8, "Molecular weight Mn", " g/mol")
    density = right.number_input(
        "Polymer density [g/cm³] (empty: library value)", step=0.01,
        key="polymer_density_g_per_cm3", persist_state=PERSIST)
    if density is not None:
        density = _in_range(density, 0.3, 3.0, "Polymer density", " g/cm³")
    return {"molecular_weight_g_per_mol": molecular_weight,
            "polymer_density_g_per_cm3": None if density is None else float(density)}


def mixture_point_inputs() -> tuple[float, float]:
    """The user's own mixture: polymer volume fraction [-] and temperature [°C]."""
    left, right = st.columns(2)
    phi = left.slider("Your polymer volume fraction φ", min_value=0.01, max_value=0.99, step=0.01,
                      key="user_phi", persist_state=PERSIST)
    temperature_c = _in_range(right.number_input("Your temperature [°C]", step=5.0, key="user_temperature_c",
                                                 persist_state=PERSIST), -50.0, 300.0, "Your temperature", " °C")
    return float(phi), temperature_c


def solvent_filters() -> dict:
    """Boiling point window, minimum flash point, CHEM21 classes to leave out, in-domain only.

    Shared by the ranking and the separation pages (same keys: the filters follow the user)."""
    with st.expander("Solvent filters (boiling point, flash point, CHEM21 class, domain)"):
        left, middle = st.columns(2)
        boiling = left.slider("Boiling point window [°C]", min_value=BOILING_POINT_SPAN_C[0],
                              max_value=BOILING_POINT_SPAN_C[1], step=5.0, format="%.0f", key="filter_boiling_point_c",
                              persist_state=PERSIST, help="The whole span keeps solvents of unknown boiling point.")
        flash = middle.number_input("Minimum flash point [°C] (empty: no limit)", step=5.0,
                                    key="filter_min_flash_point_c", persist_state=PERSIST,
                                    help="Solvents without a tabulated flash point (most do not burn) are kept.")
        if flash is not None:
            flash = _in_range(flash, -100.0, 400.0, "Minimum flash point", " °C")
        left, middle = st.columns(2)
        exclude = left.multiselect("Leave out CHEM21 classes", list(library.CHEM21_CLASSES),
                                   key="filter_exclude_classes", persist_state=PERSIST,
                                   help="CHEM21 solvent selection guide (Prat et al., Green Chem. 2016).")
        in_domain_only = middle.toggle("Only pairs inside the model's domain", key="filter_in_domain_only",
                                       persist_state=PERSIST)
    return {
        "boiling_point_c": (None if tuple(boiling) == BOILING_POINT_SPAN_C  # type: ignore[arg-type]
                            else tuple(float(v) for v in boiling)),  # type: ignore[attr-defined]
        "min_flash_point_c": None if flash is None else float(flash),
        "exclude_classes": tuple(exclude),
        "in_domain_only": bool(in_domain_only),
    }


def temperature_input(key: str, label: str = "Temperature [°C]") -> float:
    return float(st.slider(label, min_value=-50.0, max_value=300.0, step=5.0, format="%.0f", key=key,
                           persist_state=PERSIST))


def _add_top_hit(search_key: str, key: str) -> None:
    """Enter in the search box adds its best hit to a multiple choice, then empties the box."""
    text = st.session_state.get(search_key, "")
    hits = search("polymer", text) if text.strip() else []
    if hits:
        chosen = list(st.session_state.get(key) or [])
        if hits[0][0] not in chosen:
            st.session_state[key] = [*chosen, hits[0][0]]
        how = f" ({hits[0][2]})" if hits[0][2] else ""
        st.session_state[f"_{key}_added"] = f"Added {hits[0][0]}{how}."
    elif text.strip():
        st.session_state[f"_{key}_added"] = f"Nothing in the polymer library matches {text!r}."
    st.session_state[search_key] = ""


def polymer_choice(key: str, label: str, names: list[str], multiple: bool = False):
    """Library polymers found by name, abbreviation, synonym or trade name (a search box above the
    list); a repeat-unit SMILES can be typed into the list as a new option."""
    typed = "Type to filter; a repeat-unit SMILES with two '*' ends is accepted too."
    if multiple:
        st.text_input(f"Add to {label[:1].lower()}{label[1:]}", key=f"{key}_search",
                      placeholder="PE, PP, nylon 6, teflon...", help=_SEARCH_HELP + " Enter adds the best match.",
                      on_change=_add_top_hit, args=(f"{key}_search", key))
        if st.session_state.get(f"_{key}_added"):
            st.caption(st.session_state.pop(f"_{key}_added"))
        return st.multiselect(label, names, key=key, persist_state=PERSIST, accept_new_options=True, help=typed)
    query = st.text_input(f"Search for the {label.split(' (')[0].lower()}", key=f"{key}_search",
                          placeholder="PS, PMMA, plexiglas...", help=_SEARCH_HELP,
                          on_change=_pick_top_hit, args=("polymer", f"{key}_search", key))
    hits = search("polymer", query) if query.strip() else []
    options = [name for name, _, _ in hits] or list(names)
    current = st.session_state.get(key)
    if current and current not in options and current not in names:
        options = [current, *options]  # a typed repeat unit stays offered
    _keep_choice(key, options)
    chosen = st.selectbox(label, options, key=key, persist_state=PERSIST, accept_new_options=True, help=typed)
    _structure_beside(chosen, "polymer")
    return chosen


#: How the target's crystallinity is taken on the separation page.
CRYSTALLINITY_CHOICES = ("library data", "amorphous grade", "measured melting point")


def separation_options(target: str) -> tuple[bool, tuple]:
    """Pressure (windows past a solvent's boiling point) and an override of the target's crystalline
    data: (allow_above_boiling, (field, value) pairs of a ``chiapp.crystallinity.CrystallineOverride``)."""
    with st.expander("Pressure and the target's crystallinity"):
        left, right = st.columns(2)
        pressure = left.toggle("Allow temperatures above a solvent's boiling point (a pressure vessel)",
                               key="allow_above_boiling", persist_state=PERSIST,
                               help="Off: a window ends at the solvent's boiling point at 1 atm.")
        mode = right.radio("Crystallinity of the target", CRYSTALLINITY_CHOICES, key="target_override",
                           persist_state=PERSIST,
                           help="Library data: the melting point and crystallinity of the library's grade. "
                                "Amorphous grade: no crystals, χ alone decides. A measured melting point "
                                "replaces the library's.")
        override: tuple = ()
        if mode == "amorphous grade":
            override = (("crystallinity", 0.0),)
        elif mode == "measured melting point":
            melting = right.number_input("Measured melting point of the target [°C]", min_value=-50.0,
                                         max_value=500.0, step=5.0, key="target_melting_point_c",
                                         persist_state=PERSIST)
            if melting is not None:
                override = (("melting_point_c", float(melting)),)
    return bool(pressure), override
