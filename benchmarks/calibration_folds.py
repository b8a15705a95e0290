"""Leave-polymer-out fold models for the calibration benchmark, trained once and cached on disk.

    python -m benchmarks.calibration_folds          # trains the missing folds (a few minutes)

Each fold's ensemble is ``training.fit`` on every task without the fold's polymers (the folds of
``training.evaluate.leave_polymer_out_folds``), with the shipped configuration's members and steps
(``training.fit.Config``: 10 members, 1,200 steps; the environment variables
CHIAPP_CALIBRATION_MEMBERS and CHIAPP_CALIBRATION_STEPS change them, e.g. 5 and 600 for a quick
look): about 4 minutes per fold with one torch thread on an idle 2-core machine (two processes,
``python -m benchmarks.calibration_folds 0 2 4`` and ``... 1 3``, train all five in 10 minutes). The benchmark
compares calibration against no calibration and against the baselines on the same fold models.
Torch runs on one thread here: on a loaded machine its default two threads made the same fit more
than ten times slower. The models are written under
``CACHE_DIR`` (weights.safetensors + manifest.json, as ``training.train.write_model`` writes them)
and read back with ``ChiModel``; the cache key holds the fold, the member count and the seed.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from chiapp.model import MANIFEST_FILE, WEIGHTS_FILE, ChiModel
from training.fit import Config

CACHE_DIR = Path(os.environ.get("CHIAPP_CALIBRATION_CACHE", "/tmp/chiapp_calibration_folds"))
N_MEMBERS = int(os.environ.get("CHIAPP_CALIBRATION_MEMBERS", Config.n_members))
N_STEPS = int(os.environ.get("CHIAPP_CALIBRATION_STEPS", Config.n_steps))
SEED = 0


def fold_dir(k: int, n_members: int = N_MEMBERS, seed: int = SEED) -> Path:
    return CACHE_DIR / f"fold{k}_members{n_members}_steps{N_STEPS}_seed{seed}"


def load_cached(k: int, n_members: int = N_MEMBERS, seed: int = SEED) -> ChiModel | None:
    from safetensors.numpy import load_file

    directory = fold_dir(k, n_members, seed)
    if not (directory / MANIFEST_FILE).is_file():
        return None
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    return ChiModel(load_file(str(directory / WEIGHTS_FILE)), manifest)


def fold_models(data, n_members: int = N_MEMBERS, seed: int = SEED, log=print,
                only: tuple[int, ...] | None = None) -> tuple[list[set[str]], list[ChiModel]]:
    """(held-out polymer keys, model) per fold, training and caching the missing ones (``only``:
    train just these folds, e.g. to spread the folds over processes)."""
    import torch

    from training.evaluate import leave_polymer_out_folds, tables_without
    from training.fit import fit
    from training.hansen_task import build_hansen
    from training.train import write_model

    torch.set_num_threads(1)
    folds = leave_polymer_out_folds(data)
    models = []
    hansen = None
    for k, keys in enumerate(folds):
        if only is not None and k not in only:
            continue
        model = load_cached(k, n_members, seed)
        if model is None:
            if hansen is None:
                hansen = build_hansen(data, seed)
            log(f"training fold {k} ({n_members} members, {len(keys)} held-out polymers)...")
            config = replace(Config(), n_members=n_members, n_steps=N_STEPS, seed=seed)
            model = fit(tables_without(data, hansen, polymer_keys=keys), config)
            write_model(model, {"held_out_polymers": sorted(keys)}, fold_dir(k, n_members, seed))
            model = load_cached(k, n_members, seed)
        models.append(model)
    return folds, models


if __name__ == "__main__":
    import sys

    from training.data import load_training_data

    fold_models(load_training_data(), only=tuple(int(a) for a in sys.argv[1:]) or None)
