"""Fit the stacked ensemble on the training tables; returns a ChiModel that predicts like the app.

Tasks and losses (summed with the weights of ``Config``):
  experimental χ(T)   mean squared error          (the main task)
  COSMO-RS χ(T)       mean squared error
  Hansen χ(T)         mean squared error          (auxiliary, group contributions, many pairs)
  soluble (PolySol)   binary cross-entropy on the classifier head
Each member sees its own Poisson bootstrap of every table, so the ensemble spread reflects data
uncertainty as well as initialization.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import torch

from chiapp.descriptors import (
    POLYMER_DESCRIPTOR_NAMES,
    SOLVENT_DESCRIPTOR_NAMES,
    polymer_descriptors,
    solvent_descriptors,
)
from chiapp.model import T_REF_K, ChiModel, hansen_terms
from training.network import StackedChiNet, distance


@dataclass(frozen=True)
class Config:
    n_members: int = 10
    hidden: int = 96
    latent: int = 16
    n_layers: int = 2
    dropout: float = 0.1
    weight_decay: float = 1e-3
    learning_rate: float = 3e-3
    n_steps: int = 1200
    weight_cosmo: float = 0.5
    weight_hansen: float = 0.2
    weight_soluble: float = 0.3
    bootstrap: bool = True
    hansen_z: bool = False  # append the textbook Hansen terms to z (chiapp.model.hansen_terms)
    hansen_inputs: bool = True  # False blinds the towers to PHYSICAL_DESCRIPTORS (an ablation)
    # which table feeds the auxiliary ("hansen") head, with weight_hansen: "hansen" = Hansen-distance χ
    # (training.hansen_task), "qc" = COSMO-SAC χ from MOPAC σ-profiles (training.qc_task)
    auxiliary_task: str = "hansen"
    seed: int = 0

    def __post_init__(self):
        if self.auxiliary_task not in ("hansen", "qc"):
            raise ValueError(f"auxiliary_task is 'hansen' or 'qc', got {self.auxiliary_task!r}")
        if self.hansen_z and not self.hansen_inputs:
            raise ValueError("hansen_z reads the Hansen descriptors that hansen_inputs=False blinds")


@dataclass(frozen=True)
class Tables:
    """Training rows per task; each frame has ``polymer`` (repeat unit SMILES) and ``solvent``."""

    experimental: pd.DataFrame          # + temperature_k, chi
    cosmo: pd.DataFrame | None = None   # + temperature_k, chi
    hansen: pd.DataFrame | None = None  # + temperature_k, chi
    soluble: pd.DataFrame | None = None  # + soluble


def _molecule_index(frames: list[pd.DataFrame], column: str) -> dict[str, int]:
    names = pd.unique(pd.concat([f[column] for f in frames if f is not None and len(f)]))
    return {name: i for i, name in enumerate(names)}


#: The group-contribution Hansen δ, volumes and the flags that go with them.
PHYSICAL_DESCRIPTORS = ("hansen_delta_d", "hansen_delta_p", "hansen_delta_h", "hansen_volume_per_heavy",
                        "hansen_known", "hansen_measured", "log_molar_volume")


def _scaler(x: np.ndarray, names: tuple[str, ...], blind: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Standardization; a ``blind`` column gets an infinite scale, so it reads as 0 everywhere,
    in training and in the exported model alike."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)
    std[[i for i, name in enumerate(names) if name in blind]] = np.inf
    return mean, std


def fit(tables: Tables, config: Config = Config(), log=None) -> ChiModel:
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    frames = [tables.experimental, tables.cosmo, tables.hansen, tables.soluble]
    polymers = _molecule_index(frames, "polymer")
    solvents = _molecule_index(frames, "solvent")
    xp = np.stack([polymer_descriptors(p) for p in polymers])
    xs = np.stack([solvent_descriptors(s) for s in solvents])
    blind = () if config.hansen_inputs else PHYSICAL_DESCRIPTORS
    scalers = {"polymer": _scaler(xp, POLYMER_DESCRIPTOR_NAMES, blind),
               "solvent": _scaler(xs, SOLVENT_DESCRIPTOR_NAMES, blind)}
    xp_t, xs_t = torch.as_tensor(xp, dtype=torch.float32), torch.as_tensor(xs, dtype=torch.float32)

    def rows(frame, target):
        pi = torch.as_tensor(frame["polymer"].map(polymers).to_numpy(copy=True), dtype=torch.long)
        si = torch.as_tensor(frame["solvent"].map(solvents).to_numpy(copy=True), dtype=torch.long)
        y = torch.as_tensor(frame[target].to_numpy(float, copy=True), dtype=torch.float32)
        shape = (config.n_members, len(frame))
        boot = torch.as_tensor(rng.poisson(1.0, size=shape) if config.bootstrap else np.ones(shape),
                               dtype=torch.float32)
        t_ratio = (torch.as_tensor(T_REF_K / frame["temperature_k"].to_numpy(float), dtype=torch.float32)
                   if "temperature_k" in frame else None)
        fixed = hansen_terms(xp[pi.numpy()], xs[si.numpy()]) if config.hansen_z else None
        return [pi, si, y, boot, t_ratio, fixed]

    chi_tasks = [(task, rows(frame, "chi"), weight) for task, frame, weight in (
        ("experimental", tables.experimental, 1.0),
        ("cosmo", tables.cosmo, config.weight_cosmo),
        ("hansen", tables.hansen, config.weight_hansen)) if frame is not None and len(frame) and weight > 0]
    soluble = rows(tables.soluble, "soluble") if tables.soluble is not None and len(tables.soluble) else None
    every = [r for _, r, _ in chi_tasks] + ([soluble] if soluble else [])
    # each Hansen term's root mean square over the training rows, so the terms enter z near 1
    fixed_scale = np.sqrt(np.mean(np.concatenate([r[5] for r in every]) ** 2, axis=0)) if config.hansen_z else None
    net = StackedChiNet(config.n_members, xp.shape[1], xs.shape[1], config.hidden, config.latent,
                        config.n_layers, config.dropout, scalers, generator, fixed_scale)
    for r in every:
        r[5] = net.fixed_terms(r[5])

    optimizer = torch.optim.AdamW(net.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.learning_rate,
                                                   total_steps=config.n_steps, pct_start=0.1)
    net.train()
    for step in range(config.n_steps):
        u_p, r_p = net.tower("polymer", xp_t)
        u_s, r_s = net.tower("solvent", xs_t)
        loss = torch.zeros(())
        for task, (pi, si, y, boot, t_ratio, fixed), weight in chi_tasks:
            ab = net.head(task, distance(u_p, r_p, u_s, r_s, pi, si, fixed))
            pred = ab[..., 0] + ab[..., 1] * t_ratio
            loss = loss + weight * ((boot * (pred - y) ** 2).sum(1) / boot.sum(1)).sum()
        if soluble is not None:
            pi, si, y, boot, _, fixed = soluble
            logit = net.head("soluble", distance(u_p, r_p, u_s, r_s, pi, si, fixed))[..., 0]
            bce = torch.nn.functional.binary_cross_entropy_with_logits(logit, y.expand_as(logit), reduction="none")
            loss = loss + config.weight_soluble * ((boot * bce).sum(1) / boot.sum(1)).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if log and (step % 200 == 0 or step == config.n_steps - 1):
            log(f"step {step:5d}  loss/member {loss.item() / config.n_members:.4f}")
    net.eval()
    manifest = {
        "architecture": {"n_members": config.n_members, "hidden": config.hidden, "latent": config.latent,
                         "n_layers": config.n_layers, "activation": "silu", "hansen_z": config.hansen_z,
                         "chi": "a + b_k / T, b_k = b * T_REF_K", "t_ref_k": T_REF_K},
        "descriptors": {"polymer": list(POLYMER_DESCRIPTOR_NAMES), "solvent": list(SOLVENT_DESCRIPTOR_NAMES)},
        "config": asdict(config),
    }
    return ChiModel(net.export(), manifest)
