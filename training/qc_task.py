"""The quantum-chemistry auxiliary task: COSMO-SAC χ (chiapp.quantum) for many more pairs than were measured.

    python -m training.qc_task [--data-dir ../shared/data] [--workers 2] [--timeout-s 600] [--pairs qc.csv]

computes the MOPAC PM7 σ-profile of every molecule the model trains on or offers (the polymers and
solvents of data_Chi.csv, data_COSMO.csv and PolySol, and the shipped libraries) into the disk cache
(:func:`chiapp.quantum.sigma.sigma_cache_dir`), then writes them all to
``assets/quantum/sigma_profiles.csv`` (one row per molecule: role, canonical key, method,
cavity volume and the 3 × 51 areas), ``solvent_self_terms.csv`` (each solvent's pure-liquid half of
COSMO-SAC χ at a few temperatures, :func:`chiapp.quantum.chi.solvent_self_terms`, so the posterior's prior
needs one segment solve per polymer, not per solvent) and the molecules MOPAC could not do, with the reason, to
``sigma_failures.csv`` beside it. The shipped table is read back by :mod:`chiapp.quantum.sigma` before
running MOPAC, so library molecules need no MOPAC at run time, and by :func:`build_qc` at training time,
so training never runs MOPAC (hours on 2 cores here, see the README of the assets).

:func:`build_qc` is the task itself, shaped like :func:`training.hansen_task.build_hansen`: COSMO-SAC
χ (the residual part, as :func:`chiapp.quantum.chi.qc_chi` returns) for every measured and labelled
pair of the training data, plus random pairs of the training molecules up to ``N_QC_PAIRS`` pairs,
each at ``TEMPERATURES_K``.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.errors import ChiAppError
from chiapp.library import polymer_library, solvent_library
from chiapp.posterior import QC_CLIP
from chiapp.quantum.chi import DEFAULT_METHOD, chi_residual_grid, write_self_terms
from chiapp.quantum.sigma import (
    SHIPPED_PROFILES_FILE,
    polymer_sigma_profile,
    read_profile_table,
    solvent_sigma_profile,
    write_profile_table,
)
from training.data import DEFAULT_DATA_DIR, TrainingData, load_training_data

TEMPERATURES_K = (298.15, 348.15, 398.15)
N_QC_PAIRS = 10_000  # distinct pairs (measured and labelled ones first), each at TEMPERATURES_K
FAILURES_FILE = SHIPPED_PROFILES_FILE.with_name("sigma_failures.csv")


def molecules(data: TrainingData) -> tuple[list[str], list[str]]:
    """Polymer and solvent SMILES of the training data and the libraries, each once, in a fixed order."""
    polymers = pd.concat([data.experimental["polymer"], data.cosmo["polymer"], data.soluble["polymer"],
                          polymer_library()["smiles"]])
    solvents = pd.concat([data.experimental["solvent"], data.cosmo["solvent"], data.soluble["solvent"],
                          solvent_library()["smiles"]])
    return sorted(set(polymers)), sorted(set(solvents))


def _profile(role: str, smiles: str, timeout_s: float):
    compute = polymer_sigma_profile if role == "polymer" else solvent_sigma_profile
    start = time.perf_counter()
    try:
        return role, smiles, compute(smiles, DEFAULT_METHOD, timeout_s=timeout_s), None, time.perf_counter() - start
    except ChiAppError as err:
        return role, smiles, None, str(err), time.perf_counter() - start


def compute_profiles(polymers: list[str], solvents: list[str], workers: int, timeout_s: float):
    """σ-profiles of all molecules (disk cache first); (profiles, failures as (role, smiles, reason))."""
    jobs = [("solvent", s) for s in solvents] + [("polymer", p) for p in polymers]
    profiles, failures = {}, []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_profile, role, smiles, timeout_s) for role, smiles in jobs]
        for i, future in enumerate(as_completed(futures), 1):
            role, smiles, profile, error, seconds = future.result()
            if profile is None:
                failures.append((role, smiles, error))
            else:
                profiles[(profile.role, profile.key)] = profile
            print(f"  {i}/{len(jobs)} {role:7s} {seconds:6.1f} s {'FAILED ' if error else ''}{smiles}", flush=True)
    return profiles, failures


def build_qc(data: TrainingData, seed: int, profiles: dict | None = None) -> pd.DataFrame:
    """The QC task rows: polymer, polymer_key, solvent, temperature_k, chi (module docstring).

    Pairs whose σ-profiles are not in the shipped table are left out.
    """
    from chiapp.chemistry import canonical_polymer, canonical_solvent

    profiles = read_profile_table() if profiles is None else profiles
    polymers = pd.concat([t[["polymer", "polymer_key"]] for t in (data.experimental, data.cosmo, data.soluble)])
    polymers = polymers.drop_duplicates("polymer_key")
    polymers = polymers[[("polymer", canonical_polymer(p)) in profiles for p in polymers["polymer"]]]
    solvents = sorted(s for s in set(data.experimental["solvent"]) | set(data.cosmo["solvent"])
                      | set(data.soluble["solvent"]) if ("solvent", canonical_solvent(s)) in profiles)
    key_to_smiles = dict(zip(polymers["polymer_key"], polymers["polymer"]))
    known = set(key_to_smiles)
    wanted = []
    for table in (data.experimental, data.cosmo, data.soluble):
        wanted += [(p, s) for p, s in zip(table["polymer_key"], table["solvent"]) if p in known and s in solvents]
    wanted = list(dict.fromkeys(wanted))
    rng = np.random.default_rng(seed)
    all_pairs = [(p, s) for p in sorted(known) for s in solvents]
    chosen = set(wanted)
    for flat in rng.permutation(len(all_pairs)):
        if len(wanted) >= N_QC_PAIRS:
            break
        if all_pairs[flat] not in chosen:
            chosen.add(all_pairs[flat])
            wanted.append(all_pairs[flat])
    p_keys = sorted(known)
    grid = chi_residual_grid([profiles[("polymer", canonical_polymer(key_to_smiles[k]))] for k in p_keys],
                             [profiles[("solvent", canonical_solvent(s))] for s in solvents], TEMPERATURES_K)
    p_index, s_index = {k: i for i, k in enumerate(p_keys)}, {s: j for j, s in enumerate(solvents)}
    # clipped as the posterior's prior clips it: χ_QC of −20 or +8 only says "very good" / "very poor"
    rows = [(key_to_smiles[p], p, s, t, float(np.clip(chi, *QC_CLIP)))
            for p, s in wanted for t, chi in zip(TEMPERATURES_K, grid[p_index[p], s_index[s]])]
    return pd.DataFrame(rows, columns=["polymer", "polymer_key", "solvent", "temperature_k", "chi"])


def build_auxiliary(data: TrainingData, config) -> pd.DataFrame:
    """The table of the auxiliary head that ``config.auxiliary_task`` names."""
    from training.hansen_task import build_hansen

    return build_qc(data, config.seed) if config.auxiliary_task == "qc" else build_hansen(data, config.seed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout-s", type=float, default=600.0, help="MOPAC time limit per molecule [s]")
    parser.add_argument("--pairs", type=Path, help="also write the task's table (build_qc) to this CSV")
    args = parser.parse_args(argv)
    data = load_training_data(args.data_dir)
    polymers, solvents = molecules(data)
    print(f"{len(polymers)} polymers, {len(solvents)} solvents")
    start = time.perf_counter()
    profiles, failures = compute_profiles(polymers, solvents, args.workers, args.timeout_s)
    write_profile_table(list(profiles.values()), SHIPPED_PROFILES_FILE)
    write_self_terms(sorted((p for p in profiles.values() if p.role == "solvent"), key=lambda p: p.key))
    pd.DataFrame(sorted(failures), columns=["role", "smiles", "reason"]).to_csv(FAILURES_FILE, index=False)
    print(f"{len(profiles)} profiles -> {SHIPPED_PROFILES_FILE}; {len(failures)} failures -> {FAILURES_FILE}; "
          f"{time.perf_counter() - start:.0f} s")
    from training.checksums import main as write_checksums
    write_checksums()
    if args.pairs:
        table = build_qc(data, seed=0)
        table.to_csv(args.pairs, index=False)
        print(f"{len(table):,} rows ({table.groupby(['polymer_key', 'solvent']).ngroups:,} pairs) -> {args.pairs}")


if __name__ == "__main__":
    main()
