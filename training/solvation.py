"""The weight β of the solvation shift of a crystalline polymer's melting χ (``chiapp.crystallinity``).

    python -m training.solvation [--write-manifest]

Each cited fact of ``assets/evidence/dissolution_temperatures.csv`` ("dissolves at T", "insoluble at
T") is asked of the shipped model's answer: the posterior χ ± σ at T (with the pair's own evidence, the
dissolution facts themselves left out),
χc, Flory's melting χ_m(T) and COSMO-SAC's χ_QC(300 K). With the shift the polymer dissolves with
P = Φ((min(χc, χ_m + β·max(0, −χ_QC)) − χ)/σ), and a verdict is right when P ≥ 0.7 for a fact
"dissolves" and P ≤ 0.3 for "insoluble" (``chiapp.posterior.verdict_codes``).

The objective is the share of verdicts right, ties broken by the log-likelihood, over β on a grid
(0 to 2 by 0.01). The log-likelihood alone is flat from β ≈ 0.8 to 1.6 and peaks near 1.4 on the few
facts that would need a shift of 4 or more (PA66 in m-cresol, POM in HFIP), where chloroform then
dissolves PA6, PBT and PEN at 25 °C: the verdicts it serves are the better judge. The honest figure is
leave-polymer-out: β refitted without each repeat unit (its grades held out together) and its facts
scored; ``tests/data/dissolution_checks.csv`` (other facts, other sources) is never used here.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.constants import zero_Celsius

from chiapp.crystallinity import SOLVATION_NODE_K, melting_chi, solvation_shift
from chiapp.model import MANIFEST_FILE, MODEL_DIR, ChiModel
from chiapp.posterior import DISSOLVES_AT, DOES_NOT_AT, dissolve_probability

FACTS_FILE = Path(__file__).resolve().parent.parent / "assets" / "evidence" / "dissolution_temperatures.csv"
WEIGHTS = np.round(np.arange(0.0, 2.0 + 1e-9, 0.01), 2)


@dataclass(frozen=True)
class Facts:
    """The facts as arrays, one per row: what the fit needs of each."""

    group: np.ndarray        # the repeat unit (grades together)
    dissolves: np.ndarray    # bool: the fact says it dissolves at T
    chi: np.ndarray
    sigma: np.ndarray
    chi_critical: np.ndarray
    melting_chi: np.ndarray  # Flory's χ_m(T), no shift
    chi_qc: np.ndarray       # COSMO-SAC χ at SOLVATION_NODE_K (NaN: unknown)
    table: pd.DataFrame      # polymer, solvent, kind, temperature_c of each row

    def probability(self, weight: float) -> np.ndarray:
        limit = np.minimum(self.chi_critical, self.melting_chi + solvation_shift(self.chi_qc, weight))
        return dissolve_probability(self.chi, self.sigma, limit)

    def right(self, weight: float) -> np.ndarray:
        p = self.probability(weight)
        return np.where(self.dissolves, p >= DISSOLVES_AT, p <= DOES_NOT_AT)

    def log_likelihood(self, weight: float) -> float:
        p = np.clip(self.probability(weight), 1e-12, 1 - 1e-12)
        return float(np.sum(np.where(self.dissolves, np.log(p), np.log1p(-p))))

    def subset(self, keep: np.ndarray) -> "Facts":
        return Facts(*(getattr(self, name)[keep] for name in ("group", "dissolves", "chi", "sigma", "chi_critical",
                                                             "melting_chi", "chi_qc")),
                     table=self.table[keep].reset_index(drop=True))


def load_facts(model: ChiModel, path: Path = FACTS_FILE) -> Facts:
    """The facts with the model's answer at each (rows of amorphous grades are left out: no melting χ)."""
    from chiapp.evidence import without_dissolution_facts
    from chiapp.quantum.chi import QC_NODES_K

    node = int(np.flatnonzero(QC_NODES_K == SOLVATION_NODE_K)[0])
    table = pd.read_csv(path, keep_default_na=False)
    rows, keep = [], []
    with without_dissolution_facts():  # the facts fit β; as evidence they would answer themselves
        for i, fact in enumerate(table.itertuples(index=False)):
            row = _fact_row(model, fact, node)
            if row is not None:
                rows.append(row)
                keep.append(i)
    columns = [np.array(c) for c in zip(*rows)]
    return Facts(*columns, table=table.iloc[keep][["polymer", "solvent", "kind", "temperature_c"]]
                 .reset_index(drop=True))


def _fact_row(model: ChiModel, fact, node: int) -> tuple | None:
    """What the fit needs of one fact, a row of Facts (None for an amorphous grade)."""
    from chiapp.answer import MoleculeBlock, answer_grid
    from chiapp.features import polymer_features, solvent_features
    from chiapp.quantum.chi import qc_nodes

    t_k = float(fact.temperature_c) + zero_Celsius
    polymer = polymer_features(fact.polymer, model=model)
    solvent = solvent_features(fact.solvent, model=model)
    if polymer.crystal is None:
        return None
    answer = answer_grid([polymer], [solvent], [t_k], model=model)
    p_block, s_block = MoleculeBlock.of([polymer], "polymer"), MoleculeBlock.of([solvent], "solvent")
    chi_qc = (float(qc_nodes(p_block.qc_first[0], s_block.qc_first, s_block.qc_second)[0, node])
              if p_block.qc_known[0] and s_block.qc_known[0] else np.nan)
    return (polymer.smiles, fact.kind == "dissolves", float(answer.chi[0, 0, 0]), float(answer.chi_std[0, 0, 0]),
            float(answer.chi_critical[0, 0]),
            float(melting_chi(t_k, polymer.crystal, solvent.molar_volume_cm3_per_mol)[0]), chi_qc)


def fit_weight(facts: Facts) -> float:
    """β with the most verdicts right, then the largest log-likelihood (the smallest β of a tie)."""
    scores = [(float(facts.right(w).sum()), facts.log_likelihood(w)) for w in WEIGHTS]
    return float(WEIGHTS[max(range(len(WEIGHTS)), key=lambda i: (scores[i], -i))])


def leave_polymer_out(facts: Facts) -> tuple[np.ndarray, dict[str, float]]:
    """Whether each fact's verdict is right with β fitted on the other repeat units, and those β."""
    right = np.zeros(len(facts.chi), dtype=bool)
    weights = {}
    for group in dict.fromkeys(facts.group.tolist()):
        held = facts.group == group
        weight = fit_weight(facts.subset(~held))
        right[held] = facts.subset(held).right(weight)
        weights[str(facts.table["polymer"][np.flatnonzero(held)[0]])] = weight
    return right, weights


def solvation_entry(model: ChiModel, path: Path = FACTS_FILE) -> dict:
    """The manifest's "solvation": β fitted on every fact, and the leave-polymer-out scores."""
    facts = load_facts(model, path)
    weight = fit_weight(facts)
    held_out, weights = leave_polymer_out(facts)
    return {"weight": weight, "node_k": SOLVATION_NODE_K, "facts": int(len(facts.chi)),
            "facts_file": "assets/evidence/dissolution_temperatures.csv",
            "verdicts_right": {"fitted": round(float(facts.right(weight).mean()), 4),
                               "without_shift": round(float(facts.right(0.0).mean()), 4),
                               "leave_polymer_out": round(float(held_out.mean()), 4)},
            "leave_polymer_out_weights": {"min": min(weights.values()), "max": max(weights.values())}}


def write_entry(model_dir: Path, entry: dict) -> Path:
    """Store ``entry`` as the manifest's "solvation" (the weights and their hash are untouched)."""
    manifest_path = model_dir / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["solvation"] = entry
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.solvation", description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--write-manifest", action="store_true", help="store the result in the manifest")
    args = parser.parse_args(argv)
    entry = solvation_entry(ChiModel.load(args.model_dir))
    print(json.dumps(entry, indent=1, ensure_ascii=False))
    if args.write_manifest:
        print(f"wrote the solvation weight into {write_entry(args.model_dir, entry)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
