"""Cached calls into the core: keyed by strings, floats and tuples, never by Mol objects."""

from __future__ import annotations

import contextlib
import os
import threading

import numpy as np
import pandas as pd
import streamlit as st

from chiapp import calibration, depiction, flory_huggins, isolation, library, prediction, ranking, selection
from chiapp.errors import ChiAppError, InputError
from chiapp.ui.session import DEFAULTS
from chiapp.units import kelvin, temperature_grid_k


@st.cache_resource(show_spinner="Loading the model...")
def model():
    """The shipped ensemble, loaded once per server and shared read-only by every session, with what
    the first new molecule would otherwise wait for (``chiapp.features.warm_up``)."""
    from chiapp.features import warm_up

    loaded = prediction.load_model()
    warm_up()
    return loaded


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server, after the first page is drawn: compute the solvent library's features in the
    background, so that the first ranking or separation does not wait for them (~2 s)."""
    def work() -> None:
        from chiapp.properties import load_databanks

        isolation.start()  # first: a process started from a lowered thread would inherit its priority
        with contextlib.suppress(OSError, AttributeError):  # this thread yields to the pages (Linux: per thread)
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        try:
            load_databanks()
        except Exception:  # noqa: BLE001 - a head start only: without it every lookup still works, slower
            pass
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


@st.cache_data(max_entries=1024, show_spinner=False)
def search(role: str, text: str) -> list[tuple[str, str, str]]:
    """``library.search_molecules`` (the whole ranked list), cached."""
    return library.search_molecules(text, role, None)


@st.cache_data(show_spinner=False)
def polymer_library() -> pd.DataFrame:
    return library.polymer_library()


@st.cache_data(show_spinner=False)
def solvent_library() -> pd.DataFrame:
    return library.solvent_library()


@st.cache_data(max_entries=1024, show_spinner=False)
def _resolve(role: str, text: str):
    """A molecule from outside the library is first featurized in a worker process with a time limit
    (``chiapp.isolation``), so one session's heavy molecule never holds up the others."""
    molecule = library.resolve_polymer(text) if role == "polymer" else library.resolve_solvent(text)
    if molecule.source != "library":
        isolation.check_featurizable(role, molecule.smiles)
    return molecule


def resolve(role: str, text: str):
    """A library name or a SMILES as a Molecule; raises NameNotFoundError / MoleculeError, and
    InputError for an empty drawing (Apply on an empty editor: chiapp.ui.widgets sets the flag)."""
    if not (text or "").strip() and st.session_state.get(f"_{role}_drawing_empty"):
        raise InputError(f"The drawing is empty: draw the {role} in the editor and press Apply.")
    return _resolve(role, text)


def display_name(molecule) -> str:
    """What a person calls a molecule: its grade, else its library name, else its SMILES."""
    return molecule.label


def resolve_pair(polymer_text: str, solvent_text: str):
    return resolve("polymer", polymer_text), resolve("solvent", solvent_text)


@st.cache_data(max_entries=4096, show_spinner=False)
def chi_curve(polymer: str, solvent: str, range_c: tuple[float, float], chain_length: float | None = None,
              override: tuple = ()):
    """χ(T) of a pair over a temperature range [°C], as a ChiPrediction (N: given, else the libraries').
    ``polymer`` is the text that names it, grade included (``Molecule.query``); ``solvent`` a SMILES or
    a blend's text; ``override``: (field, value) pairs of a crystalline override of the polymer."""
    model()
    return prediction.predict_chi(polymer, solvent, temperature_grid_k(range_c), chain_length=chain_length,
                                  crystalline_overrides=dict(override) or None)


def blend_curve(polymer: str, blend_text: str, range_c: tuple[float, float]):
    """χ(T) of a polymer in a blend typed as text (``chi_curve``); BlendError when the text is not a blend."""
    from chiapp.solvent_blend import parse_blend

    return chi_curve(polymer, parse_blend(blend_text).text, range_c)


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
def rank_solvents(polymer: str, temperature_c: float, filters: tuple) -> object:
    """``ranking.rank_solvents`` over the whole library at one temperature [°C], cached (``polymer``:
    ``Molecule.query``, the grade included)."""
    model()
    return ranking.rank_solvents(polymer, kelvin(temperature_c), **dict(filters))


@st.cache_data(max_entries=128, show_spinner=False)
def select_solvents(target: str, others: tuple[str, ...], range_c: tuple[float, float], filters: tuple,
                    allow_above_boiling: bool = False, target_override: tuple = ()):
    """``ranking.select_solvents`` over the whole library and a temperature range [°C], cached;
    ``target_override``: (field, value) pairs of a crystalline override of the target."""
    model()
    return selection.select_solvents(target, list(others), np.asarray(temperature_grid_k(range_c, 36)),
                                   allow_above_boiling=allow_above_boiling,
                                   crystalline_overrides={target: dict(target_override)} if target_override else None,
                                   **dict(filters))


def solvent_against_polymers(solvent_name: str, polymers: tuple, range_c: tuple[float, float],
                             target_override: tuple = ()):
    """χ(T) of one solvent with each polymer, and each pair's critical χ (of the answer's own N);
    ``target_override`` applies to the first polymer (the target)."""
    solvent = resolve("solvent", solvent_name)
    curves, criticals = {}, {}
    for i, polymer in enumerate(polymers):
        name = display_name(polymer)
        curves[name] = chi_curve(polymer.query, solvent.smiles, range_c, None, target_override if i == 0 else ())
        criticals[name] = curves[name].chi_critical
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
    """``chiapp.depiction.structure_3d_html`` in a worker process with a time limit, cached;
    None (no 3D view) when the conformer is not ready within ``isolation.VIEW_TIME_LIMIT_S``."""
    return isolation.structure_3d_html(smiles, title, height)


#: Rows of one uploaded file: a few seconds of work; larger screens belong to the command line.
MAX_BATCH_ROWS = 20_000


def read_pairs_csv(uploaded) -> pd.DataFrame:
    """``chiapp.tables.read_pairs_csv`` for an uploaded file, at most MAX_BATCH_ROWS rows."""
    from chiapp.tables import read_pairs_csv as read

    return read(uploaded, max_rows=MAX_BATCH_ROWS)


@st.cache_data(max_entries=64, show_spinner=False)
def plan_separation(polymers: tuple[str, ...], range_c: tuple[float, float], filters: tuple,
                    allow_above_boiling: bool = False, overrides: tuple = ()):
    """``separation.plan_separation`` over a temperature range [°C], cached. ``overrides``:
    (polymer, ((field, value), ...)) pairs of crystalline overrides."""
    from chiapp import separation

    model()
    options = {k: v for k, v in dict(filters).items() if k != "boiling_point_c"}
    return separation.plan_separation(list(polymers), (kelvin(range_c[0]), kelvin(range_c[1])),
                                      allow_above_boiling=allow_above_boiling,
                                      crystalline_overrides={p: dict(o) for p, o in overrides} or None, **options)


@st.cache_data(max_entries=64, show_spinner=False)
def antisolvent_dose(polymer: str, solvent: str, antisolvent: str, temperature_c: float, polymer_wt: float,
                     share: float):
    """``precipitation.antisolvent_dose`` at one temperature [°C] and polymer wt-%, cached."""
    from chiapp import precipitation

    model()
    return precipitation.antisolvent_dose(polymer, solvent, antisolvent, float(kelvin(temperature_c)),
                                          polymer_mass_fraction=polymer_wt / 100.0, share=share)


@st.cache_data(max_entries=64, show_spinner=False)
def find_blends(polymer: str, temperature_c: float, only_recommended: bool, only_nonsolvents: bool):
    """``blends.find_blends`` at one temperature [°C], cached (``polymer``: ``Molecule.query``)."""
    from chiapp import blends

    return blends.find_blends(polymer, kelvin(temperature_c), only_recommended=only_recommended,
                              only_nonsolvents=only_nonsolvents, model=model())


@st.cache_data(max_entries=128, show_spinner=False)
def polymer_compatibility(polymer_a: str, polymer_b: str, temperature_c: float,
                          chain_length_a: float | None, chain_length_b: float | None):
    """``compatibility.polymer_compatibility`` at one temperature [°C], cached."""
    from chiapp import compatibility

    return compatibility.polymer_compatibility(polymer_a, polymer_b, kelvin(temperature_c),
                                               chain_length_a=chain_length_a, chain_length_b=chain_length_b,
                                               model=model())


@st.cache_data(max_entries=32, show_spinner=False)
def brainstorm_compatibilizers(polymer_a: str, polymer_b: str, temperature_c: float):
    """``compatibility.brainstorm_compatibilizers`` at one temperature [°C], cached."""
    from chiapp import compatibility

    return compatibility.brainstorm_compatibilizers(polymer_a, polymer_b, kelvin(temperature_c), model=model())


@st.cache_data(max_entries=128, show_spinner=False)
def hansen_table(polymer: str, temperature_c: float) -> pd.DataFrame:
    """``hansen_table.hansen_side_by_side`` of the whole solvent library at one temperature [°C], cached."""
    from chiapp.hansen_table import hansen_side_by_side

    model()
    return hansen_side_by_side(polymer, None, kelvin(temperature_c))


def qc_chi(polymer_smiles: str, solvent_smiles: str, temperatures_c: tuple[float, ...], progress=None):
    """(``chiapp.quantum.qc_chi`` at a few temperatures [°C], the Hansen χ at each). Not cached here:
    σ-profiles are cached on disk, and a missing MOPAC must be reported every time."""
    from chiapp.hansen_table import hansen_side_by_side
    from chiapp.quantum import qc_chi as compute

    temperatures_k = np.asarray([kelvin(t) for t in temperatures_c])
    result = compute(polymer_smiles, solvent_smiles, temperatures_k, progress=progress)
    hansen = [float(hansen_side_by_side(polymer_smiles, [solvent_smiles], t)["hansen_chi"].iloc[0])
              for t in temperatures_k]
    return result, hansen
def calibrate(polymer_smiles: str, observations_csv: str, chi_noise: float) -> str:
    """``calibration.calibrate`` of a polymer with observations given as CSV text; the
    calibration's JSON (a string: cached by value, read back with :func:`calibrated`)."""
    model()
    from chiapp.observations import read_observations_csv

    frame = read_observations_csv(observations_csv.encode("utf-8"))
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
    """χ(T) of the model and of the calibrated polymer in one solvent, as ChiPredictions, and the
    observations of that solvent as points (``chiapp.calibration.observed_chi``)."""
    from chiapp.calibration import observed_chi

    polymer = calibrated(calibration_json)
    grid = temperature_grid_k(range_c)
    return (prediction.predict_chi(polymer.polymer, solvent_smiles, grid),
            prediction.predict_chi(polymer, solvent_smiles, grid), observed_chi(polymer, solvent_smiles))
