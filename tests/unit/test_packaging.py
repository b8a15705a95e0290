"""The wheel a user installs carries what inference needs: the weights, the libraries, the evidence
tables, the app and its vendored viewer (package data read through importlib.resources)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_carries_the_model_libraries_and_app(tmp_path):
    source = tmp_path / "source"  # built from a copy: setuptools writes build/ beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "chiapp", source / "chiapp", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(tmp_path), str(source)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("chiapp-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("chiapp/assets/model/weights.safetensors", "chiapp/assets/model/manifest.json",
                   "chiapp/assets/solvents.csv", "chiapp/assets/polymers.csv", "chiapp/assets/crystallinity.csv",
                   "chiapp/assets/evidence/measured_chi.csv", "chiapp/assets/evidence/handbook_labels.csv",
                   "chiapp/webapp/main.py", "chiapp/webapp/pages/1_Predict.py",
                   "chiapp/webapp/.streamlit/config.toml", "chiapp/webapp/static/3dmol/3Dmol-min.js",
                   "chiapp/py.typed"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "training/", "benchmarks/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "chiapp = chiapp.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
