"""The prior the posterior's parameters are fitted and validated with (``training.posterior``) must be
the one the engine applies (``chiapp.posterior``), row by row, at each row's own temperature."""

import numpy as np
import pandas as pd

from chiapp.posterior import QC_CLIP, PosteriorParameters, prior_line
from training.posterior import _prior

PARAMS = PosteriorParameters(0.2, 0.8, 0.3, 0.5, 0.6, 1.0, 1.0, 0.1, 0.1, prior_qc_intercept=0.1,
                             prior_qc_slope_hansen=0.5, prior_qc_slope=0.4, prior_qc_sigma=0.25)


def test_training_prior_is_the_engines_prior_row_by_row():
    """Found 2026-12-06: since 2026-12-01 this function took every row's Hansen prior at the first row's
    temperature (a broadcast of (n, 1) temperatures against (n, 1, 1) terms), and after the engine's
    rewrite it no longer ran (an IndexError) and would have left the COSMO-SAC prior out."""
    frame = pd.DataFrame({"h_d": [0.3, 0.3, 0.0], "h_p": [0.2, 0.2, 0.0], "h_h": [0.1, 0.1, 0.0],
                          "known": [True, True, False], "temperature_k": [298.15, 400.0, 350.0],
                          "qc": [1.5, np.nan, np.nan]})
    mean, sigma = _prior(frame, PARAMS)
    terms = frame[["h_d", "h_p", "h_h"]].to_numpy(float)
    codes = np.array([2, 1, 0])  # δ and COSMO-SAC known; δ only; neither
    c0, c1_k = prior_line(terms, codes, PARAMS)
    expected = c0 + c1_k / frame["temperature_k"].to_numpy(float)
    expected[0] += PARAMS.prior_qc_slope * np.clip(1.5, *QC_CLIP)
    np.testing.assert_allclose(mean, expected, rtol=1e-12)
    np.testing.assert_allclose(sigma, [PARAMS.prior_qc_sigma, PARAMS.prior_sigma, PARAMS.prior_sigma_unknown])
