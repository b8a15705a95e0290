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
    BlendError,
    CalibrationError,
    ChiAppError,
    DataFileError,
    InputError,
    InvalidSmilesError,
    ModelArtifactError,
    MoleculeError,
    MopacNotFoundError,
    NameNotFoundError,
    QuantumChemistryError,
    UnsupportedMoleculeError,
    VolumeFractionError,
)

#: public name -> module that defines it
_LAZY = {
    "predict_chi": "prediction", "predict_batch": "prediction", "predict_grid": "prediction",
    "load_model": "prediction", "ChiPrediction": "prediction", "dissolution_limit": "prediction",
    "answer_grid": "answer", "answer_rows": "answer", "Answer": "answer", "RowAnswer": "answer",
    "polymer_features": "features", "solvent_features": "features",
    "phase_diagram": "flory_huggins", "PhaseDiagram": "flory_huggins",
    "resolve_polymer": "library", "resolve_solvent": "library", "Molecule": "library",
    "rank_solvents": "ranking", "select_solvents": "selection", "Ranking": "ranking", "Selection": "selection",
    "ChiModel": "model", "Coefficients": "model",
    "predict_blend_chi": "blends", "find_blends": "blends", "parse_blend": "solvent_blend", "Blend": "solvent_blend",
    "polymer_compatibility": "compatibility", "brainstorm_compatibilizers": "compatibility",
    "PolymerCompatibility": "compatibility", "CompatibilizerIdeas": "compatibility",
    "hansen_side_by_side": "hansen_table",
    "qc_chi": "quantum.chi", "QcChi": "quantum.chi",
    "crystalline_data": "crystallinity", "crystalline_limit": "crystallinity",
    "CrystallineData": "crystallinity", "CrystallineOverride": "crystallinity", "CrystallineLimit": "crystallinity",
    "plan_separation": "separation", "SeparationPlan": "separation",
    "search_molecules": "library", "pair_report_for": "report", "render_report": "report",
    "screen": "screening", "ScreenResult": "screening",
    "calibrate": "calibration", "CalibratedPolymer": "calibration", "load_calibration": "calibration",
}

__all__ = [
    "__version__", *_LAZY,
    "ChiAppError", "MoleculeError", "InvalidSmilesError", "UnsupportedMoleculeError", "NameNotFoundError",
    "InputError", "VolumeFractionError", "BlendError", "DataFileError", "ModelArtifactError", "QuantumChemistryError",
    "MopacNotFoundError", "CalibrationError",
]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ imports on demand
    from chiapp.blends import find_blends, predict_blend_chi
    from chiapp.compatibility import (
        CompatibilizerIdeas,
        PolymerCompatibility,
        brainstorm_compatibilizers,
        polymer_compatibility,
    )
    from chiapp.crystallinity import (
        CrystallineData,
        CrystallineLimit,
        CrystallineOverride,
        crystalline_data,
        crystalline_limit,
    )

if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ imports on demand
    from chiapp.answer import Answer, RowAnswer, answer_grid, answer_rows
    from chiapp.calibration import CalibratedPolymer, calibrate, load_calibration
    from chiapp.features import polymer_features, solvent_features
    from chiapp.flory_huggins import PhaseDiagram, phase_diagram
    from chiapp.hansen_table import hansen_side_by_side
    from chiapp.library import Molecule, resolve_polymer, resolve_solvent, search_molecules
    from chiapp.model import ChiModel, Coefficients
    from chiapp.prediction import ChiPrediction, dissolution_limit, load_model, predict_batch, predict_chi, predict_grid
    from chiapp.quantum.chi import QcChi, qc_chi
    from chiapp.ranking import Ranking, rank_solvents
    from chiapp.report import pair_report_for, render_report
    from chiapp.screening import ScreenResult, screen  # type: ignore[no-redef]
    from chiapp.selection import Selection, select_solvents
    from chiapp.separation import SeparationPlan, plan_separation
    from chiapp.solvent_blend import Blend, parse_blend


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'chiapp' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"chiapp.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
