"""ChiModel.load validates the structure of the manifest and the tensors: broken copies of the
shipped artifacts, written into tmp_path, are refused with ModelArtifactError and the reason."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from chiapp.errors import ModelArtifactError
from chiapp.model import MANIFEST_FILE, MODEL_DIR, WEIGHTS_FILE, ChiModel, sha256_file


def _copy(tmp_path, edit_manifest=None, edit_weights=None):
    """The shipped model in tmp_path, with the manifest and/or weights edited (hashes kept valid)."""
    directory = tmp_path / "model"
    shutil.copytree(MODEL_DIR, directory)
    if edit_weights is not None:
        weights = load_file(str(directory / WEIGHTS_FILE))
        edit_weights(weights)
        save_file(weights, str(directory / WEIGHTS_FILE))
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    manifest["files"][WEIGHTS_FILE] = sha256_file(directory / WEIGHTS_FILE)
    if edit_manifest is not None:
        manifest = edit_manifest(manifest)
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest))
    return directory


def _set(path, value):
    def edit(manifest):
        node = manifest
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return manifest
    return edit


def _drop(path):
    def edit(manifest):
        node = manifest
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
        return manifest
    return edit


def test_an_intact_copy_loads(tmp_path):
    assert ChiModel.load(_copy(tmp_path)).n_members >= 2


@pytest.mark.parametrize("edit, words", [
    (lambda m: [m], "expected a JSON object, got list"),
    (lambda m: None, "expected a JSON object, got NoneType"),
    (_drop(["architecture"]), "'architecture' missing"),
    (_set(["architecture", "n_members"], "ten"), "architecture.n_members must be an integer"),
    (_set(["architecture", "n_members"], 1), "architecture.n_members must be an integer >= 2"),
    (_set(["architecture", "n_layers"], True), "architecture.n_layers"),
    (_set(["calibration", "spread_scale"], float("nan")), "spread_scale must be a finite number > 0"),
    (_set(["calibration", "spread_scale"], 0.0), "spread_scale must be a finite number > 0"),
    (_set(["domain", "spread_threshold"], "high"), "domain.spread_threshold"),
    (_set(["domain", "temperature_k"], [400.0, 300.0]), "domain.temperature_k"),
    (_set(["domain", "polymers"], []), "domain.polymers"),
    (_set(["files"], ["weights.safetensors"]), "'files' missing or not an object"),
])
def test_malformed_manifest_is_refused_with_the_reason(tmp_path, edit, words):
    with pytest.raises(ModelArtifactError) as info:
        ChiModel.load(_copy(tmp_path, edit_manifest=edit))
    assert words in str(info.value)


def _nan(key):
    def edit(weights):
        weights[key] = weights[key].copy()
        weights[key].flat[0] = np.nan
    return edit


def _zero_std(weights):
    weights["solvent.std"] = weights["solvent.std"].copy()
    weights["solvent.std"][5] = 0.0


def _remove(key):
    def edit(weights):
        del weights[key]
    return edit


def _reshape_bias(weights):
    weights["polymer.b1"] = weights["polymer.b1"][:, :-1].copy()


@pytest.mark.parametrize("edit, words", [
    (_nan("polymer.w1"), "tensor 'polymer.w1' holds NaN"),
    (_nan("head.soluble.b"), "tensor 'head.soluble.b' holds NaN"),
    (_zero_std, "tensor 'solvent.std' must be > 0"),
    (_remove("polymer.b2"), "weights lack tensor 'polymer.b2'"),
    (_remove("head.experimental.b"), "weights lack tensor 'head.experimental.b'"),
    (_reshape_bias, "do not chain"),
])
def test_broken_tensors_are_refused_with_the_reason(tmp_path, edit, words):
    with pytest.raises(ModelArtifactError) as info:
        ChiModel.load(_copy(tmp_path, edit_weights=edit))
    assert words in str(info.value)


# ---------------------------------------------------------------------------------------------
# The shipped data tables are read only when they are what was shipped (issue 27)

def test_every_shipped_table_is_listed_with_its_sha256():
    import hashlib
    import json

    from chiapp.resources import asset_path

    listed = json.loads(asset_path("checksums.json").read_text())
    tables = {p.relative_to(asset_path()).as_posix() for p in asset_path().rglob("*.csv")}
    tables |= {p.relative_to(asset_path()).as_posix() for p in asset_path("evidence").glob("*.json")}
    assert set(listed) == tables
    for name, digest in listed.items():
        assert hashlib.sha256(asset_path(*name.split("/")).read_bytes()).hexdigest() == digest, name


def test_a_changed_table_is_refused_with_the_reason(monkeypatch):
    from chiapp import resources
    from chiapp.errors import DataFileError

    monkeypatch.setattr(resources, "_checksums", lambda: {"evidence/measured_chi.csv": "0" * 64})
    with pytest.raises(DataFileError, match="damaged or was changed"):
        resources.verified_asset("evidence", "measured_chi.csv")
    with pytest.raises(DataFileError, match="not listed"):
        resources.verified_asset("evidence", "handbook_labels.csv")


def test_evidence_with_impossible_values_is_refused():
    import pandas as pd

    from chiapp.errors import DataFileError
    from chiapp.evidence import _check_values

    measured = pd.DataFrame({"temperature_k": [300.0, 1e300], "chi": [0.4, 0.5]})
    labels = pd.DataFrame({"soluble": [1, 0]})
    with pytest.raises(DataFileError, match="no measurement can have"):
        _check_values(measured, labels)
    _check_values(measured.iloc[:1], labels)
