"""Validate quantum-chemistry χ (chiapp.quantum) against the paper's COSMO-RS χ and the experimental χ.

    python -m training.qc_validate [--data-dir ../shared/data] [--max-polymers N] [--output pairs.csv]

For every row of data_COSMO.csv (1,206 rows, 46 polymers, 139 solvents) and data_Chi.csv (1,190
experimental rows), χ is computed with :func:`chiapp.quantum.chi.chi_infinite_dilution` from MOPAC
PM7 σ-profiles (computed once per molecule into the σ-profile cache), and set beside the Hansen χ
of :func:`chiapp.hansen.hansen_chi`. Printed: Spearman ρ, Pearson r and MAE against COSMO-RS and
against experiment (all rows, and the mean of per-polymer Spearman ρ over polymers with ≥ 5 rows),
for χ (residual + Staverman–Guggenheim), its residual part alone, and the Hansen χ; then the
same after the one affine map a + b·χ_QC fitted on the COSMO-RS rows only (never on experimental
χ), and the time per σ-profile. ``--output`` writes the pairs side by side (not committed: it
carries the data's χ values).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr

from chiapp import hansen
from chiapp.chemistry import parse_polymer, parse_solvent
from chiapp.errors import ChiAppError
from chiapp.quantum.chi import DEFAULT_METHOD, chi_infinite_dilution
from chiapp.quantum.sigma import polymer_sigma_profile, solvent_sigma_profile
from training.data import DEFAULT_DATA_DIR, load_training_data


def _profiles(smiles: list[str], compute, label: str) -> tuple[dict, dict, list[float]]:
    profiles, failed, seconds = {}, {}, []
    for i, s in enumerate(smiles, 1):
        start = time.perf_counter()
        try:
            profiles[s] = compute(s)
        except ChiAppError as err:
            failed[s] = str(err)
        elapsed = time.perf_counter() - start
        seconds.append(elapsed)
        print(f"  {label} {i}/{len(smiles)} {elapsed:6.1f} s  {s}", flush=True)
    return profiles, failed, seconds


def _hansen(frame: pd.DataFrame) -> np.ndarray:
    out = np.full(len(frame), np.nan)
    cache_p, cache_s = {}, {}
    for i, (p, s, t) in enumerate(zip(frame["polymer"], frame["solvent"], frame["temperature_k"])):
        if p not in cache_p:
            cache_p[p] = hansen.estimate_hansen(parse_polymer(p))
        if s not in cache_s:
            cache_s[s] = hansen.estimate_hansen(parse_solvent(s))
        ep, es = cache_p[p], cache_s[s]
        if ep.is_complete and es.is_complete:
            out[i] = hansen.hansen_chi((ep.delta_d_mpa05, ep.delta_p_mpa05, ep.delta_h_mpa05),
                                       (es.delta_d_mpa05, es.delta_p_mpa05, es.delta_h_mpa05),
                                       es.molar_volume_cm3_per_mol, t)
    return out


def _qc(frame: pd.DataFrame, polymers: dict, solvents: dict) -> tuple[np.ndarray, np.ndarray]:
    total = np.full(len(frame), np.nan)
    residual = np.full(len(frame), np.nan)
    for i, (p, s, t) in enumerate(zip(frame["polymer"], frame["solvent"], frame["temperature_k"])):
        if p in polymers and s in solvents:
            res, comb = chi_infinite_dilution(polymers[p], solvents[s], [t])
            residual[i], total[i] = res[0], res[0] + comb[0]
    return total, residual


def _metrics(reference: np.ndarray, estimate: np.ndarray, groups: np.ndarray) -> dict:
    ok = np.isfinite(reference) & np.isfinite(estimate)
    r, e, g = reference[ok], estimate[ok], groups[ok]
    per_group = []
    for key in np.unique(g):
        mask = g == key
        if mask.sum() >= 5 and np.ptp(r[mask]) > 0 and np.ptp(e[mask]) > 0:
            per_group.append(spearmanr(r[mask], e[mask]).statistic)
    return {"n": int(ok.sum()), "spearman": spearmanr(r, e).statistic, "pearson": pearsonr(r, e).statistic,
            "mae": float(np.mean(np.abs(r - e))), "per_polymer_spearman": float(np.mean(per_group)),
            "n_polymers": len(per_group)}


def _print(title: str, rows: dict[str, dict]) -> None:
    print(f"\n### {title}\n")
    print("| estimate | rows | Spearman ρ | Pearson r | MAE | mean per-polymer ρ (polymers) |")
    print("|---|---|---|---|---|---|")
    for name, m in rows.items():
        print(f"| {name} | {m['n']} | {m['spearman']:.3f} | {m['pearson']:.3f} | {m['mae']:.3f} | "
              f"{m['per_polymer_spearman']:.3f} ({m['n_polymers']}) |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--cache-dir", help="σ-profile cache (default: the user's cache)")
    parser.add_argument("--max-polymers", type=int, default=None,
                        help="only the first N polymers in sorted SMILES order (all by default)")
    parser.add_argument("--output", type=Path, help="write the pairs side by side to this CSV")
    args = parser.parse_args(argv)

    data = load_training_data(args.data_dir)
    cosmo, experimental = data.cosmo.copy(), data.experimental.copy()
    polymers = sorted(set(cosmo["polymer"]) | set(experimental["polymer"]))
    if args.max_polymers is not None:
        polymers = polymers[: args.max_polymers]
        cosmo = cosmo[cosmo["polymer"].isin(polymers)]
        experimental = experimental[experimental["polymer"].isin(polymers)]
    solvents = sorted(set(cosmo["solvent"]) | set(experimental["solvent"]))
    print(f"{len(polymers)} polymers, {len(solvents)} solvents; MOPAC {DEFAULT_METHOD}", flush=True)

    start = time.perf_counter()
    solvent_profiles, solvent_failed, solvent_s = _profiles(
        solvents, lambda s: solvent_sigma_profile(s, DEFAULT_METHOD, cache_dir=args.cache_dir), "solvent")
    polymer_profiles, polymer_failed, polymer_s = _profiles(
        polymers, lambda p: polymer_sigma_profile(p, DEFAULT_METHOD, cache_dir=args.cache_dir), "polymer")
    profile_wall = time.perf_counter() - start
    for s, why in {**solvent_failed, **polymer_failed}.items():
        print(f"  failed: {s}: {why}")

    start = time.perf_counter()
    for frame in (cosmo, experimental):
        frame["chi_qc"], frame["chi_qc_residual"] = _qc(frame, polymer_profiles, solvent_profiles)
        frame["chi_hansen"] = _hansen(frame)
    pair_wall = time.perf_counter() - start
    n_pairs = len(cosmo) + len(experimental)

    def table(frame: pd.DataFrame, extra: dict[str, np.ndarray] | None = None) -> dict[str, dict]:
        groups = frame["polymer_key"].to_numpy()
        reference = frame["chi"].to_numpy()
        rows = {"QC χ residual + SG": _metrics(reference, frame["chi_qc"].to_numpy(), groups),
                "QC χ residual only (qc_chi default)": _metrics(reference, frame["chi_qc_residual"].to_numpy(), groups),
                "Hansen χ": _metrics(reference, frame["chi_hansen"].to_numpy(), groups)}
        for name, values in (extra or {}).items():
            rows[name] = _metrics(reference, values, groups)
        return rows

    # the one tuned map: affine in χ_QC, least squares on the COSMO-RS rows only
    fitted = {}
    for column in ("chi_qc", "chi_qc_residual"):
        ok = np.isfinite(cosmo[column]) & np.isfinite(cosmo["chi"])
        b, a = np.polyfit(cosmo.loc[ok, column], cosmo.loc[ok, "chi"], 1)
        fitted[column] = (a, b)
    def mapped(frame):
        return {f"{a:+.3f} + {b:.3f}·χ_QC{' residual' if c.endswith('residual') else ''} (fit on COSMO-RS)":
                a + b * frame[c].to_numpy() for c, (a, b) in fitted.items()}

    _print(f"Against the paper's COSMO-RS χ ({len(cosmo)} rows)", table(cosmo, mapped(cosmo)))
    _print(f"Against experimental χ ({len(experimental)} rows)", table(experimental, mapped(experimental)))
    _print("COSMO-RS χ itself against experimental χ (pairs in both, mean over temperatures)",
           {"COSMO-RS χ": _cosmo_vs_experiment(cosmo, experimental)})
    print("\n### Time\n")
    print(f"- σ-profiles: {len(solvents)} solvents, median {np.median(solvent_s):.2f} s (max {max(solvent_s):.1f} s); "
          f"{len(polymers)} polymers, median {np.median(polymer_s):.2f} s (max {max(polymer_s):.1f} s); "
          f"wall {profile_wall:.0f} s (0 s when cached)")
    print(f"- χ from cached profiles: {n_pairs} rows in {pair_wall:.1f} s ({1e3 * pair_wall / n_pairs:.1f} ms per row, "
          "Hansen included)")
    if args.output:
        pd.concat([cosmo.assign(reference="COSMO-RS"), experimental.assign(reference="experimental")]).to_csv(
            args.output, index=False)
        print(f"- pairs side by side: {args.output}")
    return 0


def _cosmo_vs_experiment(cosmo: pd.DataFrame, experimental: pd.DataFrame) -> dict:
    c = cosmo.groupby(["polymer_key", "solvent"])["chi"].mean()
    e = experimental.groupby(["polymer_key", "solvent"])["chi"].mean()
    both = pd.concat([e.rename("exp"), c.rename("cosmo")], axis=1).dropna()
    return _metrics(both["exp"].to_numpy(), both["cosmo"].to_numpy(), both.index.get_level_values(0).to_numpy())


if __name__ == "__main__":
    raise SystemExit(main())
