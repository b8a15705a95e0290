"""Cached calls into the core: keyed by strings, floats and tuples, never by Mol objects."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import streamlit as st

from chiapp import calibration, depiction, flory_huggins, library, prediction, ranking
from chiapp.errors import ChiAppError
from chiapp.ui.session import DEFAULTS
from chiapp.units import kelvin, temperature_grid_k


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


def predict_batch(pairs: pd.DataFrame, progress) -> pd.DataFrame:
    """Every row of the table predicted; rows that fail carry their reason in ``error``."""
    model()
    return prediction.predict_batch(pairs, progress=progress)


def _chi_sigma(result) -> float:
    return float(np.median(result.chi_std))


@st.cache_data(max_entries=512, show_spinner=False)
def _phase_band(a: float, b_k: float, c_k2: float, chi_sigma: float, chain_length: float,
                range_c: tuple[float, float]):
    return flory_huggins.phase_diagram_with_band(
        (a, b_k, c_k2), chi_sigma=chi_sigma, chain_length=chain_length,
        temperatures_k=np.asarray(temperature_grid_k(range_c, 121)))


def phase_band(result, chain_length: float, range_c: tuple[float, float]):
    """Phase diagrams for χ and χ ± σ (σ: median ensemble spread over the range)."""
    return _phase_band(float(result.a), float(result.b_k), float(result.c_k2), _chi_sigma(result),
                       float(chain_length), (float(range_c[0]), float(range_c[1])))


def mixture_state(result, chain_length: float, phi: float, temperature_c: float) -> str:
    return flory_huggins.phase_state((float(result.a), float(result.b_k), float(result.c_k2)), phi,
                                     kelvin(temperature_c), chain_length)


@st.cache_data(max_entries=256, show_spinner=False)
def rank_solvents(polymer_smiles: str, temperature_c: float, filters: tuple) -> object:
    """``ranking.rank_solvents`` over the whole library at one temperature [°C], cached."""
    model()
    return ranking.rank_solvents(polymer_smiles, kelvin(temperature_c), **dict(filters))


@st.cache_data(max_entries=128, show_spinner=False)
def select_solvents(target: str, others: tuple[str, ...], range_c: tuple[float, float], filters: tuple):
    """``ranking.select_solvents`` over the whole library and a temperature range [°C], cached."""
    model()
    return ranking.select_solvents(target, list(others), np.asarray(temperature_grid_k(range_c, 36)),
                                   **dict(filters))


def solvent_against_polymers(solvent_name: str, polymers: tuple, range_c: tuple[float, float]):
    """χ(T) of one solvent with each polymer, and each pair's critical χ (``library.chain_length_for``)."""
    solvent = resolve("solvent", solvent_name)
    curves, criticals = {}, {}
    for polymer in polymers:
        name = display_name(polymer)
        curves[name] = chi_curve(polymer.smiles, solvent.smiles, range_c)
        criticals[name] = critical_chi(library.chain_length_for(polymer, solvent))
    return curves, criticals


def model_manifest() -> dict:
    return model().manifest


def progress_reporter(bar):
    """A ``progress(done, total)`` callback that moves a ``st.progress`` bar."""
    def report(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Predicted {done} of {total} pairs")
    return report


@st.cache_data(max_entries=512, show_spinner=False)
def structure_svg(smiles: str, width: int = 320, height: int = 220) -> str:
    """``chiapp.depiction.structure_svg``, cached."""
    return depiction.structure_svg(smiles, width, height)


@st.cache_data(max_entries=256, show_spinner=False)
def structure_3d_html(smiles: str, title: str, height: int = 240) -> str | None:
    """``chiapp.depiction.structure_3d_html``, cached."""
    return depiction.structure_3d_html(smiles, title, height)


#: Rows of one uploaded file: a few seconds of work; larger screens belong to the command line.
MAX_BATCH_ROWS = 20_000


def read_pairs_csv(uploaded) -> pd.DataFrame:
    """``chiapp.tables.read_pairs_csv`` for an uploaded file, at most MAX_BATCH_ROWS rows."""
    from chiapp.tables import read_pairs_csv as read

    return read(uploaded, max_rows=MAX_BATCH_ROWS)


@st.cache_data(max_entries=64, show_spinner=False)
def calibrate(polymer_smiles: str, observations_csv: str, chi_noise: float) -> str:
    """``calibration.calibrate`` of a polymer with observations given as CSV text; the
    calibration's JSON (a string: cached by value, read back with :func:`calibrated`)."""
    model()
    frame = calibration.read_observations_csv(observations_csv.encode("utf-8"))
    return calibration.calibrate(polymer_smiles, frame, chi_noise=chi_noise).to_json()


@st.cache_data(max_entries=64, show_spinner=False)
def calibrated(calibration_json: str):
    """A CalibratedPolymer from its JSON; refuses another model version (CalibrationError)."""
    return calibration.load_calibration(calibration_json, model=model())


@st.cache_data(max_entries=64, show_spinner=False)
def calibrated_comparison(calibration_json: str, temperature_c: float):
    """(ranking before, ranking after, side-by-side table) over the library at one temperature."""
    polymer = calibrated(calibration_json)
    before = ranking.rank_solvents(polymer.polymer, kelvin(temperature_c))
    after = ranking.rank_solvents(polymer, kelvin(temperature_c))
    return before, after, calibration.ranking_comparison(before, after)


@st.cache_data(max_entries=256, show_spinner=False)
def calibrated_curves(calibration_json: str, solvent_smiles: str, range_c: tuple[float, float]):
    """χ(T) of the model and of the calibrated polymer in one solvent, as ChiPredictions."""
    polymer = calibrated(calibration_json)
    grid = temperature_grid_k(range_c)
    return (prediction.predict_chi(polymer.polymer, solvent_smiles, grid),
            prediction.predict_chi(polymer, solvent_smiles, grid))
