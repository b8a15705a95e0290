"""Two or three terms for a pair's measured χ(T)? ``python -m training.chi_terms --held-out lpo.pkl``

The engine's answer for a pair with measured χ corrects the posterior curve by δa + δb·x (x = T_ref/T − 1,
the two-term form χ = a + b/T) with a Gaussian prior σ0 on each (``chiapp.posterior``). The third term
δc·x² (χ = a + b/T + c/T², Aoki et al. 2023) can bend the curve; whether the open data support it is
decided here by grouped validation, on the leave-polymer-out predictions (``training.evaluate``: each
polymer's rows predicted by a model that never saw that polymer) and the held-out posterior
(``training.posterior.study``):

- each pair with at least MIN_POINTS temperatures: one point held out at a time (interpolation), and
  its lowest and highest temperature held out (extrapolation: where a user asks beyond the data);
- the correction fitted on the pair's other points with δc ~ N(0, (f·σ0)²), f on a grid (f = 0 is
  the two-term form), σ_meas the measurement noise of ``training.posterior.measurement_sigma``;
- f chosen on the other polymers' pairs (leave-polymer-out), the held-out polymer scored with it.

Prints MAE and 2σ coverage (σ of the prediction and σ_meas) of the posterior without the pair's
evidence, the two-term and the three-term corrections; ``--json`` writes them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.units import REFERENCE_TEMPERATURE_K

#: A pair needs this many distinct temperatures to have a point held out and still fit three terms.
MIN_POINTS = 4
#: Width of δc's prior in units of σ0 (0: the two-term form).
CURVATURE_WIDTHS = (0.0, 0.25, 0.5, 1.0, 2.0)


def _correction(x_fit, r_fit, sigma0: float, sigma_meas: float, width: float):
    """Posterior mean and covariance of (δa, δb, δc) from residuals at x (Bayesian linear regression);
    width 0 drops δc (the two-term form)."""
    n_terms = 3 if width > 0 else 2
    basis = np.stack([np.ones_like(x_fit), x_fit, x_fit**2], axis=1)[:, :n_terms]
    prior = np.full(n_terms, 1.0 / max(sigma0, 1e-6) ** 2)
    if n_terms == 3:
        prior[2] = 1.0 / max(width * sigma0, 1e-6) ** 2
    covariance = np.linalg.inv(np.diag(prior) + basis.T @ basis / sigma_meas**2)
    return covariance @ basis.T @ r_fit / sigma_meas**2, covariance


def held_out_points(held: pd.DataFrame, sigma_meas: float, widths=CURVATURE_WIDTHS) -> pd.DataFrame:
    """One row per held-out point (``kind`` interpolation or extrapolation) with the prediction error
    and σ of each width: columns ``error_<f>`` and ``sigma_<f>``, and ``error_none`` (no evidence)."""
    rows = []
    for (polymer, solvent), pair in held.groupby(["polymer_key", "solvent"]):
        pair = pair.sort_values("temperature_k")
        if pair["temperature_k"].nunique() < MIN_POINTS:
            continue
        x = REFERENCE_TEMPERATURE_K / pair["temperature_k"].to_numpy(float) - 1.0
        residual = (pair["chi"] - pair["posterior"]).to_numpy(float)
        sigma0 = float(pair["posterior_std"].mean())
        tests = [(j, "interpolation") for j in range(1, len(pair) - 1)] + [(0, "extrapolation"),
                                                                          (len(pair) - 1, "extrapolation")]
        for j, kind in tests:
            keep = np.arange(len(pair)) != j
            row = {"polymer_key": polymer, "solvent": solvent, "kind": kind, "error_none": residual[j],
                   "sigma_none": float(np.hypot(pair["posterior_std"].iloc[j], sigma_meas))}
            basis_j = np.array([1.0, x[j], x[j] ** 2])
            for width in widths:
                delta, covariance = _correction(x[keep], residual[keep], sigma0, sigma_meas, width)
                b = basis_j[:len(delta)]
                row[f"error_{width}"] = residual[j] - float(b @ delta)
                row[f"sigma_{width}"] = float(np.sqrt(b @ covariance @ b + sigma_meas**2))
            rows.append(row)
    return pd.DataFrame(rows)


def choose_width(points: pd.DataFrame, widths=CURVATURE_WIDTHS) -> float:
    """The width with the smallest mean absolute error (the two-term form on a tie)."""
    return min(widths, key=lambda w: (float(np.mean(np.abs(points[f"error_{w}"]))), w))


def grouped_choice(points: pd.DataFrame, widths=CURVATURE_WIDTHS) -> tuple[np.ndarray, dict[str, float]]:
    """Each polymer's points scored with the width chosen on the other polymers' points."""
    error = np.zeros(len(points))
    sigma = np.zeros(len(points))
    chosen = {}
    for polymer, rows in points.groupby("polymer_key").groups.items():
        held = points.index.isin(rows)
        width = choose_width(points[~held], widths)
        chosen[str(polymer)] = width
        error[held] = points.loc[held, f"error_{width}"]
        sigma[held] = points.loc[held, f"sigma_{width}"]
    return np.stack([error, sigma]), chosen


def study(held: pd.DataFrame, sigma_meas: float) -> dict:
    points = held_out_points(held, sigma_meas)
    out: dict = {"pairs": int(points.groupby(["polymer_key", "solvent"]).ngroups),
                 "polymers": int(points["polymer_key"].nunique()), "measurement_sigma": sigma_meas,
                 "chosen_on_all": choose_width(points)}
    for kind in ("interpolation", "extrapolation"):
        part = points[points["kind"] == kind].reset_index(drop=True)
        scores = {}
        for name in ["none", *CURVATURE_WIDTHS]:
            error, sigma = part[f"error_{name}"].to_numpy(), part[f"sigma_{name}"].to_numpy()
            scores[str(name)] = {"mae": float(np.mean(np.abs(error))),
                                 "coverage_2sigma": float(np.mean(np.abs(error) <= 2 * sigma))}
        (error, sigma), chosen = grouped_choice(part)
        scores["grouped"] = {"mae": float(np.mean(np.abs(error))),
                             "coverage_2sigma": float(np.mean(np.abs(error) <= 2 * sigma)),
                             "three_terms_chosen_for": int(sum(w > 0 for w in chosen.values())),
                             "of_polymers": len(chosen)}
        out[kind] = {"points": int(len(part)), "scores": scores}
    return out


def held_out_posterior(path: Path) -> tuple[pd.DataFrame, float]:
    """The leave-polymer-out rows with the held-out posterior (no evidence) and σ_meas; the rows are
    computed (``training.evaluate.cross_validate``, ~10 min on one core) and saved at ``path`` if absent."""
    from chiapp.model import MANIFEST_FILE, MODEL_DIR
    from training.posterior import measurement_sigma, with_hansen
    from training.posterior import study as posterior_study

    if not path.exists():
        from training.data import load_training_data
        from training.evaluate import cross_validate
        from training.fit import Config
        from training.qc_task import build_auxiliary

        config = Config()
        data = load_training_data()
        cross_validate(data, build_auxiliary(data, config), config, "polymers").chi.to_pickle(path)
    chi = with_hansen(pd.read_pickle(path))
    manifest = json.loads((MODEL_DIR / MANIFEST_FILE).read_text())
    held, _ = posterior_study(chi, float(manifest["calibration"]["spread_scale"]))
    return held, measurement_sigma(chi)


def print_study(result: dict) -> None:
    print(f"{result['pairs']} pairs of {result['polymers']} polymers with ≥ {MIN_POINTS} temperatures; "
          f"σ_meas {result['measurement_sigma']:.3f}; width chosen on all points: {result['chosen_on_all']}")
    print("| held out | points | no evidence | two terms | three terms, δc width 0.25 / 0.5 / 1 / 2 σ0 | "
          "width chosen leave-polymer-out |")
    print("|---|---|---|---|---|---|")
    for kind in ("interpolation", "extrapolation"):
        s = result[kind]["scores"]
        cell = lambda name: f"{s[name]['mae']:.3f} ({s[name]['coverage_2sigma']:.2f})"  # noqa: E731
        three = " / ".join(cell(str(w)) for w in CURVATURE_WIDTHS[1:])
        g = s["grouped"]
        print(f"| {kind} | {result[kind]['points']} | {cell('none')} | {cell('0.0')} | {three} | "
              f"{cell('grouped')}, three terms for {g['three_terms_chosen_for']} of {g['of_polymers']} |")
    print("MAE (2σ coverage of the prediction with σ_meas)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.chi_terms", description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", type=Path, required=True,
                        help="pickled leave-polymer-out rows (computed and saved there if absent)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    held, sigma_meas = held_out_posterior(args.held_out)
    result = study(held, sigma_meas)
    print_study(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
