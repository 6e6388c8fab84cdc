"""Scores and summaries of prediction intervals: interval score, WIS, coverage, width."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_1d
from ._utils import check_quantile_matrix, check_y, reduce_scores
from .quantiles import _pinball

__all__ = ["interval_score", "weighted_interval_score", "coverage", "mean_interval_width"]


def _check_alpha(alpha):
    if isinstance(alpha, (str, bytes)):
        raise TypeError(f"alpha must be a number in (0, 1); got the string {alpha!r}.")
    a = np.asarray(alpha, dtype=float)
    if a.ndim != 0 or not 0 < float(a) < 1:
        raise ValueError(
            f"alpha must be one number strictly between 0 and 1 (the interval is the central "
            f"1 - alpha interval, e.g. alpha=0.1 for 90%); got {alpha!r}."
        )
    return float(a)


def interval_score(y_true, lower, upper, alpha, *, sample_weight=None, average=True):
    """Interval score of central (1 - alpha) prediction intervals (Gneiting & Raftery 2007, eq. 43).

    IS_α(l, u; y) = (u - l) + (2/α)(l - y)·1{y < l} + (2/α)(y - u)·1{y > u}; lower is better.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    lower, upper : array-like, shape (n,)
        Interval end points, ``lower <= upper``.
    alpha : float in (0, 1)
        One minus the nominal coverage.
    sample_weight : array-like, shape (n,), optional
    average : bool, default True
        Weighted mean over observations, or per-observation scores (``False``).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> interval_score([0.0, 3.0], [-1.0, -1.0], [1.0, 1.0], alpha=0.1, average=False)
    array([ 2., 42.])
    """
    y = check_y(y_true)
    lo = check_1d(lower, "lower")
    hi = check_1d(upper, "upper")
    a = _check_alpha(alpha)
    if not (lo.shape == hi.shape == y.shape):
        raise ValueError(
            f"y_true, lower and upper must have the same length; got {y.shape[0]}, "
            f"{lo.shape[0]} and {hi.shape[0]}."
        )
    if np.any(lo > hi):
        raise ValueError(
            f"lower exceeds upper in {int((lo > hi).sum())} rows; pass lower <= upper."
        )
    score = (hi - lo) + (2 / a) * np.maximum(lo - y, 0.0) + (2 / a) * np.maximum(y - hi, 0.0)
    return reduce_scores(score, sample_weight, average)


def weighted_interval_score(y_true, y_quantiles, quantiles, *, normalize=True,
                            sample_weight=None, average=True):
    """Weighted interval score of a set of central intervals (Bracher et al. 2021).

    The levels must come in pairs τ, 1 - τ (each pair is the central interval with
    α = 2τ), optionally with the median 0.5. With K intervals and weights w_k = α_k / 2, w_0 = 1/2,

    ``WIS = (w_0 |y - m| + Σ_k w_k IS_{α_k}) / (K + 1/2)`` (without the median: divide by K),

    which equals 2 / (number of levels) times the summed pinball loss. ``normalize=False``
    returns the unnormalised 2·Σ pinball form (the sum without the division).

    Parameters
    ----------
    y_true : array-like, shape (n,)
    y_quantiles : array-like, shape (n, k)
        Predicted quantiles, one column per level.
    quantiles : array-like, shape (k,)
        Levels in (0, 1), symmetric about 0.5 (any order).
    normalize : bool, default True
        Divide by K + 1/2 (Bracher et al.'s normalisation); ``False`` gives 2·Σ pinball.
    sample_weight : array-like, shape (n,), optional
    average : bool, default True
        Weighted mean over observations, or per-observation scores (``False``).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    >>> q = [[-1.645, -0.674, 0.0, 0.674, 1.645]]
    >>> round(weighted_interval_score([0.3], q, levels), 4)
    0.2606
    >>> round(weighted_interval_score([0.3], q, levels, normalize=False), 4)
    1.303
    """
    y = check_y(y_true)
    Q, levels = check_quantile_matrix(y_quantiles, quantiles, y.shape[0])
    if np.unique(levels).size != levels.size:
        raise ValueError("quantiles contains repeated levels; pass each level once.")
    if not np.allclose(np.sort(levels), np.sort(1.0 - levels), rtol=0, atol=1e-10):
        raise ValueError(
            "quantiles must be symmetric about 0.5 (pairs tau and 1 - tau, optionally 0.5) for the "
            f"weighted interval score; got {levels.tolist()}. Use pinball_loss for other level sets."
        )
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True or False; got {normalize!r}.")
    total = 2.0 * _pinball(y, Q, levels).sum(axis=1)
    if normalize:
        total = total / levels.size
    return reduce_scores(total, sample_weight, average)


def _check_intervals(intervals, n=None):
    arr = as_float_array(intervals, "intervals", ndim=(2, 3))
    if arr.shape[1] != 2:
        raise ValueError(
            f"intervals must have shape (n, 2) (lower, upper) or (n, 2, L); got {arr.shape}."
        )
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"intervals has {arr.shape[0]} rows but y_true has {n} entries.")
    if arr.shape[0] == 0:
        raise ValueError("intervals is empty; pass at least one interval.")
    bad = arr[:, 0] > arr[:, 1]
    if bad.any():
        raise ValueError(
            f"intervals has lower > upper in {int(bad.sum())} entries; column 0 must be the lower end."
        )
    return arr


def coverage(y_true, intervals, *, sample_weight=None):
    """Weighted fraction of observations inside their prediction intervals (ends included).

    Parameters
    ----------
    y_true : array-like, shape (n,)
    intervals : array-like, shape (n, 2) or (n, 2, L)
        Lower and upper ends, as returned by ``predict_interval``.
    sample_weight : array-like, shape (n,), optional

    Returns
    -------
    float, or ndarray of shape (L,) for (n, 2, L) intervals

    Examples
    --------
    >>> coverage([0.0, 2.0, 5.0, 1.0], [[-1, 1], [0, 3], [0, 3], [1, 2]])
    0.75
    """
    y = check_y(y_true)
    iv = _check_intervals(intervals, y.shape[0])
    yy = y[:, None] if iv.ndim == 3 else y
    inside = ((iv[:, 0] <= yy) & (yy <= iv[:, 1])).astype(float)
    return reduce_scores(inside, sample_weight, True)


def mean_interval_width(intervals, *, sample_weight=None):
    """Weighted mean width (upper - lower) of prediction intervals.

    Parameters
    ----------
    intervals : array-like, shape (n, 2) or (n, 2, L)
    sample_weight : array-like, shape (n,), optional

    Returns
    -------
    float, or ndarray of shape (L,)

    Examples
    --------
    >>> mean_interval_width([[0.0, 1.0], [2.0, 5.0]])
    2.0
    """
    iv = _check_intervals(intervals)
    return reduce_scores(iv[:, 1] - iv[:, 0], sample_weight, True, rows="intervals")
