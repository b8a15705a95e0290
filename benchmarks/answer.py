"""Speed and memory of the one answer engine: ``python -m benchmarks.answer [--screen]``.

One BLAS thread throughout (the targets are per core). Prints one table:

- the full answer (posterior, limit, P, verdict) over polymer × solvent × temperature grids with
  warm features: the library (100 polymers × 366 solvents × 3 temperatures) and 100 polymers ×
  10,000 generated solvents × 3 temperatures, in pair-temperatures per second, and the peak memory
  of a 1,000 × 10,000 × 3 screen (the engine in blocks, streamed to Parquet) in a fresh process;
- ``predict_batch`` of 10,000 mixed rows of the training pairs (features cached), rows per second;
- ranking 10,000 solvents (features cached), and one new pair at 50 temperatures with the
  featurization of both molecules;
- featurizing a new solvent, averaged over a catalogue of 10,000 generated solvents;
- with ``--screen``: ``chiapp screen`` of 10⁸ pair-temperatures (1,000 polymers × 10,000 solvents ×
  10 temperatures, ``--top 10``) on the Dask engine with 2 workers and on the local engine, the
  featurization done beforehand (resumed parts), and whether both wrote the same rows.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from benchmarks.screening import generated_polymers, generated_solvents
from benchmarks.table import median_seconds, print_table


def _grid_rate(polymers, solvents, n_temperatures: int = 3) -> float:
    from chiapp.answer import answer_grid

    temperatures = np.linspace(298.15, 398.15, n_temperatures)
    answer_grid(polymers[:2], solvents, temperatures)  # the evidence tables and caches, once
    seconds = median_seconds(lambda: answer_grid(polymers, solvents, temperatures), repeats=3, warmup=1)
    return len(polymers) * len(solvents) * n_temperatures / seconds


def _peak_rss_mb(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS [MB]) of a command, from /usr/bin/time -v."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    peak_kb = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return wall, peak_kb / 1024


def engine_rows() -> list:
    from chiapp import predict_batch, predict_chi, rank_solvents
    from chiapp.features import featurize_polymers, featurize_solvents, library_solvents, warm_up
    from chiapp.library import polymer_library
    from chiapp.properties import load_databanks
    from training.data import load_training_data

    rows = []
    library, _ = library_solvents()
    polymers = list(featurize_polymers(list(polymer_library()["smiles"]))[0].values())
    rate = _grid_rate(polymers, library)
    rows.append((f"full answer, {len(polymers)} polymers × {len(library)} solvents × 3 T", f"{rate / 1e6:.2f} M/s",
                 "≥ 1 M/s (aim 5)", rate >= 1e6))
    catalogue = generated_solvents(10_000)
    warm_up()  # the σ-profiles and the chemicals databanks, loaded once (as the app does at start)
    load_databanks()
    start = time.perf_counter()
    solvents, failed = featurize_solvents(catalogue)
    per_molecule = (time.perf_counter() - start) / len(catalogue)
    rows.append((f"featurize a new solvent, mean over a catalogue of {len(catalogue):,}",
                 f"{per_molecule * 1e3:.2f} ms",
                 "≤ 5 ms", per_molecule <= 0.005))
    rate = _grid_rate(polymers, list(solvents.values()))
    rows.append((f"full answer, {len(polymers)} polymers × {len(solvents):,} solvents × 3 T", f"{rate / 1e6:.2f} M/s",
                 "≥ 1 M/s (aim 5)", rate >= 1e6))
    rank = median_seconds(lambda: rank_solvents("polystyrene", 298.15, solvents=catalogue), repeats=3, warmup=1)
    rows.append((f"rank {len(catalogue):,} solvents, features cached", f"{rank * 1e3:.0f} ms", "≤ 200 ms", rank <= 0.2))
    data = load_training_data()
    pairs = data.experimental[["polymer", "solvent"]].sample(10_000, replace=True, random_state=0)
    pairs = pairs.assign(temperature_k=np.random.default_rng(0).uniform(280, 450, len(pairs)))
    batch = median_seconds(lambda: predict_batch(pairs), repeats=3, warmup=1)
    rows.append(("predict_batch, 10,000 mixed rows, features cached", f"{len(pairs) / batch / 1e3:.0f} k rows/s",
                 "≥ 50 k rows/s", len(pairs) / batch >= 5e4))
    new = generated_polymers(40)[20:]
    fresh = iter(zip(new, generated_solvents(20, skip=10_000)))
    predict_chi("PS", "toluene", 298.15)
    times = []
    for polymer, solvent in fresh:
        start = time.perf_counter()
        predict_chi(polymer, solvent, np.linspace(280.0, 420.0, 50))
        times.append(time.perf_counter() - start)
    one = float(np.median(times))
    rows.append(("one new pair at 50 T, featurization of both included (median of 20)", f"{one * 1e3:.1f} ms",
                 "≤ 10 ms", one <= 0.01))
    return rows


def memory_row(workdir: Path) -> tuple:
    polymers, solvents = workdir / "p.txt", workdir / "s.txt"
    polymers.write_text("\n".join(generated_polymers(1000)) + "\n")
    solvents.write_text("\n".join(generated_solvents(10_000)) + "\n")
    wall, peak = _peak_rss_mb([sys.executable, "-m", "chiapp", "screen", "--polymers", str(polymers), "--solvents",
                               str(solvents), "--temperature-c", "25", "75", "125", "--top", "10", "--quiet",
                               "--output", str(workdir / "memory.parquet")])
    return (f"screen 1,000 × 10,000 × 3 (answer in blocks, top 10), fresh process: peak RSS, wall {wall:.0f} s",
            f"{peak:,.0f} MB", "≤ 1,000 MB", peak <= 1000)


def screen_rows(workdir: Path) -> list:
    """10⁸ pair-temperatures on Dask (2 workers) and locally, featurization done beforehand."""
    from chiapp.screening import screen

    polymers, solvents = generated_polymers(1000), generated_solvents(10_000)
    temperatures = list(np.linspace(293.15, 473.15, 10))
    rows = []
    outputs = {}
    for engine in ("dask", "local"):
        output = workdir / f"{engine}.parquet"

        def stop(stage, done):
            if stage == "grid":
                raise KeyboardInterrupt
        with contextlib.suppress(KeyboardInterrupt):  # featurize first: the parts are resumed below
            screen(polymers, solvents, temperatures, output=output, top=10, engine="local", progress=False,
                   on_chunk=stop)
        start = time.perf_counter()
        result = screen(polymers, solvents, temperatures, output=output, top=10, engine=engine, n_workers=2,
                        progress=False)
        seconds = time.perf_counter() - start
        outputs[engine] = pd.read_parquet(result.output)
        rows.append((f"screen {result.n_pair_temperatures:,} pair-temperatures, top 10, engine {engine}"
                     + (" (2 workers)" if engine == "dask" else " (1 process)"), f"{seconds / 60:.1f} min",
                     "≤ 10 min" if engine == "dask" else "", seconds <= 600 if engine == "dask" else None))
    same = outputs["dask"].equals(outputs["local"])
    rows.append(("the Dask and the local screen wrote the same rows", "yes" if same else "NO", "yes", same))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screen", action="store_true", help="also screen 10^8 pair-temperatures (minutes)")
    args = parser.parse_args(argv)
    from rdkit import RDLogger

    RDLogger.DisableLog("rdApp.*")  # the generator's rejected SMILES are expected
    with threadpool_limits(limits=1), tempfile.TemporaryDirectory() as tmp:
        rows = engine_rows()
        rows.append(memory_row(Path(tmp)))
        if args.screen:
            rows += screen_rows(Path(tmp))
    print_table(rows, "The answer engine: speed and memory (one BLAS thread)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
