"""The featurization the model was trained with: one fixed, named order, shared by training and app.

Polymers are described per heavy atom (intensive), computed on a cyclic trimer of the repeat
unit: the ring has no ends, so every atom sees a chain-like neighbourhood, the result does not
depend on which atom the repeat unit starts at, and a doubled repeat unit (``*CCCC*`` for
``*CC*``) gives the same numbers, except the group-contribution polar and hydrogen-bond terms,
which by the Hoftyzer–Van Krevelen construction (sqrt of a sum of squares) depend on the repeat
unit chosen: write the smallest one. χ is a per-site quantity, so intensive inputs are what it needs.
Solvents get the same intensive block plus their size, since χ scales with the solvent's volume.

A cyclic trimer (not the paper's 10-mer; more units when the backbone is short, so the big ring
is never mistaken for a small one) bounds the work per molecule: the descriptors used here
are sums of atom contributions, for which three units already give every atom its chain
environment, and canonicalization of large symmetric rings is avoided.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from rdkit import Chem
from rdkit.Chem import QED, Descriptors, Lipinski, MolSurf, rdMolDescriptors
from rdkit.Chem.EState import EState

from chiapp import hansen, properties
from chiapp.chemistry import cyclic_oligomer, parse_polymer, parse_solvent

__all__ = [
    "POLYMER_DESCRIPTOR_NAMES",
    "SOLVENT_DESCRIPTOR_NAMES",
    "hydrogen_bond_donor",
    "polymer_descriptors",
    "polymer_ring",
    "solvent_descriptors",
]

_MIN_UNITS = 3
_MIN_RING_SIZE = 12  # the trimer ring of a short backbone (*CC*: cyclohexane) would look like a small ring
_ELEMENTS = ("C", "N", "O", "F", "Si", "P", "S", "Cl", "Br", "I")

# Functional groups counted per heavy atom; SMARTS match once per group occurrence.
_GROUPS = {
    "hydroxyl": "[OX2H]",
    "ether": "[OX2;!$(O[CX3]=[O,S]);!$(O[#7,#15,#16,#14])]([#6])[#6]",
    "ketone": "[#6][CX3](=O)[#6]",
    "aldehyde": "[CX3H1](=O)",
    "ester": "[#6,#1][CX3](=O)[OX2][#6]",
    "carbonate": "[OX2][CX3](=O)[OX2]",
    "acid": "[CX3](=O)[OX2H1]",
    "amide": "[CX3](=O)[NX3]",
    "amine": "[NX3;!$(N[CX3]=[O,S]);!$(N~[!#6;!#1]);!$(Na)]",
    "aromatic_amine": "[NX3;!$(N[CX3]=[O,S])]a",
    "nitrile": "[NX1]#[CX2]",
    "nitro": "[N+](=O)[O-]",
    "alkene": "[CX3]=[CX3]",
    "aromatic_ring_atom": "a",
    "aromatic_n": "n",
    "sulfur_oxide": "[SX3,SX4]=O",
    "thioether": "[SX2]([#6])[#6]",
    "siloxane": "[Si][OX2]",
    "cf2_cf3": "[CX4](F)(F)",
    "ccl": "[CX4,c]Cl",
    "urethane": "[NX3][CX3](=O)[OX2]",
    "imide": "[CX3](=O)[NX3][CX3](=O)",
}
_GROUP_PATTERNS = {name: Chem.MolFromSmarts(s) for name, s in _GROUPS.items()}

_INTENSIVE_NAMES = (
    *(f"frac_{el}" for el in _ELEMENTS),
    "h_per_heavy",
    "mass_per_heavy",
    "logp_per_heavy",
    "mr_per_heavy",
    "tpsa_per_heavy",
    "asa_per_heavy",
    "hbd_per_heavy",
    "hba_per_heavy",
    "frac_sp3_carbon",
    "frac_small_ring",
    "rotatable_per_heavy",
    "charge_abs_per_heavy",
    *(f"{name}_per_heavy" for name in _GROUPS),
    "hansen_delta_d",
    "hansen_delta_p",
    "hansen_delta_h",
    "hansen_volume_per_heavy",
    "hansen_known",
    "hansen_measured",
)
_POLYMER_ONLY = ("backbone_frac", "backbone_ring_frac")
_SOLVENT_ONLY = ("log_heavy_atoms", "log_molar_volume", "log_mass")

# RDKit's whole-molecule 2D descriptors, for solvents only. A solvent is one small molecule, so
# they are cheap and mean what they say; on a polymer ring many depend on the ring's size, and
# the atom-additive ones per heavy atom cut leave-polymer-out R² from 0.68 to 0.55 (measured).
# Ipc and AvgIpc are left out: seconds each on a 200-atom molecule.
_RDKIT_FUNCTIONS = {name: f for name, f in Descriptors._descList if name not in ("Ipc", "AvgIpc")}
_RDKIT_NAMES = tuple(f"rdkit_{name}" for name in _RDKIT_FUNCTIONS)


def _required_elements(pattern: Chem.Mol) -> frozenset[int]:
    """The elements every match of a SMARTS query contains: each query atom that names one element, with
    no 'or', negation, recursion or wildcard in its query (any of those: no requirement from that atom).
    A molecule lacking one of them cannot match, so the search is skipped with the same answer."""
    required = set()
    for atom in pattern.GetAtoms():
        query = atom.DescribeQuery() if atom.HasQuery() else ""
        if atom.GetAtomicNum() > 0 and not any(word in query for word in ("Or", "!=", "Recursive", "Null")):
            required.add(atom.GetAtomicNum())
    return frozenset(required)


# RDKit's fr_* counts are substructure counts of one pattern each (``rdkit.Chem.Fragments``); a
# molecule without the pattern's elements counts 0 without the search (one of a solvent's costliest steps)
_FRAGMENT_ELEMENTS = {name: _required_elements(f.__defaults__[-1]) for name, f in _RDKIT_FUNCTIONS.items()
                      if name.startswith("fr_") and f.__defaults__ and isinstance(f.__defaults__[-1], Chem.Mol)}
_QED_ACCEPTORS = tuple((p, _required_elements(p)) for p in QED.Acceptors)
_GROUP_NEEDS = tuple((p, _required_elements(p)) for p in _GROUP_PATTERNS.values())
_STRICT = rdMolDescriptors.NumRotatableBondsOptions.Strict
# RDKit's NumRotatableBonds (its default definition) is the strict count QED uses, as RDKit documents:
# checked on an amide, whose C-N bond only the non-strict count takes, before reusing one for the other
_AMIDE = Chem.MolFromSmiles("CCC(=O)NCC")
_DEFAULT_IS_STRICT = (rdMolDescriptors.CalcNumRotatableBonds(_AMIDE)
                      == rdMolDescriptors.CalcNumRotatableBonds(_AMIDE, _STRICT)
                      != rdMolDescriptors.CalcNumRotatableBonds(
                          _AMIDE, rdMolDescriptors.NumRotatableBondsOptions.NonStrict))
_QED_ALERTS = tuple((p, _required_elements(p)) for p in QED.StructuralAlerts)


def _qed(mol: Chem.Mol, shared: dict[str, float], elements: frozenset[int]) -> float:
    """RDKit's QED (``rdkit.Chem.QED.qed``) from its eight properties, computed as its ``properties``
    does, with logP read from ``shared`` (the same Crippen call) and the acceptor and alert searches
    skipped where the molecule lacks a pattern's elements: the same number, to the last bit (a test)."""
    stripped = Chem.RemoveHs(mol)
    same = stripped.GetNumAtoms() == mol.GetNumAtoms() and "MolLogP" in shared
    properties_ = QED.QEDproperties(
        MW=rdMolDescriptors._CalcMolWt(stripped),
        ALOGP=shared["MolLogP"] if same else rdMolDescriptors.CalcCrippenDescriptors(stripped)[0],
        HBA=sum(len(stripped.GetSubstructMatches(p)) for p, need in _QED_ACCEPTORS
                if need <= elements and stripped.HasSubstructMatch(p)),
        HBD=rdMolDescriptors.CalcNumHBD(stripped),
        PSA=MolSurf.TPSA(stripped),
        ROTB=shared["NumRotatableBonds"] if same and _DEFAULT_IS_STRICT and "NumRotatableBonds" in shared
        else rdMolDescriptors.CalcNumRotatableBonds(stripped, _STRICT),
        AROM=len(Chem.GetSSSR(Chem.DeleteSubstructs(Chem.Mol(stripped), QED.AliphaticRings))),
        ALERTS=sum(1 for p, need in _QED_ALERTS if need <= elements and stripped.HasSubstructMatch(p)))
    return QED.qed(mol, qedProperties=properties_)

POLYMER_DESCRIPTOR_NAMES: tuple[str, ...] = _INTENSIVE_NAMES + _POLYMER_ONLY
SOLVENT_DESCRIPTOR_NAMES: tuple[str, ...] = _INTENSIVE_NAMES + _SOLVENT_ONLY + _RDKIT_NAMES
# the column that says a molecule has an O–H or N–H: RDKit's Lipinski donor count (hbd_per_heavy) misses
# water, so a solvent is read by its NH/OH count; a repeat unit has no such column, and no water to miss
_DONOR_COLUMNS = {"polymer": POLYMER_DESCRIPTOR_NAMES.index("hbd_per_heavy"),
                  "solvent": SOLVENT_DESCRIPTOR_NAMES.index("rdkit_NHOHCount")}


def hydrogen_bond_donor(x: np.ndarray, role: str) -> np.ndarray:
    """Whether each row of descriptors ``x`` (..., d) of ``role`` ('polymer' or 'solvent') donates a
    hydrogen bond (an O–H or N–H; a blend when any component does).

    >>> bool(hydrogen_bond_donor(solvent_descriptors("O"), "solvent")), bool(hydrogen_bond_donor(
    ...     polymer_descriptors("*CC(*)c1ccccc1"), "polymer"))
    (True, False)
    """
    return np.asarray(x, dtype=float)[..., _DONOR_COLUMNS[role]] > 0

# Hansen group contributions missing for a molecule: fill with a typical organic value and flag it.
_HANSEN_FILL = (17.0, 5.0, 5.0, 12.0)


def _rotatable_bonds(mol: Chem.Mol) -> int:
    """Single, non-terminal bonds outside small rings (the trimer's big ring counts as chain)."""
    ring_info = mol.GetRingInfo()
    count = 0
    for bond in mol.GetBonds():
        if bond.GetBondType() != Chem.BondType.SINGLE:
            continue
        a, b = bond.GetBeginAtom(), bond.GetEndAtom()
        if a.GetDegree() < 2 or b.GetDegree() < 2:
            continue
        if ring_info.NumBondRings(bond.GetIdx()) and ring_info.MinBondRingSize(bond.GetIdx()) <= 8:
            continue
        count += 1
    return count


def _intensive(mol: Chem.Mol, estimate: hansen.HansenEstimate, n_units: int, measured: bool = False,
               shared: dict[str, float] | None = None) -> list[float]:
    """The shared per-heavy-atom block; ``estimate`` is per ``1/n_units`` of ``mol``; ``shared`` the
    molecule's :func:`_shared_values` when already computed."""
    atoms = [a for a in (mol.GetAtomWithIdx(i) for i in range(mol.GetNumAtoms())) if a.GetAtomicNum() > 1]
    n_heavy = len(atoms)
    symbols = [a.GetSymbol() for a in atoms]
    shared = shared or _common_values(mol)
    crippen = rdMolDescriptors._CalcCrippenContribs(mol)  # heavy atoms only: not RDKit's MolLogP (which adds Hs)
    logp = sum(c[0] for c in crippen)
    mr = sum(c[1] for c in crippen)
    carbons = [a for a in atoms if a.GetSymbol() == "C"]
    ring_info = mol.GetRingInfo()
    in_small_ring = sum(1 for a in atoms
                        if ring_info.NumAtomRings(a.GetIdx()) and ring_info.MinAtomRingSize(a.GetIdx()) <= 8)
    charges = sum(abs(a.GetFormalCharge()) for a in atoms)
    values = [symbols.count(el) / n_heavy for el in _ELEMENTS]
    values += [
        sum(a.GetTotalNumHs() for a in atoms) / n_heavy,
        shared["MolWt"] / n_heavy,
        logp / n_heavy,
        mr / n_heavy,
        rdMolDescriptors.CalcTPSA(mol) / n_heavy,
        rdMolDescriptors.CalcLabuteASA(mol) / n_heavy,
        shared["NumHDonors"] / n_heavy,
        shared["NumHAcceptors"] / n_heavy,
        sum(1 for a in carbons if a.GetHybridization() == Chem.HybridizationType.SP3) / max(len(carbons), 1),
        in_small_ring / n_heavy,
        _rotatable_bonds(mol) / n_heavy,
        charges / n_heavy,
    ]
    elements = frozenset(a.GetAtomicNum() for a in atoms)
    values += [len(mol.GetSubstructMatches(p, uniquify=True, maxMatches=10_000)) / n_heavy if need <= elements
               else 0.0 for p, need in _GROUP_NEEDS]
    known = estimate.coverage >= 1.0 and math.isfinite(estimate.delta_d_mpa05)
    if known:
        volume_per_heavy = estimate.molar_volume_cm3_per_mol * n_units / n_heavy
        values += [estimate.delta_d_mpa05, estimate.delta_p_mpa05, estimate.delta_h_mpa05, volume_per_heavy, 1.0]
    else:
        values += [*_HANSEN_FILL, 0.0]
    return values + [float(measured)]


@lru_cache(maxsize=1 << 16)
def estimated_solvent_hansen(smiles: str) -> hansen.HansenEstimate:
    """The group-contribution estimate of a solvent, once per SMILES (the descriptors and the molar
    volume estimate of ``chiapp.library`` both read it)."""
    return hansen.estimate_hansen(parse_solvent(smiles))


@lru_cache(maxsize=1 << 16)
def solvent_hansen(smiles: str) -> tuple[hansen.HansenEstimate, bool]:
    """Hansen parameters and molar volume of a solvent: measured values (``chemicals`` tables,
    found by InChIKey) where they exist, else group contributions; True when measured.

    Group contributions fail for small, strongly associating molecules (water: δH 42.3 measured,
    Hansen 2007), which are exactly the common non-solvents.
    """
    mol = parse_solvent(smiles)
    estimate = estimated_solvent_hansen(smiles)
    if not properties.may_have_hansen_parameters(rdMolDescriptors.CalcMolFormula(mol)):
        return estimate, False
    cas = properties.cas_of(Chem.MolToSmiles(mol))
    deltas = properties.hansen_parameters_mpa05(cas)[0] if cas else None
    if deltas is None or cas is None:
        return estimate, False
    volume = properties.molar_volume_cm3_per_mol(cas, Descriptors.MolWt(mol))[0]
    if volume is None:
        volume = estimate.molar_volume_cm3_per_mol
    return hansen.HansenEstimate(*deltas, volume, 1.0 if math.isfinite(volume) else 0.0), True


def polymer_ring(unit: Chem.Mol) -> tuple[Chem.Mol, int, tuple[int, ...]]:
    """(cyclic oligomer, number of units, backbone atom indices of the unit) of a parsed repeat unit."""
    stars = [a.GetIdx() for a in unit.GetAtoms() if a.GetAtomicNum() == 0]
    path = tuple(Chem.GetShortestPath(unit, stars[0], stars[1])[1:-1])
    n_units = max(_MIN_UNITS, math.ceil(_MIN_RING_SIZE / len(path)))
    return cyclic_oligomer(unit, n_units), n_units, path


@lru_cache(maxsize=1024)
def polymer_ring_of(smiles: str) -> tuple[Chem.Mol, int, tuple[int, ...]]:
    """:func:`polymer_ring` of a repeat unit's SMILES, built once (the descriptors and the domain's
    fingerprint both read it)."""
    return polymer_ring(parse_polymer(smiles))


@lru_cache(maxsize=8192)
def polymer_descriptors(smiles: str) -> np.ndarray:
    """Descriptors of a polymer repeat unit, in ``POLYMER_DESCRIPTOR_NAMES`` order [float64]."""
    unit = parse_polymer(smiles)
    ring, n_units, path = polymer_ring_of(smiles)
    values = _intensive(ring, hansen.estimate_hansen(unit), n_units)
    n_heavy = unit.GetNumHeavyAtoms()
    ring_info = unit.GetRingInfo()
    values += [len(path) / n_heavy, sum(1 for i in path if ring_info.NumAtomRings(i)) / len(path)]
    out = np.asarray(values, dtype=np.float64)
    out.setflags(write=False)
    return out


def _common_values(mol: Chem.Mol) -> dict[str, float]:
    """What the intensive block and RDKit's list both read: molecular weight, H-bond donors, acceptors."""
    return {"MolWt": Descriptors.MolWt(mol), "NumHDonors": Lipinski.NumHDonors(mol),
            "NumHAcceptors": Lipinski.NumHAcceptors(mol)}


def _shared_values(mol: Chem.Mol) -> dict[str, float]:
    """RDKit descriptors that the intensive block and RDKit's list both need, or that would each redo
    one computation, computed once: the four E-state extremes from one E-state vector (cached on the
    molecule, as RDKit's ``force=0`` reads it), logP and MR from one Crippen pass, the molecular
    weight, H-bond donors and acceptors, the rotatable bonds (QED reads them too). The same numbers, to the
    last bit (a test)."""
    values = _common_values(mol)
    try:
        EState.EStateIndices(mol)
        log_p, molar_refractivity = rdMolDescriptors.CalcCrippenDescriptors(mol)
    except (ValueError, RuntimeError):
        return values  # RDKit's own functions then say what they can (the block reads 0 for a failure)
    return {**values, "MaxEStateIndex": EState.MaxEStateIndex(mol, 0),
            "MinEStateIndex": EState.MinEStateIndex(mol, 0), "MaxAbsEStateIndex": EState.MaxAbsEStateIndex(mol, 0),
            "MinAbsEStateIndex": EState.MinAbsEStateIndex(mol, 0), "MolLogP": log_p, "MolMR": molar_refractivity,
            "NumRotatableBonds": Lipinski.NumRotatableBonds(mol)}


_SPS_HYBRIDISATION = {Chem.HybridizationType.SP: 1, Chem.HybridizationType.SP2: 2, Chem.HybridizationType.SP3: 3}


def _spacial_score(mol: Chem.Mol) -> float:
    """RDKit's normalized SpacialScore (``rdkit.Chem.SpacialScore.SPS``, Krzyzanowski et al. 2023),
    computed as it does (the same integer score over the heavy atoms, so the same number to the last
    bit: a test), with the atoms read by index instead of through RDKit's slow Python atom sequence."""
    copy = Chem.Mol(mol)
    Chem.rdmolops.FindPotentialStereoBonds(copy)
    stereo = {i for i, _ in Chem.FindMolChiralCenters(copy, includeUnassigned=True, includeCIP=False,
                                                       useLegacyImplementation=False)}
    for i in range(copy.GetNumBonds()):
        bond = copy.GetBondWithIdx(i)
        if bond.GetBondType() == Chem.BondType.DOUBLE and bond.GetStereo() != Chem.BondStereo.STEREONONE:
            stereo.update((bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()))
    score = 0
    for i in range(copy.GetNumAtoms()):
        atom = copy.GetAtomWithIdx(i)
        ring = 1 if atom.GetIsAromatic() or not atom.IsInRing() else 2
        score += (_SPS_HYBRIDISATION.get(atom.GetHybridization(), 4) * (2 if i in stereo else 1) * ring
                  * atom.GetDegree() ** 2)
    return score / copy.GetNumHeavyAtoms()


def _elements(mol: Chem.Mol) -> frozenset[int]:
    """The atomic numbers of every atom of ``mol`` (read by index: RDKit's atom sequence is slow)."""
    return frozenset(mol.GetAtomWithIdx(i).GetAtomicNum() for i in range(mol.GetNumAtoms()))


def _rdkit_block(mol: Chem.Mol, shared: dict[str, float] | None = None) -> list[float]:
    """``_RDKIT_FUNCTIONS`` as sign(v)·ln(1 + |v|), so heavy tails (BertzCT, MolWt) stay in
    range after standardization; a value RDKit cannot compute reads as 0."""
    values = []
    shared = _shared_values(mol) if shared is None else shared
    elements = _elements(mol)
    for name, function in _RDKIT_FUNCTIONS.items():
        try:
            if name in shared:
                v = float(shared[name])
            elif name in _FRAGMENT_ELEMENTS and not _FRAGMENT_ELEMENTS[name] <= elements:
                v = 0.0
            elif name == "qed":
                v = _qed(mol, shared, elements)
            elif name == "SPS":
                v = _spacial_score(mol)
            else:
                v = float(function(mol))
        except (ValueError, RuntimeError, ZeroDivisionError):
            v = 0.0
        values.append(math.copysign(math.log1p(abs(v)), v) if math.isfinite(v) else 0.0)
    return values


@lru_cache(maxsize=8192)
def solvent_descriptors(smiles: str) -> np.ndarray:
    """Descriptors of a solvent molecule, in ``SOLVENT_DESCRIPTOR_NAMES`` order [float64]."""
    mol = parse_solvent(smiles)
    estimate, measured = solvent_hansen(smiles)
    shared = _shared_values(mol)
    values = _intensive(mol, estimate, 1, measured, shared)
    n_heavy = mol.GetNumHeavyAtoms()
    volume = estimate.molar_volume_cm3_per_mol
    if not (estimate.coverage >= 1.0 and math.isfinite(volume)):
        volume = _HANSEN_FILL[3] * n_heavy
    values += [math.log(n_heavy), math.log(volume), math.log(shared["MolWt"])]
    out = np.asarray(values + _rdkit_block(mol, shared), dtype=np.float64)
    out.setflags(write=False)
    return out
