"""The command line on the shipped model: in-process through ``chiapp.cli.main`` (fast), plus one
smoke test of the real ``python -m chiapp`` process."""

import subprocess
import sys

import pandas as pd

from tests.helpers import run_cli

_cli = run_cli


def _run(*args):
    return _cli("predict", *args)


def test_cli_smoke_real_process():
    done = subprocess.run([sys.executable, "-m", "chiapp", "predict", "--polymer", "PS", "--solvent", "toluene",
                           "--temperature-c", "25"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "chi(T) =" in done.stdout and "Traceback" not in done.stderr


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


def test_cli_phase_uses_the_predicted_chi_and_library_volumes(tmp_path):
    out = tmp_path / "curves.csv"
    done = _cli("phase", "--polymer", "polystyrene", "--solvent", "cyclohexane", "--molecular-weight", "100000",
                "--temperature-c", "0", "150", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "type:" in done.stdout and "predicted for" in done.stdout
    # N = (1e5 g/mol / 1.05 g/cm3) / 108.7 cm3/mol ≈ 876 for PS in cyclohexane: chi_c ≈ 0.535
    chi_c = float(done.stdout.split("chi_c = ")[1].split()[0])
    assert 0.52 < chi_c < 0.55
    assert len(pd.read_csv(out)) >= 200


def test_cli_phase_polymer_without_solvent_is_an_error():
    done = _cli("phase", "--polymer", "PS", "--chain-length", "100")
    assert done.returncode == 2 and "--polymer and --solvent go together" in done.stderr


def test_cli_names_with_commas_are_one_argument_each():
    done = _cli("rank", "--polymer", "PMMA", "--temperature-c", "25", "--solvents", "N,N-dimethylformamide",
                "toluene", "--top", "0")
    assert done.returncode == 0, done.stderr
    assert "N,N-dimethylformamide" in done.stdout and "toluene" in done.stdout
    assert "not screened" not in done.stdout  # before, the comma split DMF into 'N' and 'N-dimethylformamide'


def test_cli_negative_numbers_are_values_and_out_of_range_is_in_the_users_unit():
    done = _cli("phase", "--chi-a", "0.3", "--chi-b-k", "100", "--chi-c-k2", "-1e7", "--chain-length", "100")
    assert "expected one argument" not in done.stderr  # -1e7 is read as a number
    done = _run("--polymer", "PS", "--solvent", "toluene", "--temperature-c", "-inf")
    assert done.returncode == 2 and "°C" in done.stderr and "-inf" in done.stderr
    done = _run("--polymer", "PS", "--solvent", "toluene", "--temperature-c", "-300")
    assert done.returncode == 2 and "got -300 °C" in done.stderr


def test_cli_output_to_a_missing_folder_is_a_clear_error(tmp_path):
    done = _run("--polymer", "PS", "--solvent", "toluene", "--temperature-c", "25",
                "--output", str(tmp_path / "absent" / "out.csv"))
    assert done.returncode == 2 and "does not exist" in done.stderr
    done = _run("--polymer", "PS", "--solvent", "toluene", "--temperature-c", "25", "--output", str(tmp_path))
    assert done.returncode == 2 and "is a folder" in done.stderr


def test_cli_export_neutralizes_formulas_and_keeps_numbers(tmp_path):
    source = tmp_path / "pairs.csv"
    source.write_text("polymer,solvent,temperature_c,note\n"
                      "PS,toluene,25,=HYPERLINK(\"http://x\")\n"
                      "=1+1,toluene,25,@SUM(A1)\n")
    target = tmp_path / "out.csv"
    assert _run("--input", str(source), "--output", str(target)).returncode == 0
    out = pd.read_csv(target, keep_default_na=False, dtype=str)
    assert out["note"].tolist() == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    assert out["polymer"][1] == "'=1+1"
    assert float(out["chi"][0]) == float(out["chi"][0])  # a number, not text with a quote


def test_cli_plan_repeated_polymers_prints_steps_and_writes_csv(tmp_path):
    target = tmp_path / "plan.csv"
    done = _cli("plan", "--polymers", "PS", "--polymers", "PE", "--temperature-c", "20", "140",
                "--n-temperatures", "25", "--solvents", "toluene", "p-xylene", "n-hexane", "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert "1. " in done.stdout and "dissolves" in done.stdout
    frame = pd.read_csv(target)
    assert {"step", "dissolves", "solvent", "window_low_c", "window_high_c", "recovery"} <= set(frame.columns)
    assert set(frame["undissolved"].dropna()) & {"PS", "PE"}


def test_cli_plan_one_polymer_is_a_one_line_error():
    done = _cli("plan", "--polymers", "PS", "--temperature-c", "20", "140")
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and "Traceback" not in done.stderr


def test_cli_help_imports_no_heavy_module():
    """``chiapp --help`` lists every command without loading RDKit, pandas or the model."""
    code = ("import sys, contextlib, io\nfrom chiapp.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
            "print(sorted(m for m in ('pandas', 'rdkit', 'torch', 'streamlit', 'chiapp.prediction') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_rank_summary_counts_the_one_verdict():
    done = run_cli("rank", "--polymer", "polystyrene", "--temperature-c", "25",
                   "--solvents", "toluene", "chloroform", "methanol", "water")
    assert done.returncode == 0, done.stderr
    summary = next(line for line in done.stdout.splitlines() if "solvents:" in line)
    dissolve = int(summary.split("solvents: ")[1].split(" dissolve")[0])
    do_not = int(summary.split("borderline, ")[1].split(" do not")[0])
    assert dissolve >= 2 and do_not >= 2  # toluene, chloroform dissolve PS; methanol, water do not


def test_cli_predict_gives_another_laboratorys_band_only_where_measured_chi_narrow_sigma():
    import numpy as np

    from chiapp import load_model, predict_chi

    tau = load_model().manifest["posterior"]["parameters"]["laboratory_sigma"]
    sigma = predict_chi("PS", "toluene", [298.15, 333.15]).chi_std
    done = _run("--polymer", "PS", "--solvent", "toluene", "--temperature-c", "25", "60")
    assert done.returncode == 0, done.stderr
    assert f"another laboratory's chi: within ± {2 * np.median(np.hypot(sigma, tau)):.2f} at 2 sigma" in done.stdout
    done = _run("--polymer", "PMMA", "--solvent", "acetonitrile", "--temperature-c", "25")
    assert done.returncode == 0 and "another laboratory" not in done.stdout


def test_cli_predict_states_the_chemistry_caveat_where_the_model_errs_most():
    """The caveat of chiapp.model_card.chemistry_caveat, printed as the API gives it: for cellulose
    acetate in toluene (a donating polymer, a solvent without O–H), never for PS in toluene."""
    from chiapp import predict_chi

    caveat = predict_chi("cellulose acetate", "toluene", 298.15).chemistry_caveat
    done = _run("--polymer", "cellulose acetate", "--solvent", "toluene", "--temperature-c", "25")
    assert done.returncode == 0, done.stderr
    assert caveat and caveat in done.stdout
    done = _run("--polymer", "PS", "--solvent", "toluene", "--temperature-c", "25")
    assert done.returncode == 0 and "hydrogen bonds" not in done.stdout
