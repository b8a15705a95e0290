"""A user's own measurements of one polymer: what they are, read from a table, checked row by row.

Four kinds (:data:`OBSERVATION_KINDS`): a measured χ at T; a solvent test (dissolves or not) at T; a
cloud point (T, φ, M_n) on the binodal; a θ temperature. A table (CSV or records) is read strictly
(:func:`read_observations_csv`, :func:`parse_observations`): every bad row is named with its reason,
never skipped silently. Observations that contradict each other are found by :func:`contradictions`.
``chiapp.calibration`` fits a polymer to them.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from chiapp.errors import ChiAppError, DataFileError, InputError
from chiapp.units import ZERO_CELSIUS_K as T_ZERO

__all__ = ["OBSERVATION_COLUMNS", "OBSERVATION_KINDS", "SAME_TEMPERATURE_K", "Observation", "check_observation",
           "contradictions", "observations_template", "parse_observations", "read_observations_csv"]

OBSERVATION_KINDS = ("chi", "dissolves", "cloud_point", "theta")
#: The columns of an observations table and what goes in them.
OBSERVATION_COLUMNS = {
    "kind": "chi, dissolves, cloud_point or theta",
    "solvent": "library name or SMILES",
    "temperature_c": "temperature [°C] (or a column temperature_k [K]); the θ temperature for theta",
    "value": "χ for chi; 1 or 0 for dissolves; the polymer volume fraction φ for cloud_point; empty for theta",
    "molecular_weight_g_per_mol": "M_n [g/mol]: required for cloud_point, optional for dissolves",
}
#: Tests of one solvent closer than this in temperature are "at one temperature" [K].
SAME_TEMPERATURE_K = 1.0
_CHI_CONFLICT_NOISES = 4.0
_THETA_CONFLICT_K = 10.0


@dataclass(frozen=True)
class Observation:
    """One lab result for the calibrated polymer.

    ``value`` is χ [-] (chi), 1.0 or 0.0 (dissolves), φ [-] (cloud_point) or NaN (theta);
    ``molecular_weight_g_per_mol`` is NaN when not given.
    """

    kind: str
    solvent: str
    solvent_smiles: str
    temperature_k: float
    value: float = math.nan
    molecular_weight_g_per_mol: float = math.nan

    def to_dict(self) -> dict:
        def number(x: float):
            return None if not math.isfinite(x) else float(x)
        return {"kind": self.kind, "solvent": self.solvent, "solvent_smiles": self.solvent_smiles,
                "temperature_k": float(self.temperature_k), "value": number(self.value),
                "molecular_weight_g_per_mol": number(self.molecular_weight_g_per_mol)}


def observations_template() -> pd.DataFrame:
    """A small example table, one row per kind."""
    return pd.DataFrame({
        "kind": ["chi", "dissolves", "dissolves", "cloud_point", "theta"],
        "solvent": ["toluene", "tetrahydrofuran", "methanol", "cyclohexane", "cyclohexane"],
        "temperature_c": [25.0, 25.0, 25.0, 30.0, 34.5],
        "value": ["0.40", "1", "0", "0.1", ""],
        "molecular_weight_g_per_mol": ["", "", "", "200000", ""],
    })


def read_observations_csv(source) -> pd.DataFrame:
    """The rows of an observations CSV (path, bytes or uploaded file) as text cells.

    Raises DataFileError when the file as a whole cannot be used (not UTF-8, not CSV, no rows,
    missing columns); row-level problems are found by :func:`parse_observations`.
    """
    from chiapp.tables import _text_of

    text = _text_of(source)
    if not text.strip():
        raise DataFileError("the observations file is empty; it needs a header line "
                            f"{','.join(OBSERVATION_COLUMNS)} and one line per observation")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True))
    except csv.Error as err:
        raise DataFileError(f"the observations file is not a readable CSV: {err}") from None
    header = [str(c).strip().lower() for c in rows[0]]
    if len(set(header)) != len(header) or "" in header:
        raise DataFileError(f"the header line needs distinct, non-empty column names; got {','.join(header)}")
    rows = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if not rows:
        raise DataFileError("the observations file has a header but no rows")
    too_long = [i + 2 for i, row in enumerate(rows) if len(row) > len(header)]
    if too_long:
        raise DataFileError(f"line(s) {', '.join(map(str, too_long[:5]))} have more fields than the header; "
                            "quote a value that contains a comma")
    cells = [[cell.strip() for cell in row] + [""] * (len(header) - len(row)) for row in rows]
    return pd.DataFrame(cells, columns=header, dtype=object)


def _cell(row: Mapping, name: str) -> str:
    value = row.get(name, "")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def check_observation(row: Mapping) -> Observation:
    """One row checked; raises InputError (or a MoleculeError) with the reason."""
    from chiapp.library import resolve_solvent
    from chiapp.tables import _temperature_cell

    kind = _cell(row, "kind").lower()
    if kind not in OBSERVATION_KINDS:
        raise InputError(f"kind must be one of {', '.join(OBSERVATION_KINDS)}, got {kind!r}")
    solvent_text = _cell(row, "solvent")
    solvent = resolve_solvent(solvent_text)
    given = [c for c in ("temperature_k", "temperature_c") if _cell(row, c)]
    if not given:
        raise InputError("no temperature: give temperature_c [°C] or temperature_k [K]")
    if len(given) == 2:
        raise InputError("both temperature_k and temperature_c are given; give one")
    temperature_k, reason = _temperature_cell(_cell(row, given[0]), given[0])
    if reason:
        raise InputError(reason)
    value_text, mw_text = _cell(row, "value"), _cell(row, "molecular_weight_g_per_mol")
    value = _number(value_text) if value_text else math.nan
    if value_text and math.isnan(value):
        raise InputError(f"value must be a number, got {value_text!r}")
    molecular_weight = _number(mw_text) if mw_text else math.nan
    if mw_text and not molecular_weight > 0:
        raise InputError(f"molecular_weight_g_per_mol must be a number > 0 g/mol, got {mw_text!r}")
    if kind == "chi":
        if not value_text:
            raise InputError("a chi observation needs its measured χ in value")
        if not -10.0 <= value <= 10.0:
            raise InputError(f"χ = {value:g} is outside -10…10; is it a χ?")
    elif kind == "dissolves":
        if value not in (0.0, 1.0):
            raise InputError(f"a dissolves observation has value 1 (dissolves) or 0 (does not), got {value_text!r}")
    elif kind == "cloud_point":
        if not 0.0 < value < 1.0:
            raise InputError(f"a cloud_point needs the polymer volume fraction φ in value, strictly between 0 and 1; "
                             f"got {value_text!r}")
        if math.isnan(molecular_weight):
            raise InputError("a cloud_point needs molecular_weight_g_per_mol (M_n of the sample)")
    elif value_text:
        raise InputError(f"a theta observation takes no value (the temperature is the θ temperature), "
                         f"got {value_text!r}")
    return Observation(kind, solvent_text, solvent.smiles, float(temperature_k), value, molecular_weight)


def parse_observations(observations) -> tuple[tuple[Observation, ...], tuple[tuple[int, str], ...]]:
    """(good observations, (row number, reason) of each bad row) from a table or records.

    ``observations`` is a DataFrame with the columns of OBSERVATION_COLUMNS (temperature_k or
    temperature_c), an iterable of dicts with those keys, or of :class:`Observation`. Row numbers
    count from 1 (the first row after the header).
    """
    if isinstance(observations, pd.DataFrame):
        frame = observations
        if "kind" not in frame.columns or "solvent" not in frame.columns:
            raise DataFileError(f"observations need the columns {', '.join(OBSERVATION_COLUMNS)}; got "
                                f"{', '.join(map(str, frame.columns)) or 'none'}")
        records: Iterable = frame.to_dict("records")
    elif isinstance(observations, (str, bytes, Path)):
        return parse_observations(read_observations_csv(observations))
    else:
        records = observations
    good, bad = [], []
    for i, record in enumerate(records, start=1):
        if isinstance(record, Observation):
            good.append(record)
            continue
        if not isinstance(record, Mapping):
            bad.append((i, f"expected a row with columns {', '.join(OBSERVATION_COLUMNS)}, got {record!r}"))
            continue
        if not any(_cell(record, c) for c in record):
            continue  # an empty row of an editable table
        try:
            good.append(check_observation(record))
        except ChiAppError as err:
            bad.append((i, str(err)))
    return tuple(good), tuple(bad)


def contradictions(observations: Sequence[Observation], chi_noise: float) -> tuple[tuple[str, ...], set[int]]:
    """Messages about observations that disagree, and the indices of tests left out of the fit."""
    messages: list[str] = []
    excluded: set[int] = set()
    for i, a in enumerate(observations):
        for j in range(i + 1, len(observations)):
            b = observations[j]
            if a.kind != b.kind or a.solvent_smiles != b.solvent_smiles:
                continue
            same_t = abs(a.temperature_k - b.temperature_k) <= SAME_TEMPERATURE_K
            if a.kind == "dissolves" and same_t and a.value != b.value:
                excluded.update((i, j))
                messages.append(f"{a.solvent} is reported to dissolve and not to dissolve the polymer at "
                                f"{a.temperature_k - T_ZERO:.1f} °C (rows {i + 1} and {j + 1}): "
                                "both tests are left out")
            elif a.kind == "chi" and same_t and abs(a.value - b.value) > _CHI_CONFLICT_NOISES * chi_noise:
                messages.append(f"χ in {a.solvent} at {a.temperature_k - T_ZERO:.1f} °C is given as {a.value:g} and "
                                f"{b.value:g} (rows {i + 1} and {j + 1}), more than "
                                f"{_CHI_CONFLICT_NOISES:g} × the noise "
                                f"{chi_noise:g} apart: both are kept, the fit lies between them")
            elif a.kind == "theta" and abs(a.temperature_k - b.temperature_k) > _THETA_CONFLICT_K:
                messages.append(f"two θ temperatures in {a.solvent}: {a.temperature_k - T_ZERO:.1f} and "
                                f"{b.temperature_k - T_ZERO:.1f} °C (rows {i + 1} and {j + 1}): both are kept")
    return tuple(messages), excluded
