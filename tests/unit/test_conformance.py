"""Every door of chiapp gives the same answer (in the spirit of scikit-learn's ``check_estimator``).

A matrix of questions × every route that answers them: the API (``predict_chi``), the command line
(``chiapp predict``, one pair and a CSV), the batch (``predict_batch``), the ranking, the selection,
the catalogue screen, the blend API and the report. Each route must give the same verdict and the
same P(dissolves) to 1e-9 as ``predict_chi``, which is itself the answer engine's (``chiapp.answer``).
The Dask engine of the screen is held to the local one row for row in ``test_screening.py``; the pages
to the same answer in ``tests/app``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from chiapp import predict_batch, predict_chi, rank_solvents, select_solvents
from chiapp.blends import predict_blend_chi
from chiapp.calibration import calibrate
from chiapp.cli import main
from chiapp.report import pair_report, render_report
from chiapp.screening import screen
from tests.helpers import run_cli

#: (case, polymer, solvent, temperature [°C]): a known amorphous pair, a crystalline grade below and
#: above its dissolution temperature, the other grade of the same repeat unit, an out-of-domain pair,
#: a polymer the model has never seen, a pair with measured evidence and labels, a pair with a cited
#: "dissolves at T" fact.
CASES = [
    ("amorphous, known", "polystyrene", "toluene", 25.0),
    ("crystalline, cold", "HDPE", "toluene", 25.0),
    ("crystalline, hot", "HDPE", "toluene", 110.0),
    ("other grade", "LDPE", "p-xylene", 90.0),
    ("out of domain", "*O[Si](C)(C)*", "toluene", 25.0),
    ("new polymer", "*CC(*)c1ccc(CCCCCCCC)cc1", "toluene", 40.0),
    ("measured evidence", "polystyrene", "cyclohexane", 45.0),
    ("cited dissolution fact", "HDPE", "1,2,4-trichlorobenzene", 150.0),
]
BLEND = ("polystyrene", "toluene:0.5+p-xylene:0.5", 25.0)
IDS = [c[0] for c in CASES]


def _kelvin(t_c: float) -> float:
    return t_c + 273.15


@pytest.fixture(scope="module")
def reference():
    """The API's answer to every case (and the blend): (verdict, P) per case."""
    out = {}
    for case, polymer, solvent, t_c in CASES + [("blend", *BLEND)]:
        p = predict_chi(polymer, solvent, _kelvin(t_c))
        out[case] = (p.verdict, float(p.dissolve_probability[0]))
    return out


def _same(found: tuple[str, float], expected: tuple[str, float]) -> None:
    assert found[0] == expected[0]
    assert found[1] == pytest.approx(expected[1], abs=1e-9)


@pytest.mark.parametrize("case, polymer, solvent, t_c", CASES, ids=IDS)
def test_cli_one_pair(reference, case, polymer, solvent, t_c):
    done = run_cli("predict", "--polymer", polymer, "--solvent", solvent, "--temperature-c", str(t_c))
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if re.match(rf"\s*{t_c:.3f}\s", line))
    _, _, _, probability, *verdict = row.split()
    assert " ".join(verdict) == reference[case][0]
    assert float(probability) == pytest.approx(reference[case][1], abs=5e-4)  # printed with 3 decimals


def _batch_frame() -> pd.DataFrame:
    rows = [(polymer, solvent, _kelvin(t_c)) for _, polymer, solvent, t_c in CASES]
    rows.append((BLEND[0], BLEND[1], _kelvin(BLEND[2])))
    return pd.DataFrame(rows, columns=["polymer", "solvent", "temperature_k"])


def test_batch_api_and_cli_csv(reference, tmp_path):
    frame = _batch_frame()
    api = predict_batch(frame)
    source, target = tmp_path / "pairs.csv", tmp_path / "out.csv"
    frame.to_csv(source, index=False)
    assert main(["predict", "--input", str(source), "--output", str(target)]) == 0
    cli = pd.read_csv(target, keep_default_na=False)
    for i, case in enumerate([*IDS, "blend"]):
        assert api["error"].iat[i] == ""
        _same((api["verdict"].iat[i], api["dissolve_probability"].iat[i]), reference[case])
        _same((cli["verdict"].iat[i], float(cli["dissolve_probability"].iat[i])), reference[case])


@pytest.mark.parametrize("case, polymer, solvent, t_c", CASES, ids=IDS)
def test_ranking(reference, case, polymer, solvent, t_c):
    row = rank_solvents(polymer, _kelvin(t_c), solvents=[solvent]).table.iloc[0]
    _same((row["verdict"], row["dissolve_probability"]), reference[case])


@pytest.mark.parametrize("case, polymer, solvent, t_c", CASES, ids=IDS)
def test_selection(reference, case, polymer, solvent, t_c):
    """The selection's own answer for the target (and the antisolvent table where it does not dissolve)."""
    other = "PET" if polymer != "PET" else "polystyrene"
    selection = select_solvents(polymer, [other], [_kelvin(t_c)], solvents=[solvent])
    answer = selection.answer
    _same((answer.verdicts[0, 0, 0], answer.dissolve_probability[0, 0, 0]), reference[case])
    if reference[case][0] == "does not dissolve":
        row = selection.antisolvents.iloc[0]
        assert row["dissolve_probability"] == pytest.approx(reference[case][1], abs=1e-9)
    if not selection.table.empty:
        assert reference[case][0] == "dissolves"
        assert selection.table["target_probability"].iat[0] == pytest.approx(reference[case][1], abs=1e-9)


def test_screen(reference, tmp_path):
    polymers = list(dict.fromkeys(c[1] for c in CASES))  # a screen takes each input once
    result = screen(polymers, list(dict.fromkeys(c[2] for c in CASES)), sorted({_kelvin(c[3]) for c in CASES}),
                    output=tmp_path / "s.parquet", top=None, progress=False)
    table = pd.read_parquet(result.output)
    from chiapp.library import resolve_solvent

    for case, polymer, solvent, t_c in CASES:
        smiles = resolve_solvent(solvent).smiles
        polymer_index = polymers.index(polymer)
        row = table[(table["polymer_index"] == polymer_index) & (table["solvent"] == smiles)
                    & np.isclose(table["temperature_k"], _kelvin(t_c))].iloc[0]
        _same((row["verdict"], row["dissolve_probability"]), reference[case])


def test_blend_api(reference):
    p = predict_blend_chi(*BLEND[:2], _kelvin(BLEND[2]))
    _same((p.verdict, float(p.dissolve_probability[0])), reference["blend"])


def test_calibrated_polymer_through_every_route():
    """One calibrated polymer answered by the API, the batch, the ranking and the selection alike."""
    calibrated = calibrate("polystyrene", [{"kind": "chi", "solvent": "toluene", "temperature_c": 25, "value": 0.6},
                                           {"kind": "dissolves", "solvent": "acetone", "temperature_c": 25,
                                            "value": 0}])
    t = _kelvin(40.0)
    for solvent in ("toluene", "cyclohexane", "acetone"):
        one = predict_chi(calibrated, solvent, t)
        expected = (one.verdict, float(one.dissolve_probability[0]))
        batch = predict_batch(pd.DataFrame({"polymer": ["PS"], "solvent": [solvent], "temperature_k": [t]}),
                              calibrated=calibrated)
        assert bool(batch["calibrated"].iat[0])
        _same((batch["verdict"].iat[0], batch["dissolve_probability"].iat[0]), expected)
        row = rank_solvents(calibrated, t, solvents=[solvent]).table.iloc[0]
        _same((row["verdict"], row["dissolve_probability"]), expected)
        answer = select_solvents(calibrated, ["PET"], [t], solvents=[solvent]).answer
        _same((answer.verdicts[0, 0, 0], answer.dissolve_probability[0, 0, 0]), expected)


@pytest.mark.parametrize("case, polymer, solvent, t_c", CASES, ids=IDS)
def test_report(reference, case, polymer, solvent, t_c):
    from chiapp import load_model

    p = predict_chi(polymer, solvent, [_kelvin(t_c)])
    page = render_report(pair_report(p, p.chain_length, load_model().manifest))
    assert f"{reference[case][0].capitalize()} at {t_c:.0f} °C" in page
    assert f"P(dissolves) = {reference[case][1]:.0%}" in page


def test_cli_rank_prints_the_same_verdicts(reference):
    done = run_cli("rank", "--polymer", "HDPE", "--temperature-c", "25", "--solvents", "toluene")
    assert done.returncode == 0, done.stderr
    assert reference["crystalline, cold"][0] in done.stdout


def test_cli_takes_a_blend_as_the_solvent(reference):
    done = run_cli("predict", "--polymer", BLEND[0], "--solvent", BLEND[1], "--temperature-c", str(BLEND[2]))
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if re.match(rf"\s*{BLEND[2]:.3f}\s", line))
    _, _, _, probability, *verdict = row.split()
    assert " ".join(verdict) == reference["blend"][0]
    assert float(probability) == pytest.approx(reference["blend"][1], abs=5e-4)


def test_screen_exclude_class_removes_that_class_and_names_the_rest(tmp_path):
    from chiapp.library import solvent_library

    library = solvent_library().set_index("name")
    solvents = ["toluene", "chloroform", "acetone", "benzene", "water"]
    result = screen(["polystyrene"], solvents, [298.15], output=tmp_path / "x.parquet", top=None, progress=False,
                    exclude_classes=("highly hazardous",))
    table = pd.read_parquet(result.output)
    excluded = [s for s in solvents if library.loc[s, "chem21_class"] == "highly hazardous"]
    assert excluded and result.n_filtered_out == len(excluded)
    assert set(table["solvent_name"]) == set(solvents) - set(excluded)
    for row in table.itertuples():
        assert row.chem21_class == library.loc[row.solvent_name, "chem21_class"]


@pytest.mark.parametrize("polymer, solvent, t_c, measured", [
    ("polystyrene", "cyclohexane", 45.0, True),          # measured χ of several laboratories
    ("poly(ethylene oxide)", "water", 25.0, False),      # an LCST row only: no measured χ
    ("polystyrene", "anisole", 25.0, False),             # no evidence of χ at all
])
def test_another_laboratorys_sigma_is_one_rule_at_every_door(polymer, solvent, t_c, measured, tmp_path):
    """σ' = √(σ² + τ²) where measured χ narrowed σ, else σ (``chiapp.posterior.laboratory_std``, τ the
    manifest's laboratory_sigma), and the API, the batch, the ranking and the screen give the same σ'."""
    from chiapp.answer import posterior_parameters
    from chiapp.model import load_model

    p = predict_chi(polymer, solvent, _kelvin(t_c))
    assert p.evidence.has_measured_chi == measured and (measured or polymer == "polystyrene" or len(p.evidence.chis))
    tau = posterior_parameters(load_model()).laboratory_sigma
    assert tau > 0
    sigma = float(p.chi_std[0])
    expected = float(np.sqrt(sigma**2 + tau**2)) if measured else sigma
    assert float(p.laboratory_std[0]) == pytest.approx(expected, rel=1e-12)
    batch = predict_batch(pd.DataFrame({"polymer": [polymer], "solvent": [solvent], "temperature_k": [_kelvin(t_c)]}))
    assert batch["laboratory_chi_std"].iat[0] == pytest.approx(expected, rel=1e-12)
    row = rank_solvents(polymer, _kelvin(t_c), solvents=[solvent]).table.iloc[0]
    assert row["laboratory_chi_std"] == pytest.approx(expected, rel=1e-12)
    written = screen([polymer], [solvent], [_kelvin(t_c)], output=tmp_path / "s.parquet", top=None, progress=False)
    assert pd.read_parquet(written.output)["laboratory_chi_std"].iat[0] == pytest.approx(expected, rel=1e-12)
