"""Speed of the Flory-Huggins engine: one binodal and a full 200-temperature phase diagram.

Run from the repo root: ``python -m benchmarks.flory_huggins`` (one core: pin it with taskset -c 0).
"""

from __future__ import annotations

import numpy as np

from benchmarks.table import median_seconds, print_table
from chiapp.flory_huggins import binodal, critical_chi, phase_diagram
from chiapp.units import kelvin

TEMPERATURES_K = kelvin(np.linspace(0.0, 200.0, 200))


def main() -> None:
    rows = []
    cases = [("binodal, N = 100, chi = 0.7", 0.7, 100.0),
             ("binodal, N = 1e6, chi = 5 (lean phase exp(-4e6))", 5.0, 1e6),
             ("binodal, N = 1e4, chi = chi_c (1 + 1e-6)", critical_chi(1e4) * (1 + 1e-6), 1e4)]
    for label, chi, n in cases:
        seconds = median_seconds(lambda: binodal(chi, n), repeats=200, warmup=5)
        rows.append((label, f"{seconds * 1e3:.3f} ms", "<= 1 ms", seconds <= 1e-3))
    diagrams = [("phase diagram, 200 T, UCST, N = 1000", (0.2, 120.0, 0.0), 1000.0),
                ("phase diagram, 200 T, UCST+LCST, N = 1e6", (critical_chi(1e6) + 0.2, -144.0, 25200.0), 1e6)]
    for label, (a, b, c), n in diagrams:
        seconds = median_seconds(lambda: phase_diagram((a, b, c), chain_length=n, temperatures_k=TEMPERATURES_K),
                                 repeats=30, warmup=3)
        rows.append((label, f"{seconds * 1e3:.2f} ms", "<= 50 ms", seconds <= 50e-3))
    print_table(rows, title="Flory-Huggins engine (median wall time, one process)")


if __name__ == "__main__":
    main()
