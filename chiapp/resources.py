"""Where the shipped files are: the model, libraries, evidence tables and the app itself.

A checkout keeps them at its top level (``assets/``, ``app.py``, ``pages/``, ``.streamlit/``), as the
design card lays the project out; a wheel carries the same files inside the package
(``chiapp/assets``, ``chiapp/webapp``: ``setup.py`` copies them there), read through
``importlib.resources``. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files
from pathlib import Path

from chiapp.errors import DataFileError

__all__ = ["CHECKSUMS_FILE", "asset_path", "verified_asset", "webapp_path"]

#: sha256 of every shipped data table, under ``assets`` (written by ``python -m training.checksums``).
CHECKSUMS_FILE = "checksums.json"

_CHECKOUT = Path(__file__).resolve().parent.parent


@cache
def _root(packaged: str, checkout: Path, marker: str) -> Path:
    """The installed copy when the package carries one (it holds ``marker``), else the checkout's."""
    inside = Path(str(files("chiapp").joinpath(packaged)))
    return inside if (inside / marker).exists() else checkout


def asset_path(*parts: str) -> Path:
    """Path of a file or folder under ``assets`` (weights, libraries, evidence, vendored scripts)."""
    return _root("assets", _CHECKOUT / "assets", "model").joinpath(*parts)


def webapp_path(*parts: str) -> Path:
    """Path under the app's folder: ``app.py`` (the entry script), ``pages/``, ``static/``, ``.streamlit/``."""
    return _root("webapp", _CHECKOUT, "app.py").joinpath(*parts)


@cache
def _checksums() -> dict[str, str]:
    try:
        listed = json.loads(asset_path(CHECKSUMS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataFileError(f"cannot read assets/{CHECKSUMS_FILE}: {err}; reinstall chiapp") from None
    if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
        raise DataFileError(f"assets/{CHECKSUMS_FILE} is not a mapping of files to sha256 digests; reinstall chiapp")
    return listed


def verified_asset(*parts: str) -> bytes:
    """The bytes of a shipped data table, checked against its sha256 in ``assets/checksums.json``:
    DataFileError when it is missing, changed or damaged (never a silently different answer)."""
    name = "/".join(parts)
    expected = _checksums().get(name)
    if expected is None:
        raise DataFileError(f"assets/{name} is not listed in assets/{CHECKSUMS_FILE}; rebuild the list with "
                            "python -m training.checksums")
    try:
        data = asset_path(*parts).read_bytes()
    except OSError as err:
        raise DataFileError(f"cannot read assets/{name}: {err.strerror or err}; reinstall chiapp") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise DataFileError(f"assets/{name} is damaged or was changed (sha256 {actual[:12]}…, expected "
                            f"{expected[:12]}…); reinstall chiapp, or rebuild the list with "
                            "python -m training.checksums")
    return data
