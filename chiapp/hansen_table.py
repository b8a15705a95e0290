"""Hansen parameters side by side with the model: δD, δP, δH, Ra, RED and the Hansen χ beside χ.

For a polymer and a list of solvents (default: the library), one row per solvent with

- the polymer's δD, δP, δH by group contribution (chiapp.hansen; its source column says so),
- the solvent's δD, δP, δH measured where the ``chemicals`` tables have them, else by group
  contribution (chiapp.descriptors.solvent_hansen; ``solvent_hansen_source`` says which),
- the Hansen distance Ra = sqrt(4ΔδD² + ΔδP² + ΔδH²) and RED = Ra/R0 (Hansen, *Hansen Solubility
  Parameters: A User's Handbook*, 2nd ed., CRC 2007, eqs. 1.9–1.10): RED < 1 predicts
  dissolution. R0, the polymer's interaction radius, is measured by solubility tests and has no
  group-contribution estimate; DEFAULT_INTERACTION_RADIUS_MPA05 = 8 MPa^0.5 is a typical value of
  Hansen's tables (PMMA 8.6; most common polymers lie between 5 and 13), to be replaced by a
  measured R0 when one is known,
- Lindvig's Hansen χ = 0.6 V_s [ΔδD² + ¼ΔδP² + ¼ΔδH²]/(RT) (chiapp.hansen.hansen_chi) next to
  the model's χ and σ.

The columns are HANSEN_COLUMNS, so that rankings and exports can join them on ``smiles``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from chiapp.chemistry import parse_polymer
from chiapp.descriptors import solvent_hansen
from chiapp.errors import ChiAppError, InputError
from chiapp.hansen import estimate_hansen, hansen_chi, hansen_distance_mpa05
from chiapp.library import resolve_polymer, resolve_solvent, solvent_library
from chiapp.units import check_temperatures_k

__all__ = ["DEFAULT_INTERACTION_RADIUS_MPA05", "HANSEN_COLUMNS", "JOINED_COLUMNS", "hansen_side_by_side", "join_hansen"]

DEFAULT_INTERACTION_RADIUS_MPA05 = 8.0
HANSEN_COLUMNS = (
    "name", "smiles", "solvent_delta_d_mpa05", "solvent_delta_p_mpa05", "solvent_delta_h_mpa05",
    "solvent_hansen_source", "polymer_delta_d_mpa05", "polymer_delta_p_mpa05", "polymer_delta_h_mpa05",
    "polymer_hansen_source", "ra_mpa05", "red", "interaction_radius_mpa05", "hansen_chi", "chi", "chi_std",
    "temperature_k", "error",
)
_POLYMER_SOURCE = "group contribution (Hoftyzer-Van Krevelen, Fedors volumes)"


def _radius(value) -> float:
    try:
        r = float(value)
    except (TypeError, ValueError):
        raise InputError(f"interaction radius R0 must be a number in MPa^0.5, got {value!r}") from None
    if not math.isfinite(r) or r <= 0:
        raise InputError(f"interaction radius R0 must be > 0 MPa^0.5, got {value!r}")
    return r


def hansen_side_by_side(polymer: str, solvents: Sequence[str] | None = None, temperature_k: float = 298.15, *,
                        interaction_radius_mpa05: float = DEFAULT_INTERACTION_RADIUS_MPA05) -> pd.DataFrame:
    """One row per solvent (HANSEN_COLUMNS): Hansen parameters with their source, Ra, RED, Hansen χ
    and the model's χ ± σ at ``temperature_k`` [K]. A solvent that cannot be read keeps its row
    with the reason in ``error``; NaN δ means the group-contribution tables do not cover it.
    """
    from chiapp.prediction import predict_grid

    temperatures = check_temperatures_k(temperature_k)
    if temperatures.size != 1:
        raise InputError(f"give one temperature, got {temperatures.size}")
    t = float(temperatures[0])
    r0 = _radius(interaction_radius_mpa05)
    molecule = resolve_polymer(polymer)
    try:
        p = estimate_hansen(parse_polymer(molecule.smiles))
        p_delta = (p.delta_d_mpa05, p.delta_p_mpa05, p.delta_h_mpa05) if p.is_complete else (math.nan,) * 3
    except ChiAppError:
        p_delta = (math.nan,) * 3
    if solvents is None:
        library = solvent_library()
        entries = list(zip(library["name"], library["smiles"], [""] * len(library)))
    else:
        if isinstance(solvents, str):
            solvents = [solvents]
        entries = []
        for text in solvents:
            try:
                m = resolve_solvent(text)
                entries.append((m.name or str(text).strip(), m.smiles, ""))
            except ChiAppError as err:
                entries.append((str(text), "", str(err)))
    good = [s for _, s, e in entries if not e]
    answer = predict_grid([molecule.smiles], good, [t]) if good else None  # the posterior, as predict_chi gives it
    position = {s.smiles: i for i, s in enumerate(answer.solvents)} if answer is not None else {}
    failed = {text: message for _, text, message in (answer.failures if answer is not None else ())}
    rows = []
    for name, smiles, error in entries:
        row: dict[str, object] = dict.fromkeys(HANSEN_COLUMNS, math.nan)
        row.update(name=name, smiles=smiles, error=error, temperature_k=t, interaction_radius_mpa05=r0,
                   polymer_delta_d_mpa05=p_delta[0], polymer_delta_p_mpa05=p_delta[1],
                   polymer_delta_h_mpa05=p_delta[2], polymer_hansen_source=_POLYMER_SOURCE,
                   solvent_hansen_source="")
        if not error:
            try:
                s, measured = solvent_hansen(smiles)
            except ChiAppError as err:
                row["error"] = str(err)
                rows.append(row)
                continue
            s_delta = (s.delta_d_mpa05, s.delta_p_mpa05, s.delta_h_mpa05)
            known = s.coverage >= 1.0 and all(math.isfinite(v) for v in s_delta)
            row.update(solvent_delta_d_mpa05=s_delta[0], solvent_delta_p_mpa05=s_delta[1],
                       solvent_delta_h_mpa05=s_delta[2],
                       solvent_hansen_source="measured (chemicals tables)" if measured
                       else ("group contribution" if known else "not covered"))
            if known and all(math.isfinite(v) for v in p_delta):
                ra = hansen_distance_mpa05(p_delta, s_delta)
                row.update(ra_mpa05=ra, red=ra / r0)
                if math.isfinite(s.molar_volume_cm3_per_mol) and s.molar_volume_cm3_per_mol > 0:
                    row["hansen_chi"] = float(hansen_chi(p_delta, s_delta, s.molar_volume_cm3_per_mol, t))
            j = position.get(smiles)
            if j is not None and answer is not None and not answer.errors[0, j]:
                row.update(chi=float(answer.chi[0, j, 0]), chi_std=float(answer.chi_std[0, j, 0]))
            elif smiles in failed:
                row["error"] = failed[smiles]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(HANSEN_COLUMNS))
    frame["error"] = frame["error"].fillna("").astype(str)
    for column in ("solvent_hansen_source", "polymer_hansen_source"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame


#: The Hansen columns that a ranking or an export gains from :func:`join_hansen`.
JOINED_COLUMNS = ("solvent_delta_d_mpa05", "solvent_delta_p_mpa05", "solvent_delta_h_mpa05", "solvent_hansen_source",
                  "polymer_delta_d_mpa05", "polymer_delta_p_mpa05", "polymer_delta_h_mpa05", "ra_mpa05", "red",
                  "hansen_chi")


def join_hansen(table: pd.DataFrame, hansen: pd.DataFrame) -> pd.DataFrame:
    """``table`` (one row per solvent, a ``smiles`` column: a ranking, a selection) with the
    JOINED_COLUMNS of :func:`hansen_side_by_side` joined on ``smiles``, rows and order kept."""
    if "smiles" not in table.columns:
        raise InputError("the table to join has no 'smiles' column")
    columns = hansen.drop_duplicates("smiles").set_index("smiles")[list(JOINED_COLUMNS)]
    joined = table.drop(columns=[c for c in JOINED_COLUMNS if c in table.columns]).join(columns, on="smiles")
    joined.index = table.index
    return joined
