"""The auxiliary task: Hansen-distance χ for many more pairs than were measured.

χ_H(T) = α V_s / (RT) [ΔδD² + ¼ΔδP² + ¼ΔδH²] with α = 0.6 (Lindvig et al., Fluid Phase Equilib.
2002) from group-contribution δ of polymers and solvents (chiapp.hansen). It is a crude estimate
of χ, but it exists for every pair of the training molecules, so it teaches the towers a
Hansen-like geometry that reaches polymers without measured χ.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chiapp import hansen
from chiapp.chemistry import parse_polymer, parse_solvent
from training.data import TrainingData

TEMPERATURES_K = (298.15, 398.15)
N_HANSEN_PAIRS = 6000  # random pairs of the training molecules, each at TEMPERATURES_K
CHI_CAP = 5.0  # beyond the measured range (χ ≤ 4.4); a larger χ_H only says "insoluble"


def _estimates(smiles: list[str], parse) -> dict[str, hansen.HansenEstimate]:
    out = {}
    for s in smiles:
        estimate = hansen.estimate_hansen(parse(s))
        if estimate.is_complete:
            out[s] = estimate
    return out


def hansen_table(polymers: list[str], polymer_keys: list[str], solvents: list[str], n_pairs: int,
                 seed: int = 0) -> pd.DataFrame:
    """Up to ``n_pairs`` random (polymer, solvent) pairs, each at TEMPERATURES_K, with χ_H."""
    key_of = dict(zip(polymers, polymer_keys))
    p_est = _estimates(sorted(set(polymers)), parse_polymer)
    s_est = _estimates(sorted(set(solvents)), parse_solvent)
    p_list, s_list = list(p_est), list(s_est)
    rng = np.random.default_rng(seed)
    n_all = len(p_list) * len(s_list)
    chosen = rng.choice(n_all, size=min(n_pairs, n_all), replace=False)
    rows = []
    for flat in chosen:
        p, s = p_list[flat // len(s_list)], s_list[flat % len(s_list)]
        ep, es = p_est[p], s_est[s]
        chis = hansen.hansen_chi((ep.delta_d_mpa05, ep.delta_p_mpa05, ep.delta_h_mpa05),
                                 (es.delta_d_mpa05, es.delta_p_mpa05, es.delta_h_mpa05),
                                 es.molar_volume_cm3_per_mol, np.asarray(TEMPERATURES_K))
        for t, chi in zip(TEMPERATURES_K, np.atleast_1d(chis)):
            rows.append((p, key_of[p], s, t, min(float(chi), CHI_CAP)))
    return pd.DataFrame(rows, columns=["polymer", "polymer_key", "solvent", "temperature_k", "chi"])


def build_hansen(data: TrainingData, seed: int) -> pd.DataFrame:
    polymers = pd.concat([data.experimental[["polymer", "polymer_key"]], data.soluble[["polymer", "polymer_key"]]])
    polymers = polymers.drop_duplicates("polymer_key")
    solvents = pd.concat([data.experimental["solvent"], data.soluble["solvent"]]).unique().tolist()
    return hansen_table(polymers["polymer"].tolist(), polymers["polymer_key"].tolist(), solvents,
                        N_HANSEN_PAIRS, seed)
