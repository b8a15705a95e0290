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
Runs two fits at a time, one core each; about 40 min on 2 cores. Writes training/selection.json.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from training.data import DEFAULT_DATA_DIR, load_training_data
from training.evaluate import held_out_predictions, leave_polymer_out_folds
from training.fit import Config
from training.train import build_hansen

SELECTION_FILE = Path(__file__).with_name("selection.json")
INNER_FOLDS = 3
INNER_MEMBERS = 5

#: The candidates, named; each differs from the paper-like start in one respect.
CANDIDATES: dict[str, dict] = {
    "start": {},
    "hansen_z": {"hansen_z": True},
    "wider": {"hidden": 128, "latent": 32},
    "hansen_z_wider": {"hansen_z": True, "hidden": 128, "latent": 32},
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


def _score(job: tuple[str, dict, frozenset, frozenset]) -> tuple[float, float, int]:
    """(sum of |error|, sum of squared error, rows) of experimental χ on the scored polymers."""
    name, changes, excluded, scored = job
    held_out = held_out_predictions(_STATE["data"], _STATE["hansen"], candidate_config(name, **changes),
                                    set(excluded), set(scored))
    err = (held_out.chi["chi_pred"] - held_out.chi["chi"]).to_numpy()
    return float(np.abs(err).sum()), float((err**2).sum()), len(err)


def _mae(scores) -> float:
    return sum(s[0] for s in scores) / sum(s[2] for s in scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.select", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=SELECTION_FILE)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    data = load_training_data(args.data_dir)
    outer = leave_polymer_out_folds(data, args.seed)
    inner_changes = {"n_members": INNER_MEMBERS}

    # Every inner fit of every outer fold, and the all-polymer selection, as one batch of jobs.
    jobs, where = [], []
    for k, test in enumerate(outer):
        for j, inner in enumerate(leave_polymer_out_folds(data, args.seed + 1, INNER_FOLDS, frozenset(test))):
            for name in CANDIDATES:
                jobs.append((name, inner_changes, frozenset(test | inner), frozenset(inner)))
                where.append(("inner", k, name))
    for test in outer:
        for name in CANDIDATES:
            jobs.append((name, inner_changes, frozenset(test), frozenset(test)))
            where.append(("all", None, name))
    with ProcessPoolExecutor(args.workers, initializer=_init, initargs=(args.data_dir, args.seed)) as pool:
        scores = list(pool.map(_score, jobs))
        inner_mae = {(kind, k, name): _mae([s for s, w in zip(scores, where) if w == (kind, k, name)])
                     for kind, k, name in set(where)}
        chosen = [min(CANDIDATES, key=lambda name: inner_mae[("inner", k, name)]) for k in range(len(outer))]
        outer_scores = list(pool.map(_score, [(name, {}, frozenset(test), frozenset(test))
                                              for name, test in zip(chosen, outer)]))
    selected = min(CANDIDATES, key=lambda name: inner_mae[("all", None, name)])

    print(f"{'candidate':<16}" + "".join(f"{'outer ' + str(k):>9}" for k in range(len(outer))) + f"{'all':>9}")
    for name in CANDIDATES:
        print(f"{name:<16}" + "".join(f"{inner_mae[('inner', k, name)]:9.3f}" for k in range(len(outer)))
              + f"{inner_mae[('all', None, name)]:9.3f}")
    print("(grouped-CV MAE of experimental χ on held-out polymers; lowest wins each column)")
    print(f"chosen per outer fold: {chosen}")
    print(f"nested leave-polymer-out MAE of the chosen ones: {_mae(outer_scores):.3f}")
    print(f"selected on all polymers: {selected}")
    record = {
        "selected": selected, "config": asdict(candidate_config(selected)),
        "candidates": CANDIDATES, "inner_folds": INNER_FOLDS, "inner_members": INNER_MEMBERS,
        "grouped_cv_mae": {name: inner_mae[("all", None, name)] for name in CANDIDATES},
        "nested": {"chosen_per_outer_fold": chosen,
                   "inner_mae": {name: [inner_mae[("inner", k, name)] for k in range(len(outer))] for name in CANDIDATES},
                   "outer_mae": [s[0] / s[2] for s in outer_scores], "mae": _mae(outer_scores)},
        "seconds": round(time.perf_counter() - start, 1),
    }
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {args.out} in {record['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
