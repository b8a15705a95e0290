"""`python -m chiapp predict` as a user runs it: a real subprocess on the shipped model."""

import subprocess
import sys

import pandas as pd


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "chiapp", "predict", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_cli_predict_one_pair_prints_a_table():
    done = _run("--polymer", "*CC(*)c1ccccc1", "--solvent", "Cc1ccccc1", "--temperature-c", "25", "60", "100")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.split()[:1] == ["25.000"] for line in lines)
    assert "chi(T) =" in done.stdout and "Traceback" not in done.stderr


def test_cli_predict_bad_input_is_one_line_error():
    done = _run("--polymer", "CCC", "--solvent", "toluene", "--temperature-c", "25")
    assert done.returncode == 2
    assert done.stderr.startswith("error: polymer") and "Traceback" not in done.stderr


def test_cli_predict_batch_keeps_rows_and_reports_bad_ones(tmp_path):
    source = tmp_path / "pairs.csv"
    source.write_text("polymer,solvent,temperature_c\n"
                      "*CC(*)c1ccccc1,toluene,25\n"
                      "*CC(*,toluene,25\n"
                      "polystyrene,water,-300\n"
                      "PMMA,acetone,abc\n"
                      "PMMA,acetone,40\n")
    target = tmp_path / "out.csv"
    done = _run("--input", str(source), "--output", str(target))
    assert done.returncode == 0, done.stderr
    out = pd.read_csv(target, keep_default_na=False)
    assert len(out) == 5 and list(out["solvent"]) == ["toluene", "toluene", "water", "acetone", "acetone"]
    ok = out["error"] == ""
    assert list(ok) == [True, False, False, False, True]
    assert out["chi"][0] != "" and out["chi"][1] == ""


def test_cli_predict_unusable_file_exits_non_zero(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name;smiles\nfoo;bar\n")
    done = _run("--input", str(bad))
    assert done.returncode == 2 and "missing column" in done.stderr
    done = _run("--input", str(tmp_path / "absent.csv"))
    assert done.returncode == 2 and "no such file" in done.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    done = _run("--input", str(empty))
    assert done.returncode == 2 and "empty" in done.stderr
