"""A solvent blend: two or three solvents and their volume fractions, as text or a mapping.

``{"ethanol": 0.8, "water": 0.2}`` or ``ethanol:0.8+water:0.2`` (:func:`parse_blend`). The answer
engine treats a blend as one more solvent: its latent point mixes its components' (u_b = Σ φ_j u_j,
r_b² = Σ φ_j r_j², see ``chiapp.blends`` for the mixing rule and what it means), its Hansen inputs
mix by Hansen's rule (δ linear in φ), and its molar volume is the mean volume per molecule,
V_b = 1 / Σ(φ_j / V_j) (ideal mixing), so N = (M_n/ρ)/V_b. Boiling range is (min, max) of the
components' boiling points; the safety class is the worst CHEM21 class of the components
(unknown if one is unknown, unless another is already the worst class).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from chiapp.descriptors import SOLVENT_DESCRIPTOR_NAMES
from chiapp.errors import BlendError
from chiapp.frozen import FrozenResult
from chiapp.library import CHEM21_CLASSES, Molecule, resolve_solvent, solvent_molar_volume, solvent_row

__all__ = ["FRACTION_TOLERANCE", "MAX_COMPONENTS", "Blend", "hansen_blend_row", "looks_like_blend", "parse_blend",
           "worst_class"]

#: How far Σφ may miss 1 (rounding of typed fractions); within it the fractions are rescaled.
FRACTION_TOLERANCE = 0.01
MAX_COMPONENTS = 3


# ---------------------------------------------------------------------------------------------
# The blend itself

@dataclass(frozen=True, eq=False)
class Blend(FrozenResult):
    """Two or three distinct solvents and their volume fractions (rescaled to sum exactly 1)."""

    components: tuple[Molecule, ...]
    fractions: tuple[float, ...]
    molar_volumes_cm3_per_mol: tuple[float, ...]
    boiling_points_c: tuple[float, ...]
    chem21_classes: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name or c.smiles for c in self.components)

    @property
    def text(self) -> str:
        """The text form, ``ethanol:0.8+water:0.2`` (parsed back by :func:`parse_blend`)."""
        return "+".join(f"{n}:{f:.4g}" for n, f in zip(self.names, self.fractions))

    @property
    def molar_volume_cm3_per_mol(self) -> float:
        """Mean volume per molecule, 1 / Σ(φ_j / V_j) [cm³/mol]."""
        return 1.0 / sum(f / v for f, v in zip(self.fractions, self.molar_volumes_cm3_per_mol))

    @property
    def boiling_range_c(self) -> tuple[float, float]:
        """(lowest, highest) boiling point of the components [°C]; NaN when one is unknown."""
        bp = np.asarray(self.boiling_points_c, dtype=float)
        if np.isnan(bp).any():
            return (math.nan, math.nan)
        return (float(bp.min()), float(bp.max()))

    @property
    def chem21_class(self) -> str:
        """The worst CHEM21 class of the components ('' when unknown)."""
        return worst_class(self.chem21_classes)


def worst_class(classes) -> str:
    """Worst CHEM21 class among ``classes``; '' if one is unknown and none is the worst class."""
    known = [CHEM21_CLASSES.index(c) for c in classes if c in CHEM21_CLASSES]
    if known and max(known) == len(CHEM21_CLASSES) - 1:
        return CHEM21_CLASSES[-1]
    if len(known) < len(list(classes)) or not known:
        return ""
    return CHEM21_CLASSES[max(known)]


_FRACTION = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(%?)\s*$")


def _split_plus(text: str) -> list[str]:
    """Split on '+' outside SMILES brackets ([N+] keeps its charge)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "+" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def looks_like_blend(text) -> bool:
    """True for a mapping or text of the blend form (``name:fraction`` terms joined by '+')."""
    if isinstance(text, Mapping):
        return True
    if not isinstance(text, str) or ":" not in text:
        return False
    return all(":" in part and _FRACTION.match(part.rsplit(":", 1)[1]) for part in _split_plus(text))


def _parse_text(text: str) -> list[tuple[str, float]]:
    items = []
    for part in _split_plus(text):
        if ":" not in part:
            raise BlendError(f"blend term {part.strip()!r} has no fraction; write name:fraction terms joined by "
                             "'+', e.g. ethanol:0.8+water:0.2")
        name, number = part.rsplit(":", 1)
        match = _FRACTION.match(number)
        if not match:
            raise BlendError(f"the fraction of {name.strip()!r} in the blend must be a number, got {number.strip()!r}")
        value = float(match.group(1)) / (100.0 if match.group(2) else 1.0)
        items.append((name.strip(), value))
    return items


def _items(blend) -> list[tuple[str, float]]:
    if isinstance(blend, Mapping):
        items = []
        for name, value in blend.items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise BlendError(f"the fraction of {name!r} in the blend must be a number, got {value!r}") from None
            items.append((str(name).strip(), number))
        return items
    if isinstance(blend, str):
        if blend.strip().startswith("-") or re.search(r":\s*-", blend):
            raise BlendError(f"a volume fraction cannot be negative: {blend.strip()!r}")
        return _parse_text(blend)
    raise BlendError(f"a blend is a mapping {{solvent: volume fraction}} or text like ethanol:0.8+water:0.2, "
                     f"got {type(blend).__name__}")


def _properties(molecule: Molecule) -> tuple[float, float, str]:
    """(molar volume [cm³/mol], boiling point [°C] or NaN, CHEM21 class or '') of a solvent."""
    volume = solvent_molar_volume(molecule.smiles)[0]
    row = solvent_row(molecule.smiles)
    if row is None:
        return volume, math.nan, ""
    return volume, float(row["boiling_point_c"]), str(row["chem21_class"])


def parse_blend(blend) -> Blend:
    """A checked :class:`Blend` from ``{"ethanol": 0.8, "water": 0.2}`` or ``"ethanol:0.8+water:0.2"``.

    Fractions are volume fractions [-]; a '%' suffix in the text form means percent. Raises
    BlendError for fewer than 2 or more than 3 components, a negative or zero fraction, fractions
    whose sum misses 1 by more than FRACTION_TOLERANCE, a component listed twice (also under two
    names of one structure); MoleculeError (with its reason) for an unknown solvent or a polymer.

    >>> b = parse_blend("ethanol:0.8+water:0.2")
    >>> b.names, b.fractions
    (('ethanol', 'water'), (0.8, 0.2))
    """
    items = _items(blend)
    if not 2 <= len(items) <= MAX_COMPONENTS:
        raise BlendError(f"a blend has 2 to {MAX_COMPONENTS} solvents, got {len(items)}"
                         + ("; for one solvent give its name alone" if len(items) == 1 else ""))
    for name, value in items:
        if not math.isfinite(value):
            raise BlendError(f"the fraction of {name!r} must be a finite number, got {value!r}")
        if value < 0:
            raise BlendError(f"a volume fraction cannot be negative: {name!r} has {value:g}")
        if value == 0:
            raise BlendError(f"{name!r} has volume fraction 0; leave it out of the blend")
    total = sum(v for _, v in items)
    if abs(total - 1.0) > FRACTION_TOLERANCE:
        raise BlendError(f"the volume fractions must sum to 1 (±{FRACTION_TOLERANCE:g}), got "
                         f"{' + '.join(f'{v:g}' for _, v in items)} = {total:.4g}")
    molecules = [resolve_solvent(name) for name, _ in items]  # MoleculeError says which and why
    seen: dict[str, str] = {}
    for (name, _), molecule in zip(items, molecules):
        if molecule.smiles in seen:
            raise BlendError(f"{name!r} is listed twice in the blend (as {seen[molecule.smiles]!r} too); "
                             "give each solvent once with its total fraction")
        seen[molecule.smiles] = name
    props = [_properties(m) for m in molecules]
    return Blend(components=tuple(molecules), fractions=tuple(v / total for _, v in items),
                 molar_volumes_cm3_per_mol=tuple(p[0] for p in props),
                 boiling_points_c=tuple(p[1] for p in props), chem21_classes=tuple(p[2] for p in props))


# ---------------------------------------------------------------------------------------------
# Hansen's rule

_S_HANSEN = [SOLVENT_DESCRIPTOR_NAMES.index(n) for n in ("hansen_delta_d", "hansen_delta_p", "hansen_delta_h")]
_S_KNOWN = SOLVENT_DESCRIPTOR_NAMES.index("hansen_known")
_S_LOG_VOLUME = SOLVENT_DESCRIPTOR_NAMES.index("log_molar_volume")


def hansen_blend_row(solvent_x: np.ndarray, fractions) -> np.ndarray:
    """A solvent descriptor row carrying the blend's Hansen inputs: δ mixed linearly in φ
    (Hansen's rule), V = 1/Σ(φ/V), known only when every component's δ is. ``solvent_x`` (k, d) with
    ``fractions`` (k,) gives (d,); blends in bulk, (n, k, d) with (n, k), give (n, d)."""
    x = np.asarray(solvent_x, dtype=float)
    phi = np.asarray(fractions, dtype=float)
    row = x[..., 0, :].copy()
    row[..., _S_HANSEN] = np.einsum("...k,...kd->...d", phi, x[..., _S_HANSEN])
    row[..., _S_KNOWN] = np.all(x[..., _S_KNOWN] > 0, axis=-1).astype(float)
    row[..., _S_LOG_VOLUME] = -np.log(np.einsum("...k,...k->...", phi, np.exp(-x[..., _S_LOG_VOLUME])))
    return row
