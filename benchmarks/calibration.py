"""Few-shot calibration of held-out polymers: does a handful of the user's own results help?

    python -m benchmarks.calibration            # trains the fold models once (cached under /tmp)

Protocol (issue 14). Five folds grouped by polymer (``training.evaluate.leave_polymer_out_folds``):
each fold's ensemble is trained without its polymers (every task), in the shipped configuration
(``benchmarks.calibration_folds`` says how). Its σ is the members' spread
times a spread scale fitted as ``training.train.calibrate`` does, on the uncalibrated (k = 0)
held-out predictions of the *other* folds (90 % of |error| within 2σ).

- χ: for each held-out polymer with more than k measured χ rows, reveal k rows at random
  (k = 0, 1, 3, 5, 10; N_REPEATS draws) as ``chi`` observations, predict the other rows. MAE
  (mean over polymers and draws of the per-polymer MAE), compared with the MAE of the
  uncalibrated model (k = 0) on the same rows, and the share of rows within 2σ (mean per polymer).
  Alternative: a per-polymer offset, χ_prior + mean(revealed residuals) (σ unchanged).
- Solvent tests: for each held-out polymer with more than k PolySol labels, reveal k labels as
  ``dissolves`` observations at 25 °C (PolySol is a room-temperature compilation; M_n is not
  given, so chiapp's default), and score the rest: ROC AUC pooled over polymers of (a) the
  soluble head's probability and (b) χ_c - χ after calibration. Alternative: a Hansen sphere
  fitted to the same labels (HSPiP's method: a centre δ and radius R0 with the good solvents
  inside, Ra = sqrt(4ΔδD² + ΔδP² + ΔδH²); here a smooth version, a logistic loss on R0 - Ra
  with a weak prior at the polymer's group-contribution δ and R0 = 8 MPa^½), scored by R0 - Ra.
- The floor: each of up to LOO_ROWS rows of a polymer with more than 5 rows predicted from all its
  other rows (leave one out), and the polymers that k = 5 leaves worse than k = 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.calibration_folds import N_MEMBERS, N_STEPS, fold_models
from chiapp.calibration import calibrate
from chiapp.descriptors import (
    POLYMER_DESCRIPTOR_NAMES,
    SOLVENT_DESCRIPTOR_NAMES,
    polymer_descriptors,
    solvent_descriptors,
)
from chiapp.errors import ChiAppError
from chiapp.flory_huggins import critical_chi
from chiapp.library import chain_length_for, resolve_polymer, resolve_solvent

KS = (0, 1, 3, 5, 10)
K_MAX = max(KS)
N_REPEATS = 10
LOO_ROWS = 15      # rows left out one at a time per polymer in the leave-one-out floor
SEED = 0
TEST_TEMPERATURE_K = 298.15
_HANSEN = ("hansen_delta_d", "hansen_delta_p", "hansen_delta_h")
_P_H = [POLYMER_DESCRIPTOR_NAMES.index(n) for n in _HANSEN]
_S_H = [SOLVENT_DESCRIPTOR_NAMES.index(n) for n in _HANSEN]
_P_KNOWN, _S_KNOWN = POLYMER_DESCRIPTOR_NAMES.index("hansen_known"), SOLVENT_DESCRIPTOR_NAMES.index("hansen_known")
HANSEN_RADIUS_PRIOR = 8.0      # MPa^0.5, a typical sphere radius
HANSEN_PRIOR_WIDTH = 3.0       # MPa^0.5, on the centre and the radius
HANSEN_SOFTNESS = 1.0          # MPa^0.5, the logistic scale of R0 - Ra


def _rows(model, polymer, frame: pd.DataFrame):
    """The answer engine's rows (solvent, temperature_k) for a polymer input on a fold's ensemble,
    with the shipped posterior's parameters (fitted on the shipped configuration's leave-polymer-out
    predictions) and without the open data's evidence (these polymers are held out)."""
    from chiapp.answer import answer_rows
    from chiapp.features import polymer_features, solvent_features
    from chiapp.model import load_model

    model.manifest.setdefault("posterior", load_model().manifest["posterior"])
    solvents = {s: solvent_features(s, model=model) for s in dict.fromkeys(frame["solvent"])}
    index = {s: i for i, s in enumerate(solvents)}
    return answer_rows([polymer_features(polymer, model=model)], list(solvents.values()), np.zeros(len(frame), int),
                       [index[s] for s in frame["solvent"]], frame["temperature_k"].to_numpy(float), model=model,
                       evidence=False)


def _predict(model, polymer, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ensemble's χ, σ and soluble probability of rows (solvent, temperature_k) for a polymer input."""
    rows = _rows(model, polymer, frame)
    return rows.ensemble_chi, rows.ensemble_chi_std, rows.classifier_probability


def _answer(model, polymer, smiles: str, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """χ and σ chiapp answers (the posterior) for rows (solvent, temperature_k)."""
    rows = _rows(model, polymer, frame)
    return rows.chi, rows.chi_std


def chi_protocol(data, folds, models, rng) -> pd.DataFrame:
    rows = []
    for fold, (keys, model) in enumerate(zip(folds, models)):
        experimental = data.experimental[data.experimental["polymer_key"].isin(keys)]
        for key, group in experimental.groupby("polymer_key"):
            if len(group) < 2:
                continue
            smiles = group["polymer"].iloc[0]
            prior_mean, prior_std, _ = _predict(model, smiles, group)
            answer0, _ = _answer(model, smiles, smiles, group)
            for repeat in range(N_REPEATS):
                order = rng.permutation(len(group))
                for k in (k for k in KS if k < len(group)):
                    shown, rest = order[:k], order[k:]
                    observations = pd.DataFrame({
                        "kind": "chi", "solvent": group["solvent"].to_numpy()[shown],
                        "temperature_k": group["temperature_k"].to_numpy()[shown],
                        "value": group["chi"].to_numpy()[shown]})
                    calibrated = calibrate(smiles, observations, model=model)
                    mean, std, _ = _predict(model, calibrated, group.iloc[rest])
                    one = calibrate(smiles, observations, model=model, n_directions=1)
                    mean_one, std_one, _ = _predict(model, one, group.iloc[rest])
                    answer, answer_std = _answer(model, calibrated, smiles, group.iloc[rest])
                    truth = group["chi"].to_numpy()[rest]
                    offset = (group["chi"].to_numpy()[shown] - prior_mean[shown]).mean() if k else 0.0
                    rows.append({"fold": fold, "polymer": key, "repeat": repeat, "k": k,
                                 "mae": np.abs(mean - truth).mean(),
                                 "covered": (np.abs(mean - truth) <= 2 * std).mean(),
                                 "mae_prior": np.abs(prior_mean[rest] - truth).mean(),
                                 "mae_one": np.abs(mean_one - truth).mean(),
                                 "covered_one": (np.abs(mean_one - truth) <= 2 * std_one).mean(),
                                 "mae_offset": np.abs(prior_mean[rest] + offset - truth).mean(),
                                 "covered_offset": (np.abs(prior_mean[rest] + offset - truth)
                                                    <= 2 * prior_std[rest]).mean(),
                                 "mae_answer": np.abs(answer - truth).mean(),
                                 "mae_answer_prior": np.abs(answer0[rest] - truth).mean(),
                                 "covered_answer": (np.abs(answer - truth) <= 2 * answer_std).mean(),
                                 "sigma": std.mean(), "n_rest": len(rest)})
    return pd.DataFrame(rows)


def leave_one_out(data, folds, models, rng, min_rows: int = 6) -> pd.DataFrame:
    """The floor of the few-shot curve: each of up to LOO_ROWS rows of a held-out polymer predicted
    from all its other rows (k = n - 1), latent update and per-polymer offset."""
    rows = []
    for keys, model in zip(folds, models):
        experimental = data.experimental[data.experimental["polymer_key"].isin(keys)]
        for key, group in experimental.groupby("polymer_key"):
            if len(group) < min_rows:
                continue
            smiles, chi = group["polymer"].iloc[0], group["chi"].to_numpy()
            prior_mean, _, _ = _predict(model, smiles, group)
            for i in rng.permutation(len(group))[:LOO_ROWS]:
                shown = np.delete(np.arange(len(group)), i)
                observations = pd.DataFrame({
                    "kind": "chi", "solvent": group["solvent"].to_numpy()[shown],
                    "temperature_k": group["temperature_k"].to_numpy()[shown], "value": chi[shown]})
                mean, _, _ = _predict(model, calibrate(smiles, observations, model=model), group.iloc[[i]])
                offset = (chi[shown] - prior_mean[shown]).mean()
                rows.append({"polymer": key, "mae": abs(mean[0] - chi[i]), "mae_prior": abs(prior_mean[i] - chi[i]),
                             "mae_offset": abs(prior_mean[i] + offset - chi[i])})
    return pd.DataFrame(rows).groupby("polymer").mean()


def fit_hansen_sphere(delta: np.ndarray, labels: np.ndarray, centre0: np.ndarray) -> tuple[np.ndarray, float]:
    """(centre δ [MPa^½], R0) with good solvents (1) inside and bad ones (0) outside (soft)."""
    from scipy.optimize import minimize

    start = np.concatenate([centre0, [HANSEN_RADIUS_PRIOR]])
    weights = np.array([2.0, 1.0, 1.0])  # Ra² = 4ΔδD² + ΔδP² + ΔδH²

    def loss(theta):
        ra = np.sqrt(np.sum((weights * (delta - theta[:3])) ** 2, axis=1) + 1e-12)
        s = (theta[3] - ra) / HANSEN_SOFTNESS * np.where(labels == 1, 1.0, -1.0)
        return np.sum(np.logaddexp(0.0, -s)) + 0.5 * np.sum(((theta - start) / HANSEN_PRIOR_WIDTH) ** 2)

    theta = minimize(loss, start, method="L-BFGS-B").x if len(labels) else start
    return theta[:3], float(theta[3])


def _hansen_score(delta: np.ndarray, centre: np.ndarray, radius: float) -> np.ndarray:
    ra = np.sqrt(np.sum((np.array([2.0, 1.0, 1.0]) * (delta - centre)) ** 2, axis=1))
    return radius - ra


def label_protocol(data, folds, models, rng) -> pd.DataFrame:
    rows = []
    for fold, (keys, model) in enumerate(zip(folds, models)):
        soluble = data.soluble[data.soluble["polymer_key"].isin(keys)]
        for key, group in soluble.groupby("polymer_key"):
            group = group.drop_duplicates("solvent")
            if len(group) < 2:
                continue
            smiles = group["polymer"].iloc[0]
            try:
                molecule = resolve_polymer(smiles)
                chi_c = np.array([critical_chi(chain_length_for(molecule, resolve_solvent(s)))
                                  for s in group["solvent"]])
            except ChiAppError:
                continue
            frame = group.assign(temperature_k=TEST_TEMPERATURE_K)
            xp = polymer_descriptors(smiles)
            delta = np.stack([solvent_descriptors(s)[_S_H] for s in group["solvent"]])
            known = np.array([solvent_descriptors(s)[_S_KNOWN] > 0 for s in group["solvent"]])
            fallback = delta[known].mean(0) if known.any() else np.array([18.0, 5.0, 5.0])
            centre0 = xp[_P_H] if xp[_P_KNOWN] > 0 else fallback
            labels_all = group["soluble"].to_numpy(int)
            prior_mean, _, prior_probability = _predict(model, smiles, frame)
            for repeat in range(N_REPEATS):
                order = rng.permutation(len(group))
                for k in (k for k in KS if k < len(group)):
                    shown, rest = order[:k], order[k:]
                    observations = pd.DataFrame({
                        "kind": "dissolves", "solvent": group["solvent"].to_numpy()[shown],
                        "temperature_k": TEST_TEMPERATURE_K, "value": labels_all[shown].astype(float)})
                    calibrated = calibrate(smiles, observations, model=model)
                    mean, _, probability = _predict(model, calibrated, frame.iloc[rest])
                    answer, _ = _answer(model, calibrated, smiles, frame.iloc[rest])
                    fit = known[shown]
                    centre, radius = fit_hansen_sphere(delta[shown][fit], labels_all[shown][fit], centre0)
                    hansen = np.where(known[rest], _hansen_score(delta[rest], centre, radius), np.nan)
                    for j, i in enumerate(rest):
                        rows.append({"fold": fold, "polymer": key, "repeat": repeat, "k": k,
                                     "soluble": labels_all[i], "head": probability[j],
                                     "head_prior": prior_probability[i], "margin_prior": chi_c[i] - prior_mean[i],
                                     "margin": chi_c[i] - mean[j], "margin_answer": chi_c[i] - answer[j],
                                     "hansen": hansen[j]})
    return pd.DataFrame(rows)


def _cross_fitted_scales(data, folds, models, coverage: float = 0.9) -> list[float]:
    """Per fold, the s with P(|err| <= 2 s σ_raw) = coverage on the other folds' held-out χ rows."""
    from training.evaluate import predict_rows

    ratios = []
    for keys, model in zip(folds, models):
        rows = data.experimental[data.experimental["polymer_key"].isin(keys)]
        mean, std, _ = predict_rows(model, rows)
        ratios.append(np.abs(rows["chi"].to_numpy() - mean) / (2 * std))
    return [float(np.quantile(np.concatenate([r for j, r in enumerate(ratios) if j != i] or [ratios[i]]), coverage))
            for i in range(len(ratios))]


def _auc(frame: pd.DataFrame, column: str) -> float:
    from sklearn.metrics import roc_auc_score

    frame = frame[np.isfinite(frame[column])]
    return float(roc_auc_score(frame["soluble"], frame[column]))


def main(argv: list[str] | None = None) -> int:
    import argparse

    from benchmarks.calibration_folds import load_cached
    from benchmarks.table import print_table
    from training.data import load_training_data
    from training.evaluate import leave_polymer_out_folds

    parser = argparse.ArgumentParser(prog="python -m benchmarks.calibration", description=__doc__.split("\n")[0])
    parser.add_argument("--cached-only", action="store_true",
                        help="use only the fold models already trained (say which in the output)")
    args = parser.parse_args(argv)
    data = load_training_data()
    if args.cached_only:
        pairs = [(keys, load_cached(k)) for k, keys in enumerate(leave_polymer_out_folds(data))]
        used = [k for k, (_, m) in enumerate(pairs) if m is not None]
        folds, models = [pairs[k][0] for k in used], [pairs[k][1] for k in used]
        print(f"folds used: {used} of 0-4 (the others are not trained yet)")
    else:
        folds, models = fold_models(data)
    for model, scale in zip(models, _cross_fitted_scales(data, folds, models)):
        model.spread_scale = scale
    print("spread scale per fold (fitted on the other folds): " +
          ", ".join(f"{m.spread_scale:.2f}" for m in models))
    rng = np.random.default_rng(SEED)
    chi = chi_protocol(data, folds, models, rng)
    labels = label_protocol(data, folds, models, rng)
    floor = leave_one_out(data, folds, models, rng)

    per_k = chi.groupby("k").mean(numeric_only=True)
    print(f"\n{N_MEMBERS} members and {N_STEPS} steps per fold, {N_REPEATS} draws per polymer and k; "
          "χ: polymers with > k rows, "
          "MAE at k=0 on the same rows beside it; labels: AUC pooled over the unrevealed rows\n")
    print("| k | polymers (χ) | χ MAE latent | χ MAE k=0, same rows | ratio | χ MAE latent, 1 direction | "
          "χ MAE offset | 2σ cov. latent | 2σ cov. 1 direction | 2σ cov. offset | mean σ | polymers (labels) | "
          "AUC head | AUC head k=0, same rows | AUC χc−χ | AUC χc−χ k=0, same rows | AUC Hansen sphere | "
          "AUC head, rows with δ | answer: χ MAE | answer: χ MAE k=0 | answer: ratio | answer: 2σ cov. | "
          "answer: AUC χc−χ |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k in KS:
        row = per_k.loc[k]
        lab = labels[labels["k"] == k]
        with_delta = lab[np.isfinite(lab["hansen"])]
        print(f"| {k} | {chi[chi['k'] == k]['polymer'].nunique()} | {row['mae']:.3f} | {row['mae_prior']:.3f} | "
              f"{row['mae'] / row['mae_prior']:.2f} | {row['mae_one']:.3f} | {row['mae_offset']:.3f} | "
              f"{row['covered']:.3f} | {row['covered_one']:.3f} | {row['covered_offset']:.3f} | {row['sigma']:.3f} | "
              f"{lab['polymer'].nunique()} | "
              f"{_auc(lab, 'head'):.3f} | {_auc(lab, 'head_prior'):.3f} | "
              f"{_auc(lab, 'margin'):.3f} | {_auc(lab, 'margin_prior'):.3f} | "
              f"{_auc(with_delta, 'hansen'):.3f} | {_auc(with_delta, 'head'):.3f} | "
              f"{row['mae_answer']:.3f} | {row['mae_answer_prior']:.3f} | "
              f"{row['mae_answer'] / row['mae_answer_prior']:.2f} | {row['covered_answer']:.3f} | "
              f"{_auc(lab, 'margin_answer'):.3f} |")
    mean = floor.mean()
    print(f"\nLeave one out (every other row of the polymer revealed; {len(floor)} polymers with > 5 rows, up to "
          f"{LOO_ROWS} rows each): χ MAE latent {mean['mae']:.3f}, k=0 {mean['mae_prior']:.3f}, ratio "
          f"{mean['mae'] / mean['mae_prior']:.2f}; per-polymer offset {mean['mae_offset']:.3f}")
    k5 = chi[chi["k"] == 5].groupby("polymer").mean(numeric_only=True)
    worse = k5[k5["mae"] > k5["mae_prior"]].sort_values("mae_prior")
    print(f"\nk=5, per polymer: median ratio {(k5['mae'] / k5['mae_prior']).median():.2f}; "
          f"{len(worse)} of {len(k5)} polymers end worse than k=0:")
    print("| polymer | measured rows | χ MAE k=0 | χ MAE latent | χ MAE offset |\n|---|---|---|---|---|")
    for key, row in worse.iterrows():
        n_rows = int((data.experimental["polymer_key"] == key).sum())
        print(f"| `{data.experimental.loc[data.experimental['polymer_key'] == key, 'polymer'].iloc[0]}` | {n_rows} | "
              f"{row['mae_prior']:.3f} | {row['mae']:.3f} | {row['mae_offset']:.3f} |")
    at5 = per_k.loc[5]
    lab5 = labels[labels["k"] == 5]
    print_table([
        ("χ MAE at k=5 / k=0 on the same rows (latent update)", f"{at5['mae'] / at5['mae_prior']:.2f}", "≤ 0.60",
         bool(at5["mae"] / at5["mae_prior"] <= 0.6)),
        ("2σ coverage at k=5 (latent update)", f"{at5['covered']:.3f}", "0.85–0.95",
         bool(0.85 <= at5["covered"] <= 0.95)),
        ("χ MAE at k=5: latent vs per-polymer offset", f"{at5['mae']:.3f} vs {at5['mae_offset']:.3f}", "latent lower",
         bool(at5["mae"] < at5["mae_offset"])),
        ("the answer (posterior on the calibrated ensemble): χ MAE at k=5 / k=0, same rows",
         f"{at5['mae_answer']:.3f} / {at5['mae_answer_prior']:.3f} = {at5['mae_answer'] / at5['mae_answer_prior']:.2f}",
         "≤ 0.60", bool(at5["mae_answer"] / at5["mae_answer_prior"] <= 0.6)),
        ("the answer: 2σ coverage at k=5", f"{at5['covered_answer']:.3f}", "0.85–0.95",
         bool(0.85 <= at5["covered_answer"] <= 0.95)),
        ("solvent tests, k=5: AUC of the answer's χc − χ vs a Hansen sphere fitted to the same labels",
         f"{_auc(lab5, 'margin_answer'):.3f} vs {_auc(lab5[np.isfinite(lab5['hansen'])], 'hansen'):.3f}",
         "answer higher", bool(_auc(lab5, "margin_answer") > _auc(lab5[np.isfinite(lab5["hansen"])], "hansen"))),
    ], title="Targets (issue 14)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
