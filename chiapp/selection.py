"""Selective dissolution: solvents and temperatures that dissolve one polymer of a mixture and none of the others.

Solvent-targeted recovery of a plastic from a mixture (Walker et al., Sci. Adv. 2020, 6,
eaba7599, doi 10.1126/sciadv.aba7599). The answer engine (``chiapp.answer``) answers every polymer
of the mixture with every candidate solvent at every temperature; a solvent is selective at T when
the one verdict says the target 'dissolves' (P ≥ 0.7) and every other polymer 'does not dissolve'
(P ≤ 0.3), each against its own limit χ_lim = min(χc, χ_m(T)) (a semicrystalline grade dissolves
only above its dissolution temperature), and T lies in the solvent's liquid range at 1 atm
(``chiapp.liquid_range``; above the boiling point only with ``allow_above_boiling``: a pressurized
step, flagged ``needs_pressure``). Grades of one repeat unit (LDPE and HDPE, PA6 and PA66...) are
distinct polymers of the mixture.

Each polymer's distance from the outcome the selection wants is

    g_target = χ_lim,t − χ_t,    g_other = χ_o − χ_lim,o        (> 0 where the verdict goes the right way),

and the confidence of T is the smallest g/σ over every polymer in the vessel (the one whose verdict
is nearest to flipping); the margin is the g of that polymer and ``margin_std`` its σ
(:func:`grade_chi_std`). Where a polymer's limit is χc (not a melting limit) and its M_n was not given,
that σ also holds the grade's unknown chain length, GRADE_SIGMA_SHARE·(χc − ½) in quadrature: the
library's M_n is a typical grade, and a grade three times longer or shorter moves χc by about that
much (χc − ½ ≈ 1/√N). A θ solvent, which dissolves the library's grade a few kelvin below θ by a
margin of a few hundredths, is then not ranked above a good solvent for being precisely known. The
verdicts and P are the engine's, unchanged (P uses σ alone); the confidence steps where a
crystalline polymer's limit passes from its melting limit to χc. A window is a
run of selective temperatures; its operating temperature is the lowest one at which every polymer
in the vessel is OPERATING_CONFIDENCE σ on the right side (a plant heats no more than it must), or
else where the confidence (with ``rank_by="margin"``, the margin) is largest, so the operating point
keeps its distance from every polymer still present, the next one to dissolve included;
``margin_k`` is its distance [K] to the nearest temperature where any verdict flips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chiapp.answer import Answer, answer_grid
from chiapp.candidates import candidate_solvents, check_filters, failure_table, properties_frame
from chiapp.chemistry import canonical_polymer
from chiapp.errors import InputError
from chiapp.features import PolymerFeatures, polymer_features
from chiapp.frozen import FrozenResult
from chiapp.library import CHEM21_CLASSES, Molecule
from chiapp.liquid_range import liquid_mask
from chiapp.model import ChiModel, load_model
from chiapp.units import ZERO_CELSIUS_K

__all__ = ["ANTISOLVENT_COLUMNS", "GRADE_SIGMA_SHARE", "OPERATING_CONFIDENCE", "RANK_BY", "SELECTION_COLUMNS",
           "Selection", "antisolvent_table", "check_mixture", "grade_chi_std", "mixture_key", "select_solvents",
           "selection_table", "selection_temperatures"]

#: A window's operating point is its lowest temperature with every polymer this many σ (margin_std) on
#: the right side of its limit, where there is one.
OPERATING_CONFIDENCE = 2.0
#: σ of χc for a grade of unknown chain length, as a share of χc − ½ (module docstring).
GRADE_SIGMA_SHARE = 0.5
#: Orders of a selection table: by margin, or by confidence (the smallest margin over its σ).
RANK_BY = ("margin", "confidence")
SELECTION_COLUMNS = (
    "name", "smiles", "window_low_c", "window_high_c", "windows", "operating_temperature_c", "margin", "margin_std",
    "confidence", "margin_k", "target_probability", "nearest", "precipitation_temperature_c", "in_domain",
    "chem21_class", "boiling_point_c", "flash_point_c", "melting_point_c", "target_dissolution_temperature_c",
    "needs_pressure", "reason",
)
ANTISOLVENT_COLUMNS = ("name", "smiles", "chi", "chi_std", "chi_limit", "margin", "margin_std", "dissolve_probability",
                       "in_domain", "chem21_class", "boiling_point_c", "flash_point_c")


@dataclass(frozen=True, eq=False)
class Selection(FrozenResult):
    """Solvents that dissolve ``target`` but none of ``others`` somewhere in ``temperatures_k``.

    ``table`` (SELECTION_COLUMNS) holds the selective solvents only, best first, then safest CHEM21
    class; ``windows`` lists every window, the ``window_*_c`` columns describe the best one;
    ``operating_temperature_c`` is where in it the score is largest, ``margin`` the gap of the
    polymer nearest to flipping there (``nearest``) and ``margin_std`` its σ, ``confidence`` their
    ratio and ``target_probability`` the target's P(dissolves) there. ``target_dissolution_temperature_c``
    and ``reason`` say where a crystalline target starts to dissolve in that solvent;
    ``precipitation_temperature_c`` is where, cooling from the window, the target stops dissolving
    (its χ crosses its limit), interpolated between grid temperatures; empty when it stays dissolved
    down to the lowest temperature. ``antisolvents`` (ANTISOLVENT_COLUMNS) are the solvents in which
    the target 'does not dissolve' at the lowest temperature, clearest first: candidates to
    precipitate the dissolved target. ``answer`` is the engine's answer the selection was read from.
    """

    target: Molecule
    others: tuple[Molecule, ...]
    temperatures_k: tuple[float, ...]
    table: pd.DataFrame
    antisolvents: pd.DataFrame
    failures: pd.DataFrame
    n_screened: int
    n_filtered_out: int
    answer: Answer | None = None


def selection_temperatures(temperatures_k) -> np.ndarray:
    """Strictly increasing temperatures [K]; InputError otherwise."""
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


def mixture_key(polymer: PolymerFeatures) -> tuple[str, str]:
    """What makes a member of a mixture: its repeat unit and its crystalline grade (LDPE ≠ HDPE)."""
    grade = polymer.crystal.grade if polymer.crystal is not None else (polymer.molecule.grade or "")
    return canonical_polymer(polymer.smiles), grade


def check_mixture(polymers: Sequence[PolymerFeatures], texts: Sequence) -> None:
    """Each member of a mixture once: a repeat unit may come twice only as two grades (LDPE, HDPE)."""
    seen: dict[tuple[str, str], str] = {}
    for features, text in zip(polymers, texts):
        key = mixture_key(features)
        if key in seen:
            raise InputError(f"{text!r} and {seen[key]!r} are the same polymer" + (f" ({key[1]})" if key[1] else ""))
        seen[key] = str(text)


def _windows(mask: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges [start, stop] (inclusive) of the runs of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


def _crossing_c(t_k: np.ndarray, gap: np.ndarray, i: int) -> float:
    """Temperature [°C] where gap crosses 0 between grid points i and i + 1."""
    g0, g1 = gap[i], gap[i + 1]
    fraction = 0.0 if g1 == g0 else -g0 / (g1 - g0)
    return float(t_k[i] + fraction * (t_k[i + 1] - t_k[i]) - ZERO_CELSIUS_K)


def select_solvents(target, others: Sequence, temperatures_k, *, solvents: Sequence[str] | None = None,
                    molecular_weights_g_per_mol: Mapping[str, float] | None = None,
                    boiling_point_c: tuple[float, float] | None = None,
                    min_flash_point_c: float | None = None, exclude_classes: Sequence[str] = (),
                    in_domain_only: bool = False, allow_above_boiling: bool = False,
                    crystalline_overrides: Mapping[str, object] | None = None,
                    rank_by: str = "confidence", model: ChiModel | None = None) -> Selection:
    """Solvents that dissolve ``target`` while none of ``others`` dissolves, over ``temperatures_k``.

    ``target`` and ``others`` are polymer names, grades or repeat units (a bad one raises; a
    CalibratedPolymer is accepted); ``temperatures_k`` is an increasing array [K], e.g. 20–160 °C in
    50 steps. ``solvents`` and the filters are those of ``chiapp.ranking.rank_solvents``;
    ``molecular_weights_g_per_mol`` and ``crystalline_overrides`` map a polymer, as given, to its M_n
    and its override. ``in_domain_only`` keeps solvents whose pairs with every polymer are in the
    model's domain. ``rank_by`` orders the table: 'confidence' (the window most likely to be
    selective given σ) or 'margin'; ties go to the safer CHEM21 class.
    """
    if rank_by not in RANK_BY:
        raise InputError(f"rank_by must be one of {', '.join(RANK_BY)}, got {rank_by!r}")
    model = model or load_model()
    temperatures = selection_temperatures(temperatures_k)
    if isinstance(others, str):
        others = [o for o in others.split(",") if o.strip()]
    if not others:
        raise InputError("others is empty: give at least one polymer that must stay undissolved")
    inputs = (target, *others)
    weights, overrides = dict(molecular_weights_g_per_mol or {}), dict(crystalline_overrides or {})

    def option(mapping, text):
        return mapping.get(text) if isinstance(text, str) else None

    polymers = [polymer_features(text, molecular_weight_g_per_mol=option(weights, text),
                                 crystalline_overrides=option(overrides, text), model=model) for text in inputs]
    if mixture_key(polymers[0]) in {mixture_key(p) for p in polymers[1:]}:
        raise InputError(f"the target {target!r} is also among the others")
    check_mixture(polymers, inputs)
    filters = check_filters(boiling_point_c, min_flash_point_c, exclude_classes)
    pool, failures, n_filtered = candidate_solvents(solvents, filters, model=model)
    empty = Selection(polymers[0].molecule, tuple(p.molecule for p in polymers[1:]), tuple(temperatures),
                      pd.DataFrame(columns=list(SELECTION_COLUMNS)), pd.DataFrame(columns=list(ANTISOLVENT_COLUMNS)),
                      failure_table(failures), 0, n_filtered)
    if not pool:
        return empty
    answer = answer_grid(polymers, pool, temperatures, model=model)
    bad = (answer.errors != "").any(axis=0)
    failures += [(pool[s].label, "solvent", "; ".join(sorted(set(answer.errors[:, s]) - {""})))
                 for s in np.flatnonzero(bad)]
    in_domain = np.asarray(answer.in_domain.all(axis=(0, 2)))                                   # (S,)
    keep = ~bad & (in_domain if in_domain_only else True)
    n_filtered += int((~bad & ~keep).sum())
    frame = properties_frame(pool)
    liquid = liquid_mask(temperatures, frame["boiling_point_c"].to_numpy(dtype=float),
                         frame["melting_point_c"].to_numpy(dtype=float), allow_above_boiling=allow_above_boiling)
    members = list(range(len(polymers)))
    table = selection_table(answer, frame, liquid, keep, in_domain, 0, members, rank_by)
    antisolvents = antisolvent_table(answer, frame, keep, in_domain, 0)
    return Selection(empty.target, empty.others, tuple(float(t) for t in temperatures), table, antisolvents,
                     failure_table(failures), int(keep.sum()), n_filtered, answer)


def selection_table(answer: Answer, frame: pd.DataFrame, liquid: np.ndarray, keep: np.ndarray, in_domain: np.ndarray,
                    target: int, members: Sequence[int], rank_by: str = "confidence", first_index: int = 0,
                    labels: Sequence[str] | None = None) -> pd.DataFrame:
    """The selective solvents (SELECTION_COLUMNS, best first) for polymer ``target`` of ``answer`` among
    the polymers ``members`` (target included) still in the vessel; ``frame`` is the solvents'
    properties, ``liquid`` (S, T) where each is liquid, ``keep`` (S,) the solvents allowed; windows
    start at temperature index ``first_index`` or later (a series run at rising temperatures);
    ``labels`` name the polymers (default: their library labels)."""
    temperatures = answer.temperatures_k
    others = [m for m in members if m != target]
    order = np.array([target, *others])
    kept = np.flatnonzero(keep)                      # only the allowed solvents are computed
    pick = np.ix_(order, kept)
    sign = np.where(np.arange(len(order)) == 0, 1.0, -1.0)[:, None, None]
    # each polymer's gap, signed so that > 0 is what the selection wants, and in units of its σ
    gaps = sign * (answer.chi_limit[pick] - answer.chi[pick])                                  # (P, S', T)
    std = grade_chi_std(answer, order, kept)
    z = gaps / std
    binding = np.argmin(z, axis=0)                                                              # (S', T)
    confidence = np.take_along_axis(z, binding[None], axis=0)[0]
    margin = np.take_along_axis(gaps, binding[None], axis=0)[0]
    margin_std = np.take_along_axis(std, binding[None], axis=0)[0]
    codes = answer.verdict_codes[pick]
    by_verdict = (codes[0] == 0) & (codes[1:] == 2).all(axis=0)                                 # (S', T)
    score = confidence if rank_by == "confidence" else margin
    names = list(labels) if labels is not None else [p.label for p in answer.polymers]
    labels = [names[i] for i in order]
    target_gap = gaps[0]
    boiling = frame["boiling_point_c"].to_numpy(dtype=float)
    later = np.arange(temperatures.size) >= first_index
    rows = []
    for j, s in enumerate(kept):
        windows = _windows(by_verdict[j] & liquid[s] & later)
        if not windows:
            continue
        scored = []
        for a, b in windows:
            k = _operating_index(score[j, a:b + 1], confidence[j, a:b + 1]) + a
            scored.append((float(score[j, k]), a, b, k))
        _, a, b, k = max(scored)
        below = np.flatnonzero(target_gap[j, :a] <= 0)
        precipitation = _crossing_c(temperatures, target_gap[j], int(below[-1])) if below.size else np.nan
        td = answer.dissolution_temperature_k[target, s]
        flips = np.flatnonzero(~by_verdict[j])
        margin_k = float(np.min(np.abs(temperatures[flips] - temperatures[k]))) if flips.size else np.nan
        rows.append({
            "name": frame["name"].iat[s], "smiles": frame["smiles"].iat[s],
            "window_low_c": temperatures[a] - ZERO_CELSIUS_K, "window_high_c": temperatures[b] - ZERO_CELSIUS_K,
            "windows": "; ".join(f"{temperatures[lo] - ZERO_CELSIUS_K:.0f}-{temperatures[hi] - ZERO_CELSIUS_K:.0f} °C"
                                 for _, lo, hi, _ in sorted(scored, key=lambda w: w[1])),
            "operating_temperature_c": temperatures[k] - ZERO_CELSIUS_K, "margin": float(margin[j, k]),
            "margin_std": float(margin_std[j, k]), "confidence": float(confidence[j, k]), "margin_k": margin_k,
            "target_probability": float(answer.dissolve_probability[target, s, k]), "nearest": labels[binding[j, k]],
            "precipitation_temperature_c": precipitation, "in_domain": bool(in_domain[s]),
            "chem21_class": frame["chem21_class"].iat[s], "boiling_point_c": boiling[s],
            "flash_point_c": frame["flash_point_c"].iat[s], "melting_point_c": frame["melting_point_c"].iat[s],
            "target_dissolution_temperature_c": td - ZERO_CELSIUS_K if np.isfinite(td) else np.nan,
            "needs_pressure": bool(temperatures[b] - ZERO_CELSIUS_K > boiling[s]),
            "reason": (answer.reason(target, int(s)) if answer.polymers[target].crystal is not None
                       else "amorphous: no melting-point limit")})
    table = pd.DataFrame(rows, columns=list(SELECTION_COLUMNS))
    if not table.empty:
        safety = table["chem21_class"].map({c: i for i, c in enumerate(CHEM21_CLASSES)}).fillna(len(CHEM21_CLASSES))
        table = (table.assign(_key=table[rank_by], _safety=safety)
                 .sort_values(["_key", "_safety", "name"], ascending=[False, True, True], kind="mergesort")
                 .drop(columns=["_key", "_safety"]).reset_index(drop=True))
    return table


def grade_chi_std(answer: Answer, polymers, solvents) -> np.ndarray:
    """σ of each polymer's distance from its limit as a selection weighs it, (P', S', T) for the given
    polymer and solvent indices: the answer's σ, and where the limit is χc and the polymer's M_n was
    not given, GRADE_SIGMA_SHARE·(χc − ½) in quadrature (module docstring)."""
    pick = np.ix_(np.asarray(polymers), np.asarray(solvents))
    critical = answer.chi_critical[pick][..., None]
    unknown = np.array([not answer.polymers[p].grade_given for p in np.asarray(polymers)])[:, None, None]
    grade = np.where(unknown & (answer.chi_limit[pick] >= critical), GRADE_SIGMA_SHARE * (critical - 0.5), 0.0)
    return np.hypot(answer.chi_std[pick], grade)


def _operating_index(score: np.ndarray, confidence: np.ndarray) -> int:
    """Where in a window to run: the lowest temperature at which every polymer in the vessel is
    OPERATING_CONFIDENCE σ on the right side of its limit (a plant heats no more than it must),
    else where the score is largest."""
    sure = np.flatnonzero(confidence >= OPERATING_CONFIDENCE)
    return int(sure[0]) if sure.size else int(np.argmax(score))


def antisolvent_table(answer: Answer, frame: pd.DataFrame, keep: np.ndarray, in_domain: np.ndarray,
                      target: int) -> pd.DataFrame:
    """Solvents in which polymer ``target`` does not dissolve at the lowest temperature, clearest first
    (ANTISOLVENT_COLUMNS): candidates to precipitate it."""
    codes = answer.verdict_codes
    poor = keep & (codes[target, :, 0] == 2)
    chi, std, limit = answer.chi[target, :, 0], answer.chi_std[target, :, 0], answer.chi_limit[target, :, 0]
    margin_std = grade_chi_std(answer, [target], np.arange(len(frame)))[0, :, 0]
    table = frame[["name", "smiles", "chem21_class", "boiling_point_c", "flash_point_c"]].assign(
        chi=chi, chi_std=std, chi_limit=limit, margin=chi - limit, margin_std=margin_std,
        dissolve_probability=answer.dissolve_probability[target, :, 0], in_domain=in_domain,
        _z=(chi - limit) / margin_std)[poor]
    table = table.sort_values(["_z", "name"], ascending=[False, True], kind="mergesort")
    return table.reset_index(drop=True)[list(ANTISOLVENT_COLUMNS)]
