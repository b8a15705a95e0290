"""Literature checks of the dissolution verdicts: ``python -m benchmarks.dissolution_checks``.

Each row of ``tests/data/dissolution_checks.csv`` is a fact from the literature (source in the
row): a measured dissolution temperature, "dissolves at T" or "does not dissolve at T". The
verdict is the model's χ(T) ± nothing (the central value) with the crystalline limit of
``chiapp.crystallinity`` (:func:`chiapp.crystallinity.dissolution_limit`), and a tolerance of
TOLERANCE_K on temperatures:

- dissolution_temperature: passes when the predicted Td is within ± TOLERANCE_K of the measured one;
- dissolves at T:          passes when it is predicted to dissolve at T + TOLERANCE_K;
- insoluble at T:          passes when it is predicted not to dissolve at T - TOLERANCE_K.

The same rows are scored for the χ-only verdict (χ < χ_c, the polymer treated as amorphous) as
the baseline the crystalline limit has to beat. Prints one line per row and the pass rates.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from scipy.constants import zero_Celsius

from benchmarks.table import print_table
from chiapp.crystallinity import crystalline_limit, dissolution_limit

CHECKS_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "dissolution_checks.csv"
#: Tolerance on a temperature [K]: about the spread of reported dissolution temperatures of one
#: polyolefin in one solvent (grades, heating rates, concentrations).
TOLERANCE_K = 15.0
KINDS = ("dissolution_temperature", "dissolves", "insoluble")


def load_checks(path: Path = CHECKS_FILE) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"group": str, "step": str, "note": str}, keep_default_na=False)


def evaluate(checks: pd.DataFrame | None = None, tolerance_k: float = TOLERANCE_K) -> pd.DataFrame:
    """One row per check: the predicted Td [°C], whether the crystalline verdict and the χ-only
    baseline pass, and the reason text."""
    checks = load_checks() if checks is None else checks
    rows = []
    for check in checks.itertuples(index=False):
        t_k = float(check.temperature_c) + zero_Celsius
        temperatures = [t_k - tolerance_k, t_k, t_k + tolerance_k]
        limit = dissolution_limit(check.polymer, check.solvent, temperatures)
        baseline = crystalline_limit(limit.polymer, limit.a, limit.b_k, 0.0, temperatures,
                                     chi_critical=limit.chi_critical, data=None)
        outcomes = []
        for result in (limit, baseline):
            if check.kind == "dissolves":
                outcomes.append(bool(result.dissolves[2]))
            elif check.kind == "insoluble":
                outcomes.append(not bool(result.dissolves[0]))
            elif check.kind == "dissolution_temperature":
                td = result.dissolution_temperature_k
                outcomes.append(td is not None and abs(td - t_k) <= tolerance_k)
            else:
                raise ValueError(f"unknown kind {check.kind!r}; expected one of {KINDS}")
        td = limit.dissolution_temperature_k
        rows.append({"polymer": check.polymer, "solvent": check.solvent, "kind": check.kind,
                     "temperature_c": float(check.temperature_c),
                     "predicted_td_c": None if td is None else td - zero_Celsius,
                     "passes": outcomes[0], "chi_only_passes": outcomes[1], "reason": limit.reason,
                     "source": check.source})
    return pd.DataFrame(rows)


def main() -> None:
    results = evaluate()
    with pd.option_context("display.max_rows", None, "display.width", 220, "display.max_colwidth", 70):
        print(results[["polymer", "solvent", "kind", "temperature_c", "predicted_td_c", "passes", "chi_only_passes",
                       "reason"]].to_string(index=False, float_format="{:.0f}".format))
    rate, baseline = results["passes"].mean(), results["chi_only_passes"].mean()
    print_table([
        (f"pass rate, crystalline limit (±{TOLERANCE_K:.0f} K), {len(results)} checks", f"{rate:.2f}", "≥ 0.55",
         rate >= 0.55),
        ("pass rate, χ only (amorphous baseline)", f"{baseline:.2f}", "", None),
    ], title="Dissolution checks against the literature")


if __name__ == "__main__":
    main()
