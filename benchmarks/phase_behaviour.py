"""Critical temperatures against the literature phase behaviour: ``python -m benchmarks.phase_behaviour``.

Each usable row of ``assets/evidence/phase_behaviour.csv`` (θ, UCST, LCST; below the solvent's
boiling point, see ``chiapp.evidence``) is asked of the answer engine: the temperature nearest to
the row's where the posterior χ(T) = a + b/T + c/T² crosses the row's χ (½ at θ, χc(N) of the
row's M_n at a critical point), found on 150-700 K. Twice: with every entry (the answer a user
gets) and leave-one-system-out (the system's own phase rows removed, its measured χ kept). Prints
one line per row and the share within 15 K.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.table import print_table
from chiapp.answer import answer_grid
from chiapp.evidence import phase_systems, without_phase_evidence
from chiapp.features import polymer_features, solvent_features
from chiapp.flory_huggins import ChiCoefficients
from chiapp.units import ZERO_CELSIUS_K

TOLERANCE_K = 15.0
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
        fits = {}
        for label, context in (("with", None), ("loso", without_phase_evidence([key]))):
            if context is None:
                answer = answer_grid([polymer], [solvent], [298.15])
            else:
                with context:
                    answer = answer_grid([polymer], [solvent], [298.15])
            fits[label] = ChiCoefficients(float(answer.a[0, 0]), float(answer.b_k[0, 0]), float(answer.c_k2[0, 0]))
        for t_k, chi, _, kind, source in points:
            if kind not in ("θ temperature", "UCST", "LCST"):
                continue
            found = {label: _crossing_k(c, chi, t_k) for label, c in fits.items()}
            rows.append({"polymer": polymer.label, "solvent": solvent.label, "kind": kind,
                         "literature_c": t_k - ZERO_CELSIUS_K, "with_c": found["with"] - ZERO_CELSIUS_K,
                         "loso_c": found["loso"] - ZERO_CELSIUS_K, "source": source[:60]})
    frame = pd.DataFrame(rows)
    for label in ("with", "loso"):
        frame[f"{label}_ok"] = (frame[f"{label}_c"] - frame["literature_c"]).abs() <= TOLERANCE_K
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
    print(frame.drop(columns=["source"]).round(1).to_string(index=False))
    systems = frame.groupby(["polymer", "solvent"]).ngroups
    print_table([
        (f"critical temperatures within {TOLERANCE_K:.0f} K, every entry used ({len(frame)} rows, {systems} systems)",
         f"{frame['with_ok'].mean():.0%}", "≥ 80 %", bool(frame["with_ok"].mean() >= 0.8)),
        ("the same, leave-one-system-out (its own phase rows removed)", f"{frame['loso_ok'].mean():.0%}", "reported",
         None),
        ("rows and systems in the table", f"{n_rows} / {n_systems}", "≥ 150 / ≥ 40",
         bool(n_rows >= 150 and n_systems >= 40)),
    ], "Phase behaviour: θ, UCST and LCST temperatures")


if __name__ == "__main__":
    main()
