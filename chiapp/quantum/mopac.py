"""MOPAC with COSMO: the screening charge of every surface segment of a molecule in a perfect conductor.

MOPAC (Stewart, open source since 2022, https://openmopac.net; Debian package ``mopac``) runs the
semi-empirical Hamiltonian PM6 (Stewart, J. Mol. Model. 13, 1173 (2007)) or PM7 (Stewart, J. Mol.
Model. 19, 1 (2013)) with Klamt's COSMO continuum (Klamt & Schüürmann, J. Chem. Soc. Perkin Trans. 2,
799 (1993)). The keywords used, from MOPAC's manual (openmopac.net/manual):

- ``EPS=999``: the COSMO dielectric constant; 999 stands for the conductor limit (ε → ∞) that
  COSMO-SAC's σ-profiles are defined in (Lin & Sandler, Ind. Eng. Chem. Res. 41, 899 (2002)).
- ``COSWRT``: write the COSMO surface to ``<job>.cos``: for each atom its radius and COSMO charge,
  for each surface segment its atom, position [Å], charge [e], area [Å²] and σ = charge/area [e/Å²],
  and the cavity's total area [Å²] and volume [Å³] (manual page COSWRT.html).
- ``GEO-OK``: accept the force-field geometry even when two atoms are close.
- ``THREADS=1``: one core per run (this machine's cores are shared).
- ``1SCF``: when asked (``optimize=False``), a single point on the force-field geometry instead
  of a geometry optimization in the conductor.

The executable is ``mopac`` on the PATH, or the path in the environment variable ``CHIAPP_MOPAC``,
or the ``executable`` argument; a missing one raises :class:`~chiapp.errors.MopacNotFoundError`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rdkit import Chem

from chiapp.errors import MopacNotFoundError, QuantumChemistryError

__all__ = ["METHODS", "MOPAC_ENV", "MOPAC_TIMEOUT_S", "CosmoSurface", "find_mopac", "mopac_input", "read_cos_file",
           "run_cosmo"]

#: Environment variable that points at the MOPAC executable.
MOPAC_ENV = "CHIAPP_MOPAC"
#: Semi-empirical Hamiltonians offered.
METHODS = ("PM6", "PM7")
_INSTALL_HINT = ("install MOPAC from the Debian package 'mopac' (sudo apt-get install mopac), or set "
                 f"{MOPAC_ENV} to the path of a MOPAC executable")
MOPAC_TIMEOUT_S = 1800.0


@dataclass(frozen=True)
class CosmoSurface:
    """A molecule's COSMO cavity as MOPAC writes it (arrays read-only; atoms in input order).

    Per atom: ``atomic_numbers``, ``atom_positions_a`` [Å], ``atom_radii_a`` [Å]. Per surface
    segment: ``segment_atoms`` (0-based atom index), ``segment_positions_a`` [Å],
    ``segment_charges_e`` [e], ``segment_areas_a2`` [Å²], ``segment_sigmas_e_per_a2`` [e/Å²].
    Whole cavity: ``area_a2`` [Å²] and ``volume_a3`` [Å³] as MOPAC reports them.
    """

    method: str
    atomic_numbers: np.ndarray
    atom_positions_a: np.ndarray
    atom_radii_a: np.ndarray
    segment_atoms: np.ndarray
    segment_positions_a: np.ndarray
    segment_charges_e: np.ndarray
    segment_areas_a2: np.ndarray
    segment_sigmas_e_per_a2: np.ndarray
    area_a2: float
    volume_a3: float
    heat_of_formation_kcal_per_mol: float

    def __post_init__(self):
        for name in ("atomic_numbers", "atom_positions_a", "atom_radii_a", "segment_atoms", "segment_positions_a",
                     "segment_charges_e", "segment_areas_a2", "segment_sigmas_e_per_a2"):
            getattr(self, name).flags.writeable = False

    @property
    def n_segments(self) -> int:
        return int(self.segment_atoms.size)


def find_mopac(executable: str | os.PathLike | None = None) -> str:
    """Path of the MOPAC executable: ``executable``, else $CHIAPP_MOPAC, else ``mopac`` on the PATH.

    Raises MopacNotFoundError, whose message names the Debian package ``mopac``.
    """
    wanted = executable if executable is not None else os.environ.get(MOPAC_ENV) or "mopac"
    found = shutil.which(str(wanted))
    if found is None:
        raise MopacNotFoundError(f"MOPAC executable not found ({wanted!s}); quantum-chemistry chi needs it: "
                                 f"{_INSTALL_HINT}")
    return found


def mopac_input(mol: Chem.Mol, method: str = "PM6", optimize: bool = True, title: str = "chiapp") -> str:
    """The text of a MOPAC input file for a neutral closed-shell molecule with one 3D conformer."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    keywords = [method, "EPS=999", "COSWRT", "GEO-OK", "THREADS=1", "CHARGE=0"]
    if not optimize:
        keywords.append("1SCF")
    flag = 1 if optimize else 0
    lines = [" ".join(keywords), title.replace("\n", " ")[:70], ""]
    positions = mol.GetConformer().GetPositions()
    for atom, (x, y, z) in zip(mol.GetAtoms(), positions):
        lines.append(f"{atom.GetSymbol():<2s} {x:12.6f} {flag} {y:12.6f} {flag} {z:12.6f} {flag}")
    return "\n".join(lines) + "\n"


def read_cos_file(text: str, method: str = "PM6") -> CosmoSurface:
    """Parse the ``.cos`` file MOPAC writes with COSWRT (format of MOPAC 22)."""
    lines = text.splitlines()

    def value(label: str) -> float:
        for line in lines:
            if label in line:
                return float(line.split("=")[1].split()[0])
        raise QuantumChemistryError(f"MOPAC's COSMO output has no '{label.strip()}' line")

    try:
        atom_start = next(i for i, line in enumerate(lines) if line.strip().startswith("NR. ELEM.")) + 1
        seg_header = next(i for i, line in enumerate(lines) if line.strip().startswith("SEGMENT DATA"))
    except StopIteration:
        raise QuantumChemistryError("MOPAC's COSMO output has no atom or segment table") from None
    atoms = [line.split() for line in lines[atom_start:seg_header] if line.strip()]
    segments = [line.split() for line in lines[seg_header + 2:] if line.strip()]
    try:
        atom_table = np.array([[float(v) for v in row[:7]] for row in atoms])
        seg_table = np.array([[float(v) for v in row[:9]] for row in segments])
    except ValueError as err:
        raise QuantumChemistryError(f"unreadable MOPAC COSMO output: {err}") from None
    if seg_table.ndim != 2 or seg_table.shape[0] == 0:
        raise QuantumChemistryError("MOPAC wrote no COSMO surface segments")
    return CosmoSurface(
        method=method,
        atomic_numbers=atom_table[:, 1].astype(int),
        atom_positions_a=atom_table[:, 2:5].copy(),
        atom_radii_a=atom_table[:, 5].copy(),
        segment_atoms=seg_table[:, 1].astype(int) - 1,
        segment_positions_a=seg_table[:, 3:6].copy(),
        segment_charges_e=seg_table[:, 6].copy(),
        segment_areas_a2=seg_table[:, 7].copy(),
        segment_sigmas_e_per_a2=seg_table[:, 8].copy(),
        area_a2=value("COSMO AREA"),
        volume_a3=value("COSMO VOLUME"),
        heat_of_formation_kcal_per_mol=value("FINAL HEAT OF FORMATION"),
    )


def run_cosmo(mol: Chem.Mol, method: str = "PM6", *, optimize: bool = True,
              executable: str | os.PathLike | None = None, timeout_s: float = MOPAC_TIMEOUT_S) -> CosmoSurface:
    """Run MOPAC with COSMO (conductor) on ``mol`` (explicit H, one 3D conformer); its surface.

    Raises MopacNotFoundError when MOPAC is missing and QuantumChemistryError when the run fails
    (the message quotes MOPAC's own last lines).
    """
    mopac = find_mopac(executable)
    smiles = Chem.MolToSmiles(Chem.RemoveHs(mol))
    with tempfile.TemporaryDirectory(prefix="chiapp-mopac-") as work:
        job = Path(work) / "job.mop"
        job.write_text(mopac_input(mol, method, optimize, title=smiles))
        try:
            done = subprocess.run([mopac, job.name], cwd=work, capture_output=True, text=True,
                                  timeout=timeout_s, check=False, env={**os.environ, "OMP_NUM_THREADS": "1"})
        except subprocess.TimeoutExpired:
            raise QuantumChemistryError(f"MOPAC took more than {timeout_s:.0f} s on {smiles}") from None
        except OSError as err:
            raise MopacNotFoundError(f"MOPAC could not be started ({err}); {_INSTALL_HINT}") from None
        cos = Path(work) / "job.cos"
        if done.returncode != 0 or not cos.is_file():
            out = Path(work) / "job.out"
            tail = out.read_text(errors="replace").strip().splitlines()[-6:] if out.is_file() else []
            reason = " / ".join(s.strip() for s in tail if s.strip()) or done.stderr.strip() or "no output"
            raise QuantumChemistryError(f"MOPAC failed on {smiles}: {reason}")
        surface = read_cos_file(cos.read_text(errors="replace"), method)
    expected = np.array([a.GetAtomicNum() for a in mol.GetAtoms()])
    if surface.atomic_numbers.shape != expected.shape or np.any(surface.atomic_numbers != expected):
        raise QuantumChemistryError(f"MOPAC's COSMO output does not list the atoms of {smiles} in input order")
    return surface
