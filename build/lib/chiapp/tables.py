"""Tables in and out: the one reader of a pairs CSV (command line and app), and safe CSV export.

Reading is strict and loses nothing: every cell is kept as the user wrote it (echoed in the
output), a row with more fields than the header is an error for that row alone (never a shifted
table), and a bad temperature is reported in the unit of its column.

Writing neutralizes spreadsheet formulas: a text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return gets a leading ``'`` (OWASP, "CSV Injection"), so that a name such as
``=HYPERLINK(...)`` is shown, not run; numbers stay numbers (a negative χ is not text).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.errors import DataFileError, InputError
from chiapp.units import ZERO_CELSIUS_K, check_temperatures_c, check_temperatures_k

__all__ = [
    "PAIR_COLUMNS",
    "qc_comparison_table",
    "csv_bytes",
    "curve_table",
    "pairs_template",
    "read_pairs_csv",
    "safe_for_spreadsheet",
    "write_csv",
]

#: The columns of a pairs file and what goes in them.
PAIR_COLUMNS = {
    "polymer": "library name or repeat-unit SMILES with two `*` ends, e.g. `polystyrene` or `*CC(*)c1ccccc1`",
    "solvent": "library name or SMILES, e.g. `toluene` or `Cc1ccccc1`; or a blend by volume fraction, "
               "e.g. `ethanol:0.8+water:0.2`",
    "temperature_k": "temperature [K]; or give a column `temperature_c` [°C] instead",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def pairs_template() -> pd.DataFrame:
    """A small example of a pairs file, one good row per way of naming a molecule."""
    return pd.DataFrame({
        "polymer": ["polystyrene", "*CC(*)c1ccccc1", "poly(methyl methacrylate)"],
        "solvent": ["toluene", "C1CCCCC1", "acetone"],
        "temperature_k": [298.15, 308.15, 323.15],
    })


def _checked_path(path) -> str:
    """A file name the system can encode (argv's own undecodable bytes are; a lone U+D800 is not)."""
    try:
        os.fsencode(str(path))
    except UnicodeEncodeError:
        shown = str(path).encode("utf-8", "backslashreplace").decode("utf-8")
        raise DataFileError(f"the file name {shown} holds a character that is not text") from None
    return str(path)


def _text_of(source) -> str:
    if isinstance(source, (str, Path)):
        path = Path(_checked_path(source))
        if path.is_dir():
            raise DataFileError(f"{path} is a folder; give a CSV file")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise DataFileError(f"no such file: {path}") from None
        except OSError as err:
            raise DataFileError(f"cannot read {path}: {err.strerror}") from None
    else:
        data = source.getvalue() if hasattr(source, "getvalue") else bytes(source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError("the file is not UTF-8 text; save it as CSV (UTF-8)") from None


def _temperature_cell(text: str, column: str) -> tuple[float, str]:
    """(temperature [K], "") or (NaN, the reason) for one cell of a temperature column."""
    unit = "K" if column == "temperature_k" else "°C"
    try:
        value = float(text)
    except ValueError:
        return np.nan, f"{column} must be a number in {unit}, got {text!r}"
    try:
        kelvin = check_temperatures_k(value) if unit == "K" else check_temperatures_c(value)
    except InputError as err:
        return np.nan, f"{column}: {err}"
    return float(kelvin[0]), ""


def read_pairs_csv(source, *, max_rows: int | None = None) -> pd.DataFrame:
    """The pairs of a CSV (a path, bytes or an uploaded file) as text columns plus ``temperature_k``.

    Every column of the file is kept as written. ``temperature_k`` is the temperature in kelvin
    (from ``temperature_k``, else ``temperature_c``) and ``error`` the reason a row cannot be used
    ("" for good rows). Raises DataFileError when the file as a whole cannot be used: not UTF-8
    text, not CSV, empty, missing a column, or more than ``max_rows`` rows.
    """
    text = _text_of(source)
    if not text.strip():
        raise DataFileError("the file is empty; it needs a header line polymer,solvent,temperature_k "
                            "and one line per pair")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True))
    except csv.Error as err:
        raise DataFileError(f"the file is not a readable CSV: {err}") from None
    header = [str(c).strip().lower() for c in rows[0]]
    rows = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if len(set(header)) != len(header) or "" in header:
        raise DataFileError(f"the header line needs distinct, non-empty column names; got {','.join(header)}")
    given = "temperature_k" if "temperature_k" in header else "temperature_c" if "temperature_c" in header else None
    missing = [c for c in ("polymer", "solvent") if c not in header] + ([] if given else ["temperature_k"])
    if missing:
        raise DataFileError(f"missing column(s) {', '.join(missing)}; got {', '.join(header) or 'none'}, expected "
                            f"{', '.join(PAIR_COLUMNS)} (or temperature_c instead of temperature_k)")
    if not rows:
        raise DataFileError("the file has a header but no rows")
    if max_rows is not None and len(rows) > max_rows:
        raise DataFileError(f"{len(rows)} rows; at most {max_rows} per file")
    cells, errors = [], []
    for row in rows:
        error = ""
        if len(row) > len(header):
            error = f"{len(row)} fields but the header has {len(header)}; quote a value that contains a comma"
        cells.append([cell.strip() for cell in row[:len(header)]] + [""] * (len(header) - len(row)))
        errors.append(error)
    frame = pd.DataFrame(cells, columns=header, dtype=object)
    kelvins = np.full(len(frame), np.nan)
    column = given or "temperature_k"  # not None: a missing column was refused above
    for i, cell in enumerate(frame[column]):
        kelvins[i], reason = _temperature_cell(cell, column)
        if reason and not errors[i]:
            errors[i] = reason
    frame["temperature_k"] = kelvins
    frame["error"] = errors
    return frame


def safe_for_spreadsheet(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a spreadsheet formula (numbers untouched)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    out.columns = [("'" + c) if isinstance(c, str) and c.startswith(_FORMULA_START) else c for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as safe UTF-8 CSV bytes (for a download button)."""
    return safe_for_spreadsheet(frame).to_csv(index=False).encode("utf-8")


def write_csv(frame: pd.DataFrame, path) -> None:
    """Write a table as a safe CSV file; DataFileError when the place cannot take it."""
    path = Path(_checked_path(path))
    if path.is_dir():
        raise DataFileError(f"{path} is a folder; give a file name for the output")
    if not path.parent.is_dir():
        raise DataFileError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        path.write_bytes(csv_bytes(frame))
    except OSError as err:
        raise DataFileError(f"cannot write {path}: {err.strerror}") from None


def curve_table(result) -> pd.DataFrame:
    """The χ(T) curve of a prediction as a table for download."""
    temperatures_k = np.asarray(result.temperatures_k)
    return pd.DataFrame({
        "polymer": result.polymer, "solvent": result.solvent, "temperature_k": temperatures_k,
        "temperature_c": temperatures_k - ZERO_CELSIUS_K,
        "chi": np.asarray(result.chi), "chi_std": np.asarray(result.chi_std)})


def qc_comparison_table(qc, prediction, hansen_chis) -> pd.DataFrame:
    """Quantum-chemistry χ (chiapp.quantum.QcChi) beside the model's posterior χ ± σ (a
    ChiPrediction, interpolated linearly in T onto the QC temperatures) and the Hansen χ given
    per QC temperature: one row per temperature [°C]."""
    temperatures_k = np.asarray(qc.temperatures_k, dtype=float)
    grid = np.asarray(prediction.temperatures_k, dtype=float)
    return pd.DataFrame({
        "temperature_c": temperatures_k - ZERO_CELSIUS_K,
        "qc_chi": np.asarray(qc.chi, dtype=float),
        "model_chi": np.interp(temperatures_k, grid, np.asarray(prediction.chi, dtype=float)),
        "model_chi_std": np.interp(temperatures_k, grid, np.asarray(prediction.chi_std, dtype=float)),
        "hansen_chi": np.asarray(hansen_chis, dtype=float),
    })
