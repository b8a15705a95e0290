"""chiapp: polymer–solvent Flory–Huggins χ(T), phase diagrams and solvent selection.

>>> from chiapp import predict_chi
>>> predict_chi("polystyrene", "toluene", 298.15).chi.shape
(1,)
"""

from chiapp.errors import (ChiAppError, DataFileError, InputError, InvalidSmilesError, ModelArtifactError,
                           MoleculeError, NameNotFoundError, UnsupportedMoleculeError, VolumeFractionError)
from chiapp.flory_huggins import phase_diagram
from chiapp.library import resolve_polymer, resolve_solvent
from chiapp.prediction import ChiPrediction, load_model, predict_batch, predict_chi, predict_grid
from chiapp.ranking import rank_solvents, select_solvents

__all__ = [
    "predict_chi", "predict_batch", "predict_grid", "load_model", "ChiPrediction",
    "phase_diagram", "rank_solvents", "select_solvents", "resolve_polymer", "resolve_solvent",
    "ChiAppError", "MoleculeError", "InvalidSmilesError", "UnsupportedMoleculeError", "NameNotFoundError",
    "InputError", "VolumeFractionError", "DataFileError", "ModelArtifactError",
]
