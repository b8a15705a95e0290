"""The prior the posterior's parameters are fitted and validated with (``training.posterior``) must be
the one the engine applies (``chiapp.posterior``), row by row, at each row's own temperature."""

import numpy as np
import pandas as pd
import pytest

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


def test_a_class_factor_is_its_rows_quantile_shrunk_towards_one_by_their_number():
    """f_c = exp(w·ln q), q the 90 % quantile of |error|/(2σ) over the class's rows, w = n/(n + 30): written
    out by hand for ten rows of ratio 1..10 (q = 9.1 by linear interpolation), thirty of ratio 0.5 and
    none in two classes (factor 1)."""
    from training.posterior import CLASS_PSEUDO_ROWS, class_factors

    assert CLASS_PSEUDO_ROWS == 30.0
    ratio = np.concatenate([np.arange(1.0, 11.0), np.full(30, 0.5)])
    classes = np.array([2] * 10 + [0] * 30)
    factors = class_factors(ratio, classes)
    assert factors[1] == factors[3] == 1.0
    assert factors[2] == pytest.approx(9.1 ** (10 / 40), rel=1e-12)
    assert factors[0] == pytest.approx(0.5 ** (30 / 60), rel=1e-12)
