"""Crystalline polymers: melting-point depression, the dissolution temperature, and why.

A semicrystalline polymer dissolves only when its crystals melt into the solution, however good
χ is. Flory's melting-point depression of a polymer diluted by a solvent (P. J. Flory, Principles
of Polymer Chemistry, Cornell 1953, ch. XIII, eq. 28; J. Chem. Phys. 1949, 17, 223):

    1/Tm - 1/Tm0 = (R / ΔHu) (Vu / V1) (φ1 - χ φ1²)

with ΔHu the heat of fusion per mole of repeat unit [J/mol], Vu and V1 the molar volumes of the
repeat unit and of the solvent [cm3/mol], φ1 the solvent volume fraction. The dissolution
temperature Td is the melting point in a dilute solution (φ1 → 1):

    1/Td = 1/Tm + K (1 - χ(Td)),        K = R Vu / (ΔHu V1)

Written as a condition on χ, the crystals melt into the dilute solution at T exactly when

    χ(T) < χ_m(T) = 1 - (1/T - 1/Tm) / K,

so χ_m is the "melting χ": below Tm it falls steeply (by ΔHu V1 / (R Vu T²) per kelvin, about 0.02
for polyethylene in xylene), at Tm it is 1. With χ(T) = a + b_k/T the equation is linear in 1/T
and has the closed form

    1/Td = (1/Tm + K (1 - a)) / (1 + K b_k)            (for 1 + K b_k > 0),

and for a constant χ (b_k = 0): 1/Td = 1/Tm + K (1 - χ).

**When the solvent is too poor.** Flory's equation assumes that the liquid the crystals melt into
is one homogeneous solution. That holds at every composition only while χ < χ_c =
(1 + 1/sqrt N)² / 2 = 1/2 + 1/sqrt N + 1/(2N) (N the chain length in solvent volumes). For χ > χ_c
the liquid splits into a polymer-rich and a polymer-poor phase: the crystals melt into the swollen
polymer-rich liquid (a monotectic) and the polymer does not go into solution. So a crystalline
polymer dissolves at T exactly when

    χ(T) < min(χ_c, χ_m(T)),

which is :func:`dissolution_chi_limit`, the one home of this rule (:func:`dissolution_window` solves it
for the temperatures, for many pairs at once); an amorphous polymer has no χ_m
(χ_m = +inf) and dissolves when χ < χ_c. The dissolution temperature is the lowest temperature of
that set; with χ ± σ (the model's band) it gives an interval. Precipitation on cooling follows the
same curve: a solution cooled below Td is supersaturated with respect to the crystals (in practice
they appear some kelvin lower: crystallization needs undercooling).

**Strong solvents.** Written with the χ the model gives, Flory's equation keeps PVDF out of NMP,
DMF and DMAc, PA6 out of formic acid and PET out of HFIP at room temperature (Td 80–150 °C), although
each dissolves there: the measured χ the model learned from is a composition average, while the
crystals melt into a dilute solution where each chain segment is surrounded by solvent, which a
strong donor–acceptor pair (a hydrogen bond to a carbonyl, an acid to an amide) solvates far better.
COSMO-SAC's residual χ (``chiapp.quantum``: a segment in pure solvent, hydrogen bonding included)
measures that solvation, so the melting χ of a crystalline polymer is raised by

    Δ = β · max(0, −χ_QC(300 K)),        χ_m(T) = 1 + Δ − (1/T − 1/Tm) / K,

the same as melting at 1/Tm' = 1/Tm + K Δ (:func:`solvated_inverse_melting_k`). β is one number,
fitted by ``python -m training.solvation`` on the cited dissolution facts of
``assets/evidence/dissolution_temperatures.csv`` (leave-polymer-out figures in the manifest);
Δ = 0 where χ_QC ≥ 0 (polyolefins in hydrocarbons keep Flory's limit exactly) or is unknown (a
molecule, or a blend component, without σ-profile; a blend's χ_QC is Σφ_j χ_QC,j). Δ is a point value:
its error is not in σ.

**Which melting point.** Tm0, the equilibrium melting point of infinitely thick crystals, is an
upper bound; real lamellae melt lower (Gibbs–Thomson), and the same surface term lowers the melting
point in solution (Nakajima & Hamada, Mem. Fac. Eng. Kyoto Univ. 1965, 27, 231: with folded-chain
crystals of fold length l the depression keeps Flory's form with Tm0 replaced by Tm0(l)). By default
Tm is the melting point of a typical commercial grade (the DSC peak,
``melting_point_c`` of ``assets/crystallinity.csv``), which is what a recycler's article has;
``basis="equilibrium"`` uses Tm0. ΔHu is the per-mole heat of fusion of the perfect crystal
(Wunderlich and others, with sources in the table); Vu = M0 / ρ_amorphous.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Protocol

import numpy as np
import pandas as pd
from scipy.constants import R

from chiapp.chemistry import normalize_name
from chiapp.errors import ChiAppError, DataFileError, InputError
from chiapp.resources import asset_path, verified_asset
from chiapp.units import REFERENCE_TEMPERATURE_K, ZERO_CELSIUS_K

__all__ = [
    "CRYSTALLINITY_FILE",
    "SEARCH_TEMPERATURES_K",
    "CrystallineData",
    "CrystallineOverride",
    "CrystallineLimit",
    "crystallinity_table",
    "crystalline_data",
    "grade_of",
    "k_per_kelvin",
    "melting_chi",
    "SOLVATION_NODE_K",
    "solvation_shift",
    "solvated_inverse_melting_k",
    "dissolution_chi_limit",
    "dissolution_window",
    "dissolution_temperature_k",
    "crystalline_limit",
    "dissolution_reason",
]

CRYSTALLINITY_FILE = asset_path("crystallinity.csv")
#: Bases of the melting point: a typical commercial grade (DSC peak) or the equilibrium Tm0.
BASES = ("typical", "equilibrium")
_R_CM3 = R  # J/(mol K); K = R Vu / (ΔHu V1) is dimensionless per kelvin with Vu/V1 a ratio


# ---------------------------------------------------------------------------------------------
# Data

@dataclass(frozen=True)
class CrystallineData:
    """What the melting-point depression needs of one crystalline grade.

    ``melting_point_k`` is the Tm used [K] (a typical grade's, or Tm0 with basis 'equilibrium', or
    the user's); ``heat_of_fusion_j_per_mol`` ΔHu per mole of the library repeat unit [J/mol];
    ``repeat_unit_molar_volume_cm3_per_mol`` Vu = M0 / ρ_amorphous [cm3/mol]; ``crystallinity``
    the typical mass fraction of crystals [-] (it does not enter Td: only the crystals' melting
    point does); ``source`` names where each number comes from.
    """

    polymer: str
    grade: str
    smiles: str
    melting_point_k: float
    equilibrium_melting_point_k: float | None
    heat_of_fusion_j_per_mol: float
    repeat_unit_molar_volume_cm3_per_mol: float
    crystallinity: float
    source: str
    overridden: bool = False

    @property
    def melting_point_c(self) -> float:
        return self.melting_point_k - ZERO_CELSIUS_K


@dataclass(frozen=True)
class CrystallineOverride:
    """A user's correction of the table: a measured melting point [°C], a heat of fusion per mole
    of repeat unit [J/mol], a crystallinity (0 makes the polymer amorphous: an amorphous grade),
    or the grade to use (HDPE, LDPE, iPP, sPS, PDLLA... as in ``assets/crystallinity.csv``)."""

    melting_point_c: float | None = None
    heat_of_fusion_j_per_mol: float | None = None
    crystallinity: float | None = None
    grade: str | None = None


def _as_override(value) -> CrystallineOverride | None:
    if value is None or isinstance(value, CrystallineOverride):
        return value
    if isinstance(value, Mapping):
        known = {f.name for f in fields(CrystallineOverride)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise InputError(f"unknown crystalline override(s) {', '.join(map(repr, unknown))}; expected "
                             f"{', '.join(sorted(known))}")
        return CrystallineOverride(**{k: v for k, v in value.items() if v is not None})
    raise InputError(f"overrides must be a CrystallineOverride or a mapping, got {type(value).__name__}")


def _positive(name: str, value, *, allow_zero: bool = False, upper: float | None = None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    low_ok = number >= 0 if allow_zero else number > 0
    if not math.isfinite(number) or not low_ok or (upper is not None and number > upper):
        bound = f"between 0 and {upper:g}" if upper is not None else ("≥ 0" if allow_zero else "> 0")
        raise InputError(f"{name} must be finite and {bound}, got {value!r}")
    return number


@lru_cache(maxsize=1)
def crystallinity_table() -> pd.DataFrame:
    """``assets/crystallinity.csv``: one row per grade, with its sources (read once; do not modify)."""
    try:
        table = pd.read_csv(io.BytesIO(verified_asset("crystallinity.csv")),
                            dtype={"grade_synonyms": str, "notes": str})
        sources = pd.read_csv(io.BytesIO(verified_asset("crystallinity_sources.csv")))
    except (OSError, pd.errors.ParserError) as err:
        raise DataFileError(f"cannot read {CRYSTALLINITY_FILE}: {err}") from err
    references = dict(zip(sources["key"], sources["reference"]))
    for column in ("melting_point_source", "equilibrium_source", "heat_of_fusion_source", "crystallinity_source"):
        table[column] = table[column].fillna("").astype(str)
        missing = sorted(set(table[column]) - set(references) - {""})
        if missing:
            raise DataFileError(f"crystallinity.csv cites unknown sources {missing}")
    table["grade_synonyms"] = table["grade_synonyms"].fillna("").astype(str)
    table["notes"] = table["notes"].fillna("").astype(str)
    table.attrs["references"] = references
    return table


class NamedPolymer(Protocol):
    """What the table lookup needs of a resolved polymer (``chiapp.library.Molecule``)."""

    @property
    def name(self) -> str | None: ...

    @property
    def smiles(self) -> str: ...

    @property
    def grade(self) -> str | None: ...


def _grade_keys(row) -> set[str]:
    return {normalize_name(row["grade"])} | {normalize_name(s) for s in row["grade_synonyms"].split(";") if s}


def grade_of(polymer_name: str, text: str) -> str | None:
    """The grade of ``polymer_name`` that ``text`` names ("LDPE", "iPP", "PDLLA"), or None when the text
    names no grade, or the polymer has only one (the table's default grade then applies)."""
    table = crystallinity_table()
    key = normalize_name(text)
    rows = table[table["polymer"] == polymer_name]
    if len(rows) < 2:
        return None
    for _, row in rows.iterrows():
        if key in _grade_keys(row):
            return str(row["grade"])
    return None


def _grade_row(polymer_name: str, grade: str | None) -> pd.Series | None:
    table = crystallinity_table()
    rows = table[table["polymer"] == polymer_name]
    if rows.empty:
        return None
    if grade:
        for _, row in rows.iterrows():
            if normalize_name(grade) in _grade_keys(row):
                return row
        raise InputError(f"unknown grade {grade!r} of {polymer_name}; the table has {', '.join(rows['grade'])}")
    return rows[rows["default"].astype(bool)].iloc[0]


def _repeat_unit_volume(smiles: str, density) -> float:
    from rdkit import Chem
    from rdkit.Chem import Descriptors

    mass = Descriptors.MolWt(Chem.MolFromSmiles(smiles))  # '*' atoms weigh nothing
    if density is None or not density == density:
        from chiapp import hansen
        from chiapp.chemistry import parse_polymer
        try:
            density = hansen.estimate_density_g_per_cm3(parse_polymer(smiles))
        except ChiAppError:
            density = float("nan")
        if not (math.isfinite(density) and density > 0):
            density = 1.0  # M0 / (1 g/cm3): a 20 % error in Vu moves Td by a few kelvin
    return float(mass / density)


def crystalline_data(polymer: NamedPolymer, *, overrides=None, basis: str = "typical",
                     density_g_per_cm3: float | None = None) -> CrystallineData | None:
    """The crystalline data of a resolved polymer (``chiapp.library.resolve_polymer``), or None when it
    is amorphous (an amorphous grade, or a polymer the table does not list).

    The grade is the override's, else the molecule's own (``resolve_polymer("LDPE").grade``), else the
    table's default for that polymer. ``overrides`` (a :class:`CrystallineOverride` or a mapping of
    its fields) replaces table values: ``crystallinity=0`` makes it amorphous, a ``melting_point_c``
    and ``heat_of_fusion_j_per_mol`` make any polymer crystalline. ``density_g_per_cm3`` is the
    library's density, used for the repeat unit's volume when the table has no amorphous density.

    >>> from chiapp.library import resolve_polymer
    >>> crystalline_data(resolve_polymer("LDPE")).melting_point_c
    110.0
    >>> crystalline_data(resolve_polymer("polystyrene")) is None
    True
    """
    if basis not in BASES:
        raise InputError(f"basis must be one of {', '.join(BASES)}, got {basis!r}")
    override = _as_override(overrides)
    grade = override.grade if override is not None and override.grade else polymer.grade
    name = polymer.name
    row = _grade_row(name, grade) if name else None
    references = crystallinity_table().attrs["references"]

    melting_k = equilibrium_k = heat = None
    crystallinity, grade_name, density, source = 0.0, grade or "", None, ""
    if row is not None:
        grade_name = str(row["grade"])
        crystallinity = float(row["crystallinity"])
        equilibrium = row["equilibrium_melting_point_k"]
        equilibrium_k = None if pd.isna(equilibrium) else float(equilibrium)
        if basis == "equilibrium" and equilibrium_k is not None:
            melting_k = equilibrium_k
        elif not pd.isna(row["melting_point_c"]):
            melting_k = float(row["melting_point_c"]) + ZERO_CELSIUS_K
        heat = None if pd.isna(row["heat_of_fusion_j_per_mol"]) else float(row["heat_of_fusion_j_per_mol"])
        density = None if pd.isna(row["amorphous_density_g_per_cm3"]) else float(row["amorphous_density_g_per_cm3"])
        used = [row["melting_point_source"] if basis == "typical" or equilibrium_k is None
                else row["equilibrium_source"], row["heat_of_fusion_source"], row["crystallinity_source"]]
        source = "; ".join(dict.fromkeys(references[k] for k in used if k))
    if density is None and density_g_per_cm3 is not None and math.isfinite(density_g_per_cm3):
        density = float(density_g_per_cm3)

    overridden = False
    if override is not None:
        if override.melting_point_c is not None:
            melting_k = _positive("melting_point_c in kelvin", float(override.melting_point_c) + ZERO_CELSIUS_K)
            overridden = True
        if override.heat_of_fusion_j_per_mol is not None:
            heat = _positive("heat_of_fusion_j_per_mol", override.heat_of_fusion_j_per_mol)
            overridden = True
        if override.crystallinity is not None:
            crystallinity = _positive("crystallinity", override.crystallinity, allow_zero=True, upper=1.0)
            overridden = True
        elif row is None and overridden:
            crystallinity = float("nan")  # made crystalline by the user, fraction unknown
        if overridden:
            source = (source + "; " if source else "") + "user override"
    if crystallinity == 0.0 or (row is None and not overridden):
        return None
    if melting_k is None or heat is None:
        missing = " and ".join(n for n, v in (("melting_point_c", melting_k), ("heat_of_fusion_j_per_mol", heat))
                               if v is None)
        raise InputError(f"{name or polymer.smiles} is crystalline but its {missing} is not known; "
                         "give it as an override")
    return CrystallineData(
        polymer=name or polymer.smiles, grade=grade_name, smiles=polymer.smiles, melting_point_k=melting_k,
        equilibrium_melting_point_k=equilibrium_k, heat_of_fusion_j_per_mol=heat,
        repeat_unit_molar_volume_cm3_per_mol=_repeat_unit_volume(polymer.smiles, density),
        crystallinity=crystallinity, source=source, overridden=overridden)


# ---------------------------------------------------------------------------------------------
# The physics

def k_per_kelvin(data: CrystallineData, solvent_molar_volume_cm3_per_mol):
    """K = R Vu / (ΔHu V1) [1/K]; V1 a number or an array (then K is one)."""
    volume = np.asarray(solvent_molar_volume_cm3_per_mol, dtype=float)
    if not (np.all(np.isfinite(volume)) and np.all(volume > 0)):
        raise InputError("solvent_molar_volume_cm3_per_mol must be finite and > 0")
    k = _R_CM3 * data.repeat_unit_molar_volume_cm3_per_mol / (data.heat_of_fusion_j_per_mol * volume)
    return float(k) if k.ndim == 0 else k


#: The node of COSMO-SAC's χ [K] (one of ``chiapp.quantum.chi.QC_NODES_K``) read for the solvation shift.
SOLVATION_NODE_K = 300.0


def solvation_shift(chi_qc, weight: float) -> np.ndarray:
    """Δ = β·max(0, −χ_QC) [-] (see the module docstring): how much strong specific interactions raise
    the melting χ; 0 where χ_QC is unknown (NaN) or ≥ 0."""
    chi_qc = np.nan_to_num(np.asarray(chi_qc, dtype=float), nan=0.0)
    return float(weight) * np.maximum(-chi_qc, 0.0)


def solvated_inverse_melting_k(inverse_melting_k, k, shift):
    """1/Tm' = 1/Tm + K·Δ [1/K]: χ_m + Δ = 1 − (1/T − 1/Tm')/K, so the dissolution window and the
    limit need no other change."""
    return np.asarray(inverse_melting_k, dtype=float) + np.asarray(k, dtype=float) * np.asarray(shift, dtype=float)


def melting_chi(temperatures_k, data: CrystallineData | None, solvent_molar_volume_cm3_per_mol,
                solvation: float = 0.0) -> np.ndarray:
    """χ_m(T) = 1 + Δ - (1/T - 1/Tm) / K [-]: the largest χ at which the crystals melt into a dilute
    solution at T (Flory's melting-point depression at φ1 → 1, raised by the solvation shift Δ,
    ``solvation``); +inf for an amorphous polymer.
    Temperatures and solvent volumes broadcast (e.g. (T,) with (S, 1) gives (S, T)).

    >>> data = CrystallineData("x", "", "*CC*", 400.0, None, 8000.0, 32.0, 0.5, "")
    >>> float(melting_chi(400.0, data, 100.0)[0])
    1.0
    """
    t = np.atleast_1d(np.asarray(temperatures_k, dtype=float))
    if data is None:
        return np.full(np.broadcast_shapes(t.shape, np.shape(solvent_molar_volume_cm3_per_mol)), np.inf)
    k = k_per_kelvin(data, solvent_molar_volume_cm3_per_mol)
    return 1.0 + solvation - (1.0 / t - 1.0 / data.melting_point_k) / k


def dissolution_chi_limit(temperatures_k, data: CrystallineData | None, solvent_molar_volume_cm3_per_mol,
                          chi_critical, solvation: float = 0.0) -> np.ndarray:
    """min(χ_c, χ_m(T) + Δ) [-]: the polymer dissolves at T exactly when χ(T) is below this (Δ: ``solvation``).

    ``chi_critical`` is χ_c of the pair (a number, or an array broadcasting with the temperatures).
    For an amorphous polymer (``data`` None) it is χ_c.
    """
    return np.minimum(np.asarray(chi_critical, dtype=float),
                      melting_chi(temperatures_k, data, solvent_molar_volume_cm3_per_mol, solvation))


#: Where dissolution temperatures are looked for [K]: below 150 K no solution is liquid, above
#: 1,000 K nothing of χ(T) is left to trust. Fixed, so Td never depends on the temperatures asked.
SEARCH_TEMPERATURES_K = (150.0, 1000.0)


def _roots(qa: np.ndarray, qb: np.ndarray, qc: np.ndarray) -> np.ndarray:
    """Real roots of qa x² + qb x + qc (element-wise), (n, 2), NaN where there is none."""
    with np.errstate(divide="ignore", invalid="ignore"):
        linear = np.where(qb != 0, -qc / qb, np.nan)
        disc = qb * qb - 4.0 * qa * qc
        root = np.sqrt(np.where(disc >= 0, disc, np.nan))
        q = -0.5 * (qb + np.where(qb >= 0, 1.0, -1.0) * root)
        first, second = q / qa, qc / q
    is_linear = qa == 0
    return np.stack([np.where(is_linear, linear, first), np.where(is_linear, np.nan, second)], axis=1)


def dissolution_window(a, b_k, c_k2, chi_critical, k, inverse_melting_k) -> dict[str, np.ndarray]:
    """Where χ(T) = a + b_k/T + c_k2/T² lies below min(χ_c, χ_m(T)), for many pairs at once (n,).

    With x = 1/T both conditions are quadratics in x: χ < χ_c is c x² + b x + a − χ_c < 0, and χ < χ_m
    is c x² + (b + 1/K) x + a − 1 − x_m/K < 0 (x_m = 1/Tm); ``k`` NaN (or ``inverse_melting_k`` NaN)
    means amorphous: no melting condition; χ_c = +inf: no demixing condition. Their roots cut
    SEARCH_TEMPERATURES_K into pieces, each wholly in or out of the dissolved set. Returns arrays:
    ``low_k`` (Td: the lowest temperature of the dissolved set; NaN: never; SEARCH_TEMPERATURES_K[0]:
    no lower limit), ``high_k`` (where that window ends, an LCST; inf: none) and ``by_chi_c`` (True
    where χ_c, not melting, sets Td).

    For a constant χ and Flory's melting limit alone this is 1/Td = 1/Tm + K (1 − χ):

    >>> w = dissolution_window([0.2], [0.0], [0.0], [np.inf], [0.002], [1 / 400.0])
    >>> round(float(w["low_k"][0]), 6) == round(1 / (1 / 400.0 + 0.002 * 0.8), 6)
    True
    """
    with np.errstate(all="ignore"):  # subnormal or huge coefficients: roots outside the range are dropped below
        a, b, c = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (a, b_k, c_k2))
        return _window(a, b, c, chi_critical, k, inverse_melting_k)


def _window(a: np.ndarray, b: np.ndarray, c: np.ndarray, chi_critical, k, inverse_melting_k) -> dict[str, np.ndarray]:
    n = a.shape[0]
    chi_c = np.broadcast_to(np.asarray(chi_critical, dtype=float), (n,))
    k = np.broadcast_to(np.asarray(k, dtype=float), (n,))
    x_m = np.broadcast_to(np.asarray(inverse_melting_k, dtype=float), (n,))
    curved = c != 0
    if not curved.any():
        return _window_linear(a, b, chi_c, k, x_m)
    if curved.all():
        return _window_pieces(a, b, c, chi_c, k, x_m)
    out = _window_linear(a, b, chi_c, k, x_m)
    for name, values in _window_pieces(a[curved], b[curved], c[curved], chi_c[curved], k[curved],
                                       x_m[curved]).items():
        out[name][curved] = values
    return out


def _window_linear(a, b, chi_c, k, x_m) -> dict[str, np.ndarray]:
    """:func:`_window` where χ = a + b x (x = 1/T): both conditions are p·x + q < 0, half-lines in x, so
    the dissolved set is one interval of [x_lo, x_hi] (the general case, with c, is cut into pieces)."""
    x_lo, x_hi = 1.0 / SEARCH_TEMPERATURES_K[1], 1.0 / SEARCH_TEMPERATURES_K[0]
    crystalline = np.isfinite(k) & np.isfinite(x_m) & (k > 0)
    demix = np.isfinite(chi_c)
    safe_k = np.where(crystalline, k, 1.0)
    conditions = ((np.where(demix, b, 0.0), np.where(demix, a - chi_c, -1.0)),
                  (np.where(crystalline, b + 1.0 / safe_k, 0.0), np.where(crystalline, a - 1.0 - x_m / safe_k, -1.0)))
    low, high = np.full(a.shape, x_lo), np.full(a.shape, x_hi)
    for p, q in conditions:
        root = -q / np.where(p != 0, p, 1.0)
        high = np.where(p > 0, np.minimum(high, root), high)
        low = np.where(p < 0, np.maximum(low, root), low)
        low = np.where((p == 0) & ~(q < 0), np.inf, low)               # never below: an empty set
        low = np.where(np.isnan(p) | np.isnan(q), np.inf, low)         # a NaN coefficient: no answer
    found = low < high
    x_td = np.where(found, high, np.nan)
    low_k = 1.0 / x_td
    high_k = np.where(found & (low > x_lo), 1.0 / low, np.inf)
    (pc, qc), (pm, qm) = conditions
    by_chi_c = found & demix & (np.abs(pc * x_td + qc) <= np.abs(pm * x_td + qm)) & (x_td < x_hi)
    return {"low_k": low_k, "high_k": high_k, "by_chi_c": by_chi_c}


def _window_pieces(a, b, c, chi_c, k, x_m) -> dict[str, np.ndarray]:
    n = a.shape[0]
    crystalline = np.isfinite(k) & np.isfinite(x_m) & (k > 0)
    x_lo, x_hi = 1.0 / SEARCH_TEMPERATURES_K[1], 1.0 / SEARCH_TEMPERATURES_K[0]
    demix = np.isfinite(chi_c)
    fc = (np.where(demix, c, 0.0), np.where(demix, b, 0.0), np.where(demix, a - chi_c, -1.0))
    safe_k = np.where(crystalline, k, 1.0)
    fm = (np.where(crystalline, c, 0.0), np.where(crystalline, b + 1.0 / safe_k, 0.0),
          np.where(crystalline, a - 1.0 - x_m / safe_k, -1.0))
    roots = np.concatenate([_roots(*fc), _roots(*fm)], axis=1)
    roots = np.where((roots > x_lo) & (roots < x_hi), roots, np.nan)
    points = np.sort(np.concatenate([np.full((n, 1), x_lo), roots, np.full((n, 1), x_hi)], axis=1), axis=1)
    low, high = points[:, :-1], points[:, 1:]
    valid = np.isfinite(low) & np.isfinite(high) & (high > low)
    mid = 0.5 * (low + high)

    def value(f, x):
        return (f[0][:, None] * x + f[1][:, None]) * x + f[2][:, None]

    with np.errstate(invalid="ignore"):
        inside = valid & (value(fc, mid) < 0) & (value(fm, mid) < 0)
    # the dissolved piece with the largest x (lowest T), and the run of dissolved pieces it ends
    last = np.where(inside.any(axis=1), inside.shape[1] - 1 - np.argmax(inside[:, ::-1], axis=1), -1)
    start = np.tile(np.arange(inside.shape[1]), (n, 1))
    for j in range(1, inside.shape[1]):
        joined = inside[:, j] & (inside[:, j - 1] | ~valid[:, j - 1])
        start[:, j] = np.where(joined, start[:, j - 1], j)
    rows = np.arange(n)
    found = last >= 0
    x_td = np.where(found, high[rows, np.maximum(last, 0)], np.nan)
    x_up = np.where(found, low[rows, start[rows, np.maximum(last, 0)]], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        low_k = np.where(found, 1.0 / x_td, np.nan)
        high_k = np.where(found & (x_up > x_lo), 1.0 / x_up, np.inf)
        gap_c = np.abs((fc[0] * x_td + fc[1]) * x_td + fc[2])
        gap_m = np.abs((fm[0] * x_td + fm[1]) * x_td + fm[2])
    return {"low_k": low_k, "high_k": high_k, "by_chi_c": found & demix & (gap_c <= gap_m) & (x_td < x_hi)}


def dissolution_temperature_k(data: CrystallineData | None, a: float, b_k: float,
                              solvent_molar_volume_cm3_per_mol: float, chi_critical: float = 0.5,
                              c_k2: float = 0.0, solvation: float = 0.0) -> float | None:
    """Td [K]: the lowest temperature at which the polymer dissolves in the dilute limit, for
    χ(T) = a + b_k/T (+ c_k2/T²); None when it dissolves at no temperature (χ ≥ min(χ_c, χ_m) everywhere).

    For a crystalline polymer with χ < χ_c at Td and c_k2 = 0 this is Flory's closed form
    1/Td = (1/Tm + K (1 + Δ - a)) / (1 + K b_k) (Δ: ``solvation``); SEARCH_TEMPERATURES_K[0] for a
    polymer that dissolves at every temperature searched.
    """
    k = np.nan if data is None else k_per_kelvin(data, solvent_molar_volume_cm3_per_mol)
    x_m = np.nan if data is None else solvated_inverse_melting_k(1.0 / data.melting_point_k, k, solvation)
    low = float(dissolution_window([a], [b_k], [c_k2], [chi_critical], [k], [x_m])["low_k"][0])
    return None if math.isnan(low) else low


# ---------------------------------------------------------------------------------------------
# The result

@dataclass(frozen=True)
class CrystallineLimit:
    """Where a polymer dissolves in one solvent, given its posterior χ(T) ± σ (its temperatures
    do not depend on the temperatures asked for: see SEARCH_TEMPERATURES_K).

    ``dissolution_temperature_k`` is Td with the central χ (None: never dissolves; the lower end of
    SEARCH_TEMPERATURES_K: no lower limit); ``*_low_k`` / ``*_high_k`` are Td with χ − σ and χ + σ
    (``*_high_k`` None: with χ + σ it never dissolves), σ taken at Td. ``upper_temperature_k`` is an
    LCST above which it demixes again (None if there is none); ``melting_temperature_k`` is where its
    crystals would melt into the solvent if χc did not stop it (None: amorphous or never).
    ``reason`` says it in one sentence; ``solvent_melting_point_k`` is the solvent's melting point.
    """

    polymer: str
    data: CrystallineData | None
    chi_critical: float
    dissolution_temperature_k: float | None
    dissolution_temperature_low_k: float | None
    dissolution_temperature_high_k: float | None
    upper_temperature_k: float | None
    melting_temperature_k: float | None
    limited_by_chi_c: bool
    chi_at_dissolution: float | None
    chi_std_at_dissolution: float | None
    reason: str
    solvent_melting_point_k: float | None = None  # None: unknown (or not asked)

    @property
    def dissolves_wherever_liquid(self) -> bool:
        """Td lies below the solvent's melting point: it dissolves wherever the solvent is liquid."""
        td, melting = self.dissolution_temperature_k, self.solvent_melting_point_k
        return td is not None and melting is not None and td < melting

    @property
    def is_crystalline(self) -> bool:
        return self.data is not None

    @property
    def dissolution_temperature_c(self) -> float | None:
        t = self.dissolution_temperature_k
        return None if t is None else t - ZERO_CELSIUS_K


def _optional(value) -> float | None:
    value = float(value)
    return None if not math.isfinite(value) else value


#: Above this a temperature is shown as "> 500 °C": beyond any solvent, and χ(T) extrapolated.
_SHOWN_MAX_K = 500.0 + ZERO_CELSIUS_K


def _celsius(t_k: float) -> str:
    return f"{t_k - ZERO_CELSIUS_K:.0f} °C" if t_k <= _SHOWN_MAX_K else f"> {_SHOWN_MAX_K - ZERO_CELSIUS_K:.0f} °C"


def _about(t_k: float) -> str:
    return ("~" if t_k <= _SHOWN_MAX_K else "") + _celsius(t_k)


#: A solvation shift of the melting χ this large is named in the reason (about 1 K of Td for PE).
_NAMED_SHIFT = 0.02


def dissolution_reason(data: CrystallineData | None, center: float | None, low: float | None,
                       high: float | None, upper: float | None, chi: float | None, sigma: float | None,
                       chi_critical: float, limited_by_chi_c: bool, melt_only_k: float | None,
                       solvation: float = 0.0, solvent_melting_k: float | None = None) -> str:
    """One sentence on where a polymer dissolves in a solvent (the fields of :class:`CrystallineLimit`;
    ``solvation`` the shift Δ of its melting χ, named when it is large enough to matter;
    ``solvent_melting_k`` the solvent's melting point: a Td below it reads 'wherever it is liquid')."""
    unlimited = center is not None and center <= SEARCH_TEMPERATURES_K[0]
    if data is None:
        if center is None:
            return f"amorphous; χ stays above χc {chi_critical:.2f}: does not dissolve"
        if not unlimited:
            return f"amorphous: dissolves above {_about(center)}, where χ falls below χc {chi_critical:.2f} (UCST)"
        return "amorphous: no melting-point limit"
    band = f"χ {chi:.2f} ± {sigma:.2f}" if chi is not None and sigma is not None else ""
    if center is None:
        where = (f"its crystals would melt in it only above {_about(melt_only_k)}, where χ "
                 if melt_only_k is not None else "χ ")
        return (f"does not dissolve: {where}is not below χc {chi_critical:.2f} (the melt and the solvent demix); "
                f"{data.grade or data.polymer} melts at {_celsius(data.melting_point_k)}")
    if center > data.melting_point_k and limited_by_chi_c:
        return (f"does not dissolve below its melting point ({_celsius(data.melting_point_k)}): χ reaches χc "
                f"{chi_critical:.2f} only near {_about(center)} ({band})")
    frozen = not unlimited and solvent_melting_k is not None and center < solvent_melting_k
    text = ("dissolves at any temperature searched" if unlimited else
            f"dissolves wherever the solvent is liquid: Td ~{_celsius(center)} (melting-point depression, {band}) "
            f"lies below the solvent's melting point, {_celsius(solvent_melting_k)}" if frozen  # type: ignore[arg-type]
            else f"dissolves above {_about(center)}")
    if limited_by_chi_c and melt_only_k is not None:
        text += f" (where χ falls below χc {chi_critical:.2f}; its crystals melt in it above {_about(melt_only_k)}"
        text += f", {band})" if band else ")"
    elif not unlimited and not frozen:
        text += f" (melting-point depression, {band})"
    if upper is not None and upper <= _SHOWN_MAX_K:
        text += f", and below {_about(upper)} (LCST)"
    if high is None:
        text += "; within the band it may not dissolve at all"
    elif low is not None and high - low > 0.5:
        text += f"; band {_celsius(low)}–{_celsius(high)}"
    if solvation >= _NAMED_SHIFT:
        text += f". Strong specific interactions with the solvent raise its melting χ by {solvation:.2f}"
    return text


def crystalline_limit(data: CrystallineData | None, a: float, b_k: float, chi_std, *,
                      solvent_molar_volume_cm3_per_mol: float = 100.0, chi_critical: float = 0.5,
                      c_k2: float = 0.0, polymer: str = "", solvation: float = 0.0) -> CrystallineLimit:
    """The crystalline limit of one polymer in one solvent, for χ(T) = a + b_k/T (+ c_k2/T²) ± σ.

    ``chi_std`` is σ [-]: a number, or a callable σ(T [K]) (the posterior's, evaluated at Td);
    ``solvent_molar_volume_cm3_per_mol`` V1; ``chi_critical`` χ_c of the pair (1/2: the long-chain
    limit); ``data`` the crystalline data (None: amorphous); ``solvation`` the shift Δ of its melting
    χ (:func:`solvation_shift`). The answer engine
    (``chiapp.answer``) computes the same for many pairs at once with :func:`dissolution_window`.

    >>> from chiapp.library import resolve_polymer
    >>> limit = crystalline_limit(crystalline_data(resolve_polymer("HDPE")), 0.15, 60.0, 0.05,
    ...                           solvent_molar_volume_cm3_per_mol=124.0)
    >>> 350 < limit.dissolution_temperature_k < 400
    True
    """
    a, b_k, c_k2, chi_critical = float(a), float(b_k), float(c_k2), float(chi_critical)
    for name, value in (("a", a), ("b_k", b_k), ("c_k2", c_k2)):
        if not math.isfinite(value) or abs(value) > 1e8:
            raise InputError(f"{name} must be a finite number below 1e8 in size, got {value!r}")
    if not (chi_critical > 0 and not math.isnan(chi_critical)):
        raise InputError(f"chi_critical must be > 0, got {chi_critical!r}")
    sigma_at = chi_std if callable(chi_std) else (lambda t, s=float(chi_std): s)
    k = np.nan if data is None else k_per_kelvin(data, solvent_molar_volume_cm3_per_mol)
    x_m = np.nan if data is None else solvated_inverse_melting_k(1.0 / data.melting_point_k, k, solvation)
    window = dissolution_window([a], [b_k], [c_k2], [chi_critical], [k], [x_m])
    center = _optional(window["low_k"][0])
    melt = dissolution_window([a], [b_k], [c_k2], [np.inf], [k], [x_m])["low_k"][0] if data is not None else np.nan
    reference = center or _optional(melt) or REFERENCE_TEMPERATURE_K
    sigma = float(sigma_at(min(max(reference, SEARCH_TEMPERATURES_K[0]), SEARCH_TEMPERATURES_K[1])))
    if not (math.isfinite(sigma) and sigma >= 0):
        raise InputError(f"chi_std must be finite and ≥ 0, got {sigma!r}")
    shifted = dissolution_window([a - sigma, a + sigma], [b_k] * 2, [c_k2] * 2, [chi_critical] * 2, [k] * 2,
                                 [x_m] * 2)["low_k"]
    low, high = _optional(shifted[0]), _optional(shifted[1])
    upper = _optional(window["high_k"][0])
    chi_at = None if center is None else a + b_k / center + c_k2 / center**2
    melt_only = _optional(melt)
    by_chi_c = bool(window["by_chi_c"][0])
    reason = dissolution_reason(data, center, low, high, upper, chi_at, sigma, chi_critical, by_chi_c, melt_only,
                                0.0 if data is None else solvation)
    return CrystallineLimit(
        polymer=data.smiles if data is not None else polymer, data=data, chi_critical=chi_critical,
        dissolution_temperature_k=center, dissolution_temperature_low_k=low, dissolution_temperature_high_k=high,
        upper_temperature_k=upper, melting_temperature_k=melt_only, limited_by_chi_c=by_chi_c,
        chi_at_dissolution=chi_at, chi_std_at_dissolution=sigma if chi_at is not None else None, reason=reason)
