"""chiapp.report: one self-contained HTML file with the pair, the verdict, the model and the tables."""

from __future__ import annotations

import re

import numpy as np
import pytest

from chiapp.cli import main
from chiapp.report import _cell, pair_report_for, render_report, verdict_words


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(pair_report_for("PS", "toluene", (0.0, 150.0), user_point=(0.1, 25.0)))


def test_report_is_self_contained(page):
    assert 'src="http' not in page and "src='http" not in page
    assert not re.search(r"<link[^>]+href=['\"]?https?:", page)
    assert "<script src" not in page
    assert "Plotly.newPlot" in page  # the figures are drawn by the inline plotly.js


def test_report_names_the_pair_the_verdict_and_the_model(page):
    import hashlib

    from chiapp.resources import asset_path
    weights = hashlib.sha256(asset_path("model", "weights.safetensors").read_bytes()).hexdigest()
    for words in ("polystyrene", "toluene", "dissolves", f"model weights {weights[:12]}", "10.1021/acs.macromol.2c02600",
                  "Inside the model&#x27;s domain", "Evidence used", "φ = 0.10 at 25 °C"):
        assert words in page, words
    assert "None" not in re.sub(r"<script>.*?</script>", "", page, flags=re.S)


def test_report_escapes_user_text():
    from chiapp.report import Report

    page = render_report(Report(title="<b>x</b>", inputs=(("Polymer", "<script>alert(1)</script>"),),
                                answer="a & b", manifest={}))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>&lt;b&gt;x&lt;/b&gt;</title>" in page


def test_empty_cells_stay_empty():
    assert _cell(None) == "" and _cell(float("nan")) == "" and _cell(0.25) == "0.25" and _cell(True) == "yes"


@pytest.mark.parametrize("polymer, solvent", [("PS", "toluene"), ("PS", "water"), ("PS", "cyclohexane")])
def test_report_verdict_is_the_predictions_own(polymer, solvent):
    from chiapp import predict_chi

    prediction = predict_chi(polymer, solvent, [290.0, 300.0, 310.0])
    verdict, reason = verdict_words(prediction)
    assert verdict == prediction.verdicts[1]
    assert f"{prediction.dissolve_probability[1]:.0%}" in reason


def test_cli_report_writes_one_file(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "--polymer", "PMMA", "--solvent", "67-64-1", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "poly(methyl methacrylate)" in text and "acetone" in text
    assert main(["report", "--polymer", "PS", "--solvent", "toluene", "--output", str(tmp_path / "x.txt")]) == 2
    assert main(["report", "--polymer", "PS", "--solvent", "toluene", "--temperature-c", "150", "150",
                 "--output", str(out)]) == 2
    assert "is empty" in capsys.readouterr().err


def test_ranking_and_selection_reports_are_self_contained():
    import numpy as np

    from chiapp.prediction import load_model
    from chiapp.ranking import rank_solvents
    from chiapp.report import ranking_report, selection_report
    from chiapp.selection import select_solvents
    from chiapp.units import kelvin

    manifest = load_model().manifest
    ranking = rank_solvents("PS", kelvin(25.0), solvents=["toluene", "water", "<b>acetone</b>", "CCO"])
    page = render_report(ranking_report(ranking, 25.0, manifest))
    assert "Solvents for polystyrene" in page and "toluene" in page and "src=\"http" not in page
    assert "<b>acetone</b>" not in page  # a bad row is listed nowhere unescaped
    selection = select_solvents("PS", ["PE"], kelvin(np.linspace(20.0, 140.0, 13)), solvents=["toluene", "water"])
    page = render_report(selection_report(selection, (20.0, 140.0), manifest))
    assert "Separating polystyrene from polyethylene" in page and "src=\"http" not in page


@pytest.mark.parametrize("polymer, solvent, temperatures", [("HDPE", "p-xylene", [298.15]), ("PS", "cyclohexane",
                                                              [290.0, 310.0])])
def test_pair_report_has_no_code_in_it_and_colours_the_verdict_as_everywhere(polymer, solvent, temperatures):
    """Issue 29: the report reads like a report: evidence as a table, no Python repr, the verdict in its colour."""
    import re

    from chiapp import load_model, predict_chi
    from chiapp.explanation import VERDICT_COLORS
    from chiapp.report import pair_report, render_report

    prediction = predict_chi(polymer, solvent, temperatures)
    page = render_report(pair_report(prediction, prediction.chain_length, load_model().manifest))
    text = re.sub(r"<script.*?</script>", "", page, flags=re.S)  # what a reader sees, not plotly.js
    for code in ("array(", "Evidence(", "ChiPrediction(", "CrystallineLimit(", "dtype=", "np.float"):
        assert code not in text, code
    assert f"border-left-color:{VERDICT_COLORS[prediction.verdicts[len(temperatures) // 2]]}" in page
    if len(prediction.evidence.chis):
        assert "measured χ" in page and "<th>T [°C]</th>" in page


_CODE = ("array(", "Evidence(", "ChiPrediction(", "CrystallineLimit(", "SeparationPlan(", "TernarySystem(",
         "AntisolventDose(", "dtype=", "np.float", "**", "`")


def _visible(page: str) -> str:
    """What a reader sees: the body without plotly.js and the figures' JSON."""
    body = page[page.index("<body>"):]
    return re.sub(r"<script.*?</script>", "", body, flags=re.S)


def test_no_report_of_any_kind_shows_code_or_markdown(tmp_path):
    """Issue 29: a report of each kind (pair, ranking, selection, plan, blend, calibration, antisolvent) reads
    as a report: no Python repr, no stray markdown."""
    import numpy as np

    from chiapp import load_model, plan_separation, predict_chi
    from chiapp.calibration import calibrate, load_calibration
    from chiapp.precipitation import antisolvent_dose
    from chiapp.ranking import rank_solvents
    from chiapp.report import pair_report, plan_report, ranking_report, selection_report, ternary_report
    from chiapp.selection import select_solvents
    from chiapp.units import kelvin

    manifest = load_model().manifest
    blend = predict_chi("PMMA", "ethanol:0.8+water:0.2", [298.15, 323.15])
    observations = [{"kind": "chi", "solvent": "toluene", "temperature_c": 25.0, "value": 0.45}]
    path = tmp_path / "pc.json"
    calibrate("PS", observations).save(path)
    calibrated = predict_chi(load_calibration(path), "toluene", [298.15, 323.15])
    reports = {
        "pair": pair_report(predict_chi("HDPE", "p-xylene", [298.15]), 1000.0, manifest),
        "blend": pair_report(blend, blend.chain_length, manifest),
        "calibration": pair_report(calibrated, calibrated.chain_length, manifest),
        "ranking": ranking_report(rank_solvents("PS", kelvin(25.0), solvents=["toluene", "water"]), 25.0, manifest),
        "selection": selection_report(select_solvents("PS", ["PE"], kelvin(np.linspace(20.0, 140.0, 13)),
                                                      solvents=["toluene", "water"]), (20.0, 140.0), manifest),
        "plan": plan_report(plan_separation(["PS", "HDPE"], (293.15, 413.15), solvents=["toluene", "methanol"]),
                            manifest),
        "antisolvent": ternary_report(antisolvent_dose("PS", "toluene", "methanol", 298.15, draws=2), manifest),
    }
    for kind, report in reports.items():
        text = _visible(render_report(report))
        for code in _CODE:
            assert code not in text, (kind, code)
    assert "Calibration" in _visible(render_report(reports["calibration"]))
    assert "χ12" in _visible(render_report(reports["blend"]))


def test_report_gives_the_band_of_another_laboratory_where_measured_chi_narrow_sigma(page):
    """PS in toluene has measured χ: the report gives another laboratory's band √(σ² + τ²), with τ and
    the held-out-laboratory coverages the manifest stores (training.sources); a pair with none (PVDF
    in NMP) says only the held-out-polymer figure."""
    from chiapp import load_model, predict_chi
    from chiapp.units import temperature_grid_k

    labs = load_model().manifest["posterior"]["held_out"]["held_out_sources"]
    sigma = predict_chi("PS", "toluene", temperature_grid_k((0.0, 150.0))).chi_std
    half_width = 2 * np.median(np.sqrt(sigma**2 + labs["source_sigma"] ** 2))
    assert half_width > 2 * np.median(sigma) + 0.1  # the consensus band is much narrower
    assert f"laboratory&#x27;s χ of this pair lies within ± {half_width:.2f}" in page
    assert f"τ = {labs['source_sigma']:.3f}" in page
    assert f"covered {labs['coverage_with_floor']:.0%} of held-out laboratories" in page
    other = render_report(pair_report_for("PVDF", "NMP", (0.0, 150.0)))
    assert "another laboratory" not in other.lower() and "held-out polymers&#x27; cases" in other


def test_blend_report_lists_its_solvents_evidence_with_their_shares():
    """A blend's answer uses its solvents' evidence by their fractions; the report says which."""
    report = pair_report_for("PVDF", "N-methyl-2-pyrrolidone:0.95+N,N-dimethylformamide:0.05", (20.0, 40.0))
    kinds = list(report.evidence["kind"])
    assert "N-methyl-2-pyrrolidone (95%): handbook label" in kinds
    assert "N,N-dimethylformamide (5%): handbook label" in kinds
    page = render_report(report)
    assert "No measured value for this pair" not in page and "counted by that share" in page
