"""The Calibrate page (pages/9_Calibrate.py) with the real model: the default table,
an uploaded observations CSV, a bad file, and a calibration JSON uploaded back."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests import helpers

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/9_Calibrate.py"
TIMEOUT_S = 300
OBSERVATIONS = (b"kind,solvent,temperature_c,value,molecular_weight_g_per_mol\n"
                b"chi,toluene,25,0.9,\n"
                b"dissolves,acetone,25,1,\n"
                b"dissolves,acetone,25,0,\n")


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def test_calibrate_page_upload_fits_and_reports_kinds_and_contradiction():
    at = open_page()
    assert not at.exception, [e.value for e in at.exception]
    assert metric(at, "theta observations") == "1"  # the example table has one of each kind
    at.file_uploader(key="calibration_upload").upload("obs.csv", OBSERVATIONS, "text/csv").run()
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    assert metric(at, "chi observations") == "1"
    assert metric(at, "dissolves observations") == "0"  # the two acetone tests contradict: left out
    assert any("Contradiction" in w.value for w in at.warning)
    comparison = at.dataframe[-1].value
    assert {"rank_before", "rank_after", "chi_before", "chi_after"} <= set(comparison.columns)
    assert len(comparison) > 100  # the whole solvent library is re-ranked


def test_calibrate_page_bad_row_is_an_error_not_an_exception():
    at = open_page()
    bad = b"kind,solvent,temperature_c,value\ncloud_point,toluene,25,0.1\n"
    at.file_uploader(key="calibration_upload").upload("obs.csv", bad, "text/csv").run()
    assert not at.exception
    shown = helpers.shown(at.error[0].value)  # the page escapes user text for markdown
    assert len(at.error) == 1 and "molecular_weight_g_per_mol" in shown


def test_calibrate_page_accepts_a_calibration_json_and_refuses_another_model():
    from chiapp.calibration import calibrate

    calibrated = calibrate("polystyrene", [{"kind": "chi", "solvent": "toluene", "temperature_c": 25,
                                            "value": 0.8}])
    at = open_page()
    at.radio(key="calibration_source").set_value("Upload a calibration (JSON)").run()
    at.file_uploader(key="calibration_json_upload").upload("cal.json", calibrated.to_json().encode(),
                                                           "application/json").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert metric(at, "chi observations") == "1"
    import hashlib
    import json

    document = json.loads(calibrated.to_json())  # a whole file of another model: its own digest
    document["model_version"] = "0" * 64
    body = {k: v for k, v in document.items() if k != "digest"}
    document["digest"] = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    other = json.dumps(document)
    at.file_uploader(key="calibration_json_upload").upload("cal.json", other.encode(), "application/json").run()
    assert not at.exception
    assert len(at.error) == 1 and "model version" in at.error[0].value
