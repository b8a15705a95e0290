"""Solvent ranking for one polymer, and selective dissolution of one polymer out of a mixture.

Both run the model once over every polymer x solvent pair (``chiapp.prediction.predict_grid``,
which caches solvent features by canonical SMILES) and judge each χ against the critical χ of
the pair's chain length (``chiapp.flory_huggins``):

    N = (M_n / ρ_polymer) / V_solvent,      χ_c = (1 + 1/sqrt N)**2 / 2

A polymer-solvent pair is one phase at every composition when χ < χ_c. A semicrystalline polymer
dissolves only when, in addition, its crystals melt into the solution: χ < χ_m(T), Flory's
melting-point depression written as a limit on χ (``chiapp.crystallinity``, where the rule lives).
With χ_lim = min(χ_c, χ_m(T)) (χ_c for an amorphous polymer), χ and σ the posterior of
``chiapp.posterior`` (ensemble, Hansen and COSMO-SAC prior, measured evidence of the pair), the verdict is the
one verdict of the package: P(dissolves) = Φ((χ_lim − χ)/σ), 'dissolves' at 0.7 and above, 'does
not dissolve' at 0.3 and below, 'borderline' between. Rankings sort by that probability, so a pair
the model knows little about (wide σ) cannot outrank a well-known good solvent on a lucky mean.
For a crystalline polymer the dissolution temperature Td (above which it dissolves, with the
interval from χ ± σ) and the reason are given with every solvent, and the solvents that do not
dissolve it at T are ranked by Td, lowest first (how much heating each would need).

Selective dissolution (solvent-targeted recovery of a plastic from a mixture, Walker et al.,
Sci. Adv. 2020, 6, eaba7599, doi 10.1126/sciadv.aba7599): at temperature T a solvent is selective
for the target when the target dissolves (χ_t < χ_lim,t) and every other polymer does not
(χ_o > χ_lim,o), χ_lim = min(χ_c, χ_m(T)) as above. Its margin at T is

    m(T) = min(χ_lim,t - χ_t, min_o (χ_o - χ_lim,o))      > 0 exactly where it is selective,

and the margin of a temperature window is the largest m(T) inside it, at the window's operating
temperature. (It was the smallest m(T) while windows ran to the ends of the range; a window that a
dissolution temperature bounds has m → 0 at that edge, so its smallest m says nothing.) Its
uncertainty is the standard deviation over the ensemble members of m at that temperature.
Windows stay inside the solvent's liquid range at 1 atm (``chiapp.liquid_range``): below its
boiling point unless ``allow_above_boiling`` (a pressurized step, flagged ``needs_pressure``),
above its melting point.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from chiapp.chemistry import canonical_polymer, canonical_solvent
from chiapp.crystallinity import crystalline_data, crystalline_limit, dissolution_chi_limit
from chiapp.errors import ChiAppError, InputError, UnsupportedMoleculeError
from chiapp.flory_huggins import chain_length_from_molecular_weight, critical_chi
from chiapp.library import (
    CHEM21_CLASSES,
    Molecule,
    estimated_molar_volume,
    polymer_defaults,
    resolve_polymer,
    resolve_solvent,
    solvent_library,
)
from chiapp.liquid_range import liquid_mask
from chiapp.posterior import DOES_NOT_AT, dissolve_probability, verdicts
from chiapp.units import ZERO_CELSIUS_K

__all__ = [
    "RANK_BY",
    "ANTISOLVENT_COLUMNS",
    "FAILURE_COLUMNS",
    "RANKING_COLUMNS",
    "SELECTION_COLUMNS",
    "VERDICTS",
    "Ranking",
    "Selection",
    "rank_solvents",
    "select_solvents",
]

#: Every verdict, best first (chiapp.posterior's).
VERDICTS = ("dissolves", "borderline", "does not dissolve")
#: Orders of a selection table: by margin, or by margin over its spread.
RANK_BY = ("margin", "confidence")
#: Temperatures sampled across a range given to :func:`rank_solvents`.
_N_RANGE_POINTS = 21

RANKING_COLUMNS = (
    "name", "smiles", "chi", "chi_std", "chi_critical", "verdict", "dissolve_probability", "classifier_probability",
    "in_domain",
    "chain_length", "temperature_k", "boiling_point_c", "flash_point_c", "chem21_class",
    "molar_volume_cm3_per_mol", "molar_volume_source", "chi_limit", "dissolution_temperature_c",
    "dissolution_temperature_low_c", "dissolution_temperature_high_c", "reason",
)
SELECTION_COLUMNS = (
    "name", "smiles", "window_low_c", "window_high_c", "windows", "operating_temperature_c", "margin", "margin_std",
    "precipitation_temperature_c", "in_domain", "chem21_class", "boiling_point_c", "flash_point_c",
    "melting_point_c", "target_dissolution_temperature_c", "needs_pressure", "reason",
)
ANTISOLVENT_COLUMNS = ("name", "smiles", "chi", "chi_std", "chi_critical", "margin", "in_domain",
                       "chem21_class", "boiling_point_c", "flash_point_c")
FAILURE_COLUMNS = ("input", "role", "reason")


@dataclass(frozen=True)
class Ranking:
    """Solvents for one polymer, best (lowest χ) first.

    ``table`` has the columns of RANKING_COLUMNS; over a temperature range, χ, σ, χ_c and the verdict
    are those at the temperature where χ - χ_c is largest (the worst case), given in ``temperature_k``.
    ``failures`` lists the solvents that could not be ranked, with the reason (FAILURE_COLUMNS).
    ``n_filtered_out`` counts solvents removed by the filters.
    """

    polymer: Molecule
    temperatures_k: tuple[float, ...]
    molecular_weight_g_per_mol: float
    polymer_density_g_per_cm3: float | None
    table: pd.DataFrame
    failures: pd.DataFrame
    n_filtered_out: int


@dataclass(frozen=True)
class Selection:
    """Solvents that dissolve ``target`` but none of ``others`` somewhere in ``temperatures_k``.

    ``table`` (SELECTION_COLUMNS) holds the selective solvents only, largest margin first, then
    safest CHEM21 class; ``windows`` lists every window, the ``window_*_c`` columns and ``margin``
    describe the one with the largest margin; ``operating_temperature_c`` is where in it m(T) is
    largest, ``margin`` m there and ``margin_std`` the posterior σ of the polymer whose limit binds.
    ``target_dissolution_temperature_c`` and ``reason`` say where a crystalline target starts to
    dissolve in that solvent; ``needs_pressure`` marks a window above the boiling point (only with
    ``allow_above_boiling``). ``precipitation_temperature_c`` is where, cooling
    from that window, the target stops dissolving (χ_t crosses χ_c,t), linearly interpolated
    between grid temperatures; empty when the target stays dissolved down to the lowest temperature.
    ``antisolvents`` (ANTISOLVENT_COLUMNS) are the solvents in which the target 'does not dissolve'
    (P(dissolves) ≤ 0.3) at the lowest temperature, largest χ - χ_c first: candidates to precipitate the
    dissolved target. Whether an antisolvent mixes with the selective solvent is not checked.
    """

    target: Molecule
    others: tuple[Molecule, ...]
    temperatures_k: tuple[float, ...]
    table: pd.DataFrame
    antisolvents: pd.DataFrame
    failures: pd.DataFrame
    n_screened: int
    n_filtered_out: int


def _sorted(table: pd.DataFrame, crystalline: bool) -> pd.DataFrame:
    """Most likely to dissolve first; among equals (P ≈ 1) the larger margin χc − χ first. For a
    semicrystalline polymer the solvents that do not dissolve it at T follow in order of their
    dissolution temperature (the lowest, the nearest to usable), those without one last: P there
    is set by the melting limit and σ, and would put the least known solvents first."""
    cold = (table["dissolve_probability"] <= DOES_NOT_AT).to_numpy() if crystalline else np.zeros(len(table), bool)
    t_d = table["dissolution_temperature_c"].to_numpy(dtype=float) if crystalline else np.full(len(table), np.nan)
    keys = table.assign(_cold=cold, _td=np.where(cold, np.nan_to_num(t_d, nan=np.inf), 0.0),
                        _p=-table["dissolve_probability"], _margin=table["chi"] - table["chi_critical"])
    order = keys.sort_values(["_cold", "_td", "_p", "_margin", "name"], kind="mergesort").index
    return table.loc[order].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Inputs

def _predict_grid(polymers: Sequence, solvents: Sequence[str]):
    from chiapp.prediction import predict_grid  # imported late: it loads the model
    return predict_grid(polymers, solvents)


def _temperature(value, name: str) -> float:
    try:
        t = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a number in kelvin, got {value!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise InputError(f"{name} must be a finite temperature above 0 K, got {value!r}")
    return t


def _ranking_temperatures(temperature_k) -> np.ndarray:
    if isinstance(temperature_k, (tuple, list, np.ndarray)) and np.ndim(temperature_k) == 1:
        if len(temperature_k) != 2:
            raise InputError(f"temperature_k must be one temperature or a (low, high) range, got "
                             f"{len(temperature_k)} values")
        low = _temperature(temperature_k[0], "temperature_k low")
        high = _temperature(temperature_k[1], "temperature_k high")
        if high < low:
            raise InputError(f"temperature range upside down: low {low:g} K > high {high:g} K")
        return np.linspace(low, high, _N_RANGE_POINTS) if high > low else np.array([low])
    return np.array([_temperature(temperature_k, "temperature_k")])


def _selection_temperatures(temperatures_k) -> np.ndarray:
    try:
        array = np.asarray(temperatures_k, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"temperatures_k must be numbers in kelvin, got {temperatures_k!r}") from None
    if array.size == 0:
        raise InputError("temperatures_k is empty; give at least one temperature")
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise InputError("temperatures_k must be finite temperatures above 0 K")
    if np.any(np.diff(array) <= 0):
        raise InputError(f"temperatures_k must increase strictly (from {array[0]:g} K to {array[-1]:g} K); "
                         "is the window upside down?")
    return array


def _check_filters(boiling_point_c, min_flash_point_c, exclude_classes) -> tuple:
    if boiling_point_c is not None:
        try:
            low, high = (float(v) for v in boiling_point_c)
        except (TypeError, ValueError):
            raise InputError(f"boiling_point_c must be a (low, high) pair in °C, got {boiling_point_c!r}") from None
        if not (math.isfinite(low) and math.isfinite(high)) or high < low:
            raise InputError(f"boiling_point_c window must be finite with low <= high, got ({low:g}, {high:g})")
        boiling_point_c = (low, high)
    if min_flash_point_c is not None:
        try:
            min_flash_point_c = float(min_flash_point_c)
        except (TypeError, ValueError):
            raise InputError(f"min_flash_point_c must be a number in °C, got {min_flash_point_c!r}") from None
        if not math.isfinite(min_flash_point_c):
            raise InputError("min_flash_point_c must be finite")
    if isinstance(exclude_classes, str):
        exclude_classes = (exclude_classes,)
    exclude_classes = tuple(str(c).strip().lower() for c in exclude_classes)
    unknown = [c for c in exclude_classes if c not in CHEM21_CLASSES]
    if unknown:
        raise InputError(f"unknown CHEM21 class {', '.join(map(repr, unknown))}; expected one of "
                         f"{', '.join(CHEM21_CLASSES)}")
    return boiling_point_c, min_flash_point_c, exclude_classes


def _failures(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    # a refused input may hold a lone surrogate: shown escaped (\ud800), as its error message does
    printable = [tuple(str(c).encode("utf-8", "backslashreplace").decode("utf-8") for c in row) for row in rows]
    return pd.DataFrame(printable, columns=list(FAILURE_COLUMNS))


_PROPERTY_COLUMNS = ("boiling_point_c", "melting_point_c", "flash_point_c", "chem21_class", "molar_volume_cm3_per_mol")


@lru_cache(maxsize=1)
def _library_rows() -> dict[str, tuple]:
    """Canonical SMILES -> (name, *_PROPERTY_COLUMNS) of the library, built once."""
    library = solvent_library()
    return {row[1]: tuple(row[0:1]) + tuple(row[2:]) for row in
            library[["name", "smiles", *_PROPERTY_COLUMNS]].itertuples(index=False, name=None)}


def _solvent_frame(solvents, failures: list) -> pd.DataFrame:
    """name, smiles and properties of the solvents to screen; bad inputs go to ``failures``."""
    library = _library_rows()
    records = []
    if solvents is None:
        records = [(values[0], smiles, *values[1:]) for smiles, values in library.items()]
    else:
        if isinstance(solvents, str):
            solvents = solvents.split(",")
        seen = set()
        for text in solvents:
            try:
                molecule = resolve_solvent(text)
            except ChiAppError as err:
                failures.append((str(text), "solvent", str(err)))
                continue
            if molecule.smiles in seen:
                continue  # the same structure typed twice
            seen.add(molecule.smiles)
            values = library.get(molecule.smiles)
            if values is not None:
                records.append((values[0], molecule.smiles, *values[1:]))
            else:
                records.append((molecule.name or str(text).strip(), molecule.smiles, np.nan, np.nan, np.nan, "",
                                np.nan))
    volumes, sources = [], []
    for record in records:
        volume = record[-1]
        if volume is None or not volume == volume:  # missing (NaN)
            volume, source = estimated_molar_volume(record[1])
        else:
            source = "library"
        volumes.append(volume)
        sources.append(source)
    frame = pd.DataFrame.from_records(records, columns=["name", "smiles", *_PROPERTY_COLUMNS])
    frame["molar_volume_cm3_per_mol"] = np.asarray(volumes, dtype=float)
    frame["molar_volume_source"] = sources
    frame["chem21_class"] = frame["chem21_class"].fillna("").astype(str)
    return frame


def _apply_filters(frame: pd.DataFrame, boiling_point_c, min_flash_point_c, exclude_classes) -> pd.DataFrame:
    """Keep solvents inside the filters.

    A boiling-point window removes solvents of unknown boiling point. A flash-point limit removes
    solvents whose tabulated flash point is below it, and keeps those with none tabulated (water and
    many halogenated solvents do not burn; for others the value is missing: their flash_point_c is
    empty in the table).
    """
    keep = np.ones(len(frame), dtype=bool)
    if boiling_point_c is not None:
        bp = frame["boiling_point_c"].to_numpy(dtype=float)
        keep &= (bp >= boiling_point_c[0]) & (bp <= boiling_point_c[1])
    if min_flash_point_c is not None:
        fp = frame["flash_point_c"].to_numpy(dtype=float)
        keep &= ~(fp < min_flash_point_c)
    if exclude_classes:
        keep &= ~frame["chem21_class"].isin(exclude_classes).to_numpy()
    return frame[keep].reset_index(drop=True)


def _critical(molecular_weight: float, density: float | None, volumes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, χ_c) per solvent molar volume; NaN where N < 1 (reported by the caller)."""
    lengths = np.full(len(volumes), np.nan)
    chis = np.full(len(volumes), np.nan)
    for i, volume in enumerate(volumes):
        try:
            lengths[i] = chain_length_from_molecular_weight(molecular_weight, density, float(volume))
        except InputError:
            continue
        chis[i] = critical_chi(lengths[i])
    return lengths, chis


#: Temperatures where σ is read for the interval of a dissolution temperature [K].
_TD_SIGMA_GRID_K = np.linspace(250.0, 650.0, 41)


def _limits(temperatures_k: np.ndarray, data, volumes: np.ndarray, chi_c: np.ndarray) -> np.ndarray:
    """χ_lim = min(χ_c, χ_m(T)) per solvent and temperature, (S, T); NaN where χ_c is NaN."""
    out = np.full((len(volumes), len(temperatures_k)), np.nan)
    ok = np.isfinite(chi_c) & np.isfinite(volumes) & (volumes > 0)
    if ok.any():
        out[ok] = dissolution_chi_limit(temperatures_k[None, :], data, volumes[ok][:, None], chi_c[ok][:, None])
    return out


def _crystalline_columns(data, grid, p: int, s_idx: np.ndarray, volumes: np.ndarray,
                         chi_c: np.ndarray, a: np.ndarray, b_k: np.ndarray) -> dict[str, np.ndarray]:
    """Td [°C] with its χ ± σ interval and the reason, per solvent (chiapp.crystallinity), from the
    posterior χ(T) = a + b_k/T and its σ."""
    n = len(s_idx)
    columns = {"dissolution_temperature_c": np.full(n, np.nan), "dissolution_temperature_low_c": np.full(n, np.nan),
               "dissolution_temperature_high_c": np.full(n, np.nan),
               "reason": np.full(n, "amorphous: no melting-point limit" if data is None else "", dtype=object)}
    if data is None or n == 0:
        return columns
    usable = np.isfinite(chi_c) & np.isfinite(volumes) & (volumes > 0)
    sigma = np.full((n, len(_TD_SIGMA_GRID_K)), np.nan)
    if usable.any():
        sigma[usable] = grid.posterior(p, s_idx[usable], _TD_SIGMA_GRID_K, chi_c[usable])[1]
    for i in range(n):
        if not usable[i]:
            continue
        limit = crystalline_limit(data.smiles, a[i], b_k[i], sigma[i], _TD_SIGMA_GRID_K, data=data,
                                  solvent_molar_volume_cm3_per_mol=float(volumes[i]), chi_critical=float(chi_c[i]))
        for key, value in (("dissolution_temperature_c", limit.dissolution_temperature_k),
                           ("dissolution_temperature_low_c", limit.dissolution_temperature_low_k),
                           ("dissolution_temperature_high_c", limit.dissolution_temperature_high_k)):
            columns[key][i] = np.nan if value is None else value - ZERO_CELSIUS_K
        columns["reason"][i] = limit.reason
    return columns


def _grid_for(polymers: list[Molecule], frame: pd.DataFrame, failures: list, inputs: Sequence | None = None):
    """Run the model; return (grid, polymer indices, solvent indices in grid order, kept frame).
    ``inputs`` (parallel to ``polymers``) may hold a CalibratedPolymer to use in place of one."""
    from chiapp.calibration import CalibratedPolymer

    grid = _predict_grid([i if isinstance(i, CalibratedPolymer) else p.smiles
                          for p, i in zip(polymers, inputs or polymers)], list(frame["smiles"]))
    for role, text, message in grid.failures:
        if role == "polymer":
            raise UnsupportedMoleculeError(f"the model cannot take this polymer: {message}", smiles=text,
                                           role="polymer")
        name = frame.loc[frame["smiles"] == text, "name"]
        failures.append((str(name.iloc[0]) if len(name) else text, role, message))
    polymer_pos = {canonical_polymer(s): i for i, s in enumerate(grid.polymers)}
    polymer_idx = [polymer_pos[canonical_polymer(p.smiles)] for p in polymers]
    solvent_pos = {canonical_solvent(s): i for i, s in enumerate(grid.solvents)}
    rows, idx = [], []
    for i, smiles in enumerate(frame["smiles"]):
        j = solvent_pos.get(smiles)
        if j is not None:
            rows.append(i)
            idx.append(j)
    return grid, np.array(polymer_idx, dtype=int), np.array(idx, dtype=int), frame.iloc[rows].reset_index(drop=True)


def rank_solvents(polymer, temperature_k, *, solvents: Sequence[str] | None = None,
                  molecular_weight_g_per_mol: float | None = None,
                  boiling_point_c: tuple[float, float] | None = None,
                  min_flash_point_c: float | None = None, exclude_classes: Sequence[str] = (),
                  in_domain_only: bool = False, crystalline_overrides=None) -> Ranking:
    """Rank solvents for ``polymer`` by predicted χ at ``temperature_k`` [K] (or a (low, high) range).

    ``polymer`` is a library name, abbreviation or repeat-unit SMILES, or a CalibratedPolymer
    (chiapp.calibration), whose fitted latent description is used; ``solvents`` is None (the
    whole library) or names/SMILES, whose bad entries are reported in ``failures``.
    ``molecular_weight_g_per_mol`` is M_n (default: the library's typical M_n, else 100,000).
    ``boiling_point_c`` = (low, high) [°C], ``min_flash_point_c`` [°C] and ``exclude_classes``
    (CHEM21 classes) filter the solvents; ``in_domain_only`` drops pairs outside the model's domain.
    Over a range, each solvent is judged at its worst temperature (largest χ - χ_lim).
    A semicrystalline polymer (``assets/crystallinity.csv``; "LDPE", "iPP" pick a grade) is judged
    against χ_lim = min(χ_c, χ_m(T)) and gets its dissolution temperature in each solvent;
    ``crystalline_overrides`` (a ``chiapp.crystallinity.CrystallineOverride`` or mapping: measured
    melting point, heat of fusion, crystallinity 0 for an amorphous grade) corrects the table.
    """
    from chiapp.calibration import polymer_text

    molecule = resolve_polymer(polymer_text(polymer))
    crystal = crystalline_data(polymer_text(polymer), overrides=crystalline_overrides)
    temperatures = _ranking_temperatures(temperature_k)
    filters = _check_filters(boiling_point_c, min_flash_point_c, exclude_classes)
    molecular_weight, density = polymer_defaults(molecule, molecular_weight_g_per_mol)
    failures: list[tuple[str, str, str]] = []
    frame = _solvent_frame(solvents, failures)
    n_before = len(frame)
    frame = _apply_filters(frame, *filters)
    n_filtered = n_before - len(frame)
    if frame.empty:
        return Ranking(molecule, tuple(temperatures), molecular_weight, density,
                       pd.DataFrame(columns=list(RANKING_COLUMNS)), _failures(failures), n_filtered)

    grid, p_idx, s_idx, frame = _grid_for([molecule], frame, failures, inputs=[polymer])
    p = int(p_idx[0])
    volumes = frame["molar_volume_cm3_per_mol"].to_numpy(dtype=float)
    lengths, chi_c = _critical(molecular_weight, density, volumes)
    limits = _limits(temperatures, crystal, volumes, chi_c)                           # (S, T)
    label_limits = chi_c  # a handbook label speaks of the chain's χ against χc (see predict_chi)
    usable = ~np.isnan(chi_c)
    mean, std, probability = (np.full((len(frame), len(temperatures)), np.nan) for _ in range(3))
    post_a, post_b_k = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    if usable.any():
        mean[usable], std[usable], probability[usable], post_a[usable], post_b_k[usable] = grid.posterior(
            p, s_idx[usable], temperatures, limits[usable], label_limits[usable])
    # over a range, each solvent is judged at its worst temperature: the lowest P(dissolves)
    worst = (np.nanargmin(np.where(np.isnan(probability), np.inf, probability), axis=1) if len(frame)
             else np.array([], int))
    rows = np.arange(len(frame))
    chi, sigma, chance, limit = mean[rows, worst], std[rows, worst], probability[rows, worst], limits[rows, worst]

    table = frame.assign(
        chi=chi, chi_std=sigma, chi_critical=chi_c, verdict=verdicts(chance), dissolve_probability=chance,
        classifier_probability=np.asarray(grid.soluble_probability)[p, s_idx],
        in_domain=grid.in_domain(temperatures)[p, s_idx, worst],
        chain_length=lengths, temperature_k=temperatures[worst], chi_limit=limit,
        **_crystalline_columns(crystal, grid, p, s_idx, volumes, chi_c, post_a, post_b_k))
    bad = np.isnan(lengths)
    for name in table.loc[bad, "name"]:
        failures.append((name, "solvent", f"chain length below 1 with M_n = {molecular_weight:g} g/mol: the "
                         "polymer is smaller than one solvent molecule"))
    table = table[~bad]
    if in_domain_only:
        n_filtered += int((~table["in_domain"]).sum())
        table = table[table["in_domain"]]
    table = _sorted(table, crystalline=crystal is not None)
    return Ranking(molecule, tuple(float(t) for t in temperatures), molecular_weight, density,
                   table[list(RANKING_COLUMNS)], _failures(failures), n_filtered)


# ---------------------------------------------------------------------------------------------
# Selective dissolution

def _windows(mask: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges [start, stop] (inclusive) of the runs of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


def _crossing_c(t_k: np.ndarray, gap: np.ndarray, i: int) -> float:
    """Temperature [°C] where gap (χ_c - χ of the target) crosses 0 between grid points i and i + 1."""
    g0, g1 = gap[i], gap[i + 1]
    fraction = 0.0 if g1 == g0 else -g0 / (g1 - g0)
    return float(t_k[i] + fraction * (t_k[i + 1] - t_k[i]) - ZERO_CELSIUS_K)


def select_solvents(target: str, others: Sequence[str], temperatures_k, *,
                    solvents: Sequence[str] | None = None,
                    molecular_weights_g_per_mol: Mapping[str, float] | None = None,
                    boiling_point_c: tuple[float, float] | None = None,
                    min_flash_point_c: float | None = None, exclude_classes: Sequence[str] = (),
                    in_domain_only: bool = False, allow_above_boiling: bool = False,
                    crystalline_overrides: Mapping[str, object] | None = None,
                    rank_by: str = "confidence") -> Selection:
    """Solvents that dissolve ``target`` while none of ``others`` dissolves, over ``temperatures_k``.

    ``target`` and ``others`` are polymer names or repeat units (a bad one raises);
    ``temperatures_k`` is an increasing array [K], e.g. 20-160 °C in 50 steps. ``solvents`` and
    the filters are those of :func:`rank_solvents`; ``molecular_weights_g_per_mol`` maps a polymer,
    as given, to its M_n (default: the library's). ``in_domain_only`` keeps solvents whose pairs
    with every polymer are in the model's domain.

    Semicrystalline polymers dissolve only above their dissolution temperature in each solvent
    (the target) and count as undissolved below it (the others); ``crystalline_overrides`` maps a
    polymer, as given, to its override (see :func:`rank_solvents`). Windows stay between the
    solvent's melting and boiling points; ``allow_above_boiling`` lets them pass the boiling
    point (a step under pressure, flagged in ``needs_pressure``).
    ``rank_by`` orders the table: 'margin' (largest first) or 'confidence' (largest margin /
    margin_std first: the window most likely to be selective given the model's spread); ties go
    to the safer CHEM21 class.
    """
    from chiapp.calibration import polymer_text

    if rank_by not in RANK_BY:
        raise InputError(f"rank_by must be one of {', '.join(RANK_BY)}, got {rank_by!r}")
    temperatures = _selection_temperatures(temperatures_k)
    if isinstance(others, str):
        others = [o for o in others.split(",") if o.strip()]
    if not others:
        raise InputError("others is empty: give at least one polymer that must stay undissolved")
    target_molecule = resolve_polymer(polymer_text(target))
    other_molecules = tuple(resolve_polymer(polymer_text(o)) for o in others)
    keys = [canonical_polymer(m.smiles) for m in (target_molecule, *other_molecules)]
    if keys[0] in keys[1:]:
        raise InputError(f"the target {target!r} is also among the others")
    if len(set(keys[1:])) != len(keys) - 1:
        raise InputError("the same polymer is given twice among the others")
    filters = _check_filters(boiling_point_c, min_flash_point_c, exclude_classes)
    weights = dict(molecular_weights_g_per_mol or {})
    inputs = (target, *others)
    polymers = (target_molecule, *other_molecules)
    defaults = [polymer_defaults(m, weights.get(text) if isinstance(text, str) else None)
                for text, m in zip(inputs, polymers)]
    overrides = dict(crystalline_overrides or {})
    crystals = [crystalline_data(polymer_text(text), overrides=overrides.get(text) if isinstance(text, str) else None)
                for text in inputs]

    failures: list[tuple[str, str, str]] = []
    frame = _solvent_frame(solvents, failures)
    n_before = len(frame)
    frame = _apply_filters(frame, *filters)
    n_filtered = n_before - len(frame)
    empty = Selection(target_molecule, other_molecules, tuple(temperatures),
                      pd.DataFrame(columns=list(SELECTION_COLUMNS)),
                      pd.DataFrame(columns=list(ANTISOLVENT_COLUMNS)), _failures(failures), 0, n_filtered)
    if frame.empty:
        return empty

    grid, p_idx, s_idx, frame = _grid_for(list(polymers), frame, failures, inputs=list(inputs))
    volumes = frame["molar_volume_cm3_per_mol"].to_numpy(dtype=float)
    chi_c = np.stack([_critical(mw, rho, volumes)[1] for mw, rho in defaults])          # (P, S)
    bad = np.isnan(chi_c).any(axis=0)
    for name in frame.loc[bad, "name"]:
        failures.append((name, "solvent", "chain length below 1 for one of the polymers: a molecular "
                         "weight is too small for this solvent"))
    domain = grid.in_domain(temperatures)[np.ix_(p_idx, s_idx)].all(axis=(0, 2))   # (S,)
    keep = ~bad & (domain if in_domain_only else True)
    n_filtered += int((~bad & ~keep).sum())
    frame, s_idx, chi_c, domain = frame[keep].reset_index(drop=True), s_idx[keep], chi_c[:, keep], domain[keep]
    volumes = volumes[keep]
    if frame.empty:
        return Selection(target_molecule, other_molecules, tuple(temperatures), empty.table, empty.antisolvents,
                         _failures(failures), 0, n_filtered)

    limits = np.stack([_limits(temperatures, crystal, volumes, chi_c[i])
                       for i, crystal in enumerate(crystals)])                           # (P, S, T)
    label_limits = list(chi_c)  # a handbook label speaks of the chain's χ against χc (see predict_chi)
    posteriors = [grid.posterior(int(p), s_idx, temperatures, limits[i], label_limits[i])
                  for i, p in enumerate(p_idx)]
    mean = np.stack([post[0] for post in posteriors])                                   # (P, S, T)
    std = np.stack([post[1] for post in posteriors])
    # each polymer's distance to its limit, signed so that > 0 is what the selection wants
    gaps = np.concatenate([limits[:1] - mean[:1], mean[1:] - limits[1:]])                 # (P, S, T)
    binding = gaps.argmin(axis=0)                                                        # (S, T)
    margin = np.take_along_axis(gaps, binding[None], axis=0)[0]                          # (S, T)
    margin_std = np.take_along_axis(std, binding[None], axis=0)[0]   # σ of the constraint that binds
    target_gap = limits[0] - mean[0]             # (S, T), > 0 where the target dissolves
    boiling = frame["boiling_point_c"].to_numpy(dtype=float)
    liquid = liquid_mask(temperatures, boiling, frame["melting_point_c"].to_numpy(dtype=float),
                         allow_above_boiling=allow_above_boiling)                         # (S, T)
    target_columns = _crystalline_columns(crystals[0], grid, int(p_idx[0]), s_idx, volumes, chi_c[0],
                                          posteriors[0][3], posteriors[0][4])

    rows = []
    for s in range(len(frame)):
        windows = _windows((margin[s] > 0) & liquid[s])
        if not windows:
            continue
        scored = []
        for a, b in windows:
            k = a + int(np.argmax(margin[s, a:b + 1]))
            scored.append((float(margin[s, k]), a, b, k))
        best, a, b, k = max(scored)
        spread = float(margin_std[s, k])
        precipitation = None
        below = np.flatnonzero(target_gap[s, :a] <= 0)
        if below.size:
            precipitation = _crossing_c(temperatures, target_gap[s], int(below[-1]))
        rows.append({
            "name": frame["name"].iat[s], "smiles": frame["smiles"].iat[s],
            "window_low_c": temperatures[a] - ZERO_CELSIUS_K, "window_high_c": temperatures[b] - ZERO_CELSIUS_K,
            "windows": "; ".join(f"{temperatures[i] - ZERO_CELSIUS_K:.0f}-{temperatures[j] - ZERO_CELSIUS_K:.0f} °C"
                                 for _, i, j, _ in scored),
            "margin": best, "margin_std": spread, "operating_temperature_c": temperatures[k] - ZERO_CELSIUS_K,
            "precipitation_temperature_c": np.nan if precipitation is None else precipitation,
            "in_domain": bool(domain[s]), "chem21_class": frame["chem21_class"].iat[s],
            "boiling_point_c": frame["boiling_point_c"].iat[s], "flash_point_c": frame["flash_point_c"].iat[s],
            "melting_point_c": frame["melting_point_c"].iat[s],
            "target_dissolution_temperature_c": target_columns["dissolution_temperature_c"][s],
            "needs_pressure": bool(temperatures[b] - ZERO_CELSIUS_K > boiling[s]),
            "reason": target_columns["reason"][s],
        })
    table = pd.DataFrame(rows, columns=list(SELECTION_COLUMNS))
    if not table.empty:
        safety = table["chem21_class"].map({c: i for i, c in enumerate(CHEM21_CLASSES)}).fillna(len(CHEM21_CLASSES))
        key = table["margin"] if rank_by == "margin" else table["margin"] / table["margin_std"].clip(lower=1e-9)
        table = (table.assign(_key=key, _safety=safety)
                 .sort_values(["_key", "_safety", "name"], ascending=[False, True, True], kind="mergesort")
                 .drop(columns=["_key", "_safety"]).reset_index(drop=True))

    lowest_chi, lowest_std = mean[0, :, 0], std[0, :, 0]
    poor = dissolve_probability(lowest_chi, lowest_std, chi_c[0]) <= DOES_NOT_AT
    antisolvents = pd.DataFrame({
        "name": frame["name"], "smiles": frame["smiles"], "chi": lowest_chi, "chi_std": lowest_std,
        "chi_critical": chi_c[0], "margin": lowest_chi - chi_c[0], "in_domain": domain,
        "chem21_class": frame["chem21_class"], "boiling_point_c": frame["boiling_point_c"],
        "flash_point_c": frame["flash_point_c"]})[poor]
    antisolvents = antisolvents.sort_values(["margin", "name"], ascending=[False, True], kind="mergesort")
    return Selection(target_molecule, other_molecules, tuple(float(t) for t in temperatures), table,
                     antisolvents.reset_index(drop=True)[list(ANTISOLVENT_COLUMNS)], _failures(failures),
                     len(frame), n_filtered)
