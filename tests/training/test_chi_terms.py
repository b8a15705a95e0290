"""The two-or-three-terms study (``training.chi_terms``): its two-term correction is the engine's
(``chiapp.posterior.measurement_update``), and it picks the third term exactly when the points bend."""

import numpy as np
import pandas as pd
import pytest

from chiapp.posterior import measurement_update
from chiapp.units import REFERENCE_TEMPERATURE_K
from training.chi_terms import _correction, choose_width, held_out_points


def test_two_term_correction_is_the_engines_measurement_update():
    t = np.array([280.0, 300.0, 330.0, 360.0])
    residuals = np.array([0.1, 0.05, -0.02, 0.04])
    delta, covariance = _correction(REFERENCE_TEMPERATURE_K / t - 1.0, residuals, 0.3, 0.17, 0.0)
    expected, expected_cov = measurement_update(t, residuals, 0.3, 0.17)
    np.testing.assert_allclose(delta, expected, rtol=1e-12)
    np.testing.assert_allclose(covariance, expected_cov, rtol=1e-12)


def _pairs(curvature: float, n_pairs: int = 24, seed: int = 1) -> pd.DataFrame:
    """Pairs whose residual about the posterior is δa + δb·x + curvature·x² plus small noise."""
    rng = np.random.default_rng(seed)
    rows = []
    t = np.array([250.0, 280.0, 310.0, 340.0, 380.0, 430.0])
    x = REFERENCE_TEMPERATURE_K / t - 1.0
    for i in range(n_pairs):
        a, b = rng.normal(0, 0.2, 2)
        chi = 0.4 + a + b * x + curvature * x**2 + rng.normal(0, 0.01, t.size)
        rows += [{"polymer_key": f"p{i % 6}", "solvent": f"s{i}", "temperature_k": tk, "chi": c, "posterior": 0.4,
                  "posterior_std": 0.3} for tk, c in zip(t, chi)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("curvature, three_terms", [(0.0, False), (4.0, True)])
def test_the_study_chooses_the_third_term_only_where_the_points_bend(curvature, three_terms):
    points = held_out_points(_pairs(curvature), sigma_meas=0.01)
    assert (choose_width(points) > 0) is three_terms
