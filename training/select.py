"""Choose the hyperparameters by cross-validation grouped by polymer, nested so that no test
polymer takes part in the choice: ``python -m training.select``.

  outer loop   the five leave-polymer-out folds of training.evaluate;
  inner loop   on the outer fold's training polymers only, every candidate is scored by a
               3-fold CV grouped by polymer (experimental χ MAE of the held-out polymers);
               the winner is refit on the outer training set and scored on the outer test
               polymers, which took no part in choosing it.

The outer scores estimate how well "choose by grouped CV, then fit" does on new polymers. The
choice that ships is made the same way once more on all polymers (5-fold grouped CV), and
``training.fit.Config`` holds it; a test checks that Config matches the recorded choice.
Inner fits use ``INNER_MEMBERS`` members instead of 10 (they rank candidates; 5 cost half).
Runs two fits at a time, one core each; about 16 min on 2 cores. Writes training/selection.json.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd

from training.data import DEFAULT_DATA_DIR, load_training_data
from training.evaluate import FoldPredictions, held_out_predictions, leave_polymer_out_folds, r2, soluble_auc
from training.fit import Config
from training.hansen_task import build_hansen

SELECTION_FILE = Path(__file__).with_name("selection.json")
INNER_FOLDS = 3
INNER_MEMBERS = 5

#: The candidates, named. "no_physics" is the ablation the issue asks for: no group-contribution
#: Hansen δ or molar volume among the inputs, no Hansen task, no Hansen terms in z.
CANDIDATES: dict[str, dict] = {
    "no_physics": {"hansen_inputs": False, "weight_hansen": 0.0},
    "start": {},
    "hansen_z": {"hansen_z": True},
    "hansen_z_no_bootstrap": {"hansen_z": True, "bootstrap": False},
}
START = Config(hansen_z=False)


def candidate_config(name: str, **changes) -> Config:
    return replace(START, **CANDIDATES[name], **changes)


_STATE: dict = {}


def _init(data_dir: Path, seed: int) -> None:
    import torch

    torch.set_num_threads(1)
    data = load_training_data(data_dir)
    _STATE.update(data=data, hansen=build_hansen(data, seed))


def _score(job: tuple[str, dict, frozenset, frozenset]) -> FoldPredictions:
    name, changes, excluded, scored = job
    return held_out_predictions(_STATE["data"], _STATE["hansen"], candidate_config(name, **changes),
                                set(excluded), set(scored))


def _metrics(parts: list[FoldPredictions]) -> dict[str, float]:
    """Pooled over the parts: MAE and R² of experimental χ, ROC AUC of the PolySol labels."""
    chi = pd.concat([p.chi for p in parts])
    soluble = pd.concat([p.soluble for p in parts])
    return {"mae": float(np.abs(chi["chi_pred"] - chi["chi"]).mean()),
            "r2": r2(chi["chi"].to_numpy(), chi["chi_pred"].to_numpy()),
            "auc": soluble_auc(soluble)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.select", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=SELECTION_FILE)
    parser.add_argument("--steps", type=int, help="training steps of every fit, for a quick smoke run only")
    args = parser.parse_args(argv)
    steps = {"n_steps": args.steps} if args.steps else {}
    start = time.perf_counter()
    data = load_training_data(args.data_dir)
    outer = leave_polymer_out_folds(data, args.seed)
    inner_changes = {"n_members": INNER_MEMBERS, **steps}

    # Every inner fit of every outer fold, and the all-polymer selection, as one batch of jobs.
    jobs, where = [], []
    for k, test in enumerate(outer):
        for inner in leave_polymer_out_folds(data, args.seed + 1, INNER_FOLDS, frozenset(test)):
            for name in CANDIDATES:
                jobs.append((name, inner_changes, frozenset(test | inner), frozenset(inner)))
                where.append(("inner", k, name))
    for test in outer:
        for name in CANDIDATES:
            jobs.append((name, inner_changes, frozenset(test), frozenset(test)))
            where.append(("all", None, name))
    with ProcessPoolExecutor(args.workers, initializer=_init, initargs=(args.data_dir, args.seed)) as pool:
        results = list(pool.map(_score, jobs))
        scores = {key: _metrics([r for r, w in zip(results, where) if w == key]) for key in set(where)}
        chosen = [min(CANDIDATES, key=lambda name: scores[("inner", k, name)]["mae"]) for k in range(len(outer))]
        outer_results = list(pool.map(_score, [(name, steps, frozenset(test), frozenset(test))
                                               for name, test in zip(chosen, outer)]))
    selected = min(CANDIDATES, key=lambda name: scores[("all", None, name)]["mae"])
    nested = _metrics(outer_results)

    width = max(map(len, CANDIDATES)) + 2
    print(f"{'candidate':<{width}}" + "".join(f"{'inner ' + str(k):>9}" for k in range(len(outer)))
          + f"{'all MAE':>9}{'all R2':>9}{'all AUC':>9}")
    for name in CANDIDATES:
        every = scores[("all", None, name)]
        print(f"{name:<{width}}" + "".join(f"{scores[('inner', k, name)]['mae']:9.3f}" for k in range(len(outer)))
              + f"{every['mae']:9.3f}{every['r2']:9.3f}{every['auc']:9.3f}")
    print(f"(experimental χ MAE on held-out polymers, grouped CV, {INNER_MEMBERS} members; the lowest MAE "
          f"wins each column. 'inner k': the {INNER_FOLDS} inner folds of outer fold k; 'all': the "
          f"{len(outer)} folds on all polymers)")
    print(f"chosen per outer fold: {chosen}")
    print(f"nested leave-polymer-out, chosen candidate refit with 10 members: MAE {nested['mae']:.3f}, "
          f"R2 {nested['r2']:.3f}, AUC {nested['auc']:.3f}")
    print(f"selected on all polymers: {selected}")
    record = {
        "selected": selected, "config": asdict(candidate_config(selected)),
        "candidates": CANDIDATES, "inner_folds": INNER_FOLDS, "inner_members": INNER_MEMBERS,
        "grouped_cv": {name: scores[("all", None, name)] for name in CANDIDATES},
        "nested": {"chosen_per_outer_fold": chosen,
                   "inner_mae": {name: [scores[("inner", k, name)]["mae"] for k in range(len(outer))]
                                 for name in CANDIDATES},
                   **nested},
        "seconds": round(time.perf_counter() - start, 1),
    }
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {args.out} in {record['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
