"""A separation sequence for a mixture of plastics: dissolve one at a time, recover each.

Solvent-targeted dissolution and precipitation (STRAP: Walker et al., Sci. Adv. 2020, 6,
eaba7599, doi 10.1126/sciadv.aba7599) and the selective dissolution of Nauman & Lynch (US
5,278,282, 1994: one solvent, xylene, at rising temperatures) take a mixed stream apart one
polymer per step: a solvent and a temperature where exactly one of the polymers still present
dissolves (the one verdict of ``chiapp.selection``, with the crystalline limits of
``chiapp.crystallinity`` and the solvent's liquid range), filtration of the undissolved rest, then
recovery of the dissolved polymer by cooling (below its precipitation temperature in that solvent)
or by an antisolvent.

The engine answers every polymer with every candidate solvent at every temperature once; two
series are then built from that answer, as a process engineer would compare them:

- the best **one-solvent series**: for each solvent, the steps at rising temperatures, the polymer
  that dissolves at the lowest temperature first; the best solvent separates the most polymers,
  then holds every polymer furthest from its limit (the smallest confidence of its steps, counted up
  to OPERATING_CONFIDENCE σ), then is the safer CHEM21 class, then boils lower (easier to recover);
- the best **mixed series**: each polymer's best step (in the previous step's solvent when that one
  works, else in the best one by the same preference: confidence up to OPERATING_CONFIDENCE σ,
  then CHEM21 class, then boiling point), and of those the one run at the lowest temperature.

The plan is the one-solvent series when it separates as many polymers as the mixed one (fewer
solvent changes), else the mixed one; both are listed side by side (``series``). Each step runs at
its operating point (``chiapp.selection``: the lowest temperature at which every polymer still in
the vessel is OPERATING_CONFIDENCE σ on the right side of its limit), with the margin to the
nearest polymer in χ, in σ and in kelvin. What is left when one polymer remains is recovered as
the undissolved solid; if no polymer can be dissolved alone, the plan says which stay together.

An antisolvent named for a recovery mixes with the solvent by measured activities where tabulated, else
by COSMO-SAC (``chiapp.mixing.liquids_mix``; the recovery says by which, or that none could be
checked), and ``chiapp.precipitation`` doses it; a cooling recovery needs some undercooling below the
precipitation temperature in practice (crystallization is slower than melting).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chiapp.answer import answer_grid
from chiapp.candidates import candidate_solvents, check_filters, properties_frame
from chiapp.errors import InputError
from chiapp.features import polymer_features
from chiapp.library import CHEM21_CLASSES
from chiapp.liquid_range import liquid_mask
from chiapp.model import ChiModel, load_model
from chiapp.selection import (
    OPERATING_CONFIDENCE,
    antisolvent_table,
    check_mixture,
    selection_table,
    selection_temperatures,
)
from chiapp.units import ZERO_CELSIUS_K

__all__ = ["ALTERNATIVE_COLUMNS", "ANTISOLVENT_SEPARATOR", "SERIES_COLUMNS", "STEP_COLUMNS", "SeparationPlan",
           "plan_separation"]

#: Grid step when ``temperatures_k`` is given as a (low, high) range [K].
RANGE_STEP_K = 2.5
#: Number of plastics a plan takes.
MIN_POLYMERS, MAX_POLYMERS = 2, 6
STEP_COLUMNS = (
    "step", "dissolves", "solvent", "window_low_c", "window_high_c", "operating_temperature_c", "margin",
    "margin_std", "confidence", "margin_k", "nearest", "chem21_class", "boiling_point_c", "needs_pressure", "recovery",
    "precipitation_temperature_c", "antisolvent", "antisolvents", "undissolved", "molten", "reason",
)
#: ``antisolvents`` of a step: the antisolvents its recovery names, preferred first, joined by this.
ANTISOLVENT_SEPARATOR = " or "
SERIES_COLUMNS = ("series", "step", "dissolves", "solvent", "window_low_c", "window_high_c", "operating_temperature_c",
                  "margin_k", "confidence", "chem21_class", "boiling_point_c")
ALTERNATIVE_COLUMNS = ("step", "dissolves", "rank", "solvent", "windows", "operating_temperature_c", "margin",
                       "margin_std", "confidence", "chem21_class", "boiling_point_c", "needs_pressure")


@dataclass(frozen=True)
class SeparationPlan:
    """Ordered steps (STEP_COLUMNS), the next best solvents of each step (ALTERNATIVE_COLUMNS), the
    polymer left as the undissolved solid (``residue``, None if the plan stopped early) and the
    polymers that could not be separated from each other (``unseparated``). ``series`` (SERIES_COLUMNS)
    sets the best one-solvent series and the best mixed series side by side; ``kind`` says which one
    the steps are."""

    polymers: tuple[str, ...]
    temperatures_k: tuple[float, ...]
    steps: pd.DataFrame
    alternatives: pd.DataFrame
    residue: str | None
    unseparated: tuple[str, ...]
    series: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(SERIES_COLUMNS)))
    kind: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The steps as a DataFrame, with the residue as a last row."""
        frame = self.steps.astype(object)
        if self.residue is not None:
            last = pd.DataFrame([{"step": len(frame) + 1, "dissolves": "", "solvent": "",
                                  "recovery": f"{self.residue}: the undissolved solid left after the last filtration",
                                  "undissolved": self.residue}], columns=frame.columns, dtype=object)
            frame = pd.concat([frame, last], ignore_index=True) if len(frame) else last
        return frame

    def describe(self) -> str:
        """The sequence in plain text, one line per step (for a report or a diagram's caption)."""
        low, high = self.temperatures_k[0] - ZERO_CELSIUS_K, self.temperatures_k[-1] - ZERO_CELSIUS_K
        series = {"one solvent": ", one solvent at rising temperatures", "mixed": ", solvents changed between steps"}
        lines = [f"Separate {', '.join(self.polymers)} ({low:g}-{high:g} °C{series.get(self.kind, '')}):"]
        for row in self.steps.itertuples(index=False):
            pressure = " under pressure (above its boiling point)" if row.needs_pressure else ""
            kelvins = f", {row.margin_k:.0f} K" if pd.notna(row.margin_k) else ""
            lines.append(
                f"{row.step}. {row.solvent} at {row.window_low_c:.0f}-{row.window_high_c:.0f} °C{pressure} "
                f"(run at {row.operating_temperature_c:.0f} °C, margin to {row.nearest} {row.margin:.2f} ± "
                f"{row.margin_std:.2f} = {row.confidence:.1f} σ{kelvins}; "
                f"CHEM21 {row.chem21_class or 'unclassified'}): dissolves {row.dissolves}; "
                f"{row.undissolved} {'stay' if ',' in row.undissolved else 'stays'} undissolved and "
                f"{'are' if ',' in row.undissolved else 'is'} filtered off{row.molten}. "
                f"Recover {row.dissolves} by {row.recovery}.")
        if self.residue is not None:
            lines.append(f"{len(self.steps) + 1}. {self.residue} is what remains: recovered as the solid.")
        if self.unseparated:
            lines.append(f"No solvent dissolves one of {', '.join(self.unseparated)} without the others in this "
                         "range: they stay together.")
        return "\n".join(lines)


def _label(text: str) -> str:
    return text.strip()


#: Antisolvent candidates named in a recovery.
_N_ANTISOLVENTS = 3
#: An antisolvent is clearly poor when its χ - χ_c is this many σ above 0 (97.7 % one-sided).
_CLEARLY_POOR_Z = 2.0


def _antisolvents(row: pd.Series, antisolvents: pd.DataFrame, temperature_k: float) -> tuple[list[str], str]:
    """Antisolvents for the dissolved polymer, and by what their mixing with the solvent was checked
    ('' when it was not). They are poor for it at the lowest temperature, and clearly so ((χ - χ_lim) / σ
    ≥ 2 where any is, σ the selection's ``margin_std``), boil below the solvent (so that distillation
    takes them off first) and mix with it at every ratio (``chiapp.mixing.liquids_mix``; where no
    candidate can be checked, the nearer half to the solvent in Hansen space instead, Ra² = 4 ΔδD² +
    ΔδP² + ΔδH², Hansen, Hansen Solubility Parameters, 2nd ed., CRC 2007: a proxy, not a check); then
    safest CHEM21 class first, most clearly poor first."""
    if antisolvents.empty:
        return [], ""
    table = antisolvents
    clear = (table["margin"] / table["margin_std"].clip(lower=1e-9)).to_numpy() >= _CLEARLY_POOR_Z
    if clear.any():
        table = table[clear]
    boiling = table["boiling_point_c"].to_numpy(dtype=float)
    if pd.notna(row["boiling_point_c"]):
        lower = boiling < float(row["boiling_point_c"])
        if lower.any():
            table = table[lower]
    safety = table["chem21_class"].map({c: i for i, c in enumerate(CHEM21_CLASSES)}).fillna(len(CHEM21_CLASSES))
    mixes = _mix_with(str(row["smiles"]), table["smiles"], temperature_k)
    checked = any(m is not None for m, _ in mixes)
    if checked:
        keep = np.array([m is True for m, _ in mixes])
        table, safety = table[keep], safety[keep]
        table = table.assign(_source=[source for (m, source) in mixes if m is True])
    else:
        hansen = _hansen_table()
        solvent = hansen.get(row["smiles"])
        distance = np.array([_hansen_distance(solvent, hansen.get(smiles)) if solvent is not None else math.inf
                             for smiles in table["smiles"]])
        known = distance[np.isfinite(distance)]
        if known.size:
            near = distance <= np.median(known)
            table, safety = table[near], safety[near]
    z = table["margin"] / table["chi_std"].clip(lower=1e-9)
    table = table.assign(_safety=safety, _z=z).sort_values(["_safety", "_z"], ascending=[True, False],
                                                           kind="mergesort")
    from chiapp.mixing import MEASURED_SOURCE

    named = table.head(_N_ANTISOLVENTS)
    by = set(named["_source"]) if checked else set()
    how = f"{MEASURED_SOURCE} or, where not tabulated, COSMO-SAC" if len(by) > 1 else next(iter(by), "")
    return [str(n) for n in named["name"]], how


def _mix_with(solvent: str, candidates, temperature_k: float) -> list[tuple[bool | None, str]]:
    """``chiapp.mixing.liquids_mix`` of the solvent with each candidate (SMILES): (mixes, by what)."""
    from chiapp.features import solvent_features
    from chiapp.mixing import liquids_mix

    first, others = solvent_features(solvent), [solvent_features(s) for s in candidates]
    if first.key is None or any(o.key is None for o in others):
        return [(None, "")] * len(others)
    return liquids_mix(first.key, [o.key for o in others], first.molar_volume_cm3_per_mol,
                       [o.molar_volume_cm3_per_mol for o in others], temperature_k)


def _hansen_table() -> dict[str, tuple[float, float, float]]:
    from chiapp.library import solvent_library
    library = solvent_library()
    columns = ["delta_d_mpa05", "delta_p_mpa05", "delta_h_mpa05"]
    known = library.dropna(subset=columns)
    return {smiles: tuple(values) for smiles, values in zip(known["smiles"], known[columns].to_numpy(dtype=float))}


def _hansen_distance(a, b) -> float:
    if a is None or b is None:
        return math.inf
    return math.sqrt(4 * (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2)


def _recovery(row: pd.Series, antisolvents: pd.DataFrame, low_c: float) -> tuple[str, list[str]]:
    """How the dissolved polymer comes back, and the antisolvents named (preferred first; none for cooling
    or evaporating)."""
    precipitation = row["precipitation_temperature_c"]
    if pd.notna(precipitation) and precipitation >= low_c:
        return f"cooling below ~{precipitation:.0f} °C (precipitation temperature)", []
    names, checked = _antisolvents(row, antisolvents, low_c + ZERO_CELSIUS_K)
    if names:
        mixing = (f"each mixes with {row['name']} at {low_c:.0f} °C by {checked}" if checked
                  else f"miscibility with {row['name']} not checked")
        return f"adding an antisolvent ({' or '.join(names)}; {mixing})", names
    return "evaporating the solvent", []


def _molten(polymers, labels: Sequence[str], others: Sequence[int], high_c: float) -> str:
    """A note naming the undissolved crystalline polymers whose melting point is inside the window:
    they melt without dissolving (a separate liquid phase, harder to filter)."""
    molten = [f"{labels[i]} (melts at {polymers[i].crystal.melting_point_c:.0f} °C)" for i in others
              if polymers[i].crystal is not None and polymers[i].crystal.melting_point_c < high_c]
    return f" (molten, not dissolved: {', '.join(molten)})" if molten else ""


def _temperature_grid(temperatures_k) -> np.ndarray:
    try:
        temperatures = np.asarray(temperatures_k, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"temperatures_k must be numbers in kelvin, got {temperatures_k!r}") from None
    if temperatures.size == 2 and np.all(np.isfinite(temperatures)) and temperatures[1] > temperatures[0]:
        n = max(2, int(round((temperatures[1] - temperatures[0]) / RANGE_STEP_K)) + 1)
        temperatures = np.linspace(temperatures[0], temperatures[1], n)  # a (low, high) range
    return selection_temperatures(temperatures)


@dataclass(frozen=True)
class _Context:
    """The engine's answer for every polymer × candidate solvent × temperature, and what a step needs."""

    answer: Any
    labels: list[str]             # the polymers as the user named them
    frame: pd.DataFrame
    liquid: np.ndarray
    keep: np.ndarray
    in_domain: np.ndarray

    def table(self, target: int, members: list[int], only: int | None = None, first_index: int = 0) -> pd.DataFrame:
        keep = self.keep
        if only is not None:
            keep = np.zeros_like(self.keep)
            keep[only] = self.keep[only]
        return selection_table(self.answer, self.frame, self.liquid, keep, self.in_domain, target, members,
                               first_index=first_index, labels=self.labels)


def _first_window(context: _Context, target: int, members: list[int], s: int, first_index: int) -> int | None:
    """Index of the lowest temperature ≥ first_index at which ``target`` alone dissolves in solvent s."""
    codes = context.answer.verdict_codes
    others = [m for m in members if m != target]
    ok = (codes[target, s] == 0) & (codes[others, s] == 2).all(axis=0) & context.liquid[s]
    ok[:first_index] = False
    found = np.flatnonzero(ok)
    return int(found[0]) if found.size else None


def _one_solvent_series(context: _Context, n_polymers: int, s: int) -> list[tuple[int, list[int], pd.Series]]:
    """The steps of solvent s at rising temperatures, the lowest-dissolving polymer first."""
    members, first, steps = list(range(n_polymers)), 0, []
    temperatures = context.answer.temperatures_k
    while len(members) > 1:
        starts = {t: _first_window(context, t, members, s, first) for t in members}
        starts = {t: k for t, k in starts.items() if k is not None}
        if not starts:
            break
        target = min(starts, key=lambda t: (starts[t], t))
        row = context.table(target, members, only=s, first_index=first).iloc[0]
        steps.append((target, list(members), row))
        members.remove(target)
        first = int(np.searchsorted(temperatures, row["operating_temperature_c"] + ZERO_CELSIUS_K - 1e-9))
    return steps


def _preference(row: pd.Series) -> tuple:
    """How a process engineer ranks a working step: confidence up to OPERATING_CONFIDENCE σ (beyond it
    every step is safe enough), then the safer CHEM21 class, then the lower boiling point (recovery)."""
    safety = {c: i for i, c in enumerate(CHEM21_CLASSES)}.get(row["chem21_class"], len(CHEM21_CLASSES))
    boiling = row["boiling_point_c"]
    return (min(float(row["confidence"]), OPERATING_CONFIDENCE), -safety,
            -(boiling if np.isfinite(boiling) else 1e9))


def _series_key(steps) -> tuple:
    """A series: the most polymers separated, then its weakest step by :func:`_preference`."""
    return (len(steps), min(_preference(row) for _, _, row in steps))


def _best_one_solvent(context: _Context, n_polymers: int) -> list[tuple[int, list[int], pd.Series]]:
    best, best_key = [], None
    for s in np.flatnonzero(context.keep):
        steps = _one_solvent_series(context, n_polymers, int(s))
        if not steps:
            continue
        key = _series_key(steps)
        if best_key is None or key > best_key:
            best, best_key = steps, key
    return best


def _mixed_series(context: _Context, n_polymers: int) -> list[tuple[int, list[int], pd.Series]]:
    """At each step, for every polymer still present its best step (the previous step's solvent when
    that one works, else the best by :func:`_preference`); the step taken is the one run at the
    lowest temperature."""
    members, steps, previous = list(range(n_polymers)), [], None
    while len(members) > 1:
        best = {}
        for target in members:
            table = context.table(target, members)
            if table.empty:
                continue
            same = table[table["name"] == previous]
            best[target] = same.iloc[0] if len(same) else max((r for _, r in table.iterrows()), key=_preference)
        if not best:
            break
        target = min(best, key=lambda t: (best[t]["operating_temperature_c"], t))
        steps.append((target, list(members), best[target]))
        members.remove(target)
        previous = best[target]["name"]
    return steps


def _step_row(context: _Context, number: int, target: int, members: list[int], row: pd.Series, low_c: float) -> dict:
    labels = context.labels
    others = [labels[m] for m in members if m != target]
    antisolvents = antisolvent_table(context.answer, context.frame, context.keep, context.in_domain, target)
    recovery, names = _recovery(row, antisolvents, low_c)
    return {
        "step": number, "dissolves": labels[target], "solvent": row["name"], "window_low_c": row["window_low_c"],
        "window_high_c": row["window_high_c"], "operating_temperature_c": row["operating_temperature_c"],
        "margin": row["margin"], "margin_std": row["margin_std"], "confidence": row["confidence"],
        "margin_k": row["margin_k"], "nearest": row["nearest"], "chem21_class": row["chem21_class"],
        "boiling_point_c": row["boiling_point_c"], "needs_pressure": bool(row["needs_pressure"]),
        "recovery": recovery, "precipitation_temperature_c": row["precipitation_temperature_c"],
        "antisolvent": names[0] if names else "", "antisolvents": ANTISOLVENT_SEPARATOR.join(names),
        "undissolved": ", ".join(others),
        "molten": _molten(context.answer.polymers, labels, [m for m in members if m != target],
                          float(row["window_high_c"])),
        "reason": row["reason"]}


def plan_separation(polymers: Sequence[str], temperatures_k, *, solvents: Sequence[str] | None = None,
                    molecular_weights_g_per_mol: Mapping[str, float] | None = None,
                    min_flash_point_c: float | None = None, exclude_classes: Sequence[str] = (),
                    in_domain_only: bool = False, allow_above_boiling: bool = False,
                    crystalline_overrides: Mapping[str, object] | None = None,
                    chem21_only: bool = False, n_alternatives: int = 3, model: ChiModel | None = None
                    ) -> SeparationPlan:
    """A dissolution sequence for 2-6 plastics over ``temperatures_k`` [K]: increasing temperatures,
    or a (low, high) range, sampled every RANGE_STEP_K (module docstring: the two series and which
    is the plan).

    ``polymers`` are names or repeat units ("LDPE", "HDPE", "iPP", "EVOH32", "PET"...: grades of
    one repeat unit are distinct members); the solvent filters, ``allow_above_boiling`` and
    ``crystalline_overrides`` are those of :func:`chiapp.selection.select_solvents`.
    ``chem21_only`` keeps the solvents that the CHEM21 guide classifies (Prat et al., Green
    Chem. 2016, 18, 288: the common process solvents a plant can source and permit) before the
    other filters. ``n_alternatives`` next-best solvents are listed per step.
    """
    if isinstance(polymers, str):
        raise InputError("polymers must be a list of names (a single string is one polymer; give 2 to 6)")
    names = [_label(str(p)) for p in polymers if str(p).strip()]
    if not MIN_POLYMERS <= len(names) <= MAX_POLYMERS:
        raise InputError(f"a separation plan takes {MIN_POLYMERS} to {MAX_POLYMERS} plastics, got {len(names)}")
    if not isinstance(n_alternatives, int) or n_alternatives < 0:
        raise InputError(f"n_alternatives must be an integer ≥ 0, got {n_alternatives!r}")
    model = model or load_model()
    weights, overrides = dict(molecular_weights_g_per_mol or {}), dict(crystalline_overrides or {})
    features = [polymer_features(name, molecular_weight_g_per_mol=weights.get(name),
                                 crystalline_overrides=overrides.get(name), model=model) for name in names]
    check_mixture(features, names)
    temperatures = _temperature_grid(temperatures_k)
    if chem21_only:
        from chiapp.library import solvent_library
        library = solvent_library()
        classified = library.loc[library["chem21_class"] != "", "name"].tolist()
        if solvents is not None:
            from chiapp.library import resolve_solvent
            wanted = {resolve_solvent(s).smiles for s in ([solvents] if isinstance(solvents, str) else solvents)}
            classified = library.loc[(library["chem21_class"] != "") & library["smiles"].isin(wanted), "name"].tolist()
        solvents = classified
    filters = check_filters(None, min_flash_point_c, exclude_classes)
    pool, _, _ = candidate_solvents(solvents, filters, model=model)
    low_c = float(temperatures[0] - ZERO_CELSIUS_K)
    empty = SeparationPlan(tuple(names), tuple(float(t) for t in temperatures),
                           pd.DataFrame(columns=list(STEP_COLUMNS)), pd.DataFrame(columns=list(ALTERNATIVE_COLUMNS)),
                           None, tuple(names), pd.DataFrame(columns=list(SERIES_COLUMNS)), "")
    if not pool:
        return empty
    answer = answer_grid(features, pool, temperatures, model=model)
    bad = (answer.errors != "").any(axis=0)
    in_domain = np.asarray(answer.in_domain.all(axis=(0, 2)))
    frame = properties_frame(pool)
    liquid = liquid_mask(temperatures, frame["boiling_point_c"].to_numpy(dtype=float),
                         frame["melting_point_c"].to_numpy(dtype=float), allow_above_boiling=allow_above_boiling)
    context = _Context(answer, names, frame, liquid, ~bad & (in_domain if in_domain_only else True), in_domain)
    one, mixed = _best_one_solvent(context, len(names)), _mixed_series(context, len(names))
    kind, chosen = ("one solvent", one) if len(one) >= len(mixed) else ("mixed", mixed)
    steps = [_step_row(context, i, target, members, row, low_c)
             for i, (target, members, row) in enumerate(chosen, start=1)]
    alternatives = []
    for number, (target, members, row) in enumerate(chosen, start=1):
        table = context.table(target, members)
        table = table[table["name"] != row["name"]]
        for rank, alt in enumerate(table.head(n_alternatives).itertuples(index=False), start=2):
            alternatives.append({
                "step": number, "dissolves": names[target], "rank": rank, "solvent": alt.name,
                "windows": alt.windows, "operating_temperature_c": alt.operating_temperature_c, "margin": alt.margin,
                "margin_std": alt.margin_std, "confidence": alt.confidence, "chem21_class": alt.chem21_class,
                "boiling_point_c": alt.boiling_point_c, "needs_pressure": bool(alt.needs_pressure)})
    series = [{"series": label, "step": i, "dissolves": names[target], "solvent": row["name"],
               "window_low_c": row["window_low_c"], "window_high_c": row["window_high_c"],
               "operating_temperature_c": row["operating_temperature_c"], "margin_k": row["margin_k"],
               "confidence": row["confidence"], "chem21_class": row["chem21_class"],
               "boiling_point_c": row["boiling_point_c"]}
              for label, run in (("one solvent", one), ("mixed", mixed))
              for i, (target, _, row) in enumerate(run, start=1)]
    done = {t for t, _, _ in chosen}
    remaining = [n for i, n in enumerate(names) if i not in done]
    return SeparationPlan(
        polymers=tuple(names), temperatures_k=tuple(float(t) for t in temperatures),
        steps=pd.DataFrame(steps, columns=list(STEP_COLUMNS)),
        alternatives=pd.DataFrame(alternatives, columns=list(ALTERNATIVE_COLUMNS)),
        residue=remaining[0] if len(remaining) == 1 else None,
        unseparated=tuple(remaining) if len(remaining) > 1 else (),
        series=pd.DataFrame(series, columns=list(SERIES_COLUMNS)), kind=kind)
