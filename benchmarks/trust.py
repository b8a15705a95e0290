"""Issue 'answers a chemist can act on': the posterior against the raw ensemble, one table.

    python -m benchmarks.trust

1. Leave-polymer-out (5 folds grouped by polymer), from the model manifest's "posterior" entry
   (``training.posterior`` fitted each fold's parameters on the other folds): MAE and R² of the raw
   ensemble, the Hansen prior alone and the posterior, and the MAE on the fifth of held-out rows
   with the largest ensemble spread, next to the best constant on that fifth; 2σ coverage.
2. The literature check set ``tests/data/solubility_facts.csv`` (each fact with its source):
   pass rate per kind before (raw ensemble: 'good' when χ + σ < χc, 'poor' when χ − σ > χc;
   and the classifier head at 0.5) and after (the posterior verdict), and after with each pair's
   cited dissolution facts (``assets/evidence/dissolution_temperatures.csv``) left out, where it has
   some; whether the verdict and the probability shown agree on every row.
3. The issue's named cases: PVDF ranked at 25 °C, PDMS in toluene at 25 °C.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from chiapp import load_model, predict_chi, rank_solvents
from chiapp.evidence import pair_key, without_dissolution_facts
from chiapp.units import kelvin

FACTS = Path(__file__).resolve().parents[1] / "tests" / "data" / "solubility_facts.csv"
#: θ facts pass when the posterior χ at θ is within this of 1/2 (the θ condition, infinite chain).
THETA_CHI_TOLERANCE = 0.1


def _row(measurement: str, value: str, target: str = "", met: bool | None = None) -> tuple:
    return measurement, value, target, met


def held_out_rows(manifest: dict) -> list[tuple]:
    held = manifest["posterior"]["held_out"]
    rows = []
    for name in ("ensemble", "prior", "posterior", "constant"):
        m = held[name]
        rows.append(_row(f"leave-polymer-out, {name}: MAE / R² / MAE on the most uncertain fifth",
                         f"{m['mae']:.3f} / {m['r2']:.3f} / {m['mae_most_uncertain_fifth']:.3f}"))
    post, ens, prior = held["posterior"], held["ensemble"], held["prior"]
    rows.append(_row("posterior MAE below the ensemble's and the prior's", f"{post['mae']:.3f}",
                     f"< {min(ens['mae'], prior['mae']):.3f}", post["mae"] < min(ens["mae"], prior["mae"])))
    best = min(held["best_constant_on_that_fifth_mae"], held["constant"]["mae_most_uncertain_fifth"])
    rows.append(_row("posterior MAE on the most uncertain fifth, against the best constant there",
                     f"{post['mae_most_uncertain_fifth']:.3f}", f"<= {best:.3f}",
                     post["mae_most_uncertain_fifth"] <= best))
    cov = held["posterior_coverage_2sigma"]
    rows.append(_row("posterior 2σ coverage (held-out polymers)", f"{cov:.3f}", "0.85–0.95", 0.85 <= cov <= 0.95))
    sources = held.get("held_out_sources")
    if sources:  # training.sources: each laboratory's χ of a pair predicted from the others'
        shrunk, alone, nested, shipped = (sources[k] for k in (
            "coverage_shrunk_sigma", "coverage_floor_alone", "coverage_with_floor_chosen_leave_polymer_out",
            "coverage_with_floor"))
        rows.append(_row(f"2σ' coverage of held-out laboratories ({sources['points']} points, {sources['pairs']} "
                         "pairs): σ' = √(σ² + τ²), another laboratory's band, τ chosen on the other polymers",
                         f"{nested:.3f}", "0.85–0.95", 0.85 <= nested <= 0.95))
        rows.append(_row(f"the same with the shipped τ = {sources['source_sigma']:.3f} (chosen on all those pairs) / "
                         "σ alone, the consensus band / τ alone", f"{shipped:.3f} / {shrunk:.3f} / {alone:.3f}"))
    return rows


def literature(facts: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple]]:
    """Every fact with the before/after answers, and the table rows."""
    model = load_model()
    records = []
    for fact in facts.itertuples(index=False):
        t_k = kelvin(float(fact.temperature_c))
        p = predict_chi(fact.polymer, fact.solvent, t_k, model=model)
        held_out = p.verdict
        if p.evidence.dissolves_at_k:
            with without_dissolution_facts([pair_key(p.polymer, p.solvent)]):
                held_out = predict_chi(fact.polymer, fact.solvent, t_k, model=model).verdict
        ens_chi, ens_std = float(p.ensemble_chi[0]), float(p.ensemble_chi_std[0])
        before = ("dissolves" if ens_chi + ens_std < p.chi_critical else
                  "does not dissolve" if ens_chi - ens_std > p.chi_critical else "borderline")
        record = {"kind": fact.kind, "polymer": fact.polymer, "solvent": fact.solvent,
                  "temperature_c": fact.temperature_c,
                  "before": before, "classifier": float(p.classifier_probability), "after": p.verdict,
                  "facts_used": bool(p.evidence.dissolves_at_k), "after_held_out": held_out,
                  "probability": float(p.dissolve_probability[0]), "chi": float(p.chi[0]),
                  "chi_std": float(p.chi_std[0]), "ensemble_chi": ens_chi, "chi_critical": p.chi_critical}
        if fact.kind == "dissolves":
            record.update(pass_before=before == "dissolves", pass_classifier=record["classifier"] > 0.5,
                          pass_after=p.verdict == "dissolves")
        elif fact.kind == "does_not_dissolve":
            record.update(pass_before=before == "does not dissolve", pass_classifier=record["classifier"] < 0.5,
                          pass_after=p.verdict == "does not dissolve")
        elif fact.kind == "theta_c":
            record.update(pass_before=abs(ens_chi - 0.5) <= THETA_CHI_TOLERANCE, pass_classifier=None,
                          pass_after=abs(record["chi"] - 0.5) <= THETA_CHI_TOLERANCE)
        else:  # a measured χ
            value = float(fact.value)
            record.update(pass_before=abs(ens_chi - value) <= 2 * ens_std, pass_classifier=None,
                          pass_after=abs(record["chi"] - value) <= 2 * record["chi_std"])
        # the probability and the verdict shown must agree
        record["agrees"] = ((p.verdict == "dissolves") == (record["probability"] >= 0.7)
                            and (p.verdict == "does not dissolve") == (record["probability"] <= 0.3))
        records.append(record)
    table = pd.DataFrame(records)
    rows = []
    for kind, group in table.groupby("kind", sort=False):
        classifier = (f", classifier {group['pass_classifier'].astype(bool).mean():.0%}"
                      if group["pass_classifier"].notna().all() else "")
        rows.append(_row(f"literature '{kind}' ({len(group)} facts): pass rate before → after",
                         f"{group['pass_before'].mean():.0%} → {group['pass_after'].mean():.0%}{classifier}"))
        wrong = group["after"].eq("does not dissolve" if kind == "dissolves" else "dissolves") \
            if kind in ("dissolves", "does_not_dissolve") else None
        if wrong is not None:
            rows.append(_row(f"  '{kind}': verdict the opposite of the literature (after)", f"{wrong.mean():.0%}"))
            expected = "dissolves" if kind == "dissolves" else "does not dissolve"
            rows.append(_row(f"  '{kind}': pass rate with each pair's cited dissolution facts left out "
                             f"({int(group['facts_used'].sum())} facts have some)",
                             f"{group['after_held_out'].eq(expected).mean():.0%}"))
    rows.append(_row("verdict and probability agree on every fact", f"{table['agrees'].mean():.0%}", "100 %",
                     bool(table["agrees"].all())))
    return table, rows


def named_cases() -> list[tuple]:
    rows = []
    ranking = rank_solvents("PVDF", kelvin(25.0)).table.reset_index(drop=True)
    places = {name: int(ranking.index[ranking["name"] == name][0]) + 1 for name in
              ("N-methyl-2-pyrrolidone", "N,N-dimethylformamide", "N,N-dimethylacetamide", "dimethyl sulfoxide")
              if (ranking["name"] == name).any()}
    rows.append(_row("PVDF at 25 °C: places of NMP, DMF, DMAc, DMSO among " + str(len(ranking)),
                     ", ".join(f"{k.split('-')[-1] if 'pyrrol' in k else k}: {v}" for k, v in places.items()),
                     "all in the top 20", all(v <= 20 for v in places.values()) and len(places) == 4))
    first_good_in = ranking.index[(ranking["verdict"] == "dissolves") & ranking["in_domain"]]
    wide_out = ranking.index[(~ranking["in_domain"]) & (ranking["chi_std"] > 1)]
    ok = len(first_good_in) == 0 or not any(i < first_good_in[0] for i in wide_out)
    rows.append(_row("no out-of-domain row with σ > 1 above the first in-domain good solvent (PVDF, PS, PMMA)",
                     "yes" if ok else "no", "yes", ok))
    pdms = predict_chi("*O[Si](C)(C)*", "toluene", kelvin(25.0))
    rows.append(_row("PDMS in toluene at 25 °C: χ ± σ (literature about 0.45)",
                     f"{pdms.chi[0]:.2f} ± {pdms.chi_std[0]:.2f} ({pdms.verdict}, in domain: {pdms.in_domain})",
                     "within 0.3 of 0.45", abs(pdms.chi[0] - 0.45) <= 0.3))
    return rows


def main() -> int:
    from benchmarks.table import print_table

    manifest = load_model().manifest
    print_table(held_out_rows(manifest), title="Posterior on held-out polymers (python -m training.posterior)")
    facts = pd.read_csv(FACTS)
    table, rows = literature(facts)
    print_table(rows, title=f"Literature check set ({len(facts)} facts, {FACTS.name})")
    print_table(named_cases(), title="Named cases")
    wrong = table[(table["kind"].isin(["dissolves", "does_not_dissolve"])) & ~table["pass_after"].astype(bool)]
    print(f"\n{len(wrong)} facts not passed after (verdict, P, χ ± σ vs χc):")
    for r in wrong.itertuples(index=False):
        print(f"  {r.kind}: {r.polymer} in {r.solvent} at {r.temperature_c} °C -> {r.after}, P {r.probability:.2f}, "
              f"χ {r.chi:.2f} ± {r.chi_std:.2f} vs {r.chi_critical:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
