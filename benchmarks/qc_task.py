"""Does the quantum-chemistry auxiliary task help? The model trained with the Hansen-distance task against
the same model trained with the COSMO-SAC task instead (``training.qc_task``), everything else equal.

    python -m benchmarks.qc_task [--data-dir ../shared/data] [--work-dir /tmp/chiapp-qc-task] [--jobs 2]

For each task: leave-polymer-out cross-validation (5 folds grouped by polymer, as ``training.train``):
MAE, R² (mean over folds) and PolySol ROC AUC; then the ensemble trained on all data, judged on the
literature check set (``tests/data/solubility_facts.csv``, dissolves / does not dissolve) grouped by
the solvent's class. The verdict judged there is the model's own (ensemble χ against χc), not the
shipped posterior, which would mix in the handbook labels and the Hansen prior. Each task's results are
kept in ``--work-dir`` and reused on a second run (delete them to recompute; a run is ~30 min on one core).
Needs torch (the ``train`` extra) and ``../shared/data``.
"""

from __future__ import annotations

import argparse
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from rdkit import Chem

from benchmarks.table import print_table

FACTS = Path(__file__).resolve().parents[1] / "tests" / "data" / "solubility_facts.csv"
TASKS = ("hansen", "qc")
CLASSES = ("polar aprotic", "water", "alcohols", "fluorinated", "chlorinated", "hydrocarbons", "other")
_POLAR_APROTIC = [Chem.MolFromSmarts(s) for s in (
    "[NX3;H0]C=O",      # tertiary amide, lactam (DMF, DMAc, NMP)
    "[SX3](=O)",        # sulfoxide (DMSO)
    "[SX4](=O)(=O)",    # sulfone (sulfolane)
    "C#N",              # nitrile (acetonitrile)
    "[N+](=O)[O-]",     # nitro
    "[#6][CX3](=O)[#6]",  # ketone (acetone, cyclohexanone)
    "[#6][CX3](=O)O[#6]",  # ester, lactone, carbonate
    "P(=O)",            # phosphate, phosphoramide (HMPA)
)]
_ALCOHOL = Chem.MolFromSmarts("[OX2H][#6]")


def solvent_class(smiles: str) -> str:
    """One of CLASSES for a solvent SMILES, by the first rule that applies: water; any F; any Cl, Br or I;
    an O–H on carbon (alcohols, glycols, phenols, acids); a polar aprotic group (tertiary amide,
    sulfoxide, sulfone, nitrile, nitro, ketone, ester/carbonate, P=O) without O–H or N–H; only C and H."""
    mol = Chem.MolFromSmiles(smiles)
    symbols = {a.GetSymbol() for a in mol.GetAtoms()}
    if Chem.MolToSmiles(mol) == "O":
        return "water"
    if "F" in symbols:
        return "fluorinated"
    if symbols & {"Cl", "Br", "I"}:
        return "chlorinated"
    if mol.HasSubstructMatch(_ALCOHOL):
        return "alcohols"
    donors = any(a.GetTotalNumHs() > 0 and a.GetSymbol() in ("N", "O") for a in mol.GetAtoms())
    if not donors and any(mol.HasSubstructMatch(p) for p in _POLAR_APROTIC):
        return "polar aprotic"
    if symbols <= {"C"}:
        return "hydrocarbons"
    return "other"


def _facts_verdicts(model) -> pd.DataFrame:
    """The check set's dissolves / does-not facts with this model's own verdict (ensemble χ vs χc)."""
    from chiapp.flory_huggins import critical_chi
    from chiapp.library import chain_length_for, resolve_polymer, resolve_solvent
    from chiapp.units import kelvin
    from training.evaluate import predict_rows

    facts = pd.read_csv(FACTS)
    facts = facts[facts["kind"].isin(["dissolves", "does_not_dissolve"])].reset_index(drop=True)
    polymers = [resolve_polymer(p) for p in facts["polymer"]]
    solvents = [resolve_solvent(s) for s in facts["solvent"]]
    rows = pd.DataFrame({"polymer": [p.smiles for p in polymers], "solvent": [s.smiles for s in solvents],
                         "temperature_k": [kelvin(float(t)) for t in facts["temperature_c"]]})
    chi, _, _ = predict_rows(model, rows)
    chi_c = np.array([critical_chi(chain_length_for(p, s)) for p, s in zip(polymers, solvents)])
    return pd.DataFrame({"polymer": facts["polymer"], "solvent": facts["solvent"], "kind": facts["kind"],
                         "class": [solvent_class(s.smiles) for s in solvents], "ensemble_chi": chi,
                         "passed": (chi < chi_c) == (facts["kind"] == "dissolves").to_numpy()})


def run_task(task: str, data_dir: Path, work_dir: Path) -> Path:
    """Cross-validate and train with one auxiliary task; results pickled into ``work_dir`` (each
    stage reused on a second run)."""
    out = work_dir / f"{task}.pkl"
    if out.is_file():
        return out
    import torch

    from training.data import load_training_data
    from training.evaluate import cross_validate, fold_metrics, soluble_auc
    from training.fit import Config, Tables, fit
    from training.qc_task import build_auxiliary

    torch.set_num_threads(1)  # one process per task on a 2-core machine
    config = Config(auxiliary_task=task)
    data = load_training_data(data_dir)
    auxiliary = build_auxiliary(data, config)
    work_dir.mkdir(parents=True, exist_ok=True)
    cv_file = work_dir / f"{task}-cv.pkl"
    if not cv_file.is_file():
        held_out = cross_validate(data, auxiliary, config, "polymers", log=print)
        cv_file.write_bytes(pickle.dumps(held_out))
    held_out = pickle.loads(cv_file.read_bytes())
    model = fit(Tables(data.experimental, data.cosmo, auxiliary, data.soluble), config)
    result = {"task": task, "rows": len(auxiliary), **fold_metrics(held_out.chi),
              "auc": soluble_auc(held_out.soluble), "held_out": held_out.chi, "facts": _facts_verdicts(model)}
    out.write_bytes(pickle.dumps(result))
    return out


def main(argv: list[str] | None = None) -> None:
    from training.data import DEFAULT_DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m benchmarks.qc_task", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/chiapp-qc-task"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        paths = list(pool.map(run_task, TASKS, [args.data_dir] * len(TASKS), [args.work_dir] * len(TASKS)))
    results = {r["task"]: r for r in (pickle.loads(p.read_bytes()) for p in paths)}
    h, q = results["hansen"], results["qc"]
    rows = [(f"auxiliary rows: Hansen χ {h['rows']:,}, COSMO-SAC χ {q['rows']:,}", "", "≥ 10,000 QC pairs", None)]
    for name, key, better in (("leave-polymer-out MAE", "mae", np.less), ("leave-polymer-out R²", "r2", np.greater),
                              ("PolySol ROC AUC, held-out polymers", "auc", np.greater)):
        rows.append((f"{name}: Hansen task → QC task", f"{h[key]:.3f} → {q[key]:.3f}", "QC better",
                     bool(better(q[key], h[key]))))
    facts = h["facts"].merge(q["facts"], on=["polymer", "solvent", "kind", "class"], suffixes=("_h", "_q"))
    for cls in CLASSES:
        group = facts[facts["class"] == cls]
        if len(group):
            rows.append((f"literature facts, {cls} solvents ({len(group)}): pass rate Hansen → QC",
                         f"{group['passed_h'].mean():.0%} → {group['passed_q'].mean():.0%}", "", None))
    rows.append((f"literature facts, all ({len(facts)})",
                 f"{facts['passed_h'].mean():.0%} → {facts['passed_q'].mean():.0%}", "", None))
    print_table(rows, "Auxiliary task: Hansen-distance χ vs COSMO-SAC χ (same model otherwise)")


if __name__ == "__main__":
    main()
