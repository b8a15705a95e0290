"""Mixtures: speed of blends, the blend finder, compatibility and brainstorming; literature scores.

Run from the repo root: ``python -m benchmarks.mixtures``.

Speed is the warm time (features cached, as in the app). The scores use the literature sets of
tests/data: ROC AUC of χ_AB for 'immiscible' over polymer_blends.csv (latent space and Hansen); over
the 152 pairs of assets/evidence/blend_miscibility.csv each single estimate and their combination held
out (``blend_table_rows``); and the cosolvency cases of cosolvency.csv the blend verdict reproduces (a composition with
χ < χ_c while both pure liquids have χ ≥ χ_c; compositions 0.05-0.95 of solvent 1); the published
polymer/solvent/non-solvent facts of ternary_facts.csv against chiapp's ternary diagram (``ternary_rows``).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from benchmarks.table import median_seconds, print_table
from chiapp.blends import find_blends, predict_blend_chi
from chiapp.compatibility import brainstorm_compatibilizers, polymer_compatibility
from chiapp.errors import ChiAppError
from chiapp.flory_huggins import critical_chi
from chiapp.hansen_table import hansen_side_by_side
from chiapp.library import polymer_defaults, resolve_polymer, resolve_solvent, solvent_row
from chiapp.precipitation import antisolvent_dose, ternary_phase_diagram
from chiapp.prediction import predict_chi
from chiapp.units import kelvin

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
T_K = 298.15


def speed_rows() -> list[tuple[str, str, str, bool | None]]:
    rows = []
    cases = [
        ("predict_blend_chi, PMMA in ethanol:0.8+water:0.2",
         lambda: predict_blend_chi("PMMA", "ethanol:0.8+water:0.2", T_K), 0.1, 20),
        ("find_blends PMMA, whole library (shortlist 120)", lambda: find_blends("PMMA", T_K), 2.0, 5),
        ("find_blends PMMA, only non-solvents", lambda: find_blends("PMMA", T_K, only_nonsolvents=True), 2.0, 5),
        ("polymer_compatibility PE/PA6", lambda: polymer_compatibility("PE", "PA6", 513.15), 0.1, 20),
        ("brainstorm_compatibilizers PE/PA6", lambda: brainstorm_compatibilizers("PE", "PA6", 513.15), 5.0, 3),
        ("hansen_side_by_side PMMA, whole library", lambda: hansen_side_by_side("PMMA"), 5.0, 3),
        ("antisolvent_dose PS/toluene/methanol, 10 wt%, 16 posterior draws",
         lambda: antisolvent_dose("PS", "toluene", "methanol", T_K), 5.0, 3),
    ]
    for name, func, target, repeats in cases:
        seconds = median_seconds(func, repeats=repeats, warmup=1)
        rows.append((name, f"{seconds:.3f} s", f"< {target:g} s", seconds < target))
    return rows


def blend_auc_rows() -> list[tuple[str, str, str, bool | None]]:
    pairs = pd.read_csv(DATA / "polymer_blends.csv")
    latent, hansen = [], []
    for row in pairs.itertuples(index=False):
        r = polymer_compatibility(row.polymer_a, row.polymer_b, float(kelvin(row.temperature_c)))
        latent.append(r.chi)
        hansen.append(r.hansen.chi)
    y = 1 - pairs["miscible"].to_numpy()
    h = np.asarray(hansen)
    known = np.isfinite(h)
    return [(f"ROC AUC chi_AB latent space ({len(pairs)} pairs)", f"{roc_auc_score(y, latent):.3f}", "> 0.5", None),
            (f"ROC AUC chi_AB Hansen ({int(known.sum())} pairs covered)", f"{roc_auc_score(y[known], h[known]):.3f}",
             "> 0.5", None)]


def blend_table_rows() -> list[tuple[str, str, str, bool | None]]:
    """ROC AUC for 'miscible' over the literature pairs of assets/evidence/blend_miscibility.csv
    ('partially miscible' counts as not miscible): each single estimate (its χ_AB, lower = more miscible;
    a donor on one polymer and an acceptor on the other; the two polymers' literature records) and the
    blend classifier that combines them (``training.blend_classifier``), refitted without the pair and
    its statement (leave-one-pair-out) and without every statement on either polymer (both polymers
    new). The answer itself uses the table as evidence, so it is right on these pairs by construction;
    these figures say what a pair outside the table gets."""
    from training.blend_classifier import features, held_out_auc, table_pairs

    pairs = table_pairs()
    y = pairs["miscible"].to_numpy()
    x = features(pairs)
    known = np.isfinite(pairs["hansen"]).to_numpy()
    one_pair, both_polymers = held_out_auc(pairs), held_out_auc(pairs, both_polymers=True)
    return [(f"blend table ({len(pairs)} pairs, {int(y.sum())} miscible): ROC AUC of −χ_AB, latent space",
             f"{roc_auc_score(y, -pairs['latent']):.3f}", "reported", None),
            (f"the same, Hansen ({int(known.sum())} pairs covered)",
             f"{roc_auc_score(y[known], -pairs['hansen'][known]):.3f}", "reported", None),
            ("the same, a donor on one polymer and an acceptor on the other", f"{roc_auc_score(y, x[:, 2]):.3f}",
             "reported", None),
            ("the same, the two polymers' literature records (each without the pair's statement)",
             f"{roc_auc_score(y, x[:, 5]):.3f}", "reported", None),
            ("the blend classifier, leave-one-pair-out / leave-both-polymers-out",
             f"{one_pair:.3f} / {both_polymers:.3f}", "≥ 0.85", one_pair >= 0.85)]


def cosolvency_rows() -> list[tuple[str, str, str, bool | None]]:
    cases = pd.read_csv(DATA / "cosolvency.csv")
    phis = np.linspace(0.05, 0.95, 19)
    hits = 0
    for case in cases.itertuples(index=False):
        t = float(kelvin(case.temperature_c))
        mw, density = polymer_defaults(resolve_polymer(case.polymer), None)
        v = [float(solvent_row(resolve_solvent(s).smiles)["molar_volume_cm3_per_mol"])
             for s in (case.solvent_1, case.solvent_2)]
        pure = [predict_chi(case.polymer, s, t).chi[0] >= critical_chi(mw / density / vol)
                for s, vol in zip((case.solvent_1, case.solvent_2), v)]
        blend = [predict_blend_chi(case.polymer, {case.solvent_1: f, case.solvent_2: 1 - f}, t).chi[0]
                 < critical_chi(mw / density * (f / v[0] + (1 - f) / v[1])) for f in phis]
        hits += all(pure) and any(blend)
    verdicts = _composition_verdicts(cases)
    return [(f"cosolvency cases reproduced ({len(cases)} cases)", f"{hits}/{len(cases)}", "≥ 1", hits >= 1),
            (f"the literature's mixture at its own composition: dissolves / borderline ({len(cases)} cases; the "
             "verdict of the one answer engine, mass fractions taken as volume fractions)",
             f"{sum(verdicts == 'dissolves')} / {sum(verdicts == 'borderline')}", "reported", None)]


def _composition_verdicts(cases: pd.DataFrame) -> np.ndarray:
    return np.array([predict_blend_chi(c.polymer, {c.solvent_1: c.fraction_1, c.solvent_2: 1 - c.fraction_1},
                                       float(kelvin(c.temperature_c))).verdicts[0]
                     for c in cases.itertuples(index=False)])


#: a published critical composition is "reproduced" within this many wt% of polymer
CRITICAL_WT_TOLERANCE = 4.0
#: a cloud point that moves by less than this share of itself counts as flat, not as a growing gap
FLAT = 0.05


def _critical_polymer_wt(fact) -> tuple[str, bool]:
    try:
        d = ternary_phase_diagram(fact.polymer, fact.solvent, fact.antisolvent, float(kelvin(fact.temperature_c)))
    except ChiAppError as error:
        return f"no diagram: {error}", False
    if d.critical_point is None:
        return (f"none (χps {d.system.chi_ps:.2f} ± {d.chi_ps_std:.2f}, χpa {d.system.chi_pa:.2f}, "
                f"χsa {d.system.chi_sa:.2f})", False)
    mass = d.critical_point * [d.polymer_density_g_per_cm3, d.solvent_density_g_per_cm3,
                               d.antisolvent_density_g_per_cm3]
    wt = 100 * mass[0] / mass.sum()
    return f"{wt:.1f}", abs(wt - fact.value) <= CRITICAL_WT_TOLERANCE


def _cloud_point(fact, temperature_c: float) -> float | str:
    """The antisolvent volume fraction at the cloud point of a 10 wt% solution, or why there is none."""
    try:
        cloud = antisolvent_dose(fact.polymer, fact.solvent, fact.antisolvent, float(kelvin(temperature_c)),
                                 draws=0).cloud_point_fraction
    except ChiAppError:  # the answer says the polymer does not dissolve in the solvent (or cannot be asked)
        return "no solution"
    return "no cloud point up to 95 vol-%" if cloud is None else cloud


def ternary_rows() -> list[tuple[str, str, str, bool | None]]:
    """ternary_facts.csv: a published critical composition (within CRITICAL_WT_TOLERANCE), the
    direction of the miscibility gap with temperature (it grows when the cloud point of a 10 wt%
    solution needs at least FLAT less antisolvent, relatively, at the higher temperature), a polymer–
    antisolvent χ fitted to cloud points (within 2σ' of the answer: another laboratory's χ), and a
    cloud point whose concentration the source does not give (reported)."""
    facts = pd.read_csv(DATA / "ternary_facts.csv")
    rows = []
    for fact in facts[facts["kind"] == "critical_polymer_wt"].itertuples(index=False):
        value, met = _critical_polymer_wt(fact)
        rows.append((f"{fact.polymer}/{fact.solvent}/{fact.antisolvent} at {fact.temperature_c:g} °C: critical "
                     f"point, polymer wt% (literature ≈ {fact.value:g})", value,
                     f"± {CRITICAL_WT_TOLERANCE:g}", met))
    right, said = 0, []
    grows = facts[facts["kind"] == "gap_grows_with_temperature"]
    for fact in grows.itertuples(index=False):
        low, high = _cloud_point(fact, fact.temperature_c), _cloud_point(fact, fact.temperature_high_c)
        if isinstance(low, str) or isinstance(high, str):
            said.append(f"{fact.polymer}/{fact.solvent}: {low if isinstance(low, str) else high}")
            continue
        right += high < (1 - FLAT) * low
        said.append(f"{fact.polymer}/{fact.solvent} {100 * low:.1f} → {100 * high:.1f} %")
    rows.append((f"the miscibility gap grows from {grows['temperature_c'].min():g} to "
                 f"{grows['temperature_high_c'].max():g} °C (cloud point of a 10 wt% solution, antisolvent "
                 f"vol%: {'; '.join(said)})", f"{right}/{len(grows)}", "reported", None))
    for fact in facts[facts["kind"] == "chi_polymer_antisolvent"].itertuples(index=False):
        answer = predict_chi(fact.polymer, fact.antisolvent, float(kelvin(fact.temperature_c)))
        chi, band = float(answer.chi[0]), float(answer.laboratory_std[0])
        rows.append((f"χ of {fact.polymer} in {fact.antisolvent} at {fact.temperature_c:g} °C (fitted to cloud points: "
                     f"{fact.value:g})", f"{chi:.2f} ± {band:.2f}", "within 2σ'", abs(chi - fact.value) <= 2 * band))
    for fact in facts[facts["kind"] == "cloud_point_antisolvent_vol"].itertuples(index=False):
        cloud = _cloud_point(fact, fact.temperature_c)
        rows.append((f"{fact.polymer}/{fact.solvent}/{fact.antisolvent}: cloud point, antisolvent vol% (literature "
                     f"{fact.value:g}; concentration not given, here 10 wt% at {fact.temperature_c:g} °C)",
                     cloud if isinstance(cloud, str) else f"{100 * cloud:.1f}", "reported", None))
    return rows


def activity_rows() -> list[tuple[str, str, str, bool | None]]:
    """chiapp's COSMO-SAC (MOPAC σ-profiles) against the measured activities of assets/evidence/
    activity_nrtl.csv: ln γ∞ of each liquid in the other at 25 °C, both routes, every pair both have."""
    from chiapp.chemistry import canonical_solvent
    from chiapp.mixing import measured_ln_gammas
    from chiapp.quantum.cosmosac import infinite_dilution_ln_gamma
    from chiapp.quantum.sigma import known_profile
    from chiapp.resources import verified_asset

    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "activity_nrtl.csv")))
    water, errors, in_water = canonical_solvent("O"), [], []
    for row in table.itertuples(index=False):
        first, second = known_profile("solvent", row.key_1), known_profile("solvent", row.key_2)
        if first is None or second is None:
            continue
        measured = measured_ln_gammas(row.key_1, row.key_2, [1e-9, 1 - 1e-9], T_K)  # each dilute in the other
        computed = (infinite_dilution_ln_gamma(first, second, T_K), infinite_dilution_ln_gamma(second, first, T_K))
        pair = [float(computed[0]) - measured[0, 0], float(computed[1]) - measured[1, 1]]
        errors += pair
        if water in (row.key_1, row.key_2):
            in_water += pair
    errors_all, errors_water = np.abs(errors), np.abs(in_water)
    return [(f"COSMO-SAC ln γ∞ against DECHEMA NRTL at 25 °C ({len(errors) // 2} pairs, both directions): "
             "MAE / median", f"{errors_all.mean():.2f} / {np.median(errors_all):.2f}", "reported", None),
            (f"the same, pairs with water ({len(in_water) // 2})",
             f"{errors_water.mean():.2f} / {np.median(errors_water):.2f}", "reported", None)]


def main() -> None:
    print_table(speed_rows(), "Mixtures: speed (warm, one process)")
    print_table(blend_auc_rows() + blend_table_rows() + cosolvency_rows() + ternary_rows() + activity_rows(),
                "Mixtures: literature scores")


if __name__ == "__main__":
    main()
