"""Solvent and polymer libraries, and turning what a user types into a checked molecule.

The libraries are ``assets/solvents.csv`` and ``assets/polymers.csv`` (built by
``training/build_libraries.py``; provenance in ``assets/README.md``). A name is looked up in this
order, and the first hit wins:

1. the library of the expected role: names, abbreviations, synonyms and CAS numbers, compared
   after NFKC normalization, case folding and removal of spaces, hyphens and underscores
   (``N-Methyl 2-pyrrolidone``, ``nmp``, ``872-50-4`` and ``872504`` are the same). Hyphens are
   ignored because people write ``n-hexane``/``n hexane``/``nhexane`` and ``PA-6``/``PA6``
   interchangeably, and no two library entries differ by a hyphen alone;
2. the library of the other role: a polymer given where a solvent is expected (or the reverse) is
   an error that says so;
3. a SMILES (a polymer as its repeat unit with two ``*`` ends);
4. solvents only: the offline identifier database of the ``chemicals`` package (names, synonyms,
   CAS numbers of some 70,000 compounds);
5. otherwise :class:`~chiapp.errors.NameNotFoundError` with the closest library names.

A structure that is in the library (by canonical SMILES) is given the library's name, whichever
way it was typed.
"""

from __future__ import annotations

import difflib
import io
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from chiapp.chemistry import (
    canonical_polymer,
    canonical_solvent,
    checked_text,
    looks_like_polymer,
    normalize_name,
    parse_polymer,
    parse_solvent,
)
from chiapp.crystallinity import crystallinity_table, grade_of
from chiapp.errors import (
    ChiAppError,
    DataFileError,
    InputError,
    InvalidSmilesError,
    MoleculeError,
    NameNotFoundError,
    UnsupportedMoleculeError,
)
from chiapp.flory_huggins import chain_length_from_molecular_weight
from chiapp.resources import asset_path, verified_asset

__all__ = [
    "ASSETS_DIR",
    "CHEM21_CLASSES",
    "DEFAULT_MOLECULAR_WEIGHT_G_PER_MOL",
    "POLYMERS_FILE",
    "SOLVENTS_FILE",
    "Molecule",
    "chain_length_for",
    "clear_resolution_caches",
    "estimated_molar_volume",
    "normalize_name",
    "polymer_defaults",
    "polymer_library",
    "polymer_names",
    "polymer_row",
    "resolve_polymer",
    "resolve_solvent",
    "search_molecules",
    "solvent_library",
    "solvent_molar_volume",
    "solvent_names",
    "solvent_row",
]

ASSETS_DIR = asset_path()
SOLVENTS_FILE = ASSETS_DIR / "solvents.csv"
POLYMERS_FILE = ASSETS_DIR / "polymers.csv"
#: The CHEM21 classes, safest first (Prat et al., Green Chem. 2016, 18, 288-296).
CHEM21_CLASSES = ("recommended", "problematic", "hazardous", "highly hazardous")

_N_SUGGESTIONS = 3
_SUGGESTION_CUTOFF = 0.6


@dataclass(frozen=True)
class Molecule:
    """A checked molecule: its library name (or None), canonical SMILES, role and how it was found.

    ``smiles`` is the RDKit canonical SMILES (of the repeat unit, with two ``*``, for a polymer);
    ``source`` is 'library' (a library name, abbreviation, synonym or CAS number), 'chemicals'
    (the ``chemicals`` identifier database) or 'smiles' (typed as a SMILES). ``grade`` is the
    crystalline grade the text named ("LDPE", "iPP": ``assets/crystallinity.csv``), None for the
    polymer's default grade: two grades of one repeat unit are two polymers of a mixture.
    """

    name: str | None
    smiles: str
    role: str
    source: str
    grade: str | None = None

    @property
    def label(self) -> str:
        """What a person calls it: the grade, else the name, else the SMILES."""
        return self.grade or self.name or self.smiles

    @property
    def query(self) -> str:
        """Text that resolves to this molecule again, grade included (a cache key for the pages)."""
        return self.grade or self.smiles


# ---------------------------------------------------------------------------------------------
# The tables, loaded once

def _read(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    try:
        table = pd.read_csv(io.BytesIO(verified_asset(path.name)), dtype={"cas": str, "synonyms": str,
                                                                         "abbreviation": str, "chem21_class": str,
                                                                         "notes": str})
    except (OSError, pd.errors.ParserError) as err:
        raise DataFileError(f"cannot read the library {path}: {err}") from err
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise DataFileError(f"library {path.name} lacks columns {missing}; rebuild it with "
                            "python -m training.build_libraries")
    for column in ("synonyms", "abbreviation", "chem21_class", "notes", "cas"):
        if column in table.columns:
            table[column] = table[column].fillna("").astype(str)
    return table


@lru_cache(maxsize=1)
def _solvents() -> pd.DataFrame:
    return _read(SOLVENTS_FILE, ("name", "synonyms", "cas", "smiles", "molar_volume_cm3_per_mol",
                                 "boiling_point_c", "flash_point_c", "chem21_class", "in_training_data"))


@lru_cache(maxsize=1)
def _polymers() -> pd.DataFrame:
    table = _read(POLYMERS_FILE, ("name", "abbreviation", "synonyms", "smiles", "density_g_per_cm3",
                                  "molecular_weight_g_per_mol", "in_training_data"))
    return table


def solvent_library() -> pd.DataFrame:
    """The solvent library, one row per solvent (a copy: changing it changes nothing else)."""
    return _solvents().copy()


def polymer_library() -> pd.DataFrame:
    """The polymer library, one row per polymer (a copy: changing it changes nothing else)."""
    return _polymers().copy()


@lru_cache(maxsize=1)
def _solvent_names() -> tuple[str, ...]:
    return tuple(_solvents()["name"])


@lru_cache(maxsize=1)
def _polymer_names() -> tuple[str, ...]:
    """Library names, each followed by the names of its crystalline grades when it has several (HDPE,
    LDPE, LLDPE after polyethylene): a grade is a member of a mixture of its own."""
    grades = crystallinity_table()
    out: list[str] = []
    for name in _polymers()["name"]:
        out.append(name)
        rows = grades[grades["polymer"] == name]
        if len(rows) > 1:
            out += [g for g in rows["grade"] if g != name]
    return tuple(out)


def solvent_names() -> list[str]:
    """Library solvent names in library order, for a searchable select."""
    return list(_solvent_names())


def polymer_names() -> list[str]:
    """Library polymer names in library order, with their grades, for a searchable select."""
    return list(_polymer_names())


class _Index:
    """Normalized key -> row number, with the text each key came from (for suggestions).

    ``entries`` keeps every (key, row, field, text), duplicates included, for ``search_molecules``.
    """

    def __init__(self, table: pd.DataFrame, fields: tuple[str, ...], structure_key):
        self.rows: dict[str, int] = {}
        self.shown: dict[str, str] = {}
        self.entries: list[tuple[str, int, str, str]] = []
        for field in fields:  # earlier fields win: a name beats another entry's synonym
            for row, value in enumerate(table[field]):
                for text in str(value).split(";"):
                    text = text.strip()
                    key = normalize_name(text) if text else ""
                    if key:
                        self.entries.append((key, row, field, text))
                    if key and key not in self.rows:
                        self.rows[key] = row
                        self.shown[key] = text
        self.by_structure: dict[str, int] = {}
        for row, smiles in enumerate(table["smiles"]):
            self.by_structure.setdefault(structure_key(smiles), row)

    def find(self, text: str) -> int | None:
        return self.rows.get(normalize_name(text))

    def suggestions(self, text: str) -> tuple[str, ...]:
        keys = difflib.get_close_matches(normalize_name(text), self.rows, n=3 * _N_SUGGESTIONS,
                                         cutoff=_SUGGESTION_CUTOFF)
        out: list[str] = []
        for key in keys:
            if self.shown[key] not in out:
                out.append(self.shown[key])
        return tuple(out[:_N_SUGGESTIONS])


@lru_cache(maxsize=1)
def _solvent_index() -> _Index:
    return _Index(_solvents(), ("name", "cas", "synonyms"), canonical_solvent)


@lru_cache(maxsize=1)
def _polymer_index() -> _Index:
    return _Index(_polymers(), ("name", "abbreviation", "synonyms"), canonical_polymer)


#: How a search text meets a library entry, best first: the whole entry, its start, a word's start, inside it.
_MATCH_KINDS = ("exact", "prefix", "word", "inside")
_FIELD_LABELS = {"name": "name", "abbreviation": "abbreviation", "synonyms": "synonym", "cas": "CAS"}


def _match_kind(query: str, key: str, text: str) -> int | None:
    """Rank (index of _MATCH_KINDS) of a normalized query against one entry, or None."""
    if key == query:
        return 0
    if key.startswith(query):
        return 1
    if any(normalize_name(word).startswith(query) for word in re.split(r"[\s(),\-/]+", text)[1:] if word):
        return 2
    if query in key:
        return 3
    return None


def search_molecules(text: str, role: str, limit: int | None = 20) -> list[tuple[str, str, str]]:
    """Library molecules matching what a chemist types, best first: (name, smiles, matched_on).

    Names, abbreviations, synonyms (trade names among them: teflon, plexiglas, silicone) and CAS
    numbers are compared as ``normalize_name`` keys (case, spaces and hyphens ignored, so
    ``110-54-3`` and ``110543`` are the same). Order: an exact match first, then an entry that
    starts with the text, then one with a word that starts with it, then one that contains it; in
    each group a name before an abbreviation, a synonym or a CAS number, then the shorter name.
    When nothing matches, close spellings (difflib ratio >= 0.6) follow. ``matched_on`` says what
    matched ("synonym: silicone"); it is empty for an empty text, which lists the whole library in
    library order. ``role`` is "polymer" or "solvent".

    >>> search_molecules("THF", "solvent", 1)[0][0]
    'tetrahydrofuran'
    >>> search_molecules("PS", "polymer", 1)[0][0]
    'polystyrene'
    """
    if role not in ("polymer", "solvent"):
        raise InputError(f"role must be 'polymer' or 'solvent', got {role!r}")
    table, index = (_polymers(), _polymer_index()) if role == "polymer" else (_solvents(), _solvent_index())
    names, smiles = table["name"].tolist(), table["smiles"].tolist()
    query = normalize_name(text) if isinstance(text, str) else ""
    if not query:
        if role == "polymer":  # the library and its grades, in the order of polymer_names
            found = [(name, resolve_polymer(name).smiles, "" if name in names else "grade")
                     for name in _polymer_names()]
        else:
            found = [(names[row], smiles[row], "") for row in range(len(names))]
        return found if limit is None else found[:limit]
    field_rank = {field: i for i, field in enumerate(("name", "abbreviation", "cas", "synonyms"))}
    best: dict[tuple[int, str | None], tuple[tuple, str]] = {}
    for key, row, field, shown in index.entries:
        kind = _match_kind(query, key, shown)
        if kind is None:
            continue
        # a text naming a crystalline grade (LDPE, iPP) finds that grade: a member of a mixture of its own
        grade = grade_of(names[row], shown) if role == "polymer" else None
        rank = (kind, field_rank.get(field, 9), len(names[row]), row)
        if (row, grade) not in best or rank < best[(row, grade)][0]:
            matched = "" if field == "name" else f"{_FIELD_LABELS.get(field, field)}: {shown}"
            best[(row, grade)] = (rank, f"grade of {names[row]}" if grade else matched)
    ordered = sorted(best.items(), key=lambda item: item[1][0])
    found = [(grade or names[row], smiles[row], matched) for (row, grade), (_, matched) in ordered]
    if not found:
        close = difflib.get_close_matches(query, [key for key, *_ in index.entries], n=10, cutoff=_SUGGESTION_CUTOFF)
        seen: set[int] = set()
        for near in close:
            for key, row, field, shown in index.entries:
                if key == near and row not in seen:
                    seen.add(row)
                    found.append((names[row], smiles[row], f"close to {_FIELD_LABELS.get(field, field)}: {shown}"))
    return found if limit is None else found[:limit]


def solvent_row(smiles: str) -> pd.Series | None:
    """The library row of a solvent given by SMILES (any valid spelling), or None."""
    row = _solvent_index().by_structure.get(canonical_solvent(smiles))
    return None if row is None else _solvents().iloc[row]


def polymer_row(smiles: str) -> pd.Series | None:
    """The library row of a polymer given by its repeat unit (any starting atom), or None.

    Stereoisomers (cis/trans-1,4-polybutadiene) share the 2D key; the first in the library wins.
    """
    row = _polymer_index().by_structure.get(canonical_polymer(smiles))
    return None if row is None else _polymers().iloc[row]


# ---------------------------------------------------------------------------------------------
# Resolution

def _check_text(text, role: str) -> str:
    if not isinstance(text, str):
        raise InvalidSmilesError(f"expected text (a name, a CAS number or a SMILES), got a "
                                 f"{type(text).__name__}", smiles=repr(text)[:60], role=role)
    if not text.strip():
        raise InvalidSmilesError("empty input; give a name, an abbreviation, a CAS number or a SMILES",
                                 smiles=text, role=role)
    return checked_text(text, role).strip()


def _library_molecule(table: pd.DataFrame, row: int, role: str, source: str) -> Molecule:
    return Molecule(name=str(table["name"].iloc[row]), smiles=str(table["smiles"].iloc[row]), role=role,
                    source=source)


def resolve_solvent(text: str) -> Molecule:
    """The solvent a user means by ``text``: a library name, abbreviation, synonym, CAS, SMILES or
    any name the ``chemicals`` database knows.

    Raises NameNotFoundError (with suggestions) for an unknown name, UnsupportedMoleculeError when
    the text is a polymer, InvalidSmilesError/UnsupportedMoleculeError for a SMILES the model
    cannot take.

    >>> resolve_solvent("MEK").name
    'methyl ethyl ketone'
    """
    return _resolve_solvent(_check_text(text, "solvent"))


# Sized for catalogues (issue 19): a Molecule is a few hundred bytes, and a cache smaller than a
# ranked list misses on every call when the list is scanned in a cycle.
@lru_cache(maxsize=1 << 17)
def _resolve_solvent(text: str) -> Molecule:
    text = _check_text(text, "solvent")
    index = _solvent_index()
    row = index.find(text)
    if row is not None:
        return _library_molecule(_solvents(), row, "solvent", "library")
    polymer = _polymer_index().find(text)
    if polymer is not None:
        name = _polymers()["name"].iloc[polymer]
        raise UnsupportedMoleculeError(f"this is a polymer ({name}), not a solvent; choose it as the polymer",
                                       smiles=text, role="solvent")
    if looks_like_polymer(text):
        raise UnsupportedMoleculeError(
            "a solvent cannot have '*' ends; this is a polymer repeat unit, choose it as the polymer",
            smiles=text, role="solvent")
    try:
        smiles = canonical_solvent(text)
    except InvalidSmilesError:
        pass  # not a SMILES: try it as a name
    else:
        return _found(smiles, "smiles")
    meta = None if _is_number(text) else _chemicals_lookup(text)
    if meta is None or not meta.smiles:
        raise NameNotFoundError(text, "solvent", index.suggestions(text))
    try:
        smiles = canonical_solvent(meta.smiles)
    except MoleculeError as err:
        raise UnsupportedMoleculeError(f"{meta.common_name!r} ({meta.smiles}) cannot be used as a "
                                       f"solvent: {err.reason}", smiles=text, role="solvent") from err
    molecule = _found(smiles, "chemicals")
    return molecule if molecule.name else Molecule(meta.common_name or text, smiles, "solvent", "chemicals")


def clear_resolution_caches() -> None:
    """Forget the molecules resolved so far (a catalogue screen reads each once: see
    ``chiapp.screening.screen.release_molecule_caches``)."""
    _resolve_solvent.cache_clear()
    _resolve_polymer.cache_clear()


def _found(smiles: str, source: str) -> Molecule:
    index = _solvent_index()
    row = index.by_structure.get(smiles)
    name = None if row is None else str(_solvents()["name"].iloc[row])
    return Molecule(name=name, smiles=smiles, role="solvent", source=source)


def _is_number(text: str) -> bool:
    """A plain number ('25', '1e3', '-1', 'nan') is never a solvent's name: ``chemicals`` would read
    '25' as atomic number 25 (manganese). CAS numbers (108-88-3) are not plain numbers."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _chemicals_lookup(text: str):
    """Metadata of ``chemicals.search_chemical`` or None (it knows only small molecules)."""
    try:
        from chemicals.identifiers import search_chemical
    except ImportError:  # pragma: no cover - chemicals is a dependency
        return None
    try:
        return search_chemical(text)
    except Exception:  # noqa: BLE001 - chemicals raises ValueError or others for an unknown name
        return None


def resolve_polymer(text: str) -> Molecule:
    """The polymer a user means by ``text``: a library name, abbreviation, synonym or a repeat unit
    SMILES with two ``*`` ends.

    Raises NameNotFoundError (with suggestions) for an unknown name, UnsupportedMoleculeError when
    the text is a solvent or a small molecule, InvalidSmilesError/UnsupportedMoleculeError for a
    repeat unit the model cannot take.

    >>> resolve_polymer("PMMA").smiles
    '*CC(*)(C)C(=O)OC'
    """
    return _resolve_polymer(_check_text(text, "polymer"))


@lru_cache(maxsize=1 << 14)
def _resolve_polymer(text: str) -> Molecule:
    text = _check_text(text, "polymer")
    index = _polymer_index()
    row = index.find(text)
    if row is not None:
        molecule = _library_molecule(_polymers(), row, "polymer", "library")
        return replace(molecule, grade=grade_of(str(molecule.name), text))
    solvent = _solvent_index().find(text)
    if solvent is not None:
        name = _solvents()["name"].iloc[solvent]
        raise UnsupportedMoleculeError(
            f"this is a solvent ({name}), not a polymer; a polymer is a library name or a repeat unit "
            "with two '*' ends (polystyrene is *CC(*)c1ccccc1)", smiles=text, role="polymer")
    if looks_like_polymer(text):
        key = canonical_polymer(text)  # raises with the reason if the repeat unit is bad
        found = index.by_structure.get(key)
        name = None if found is None else str(_polymers()["name"].iloc[found])
        from rdkit import Chem  # the canonical repeat unit as written (stereo kept)
        smiles = Chem.MolToSmiles(Chem.MolFromSmiles(text))
        return Molecule(name=name, smiles=smiles, role="polymer", source="smiles")
    try:
        parse_solvent(text)
    except UnsupportedMoleculeError as err:
        from rdkit import Chem

        if Chem.MolFromSmiles(text, sanitize=False) is not None:  # a SMILES the model refuses (a salt, a metal)
            raise UnsupportedMoleculeError(err.reason, smiles=text, role="polymer") from None
        raise NameNotFoundError(text, "polymer", index.suggestions(text)) from None
    except MoleculeError:
        raise NameNotFoundError(text, "polymer", index.suggestions(text)) from None
    suggestions = index.suggestions(text)
    hint = f" (did you mean {', '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
    raise UnsupportedMoleculeError(
        "not a library polymer, and read as a SMILES it is a small molecule without '*' ends; write a "
        f"polymer as its repeat unit with two '*' ends (polystyrene is *CC(*)c1ccccc1) or give its name{hint}",
        smiles=text, role="polymer")


#: M_n used for a polymer outside the library when none is given [g/mol].
DEFAULT_MOLECULAR_WEIGHT_G_PER_MOL = 100_000.0
#: Density [g/cm3] turning a molecular weight into a molar volume when nothing better is known.
_FALLBACK_LIQUID_DENSITY_G_PER_CM3 = 1.0


@lru_cache(maxsize=65536)
def estimated_molar_volume(smiles: str) -> tuple[float, str]:
    """Fedors' group contributions (chiapp.hansen) or, failing those, M / (1 g/cm3) [cm3/mol].

    χ_c depends on the solvent volume only through sqrt(N): a 20 % error in V changes χ_c by
    less than 0.003 at N ≈ 1000.
    """
    from rdkit.Chem import Descriptors

    from chiapp.descriptors import estimated_solvent_hansen
    mol = parse_solvent(smiles)
    try:
        estimate = estimated_solvent_hansen(smiles)
        if estimate.is_complete and estimate.molar_volume_cm3_per_mol > 0:
            return float(estimate.molar_volume_cm3_per_mol), "Fedors estimate"
    except ChiAppError:
        pass
    return Descriptors.MolWt(mol) / _FALLBACK_LIQUID_DENSITY_G_PER_CM3, "M / (1 g/cm3) estimate"


def polymer_defaults(molecule: Molecule, molecular_weight_g_per_mol=None) -> tuple[float, float | None]:
    """(M_n [g/mol], density [g/cm3] or None) of a polymer: the given M_n, else the library's typical
    one, else DEFAULT_MOLECULAR_WEIGHT_G_PER_MOL; the library's density, else the group-contribution
    estimate of chiapp.hansen, else None (flory_huggins' default density)."""
    row = polymer_row(molecule.smiles)
    if molecular_weight_g_per_mol is None:
        if row is not None and pd.notna(row["molecular_weight_g_per_mol"]):
            molecular_weight_g_per_mol = float(row["molecular_weight_g_per_mol"])
        else:
            molecular_weight_g_per_mol = DEFAULT_MOLECULAR_WEIGHT_G_PER_MOL
    else:
        try:
            molecular_weight_g_per_mol = float(molecular_weight_g_per_mol)
        except (TypeError, ValueError):
            raise InputError(f"molecular_weight_g_per_mol must be a number, got {molecular_weight_g_per_mol!r}") \
                from None
        if not math.isfinite(molecular_weight_g_per_mol) or molecular_weight_g_per_mol <= 0:
            raise InputError(f"molecular_weight_g_per_mol must be > 0, got {molecular_weight_g_per_mol:g}")
    density = None
    if row is not None and pd.notna(row["density_g_per_cm3"]):
        density = float(row["density_g_per_cm3"])
    else:
        from chiapp import hansen
        try:
            estimate = hansen.estimate_density_g_per_cm3(parse_polymer(molecule.smiles))
        except ChiAppError:
            estimate = float("nan")
        if math.isfinite(estimate) and estimate > 0:
            density = float(estimate)
    return molecular_weight_g_per_mol, density  # None: flory_huggins' default density


@lru_cache(maxsize=1 << 17)
def solvent_molar_volume(smiles: str) -> tuple[float, str]:
    """Molar volume [cm3/mol] of a solvent and where it comes from: the library, else an estimate."""
    row = solvent_row(smiles)
    if row is not None and pd.notna(row["molar_volume_cm3_per_mol"]):
        return float(row["molar_volume_cm3_per_mol"]), "library"
    return estimated_molar_volume(canonical_solvent(smiles))


def chain_length_for(polymer: Molecule, solvent: Molecule, *, chain_length: float | None = None,
                     molecular_weight_g_per_mol: float | None = None,
                     polymer_density_g_per_cm3: float | None = None) -> float:
    """The chain length N [-] of a polymer in a solvent: the one home of this rule.

    N given, or N = (M_n / ρ_polymer) / V_solvent with M_n and ρ from ``polymer_defaults`` (the
    given values first) and V_solvent from ``solvent_molar_volume``. The ranking, the selection,
    the phase diagram and the charts all call this, so they agree.
    """
    if chain_length is not None:
        return float(chain_length)
    molecular_weight, density = polymer_defaults(polymer, molecular_weight_g_per_mol)
    if polymer_density_g_per_cm3 is not None:
        density = float(polymer_density_g_per_cm3)
    volume, _ = solvent_molar_volume(solvent.smiles)
    return chain_length_from_molecular_weight(molecular_weight, density, volume)
