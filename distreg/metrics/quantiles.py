"""Scores of predictive quantiles: the pinball (quantile) loss and the quantile-grid CRPS."""

from __future__ import annotations

import numpy as np

from ._utils import check_quantile_matrix, check_y, reduce_scores

__all__ = ["pinball_loss", "crps_quantiles"]


def _pinball(y, Q, levels):
    """Per-entry pinball loss ρ_τ(y - q) = (1{y < q} - τ)(q - y), shape (n, k)."""
    diff = Q - y[:, None]
    return np.where(diff > 0, 1.0 - levels[None, :], -levels[None, :]) * diff


def pinball_loss(y_true, y_quantiles, quantiles, *, sample_weight=None, average=True):
    """Pinball (quantile, check) loss of predictive quantiles, averaged over levels.

    ρ_τ(y, q) = τ (y - q) if y >= q, and (1 - τ)(q - y) otherwise (Koenker & Bassett 1978);
    lower is better, and its expectation is minimised by the true τ-quantile.

    Parameters
    ----------
    y_true : array-like, shape (n,)
        Observations.
    y_quantiles : array-like, shape (n, k), or (n,) for a single level
        Predicted quantiles, one column per level.
    quantiles : float or array-like, shape (k,)
        Levels in (0, 1).
    sample_weight : array-like, shape (n,), optional
        Non-negative observation weights.
    average : bool, default True
        Return the weighted mean over observations (a float); ``False`` gives the per-row mean
        over levels, shape (n,).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(pinball_loss([1.0, 2.0], [[0.0, 1.0], [3.0, 4.0]], [0.1, 0.9]), 6)
    0.3
    >>> pinball_loss([1.0, 2.0], [0.0, 3.0], 0.5, average=False)
    array([0.5, 0.5])
    """
    y = check_y(y_true)
    Q, levels = check_quantile_matrix(y_quantiles, quantiles, y.shape[0])
    return reduce_scores(_pinball(y, Q, levels).mean(axis=1), sample_weight, average)


def _level_weights(levels):
    """Width of the cell of each level when (0, 1) is split at midpoints between levels."""
    edges = np.concatenate([[0.0], (levels[1:] + levels[:-1]) / 2, [1.0]])
    return np.diff(edges)


def crps_quantiles(y_true, y_quantiles, quantiles, *, sample_weight=None, average=True):
    """CRPS approximated from predictive quantiles on a grid of levels.

    Uses CRPS(F, y) = 2 ∫₀¹ ρ_τ(y, F⁻¹(τ)) dτ (Laio & Tamea 2007; Gneiting & Ranjan 2011) with
    the integral replaced by a sum over the given levels, each weighted by the width of its cell
    when (0, 1) is cut at the midpoints between consecutive levels. For the equally spaced
    midpoint grid τ_j = (j - 1/2)/k this is exactly twice the mean pinball loss; it converges to
    the CRPS as the grid is refined.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    y_quantiles : array-like, shape (n, k)
        Predicted quantiles, one column per level.
    quantiles : array-like, shape (k,)
        Distinct levels in (0, 1), in any order.
    sample_weight : array-like, shape (n,), optional
    average : bool, default True
        Weighted mean over observations, or per-observation values (``False``).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> from scipy import stats
    >>> levels = (np.arange(1000) + 0.5) / 1000
    >>> q = stats.norm.ppf(levels)[None, :]
    >>> round(crps_quantiles([0.0], q, levels), 4)  # closed form: 0.2337
    0.2337
    """
    y = check_y(y_true)
    Q, levels = check_quantile_matrix(y_quantiles, quantiles, y.shape[0])
    order = np.argsort(levels, kind="stable")
    levels, Q = levels[order], Q[:, order]
    if np.any(np.diff(levels) == 0):
        raise ValueError("quantiles contains repeated levels; pass each level once.")
    per_row = 2.0 * (_pinball(y, Q, levels) * _level_weights(levels)[None, :]).sum(axis=1)
    return reduce_scores(per_row, sample_weight, average)
