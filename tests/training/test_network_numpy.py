"""The numpy ensemble gives the same numbers as the torch network it was trained as, and its grid,
latent and Hansen forms agree (training tests: they build networks with torch)."""


import numpy as np
import pytest
import torch

from chiapp.descriptors import POLYMER_DESCRIPTOR_NAMES, SOLVENT_DESCRIPTOR_NAMES
from chiapp.hansen import hansen_chi
from chiapp.model import N_HANSEN_TERMS, T_REF_K, ChiModel, hansen_terms
from training.network import StackedChiNet

D_P, D_S = len(POLYMER_DESCRIPTOR_NAMES), len(SOLVENT_DESCRIPTOR_NAMES)




def _tiny_pair(seed=0, hansen_z=False):
    rng = np.random.default_rng(seed)
    scalers = {"polymer": (rng.normal(size=D_P), rng.uniform(0.5, 2, D_P)),
               "solvent": (rng.normal(size=D_S), rng.uniform(0.5, 2, D_S))}
    net = StackedChiNet(3, D_P, D_S, hidden=8, latent=4, n_layers=2, dropout=0.0, scalers=scalers,
                        generator=torch.Generator().manual_seed(seed),
                        fixed_scale=rng.uniform(0.5, 3.0, N_HANSEN_TERMS) if hansen_z else None)
    for p in net.parameters():  # non-zero biases too, so every term is exercised
        torch.nn.init.normal_(p, std=0.3, generator=torch.Generator().manual_seed(seed + 1))
    manifest = {"architecture": {"n_members": 3, "hidden": 8, "latent": 4, "n_layers": 2, "hansen_z": hansen_z}}
    return net.eval(), ChiModel(net.export(), manifest), rng


def _molecules(rng, n):
    """Descriptor rows with physical Hansen columns (the Hansen terms take exp of a log volume)."""
    xp, xs = rng.normal(size=(n, D_P)), rng.normal(size=(n, D_S))
    for x, names in ((xp, POLYMER_DESCRIPTOR_NAMES), (xs, SOLVENT_DESCRIPTOR_NAMES)):
        for name, low, high in (("hansen_delta_d", 15, 20), ("hansen_delta_p", 0, 15), ("hansen_delta_h", 0, 20)):
            x[:, names.index(name)] = rng.uniform(low, high, n)
        x[:, names.index("hansen_known")] = 1.0
    xs[:, SOLVENT_DESCRIPTOR_NAMES.index("log_molar_volume")] = np.log(rng.uniform(18, 200, n))
    return xp, xs


@pytest.mark.parametrize("hansen_z", [False, True])
def test_numpy_ensemble_matches_torch_network(hansen_z):
    net, model, rng = _tiny_pair(hansen_z=hansen_z)
    xp, xs = _molecules(rng, 5)
    fixed = torch.as_tensor(hansen_terms(xp, xs), dtype=torch.float32) if hansen_z else None
    with torch.no_grad():
        z = net.latent(torch.as_tensor(xp, dtype=torch.float32), torch.as_tensor(xs, dtype=torch.float32),
                       torch.arange(5), torch.arange(5), fixed)
        ab = net.head("experimental", z).double().numpy()
    c = model.coefficients(xp, xs)
    np.testing.assert_allclose(c.a, ab[..., 0], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(c.b_k, ab[..., 1] * T_REF_K, rtol=1e-4, atol=1e-2)


def test_hansen_terms_give_lindvig_chi():
    # an independent route: chiapp.hansen.hansen_chi from the same δ and volume
    _, _, rng = _tiny_pair()
    xp, xs = _molecules(rng, 4)
    terms = hansen_terms(xp, xs)
    for i in range(4):
        delta = [POLYMER_DESCRIPTOR_NAMES.index(f"hansen_delta_{c}") for c in "dph"]
        delta_s = [SOLVENT_DESCRIPTOR_NAMES.index(f"hansen_delta_{c}") for c in "dph"]
        volume = np.exp(xs[i, SOLVENT_DESCRIPTOR_NAMES.index("log_molar_volume")])
        expected = hansen_chi(tuple(xp[i, delta]), tuple(xs[i, delta_s]), volume, 350.0)
        assert 0.6 * terms[i] @ [1.0, 0.25, 0.25] * T_REF_K / 350.0 == pytest.approx(expected, rel=1e-12)
    xs[0, SOLVENT_DESCRIPTOR_NAMES.index("hansen_known")] = 0.0  # unknown δ: no term, not a guess
    assert np.all(hansen_terms(xp, xs)[0] == 0.0)


@pytest.mark.parametrize("hansen_z", [False, True])
def test_grid_coefficients_equal_pairwise_coefficients(hansen_z):
    _, model, rng = _tiny_pair(1, hansen_z)
    (xp, _), (_, xs) = _molecules(rng, 2), _molecules(rng, 3)
    grid = model.grid_coefficients(xp, xs)
    pairs = model.coefficients(np.repeat(xp, 3, axis=0), np.tile(xs, (2, 1)))
    np.testing.assert_allclose(grid.a.reshape(3, -1), pairs.a, rtol=1e-12)
    np.testing.assert_allclose(grid.b_k.reshape(3, -1), pairs.b_k, rtol=1e-12)
    np.testing.assert_allclose(grid.soluble_logit.reshape(3, -1), pairs.soluble_logit, rtol=1e-12)


def test_latent_distance_is_the_hansen_like_form():
    # z = (u_p - u_s)^2 - r_p^2 - r_s^2, so never above the squared distance of the u vectors
    _, model, rng = _tiny_pair(2)
    xp, xs = rng.normal(size=(4, D_P)), rng.normal(size=(4, D_S))
    z = model.latent_distance(xp, xs)
    (u_p, r_p), (u_s, r_s) = model._tower("polymer", xp), model._tower("solvent", xs)
    assert z.shape == (3, 4, 4)
    np.testing.assert_allclose(z, (u_p - u_s) ** 2 - r_p**2 - r_s**2)
    assert np.all(z <= (u_p - u_s) ** 2)
