"""Time of quantum-chemistry χ: a new molecule's σ-profile (MOPAC) and a pair's χ, uncached and cached.

    python -m benchmarks.quantum

Uncached timings use a fresh temporary σ-profile cache, so MOPAC runs; cached ones read the same
cache back. One core (MOPAC THREADS=1).
"""

from __future__ import annotations

import shutil
import tempfile
import time

from benchmarks.table import median_seconds, print_table
from chiapp.quantum.chi import qc_chi
from chiapp.quantum.sigma import polymer_sigma_profile, solvent_sigma_profile
from chiapp.units import kelvin

SOLVENTS = {"water": "O", "toluene": "Cc1ccccc1", "DMF": "CN(C)C=O", "1-octanol": "CCCCCCCCO"}
POLYMERS = {"polyethylene": "*CC*", "polystyrene": "*CC(*)c1ccccc1", "PMMA": "*CC(*)(C)C(=O)OC",
            "polysulfone": "*c1ccc(Oc2ccc(S(=O)(=O)c3ccc(Oc4ccc(C(C)(C)c5ccc(*)cc5)cc4)cc3)cc2)cc1"}


def _once(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def shipped_rows() -> list[tuple]:
    """The routes that need no MOPAC: the shipped σ-profiles, many pairs at once, the posterior's prior."""
    from chiapp.library import solvent_library
    from chiapp.quantum import chi as qchi
    from chiapp.quantum.sigma import read_profile_table

    rows = []
    start = time.perf_counter()
    profiles = read_profile_table()
    rows.append((f"read the shipped σ-profiles ({len(profiles)} molecules)", f"{time.perf_counter() - start:.2f} s",
                 "< 1 s", time.perf_counter() - start < 1))
    polymers = [p for (role, _), p in profiles.items() if role == "polymer"]
    solvents = [p for (role, _), p in profiles.items() if role == "solvent"]
    start = time.perf_counter()
    grid = qchi.chi_residual_grid(polymers, solvents, (298.15, 348.15, 398.15))
    seconds = time.perf_counter() - start
    pairs = f"{grid.shape[0]} × {grid.shape[1]} = {grid[..., 0].size:,}"
    rows.append((f"χ of every shipped pair ({pairs}) at 3 temperatures",
                 f"{seconds:.1f} s ({1e6 * seconds / grid.size:.0f} µs per value)", "< 60 s", seconds < 60))
    library = list(solvent_library()["smiles"])
    qchi._polymer_ln_gamma.cache_clear()
    start = time.perf_counter()
    qchi.known_qc_nodes("*CC(*)(F)F", library)
    seconds = time.perf_counter() - start
    rows.append((f"posterior prior: one polymer × {len(library)} library solvents, χ_QC at the 10 nodes",
                 f"{1e3 * seconds:.0f} ms", "< 500 ms", seconds < 0.5))
    return rows


def main() -> None:
    print_table(shipped_rows(), "Quantum-chemistry χ from the shipped σ-profiles (no MOPAC)")
    if shutil.which("mopac") is None:
        print("MOPAC not installed (Debian package 'mopac'): nothing more to time")
        return
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for name, smiles in SOLVENTS.items():
            seconds = _once(lambda: solvent_sigma_profile(smiles, cache_dir=cache))
            rows.append((f"σ-profile, new solvent: {name}", f"{seconds:.2f} s", "< 60 s", seconds < 60))
        for name, smiles in POLYMERS.items():
            seconds = _once(lambda: polymer_sigma_profile(smiles, cache_dir=cache))
            rows.append((f"σ-profile, new polymer (capped trimer): {name}", f"{seconds:.2f} s", "< 60 s",
                         seconds < 60))
        cached = median_seconds(lambda: solvent_sigma_profile("Cc1ccccc1", cache_dir=cache), repeats=20)
        rows.append(("σ-profile, cached (read from disk)", f"{1e3 * cached:.2f} ms", "< 50 ms", cached < 0.05))
        with tempfile.TemporaryDirectory() as fresh:
            seconds = _once(lambda: qc_chi("*CC(*)C(=O)OC", "CC(C)=O", [298.15], cache_dir=fresh))
        rows.append(("χ of a new pair (PMA in acetone), both profiles uncached", f"{seconds:.2f} s", "< 60 s",
                     seconds < 60))
        pair = median_seconds(lambda: qc_chi("polystyrene", "toluene", [298.15], cache_dir=cache), repeats=10)
        rows.append(("χ of a pair, profiles cached, 1 temperature", f"{1e3 * pair:.1f} ms", "< 1 s", pair < 1))
        temps = [kelvin(float(t)) for t in range(0, 201, 10)]
        pair_t = median_seconds(lambda: qc_chi("polystyrene", "toluene", temps, cache_dir=cache), repeats=5)
        rows.append(("χ of a pair, profiles cached, 21 temperatures", f"{1e3 * pair_t:.1f} ms", "< 5 s", pair_t < 5))
    print_table(rows, "Quantum-chemistry χ (MOPAC PM7 COSMO + COSMO-SAC 2010), one core")


if __name__ == "__main__":
    main()
