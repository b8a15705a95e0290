"""Critical temperatures against the literature phase behaviour: ``python -m benchmarks.phase_behaviour``.

Each usable row of ``assets/evidence/phase_behaviour.csv`` (θ, UCST, LCST; below the solvent's
boiling point, see ``chiapp.evidence``) is asked of the answer engine: the temperature nearest to
the row's where the posterior χ(T) = a + b/T + c/T² crosses the row's χ (½ at θ, χc(N) of the
row's M_n at a critical point), found on 150-700 K. Twice: with every entry (the answer a user
gets) and leave-one-system-out (the system's own phase rows removed, its measured χ kept). Prints
one line per row, the share within 15 K, and whether the error bar is honest there: the share of
rows whose χ lies within 2σ' of the answer at the literature temperature (the critical-temperature
interval of the χ ± 2σ' band then holds the literature temperature). σ' is the band the answer gives
for another laboratory's χ (``laboratory_chi_std``): a literature θ or cloud point is one.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from benchmarks.table import print_table
from chiapp.answer import answer_grid
from chiapp.evidence import PHASE_POINT_KINDS, phase_systems, without_phase_evidence
from chiapp.features import polymer_features, solvent_features
from chiapp.flory_huggins import ChiCoefficients
from chiapp.units import ZERO_CELSIUS_K

TOLERANCE_K = 15.0
COVERAGE_SIGMAS = 2.0
_GRID_K = np.linspace(150.0, 700.0, 5501)


def _crossing_k(coefficients: ChiCoefficients, chi: float, near_k: float) -> float:
    """The temperature [K] nearest ``near_k`` where χ(T) crosses ``chi`` (NaN: none on 150-700 K)."""
    values = coefficients.chi(_GRID_K) - chi
    sign = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) <= 0)
    if not sign.size:
        return float("nan")
    roots = _GRID_K[sign] - values[sign] * (_GRID_K[sign + 1] - _GRID_K[sign]) / (values[sign + 1] - values[sign])
    return float(roots[np.argmin(np.abs(roots - near_k))])


def evaluate() -> pd.DataFrame:
    rows = []
    for key, (polymer_smiles, solvent_smiles, points) in phase_systems().items():
        polymer, solvent = polymer_features(polymer_smiles), solvent_features(solvent_smiles)
        points = [p for p in points if p[3] in PHASE_POINT_KINDS - {"cloud point"}]
        if not points:
            continue
        temperatures_k, chis = [p[0] for p in points], np.array([p[1] for p in points])
        fits, z = {}, {}
        for label, context in (("with", contextlib.nullcontext()), ("loso", without_phase_evidence([key]))):
            with context:
                answer = answer_grid([polymer], [solvent], temperatures_k)
            fits[label] = ChiCoefficients(float(answer.a[0, 0]), float(answer.b_k[0, 0]), float(answer.c_k2[0, 0]))
            z[label] = (answer.chi[0, 0] - chis) / answer.laboratory_chi_std[0, 0]
            if label == "loso":
                z["loso_sigma"] = (answer.chi[0, 0] - chis) / answer.chi_std[0, 0]
        for i, (t_k, chi, _, kind, source) in enumerate(points):
            found = {label: _crossing_k(c, chi, t_k) for label, c in fits.items()}
            rows.append({"polymer": polymer.label, "solvent": solvent.label, "kind": kind,
                         "literature_c": t_k - ZERO_CELSIUS_K, "with_c": found["with"] - ZERO_CELSIUS_K,
                         "loso_c": found["loso"] - ZERO_CELSIUS_K, "with_z": z["with"][i],
                         "loso_z": z["loso"][i], "loso_sigma_z": z["loso_sigma"][i], "source": source[:60]})
    frame = pd.DataFrame(rows)
    for label in ("with", "loso"):
        frame[f"{label}_ok"] = (frame[f"{label}_c"] - frame["literature_c"]).abs() <= TOLERANCE_K
    for label in ("with", "loso", "loso_sigma"):
        frame[f"{label}_covered"] = frame[f"{label}_z"].abs() <= COVERAGE_SIGMAS
    return frame


def table_size() -> tuple[int, int]:
    """(rows, distinct polymer–solvent systems by resolved structure) of the whole table, usable or not."""
    import io

    from chiapp.library import resolve_polymer, resolve_solvent
    from chiapp.resources import verified_asset

    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "phase_behaviour.csv")))
    systems = {(resolve_polymer(p).smiles, resolve_solvent(s).smiles)
               for p, s in table[["polymer", "solvent"]].itertuples(index=False)}
    return len(table), len(systems)


def main() -> None:
    frame = evaluate()
    n_rows, n_systems = table_size()
    pd.set_option("display.width", 200)
    shown = ["polymer", "solvent", "kind", "literature_c", "with_c", "loso_c", "with_z", "loso_z", "with_ok", "loso_ok"]
    print(frame[shown].round(1).to_string(index=False))
    systems = frame.groupby(["polymer", "solvent"]).ngroups
    by_system = frame.groupby(["polymer", "solvent"])["loso_covered"].all()
    print_table([
        (f"critical temperatures within {TOLERANCE_K:.0f} K, every entry used ({len(frame)} rows, {systems} systems)",
         f"{frame['with_ok'].mean():.0%}", "≥ 80 %", bool(frame["with_ok"].mean() >= 0.8)),
        ("the same, leave-one-system-out (its own phase rows removed)", f"{frame['loso_ok'].mean():.0%}", "reported",
         None),
        (f"χ within {COVERAGE_SIGMAS:g}σ' of the answer at the literature temperature, every entry used",
         f"{frame['with_covered'].mean():.0%}", "reported", None),
        ("the same, leave-one-system-out: the σ' band's critical-temperature interval holds the literature one "
         "(systems all of whose rows are held)",
         f"{frame['loso_covered'].mean():.0%} ({by_system.sum()} of {len(by_system)})", "0.85-0.95 (as the χ coverage)",
         bool(0.85 <= frame["loso_covered"].mean() <= 0.95)),
        ("the same with σ alone (the consensus of the laboratories whose χ the answer used)",
         f"{frame['loso_sigma_covered'].mean():.0%}", "reported", None),
        ("median |Tc error| leave-one-system-out, where a crossing is found on 150-700 K (rows found)",
         f"{(frame['loso_c'] - frame['literature_c']).abs().median():.0f} K ({frame['loso_c'].notna().sum()})",
         "reported", None),
        ("rows and systems in the table", f"{n_rows} / {n_systems}", "≥ 150 / ≥ 40",
         bool(n_rows >= 150 and n_systems >= 40)),
    ], "Phase behaviour: θ, UCST and LCST temperatures")


if __name__ == "__main__":
    main()
