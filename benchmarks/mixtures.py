"""Mixtures: speed of blends, the blend finder, compatibility and brainstorming; literature scores.

Run from the repo root: ``python -m benchmarks.mixtures``.

Speed is the warm time (features cached, as in the app). The scores use the literature sets of
tests/data: ROC AUC of χ_AB for 'immiscible' over polymer_blends.csv (latent space and Hansen); over
the 152 pairs of assets/evidence/blend_miscibility.csv each single estimate and their combination held
out (``blend_table_rows``); and the cosolvency cases of cosolvency.csv the blend verdict reproduces (a composition with
χ < χ_c while both pure liquids have χ ≥ χ_c; compositions 0.05-0.95 of solvent 1).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from rdkit import Chem
from sklearn.metrics import roc_auc_score

from benchmarks.table import median_seconds, print_table
from chiapp.blends import find_blends, predict_blend_chi
from chiapp.chemistry import parse_polymer
from chiapp.compatibility import brainstorm_compatibilizers, polymer_compatibility
from chiapp.flory_huggins import critical_chi
from chiapp.hansen_table import hansen_side_by_side
from chiapp.library import polymer_defaults, resolve_polymer, resolve_solvent, solvent_row
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


#: Specific-interaction groups of a repeat unit (per heavy atom): strong donors (OH, amide and urethane NH,
#: COOH), weak donors (C-H beside Cl or F: PVC, PVDF) and acceptors (C=O, ether O, pyridine N, nitrile),
#: the classes Coleman, Graf & Painter (1991) and Utracki (2014, ch. 2) give for miscible blends.
_GROUPS = {name: Chem.MolFromSmarts(smarts) for name, smarts in {
    "donor": "[$([OX2H]),$([NX3;H1,H2][CX3]=O)]", "weak_donor": "[CX4;H1,H2][Cl,F]",
    "acceptor": "[$([CX3]=O),$([OX2;H0]([#6])[#6]),$([nX2]),$(C#N)]"}.items()}


def _groups(smiles: str) -> dict[str, float]:
    mol = parse_polymer(smiles)
    return {name: len(mol.GetSubstructMatches(p)) / mol.GetNumHeavyAtoms() for name, p in _GROUPS.items()}


def blend_table_rows() -> list[tuple[str, str, str, bool | None]]:
    """ROC AUC for 'miscible' over the 152 literature pairs of assets/evidence/blend_miscibility.csv
    ('partially miscible' counts as not miscible): each single estimate (its χ_AB, lower = more miscible;
    a donor on one polymer and an acceptor on the other), and their combination by logistic regression
    (standardized latent χ_AB, log(1 + Hansen χ_AB), strong and weak donor-acceptor pairs, two donors)
    fitted without the pair (leave-one-pair-out) and without every pair that shares a polymer with it
    (leave-both-polymers-out: both polymers new). The answer itself uses the table as evidence, so it is
    right on these pairs by construction; these figures say what a pair outside the table gets."""
    import warnings

    from sklearn.linear_model import LogisticRegression

    from chiapp.resources import verified_asset

    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "blend_miscibility.csv")))
    rows = []
    for row in table.itertuples(index=False):
        a, b = resolve_polymer(row.polymer_a), resolve_polymer(row.polymer_b)
        r = polymer_compatibility(a.smiles, b.smiles, float(kelvin(row.temperature_c)))
        ga, gb = _groups(a.smiles), _groups(b.smiles)
        rows.append({"a": a.smiles, "b": b.smiles, "latent": r.chi, "hansen": r.hansen.chi,
                     "hbond": float(ga["donor"] * gb["acceptor"] + gb["donor"] * ga["acceptor"] > 0),
                     "weak": float(ga["weak_donor"] * gb["acceptor"] + gb["weak_donor"] * ga["acceptor"] > 0),
                     "two_donors": float(ga["donor"] * gb["donor"] > 0)})
    f = pd.DataFrame(rows)
    y = (table["state"] == "miscible").to_numpy(int)
    f["log_hansen"] = np.log1p(f["hansen"].fillna(f["hansen"].median()).clip(lower=0))
    x = f[["latent", "log_hansen", "hbond", "weak", "two_donors"]].to_numpy(float)

    def held_out(share_polymers: bool) -> float:
        score = np.empty(len(f))
        for i in range(len(f)):
            keep = np.arange(len(f)) != i
            if not share_polymers:
                keep &= ~(f["a"].isin([f["a"][i], f["b"][i]]) | f["b"].isin([f["a"][i], f["b"][i]])).to_numpy()
            mean, std = x[keep].mean(0), x[keep].std(0) + 1e-12  # standardized on the fitted rows only
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = LogisticRegression(max_iter=1000).fit((x[keep] - mean) / std, y[keep])
            score[i] = fit.decision_function((x[i:i + 1] - mean) / std)[0]
        return roc_auc_score(y, score)

    known = f["hansen"].notna().to_numpy()
    n = f"{len(f)} pairs, {int(y.sum())} miscible"
    one_pair, both_polymers = held_out(True), held_out(False)
    return [(f"blend table ({n}): ROC AUC of −χ_AB, latent space", f"{roc_auc_score(y, -f['latent']):.3f}",
             "reported", None),
            (f"the same, Hansen ({int(known.sum())} pairs covered)",
             f"{roc_auc_score(y[known], -f['hansen'][known]):.3f}", "reported", None),
            ("the same, a donor on one polymer and an acceptor on the other", f"{roc_auc_score(y, f['hbond']):.3f}",
             "reported", None),
            ("combined (logistic), leave-one-pair-out / leave-both-polymers-out",
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
    return [(f"cosolvency cases reproduced ({len(cases)} cases)", f"{hits}/{len(cases)}", "≥ 1", hits >= 1)]


def main() -> None:
    print_table(speed_rows(), "Mixtures: speed (warm, one process)")
    print_table(blend_auc_rows() + blend_table_rows() + cosolvency_rows(), "Mixtures: literature scores")


if __name__ == "__main__":
    main()
