"""Fit and measure the posterior of chiapp.posterior on leave-polymer-out predictions.

    python -m training.posterior --held-out lpo_chi.pkl [--write-manifest]

``--held-out`` is the experimental rows with held-out ensemble predictions (columns polymer,
solvent, temperature_k, chi, chi_pred, chi_std = raw spread, fold), as
``training.evaluate.cross_validate(..., "polymers")`` returns them (``training.train`` passes
them directly). Each outer fold's parameters are fitted on the other folds only, and the table
compares the raw ensemble, the prior alone and the posterior on every held-out row.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.descriptors import hydrogen_bond_donor, polymer_descriptors, solvent_descriptors
from chiapp.model import MANIFEST_FILE, MODEL_DIR, hansen_terms
from chiapp.posterior import (
    CHEMISTRY_CLASSES,
    QC_CLIP,
    PosteriorParameters,
    chemistry_classes,
    combine,
    prior_line,
    prior_sigmas,
)
from chiapp.quantum.chi import interpolate_rows, known_qc_nodes

TARGET_COVERAGE = 0.9
MOST_UNCERTAIN_SHARE = 0.2
#: Width of a handbook label's probit [χ units]: not fitted (the labels have no χ to fit it on);
#: about the scatter of χ measured for one pair by different laboratories.
LABEL_SIGMA = 0.1
_SPREAD_WEIGHTS = np.round(np.arange(0.5, 4.01, 0.1), 2)  # fixed before the study; 0.1-4 was worse (0.254)
#: A chemistry class's σ factor is exp(w·ln q_c), q_c its rows' 90 % quantile of |error|/(2σ), shrunk towards
#: 1 by w = n_c/(n_c + CLASS_PSEUDO_ROWS): a class of 27 rows moves about halfway. Set before the study; 10
#: and 100 were measured beside it (README, "Error bars by chemistry").
CLASS_PSEUDO_ROWS = 30.0


def with_hansen(chi: pd.DataFrame) -> pd.DataFrame:
    """Adds the three Hansen terms, whether δ is known for both molecules, and the COSMO-SAC χ of the
    row (``qc``, NaN where chiapp has no σ-profile of a molecule), as the app computes them."""
    px = {p: polymer_descriptors(p) for p in chi["polymer"].unique()}
    sx = {s: solvent_descriptors(s) for s in chi["solvent"].unique()}
    terms = np.stack([hansen_terms(px[p], sx[s]) for p, s in zip(chi["polymer"], chi["solvent"])])
    qc = np.full(len(chi), np.nan)
    for polymer, rows in chi.reset_index(drop=True).groupby("polymer").groups.items():
        solvents = chi["solvent"].to_numpy()[rows]
        nodes = known_qc_nodes(polymer, list(solvents))
        qc[rows] = interpolate_rows(nodes, chi["temperature_k"].to_numpy(float)[rows])
    classes = chemistry_classes(hydrogen_bond_donor(np.stack([px[p] for p in chi["polymer"]]), "polymer"),
                                hydrogen_bond_donor(np.stack([sx[s] for s in chi["solvent"]]), "solvent"))
    return chi.assign(h_d=terms[:, 0], h_p=terms[:, 1], h_h=terms[:, 2], known=terms.sum(axis=1) > 0, qc=qc,
                      chemistry_class=classes)


def _terms(frame: pd.DataFrame) -> np.ndarray:
    return frame[["h_d", "h_p", "h_h"]].to_numpy(float)


def _prior(frame: pd.DataFrame, params: PosteriorParameters) -> tuple[np.ndarray, np.ndarray]:
    """The prior mean and σ of each row at its own temperature, as the engine applies it: code 2 (the
    COSMO-SAC prior) where δ and χ_QC are both known and the parameters have it, 1 with δ only, else 0."""
    known = frame["known"].to_numpy(bool)
    qc = frame["qc"].to_numpy(float)
    codes = known.astype(int)
    if params.has_qc_prior:
        codes[known & np.isfinite(qc)] = 2
    c0, c1_k = prior_line(_terms(frame), codes, params)
    mean = c0 + c1_k / frame["temperature_k"].to_numpy(float)
    with_qc = codes == 2
    mean[with_qc] += params.prior_qc_slope * np.clip(qc[with_qc], *QC_CLIP)
    return mean, prior_sigmas(codes, params)


def _hansen_x(frame: pd.DataFrame) -> np.ndarray:
    probe = PosteriorParameters(0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    return _prior(frame.assign(qc=np.nan), probe)[0]


def measurement_sigma(chi: pd.DataFrame) -> float:
    """Pooled residual SD of χ = a + b/T fitted per pair with at least 4 points: the scatter a
    measured χ has about its own pair's curve (different laboratories, methods, molar masses)."""
    residuals = []
    for _, group in chi.groupby(["polymer_key", "solvent"]):
        if len(group) >= 4:
            x = np.stack([np.ones(len(group)), 1.0 / group["temperature_k"].to_numpy(float)], axis=1)
            y = group["chi"].to_numpy(float)
            coef, *_ = np.linalg.lstsq(x, y, rcond=None)
            residuals.append((y - x @ coef, len(group) - 2))
    ss = sum(float(np.sum(r**2)) for r, _ in residuals)
    dof = sum(d for _, d in residuals)
    return float(np.sqrt(ss / dof))


def fit_parameters(train: pd.DataFrame, spread_scale: float, meas_sigma: float) -> PosteriorParameters:
    """Prior by least squares on the rows with δ known (else a constant), k by the smallest MAE,
    then s for 90 % coverage at 2σ, then each chemistry class's factor on s (:func:`class_factors`)."""
    known = train["known"].to_numpy()
    x, y = _hansen_x(train), train["chi"].to_numpy(float)
    slope, intercept = np.polyfit(x[known], y[known], 1)
    resid = y[known] - (intercept + slope * x[known])
    intercept_unknown = float(np.median(y))
    qc_fields = {}
    with_qc = known & np.isfinite(train["qc"].to_numpy(float))
    if with_qc.sum() >= 50:  # the COSMO-SAC prior where both σ-profiles are known
        design = np.stack([np.ones(with_qc.sum()), x[with_qc],
                           np.clip(train["qc"].to_numpy(float)[with_qc], *QC_CLIP)], axis=1)
        coef, *_ = np.linalg.lstsq(design, y[with_qc], rcond=None)
        qc_fields = dict(prior_qc_intercept=float(coef[0]), prior_qc_slope_hansen=float(coef[1]),
                         prior_qc_slope=float(coef[2]),
                         prior_qc_sigma=float(np.sqrt(np.mean((y[with_qc] - design @ coef) ** 2))))
    params = PosteriorParameters(float(intercept), float(slope), float(np.sqrt(np.mean(resid**2))),
                                 intercept_unknown, float(np.sqrt(np.mean((y - intercept_unknown) ** 2))),
                                 1.0, 1.0, meas_sigma, LABEL_SIGMA, **qc_fields)
    prior_mean, prior_sigma = _prior(train, params)
    e_mean, e_std = train["chi_pred"].to_numpy(float), spread_scale * train["chi_std"].to_numpy(float)
    best = min(_SPREAD_WEIGHTS, key=lambda k: np.mean(np.abs(
        combine(e_mean, e_std, prior_mean, prior_sigma, _with(params, spread_weight=k))[0] - y)))
    params = _with(params, spread_weight=float(best))
    mean, sigma = combine(e_mean, e_std, prior_mean, prior_sigma, params)
    scale = float(np.quantile(np.abs(y - mean) / (2 * sigma), TARGET_COVERAGE))
    return _with(params, sigma_scale=scale,
                 class_sigma_factors=class_factors(np.abs(y - mean) / (2 * scale * sigma),
                                                   train["chemistry_class"].to_numpy()))


def class_factors(ratio: np.ndarray, classes: np.ndarray) -> tuple[float, ...]:
    """f_c = exp(w_c·ln q_c) per chemistry class: q_c the TARGET_COVERAGE quantile of |error|/(2σ) over
    the class's rows, w_c = n_c/(n_c + CLASS_PSEUDO_ROWS); 1 for a class without rows."""
    factors = []
    for code in range(len(CHEMISTRY_CLASSES)):
        rows = ratio[classes == code]
        weight = len(rows) / (len(rows) + CLASS_PSEUDO_ROWS)
        factors.append(float(np.exp(weight * np.log(np.quantile(rows, TARGET_COVERAGE)))) if len(rows) else 1.0)
    return tuple(factors)


def _with(params: PosteriorParameters, **changes) -> PosteriorParameters:
    return PosteriorParameters(**{**vars(params), **changes})


def study(chi: pd.DataFrame, spread_scale: float) -> tuple[pd.DataFrame, dict]:
    """Per outer fold, fit on the other folds and predict this one; the held-out table and metrics."""
    meas_sigma = measurement_sigma(chi)
    parts = []
    for fold, test in chi.groupby("fold"):
        params = fit_parameters(chi[chi["fold"] != fold], spread_scale, meas_sigma)
        prior_mean, prior_sigma = _prior(test, params)
        e_std = spread_scale * test["chi_std"].to_numpy(float)
        mean, sigma = combine(test["chi_pred"].to_numpy(float), e_std, prior_mean, prior_sigma, params)
        one_scale = sigma
        sigma = sigma * np.asarray(params.class_sigma_factors)[test["chemistry_class"].to_numpy()]
        constant = float(np.median(chi.loc[chi["fold"] != fold, "chi"]))
        parts.append(test.assign(ensemble_std=e_std, prior=prior_mean, prior_std=prior_sigma, posterior=mean,
                                 posterior_std=sigma, posterior_std_one_scale=one_scale, constant=constant))
    held = pd.concat(parts)
    y = held["chi"].to_numpy(float)
    uncertain = held["ensemble_std"] >= held["ensemble_std"].quantile(1 - MOST_UNCERTAIN_SHARE)

    def scores(column: str) -> dict:
        pred = held[column].to_numpy(float)
        error = np.abs(pred - y)
        return {"mae": float(np.mean(error)),
                "r2": float(1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)),
                "mae_most_uncertain_fifth": float(np.mean(error[uncertain])),
                # each new polymer counts once, however many rows it has: what a user typing one sees
                "mae_per_polymer": float(pd.Series(error).groupby(held["polymer_key"].to_numpy()).mean().mean())}

    metrics = {name: scores(column) for name, column in
               (("ensemble", "chi_pred"), ("prior", "prior"), ("posterior", "posterior"), ("constant", "constant"))}
    sub = y[uncertain.to_numpy()]
    metrics["best_constant_on_that_fifth_mae"] = float(np.mean(np.abs(sub - np.median(sub))))
    metrics["posterior_coverage_2sigma"] = float(np.mean(np.abs(held["posterior"] - y) <= 2 * held["posterior_std"]))
    covered = np.abs(held["posterior"] - y) <= 2 * held["posterior_std"]
    covered_one = np.abs(held["posterior"] - y) <= 2 * held["posterior_std_one_scale"]
    metrics["by_chemistry_class"] = [
        {"class": name, "rows": int(m.sum()), "mae": float(np.mean(np.abs(held["posterior"] - y)[m])),
         "coverage_2sigma": float(np.mean(covered[m])), "coverage_2sigma_one_scale": float(np.mean(covered_one[m]))}
        for code, name in enumerate(CHEMISTRY_CLASSES) if (m := held["chemistry_class"].to_numpy() == code).any()]
    metrics["ensemble_coverage_2sigma"] = float(np.mean(np.abs(held["chi_pred"] - y) <= 2 * held["ensemble_std"]))
    metrics["n_rows"] = int(len(held))
    metrics["n_rows_with_qc_prior"] = int((held["known"] & held["qc"].notna()).sum())
    metrics["measurement_sigma"] = meas_sigma
    return held, metrics


def posterior_entry(chi: pd.DataFrame, spread_scale: float) -> dict:
    """The manifest's "posterior": parameters fitted on every held-out row, and the study's scores."""
    from training.sources import held_out_sources

    chi = chi if "known" in chi else with_hansen(chi)
    held, metrics = study(chi, spread_scale)
    metrics["held_out_sources"] = held_out_sources(held, metrics["measurement_sigma"])
    # τ widens the band of another laboratory's χ, not the posterior's σ (README, "Other laboratories")
    params = replace(fit_parameters(chi, spread_scale, measurement_sigma(chi)),
                     laboratory_sigma=metrics["held_out_sources"]["source_sigma"])
    return {"form": "precision-weighted ensemble and a prior from Hansen chi and COSMO-SAC chi (Hansen alone "
                    "without sigma-profiles); measured chi and handbook labels as observations; "
                    "P(dissolves) = Phi((chi_c - chi)/sigma)",
            "parameters": {k: v for k, v in vars(params).items() if k != "solvation_weight"},  # its own entry
            "held_out": metrics}


def print_study(metrics: dict) -> None:
    print(f"\n### Posterior study ({metrics['n_rows']} held-out rows, 5 folds grouped by polymer)\n")
    print("| answer | MAE | R² | MAE, most uncertain fifth | MAE averaged per polymer |\n|---|---|---|---|---|")
    for name in ("ensemble", "prior", "posterior", "constant"):
        m = metrics[name]
        print(f"| {name} | {m['mae']:.3f} | {m['r2']:.3f} | {m['mae_most_uncertain_fifth']:.3f} | "
              f"{m.get('mae_per_polymer', float('nan')):.3f} |")
    print(f"| best constant on that fifth (its own median) | | | {metrics['best_constant_on_that_fifth_mae']:.3f} | |")
    print("\n| chemistry class | rows | MAE | 2σ coverage: one σ scale → with the class's factor |\n|---|---|---|---|")
    for c in metrics.get("by_chemistry_class", []):
        print(f"| {c['class']} | {c['rows']} | {c['mae']:.3f} | {c['coverage_2sigma_one_scale']:.3f} → "
              f"{c['coverage_2sigma']:.3f} |")
    print(f"2σ coverage: posterior {metrics['posterior_coverage_2sigma']:.3f}, "
          f"ensemble {metrics['ensemble_coverage_2sigma']:.3f}; measurement σ {metrics['measurement_sigma']:.3f}")
    s = metrics.get("held_out_sources")
    if s:
        print(f"\n### Held-out sources ({s['points']} points of {s['pairs']} pairs measured by two sources or more, "
              f"{s['polymers']} polymers, {s['sources']} sources; each source predicted from the others)\n")
        print("| σ shown | MAE | 2σ coverage |\n|---|---|---|")
        print(f"| without the pair's evidence | {s['mae_without_evidence']:.3f} | {s['coverage_without_evidence']:.3f} |")
        print(f"| with the other sources, σ shrunk by them | {s['mae_with_other_sources']:.3f} | "
              f"{s['coverage_shrunk_sigma']:.3f} |")
        print(f"| √(σ_shrunk² + τ²), τ = {s['source_sigma']:.3f} between sources | | {s['coverage_with_floor']:.3f} |")
        print(f"| the same, τ chosen on the other polymers | | {s['coverage_with_floor_chosen_leave_polymer_out']:.3f} |")
        print(f"| τ alone (pessimistic: a training pair, whose shipped σ is small) | | {s['coverage_floor_alone']:.3f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.posterior", description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", type=Path, required=True, help="pickled held-out experimental rows")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--write-manifest", action="store_true", help="store the result in the manifest")
    args = parser.parse_args(argv)
    manifest_path = args.model_dir / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    chi = with_hansen(pd.read_pickle(args.held_out))
    entry = posterior_entry(chi, float(manifest["calibration"]["spread_scale"]))
    print_study(entry["held_out"])
    print(json.dumps(entry["parameters"], indent=1))
    if args.write_manifest:
        manifest["posterior"] = entry
        manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote the posterior into {manifest_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
