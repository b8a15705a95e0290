"""Shared input widgets, driven by the session keys of chiapp.ui.session."""

from __future__ import annotations

import re

import streamlit as st

from chiapp import library
from chiapp.errors import ChiAppError
from chiapp.ui.loaders import resolve
from chiapp.ui.session import BOILING_POINT_SPAN_C, PERSIST, plain

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


def chain_length_input(key: str = "chain_length") -> float:
    """Chain length N: polymer molar volume over the solvent's [-] (sets the critical χ)."""
    return _in_range(st.number_input(
        "Chain length N (segments)", step=100.0, format="%.0f", key=key,
        persist_state=PERSIST, help="Polymer molar volume divided by the solvent's. χc = ½(1 + 1/√N)²: "
                                    "0.5 for very long chains, 2 for N = 1, between "
                                    f"{CHAIN_LENGTH_RANGE[0]:g} and {CHAIN_LENGTH_RANGE[1]:g}. The Phase "
                                    "diagram page computes N from the molecular weight."),
        *CHAIN_LENGTH_RANGE, "Chain length N")


def chain_size_inputs() -> dict:
    """Chain length given directly, or from the molecular weight and the polymer density."""
    mode = st.radio("Chain size given as", ("Molecular weight", "Chain length N"), key="chain_length_mode",
                    horizontal=True, persist_state=PERSIST)
    if mode == "Chain length N":
        return {"chain_length": chain_length_input()}
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


def polymer_choice(key: str, label: str, names: list[str], multiple: bool = False):
    """Library polymers by name; a repeat-unit SMILES can be typed in as a new option."""
    if multiple:
        return st.multiselect(label, names, key=key, persist_state=PERSIST, accept_new_options=True,
                              help="Type to search; a repeat-unit SMILES with two '*' ends is accepted too.")
    return st.selectbox(label, names, key=key, persist_state=PERSIST, accept_new_options=True,
                        help="Type to search; a repeat-unit SMILES with two '*' ends is accepted too.")
