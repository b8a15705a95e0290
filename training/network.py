"""The ensemble as one torch module with stacked weights (n_members, in, out).

Members share nothing but the tensor they are stored in: each has its own initialization, its own
bootstrap weights and dropout masks, and since Adam is element-wise, summing the members' losses
trains them independently, all in one pass. The tensor names and layout are exactly what
``chiapp.model.ChiModel`` reads.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from chiapp.model import TASKS


class StackedChiNet(nn.Module):
    def __init__(self, n_members: int, polymer_dim: int, solvent_dim: int, hidden: int, latent: int,
                 n_layers: int, dropout: float, scalers: dict[str, tuple[np.ndarray, np.ndarray]],
                 generator: torch.Generator, fixed_scale: np.ndarray | None = None):
        super().__init__()
        self.n_members, self.n_layers, self.dropout = n_members, n_layers, dropout
        dims = {"polymer": polymer_dim, "solvent": solvent_dim}
        self.params = nn.ParameterDict()
        self.buffers_ = {}
        for tower, dim in dims.items():
            mean, std = scalers[tower]
            self.register_buffer(f"{tower}_mean", torch.as_tensor(mean, dtype=torch.float32))
            self.register_buffer(f"{tower}_std", torch.as_tensor(std, dtype=torch.float32))
            sizes = [dim] + [hidden] * n_layers + [2 * latent]
            for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
                self.params[f"{tower}__w{i}"] = nn.Parameter(_uniform((n_members, n_in, n_out), n_in, generator))
                self.params[f"{tower}__b{i}"] = nn.Parameter(torch.zeros(n_members, n_out))
        # Fixed z components (the Hansen terms), divided by their scale, come after the learned ones.
        n_fixed = 0 if fixed_scale is None else len(fixed_scale)
        if n_fixed:
            self.register_buffer("fixed_scale", torch.as_tensor(fixed_scale, dtype=torch.float64))
        z_dim = latent + n_fixed
        for task in TASKS:
            self.params[f"head__{task}__w"] = nn.Parameter(_uniform((n_members, z_dim, 2), z_dim, generator))
            self.params[f"head__{task}__b"] = nn.Parameter(torch.zeros(n_members, 2))
        self.params["head__soluble__w"] = nn.Parameter(_uniform((n_members, z_dim, 1), z_dim, generator))
        self.params["head__soluble__b"] = nn.Parameter(torch.zeros(n_members, 1))

    def tower(self, name: str, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = (x - getattr(self, f"{name}_mean")) / getattr(self, f"{name}_std")
        h = h.expand(self.n_members, *h.shape)
        for i in range(self.n_layers):
            h = torch.nn.functional.silu(torch.baddbmm(self.params[f"{name}__b{i}"][:, None, :], h,
                                                       self.params[f"{name}__w{i}"]))
            if self.training and self.dropout:
                h = torch.nn.functional.dropout(h, self.dropout)
        i = self.n_layers
        out = torch.baddbmm(self.params[f"{name}__b{i}"][:, None, :], h, self.params[f"{name}__w{i}"])
        latent = out.shape[-1] // 2
        return out[..., :latent], out[..., latent:]

    def latent(self, polymer_x, solvent_x, polymer_index, solvent_index, fixed=None) -> torch.Tensor:
        """z (n_members, n_pairs, latent [+ fixed]), towers run once per unique molecule; ``fixed``
        are the raw Hansen terms of the pairs."""
        u_p, r_p = self.tower("polymer", polymer_x)
        u_s, r_s = self.tower("solvent", solvent_x)
        return distance(u_p, r_p, u_s, r_s, polymer_index, solvent_index, self.fixed_terms(fixed))

    def fixed_terms(self, raw) -> torch.Tensor | None:
        """The raw Hansen terms (n_pairs, 3) of pairs as they enter z: divided by their scale."""
        return None if raw is None else (torch.as_tensor(raw, dtype=torch.float64) / self.fixed_scale).float()

    def head(self, task: str, z: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.params[f"head__{task}__b"][:, None, :], z, self.params[f"head__{task}__w"])

    def export(self) -> dict[str, np.ndarray]:
        """Tensors named as chiapp.model reads them (float64 numpy)."""
        out = {key.replace("__", "."): p.detach().double().numpy() for key, p in self.params.items()}
        for tower in ("polymer", "solvent"):
            out[f"{tower}.mean"] = getattr(self, f"{tower}_mean").double().numpy()
            out[f"{tower}.std"] = getattr(self, f"{tower}_std").double().numpy()
        if hasattr(self, "fixed_scale"):
            out["hansen.scale"] = self.fixed_scale.double().numpy()
        return out


def distance(u_p, r_p, u_s, r_s, polymer_index, solvent_index, fixed=None) -> torch.Tensor:
    """z = (u_p - u_s)² - r_p² - r_s² for the indexed pairs, then the scaled fixed (n_pairs, k) terms."""
    z = (u_p[:, polymer_index] - u_s[:, solvent_index]) ** 2 - r_p[:, polymer_index] ** 2 - r_s[:, solvent_index] ** 2
    if fixed is None:
        return z
    return torch.cat([z, fixed.expand(z.shape[0], -1, -1)], dim=-1)


def _uniform(shape: tuple[int, ...], fan_in: int, generator: torch.Generator) -> torch.Tensor:
    bound = 1.0 / math.sqrt(fan_in)
    return (torch.rand(shape, generator=generator) * 2 - 1) * bound
