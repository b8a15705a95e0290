"""PolySol good-solvent / non-solvent labels as (repeat unit, solvent, label) rows.

PolySol (Stubbs et al., Digital Discovery 2025; data from the Polymer Handbook) names each
homopolymer by its MONOMER SMILES. The model takes the polymer as a repeat unit with exactly two
``*`` ends (RDKit dummy atoms), so every monomer is converted here, by a small set of
chemistry rules applied with RDKit edits, or through the curated table
``training/polysol_fixes.csv``; whatever neither covers reliably is dropped with a reason.

Conversion rules, tried in this order on the monomer (the first that applies wins):

``curated``
    The polymer name is in ``polysol_fixes.csv``: its ``repeat_unit_smiles`` is used as
    written, or, when that cell is empty, the polymer is dropped with the row's ``note``.
    The table covers condensation polymers (polyesters, nylons, polycarbonate, siloxanes,
    ...), monomer SMILES that do not match the polymer name, and ambiguous mechanisms.
``vinyl``
    Exactly one non-aromatic C=C and no C#C: the C=C becomes a single
    bond and each of its carbons takes one ``*`` (styrene ``C=Cc1ccccc1`` -> ``*CC(*)c1ccccc1``).
    A C=C inside a ring is not opened (cycloolefins may polymerize by addition or by
    ring-opening metathesis) and a cumulated C=C (allene, ketene, ketenimine) is not opened.
``diene_1_4``
    Exactly two non-aromatic C=C forming a conjugated C=C-C=C outside any ring, no C#C:
    1,4-addition, the middle bond becomes the double bond (isoprene ``C=CC(=C)C`` ->
    ``*CC(C)=CC*``). Cyclic dienes (cyclopentadiene) are dropped: 1,2 or 1,4 is not given.
``alkyne``
    Exactly one C#C, not in a ring, and no C=C: the C#C becomes C=C with one ``*`` per
    carbon (acetylene -> ``*C=C*``).
``ring_opening``
    No C=C or C#C, and exactly one ring that is a ring-opening monomer: a saturated ring
    (all ring atoms sp3 except carbonyl carbons) made of C, O and N only, not fused to
    another ring, that is either a cyclic ether of 3 to 5 atoms, a cyclic acetal (O-C-O) of
    up to 8 atoms, or a ring holding an ester, amide, carbonate or anhydride link (a lactone,
    lactam, cyclic carbonate or cyclic oligoester of any size). The ring is opened at the
    bond between a ring heteroatom (O or N) and a ring carbon that is NOT a carbonyl carbon,
    so the acyl-heteroatom link stays whole; both atoms of the broken bond take one ``*``.
    When several such bonds exist the one whose carbon carries the most hydrogens is
    broken, ties going to the lowest heteroatom then carbon index in the canonical atom
    ranking. Examples: ethylene oxide -> ``*CCO*``, THF -> ``*CCCCO*``,
    epsilon-caprolactone -> ``*CCCCCC(=O)O*``, caprolactam -> ``*CCCCCC(=O)N*``.
``aldehyde``
    No C=C or C#C, no ring-opening group, a molecule of C, H and halogens besides exactly one
    aliphatic aldehyde C(=O)H (its carbon bonded to H or sp3 carbon only): the polyacetal,
    C=O becomes C-O with one ``*`` on the carbon and one on the oxygen
    (formaldehyde -> ``*CO*``, acetaldehyde -> ``*C(C)O*``).
``ab_condensation``
    No C=C or C#C, no ring-opening group, no aldehyde, exactly one carboxylic acid and
    exactly one other OH or NH2 on an sp3 carbon (a hydroxy acid or an amino acid): the
    polyester or polyamide in the same frame as ``ring_opening`` (the ester or amide link
    whole, ``*`` on the heteroatom and on the carbon that carried the OH or NH2): lactic acid
    -> ``*C(C)C(=O)O*``, 6-aminohexanoic acid -> ``*CCCCCC(=O)N*``.

A C=C (or C#C) together with a ring-opening group goes to ``vinyl`` (N-vinylpyrrolidone
keeps its lactam ring) unless that ring has 3 or 4 atoms (a vinyl epoxide or beta-lactone could
open either way): then it is dropped as ambiguous.

Anything else (several C=C that are not one conjugated diene, e.g. a divinyl crosslinker;
dialdehydes; monomers given as one half of a
condensation pair; radicals and ions) is dropped with a reason.

The same polymer can come out in different frames (``*CCCCCC(=O)O*`` and ``*OCCCCCC(*)=O`` are
one chain); this module writes one frame per rule but does not make frames canonical.

Solvents: every distinct solvent name is looked up in the offline ``chemicals`` database
(lower-cased, trailing commas dropped) and compared with the given SMILES, both canonical and
stereo-free. A short table of decisions in this module (``SOLVENT_NAME_DECISIONS``) says, for
each name where the two disagree or the name is not one compound, whether the database
structure (or a stated one) replaces the given SMILES or the name is dropped; a disagreement
that no decision covers drops the name, so a new one never passes silently. Mixtures (``.``),
ions and radicals are dropped.

Duplicates are found on (polymer SMILES, solvent SMILES): identical labels keep the first row,
conflicting labels drop every row of the pair.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType

import pandas as pd
from rdkit import Chem, RDLogger

from chiapp.errors import DataFileError

__all__ = [
    "FIXES_FILE",
    "POLYSOL_FILE",
    "SOLVENT_NAME_DECISIONS",
    "PolySolReport",
    "RepeatUnitConversion",
    "SolventDecision",
    "load_polysol",
    "load_polysol_fixes",
    "monomer_to_repeat_unit",
    "polysol_report",
]

POLYSOL_FILE = Path("polysol") / "polysol_homopolymers.csv"
"""Location of the PolySol table inside the data directory."""

FIXES_FILE = Path(__file__).with_name("polysol_fixes.csv")
"""The curated polymer-name -> repeat-unit table (empty repeat unit = drop, note = reason)."""

_COLUMNS_IN = ("polymer", "mono_name", "mono_smiles", "solvent", "solvent_smiles", "solvent_characteristic")
_COLUMNS_OUT = ["polymer_name", "polymer_smiles", "solvent_name", "solvent_smiles", "soluble"]

# Solvent names where the given SMILES and the name disagree, or the name is not one compound.
# action "fix": use `smiles` (the database structure unless stated); "drop": drop every row.
SOLVENT_NAME_DECISIONS: Mapping[str, tuple[str, str | None, str]] = MappingProxyType({
    "furfurol": ("fix", "O=Cc1ccco1",
                 "furfurol is furfural (2-furaldehyde); the given SMILES is furfuryl alcohol"),
    "trifluoroethanol": ("fix", "OCC(F)(F)F",
                         "2,2,2-trifluoroethanol; the given 1,1,2-isomer is not the common solvent"),
    "isooctane": ("fix", "CC(C)CC(C)(C)C",
                  "isooctane is 2,2,4-trimethylpentane; the given SMILES is 2-methylheptane"),
    "isobutyl phthalate": ("fix", "CC(C)COC(=O)c1ccccc1C(=O)OCC(C)C",
                           "diisobutyl phthalate; the given SMILES is a mono-ester anion"),
    "dimethyl phosphite": ("fix", "CO[PH](=O)OC",
                           "dimethyl phosphite, neutral H-phosphonate form; the given SMILES is an "
                           "anion and the database form is charged"),
    "n-methyl-2-pyrrolidone": ("keep", None, "given SMILES is NMP (the mixed-case name hits an "
                               "unrelated database entry; the lower-case name agrees)"),
    "xylene": ("drop", None, "xylene is an isomer mixture; given p-, database o-xylene"),
    "cresol": ("drop", None, "cresol without locant is an isomer mixture"),
    "cresols": ("drop", None, "isomer mixture"),
    "tricresyl phosphate": ("drop", None, "commercial tricresyl phosphate is an isomer mixture; "
                            "given p-, database o-isomer"),
    "hexanes": ("drop", None, "isomer mixture"),
    "dichlorobenzene": ("drop", None, "no locant; given 1,2-, database 1,4-isomer"),
    "dichloroethane": ("drop", None, "no locant; given 1,1-, database 1,2-isomer"),
    "dichloroethylene": ("drop", None, "no locant; given 1,1-isomer, database resolves to "
                         "1,2-dichloroethane"),
    "dimethoxyethane": ("drop", None, "no locant; given 1,1-, database 1,2-isomer"),
    "tetrachloroethane": ("drop", None, "no locant; given 1,1,1,2-, the usual solvent is 1,1,2,2-"),
    "hexafluoropropanol": ("drop", None, "isomer not stated; given 1,1,2,2,3,3-hexafluoropropan-1-ol, "
                           "the usual solvent is HFIP (listed under its own name)"),
    "trifluoropropanol": ("drop", None, "isomer not stated; given 1,1,2-trifluoropropan-1-ol"),
    "1,2,3-trifluoropentachloropentane": ("drop", None, "chlorine locants not stated; given "
                                          "SMILES has fluorines on C3, C4, C5"),
    "dimethyloxamide": ("drop", None, "N,N- or N,N'-dimethyloxamide not stated"),
    "alcohols": ("drop", None, "a class of solvents, not one compound (given ethanol)"),
    "phenols": ("drop", None, "a class of solvents, not one compound"),
    "nitrophenols": ("drop", None, "a class of solvents, not one compound"),
    "glycol ether": ("drop", None, "a class of solvents (glycol ethers), not one compound"),
    "hypochlorite solutions": ("drop", None, "an ionic aqueous solution, not a molecular solvent"),
})


@dataclass(frozen=True)
class RepeatUnitConversion:
    """Outcome of converting one monomer: a repeat unit, or the reason there is none.

    ``rule`` names the rule that produced ``repeat_unit_smiles`` (see the module docstring);
    when ``repeat_unit_smiles`` is None, ``drop_reason`` is a short code and ``detail`` says why.
    """

    repeat_unit_smiles: str | None
    rule: str | None
    drop_reason: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class SolventDecision:
    """What was done with one distinct solvent name [-].

    ``action`` is "keep" (given SMILES used), "fix" (``smiles_used`` replaces the given one) or
    "drop"; ``database_smiles`` is the canonical structure the name resolves to, or None.
    """

    name: str
    given_smiles: str
    database_smiles: str | None
    action: str
    smiles_used: str | None
    n_rows: int
    note: str


@dataclass(frozen=True)
class PolySolReport:
    """Counts of one PolySol conversion; ``n_rows_read == n_rows_kept + sum(n_rows_dropped.values())``."""

    n_rows_read: int
    n_rows_kept: int
    n_polymers_read: int
    n_polymers_kept: int
    n_solvents_kept: int
    n_rows_dropped: Mapping[str, int]
    n_rows_by_rule: Mapping[str, int]
    n_solvent_names_fixed: int
    n_solvent_rows_fixed: int
    n_solvent_names_dropped: int
    n_solvent_rows_dropped: int
    solvent_decisions: tuple[SolventDecision, ...] = field(repr=False)
    dropped_polymers: tuple[tuple[str, str, str, str], ...] = field(repr=False)


# --------------------------------------------------------------------------- molecules


def _mol(smiles: str) -> Chem.Mol | None:
    RDLogger.DisableLog("rdApp.*")
    try:
        return Chem.MolFromSmiles(smiles)
    finally:
        RDLogger.EnableLog("rdApp.*")


def _canonical(smiles: str, *, stereo: bool = True) -> str | None:
    mol = _mol(smiles)
    if mol is None:
        return None
    if not stereo:
        Chem.RemoveStereochemistry(mol)
    return Chem.MolToSmiles(mol)


def _net_charge(mol: Chem.Mol) -> int:
    return sum(atom.GetFormalCharge() for atom in mol.GetAtoms())


def _n_radicals(mol: Chem.Mol) -> int:
    return sum(atom.GetNumRadicalElectrons() for atom in mol.GetAtoms())


def _take_h(atom: Chem.Atom) -> None:
    """Let ``atom`` lose one hydrogen to a new bond (explicit-H atoms keep their count right)."""
    if atom.GetNumExplicitHs() > 0:
        atom.SetNumExplicitHs(atom.GetNumExplicitHs() - 1)


def _add_star(rw: Chem.RWMol, atom_idx: int) -> None:
    _take_h(rw.GetAtomWithIdx(atom_idx))
    star = rw.AddAtom(Chem.Atom(0))
    rw.AddBond(atom_idx, star, Chem.BondType.SINGLE)


def _finish(rw: Chem.RWMol) -> str | None:
    mol = rw.GetMol()
    try:
        Chem.SanitizeMol(mol)
    except Exception:  # noqa: BLE001 - RDKit raises several unrelated types
        return None
    smiles = Chem.MolToSmiles(mol)
    return smiles if _is_repeat_unit(smiles) else None


def _is_repeat_unit(smiles: str) -> bool:
    """True when ``smiles`` parses, has exactly two ``*`` each with one neighbour, and no charge."""
    mol = _mol(smiles)
    if mol is None:
        return False
    stars = [a for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    return (
        len(stars) == 2
        and all(a.GetDegree() == 1 for a in stars)
        and "." not in smiles
        and _n_radicals(mol) == 0
    )


def _is_cc_double(bond: Chem.Bond) -> bool:
    return (
        bond.GetBondType() == Chem.BondType.DOUBLE
        and not bond.GetIsAromatic()
        and bond.GetBeginAtom().GetAtomicNum() == 6
        and bond.GetEndAtom().GetAtomicNum() == 6
    )


def _is_cc_triple(bond: Chem.Bond) -> bool:
    return (
        bond.GetBondType() == Chem.BondType.TRIPLE
        and bond.GetBeginAtom().GetAtomicNum() == 6
        and bond.GetEndAtom().GetAtomicNum() == 6
    )


def _n_double_bonds(atom: Chem.Atom) -> int:
    return sum(1 for b in atom.GetBonds() if b.GetBondType() == Chem.BondType.DOUBLE)


def _is_carbonyl_carbon(atom: Chem.Atom) -> bool:
    return atom.GetAtomicNum() == 6 and any(
        b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(atom).GetAtomicNum() == 8
        for b in atom.GetBonds()
    )


def _ring_opening_rings(mol: Chem.Mol) -> list[tuple[int, ...]]:
    """Rings of ``mol`` that are ring-opening monomers (see ``ring_opening`` in the docstring)."""
    info = mol.GetRingInfo()
    found = []
    for ring in info.AtomRings():
        atoms = [mol.GetAtomWithIdx(i) for i in ring]
        if any(a.GetAtomicNum() not in (6, 7, 8) or a.GetIsAromatic() for a in atoms):
            continue
        if any(info.NumAtomRings(i) != 1 for i in ring):
            continue  # fused or spiro: not a simple ring-opening monomer
        if any(a.GetAtomicNum() == 6 and a.GetHybridization() != Chem.HybridizationType.SP3
               and not _is_carbonyl_carbon(a) for a in atoms):
            continue
        if any(a.GetAtomicNum() != 6 and _n_double_bonds(a) > 0 for a in atoms):
            continue
        ring_set = set(ring)
        hetero = [a for a in atoms if a.GetAtomicNum() in (7, 8)]
        if not hetero:
            continue
        acyl_link = any(
            _is_carbonyl_carbon(n) and n.GetIdx() in ring_set
            for h in hetero for n in h.GetNeighbors()
        )
        all_ether = all(a.GetAtomicNum() == 8 for a in hetero) and not any(
            _is_carbonyl_carbon(a) for a in atoms
        )
        acetal = all_ether and any(
            sum(1 for n in a.GetNeighbors() if n.GetAtomicNum() == 8 and n.GetIdx() in ring_set) == 2
            for a in atoms if a.GetAtomicNum() == 6
        )
        if acyl_link or (all_ether and len(ring) <= 5) or (acetal and len(ring) <= 8):
            found.append(tuple(ring))
    return found


def _open_ring(mol: Chem.Mol, ring: tuple[int, ...]) -> str | None:
    ring_set = set(ring)
    ranks = list(Chem.CanonicalRankAtoms(mol))
    candidates = []
    for idx in ring:
        hetero = mol.GetAtomWithIdx(idx)
        if hetero.GetAtomicNum() not in (7, 8):
            continue
        for carbon in hetero.GetNeighbors():
            if carbon.GetIdx() in ring_set and carbon.GetAtomicNum() == 6 and not _is_carbonyl_carbon(carbon):
                candidates.append((-carbon.GetTotalNumHs(), ranks[hetero.GetIdx()], ranks[carbon.GetIdx()],
                                   hetero.GetIdx(), carbon.GetIdx()))
    if not candidates:
        return None
    *_, h_idx, c_idx = min(candidates)
    rw = Chem.RWMol(mol)
    rw.RemoveBond(h_idx, c_idx)
    _add_star(rw, h_idx)
    _add_star(rw, c_idx)
    return _finish(rw)


def _open_double(mol: Chem.Mol, bond: Chem.Bond) -> str | None:
    rw = Chem.RWMol(mol)
    a, b = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
    rw.GetBondBetweenAtoms(a, b).SetBondType(Chem.BondType.SINGLE)
    rw.GetBondBetweenAtoms(a, b).SetStereo(Chem.BondStereo.STEREONONE)
    _add_star(rw, a)
    _add_star(rw, b)
    return _finish(rw)


def _diene_1_4(mol: Chem.Mol, first: Chem.Bond, second: Chem.Bond) -> str | None:
    shared = {first.GetBeginAtomIdx(), first.GetEndAtomIdx()}
    middle = None
    for end in (second.GetBeginAtomIdx(), second.GetEndAtomIdx()):
        for nb in mol.GetAtomWithIdx(end).GetNeighbors():
            if nb.GetIdx() in shared:
                middle = (nb.GetIdx(), end)
    if middle is None:
        return None
    c2, c3 = middle
    c1 = first.GetOtherAtomIdx(c2)
    c4 = second.GetOtherAtomIdx(c3)
    rw = Chem.RWMol(mol)
    for x, y, kind in ((c1, c2, Chem.BondType.SINGLE), (c2, c3, Chem.BondType.DOUBLE),
                       (c3, c4, Chem.BondType.SINGLE)):
        bond = rw.GetBondBetweenAtoms(x, y)
        bond.SetBondType(kind)
        bond.SetStereo(Chem.BondStereo.STEREONONE)
    _add_star(rw, c1)
    _add_star(rw, c4)
    return _finish(rw)


def _aldehyde_groups(mol: Chem.Mol) -> list[tuple[int, int]]:
    """Aliphatic aldehyde groups (carbon, oxygen) of a molecule made only of C, H, halogens and them."""
    n_oxygens = sum(1 for a in mol.GetAtoms() if a.GetAtomicNum() == 8)
    if any(a.GetAtomicNum() not in (6, 8, 9, 17, 35, 53) for a in mol.GetAtoms()):
        return []
    groups = []
    for bond in mol.GetBonds():
        if bond.GetBondType() != Chem.BondType.DOUBLE:
            continue
        for c, o in ((bond.GetBeginAtom(), bond.GetEndAtom()), (bond.GetEndAtom(), bond.GetBeginAtom())):
            if (c.GetAtomicNum() == 6 and o.GetAtomicNum() == 8 and o.GetDegree() == 1
                    and c.GetTotalNumHs() >= 1 and not c.IsInRing()
                    and all(n.GetAtomicNum() == 6 and n.GetHybridization() == Chem.HybridizationType.SP3
                            for n in c.GetNeighbors() if n.GetIdx() != o.GetIdx())):
                groups.append((c.GetIdx(), o.GetIdx()))
    return groups if len(groups) == n_oxygens else []


_ACID = Chem.MolFromSmarts("[CX3](=O)[OX2H1]")
_HYDROXY_OR_AMINO = Chem.MolFromSmarts("[CX4][$([OX2H1]),$([NX3H2])]")


def _ab_condensation(mol: Chem.Mol) -> str | None:
    acids = mol.GetSubstructMatches(_ACID)
    partners = mol.GetSubstructMatches(_HYDROXY_OR_AMINO)
    if len(acids) != 1 or len(partners) != 1:
        return None
    _, _, acid_o = acids[0]
    carbon, hetero = partners[0]
    rw = Chem.RWMol(mol)
    element = rw.GetAtomWithIdx(hetero).GetAtomicNum()
    rw.GetAtomWithIdx(acid_o).SetAtomicNum(element)  # the acid OH becomes the link O or NH
    rw.RemoveBond(carbon, hetero)
    _add_star(rw, carbon)
    _add_star(rw, acid_o)
    rw.RemoveAtom(hetero)
    return _finish(rw)


def monomer_to_repeat_unit(monomer_smiles: str) -> RepeatUnitConversion:
    """Convert one monomer SMILES to a repeat unit with two ``*`` ends by the rules above.

    Only the structure rules are applied here; the curated table by polymer name is applied
    by :func:`load_polysol` before these rules.

    >>> monomer_to_repeat_unit("C=Cc1ccccc1").repeat_unit_smiles
    '*CC(*)c1ccccc1'
    >>> monomer_to_repeat_unit("C=CC(=C)C").repeat_unit_smiles  # isoprene, 1,4
    '*CC=C(C)C*'
    """
    mol = _mol(monomer_smiles)
    if mol is None:
        return RepeatUnitConversion(None, None, "monomer_unreadable", "RDKit cannot parse the monomer SMILES")
    if "." in monomer_smiles or _n_radicals(mol) or _net_charge(mol) or any(
        a.GetFormalCharge() for a in mol.GetAtoms() if a.GetAtomicNum() not in (7, 8)
    ):
        return RepeatUnitConversion(None, None, "monomer_not_neutral_molecule",
                                    "monomer is a radical, ion or mixture")
    doubles = [b for b in mol.GetBonds() if _is_cc_double(b)]
    triples = [b for b in mol.GetBonds() if _is_cc_triple(b)]
    rings = _ring_opening_rings(mol)
    cumulated = [b for b in doubles
                 if _n_double_bonds(b.GetBeginAtom()) > 1 or _n_double_bonds(b.GetEndAtom()) > 1]

    if (doubles or triples) and any(len(ring) <= 4 for ring in rings):
        return RepeatUnitConversion(None, None, "ambiguous_mechanism",
                                    "C=C or C#C together with a strained (3- or 4-membered) "
                                    "ring-opening ring")
    if cumulated:
        return RepeatUnitConversion(None, None, "cumulated_double_bond",
                                    "allene, ketene or ketenimine C=C: mode of enchainment not given")
    if triples:
        if len(triples) == 1 and not doubles and not triples[0].IsInRing():
            bond = triples[0]
            rw = Chem.RWMol(mol)
            a, b = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
            rw.GetBondBetweenAtoms(a, b).SetBondType(Chem.BondType.DOUBLE)
            _add_star(rw, a)
            _add_star(rw, b)
            smiles = _finish(rw)
            if smiles:
                return RepeatUnitConversion(smiles, "alkyne")
        return RepeatUnitConversion(None, None, "polyunsaturated",
                                    "more than one C#C, or C#C with C=C")
    if len(doubles) == 1:
        bond = doubles[0]
        if bond.IsInRing():
            return RepeatUnitConversion(None, None, "cyclic_olefin",
                                        "C=C in a ring: addition or ring-opening metathesis not given")
        smiles = _open_double(mol, bond)
        if smiles:
            return RepeatUnitConversion(smiles, "vinyl")
        return RepeatUnitConversion(None, None, "rule_failed", "vinyl opening gave no valid repeat unit")
    if len(doubles) == 2:
        first, second = doubles
        atoms_1 = {first.GetBeginAtomIdx(), first.GetEndAtomIdx()}
        atoms_2 = {second.GetBeginAtomIdx(), second.GetEndAtomIdx()}
        conjugated = any(
            mol.GetBondBetweenAtoms(x, y) is not None for x in atoms_1 for y in atoms_2
        )
        if conjugated and (first.IsInRing() or second.IsInRing()):
            return RepeatUnitConversion(None, None, "cyclic_diene",
                                        "diene C=C in a ring: 1,2- or 1,4-enchainment not given")
        if conjugated:
            smiles = _diene_1_4(mol, first, second)
            if smiles:
                return RepeatUnitConversion(smiles, "diene_1_4")
            return RepeatUnitConversion(None, None, "rule_failed", "1,4-addition gave no valid repeat unit")
        return RepeatUnitConversion(None, None, "nonconjugated_polyene",
                                    "two C=C that are not a conjugated diene (crosslinker or cyclopolymer)")
    if len(doubles) > 2:
        return RepeatUnitConversion(None, None, "nonconjugated_polyene", "three or more C=C")
    if len(rings) == 1 and not doubles:
        smiles = _open_ring(mol, rings[0])
        if smiles:
            return RepeatUnitConversion(smiles, "ring_opening")
        return RepeatUnitConversion(None, None, "rule_failed", "ring opening gave no valid repeat unit")
    if len(rings) > 1:
        return RepeatUnitConversion(None, None, "ambiguous_mechanism", "more than one ring-opening ring")
    aldehydes = _aldehyde_groups(mol)
    if len(aldehydes) == 1:
        c_idx, o_idx = aldehydes[0]
        rw = Chem.RWMol(mol)
        rw.GetBondBetweenAtoms(c_idx, o_idx).SetBondType(Chem.BondType.SINGLE)
        _add_star(rw, c_idx)
        _add_star(rw, o_idx)
        smiles = _finish(rw)
        if smiles:
            return RepeatUnitConversion(smiles, "aldehyde")
    if len(aldehydes) > 1:
        return RepeatUnitConversion(None, None, "ambiguous_mechanism", "dialdehyde (cyclopolymerization)")
    smiles = _ab_condensation(mol)
    if smiles:
        return RepeatUnitConversion(smiles, "ab_condensation")
    return RepeatUnitConversion(None, None, "no_rule",
                                "no polymerizable group the rules know (condensation pair or "
                                "structure-based name)")


# --------------------------------------------------------------------------- curated table


def load_polysol_fixes(path: Path = FIXES_FILE) -> dict[str, tuple[str | None, str]]:
    """Curated table: polymer name -> (repeat-unit SMILES or None to drop, note).

    Every given repeat unit must be a valid two-``*`` repeat unit; it is returned canonical.
    """
    fixes: dict[str, tuple[str | None, str]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            name = row["polymer"].strip()
            smiles = (row["repeat_unit_smiles"] or "").strip()
            if name in fixes:
                raise DataFileError(f"{path.name} line {line_no}: polymer {name!r} listed twice")
            if smiles:
                canonical = _canonical(smiles)
                if canonical is None or not _is_repeat_unit(canonical):
                    raise DataFileError(
                        f"{path.name} line {line_no}: got {smiles!r}, expected a repeat unit "
                        "with exactly two '*' ends"
                    )
                fixes[name] = (canonical, row["note"].strip())
            else:
                fixes[name] = (None, row["note"].strip())
    return fixes


# --------------------------------------------------------------------------- solvents


@cache
def _database_smiles(name: str) -> str | None:
    from chemicals.identifiers import search_chemical

    try:
        found = search_chemical(name)
    except Exception:  # noqa: BLE001 - an unknown name raises ValueError or KeyError
        return None
    return _canonical(found.smiles, stereo=False) if found.smiles else None


def _solvent_key(name: str) -> str:
    return name.strip().rstrip(",").strip().lower()


def _decide_solvent(name: str, given_smiles: str, n_rows: int) -> SolventDecision:
    key = _solvent_key(name)
    given = _canonical(given_smiles, stereo=False)
    database = _database_smiles(key)
    decision = SOLVENT_NAME_DECISIONS.get(key)
    if decision is not None:
        action, smiles, note = decision
        used = {"fix": _canonical(smiles or ""), "keep": _canonical(given_smiles)}.get(action)
        return SolventDecision(name, given_smiles, database, action, used, n_rows, note)
    if given is None:
        return SolventDecision(name, given_smiles, database, "drop", None, n_rows, "unreadable SMILES")
    mol = _mol(given_smiles)
    if "." in given_smiles or _net_charge(mol) or _n_radicals(mol):
        return SolventDecision(name, given_smiles, database, "drop", None, n_rows,
                               "not a single neutral molecule (mixture, ion or radical)")
    if database is None:
        return SolventDecision(name, given_smiles, None, "keep", _canonical(given_smiles), n_rows,
                               "name not in the offline database; given SMILES kept")
    if database != given:
        return SolventDecision(name, given_smiles, database, "drop", None, n_rows,
                               "name and SMILES disagree and no curated decision covers it")
    return SolventDecision(name, given_smiles, database, "keep", _canonical(given_smiles), n_rows,
                           "name and SMILES agree")


# --------------------------------------------------------------------------- the table


def _read(data_dir: Path) -> pd.DataFrame:
    path = Path(data_dir) / POLYSOL_FILE
    if not path.is_file():
        raise DataFileError(f"PolySol table not found: got {path}, expected <data_dir>/{POLYSOL_FILE}")
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    missing = [c for c in _COLUMNS_IN if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path.name}: missing columns {missing}, expected {list(_COLUMNS_IN)}")
    return frame


@lru_cache(maxsize=4)
def _build(data_dir: Path) -> tuple[pd.DataFrame, PolySolReport]:
    raw = _read(data_dir)
    fixes = load_polysol_fixes()
    n_read = len(raw)
    reasons = pd.Series([""] * n_read, index=raw.index, dtype=object)

    # polymers
    conversions: dict[tuple[str, str], RepeatUnitConversion] = {}
    for polymer, monomer in raw[["polymer", "mono_smiles"]].drop_duplicates().itertuples(index=False):
        name = polymer.strip()
        if name in fixes:
            smiles, note = fixes[name]
            conversions[(polymer, monomer)] = (
                RepeatUnitConversion(smiles, "curated") if smiles
                else RepeatUnitConversion(None, None, "curated_drop", note)
            )
        else:
            conversions[(polymer, monomer)] = monomer_to_repeat_unit(monomer)
    pairs = list(zip(raw["polymer"], raw["mono_smiles"]))
    polymer_smiles = [conversions[pair].repeat_unit_smiles for pair in pairs]
    rules = [conversions[(p, m)].rule for p, m in zip(raw["polymer"], raw["mono_smiles"])]
    for i, (p, m) in enumerate(zip(raw["polymer"], raw["mono_smiles"])):
        conv = conversions[(p, m)]
        if conv.repeat_unit_smiles is None:
            reasons.iat[i] = f"polymer_{conv.drop_reason}"

    # solvents
    counts = Counter(zip(raw["solvent"], raw["solvent_smiles"]))
    decisions = {
        key: _decide_solvent(key[0], key[1], n) for key, n in sorted(counts.items())
    }
    solvent_smiles = []
    for i, key in enumerate(zip(raw["solvent"], raw["solvent_smiles"])):
        decision = decisions[key]
        solvent_smiles.append(decision.smiles_used)
        if decision.action == "drop" and not reasons.iat[i]:
            reasons.iat[i] = "solvent_dropped"

    labels = raw["solvent_characteristic"].str.strip()
    for i, label in enumerate(labels):
        if label not in ("0", "1") and not reasons.iat[i]:
            reasons.iat[i] = "label_not_0_or_1"

    table = pd.DataFrame({
        "polymer_name": raw["polymer"].str.strip(),
        "polymer_smiles": polymer_smiles,
        "solvent_name": raw["solvent"].str.strip().str.rstrip(",").str.strip(),
        "solvent_smiles": solvent_smiles,
        "soluble": labels,
        "rule": rules,
    })

    # duplicates on (polymer SMILES, solvent SMILES)
    alive = reasons == ""
    groups = table[alive].groupby(["polymer_smiles", "solvent_smiles"], sort=False)
    for _, group in groups:
        if len(group) == 1:
            continue
        if group["soluble"].nunique() > 1:
            reasons.loc[group.index] = "duplicate_conflicting_label"
        else:
            reasons.loc[group.index[1:]] = "duplicate_identical"

    kept = table[reasons == ""].copy()
    kept["soluble"] = kept["soluble"].astype(int)
    by_rule = Counter(kept.pop("rule"))
    kept = kept[_COLUMNS_OUT].reset_index(drop=True)

    dropped = Counter(r for r in reasons if r)
    solvent_rows = {"fix": 0, "drop": 0}
    for decision in decisions.values():
        if decision.action in solvent_rows:
            solvent_rows[decision.action] += decision.n_rows
    dropped_polymers = tuple(sorted(
        (p.strip(), m, c.drop_reason or "", c.detail)
        for (p, m), c in conversions.items() if c.repeat_unit_smiles is None
    ))
    report = PolySolReport(
        n_rows_read=n_read,
        n_rows_kept=len(kept),
        n_polymers_read=raw["polymer"].str.strip().nunique(),
        n_polymers_kept=kept["polymer_smiles"].nunique(),
        n_solvents_kept=kept["solvent_smiles"].nunique(),
        n_rows_dropped=MappingProxyType(dict(sorted(dropped.items()))),
        n_rows_by_rule=MappingProxyType(dict(sorted(by_rule.items()))),
        n_solvent_names_fixed=sum(d.action == "fix" for d in decisions.values()),
        n_solvent_rows_fixed=solvent_rows["fix"],
        n_solvent_names_dropped=sum(d.action == "drop" for d in decisions.values()),
        n_solvent_rows_dropped=solvent_rows["drop"],
        solvent_decisions=tuple(decisions.values()),
        dropped_polymers=dropped_polymers,
    )
    return kept, report


def load_polysol(data_dir: Path) -> pd.DataFrame:
    """PolySol as training rows: one row per (repeat unit, solvent) with a 0/1 label.

    Columns ``polymer_name, polymer_smiles, solvent_name, solvent_smiles, soluble``; SMILES are
    RDKit-canonical, ``polymer_smiles`` has exactly two ``*`` ends, ``soluble`` is 1 for a
    good solvent and 0 for a non-solvent (room temperature unless the handbook says otherwise).
    The rows keep the order of the file. ``data_dir`` is the shared data directory (the one
    holding ``polysol/``).
    """
    kept, _ = _build(Path(data_dir).resolve())
    return kept.copy()


def polysol_report(data_dir: Path) -> PolySolReport:
    """Counts and decisions of :func:`load_polysol` on the same ``data_dir``."""
    _, report = _build(Path(data_dir).resolve())
    return report
