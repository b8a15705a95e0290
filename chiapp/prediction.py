"""The public prediction API: χ(T) with its uncertainty for one pair, a batch, or a grid.

Inputs are names (library, abbreviation, CAS) or SMILES; polymers are repeat units with two '*'.
Results say how far the question is from what the model was trained on (``in_domain``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from chiapp import domain, properties
from chiapp.cache import MemoryBoundedCache
from chiapp.crystallinity import CrystallineLimit, crystalline_data, crystalline_limit, dissolution_chi_limit
from chiapp.descriptors import polymer_descriptors, solvent_descriptors
from chiapp.errors import ChiAppError, DataFileError
from chiapp.evidence import Evidence, evidence_for, evidence_pairs
from chiapp.flory_huggins import ChiCoefficients, critical_chi
from chiapp.frozen import FrozenResult
from chiapp.library import solvent_molar_volume
from chiapp.model import ChiModel, LatentFactors, hansen_terms
from chiapp.posterior import (
    PosteriorParameters,
    posterior_curve,
    posterior_curves,
    posterior_rows,
    verdicts,
)
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

@lru_cache(maxsize=1)
def load_model() -> ChiModel:
    """The shipped ensemble, loaded and verified once per process.

    Also loads the ``chemicals`` identifier database (a few seconds, once) that solvent
    descriptors look measured properties up in, so the first new solvent is not slow, and the
    shipped σ-profiles the posterior's prior reads (a fraction of a second), so the first ranking is not.
    """
    model = ChiModel.load()
    properties.cas_of("O")
    _qc_nodes(posterior_parameters(model), "*CC*", ["O"])
    return model


def prior_name(params, hansen_known: bool, qc_nodes) -> str:
    """Which prior the posterior of a pair used (``chiapp.posterior.prior_chi``), in words."""
    if not hansen_known:
        return "constant"
    if params.has_qc_prior and qc_nodes is not None and np.all(np.isfinite(qc_nodes)):
        return "Hansen and COSMO-SAC"
    return "Hansen"


def _qc_nodes(params, polymer_smiles: str, solvent_smiles: list[str]) -> np.ndarray | None:
    """COSMO-SAC χ nodes of the pairs for the posterior's prior (S, nodes), NaN rows where chiapp has
    no σ-profile; None when the model's posterior has no QC prior. Never runs MOPAC."""
    if not params.has_qc_prior:
        return None
    from chiapp.quantum.chi import known_qc_nodes

    return known_qc_nodes(polymer_smiles, solvent_smiles)


def _molecule(text: str, role: str):
    from chiapp.library import resolve_polymer, resolve_solvent

    return resolve_polymer(text) if role == "polymer" else resolve_solvent(text)


def resolve_pair(polymer: str, solvent: str):
    """(polymer Molecule, solvent Molecule) from names or SMILES; raises MoleculeError."""
    return _molecule(polymer, "polymer"), _molecule(solvent, "solvent")


@dataclass(frozen=True, eq=False)
class ChiPrediction(FrozenResult):
    """χ(T) = a + b_k/T (+ c_k2/T², zero for this model) of one polymer–solvent pair, and what it means.

    ``chi``/``chi_std`` [-] are the posterior of ``chiapp.posterior`` (ensemble, Hansen and COSMO-SAC prior and
    the measured evidence of the pair); ``ensemble_chi``/``ensemble_chi_std`` the raw ensemble for
    comparison. ``dissolve_probability`` is P(χ < χc) at each temperature and ``verdicts`` its
    reading ('dissolves', 'borderline', 'does not dissolve'), for the chain length ``chain_length``
    (χc = ``chi_critical``); for a semicrystalline polymer the threshold is ``chi_limit`` = min(χc,
    χ_m(T)) (Flory's melting-point depression) and ``crystalline`` holds its dissolution temperature
    and the reason, else ``chi_limit`` is χc and ``crystalline`` None. ``classifier_probability`` is
    the network's own soluble head, an input shown for transparency, not the verdict. ``in_domain``
    is False when the ensemble members disagree or a temperature is outside the training range
    (``domain_notes`` says which): the answer then leans on the prior, which ``prior`` names
    ('Hansen and COSMO-SAC', 'Hansen' or 'constant', see ``chiapp.posterior``).
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
    prior: str = "Hansen"

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


def predict_chi(polymer, solvent: str, temperature_k, *, chain_length: float | None = None,
                molecular_weight_g_per_mol: float | None = None, crystalline_overrides=None,
                model: ChiModel | None = None) -> ChiPrediction:
    """χ of a polymer (repeat unit SMILES or name, or a chiapp.calibration.CalibratedPolymer) in a
    solvent (SMILES or name; or a blend, ``{"ethanol": 0.8, "water": 0.2}`` or ``"ethanol:0.8+water:0.2"``,
    answered by ``chiapp.blends.predict_blend_chi``) at temperatures [K],
    with P(dissolves) and the verdict for the chain length (given, or from M_n and the libraries).
    A semicrystalline polymer (its grade picked by name: "LDPE", "iPP") dissolves only above its
    dissolution temperature; ``crystalline_overrides`` (``chiapp.crystallinity.CrystallineOverride``
    or a mapping) sets a measured melting point or an amorphous grade.

    >>> p = predict_chi("polystyrene", "toluene", 298.15)
    >>> 0.2 < float(p.chi[0]) < 0.6, p.verdict
    (True, 'dissolves')
    """
    from chiapp import calibration  # a CalibratedPolymer supplies its own latent (u, r)
    from chiapp.blends import looks_like_blend, predict_blend_chi

    if isinstance(solvent, Mapping) or (isinstance(solvent, str) and looks_like_blend(solvent)):
        # a solvent blend, {"ethanol": 0.8, "water": 0.2} or "ethanol:0.8+water:0.2": its own result
        return predict_blend_chi(calibration.polymer_text(polymer), solvent, temperature_k,  # type: ignore[return-value]
                                 model=model)
    temperatures_k = check_temperatures_k(temperature_k)
    polymer_mol, solvent_mol = resolve_pair(calibration.polymer_text(polymer), solvent)
    model = model or load_model()
    px, sx = polymer_descriptors(polymer_mol.smiles), solvent_descriptors(solvent_mol.smiles)
    c = calibration.polymer_coefficients(model, polymer, px[None], sx[None])
    ens_chi, ens_std, probability = _stats(model, c.a[:, 0], c.b_k[:, 0], c.soluble_logit[:, 0], temperatures_k)
    n = _chain_length(polymer_mol, solvent_mol, chain_length, molecular_weight_g_per_mol)
    chi_c = critical_chi(n)
    terms = hansen_terms(px, sx)
    found = evidence_for(polymer_mol.smiles, solvent_mol.smiles)
    params = posterior_parameters(model)
    crystal = crystalline_data(calibration.polymer_text(polymer), overrides=crystalline_overrides)
    volume = solvent_molar_volume(solvent_mol.smiles)[0]
    limits = dissolution_chi_limit(temperatures_k, crystal, volume, chi_c)
    # a handbook "solvent" says the chain mixes with it (χ < χc); the lists often mean a hot solvent
    # for a crystalline polymer, so the label is not read against its melting limit at 25 °C
    label_limit = chi_c
    qc = _qc_nodes(params, polymer_mol.smiles, [solvent_mol.smiles])
    curve = posterior_curve(temperatures_k, c.a[:, 0], c.b_k[:, 0], model.spread_scale, terms,
                            bool(terms.sum() > 0), limits, params, found.temperatures_k, found.chis, found.labels,
                            label_limit, None if qc is None else qc[0])
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
        domain_notes=check.notes, prior=prior_name(params, bool(terms.sum() > 0), None if qc is None else qc[0]))


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


def _texts(column: pd.Series) -> list[str]:
    """Cells as stripped text ('' for missing), element by element: a lone surrogate in a cell
    must become that row's error, not fail the whole column's conversion to a string dtype."""
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip() for v in column]


def _numbers(column: pd.Series) -> np.ndarray:
    """Cells as floats, NaN for anything that is not a finite-range number (text, 10**400)."""
    out = np.full(len(column), np.nan)
    for i, v in enumerate(column):
        try:
            out[i] = float(v)
        except (TypeError, ValueError, OverflowError):
            pass
    return out


def predict_batch(frame: pd.DataFrame, progress: Callable[[int, int], None] | None = None, *,
                  model: ChiModel | None = None) -> pd.DataFrame:
    """Predict every row of a frame with columns ``polymer``, ``solvent``, ``temperature_k``.

    Returns the rows in order with ``chi``, ``chi_std`` (the posterior, as :func:`predict_chi`),
    ``dissolve_probability``, ``verdict`` (chain length from the libraries' defaults), ``in_domain``,
    ``ensemble_chi``, ``ensemble_chi_std``, ``classifier_probability`` and ``error`` added. An
    ``error`` column already in the frame (``chiapp.tables.read_pairs_csv`` writes one) marks rows
    found bad before any prediction. A solvent cell that is a blend (``ethanol:0.8+water:0.2``) is
    predicted by ``chiapp.blends.predict_blend_rows``. A bad row gets its reason in ``error`` and
    empty numbers; the others are still answered. Features and the towers run once per distinct
    molecule, each row costs the factored heads (:meth:`chiapp.model.ChiModel.pair_from_factors`),
    and the posterior runs once per distinct pair. ``progress(done, total)`` is called as molecules
    and pairs are processed.
    """
    missing = [c for c in ("polymer", "solvent", "temperature_k") if c not in frame.columns]
    if missing:
        raise DataFileError(f"missing column(s) {', '.join(missing)}; expected polymer, solvent, temperature_k "
                            f"(got {', '.join(map(str, frame.columns)) or 'no columns'})")
    from chiapp.blends import looks_like_blend, predict_blend_rows

    is_blend = np.array([looks_like_blend(t) for t in _texts(frame["solvent"])], dtype=bool)
    if is_blend.any():  # blend rows (ethanol:0.8+water:0.2) through chiapp.blends, the rest below
        model = model or load_model()
        rows = frame.reset_index(drop=True)  # positions: the caller's index may repeat labels
        blended = predict_blend_rows(rows[is_blend], model)
        rest = predict_batch(rows[~is_blend], progress, model=model) if (~is_blend).any() else None
        parts = [blended] if rest is None else [rest, blended]
        result = pd.concat(parts).sort_index()[list(parts[0].columns)]
        result.index = frame.index
        return result
    polymers = np.array(_texts(frame["polymer"]), dtype=object)
    solvents = np.array(_texts(frame["solvent"]), dtype=object)
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

    temperatures = _numbers(frame["temperature_k"])
    p_bad = np.array([t in polymer_errors for t in p_texts], dtype=bool)[p_rows]
    s_bad = np.array([t in solvent_errors for t in s_texts], dtype=bool)[s_rows]
    errors = np.full(n_rows, "", dtype=object)
    given = frame["error"].fillna("").astype(str).to_numpy(dtype=object) if "error" in frame.columns else \
        np.full(n_rows, "", dtype=object)
    t_bad = ~(np.isfinite(temperatures) & (temperatures >= MIN_TEMPERATURE_K) & (temperatures <= MAX_TEMPERATURE_K))
    g_bad = given != ""
    for i in np.flatnonzero(p_bad | s_bad | t_bad | g_bad):
        reasons = [given[i], polymer_errors.get(polymers[i]), solvent_errors.get(solvents[i])]
        if t_bad[i] and not g_bad[i]:
            reasons.append(f"temperature_k must be a number between {MIN_TEMPERATURE_K:g} and "
                           f"{MAX_TEMPERATURE_K:g} K, got {frame['temperature_k'].iat[i]!r}")
        errors[i] = "; ".join(r for r in reasons if r)
    ok = np.flatnonzero(~(p_bad | s_bad | t_bad | g_bad))
    out = {name: np.full(n_rows, np.nan) for name in ("chi", "chi_std", "classifier_probability")}
    in_domain = np.full(n_rows, None, dtype=object)
    model = model or load_model()
    member_a = np.full((model.n_members, n_rows), np.nan)
    member_b_k = np.full((model.n_members, n_rows), np.nan)
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
        out["classifier_probability"][rows] = (1.0 / (1.0 + np.exp(-c.soluble_logit))).mean(0)
        member_a[:, rows], member_b_k[:, rows] = c.a, c.b_k
        in_domain[rows] = domain.in_domain_many(model, out["chi_std"][rows], temperatures[rows])
        report(n_molecules + start + len(rows), total)
    probability = np.full(n_rows, np.nan)
    verdict = np.full(n_rows, "", dtype=object)
    ensemble = {"ensemble_chi": out["chi"].copy(), "ensemble_chi_std": out["chi_std"].copy()}
    params = posterior_parameters(model)
    # the posterior of predict_chi: chain length and evidence per distinct molecule, then pairs with
    # measured evidence one by one and all the others at once
    p_info = [_polymer_info(polymer_smiles[t]) if t in polymer_x else ("", np.nan) for t in p_texts]
    s_info = [_solvent_info(solvent_smiles[t]) if t in solvent_x else ("", np.nan) for t in s_texts]
    p_volume = np.array([v for _, v in p_info], dtype=float)   # M_n / ρ [cm3/mol]
    s_volume = np.array([v for _, v in s_info], dtype=float)   # [cm3/mol]
    n_chain = p_volume[p_rows] / s_volume[s_rows]
    short = np.zeros(n_rows, dtype=bool)
    short[ok] = ~(n_chain[ok] >= 1.0)
    for row in np.flatnonzero(short).tolist():
        errors[row] = (f"chain length N = {n_chain[row]:.3g} is below 1: the polymer is smaller than one solvent "
                       "molecule; give a larger molecular weight")
        out["chi"][row] = out["chi_std"][row] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        chi_c = np.where(short, np.nan, 0.5 * (1.0 + 1.0 / np.sqrt(n_chain)) ** 2)   # critical_chi(N)
    # pairs the evidence tables know, found through the few keys they hold
    p_index: dict[str, list[int]] = {}  # one key may be typed several ways ("PS", "*CC(*)c1ccccc1")
    s_index: dict[str, list[int]] = {}
    for position, (key, _) in enumerate(p_info):
        p_index.setdefault(key, []).append(position)
    for position, (key, _) in enumerate(s_info):
        s_index.setdefault(key, []).append(position)
    known_pairs = [pi * len(s_texts) + si for pk, sk in evidence_pairs() if pk in p_index and sk in s_index
                   for pi in p_index[pk] for si in s_index[sk]]
    with_evidence = np.isin(p_rows * len(s_texts) + s_rows, known_pairs)
    plain = ok[np.isfinite(chi_c[ok]) & ~with_evidence[ok]]
    if len(plain):
        terms = hansen_terms(np.stack([polymer_x[polymers[i]] for i in plain]),
                             np.stack([solvent_x[solvents[i]] for i in plain]))
        qc = None
        if params.has_qc_prior:  # per distinct pair; one COSMO-SAC polymer solve per distinct polymer
            from chiapp.quantum.chi import QC_NODES_K

            pair_codes, inverse = np.unique(p_rows[plain] * len(s_texts) + s_rows[plain], return_inverse=True)
            pair_nodes = np.empty((len(pair_codes), QC_NODES_K.size))
            for code in np.unique(pair_codes // len(s_texts)):
                at = np.flatnonzero(pair_codes // len(s_texts) == code)
                pair_nodes[at] = _qc_nodes(params, polymer_smiles[p_texts[code]],
                                           [solvent_smiles[s_texts[c % len(s_texts)]] for c in pair_codes[at]])
            qc = pair_nodes[inverse.ravel()]
        chi, std, chance = posterior_rows(temperatures[plain], member_a[:, plain], member_b_k[:, plain],
                                          model.spread_scale, terms, terms.sum(axis=1) > 0, chi_c[plain], params,
                                          qc)
        out["chi"][plain], out["chi_std"][plain], probability[plain] = chi, std, chance
        verdict[plain] = verdicts(chance)
    evidence_rows = ok[with_evidence[ok]]
    evidence_pair = p_rows[evidence_rows] * len(s_texts) + s_rows[evidence_rows]
    for pair in np.unique(evidence_pair):  # one posterior per pair, at all its rows' temperatures
        rows = evidence_rows[evidence_pair == pair]
        p, s = polymers[rows[0]], solvents[rows[0]]
        found = evidence_for(polymer_smiles[p], solvent_smiles[s])
        terms = hansen_terms(polymer_x[p], solvent_x[s])
        qc = _qc_nodes(params, polymer_smiles[p], [solvent_smiles[s]])
        curve = posterior_curve(temperatures[rows], member_a[:, rows[0]], member_b_k[:, rows[0]], model.spread_scale,
                                terms, bool(terms.sum() > 0), chi_c[rows], params, found.temperatures_k, found.chis,
                                found.labels, float(chi_c[rows[0]]), None if qc is None else qc[0])
        out["chi"][rows], out["chi_std"][rows] = curve.chi, curve.chi_std
        probability[rows], verdict[rows] = curve.dissolve_probability, curve.verdicts
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


@lru_cache(maxsize=1 << 16)
def _polymer_info(smiles: str) -> tuple[str, float]:
    """(canonical key, molar volume M_n/ρ [cm3/mol]) of a polymer with the libraries' defaults."""
    from chiapp.chemistry import canonical_polymer
    from chiapp.flory_huggins import DEFAULT_POLYMER_DENSITY_G_PER_CM3
    from chiapp.library import polymer_defaults, resolve_polymer

    molecular_weight, density = polymer_defaults(resolve_polymer(smiles))
    return canonical_polymer(smiles), molecular_weight / (density or DEFAULT_POLYMER_DENSITY_G_PER_CM3)


@lru_cache(maxsize=1 << 17)
def _solvent_info(smiles: str) -> tuple[str, float]:
    """(canonical key, molar volume [cm3/mol]) of a solvent (``library.solvent_molar_volume``)."""
    from chiapp.chemistry import canonical_solvent

    return canonical_solvent(smiles), solvent_molar_volume(smiles)[0]


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
        evidence = [evidence_for(self.polymers[p], self.solvents[s]) for s in solvent_indices]
        plain = np.array([found.is_empty for found in evidence], dtype=bool)
        if plain.any():  # pairs without measured evidence: all at once
            idx = solvent_indices[plain]
            terms = self.hansen[p, idx]
            chi, std, chance, a, b_k = posterior_curves(
                t, self.a[:, p, idx], self.b_k[:, p, idx], self.spread_scale, terms, terms.sum(axis=1) > 0,
                limits[plain], params, _qc_nodes(params, self.polymers[p], [self.solvents[s] for s in idx]))
            out[:, plain] = chi, std, chance
            coefficients[:, plain] = a, b_k
        for i in np.flatnonzero(~plain):  # pairs with measured χ or handbook labels: one by one
            s, found = solvent_indices[i], evidence[i]
            terms = self.hansen[p, s]
            qc = _qc_nodes(params, self.polymers[p], [self.solvents[s]])
            curve = posterior_curve(t, self.a[:, p, s], self.b_k[:, p, s], self.spread_scale, terms,
                                    bool(terms.sum() > 0), limits[i], params, found.temperatures_k, found.chis,
                                    found.labels, None if label_chi_limit is None else float(label_chi_limit[i]),
                                    None if qc is None else qc[0])
            out[:, i] = curve.chi, curve.chi_std, curve.dissolve_probability
            coefficients[:, i] = curve.a, curve.b_k
        return out[0], out[1], out[2], coefficients[0], coefficients[1]

    def in_domain(self, temperatures_k) -> np.ndarray:
        """Domain flags of shape (P, S, T): members agree and the temperature is in range."""
        t = check_temperatures_k(temperatures_k)
        return domain.in_domain_many(self.model, self.chi(t)[1], t)


def predict_grid(polymers: Sequence, solvents: Sequence[str], *, model: ChiModel | None = None) -> ChiGrid:
    """Coefficients for every polymer × solvent; inputs that fail are reported in ``failures``.

    The towers run once per molecule (cached by canonical SMILES) and the coefficients come from
    the factored heads (:meth:`chiapp.model.ChiModel.grid_from_factors`). A polymer may be a
    CalibratedPolymer: its row uses its fitted latent description."""
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
        grid = model.grid_from_factors(
            _factors(model, "polymer", [polymer_smiles[k] for k in p_keys], [polymer_x[k] for k in p_keys]),
            _factors(model, "solvent", [solvent_smiles[k] for k in s_keys], [solvent_x[k] for k in s_keys]))
        a, b_k, logit = grid[0], grid[1], grid[2]
        hansen = hansen_terms(np.stack([polymer_x[k] for k in p_keys])[:, None, :],
                              np.stack([solvent_x[k] for k in s_keys])[None, :, :])
        a, b_k, logit = a.copy(), b_k.copy(), logit.copy()
        for i, key in enumerate(p_keys):
            if key in calibrated:  # the calibrated polymer's row, from its fitted latent
                xs = np.stack([solvent_x[k] for k in s_keys])
                row = calibration.polymer_coefficients(model, calibrated[key],
                                                       np.repeat(polymer_x[key][None], len(xs), 0), xs)
                a[:, i], b_k[:, i], logit[:, i] = row.a, row.b_k, row.soluble_logit
    else:
        a = b_k = logit = np.zeros(shape)
        hansen = np.zeros((*shape[1:], 3))
    return ChiGrid(
        polymers=tuple(polymer_smiles[k] for k in p_keys), solvents=tuple(solvent_smiles[k] for k in s_keys),
        a=a, b_k=b_k, c_k2=np.zeros(shape), soluble_probability=(1.0 / (1.0 + np.exp(-logit))).mean(0),
        spread_scale=model.spread_scale, failures=failures, hansen=hansen, model=model)
