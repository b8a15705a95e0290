"""Fit the Hansen groups that the Hoftyzer–Van Krevelen and Fedors tables lack (chiapp.hansen.FITTED_GROUPS).

Each fitted group's F_d, ΣF_p², E_h and V are found by least squares from the small molecules of the
``chemicals`` Hansen tables (146 of the 150 from Díaz de los Ríos & Murcia Belmonte, SN Appl. Sci. 4,
185 (2022), the table ``chemicals`` reads first) that contain it and whose other atoms are all in tabulated groups. Per molecule, with its
measured δ and molar volume V_m (chiapp.properties), the tabulated groups' sums subtracted:

    Σ n_g F_d,g = δD V_m − F_d,known     Σ n_g F_p²,g = (δP V_m)² − ΣF_p²,known
    Σ n_g E_h,g = δH² V_m − E_h,known    Σ n_g V_g   = V_m − V_known

(the four are linear in the unknowns; ΣF_p² and E_h are bounded below by 0, and held at 0 for =CH2 and
>Si<, hydrocarbon-like as Table 7.10's -CH3, =CH- and >C<). The fit takes each molecule's ΣF_p² as a
repeat unit's, without the symmetry rule, because these groups are for polymers, whose estimate never
applies it: undoing the rule on the symmetric siloxanes (D4, D5, octamethyltrisiloxane) made the
siloxane O so polar that PDMS came out at δP 7.8 (its oligomers measure 1.3–2.4). Each
molecule is also
left out and predicted from the others: that error is the table's own error bar, printed and kept
beside each group. Van Krevelen quotes about ±1 MPa^0.5 on δD and ±2–3 on δP and δH for the
tabulated groups.

    python -m training.hansen_groups            # writes assets/hansen_fitted_groups.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from rdkit import Chem, RDLogger
from scipy.optimize import lsq_linear

from chiapp import properties
from chiapp.hansen import FITTED_GROUPS, FITTED_GROUPS_FILE, NONPOLAR_FITTED, fitted_group_terms

ASSETS = Path(__file__).resolve().parents[1] / "assets"
COLUMNS = ("f_d_j05_cm15_per_mol", "f_p_squared_j_cm3_per_mol2", "e_h_j_per_mol", "volume_cm3_per_mol")
_LOWER = (-np.inf, 0.0, 0.0, -np.inf)  # ΣF_p² and E_h cannot be negative


def molecules() -> pd.DataFrame:
    """Every molecule of the ``chemicals`` Hansen tables with a molar volume, covered by the tabulated
    groups plus at least one fitted group: name, smiles, measured δ and V_m, known sums, group counts."""
    from chemicals import solubility
    from chemicals.identifiers import search_chemical

    RDLogger.DisableLog("rdApp.*")
    solubility.hansen_delta_d_methods("7732-18-5")  # loads the tables
    rows, seen = [], set()
    for table in solubility.solubility_sources.values():
        for cas in table.index:
            if cas in seen:
                continue
            seen.add(cas)
            try:
                compound = search_chemical(cas, cache=False)
            except ValueError:
                continue
            mol = Chem.MolFromSmiles(compound.smiles or "")
            if mol is None or any(a.GetFormalCharge() for a in mol.GetAtoms()) or "." in compound.smiles:
                continue
            terms = fitted_group_terms(mol)
            if terms is None or not terms[1]:
                continue
            deltas, _ = properties.hansen_parameters_mpa05(cas)
            volume, _ = properties.molar_volume_cm3_per_mol(cas, compound.MW)
            if deltas is None or volume is None or not volume > 0:
                continue
            known, counts, symmetry = terms
            rows.append(dict(name=compound.common_name or cas, cas=cas, smiles=Chem.MolToSmiles(mol),
                             delta_d=deltas[0], delta_p=deltas[1], delta_h=deltas[2], volume=volume,
                             known=known, symmetry=symmetry, **{g: counts.get(g, 0.0) for g in FITTED_GROUPS}))
    return pd.DataFrame(rows).sort_values("cas").reset_index(drop=True)


def _targets(frame: pd.DataFrame) -> np.ndarray:
    """(n, 4): what the fitted groups of each molecule must add up to, per column of COLUMNS."""
    known = np.stack(frame["known"].to_numpy())
    v = frame["volume"].to_numpy()
    measured = np.column_stack([frame["delta_d"] * v, (frame["delta_p"] * v) ** 2, frame["delta_h"] ** 2 * v, v])
    return measured - known


def fit(frame: pd.DataFrame) -> np.ndarray:
    """(len(FITTED_GROUPS), 4) values, NaN for a group no molecule of ``frame`` holds."""
    counts = frame[list(FITTED_GROUPS)].to_numpy(float)
    targets = _targets(frame)
    present = counts.sum(axis=0) > 0
    values = np.full((len(FITTED_GROUPS), 4), np.nan)
    nonpolar = np.isin(FITTED_GROUPS, NONPOLAR_FITTED)
    for column in range(4):
        free = present & ~nonpolar if column in (1, 2) else present
        lower = np.full(free.sum(), _LOWER[column])
        result = lsq_linear(counts[:, free], targets[:, column], bounds=(lower, np.inf))
        values[free, column] = result.x
        values[present & ~free, column] = 0.0
    return values


def predicted_deltas(frame: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """(n, 3) δD, δP, δH [MPa^0.5] as chiapp.hansen estimates them from ``values``: with the symmetry rule
    of a solvent, so the held-out error is the shipped estimator's (the fit itself leaves the rule out)."""
    counts = frame[list(FITTED_GROUPS)].to_numpy(float)
    sums = np.stack(frame["known"].to_numpy()) + counts @ np.nan_to_num(values)
    v = sums[:, 3]
    polar = frame["symmetry"].to_numpy() * np.clip(sums[:, 1], 0, None)
    return np.column_stack([sums[:, 0] / v, np.sqrt(polar) / v, np.sqrt(np.clip(sums[:, 2], 0, None) / v)])


def leave_one_out(frame: pd.DataFrame) -> np.ndarray:
    """(n, 3) δ of each molecule predicted by the fit without it; NaN where a group it holds is then unfitted."""
    out = np.full((len(frame), 3), np.nan)
    counts = frame[list(FITTED_GROUPS)].to_numpy(float)
    for i in range(len(frame)):
        rest = frame.drop(index=i)
        values = fit(rest)
        if np.isnan(values[counts[i] > 0]).any():
            continue
        out[i] = predicted_deltas(frame.iloc[[i]], values)[0]
    return out


def table(frame: pd.DataFrame) -> pd.DataFrame:
    values = fit(frame)
    errors = np.abs(leave_one_out(frame) - frame[["delta_d", "delta_p", "delta_h"]].to_numpy())
    rows = []
    for j, group in enumerate(FITTED_GROUPS):
        holds = frame[group].to_numpy() > 0
        mae = [float(np.nanmean(errors[holds, c])) if np.isfinite(errors[holds, c]).any() else np.nan
               for c in range(3)]
        rows.append({"group": group, **{c: round(float(v), 1) for c, v in zip(COLUMNS, values[j])},
                     "n_molecules": int(holds.sum()),
                     "loo_mae_delta_d_mpa05": round(mae[0], 2), "loo_mae_delta_p_mpa05": round(mae[1], 2),
                     "loo_mae_delta_h_mpa05": round(mae[2], 2),
                     "molecules": "; ".join(frame.loc[holds, "name"])})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ASSETS / FITTED_GROUPS_FILE)
    args = parser.parse_args(argv)
    frame = molecules()
    result = table(frame)
    result.to_csv(args.output, index=False, lineterminator="\n")
    errors = np.abs(leave_one_out(frame) - frame[["delta_d", "delta_p", "delta_h"]].to_numpy())
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(result.drop(columns="molecules").to_string(index=False))
    print(f"{len(frame)} molecules; leave-one-molecule-out MAE δD/δP/δH "
          f"{' / '.join(f'{m:.2f}' for m in np.nanmean(errors, axis=0))} MPa^0.5 "
          f"({int(np.isfinite(errors[:, 0]).sum())} predictable); wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
