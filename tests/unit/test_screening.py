"""Catalogue screens: the factored grid and the per-molecule batch agree with the direct routes;
the streamed screen agrees with predict_grid, survives bad rows, an interruption, a process killed
with SIGKILL, damaged or misplaced part files and a killed Dask worker, and gives the same file on
one process and on a Dask LocalCluster."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chiapp.cli import main
from chiapp.descriptors import polymer_descriptors, solvent_descriptors
from chiapp.flory_huggins import chain_length_from_molecular_weight, chain_lengths, critical_chi, critical_chis
from chiapp.library import resolve_polymer, resolve_solvent
from chiapp.model import T_REF_K
from chiapp.posterior import verdict_codes
from chiapp.prediction import load_model, predict_batch, predict_grid
from chiapp.screening import screen

POLYMERS = ["PS", "PMMA", "PE", "not a polymer", "PVC"]
SOLVENTS = ["toluene", "water", "acetone", "C1CC1(", "hexane", "chloroform", "ethanol", "THF", "DMF"]
TEMPERATURES_K = [298.15, 350.0]


@pytest.fixture(scope="module")
def model():
    return load_model()


def _x(names, role):
    resolve, describe = ((resolve_polymer, polymer_descriptors) if role == "polymer"
                         else (resolve_solvent, solvent_descriptors))
    return np.stack([describe(resolve(n).smiles) for n in names])


def test_factored_grid_equals_direct_latent_distance(model):
    # direct route: z = (u_p - u_s)^2 - r_p^2 - r_s^2 for every pair, then the linear heads
    xp, xs = _x(["PS", "PMMA", "PE", "PVC"], "polymer"), _x(["toluene", "water", "acetone", "DMF", "THF"], "solvent")
    (u_p, r_p), (u_s, r_s) = model.latent("polymer", xp), model.latent("solvent", xs)
    z = (u_p[:, :, None] - u_s[:, None]) ** 2 - r_p[:, :, None] ** 2 - r_s[:, None] ** 2
    z = model.with_hansen(z, xp[:, None, :], xs[None, :, :])  # the Hansen terms, if the model has them
    w, bias = model.heads()
    direct = np.einsum("mpsk,mkh->hmps", z, w) + bias.T[:, :, None, None]
    grid = model.grid_coefficients(xp, xs)
    np.testing.assert_allclose(grid.a, direct[0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(grid.b_k, direct[1] * T_REF_K, rtol=0, atol=1e-10 * T_REF_K)
    np.testing.assert_allclose(grid.soluble_logit, direct[2], rtol=0, atol=1e-10)


def test_predict_batch_equals_rowwise_towers(model):
    rows = [("PS", "toluene", 300.0), ("PMMA", "acetone", 320.0), ("PS", "water", 280.0), ("PE", "hexane", 400.0),
            ("PS", "toluene", 350.0), ("bad(", "toluene", 300.0), ("PMMA", "acetone", -5.0)]
    frame = pd.DataFrame(rows, columns=["polymer", "solvent", "temperature_k"])
    result = predict_batch(frame)
    assert result["error"].iloc[5].startswith("polymer") and "between 1 and 2000 K" in result["error"].iloc[6]
    good = frame.iloc[:5]
    # the route of predict_chi: towers run for each row on its own
    c = model.coefficients(_x(good["polymer"], "polymer"), _x(good["solvent"], "solvent"))
    members = c.a + c.b_k / good["temperature_k"].to_numpy()
    np.testing.assert_allclose(result["ensemble_chi"].iloc[:5], members.mean(0), rtol=0, atol=1e-10)
    np.testing.assert_allclose(result["ensemble_chi_std"].iloc[:5], model.spread_scale * members.std(0), rtol=0,
                               atol=1e-10)
    probability = (1 / (1 + np.exp(-c.soluble_logit))).mean(0)
    np.testing.assert_allclose(result["classifier_probability"].iloc[:5], probability, rtol=0, atol=1e-12)
    assert result[["chi", "chi_std"]].iloc[5:].isna().all().all()


def test_critical_chis_follow_flory_huggins():
    polymer_volumes = np.array([100000.0 / 1.05, 5000.0, 50.0])
    solvent_volumes = np.array([108.7, 18.07, 200.0])
    chi_c = critical_chis(chain_lengths(polymer_volumes[:, None], solvent_volumes[None, :]))
    for i, vp in enumerate(polymer_volumes):
        for j, vs in enumerate(solvent_volumes):
            if vp < vs:
                assert np.isnan(chi_c[i, j])  # N < 1: the polymer is smaller than a solvent molecule
            else:
                expected = critical_chi(chain_length_from_molecular_weight(vp, 1.0, vs))
                assert chi_c[i, j] == pytest.approx(expected, rel=1e-12)


def test_verdict_codes_read_the_probability_at_point_seven_and_point_three():
    assert verdict_codes(np.array([0.95, 0.7, 0.5, 0.3, 0.01, np.nan])).tolist() == [0, 0, 1, 2, 2, -1]


@pytest.fixture(scope="module")
def local_screen(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "all.parquet"
    result = screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=out, top=None, polymer_block=2, solvent_block=3,
                    progress=False)
    return result, pd.read_parquet(out)


def test_screen_matches_predict_grid_and_reports_bad_rows(local_screen):
    result, table = local_screen
    failures = pd.read_csv(result.failures)
    assert sorted(failures["input"]) == ["C1CC1(", "not a polymer"]
    assert result.n_polymers == 4 and result.n_solvents == 8
    assert len(table) == 4 * 8 * 2 and result.n_pair_temperatures == 64
    grid = predict_grid([p for p in POLYMERS if p != "not a polymer"], [s for s in SOLVENTS if s != "C1CC1("],
                        TEMPERATURES_K)
    p_pos = {p.smiles: i for i, p in enumerate(grid.polymers)}
    s_pos = {s.smiles: i for i, s in enumerate(grid.solvents)}
    t_pos = {t: i for i, t in enumerate(TEMPERATURES_K)}
    for row in table.itertuples():  # the same answer as every other route: the posterior and its verdict
        i, j, k = p_pos[row.polymer], s_pos[row.solvent], t_pos[row.temperature_k]
        assert row.chi == pytest.approx(grid.chi[i, j, k], abs=1e-10)
        assert row.chi_std == pytest.approx(grid.chi_std[i, j, k], abs=1e-10)
        assert row.chi_limit == pytest.approx(grid.chi_limit[i, j, k], abs=1e-10)
        assert row.dissolve_probability == pytest.approx(grid.dissolve_probability[i, j, k], abs=1e-10)
        assert row.verdict == grid.verdicts[i, j, k]
        assert row.classifier_probability == pytest.approx(grid.classifier_probability[i, j], abs=1e-12)


def test_screen_top_k_is_the_best_of_all_pairs(local_screen, tmp_path):
    _, table = local_screen
    result = screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=tmp_path / "top.parquet", top=2, verdicts=("dissolves",),
                    polymer_block=2, solvent_block=3, progress=False)
    top = pd.read_parquet(result.output)
    # most likely to dissolve first: P = Φ((χ_lim − χ)/σ) falls as (χ − χ_lim)/σ rises
    dissolving = table[table["verdict"] == "dissolves"].assign(
        score=lambda f: (f["chi"] - f["chi_limit"]) / f["chi_std"])
    expected = (dissolving.sort_values(["polymer_index", "temperature_k", "score", "solvent_index"])
                .groupby(["polymer_index", "temperature_k"]).head(2))
    assert top[["polymer_index", "solvent_index", "temperature_k"]].values.tolist() == \
        expected[["polymer_index", "solvent_index", "temperature_k"]].values.tolist()
    assert set(top["rank"]) <= {1, 2}


def test_interrupted_screen_resumes_skipping_finished_chunks(local_screen, tmp_path):
    out = tmp_path / "resumed.parquet"
    calls = []

    def stop(stage, done):
        calls.append(stage)
        if stage == "grid" and done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=out, top=None, polymer_block=2, solvent_block=3,
               progress=False, on_chunk=stop)
    n_features = calls.count("features")
    assert not out.exists()
    calls.clear()
    result = screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=out, top=None, polymer_block=2, solvent_block=3,
                    progress=False, on_chunk=lambda stage, done: calls.append(stage))
    assert result.n_chunks_skipped == n_features + 2
    assert calls.count("features") == 0 and calls.count("grid") == 3 * 3 - 2
    pd.testing.assert_frame_equal(pd.read_parquet(out), local_screen[1])


def _parts(out: Path) -> list[Path]:
    return sorted(out.with_name(out.name + ".parts").glob("*.npz"))


def _stop():
    raise KeyboardInterrupt


def _interrupted(out: Path) -> None:
    def stop(stage, done):
        if stage == "grid" and done == 4:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=out, top=None, polymer_block=2, solvent_block=3,
               progress=False, on_chunk=stop)


@pytest.mark.parametrize("damage", ["truncated", "emptied", "flipped byte", "swapped solvent parts",
                                    "another screen's part"])
def test_damaged_or_misplaced_parts_are_computed_again_never_merged(local_screen, tmp_path, damage):
    out = tmp_path / "damaged.parquet"
    _interrupted(out)
    parts = _parts(out)
    solvent_parts = [p for p in parts if p.name.startswith("solvent-")]
    grid_part = next(p for p in parts if p.name.startswith("grid-"))
    if damage == "truncated":
        grid_part.write_bytes(grid_part.read_bytes()[: grid_part.stat().st_size // 2])
    elif damage == "emptied":
        grid_part.write_bytes(b"")
    elif damage == "flipped byte":
        data = bytearray(grid_part.read_bytes())
        data[len(data) // 2] ^= 0xFF
        grid_part.write_bytes(bytes(data))
    elif damage == "swapped solvent parts":
        first, second = solvent_parts[:2]
        a, b = first.read_bytes(), second.read_bytes()
        first.write_bytes(b)
        second.write_bytes(a)
    else:  # the same block of another screen (other temperatures), copied in its place
        other = tmp_path / "other.parquet"
        screen(POLYMERS, SOLVENTS, [310.0], output=other, top=None, polymer_block=2, solvent_block=3,
               progress=False)
        done = other.with_name(other.name + ".parts")
        assert not done.exists()  # a finished screen removes its parts: make them again, stopped early
        with pytest.raises(KeyboardInterrupt):
            screen(POLYMERS, SOLVENTS, [310.0], output=other, top=None, polymer_block=2, solvent_block=3,
                   progress=False, on_chunk=lambda stage, n: _stop() if stage == "grid" and n == 4 else None)
        grid_part.write_bytes((done / grid_part.name).read_bytes())
    calls = []
    result = screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=out, top=None, polymer_block=2, solvent_block=3,
                    progress=False, on_chunk=lambda stage, done: calls.append(stage))
    assert calls, "the damaged part must be computed again"
    pd.testing.assert_frame_equal(pd.read_parquet(result.output), local_screen[1])


def test_screen_killed_with_sigkill_resumes_to_the_same_file(local_screen, tmp_path):
    out = tmp_path / "killed.parquet"
    script = (f"from chiapp.screening import screen\n"
              f"import time\n"
              f"def slow(stage, done):\n    time.sleep(0.4)\n"
              f"screen({POLYMERS!r}, {SOLVENTS!r}, {TEMPERATURES_K!r}, output={str(out)!r}, top=None, "
              f"polymer_block=2, solvent_block=3, progress=False, on_chunk=slow)\n")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2])
    deadline = time.time() + 120
    while time.time() < deadline and not any(p.name.startswith("grid-") for p in _parts(out)):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert not out.exists() and any(p.name.startswith("grid-") for p in _parts(out))
    result = screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=out, top=None, polymer_block=2, solvent_block=3,
                    progress=False)
    assert result.n_chunks_skipped > 0
    pd.testing.assert_frame_equal(pd.read_parquet(out), local_screen[1])


def test_cli_screen_writes_parquet_and_refuses_a_missing_file(tmp_path, capsys):
    (tmp_path / "p.txt").write_text("PS\n# a comment\n\nPMMA\n")
    (tmp_path / "s.txt").write_text("toluene\nacetone\nwater\n")
    out = tmp_path / "cli.parquet"
    assert main(["screen", "--polymers", str(tmp_path / "p.txt"), "--solvents", str(tmp_path / "s.txt"),
                 "--temperature-c", "25", "--top", "1", "--output", str(out), "--quiet"]) == 0
    assert len(pd.read_parquet(out)) == 2
    assert main(["screen", "--polymers", str(tmp_path / "nope.txt"), "--temperature-c", "25",
                 "--output", str(out), "--quiet"]) == 2
    assert "not found" in capsys.readouterr().err


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        yield client


def test_dask_screen_writes_the_same_file(local_screen, cluster, tmp_path):
    result = screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=tmp_path / "dask.parquet", top=None,
                    polymer_block=2, solvent_block=3, progress=False, engine="dask", scheduler=cluster)
    pd.testing.assert_frame_equal(pd.read_parquet(result.output), local_screen[1])
    assert pd.read_csv(result.failures).equals(pd.read_csv(local_screen[0].failures))


def test_dask_screen_survives_a_killed_worker(local_screen, cluster, tmp_path):
    before = cluster.run(os.getpid)
    killed = []

    def kill(stage, done):
        if stage == "grid" and not killed:
            pid = min(cluster.run(os.getpid).values())
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    result = screen(POLYMERS, SOLVENTS, TEMPERATURES_K, output=tmp_path / "killed.parquet", top=None,
                    polymer_block=1, solvent_block=2, progress=False, engine="dask", scheduler=cluster,
                    on_chunk=kill)
    assert killed and killed[0] in before.values()
    cluster.wait_for_workers(2, timeout=60)
    assert killed[0] not in cluster.run(os.getpid).values()   # the nanny started a new worker
    # other blocks than the reference's, so the rows come in another block order: compare them sorted
    keys = ["polymer_index", "solvent_index", "temperature_k"]
    pd.testing.assert_frame_equal(pd.read_parquet(result.output).sort_values(keys).reset_index(drop=True),
                                  local_screen[1].sort_values(keys).reset_index(drop=True))


def test_parts_of_another_format_are_another_screens(tmp_path, monkeypatch):
    """Parts written before a column was added (format 2: no laboratory_chi_std) are never resumed:
    the format is part of the folder's key."""
    import importlib

    module = importlib.import_module("chiapp.screening.screen")  # the package's ``screen`` is the function

    blocks = {"polymer": [("*CC(*)c1ccccc1",)], "solvent": [("Cc1ccccc1",)]}
    now = module.PartsFolder(tmp_path / "a.parquet", {"temperatures_k": [298.15]}, True, blocks).key
    monkeypatch.setattr(module, "_FORMAT_VERSION", 2)
    before = module.PartsFolder(tmp_path / "b.parquet", {"temperatures_k": [298.15]}, True, blocks).key
    assert now != before
