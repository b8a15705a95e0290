"""Speed of solvent ranking and selective dissolution on the real model.

Run from the repo root: ``python -m benchmarks.ranking`` (one core: pin it with taskset -c 0).

- Ranking 1,000 distinct solvents for a polymer the process has not seen before, including that
  polymer's featurization (every timed call uses a new poly(n-alkyl acrylate/methacrylate)). The
  solvents are the library's plus solvent-like compounds of the ``chemicals`` Hansen tables
  (offline), given as SMILES; their features are cached after the warm-up, as in the app.
- Selective dissolution of polystyrene from PE, PP and PET over 300 library solvents and 50
  temperatures (20-160 °C).
"""

from __future__ import annotations

import itertools

import numpy as np

from benchmarks.table import median_seconds, print_table
from chiapp.chemistry import canonical_solvent
from chiapp.errors import ChiAppError
from chiapp.library import solvent_library
from chiapp.ranking import rank_solvents
from chiapp.selection import select_solvents
from chiapp.units import kelvin

N_RANK_SOLVENTS = 1000
N_SELECT_SOLVENTS = 300
TEMPERATURES_K = kelvin(np.linspace(20.0, 160.0, 50))


def thousand_solvents(n: int = N_RANK_SOLVENTS) -> list[str]:
    """``n`` distinct solvent SMILES: the library, then compounds of the chemicals Hansen tables."""
    from chemicals import solubility
    from chemicals.identifiers import search_chemical

    smiles = list(solvent_library()["smiles"])
    seen = set(smiles)
    for cas in sorted(solubility.manuel_ruben_2022_data.index):
        if len(smiles) >= n:
            break
        try:
            key = canonical_solvent(search_chemical(cas).smiles)
        except (ChiAppError, ValueError, AttributeError, TypeError):
            continue
        if key not in seen:
            seen.add(key)
            smiles.append(key)
    if len(smiles) < n:
        raise RuntimeError(f"only {len(smiles)} distinct solvents found, expected {n}")
    return smiles[:n]


def new_polymers():
    """Repeat units never seen before by this process: poly(n-alkyl (meth)acrylates), n = 1, 2, ..."""
    for n in itertools.count(1):
        tail = "C" * n
        yield f"*CC(*)C(=O)O{tail}"
        yield f"*CC(*)(C)C(=O)O{tail}"


def main() -> None:
    rows = []
    solvents = thousand_solvents()
    polymers = new_polymers()
    rank_solvents("PS", 298.15, solvents=solvents)  # warm the solvent features and name caches
    ranking = rank_solvents(next(polymers), 298.15, solvents=solvents)
    n_ranked = len(ranking.table)
    seconds = median_seconds(lambda: rank_solvents(next(polymers), 298.15, solvents=solvents), repeats=15, warmup=1)
    rows.append((f"rank {len(solvents)} solvents ({n_ranked} ranked, {len(ranking.failures)} failed), new polymer",
                 f"{seconds * 1e3:.0f} ms", "<= 300 ms", seconds <= 0.3))

    library = list(solvent_library()["smiles"][:N_SELECT_SOLVENTS])
    selection = select_solvents("PS", ["PE", "PP", "PET"], TEMPERATURES_K, solvents=library)
    seconds = median_seconds(lambda: select_solvents("PS", ["PE", "PP", "PET"], TEMPERATURES_K, solvents=library),
                             repeats=10, warmup=1)
    rows.append((f"select: {N_SELECT_SOLVENTS} solvents x 4 polymers x {len(TEMPERATURES_K)} T "
                 f"({len(selection.table)} selective)", f"{seconds * 1e3:.0f} ms", "<= 1000 ms", seconds <= 1.0))
    print_table(rows, title="Ranking and selective dissolution (median wall time, one process)")


if __name__ == "__main__":
    main()
