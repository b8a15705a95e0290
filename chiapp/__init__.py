"""chiapp: polymer–solvent Flory–Huggins χ(T), phase diagrams and solvent selection.

>>> from chiapp import predict_chi
>>> predict_chi("polystyrene", "toluene", 298.15).chi.shape
(1,)

The public names below are imported on first use, so that ``import chiapp`` (and the command
line's ``--help``) does not load RDKit, pandas and the model before they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from chiapp._version import __version__
from chiapp.errors import (
    CalibrationError,
    ChiAppError,
    DataFileError,
    InputError,
    InvalidSmilesError,
    ModelArtifactError,
    MoleculeError,
    NameNotFoundError,
    UnsupportedMoleculeError,
    VolumeFractionError,
)

#: public name -> module that defines it
_LAZY = {
    "predict_chi": "prediction", "predict_batch": "prediction", "predict_grid": "prediction",
    "load_model": "prediction", "ChiPrediction": "prediction", "ChiGrid": "prediction",
    "phase_diagram": "flory_huggins", "PhaseDiagram": "flory_huggins",
    "resolve_polymer": "library", "resolve_solvent": "library", "Molecule": "library",
    "rank_solvents": "ranking", "select_solvents": "ranking", "Ranking": "ranking", "Selection": "ranking",
    "ChiModel": "model", "Coefficients": "model",
    "calibrate": "calibration", "CalibratedPolymer": "calibration", "load_calibration": "calibration",
}

__all__ = [
    "__version__", *_LAZY,
    "ChiAppError", "MoleculeError", "InvalidSmilesError", "UnsupportedMoleculeError", "NameNotFoundError",
    "InputError", "VolumeFractionError", "DataFileError", "ModelArtifactError", "CalibrationError",
]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ imports on demand
    from chiapp.calibration import CalibratedPolymer, calibrate, load_calibration
    from chiapp.flory_huggins import PhaseDiagram, phase_diagram
    from chiapp.library import Molecule, resolve_polymer, resolve_solvent
    from chiapp.model import ChiModel, Coefficients
    from chiapp.prediction import ChiGrid, ChiPrediction, load_model, predict_batch, predict_chi, predict_grid
    from chiapp.ranking import Ranking, Selection, rank_solvents, select_solvents


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'chiapp' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"chiapp.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
