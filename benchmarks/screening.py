"""Catalogue-scale screening: the factored grid, the per-molecule batch, the streaming screen and Dask.

Run from the repo root: ``python -m benchmarks.screening`` (add ``--max-pair-temperatures 1e8``
for the largest screen, about two minutes; default 1e7). One BLAS thread throughout.

- Factored grid (``ChiModel.grid_from_factors`` in blocks of 64 × 1024 pairs, as the screen runs it)
  against the code ``grid_coefficients`` had before issue 19 (the (members, P, S, latent) array
  of z, then the heads), both on cached latent vectors, ten members, a, b and the soluble logit.
  The limits: floating-point (2·3·10·(16 + 2) operations per pair at the rate of a large one-thread
  matrix product measured here) and memory bandwidth (240 bytes of output per pair at the rate of
  a large array copy measured here).
- ``predict_batch`` of 100,000 rows (89 × 366 library molecules, warm features) against the
  previous implementation (towers run for every row), kept below as the reference.
- ``chiapp screen`` end to end in a fresh process (model load, featurization of every molecule,
  grid, top 20 per polymer and temperature, Parquet), 10 temperatures, peak RSS from
  ``/usr/bin/time -v``. Molecules are generated: alkyl/aryl esters, ethers, ketones, alcohols...
  (solvents) and vinyl/acrylate/methacrylate/ester repeat units with the same groups (polymers).
- Dask LocalCluster with 1 and with 2 worker processes (warmed up before timing) on a
  featurization-bound screen of new solvents.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from benchmarks.table import median_seconds, print_table

TEMPERATURES_C = [float(t) for t in range(20, 120, 10)]  # 10 temperatures

# ---------------------------------------------------------------------------------------------
# Molecules

_GROUPS = ["C", "CC", "CCC", "C(C)C", "CCCC", "CC(C)C", "C(C)(C)C", "CCCCC", "CCCCCC", "CCCCCCCC", "C1CCCC1",
           "C1CCCCC1", "c1ccccc1", "Cc1ccccc1", "CCc1ccccc1", "c1ccc(C)cc1", "c1ccc(Cl)cc1", "CCCl", "CC(Cl)Cl",
           "CCOC", "CCOCC", "CCF", "C(F)(F)F", "CC#N", "C=CC", "CCC=C", "c1ccncc1", "c1ccco1", "CCCCOC",
           "C1CCOC1", "CCSC", "CC(C)(C)C", "C(C)CC", "CCC(C)C", "CCCCCCCCCC", "c1ccc2ccccc2c1", "CC1CCCCC1",
           "CCCC#N", "CCCCl", "CC(F)F"]
_SOLVENT_LINKS = ["{a}{b}", "{a}O{b}", "{a}C(=O){b}", "{a}C(=O)O{b}", "{a}OC(=O)O{b}", "{a}N({b})C",
                  "{a}S(=O){b}", "{a}C(O){b}", "{a}C(=O)N{b}", "O{a}{b}", "{a}C(=O)C{b}", "{a}OC{b}",
                  "{a}C(C)O{b}", "{a}N{b}", "{a}C(=O)OC{b}", "{a}OCCO{b}"]
_POLYMER_TEMPLATES = ["*CC(*){a}{b}", "*CC(*)C(=O)O{a}{b}", "*CC(*)(C)C(=O)O{a}{b}", "*CC(*)OC(=O){a}{b}",
                      "*CC(*)O{a}{b}", "*CC(*)C(=O)N{a}{b}"]


def generated_solvents(n: int, skip: int = 0) -> list[str]:
    """``n`` distinct canonical solvent SMILES built from _GROUPS and _SOLVENT_LINKS (after ``skip``)."""
    from chiapp.chemistry import canonical_solvent
    from chiapp.errors import ChiAppError

    out, seen = [], set()
    for link, a, b in itertools.product(_SOLVENT_LINKS, _GROUPS, _GROUPS):
        try:
            smiles = canonical_solvent(link.format(a=a, b=b))
        except ChiAppError:
            continue
        if smiles not in seen:
            seen.add(smiles)
            if len(seen) > skip:
                out.append(smiles)
            if len(out) == n:
                return out
    raise RuntimeError(f"only {len(out)} solvents generated, {n} asked")


def generated_polymers(n: int) -> list[str]:
    from chiapp.chemistry import canonical_polymer
    from chiapp.errors import ChiAppError

    out, seen = [], set()
    ends = ["", "C", "CC", "c1ccccc1", "CCC", "OC", "Cl", "C(C)C", "C#N", "F"]
    for template, a, b in itertools.product(_POLYMER_TEMPLATES, _GROUPS, ends):
        text = template.format(a=a, b=b)
        try:
            key = canonical_polymer(text)
        except ChiAppError:
            continue
        if key not in seen:
            seen.add(key)
            out.append(text)
            if len(out) == n:
                return out
    raise RuntimeError(f"only {len(out)} polymers generated, {n} asked")


# ---------------------------------------------------------------------------------------------
# References: the code before issue 19

def reference_grid_from_latent(model, u_p, r_p, u_s, r_s):
    """grid_coefficients as it was: the (members, P, S, latent) array of z, then the heads."""
    z = (u_p[:, :, None, :] - u_s[:, None, :, :]) ** 2 - r_p[:, :, None, :] ** 2 - r_s[:, None, :, :] ** 2
    n_members, n_p, n_s, latent = z.shape
    return model.coefficients_from_latent(z.reshape(n_members, n_p * n_s, latent))


def reference_predict_batch(frame: pd.DataFrame, model) -> pd.DataFrame:
    """predict_batch as it was: features once per molecule, both towers for every row."""
    from chiapp import domain
    from chiapp.descriptors import polymer_descriptors, solvent_descriptors
    from chiapp.library import resolve_polymer, resolve_solvent

    polymers = frame["polymer"].astype(str).str.strip().tolist()
    solvents = frame["solvent"].astype(str).str.strip().tolist()
    polymer_x = {t: polymer_descriptors(resolve_polymer(t).smiles) for t in dict.fromkeys(polymers)}
    solvent_x = {t: solvent_descriptors(resolve_solvent(t).smiles) for t in dict.fromkeys(solvents)}
    temperatures = frame["temperature_k"].to_numpy(float)
    out = {name: np.full(len(frame), np.nan) for name in ("chi", "chi_std", "soluble_probability")}
    in_domain = np.full(len(frame), None, dtype=object)
    for start in range(0, len(frame), 2048):
        rows = np.arange(start, min(start + 2048, len(frame)))
        c = model.coefficients(np.stack([polymer_x[polymers[i]] for i in rows]),
                               np.stack([solvent_x[solvents[i]] for i in rows]))
        chi_members = c.a + c.b_k / temperatures[rows]
        out["chi"][rows] = chi_members.mean(0)
        out["chi_std"][rows] = model.spread_scale * chi_members.std(0)
        out["soluble_probability"][rows] = (1.0 / (1.0 + np.exp(-c.soluble_logit))).mean(0)
        in_domain[rows] = domain.in_domain_many(model, out["chi_std"][rows], temperatures[rows])
    result = frame.copy()
    for name, values in out.items():
        result[name] = values
    result["in_domain"] = in_domain
    return result


# ---------------------------------------------------------------------------------------------
# Measurements

def machine_limits() -> tuple[float, float]:
    """(one-thread float64 matrix-product rate [flop/s], copy bandwidth [bytes/s, read + write])."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(1500, 1500)), rng.normal(size=(1500, 1500))
    seconds = median_seconds(lambda: a @ b, repeats=5, warmup=1)
    flops = 2 * 1500**3 / seconds
    src, dst = np.ones(50_000_000), np.empty(50_000_000)
    seconds = median_seconds(lambda: np.copyto(dst, src), repeats=5, warmup=1)
    return flops, 2 * src.nbytes / seconds


def grid_rows(model) -> list:
    rng = np.random.default_rng(1)
    from chiapp.descriptors import (
        POLYMER_DESCRIPTOR_NAMES,
        SOLVENT_DESCRIPTOR_NAMES,
        polymer_descriptors,
        solvent_descriptors,
    )
    from chiapp.library import polymer_library, solvent_library
    xp = np.stack([polymer_descriptors(s) for s in polymer_library()["smiles"]])
    xs = np.stack([solvent_descriptors(s) for s in solvent_library()["smiles"]])
    assert xp.shape[1] == len(POLYMER_DESCRIPTOR_NAMES) and xs.shape[1] == len(SOLVENT_DESCRIPTOR_NAMES)
    # 1000 polymers x 1000 solvents of real descriptors (library rows, resampled)
    xp, xs = xp[rng.integers(0, len(xp), 1000)], xs[rng.integers(0, len(xs), 1000)]
    rows = []
    flops, bandwidth = machine_limits()
    with threadpool_limits(1):
        fp, fs = model.factors("polymer", xp), model.factors("solvent", xs)
        blocks = [(i, j) for j in range(0, 1000, 1024) for i in range(0, 1000, 64)]
        out = np.empty((3, model.n_members, 64, 1000))

        def factored():
            for i, j in blocks:
                p = fp.take(slice(i, i + 64))
                model.grid_from_factors(p, fs, out=out if p.vectors.shape[1] == 64 else None)

        n_pairs = 1000 * 1000
        new = median_seconds(factored, repeats=5, warmup=1)
        (u_p, r_p), (u_s, r_s) = model.latent("polymer", xp[:200]), model.latent("solvent", xs)
        old = median_seconds(lambda: reference_grid_from_latent(model, u_p, r_p, u_s, r_s), repeats=3, warmup=1)
        new_rate, old_rate = n_pairs / new, 200 * 1000 / old
        check = model.grid_from_factors(fp.take(slice(0, 200)), fs)
        ref = reference_grid_from_latent(model, u_p, r_p, u_s, r_s)
        error = float(np.abs(check[0].reshape(model.n_members, -1) - ref.a).max())
    latent = int(model.manifest["architecture"]["latent"])
    flop_per_pair = 2 * 3 * model.n_members * (latent + 2)
    flop_limit = flops / flop_per_pair
    byte_limit = bandwidth / 2 / (3 * model.n_members * 8)  # write-only share of the copy rate
    rows.append(("factored grid, 1000 x 1000 pairs, cached latents, 1 thread", f"{new_rate / 1e6:.1f} M pairs/s",
                 ">= 2 M pairs/s", new_rate >= 2e6))
    rows.append(("previous grid_coefficients (z array), 200 x 1000 pairs, same run", f"{old_rate / 1e6:.2f} M pairs/s",
                 "", None))
    rows.append(("factored / previous", f"{new_rate / old_rate:.1f}x", ">= 5x", new_rate / old_rate >= 5))
    rows.append(("max |a factored - a previous|", f"{error:.1e}", "<= 1e-10", error <= 1e-10))
    rows.append((f"flop limit ({flop_per_pair} flop/pair at {flops / 1e9:.1f} GFLOP/s one-thread dgemm)",
                 f"{flop_limit / 1e6:.0f} M pairs/s; achieved {new_rate / flop_limit:.0%}", "", None))
    rows.append((f"bandwidth limit (240 B/pair written at {bandwidth / 2e9:.1f} GB/s)",
                 f"{byte_limit / 1e6:.0f} M pairs/s; achieved {new_rate / byte_limit:.0%}", "", None))
    return rows


def batch_rows(model) -> list:
    from chiapp.library import polymer_library, solvent_library
    from chiapp.prediction import predict_batch

    rng = np.random.default_rng(2)
    polymers, solvents = list(polymer_library()["smiles"]), list(solvent_library()["smiles"])
    n = 100_000
    frame = pd.DataFrame({"polymer": np.array(polymers)[rng.integers(0, len(polymers), n)],
                          "solvent": np.array(solvents)[rng.integers(0, len(solvents), n)],
                          "temperature_k": rng.uniform(280, 420, n)})
    with threadpool_limits(1):
        predict_batch(frame.head(1000), model=model)  # warm every feature and name cache
        reference_predict_batch(frame.head(1000), model)
        start = time.perf_counter()
        new = predict_batch(frame, model=model)
        new_seconds = time.perf_counter() - start
        start = time.perf_counter()
        old = reference_predict_batch(frame, model)
        old_seconds = time.perf_counter() - start
    error = float(np.abs(new["ensemble_chi"] - old["chi"]).max())  # the ensemble part, before the posterior
    return [
        ("predict_batch 100,000 rows, warm features", f"{n / new_seconds:,.0f} rows/s ({new_seconds:.2f} s)", "", None),
        ("previous predict_batch, same rows", f"{n / old_seconds:,.0f} rows/s ({old_seconds:.2f} s)", "", None),
        ("new / previous", f"{old_seconds / new_seconds:.1f}x", ">= 10x", old_seconds / new_seconds >= 10),
        ("max |chi new - chi previous|", f"{error:.1e}", "<= 1e-10", error <= 1e-10),
    ]


def featurization_rows() -> list:
    from chiapp.screening.screen import featurize_block

    solvents = generated_solvents(300, skip=12000)   # not featurized before in this process
    polymers = generated_polymers(1200)[-100:]
    with threadpool_limits(1):
        start = time.perf_counter()
        featurize_block("solvent", solvents, 0)
        s_seconds = time.perf_counter() - start
        start = time.perf_counter()
        featurize_block("polymer", polymers, 0)
        p_seconds = time.perf_counter() - start
    return [("featurization, new solvents (resolve, descriptors, towers)", f"{len(solvents) / s_seconds:.0f} /s", "",
             None),
            ("featurization, new polymers", f"{len(polymers) / p_seconds:.0f} /s", "", None)], \
        (len(solvents) / s_seconds, len(polymers) / p_seconds)


def cli_screen(n_polymers: int, n_solvents: int, folder: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS [MB]) of ``chiapp screen`` in a fresh process, top 20, 10 temperatures."""
    (folder / "p.txt").write_text("\n".join(generated_polymers(n_polymers)) + "\n")
    (folder / "s.txt").write_text("\n".join(generated_solvents(n_solvents)) + "\n")
    output = folder / f"screen-{n_polymers}-{n_solvents}.parquet"
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "chiapp", "screen", "--polymers", str(folder / "p.txt"),
               "--solvents", str(folder / "s.txt"), "--temperature-c", *map(str, TEMPERATURES_C), "--top", "20",
               "--output", str(output), "--quiet", "--restart"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[1])
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    peak_kb = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return seconds, peak_kb / 1024


def _warm_up() -> None:
    from chiapp.screening.screen import featurize_block
    featurize_block("solvent", ["toluene", "CCCCOC(=O)CCc1ccccc1"], 0)
    featurize_block("polymer", ["PS", "*CC(*)C(=O)OCCCCCCCCC"], 0)


def dask_rows(n_solvents: int = 400) -> list:
    from distributed import Client, LocalCluster

    from chiapp.screening import screen

    solvents = generated_solvents(n_solvents, skip=13000)
    timings, cpu = {}, {}
    for n_workers in (1, 2):
        env = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          env=env) as cluster, Client(cluster) as client:
            # warm each worker: model, name indexes, Hansen and property tables (12-20 s on first use)
            client.run(_warm_up)
            before = client.run(time.process_time)
            with tempfile.TemporaryDirectory() as folder:
                start = time.perf_counter()
                screen(["PS", "PMMA", "PE"], solvents, [298.15], output=Path(folder) / "d.parquet", top=5,
                       solvent_block=25, engine="dask", scheduler=client, progress=False)
                timings[n_workers] = time.perf_counter() - start
            after = client.run(time.process_time)
            cpu[n_workers] = sum(after[w] - before[w] for w in after)
    ratio = timings[1] / timings[2]
    return [(f"Dask LocalCluster, {n_solvents} new solvents x 3 polymers (featurization-bound), 1 worker",
             f"{timings[1]:.1f} s wall, {cpu[1]:.1f} s worker CPU ({cpu[1] / timings[1]:.2f} cores obtained)", "",
             None),
            ("same, 2 workers", f"{timings[2]:.1f} s wall, {cpu[2]:.1f} s worker CPU "
             f"({cpu[2] / timings[2]:.2f} cores obtained); wall ratio {ratio:.2f}x", ">= 1.6x", ratio >= 1.6),
            ("2 workers on 2 free cores, from the CPU seconds (2 x CPU(1) / CPU(2))", f"{2 * cpu[1] / cpu[2]:.2f}x",
             "", None)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-pair-temperatures", type=float, default=1e7)
    parser.add_argument("--skip", nargs="*", default=[], choices=["grid", "batch", "dask", "cli"])
    args = parser.parse_args()
    from chiapp.prediction import load_model
    model = load_model()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared)")
    if "grid" not in args.skip:
        print_table(grid_rows(model), title="Factored grid, one core")
    if "batch" not in args.skip:
        print_table(batch_rows(model), title="predict_batch")
    rows, (solvent_rate, polymer_rate) = featurization_rows()
    print_table(rows, title="Featurization (one process)")
    if "dask" not in args.skip:
        print_table(dask_rows(), title="Dask LocalCluster")
    if "cli" in args.skip:
        return
    rows, measured = [], {}
    sizes = [(100, 1000), (1000, 1000), (1000, 10000)]  # x 10 temperatures: 1e6, 1e7, 1e8
    with tempfile.TemporaryDirectory() as folder:
        for n_p, n_s in sizes:
            pair_temperatures = n_p * n_s * len(TEMPERATURES_C)
            if pair_temperatures > args.max_pair_temperatures:
                continue
            seconds, peak_mb = cli_screen(n_p, n_s, Path(folder))
            measured[pair_temperatures] = (seconds, peak_mb, n_p, n_s)
            rows.append((f"chiapp screen {n_p} x {n_s} x 10 T = {pair_temperatures:.0e}, top 20",
                         f"{seconds:.0f} s, {pair_temperatures / seconds / 1e6:.2f} M/s, peak {peak_mb:.0f} MB",
                         "1e8 < 600 s, < 2048 MB" if pair_temperatures == 1e8 else "",
                         (seconds < 600 and peak_mb < 2048) if pair_temperatures == 1e8 else None))
    if len(measured) > 1:
        peaks = [m[1] for m in measured.values()]
        spread = max(peaks) / min(peaks) - 1
        rows.append(("peak RSS, largest / smallest screen", f"+{spread:.0%}", "<= 20 %", spread <= 0.2))
    largest = max(measured)
    seconds, peak_mb, n_p, n_s = measured[largest]
    featurize = n_s / solvent_rate + n_p / polymer_rate
    grid_rate = largest / max(seconds - featurize, 1e-9)
    n_big_s, n_big_p, n_t = 1_000_000, 1000, 10
    big_featurize = n_big_s / solvent_rate + n_big_p / polymer_rate
    big_grid = n_big_s * n_big_p * n_t / grid_rate
    rows.append(("extrapolated: 1e6 solvents x 1e3 polymers x 10 T, one core",
                 f"{(big_featurize + big_grid) / 3600:.1f} h: featurization {big_featurize / 3600:.1f} h, "
                 f"grid + top-k {big_grid / 3600:.1f} h (grid rate {grid_rate / 1e6:.1f} M/s from the largest run)",
                 "", None))
    rows.append(("extrapolated memory of that screen",
                 f"~{peak_mb:.0f} MB as measured (chunks and the running top-k do not grow with the catalogue) "
                 f"+ ~{n_big_s * 150 / 1e6:.0f} MB of solvent names and SMILES at assembly; "
                 f"{n_big_s * 1.6e3 / 1e9:.1f} GB of solvent factors on disk in the parts folder", "", None))
    print_table(rows, title="chiapp screen end to end (fresh process, /usr/bin/time -v)")


if __name__ == "__main__":
    main()
