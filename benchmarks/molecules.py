"""Bounded work per molecule: featurization time and peak memory of varied and adversarial polymers.

Run from the repo root: ``python -m benchmarks.molecules`` (each molecule in a fresh subprocess, so
its peak resident memory is its own: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` after the work,
minus nothing: the figure includes the interpreter, RDKit and numpy, ~100 MB).

The featurization timed is everything a new polymer costs a prediction: parse and check, canonical
key (cyclic trimer), descriptors (cyclic oligomer), domain fingerprint and the 2D drawing, after one
warm-up molecule (a running app has RDKit's tables loaded). The bound: an accepted molecule takes
under 1 s and 300 MB; a refused one is refused in under 0.1 s. The 3D view (ETKDG conformer and
MMFF steps) is timed apart: it is bounded by attempts and a timeout in ``chiapp.depiction`` and by
the per-request time limit in the app, which shows no 3D view rather than waiting.
"""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.table import print_table

TIME_LIMIT_S = 1.0
MEMORY_LIMIT_MB = 300.0
REFUSE_LIMIT_S = 0.1

_CUBANE = "C12C3C4C1C5C2C3C45"          # 1,4-linked when chained: first and last atom
_ADAMANTANE = "C12CC3CC(C1)CC(C3)(C2)"  # 1,3-linked: first and last bridgehead


def _para_phenylenes(n: int) -> str:
    return "*c1ccc(cc1)" + "c1ccc(cc1)" * (n - 2) + "c1ccc(*)cc1"


def cases() -> list[tuple[str, str]]:
    """(label, repeat unit SMILES): oligo-phenylenes, cages, fused rings, 200-atom units."""
    out = [(f"para-phenylene x{n}", _para_phenylenes(n)) for n in range(2, 11)]
    out += [(f"meta-phenylene x{n}", "*c1cccc(c1)" + "c1cccc(c1)" * (n - 2) + "c1cccc(*)c1")
            for n in (5, 10)]
    out += [(f"cubane x{n} in backbone", "*" + _CUBANE * n + "*") for n in (1, 2, 3, 4, 5)]
    out += [(f"adamantane x{n} in backbone", "*" + _ADAMANTANE * n + "*") for n in (1, 2, 4, 6, 8)]
    out += [
        ("anthracene-2,6-diyl", "*c1ccc2cc3cc(*)ccc3cc2c1"),
        ("pentacene-2,9-diyl", "*c1ccc2cc3cc4cc5cc(*)ccc5cc4cc3cc2c1"),
        ("coronene side group", "*CC(*)c1cc2ccc3ccc4ccc5ccc6ccc1c1c2c3c4c5c61"),
        ("[8]helicene side group", "*CC(*)c1ccc2ccc3ccc4ccc5ccc6ccc7ccc8cccc9ccc1c2c3c4c5c6c7c89"),
        ("spiro chain x6", "*C1(CC2(CC3(CC4(CC5(CC6(CCC(*)CC6)CC5)CC4)CC3)CC2)CC1)"),
        ("C200 alkyl backbone", "*" + "C" * 200 + "*"),
        ("C198 with one side methyl (N=1 head)", "*C(*)" + "C" * 198),
        ("200 atoms: 33 rings (refused)", _para_phenylenes(33)),
        ("201 heavy atoms (refused)", "*" + "C" * 201 + "*"),
        ("graphene flake 37 rings (refused)",
         "*c1cc2cc3cc4cc5cc6cc7cc8cc9cc%10cc%11cc%12cc%13cc%14cc%15cc%16cc%17cc%18cc%19cc%20"
         "cc%21cc%22cc%23cc%24cc%25cc%26cc%27cc%28cc%29cc%30cc%31cc%32cc%33cc%34cc%35cc%36cc%37"
         "cc(*)cc%37cc%36cc%35cc%34cc%33cc%32cc%31cc%30cc%29cc%28cc%27cc%26cc%25cc%24cc%23cc%22"
         "cc%21cc%20cc%19cc%18cc%17cc%16cc%15cc%14cc%13cc%12cc%11cc%10cc9cc8cc7cc6cc5cc4cc3cc2c1"),
        ("polyethylene-like mixed 199 atoms", "*" + "CC(C(=O)OC)" * 33 + "C*"),
        ("bad kekulé chain (refused)", "*OCCCCC:OC(=O)CCCCCCCCC(*)=O"),
    ]
    return out


def _work(smiles: str) -> dict:
    """Run in a fresh interpreter: featurize one polymer; time and peak memory."""
    import resource
    import time

    from chiapp import depiction, domain
    from chiapp.chemistry import canonical_polymer, parse_polymer
    from chiapp.descriptors import polymer_descriptors
    from chiapp.errors import ChiAppError

    def featurize(text: str) -> None:
        parse_polymer(text)
        canonical_polymer(text)
        polymer_descriptors(text)
        domain._polymer_fp(text)
        depiction.structure_svg(text)

    featurize("*CC(*)c1ccccc1")  # warm: the app's process has loaded RDKit's tables already
    depiction.embedded_molblock("*CC(*)c1ccccc1")
    start = time.perf_counter()
    view_s = float("nan")
    try:
        featurize(smiles)
        outcome = "accepted"
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        depiction.embedded_molblock(smiles)
        view_s = time.perf_counter() - start
    except ChiAppError as err:
        outcome = f"refused: {str(err)[-70:]}"
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"outcome": outcome, "seconds": seconds, "peak_mb": peak_mb, "view_s": view_s}


def measure(smiles: str, timeout_s: float = 120.0) -> dict:
    """``_work`` in a subprocess; a timeout or crash is reported as such."""
    code = ("import json, sys; from benchmarks.molecules import _work; "
            "print(json.dumps(_work(sys.argv[1])))")
    try:
        done = subprocess.run([sys.executable, "-c", code, smiles], capture_output=True, text=True,
                              timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "seconds": timeout_s, "peak_mb": float("nan"),
                "view_s": float("nan")}
    if done.returncode:
        return {"outcome": f"crash: {done.stderr.strip()[-70:]}", "seconds": float("nan"),
                "peak_mb": float("nan"), "view_s": float("nan")}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    rows = []
    accepted_times, accepted_mb, refused_times, view_times = [], [], [], []
    for label, smiles in cases():
        result = measure(smiles)
        accepted = result["outcome"] == "accepted"
        if accepted:
            accepted_times.append(result["seconds"])
            accepted_mb.append(result["peak_mb"])
            view_times.append(result["view_s"])
            met = result["seconds"] < TIME_LIMIT_S and result["peak_mb"] < MEMORY_LIMIT_MB
            target = f"< {TIME_LIMIT_S:g} s, < {MEMORY_LIMIT_MB:g} MB"
        else:
            refused = result["outcome"].startswith("refused")
            if refused:
                refused_times.append(result["seconds"])
            met = refused and result["seconds"] < REFUSE_LIMIT_S
            target = f"refused < {REFUSE_LIMIT_S:g} s"
        rows.append((f"{label}: {result['outcome'][:60]}",
                     f"{result['seconds']:.3f} s, {result['peak_mb']:.0f} MB "
                     f"(3D view {result['view_s']:.2f} s)", target, met))
    print_table(rows, "Featurization of one new polymer (fresh process each)")
    summary = [
        ("worst accepted time", f"{max(accepted_times):.3f} s", f"< {TIME_LIMIT_S:g} s",
         max(accepted_times) < TIME_LIMIT_S),
        ("worst accepted peak memory (whole process)", f"{max(accepted_mb):.0f} MB",
         f"< {MEMORY_LIMIT_MB:g} MB", max(accepted_mb) < MEMORY_LIMIT_MB),
        ("worst refusal time", f"{max(refused_times, default=0.0):.3f} s", f"< {REFUSE_LIMIT_S:g} s",
         max(refused_times, default=0.0) < REFUSE_LIMIT_S),
    ]
    summary.append(("worst 3D view (conformer embedding, not featurization)",
                    f"{max(view_times):.2f} s", "bounded by the app's time limit", None))
    print_table(summary, "Bound")


if __name__ == "__main__":
    main()
