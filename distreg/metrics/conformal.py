"""Evaluation helpers for conformal prediction: group-wise coverage, set sizes and the law of
split-conformal coverage used by validity tests.

For split conformal prediction with n exchangeable calibration points and continuous scores,
the coverage conditional on the calibration set is Beta(n + 1 - l, l) distributed with
l = ⌊(n + 1) α⌋ (Vovk 2012, "Conditional validity of inductive conformal predictors";
Angelopoulos & Bates 2023, section 3.2); its mean (n + 1 - l)/(n + 1) lies in
[1 - α, 1 - α + 1/(n + 1)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._validation import check_confidence_level, check_int, reject_categorical
from ._utils import check_y

__all__ = [
    "conformal_coverage_distribution",
    "conformal_coverage_tolerance",
    "group_coverage",
    "mean_set_size",
    "set_coverage",
]


def _intervals(intervals, n):
    """(n, 2[, L]) bounds as a new float array; infinite bounds are allowed, NaN and text are not."""
    reject_categorical(intervals, "intervals")
    if isinstance(intervals, (str, bytes)) or np.asarray(intervals).dtype.kind in "USV":
        raise TypeError("intervals must be numeric (lower, upper) pairs; got text.")
    try:
        iv = np.array(intervals, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("intervals must be numeric (lower, upper) pairs.") from None
    if iv.ndim not in (2, 3) or iv.shape[1] != 2:
        raise ValueError(f"intervals must have shape (n, 2) or (n, 2, L); got {iv.shape}.")
    if iv.shape[0] != n:
        raise ValueError(f"intervals has {iv.shape[0]} rows but y_true has {n} entries.")
    if np.isnan(iv).any():
        raise ValueError("intervals contains NaN; infinite bounds are allowed, NaN is not.")
    if (iv[:, 0] > iv[:, 1]).any():
        raise ValueError("intervals has lower > upper; column 0 must be the lower end.")
    return iv


def _sets(sets):
    """Prediction sets as a boolean array (n, K) or (n, K, L) with n, K >= 1."""
    S = np.asarray(sets)
    if S.dtype != bool:
        raise TypeError("sets must be a boolean array (True = candidate in the set), as returned by predict_set.")
    if S.ndim not in (2, 3) or S.shape[0] == 0 or S.shape[1] == 0:
        raise ValueError(f"sets must have shape (n, K) or (n, K, L) with n, K >= 1; got {S.shape}.")
    return S


def group_coverage(y_true, intervals, groups):
    """Coverage and mean width of prediction intervals within each group.

    Unlike :func:`~distreg.metrics.coverage`, infinite bounds are allowed (conformal intervals
    are unbounded when the calibration set is too small); the width is then infinite.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    intervals : array-like, shape (n, 2)
    groups : array-like, shape (n,)
        Group labels.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted), columns ``n``, ``coverage``, ``mean_width``.

    Examples
    --------
    >>> group_coverage([0.0, 2.0, 5.0, 1.0], [[-1, 1], [0, 3], [0, 3], [1, 2]], ["a", "a", "b", "b"])
           n  coverage  mean_width
    group
    a      2       1.0         2.5
    b      2       0.5         2.0
    """
    from ..conformal._base import check_groups

    y = check_y(y_true)
    iv = _intervals(intervals, y.shape[0])
    if iv.ndim != 2:
        raise ValueError("group_coverage takes intervals of shape (n, 2) (one confidence level).")
    if groups is None:
        raise ValueError("groups is None; pass one group label per observation.")
    g = check_groups(groups, y.shape[0], against="y_true")
    inside = (iv[:, 0] <= y) & (y <= iv[:, 1])
    with np.errstate(invalid="ignore"):
        width = iv[:, 1] - iv[:, 0]
    df = pd.DataFrame({"group": g, "inside": inside.astype(float), "width": width})
    out = df.groupby("group").agg(n=("inside", "size"), coverage=("inside", "mean"),
                                  mean_width=("width", "mean"))
    return out


def set_coverage(y_true, sets, classes=None):
    """Fraction of observations whose label lies in its prediction set.

    Parameters
    ----------
    y_true : array-like, shape (n,)
        Labels (or integer outcomes).
    sets : array-like of bool, shape (n, K) or (n, K, L)
        Membership of each candidate in each row's set (``predict_set``).
    classes : array-like, shape (K,), optional
        The candidate labels of the columns (default ``0, ..., K-1``).

    Returns
    -------
    float, or ndarray of shape (L,)

    Examples
    --------
    >>> set_coverage([0, 2], [[True, True, False], [False, True, True]])
    1.0
    >>> set_coverage(["a", "b"], [[True, False], [True, False]], classes=["a", "b"])
    0.5
    """
    from ..conformal._base import check_groups

    S = _sets(sets)
    if y_true is None:
        raise ValueError("y_true is None; pass one label per observation.")
    y = check_groups(y_true, S.shape[0], "y_true", against="sets")
    classes = np.arange(S.shape[1]) if classes is None else np.asarray(classes)
    if classes.ndim != 1 or classes.shape[0] != S.shape[1]:
        raise ValueError(f"classes must hold one label per column of sets ({S.shape[1]}); got shape "
                         f"{classes.shape}.")
    col = np.array([np.flatnonzero(classes == v)[0] if np.any(classes == v) else -1 for v in y])
    hit = np.where(col[:, None] >= 0, S[np.arange(y.shape[0]), np.maximum(col, 0)].reshape(y.shape[0], -1), False)
    out = hit.mean(axis=0)
    return float(out[0]) if S.ndim == 2 else out


def mean_set_size(sets):
    """Average number of candidates per prediction set, float (or (L,) for (n, K, L)).

    Examples
    --------
    >>> mean_set_size([[True, True, False], [False, True, False]])
    1.5
    """
    S = _sets(sets)
    out = S.sum(axis=1).mean(axis=0)
    return float(out) if S.ndim == 2 else out


def conformal_coverage_distribution(n_calibration, confidence_level):
    """Law of split-conformal coverage given the calibration set: Beta(n + 1 - l, l).

    l = ⌊(n + 1) α⌋ with α = 1 - confidence_level (Vovk 2012; Angelopoulos & Bates 2023,
    eq. (3)); requires l >= 1, i.e. a calibration set large enough for a finite quantile.

    Parameters
    ----------
    n_calibration : int
    confidence_level : float

    Returns
    -------
    scipy.stats frozen beta distribution

    Examples
    --------
    >>> d = conformal_coverage_distribution(99, 0.9)
    >>> round(float(d.mean()), 4), d.args
    (0.9, (90, 10))
    """
    n = check_int(n_calibration, "n_calibration", minimum=1)
    cl = check_confidence_level(confidence_level)
    if np.ndim(cl) != 0:
        raise ValueError("confidence_level must be a single number here.")
    from ..conformal._quantile import _n_required, conformal_rank

    k = conformal_rank(n, cl)
    if k > n:
        raise ValueError(f"n_calibration={n} is too small for confidence_level={cl:g}: the conformal "
                         f"quantile needs at least {_n_required(cl)} calibration points.")
    return stats.beta(k, n + 1 - k)


def conformal_coverage_tolerance(n_calibration, n_test, n_repeats, confidence_level, tail_probability=1e-3):
    """Range that the mean split-conformal coverage over repeated splits falls in.

    Each repeat draws a calibration set of size n (coverage p ~ Beta, see
    :func:`conformal_coverage_distribution`) and counts covered points among m test points
    (Binomial(m, p)/m). The mean over R independent repeats has mean E[p] and variance
    (Var p + E[p(1-p)]/m)/R; the returned range is that mean ± the normal quantile for
    ``tail_probability`` (two-sided) times the standard deviation.

    Returns
    -------
    (lower, upper) : tuple of float

    Examples
    --------
    >>> lo, hi = conformal_coverage_tolerance(200, 500, 100, 0.9)
    >>> round(lo, 3), round(hi, 3)
    (0.892, 0.909)
    """
    d = conformal_coverage_distribution(n_calibration, confidence_level)
    m = check_int(n_test, "n_test", minimum=1)
    R = check_int(n_repeats, "n_repeats", minimum=1)
    tail_probability = check_confidence_level(tail_probability, "tail_probability")
    if np.ndim(tail_probability) != 0:
        raise ValueError("tail_probability must be a single number in (0, 1).")
    mean, var = d.mean(), d.var()
    e_pq = mean - (var + mean**2)
    sd = np.sqrt((var + e_pq / m) / R)
    z = stats.norm.isf(tail_probability / 2)
    return float(mean - z * sd), float(mean + z * sd)
