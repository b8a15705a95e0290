"""Polymer–polymer compatibility (χ_AB two ways) and compatibilizer brainstorming.

χ_AB is given per reference volume V_ref = 100 cm³/mol, the convention of Coleman, Graf &
Painter, *Specific Interactions and the Miscibility of Polymer Blends* (Technomic 1991), so
that N_i = (M_n,i/ρ_i)/V_ref and the blend is one phase at every composition when

    χ_AB < χ_c = ½ (1/√N_A + 1/√N_B)²        (Scott, J. Chem. Phys. 17, 279 (1949))

Two estimates, side by side:

1. **Latent space** (the model). Each ensemble member maps a polymer to a latent point u by its
   polymer tower, and its χ heads are linear in z = (u_p − u_s)² − r_p² − r_s² for a solvent s.
   Polymers and solvents live in the same space; the part of z that measures how unlike two
   species are is (u − u')², and the r² terms are per-species offsets. So for two polymers

       χ_AB = (V_ref / V_site) · W·(u_A − u_B)²   (a and b_k heads, no bias: χ_AA = 0)

   the same expression that is the solvent–solvent term of a blend (chiapp.blends, eq. *).
   The heads were trained on polymer–solvent χ per solvent molecule; V_site, the volume of that
   lattice site, is taken as the median molar volume of the training solvents. The polymer
   tower was never trained on polymer pairs: this is an extrapolation of the learned solubility
   space, and the member spread (calibrated on polymer–solvent pairs) is large. Negative values
   (some head weights are negative) are possible and are reported as they are.
2. **Hansen** (group contribution, chiapp.hansen): χ_AB = V_ref [ΔδD² + ¼ΔδP² + ¼ΔδH²]/(RT),
   the Hildebrand–Scott form with Hansen's weighting (Ra²/4), as Coleman & Painter use for the
   non-specific part. Its σ propagates the method's accuracy, ±1 MPa^0.5 on δD and ±2.5 on δP,
   δH (Van Krevelen & te Nijenhuis, *Properties of Polymers*, 4th ed., 2009, ch. 7), on both
   polymers.

3. **Literature** (``assets/evidence/blend_miscibility.csv``, 152 pairs typed from the literature,
   each cited; ``assets/evidence/BLENDS.md``): where the pair is there, its state decides the
   verdict (above a reported LCST or below a reported UCST: immiscible; "partially miscible":
   borderline), as measured χ decides a polymer–solvent answer, and the answer says so. The
   estimates above stay beside it.

4. **The blend classifier** (``assets/evidence/blend_classifier.json``, fitted by
   ``python -m training.blend_classifier``): P(miscible) by logistic regression on the two χ_AB
   above, the specific-interaction groups of the two repeat units (a strong donor on one polymer and
   an acceptor on the other, a weak C–H donor beside Cl or F and an acceptor, two donors) and the two
   polymers' records in the literature table (the log-odds of "miscible" among their other
   statements: PVPh, SAN and PVC mix with many polymers, polyolefins with few). A pair without a
   statement at the temperature, at the library's chain lengths, gets its verdict from P by the one
   rule (P ≥ 0.7 miscible, ≤ 0.3 immiscible, else borderline); with chain lengths given, the latent
   space decides, since the literature's samples are of typical molecular weight.

Neither χ estimate captures what decides most miscible blends: specific interactions (hydrogen bonds,
dipole–dipole, charge transfer) that make χ_AB negative (Coleman, Graf & Painter 1991;
Utracki, *Polymer Blends Handbook*, 2nd ed., Springer 2014, ch. 2). With N in the hundreds, χ_c
is of order 0.01, far below either estimate's uncertainty: read the verdict as a ranking.

Compatibilizer brainstorming (Koning, Van Duin, Pagnoulle & Jérôme, "Strategies for
compatibilization of polymer blends", Prog. Polym. Sci. 23, 707 (1998)) lists, for A/B:
(a) non-volatile small molecules of the library compatible with both (plasticizer-like);
(b) library polymers compatible with A and with B as the two segments of a block or graft
copolymer, where a segment that reacts with the other polymer's chain ends in the melt
(anhydride with the amine ends of polyamides, epoxide with the carboxyl and hydroxyl ends of
polyesters and polyamides; Baker, Scott & Hu, *Reactive Polymer Blending*, Hanser 2001) counts
as bound to it, since the graft copolymer then forms in place; (c) volatile common solvents of
both, for solution blending.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from rdkit import Chem

from chiapp.chemistry import canonical_polymer, parse_polymer
from chiapp.descriptors import polymer_descriptors, polymer_ring
from chiapp.errors import ChiAppError, InputError
from chiapp.flory_huggins import DEFAULT_POLYMER_DENSITY_G_PER_CM3
from chiapp.frozen import FrozenResult
from chiapp.hansen import GAS_CONSTANT_J_PER_MOL_K, HansenEstimate, estimate_hansen, hansen_chi
from chiapp.library import Molecule, polymer_defaults, polymer_library, resolve_polymer, solvent_library
from chiapp.model import T_REF_K, ChiModel, hansen_inputs, hansen_terms_of
from chiapp.posterior import verdict_codes
from chiapp.resources import verified_asset
from chiapp.units import ZERO_CELSIUS_K, check_temperatures_k

__all__ = [
    "COMPATIBILITY_VERDICTS",
    "MECHANISM_RANKS",
    "REFERENCE_VOLUME_CM3_PER_MOL",
    "BLEND_FEATURES",
    "BlendClassifier",
    "BlendLiterature",
    "SPECIFIC_INTERACTIONS_NOTE",
    "CompatibilityEstimate",
    "CompatibilizerIdeas",
    "PolymerCompatibility",
    "blend_classifier",
    "blend_critical_chi",
    "blend_features",
    "blend_literature",
    "chi_ab_estimates",
    "interaction_groups",
    "literature_record",
    "brainstorm_compatibilizers",
    "latent_chi_members",
    "polymer_compatibility",
]

#: How far in temperature a literature statement of miscibility without a reported LCST reaches [K].
_STATEMENT_REACH_K = 10.0
#: Reference volume of χ_AB [cm³/mol] (Coleman, Graf & Painter 1991).
REFERENCE_VOLUME_CM3_PER_MOL = 100.0
COMPATIBILITY_VERDICTS = ("miscible", "borderline", "immiscible")
SPECIFIC_INTERACTIONS_NOTE = (
    "Polymer blend miscibility usually hinges on specific interactions (hydrogen bonds, dipole-dipole, "
    "charge transfer) that neither the latent-space nor the Hansen estimate captures well; with long chains "
    "the critical chi is tiny, so read these numbers as a ranking, not a phase diagram.")
#: Group-contribution accuracy of δD, δP, δH [MPa^0.5] (Van Krevelen & te Nijenhuis 2009, ch. 7).
_HANSEN_SIGMA_MPA05 = np.array([1.0, 2.5, 2.5])
#: Specific-interaction groups of a repeat unit (per heavy atom): strong donors (OH, amide and urethane NH,
#: COOH), weak donors (C-H beside Cl or F: PVC, PVDF) and acceptors (C=O, ether O, pyridine N, nitrile),
#: the classes Coleman, Graf & Painter (1991) and Utracki (2014, ch. 2) give for miscible blends.
_INTERACTION_GROUPS = {name: Chem.MolFromSmarts(smarts) for name, smarts in {
    "donor": "[$([OX2H]),$([NX3;H1,H2][CX3]=O)]", "weak_donor": "[CX4;H1,H2][Cl,F]",
    "acceptor": "[$([CX3]=O),$([OX2;H0]([#6])[#6]),$([nX2]),$(C#N)]"}.items()}
#: The blend classifier's inputs, in order (see the module docstring, method 4).
BLEND_FEATURES = ("latent_chi", "log_hansen_chi", "donor_acceptor", "weak_donor_acceptor", "two_donors",
                  "literature_record")
#: Boiling point separating additives that stay in the blend from solvents that are removed [°C].
ADDITIVE_MIN_BOILING_POINT_C = 200.0
_N_SEGMENTS = 12


def blend_critical_chi(chain_length_a: float, chain_length_b: float) -> float:
    """Critical χ_AB = ½ (1/√N_A + 1/√N_B)² of a binary polymer blend [-] (Scott 1949).

    N_A = N_B = 1 gives 2, as for two small molecules; N_B = 1 gives the polymer–solvent χ_c.

    >>> blend_critical_chi(100.0, 100.0)
    0.020000000000000004
    """
    for name, n in (("chain_length_a", chain_length_a), ("chain_length_b", chain_length_b)):
        try:
            value = float(n)
        except (TypeError, ValueError):
            raise InputError(f"{name} must be a number, got {n!r}") from None
        if not math.isfinite(value) or value < 1:
            raise InputError(f"{name} must be a finite number ≥ 1, got {n!r}")
    return 0.5 * (1.0 / math.sqrt(float(chain_length_a)) + 1.0 / math.sqrt(float(chain_length_b))) ** 2


def _verdict(chi: float, chi_std: float, chi_critical: float) -> str:
    if not math.isfinite(chi):
        return "unknown"
    if chi + chi_std < chi_critical:
        return "miscible"
    if chi - chi_std > chi_critical:
        return "immiscible"
    return "borderline"


@dataclass(frozen=True, eq=False)
class CompatibilityEstimate(FrozenResult):
    """One estimate of χ_AB per V_ref [-] with its σ, the method and the verdict it gives."""

    method: str
    chi: float
    chi_std: float
    verdict: str


@dataclass(frozen=True, eq=False)
class BlendLiterature(FrozenResult):
    """A literature statement on a polymer pair (one row of ``blend_miscibility.csv``): its state
    ('miscible', 'partially miscible' or 'immiscible') at ``temperature_c`` [°C], a reported LCST or
    UCST [°C] (NaN: none given), the interaction the source names, the source and its note."""

    state: str
    temperature_c: float
    lcst_c: float
    ucst_c: float
    interaction: str
    source: str
    note: str

    def verdict_at(self, temperature_k: float) -> str | None:
        """The verdict this statement gives at ``temperature_k`` [K], None where it does not reach.

        Immiscible above a reported LCST or below a reported UCST. An immiscible pair stays immiscible
        at any temperature (long chains without a specific interaction). A miscible pair is miscible up
        to its reported LCST, or without one up to the temperature of the statement (+ 10 K): blends
        held together by specific interactions usually demix on heating (LCST behaviour; Utracki,
        Polymer Blends Handbook, 2nd ed. 2014, ch. 2), so a statement at 25 °C says nothing of the melt.
        'Partially miscible' reads as borderline within 10 K of its statement."""
        t_c = temperature_k - ZERO_CELSIUS_K
        if t_c > self.lcst_c or t_c < self.ucst_c or self.state == "immiscible":
            return "immiscible"
        reach = self.lcst_c if math.isfinite(self.lcst_c) else self.temperature_c + _STATEMENT_REACH_K
        if self.state == "miscible":
            return "miscible" if t_c <= reach else None
        return "borderline" if abs(t_c - self.temperature_c) <= _STATEMENT_REACH_K else None

    def describe(self, temperature_k: float) -> str:
        limits = "".join(f", {name} {value:g} °C" for name, value in (("LCST", self.lcst_c), ("UCST", self.ucst_c))
                         if math.isfinite(value))
        verdict = self.verdict_at(temperature_k)
        t_c = temperature_k - ZERO_CELSIUS_K
        so = f"so {verdict} at {t_c:.0f} °C" if verdict else f"no statement at {t_c:.0f} °C"
        return (f"literature: {self.state} at {self.temperature_c:g} °C{limits} ({self.interaction}); {so}. "
                f"Source: {self.source}")


@lru_cache(maxsize=1)
def _literature_table() -> dict[frozenset[str], BlendLiterature]:
    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "blend_miscibility.csv")))
    facts = {}
    for row in table.itertuples(index=False):
        try:
            key = frozenset((canonical_polymer(resolve_polymer(row.polymer_a).smiles),
                             canonical_polymer(resolve_polymer(row.polymer_b).smiles)))
        except ChiAppError:
            continue  # a row the current libraries cannot name is simply not evidence (a test names them all)
        facts[key] = BlendLiterature(str(row.state), float(row.temperature_c), float(row.lcst_c), float(row.ucst_c),
                                     str(row.interaction), str(row.source), "" if pd.isna(row.note) else str(row.note))
    return facts


def interaction_groups(smiles: str) -> dict[str, float]:
    """Strong donors, weak donors and acceptors of a repeat unit per heavy atom (``_INTERACTION_GROUPS``)."""
    mol = parse_polymer(smiles)
    return {name: len(mol.GetSubstructMatches(p)) / mol.GetNumHeavyAtoms() for name, p in _INTERACTION_GROUPS.items()}


def literature_record(polymer_key: str, exclude: frozenset = frozenset()) -> float:
    """The log-odds of "miscible" among the literature table's statements on a polymer (its repeat
    unit's canonical key), Laplace-smoothed, log((k + 1)/(n − k + 1)): 0 for a polymer the table does
    not name. Statements on the pairs in ``exclude`` (frozensets of two keys) are left out.

    >>> literature_record("not a polymer of the table")
    0.0
    """
    n = k = 0
    for key, fact in _literature_table().items():
        if polymer_key in key and key not in exclude:
            n += 1
            k += fact.state == "miscible"
    return math.log((k + 1) / (n - k + 1))


def blend_features(smiles_a: str, smiles_b: str, latent_chi: float, hansen_chi: float,
                   exclude: frozenset = frozenset()) -> np.ndarray:
    """The classifier's inputs (``BLEND_FEATURES``) for a pair of repeat units; the literature record
    leaves out the pair's own statement and those in ``exclude``. log(1 + Hansen χ_AB) is NaN where
    the group tables do not cover a polymer (the classifier fills it with its training median)."""
    ga, gb = interaction_groups(smiles_a), interaction_groups(smiles_b)
    key_a, key_b = canonical_polymer(smiles_a), canonical_polymer(smiles_b)
    leave_out = exclude | {frozenset((key_a, key_b))}
    return np.array([
        latent_chi, math.log1p(max(hansen_chi, 0.0)) if math.isfinite(hansen_chi) else math.nan,
        float(ga["donor"] * gb["acceptor"] + gb["donor"] * ga["acceptor"] > 0),
        float(ga["weak_donor"] * gb["acceptor"] + gb["weak_donor"] * ga["acceptor"] > 0),
        float(ga["donor"] * gb["donor"] > 0),
        literature_record(key_a, leave_out) + literature_record(key_b, leave_out)])


@dataclass(frozen=True, eq=False)
class BlendClassifier(FrozenResult):
    """P(miscible) = σ(w·(x − mean)/std + w0) over ``BLEND_FEATURES`` (``training.blend_classifier``)."""

    mean: np.ndarray
    std: np.ndarray
    weights: np.ndarray
    intercept: float
    hansen_fill: float       # log(1 + Hansen χ_AB) where a polymer has no Hansen estimate

    def logit_terms(self, features: np.ndarray) -> np.ndarray:
        """Each feature's share of the logit (the intercept apart)."""
        x = np.where(np.isnan(features), self.hansen_fill, features)
        return self.weights * (x - self.mean) / self.std

    def probability(self, features: np.ndarray) -> float:
        return float(1.0 / (1.0 + math.exp(-(self.intercept + self.logit_terms(features).sum()))))

    @classmethod
    def from_json(cls, document: dict) -> "BlendClassifier":
        if tuple(document.get("features", ())) != BLEND_FEATURES:
            raise ChiAppError("assets/evidence/blend_classifier.json was fitted on other features; "
                              "run python -m training.blend_classifier")
        mean, std, weights = (np.asarray(document[k], dtype=float) for k in ("mean", "std", "weights"))
        return cls(mean, std, weights, float(document["intercept"]), float(document["hansen_fill"]))


@lru_cache(maxsize=1)
def blend_classifier() -> BlendClassifier:
    """The shipped classifier (``assets/evidence/blend_classifier.json``)."""
    import json

    return BlendClassifier.from_json(json.loads(verified_asset("evidence", "blend_classifier.json")))


def blend_literature(polymer_a: str, polymer_b: str) -> BlendLiterature | None:
    """The literature statement on a pair (names or repeat units, either order), None when the table
    has none."""
    a, b = resolve_polymer(polymer_a), resolve_polymer(polymer_b)
    return _literature_table().get(frozenset((canonical_polymer(a.smiles), canonical_polymer(b.smiles))))


@dataclass(frozen=True, eq=False)
class PolymerCompatibility(FrozenResult):
    """χ_AB of two polymers at one temperature, from the model's latent space (``chi``,
    ``chi_std``) and from Hansen group contributions (``hansen``), with the critical χ of the given
    chain lengths (per V_ref), the pair's ``literature`` statement when the table has one, the one
    ``verdict`` and what ``decided_by`` it (the literature where its statement reaches the temperature
    and the chain lengths are the library's, else the latent space), and ``notes``, always including
    the caveat on specific interactions."""

    polymer_a: Molecule
    polymer_b: Molecule
    temperature_k: float
    reference_volume_cm3_per_mol: float
    chain_length_a: float
    chain_length_b: float
    chi_critical: float
    chi: float
    chi_std: float
    verdict: str
    method: str
    hansen: CompatibilityEstimate
    hansen_a_mpa05: tuple[float, float, float]
    hansen_b_mpa05: tuple[float, float, float]
    notes: tuple[str, ...]
    literature: BlendLiterature | None = None
    decided_by: str = "latent space"
    features: np.ndarray = field(default_factory=lambda: np.empty(0))  # BLEND_FEATURES of the pair
    miscible_probability: float = math.nan   # the blend classifier's P(miscible)
    deciding_term: str = ""                  # the feature with the largest share of the classifier's logit

    @property
    def latent(self) -> CompatibilityEstimate:
        return CompatibilityEstimate(self.method, self.chi, self.chi_std,
                                     _verdict(self.chi, self.chi_std, self.chi_critical))

    def to_frame(self) -> pd.DataFrame:
        """One row per method: method, chi, chi_std, chi_critical, verdict (the blend classifier's row
        first, and the literature's before it where it decides)."""
        rows = [{"method": e.method, "chi": e.chi, "chi_std": e.chi_std, "chi_critical": self.chi_critical,
                 "verdict": e.verdict} for e in (self.latent, self.hansen)]
        if math.isfinite(self.miscible_probability):
            rows.insert(0, {"method": f"blend classifier: P(miscible) = {self.miscible_probability:.2f} (groups, "
                                      f"chi_AB, the polymers' literature records; largest term: "
                                      f"{self.deciding_term.replace('_', ' ')})", "chi": math.nan, "chi_std": math.nan,
                            "chi_critical": self.chi_critical,
                            "verdict": COMPATIBILITY_VERDICTS[int(verdict_codes(self.miscible_probability))]})
        if self.decided_by == "literature" and self.literature is not None:
            rows.insert(0, {"method": f"literature: {self.literature.state} at {self.literature.temperature_c:g} °C "
                                      "(the first note: conditions and source)", "chi": math.nan, "chi_std": math.nan,
                            "chi_critical": self.chi_critical, "verdict": self.verdict})
        return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def _site_volume_cm3_per_mol() -> float:
    """Median molar volume of the training solvents [cm³/mol]: the model's lattice site."""
    library = solvent_library()
    volumes = library.loc[library["in_training_data"], "molar_volume_cm3_per_mol"].dropna()
    return float(volumes.median())


def latent_chi_members(model: ChiModel, polymer_x_a: np.ndarray, polymer_x_b: np.ndarray,
                       temperature_k: float) -> np.ndarray:
    """Per-member χ_AB per V_ref [-], shape (n_members, P, Q), of every row of ``polymer_x_a``
    (P, d) with every row of ``polymer_x_b`` (Q, d) at one temperature [K]; calibrated spread
    (the members' deviations from their mean scaled by ``model.spread_scale``). A model with Hansen
    terms in z (``ChiModel.hansen_z``) adds them as for a solvent of one site's volume, polymer B's δ
    in the solvent's place."""
    x_a, x_b = np.atleast_2d(polymer_x_a), np.atleast_2d(polymer_x_b)
    u_a, _ = model.latent("polymer", x_a)
    u_b, _ = model.latent("polymer", x_b)
    w = model._w["head.experimental.w"]
    weights = w[:, :, 0] + w[:, :, 1] * T_REF_K / temperature_k  # (M, L [+ 3]): a + b·T_ref/T
    latent = u_a.shape[-1]
    members = np.einsum("mpql,ml->mpq", (u_a[:, :, None, :] - u_b[:, None, :, :]) ** 2, weights[:, :latent])
    site = _site_volume_cm3_per_mol()
    if model.hansen_z:
        b = hansen_inputs("polymer", x_b)
        b[:, 3] *= site / (GAS_CONSTANT_J_PER_MOL_K * T_REF_K)  # B as a solvent of one site's volume
        terms = hansen_terms_of(hansen_inputs("polymer", x_a)[:, None, :], b[None, :, :]) / model._w["hansen.scale"]
        members += np.einsum("pqh,mh->mpq", terms, weights[:, latent:])
    members *= REFERENCE_VOLUME_CM3_PER_MOL / site
    mean = members.mean(0)
    return mean + model.spread_scale * (members - mean)


def _hansen(molecule: Molecule) -> HansenEstimate | None:
    return _hansen_of(molecule.smiles)


@lru_cache(maxsize=256)  # each answer asks twice: its δ table and chi_ab_estimates (frozen results)
def _hansen_of(smiles: str) -> HansenEstimate | None:
    try:
        estimate = estimate_hansen(parse_polymer(smiles))
    except ChiAppError:
        return None
    return estimate if estimate.is_complete else None


def _hansen_chi_with_std(a: HansenEstimate | None, b: HansenEstimate | None, temperature_k: float):
    if a is None or b is None:
        return math.nan, math.nan
    da = np.array([a.delta_d_mpa05, a.delta_p_mpa05, a.delta_h_mpa05])
    db = np.array([b.delta_d_mpa05, b.delta_p_mpa05, b.delta_h_mpa05])
    chi = float(hansen_chi(tuple(da), tuple(db), REFERENCE_VOLUME_CM3_PER_MOL, temperature_k, alpha=1.0))
    # ∂χ/∂Δ_i = 2 w_i Δ_i V/(RT), w = (1, ¼, ¼); σ(Δ_i) = √2 σ_i (two independent estimates)
    weights = np.array([1.0, 0.25, 0.25])
    gradient = 2.0 * weights * (da - db) * REFERENCE_VOLUME_CM3_PER_MOL / (GAS_CONSTANT_J_PER_MOL_K * temperature_k)
    std = float(np.sqrt(np.sum((gradient * math.sqrt(2.0) * _HANSEN_SIGMA_MPA05) ** 2)))
    return chi, std


def _chain_length(molecule: Molecule, chain_length, name: str) -> float:
    if chain_length is not None:
        blend_critical_chi(chain_length, 1.0)  # checks it
        return float(chain_length)
    molecular_weight, density = polymer_defaults(molecule, None)
    return max(molecular_weight / (density or DEFAULT_POLYMER_DENSITY_G_PER_CM3) / REFERENCE_VOLUME_CM3_PER_MOL, 1.0)


def _temperature(temperature_k) -> float:
    t = check_temperatures_k(temperature_k)
    if t.size != 1:
        raise InputError(f"give one temperature, got {t.size}")
    return float(t[0])


def chi_ab_estimates(a: Molecule, b: Molecule, temperature_k: float, *,
                     model: ChiModel | None = None) -> tuple[float, float, float, float]:
    """(latent-space χ_AB, its σ, Hansen χ_AB, its σ) per V_ref of two resolved polymers at
    ``temperature_k`` [K] (methods 1 and 2 of the module docstring)."""
    from chiapp.prediction import load_model

    members = latent_chi_members(model or load_model(), polymer_descriptors(a.smiles)[None],
                                 polymer_descriptors(b.smiles)[None], temperature_k)
    h_chi, h_std = _hansen_chi_with_std(_hansen(a), _hansen(b), temperature_k)
    return float(members.mean()), float(members.std()), h_chi, h_std


def polymer_compatibility(polymer_a: str, polymer_b: str, temperature_k: float, *,
                          chain_length_a: float | None = None, chain_length_b: float | None = None,
                          model: ChiModel | None = None) -> PolymerCompatibility:
    """χ_AB of two polymers (names or repeat units) at ``temperature_k`` [K], both ways, with a
    miscibility verdict for chain lengths N_A, N_B per V_ref (default: the library's M_n and
    density, else 100,000 g/mol and 1 g/cm³). See the module docstring for the methods.

    >>> r = polymer_compatibility("polystyrene", "PMMA", 423.15)
    >>> r.chi_critical < 0.01, r.verdict in COMPATIBILITY_VERDICTS
    (True, True)
    """

    t = _temperature(temperature_k)
    a, b = resolve_polymer(polymer_a), resolve_polymer(polymer_b)
    n_a = _chain_length(a, chain_length_a, "chain_length_a")
    n_b = _chain_length(b, chain_length_b, "chain_length_b")
    chi_c = blend_critical_chi(n_a, n_b)
    ha, hb = _hansen(a), _hansen(b)
    chi, chi_std, h_chi, h_std = chi_ab_estimates(a, b, t, model=model)
    notes = [SPECIFIC_INTERACTIONS_NOTE]
    if ha is None or hb is None:
        which = " and ".join(m.name or m.smiles for m, h in ((a, ha), (b, hb)) if h is None)
        notes.append(f"no Hansen estimate for {which}: the group-contribution tables do not cover every group")
    method = (f"latent space of the model: chi_AB = W.(u_A - u_B)^2 per {REFERENCE_VOLUME_CM3_PER_MOL:g} cm3/mol, "
              "ensemble mean and calibrated spread")
    hansen_method = (f"Hansen group contribution: chi_AB = V_ref (dD^2 + dP^2/4 + dH^2/4)/(RT), "
                     f"V_ref = {REFERENCE_VOLUME_CM3_PER_MOL:g} cm3/mol")

    def deltas(h: HansenEstimate | None) -> tuple[float, float, float]:
        return (math.nan,) * 3 if h is None else (h.delta_d_mpa05, h.delta_p_mpa05, h.delta_h_mpa05)

    features = blend_features(a.smiles, b.smiles, chi, h_chi)
    classifier = blend_classifier()
    probability = classifier.probability(features)
    deciding = BLEND_FEATURES[int(np.argmax(np.abs(classifier.logit_terms(features))))]
    literature = blend_literature(a.smiles, b.smiles)
    literature_verdict = None if literature is None else literature.verdict_at(t)
    if literature is not None and (chain_length_a is not None or chain_length_b is not None):
        literature_verdict = None  # the literature's samples are of typical, high molecular weight
        notes.insert(0, f"{literature.describe(t)} (for typical molecular weights; with the chain lengths "
                        "given, the latent space decides)")
    elif literature is not None:
        notes.insert(0, literature.describe(t))
    if literature_verdict is not None:
        verdict, decided_by = literature_verdict, "literature"
    elif chain_length_a is not None or chain_length_b is not None:
        verdict, decided_by = _verdict(chi, chi_std, chi_c), "latent space"
    else:
        verdict = COMPATIBILITY_VERDICTS[int(verdict_codes(probability))]
        decided_by = f"blend classifier (P(miscible) {probability:.2f}; largest term: {deciding.replace('_', ' ')})"
    return PolymerCompatibility(
        polymer_a=a, polymer_b=b, temperature_k=t, reference_volume_cm3_per_mol=REFERENCE_VOLUME_CM3_PER_MOL,
        chain_length_a=n_a, chain_length_b=n_b, chi_critical=chi_c, chi=chi, chi_std=chi_std,
        verdict=verdict, method=method,
        hansen=CompatibilityEstimate(hansen_method, h_chi, h_std, _verdict(h_chi, h_std, chi_c)),
        hansen_a_mpa05=deltas(ha), hansen_b_mpa05=deltas(hb), notes=tuple(notes), literature=literature,
        decided_by=decided_by, features=features, miscible_probability=probability, deciding_term=deciding)


# ---------------------------------------------------------------------------------------------
# Compatibilizer brainstorming

_ANHYDRIDE = Chem.MolFromSmarts("C(=O)OC(=O)")
_EPOXIDE = Chem.MolFromSmarts("C1OC1")
_AMIDE = Chem.MolFromSmarts("[NX3][CX3](=O)")
_ESTER = Chem.MolFromSmarts("[OX2][CX3](=O)")
#: reactive group of a segment -> chain ends it reacts with (Baker, Scott & Hu 2001)
_REACTS_WITH = {"anhydride": ("amine",), "epoxide": ("carboxyl", "hydroxyl", "amine")}


def _backbone_ends(molecule: Molecule) -> tuple[str, ...]:
    """Chain-end groups of a condensation polymer: a polyamide has amine and carboxyl ends, a
    polyester or polycarbonate hydroxyl and carboxyl ends (its linking group lies in the backbone,
    read on the cyclic oligomer so that a link across the repeat unit's ends counts)."""
    ring, _, _ = polymer_ring(parse_polymer(molecule.smiles))
    backbone = set(max(ring.GetRingInfo().AtomRings(), key=lambda atoms: len(tuple(atoms))))
    ends: list[str] = []
    if any(set(m[:2]) <= backbone for m in ring.GetSubstructMatches(_AMIDE)):
        ends += ["amine", "carboxyl"]
    if any(set(m[:2]) <= backbone for m in ring.GetSubstructMatches(_ESTER)):
        ends += ["hydroxyl", "carboxyl"]
    return tuple(dict.fromkeys(ends))


def _reactive_group(smiles: str) -> str | None:
    mol = parse_polymer(smiles)
    if mol.HasSubstructMatch(_ANHYDRIDE):
        return "anhydride"
    if mol.HasSubstructMatch(_EPOXIDE):
        return "epoxide"
    return None


@dataclass(frozen=True, eq=False)
class CompatibilizerIdeas(FrozenResult):
    """Ranked ideas for compatibilizing A/B; every table has χ and σ for each partner.

    ``small_molecules`` and ``common_solvents``: name, chi_a, chi_a_std, chi_critical_a, chi_b, ...,
    ``score`` = max over A, B of χ + σ − χ_c (< 0: dissolves both at one σ), best first.
    ``segments_a`` / ``segments_b``: library polymers ranked for A / B by the ``mechanism`` that
    would bind them to it (``mechanism_rank``, :data:`MECHANISM_RANKS`): miscible with it in the
    literature table (``precedent``: the statement and its source), reacting with its chain ends
    (``reacts``), then latent χ_AB + σ (per V_ref; ``score``, 0 for a reacting segment); the
    literature's immiscible pairs last. ``copolymers``: a segment of each list as the two
    blocks/grafts of a copolymer, ranked by the worse side's mechanism, then the worse score (the
    better side's mechanism breaks ties), with each side's mechanism and precedent.
    """

    compatibility: PolymerCompatibility
    small_molecules: pd.DataFrame
    segments_a: pd.DataFrame
    segments_b: pd.DataFrame
    copolymers: pd.DataFrame
    common_solvents: pd.DataFrame
    notes: tuple[str, ...]


def _solvent_table(a: Molecule, b: Molecule, t: float) -> pd.DataFrame:
    from chiapp.ranking import rank_solvents
    ra, rb = rank_solvents(a.smiles, t).table, rank_solvents(b.smiles, t).table
    keep = ["name", "smiles", "chi", "chi_std", "chi_critical", "boiling_point_c", "chem21_class", "in_domain"]
    table = ra[keep].merge(rb[["smiles", "chi", "chi_std", "chi_critical", "in_domain"]], on="smiles",
                           suffixes=("_a", "_b"))
    excess = np.stack([table["chi_a"] + table["chi_std_a"] - table["chi_critical_a"],
                       table["chi_b"] + table["chi_std_b"] - table["chi_critical_b"]])
    table["score"] = excess.max(0)
    table["in_domain"] = table["in_domain_a"].astype(bool) & table["in_domain_b"].astype(bool)
    table["dissolves_both"] = table["score"] < 0
    table = table.drop(columns=["in_domain_a", "in_domain_b"])
    return table.sort_values(["score", "name"], kind="mergesort").reset_index(drop=True)


#: The mechanisms a segment can bind to a phase by, in the order the lists rank them (``mechanism_rank``):
#: the phase's own polymer or one miscible with it in the literature at that temperature, reacting with
#: its chain ends, the model's χ + σ; a segment the literature calls immiscible with the phase last
#: (proven miscibility or a reaction before an estimate).
MECHANISM_RANKS = {"literature miscible": 0, "reactive": 1, "model": 2, "literature immiscible": 3}


def _segments(partner: Molecule, members_row: np.ndarray, library: pd.DataFrame, temperature_k: float
              ) -> pd.DataFrame:
    """Library polymers ranked for one partner by the mechanism that would bind them to it
    (``mechanism``; the literature statement as ``precedent``), then by χ + σ."""
    mean, std = members_row.mean(0), members_row.std(0)
    ends = _backbone_ends(partner)
    groups = [_reactive_group(s) for s in library["smiles"]]
    reacts = [bool(g and set(_REACTS_WITH[g]) & set(ends)) for g in groups]
    facts = [None if s == partner.smiles else blend_literature(s, partner.smiles) for s in library["smiles"]]
    verdicts = [None if f is None else f.verdict_at(temperature_k) for f in facts]
    table = pd.DataFrame({"name": library["name"], "abbreviation": library["abbreviation"],
                          "smiles": library["smiles"], "chi": mean, "chi_std": std,
                          "reactive_group": [g or "" for g in groups], "reacts": reacts})
    table["score"] = np.where(table["reacts"], 0.0, np.maximum(table["chi"] + table["chi_std"], 0.0))
    table["is_partner"] = [s == partner.smiles for s in library["smiles"]]
    table["mechanism_rank"] = [MECHANISM_RANKS["literature miscible" if own or v == "miscible" else
                                               "literature immiscible" if v == "immiscible" else
                                               "reactive" if r else "model"]
                               for own, v, r in zip(table["is_partner"], verdicts, reacts)]
    table["mechanism"] = ["the phase's own polymer (an A-b-B block)" if own
                          else f"miscible in the literature ({f.interaction})" if f is not None and v == "miscible"
                          else "immiscible in the literature" if v == "immiscible"
                          else f"reacts with its {'/'.join(ends)} ends ({g})" if r
                          else "latent χ + σ of the model"
                          for own, f, v, r, g in zip(table["is_partner"], facts, verdicts, reacts, groups)]
    table["precedent"] = ["" if f is None or v is None else f"{f.state} at {f.temperature_c:g} °C: {f.source}"
                          for f, v in zip(facts, verdicts)]
    first = ["name", "abbreviation", "smiles", "mechanism"]
    table = table[first + [c for c in table.columns if c not in first]]
    return table.sort_values(["mechanism_rank", "score", "chi", "name"], kind="mergesort").reset_index(drop=True)


def brainstorm_compatibilizers(polymer_a: str, polymer_b: str, temperature_k: float, *,
                               model: ChiModel | None = None, n_segments: int = _N_SEGMENTS) -> CompatibilizerIdeas:
    """Compatibilizer ideas for the blend of two polymers at ``temperature_k`` [K] (module docstring).

    Small molecules with a boiling point ≥ ADDITIVE_MIN_BOILING_POINT_C stay in the blend and go
    to ``small_molecules``; the others to ``common_solvents`` (solution blending). The copolymer
    list pairs the ``n_segments`` best segments of each side (a polymer with itself excluded);
    A-b-B itself is the first, textbook idea and is kept in the list.
    """
    from chiapp.prediction import load_model

    t = _temperature(temperature_k)
    a, b = resolve_polymer(polymer_a), resolve_polymer(polymer_b)
    if a.smiles == b.smiles:
        raise InputError("polymer A and polymer B are the same polymer; a blend needs two")
    model = model or load_model()
    compatibility = polymer_compatibility(a.smiles, b.smiles, t, model=model)
    library = polymer_library()
    xs, rows = [], []
    for i, smiles in enumerate(library["smiles"]):
        try:
            xs.append(polymer_descriptors(smiles))
            rows.append(i)
        except ChiAppError:
            continue
    library = library.iloc[rows].reset_index(drop=True)
    partners = np.stack([polymer_descriptors(a.smiles), polymer_descriptors(b.smiles)])
    members = latent_chi_members(model, partners, np.stack(xs), t)  # (M, 2, L)
    seg_a = _segments(a, members[:, 0, :], library, t)
    seg_b = _segments(b, members[:, 1, :], library, t)
    top_a, top_b = seg_a.head(n_segments), seg_b.head(n_segments)
    pairs = []
    for ra in top_a.itertuples(index=False):
        for rb in top_b.itertuples(index=False):
            if ra.smiles == rb.smiles:
                continue
            kind = ("reactive graft" if (ra.reacts or rb.reacts) else "block or graft copolymer")
            pairs.append({"segment_a": ra.name, "segment_b": rb.name, "mechanism_a": ra.mechanism,
                          "mechanism_b": rb.mechanism, "chi_a": ra.chi, "chi_std_a": ra.chi_std,
                          "chi_b": rb.chi, "chi_std_b": rb.chi_std, "reacts_a": ra.reacts, "reacts_b": rb.reacts,
                          "kind": kind, "precedent_a": ra.precedent, "precedent_b": rb.precedent,
                          "mechanism_rank": max(ra.mechanism_rank, rb.mechanism_rank),
                          "score": max(ra.score, rb.score), "tie": ra.mechanism_rank + rb.mechanism_rank,
                          "tie_score": ra.score + rb.score})
    copolymers = pd.DataFrame(pairs)
    if not copolymers.empty:
        copolymers = (copolymers.sort_values(["mechanism_rank", "score", "tie", "tie_score", "segment_a", "segment_b"],
                                             kind="mergesort")
                      .drop(columns=["tie", "tie_score"]).reset_index(drop=True))
    solvents = _solvent_table(a, b, t)
    volatile = ~(solvents["boiling_point_c"] >= ADDITIVE_MIN_BOILING_POINT_C)
    reactive_note = ("Segments are ranked by mechanism: miscible with the phase in the literature first (the precedent "
                     "is cited), then segments that react with its chain ends (anhydride with polyamide amine ends; "
                     "epoxide with polyester carboxyl/hydroxyl ends: the graft copolymer forms in the melt, reactive "
                     "compatibilization), then the model's χ + σ; pairs the literature calls immiscible last.")
    volatility_note = (f"Small molecules boiling at or above {ADDITIVE_MIN_BOILING_POINT_C:g} °C are listed as "
                       "additives, the others as common solvents for solution blending.")
    notes = (SPECIFIC_INTERACTIONS_NOTE, reactive_note, volatility_note)
    return CompatibilizerIdeas(
        compatibility=compatibility,
        small_molecules=solvents[~volatile].reset_index(drop=True),
        segments_a=seg_a, segments_b=seg_b, copolymers=copolymers,
        common_solvents=solvents[volatile].reset_index(drop=True), notes=notes)
