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

which is :func:`dissolution_chi_limit`, the one home of this rule; an amorphous polymer has no χ_m
(χ_m = +inf) and dissolves when χ < χ_c. The dissolution temperature is the lowest temperature of
that set; with χ ± σ (the model's band) it gives an interval. Precipitation on cooling follows the
same curve: a solution cooled below Td is supersaturated with respect to the crystals (in practice
they appear some kelvin lower: crystallization needs undercooling).

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

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.constants import R, zero_Celsius

from chiapp.errors import ChiAppError, DataFileError, InputError
from chiapp.posterior import dissolve_probability
from chiapp.posterior import verdicts as posterior_verdicts
from chiapp.resources import asset_path

__all__ = [
    "CRYSTALLINITY_FILE",
    "CrystallineData",
    "CrystallineOverride",
    "CrystallineLimit",
    "crystallinity_table",
    "crystalline_data",
    "melting_chi",
    "dissolution_chi_limit",
    "dissolution_temperature_k",
    "crystalline_limit",
    "dissolution_limit",
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
        return self.melting_point_k - zero_Celsius


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
        table = pd.read_csv(CRYSTALLINITY_FILE, dtype={"grade_synonyms": str, "notes": str})
        sources = pd.read_csv(asset_path("crystallinity_sources.csv"))
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


def _grade_row(polymer_name: str, text: str, grade: str | None) -> pd.Series | None:
    from chiapp.library import normalize_name

    table = crystallinity_table()
    rows = table[table["polymer"] == polymer_name]
    if rows.empty:
        return None
    wanted = [normalize_name(grade)] if grade else [normalize_name(text)]
    for _, row in rows.iterrows():
        keys = {normalize_name(row["grade"])} | {normalize_name(s) for s in row["grade_synonyms"].split(";") if s}
        if keys & set(wanted):
            return row
    if grade:
        choices = ", ".join(rows["grade"])
        raise InputError(f"unknown grade {grade!r} of {polymer_name}; the table has {choices}")
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


def crystalline_data(polymer: str, *, grade: str | None = None, overrides=None,
                     basis: str = "typical") -> CrystallineData | None:
    """The crystalline data of ``polymer`` (name, abbreviation, synonym or repeat unit), or None
    when it is amorphous (an amorphous grade, or a polymer the table does not list).

    The grade is ``grade``, else the one named by the text itself ("LDPE", "iPP", "sPS", "PDLLA"),
    else the table's default for that polymer. ``overrides`` (a :class:`CrystallineOverride` or a
    mapping of its fields) replaces table values: ``crystallinity=0`` makes it amorphous, a
    ``melting_point_c`` and ``heat_of_fusion_j_per_mol`` make any polymer crystalline.

    >>> crystalline_data("LDPE").melting_point_c
    110.0
    >>> crystalline_data("polystyrene") is None
    True
    """
    from chiapp.library import polymer_row, resolve_polymer

    if basis not in BASES:
        raise InputError(f"basis must be one of {', '.join(BASES)}, got {basis!r}")
    override = _as_override(overrides)
    if override is not None and override.grade and not grade:
        grade = override.grade
    molecule = resolve_polymer(polymer)
    library = polymer_row(molecule.smiles)
    name = molecule.name or (None if library is None else str(library["name"]))
    row = _grade_row(name, polymer, grade) if name else None
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
            melting_k = float(row["melting_point_c"]) + zero_Celsius
        heat = None if pd.isna(row["heat_of_fusion_j_per_mol"]) else float(row["heat_of_fusion_j_per_mol"])
        density = None if pd.isna(row["amorphous_density_g_per_cm3"]) else float(row["amorphous_density_g_per_cm3"])
        used = [row["melting_point_source"] if basis == "typical" or equilibrium_k is None
                else row["equilibrium_source"], row["heat_of_fusion_source"], row["crystallinity_source"]]
        source = "; ".join(dict.fromkeys(references[k] for k in used if k))
    if density is None and library is not None and not pd.isna(library["density_g_per_cm3"]):
        density = float(library["density_g_per_cm3"])

    overridden = False
    if override is not None:
        if override.melting_point_c is not None:
            melting_k = _positive("melting_point_c + 273.15", float(override.melting_point_c) + zero_Celsius)
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
        raise InputError(f"{name or polymer} is crystalline but its {missing} is not known; give it as an override")
    return CrystallineData(
        polymer=name or molecule.smiles, grade=grade_name, smiles=molecule.smiles, melting_point_k=melting_k,
        equilibrium_melting_point_k=equilibrium_k, heat_of_fusion_j_per_mol=heat,
        repeat_unit_molar_volume_cm3_per_mol=_repeat_unit_volume(molecule.smiles, density),
        crystallinity=crystallinity, source=source, overridden=overridden)


# ---------------------------------------------------------------------------------------------
# The physics

def _k_per_kelvin(data: CrystallineData, solvent_molar_volume_cm3_per_mol):
    """K = R Vu / (ΔHu V1) [1/K]; V1 a number or an array (then K is one)."""
    volume: float | np.ndarray
    if np.ndim(solvent_molar_volume_cm3_per_mol) == 0:
        volume = _positive("solvent_molar_volume_cm3_per_mol", solvent_molar_volume_cm3_per_mol)
    else:
        volume = np.asarray(solvent_molar_volume_cm3_per_mol, dtype=float)
        if not (np.all(np.isfinite(volume)) and np.all(volume > 0)):
            raise InputError("solvent_molar_volume_cm3_per_mol must be finite and > 0")
    return _R_CM3 * data.repeat_unit_molar_volume_cm3_per_mol / (data.heat_of_fusion_j_per_mol * volume)


def melting_chi(temperatures_k, data: CrystallineData | None, solvent_molar_volume_cm3_per_mol) -> np.ndarray:
    """χ_m(T) = 1 - (1/T - 1/Tm) / K [-]: the largest χ at which the crystals melt into a dilute
    solution at T (Flory's melting-point depression at φ1 → 1); +inf for an amorphous polymer.
    Temperatures and solvent volumes broadcast (e.g. (T,) with (S, 1) gives (S, T)).

    >>> data = CrystallineData("x", "", "*CC*", 400.0, None, 8000.0, 32.0, 0.5, "")
    >>> float(melting_chi(400.0, data, 100.0)[0])
    1.0
    """
    t = np.atleast_1d(np.asarray(temperatures_k, dtype=float))
    if data is None:
        return np.full(np.broadcast_shapes(t.shape, np.shape(solvent_molar_volume_cm3_per_mol)), np.inf)
    k = _k_per_kelvin(data, solvent_molar_volume_cm3_per_mol)
    return 1.0 - (1.0 / t - 1.0 / data.melting_point_k) / k


def dissolution_chi_limit(temperatures_k, data: CrystallineData | None, solvent_molar_volume_cm3_per_mol: float,
                          chi_critical) -> np.ndarray:
    """min(χ_c, χ_m(T)) [-]: the polymer dissolves at T exactly when χ(T) is below this.

    ``chi_critical`` is χ_c of the pair (a number, or an array broadcasting with the temperatures).
    For an amorphous polymer (``data`` None) it is χ_c.
    """
    return np.minimum(np.asarray(chi_critical, dtype=float),
                      melting_chi(temperatures_k, data, solvent_molar_volume_cm3_per_mol))


def _interval(alpha: float, beta: float) -> tuple[float, float]:
    """The x = 1/T > 0 where alpha x < beta, as (low, high) (high may be inf; empty: low >= high)."""
    if alpha > 0:
        return 0.0, beta / alpha
    if alpha < 0:
        return max(0.0, beta / alpha), math.inf
    return (0.0, math.inf) if beta > 0 else (0.0, 0.0)


def _dissolved_interval(data: CrystallineData | None, a: float, b_k: float, volume: float,
                        chi_critical: float) -> tuple[float, float, bool]:
    """(T_low, T_high, limited_by_chi_c) of the temperatures where χ = a + b_k/T < min(χ_c, χ_m(T));
    T_low >= T_high when there are none. T_high is inf when there is no upper limit."""
    x_low, x_high = _interval(b_k, chi_critical - a)                  # χ < χ_c
    melt_high = math.inf
    if data is not None:                                              # χ < χ_m: x (1 + K b) < 1/Tm + K (1 - a)
        k = _k_per_kelvin(data, volume)
        m_low, m_high = _interval(1.0 + k * b_k, 1.0 / data.melting_point_k + k * (1.0 - a))
        melt_high = m_high
        x_low, x_high = max(x_low, m_low), min(x_high, m_high)
    t_low = 0.0 if x_high == math.inf else (math.inf if x_high <= 0 else 1.0 / x_high)
    t_high = math.inf if x_low <= 0 else 1.0 / x_low
    return t_low, t_high, data is not None and x_high < melt_high


def dissolution_temperature_k(data: CrystallineData | None, a: float, b_k: float,
                              solvent_molar_volume_cm3_per_mol: float, chi_critical: float = 0.5) -> float | None:
    """Td [K]: the lowest temperature at which the polymer dissolves in the dilute limit, for
    χ(T) = a + b_k/T; None when it dissolves at no temperature (χ ≥ min(χ_c, χ_m) everywhere).

    For a crystalline polymer with χ < χ_c at Td this is Flory's closed form
    1/Td = (1/Tm + K (1 - a)) / (1 + K b_k); 0.0 for an amorphous polymer that dissolves at every
    temperature below its LCST, if any.
    """
    t_low, t_high, _ = _dissolved_interval(data, float(a), float(b_k), solvent_molar_volume_cm3_per_mol,
                                           float(chi_critical))
    return None if t_low >= t_high else t_low


# ---------------------------------------------------------------------------------------------
# The result

@dataclass(frozen=True)
class CrystallineLimit:
    """Where a polymer dissolves in one solvent, given χ(T) = a + b_k/T ± σ.

    ``dissolves`` (per temperature, central χ) is χ(T) < min(χ_c, χ_m(T)); ``melted`` is
    χ(T) < χ_m(T) alone (the crystals melt: T above Td; all True for an amorphous polymer);
    ``verdicts`` are the package's one verdict (``chiapp.posterior.verdicts``) of P(χ < limit) with σ.
    ``dissolution_temperature_k`` is Td with the central χ (None: never dissolves; 0.0:
    amorphous and no lower limit); ``*_low_k`` / ``*_high_k`` are Td with χ - σ and χ + σ
    (``*_high_k`` None: with χ + σ it never dissolves). ``upper_temperature_k`` is an LCST above
    which it demixes again (None if there is none). ``reason`` says it in one sentence.
    """

    polymer: str
    data: CrystallineData | None
    temperatures_k: np.ndarray
    chi: np.ndarray
    chi_std: np.ndarray
    chi_critical: float
    melting_chis: np.ndarray
    dissolves: np.ndarray
    melted: np.ndarray
    verdicts: np.ndarray
    dissolution_temperature_k: float | None
    dissolution_temperature_low_k: float | None
    dissolution_temperature_high_k: float | None
    upper_temperature_k: float | None
    chi_at_dissolution: float | None
    chi_std_at_dissolution: float | None
    reason: str
    a: float
    b_k: float

    @property
    def is_crystalline(self) -> bool:
        return self.data is not None

    @property
    def dissolution_temperature_c(self) -> float | None:
        t = self.dissolution_temperature_k
        return None if t is None else t - zero_Celsius

    def dissolves_at(self, temperature_k: float) -> bool:
        """Whether it dissolves at ``temperature_k`` [K] with the central χ."""
        t = _positive("temperature_k", temperature_k)
        low, high = self.dissolution_temperature_k, self.upper_temperature_k
        return low is not None and t > low and (high is None or t < high)


def _readonly(array) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array


#: Above this a temperature is shown as "> 500 °C": beyond any solvent, and χ(T) extrapolated.
_SHOWN_MAX_K = 500.0 + zero_Celsius


def _celsius(t_k: float) -> str:
    return f"{t_k - zero_Celsius:.0f} °C" if t_k <= _SHOWN_MAX_K else f"> {_SHOWN_MAX_K - zero_Celsius:.0f} °C"


def _about(t_k: float) -> str:
    return ("~" if t_k <= _SHOWN_MAX_K else "") + _celsius(t_k)


def _reason(data, center, low, high, upper, chi, sigma, chi_critical, limited_by_chi_c, melt_only_k) -> str:
    if data is None:
        if center is None:
            return f"amorphous; χ stays above χc {chi_critical:.2f}: does not dissolve"
        return "amorphous: no melting-point limit"
    band = f"χ {chi:.2f} ± {sigma:.2f}" if chi is not None else ""
    if center is None:
        where = (f"its crystals would melt in it only above {_about(melt_only_k)}, where χ "
                 if melt_only_k is not None else "χ ")
        return (f"does not dissolve: {where}is not below χc {chi_critical:.2f} (the melt and the solvent demix); "
                f"{data.grade or data.polymer} melts at {_celsius(data.melting_point_k)}")
    if center > data.melting_point_k and limited_by_chi_c:
        return (f"does not dissolve below its melting point ({_celsius(data.melting_point_k)}): χ reaches χc "
                f"{chi_critical:.2f} only near {_about(center)} ({band})")
    text = f"dissolves above {_about(center)}"
    if limited_by_chi_c:
        text += f" (where χ falls below χc {chi_critical:.2f}; its crystals melt in it above {_about(melt_only_k)}"
        text += f", {band})" if band else ")"
    else:
        text += f" (melting-point depression, {band})"
    if upper is not None and upper <= _SHOWN_MAX_K:
        text += f", and below {_about(upper)} (LCST)"
    if high is None:
        text += "; within the band it may not dissolve at all"
    elif low is not None and high - low > 0.5:
        text += f"; band {_celsius(low)}–{_celsius(high)}"
    return text


def crystalline_limit(polymer_smiles: str, a: float, b_k: float, chi_std, temperatures_k, overrides=None, *,
                      solvent_molar_volume_cm3_per_mol: float | None = None, chi_critical: float = 0.5,
                      grade: str | None = None, basis: str = "typical",
                      data: CrystallineData | None | str = "table") -> CrystallineLimit:
    """The crystalline limit of one polymer in one solvent, for χ(T) = a + b_k/T with spread ``chi_std``.

    ``polymer_smiles`` is the polymer (a repeat unit, or a name: "LDPE" selects that grade);
    ``chi_std`` σ [-], one number or one per temperature (interpolated at Td);
    ``temperatures_k`` where ``dissolves``/``melted``/``verdicts`` are evaluated [K];
    ``overrides`` a :class:`CrystallineOverride` or mapping (measured melting point, heat of
    fusion, crystallinity 0 for an amorphous grade); ``solvent_molar_volume_cm3_per_mol`` V1
    (required for a crystalline polymer); ``chi_critical`` χ_c of the pair (default 1/2, the
    long-chain limit); ``data`` the crystalline data when already looked up (None: amorphous).

    A verdict that combines this with a posterior χ should call "dissolves" only where χ says so
    and T is above Td: that is ``dissolves`` (or ``verdicts``) here, or
    ``dissolution_chi_limit`` as the threshold χ has to be under.

    >>> limit = crystalline_limit("HDPE", 0.15, 60.0, 0.05, [298.15, 393.15],
    ...                           solvent_molar_volume_cm3_per_mol=124.0)
    >>> limit.dissolves.tolist()
    [False, True]
    """
    t = np.atleast_1d(np.asarray(temperatures_k, dtype=float))
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise InputError("temperatures_k must be finite temperatures above 0 K")
    a = float(a)
    b_k = float(b_k)
    if not (math.isfinite(a) and math.isfinite(b_k)):
        raise InputError(f"a and b_k must be finite, got {a!r}, {b_k!r}")
    sigma = np.broadcast_to(np.asarray(chi_std, dtype=float), t.shape).astype(float)
    if not np.all(np.isfinite(sigma)) or np.any(sigma < 0):
        raise InputError("chi_std must be finite and ≥ 0")
    chi_critical = _positive("chi_critical", chi_critical)
    if isinstance(data, str):
        data = crystalline_data(polymer_smiles, grade=grade, overrides=overrides, basis=basis)
    if data is not None and solvent_molar_volume_cm3_per_mol is None:
        raise InputError("solvent_molar_volume_cm3_per_mol is needed for a crystalline polymer "
                         "(Flory's depression scales with Vu / V1)")
    volume = 100.0 if solvent_molar_volume_cm3_per_mol is None else float(solvent_molar_volume_cm3_per_mol)

    chi = a + b_k / t
    limit = dissolution_chi_limit(t, data, volume, chi_critical)
    melting = melting_chi(t, data, volume)
    verdicts = posterior_verdicts(dissolve_probability(chi, sigma, limit))

    order = np.argsort(t)

    def sigma_at(temperature: float) -> float:
        return float(np.interp(temperature, t[order], sigma[order]))

    def onset(shift: float) -> tuple[float | None, float | None, bool]:
        lo, hi, by_chi_c = _dissolved_interval(data, a + shift, b_k, volume, chi_critical)
        return (None, None, by_chi_c) if lo >= hi else (lo, None if hi == math.inf else hi, by_chi_c)

    center, upper, by_chi_c = onset(0.0)
    s = sigma_at(center) if center else sigma_at(float(np.median(t)))  # σ at Td (clamped to the grid)
    low, _, _ = onset(-s)
    high, _, _ = onset(+s)
    melt_only = None
    if data is not None:
        lo, hi, _ = _dissolved_interval(data, a, b_k, volume, math.inf)
        melt_only = None if lo >= hi else lo
    chi_at = None if not center else a + b_k / center
    if chi_at is None and melt_only:
        chi_at = a + b_k / melt_only
    reason = _reason(data, center, low, high, upper, chi_at, s, chi_critical, by_chi_c, melt_only)
    return CrystallineLimit(
        polymer=data.smiles if data is not None else polymer_smiles, data=data, temperatures_k=_readonly(t),
        chi=_readonly(chi), chi_std=_readonly(sigma), chi_critical=chi_critical,
        melting_chis=_readonly(melting), dissolves=_readonly(chi < limit), melted=_readonly(chi < melting),
        verdicts=_readonly(verdicts), dissolution_temperature_k=center, dissolution_temperature_low_k=low,
        dissolution_temperature_high_k=high, upper_temperature_k=upper, chi_at_dissolution=chi_at,
        chi_std_at_dissolution=s if chi_at is not None else None, reason=reason, a=a, b_k=b_k)


def dissolution_limit(polymer: str, solvent: str, temperatures_k, overrides=None, *, grade: str | None = None,
                      basis: str = "typical", molecular_weight_g_per_mol: float | None = None,
                      model=None) -> CrystallineLimit:
    """:func:`crystalline_limit` for a polymer and a solvent by name or SMILES, with the model's χ.

    χ(T) = a + b_k/T and σ come from :func:`chiapp.prediction.predict_chi`; V1 from the solvent
    library (else Fedors' estimate); χ_c from the library chain length
    (:func:`chiapp.library.chain_length_for`).

    >>> dissolution_limit("PE", "toluene", 298.15).dissolves.tolist()
    [False]
    """
    from chiapp.library import solvent_molar_volume
    from chiapp.prediction import predict_chi
    from chiapp.units import check_temperatures_k

    t = check_temperatures_k(temperatures_k)
    data = crystalline_data(polymer, grade=grade, overrides=overrides, basis=basis)
    grid = np.unique(np.concatenate([t, np.linspace(250.0, 650.0, 81)]))  # σ around any Td
    prediction = predict_chi(polymer, solvent, grid, molecular_weight_g_per_mol=molecular_weight_g_per_mol,
                             crystalline_overrides=overrides, model=model)
    volume = solvent_molar_volume(prediction.solvent)[0]
    full = crystalline_limit(prediction.polymer, prediction.a, prediction.b_k, prediction.chi_std, grid,
                             solvent_molar_volume_cm3_per_mol=volume, chi_critical=prediction.chi_critical, data=data)
    index = np.searchsorted(grid, t)
    return replace(full, temperatures_k=_readonly(t), chi=_readonly(full.chi[index]),
                   chi_std=_readonly(full.chi_std[index]), melting_chis=_readonly(full.melting_chis[index]),
                   dissolves=_readonly(full.dissolves[index]), melted=_readonly(full.melted[index]),
                   verdicts=_readonly(full.verdicts[index]))
