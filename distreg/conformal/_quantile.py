"""The finite-sample conformal quantile, plain, weighted and per group (Mondrian).

Split conformal prediction (Vovk, Gammerman & Shafer 2005; Lei et al. 2018; Angelopoulos &
Bates 2023, section 1) keeps a test point whose score is at most the k-th smallest of n
calibration scores, k = ceil((n + 1) * level). When k > n the set is unbounded (the quantile is
+inf). Under covariate shift (Tibshirani, Barber, Candès & Ramdas 2019, eq. (7)) the calibration
scores carry weights w(X_i) and an extra atom of weight w(x) sits at +inf; the quantile then
depends on the test point. Mondrian conformal prediction (Vovk et al. 2005, ch. 4) applies the
rule within each group.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "conformal_rank",
    "n_required",
    "conformal_quantile",
    "weighted_conformal_quantile",
    "mondrian_conformal_quantile",
    "too_small_message",
]

# ``level * (n + 1)`` is rounded to this many decimals before the ceiling, so that a product
# that is an integer in exact arithmetic (0.9 * 100) is not pushed to the next integer by a
# rounding error in the last bit.
_DECIMALS = 9


def conformal_rank(n: int, level: float) -> int:
    """Rank k = ceil((n + 1) * level) of the conformal quantile among n scores.

    Parameters
    ----------
    n : int
        Number of calibration scores.
    level : float
        Target coverage in (0, 1).

    Returns
    -------
    int
        The rank (1-based); a value above ``n`` means the quantile is +inf.

    Examples
    --------
    >>> conformal_rank(99, 0.9), conformal_rank(10, 0.95)
    (90, 11)
    """
    return int(math.ceil(round(level * (n + 1), _DECIMALS)))


def n_required(level: float) -> int:
    """Smallest calibration size n whose conformal quantile at ``level`` is finite.

    It is the smallest n with ceil((n + 1) * level) <= n.

    Examples
    --------
    >>> n_required(0.9), n_required(0.95), n_required(0.5)
    (9, 19, 1)
    """
    n = max(1, int(math.floor(level / (1.0 - level))) - 1)
    while conformal_rank(n, level) > n:
        n += 1
    return n


def too_small_message(n: int, level: float, where: str = "the calibration set") -> str:
    """Error message for a calibration set too small for a confidence level."""
    return (
        f"{where} has {n} point(s), too few for confidence_level={level:g}: the conformal "
        f"quantile needs at least {n_required(level)} points. Add calibration data, lower "
        "confidence_level, or pass allow_infinite_bounds=True to get infinite bounds."
    )


def conformal_quantile(scores, levels, *, allow_infinite: bool = False, where: str = "the calibration set"):
    """Conformal quantiles of calibration scores: the ceil((n+1)·level)-th smallest, or +inf.

    Parameters
    ----------
    scores : ndarray, shape (n,)
        Calibration conformity scores (larger = less conforming).
    levels : float or ndarray, shape (L,)
        Target coverages in (0, 1).
    allow_infinite : bool, default False
        Return +inf where the calibration set is too small; otherwise raise ``ValueError``.
    where : str
        Name of the score set for the error message.

    Returns
    -------
    ndarray, shape (L,)

    Examples
    --------
    >>> conformal_quantile(np.array([3.0, 1.0, 2.0, 5.0, 4.0]), [0.5, 0.6])
    array([3., 4.])
    >>> conformal_quantile(np.arange(5.0), [0.9], allow_infinite=True)
    array([inf])
    """
    scores = np.asarray(scores, dtype=float)
    levels = np.atleast_1d(np.asarray(levels, dtype=float))
    n = scores.shape[0]
    ranks = np.array([conformal_rank(n, lv) for lv in levels])
    out = np.full(levels.shape, np.inf)
    finite = ranks <= n
    if not finite.all() and not allow_infinite:
        raise ValueError(too_small_message(n, float(levels[~finite].max()), where))
    if finite.any():
        kth = np.unique(ranks[finite] - 1)
        part = np.partition(scores, kth)
        out[finite] = part[ranks[finite] - 1]
    return out


def weighted_conformal_quantile(scores, weights, test_weights, levels, *, allow_infinite: bool = False,
                                where: str = "the calibration set"):
    """Weighted conformal quantiles under covariate shift (Tibshirani et al. 2019, eq. (7)).

    For test point j the calibration score V_i has probability w_i / (sum(w) + w_j) and +inf
    has the remaining w_j / (sum(w) + w_j); the quantile is the smallest V with cumulative
    probability at least ``level``. With all weights equal this is :func:`conformal_quantile`.

    Parameters
    ----------
    scores : ndarray, shape (n,)
    weights : ndarray, shape (n,)
        Likelihood-ratio weights w(X_i) of the calibration points (non-negative).
    test_weights : ndarray, shape (m,)
        Weights w(x_j) of the test points.
    levels : float or ndarray, shape (L,)
    allow_infinite : bool, default False
        Return +inf when the finite scores cannot reach the level; otherwise raise.

    Returns
    -------
    ndarray, shape (m, L)

    Examples
    --------
    >>> s = np.array([1.0, 2.0, 3.0, 4.0])
    >>> weighted_conformal_quantile(s, np.ones(4), np.ones(2), [0.6])
    array([[3.],
           [3.]])
    >>> weighted_conformal_quantile(s, np.array([4.0, 1, 1, 1]), np.array([1.0]), [0.6])
    array([[1.]])
    """
    scores = np.asarray(scores, dtype=float)
    w = np.asarray(weights, dtype=float)
    tw = np.asarray(test_weights, dtype=float)
    levels = np.atleast_1d(np.asarray(levels, dtype=float))
    order = np.argsort(scores, kind="stable")
    s_sorted = scores[order]
    cum = np.cumsum(w[order])
    total = cum[-1] + tw  # (m,)
    target = levels[None, :] * total[:, None]
    # relative tolerance: unit weights must reproduce the integer rank rule exactly
    target = target - 1e-10 * np.maximum(total[:, None], 1.0)
    idx = np.searchsorted(cum, target, side="left")
    n = s_sorted.shape[0]
    out = np.where(idx < n, s_sorted[np.minimum(idx, n - 1)], np.inf)
    if not allow_infinite and np.isinf(out).any():
        bad = np.isinf(out)
        raise ValueError(
            f"{where}: the weighted calibration scores cannot reach confidence_level="
            f"{levels[np.nonzero(bad)[1]].max():g} for {int(bad.any(axis=1).sum())} test point(s) "
            "(their weight is too large relative to the calibration weights). Add calibration "
            "data, lower confidence_level, or pass allow_infinite_bounds=True."
        )
    return out


def mondrian_conformal_quantile(scores, groups, test_groups, levels, *, weights=None, test_weights=None,
                                allow_infinite: bool = False):
    """Per-group (Mondrian) conformal quantiles, shape (m, L).

    Each test point gets the quantile computed from the calibration points of its own group
    (Vovk et al. 2005, ch. 4), which gives coverage within every group.

    Parameters
    ----------
    scores : ndarray, shape (n,)
    groups : ndarray, shape (n,)
        Group label of each calibration point.
    test_groups : ndarray, shape (m,)
        Group label of each test point; each must occur in ``groups``.
    levels : float or ndarray, shape (L,)
    weights, test_weights : ndarray, optional
        Covariate-shift weights (see :func:`weighted_conformal_quantile`).
    allow_infinite : bool, default False

    Returns
    -------
    ndarray, shape (m, L)

    Examples
    --------
    >>> s = np.array([1.0, 2.0, 3.0, 10.0, 20.0, 30.0])
    >>> g = np.array(["a", "a", "a", "b", "b", "b"])
    >>> mondrian_conformal_quantile(s, g, np.array(["b", "a"]), [0.5])
    array([[20.],
           [ 2.]])
    """
    levels = np.atleast_1d(np.asarray(levels, dtype=float))
    groups = np.asarray(groups)
    test_groups = np.asarray(test_groups)
    known = np.unique(groups)
    unseen = np.setdiff1d(np.unique(test_groups), known)
    if unseen.size:
        raise ValueError(
            f"groups {unseen.tolist()[:5]} occur at prediction but not in the calibration data; "
            "every test group needs calibration points of its own."
        )
    out = np.empty((test_groups.shape[0], levels.size))
    for g in np.unique(test_groups):
        cal = groups == g
        tst = test_groups == g
        where = f"group {g!r} of the calibration set"
        if weights is None:
            out[tst] = conformal_quantile(scores[cal], levels, allow_infinite=allow_infinite, where=where)[None, :]
        else:
            out[tst] = weighted_conformal_quantile(scores[cal], weights[cal], test_weights[tst], levels,
                                                   allow_infinite=allow_infinite, where=where)
    return out
