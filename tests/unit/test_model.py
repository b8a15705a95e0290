"""The shipped ensemble: verified loading (the comparison with the torch network is in tests/training)."""

import json
import shutil

import pytest

from chiapp.descriptors import POLYMER_DESCRIPTOR_NAMES, SOLVENT_DESCRIPTOR_NAMES
from chiapp.errors import ModelArtifactError
from chiapp.model import MANIFEST_FILE, MODEL_DIR, WEIGHTS_FILE, ChiModel

D_P, D_S = len(POLYMER_DESCRIPTOR_NAMES), len(SOLVENT_DESCRIPTOR_NAMES)




@pytest.fixture
def model_copy(tmp_path):
    if not (MODEL_DIR / MANIFEST_FILE).is_file():
        pytest.fail("the shipped model is missing from assets/model; retrain with python -m training.train")
    target = tmp_path / "model"
    shutil.copytree(MODEL_DIR, target)
    return target


def test_load_shipped_model_verifies(model_copy):
    model = ChiModel.load(model_copy)
    assert model.n_members >= 5 and model.spread_scale > 0


def test_load_missing_weights_file(model_copy):
    (model_copy / WEIGHTS_FILE).unlink()
    with pytest.raises(ModelArtifactError, match="missing"):
        ChiModel.load(model_copy)


def test_load_truncated_weights_file(model_copy):
    data = (model_copy / WEIGHTS_FILE).read_bytes()
    (model_copy / WEIGHTS_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelArtifactError, match="corrupt"):
        ChiModel.load(model_copy)


def test_load_descriptor_mismatch(model_copy):
    manifest = json.loads((model_copy / MANIFEST_FILE).read_text())
    manifest["descriptors"]["polymer"] = manifest["descriptors"]["polymer"][::-1]
    (model_copy / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ModelArtifactError, match="other polymer descriptors"):
        ChiModel.load(model_copy)


def test_load_manifest_not_json(model_copy):
    (model_copy / MANIFEST_FILE).write_text("{not json")
    with pytest.raises(ModelArtifactError, match="not valid JSON"):
        ChiModel.load(model_copy)


def test_load_missing_manifest(tmp_path):
    with pytest.raises(ModelArtifactError, match="manifest missing"):
        ChiModel.load(tmp_path)
