"""Solvent blends: χ of a polymer in a mixture of two or three solvents, and a blend finder.

A blend is given by volume fractions φ_j of its solvents (Σφ_j = 1), as a mapping
``{"ethanol": 0.8, "water": 0.2}`` or as text ``ethanol:0.8+water:0.2`` (:func:`parse_blend`).

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
(χ_jk > 0) can make a blend better than either (cosolvency); close ones mix linearly. Scott's
χ_eff refers χ_12 to one solvent's molar volume (factors V_ref/V_1); the latent rule has no such
factor, as the model has already absorbed the molar volume of each solvent into its latent point.
This is an approximation: it ignores preferential sorption, which the full ternary treatment
would give, and the solvent–solvent term is the model's, never fitted to solvent-pair data.

The uncertainty is the calibrated spread of the members' χ_b (``ChiModel.spread_scale``).
The blend's molar volume is its mean volume per molecule, V_b = Σx_j V_j = 1 / Σ(φ_j / V_j)
(ideal mixing), so the Flory–Huggins lattice site is one average solvent molecule and
N = (M_n/ρ)/V_b. Boiling range is (min, max) of the components' boiling points; the safety
class is the worst CHEM21 class of the components (unknown if one is unknown, unless another is
already the worst class).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chiapp import domain
from chiapp.descriptors import SOLVENT_DESCRIPTOR_NAMES, polymer_descriptors, solvent_descriptors
from chiapp.errors import BlendError, ChiAppError, InputError
from chiapp.flory_huggins import DEFAULT_POLYMER_DENSITY_G_PER_CM3, critical_chi
from chiapp.frozen import FrozenResult
from chiapp.library import (
    CHEM21_CLASSES,
    Molecule,
    polymer_defaults,
    resolve_polymer,
    resolve_solvent,
    solvent_molar_volume,
    solvent_row,
)
from chiapp.model import ChiModel, Coefficients, hansen_terms
from chiapp.units import ZERO_CELSIUS_K, check_temperatures_k

__all__ = [
    "BLEND_COLUMNS",
    "FRACTION_TOLERANCE",
    "MAX_COMPONENTS",
    "Blend",
    "BlendComponent",
    "BlendPrediction",
    "blend_chain_length",
    "blend_coefficients",
    "find_blends",
    "looks_like_blend",
    "parse_blend",
    "predict_blend_chi",
    "predict_blend_rows",
]

#: How far Σφ may miss 1 (rounding of typed fractions); within it the fractions are rescaled.
FRACTION_TOLERANCE = 0.01
MAX_COMPONENTS = 3
#: Compositions (volume fraction of the first solvent) scanned by the finder: 0, 0.05, ..., 1.
_N_GRID = 21
_SHORTLIST = 120

BLEND_COLUMNS = (
    "solvent_1", "solvent_2", "fraction_1", "fraction_1_low", "fraction_1_high", "chi", "chi_std",
    "chi_critical", "margin", "margin_std", "chi_1", "chi_2", "chi_critical_1", "chi_critical_2",
    "in_domain", "chem21_class", "boiling_low_c", "boiling_high_c", "blend", "smiles_1", "smiles_2",
)


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
# The mixing rule

_S_HANSEN = [SOLVENT_DESCRIPTOR_NAMES.index(n) for n in ("hansen_delta_d", "hansen_delta_p", "hansen_delta_h")]
_S_KNOWN = SOLVENT_DESCRIPTOR_NAMES.index("hansen_known")
_S_LOG_VOLUME = SOLVENT_DESCRIPTOR_NAMES.index("log_molar_volume")


def _hansen_blend_row(solvent_x: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """A solvent descriptor row carrying the blend's Hansen inputs: δ mixed linearly in φ
    (Hansen's rule), V = 1/Σ(φ/V), known only when every component's δ is."""
    row = solvent_x[0].copy()
    row[_S_HANSEN] = fractions @ solvent_x[:, _S_HANSEN]
    row[_S_KNOWN] = float(np.all(solvent_x[:, _S_KNOWN] > 0))
    row[_S_LOG_VOLUME] = -np.log(fractions @ np.exp(-solvent_x[:, _S_LOG_VOLUME]))
    return row


def blend_coefficients(model: ChiModel, polymer_x: np.ndarray, solvent_x: np.ndarray,
                       fractions, task: str = "experimental") -> Coefficients:
    """Per-member coefficients (n_members, 1) of one polymer in a blend.

    ``polymer_x`` (d_p,), ``solvent_x`` (k, d_s) the components' descriptors, ``fractions`` (k,)
    their volume fractions. u and r² are mixed linearly in φ (module docstring); a one-solvent
    "blend" is that solvent exactly.
    """
    fractions = np.asarray(fractions, dtype=float)
    solvent_x = np.atleast_2d(solvent_x)
    u_p, r_p = model._tower("polymer", np.atleast_2d(polymer_x))
    u_s, r_s = model._tower("solvent", solvent_x)
    u_b = np.einsum("k,mkl->ml", fractions, u_s)[:, None, :]
    r2_b = np.einsum("k,mkl->ml", fractions, r_s**2)[:, None, :]
    z = (u_p - u_b) ** 2 - r_p**2 - r2_b
    if model.hansen_z:
        blend_x = _hansen_blend_row(solvent_x, fractions)
        terms = hansen_terms(np.atleast_2d(polymer_x), blend_x[None]) / model._w["hansen.scale"]
        z = np.concatenate([z, np.broadcast_to(terms, (z.shape[0], *terms.shape))], axis=-1)
    return model.coefficients_from_latent(z, task)


# ---------------------------------------------------------------------------------------------
# One blend

@dataclass(frozen=True, eq=False)
class BlendComponent(FrozenResult):
    """One solvent of a blend: its volume fraction and its own χ with the polymer at each T."""

    name: str
    smiles: str
    fraction: float
    chi: np.ndarray
    chi_std: np.ndarray


@dataclass(frozen=True, eq=False)
class BlendPrediction(FrozenResult):
    """χ(T) = a + b_k/T of a polymer in a solvent blend, with the fields of ChiPrediction that a
    blend has. ``solvent`` is the blend's text form; ``components`` give each solvent's own χ
    (the raw ensemble's, for comparison). ``chi``/``chi_std`` are the posterior of
    ``chiapp.posterior`` with the blend's Hansen prior (δ mixed by volume fraction, Hansen's rule);
    ``dissolve_probability`` and ``verdicts`` are the package's one verdict against χc of the chain
    length in the blend's molar volume (a semicrystalline polymer's melting limit is not applied to
    blends)."""

    polymer: str
    polymer_name: str | None
    blend: Blend
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
    ensemble_chi: np.ndarray
    ensemble_chi_std: np.ndarray
    classifier_probability: float
    in_domain: bool
    components: tuple[BlendComponent, ...]
    domain_notes: tuple[str, ...] = field(default=())
    prior: str = "Hansen"  # 'Hansen' (of the volume-mixed δ) or 'constant' (chiapp.prediction.prior_name)

    @property
    def solvent(self) -> str:
        return self.blend.text

    @property
    def verdict(self) -> str:
        return self.verdicts[0]

    @property
    def solvent_name(self) -> str:
        return self.blend.text

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame({"temperature_k": self.temperatures_k,
                              "temperature_c": self.temperatures_k - ZERO_CELSIUS_K,
                              "chi": self.chi, "chi_std": self.chi_std})
        for c in self.components:
            frame[f"chi {c.name}"] = c.chi
        return frame


def predict_blend_chi(polymer: str, blend, temperature_k, *, model: ChiModel | None = None) -> BlendPrediction:
    """χ of ``polymer`` in a solvent ``blend`` (mapping or text, see :func:`parse_blend`) at
    ``temperature_k`` [K] (one or several).

    >>> p = predict_blend_chi("polystyrene", {"toluene": 0.5, "ethylbenzene": 0.5}, 298.15)
    >>> p.chi.shape
    (1,)
    """
    from chiapp.flory_huggins import chain_length_from_molecular_weight, critical_chi
    from chiapp.library import polymer_defaults
    from chiapp.model import hansen_terms
    from chiapp.posterior import posterior_curve
    from chiapp.prediction import _stats, load_model, posterior_parameters, prior_name

    temperatures_k = check_temperatures_k(temperature_k)
    parsed = parse_blend(blend)
    polymer_mol = resolve_polymer(polymer)
    model = model or load_model()
    polymer_x = polymer_descriptors(polymer_mol.smiles)
    solvent_x = np.stack([solvent_descriptors(m.smiles) for m in parsed.components])
    c = blend_coefficients(model, polymer_x, solvent_x, parsed.fractions)
    chi, chi_std, probability = _stats(model, c.a[:, 0], c.b_k[:, 0], c.soluble_logit[:, 0], temperatures_k)
    # the blend's prior: Hansen's linear mixing of δ (and of the log volumes) by volume fraction
    mixed_x = np.asarray(parsed.fractions) @ solvent_x
    terms = hansen_terms(polymer_x, mixed_x) if np.all(hansen_terms(polymer_x[None], solvent_x).sum(-1) > 0) \
        else np.zeros(3)
    molecular_weight, density = polymer_defaults(polymer_mol)
    n = chain_length_from_molecular_weight(molecular_weight, density, parsed.molar_volume_cm3_per_mol)
    params = posterior_parameters(model)
    curve = posterior_curve(temperatures_k, c.a[:, 0], c.b_k[:, 0], model.spread_scale, terms,
                            bool(terms.sum() > 0), critical_chi(n), params)
    pure = model.coefficients(np.repeat(polymer_x[None], len(solvent_x), axis=0), solvent_x)
    components = []
    for j, (molecule, fraction) in enumerate(zip(parsed.components, parsed.fractions)):
        chi_j, std_j, _ = _stats(model, pure.a[:, j], pure.b_k[:, j], pure.soluble_logit[:, j], temperatures_k)
        components.append(BlendComponent(molecule.name or molecule.smiles, molecule.smiles, fraction,
                                         _frozen(chi_j), _frozen(std_j)))
    notes: list[str] = []
    for molecule in parsed.components:
        check = domain.assess(model, polymer_mol.smiles, molecule.smiles, temperatures_k, chi_std)
        notes += [n for n in check.notes if n not in notes]
    return BlendPrediction(
        polymer=polymer_mol.smiles, polymer_name=polymer_mol.name, blend=parsed,
        temperatures_k=_frozen(temperatures_k), chi=_frozen(curve.chi), chi_std=_frozen(curve.chi_std),
        a=curve.a, b_k=curve.b_k, c_k2=0.0, dissolve_probability=_frozen(curve.dissolve_probability),
        verdicts=curve.verdicts, chain_length=n, chi_critical=critical_chi(n), ensemble_chi=_frozen(chi),
        ensemble_chi_std=_frozen(chi_std), classifier_probability=float(probability), in_domain=not notes,
        components=tuple(components), domain_notes=tuple(notes), prior=prior_name(params, bool(terms.sum() > 0), None))


def _frozen(array) -> np.ndarray:
    out = np.array(array, dtype=float)
    out.setflags(write=False)
    return out


# ---------------------------------------------------------------------------------------------
# The blend finder

_SOLVENT_LATENTS: dict = {}


def _solvent_latents(model: ChiModel, solvent_x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(u, r) of the solvents, (M, S, L) each; the last library's are kept (the finder reuses them)."""
    key = (id(model), solvent_x.shape, hash(solvent_x.tobytes()))
    if key not in _SOLVENT_LATENTS:
        _SOLVENT_LATENTS.clear()
        _SOLVENT_LATENTS[key] = model._tower("solvent", solvent_x)
    return _SOLVENT_LATENTS[key]


def _latents(model: ChiModel, polymer_x: np.ndarray, solvent_x: np.ndarray, subset=None):
    """Pure-solvent coefficients (M, S) and solvent–solvent terms χ_jk (M, S', S') for a and b_k,
    the latter among the solvents ``subset`` (indices; default all).

    By (*), with W the head: a_b(φ) = φ a_j + (1−φ) a_k − φ(1−φ) W_a·(u_j − u_k)², and so for b_k.
    W·(u_j − u_k)² = q_j + q_k − 2 (u_j∘W)·u_k with q_j = W·u_j², one matrix product per member.
    """
    if model.hansen_z:  # the fixed Hansen z terms do not mix by (*): use the direct rule instead
        raise NotImplementedError("the blend finder's closed form assumes a model without Hansen z terms")
    u_p, r_p = model._tower("polymer", np.atleast_2d(polymer_x))
    u_s, r_s = _solvent_latents(model, solvent_x)
    pure = model.coefficients_from_latent((u_p - u_s) ** 2 - r_p**2 - r_s**2)
    w = model._w["head.experimental.w"]  # (M, L, 2)
    if subset is not None:
        u_s = u_s[:, np.asarray(subset, dtype=int)]
    cross = []
    for t in range(2):
        weighted = u_s * w[:, None, :, t]  # (M, S, L)
        q = np.sum(weighted * u_s, axis=-1)  # (M, S)
        cross.append(q[:, :, None] + q[:, None, :] - 2.0 * np.matmul(weighted, u_s.transpose(0, 2, 1)))
    from chiapp.model import T_REF_K
    return pure.a, pure.b_k, cross[0], cross[1] * T_REF_K


def _windows(mask: np.ndarray, best: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last index of the run of True in each row of ``mask`` (K, G) that holds ``best``."""
    idx = np.arange(mask.shape[1])
    left = np.where(~mask & (idx < best[:, None]), idx, -1).max(axis=1) + 1
    right = np.where(~mask & (idx > best[:, None]), idx, mask.shape[1]).min(axis=1) - 1
    return left, right


def find_blends(polymer: str, temperature_k: float, *, only_recommended: bool = False,
                only_nonsolvents: bool = False, top: int = 20, molecular_weight_g_per_mol: float | None = None,
                model: ChiModel | None = None) -> pd.DataFrame:
    """Best two-solvent blends of the library for ``polymer`` at ``temperature_k`` [K].

    For every pair of library solvents (j, k) and φ_j = 0, 0.05, ..., 1 the blend's χ and σ follow
    from (*) member by member; its critical χ from N = (M_n/ρ)/V_b (chiapp.flory_huggins). The
    blend dissolves where χ < χ_c; its margin is the largest χ_c − χ over the blends proper
    (0 < φ_1 < 1), at ``fraction_1``, with the dissolving window ``fraction_1_low``–
    ``fraction_1_high`` around it (volume fraction of ``solvent_1``; 0 or 1 there means a pure
    solvent of the pair dissolves too). ``margin_std`` is the calibrated member spread of the
    margin. Rows (BLEND_COLUMNS) are the ``top`` pairs (0: all) ranked by margin − margin_std,
    the margin the model claims at one σ, so that a large margin the members disagree on does
    not outrank a sure one; pairs with no dissolving blend are left out. ``only_recommended``
    keeps CHEM21 'recommended' solvents; ``only_nonsolvents`` keeps solvents that alone do not
    dissolve the polymer (χ ≥ χ_c), so every row is a cosolvent pair. Only the ``_SHORTLIST``
    (120) solvents with the smallest χ − χ_c alone enter the pairs, which keeps the search under a
    second; a pair of two solvents both outside it is not found (pass them to
    :func:`predict_blend_chi` to check it).
    """
    from chiapp.prediction import load_model
    from chiapp.ranking import _solvent_frame

    t = float(check_temperatures_k(temperature_k)[0])
    if np.ndim(temperature_k) and np.size(temperature_k) != 1:
        raise InputError("find_blends takes one temperature")
    if not isinstance(top, (int, np.integer)) or top < 0:
        raise InputError(f"top must be a whole number ≥ 0, got {top!r}")
    molecule = resolve_polymer(polymer)
    molecular_weight, density = polymer_defaults(molecule, molecular_weight_g_per_mol)
    model = model or load_model()
    failures: list = []
    frame = _solvent_frame(None, failures)
    if only_recommended:
        frame = frame[frame["chem21_class"] == "recommended"].reset_index(drop=True)
    xs, keep = [], []
    for i, smiles in enumerate(frame["smiles"]):
        try:
            xs.append(solvent_descriptors(smiles))
            keep.append(i)
        except ChiAppError:
            continue
    frame = frame.iloc[keep].reset_index(drop=True)
    if len(frame) < 2:
        return pd.DataFrame(columns=list(BLEND_COLUMNS))
    solvent_x = np.stack(xs)
    polymer_x = polymer_descriptors(molecule.smiles)
    volumes = frame["molar_volume_cm3_per_mol"].to_numpy(float)
    polymer_volume = molecular_weight / (density or DEFAULT_POLYMER_DENSITY_G_PER_CM3)  # M_n/ρ [cm³/mol]
    a, b_k, _, _ = _latents(model, polymer_x, solvent_x, subset=[])
    members = a + b_k / t  # (M, S) pure χ
    scale = model.spread_scale
    pure_chi = members.mean(0)
    pure_chi_c = np.array([critical_chi(max(polymer_volume / v, 1.0)) for v in volumes])
    if only_nonsolvents:
        chosen = np.flatnonzero(pure_chi >= pure_chi_c)
    else:
        chosen = np.arange(len(frame))
    if len(chosen) > _SHORTLIST:  # the most different pairs and the best solvents both matter
        chosen = chosen[np.argsort(pure_chi[chosen] - pure_chi_c[chosen], kind="stable")[:_SHORTLIST]]
    phis = np.linspace(0.0, 1.0, _N_GRID)
    rows = []
    sel = chosen
    m_sel = members[:, sel]  # (M, S')
    _, _, cross_a, cross_b = _latents(model, polymer_x, solvent_x, subset=sel)
    c_sel = cross_a + cross_b / t  # (M, S', S')
    inv_v = 1.0 / volumes[sel]
    for p, j in enumerate(sel):
        others = np.arange(p + 1, len(sel))
        if not len(others):
            continue
        # χ members (M, K, G): φ χ_j + (1−φ) χ_k − φ(1−φ) χ_jk
        chi_m = (phis * m_sel[:, p, None, None] + (1 - phis) * m_sel[:, others, None]
                 - phis * (1 - phis) * c_sel[:, p, others, None])
        mean = chi_m.mean(0)
        std = scale * chi_m.std(0)
        v_b = 1.0 / (phis * inv_v[p] + (1 - phis) * inv_v[others, None])  # (K, G)
        n = np.maximum(polymer_volume / v_b, 1.0)
        chi_c = 0.5 * (1.0 + 1.0 / np.sqrt(n)) ** 2  # flory_huggins.critical_chi, vectorized
        gap = chi_c - mean
        best = 1 + np.argmax(gap[:, 1:-1], axis=1)  # a blend proper: both solvents present
        low, high = _windows(gap > 0, best)
        rows_q = np.arange(len(others))
        for q in np.flatnonzero(gap[rows_q, best] > 0):
            g = best[q]
            rows.append((j, sel[others[q]], phis[g], phis[low[q]], phis[high[q]], mean[q, g], std[q, g],
                         chi_c[q, g], gap[q, g], std[q, g]))
    out = pd.DataFrame(rows, columns=["j", "k", "fraction_1", "fraction_1_low", "fraction_1_high", "chi", "chi_std",
                                      "chi_critical", "margin", "margin_std"])
    if out.empty:
        return pd.DataFrame(columns=list(BLEND_COLUMNS))
    out = out.assign(rank_key=out["margin"] - out["margin_std"])
    out = out.sort_values(["rank_key", "margin"], ascending=[False, False], kind="mergesort")
    if top:
        out = out.head(top)
    j, k = out["j"].to_numpy(), out["k"].to_numpy()
    bp = frame["boiling_point_c"].to_numpy(float)
    classes = frame["chem21_class"].to_numpy()
    names = frame["name"].to_numpy()
    in_domain = domain.in_domain_many(model, out["chi_std"].to_numpy(), np.full(len(out), t))
    out = out.assign(
        solvent_1=names[j], solvent_2=names[k], smiles_1=frame["smiles"].to_numpy()[j],
        smiles_2=frame["smiles"].to_numpy()[k], chi_1=pure_chi[j], chi_2=pure_chi[k],
        chi_critical_1=pure_chi_c[j], chi_critical_2=pure_chi_c[k], in_domain=in_domain,
        chem21_class=[worst_class((classes[a_], classes[b_])) for a_, b_ in zip(j, k)],
        boiling_low_c=np.minimum(bp[j], bp[k]), boiling_high_c=np.maximum(bp[j], bp[k]),
        blend=[f"{names[a_]}:{f:.2f}+{names[b_]}:{1 - f:.2f}" for a_, b_, f in zip(j, k, out["fraction_1"])])
    return out[list(BLEND_COLUMNS)].reset_index(drop=True)


def blend_chain_length(polymer: str, blend, molecular_weight_g_per_mol: float | None = None) -> float:
    """Chain length N [-] of ``polymer`` in a solvent ``blend``: N = (M_n/ρ)/V_b, with V_b the
    blend's mean molar volume (:attr:`Blend.molar_volume_cm3_per_mol`, the lattice site of the
    mixing rule above) and M_n, ρ from ``chiapp.library.polymer_defaults`` (as ``find_blends``)."""
    from chiapp.flory_huggins import chain_length_from_molecular_weight

    parsed = blend if isinstance(blend, Blend) else parse_blend(blend)
    molecular_weight, density = polymer_defaults(resolve_polymer(polymer), molecular_weight_g_per_mol)
    return chain_length_from_molecular_weight(molecular_weight, density or DEFAULT_POLYMER_DENSITY_G_PER_CM3,
                                              parsed.molar_volume_cm3_per_mol)


def predict_blend_rows(frame: pd.DataFrame, model: ChiModel | None = None) -> pd.DataFrame:
    """The rows of a batch (columns ``polymer``, ``solvent``, ``temperature_k``, optional ``error``)
    whose solvent is a blend, predicted with :func:`predict_blend_chi`: the columns of
    ``chiapp.prediction.predict_batch``, one call per (polymer, blend): the posterior with the
    blend's Hansen prior, its P(dissolves) and verdict. A row that cannot be predicted keeps its
    reason in ``error``.
    """
    from chiapp.prediction import load_model

    out = frame.copy()
    columns = ("chi", "chi_std", "dissolve_probability", "ensemble_chi", "ensemble_chi_std", "classifier_probability")
    for name in columns:
        out[name] = np.nan
    out["verdict"], out["in_domain"] = "", None
    errors = (out["error"].fillna("").astype(str) if "error" in out.columns else pd.Series("", index=out.index)).copy()
    temperatures = pd.to_numeric(out["temperature_k"], errors="coerce")
    model = model or load_model()
    keys = (out["polymer"].fillna("").astype(str).str.strip() + "\x00"
            + out["solvent"].fillna("").astype(str).str.strip())
    for _, rows in out.groupby(keys, sort=False).groups.items():
        rows = [r for r in rows if not errors[r]]
        if not rows:
            continue
        polymer, blend = str(out.at[rows[0], "polymer"]).strip(), str(out.at[rows[0], "solvent"]).strip()
        try:
            result = predict_blend_chi(polymer, blend, temperatures[rows].to_numpy(float), model=model)
        except ChiAppError as err:
            errors[rows] = str(err)
            continue
        out.loc[rows, "chi"], out.loc[rows, "ensemble_chi"] = result.chi, result.ensemble_chi
        out.loc[rows, "chi_std"], out.loc[rows, "ensemble_chi_std"] = result.chi_std, result.ensemble_chi_std
        out.loc[rows, "dissolve_probability"] = result.dissolve_probability
        out.loc[rows, "verdict"] = list(result.verdicts)
        out.loc[rows, "in_domain"] = result.in_domain
        out.loc[rows, "classifier_probability"] = result.classifier_probability
    out["error"] = errors
    return out
