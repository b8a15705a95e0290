"""Molecules: parse and check SMILES, polymer repeat units with two '*' ends, cyclic oligomers, keys.

A polymer is written as its repeat unit with exactly two ``*`` ends (``*CC(*)c1ccccc1``); a solvent
is a plain, neutral, single-component SMILES. Every check happens here, once, at the boundary: the
rest of the package trusts what these functions return.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rdkit import Chem, RDLogger

from chiapp.errors import InvalidSmilesError, UnsupportedMoleculeError

__all__ = [
    "normalize_name",
    "MAX_HEAVY_ATOMS",
    "MAX_RINGS",
    "SUPPORTED_ELEMENTS",
    "canonical_polymer",
    "canonical_solvent",
    "checked_text",
    "cyclic_oligomer",
    "linear_oligomer",
    "capped_oligomer",
    "looks_like_polymer",
    "parse_polymer",
    "parse_solvent",
]

RDLogger.DisableLog("rdApp.*")  # RDKit's own warnings go to stderr; we raise our own messages

#: Elements of organic solvents and polymers; anything else (metals, B, Se, noble gases) is refused.
SUPPORTED_ELEMENTS = frozenset({"H", "C", "N", "O", "F", "Si", "P", "S", "Cl", "Br", "I"})
#: Bound on the work per molecule: a repeat unit or solvent larger than this is refused.
MAX_HEAVY_ATOMS = 200
#: Bound on ring complexity: independent rings (bonds − atoms + 1, counted before any ring
#: perception) of a repeat unit or solvent. Ten para-linked benzene rings or four cubanes pass.
MAX_RINGS = 24
_MAX_SMILES_CHARS = 2000
#: Oligomers are sanitized without RDKit's symmetrized ring sets: on a chain of n para-linked
#: rings closed into a ring, the equivalent smallest rings number 2^(3n) (32,783 at n = 5, minutes
#: and gigabytes at n = 6). The plain SSSR kept instead has the same ring membership for every atom
#: and bond (a ring bond lies on some cycle of any cycle basis) and the same small rings.
_OLIGOMER_SANITIZE = Chem.SANITIZE_ALL ^ Chem.SANITIZE_SYMMRINGS


def checked_text(text: str, role: str) -> str:
    """The text itself when it is valid Unicode; InvalidSmilesError naming the bad character (a lone
    surrogate, as a file decoded with errors="surrogateescape" or a broken paste can hold)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        raise InvalidSmilesError(
            f"character {err.start + 1} (U+{ord(text[err.start]):04X}) is not valid text; "
            "retype it", smiles=shown, role=role) from None
    return text


def looks_like_polymer(text: str) -> bool:
    """True when the text is written as a repeat unit (it contains a '*' end)."""
    return "*" in text


def _read(smiles: str, role: str) -> Chem.Mol:
    if not isinstance(smiles, str) or not smiles.strip():
        raise InvalidSmilesError("empty input; give a SMILES or a name", smiles="", role=role)
    smiles = checked_text(smiles, role).strip()
    if len(smiles) > _MAX_SMILES_CHARS:
        raise UnsupportedMoleculeError(
            f"SMILES of {len(smiles)} characters is too long (at most {_MAX_SMILES_CHARS})",
            smiles=smiles, role=role)
    if "." in smiles:
        raise UnsupportedMoleculeError(
            "a mixture or salt ('.' separates components); give one neutral molecule", smiles, role)
    mol = Chem.MolFromSmiles(smiles, sanitize=False)
    if mol is None:
        raise InvalidSmilesError("not a valid SMILES (syntax error)", smiles, role)
    _check_size(mol, smiles, role)
    problems = Chem.DetectChemistryProblems(mol)
    if problems:
        raise InvalidSmilesError(_describe(problems[0]), smiles, role)
    try:
        Chem.SanitizeMol(mol)
    except Chem.MolSanitizeException as err:  # pragma: no cover - DetectChemistryProblems saw none
        raise InvalidSmilesError(str(err) or type(err).__name__, smiles, role) from None
    atoms = [mol.GetAtomWithIdx(i) for i in range(mol.GetNumAtoms())]  # by index: RDKit's atom sequence is slow
    bad = sorted({a.GetSymbol() for a in atoms if a.GetAtomicNum() and a.GetSymbol() not in SUPPORTED_ELEMENTS})
    if bad:
        raise UnsupportedMoleculeError(
            f"element {', '.join(bad)} is not supported; the model covers "
            f"{', '.join(sorted(SUPPORTED_ELEMENTS))}", smiles, role)
    charge = Chem.GetFormalCharge(mol)
    if charge:
        raise UnsupportedMoleculeError(
            f"net charge {charge:+d}: ions and salts are not supported", smiles, role)
    loose = next((b for b in mol.GetBonds()
                  if b.GetBondType() == Chem.BondType.AROMATIC and not b.IsInRing()), None)
    if loose is not None:
        raise InvalidSmilesError(
            f"aromatic bond ':' between atoms {loose.GetBeginAtomIdx() + 1} and "
            f"{loose.GetEndAtomIdx() + 1} is outside any ring; write it as a single or double bond",
            smiles, role)
    if any(a.GetNumRadicalElectrons() for a in atoms):
        raise UnsupportedMoleculeError("radicals are not supported", smiles, role)
    if not any(a.GetAtomicNum() > 1 for a in atoms):
        raise UnsupportedMoleculeError("no heavy atom", smiles, role)
    return Chem.RemoveHs(mol)


def _check_size(mol: Chem.Mol, smiles: str, role: str) -> None:
    """Refuse, before any ring perception, what is too large or too ring-rich to featurize fast."""
    n_heavy = sum(1 for i in range(mol.GetNumAtoms()) if mol.GetAtomWithIdx(i).GetAtomicNum() > 1)
    if n_heavy > MAX_HEAVY_ATOMS:
        raise UnsupportedMoleculeError(
            f"{n_heavy} heavy atoms; at most {MAX_HEAVY_ATOMS} (MAX_HEAVY_ATOMS) are supported",
            smiles, role)
    n_rings = mol.GetNumBonds() - mol.GetNumAtoms() + 1  # one component: '.' is refused before
    if n_rings > MAX_RINGS:
        raise UnsupportedMoleculeError(
            f"{n_rings} rings; at most {MAX_RINGS} (MAX_RINGS) are supported", smiles, role)


def _describe(problem) -> str:
    """An RDKit sanitization problem in a chemist's words; atoms are numbered from 1 in SMILES order.

    'Explicit valence for atom # 1 C, 5, is greater than permitted' becomes
    'valence error: atom 2 (C) has 5 bonds; carbon takes at most 4'.
    """
    kind = problem.GetType()
    message = problem.Message()
    if kind == "AtomValenceException":
        found = re.search(r"atom # (\d+) ([A-Z][a-z]?), (\d+)", message)
        if found:
            index, symbol, valence = int(found[1]), found[2], int(found[3])
            table = Chem.GetPeriodicTable()
            allowed = max(table.GetValenceList(symbol))
            element = table.GetElementName(table.GetAtomicNumber(symbol)).lower()
            return (f"valence error: atom {index + 1} ({symbol}) has {valence} bonds; {element} takes at most "
                    f"{allowed}")
        return f"valence error: {message}"
    if kind in ("AtomKekulizeException", "KekulizeException"):
        atoms = re.search(r"atoms:?\s*([\d ]+)", message)
        where = (f" (atoms {', '.join(str(int(i) + 1) for i in atoms[1].split())})" if atoms else "")
        return (f"aromatic ring cannot be kekulized{where}: it cannot be written with alternating single and "
                "double bonds; check the lowercase (aromatic) atoms, and write an aromatic N-H as [nH]")
    return message


@lru_cache(maxsize=4096)
def parse_polymer(smiles: str) -> Chem.Mol:
    """Parse a polymer repeat unit with exactly two '*' ends, each bonded to one atom.

    >>> parse_polymer("*CC(*)c1ccccc1").GetNumHeavyAtoms()  # the '*' ends are not atoms
    8
    """
    mol = _read(smiles, "polymer")
    stars = [a for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    if len(stars) != 2:
        raise UnsupportedMoleculeError(
            f"a repeat unit needs exactly two '*' ends, got {len(stars)} "
            "(polystyrene is written *CC(*)c1ccccc1)", smiles, "polymer")
    for star in stars:
        if star.GetDegree() != 1 or star.GetBonds()[0].GetBondType() != Chem.BondType.SINGLE:
            raise UnsupportedMoleculeError(
                "each '*' must be bonded to one atom by a single bond", smiles, "polymer")
    return mol


@lru_cache(maxsize=4096)
def parse_solvent(smiles: str) -> Chem.Mol:
    """Parse a solvent: one neutral molecule of supported elements, no '*'."""
    if isinstance(smiles, str) and looks_like_polymer(smiles):
        raise UnsupportedMoleculeError(
            "a solvent cannot have '*' ends; this looks like a polymer repeat unit", smiles, "solvent")
    return _read(smiles, "solvent")


def _unit_atom(atom: Chem.Atom) -> Chem.Atom:
    """A copy of a repeat unit's atom for an oligomer: element, charge, hydrogens and aromatic flag
    kept, stereo dropped (the descriptors are 2D), no implicit hydrogens added later."""
    new = Chem.Atom(atom.GetAtomicNum())
    new.SetFormalCharge(atom.GetFormalCharge())
    new.SetNumExplicitHs(atom.GetTotalNumHs())
    new.SetIsAromatic(atom.GetIsAromatic())
    new.SetNoImplicit(True)
    return new


def cyclic_oligomer(repeat_unit: Chem.Mol, n_units: int) -> Chem.Mol:
    """Join ``n_units`` copies of a repeat unit head to tail into a ring (no '*' left).

    The ring has no ends and no preferred starting atom, so any descriptor computed on it is the
    same however the repeat unit was written (``*CCO*`` or ``*OCC*``). Stereo tags are dropped:
    the descriptors are 2D.
    """
    stars = [a.GetIdx() for a in repeat_unit.GetAtoms() if a.GetAtomicNum() == 0]
    head, tail = (repeat_unit.GetAtomWithIdx(s).GetNeighbors()[0].GetIdx() for s in stars)
    n_atoms = repeat_unit.GetNumAtoms()
    combined = Chem.RWMol()
    for _ in range(n_units):
        offset = combined.GetNumAtoms()
        for atom in repeat_unit.GetAtoms():
            combined.AddAtom(_unit_atom(atom))
        for bond in repeat_unit.GetBonds():
            n_bonds = combined.AddBond(bond.GetBeginAtomIdx() + offset,
                                       bond.GetEndAtomIdx() + offset, bond.GetBondType())
            combined.GetBondWithIdx(n_bonds - 1).SetIsAromatic(bond.GetIsAromatic())
    for i in range(n_units):
        j = (i + 1) % n_units
        combined.AddBond(tail + i * n_atoms, head + j * n_atoms, Chem.BondType.SINGLE)
    for idx in sorted((s + i * n_atoms for i in range(n_units) for s in stars), reverse=True):
        combined.RemoveAtom(idx)
    ring = combined.GetMol()
    _sanitize_oligomer(ring, repeat_unit)
    return ring


def _sanitize_oligomer(mol: Chem.Mol, repeat_unit: Chem.Mol) -> None:
    """Refresh valences, rings, conjugation and hybridization of an oligomer of a parsed unit.

    Aromaticity is perceived again only when a ring through the joins could be aromatic: its
    other rings are the unit's own, already perceived. A backbone that every path between the
    ends crosses at an sp3 carbon makes every ring through the joins non-aromatic in any model
    (such a carbon has no p orbital), and that perception is the costly step on cages (seconds
    for two cubanes in a trimer).
    """
    ops = _OLIGOMER_SANITIZE
    if _saturated_cut(repeat_unit):
        # Kekulé form, radicals (none: refused in the unit) and aromaticity stay the unit's.
        ops ^= Chem.SANITIZE_KEKULIZE | Chem.SANITIZE_SETAROMATICITY | Chem.SANITIZE_FINDRADICALS
    try:
        Chem.SanitizeMol(mol, ops)
        if ops & Chem.SANITIZE_KEKULIZE == 0:
            Chem.GetSSSR(mol)  # ring membership and sizes, without the symmetrized enumeration
    except Chem.MolSanitizeException as err:  # pragma: no cover - the unit was checked already
        raise InvalidSmilesError(
            f"the chain made of this repeat unit is not a valid molecule ({type(err).__name__}: "
            f"{str(err).split('.')[0].strip() or 'no detail'})",
            Chem.MolToSmiles(repeat_unit, isomericSmiles=False), "polymer") from None


def _saturated_cut(unit: Chem.Mol) -> bool:
    """True when an sp3 carbon lies on every path between the two '*' ends of a repeat unit."""
    star_a, star_b = (a.GetIdx() for a in unit.GetAtoms() if a.GetAtomicNum() == 0)
    for idx in Chem.GetShortestPath(unit, star_a, star_b)[1:-1]:
        atom = unit.GetAtomWithIdx(idx)
        if atom.GetAtomicNum() != 6 or atom.GetHybridization() != Chem.HybridizationType.SP3:
            continue
        seen, todo = {star_a, idx}, [star_a]
        while todo:
            for neighbor in unit.GetAtomWithIdx(todo.pop()).GetNeighbors():
                if neighbor.GetIdx() not in seen:
                    seen.add(neighbor.GetIdx())
                    todo.append(neighbor.GetIdx())
        if star_b not in seen:
            return True
    return False


def capped_oligomer(repeat_unit: Chem.Mol, n_units: int, cap: int = 6) -> Chem.Mol:
    """Join ``n_units`` copies of a repeat unit head to tail into a chain whose two ends are capped.

    Each remaining '*' becomes an atom of atomic number ``cap`` (6: a methyl end once hydrogens are
    added). Every atom carries the integer property ``unit``: the index of its repeat unit
    (0 ... n_units - 1), or -1 for a cap, so a calculation on the chain can keep one unit's share.
    Stereo tags are dropped.

    >>> from rdkit import Chem
    >>> Chem.MolToSmiles(capped_oligomer(parse_polymer("*CC(*)c1ccccc1"), 2))
    'CCC(CC(C)c1ccccc1)c1ccccc1'
    """
    stars = [a.GetIdx() for a in repeat_unit.GetAtoms() if a.GetAtomicNum() == 0]
    head, tail = (repeat_unit.GetAtomWithIdx(s).GetNeighbors()[0].GetIdx() for s in stars)
    n_atoms = repeat_unit.GetNumAtoms()
    chain = Chem.RWMol()
    for unit in range(n_units):
        for atom in repeat_unit.GetAtoms():
            new = _unit_atom(atom)
            new.SetIntProp("unit", unit)
            chain.AddAtom(new)
        for bond in repeat_unit.GetBonds():
            chain.AddBond(bond.GetBeginAtomIdx() + unit * n_atoms, bond.GetEndAtomIdx() + unit * n_atoms,
                          bond.GetBondType())
    for unit in range(n_units - 1):
        chain.AddBond(tail + unit * n_atoms, head + (unit + 1) * n_atoms, Chem.BondType.SINGLE)
    ends = (stars[0], stars[1] + (n_units - 1) * n_atoms)
    for idx in sorted((s + u * n_atoms for u in range(n_units) for s in stars), reverse=True):
        if idx in ends:
            atom = chain.GetAtomWithIdx(idx)
            atom.SetAtomicNum(cap)
            atom.SetNoImplicit(False)
            atom.SetNumExplicitHs(0)
            atom.SetIntProp("unit", -1)
        else:
            chain.RemoveAtom(idx)
    oligomer = chain.GetMol()
    _sanitize_oligomer(oligomer, repeat_unit)
    return oligomer


def linear_oligomer(repeat_unit: Chem.Mol, n_units: int) -> Chem.Mol:
    """Chain ``n_units`` copies of a repeat unit head to tail, both free ends capped with H.

    >>> Chem.MolToSmiles(linear_oligomer(parse_polymer("*CC(*)c1ccccc1"), 2))
    'CC(CCc1ccccc1)c1ccccc1'
    """
    return Chem.RemoveHs(capped_oligomer(repeat_unit, n_units, cap=1))


# Keys are short strings: sized for catalogues (issue 19), so a ranked list of thousands of
# molecules does not miss on every call.
@lru_cache(maxsize=1 << 17)
def canonical_polymer(smiles: str) -> str:
    """One key per polymer, whatever atom the repeat unit starts at or which way it is written.

    It is the canonical SMILES of the cyclic trimer, bounded in size by ``MAX_HEAVY_ATOMS`` (a
    symmetric 10-mer ring can take minutes to canonicalize; a trimer does not). The trimer has no
    stereo tags, so the SMILES is written without stereo perception, which on a ring of
    para-linked rings costs seconds (it enumerates ring stereo candidates) and adds nothing.
    """
    return Chem.MolToSmiles(cyclic_oligomer(parse_polymer(smiles), 3), isomericSmiles=False)


@lru_cache(maxsize=1 << 17)
def canonical_solvent(smiles: str) -> str:
    """RDKit canonical SMILES of a valid solvent."""
    return Chem.MolToSmiles(parse_solvent(smiles))


def normalize_name(text: str) -> str:
    """The lookup key of a name: NFKC, case-folded, without spaces, hyphens and underscores.

    >>> normalize_name(" N-Methyl 2-Pyrrolidone ")
    'nmethyl2pyrrolidone'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-_\u2010\u2011\u2012\u2013")
