"""A separation sequence for a mixture of plastics: dissolve one at a time, recover each.

Solvent-targeted dissolution and precipitation (STRAP: Walker et al., Sci. Adv. 2020, 6,
eaba7599, doi 10.1126/sciadv.aba7599) takes a mixed stream apart one polymer per step: a solvent
and a temperature window where exactly one of the polymers still present dissolves
(:func:`chiapp.selection.select_solvents`, with the crystalline limits of
``chiapp.crystallinity`` and the solvent's liquid range), filtration of the undissolved rest,
then recovery of the dissolved polymer by cooling (below its precipitation temperature in that
solvent) or by an antisolvent.

:func:`plan_separation` builds the sequence greedily: at each step every polymer still present is
tried as the target, and the step taken is the one whose best solvent is the most confident
(largest margin over its ensemble spread, m / σ_m), ties going to the safer CHEM21 class. What is
left when one polymer remains is recovered as the undissolved solid. If no polymer can be
dissolved alone, the plan stops and says which polymers stay together.

Whether an antisolvent mixes with the solvent is not checked; a cooling recovery needs some
undercooling below the precipitation temperature in practice (crystallization is slower than
melting).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chiapp.errors import InputError
from chiapp.features import polymer_features
from chiapp.library import CHEM21_CLASSES
from chiapp.selection import check_mixture, select_solvents
from chiapp.units import ZERO_CELSIUS_K

__all__ = ["STEP_COLUMNS", "ALTERNATIVE_COLUMNS", "SeparationPlan", "plan_separation"]

#: Grid step when ``temperatures_k`` is given as a (low, high) range [K].
RANGE_STEP_K = 2.5
#: Number of plastics a plan takes.
MIN_POLYMERS, MAX_POLYMERS = 2, 6
STEP_COLUMNS = (
    "step", "dissolves", "solvent", "window_low_c", "window_high_c", "operating_temperature_c", "margin",
    "margin_std", "confidence", "chem21_class", "boiling_point_c", "needs_pressure", "recovery",
    "precipitation_temperature_c", "antisolvent", "undissolved", "molten", "reason",
)
ALTERNATIVE_COLUMNS = ("step", "dissolves", "rank", "solvent", "windows", "operating_temperature_c", "margin",
                       "margin_std", "confidence", "chem21_class", "boiling_point_c", "needs_pressure")


@dataclass(frozen=True)
class SeparationPlan:
    """Ordered steps (STEP_COLUMNS), the next best solvents of each step (ALTERNATIVE_COLUMNS), the
    polymer left as the undissolved solid (``residue``, None if the plan stopped early) and the
    polymers that could not be separated from each other (``unseparated``)."""

    polymers: tuple[str, ...]
    temperatures_k: tuple[float, ...]
    steps: pd.DataFrame
    alternatives: pd.DataFrame
    residue: str | None
    unseparated: tuple[str, ...]

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
        lines = [f"Separate {', '.join(self.polymers)} ({low:g}-{high:g} °C):"]
        for row in self.steps.itertuples(index=False):
            pressure = " under pressure (above its boiling point)" if row.needs_pressure else ""
            lines.append(
                f"{row.step}. {row.solvent} at {row.window_low_c:.0f}-{row.window_high_c:.0f} °C{pressure} "
                f"(best near {row.operating_temperature_c:.0f} °C, margin {row.margin:.2f} ± {row.margin_std:.2f}, "
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


def _antisolvents(row: pd.Series, antisolvents: pd.DataFrame) -> list[str]:
    """Antisolvents for the dissolved polymer: poor for it at the lowest temperature, and clearly so
    ((χ - χ_c) / σ ≥ 2 where any is), boiling below the solvent (so that distillation takes them off
    first), in the nearer half to the solvent in Hansen space (Ra² = 4 ΔδD² + ΔδP² + ΔδH²; Hansen,
    Hansen Solubility Parameters, 2nd ed., CRC 2007: a proxy for mixing with it, not a check);
    then safest CHEM21 class first, most clearly poor first."""
    if antisolvents.empty:
        return []
    table = antisolvents
    clear = (table["margin"] / table["chi_std"].clip(lower=1e-9)).to_numpy() >= _CLEARLY_POOR_Z
    if clear.any():
        table = table[clear]
    boiling = table["boiling_point_c"].to_numpy(dtype=float)
    if pd.notna(row["boiling_point_c"]):
        lower = boiling < float(row["boiling_point_c"])
        if lower.any():
            table = table[lower]
    safety = table["chem21_class"].map({c: i for i, c in enumerate(CHEM21_CLASSES)}).fillna(len(CHEM21_CLASSES))
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
    return [str(n) for n in table["name"].head(_N_ANTISOLVENTS)]


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


def _recovery(row: pd.Series, antisolvents: pd.DataFrame, low_c: float) -> tuple[str, str]:
    precipitation = row["precipitation_temperature_c"]
    if pd.notna(precipitation) and precipitation >= low_c:
        return f"cooling below ~{precipitation:.0f} °C (precipitation temperature)", ""
    names = _antisolvents(row, antisolvents)
    if names:
        return (f"adding an antisolvent ({' or '.join(names)}; miscibility with {row['name']} not checked)",
                names[0])
    return "evaporating the solvent", ""


def _molten(others: Sequence[str], high_c: float, overrides) -> str:
    """A note naming the undissolved crystalline polymers whose melting point is inside the window:
    they melt without dissolving (a separate liquid phase, harder to filter)."""
    overrides = dict(overrides or {})
    molten = []
    for name in others:
        data = polymer_features(name, crystalline_overrides=overrides.get(name)).crystal
        if data is not None and data.melting_point_c < high_c:
            molten.append(f"{name} (melts at {data.melting_point_c:.0f} °C)")
    return f" (molten, not dissolved: {', '.join(molten)})" if molten else ""


def plan_separation(polymers: Sequence[str], temperatures_k, *, solvents: Sequence[str] | None = None,
                    molecular_weights_g_per_mol: Mapping[str, float] | None = None,
                    min_flash_point_c: float | None = None, exclude_classes: Sequence[str] = (),
                    in_domain_only: bool = False, allow_above_boiling: bool = False,
                    crystalline_overrides: Mapping[str, object] | None = None,
                    chem21_only: bool = False, n_alternatives: int = 3) -> SeparationPlan:
    """A dissolution sequence for 2-6 plastics over ``temperatures_k`` [K]: increasing temperatures,
    or a (low, high) range, sampled every RANGE_STEP_K.

    ``polymers`` are names or repeat units ("LDPE", "iPP", "PET"...: a grade name picks that
    grade's crystalline data); the solvent filters, ``allow_above_boiling`` and
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
    check_mixture([polymer_features(name) for name in names], names)
    if not isinstance(n_alternatives, int) or n_alternatives < 0:
        raise InputError(f"n_alternatives must be an integer ≥ 0, got {n_alternatives!r}")
    try:
        temperatures = np.asarray(temperatures_k, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"temperatures_k must be numbers in kelvin, got {temperatures_k!r}") from None
    if temperatures.size == 2 and np.all(np.isfinite(temperatures)) and temperatures[1] > temperatures[0]:
        n = max(2, int(round((temperatures[1] - temperatures[0]) / RANGE_STEP_K)) + 1)
        temperatures = np.linspace(temperatures[0], temperatures[1], n)  # a (low, high) range
    if chem21_only:
        from chiapp.library import solvent_library
        library = solvent_library()
        classified = library.loc[library["chem21_class"] != "", "name"].tolist()
        if solvents is not None:
            from chiapp.library import resolve_solvent
            wanted = {resolve_solvent(s).smiles for s in ([solvents] if isinstance(solvents, str) else solvents)}
            classified = library.loc[(library["chem21_class"] != "") & library["smiles"].isin(wanted), "name"].tolist()
        solvents = classified
    options: dict[str, Any] = dict(solvents=solvents, molecular_weights_g_per_mol=molecular_weights_g_per_mol,
                   min_flash_point_c=min_flash_point_c, exclude_classes=exclude_classes,
                   in_domain_only=in_domain_only, allow_above_boiling=allow_above_boiling,
                   crystalline_overrides=crystalline_overrides, rank_by="confidence")
    low_c = float(temperatures[0] - ZERO_CELSIUS_K) if temperatures.size else math.nan
    safety = {c: i for i, c in enumerate(CHEM21_CLASSES)}

    remaining = list(names)
    steps: list[dict] = []
    alternatives: list[dict] = []
    while len(remaining) > 1:
        best = None
        for target in remaining:
            others = [p for p in remaining if p != target]
            selection = select_solvents(target, others, temperatures, **options)
            if selection.table.empty:
                continue
            top = selection.table.iloc[0]
            score = (float(top["confidence"]),
                     -safety.get(top["chem21_class"], len(CHEM21_CLASSES)))
            if best is None or score > best[0]:
                best = (score, target, others, selection)
        if best is None:
            break
        _, target, others, selection = best
        top = selection.table.iloc[0]
        recovery, antisolvent = _recovery(top, selection.antisolvents, low_c)
        number = len(steps) + 1
        steps.append({
            "step": number, "dissolves": target, "solvent": top["name"], "window_low_c": top["window_low_c"],
            "window_high_c": top["window_high_c"], "operating_temperature_c": top["operating_temperature_c"],
            "margin": top["margin"], "margin_std": top["margin_std"],
            "confidence": top["confidence"], "chem21_class": top["chem21_class"],
            "boiling_point_c": top["boiling_point_c"], "needs_pressure": bool(top["needs_pressure"]),
            "recovery": recovery, "precipitation_temperature_c": top["precipitation_temperature_c"],
            "antisolvent": antisolvent, "undissolved": ", ".join(others),
            "molten": _molten(others, float(top["window_high_c"]), crystalline_overrides), "reason": top["reason"]})
        for rank, row in enumerate(selection.table.iloc[1:1 + n_alternatives].itertuples(index=False), start=2):
            alternatives.append({
                "step": number, "dissolves": target, "rank": rank, "solvent": row.name, "windows": row.windows,
                "operating_temperature_c": row.operating_temperature_c, "margin": row.margin,
                "margin_std": row.margin_std, "confidence": row.confidence,
                "chem21_class": row.chem21_class, "boiling_point_c": row.boiling_point_c,
                "needs_pressure": bool(row.needs_pressure)})
        remaining.remove(target)
    residue = remaining[0] if len(remaining) == 1 else None
    unseparated = tuple(remaining) if len(remaining) > 1 else ()
    return SeparationPlan(
        polymers=tuple(names), temperatures_k=tuple(float(t) for t in temperatures),
        steps=pd.DataFrame(steps, columns=list(STEP_COLUMNS)),
        alternatives=pd.DataFrame(alternatives, columns=list(ALTERNATIVE_COLUMNS)),
        residue=residue, unseparated=unseparated)
