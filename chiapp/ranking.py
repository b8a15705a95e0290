"""Solvent ranking for one polymer: which solvents dissolve it, most likely first.

The answer engine (``chiapp.answer``) answers the polymer with every candidate solvent
(``chiapp.candidates``: the library or a list, filtered) at the temperatures asked: the posterior
χ ± σ, the limit χ_lim = min(χc, χ_m(T)) (χc of the pair's chain length N = (M_n/ρ)/V_solvent,
and for a semicrystalline grade Flory's melting limit χ_m), P(dissolves) = Φ((χ_lim − χ)/σ) and
the one verdict. Rankings sort by that probability, so a pair the model knows little about (wide
σ) cannot outrank a well-known good solvent on a lucky mean. Over a temperature range each
solvent is judged at its worst temperature (the lowest P). For a crystalline polymer the
dissolution temperature Td (above which it dissolves, with the interval from χ ± σ) and the reason
are given with every solvent, and the solvents that do not dissolve it at T follow in order of
their Td, lowest first (how much heating each would need).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chiapp.answer import answer_grid
from chiapp.candidates import FAILURE_COLUMNS, candidate_solvents, check_filters, failure_table, properties_frame
from chiapp.errors import InputError
from chiapp.features import polymer_features
from chiapp.frozen import FrozenResult
from chiapp.library import Molecule
from chiapp.model import ChiModel, load_model
from chiapp.posterior import DOES_NOT_AT, PRIOR_NAMES, VERDICTS
from chiapp.units import ZERO_CELSIUS_K

__all__ = ["FAILURE_COLUMNS", "RANKING_COLUMNS", "VERDICTS", "Ranking", "rank_solvents", "ranking_temperatures"]

#: Temperatures sampled across a range given to :func:`rank_solvents`.
_N_RANGE_POINTS = 21

RANKING_COLUMNS = (
    "name", "smiles", "chi", "chi_std", "laboratory_chi_std", "chi_limit", "verdict", "dissolve_probability",
    "classifier_probability", "in_domain", "prior", "chain_length", "chi_critical", "temperature_k",
    "boiling_point_c", "flash_point_c", "chem21_class", "molar_volume_cm3_per_mol", "molar_volume_source",
    "dissolution_temperature_c", "dissolution_temperature_low_c", "dissolution_temperature_high_c", "reason",
)


@dataclass(frozen=True, eq=False)
class Ranking(FrozenResult):
    """Solvents for one polymer, most likely to dissolve it first.

    ``table`` has the columns of RANKING_COLUMNS; over a temperature range, χ, σ, χ_lim, P and the verdict
    are those at the temperature where P(dissolves) is lowest (the worst case), given in ``temperature_k``.
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


def _temperature(value, name: str) -> float:
    try:
        t = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a number in kelvin, got {value!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise InputError(f"{name} must be a finite temperature above 0 K, got {value!r}")
    return t


def ranking_temperatures(temperature_k) -> np.ndarray:
    """One temperature [K], or a (low, high) range sampled at _N_RANGE_POINTS."""
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


def _sorted(table: pd.DataFrame, crystalline: bool) -> pd.DataFrame:
    """Most likely to dissolve first; among equals (P ≈ 1) the larger margin χ_lim − χ first. For a
    semicrystalline polymer the solvents that do not dissolve it at T follow in order of their
    dissolution temperature (the lowest, the nearest to usable), those without one last: P there
    is set by the melting limit and σ, and would put the least known solvents first."""
    cold = (table["dissolve_probability"] <= DOES_NOT_AT).to_numpy() if crystalline else np.zeros(len(table), bool)
    t_d = table["dissolution_temperature_c"].to_numpy(dtype=float) if crystalline else np.full(len(table), np.nan)
    # P to the percent shown: 0.99999999 and 0.998 are the same certainty to a formulator, and
    # a θ solvent pinned by a precise literature θ (σ 0.005) must not outrank a good solvent on it
    keys = table.assign(_cold=cold, _td=np.where(cold, np.nan_to_num(t_d, nan=np.inf), 0.0),
                        _p=-table["dissolve_probability"].round(2), _margin=table["chi"] - table["chi_limit"])
    order = keys.sort_values(["_cold", "_td", "_p", "_margin", "name"], kind="mergesort").index
    return table.loc[order].reset_index(drop=True)


def rank_solvents(polymer, temperature_k, *, solvents: Sequence[str] | None = None,
                  molecular_weight_g_per_mol: float | None = None,
                  boiling_point_c: tuple[float, float] | None = None,
                  min_flash_point_c: float | None = None, exclude_classes: Sequence[str] = (),
                  in_domain_only: bool = False, crystalline_overrides=None,
                  model: ChiModel | None = None) -> Ranking:
    """Rank solvents for ``polymer`` at ``temperature_k`` [K] (or a (low, high) range).

    ``polymer`` is a library name, abbreviation, grade ("LDPE") or repeat-unit SMILES, or a
    CalibratedPolymer (chiapp.calibration); ``solvents`` is None (the whole library) or
    names/SMILES, whose bad entries are reported in ``failures``. ``molecular_weight_g_per_mol``
    is M_n (default: the library's typical M_n, else 100,000). ``boiling_point_c`` = (low, high)
    [°C], ``min_flash_point_c`` [°C] and ``exclude_classes`` (CHEM21 classes) filter the solvents;
    ``in_domain_only`` drops pairs outside the model's domain. ``crystalline_overrides`` (a
    ``chiapp.crystallinity.CrystallineOverride`` or mapping: measured melting point, heat of fusion,
    crystallinity 0 for an amorphous grade) corrects the crystalline table.
    """
    model = model or load_model()
    temperatures = ranking_temperatures(temperature_k)
    filters = check_filters(boiling_point_c, min_flash_point_c, exclude_classes)
    features = polymer_features(polymer, molecular_weight_g_per_mol=molecular_weight_g_per_mol,
                                crystalline_overrides=crystalline_overrides, model=model)
    pool, failures, n_filtered = candidate_solvents(solvents, filters, model=model)
    result = Ranking(features.molecule, tuple(float(t) for t in temperatures), features.molecular_weight_g_per_mol,
                     features.density_g_per_cm3, pd.DataFrame(columns=list(RANKING_COLUMNS)),
                     failure_table(failures), n_filtered)
    if not pool:
        return result
    answer = answer_grid([features], pool, temperatures, model=model)
    probability = answer.dissolve_probability[0]                                            # (S, T)
    worst = np.argmin(np.where(np.isnan(probability), np.inf, probability), axis=1)
    rows = np.arange(len(pool))

    def at_worst(values: np.ndarray) -> np.ndarray:
        return values[0][rows, worst]

    crystalline = features.crystal is not None
    table = properties_frame(pool).assign(
        chi=at_worst(answer.chi), chi_std=at_worst(answer.chi_std),
        laboratory_chi_std=at_worst(answer.laboratory_chi_std), chi_limit=at_worst(answer.chi_limit),
        verdict=at_worst(answer.verdicts), dissolve_probability=at_worst(answer.dissolve_probability),
        classifier_probability=answer.classifier_probability[0], in_domain=at_worst(answer.in_domain),
        prior=np.asarray(PRIOR_NAMES, dtype=object)[answer.prior_codes[0]], chain_length=answer.chain_length[0],
        chi_critical=answer.chi_critical[0], temperature_k=temperatures[worst],
        dissolution_temperature_c=answer.dissolution_temperature_k[0] - ZERO_CELSIUS_K,
        dissolution_temperature_low_c=answer.dissolution_temperature_low_k[0] - ZERO_CELSIUS_K,
        dissolution_temperature_high_c=answer.dissolution_temperature_high_k[0] - ZERO_CELSIUS_K,
        reason=[answer.reason(0, s) if crystalline or answer.errors[0, s] else "amorphous: no melting-point limit"
                for s in range(len(pool))])
    bad = answer.errors[0] != ""
    more = [(name, "solvent", error) for name, error in zip(table.loc[bad, "name"], answer.errors[0][bad])]
    table = table[~bad]
    n_out = 0
    if in_domain_only:
        n_out = int((~table["in_domain"].astype(bool)).sum())
        table = table[table["in_domain"].astype(bool)]
    table = _sorted(table, crystalline)
    return Ranking(result.polymer, result.temperatures_k, result.molecular_weight_g_per_mol,
                   result.polymer_density_g_per_cm3, table[list(RANKING_COLUMNS)], failure_table(failures + more),
                   n_filtered + n_out)
