"""Measured evidence for a pair: experimental χ, phase behaviour and handbook solvent / non-solvent labels.

The tables (``assets/evidence``, built by ``python -m training.evidence`` from the open
data; sources and licences in their README) are looked up by the canonical keys of
``chiapp.chemistry``, so a repeat unit written from another atom (``*OCC*`` or ``*CCO*``) and any
spelling of a solvent find the same rows.

The literature phase behaviour (``assets/evidence/phase_behaviour.csv``, typed from the sources each
row cites) enters as χ points, each with its own σ, which the posterior weighs like a measured χ:

- a θ temperature: χ = ½ there (infinite chain; σ PHASE_SIGMAS['theta']), and where the row says
  which side it is on (``side``), the sign of dχ/dT there: an upper θ (UCST side) is where χ falls
  through ½ on heating, a lower θ (LCST side) where it rises;
- a critical point (UCST or LCST) of a sample of M_n: χ = χc(N) there, N = (M_n/ρ)/V_solvent (the
  library's M_n when the row gives none), and the sign of dχ/dT there (falling through χc on
  heating at a UCST, rising at an LCST), which the posterior imposes as an inequality;
- a cloud point at polymer volume fraction φ: χ on the binodal of that N through φ
  (``chiapp.flory_huggins.binodal_chi``).

The cited dissolution facts (``assets/evidence/dissolution_temperatures.csv``, typed from the sources
each row cites) that say a polymer *dissolves* in a solvent at T enter as a solvent label at T: χ(T)
below χc, the handbook label's probit at the fact's own temperature. An "insoluble" fact is not
evidence on χ: for the crystalline polymers the table holds, the crystals that do not melt may be
what keeps the polymer out (``chiapp.crystallinity``).

Rows above the solvent's normal boiling point are kept in the table but not used: those LCSTs
(PS in toluene near 277 °C, in cyclohexane near 210 °C) come from the liquid's expansion near its
critical point (equation-of-state effects), which χ = a + b/T + c/T² does not describe; forcing it
through them bends χ at room temperature.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from chiapp.chemistry import canonical_polymer, canonical_solvent
from chiapp.errors import DataFileError
from chiapp.frozen import FrozenResult
from chiapp.resources import verified_asset
from chiapp.units import REFERENCE_TEMPERATURE_K, ZERO_CELSIUS_K

__all__ = ["PHASE_SIGMAS", "PHASE_POINT_KINDS", "THETA_SIDES", "Evidence", "EvidenceTable", "evidence_by_key",
           "evidence_table", "evidence_for", "dissolution_facts", "evidence_pairs", "pair_key", "phase_points",
           "phase_systems", "without_phase_evidence", "without_dissolution_facts", "HANDBOOK_LABEL_COLUMNS",
           "DissolutionFact"]

#: σ of the χ a phase-behaviour row fixes: a θ temperature is tabulated to a kelvin or two (χ = ½
#: by definition), a critical point also carries the sample's M_n, a cloud point its polydispersity.
PHASE_SIGMAS = {"theta": 0.005, "ucst": 0.01, "lcst": 0.01, "cloud_point": 0.02}
#: The kind of a measured χ point (the phase-behaviour kinds: PHASE_POINT_KINDS).
MEASURED_CHI = "measured χ"
PHASE_KINDS = {"theta": "θ temperature", "ucst": "UCST", "lcst": "LCST", "cloud_point": "cloud point"}
#: A θ row's ``side``: the kind its point gets (which carries the slope's sign, _SLOPE_SIGNS).
THETA_SIDES = {"upper": "upper θ temperature", "lower": "lower θ temperature"}
_KIND_SIGMAS = {PHASE_KINDS[k]: v for k, v in PHASE_SIGMAS.items()} | {k: PHASE_SIGMAS["theta"]
                                                                       for k in THETA_SIDES.values()}
_SLOPE_SIGNS = {"LCST": 1.0, "UCST": -1.0, THETA_SIDES["lower"]: 1.0, THETA_SIDES["upper"]: -1.0}
#: Every kind a phase-behaviour point can have.
PHASE_POINT_KINDS = frozenset(PHASE_KINDS.values()) | frozenset(THETA_SIDES.values())
#: Systems whose phase rows are left out (a leave-one-system-out check; see without_phase_evidence), and
#: pairs whose dissolution facts are (without_dissolution_facts): how many open blocks leave each out
_EXCLUDED: Counter[tuple[str, str]] = Counter()
_EXCLUDED_FACTS: Counter[tuple[str, str]] = Counter()
#: The handbook labels' columns of EvidenceTable.labels (a pair has at most a 'solvent' and a
#: 'non-solvent' label); the dissolution facts follow them
HANDBOOK_LABEL_COLUMNS = 2
#: Temperatures [K] an evidence row can have: a liquid's (rows outside are not evidence)
_LIQUID_RANGE_K = (150.0, 800.0)


@dataclass(frozen=True)
class DissolutionFact:
    """A cited "dissolves at T" fact: where [K], which grades of the repeat unit the source names, the source."""

    temperature_k: float
    grades: str
    source: str

    def sentence(self) -> str:
        """How the answer names it: 'LDPE, LLDPE dissolves at 150 °C'."""
        return f"{self.grades} dissolves at {self.temperature_k - ZERO_CELSIUS_K:.0f} °C"


@dataclass(frozen=True, eq=False)
class Evidence(FrozenResult):
    """What the open data say about one pair.

    ``temperatures_k`` and ``chis`` are the measured χ (empty arrays when none); ``labels`` the
    handbook verdicts (1 solvent, 0 non-solvent); ``sources`` where each kind comes from.
    """

    temperatures_k: np.ndarray
    chis: np.ndarray
    labels: tuple[int, ...]
    chi_source: str
    label_source: str
    #: per point: what it is ('measured χ', 'upper θ temperature', 'UCST', ...; its σ: point_sigmas) and its source
    kinds: tuple[str, ...] = ()
    point_sources: tuple[str, ...] = ()
    #: cited "dissolves at T" facts (a solvent label at T; the fact of one grade is evidence on the
    #: repeat unit's χ)
    dissolution_facts: tuple[DissolutionFact, ...] = ()

    @property
    def dissolves_at_k(self) -> tuple[float, ...]:
        """The temperatures [K] of the cited dissolution facts."""
        return tuple(f.temperature_k for f in self.dissolution_facts)

    @property
    def has_measured_chi(self) -> bool:
        return MEASURED_CHI in self.kinds

    @property
    def point_slopes(self) -> np.ndarray:
        """Each point's known sign of dχ/dT: +1 at an LCST or a lower θ (χ rises through χc or ½ on
        heating), −1 at a UCST or an upper θ, 0 where a point says nothing of the slope."""
        return np.array([_SLOPE_SIGNS.get(kind, 0.0) for kind in self.kinds], dtype=float)

    @property
    def point_sigmas(self) -> np.ndarray:
        """Each point's own σ; NaN for a measured χ, whose noise is the posterior's (the open data's)."""
        return np.array([_KIND_SIGMAS.get(kind, np.nan) for kind in self.kinds], dtype=float)

    @property
    def is_empty(self) -> bool:
        return not len(self.chis) and not self.labels and not self.dissolves_at_k

    @property
    def label_text(self) -> str | None:
        """'solvent', 'non-solvent', 'conflicting' or None, as the handbook has it."""
        if not self.labels:
            return None
        kinds = set(self.labels)
        return "conflicting" if len(kinds) > 1 else ("solvent" if kinds == {1} else "non-solvent")


def pair_key(polymer: str, solvent: str) -> tuple[str, str] | None:
    """(``canonical_polymer``, ``canonical_solvent``) of a pair: how the evidence is looked up; None when
    the current chemistry refuses either molecule."""
    try:
        return canonical_polymer(polymer), canonical_solvent(solvent)
    except Exception:  # noqa: BLE001 - a row the current chemistry refuses is simply not evidence
        return None


def _check_values(measured: pd.DataFrame, labels: pd.DataFrame) -> None:
    """Values a table of evidence can hold: temperatures of liquids [K], finite χ, labels 0 or 1."""
    t = pd.to_numeric(measured.get("temperature_k"), errors="coerce")
    chi = pd.to_numeric(measured.get("chi"), errors="coerce")
    soluble = pd.to_numeric(labels.get("soluble"), errors="coerce")
    if t is None or chi is None or soluble is None or not (
            t.between(*_LIQUID_RANGE_K).all() and chi.between(-20, 20).all() and soluble.isin([0, 1]).all()):
        raise DataFileError("the evidence tables hold values no measurement can have (temperatures outside 150-800 K, "
                            "χ outside ±20, labels other than 0 and 1); reinstall chiapp or rebuild them with "
                            "python -m training.evidence")


def _row_keys(table: pd.DataFrame) -> list[tuple[str, str] | None]:
    """The :func:`pair_key` of every row. ``python -m training.evidence`` stores them (columns
    ``polymer_key``, ``solvent_key``), which spares the first answer of a process canonicalizing some
    200 repeat units (about 0.35 s); they are used when eight rows spread over the table recompute to
    them (the same RDKit canonical SMILES), else every key is computed here."""
    if {"polymer_key", "solvent_key"} <= set(table.columns):
        keys = [(p, s) if isinstance(p, str) and isinstance(s, str) else None
                for p, s in zip(table["polymer_key"], table["solvent_key"])]
        rows = np.unique(np.linspace(0, len(keys) - 1, min(8, len(keys))).astype(int))  # spread over the table
        if all(pair_key(table["polymer"].iloc[i], table["solvent"].iloc[i]) == keys[i] for i in rows):
            return keys
    return [pair_key(p, s) for p, s in zip(table["polymer"], table["solvent"])]


@lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict, str, str]:
    measured = pd.read_csv(io.BytesIO(verified_asset("evidence", "measured_chi.csv")))
    labels = pd.read_csv(io.BytesIO(verified_asset("evidence", "handbook_labels.csv")))
    _check_values(measured, labels)
    references = measured["reference"].fillna("").astype(str) if "reference" in measured else [""] * len(measured)
    chi_rows: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    for key, t, chi, reference in zip(_row_keys(measured), measured["temperature_k"], measured["chi"], references):
        if key is not None:
            chi_rows.setdefault(key, []).append((float(t), float(chi), reference))
    label_rows: dict[tuple[str, str], list[int]] = {}
    for key, soluble in zip(_row_keys(labels), labels["soluble"]):
        if key is not None:
            label_rows.setdefault(key, []).append(int(soluble))
    chi_source = str(measured["source"].iloc[0]) if len(measured) else ""
    label_source = str(labels["source"].iloc[0]) if len(labels) else ""
    return chi_rows, label_rows, chi_source, label_source


@lru_cache(maxsize=1)
def _citations() -> dict[str, str]:
    """Reference number -> citation of Orwoll & Arnold's Table 14.1 (assets/evidence/chi_source_references.csv)."""
    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "chi_source_references.csv")), dtype=str)
    return dict(zip(table["ref"], table["citation"]))


def _measured_source(base: str, reference: str) -> str:
    """Where one measured χ comes from: the laboratory's papers, as Orwoll & Arnold's Table 14.1 cites
    them (``reference``: its reference numbers, '7;8'), through the open data set (``base``)."""
    if not reference:
        return base
    cited = " / ".join(_citations().get(number, f"ref. {number}") for number in reference.split(";"))
    return f"{cited} (Orwoll & Arnold, Physical Properties of Polymers Handbook, Table 14.1; via {base})"


def _phase_chi(kind: str, polymer: str, solvent: str, mw, phi) -> float | None:
    """The χ a phase-behaviour row fixes (module docstring), None when it cannot be computed."""
    from chiapp.flory_huggins import DEFAULT_POLYMER_DENSITY_G_PER_CM3, binodal_chi, chain_lengths, critical_chis
    from chiapp.library import Molecule, polymer_defaults, solvent_molar_volume

    if kind == "theta":
        return 0.5
    weight = None if not np.isfinite(mw) else float(mw)
    molecular_weight, density = polymer_defaults(Molecule(None, polymer, "polymer", "smiles"), weight)
    volume_p = molecular_weight / (density or DEFAULT_POLYMER_DENSITY_G_PER_CM3)
    n = float(chain_lengths(np.array([volume_p]), np.array([solvent_molar_volume(solvent)[0]]))[0])
    if not np.isfinite(n) or n < 1:
        return None
    if kind in ("ucst", "lcst"):
        return float(critical_chis(np.array([n]))[0])
    if kind == "cloud_point" and np.isfinite(phi) and 0 < phi < 1:
        return float(binodal_chi(float(phi), n))
    return None


def _phase_rows() -> dict[tuple[str, str], list[tuple[float, float, float, str, str]]]:
    """Canonical key -> (T [K], χ, σ, kind, source) of every usable phase-behaviour row."""
    return _phase_table()[0]


def phase_systems() -> dict[tuple[str, str], tuple[str, str, list[tuple[float, float, float, str, str]]]]:
    """Canonical key -> (repeat unit, solvent SMILES, its points) of every system with usable phase rows."""
    rows, molecules = _phase_table()
    return {key: (*molecules[key], list(points)) for key, points in rows.items()}


@lru_cache(maxsize=1)
def _phase_table():
    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "phase_behaviour.csv")))
    rows: dict[tuple[str, str], list[tuple[float, float, float, str, str]]] = {}
    molecules: dict[tuple[str, str], tuple[str, str]] = {}
    for row in table.itertuples(index=False):
        kind = str(row.kind)
        if kind not in PHASE_SIGMAS:
            continue
        resolved = _resolved(str(row.polymer), str(row.solvent))
        temperature_k = float(row.temperature_c) + ZERO_CELSIUS_K
        if resolved is None or not _LIQUID_RANGE_K[0] <= temperature_k <= _LIQUID_RANGE_K[1]:
            continue
        key, polymer, solvent = resolved
        if temperature_k > _boiling_point_k(solvent):
            continue  # an LCST under pressure, near the solvent's critical point (module docstring)
        chi = _phase_chi(kind, polymer, solvent, pd.to_numeric(row.molecular_weight_g_per_mol), pd.to_numeric(row.phi))
        if chi is not None:
            side = THETA_SIDES.get(str(row.side)) if kind == "theta" else None
            rows.setdefault(key, []).append((temperature_k, chi, PHASE_SIGMAS[kind], side or PHASE_KINDS[kind],
                                             str(row.source)))
            molecules[key] = (polymer, solvent)
    return rows, molecules


def _boiling_point_k(solvent: str) -> float:
    """The solvent's normal boiling point [K] (infinite when the library does not know it)."""
    from chiapp.library import solvent_row

    row = solvent_row(solvent)
    boiling = float(row["boiling_point_c"]) if row is not None else float("nan")
    return boiling + ZERO_CELSIUS_K if np.isfinite(boiling) else float("inf")


def _resolved(polymer: str, solvent: str) -> tuple[tuple[str, str], str, str] | None:
    """(canonical keys, repeat unit, solvent SMILES) of a row that names its molecules (names or SMILES)."""
    from chiapp.library import resolve_polymer, resolve_solvent

    try:
        p, s = resolve_polymer(polymer).smiles, resolve_solvent(solvent).smiles
        return (canonical_polymer(p), canonical_solvent(s)), p, s
    except Exception:  # noqa: BLE001 - a row the current libraries cannot name is simply not evidence
        return None


def phase_points(key: tuple[str, str] | None) -> list[tuple[float, float, float, str, str]]:
    """(T [K], χ, σ, kind, source) of the phase-behaviour rows of a pair (none while excluded)."""
    if key is None or _EXCLUDED[key]:
        return []
    return list(_phase_rows().get(key, ()))


@lru_cache(maxsize=1)
def _dissolution_table() -> dict[tuple[str, str], list[DissolutionFact]]:
    """Canonical key -> the facts of every usable "dissolves" row; the grades of one repeat unit that one
    source gives at one temperature are one fact (LDPE and LLDPE in decalin)."""
    table = pd.read_csv(io.BytesIO(verified_asset("evidence", "dissolution_temperatures.csv")))
    grades: dict[tuple[str, str], dict[tuple[float, str], list[str]]] = {}
    for row in table.itertuples(index=False):
        resolved = _resolved(str(row.polymer), str(row.solvent)) if row.kind == "dissolves" else None
        temperature_k = float(row.temperature_c) + ZERO_CELSIUS_K
        if resolved is not None and _LIQUID_RANGE_K[0] <= temperature_k <= _LIQUID_RANGE_K[1]:
            grades.setdefault(resolved[0], {}).setdefault((temperature_k, str(row.source)), []).append(str(row.polymer))
    return {key: [DissolutionFact(t, ", ".join(names), source) for (t, source), names in sorted(facts.items())]
            for key, facts in grades.items()}


def dissolution_facts(key: tuple[str, str] | None) -> list[DissolutionFact]:
    """The cited "dissolves at T" facts of a pair (none while excluded)."""
    if key is None or _EXCLUDED_FACTS[key]:
        return []
    return list(_dissolution_table().get(key, ()))


class _Exclusion:
    """Within this block the evidence of ``keys`` in ``_excluded`` is not used; blocks nest (a count
    per key), and the caches that hold evidence are emptied on entry and exit."""

    _excluded: Counter

    def __init__(self, keys):
        self.keys = set(keys)

    def __enter__(self):
        self._excluded.update(self.keys)
        evidence_by_key.cache_clear()
        evidence_table.cache_clear()

    def __exit__(self, *exc):
        self._excluded.subtract(self.keys)
        evidence_by_key.cache_clear()
        evidence_table.cache_clear()


class without_phase_evidence(_Exclusion):
    """Within this block the phase rows of ``keys`` are not evidence (a leave-one-system-out check)."""

    _excluded = _EXCLUDED


class without_dissolution_facts(_Exclusion):
    """Within this block the dissolution facts of ``keys`` (every pair's when None) are not evidence: a
    leave-pair-out check, and ``training.solvation``, which fits the melting shift on those facts."""

    _excluded = _EXCLUDED_FACTS

    def __init__(self, keys=None):
        super().__init__(_dissolution_table() if keys is None else keys)


@lru_cache(maxsize=1)
def evidence_pairs() -> frozenset[tuple[str, str]]:
    """The canonical (polymer, solvent) keys of every pair the tables hold anything for."""
    chi_rows, label_rows, _, _ = _tables()
    return frozenset(chi_rows) | frozenset(label_rows) | frozenset(_phase_rows()) | frozenset(_dissolution_table())


@dataclass(frozen=True)
class EvidenceTable:
    """Every pair's evidence as padded arrays, for the answer engine to read many pairs at once: row i
    is ``keys[i]``; points NaN-padded (slopes 0), labels −1-padded."""

    keys: tuple[tuple[str, str], ...]
    row_of: dict
    temperatures_k: np.ndarray   # (K, P)
    chis: np.ndarray
    sigmas: np.ndarray
    slopes: np.ndarray
    labels: np.ndarray           # (K, L): two handbook labels, then the dissolution facts
    label_temperatures_k: np.ndarray  # (K, L): where each label speaks
    n_points: np.ndarray         # (K,)
    has_measured_chi: np.ndarray  # (K,) bool: Evidence.has_measured_chi (points may be phase rows only)


@lru_cache(maxsize=1)
def evidence_table() -> EvidenceTable:
    """:class:`EvidenceTable` of :func:`evidence_pairs` (built once; again after :class:`without_phase_evidence`)."""
    keys = tuple(sorted(evidence_pairs()))
    items = [evidence_by_key(key) for key in keys]
    width = max((len(e.chis) for e in items), default=0)
    shape = (len(keys), width)
    t, chi, sigma, slope = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape)
    n_facts = max((len(e.dissolves_at_k) for e in items), default=0)
    labels = np.full((len(keys), HANDBOOK_LABEL_COLUMNS + n_facts), -1, dtype=int)
    label_t = np.full(labels.shape, REFERENCE_TEMPERATURE_K)  # the handbook's: room temperature
    for i, e in enumerate(items):
        m = len(e.chis)
        t[i, :m], chi[i, :m], sigma[i, :m], slope[i, :m] = e.temperatures_k, e.chis, e.point_sigmas, e.point_slopes
        labels[i, :len(e.labels)] = e.labels
        first, f = HANDBOOK_LABEL_COLUMNS, len(e.dissolves_at_k)
        labels[i, first:first + f], label_t[i, first:first + f] = 1, e.dissolves_at_k
    return EvidenceTable(keys, {key: i for i, key in enumerate(keys)}, t, chi, sigma, slope, labels, label_t,
                         np.array([len(e.chis) for e in items], dtype=int),
                         np.array([e.has_measured_chi for e in items], dtype=bool))


def evidence_for(polymer: str, solvent: str) -> Evidence:
    """Measured χ, phase behaviour, handbook labels and cited dissolution facts for a polymer (repeat unit
    SMILES) in a solvent."""
    return evidence_by_key(pair_key(polymer, solvent))


@lru_cache(maxsize=None)
def evidence_by_key(key: tuple[str, str] | None) -> Evidence:
    """:func:`evidence_for` of a pair given by its canonical keys (``chiapp.chemistry.canonical_polymer``,
    ``canonical_solvent``), as :func:`evidence_pairs` lists them."""
    chi_rows, label_rows, chi_source, label_source = _tables()
    rows = chi_rows.get(key, ()) if key else ()
    measured = [(t, c, np.nan, MEASURED_CHI, _measured_source(chi_source, r)) for t, c, r in rows]
    phase = phase_points(key)
    points = sorted(measured + phase, key=lambda p: (p[0], p[1]))
    labels = tuple(sorted(set(label_rows.get(key, ())))) if key else ()
    laboratories = {r for _, _, r in rows if r}
    sources = sorted({p[4] for p in phase}) + ([f"{chi_source}, {len(laboratories)} laboratories"
                                                if len(laboratories) > 1 else chi_source] if rows else [])
    facts = dissolution_facts(key)
    return Evidence(temperatures_k=np.array([p[0] for p in points], dtype=float),
                    chis=np.array([p[1] for p in points], dtype=float), labels=labels,
                    chi_source="; ".join(sources), label_source=label_source if labels else "",
                    kinds=tuple(p[3] for p in points), point_sources=tuple(p[4] for p in points),
                    dissolution_facts=tuple(facts))
