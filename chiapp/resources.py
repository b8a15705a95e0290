"""Where the shipped files are: the model, libraries, evidence tables and the app itself.

A checkout keeps them at its top level (``assets/``, ``app.py``, ``pages/``, ``.streamlit/``), as the
design card lays the project out; a wheel carries the same files inside the package
(``chiapp/assets``, ``chiapp/webapp``: ``setup.py`` copies them there), read through
``importlib.resources``. Nothing is downloaded.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

__all__ = ["asset_path", "webapp_path"]

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
