"""Calibration of a polymer with the user's observations (chiapp.calibration), on the shipped model."""

from __future__ import annotations

import contextlib
import io
import json
import math

import numpy as np
import pandas as pd
import pytest

import chiapp
from chiapp.calibration import CalibratedPolymer, calibrate, load_calibration
from chiapp.errors import CalibrationError, ChiAppError, DataFileError
from chiapp.flory_huggins import binodal, binodal_chi, critical_point
from chiapp.model import ChiModel
from chiapp.observations import parse_observations, read_observations_csv
from chiapp.prediction import load_model

POLYMER = "*CC(*)c1ccccc1"  # polystyrene
PANEL = ("toluene", "cyclohexane", "acetone", "chloroform", "ethyl acetate", "hexane", "methanol")
T_K = 298.15


def _chi(polymer, solvent, t=T_K):
    """χ and σ the calibration works on: the ensemble's, calibrated for a calibrated polymer (the
    answer then adds the physical prior, as for any polymer; :func:`_answer`)."""
    p = chiapp.predict_chi(polymer, solvent, t)
    return float(p.ensemble_chi[0]), float(p.ensemble_chi_std[0])


def _answer(polymer, solvent, t=T_K):
    """The χ and σ chiapp reports (the posterior)."""
    p = chiapp.predict_chi(polymer, solvent, t)
    return float(p.chi[0]), float(p.chi_std[0])


@pytest.fixture(scope="module")
def model():
    return load_model()


# ---------------------------------------------------------------- the update

def test_calibrate_zero_observations_returns_the_prior_exactly(model):
    calibrated = calibrate(POLYMER, [])
    assert calibrated.counts == {"chi": 0, "dissolves": 0, "cloud_point": 0, "theta": 0}
    assert calibrated.prior_distance == 0.0
    for solvent in PANEL[:3]:
        before = chiapp.predict_chi(POLYMER, solvent, [T_K, 350.0])
        after = chiapp.predict_chi(calibrated, solvent, [T_K, 350.0])
        # the same model coefficients, through the engine's two routes (a grid product and a per-pair
        # one): equal to the last digits of float64
        np.testing.assert_allclose(after.chi, before.chi, rtol=0, atol=1e-12)
        np.testing.assert_allclose(after.chi_std, before.chi_std, rtol=0, atol=1e-12)
        assert after.a == pytest.approx(before.a, abs=1e-12) and after.b_k == pytest.approx(before.b_k, abs=1e-9)


def test_calibrate_agreeing_observations_barely_move_the_polymer():
    observations = [{"kind": "chi", "solvent": s, "temperature_k": T_K, "value": _chi(POLYMER, s)[0]}
                    for s in ("toluene", "acetone", "hexane")]
    calibrated = calibrate(POLYMER, observations)
    for solvent in PANEL:
        before, after = _chi(POLYMER, solvent)[0], _chi(calibrated, solvent)[0]
        assert abs(after - before) < 0.05 * max(1.0, abs(before)), solvent
    shifted = calibrate(POLYMER, [{**o, "value": o["value"] + 0.5} for o in observations])
    assert calibrated.prior_distance < 0.5 * shifted.prior_distance


def test_calibrate_strong_chi_observation_pulls_the_pair_within_its_noise():
    prior, _ = _chi(POLYMER, "toluene")
    noise, target = 0.005, prior + 0.3
    calibrated = calibrate(POLYMER, [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": target}],
                           chi_noise=noise)
    assert abs(_chi(calibrated, "toluene")[0] - target) <= noise
    assert abs(_answer(calibrated, "toluene")[0] - target) <= noise  # the prior has no say against it


def test_calibrate_sigma_shrinks_at_observed_pair_and_never_grows():
    calibrated = calibrate(POLYMER, [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.5}])
    temperatures_k = [260.0, T_K, 350.0, 420.0]
    for solvent in PANEL:
        for answer in ("ensemble_chi_std", "chi_std"):  # the calibrated ensemble, and the answer built on it
            before = getattr(chiapp.predict_chi(POLYMER, solvent, temperatures_k), answer)
            after = getattr(chiapp.predict_chi(calibrated, solvent, temperatures_k), answer)
            # 1e-6, not 1e-9: a pair with a literature UCST/LCST row also passes through a truncated
            # Gaussian (the sign of dχ/dT), whose variance cut depends on where the mean sits, so the
            # calibrated answer's σ may differ in the 8th digit either way (PS/cyclohexane: +2.4e-8)
            assert np.all(after <= before * (1 + 1e-6)), (solvent, answer)
    # at the observed pair, T_ref: the linear-Gaussian closed form (1/σ² + 1/σ_n²)^-½
    sigma, noise = _chi(POLYMER, "toluene")[1], calibrated.chi_noise
    assert _chi(calibrated, "toluene")[1] == pytest.approx((sigma**-2 + noise**-2) ** -0.5, rel=0.02)


def test_calibrate_solvent_test_moves_chi_to_the_reported_side():
    from chiapp.flory_huggins import critical_chi
    from chiapp.library import chain_length_for, resolve_polymer, resolve_solvent

    chi_c = critical_chi(chain_length_for(resolve_polymer(POLYMER), resolve_solvent("acetone")))
    before = _chi(POLYMER, "acetone")[0]
    assert before > chi_c  # the model says acetone does not dissolve polystyrene at 25 °C
    calibrated = calibrate(POLYMER, [{"kind": "dissolves", "solvent": "acetone", "temperature_c": 25, "value": 1}])
    assert _chi(calibrated, "acetone")[0] < before


def test_calibrate_theta_temperature_pulls_chi_toward_one_half():
    theta_k = 307.65  # polystyrene in cyclohexane, 34.5 °C (Brandrup, Polymer Handbook, 4th ed.)
    before = _chi(POLYMER, "cyclohexane", theta_k)[0]
    calibrated = calibrate(POLYMER, [{"kind": "theta", "solvent": "cyclohexane", "temperature_k": theta_k}],
                           chi_noise=0.02)
    after = _chi(calibrated, "cyclohexane", theta_k)[0]
    assert abs(after - 0.5) < abs(before - 0.5)


def test_calibrate_rank_and_grid_accept_a_calibrated_polymer():
    calibrated = calibrate(POLYMER, [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.9}],
                           chi_noise=0.02)
    ranking = chiapp.rank_solvents(calibrated, T_K, solvents=list(PANEL))
    toluene = ranking.table.set_index("name").loc["toluene"]
    assert abs(toluene["chi"] - _answer(calibrated, "toluene")[0]) < 1e-9
    grid = chiapp.predict_grid([calibrated, "poly(methyl methacrylate)"], ["toluene"], [T_K])
    rows = {p.label: i for i, p in enumerate(grid.polymers)}  # the calibrated row uses its own ensemble
    assert abs(grid.chi[rows["polystyrene"], 0, 0] - _answer(calibrated, "toluene")[0]) < 1e-9
    assert abs(grid.ensemble_chi[rows["polystyrene"], 0, 0] - _chi(calibrated, "toluene")[0]) < 1e-9
    assert abs(grid.chi[rows["poly(methyl methacrylate)"], 0, 0] - _answer("PMMA", "toluene")[0]) < 1e-9


# ---------------------------------------------------------------- observations

def test_parse_observations_reports_every_bad_row_with_its_reason():
    frame = pd.DataFrame({
        "kind": ["chi", "viscosity", "cloud_point", "dissolves", "chi", "theta"],
        "solvent": ["toluene", "toluene", "cyclohexane", "acetone", "not a solvent", "cyclohexane"],
        "temperature_c": ["25", "25", "30", "25", "25", ""],
        "value": ["0.4", "1", "0.1", "2", "0.5", ""],
        "molecular_weight_g_per_mol": ["", "", "", "", "", ""],
    })
    good, bad = parse_observations(frame)
    assert len(good) == 1 and good[0].kind == "chi" and good[0].solvent_smiles == "Cc1ccccc1"
    reasons = dict(bad)
    assert set(reasons) == {2, 3, 4, 5, 6}
    assert "kind must be one of" in reasons[2]
    assert "molecular_weight_g_per_mol" in reasons[3]
    assert "1 (dissolves) or 0" in reasons[4]
    assert "not a known name" in reasons[5]
    assert "no temperature" in reasons[6]
    with pytest.raises(CalibrationError, match="row 2"):
        calibrate(POLYMER, frame)


def test_read_observations_csv_refuses_a_file_without_rows():
    with pytest.raises(DataFileError):
        read_observations_csv(b"kind,solvent,temperature_c,value\n")
    frame = read_observations_csv(b"kind,solvent,temperature_c,value\nchi,toluene,25,0.4\n")
    assert parse_observations(frame)[0][0].temperature_k == pytest.approx(298.15)


def test_calibrate_contradictory_tests_are_reported_and_left_out():
    calibrated = calibrate(POLYMER, [
        {"kind": "dissolves", "solvent": "tetrahydrofuran", "temperature_c": 25, "value": 1},
        {"kind": "dissolves", "solvent": "THF", "temperature_c": 25.5, "value": 0},
        {"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.4},
    ])
    assert len(calibrated.contradictions) == 1 and "tetrahydrofuran" in calibrated.contradictions[0]
    assert len(calibrated.excluded) == 2
    assert calibrated.counts == {"chi": 1, "dissolves": 0, "cloud_point": 0, "theta": 0}


# ---------------------------------------------------------------- the binodal target

@pytest.mark.parametrize("phi", [0.05, 0.2, 0.35, 0.7, 0.9])
def test_binodal_chi_symmetric_mixture_closed_form(phi):
    # N = 1: ln(φ/(1-φ)) = χ(2φ - 1) on the binodal (symmetric regular solution)
    expected = math.log(phi / (1 - phi)) / (2 * phi - 1)
    assert binodal_chi(phi, 1.0) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("phi", [0.01, 0.05, 0.3])
def test_binodal_chi_lies_on_the_binodal(phi):
    n = 1000.0
    chi = binodal_chi(phi, n)
    lean, rich = binodal(chi, n)
    assert min(abs(lean - phi), abs(rich - phi)) < 1e-7 * max(phi, 1e-3)
    assert binodal_chi(critical_point(n)[0], n) == pytest.approx(critical_point(n)[1])


# ---------------------------------------------------------------- persistence

def test_calibration_json_round_trip(tmp_path):
    calibrated = calibrate(POLYMER, [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.6},
                                     {"kind": "dissolves", "solvent": "methanol", "temperature_c": 25, "value": 0}])
    path = tmp_path / "cal.json"
    calibrated.save(path)
    document = json.loads(path.read_text())
    assert document["model_version"] == load_model().manifest["files"]["weights.safetensors"]
    assert [o["kind"] for o in document["observations"]] == ["chi", "dissolves"]
    loaded = load_calibration(path)
    assert loaded == calibrated and isinstance(loaded, CalibratedPolymer)
    assert _chi(loaded, "acetone") == _chi(calibrated, "acetone")
    with pytest.raises(ValueError):
        loaded.u[0, 0] = 1.0  # read-only


def test_calibration_from_another_model_version_is_refused(model):
    calibrated = calibrate(POLYMER, [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.6}])
    other = ChiModel({k: (v * 1.01 if k == "head.experimental.b" else v) for k, v in model._w.items()},
                     {**model.manifest, "files": {}})
    with pytest.raises(CalibrationError, match="model version"):
        load_calibration(calibrated.to_json(), model=other)
    with pytest.raises(CalibrationError, match="model version"):
        chiapp.predict_chi(calibrated, "toluene", T_K, model=other)
    tampered = _resealed(json.loads(calibrated.to_json()), model_version="0" * 64)
    with pytest.raises(CalibrationError, match="model version"):
        load_calibration(tampered)
    for bad in ("{}", "not json", _resealed(json.loads(calibrated.to_json()), latent={})):
        with pytest.raises(CalibrationError):
            load_calibration(bad)


def _resealed(document: dict, **changes) -> str:
    """A document changed and given a matching digest again, as a careful tamperer would: sha256 of
    the document without its digest, as canonical JSON (the format's rule, written out here)."""
    import hashlib

    document = {**document, **changes}
    body = {k: v for k, v in document.items() if k != "digest"}
    document["digest"] = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return json.dumps(document)


TAMPERING = {
    "latent values 1e308": lambda d: {"latent": {**d["latent"], "u": [[1e308] * len(r) for r in d["latent"]["u"]]}},
    "latent values 1e3": lambda d: {"latent": {**d["latent"], "u": [[1e3] * len(r) for r in d["latent"]["u"]]}},
    "r at -1e6": lambda d: {"latent": {**d["latent"], "r": [[-1e6] * len(r) for r in d["latent"]["r"]]}},
    "gauss-newton rows NaN": lambda d: {"latent": {**d["latent"], "gauss_newton_rows": [
        [[float("nan")] * len(c) for c in row] for row in d["latent"]["gauss_newton_rows"]]}},
    "gauss-newton rows 1e308": lambda d: {"latent": {**d["latent"], "gauss_newton_rows": [
        [[1e308] * len(c) for c in row] for row in d["latent"]["gauss_newton_rows"]]}},
    "prior width 1e300": lambda d: {"latent": {**d["latent"], "prior_width": [1e300] * len(d["latent"]["prior_width"])}},
    "another polymer, same latent": lambda d: {"polymer": "*CC(*)c1ccccc1", "polymer_name": "polystyrene"},
    "format_version true": lambda d: {"format_version": True},
    "chi_noise text": lambda d: {"chi_noise": "0.17"},
    "observation at -300 °C": lambda d: {"observations": [{**d["observations"][0], "temperature_k": -26.85}]},
    "observation of a made-up solvent": lambda d: {"observations": [{**d["observations"][0],
                                                                      "solvent_smiles": "not a smiles"}]},
}


@pytest.mark.parametrize("damage", sorted(TAMPERING))
def test_a_tampered_calibration_file_is_refused_and_never_yields_a_number(damage, tmp_path):
    """Issue 27: a calibration of bisphenol A polycarbonate, changed in each way a file can be."""
    calibrated = calibrate("bisphenol A polycarbonate",
                           [{"kind": "dissolves", "solvent": "chloroform", "temperature_c": 25, "value": 1},
                            {"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.45}])
    document = json.loads(calibrated.to_json())
    path = tmp_path / "tampered.json"
    path.write_text(_resealed(document, **TAMPERING[damage](document)))
    with pytest.raises(CalibrationError):
        load_calibration(path)
    code, out, err = _cli("rank", "--calibration", path, "--temperature-c", "25")
    assert code == 2 and "calibration" in err and "Traceback" not in err and not out.strip()


def test_a_changed_byte_without_a_new_digest_is_refused(tmp_path):
    calibrated = calibrate(POLYMER, [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.6}])
    text = calibrated.to_json().replace('"chi_noise": 0.17', '"chi_noise": 0.18')
    with pytest.raises(CalibrationError, match="digest"):
        load_calibration(text)


# ---------------------------------------------------------------- command line

def _cli(*args) -> tuple[int, str, str]:
    from chiapp.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def test_cli_calibrate_then_predict_and_rank_with_calibration(tmp_path):
    observations = tmp_path / "obs.csv"
    observations.write_text("kind,solvent,temperature_c,value,molecular_weight_g_per_mol\n"
                            "chi,toluene,25,0.9,\ndissolves,methanol,25,0,\n")
    output = tmp_path / "cal.json"
    code, out, err = _cli("calibrate", "--polymer", "PS", "--observations", observations, "--output", output,
                          "--chi-noise", "0.02")
    assert code == 0, err
    assert "1 chi, 1 dissolves" in out and output.is_file()
    code, out, err = _cli("predict", "--calibration", output, "--solvent", "toluene", "--temperature-c", "25")
    assert code == 0, err
    shown = float(out.split("temperature_c")[1].split()[5])  # chi, after the header's five names
    assert abs(shown - 0.9) < 0.1
    code, out, err = _cli("rank", "--calibration", output, "--temperature-c", "25", "--solvents", "toluene",
                          "acetone")
    assert code == 0 and "calibrated:" in out
    code, _, err = _cli("predict", "--calibration", output, "--polymer", "PMMA", "--solvent", "toluene",
                        "--temperature-c", "25")
    assert code == 2 and "not the calibrated polymer" in err
    observations.write_text("kind,solvent,temperature_c,value\ncloud_point,toluene,25,0.1\n")
    code, _, err = _cli("calibrate", "--polymer", "PS", "--observations", observations, "--output", output)
    assert code == 2 and "row 1" in err and "molecular_weight_g_per_mol" in err


def test_calibration_errors_are_chiapp_errors():
    assert issubclass(CalibrationError, ChiAppError)


def test_calibrate_low_rank_update_moves_along_its_directions_only(model):
    observations = [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.7}]
    calibrated = calibrate(POLYMER, observations, n_directions=1)
    assert calibrated.prior_basis.shape == (model.n_members, 2 * calibrated.u.shape[1], 1)
    shift = np.concatenate([calibrated.u - calibrated.prior_u, calibrated.r - calibrated.prior_r], axis=1)
    for basis, delta in zip(calibrated.prior_basis, shift):  # the shift is a multiple of the one direction
        direction = basis[:, 0] / np.linalg.norm(basis[:, 0])
        assert np.linalg.norm(delta - direction * (direction @ delta)) <= 1e-9 * max(1.0, np.linalg.norm(delta))
    assert _chi(calibrated, "toluene")[0] > _chi(POLYMER, "toluene")[0]


def test_cli_phase_and_select_take_a_calibration(tmp_path):
    calibrated = calibrate(POLYMER, [{"kind": "theta", "solvent": "cyclohexane", "temperature_c": 34.5}])
    path = tmp_path / "cal.json"
    calibrated.save(path)
    code, out, err = _cli("phase", "--calibration", path, "--solvent", "cyclohexane", "--molecular-weight",
                          "200000", "--temperature-c", "0", "100")
    assert code == 0, err
    a, b_k = (float(v) for v in out.split("chi(T) = ")[1].split("/T")[0].split(" + "))
    expected = chiapp.predict_chi(calibrated, "cyclohexane", T_K)
    assert a == pytest.approx(expected.a, rel=1e-5) and b_k == pytest.approx(expected.b_k, rel=1e-5)
    code, out, err = _cli("select", "--calibration", path, "--others", "PE", "--temperature-c", "20", "160",
                          "--solvents", "toluene", "cyclohexane", "acetone")
    assert code == 0, err
    assert "dissolve polystyrene" in out


def test_calibrate_batch_uses_the_calibration_for_its_polymer_only():
    calibrated = calibrate(POLYMER, [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.8}],
                           chi_noise=0.02)
    frame = pd.DataFrame({"polymer": ["polystyrene", "PMMA", "PS"], "solvent": ["toluene", "toluene", "acetone"],
                          "temperature_k": [T_K, T_K, 330.0]})
    result = chiapp.predict_batch(frame, calibrated=calibrated)
    assert result["calibrated"].tolist() == [True, False, True]
    assert result["chi"].iloc[0] == pytest.approx(_answer(calibrated, "toluene")[0], abs=1e-12)
    assert result["chi"].iloc[1] == pytest.approx(chiapp.predict_chi("PMMA", "toluene", T_K).chi[0], abs=1e-12)
    assert result["chi_std"].iloc[2] == pytest.approx(_answer(calibrated, "acetone", 330.0)[1], abs=1e-12)
    one = chiapp.predict_chi(calibrated, "acetone", 330.0)
    assert result["verdict"].iloc[2] == one.verdict
    assert result["dissolve_probability"].iloc[2] == pytest.approx(one.dissolve_probability[0], abs=1e-12)


def test_observed_points_say_what_each_observation_says_about_chi():
    from chiapp.calibration import observed_chi
    from chiapp.flory_huggins import critical_chi
    from chiapp.library import chain_length_for, resolve_polymer, resolve_solvent
    from chiapp.plots import chi_curves_figure

    calibrated = calibrate(POLYMER, [
        {"kind": "chi", "solvent": "cyclohexane", "temperature_c": 40, "value": 0.48},
        {"kind": "theta", "solvent": "cyclohexane", "temperature_c": 34.5},
        {"kind": "dissolves", "solvent": "cyclohexane", "temperature_c": 60, "value": 1},
        {"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.4}])
    points = observed_chi(calibrated, "C1CCCCC1")
    assert len(points) == 3  # only cyclohexane's
    by_symbol = points.set_index("symbol")
    assert by_symbol.loc["circle", "chi"] == 0.48 and by_symbol.loc["circle", "temperature_c"] == pytest.approx(40)
    assert by_symbol.loc["diamond", "chi"] == 0.5  # χ = ½ at θ
    chi_c = critical_chi(chain_length_for(resolve_polymer(POLYMER), resolve_solvent("cyclohexane")))
    assert by_symbol.loc["triangle-down", "chi"] == pytest.approx(chi_c)
    before, after = chiapp.predict_chi(POLYMER, "cyclohexane", [300.0, 330.0]), \
        chiapp.predict_chi(calibrated, "cyclohexane", [300.0, 330.0])
    figure = chi_curves_figure({"model": before, "calibrated": after}, {}, observed=points)
    markers = [t for t in figure.data if t.mode == "markers"]
    assert sorted(len(t.x) for t in markers) == [1, 1, 1]
