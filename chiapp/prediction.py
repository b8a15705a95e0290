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
from chiapp.crystallinity import CrystallineLimit, crystalline_data, crystalline_limit, dissolution_chi_limit
from chiapp.descriptors import polymer_descriptors, solvent_descriptors
from chiapp.errors import ChiAppError, DataFileError
from chiapp.evidence import Evidence, evidence_for
from chiapp.flory_huggins import ChiCoefficients, critical_chi
from chiapp.frozen import FrozenResult
from chiapp.library import solvent_molar_volume
from chiapp.model import ChiModel, hansen_terms
from chiapp.posterior import LABEL_TEMPERATURE_K, PosteriorParameters, posterior_curve
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
    """χ(T) = a + b_k/T (+ c_k2/T², zero for this model) of one polymer–solvent pair, and what it means.

    ``chi``/``chi_std`` [-] are the posterior of ``chiapp.posterior`` (ensemble, Hansen prior and
    the measured evidence of the pair); ``ensemble_chi``/``ensemble_chi_std`` the raw ensemble for
    comparison. ``dissolve_probability`` is P(χ < χc) at each temperature and ``verdicts`` its
    reading ('dissolves', 'borderline', 'does not dissolve'), for the chain length ``chain_length``
    (χc = ``chi_critical``); for a semicrystalline polymer the threshold is ``chi_limit`` = min(χc,
    χ_m(T)) (Flory's melting-point depression) and ``crystalline`` holds its dissolution temperature
    and the reason, else ``chi_limit`` is χc and ``crystalline`` None. ``classifier_probability`` is
    the network's own soluble head, an input shown for transparency, not the verdict. ``in_domain``
    is False when the ensemble members disagree or a temperature is outside the training range
    (``domain_notes`` says which): the answer then leans on the prior.
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
    dissolve_probability: np.ndarray
    verdicts: tuple[str, ...]
    chain_length: float
    chi_critical: float
    chi_limit: np.ndarray
    crystalline: CrystallineLimit | None
    ensemble_chi: np.ndarray
    ensemble_chi_std: np.ndarray
    classifier_probability: float
    evidence: Evidence
    in_domain: bool
    similarity: float
    polymer_similarity: float
    solvent_similarity: float
    nearest_polymers: tuple[tuple[str, float], ...]
    nearest_solvents: tuple[tuple[str, float], ...]
    domain_notes: tuple[str, ...] = field(default=())

    @property
    def verdict(self) -> str:
        """The verdict at the first temperature (one temperature asked: the verdict)."""
        return self.verdicts[0]

    @property
    def coefficients(self) -> ChiCoefficients:
        """The posterior χ(T) as the value type the Flory–Huggins functions take."""
        return ChiCoefficients(self.a, self.b_k, self.c_k2)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"temperature_k": self.temperatures_k,
                             "temperature_c": self.temperatures_k - ZERO_CELSIUS_K,
                             "chi": self.chi, "chi_std": self.chi_std,
                             "dissolve_probability": self.dissolve_probability, "verdict": list(self.verdicts),
                             "ensemble_chi": self.ensemble_chi, "ensemble_chi_std": self.ensemble_chi_std})


@lru_cache(maxsize=4)
def posterior_parameters(model: ChiModel) -> PosteriorParameters:
    return PosteriorParameters.from_manifest(model.manifest)


def _stats(model: ChiModel, a: np.ndarray, b_k: np.ndarray, logit: np.ndarray, temperatures_k: np.ndarray):
    """Mean and calibrated spread of χ at each temperature, from per-member coefficients."""
    chi_members = a[..., None] + b_k[..., None] / temperatures_k
    probability = 1.0 / (1.0 + np.exp(-logit))
    return (chi_members.mean(0), model.spread_scale * chi_members.std(0), probability.mean(0))


def _chain_length(polymer_mol, solvent_mol, chain_length, molecular_weight_g_per_mol) -> float:
    from chiapp.library import chain_length_for

    if chain_length is not None:
        return float(chain_length)
    return chain_length_for(polymer_mol, solvent_mol, molecular_weight_g_per_mol=molecular_weight_g_per_mol)


def predict_chi(polymer: str, solvent: str, temperature_k, *, chain_length: float | None = None,
                molecular_weight_g_per_mol: float | None = None, crystalline_overrides=None,
                model: ChiModel | None = None) -> ChiPrediction:
    """χ of a polymer (repeat unit SMILES or name) in a solvent (SMILES or name) at temperatures [K],
    with P(dissolves) and the verdict for the chain length (given, or from M_n and the libraries).
    A semicrystalline polymer (its grade picked by name: "LDPE", "iPP") dissolves only above its
    dissolution temperature; ``crystalline_overrides`` (``chiapp.crystallinity.CrystallineOverride``
    or a mapping) sets a measured melting point or an amorphous grade.

    >>> p = predict_chi("polystyrene", "toluene", 298.15)
    >>> 0.2 < float(p.chi[0]) < 0.6, p.verdict
    (True, 'dissolves')
    """
    temperatures_k = check_temperatures_k(temperature_k)
    polymer_mol, solvent_mol = resolve_pair(polymer, solvent)
    model = model or load_model()
    px, sx = polymer_descriptors(polymer_mol.smiles), solvent_descriptors(solvent_mol.smiles)
    c = model.coefficients(px[None], sx[None])
    ens_chi, ens_std, probability = _stats(model, c.a[:, 0], c.b_k[:, 0], c.soluble_logit[:, 0], temperatures_k)
    n = _chain_length(polymer_mol, solvent_mol, chain_length, molecular_weight_g_per_mol)
    chi_c = critical_chi(n)
    terms = hansen_terms(px, sx)
    found = evidence_for(polymer_mol.smiles, solvent_mol.smiles)
    crystal = crystalline_data(polymer, overrides=crystalline_overrides)
    volume = solvent_molar_volume(solvent_mol.smiles)[0]
    limits = dissolution_chi_limit(temperatures_k, crystal, volume, chi_c)
    label_limit = float(dissolution_chi_limit(np.array([LABEL_TEMPERATURE_K]), crystal, volume, chi_c)[0])
    curve = posterior_curve(temperatures_k, c.a[:, 0], c.b_k[:, 0], model.spread_scale, terms,
                            bool(terms.sum() > 0), limits, posterior_parameters(model),
                            found.temperatures_k, found.chis, found.labels, label_limit)
    limit = None if crystal is None else crystalline_limit(
        polymer_mol.smiles, curve.a, curve.b_k, curve.chi_std, temperatures_k, data=crystal,
        solvent_molar_volume_cm3_per_mol=volume, chi_critical=chi_c)
    check = domain.assess(model, polymer_mol.smiles, solvent_mol.smiles, temperatures_k, ens_std)
    return ChiPrediction(
        polymer=polymer_mol.smiles, solvent=solvent_mol.smiles,
        polymer_name=polymer_mol.name, solvent_name=solvent_mol.name,
        temperatures_k=temperatures_k, chi=curve.chi, chi_std=curve.chi_std,
        a=curve.a, b_k=curve.b_k, c_k2=0.0, dissolve_probability=curve.dissolve_probability,
        verdicts=curve.verdicts, chain_length=n, chi_critical=chi_c, chi_limit=limits, crystalline=limit,
        ensemble_chi=ens_chi, ensemble_chi_std=ens_std,
        classifier_probability=float(probability), evidence=found, in_domain=check.in_domain,
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

    Returns the rows in order with ``chi``, ``chi_std`` (the posterior, as :func:`predict_chi`),
    ``dissolve_probability``, ``verdict`` (chain length from the libraries' defaults), ``in_domain``,
    ``ensemble_chi``, ``ensemble_chi_std``, ``classifier_probability`` and ``error`` added. An
    ``error`` column already in the frame (``chiapp.tables.read_pairs_csv`` writes one) marks rows
    found bad before any prediction. A solvent cell that is a blend (``ethanol:0.8+water:0.2``) is
    predicted by ``chiapp.blends.predict_blend_rows`` (the ensemble's χ, no prior or evidence). A
    bad row gets its reason in ``error`` and empty numbers; the others are still answered. Features
    are computed once per distinct molecule; ``progress(done, total)`` is called as molecules and
    pairs are processed.
    """
    missing = [c for c in ("polymer", "solvent", "temperature_k") if c not in frame.columns]
    if missing:
        raise DataFileError(f"missing column(s) {', '.join(missing)}; expected polymer, solvent, temperature_k "
                            f"(got {', '.join(map(str, frame.columns)) or 'no columns'})")
    from chiapp.blends import looks_like_blend, predict_blend_rows

    is_blend = frame["solvent"].map(looks_like_blend).to_numpy(bool)
    if is_blend.any():  # blend rows (ethanol:0.8+water:0.2) through chiapp.blends, the rest below
        model = model or load_model()
        rows = frame.reset_index(drop=True)  # positions: the caller's index may repeat labels
        blended = predict_blend_rows(rows[is_blend], model)
        rest = predict_batch(rows[~is_blend], progress, model=model) if (~is_blend).any() else None
        parts = [blended] if rest is None else [rest, blended]
        result = pd.concat(parts).sort_index()[list(parts[0].columns)]
        result.index = frame.index
        return result
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
    model = model or load_model()
    out = {name: np.full(n_rows, np.nan) for name in ("chi", "chi_std", "classifier_probability")}
    member_a = np.full((model.n_members, n_rows), np.nan)
    member_b_k = np.full((model.n_members, n_rows), np.nan)
    in_domain = np.full(n_rows, None, dtype=object)
    for start in range(0, len(ok), _BATCH_CHUNK):
        rows = ok[start:start + _BATCH_CHUNK]
        c = model.coefficients(np.stack([polymer_x[polymers[i]] for i in rows]),
                               np.stack([solvent_x[solvents[i]] for i in rows]))
        chi_members = c.a + c.b_k / temperatures[rows]
        out["chi"][rows] = chi_members.mean(0)
        out["chi_std"][rows] = model.spread_scale * chi_members.std(0)
        out["classifier_probability"][rows] = (1.0 / (1.0 + np.exp(-c.soluble_logit))).mean(0)
        member_a[:, rows], member_b_k[:, rows] = c.a, c.b_k
        in_domain[rows] = domain.in_domain_many(model, out["chi_std"][rows], temperatures[rows])
        report(len(set(polymers)) + len(set(solvents)) + start + len(rows), total)
    probability = np.full(n_rows, np.nan)
    verdict = np.full(n_rows, "", dtype=object)
    ensemble = {"ensemble_chi": out["chi"].copy(), "ensemble_chi_std": out["chi_std"].copy()}
    params = posterior_parameters(model)
    for i in map(int, ok):  # the posterior row by row: the same answer as predict_chi for the same pair
        p, s = polymers[i], solvents[i]
        try:
            n = _pair_chain_length(p, s)
        except ChiAppError as err:
            errors[i] = str(err)
            out["chi"][i] = out["chi_std"][i] = np.nan
            continue
        terms = hansen_terms(polymer_x[p], solvent_x[s])
        found = evidence_for(*_pair_smiles(p, s))
        curve = posterior_curve(temperatures[i:i + 1], member_a[:, i], member_b_k[:, i], model.spread_scale, terms,
                                bool(terms.sum() > 0), critical_chi(n), params, found.temperatures_k, found.chis,
                                found.labels)
        out["chi"][i], out["chi_std"][i] = curve.chi[0], curve.chi_std[0]
        probability[i], verdict[i] = curve.dissolve_probability[0], curve.verdicts[0]
    report(total, total)
    result = frame.copy()
    result["chi"], result["chi_std"] = out["chi"], out["chi_std"]
    result["dissolve_probability"], result["verdict"] = probability, verdict
    result["in_domain"] = in_domain
    for name, values in ensemble.items():
        result[name] = values
    result["classifier_probability"] = out["classifier_probability"]
    result["error"] = errors
    return result


@lru_cache(maxsize=65536)
def _pair_smiles(polymer_text: str, solvent_text: str) -> tuple[str, str]:
    polymer, solvent = resolve_pair(polymer_text, solvent_text)
    return polymer.smiles, solvent.smiles


@lru_cache(maxsize=65536)
def _pair_chain_length(polymer_text: str, solvent_text: str) -> float:
    """N of a pair with the library's defaults (``chiapp.library.chain_length_for``)."""
    polymer, solvent = resolve_pair(polymer_text, solvent_text)
    return _chain_length(polymer, solvent, None, None)


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
    hansen: np.ndarray  # (P, S, 3): the textbook Hansen terms of chiapp.model.hansen_terms
    model: ChiModel = field(repr=False, compare=False)

    def chi(self, temperatures_k) -> tuple[np.ndarray, np.ndarray]:
        """Mean and calibrated spread of χ, each of shape (P, S, T)."""
        t = check_temperatures_k(temperatures_k)
        members = self.a[..., None] + self.b_k[..., None] / t + self.c_k2[..., None] / t**2
        return members.mean(0), self.spread_scale * members.std(0)

    def posterior(self, p: int, solvent_indices, temperatures_k, chi_limit, label_chi_limit=None
                  ) -> tuple[np.ndarray, ...]:
        """Posterior χ, σ and P(dissolves), each (S, T), and a, b_k, each (S,), of polymer ``p`` with
        the given solvents and the measured evidence of each pair (``chiapp.posterior.posterior_curve``,
        as in :func:`predict_chi`). ``chi_limit`` is χc per solvent (S,) or the crystalline limit
        per solvent and temperature (S, T); ``label_chi_limit`` (S,) the limit at 25 °C."""
        t = check_temperatures_k(temperatures_k)
        params = posterior_parameters(self.model)
        solvent_indices = np.asarray(solvent_indices, dtype=int)
        limits = np.asarray(chi_limit, dtype=float)
        out = np.empty((3, len(solvent_indices), len(t)))
        coefficients = np.empty((2, len(solvent_indices)))
        for i, s in enumerate(solvent_indices):
            found = evidence_for(self.polymers[p], self.solvents[s])
            terms = self.hansen[p, s]
            curve = posterior_curve(t, self.a[:, p, s], self.b_k[:, p, s], self.spread_scale, terms,
                                    bool(terms.sum() > 0), limits[i], params, found.temperatures_k, found.chis,
                                    found.labels, None if label_chi_limit is None else float(label_chi_limit[i]))
            out[:, i] = curve.chi, curve.chi_std, curve.dissolve_probability
            coefficients[:, i] = curve.a, curve.b_k
        return out[0], out[1], out[2], coefficients[0], coefficients[1]

    def in_domain(self, temperatures_k) -> np.ndarray:
        """Domain flags of shape (P, S, T): members agree and the temperature is in range."""
        t = check_temperatures_k(temperatures_k)
        return domain.in_domain_many(self.model, self.chi(t)[1], t)


def predict_grid(polymers: Sequence[str], solvents: Sequence[str], *, model: ChiModel | None = None) -> ChiGrid:
    """Coefficients for every polymer × solvent; inputs that fail are reported in ``failures``."""
    polymer_x, polymer_smiles, polymer_errors = _featurize(list(polymers), "polymer")
    solvent_x, solvent_smiles, solvent_errors = _featurize(list(solvents), "solvent")
    model = model or load_model()
    p_keys, s_keys = list(polymer_x), list(solvent_x)
    failures = tuple([("polymer", t, m) for t, m in polymer_errors.items()]
                     + [("solvent", t, m) for t, m in solvent_errors.items()])
    shape = (model.n_members, len(p_keys), len(s_keys))
    if p_keys and s_keys:
        c = model.grid_coefficients(np.stack([polymer_x[k] for k in p_keys]), np.stack([solvent_x[k] for k in s_keys]))
        a, b_k, logit = c.a, c.b_k, c.soluble_logit
        hansen = hansen_terms(np.stack([polymer_x[k] for k in p_keys])[:, None, :],
                              np.stack([solvent_x[k] for k in s_keys])[None, :, :])
    else:
        a = b_k = logit = np.zeros(shape)
        hansen = np.zeros((*shape[1:], 3))
    return ChiGrid(
        polymers=tuple(polymer_smiles[k] for k in p_keys), solvents=tuple(solvent_smiles[k] for k in s_keys),
        a=a, b_k=b_k, c_k2=np.zeros(shape), soluble_probability=(1.0 / (1.0 + np.exp(-logit))).mean(0),
        spread_scale=model.spread_scale, failures=failures, hansen=hansen, model=model)
