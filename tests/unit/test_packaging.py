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
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "app.py"):
        shutil.copy(REPO / name, source / name)
    for name in ("chiapp", "assets", "pages", ".streamlit"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(tmp_path), str(source)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("chiapp-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("chiapp/assets/model/weights.safetensors", "chiapp/assets/model/manifest.json",
                   "chiapp/assets/solvents.csv", "chiapp/assets/polymers.csv", "chiapp/assets/crystallinity.csv",
                   "chiapp/assets/evidence/measured_chi.csv", "chiapp/assets/evidence/handbook_labels.csv",
                   "chiapp/webapp/app.py", "chiapp/webapp/pages/1_Predict.py",
                   "chiapp/webapp/.streamlit/config.toml", "chiapp/webapp/static/3dmol/3Dmol-min.js",
                   "chiapp/py.typed"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "training/", "benchmarks/", "assets/", "pages/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "chiapp = chiapp.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

    # installed away from the checkout, the package finds its own copies and answers
    target = tmp_path / "installed"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    site_packages = next(p for p in sys.path if p.endswith("site-packages"))
    script = ("import chiapp, chiapp.resources as r; from chiapp.cli.app import streamlit_command; "
              "print(chiapp.__file__); print(r.asset_path('model')); print(streamlit_command()[-1]); "
              "print(chiapp.predict_chi('PS', 'toluene', 298.15).verdict)")
    # -S: no site hooks, so the checkout's editable install cannot answer for the wheel
    out = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True, timeout=600,
                         cwd=tmp_path, env={"PYTHONPATH": f"{target}:{site_packages}", "PATH": "/usr/bin:/bin"},
                         check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    package, assets, entry, verdict = out.stdout.split("\n")[:4]
    assert package.startswith(str(target)) and assets.startswith(str(target)) and entry.startswith(str(target))
    assert Path(entry).name == "app.py" and (Path(entry).parent / "pages" / "1_Predict.py").is_file()
    assert verdict == "dissolves"


def _pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        line = line.split("#")[0].strip().strip('",')
        if "==" in line:
            name, version = line.split("==")
            out[name.split("[")[0].strip().lower().replace("_", "-")] = version.strip()
    return out


def test_requirements_pin_what_pyproject_pins():
    """requirements.txt is the environment CI tests in; every pin of pyproject.toml (what `pip
    install chiapp[...]` and scripts/start.sh install) must be the same version there."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = _pins(project["dependencies"] + [d for ds in project["optional-dependencies"].values() for d in ds])
    tested = _pins((REPO / "requirements.txt").read_text().splitlines())
    assert declared, "pyproject.toml pins nothing"
    for name, version in declared.items():
        assert tested.get(name) == version, f"{name}: pyproject {version}, requirements.txt {tested.get(name)}"


def test_the_served_app_is_loopback_offline_and_unwatched():
    """The shipped Streamlit settings: loopback only, no usage statistics, and no file watcher (a served
    app does not reload on edits; watching every imported chiapp module kept three server threads busy
    through the first page, about 2 s of its CPU before the first chart)."""
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
