"""Where the shipped files are: the model, the libraries and the evidence tables are package data.

They are read through ``importlib.resources`` so that an installed wheel finds them as a checkout
does; nothing is downloaded.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["asset_path", "webapp_path"]


def asset_path(*parts: str) -> Path:
    """Path of a file or folder under ``chiapp/assets`` (weights, libraries, evidence)."""
    return Path(str(files("chiapp").joinpath("assets", *parts)))


def webapp_path(*parts: str) -> Path:
    """Path under ``chiapp/webapp`` (the Streamlit entry script, pages and static files)."""
    return Path(str(files("chiapp").joinpath("webapp", *parts)))
