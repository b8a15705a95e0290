"""Solvent blends: χ of a polymer in a mixture of two or three solvents, and a blend finder.

A blend is given by volume fractions φ_j of its solvents (Σφ_j = 1), as a mapping
``{"ethanol": 0.8, "water": 0.2}`` or as text ``ethanol:0.8+water:0.2``
(:func:`chiapp.solvent_blend.parse_blend`). Every answer about a blend comes from the answer engine
(``chiapp.answer``), which treats a blend as one more solvent; this module says what the mixing
rule is, and searches for blends.

Mixing rule
-----------
Each ensemble member places a solvent at a latent point (u_s, r_s) and a polymer at (u_p, r_p);
its χ heads are linear in z = (u_p − u_s)² − r_p² − r_s² (chiapp.model). The blend takes the
volume-fraction average of its solvents' latent vectors, member by member,

    u_b = Σ_j φ_j u_j,      r_b² = Σ_j φ_j r_j²,

the analogue of Hansen's rule that a blend's δ is the volume-fraction average of its solvents'
(Hansen, *Hansen Solubility Parameters: A User's Handbook*, 2nd ed., CRC 2007, ch. 1). Because
the heads are linear in z, this is exactly the effective χ of a polymer in a mixed solvent of the
ternary Flory–Huggins theory (Scott, J. Chem. Phys. 17, 268 (1949); Flory, *Principles of Polymer
Chemistry*, 1953, ch. XIII), for each coefficient of χ = a + b_k/T::

    χ_b = Σ_j φ_j χ_j − Σ_{j<k} φ_j φ_k χ_jk,      χ_jk = W·(u_j − u_k)²        (*)

with χ_jk the member's head W applied to the latent distance between the two solvents: the
model's own solvent–solvent interaction. Two non-solvents far apart in the latent space
(χ_jk > 0) can make a blend better than either (cosolvency); close ones mix linearly. This is an
approximation: it ignores preferential sorption, which the full ternary treatment would give, and
the solvent–solvent term is the model's, never fitted to solvent-pair data. The posterior then
adds the blend's prior: Hansen (δ mixed by volume fraction) and, where every component has a
σ-profile, COSMO-SAC (Σφ_j χ_QC,j, which also sets a crystalline polymer's solvation shift); a blend
has no measured evidence of its own, but what its solvents' evidence moves in their pairs moves it by
their fractions (``chiapp.answer._component_evidence``). N = (M_n/ρ)/V_b with V_b = 1/Σ(φ_j/V_j),
the mean volume per molecule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chiapp.answer import answer_blends, answer_grid
from chiapp.errors import InputError
from chiapp.features import library_solvents, polymer_features
from chiapp.model import ChiModel, Coefficients, load_model
from chiapp.prediction import ChiPrediction, predict_chi
from chiapp.solvent_blend import (
    FRACTION_TOLERANCE,
    MAX_COMPONENTS,
    Blend,
    hansen_blend_row,
    looks_like_blend,
    parse_blend,
    worst_class,
)
from chiapp.units import check_temperatures_k

__all__ = [
    "BLEND_COLUMNS",
    "FRACTION_TOLERANCE",
    "MAX_COMPONENTS",
    "Blend",
    "blend_chain_length",
    "blend_coefficients",
    "find_blends",
    "looks_like_blend",
    "parse_blend",
    "predict_blend_chi",
    "worst_class",
]

#: Compositions (volume fraction of the first solvent) scanned by the finder: 0, 0.05, ..., 1.
_N_GRID = 21
#: Solvents of the library that enter the finder's pairs: those nearest to dissolving alone.
_SHORTLIST = 120

BLEND_COLUMNS = (
    "solvent_1", "solvent_2", "fraction_1", "fraction_1_low", "fraction_1_high", "chi", "chi_std", "chi_limit",
    "dissolve_probability", "verdict", "margin", "chi_1", "chi_2", "verdict_1", "verdict_2", "in_domain",
    "chem21_class", "boiling_low_c", "boiling_high_c", "blend", "smiles_1", "smiles_2",
)


def blend_coefficients(model: ChiModel, polymer_x: np.ndarray, solvent_x: np.ndarray,
                       fractions, task: str = "experimental") -> Coefficients:
    """Per-member coefficients (n_members, 1) of one polymer in a blend by the mixing rule written
    directly on z (module docstring): the reference the engine's factored form is tested against.

    ``polymer_x`` (d_p,), ``solvent_x`` (k, d_s) the components' descriptors, ``fractions`` (k,)
    their volume fractions; a one-solvent "blend" is that solvent exactly.
    """
    fractions = np.asarray(fractions, dtype=float)
    solvent_x = np.atleast_2d(solvent_x)
    u_p, r_p = model.latent("polymer", np.atleast_2d(polymer_x))
    u_s, r_s = model.latent("solvent", solvent_x)
    u_b = np.einsum("k,mkl->ml", fractions, u_s)[:, None, :]
    r2_b = np.einsum("k,mkl->ml", fractions, r_s**2)[:, None, :]
    z = (u_p - u_b) ** 2 - r_p**2 - r2_b
    z = model.with_hansen(z, np.atleast_2d(polymer_x), hansen_blend_row(solvent_x, fractions)[None])
    return model.coefficients_from_latent(z, task)


def predict_blend_chi(polymer, blend, temperature_k, *, model: ChiModel | None = None) -> ChiPrediction:
    """χ of ``polymer`` in a solvent ``blend`` (mapping or text, see :func:`parse_blend`) at
    ``temperature_k`` [K]: :func:`chiapp.prediction.predict_chi` of the blend.

    >>> p = predict_blend_chi("polystyrene", {"toluene": 0.5, "ethylbenzene": 0.5}, 298.15)
    >>> p.chi.shape, p.blend.names
    ((1,), ('toluene', 'ethylbenzene'))
    """
    return predict_chi(polymer, blend if isinstance(blend, Blend) else parse_blend(blend), temperature_k,
                       model=model)


def blend_chain_length(polymer, blend, molecular_weight_g_per_mol: float | None = None) -> float:
    """Chain length N [-] of ``polymer`` in a solvent ``blend``: N = (M_n/ρ)/V_b, with V_b the
    blend's mean molar volume (:attr:`Blend.molar_volume_cm3_per_mol`)."""
    from chiapp.flory_huggins import chain_length_from_molecular_weight

    parsed = blend if isinstance(blend, Blend) else parse_blend(blend)
    features = polymer_features(polymer, molecular_weight_g_per_mol=molecular_weight_g_per_mol)
    return chain_length_from_molecular_weight(features.molecular_weight_g_per_mol, features.density_g_per_cm3,
                                              parsed.molar_volume_cm3_per_mol)


def _run(mask: np.ndarray, best: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last index of the run of True in each row of ``mask`` (K, G) that holds ``best``."""
    idx = np.arange(mask.shape[1])
    left = np.where(~mask & (idx < best[:, None]), idx, -1).max(axis=1) + 1
    right = np.where(~mask & (idx > best[:, None]), idx, mask.shape[1]).min(axis=1) - 1
    return left, right


def find_blends(polymer, temperature_k: float, *, only_recommended: bool = False,
                only_nonsolvents: bool = False, top: int = 20, molecular_weight_g_per_mol: float | None = None,
                model: ChiModel | None = None) -> pd.DataFrame:
    """Best two-solvent blends of the library for ``polymer`` at ``temperature_k`` [K].

    Every pair of the ``_SHORTLIST`` (120) library solvents nearest to dissolving the polymer alone
    (largest z = (χ_lim − χ)/σ of the answer engine) is answered at φ_1 = 0.05, 0.10, …, 0.95 by the
    engine (``chiapp.answer.answer_blends``: the same χ, σ, limit, P and verdict as
    :func:`predict_blend_chi` of that blend). A pair's row is its best composition (largest P, then
    margin χ_lim − χ) where the verdict is 'dissolves', with the run of compositions around it that
    dissolve too (``fraction_1_low``–``fraction_1_high``; 0 or 1 there means a pure solvent of the
    pair dissolves as well). Rows (BLEND_COLUMNS) are the ``top`` pairs (0: all), most likely to
    dissolve first. ``only_recommended`` keeps CHEM21 'recommended' solvents; ``only_nonsolvents``
    keeps solvents that alone do not dissolve the polymer (verdict not 'dissolves'), so every row is
    a cosolvent pair. A pair of two solvents both outside the shortlist is not found (pass it to
    :func:`predict_blend_chi` to check it).
    """
    t = check_temperatures_k(temperature_k)
    if t.size != 1:
        raise InputError("find_blends takes one temperature")
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:
        raise InputError(f"top must be a whole number ≥ 0, got {top!r}")
    model = model or load_model()
    features = polymer_features(polymer, molecular_weight_g_per_mol=molecular_weight_g_per_mol, model=model)
    library, _ = library_solvents(model)
    pool = [s for s in library if not only_recommended or s.chem21_class == "recommended"]
    if len(pool) < 2:
        return pd.DataFrame(columns=list(BLEND_COLUMNS))
    alone = answer_grid([features], pool, t, model=model)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = ((alone.chi_limit - alone.chi) / alone.chi_std)[0, :, 0]
    candidates = np.flatnonzero(np.isfinite(z) & ((alone.verdict_codes[0, :, 0] != 0) if only_nonsolvents else True))
    chosen = candidates[np.argsort(-z[candidates], kind="stable")[:_SHORTLIST]]
    if len(chosen) < 2:
        return pd.DataFrame(columns=list(BLEND_COLUMNS))
    first, second = np.triu_indices(len(chosen), k=1)
    phis = np.linspace(0.0, 1.0, _N_GRID)[1:-1]
    n_pairs, n_phi = len(first), len(phis)
    result = answer_blends(features, [pool[i] for i in chosen], np.repeat(first, n_phi), np.repeat(second, n_phi),
                           np.tile(phis, n_pairs), float(t[0]), model=model)
    shape = (n_pairs, n_phi)
    chi, std, limit = (getattr(result, n).reshape(shape) for n in ("chi", "chi_std", "chi_limit"))
    probability, codes = result.dissolve_probability.reshape(shape), result.verdict_codes.reshape(shape)
    # the pure solvents at the ends: φ_1 = 0 is solvent 2 alone, φ_1 = 1 solvent 1 alone
    pure = alone.verdict_codes[0, chosen, 0] == 0
    dissolving = np.concatenate([pure[second][:, None], codes == 0, pure[first][:, None]], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(np.isfinite(std), (limit - chi) / std, -np.inf)
    best = np.argmax(score, axis=1)
    rows = np.arange(n_pairs)
    keep = codes[rows, best] == 0
    low, high = _run(dissolving, best + 1)
    grid = np.linspace(0.0, 1.0, _N_GRID)
    names = np.array([pool[i].label for i in chosen], dtype=object)
    smiles = np.array([pool[i].smiles for i in chosen], dtype=object)
    boiling = np.array([pool[i].boiling_point_c for i in chosen], dtype=float)
    classes = np.array([pool[i].chem21_class for i in chosen], dtype=object)
    pure_chi = alone.chi[0, chosen, 0]
    pure_verdict = alone.verdicts[0, chosen, 0]
    j, k, b = first[keep], second[keep], best[keep]
    at = rows[keep]
    fraction = phis[b]
    table = pd.DataFrame({
        "solvent_1": names[j], "solvent_2": names[k], "fraction_1": fraction, "fraction_1_low": grid[low[keep]],
        "fraction_1_high": grid[high[keep]], "chi": chi[at, b], "chi_std": std[at, b], "chi_limit": limit[at, b],
        "dissolve_probability": probability[at, b], "verdict": "dissolves",
        "margin": limit[at, b] - chi[at, b], "chi_1": pure_chi[j], "chi_2": pure_chi[k],
        "verdict_1": pure_verdict[j], "verdict_2": pure_verdict[k],
        "in_domain": result.in_domain.reshape(shape)[at, b],
        "chem21_class": [worst_class((classes[a], classes[c])) for a, c in zip(j, k)],
        "boiling_low_c": np.minimum(boiling[j], boiling[k]), "boiling_high_c": np.maximum(boiling[j], boiling[k]),
        "blend": [f"{names[a]}:{f:.2f}+{names[c]}:{1 - f:.2f}" for a, c, f in zip(j, k, fraction)],
        "smiles_1": smiles[j], "smiles_2": smiles[k], "_score": score[at, b]})
    table = table.sort_values(["_score", "margin"], ascending=[False, False], kind="mergesort")
    if top:
        table = table.head(top)
    return table[list(BLEND_COLUMNS)].reset_index(drop=True)
