"""``chiapp blend`` and ``chiapp compat`` as a user runs them (in process, shipped model; the
subprocess route is smoke-tested in test_cli.py)."""


import pandas as pd
import pytest

from tests.helpers import Done, run_cli


def _run(*args) -> Done:
    return run_cli(*args)


def test_cli_blend_given_blends_with_repeated_flags():
    done = _run("blend", "--polymer", "PMMA", "--temperature-c", "20", "--blend", "1-butanol:0.7+acetonitrile:0.3",
                "--component", "cis-1,2-dichloroethylene", "0.5", "--component", "acetone", "0.5")
    assert done.returncode == 0, done.stderr
    assert "1-butanol:0.7+acetonitrile:0.3" in done.stdout
    assert "cis-1,2-dichloroethene" in done.stdout.lower() and "chi alone" in done.stdout


def test_cli_blend_finder_writes_csv(tmp_path):
    target = tmp_path / "blends.csv"
    done = _run("blend", "--polymer", "PMMA", "--temperature-c", "25", "--only-nonsolvents", "--output", str(target))
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(target)
    assert len(table) > 0 and (table["chi"] < table["chi_limit"]).all() and (table["dissolve_probability"] >= 0.7).all()


def test_cli_blend_bad_fractions_is_one_line_error():
    done = _run("blend", "--polymer", "PMMA", "--temperature-c", "25", "--blend", "water:0.7+ethanol:0.4")
    assert done.returncode == 2 and done.stderr.startswith("error:") and "sum to 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_blend_component_twice_and_missing_option():
    done = _run("blend", "--polymer", "PMMA", "--temperature-c", "25", "--component", "water", "0.5",
                "--component", "water", "0.5")
    assert done.returncode == 2 and "twice" in done.stderr
    assert _run("compat", "--polymer-a", "PS", "--temperature-c", "25").returncode == 2


def test_cli_compat_prints_both_estimates_and_ideas():
    done = _run("compat", "--polymer-a", "PE", "--polymer-b", "PA6", "--temperature-c", "240", "--top", "5")
    assert done.returncode == 0, done.stderr
    assert "latent space" in done.stdout and "Hansen" in done.stdout
    assert "verdict: immiscible (decided by the literature)" in done.stdout  # a pair of the blend table
    assert "specific interactions" in done.stdout
    assert "poly(maleic anhydride)" in done.stdout


def test_cli_compat_polymer_name_with_commas():
    done = _run("compat", "--polymer-a", "cis-1,4-polybutadiene", "--polymer-b", "PS", "--temperature-c", "150",
                "--no-ideas")
    assert done.returncode == 0, done.stderr
    assert "cis-1,4-polybutadiene / polystyrene" in done.stdout


@pytest.mark.parametrize("command", [
    ("compat", "--polymer-a", "PS", "--polymer-b", "PMMA", "--no-ideas"),
    ("blend", "--polymer", "PMMA"),
    ("ternary", "--polymer", "PS", "--solvent", "toluene", "--antisolvent", "methanol"),
    ("rank", "--polymer", "PS"),
])
def test_cli_impossible_temperature_is_refused_in_the_unit_typed(command):
    """-300 °C is below absolute zero: every command says so in °C, as typed (not in kelvin)."""
    done = _run(*command, "--temperature-c", "-300")
    assert done.returncode == 2 and "got -300 °C" in done.stderr and "Traceback" not in done.stderr


def test_cli_predict_of_a_blend_names_each_solvents_evidence_and_its_share():
    """HDPE in TCB:0.5 + o-DCB:0.5 at 150 °C: each solvent has a cited dissolution fact (ASTM D6474; Pasch &
    Malik 2014), which reaches the blend by its fraction (chiapp.answer._component_evidence)."""
    done = _run("predict", "--polymer", "HDPE", "--solvent", "1,2,4-trichlorobenzene:0.5+o-dichlorobenzene:0.5",
                "--temperature-c", "150")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if "of the blend, its evidence counted by that share" in line]
    assert len(lines) == 2 and all("(50% of the blend" in line for line in lines)
    assert any(line.startswith("1,2,4-trichlorobenzene") and "LDPE, LLDPE dissolves at 150 °C" in line
               for line in lines)
