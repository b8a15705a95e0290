"""One low-energy 3D conformer of a molecule: RDKit ETKDG embedding, then MMFF94 minimization.

ETKDG (Riniker & Landrum, J. Chem. Inf. Model. 55, 2562 (2015)) draws conformers from distance
geometry with experimental torsion preferences; each is minimized with MMFF94 (Halgren, J. Comput.
Chem. 17, 490 (1996); UFF, Rappé et al., J. Am. Chem. Soc. 114, 10024 (1992), where MMFF has no
parameters) and the lowest-energy one is kept. It is the starting geometry of the MOPAC run, which
then relaxes it in the conductor (:mod:`chiapp.quantum.mopac`). The seed is fixed, so a molecule
always gets the same geometry.
"""

from __future__ import annotations

from rdkit import Chem
from rdkit.Chem import AllChem

from chiapp.errors import QuantumChemistryError

__all__ = ["DEFAULT_N_CONFORMERS", "embed_conformer"]

#: Conformers drawn per molecule; the lowest force-field energy is kept.
DEFAULT_N_CONFORMERS = 8
_SEED = 20260101


def embed_conformer(mol: Chem.Mol, n_conformers: int = DEFAULT_N_CONFORMERS, seed: int = _SEED) -> Chem.Mol:
    """A copy of ``mol`` with explicit hydrogens and one 3D conformer (the lowest of ``n_conformers``).

    Atom properties (such as ``unit`` of :func:`chiapp.chemistry.capped_oligomer`) are kept; the
    added hydrogens get none. Raises QuantumChemistryError when no conformer can be embedded.

    >>> from rdkit import Chem
    >>> embed_conformer(Chem.MolFromSmiles("CCO")).GetConformer().Is3D()
    True
    """
    with_h = Chem.AddHs(mol)
    params = AllChem.ETKDGv3()
    params.randomSeed = seed
    params.numThreads = 1
    conformer_ids = list(AllChem.EmbedMultipleConfs(with_h, numConfs=n_conformers, params=params))
    if not conformer_ids:
        params.useRandomCoords = True
        conformer_ids = list(AllChem.EmbedMultipleConfs(with_h, numConfs=n_conformers, params=params))
    if not conformer_ids:
        raise QuantumChemistryError(
            f"RDKit could not embed a 3D conformer of {Chem.MolToSmiles(mol)}")
    if AllChem.MMFFHasAllMoleculeParams(with_h):
        results = AllChem.MMFFOptimizeMoleculeConfs(with_h, numThreads=1, maxIters=2000)
    else:
        results = AllChem.UFFOptimizeMoleculeConfs(with_h, numThreads=1, maxIters=2000)
    energies = [energy for _, energy in results]
    best = conformer_ids[min(range(len(energies)), key=energies.__getitem__)]
    single = Chem.Mol(with_h)
    single.RemoveAllConformers()
    single.AddConformer(Chem.Conformer(with_h.GetConformer(best)), assignId=True)
    return single
