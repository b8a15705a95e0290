"""The public prediction API: χ(T) with its uncertainty and one verdict for a pair, a batch, or a grid.

Inputs are names (library, abbreviation, grade, CAS) or SMILES; polymers are repeat units with two
'*'; a solvent may be a blend (``ethanol:0.8+water:0.2``); a polymer may be calibrated to the
user's own measurements (``chiapp.calibration``). Every function here asks the one answer engine
(``chiapp.answer``), so a pair gets the same χ, σ, P(dissolves) and verdict whichever way it is asked.
Results say how far the question is from what the model was trained on (``in_domain``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from chiapp import domain
from chiapp.answer import Answer, RowAnswer, answer_grid, answer_rows
from chiapp.chemistry import canonical_polymer
from chiapp.crystallinity import CrystallineLimit
from chiapp.errors import DataFileError, InputError
from chiapp.evidence import Evidence
from chiapp.features import (
    LatentPolymer,
    PolymerFeatures,
    featurize_polymers,
    featurize_solvents,
    polymer_features,
    solvent_features,
)
from chiapp.flory_huggins import ChiCoefficients
from chiapp.frozen import FrozenResult
from chiapp.library import Molecule, resolve_polymer, resolve_solvent
from chiapp.mixing import mixing_sources
from chiapp.model import ChiModel, load_model
from chiapp.model_card import chemistry_caveat
from chiapp.posterior import CHEMISTRY_CLASSES, PRIOR_NAMES
from chiapp.solvent_blend import Blend
from chiapp.units import MAX_TEMPERATURE_K, MIN_TEMPERATURE_K, ZERO_CELSIUS_K, check_temperatures_k

__all__ = [
    "BATCH_COLUMNS",
    "BlendComponent",
    "ChiPrediction",
    "dissolution_limit",
    "load_model",
    "predict_batch",
    "predict_chi",
    "predict_grid",
    "resolve_pair",
]

#: The answer columns predict_batch adds to a batch, in order.
BATCH_COLUMNS = ("chi", "chi_std", "laboratory_chi_std", "chi_limit", "dissolve_probability", "verdict", "in_domain",
                 "prior", "ensemble_chi", "ensemble_chi_std", "classifier_probability", "error")


def resolve_pair(polymer: str, solvent: str) -> tuple[Molecule, Molecule]:
    """(polymer Molecule, solvent Molecule) from names or SMILES; raises MoleculeError."""
    return resolve_polymer(polymer), resolve_solvent(solvent)


@dataclass(frozen=True, eq=False)
class BlendComponent(FrozenResult):
    """One solvent of a blend: its volume fraction, the polymer's own posterior χ ± σ in it at each T, and
    the evidence of that pair (which reaches the blend by ``fraction``: ``chiapp.answer._component_evidence``)."""

    name: str
    smiles: str
    fraction: float
    chi: np.ndarray
    chi_std: np.ndarray
    evidence: Evidence


@dataclass(frozen=True, eq=False)
class ChiPrediction(FrozenResult):
    """χ(T) = a + b_k/T (+ c_k2/T²) of one polymer–solvent pair, and what it means (``chiapp.answer``).

    ``chi``/``chi_std`` [-] are the posterior of ``chiapp.posterior`` (ensemble, Hansen and COSMO-SAC prior and
    the measured evidence of the pair); ``ensemble_chi``/``ensemble_chi_std`` the raw ensemble for
    comparison. ``dissolve_probability`` is P(χ < χ_lim) at each temperature and ``verdicts`` its
    reading ('dissolves', 'borderline', 'does not dissolve'), for the chain length ``chain_length``
    (χc = ``chi_critical``); ``chi_limit`` = min(χc, χ_m(T)) is χc for an amorphous polymer and the
    smaller melting limit of a semicrystalline grade (Flory's melting-point depression), whose
    dissolution temperature and reason are in ``crystalline`` (None: amorphous). ``classifier_probability``
    is the network's own soluble head, shown for transparency, not the verdict. ``in_domain`` is
    False when the ensemble members disagree or a temperature is outside the training range
    (``domain_notes`` says which): the answer then leans on the prior, which ``prior`` names
    ('Hansen and COSMO-SAC', 'Hansen' or 'constant'). For a solvent blend, ``blend`` holds it and
    ``components`` the polymer's χ in each of its solvents; ``solvent`` is the blend's text.
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
    grade: str | None = None
    blend: Blend | None = None
    components: tuple[BlendComponent, ...] = ()
    calibrated: bool = False
    #: σ of the χ another laboratory would measure at each temperature (``chiapp.posterior.laboratory_std``):
    #: wider than ``chi_std`` where measured χ narrowed it, since laboratories disagree (empty: not computed)
    laboratory_std: np.ndarray = field(default_factory=lambda: np.empty(0))
    #: the pair's chemistry class (``chiapp.posterior.CHEMISTRY_CLASSES``: which σ factor it has), and a
    #: sentence when held-out polymers of that class were far less well predicted ('' otherwise)
    chemistry_class: str = CHEMISTRY_CLASSES[0]
    chemistry_caveat: str = ""

    @property
    def verdict(self) -> str:
        """The verdict at the first temperature (one temperature asked: the verdict)."""
        return self.verdicts[0]

    @property
    def laboratory_band(self) -> bool:
        """Measured χ narrowed σ: another laboratory's χ has its own, wider band (``laboratory_std``)."""
        return len(self.laboratory_std) > 0 and self.evidence.has_measured_chi

    @property
    def mixing_source(self) -> str:
        """A blend's: where each pair of its solvents takes its χ12 from ('' for one solvent)."""
        return mixing_sources([c.smiles for c in self.components], [c.name for c in self.components])

    @property
    def polymer_label(self) -> str:
        """What a person calls the polymer: its grade, else its name, else its SMILES."""
        return self.grade or self.polymer_name or self.polymer

    @property
    def coefficients(self) -> ChiCoefficients:
        """The posterior χ(T) as the value type the Flory–Huggins functions take."""
        return ChiCoefficients(self.a, self.b_k, self.c_k2)

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame({"temperature_k": self.temperatures_k,
                              "temperature_c": self.temperatures_k - ZERO_CELSIUS_K,
                              "chi": self.chi, "chi_std": self.chi_std, "chi_limit": self.chi_limit,
                              "dissolve_probability": self.dissolve_probability, "verdict": list(self.verdicts),
                              "laboratory_chi_std": self.laboratory_std if len(self.laboratory_std) else self.chi_std,
                              "ensemble_chi": self.ensemble_chi, "ensemble_chi_std": self.ensemble_chi_std})
        for c in self.components:
            frame[f"chi {c.name}"] = c.chi
        return frame


def _domain(model: ChiModel, polymer: PolymerFeatures, solvent, temperatures_k, ensemble_std) -> domain.DomainCheck:
    """The domain check of a pair; a blend's is its components' (each must be in the domain)."""
    parts = solvent.components or (solvent,)
    checks = [domain.assess(model, polymer.smiles, part.smiles, temperatures_k, ensemble_std) for part in parts]
    first = checks[0]
    notes = tuple(dict.fromkeys(n for check in checks for n in check.notes))
    return domain.DomainCheck(not notes, min(c.polymer_similarity for c in checks),
                              min(c.solvent_similarity for c in checks), first.nearest_polymers,
                              first.nearest_solvents, notes)


def prediction_of(answer: Answer, p: int, s: int, model: ChiModel) -> ChiPrediction:
    """The :class:`ChiPrediction` of pair (p, s) of an answer grid, at all its temperatures."""
    polymer, solvent = answer.polymers[p], answer.solvents[s]
    if answer.errors[p, s]:
        raise InputError(str(answer.errors[p, s]))
    t = answer.temperatures_k
    components: tuple[BlendComponent, ...] = ()
    if solvent.blend is not None:
        own = answer_grid([polymer], solvent.components, t, model=model)
        components = tuple(BlendComponent(c.label, c.smiles, f, own.chi[0, j], own.chi_std[0, j], own.evidence_of(0, j))
                           for j, (c, f) in enumerate(zip(solvent.components, solvent.blend.fractions)))
    check = _domain(model, polymer, solvent, t, answer.ensemble_chi_std[p, s])
    evidence = answer.evidence_of(p, s)
    return ChiPrediction(
        polymer=polymer.smiles, solvent=solvent.smiles, polymer_name=polymer.name, solvent_name=solvent.name,
        temperatures_k=t, chi=answer.chi[p, s], chi_std=answer.chi_std[p, s], a=float(answer.a[p, s]),
        b_k=float(answer.b_k[p, s]), c_k2=float(answer.c_k2[p, s]),
        dissolve_probability=answer.dissolve_probability[p, s], verdicts=tuple(str(v) for v in answer.verdicts[p, s]),
        chain_length=float(answer.chain_length[p, s]), chi_critical=float(answer.chi_critical[p, s]),
        chi_limit=answer.chi_limit[p, s], crystalline=answer.dissolution(p, s) if polymer.crystal is not None else None,
        ensemble_chi=answer.ensemble_chi[p, s], ensemble_chi_std=answer.ensemble_chi_std[p, s],
        classifier_probability=float(answer.classifier_probability[p, s]), evidence=evidence,
        in_domain=check.in_domain, similarity=min(check.polymer_similarity, check.solvent_similarity),
        polymer_similarity=check.polymer_similarity, solvent_similarity=check.solvent_similarity,
        nearest_polymers=check.nearest_polymers, nearest_solvents=check.nearest_solvents, domain_notes=check.notes,
        prior=answer.prior(p, s), grade=polymer.molecule.grade, blend=solvent.blend, components=components,
        calibrated=polymer.latent is not None,
        laboratory_std=answer.laboratory_chi_std[p, s],
        chemistry_class=CHEMISTRY_CLASSES[int(answer.chemistry_classes[p, s])],
        chemistry_caveat=chemistry_caveat(model.manifest, int(answer.chemistry_classes[p, s])))


def predict_chi(polymer, solvent, temperature_k, *, chain_length: float | None = None,
                molecular_weight_g_per_mol: float | None = None, crystalline_overrides=None,
                model: ChiModel | None = None) -> ChiPrediction:
    """χ of a polymer (repeat unit SMILES, name or grade such as "LDPE", or a
    ``chiapp.calibration.CalibratedPolymer``) in a solvent (SMILES or name; or a blend,
    ``{"ethanol": 0.8, "water": 0.2}`` or ``"ethanol:0.8+water:0.2"``) at temperatures [K], with
    P(dissolves) and the verdict for the chain length (given, or from M_n and the libraries). A
    semicrystalline polymer dissolves only above its dissolution temperature; ``crystalline_overrides``
    (``chiapp.crystallinity.CrystallineOverride`` or a mapping) sets a measured melting point or an
    amorphous grade.

    >>> p = predict_chi("polystyrene", "toluene", 298.15)
    >>> 0.2 < float(p.chi[0]) < 0.6, p.verdict
    (True, 'dissolves')
    """
    model = model or load_model()
    temperatures_k = check_temperatures_k(temperature_k)
    features = polymer_features(polymer, molecular_weight_g_per_mol=molecular_weight_g_per_mol,
                                chain_length=chain_length, crystalline_overrides=crystalline_overrides, model=model)
    answer = answer_grid([features], [solvent_features(solvent, model=model)], temperatures_k, model=model)
    return prediction_of(answer, 0, 0, model)


def dissolution_limit(polymer, solvent, *, molecular_weight_g_per_mol: float | None = None,
                      crystalline_overrides=None, model: ChiModel | None = None) -> CrystallineLimit:
    """Where ``polymer`` dissolves in ``solvent``: its dissolution temperature with the band from
    χ ± σ and the reason (``chiapp.crystallinity.CrystallineLimit``), as :func:`predict_chi` computes it.

    >>> 90 < dissolution_limit("HDPE", "toluene").dissolution_temperature_c < 130
    True
    """
    model = model or load_model()
    features = polymer_features(polymer, molecular_weight_g_per_mol=molecular_weight_g_per_mol,
                                crystalline_overrides=crystalline_overrides, model=model)
    answer = answer_grid([features], [solvent_features(solvent, model=model)], 298.15, model=model)
    if answer.errors[0, 0]:
        raise InputError(str(answer.errors[0, 0]))
    return answer.dissolution(0, 0)


def predict_grid(polymers: Sequence, solvents: Sequence, temperatures_k, *, model: ChiModel | None = None) -> Answer:
    """The answer for every polymer × solvent × temperature [K] (``chiapp.answer.Answer``); inputs that
    cannot be used are left out and listed in ``failures`` as (role, input, reason)."""
    model = model or load_model()
    p_good, p_bad = featurize_polymers([p for p in polymers if not isinstance(p, LatentPolymer)], model=model)
    latent = [polymer_features(p, model=model) for p in polymers if isinstance(p, LatentPolymer)]
    s_good, s_bad = featurize_solvents(list(solvents), model=model)
    failures = tuple([("polymer", t, m) for t, m in p_bad.items()] + [("solvent", t, m) for t, m in s_bad.items()])
    answer = answer_grid([*p_good.values(), *latent], list(s_good.values()), temperatures_k, model=model)
    return replace(answer, failures=failures)


# ---------------------------------------------------------------------------------------------
# A batch: rows, each with its own pair and temperature

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
                  calibrated: LatentPolymer | None = None, model: ChiModel | None = None) -> pd.DataFrame:
    """Predict every row of a frame with columns ``polymer``, ``solvent``, ``temperature_k``.

    Returns the rows in order with the BATCH_COLUMNS added: the answer of :func:`predict_chi` for each
    row's pair at its temperature (chain length from the libraries' defaults; a solvent cell may be a
    blend, ``ethanol:0.8+water:0.2``). An ``error`` column already in the frame
    (``chiapp.tables.read_pairs_csv`` writes one) marks rows found bad before; a bad row gets its
    reason in ``error`` and no numbers at all, and the others are still answered. With
    ``calibrated`` (a ``chiapp.calibration.CalibratedPolymer``), the rows whose polymer is that
    polymer use it, and a column ``calibrated`` says which. Features run once per distinct molecule
    and the answer once per distinct pair; ``progress(done, total)`` is called as molecules and
    pairs are processed.
    """
    missing = [c for c in ("polymer", "solvent", "temperature_k") if c not in frame.columns]
    if missing:
        raise DataFileError(f"missing column(s) {', '.join(missing)}; expected polymer, solvent, temperature_k "
                            f"(got {', '.join(map(str, frame.columns)) or 'no columns'})")
    model = model or load_model()
    polymers, solvents = _texts(frame["polymer"]), _texts(frame["solvent"])
    n_rows = len(frame)
    p_texts, s_texts = list(dict.fromkeys(polymers)), list(dict.fromkeys(solvents))
    total = len(p_texts) + len(s_texts) + n_rows
    report = progress or (lambda done, total: None)
    p_good, p_errors = featurize_polymers(p_texts, model=model)
    report(len(p_texts), total)
    s_good, s_errors = featurize_solvents(s_texts, model=model)
    report(len(p_texts) + len(s_texts), total)
    own = None
    if calibrated is not None:
        key = canonical_polymer(calibrated.polymer)
        own = polymer_features(calibrated, model=model)
        p_good = {t: own if canonical_polymer(f.smiles) == key else f for t, f in p_good.items()}

    temperatures = _numbers(frame["temperature_k"])
    given = np.array(_texts(frame["error"]), dtype=object) if "error" in frame.columns else np.full(n_rows, "", object)
    errors = np.full(n_rows, "", dtype=object)
    for i in range(n_rows):
        reasons = [given[i], p_errors.get(polymers[i], ""), s_errors.get(solvents[i], "")]
        t = temperatures[i]
        if not given[i] and not (math.isfinite(t) and MIN_TEMPERATURE_K <= t <= MAX_TEMPERATURE_K):
            reasons.append(f"temperature_k must be a number between {MIN_TEMPERATURE_K:g} and {MAX_TEMPERATURE_K:g} "
                           f"K, got {frame['temperature_k'].iat[i]!r}")
        errors[i] = "; ".join(r for r in reasons if r)
    ok = np.flatnonzero(errors == "")
    out: dict[str, np.ndarray] = {name: np.full(n_rows, np.nan) for name in
                                  ("chi", "chi_std", "laboratory_chi_std", "chi_limit", "dissolve_probability",
                                   "ensemble_chi", "ensemble_chi_std", "classifier_probability")}
    verdict = np.full(n_rows, "", dtype=object)
    in_domain = np.full(n_rows, None, dtype=object)
    prior = np.full(n_rows, "", dtype=object)
    if len(ok):
        p_list, s_list = list(dict.fromkeys(p_good.values())), list(s_good.values())
        p_pos = {id(f): i for i, f in enumerate(p_list)}
        s_pos = {text: i for i, text in enumerate(s_good)}
        answer: RowAnswer = answer_rows(p_list, s_list, [p_pos[id(p_good[polymers[i]])] for i in ok],
                                        [s_pos[solvents[i]] for i in ok], temperatures[ok], model=model)
        fine = answer.errors == ""
        rows = ok[fine]
        for name in out:
            out[name][rows] = getattr(answer, name)[fine]
        verdict[rows] = answer.verdicts[fine]
        in_domain[rows] = answer.in_domain[fine]
        prior[rows] = np.asarray(PRIOR_NAMES, dtype=object)[answer.prior_codes[fine]]
        errors[ok[~fine]] = answer.errors[~fine]
    report(total, total)
    result = frame.copy()
    for name in BATCH_COLUMNS:
        if name == "verdict":
            result[name] = verdict
        elif name == "in_domain":
            result[name] = in_domain
        elif name == "prior":
            result[name] = prior
        elif name == "error":
            result[name] = errors
        else:
            result[name] = out[name]
    if calibrated is not None:
        result["calibrated"] = [errors[i] == "" and p_good.get(polymers[i]) is own for i in range(n_rows)]
    return result
