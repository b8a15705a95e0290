"""The error tree: every failure a user can cause is a ChiAppError whose str() says what is wrong.

The pages and the command line show ``str(err)`` for these and never a traceback; anything else
escaping is a bug.
"""

from __future__ import annotations

__all__ = [
    "CalibrationError",
    "ChiAppError",
    "BlendError",
    "DataFileError",
    "InputError",
    "InvalidSmilesError",
    "ModelArtifactError",
    "MoleculeError",
    "NameNotFoundError",
    "UnsupportedMoleculeError",
    "VolumeFractionError",
    "QuantumChemistryError",
    "MopacNotFoundError",
]


class ChiAppError(Exception):
    """Base of every error chiapp raises on purpose; its message is meant for the user."""


class MoleculeError(ChiAppError, ValueError):
    """A molecule the model cannot take, with the input, its role and the reason."""

    def __init__(self, reason: str, smiles: str | None = None, role: str | None = None):
        self.reason = reason
        self.smiles = smiles
        self.role = role
        who = f"{role} " if role else ""
        short = smiles if smiles is None or len(smiles) <= 60 else smiles[:57] + "..."
        shown = f" {short!r}" if smiles is not None else ""
        super().__init__(f"{who}{shown.strip()}: {reason}" if (role or smiles is not None) else reason)


class InvalidSmilesError(MoleculeError):
    """Syntax, valence or kekulization error: RDKit cannot read the SMILES."""


class UnsupportedMoleculeError(MoleculeError):
    """Readable but outside what the model takes: mixture, metal, wrong '*' count, too large."""


class NameNotFoundError(MoleculeError):
    """A name that is neither in the libraries nor a readable SMILES; carries suggestions."""

    def __init__(self, name: str, role: str | None = None, suggestions: tuple[str, ...] = ()):
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?" if suggestions else ""
        super().__init__(f"not a known name nor a valid SMILES{hint}", smiles=name, role=role)


class InputError(ChiAppError, ValueError):
    """A number or option out of range (temperature, chain length, window); names the argument."""


class VolumeFractionError(InputError):
    """A polymer volume fraction outside the open interval (0, 1)."""


class BlendError(InputError):
    """A solvent blend that cannot be used: fractions not summing to 1, negative, a solvent twice."""


class DataFileError(ChiAppError, ValueError):
    """An uploaded or given file that cannot be used as a whole (not CSV, missing columns)."""


class ModelArtifactError(ChiAppError, RuntimeError):
    """Shipped weights missing, corrupt, or not matching this code's descriptors."""


class QuantumChemistryError(ChiAppError, RuntimeError):
    """A quantum-chemistry step (conformer, MOPAC COSMO run, its output) failed for a molecule."""


class MopacNotFoundError(QuantumChemistryError):
    """The MOPAC executable is not installed or not where the setting points."""
class CalibrationError(ChiAppError, ValueError):
    """Observations that cannot calibrate a polymer, or a calibration file this model cannot use."""
