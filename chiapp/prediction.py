"""The public prediction API: χ(T) with its uncertainty for one pair, a batch, or a grid.

Inputs are names (library, abbreviation, CAS) or SMILES; polymers are repeat units with two '*'.
Results say how far the question is from what the model was trained on (``in_domain``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from chiapp import domain, properties
from chiapp.cache import MemoryBoundedCache
from chiapp.descriptors import polymer_descriptors, solvent_descriptors
from chiapp.errors import ChiAppError, DataFileError, InputError
from chiapp.model import ChiModel, LatentFactors

__all__ = ["ChiPrediction", "ChiGrid", "load_model", "predict_chi", "predict_batch", "predict_grid",
           "resolve_pair", "check_temperatures_k"]

@lru_cache(maxsize=1)
def load_model() -> ChiModel:
    """The shipped ensemble, loaded and verified once per process.

    Also loads the ``chemicals`` identifier database (a few seconds, once) that solvent
    descriptors look measured properties up in, so the first new solvent is not slow.
    """
    model = ChiModel.load()
    properties.cas_of("O")
    return model


def check_temperatures_k(temperature_k) -> np.ndarray:
    """Temperatures as a 1-D float array [K]; raises InputError for ≤ 0 K, NaN or non-numbers."""
    try:
        t = np.atleast_1d(np.asarray(temperature_k, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"temperature must be a number in kelvin, got {temperature_k!r}") from None
    if t.size == 0 or t.ndim != 1:
        raise InputError("give at least one temperature (a number or a list of numbers, in kelvin)")
    if not np.all(np.isfinite(t)):
        raise InputError("temperature must be a finite number, got NaN or infinity")
    if np.any(t <= 0):
        bad = float(t[t <= 0][0])
        raise InputError(f"temperature must be above absolute zero, got {bad:g} K ({bad - 273.15:g} °C)")
    return t


def _molecule(text: str, role: str):
    from chiapp.library import resolve_polymer, resolve_solvent

    return resolve_polymer(text) if role == "polymer" else resolve_solvent(text)


def resolve_pair(polymer: str, solvent: str):
    """(polymer Molecule, solvent Molecule) from names or SMILES; raises MoleculeError."""
    return _molecule(polymer, "polymer"), _molecule(solvent, "solvent")


@dataclass(frozen=True)
class ChiPrediction:
    """χ(T) = a + b_k/T (+ c_k2/T², zero for this model) of one polymer–solvent pair.

    ``chi_std`` is the calibrated ensemble spread [-] at each temperature; ``in_domain`` is False
    when the polymer or solvent is unlike the training data or a temperature is outside its range
    (``domain_notes`` says which). Similarities are Tanimoto [0, 1] to the nearest training molecule.
    """

    polymer: str
    solvent: str
    polymer_name: str | None
    solvent_name: str | None
    temperatures_k: np.ndarray
    chi: np.ndarray
    chi_std: np.ndarray
    a: float
    b_k: float
    c_k2: float
    soluble_probability: float
    in_domain: bool
    similarity: float
    polymer_similarity: float
    solvent_similarity: float
    nearest_polymers: tuple[tuple[str, float], ...]
    nearest_solvents: tuple[tuple[str, float], ...]
    domain_notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"temperature_k": self.temperatures_k,
                             "temperature_c": self.temperatures_k - 273.15,
                             "chi": self.chi, "chi_std": self.chi_std})


def _stats(model: ChiModel, a: np.ndarray, b_k: np.ndarray, logit: np.ndarray, temperatures_k: np.ndarray):
    """Mean and calibrated spread of χ at each temperature, from per-member coefficients."""
    chi_members = a[..., None] + b_k[..., None] / temperatures_k
    probability = 1.0 / (1.0 + np.exp(-logit))
    return (chi_members.mean(0), model.spread_scale * chi_members.std(0), probability.mean(0))


def predict_chi(polymer: str, solvent: str, temperature_k, *, model: ChiModel | None = None) -> ChiPrediction:
    """χ of a polymer (repeat unit SMILES or name) in a solvent (SMILES or name) at temperatures [K].

    >>> p = predict_chi("polystyrene", "toluene", 298.15)
    >>> 0.2 < float(p.chi[0]) < 0.6
    True
    """
    temperatures_k = check_temperatures_k(temperature_k)
    polymer_mol, solvent_mol = resolve_pair(polymer, solvent)
    model = model or load_model()
    c = model.coefficients(polymer_descriptors(polymer_mol.smiles)[None], solvent_descriptors(solvent_mol.smiles)[None])
    chi, chi_std, probability = _stats(model, c.a[:, 0], c.b_k[:, 0], c.soluble_logit[:, 0], temperatures_k)
    check = domain.assess(model, polymer_mol.smiles, solvent_mol.smiles, temperatures_k, chi_std)
    return ChiPrediction(
        polymer=polymer_mol.smiles, solvent=solvent_mol.smiles,
        polymer_name=polymer_mol.name, solvent_name=solvent_mol.name,
        temperatures_k=temperatures_k, chi=chi, chi_std=chi_std,
        a=float(c.a.mean()), b_k=float(c.b_k.mean()), c_k2=0.0,
        soluble_probability=float(probability), in_domain=check.in_domain,
        similarity=min(check.polymer_similarity, check.solvent_similarity),
        polymer_similarity=check.polymer_similarity, solvent_similarity=check.solvent_similarity,
        nearest_polymers=check.nearest_polymers, nearest_solvents=check.nearest_solvents,
        domain_notes=check.notes)


#: Features (or the reason a molecule fails) per (role, input text), bounded by memory
#: (chiapp.cache), so a catalogue of tens of thousands of molecules stays cached instead of missing
#: on every call. Latent factors are cached the same way on each model, per (role, canonical SMILES).
_FEATURES = MemoryBoundedCache()
#: Rows per block of predict_batch: (n_members, rows, latent) float64 arrays of about 20 MB.
_BATCH_CHUNK = 16384


def _featurize(texts: Sequence[str], role: str) -> tuple[dict[str, np.ndarray], dict[str, str], dict[str, str]]:
    """Features and canonical SMILES per distinct input, and the error text of those that fail."""
    features, smiles, errors = {}, {}, {}
    describe = polymer_descriptors if role == "polymer" else solvent_descriptors
    for text in dict.fromkeys(texts):
        entry = _FEATURES.get((role, text))
        if entry is None:
            try:
                molecule = _molecule(text, role)
                entry = (molecule.smiles, describe(molecule.smiles), None)
            except ChiAppError as err:
                entry = (None, None, str(err))
            _FEATURES.put((role, text), entry)
        if entry[2] is None:
            smiles[text], features[text] = entry[0], entry[1]
        else:
            errors[text] = entry[2]
    return features, smiles, errors


def _factors(model: ChiModel, role: str, keys: Sequence[str], features: Sequence[np.ndarray]) -> LatentFactors:
    """Latent factors of molecules (canonical SMILES ``keys`` with their descriptors), in order; the
    towers run once, for those not cached yet."""
    cache = model.__dict__.get("_factor_cache")
    if cache is None:
        cache = model.__dict__.setdefault("_factor_cache", MemoryBoundedCache())
    found = [cache.get((role, key)) for key in keys]
    missing = [i for i, entry in enumerate(found) if entry is None]
    if missing:
        fresh = model.factors(role, np.stack([features[i] for i in missing]))
        for j, i in enumerate(missing):
            found[i] = (fresh.vectors[:, j].copy(), fresh.terms[:, j].copy())
            cache.put((role, keys[i]), found[i])
    n_members = model.n_members
    vectors = np.stack([entry[0] for entry in found], axis=1) if found else np.empty((n_members, 0, 0))
    terms = np.stack([entry[1] for entry in found], axis=1) if found else np.empty((n_members, 0, 3))
    x = np.stack(features) if model.hansen_z and len(features) else None
    return LatentFactors(role=role, task="experimental", vectors=vectors, terms=terms, x=x)


def predict_batch(frame: pd.DataFrame, progress: Callable[[int, int], None] | None = None, *,
                  model: ChiModel | None = None) -> pd.DataFrame:
    """Predict every row of a frame with columns ``polymer``, ``solvent``, ``temperature_k``.

    Returns the rows in order with ``chi``, ``chi_std``, ``soluble_probability``, ``in_domain`` and
    ``error`` added; a bad row gets its reason in ``error`` and empty numbers, the others are still
    answered. Features and the towers run once per distinct molecule; each row then costs the
    factored heads only (:meth:`chiapp.model.ChiModel.pair_from_factors`). ``progress(done,
    total)`` is called as molecules and pairs are processed.
    """
    missing = [c for c in ("polymer", "solvent", "temperature_k") if c not in frame.columns]
    if missing:
        raise DataFileError(f"missing column(s) {', '.join(missing)}; expected polymer, solvent, temperature_k "
                            f"(got {', '.join(map(str, frame.columns)) or 'no columns'})")
    polymers = frame["polymer"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    solvents = frame["solvent"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
    p_texts, p_rows = np.unique(polymers, return_inverse=True)
    s_texts, s_rows = np.unique(solvents, return_inverse=True)
    n_rows = len(frame)
    n_molecules = len(p_texts) + len(s_texts)
    total = n_molecules + n_rows
    report = progress or (lambda done, total: None)
    polymer_x, polymer_smiles, polymer_errors = _featurize(list(p_texts), "polymer")
    report(len(p_texts), total)
    solvent_x, solvent_smiles, solvent_errors = _featurize(list(s_texts), "solvent")
    report(n_molecules, total)

    temperatures = pd.to_numeric(frame["temperature_k"], errors="coerce").to_numpy(float)
    p_bad = np.array([t in polymer_errors for t in p_texts], dtype=bool)[p_rows]
    s_bad = np.array([t in solvent_errors for t in s_texts], dtype=bool)[s_rows]
    t_bad = ~(np.isfinite(temperatures) & (temperatures > 0))
    errors = np.full(n_rows, "", dtype=object)
    for i in np.flatnonzero(p_bad | s_bad | t_bad):
        reasons = [polymer_errors.get(polymers[i]), solvent_errors.get(solvents[i])]
        if t_bad[i]:
            reasons.append(f"temperature_k must be a number above 0 K, got {frame['temperature_k'].iat[i]!r}")
        errors[i] = "; ".join(r for r in reasons if r)
    ok = np.flatnonzero(~(p_bad | s_bad | t_bad))
    out = {name: np.full(n_rows, np.nan) for name in ("chi", "chi_std", "soluble_probability")}
    in_domain = np.full(n_rows, None, dtype=object)
    model = model or load_model()
    p_good = [t for t in p_texts if t in polymer_x]
    s_good = [t for t in s_texts if t in solvent_x]
    # position of each distinct text among the good ones (bad texts are never indexed)
    p_position = np.cumsum([t in polymer_x for t in p_texts]) - 1
    s_position = np.cumsum([t in solvent_x for t in s_texts]) - 1
    if len(ok):
        p_factors = _factors(model, "polymer", [polymer_smiles[t] for t in p_good], [polymer_x[t] for t in p_good])
        s_factors = _factors(model, "solvent", [solvent_smiles[t] for t in s_good], [solvent_x[t] for t in s_good])
    for start in range(0, len(ok), _BATCH_CHUNK):
        rows = ok[start:start + _BATCH_CHUNK]
        c = model.pair_from_factors(p_factors.take(p_position[p_rows[rows]]), s_factors.take(s_position[s_rows[rows]]))
        chi_members = c.a + c.b_k / temperatures[rows]
        out["chi"][rows] = chi_members.mean(0)
        out["chi_std"][rows] = model.spread_scale * chi_members.std(0)
        out["soluble_probability"][rows] = (1.0 / (1.0 + np.exp(-c.soluble_logit))).mean(0)
        in_domain[rows] = domain.in_domain_many(model, out["chi_std"][rows], temperatures[rows])
        report(n_molecules + start + len(rows), total)
    report(total, total)
    result = frame.copy()
    for name, values in out.items():
        result[name] = values
    result["in_domain"] = in_domain
    result["error"] = errors
    return result


@dataclass(frozen=True)
class ChiGrid:
    """Every polymer with every solvent. Coefficient arrays are (n_members, P, S), the spread of
    ``chi()`` already calibrated; ``failures`` lists (role, input, message) of inputs left out."""


    polymers: tuple[str, ...]
    solvents: tuple[str, ...]
    a: np.ndarray
    b_k: np.ndarray
    c_k2: np.ndarray
    soluble_probability: np.ndarray
    spread_scale: float
    failures: tuple[tuple[str, str, str], ...]
    model: ChiModel = field(repr=False)

    def chi(self, temperatures_k) -> tuple[np.ndarray, np.ndarray]:
        """Mean and calibrated spread of χ, each of shape (P, S, T)."""
        t = check_temperatures_k(temperatures_k)
        members = self.a[..., None] + self.b_k[..., None] / t + self.c_k2[..., None] / t**2
        return members.mean(0), self.spread_scale * members.std(0)

    def in_domain(self, temperatures_k) -> np.ndarray:
        """Domain flags of shape (P, S, T): members agree and the temperature is in range."""
        t = check_temperatures_k(temperatures_k)
        return domain.in_domain_many(self.model, self.chi(t)[1], t)


def predict_grid(polymers: Sequence[str], solvents: Sequence[str], *, model: ChiModel | None = None) -> ChiGrid:
    """Coefficients for every polymer × solvent; inputs that fail are reported in ``failures``.

    The towers run once per molecule (cached by canonical SMILES) and the coefficients come from
    the factored heads (:meth:`chiapp.model.ChiModel.grid_from_factors`)."""
    polymer_x, polymer_smiles, polymer_errors = _featurize(list(polymers), "polymer")
    solvent_x, solvent_smiles, solvent_errors = _featurize(list(solvents), "solvent")
    model = model or load_model()
    p_keys, s_keys = list(polymer_x), list(solvent_x)
    failures = tuple([("polymer", t, m) for t, m in polymer_errors.items()]
                     + [("solvent", t, m) for t, m in solvent_errors.items()])
    shape = (model.n_members, len(p_keys), len(s_keys))
    if p_keys and s_keys:
        grid = model.grid_from_factors(
            _factors(model, "polymer", [polymer_smiles[k] for k in p_keys], [polymer_x[k] for k in p_keys]),
            _factors(model, "solvent", [solvent_smiles[k] for k in s_keys], [solvent_x[k] for k in s_keys]))
        a, b_k, logit = grid[0], grid[1], grid[2]
    else:
        a = b_k = logit = np.zeros(shape)
    return ChiGrid(
        polymers=tuple(polymer_smiles[k] for k in p_keys), solvents=tuple(solvent_smiles[k] for k in s_keys),
        a=a, b_k=b_k, c_k2=np.zeros(shape), soluble_probability=(1.0 / (1.0 + np.exp(-logit))).mean(0),
        spread_scale=model.spread_scale, failures=failures, model=model)
