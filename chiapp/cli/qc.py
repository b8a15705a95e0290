"""``python -m chiapp qc``: χ(T) of one pair from quantum chemistry (MOPAC COSMO + COSMO-SAC).

    python -m chiapp qc --polymer polystyrene --solvent toluene --temperature-c 25 60 100

Prints one line per step on stderr (σ-profiles take seconds to a minute the first time a molecule
is seen, then come from the cache) and a table of χ, its residual and combinatorial parts on stdout.
Needs MOPAC (Debian package ``mopac``).
"""

from __future__ import annotations

import argparse
import sys
import time

from chiapp.errors import InputError
from chiapp.units import ZERO_CELSIUS_K

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "qc", help="chi(T) of a pair from quantum chemistry (MOPAC COSMO + COSMO-SAC)",
        description="Compute the Flory-Huggins chi of a polymer-solvent pair from MOPAC COSMO sigma-profiles and "
                    "the COSMO-SAC activity model (needs the Debian package 'mopac').")
    parser.add_argument("--polymer", required=True, help="library name or repeat-unit SMILES with two '*'")
    parser.add_argument("--solvent", required=True, help="library name, CAS number or SMILES")
    parser.add_argument("--temperature-c", type=float, nargs="+", metavar="T", default=[25.0],
                        help="temperatures [°C] (default 25)")
    parser.add_argument("--method", choices=("PM7", "PM6"), default="PM7", help="MOPAC Hamiltonian (default PM7)")
    parser.add_argument("--include-combinatorial", action="store_true",
                        help="add the Staverman-Guggenheim part to chi (off by default; see chiapp.quantum.chi)")
    parser.add_argument("--cache-dir", help="sigma-profile cache directory (default: $CHIAPP_SIGMA_CACHE or "
                                            "~/.cache/chiapp/sigma)")
    parser.add_argument("--mopac", help="path of the MOPAC executable (default: $CHIAPP_MOPAC or 'mopac')")
    return parser


def run(args) -> int:
    from chiapp.quantum.chi import qc_chi

    temperatures_k = [t + ZERO_CELSIUS_K for t in args.temperature_c]
    if any(not t > 0 for t in temperatures_k):
        raise InputError(f"temperatures must be above {-ZERO_CELSIUS_K:g} °C, got {args.temperature_c}")
    start = time.perf_counter()

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {message}", file=sys.stderr, flush=True)

    result = qc_chi(args.polymer, args.solvent, temperatures_k, method=args.method,
                    include_combinatorial=args.include_combinatorial, cache_dir=args.cache_dir,
                    executable=args.mopac, progress=progress)
    progress("done")
    print(f"# {result.polymer} in {result.solvent}: COSMO-SAC 2010 on MOPAC {result.method} sigma-profiles")
    print("temperature_c,chi,chi_residual,chi_combinatorial")
    for t, chi, res, comb in zip(result.temperatures_k, result.chi, result.chi_residual, result.chi_combinatorial):
        print(f"{t - ZERO_CELSIUS_K:g},{chi:.4f},{res:.4f},{comb:.4f}")
    return 0
