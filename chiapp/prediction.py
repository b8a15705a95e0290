"""The public prediction API: χ(T) with its uncertainty for one pair, a batch, or a grid.

Inputs are names (library, abbreviation, CAS) or SMILES; polymers are repeat units with two '*'.
Results say how far the question is from what the model was trained on (``in_domain``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from chiapp import domain, properties
from chiapp.descriptors import polymer_descriptors, solvent_descriptors
from chiapp.errors import ChiAppError, DataFileError
from chiapp.flory_huggins import ChiCoefficients
from chiapp.frozen import FrozenResult
from chiapp.model import ChiModel
from chiapp.units import MAX_TEMPERATURE_K, MIN_TEMPERATURE_K, ZERO_CELSIUS_K, check_temperatures_k

__all__ = [
    "ChiGrid",
    "ChiPrediction",
    "check_temperatures_k",
    "load_model",
    "predict_batch",
    "predict_chi",
    "predict_grid",
    "resolve_pair",
]

_BATCH_CHUNK = 2048


@lru_cache(maxsize=1)
def load_model() -> ChiModel:
    """The shipped ensemble, loaded and verified once per process.

    Also loads the ``chemicals`` identifier database (a few seconds, once) that solvent
    descriptors look measured properties up in, so the first new solvent is not slow.
    """
    model = ChiModel.load()
    properties.cas_of("O")
    return model


def _molecule(text: str, role: str):
    from chiapp.library import resolve_polymer, resolve_solvent

    return resolve_polymer(text) if role == "polymer" else resolve_solvent(text)


def resolve_pair(polymer: str, solvent: str):
    """(polymer Molecule, solvent Molecule) from names or SMILES; raises MoleculeError."""
    return _molecule(polymer, "polymer"), _molecule(solvent, "solvent")


@dataclass(frozen=True, eq=False)
class ChiPrediction(FrozenResult):
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

    @property
    def coefficients(self) -> ChiCoefficients:
        """The ensemble-mean χ(T) as the value type the Flory–Huggins functions take."""
        return ChiCoefficients(self.a, self.b_k, self.c_k2)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"temperature_k": self.temperatures_k,
                             "temperature_c": self.temperatures_k - ZERO_CELSIUS_K,
                             "chi": self.chi, "chi_std": self.chi_std})


def _stats(model: ChiModel, a: np.ndarray, b_k: np.ndarray, logit: np.ndarray, temperatures_k: np.ndarray):
    """Mean and calibrated spread of χ at each temperature, from per-member coefficients."""
    chi_members = a[..., None] + b_k[..., None] / temperatures_k
    probability = 1.0 / (1.0 + np.exp(-logit))
    return (chi_members.mean(0), model.spread_scale * chi_members.std(0), probability.mean(0))


def predict_chi(polymer, solvent: str, temperature_k, *, model: ChiModel | None = None) -> ChiPrediction:
    """χ of a polymer (repeat unit SMILES or name, or a chiapp.calibration.CalibratedPolymer) in a
    solvent (SMILES or name) at temperatures [K].

    >>> p = predict_chi("polystyrene", "toluene", 298.15)
    >>> 0.2 < float(p.chi[0]) < 0.6
    True
    """
    from chiapp import calibration  # a CalibratedPolymer supplies its own latent (u, r)

    temperatures_k = check_temperatures_k(temperature_k)
    polymer_mol, solvent_mol = resolve_pair(calibration.polymer_text(polymer), solvent)
    model = model or load_model()
    c = calibration.polymer_coefficients(model, polymer, polymer_descriptors(polymer_mol.smiles)[None],
                                         solvent_descriptors(solvent_mol.smiles)[None])
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


def _featurize(texts: Sequence[str], role: str) -> tuple[dict[str, np.ndarray], dict[str, str], dict[str, str]]:
    """Features and canonical SMILES per distinct input, and the error text of those that fail."""
    features, smiles, errors = {}, {}, {}
    describe = polymer_descriptors if role == "polymer" else solvent_descriptors
    for text in dict.fromkeys(texts):
        try:
            molecule = _molecule(text, role)
            features[text] = describe(molecule.smiles)
            smiles[text] = molecule.smiles
        except ChiAppError as err:
            errors[text] = str(err)
    return features, smiles, errors


def predict_batch(frame: pd.DataFrame, progress: Callable[[int, int], None] | None = None, *,
                  model: ChiModel | None = None) -> pd.DataFrame:
    """Predict every row of a frame with columns ``polymer``, ``solvent``, ``temperature_k``.

    Returns the rows in order with ``chi``, ``chi_std``, ``soluble_probability``, ``in_domain`` and
    ``error`` added. An ``error`` column already in the frame (``chiapp.tables.read_pairs_csv``
    writes one) marks rows found bad before any prediction. A bad row gets its reason in ``error``
    and empty numbers; the others are still answered. Features are computed once per distinct
    molecule. ``progress(done, total)`` is called as molecules and pairs are processed.
    """
    missing = [c for c in ("polymer", "solvent", "temperature_k") if c not in frame.columns]
    if missing:
        raise DataFileError(f"missing column(s) {', '.join(missing)}; expected polymer, solvent, temperature_k "
                            f"(got {', '.join(map(str, frame.columns)) or 'no columns'})")
    polymers = frame["polymer"].fillna("").astype(str).str.strip().tolist()
    solvents = frame["solvent"].fillna("").astype(str).str.strip().tolist()
    n_rows = len(frame)
    total = len(set(polymers)) + len(set(solvents)) + n_rows
    report = progress or (lambda done, total: None)
    polymer_x, _, polymer_errors = _featurize(polymers, "polymer")
    report(len(set(polymers)), total)
    solvent_x, _, solvent_errors = _featurize(solvents, "solvent")
    report(len(set(polymers)) + len(set(solvents)), total)

    temperatures = pd.to_numeric(frame["temperature_k"], errors="coerce").to_numpy(float)
    errors = np.full(n_rows, "", dtype=object)
    given = frame["error"].fillna("").astype(str).tolist() if "error" in frame.columns else [""] * n_rows
    for i, (p, s, t, raw) in enumerate(zip(polymers, solvents, temperatures, frame["temperature_k"])):
        reasons = [given[i], polymer_errors.get(p), solvent_errors.get(s)]
        if not given[i] and not (math.isfinite(t) and MIN_TEMPERATURE_K <= t <= MAX_TEMPERATURE_K):
            reasons.append(f"temperature_k must be a number between {MIN_TEMPERATURE_K:g} and "
                           f"{MAX_TEMPERATURE_K:g} K, got {raw!r}")
        errors[i] = "; ".join(r for r in reasons if r)
    ok = np.flatnonzero(errors == "")
    out = {name: np.full(n_rows, np.nan) for name in ("chi", "chi_std", "soluble_probability")}
    in_domain = np.full(n_rows, None, dtype=object)
    model = model or load_model()
    for start in range(0, len(ok), _BATCH_CHUNK):
        rows = ok[start:start + _BATCH_CHUNK]
        c = model.coefficients(np.stack([polymer_x[polymers[i]] for i in rows]),
                               np.stack([solvent_x[solvents[i]] for i in rows]))
        chi_members = c.a + c.b_k / temperatures[rows]
        out["chi"][rows] = chi_members.mean(0)
        out["chi_std"][rows] = model.spread_scale * chi_members.std(0)
        out["soluble_probability"][rows] = (1.0 / (1.0 + np.exp(-c.soluble_logit))).mean(0)
        in_domain[rows] = domain.in_domain_many(model, out["chi_std"][rows], temperatures[rows])
        report(len(set(polymers)) + len(set(solvents)) + start + len(rows), total)
    report(total, total)
    result = frame.copy()
    for name, values in out.items():
        result[name] = values
    result["in_domain"] = in_domain
    result["error"] = errors
    return result


@dataclass(frozen=True, eq=False)
class ChiGrid(FrozenResult):
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
    model: ChiModel = field(repr=False, compare=False)

    def chi(self, temperatures_k) -> tuple[np.ndarray, np.ndarray]:
        """Mean and calibrated spread of χ, each of shape (P, S, T)."""
        t = check_temperatures_k(temperatures_k)
        members = self.a[..., None] + self.b_k[..., None] / t + self.c_k2[..., None] / t**2
        return members.mean(0), self.spread_scale * members.std(0)

    def in_domain(self, temperatures_k) -> np.ndarray:
        """Domain flags of shape (P, S, T): members agree and the temperature is in range."""
        t = check_temperatures_k(temperatures_k)
        return domain.in_domain_many(self.model, self.chi(t)[1], t)


def predict_grid(polymers: Sequence, solvents: Sequence[str], *, model: ChiModel | None = None) -> ChiGrid:
    """Coefficients for every polymer × solvent; inputs that fail are reported in ``failures``.

    A polymer may be a CalibratedPolymer: its row uses its fitted latent description."""
    from chiapp import calibration  # a CalibratedPolymer supplies its own latent (u, r)

    calibrated = {calibration.polymer_text(p): p for p in polymers if calibration.polymer_text(p) is not p}
    polymers = [calibration.polymer_text(p) for p in polymers]
    polymer_x, polymer_smiles, polymer_errors = _featurize(list(polymers), "polymer")
    solvent_x, solvent_smiles, solvent_errors = _featurize(list(solvents), "solvent")
    model = model or load_model()
    p_keys, s_keys = list(polymer_x), list(solvent_x)
    failures = tuple([("polymer", t, m) for t, m in polymer_errors.items()]
                     + [("solvent", t, m) for t, m in solvent_errors.items()])
    shape = (model.n_members, len(p_keys), len(s_keys))
    if p_keys and s_keys:
        c = model.grid_coefficients(np.stack([polymer_x[k] for k in p_keys]), np.stack([solvent_x[k] for k in s_keys]))
        a, b_k, logit = c.a.copy(), c.b_k.copy(), c.soluble_logit.copy()
        for i, key in enumerate(p_keys):
            if key in calibrated:  # the calibrated polymer's row, from its fitted latent
                xs = np.stack([solvent_x[k] for k in s_keys])
                row = calibration.polymer_coefficients(model, calibrated[key],
                                                       np.repeat(polymer_x[key][None], len(xs), 0), xs)
                a[:, i], b_k[:, i], logit[:, i] = row.a, row.b_k, row.soluble_logit
    else:
        a = b_k = logit = np.zeros(shape)
    return ChiGrid(
        polymers=tuple(polymer_smiles[k] for k in p_keys), solvents=tuple(solvent_smiles[k] for k in s_keys),
        a=a, b_k=b_k, c_k2=np.zeros(shape), soluble_probability=(1.0 / (1.0 + np.exp(-logit))).mean(0),
        spread_scale=model.spread_scale, failures=failures, model=model)
