"""Which laboratory measured each experimental χ: ``python -m training.sources --table table14_1.csv``.

data_Chi.csv (Aoki et al. 2023) was typed from Table 14.1 of Orwoll & Arnold, "Polymer-solvent
interaction parameter χ", in J. E. Mark (ed.), Physical Properties of Polymers Handbook, 2nd ed.,
Springer 2007, ch. 14, which gives the original reference of every entry; data_Chi.csv dropped them.
With ``--table`` (that table as CSV: polymer, solvent, temperature_c, volume_fraction, chi, refs, e.g.
from the public Markdown transcription in GitHub emilioosunaa/poly-solv-thesis), this joins each
data_Chi row to its entry and writes ``training/chi_sources.csv`` (row_label, source: the entry's
reference numbers, ``7;8;9``; volume_fraction: the entry's φ2, ``1`` for inverse gas
chromatography of the bulk polymer). The reference list, which the app cites, is
``assets/evidence/chi_source_references.csv``.

A row matches an entry when the solvent is the same molecule, the temperature is one the entry names
(an end of its range) and χ is one of its values; the entry's polymer is the name most of the data_Chi
polymer's rows match (each repeat unit has one or two such names, e.g. low- and high-density PE).
A row with several matching entries of different sources takes the first in the table's order; the
count is printed. Without ``--table`` it prints how the shipped file covers the open data.

:func:`held_out_sources` is the grouped validation of the engine's σ on other laboratories' data
(``training.posterior`` stores its result in the manifest): for every pair measured by two sources or
more, each source's points are held out in turn and predicted from the leave-polymer-out posterior
corrected by the other sources' points, as ``chiapp.posterior`` corrects it (δa + δb·x, σ_meas per
point, σ shrunk by the measurements). The shrunk σ alone covers far fewer than 90 % of the held-out
source's points: a laboratory's χ differ from another's by more than their scatter about their own
curve. The engine's σ floor (``source_sigma``) is the smallest τ on a grid whose band
σ = √(σ_shrunk² + τ²) covers TARGET_COVERAGE of those points at 2σ, as the posterior's σ scale is
chosen on held-out polymers. Reported beside it: the coverage with τ chosen on the other polymers'
points, and of the 2τ band alone, the pessimistic figure for a pair of the training data, where the
shipped ensemble's own σ is small (it learnt those χ; its errors there are smaller too).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd

from chiapp.chemistry import canonical_solvent
from chiapp.library import resolve_solvent
from chiapp.units import REFERENCE_TEMPERATURE_K, celsius
from training.data import DEFAULT_DATA_DIR, load_training_data

HERE = Path(__file__).resolve().parent
SOURCES_FILE = HERE / "chi_sources.csv"
#: The table's spellings the libraries do not know, as printed (Orwoll & Arnold, Table 14.1).
_SPELLINGS = {"tetrahyrofuran": "tetrahydrofuran", "benezene": "benzene", "proprionitrile": "propionitrile",
              "2-propylbenzene": "cumene", "1,2,-dichloroethane": "1,2-dichloroethane",
              "1,1,1,-trichloroethane": "1,1,1-trichloroethane", "di(ethylene glycol)": "diethylene glycol",
              "trans-decahydronapthalene": "trans-decahydronaphthalene",
              "cis-decahydronapthalene": "cis-decahydronaphthalene", "dichloroethane": "1,2-dichloroethane",
              "dioxane": "1,4-dioxane", "ethyl benzene": "ethylbenzene"}
#: The share of held-out sources' points the 2σ band should cover (as the posterior's σ scale does).
TARGET_COVERAGE = 0.9
#: The grid of between-source σ tried.
SOURCE_SIGMAS = tuple(np.round(np.arange(0.0, 0.501, 0.025), 3))
#: A data_Chi polymer takes every table name with at least this share of the top name's matches.
_NAME_SHARE = 0.2


def _numbers(text) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", str(text).replace("−", "-"))]


def _solvent_key(name: str) -> str | None:
    name = _SPELLINGS.get(name, name)
    for candidate in (name, name.replace("n-", "", 1)):
        try:
            return canonical_solvent(resolve_solvent(candidate).smiles)
        except Exception:  # noqa: BLE001 - carbon dioxide under pressure, hydrochloric acid: not in data_Chi
            continue
    return None


def _candidates(row, entries: pd.DataFrame) -> list[int]:
    same = entries[entries["solvent_key"] == row.solvent_key]
    return [i for i, e in same.iterrows()
            if any(abs(row.temperature_c - t) < 0.06 for t in e["temperatures"])
            and any(abs(row.chi - c) < 0.006 for c in e["chis"])]


def join(experimental: pd.DataFrame, table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """(row_label, source, volume_fraction) of every data_Chi row that matches an entry, and counts."""
    entries = table.assign(solvent_key=table["solvent"].map(_solvent_key), temperatures=table["temperature_c"].map(_numbers),
                           chis=table["chi"].map(_numbers))
    rows = experimental.assign(solvent_key=[canonical_solvent(s) for s in experimental["solvent"]],
                               temperature_c=celsius(experimental["temperature_k"].to_numpy(float)).round(2))
    rows["candidates"] = [_candidates(r, entries) for r in rows.itertuples(index=False)]
    names: dict[str, set[str]] = {}
    for polymer, group in rows.groupby("polymer_key"):
        votes = pd.Series([entries.loc[i, "polymer"] for c in group["candidates"] for i in c]).value_counts()
        names[polymer] = set(votes[votes >= _NAME_SHARE * votes.iloc[0]].index) if len(votes) else set()
    out, ambiguous = [], 0
    for r in rows.itertuples(index=False):
        mine = [i for i in r.candidates if entries.loc[i, "polymer"] in names[r.polymer_key]]
        if not mine:
            continue
        ambiguous += len({entries.loc[i, "refs"] for i in mine}) > 1
        first = entries.loc[min(mine, key=lambda i: entries.loc[i, "row_order"])]
        out.append((r.row_label, first["refs"], first["volume_fraction"]))
    joined = pd.DataFrame(out, columns=["row_label", "source", "volume_fraction"])
    return joined, {"rows": len(rows), "matched": len(joined), "ambiguous": ambiguous,
                    "unresolved_solvents": sorted(set(entries.loc[entries["solvent_key"].isna(), "solvent"]))}


def sources(experimental: pd.DataFrame) -> pd.Series:
    """The source (reference numbers of Orwoll & Arnold's Table 14.1, e.g. '7;8;9') of each row of
    ``experimental`` by its ``row_label``; '' where the join found none."""
    table = pd.read_csv(SOURCES_FILE, dtype={"source": str})
    by_label = dict(zip(table["row_label"], table["source"]))
    return pd.Series([by_label.get(label, "") for label in experimental["row_label"]], index=experimental.index,
                     name="source")


def _held_out_source_points(held: pd.DataFrame, sigma_meas: float) -> pd.DataFrame:
    """One row per point of a pair's held-out source: its residual error after the correction fitted on
    the pair's other sources, the σ the engine shows without a floor (``sigma_shrunk``) and without
    measurements (``sigma_none``)."""
    out = []
    for (polymer, solvent), pair in held[held["source"] != ""].groupby(["polymer_key", "solvent"]):
        source = pair["source"].to_numpy()
        if len(set(source)) < 2:
            continue
        x = REFERENCE_TEMPERATURE_K / pair["temperature_k"].to_numpy(float) - 1.0
        residual = (pair["chi"] - pair["posterior"]).to_numpy(float)
        sigma = pair["posterior_std"].to_numpy(float)
        sigma0 = float(sigma.mean())
        for held_out in sorted(set(source)):
            test, fit = source == held_out, source != held_out
            basis = np.stack([np.ones(fit.sum()), x[fit]], axis=1)
            covariance = np.linalg.inv(np.eye(2) / sigma0**2 + basis.T @ basis / sigma_meas**2)
            delta = covariance @ basis.T @ residual[fit] / sigma_meas**2
            for j in np.flatnonzero(test):
                v = np.array([1.0, x[j]])
                shrink = min(1.0, float(v @ covariance @ v) / (sigma0**2 * (1.0 + x[j] ** 2)))
                out.append((polymer, solvent, held_out, residual[j] - float(v @ delta), sigma[j] * np.sqrt(shrink),
                            sigma[j], residual[j]))
    return pd.DataFrame(out, columns=["polymer_key", "solvent", "source", "error", "sigma_shrunk", "sigma_none",
                                      "error_none"])


def _coverage(points: pd.DataFrame, tau: float, shrunk: bool = True) -> np.ndarray:
    sigma = np.hypot(points["sigma_shrunk"], tau) if shrunk else tau
    return (np.abs(points["error"]) <= 2.0 * sigma).to_numpy()


def _choose(points: pd.DataFrame) -> float:
    covered = {tau: float(_coverage(points, tau).mean()) for tau in SOURCE_SIGMAS}
    enough = [tau for tau in SOURCE_SIGMAS if covered[tau] >= TARGET_COVERAGE]
    return float(enough[0]) if enough else float(max(SOURCE_SIGMAS, key=lambda tau: (covered[tau], -tau)))


def held_out_sources(held: pd.DataFrame, sigma_meas: float) -> dict:
    """The between-source σ and the held-out-source scores (module docstring) of the leave-polymer-out
    rows ``held`` (``training.posterior.study``: posterior and posterior_std without evidence; their
    ``source`` column, or :func:`sources` of their ``row_label``)."""
    points = _held_out_source_points(held if "source" in held else held.assign(source=sources(held)), sigma_meas)
    if points.empty:
        raise ValueError("no pair is measured by two sources: there is no laboratory to hold out")
    tau = _choose(points)
    nested = np.zeros(len(points), dtype=bool)
    for _, rows in points.groupby("polymer_key").groups.items():
        mine = points.index.isin(rows)
        nested[mine] = _coverage(points, _choose(points[~mine]))[mine]
    error = np.abs(points["error"])
    return {"source_sigma": tau, "points": len(points), "pairs": int(points.groupby(["polymer_key", "solvent"]).ngroups),
            "polymers": int(points["polymer_key"].nunique()), "sources": int(points["source"].nunique()),
            "mae_without_evidence": float(np.mean(np.abs(points["error_none"]))),
            "mae_with_other_sources": float(np.mean(error)),
            "coverage_without_evidence": float(np.mean(np.abs(points["error_none"]) <= 2 * points["sigma_none"])),
            "coverage_shrunk_sigma": float(_coverage(points, 0.0).mean()),
            "coverage_floor_alone": float(_coverage(points, tau, shrunk=False).mean()),
            "coverage_with_floor": float(_coverage(points, tau).mean()),
            "coverage_with_floor_chosen_leave_polymer_out": float(nested.mean())}


def summary(experimental: pd.DataFrame) -> dict:
    """How the sources cover the open data: rows, pairs measured by two sources or more."""
    frame = experimental.assign(source=sources(experimental))
    known = frame[frame["source"] != ""]
    per_pair = known.groupby(["polymer_key", "solvent"])["source"].nunique()
    return {"rows": len(frame), "with_source": len(known), "sources": int(known["source"].nunique()),
            "pairs": int(frame.groupby(["polymer_key", "solvent"]).ngroups),
            "pairs_with_two_sources": int((per_pair >= 2).sum()),
            "rows_in_those_pairs": int(known.set_index(["polymer_key", "solvent"]).index.isin(
                per_pair[per_pair >= 2].index).sum())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.sources", description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, help="Table 14.1 as CSV; rebuilds training/chi_sources.csv")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)
    experimental = load_training_data(args.data_dir).experimental
    if args.table:
        joined, counts = join(experimental, pd.read_csv(args.table, dtype=str).assign(
            row_order=lambda t: t["row_order"].astype(int)))
        joined.to_csv(SOURCES_FILE, index=False)
        print(f"matched {counts['matched']} of {counts['rows']} rows ({counts['ambiguous']} with entries of several "
              f"sources: the first taken); table solvents not named: {', '.join(counts['unresolved_solvents'])}")
    print(summary(experimental))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
