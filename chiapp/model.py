"""The multitask χ network and its shipped ensemble: load, verify, predict. No training code here.

One member (after Aoki et al., Macromolecules 2023, doi 10.1021/acs.macromol.2c02600):

    (u_p, r_p) = tower_p(x_p),   (u_s, r_s) = tower_s(x_s)          latent vectors of size k
    z_i = (u_p,i - u_s,i)^2 - r_p,i^2 - r_s,i^2                         a learned Hansen-like distance
    z += V_s (δ_p - δ_s)^2 / (R T_ref) / scale, for δD, δP, δH           the textbook one, when
                                                                          the manifest asks for it
    (a, b) = W_task z + w_task   for each χ task,  χ(T) = a + b·T_ref/T  [-], T in K
    logit(soluble) = w_sol·z + w0

The towers standardize their inputs with the training scaler, which travels inside the weights.
Inference runs the whole ensemble at once in numpy (stacked weights): a single pair costs
microseconds, with no torch import in the app. ``training/`` builds the same network in torch and
a test checks that both give the same numbers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from chiapp.descriptors import POLYMER_DESCRIPTOR_NAMES, SOLVENT_DESCRIPTOR_NAMES
from chiapp.errors import ModelArtifactError
from chiapp.frozen import FrozenResult
from chiapp.hansen import GAS_CONSTANT_J_PER_MOL_K
from chiapp.resources import asset_path
from chiapp.units import REFERENCE_TEMPERATURE_K

__all__ = ["MODEL_DIR", "N_HANSEN_TERMS", "TASKS", "T_REF_K", "ChiModel", "Coefficients", "LatentFactors",
           "hansen_inputs", "hansen_terms", "hansen_terms_of", "load_model", "sha256_file"]

#: Reference temperature of the b coefficient: χ = a + b·T_REF_K/T, so b_k = b·T_REF_K.
T_REF_K = REFERENCE_TEMPERATURE_K
#: Heads in the weights file; "experimental" is what the app reports.
TASKS = ("experimental", "cosmo", "hansen")
MODEL_DIR = asset_path("model")
WEIGHTS_FILE = "weights.safetensors"
MANIFEST_FILE = "manifest.json"
TOWERS = ("polymer", "solvent")


_HANSEN = ("hansen_delta_d", "hansen_delta_p", "hansen_delta_h")
_P_HANSEN = [POLYMER_DESCRIPTOR_NAMES.index(n) for n in _HANSEN]
_S_HANSEN = [SOLVENT_DESCRIPTOR_NAMES.index(n) for n in _HANSEN]
_P_KNOWN, _S_KNOWN = POLYMER_DESCRIPTOR_NAMES.index("hansen_known"), SOLVENT_DESCRIPTOR_NAMES.index("hansen_known")
_S_LOG_VOLUME = SOLVENT_DESCRIPTOR_NAMES.index("log_molar_volume")
N_HANSEN_TERMS = len(_HANSEN)


def hansen_terms(polymer_x: np.ndarray, solvent_x: np.ndarray) -> np.ndarray:
    """V_s·(δ_polymer − δ_solvent)²/(R·T_ref) for δD, δP, δH [-], shape (..., 3); broadcasts.

    Lindvig's Hansen χ (chiapp.hansen.hansen_chi) is 0.6·(1, ¼, ¼)·these·T_ref/T. They are
    given to the heads as three more, fixed, z components, so the network has the textbook
    distance at hand and learns only what it misses (zero where δ is unknown).
    """
    return hansen_terms_of(hansen_inputs("polymer", polymer_x), hansen_inputs("solvent", solvent_x))


def hansen_inputs(role: str, x: np.ndarray) -> np.ndarray:
    """What :func:`hansen_terms` reads of descriptors (..., d): δD, δP, δH [MPa^0.5] and a weight (..., 4),
    1 or 0 (δ known) for a polymer, that times V_s/(R·T_ref) for a solvent."""
    if role == "polymer":
        return np.concatenate([x[..., _P_HANSEN], x[..., _P_KNOWN, None]], axis=-1)
    weight = x[..., _S_KNOWN] * np.exp(x[..., _S_LOG_VOLUME]) / (GAS_CONSTANT_J_PER_MOL_K * T_REF_K)
    return np.concatenate([x[..., _S_HANSEN], weight[..., None]], axis=-1)


def hansen_terms_of(polymer_inputs: np.ndarray, solvent_inputs: np.ndarray) -> np.ndarray:
    """:func:`hansen_terms` from :func:`hansen_inputs` of each side (broadcasting)."""
    scale = polymer_inputs[..., 3] * solvent_inputs[..., 3]
    return (polymer_inputs[..., :3] - solvent_inputs[..., :3]) ** 2 * scale[..., None]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class Coefficients(FrozenResult):
    """Per-member χ coefficients of pairs: arrays of shape (n_members, n_pairs).

    χ(T) = a + b_k/T [-], T in K. ``soluble_logit`` is the classifier head.
    """

    a: np.ndarray
    b_k: np.ndarray
    soluble_logit: np.ndarray


def _is_count(value, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _is_finite_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def _check_manifest(manifest, path: Path) -> None:
    """The manifest's structure, before anything reads it: types, presence, finite positive scales."""
    def bad(reason: str) -> ModelArtifactError:
        return ModelArtifactError(f"model manifest {path.name} is malformed: {reason}")

    if not isinstance(manifest, dict):
        raise bad(f"expected a JSON object, got {type(manifest).__name__}")
    for key in ("architecture", "descriptors", "files", "domain"):
        if not isinstance(manifest.get(key), dict):
            raise bad(f"{key!r} missing or not an object")
    arch = manifest["architecture"]
    for key, minimum in (("n_members", 2), ("hidden", 1), ("latent", 1), ("n_layers", 0)):
        if not _is_count(arch.get(key), minimum):
            raise bad(f"architecture.{key} must be an integer >= {minimum}, got {arch.get(key)!r}")
    if not isinstance(arch.get("hansen_z", False), bool):
        raise bad(f"architecture.hansen_z must be true or false, got {arch.get('hansen_z')!r}")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in manifest["files"].items()):
        raise bad("files must map file names to sha256 strings")
    calibration = manifest.get("calibration", {})
    if not isinstance(calibration, dict):
        raise bad("'calibration' is not an object")
    scale = calibration.get("spread_scale", 1.0)
    if not (_is_finite_number(scale) and scale > 0):
        raise bad(f"calibration.spread_scale must be a finite number > 0, got {scale!r}")
    domain = manifest["domain"]
    for key in ("polymers", "solvents"):
        if not (isinstance(domain.get(key), list) and domain[key]
                and all(isinstance(s, str) for s in domain[key])):
            raise bad(f"domain.{key} must be a non-empty list of SMILES")
    threshold = domain.get("spread_threshold")
    if not (_is_finite_number(threshold) and threshold > 0):
        raise bad(f"domain.spread_threshold must be a finite number > 0, got {threshold!r}")
    span = domain.get("temperature_k")
    if not (isinstance(span, list) and len(span) == 2 and all(_is_finite_number(t) and t > 0 for t in span)
            and span[0] <= span[1]):
        raise bad(f"domain.temperature_k must be [low, high] in kelvin, got {span!r}")


def _check_tensors(weights: dict, arch: dict, n_members: int, hansen_z: bool) -> None:
    """Every tensor the forward pass reads: present, chained shapes, finite; scales > 0."""
    n_layers = arch["n_layers"]
    needed = [f"{tower}.{kind}{i}" for tower in TOWERS for i in range(n_layers + 1) for kind in ("w", "b")]
    needed += [f"{tower}.{kind}" for tower in TOWERS for kind in ("mean", "std")]
    needed += [f"head.{task}.{kind}" for task in ("experimental", "soluble") for kind in ("w", "b")]
    needed += ["hansen.scale"] if hansen_z else []
    for key in needed:
        if key not in weights:
            raise ModelArtifactError(f"weights lack tensor {key!r}")
    for tower in TOWERS:
        width = weights[f"{tower}.mean"].shape[0]
        if weights[f"{tower}.std"].shape != (width,):
            raise ModelArtifactError(f"tensor '{tower}.std' has shape {weights[f'{tower}.std'].shape}, "
                                     f"expected ({width},)")
        for i in range(n_layers + 1):
            w, b = weights[f"{tower}.w{i}"], weights[f"{tower}.b{i}"]
            if w.ndim != 3 or w.shape[:2] != (n_members, width) or b.shape != (n_members, w.shape[2]):
                raise ModelArtifactError(
                    f"tensors '{tower}.w{i}' {w.shape} and '{tower}.b{i}' {b.shape} do not chain "
                    f"(expected ({n_members}, {width}, k) and ({n_members}, k))")
            width = w.shape[2]
        if width != 2 * arch["latent"]:
            raise ModelArtifactError(f"tower {tower!r} ends with {width} outputs, expected 2 × latent = "
                                     f"{2 * arch['latent']}")
    for key in needed:
        if not np.all(np.isfinite(weights[key])):
            raise ModelArtifactError(f"tensor {key!r} holds NaN or infinite values")
    for key in [f"{tower}.std" for tower in TOWERS] + (["hansen.scale"] if hansen_z else []):
        if not np.all(weights[key] > 0):
            raise ModelArtifactError(f"tensor {key!r} must be > 0 everywhere (it divides), "
                                     f"got minimum {float(np.min(weights[key])):g}")


def _silu(x: np.ndarray) -> np.ndarray:
    return x / (1.0 + np.exp(-x))


class ChiModel:
    """The shipped ensemble. Build with :meth:`load`; every member is used, none can be dropped."""

    def __init__(self, weights: dict[str, np.ndarray], manifest: dict):
        self.manifest = manifest
        self.n_members = int(manifest["architecture"]["n_members"])
        self._w = weights
        self.spread_scale = float(manifest.get("calibration", {}).get("spread_scale", 1.0))
        self._domain = None  # training fingerprints, built by chiapp.domain on first use
        self.hansen_z = bool(manifest["architecture"].get("hansen_z", False))

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> ChiModel:
        """Load and verify weights and manifest; any mismatch raises ModelArtifactError."""
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        directory = Path(directory)
        manifest_path = directory / MANIFEST_FILE
        try:
            manifest = json.loads(manifest_path.read_text())
        except FileNotFoundError:
            raise ModelArtifactError(f"model manifest missing: {manifest_path}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ModelArtifactError(f"model manifest {manifest_path} is not valid JSON: {err}") from None
        _check_manifest(manifest, manifest_path)
        for tower, names in (("polymer", POLYMER_DESCRIPTOR_NAMES), ("solvent", SOLVENT_DESCRIPTOR_NAMES)):
            if tuple(manifest.get("descriptors", {}).get(tower, ())) != names:
                raise ModelArtifactError(
                    f"the weights were trained on other {tower} descriptors than this code computes; "
                    "retrain with `python -m training.train` or reinstall matching weights")
        for name, expected in manifest.get("files", {}).items():
            path = directory / name
            if not path.is_file():
                raise ModelArtifactError(f"model file missing: {path}")
            actual = sha256_file(path)
            if actual != expected:
                raise ModelArtifactError(
                    f"model file {path.name} is corrupt or was changed: sha256 {actual[:12]}…, "
                    f"expected {expected[:12]}…")
        if WEIGHTS_FILE not in manifest.get("files", {}):
            raise ModelArtifactError(f"manifest does not list {WEIGHTS_FILE}")
        try:
            weights = load_file(str(directory / WEIGHTS_FILE))
        except (SafetensorError, OSError, ValueError) as err:
            raise ModelArtifactError(f"cannot read {WEIGHTS_FILE}: {err}") from None
        model = cls(weights, manifest)
        model._check_shapes()
        return model

    def _check_shapes(self) -> None:
        arch = self.manifest["architecture"]
        expected = {
            "polymer.mean": (len(POLYMER_DESCRIPTOR_NAMES),),
            "solvent.mean": (len(SOLVENT_DESCRIPTOR_NAMES),),
            "polymer.w0": (self.n_members, len(POLYMER_DESCRIPTOR_NAMES), arch["hidden"]),
            "solvent.w0": (self.n_members, len(SOLVENT_DESCRIPTOR_NAMES), arch["hidden"]),
            "head.experimental.w": (self.n_members, arch["latent"] + N_HANSEN_TERMS * self.hansen_z, 2),
            "head.soluble.w": (self.n_members, arch["latent"] + N_HANSEN_TERMS * self.hansen_z, 1),
        }
        if self.hansen_z:
            expected["hansen.scale"] = (N_HANSEN_TERMS,)
        for key, shape in expected.items():
            if key not in self._w:
                raise ModelArtifactError(f"weights lack tensor {key!r}")
            if tuple(self._w[key].shape) != shape:
                raise ModelArtifactError(
                    f"tensor {key!r} has shape {tuple(self._w[key].shape)}, expected {shape}")
        _check_tensors(self._w, arch, self.n_members, self.hansen_z)

    def _tower(self, name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(u, r) of shape (n_members, n, latent) for descriptors x of shape (n, d)."""
        w = self._w
        h = (x - w[f"{name}.mean"]) / w[f"{name}.std"]
        h = np.broadcast_to(h, (self.n_members, *h.shape))
        n_layers = self.manifest["architecture"]["n_layers"]
        for i in range(n_layers):
            h = _silu(h @ w[f"{name}.w{i}"] + w[f"{name}.b{i}"][:, None, :])
        out = h @ w[f"{name}.w{n_layers}"] + w[f"{name}.b{n_layers}"][:, None, :]
        latent = out.shape[-1] // 2
        return out[..., :latent], out[..., latent:]

    def latent_distance(self, polymer_x: np.ndarray, solvent_x: np.ndarray) -> np.ndarray:
        """z of shape (n_members, n_pairs, latent [+ 3]) for paired rows of descriptors."""
        polymer_x, solvent_x = np.atleast_2d(polymer_x), np.atleast_2d(solvent_x)
        u_p, r_p = self._tower("polymer", polymer_x)
        u_s, r_s = self._tower("solvent", solvent_x)
        return self.with_hansen((u_p - u_s) ** 2 - r_p**2 - r_s**2, polymer_x, solvent_x)

    def with_hansen(self, z: np.ndarray, polymer_x: np.ndarray, solvent_x: np.ndarray) -> np.ndarray:
        if not self.hansen_z:
            return z
        terms = hansen_terms(polymer_x, solvent_x) / self._w["hansen.scale"]
        return np.concatenate([z, np.broadcast_to(terms, (z.shape[0], *terms.shape))], axis=-1)

    def coefficients(self, polymer_x: np.ndarray, solvent_x: np.ndarray, task: str = "experimental") -> Coefficients:
        """χ coefficients for paired rows: polymer_x (n, d_p), solvent_x (n, d_s)."""
        z = self.latent_distance(polymer_x, solvent_x)
        return self.coefficients_from_latent(z, task)

    def coefficients_from_latent(self, z: np.ndarray, task: str = "experimental") -> Coefficients:
        w = self._w
        ab = z @ w[f"head.{task}.w"] + w[f"head.{task}.b"][:, None, :]
        logit = (z @ w["head.soluble.w"] + w["head.soluble.b"][:, None, :])[..., 0]
        return Coefficients(a=ab[..., 0], b_k=ab[..., 1] * T_REF_K, soluble_logit=logit)

    def latent(self, role: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latent vectors (u, r) of a block of polymers (``role="polymer"``) or solvents, each of
        shape (n_members, n, latent), for descriptors x of shape (n, d). One tower pass per molecule."""
        if role not in TOWERS:
            raise ValueError(f"role must be one of {TOWERS}, got {role!r}")
        return self._tower(role, np.atleast_2d(np.asarray(x, dtype=float)))

    def heads(self, task: str = "experimental") -> tuple[np.ndarray, np.ndarray]:
        """Stacked linear heads: W (n_members, latent [+ 3], 3) and bias (n_members, 3); the three
        columns are a, b (of T_ref/T, not yet times T_REF_K) and the soluble logit."""
        w = np.concatenate([self._w[f"head.{task}.w"], self._w["head.soluble.w"]], axis=-1)
        b = np.concatenate([self._w[f"head.{task}.b"], self._w["head.soluble.b"]], axis=-1)
        return w, b

    def factors(self, role: str, x: np.ndarray, task: str = "experimental") -> "LatentFactors":
        """Per-molecule factors of the coefficient grid for a block of polymers or solvents.

        The heads are linear in z, and z_k = u_p,k² + u_s,k² − 2 u_p,k u_s,k − r_p,k² − r_s,k², so
        for head h with weights w and bias c

            y_h(p, s) = t_h(p) + t_h(s) − 2 Σ_k u_p,k w_k,h u_s,k + c_h,   t_h = Σ_k w_k,h (u_k² − r_k²)

        a sum of a polymer term, a solvent term and one product of latent vectors (inner size k).
        ``vectors`` are u (n_members, n, k); ``terms`` are t (n_members, n, 3); ``x`` is kept for
        the fixed Hansen components when the manifest asks for them.
        """
        x = np.atleast_2d(np.asarray(x, dtype=float))
        u, r = self.latent(role, x)
        w, _ = self.heads(task)
        latent = u.shape[-1]
        terms = (u * u - r * r) @ w[:, :latent, :]
        return LatentFactors(role=role, task=task, vectors=np.ascontiguousarray(u), terms=terms,
                             x=x if self.hansen_z else None)

    def grid_from_factors(self, polymers: "LatentFactors", solvents: "LatentFactors",
                          out: np.ndarray | None = None) -> np.ndarray:
        """Coefficients of every polymer × solvent as one array of shape (3, n_members, P, S):
        a, b_k [K] and the soluble logit, by the factored form of :meth:`factors`.

        Costs one (P × k) by (k × S) matrix product per member and head: 2·k·3·n_members
        floating-point operations per pair, about a thousand for ten members. ``out`` may be a
        preallocated float64 array of that shape (it is overwritten).
        """
        if polymers.role != "polymer" or solvents.role != "solvent" or polymers.task != solvents.task:
            raise ValueError("grid_from_factors takes polymer factors and solvent factors of the same task")
        w, bias = self.heads(polymers.task)
        u_p, u_s = polymers.vectors, solvents.vectors
        latent = u_p.shape[-1]
        n_members, n_p, n_s = u_p.shape[0], u_p.shape[1], u_s.shape[1]
        shape = (3, n_members, n_p, n_s)
        if out is None:
            out = np.empty(shape)
        elif out.shape != shape or out.dtype != np.float64:
            raise ValueError(f"out has shape {out.shape} and dtype {out.dtype}, expected {shape} float64")
        # One product per member and head with the two terms folded in as two more inner columns:
        # [-2 u_p w_h, t_h(p) + c_h, 1] · [u_s, 1, t_h(s)]; b is scaled to b_k = b·T_REF_K on the way.
        scale = np.array([1.0, T_REF_K, 1.0])[:, None, None, None]
        left = np.empty((3, n_members, n_p, latent + 2))
        left[..., :latent] = -2.0 * w[:, :latent, :].transpose(2, 0, 1)[:, :, None, :] * u_p[None]
        left[..., latent] = (polymers.terms + bias[:, None, :]).transpose(2, 0, 1)
        left[..., latent + 1] = 1.0
        left *= scale
        right = np.empty((3, n_members, latent + 2, n_s))
        right[:, :, :latent, :] = u_s.transpose(0, 2, 1)[None]
        right[:, :, latent, :] = 1.0
        right[:, :, latent + 1, :] = solvents.terms.transpose(2, 0, 1)
        np.matmul(left, right, out=out)
        if self.hansen_z:
            assert polymers.x is not None and solvents.x is not None  # factors keep x when hansen_z is on
            fixed = hansen_terms(polymers.x[:, None, :], solvents.x[None, :, :]) / self._w["hansen.scale"]
            out += np.einsum("psj,mjh->hmps", fixed, w[:, latent:, :] * scale[:, 0, 0, 0])
        return out

    def pair_from_factors(self, polymers: "LatentFactors", solvents: "LatentFactors") -> Coefficients:
        """Coefficients of paired rows (the i-th polymer with the i-th solvent), shape (n_members, n),
        by the factored form of :meth:`factors`; give each block with :meth:`LatentFactors.take`."""
        w, bias = self.heads(polymers.task)
        latent = polymers.vectors.shape[-1]
        y = (polymers.vectors * solvents.vectors) @ (-2.0 * w[:, :latent, :])
        y += polymers.terms
        y += solvents.terms
        y += bias[:, None, :]
        if self.hansen_z:
            assert polymers.x is not None and solvents.x is not None  # factors keep x when hansen_z is on
            y += (hansen_terms(polymers.x, solvents.x) / self._w["hansen.scale"]) @ w[:, latent:, :]
        return Coefficients(a=y[..., 0], b_k=y[..., 1] * T_REF_K, soluble_logit=y[..., 2])

    def grid_coefficients(self, polymer_x: np.ndarray, solvent_x: np.ndarray) -> Coefficients:
        """Every polymer with every solvent: arrays of shape (n_members, P, S).

        The towers run once per molecule, not once per pair, and the heads by the factored form
        (:meth:`factors`), without the (n_members, P, S, latent) array of z.
        """
        grid = self.grid_from_factors(self.factors("polymer", polymer_x), self.factors("solvent", solvent_x))
        return Coefficients(a=grid[0], b_k=grid[1], soluble_logit=grid[2])


@dataclass(frozen=True)
class LatentFactors:
    """What the factored grid needs of a block of molecules (see :meth:`ChiModel.factors`):
    latent vectors u (n_members, n, latent) and head terms (n_members, n, 3)."""

    role: str
    task: str
    vectors: np.ndarray
    terms: np.ndarray
    x: np.ndarray | None = None

    def take(self, index) -> "LatentFactors":
        """The factors of some molecules of the block, by position."""
        return LatentFactors(self.role, self.task, self.vectors[:, index], self.terms[:, index],
                             None if self.x is None else self.x[index])


@lru_cache(maxsize=1)
def load_model() -> ChiModel:
    """The shipped ensemble, loaded and verified once per process (ModelArtifactError if it cannot be)."""
    return ChiModel.load()
