"""Hansen solubility parameters and molar volumes by group contribution, and a Hansen χ baseline.

Two classical group-contribution tables are combined, each used for what it was built for:

- Hoftyzer–Van Krevelen (HVK), Van Krevelen & te Nijenhuis, *Properties of Polymers*, 4th ed.
  (Elsevier 2009), ch. 7, Table 7.10: per group a dispersion term F_d [J^0.5 cm^1.5 mol^-1], a
  polar term F_p [J^0.5 cm^1.5 mol^-1] and a hydrogen-bonding energy E_h [J mol^-1]::

      δD = ΣF_d / V,   δP = sqrt(ΣF_p²) / V,   δH = sqrt(ΣE_h / V)      [MPa^0.5]

- Fedors, Polym. Eng. Sci. 14, 147 (1974), Table 5: molar-volume increments of liquids at 25 °C
  [cm³ mol^-1], which give the V used above and the molar volume reported.

Groups are SMARTS patterns matched in a fixed priority order (composite groups first); each heavy
atom goes to the first group that claims it, so each is counted once. Hydrogens are implicit in
the groups. A polymer repeat unit is written with two ``*`` ends; a ``*`` counts as a bond to a
backbone neighbour (in ``*CC*`` both carbons are -CH2-), and the estimate is per repeat unit.

Where Table 7.10 gives no F_p or E_h for a group (-F, -Br, -S-, -NH2's F_p), 0 is used, as is
usual when the method is applied. Groups neither table covers (iodine, B, Se, S(=O), alkynes, other
heteroaromatic rings, water) are not invented: the atoms stay unassigned, ``coverage`` < 1 and all
values are NaN.

Three documented extensions beyond the tables:

- A benzene ring with k substituents: Table 7.10 gives phenyl (k = 1, F_d 1430) and phenylene
  (k = 2, F_d 1270); other k follow the same linear step, F_d = 1590 − 160 k, just as Fedors'
  volume increments for phenyl through hexasubstituted phenyl fall by 19.0 cm³/mol per
  substituent (V = 90.4 − 19.0 k; k = 0, benzene, is the one extrapolated volume).
- Eight groups that common polymers need and neither table has (the sulfone of polysulfone, the
  >Si< and the siloxane O of silicones, the anhydride of maleic anhydride copolymers, =CH2 of
  1,2-polybutadiene, and naphthalene, pyridine and furan rings, the last three with the benzene
  ring's step per substituent) are fitted, each of F_d, ΣF_p², E_h and V by bounded least squares, to the
  measured Hansen parameters and molar volumes of the small molecules of the ``chemicals`` tables
  that contain them and are otherwise covered: ``python -m training.hansen_groups`` writes
  ``assets/hansen_fitted_groups.csv`` with the molecules used and the leave-one-molecule-out error.
  =CH2 and >Si< are held non-polar (NONPOLAR_FITTED), as the tables hold their hydrocarbon groups.
- Van Krevelen's symmetry rule (F_p × 0.5 / 0.25 / 0 for one / two / more planes of symmetry)
  needs a 3D structure; for a solvent whose polar groups are all topologically equivalent it is
  approximated by the number of those groups: 2 → 0.5, 3 → 0.25, ≥ 4 → 0 (CH2Cl2, CHCl3, CCl4).
  It is not applied to repeat units, whose dipoles do not cancel along a chain.

Known accuracy (Van Krevelen, ch. 7): about ±1 MPa^0.5 on δD and ±2–3 on δP, δH; water is a
known failure of every group method (its δH is far above any additive estimate) and is left
uncovered. Measured here against the experimental values in the ``chemicals`` package for the
101 covered solvents of the training set: MAE δD 0.51, δP 1.17, δH 0.95 MPa^0.5; molar volume
3.7 % mean absolute deviation from COSTALD. Fedors' volumes describe liquids, so for polymers
glassy at 25 °C (polystyrene, PVC, poly(vinyl alcohol), polyacrylamide) V is too small and δ too
large; ``estimate_density_g_per_cm3(..., glassy=True)`` applies Fedors' correction.
"""

from __future__ import annotations

import bisect
import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from rdkit import Chem
from rdkit.Chem import Descriptors

from chiapp.errors import DataFileError, InputError, UnsupportedMoleculeError
from chiapp.resources import verified_asset

__all__ = [
    "FITTED_GROUPS",
    "FITTED_GROUPS_FILE",
    "GAS_CONSTANT_J_PER_MOL_K",
    "NONPOLAR_FITTED",
    "HansenEstimate",
    "fitted_group_terms",
    "estimate_density_g_per_cm3",
    "estimate_hansen",
    "hansen_chi",
    "hansen_distance_mpa05",
]

GAS_CONSTANT_J_PER_MOL_K = 8.314462618


@dataclass(frozen=True)
class HansenEstimate:
    """Group-contribution Hansen parameters [MPa^0.5] and molar volume [cm³/mol].

    For a polymer the molar volume is per repeat unit. ``coverage`` is the fraction of heavy
    atoms a group claimed [-]; when it is below 1 every other field is NaN.
    """

    delta_d_mpa05: float
    delta_p_mpa05: float
    delta_h_mpa05: float
    molar_volume_cm3_per_mol: float
    coverage: float

    @property
    def delta_total_mpa05(self) -> float:
        """Total (Hildebrand) parameter δ = sqrt(δD² + δP² + δH²) [MPa^0.5]."""
        return math.sqrt(self.delta_d_mpa05**2 + self.delta_p_mpa05**2 + self.delta_h_mpa05**2)

    @property
    def is_complete(self) -> bool:
        """True when every heavy atom was assigned to a group."""
        return self.coverage >= 1.0


@dataclass(frozen=True)
class _Group:
    name: str
    smarts: str          # the group's own atoms first, then context atoms that are not claimed
    f_d: float           # HVK ΣF_d of the group [J^0.5 cm^1.5 mol^-1]
    f_p_squared: float   # HVK ΣF_p², kept squared so a composite adds up like its parts
    e_h: float           # HVK ΣE_h [J mol^-1]
    volume: float        # Fedors increment [cm³ mol^-1]; halogens and OH adjusted per atom
    n_own: int = 0       # how many leading pattern atoms are the group's; 0 = all
    fitted: bool = False  # values from assets/hansen_fitted_groups.csv, not from the tables


def _fitted(name: str, smarts: str, n_own: int = 0) -> _Group:
    return _Group(name, smarts, 0.0, 0.0, 0.0, 0.0, n_own, fitted=True)


# HVK (Table 7.10) values used, F_d / F_p / E_h:
#   -CH3 420/0/0, -CH2- 270/0/0, >CH- 80/0/0, >C< -70/0/0, =CH- 200/0/0, =C< 70/0/0,
#   phenyl 1430/110/0, phenylene 1270/110/0, -F 220/-/-, -Cl 450/550/400, -Br 550/-/-,
#   -CN 430/1100/2500, -OH 210/500/20000, -O- 100/400/3000, -COH 470/800/4500,
#   -CO- 290/770/2000, -COOH 530/420/10000, -COO- 390/490/7000, -NH2 280/-/8400,
#   -NH- 160/210/3100, >N- 20/800/5000, -NO2 500/1070/1500, -S- 440/-/-,
#   =PO4- 740/1890/13000, ring 190/-/-.
# Composites absent from Table 7.10 (amides, formates, nitrate, carbonate, CF2, CF3) are sums of
# its groups; their volume is Fedors' own composite increment where he gives one.
_GROUPS: tuple[_Group, ...] = (
    _fitted("anhydride -CO-O-CO-", "[CX3](=O)[OX2][CX3]=O"),
    _fitted("sulfone -SO2-", "[SX4](=O)(=O)([#6])[#6]", n_own=3),
    _fitted(">Si<", "[SiX4]([#6,O])([#6,O])([#6,O])[#6,O]", n_own=1),
    _fitted("siloxane -Si-O-Si-", "[OX2]([Si])[Si]", n_own=1),  # its O: a weaker acceptor than an ether's
    _fitted("=CH2", "[CX3H2]=[#6]", n_own=1),
    _Group("nitrate -ONO2", "[OX2][N+](=O)[O-]", 100 + 500, 400**2 + 1070**2, 3000 + 1500, 33.5),
    _Group("nitro (aromatic)", "[N+;$(N[a])](=O)[O-]", 500, 1070**2, 1500, 32.0),
    _Group("nitro", "[N+](=O)[O-]", 500, 1070**2, 1500, 24.0),
    _Group("phosphate =PO4-", "P(=O)([OX2])([OX2])[OX2]", 740, 1890**2, 13000, 28.0),
    _Group("carbonate -OCOO-", "[OX2H0][CX3](=O)[OX2H0]", 390 + 100, 490**2 + 400**2, 10000, 22.0),
    _Group("carboxylic acid", "[CX3](=O)[OX2H1]", 530, 420**2, 10000, 28.5),
    _Group("formate HCOO-", "[CX3H1](=O)[OX2H0]", 470 + 100, 800**2 + 400**2, 7500, 32.5),
    _Group("ester -COO-", "[CX3H0](=O)[OX2H0]", 390, 490**2, 7000, 18.0),
    _Group("formamide HCONH2", "[CX3H1](=O)[NX3H2]", 470 + 280, 800**2, 4500 + 8400, 22.3 + 19.2),
    _Group("HCONH-", "[CX3H1](=O)[NX3H1]", 470 + 160, 800**2 + 210**2, 4500 + 3100, 27.0),
    _Group("HCON<", "[CX3H1](=O)[NX3H0]", 470 + 20, 800**2 + 800**2, 4500 + 5000, 11.3),
    _Group("amide -CONH2", "[CX3H0](=O)[NX3H2]", 290 + 280, 770**2, 2000 + 8400, 17.5),
    _Group("amide -CONH-", "[CX3H0](=O)[NX3H1]", 290 + 160, 770**2 + 210**2, 2000 + 3100, 9.5),
    _Group("amide -CON<", "[CX3H0](=O)[NX3H0;!$([N+])]", 290 + 20, 770**2 + 800**2, 7000, -7.7),
    _Group("nitrile -CN", "[CX2]#[NX1]", 430, 1100**2, 2500, 24.0),
    _Group("aldehyde -CHO", "[CX3H1](=O)[#6]", 470, 800**2, 4500, 22.3, n_own=2),
    _Group("ketone -CO-", "[CX3H0](=O)([#6])[#6]", 290, 770**2, 2000, 10.8, n_own=2),
    _Group("-OH", "[OX2H1][#6]", 210, 500**2, 20000, 10.0, n_own=1),
    _Group("-O-", "[OX2H0]([#6,N,P,Si,S])[#6,N,P,Si,S]", 100, 400**2, 3000, 3.8, n_own=1),
    _Group("-NH2", "[NX3H2;!$(N=*);!$(N#*)][#6]", 280, 0.0, 8400, 19.2, n_own=1),
    _Group("-NH-", "[NX3H1;!$(N=*);!a]", 160, 210**2, 3100, 4.5),
    _Group(">N-", "[NX3H0;!$(N=*);!$([N+]);!a]", 20, 800**2, 5000, -9.0),
    _Group("-S-", "[SX2H0;!a]([#6])[#6]", 440, 0.0, 0.0, 12.0, n_own=1),
    _Group("-CF3", "[CX4H0](F)(F)F", -70 + 3 * 220, 0.0, 0.0, 57.5),
    _Group("-CF2-", "[CX4H0](F)F", -70 + 2 * 220, 0.0, 0.0, 23.0),
    _Group("-F", "F[#6]", 220, 0.0, 0.0, 18.0, n_own=1),
    _Group("-Cl", "Cl[#6]", 450, 550**2, 400, 24.0, n_own=1),
    _Group("-Br", "Br[#6]", 550, 0.0, 0.0, 30.0, n_own=1),
    _Group("-CH3", "[CX4H3]", 420, 0.0, 0.0, 33.5),
    _Group("-CH2-", "[CX4H2]", 270, 0.0, 0.0, 16.1),
    _Group(">CH-", "[CX4H1]", 80, 0.0, 0.0, -1.0),
    _Group(">C<", "[CX4H0]", -70, 0.0, 0.0, -19.2),
    _Group("=CH-", "[CX3H1;!a]=[#6;!a]", 200, 0.0, 0.0, 13.5, n_own=1),
    _Group("=C<", "[CX3H0;!a]=[#6;!a]", 70, 0.0, 0.0, -5.5, n_own=1),
)
_PATTERNS = tuple(Chem.MolFromSmarts(g.smarts) for g in _GROUPS)
assert all(p is not None for p in _PATTERNS), "a group SMARTS does not parse"
# Elements a group's own atoms need in the molecule (each own atom is a one-element query).
_NEEDS = tuple(frozenset(a.GetAtomicNum() for a in list(p.GetAtoms())[: g.n_own or None])
               for g, p in zip(_GROUPS, _PATTERNS))

# Aromatic rings claimed whole, with k substituents: Table 7.10's benzene step (module docstring)
# applied to the fitted rings too, so one fitted ring serves every substitution pattern.
_BENZENE = (1590.0, 110.0**2, 0.0, 90.4)
_RING_STEP_F_D, _RING_STEP_VOLUME = -160.0, -19.0
_RING_UNITS = ("naphthalene ring", "benzene ring", "pyridine ring", "furan ring")
#: What :func:`training.hansen_groups` fits: F_d, ΣF_p², E_h, V of each, per instance.
FITTED_GROUPS = (*(g.name for g in _GROUPS if g.fitted), *(u for u in _RING_UNITS if u != "benzene ring"))
FITTED_GROUPS_FILE = "hansen_fitted_groups.csv"
#: Fitted groups held non-polar (ΣF_p² = E_h = 0), as Table 7.10 holds -CH3, =CH- and >C<: fitted
#: freely, =CH2 took the polarity of the acrylates and vinyl ethers it mostly occurs in.
NONPOLAR_FITTED = ("=CH2", ">Si<")

_RING_F_D = 190.0                          # HVK ring increment (each non-aromatic ring)
_RING_VOLUME = {True: 16.0, False: 18.0}   # Fedors ring closure: ≥ 5 atoms / 3–4 atoms
# Fedors per-atom halogen volume by how many of that halogen share the carbon (1, 2, ≥ 3) ...
_HALOGEN_VOLUME = {9: (18.0, 20.0, 22.0), 17: (24.0, 26.0, 27.3), 35: (30.0, 31.0, 32.4)}
_HALOGEN_ON_SP2_VOLUME = 4.0               # ... plus this on a carbon with a double bond
_OH_VICINAL_VOLUME = 13.0                  # Fedors: OH disubstituted or on adjacent C atoms
_MAX_MATCHES = 1_000_000
_STAR, _HYDROGEN, _AROMATIC = (Chem.MolFromSmarts(s) for s in ("[#0]", "[#1]", "a"))


@dataclass
class _Sums:
    f_d: float = 0.0
    e_h: float = 0.0
    volume: float = 0.0
    polar: list = field(default_factory=list)  # (F_p², atom indices) per polar group
    n_heavy: int = 0
    n_claimed: int = 0
    fitted: Counter = field(default_factory=Counter)  # instances of each FITTED_GROUPS member


_Values = dict[str, tuple[float, float, float, float]]  # F_d, ΣF_p², E_h, V of each fitted group


@cache
def _fitted_values() -> _Values:
    """The fitted groups' values, from the shipped table (``training.hansen_groups`` writes it)."""
    rows = csv.DictReader(io.StringIO(verified_asset(FITTED_GROUPS_FILE).decode("utf-8")))
    columns = ("f_d_j05_cm15_per_mol", "f_p_squared_j_cm3_per_mol2", "e_h_j_per_mol", "volume_cm3_per_mol")
    values: _Values = {row["group"]: tuple(float(row[c]) for c in columns) for row in rows}  # type: ignore[misc]
    if set(values) != set(FITTED_GROUPS):
        raise DataFileError(f"assets/{FITTED_GROUPS_FILE} lists {sorted(values)}, not {sorted(FITTED_GROUPS)}; "
                            "rerun python -m training.hansen_groups")
    return values


def _aromatic_units(mol: Chem.Mol, rings: list[tuple[int, ...]]) -> list[tuple[str, frozenset[int]]]:
    """The aromatic ring units of _RING_UNITS, in that order; a ring belongs to one unit at most.

    A naphthalene is two all-carbon aromatic six-rings sharing a bond; a pyridine ring has one
    uncharged ring N and five C, a furan ring one O and four C. Other aromatic rings (a third
    fused ring's, pyrrole, thiophene, diazines) stay unclaimed.
    """
    symbols = [(len(r), all(mol.GetAtomWithIdx(i).GetIsAromatic() for i in r),
                sorted(mol.GetAtomWithIdx(i).GetSymbol() + str(mol.GetAtomWithIdx(i).GetFormalCharge())
                       for i in r)) for r in rings]
    carbocycle = [n == 6 and aromatic and set(s) == {"C0"} for n, aromatic, s in symbols]
    units: list[tuple[str, frozenset[int]]] = []
    used: set[int] = set()
    for i, j in ((i, j) for i in range(len(rings)) for j in range(i + 1, len(rings))):
        if carbocycle[i] and carbocycle[j] and i not in used and j not in used \
                and len(set(rings[i]) & set(rings[j])) == 2:
            units.append(("naphthalene ring", frozenset(rings[i] + rings[j])))
            used.update((i, j))
    kinds = {(6, ("C0",) * 6): "benzene ring", (6, ("C0",) * 5 + ("N0",)): "pyridine ring",
             (5, ("C0",) * 4 + ("O0",)): "furan ring"}
    for name in _RING_UNITS[1:]:
        for i, (n, aromatic, s) in enumerate(symbols):
            if i not in used and aromatic and kinds.get((n, tuple(s))) == name:
                units.append((name, frozenset(rings[i])))
                used.add(i)
    return units


def _group_sums(mol: Chem.Mol, elements: set[int], rings: list[tuple[int, ...]], values: _Values) -> _Sums:
    """Add up the groups of a molecule without dummy atoms, the fitted ones at ``values``.

    ``rings`` are the molecule's own rings: for a closed repeat unit, those of each copy of the
    unit, and not the ring that closing it made (that ring is the chain, not a ring increment).
    """
    sums = _Sums()
    sums.n_heavy = mol.GetNumHeavyAtoms()
    claimed: set[int] = set()

    aromatic = {m[0] for m in mol.GetSubstructMatches(_AROMATIC, maxMatches=_MAX_MATCHES)}
    # Aromatic rings first, each claimed whole or not at all.
    for name, atoms in _aromatic_units(mol, rings):
        if claimed.intersection(atoms):
            continue
        k = sum(1 for i in atoms for n in mol.GetAtomWithIdx(i).GetNeighbors() if n.GetIdx() not in atoms)
        if name == "benzene ring":
            f_d, f_p2, e_h, volume = _BENZENE
        else:
            f_d, f_p2, e_h, volume = values[name]
            sums.fitted[name] += 1
        sums.f_d += f_d + _RING_STEP_F_D * k
        sums.e_h += e_h
        sums.volume += volume + _RING_STEP_VOLUME * k
        sums.polar.append((f_p2, tuple(sorted(atoms))))
        claimed.update(atoms)

    for group, pattern, needs in zip(_GROUPS, _PATTERNS, _NEEDS):
        if not needs <= elements:
            continue  # a cheap skip: most groups cannot occur in most molecules
        # with context atoms, a symmetric pair (C=C) must be seen from both ends: no uniquify
        for match in mol.GetSubstructMatches(pattern, uniquify=not group.n_own,
                                             maxMatches=_MAX_MATCHES):
            own = match[: group.n_own] if group.n_own else match
            if claimed.intersection(own):
                continue
            claimed.update(own)
            if group.fitted:
                f_d, f_p2, e_h, volume = values[group.name]
                sums.fitted[group.name] += 1
            else:
                f_d, f_p2, e_h = group.f_d, group.f_p_squared, group.e_h
                volume = _volume(group, mol.GetAtomWithIdx(own[0]))
            sums.f_d += f_d
            sums.e_h += e_h
            sums.volume += volume
            if f_p2 > 0:
                sums.polar.append((f_p2, own))

    for ring in rings:
        if not aromatic.issuperset(ring):
            sums.f_d += _RING_F_D
            sums.volume += _RING_VOLUME[len(ring) >= 5]
    sums.n_claimed = len(claimed)
    return sums


def _volume(group: _Group, atom: Chem.Atom) -> float:
    """Fedors volume of one group instance, with his per-atom halogen and OH variants."""
    z = atom.GetAtomicNum()
    if z in _HALOGEN_VOLUME and group.n_own == 1:
        carbon = atom.GetNeighbors()[0]
        n_same = sum(1 for a in carbon.GetNeighbors() if a.GetAtomicNum() == z)
        sp2 = carbon.GetIsAromatic() or any(
            b.GetBondType() == Chem.BondType.DOUBLE for b in carbon.GetBonds())
        return _HALOGEN_VOLUME[z][min(n_same, 3) - 1] + (_HALOGEN_ON_SP2_VOLUME if sp2 else 0.0)
    if group.name == "-OH":
        carbon = atom.GetNeighbors()[0]
        near = [carbon, *carbon.GetNeighbors()]
        other_oh = any(o.GetIdx() != atom.GetIdx() and o.GetAtomicNum() == 8
                       and o.GetDegree() == 1 and o.GetTotalNumHs() == 1
                       for c in near for o in c.GetNeighbors())
        return _OH_VICINAL_VOLUME if other_oh else group.volume
    return group.volume


def _polar_sum(mol: Chem.Mol, polar: list, symmetric: bool) -> float:
    """ΣF_p², with the graph proxy of Van Krevelen's symmetry rule when ``symmetric``."""
    total = sum(p2 for p2, _ in polar)
    if not symmetric or len(polar) < 2:
        return total
    ranks = list(Chem.CanonicalRankAtoms(mol, breakTies=False))
    if len({tuple(sorted(ranks[i] for i in atoms)) for _, atoms in polar}) != 1:
        return total
    factor = {2: 0.5, 3: 0.25}.get(len(polar), 0.0)
    return total * factor**2


def _stars(mol: Chem.Mol) -> list[int]:
    return [m[0] for m in mol.GetSubstructMatches(_STAR)]


def _close_repeat_unit(mol: Chem.Mol) -> tuple[Chem.Mol, int, list[tuple[int, ...]]]:
    """Join copies of a repeat unit head to tail into a ring: no ends, so a group split across
    the '*' (the ester of ``*OCCCCCC(*)=O``) is seen whole and any way of writing it agrees.

    Two copies suffice unless the backbone is one atom long (then three, to avoid a 2-ring).
    Returns the closed molecule, the number of copies and the rings of every copy.
    """
    star_a, star_b = _stars(mol)
    head = mol.GetAtomWithIdx(star_a).GetNeighbors()[0].GetIdx()
    tail = mol.GetAtomWithIdx(star_b).GetNeighbors()[0].GetIdx()
    n_units = 3 if head == tail else 2
    n_atoms = mol.GetNumAtoms()
    combined = Chem.RWMol(mol)
    for _ in range(n_units - 1):
        combined.InsertMol(mol)
    join_pairs = [(tail + i * n_atoms, head + (i + 1) % n_units * n_atoms) for i in range(n_units)]
    for begin, end in join_pairs:
        combined.AddBond(begin, end, Chem.BondType.SINGLE)
    # A '*' single bond becomes a join single bond, so every atom keeps its hydrogen count.
    removed = sorted(s + i * n_atoms for i in range(n_units) for s in (star_a, star_b))
    combined.BeginBatchEdit()
    for idx in removed:
        combined.RemoveAtom(idx)
    combined.CommitBatchEdit()
    closed = combined.GetMol()
    # Aromaticity and charges are kept from the unit; valences need a refresh. No SSSR here: on
    # a long backbone the chain ring is huge and slow to perceive, and the unit's rings suffice.
    Chem.SanitizeMol(closed, Chem.SANITIZE_PROPERTIES)
    Chem.FastFindRings(closed)
    rings = [tuple(j - bisect.bisect_left(removed, j) for j in (i + c * n_atoms for i in ring))
             for c in range(n_units) for ring in _rings(mol)]
    return closed, n_units, rings


def _rings(mol: Chem.Mol) -> list[tuple[int, ...]]:
    return [tuple(ring) for ring in Chem.GetSymmSSSR(mol)]


def _sums_per_unit(mol: Chem.Mol, values: _Values | None = None) -> tuple[_Sums, Chem.Mol, int, bool]:
    """Group sums of a solvent, or of one repeat unit of a polymer (two '*' ends)."""
    mol = _without_explicit_h(mol)
    stars = _stars(mol)
    elements = {mol.GetAtomWithIdx(i).GetAtomicNum() for i in range(mol.GetNumAtoms())}
    values = _fitted_values() if values is None else values
    if len(stars) == 2:
        closed, n_units, rings = _close_repeat_unit(mol)
        return _group_sums(closed, elements, rings, values), closed, n_units, True
    if stars:
        raise UnsupportedMoleculeError(
            f"a repeat unit needs exactly two '*' ends, got {len(stars)}", Chem.MolToSmiles(mol))
    return _group_sums(mol, elements, _rings(mol), values), mol, 1, False


def fitted_group_terms(mol: Chem.Mol) -> tuple[np.ndarray, dict[str, float], float] | None:
    """What a fit of the FITTED_GROUPS needs of a molecule (per repeat unit for a polymer): the sums
    of its tabulated groups (F_d, ΣF_p², E_h, V), how many of each fitted group it holds, and the
    factor² by which the symmetry rule scales its ΣF_p² (1 for a polymer); None when some atom is in
    no group at all."""
    # a placeholder F_p² of 1 marks which groups are polar, so the symmetry proxy sees them
    marks = {g: (0.0, 0.0 if g in NONPOLAR_FITTED else 1.0, 0.0, 0.0) for g in FITTED_GROUPS}
    sums, closed, n_units, is_polymer = _sums_per_unit(mol, marks)
    if sums.n_claimed < sums.n_heavy:
        return None
    total = sum(p2 for p2, _ in sums.polar)
    marked = sum(n for g, n in sums.fitted.items() if g not in NONPOLAR_FITTED)
    factor2 = 1.0 if is_polymer or total == 0 else _polar_sum(closed, sums.polar, symmetric=True) / total
    known = np.array([sums.f_d, total - marked, sums.e_h, sums.volume]) / n_units
    return known, {name: count / n_units for name, count in sums.fitted.items() if count}, factor2


def _without_explicit_h(mol: Chem.Mol) -> Chem.Mol:
    return Chem.RemoveHs(mol) if mol.HasSubstructMatch(_HYDROGEN) else mol


def estimate_hansen(mol: Chem.Mol) -> HansenEstimate:
    """Hansen parameters [MPa^0.5] and molar volume [cm³/mol] of a solvent or a repeat unit.

    δD = ΣF_d/V, δP = sqrt(ΣF_p²)/V, δH = sqrt(ΣE_h/V) with Hoftyzer–Van Krevelen groups, V from
    Fedors' increments, and the fitted groups of ``assets/hansen_fitted_groups.csv`` (module
    docstring). A repeat unit (two '*' ends) gives values per repeat unit. NaN values and
    ``coverage`` < 1 when some heavy atom is in no group.

    Toluene: F_d = 1430 + 420 = 1850 over V = 71.4 + 33.5 = 104.9 cm³/mol gives δD = 17.6
    (Hansen, *Hansen Solubility Parameters: A User's Handbook*, 2nd ed. 2007: 18.0).

    >>> from rdkit import Chem
    >>> round(estimate_hansen(Chem.MolFromSmiles("Cc1ccccc1")).delta_d_mpa05, 1)
    17.6
    """
    sums, closed, n_units, is_polymer = _sums_per_unit(mol)
    coverage = sums.n_claimed / sums.n_heavy if sums.n_heavy else 0.0
    if coverage < 1.0 or sums.volume <= 0.0:
        nan = float("nan")
        return HansenEstimate(nan, nan, nan, nan, coverage)
    volume = sums.volume / n_units
    f_p = math.sqrt(_polar_sum(closed, sums.polar, symmetric=not is_polymer) / n_units)
    return HansenEstimate(
        delta_d_mpa05=sums.f_d / n_units / volume,
        delta_p_mpa05=f_p / volume,
        delta_h_mpa05=math.sqrt(sums.e_h / n_units / volume),
        molar_volume_cm3_per_mol=volume,
        coverage=coverage,
    )


def _backbone_length(mol: Chem.Mol) -> int:
    """Main-chain atoms of a repeat unit: the shortest path between its two '*' ends."""
    star_a, star_b = _stars(mol)
    return len(Chem.GetShortestPath(mol, star_a, star_b)) - 2


def estimate_density_g_per_cm3(mol: Chem.Mol, glassy: bool = False) -> float:
    """Amorphous density at 298 K [g/cm³] of a repeat unit (or a liquid's density): M / V.

    V is the sum of Fedors' increments (Polym. Eng. Sci. 14, 147 (1974)), which describe the
    liquid, i.e. a rubbery amorphous polymer at 25 °C. For a polymer glassy at 25 °C
    (Tg > 298 K, say polystyrene or PVC) pass ``glassy=True`` for Fedors' correction
    ΔV = 4n (n < 3) or 2n (n ≥ 3) [cm³/mol], n = main-chain atoms per repeat unit.
    NaN when a group is missing (``estimate_hansen(mol).coverage`` < 1).

    Polyethylene: M = 28.05 g/mol over V = 2 × 16.1 cm³/mol gives 0.87 g/cm³ (amorphous PE at
    25 °C: 0.855, Orwoll in Mark (ed.), *Physical Properties of Polymers Handbook*, 2007).

    >>> from rdkit import Chem
    >>> round(estimate_density_g_per_cm3(Chem.MolFromSmiles("*CC*")), 2)
    0.87
    """
    sums, closed, n_units, is_polymer = _sums_per_unit(mol)
    if sums.n_claimed < sums.n_heavy or sums.volume <= 0.0:
        return float("nan")
    volume = sums.volume / n_units
    if glassy and is_polymer:
        n = _backbone_length(_without_explicit_h(mol))
        volume += 4.0 * n if n < 3 else 2.0 * n
    return Descriptors.MolWt(closed) / n_units / volume


def _components(value: HansenEstimate | tuple[float, float, float]) -> np.ndarray:
    if isinstance(value, HansenEstimate):
        return np.array([value.delta_d_mpa05, value.delta_p_mpa05, value.delta_h_mpa05])
    array = np.asarray(value, dtype=float)
    if array.shape != (3,):
        raise InputError(f"Hansen parameters must be (δD, δP, δH), got shape {array.shape}")
    return array


def hansen_distance_mpa05(p: HansenEstimate | tuple[float, float, float],
                          s: HansenEstimate | tuple[float, float, float]) -> float:
    """Hansen distance Ra [MPa^0.5] between a polymer and a solvent.

    Ra = sqrt(4 ΔδD² + ΔδP² + ΔδH²)  (Hansen, *Hansen Solubility Parameters: A User's Handbook*,
    2nd ed., CRC 2007, eq. 1.9).

    >>> hansen_distance_mpa05((18.5, 4.5, 2.9), (18.0, 1.4, 2.0))
    3.3793490497431606
    """
    d = _components(p) - _components(s)
    return float(math.sqrt(4.0 * d[0] ** 2 + d[1] ** 2 + d[2] ** 2))


def hansen_chi(delta_polymer: HansenEstimate | tuple[float, float, float],
               delta_solvent: HansenEstimate | tuple[float, float, float],
               solvent_molar_volume_cm3_per_mol: float,
               temperature_k: float | np.ndarray,
               alpha: float = 0.6) -> float | np.ndarray:
    """Flory–Huggins χ [-] from Hansen parameters (Lindvig, Michelsen & Kontogeorgis, Fluid
    Phase Equilib. 194–197, 663 (2002)):

        χ = α V_s / (R T) · [ΔδD² + ¼ ΔδP² + ¼ ΔδH²],   α = 0.6

    with δ in MPa^0.5 (so δ² in J/cm³), V_s in cm³/mol and T in K. Vectorized over temperature.

    >>> round(hansen_chi((18.5, 4.5, 2.9), (18.0, 1.4, 2.0), 106.8, 298.15), 4)
    0.0738
    """
    if not solvent_molar_volume_cm3_per_mol > 0:
        raise InputError(
            f"solvent molar volume must be > 0 cm³/mol, got {solvent_molar_volume_cm3_per_mol}")
    temperatures_k = np.asarray(temperature_k, dtype=float)
    if np.any(~(temperatures_k > 0)):
        raise InputError(f"temperature must be > 0 K, got {temperature_k}")
    d = _components(delta_polymer) - _components(delta_solvent)
    energy_j_per_cm3 = d[0] ** 2 + 0.25 * d[1] ** 2 + 0.25 * d[2] ** 2
    chi = alpha * solvent_molar_volume_cm3_per_mol * energy_j_per_cm3 / (
        GAS_CONSTANT_J_PER_MOL_K * temperatures_k)
    return float(chi) if chi.ndim == 0 else chi
