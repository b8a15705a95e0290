"""Plain helpers behind the app pages: markdown escaping, the Hansen join, the blend chain length and
the figures of the separation page, with the real model."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from chiapp import plots
from chiapp.blends import blend_chain_length, parse_blend
from chiapp.errors import InputError
from chiapp.hansen_table import JOINED_COLUMNS, join_hansen
from chiapp.library import chain_length_for, resolve_polymer, resolve_solvent, solvent_molar_volume
from chiapp.prediction import predict_chi


def test_md_leaves_no_markdown_character_unescaped():
    from chiapp.ui.views import md

    text = "*CC(*)c1ccccc1 <b>x</b> $a$ _b_ [link](http://x) `code` # h"
    escaped = md(text)
    assert not re.search(r"[*_`\[\]()<>$#\\]", re.sub(r"\\.", "", escaped))  # every special one escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # and nothing else changed


def test_join_hansen_keeps_rows_and_order_and_adds_the_columns():
    table = pd.DataFrame({"name": ["b", "a", "c"], "smiles": ["CCO", "O", "CCCC"]}, index=[5, 3, 9])
    hansen = pd.DataFrame({"smiles": ["O", "CCO"], **{c: [1.0, 2.0] for c in JOINED_COLUMNS}})
    joined = join_hansen(table, hansen)
    assert list(joined.index) == [5, 3, 9] and list(joined["name"]) == ["b", "a", "c"]
    assert list(joined["ra_mpa05"].iloc[:2]) == [2.0, 1.0] and np.isnan(joined["ra_mpa05"].iloc[2])
    with pytest.raises(InputError):
        join_hansen(table.drop(columns="smiles"), hansen)


def test_blend_chain_length_scales_with_the_blend_molar_volume():
    # N V = M_n/ρ for every solvent: N_blend V_blend = N_toluene V_toluene, V_blend = 1/Σ(φ/V)
    blend = parse_blend("toluene:0.5+ethylbenzene:0.5")
    polymer = resolve_polymer("polystyrene")
    n_toluene = chain_length_for(polymer, resolve_solvent("toluene"))
    v_toluene, _ = solvent_molar_volume(resolve_solvent("toluene").smiles)
    v_ethylbenzene, _ = solvent_molar_volume(resolve_solvent("ethylbenzene").smiles)
    v_blend = 1.0 / (0.5 / v_toluene + 0.5 / v_ethylbenzene)
    assert blend_chain_length("polystyrene", blend) * v_blend == pytest.approx(n_toluene * v_toluene, rel=1e-9)


def test_chi_margins_figure_draws_chi_minus_its_limit_with_one_zero_line():
    temperatures_k = np.linspace(300.0, 400.0, 6)
    curves = {name: predict_chi(name, "toluene", temperatures_k) for name in ("polystyrene", "LDPE")}
    figure = plots.chi_margins_figure(curves, highlight="polystyrene")
    main = [t for t in figure.data if t.showlegend is not False]
    assert len(main) == 2 and len(figure.layout.shapes) == 1 and figure.layout.shapes[0].y0 == 0
    for trace, result in zip(main, curves.values()):
        np.testing.assert_allclose(trace.y, np.asarray(result.chi) - np.asarray(result.chi_limit))


def test_separation_figure_has_a_box_per_step_and_the_residue():
    from chiapp.separation import ALTERNATIVE_COLUMNS, STEP_COLUMNS, SeparationPlan

    step = dict.fromkeys(STEP_COLUMNS, "")
    step.update(step=1, dissolves="polystyrene", solvent="toluene", window_low_c=20.0, window_high_c=100.0,
                needs_pressure=False, recovery="cooling", undissolved="polyethylene")
    plan = SeparationPlan(("polystyrene", "polyethylene"), (293.15, 373.15), pd.DataFrame([step]),
                          pd.DataFrame(columns=list(ALTERNATIVE_COLUMNS)), "polyethylene", ())
    texts = [a.text for a in plots.separation_figure(plan).layout.annotations]
    assert any("step 1" in t and "toluene, 20–100 °C" in t for t in texts)
    assert any("polystyrene dissolves" in t for t in texts)
    assert any(t.startswith("<b>polyethylene</b>") for t in texts)
