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
import warnings

import numpy as np

from .._validation import check_1d, check_confidence_level, check_int, check_levels
from ..exceptions import InfiniteBoundsWarning

__all__ = [
    "InfiniteBoundsWarning",
    "conformal_rank",
    "n_required",
    "conformal_quantile",
    "weighted_conformal_quantile",
    "mondrian_conformal_quantile",
    "check_calibration_size",
    "too_small_message",
]

# ``level * (n + 1)`` is rounded to this many decimals before the ceiling, so that a product
# that is an integer in exact arithmetic (0.9 * 100) is not pushed to the next integer by a
# rounding error in the last bit.
_DECIMALS = 9


def _single_level(level, name: str) -> float:
    """One number strictly inside (0, 1)."""
    value = check_confidence_level(level, name)
    if np.ndim(value) != 0:
        raise ValueError(f"{name} must be a single number in (0, 1); got {level!r}.")
    return value


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r}.")
    return bool(value)


def _rank(n: int, level: float) -> int:
    return int(math.ceil(round(level * (n + 1), _DECIMALS)))


def _side(levels):
    """Level of each side of a two-sided (equal-tailed) interval at ``levels``."""
    return 1 - (1 - np.asarray(levels, dtype=float)) / 2


def conformal_rank(n: int, level: float) -> int:
    """Rank k = ceil((n + 1) * level) of the conformal quantile among n scores.

    Parameters
    ----------
    n : int
        Number of calibration scores (>= 0).
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
    return _rank(check_int(n, "n", minimum=0), _single_level(level, "level"))


# beyond this many points ``level * (n + 1)`` is no longer exact enough in floating point to
# decide the ceiling; such a level cannot be calibrated in practice
_MAX_REQUIRED = 2**50


def _n_required(level: float) -> int:
    # ceil((n + 1) L) <= n  <=>  n >= L / (1 - L); the rounding of _rank accepts products up to
    # 5e-10 above an integer, which lowers the bound by up to 5e-10 / (1 - L). The condition is
    # monotone in n, so bisect between the two bounds (a few dozen steps at most).
    bound = level / (1.0 - level)
    if bound > _MAX_REQUIRED:
        raise ValueError(
            f"level={level!r} is too close to 1: its conformal quantile would need about "
            f"{bound:.3g} calibration points. Use a level further from 1."
        )
    lo = max(0, int(math.floor((level - 1e-9) / (1.0 - level))) - 2)  # fails (or is 0)
    hi = int(math.ceil(bound)) + 2  # passes
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid >= 1 and _rank(mid, level) <= mid:
            hi = mid
        else:
            lo = mid
    return hi


def n_required(level: float) -> int:
    """Smallest calibration size n whose conformal quantile at ``level`` is finite.

    It is the smallest n with ceil((n + 1) * level) <= n, i.e. n >= level / (1 - level), found by
    bisection (no loop over n). The rank rule tolerates 1e-9 in (n + 1) * level, so up to about
    a million points the answer is exact, and beyond that within a few points.

    Parameters
    ----------
    level : float
        Target coverage in (0, 1).

    Returns
    -------
    int

    Examples
    --------
    >>> n_required(0.9), n_required(0.95), n_required(0.5)
    (9, 19, 1)
    """
    return _n_required(_single_level(level, "level"))


def too_small_message(n: int, level: float, where: str = "the calibration set", *, two_sided: bool = False) -> str:
    """Error message for a calibration set too small for a confidence level.

    With ``two_sided`` each side of the interval is calibrated at 1 - (1 - level)/2, which is
    what the count of required points refers to.
    """
    side = float(_side(level)) if two_sided else level
    detail = f" (each side calibrated at {side:g})" if two_sided else ""
    return (
        f"{where} has {n} point(s), too few for confidence_level={level:g}{detail}: the conformal "
        f"quantile needs at least {_n_required(side)} points. Add calibration data, lower "
        "confidence_level, or pass allow_infinite_bounds=True to get infinite bounds (with an "
        "InfiniteBoundsWarning)."
    )


def check_calibration_size(n: int, levels, *, two_sided: bool = False, allow_infinite: bool = False,
                           where: str = "the calibration set") -> bool:
    """The one rule of every conformal class for a calibration set too small for a level.

    Without ``allow_infinite`` a level whose conformal quantile would be +inf is a
    ``ValueError`` that says how many points are needed; with it the bounds become infinite and
    an :class:`InfiniteBoundsWarning` says so.

    Parameters
    ----------
    n : int
        Number of calibration scores.
    levels : float or array-like
        Confidence levels asked for.
    two_sided : bool, default False
        The two sides of the interval are calibrated separately at 1 - (1 - level)/2.
    allow_infinite : bool, default False
    where : str
        Name of the calibration set in messages.

    Returns
    -------
    bool
        True when every level has a finite quantile.

    Examples
    --------
    >>> check_calibration_size(20, [0.5, 0.9])
    True
    >>> check_calibration_size(5, 0.9)
    Traceback (most recent call last):
    ...
    ValueError: the calibration set has 5 point(s), too few for confidence_level=0.9: the conformal quantile needs at least 9 points. Add calibration data, lower confidence_level, or pass allow_infinite_bounds=True to get infinite bounds (with an InfiniteBoundsWarning).
    """
    levels = np.atleast_1d(np.asarray(levels, dtype=float))
    side = _side(levels) if two_sided else levels
    short = [i for i, s in enumerate(side) if _rank(n, float(s)) > n]
    if not short:
        return True
    worst = float(levels[max(short, key=lambda i: side[i])])
    message = too_small_message(n, worst, where, two_sided=two_sided)
    if not allow_infinite:
        raise ValueError(message)
    warnings.warn(message.split(". Add calibration data")[0] + "; the bounds are infinite "
                  "(allow_infinite_bounds=True).", InfiniteBoundsWarning, stacklevel=3)
    return False


def conformal_quantile(scores, levels, *, allow_infinite: bool = False, where: str = "scores"):
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
    scores = check_1d(scores, "scores")
    levels = check_levels(levels, "levels")
    allow_infinite = _check_flag(allow_infinite, "allow_infinite")
    return _conformal_quantile(scores, levels, allow_infinite, str(where))


def _conformal_quantile(scores, levels, allow_infinite, where):
    n = scores.shape[0]
    ranks = np.array([_rank(n, lv) for lv in levels])
    out = np.full(levels.shape, np.inf)
    finite = ranks <= n
    if not finite.all() and not allow_infinite:
        level = float(levels[~finite].max())
        raise ValueError(
            f"{where} holds {n} score(s), too few for the level {level:g}: its conformal quantile needs "
            f"at least {_n_required(level)} scores. Pass more scores, lower levels, or pass "
            "allow_infinite=True to get +inf.")
    if finite.any():
        kth = np.unique(ranks[finite] - 1)
        part = np.partition(scores, kth)
        out[finite] = part[ranks[finite] - 1]
    return out


def weighted_conformal_quantile(scores, weights, test_weights, levels, *, allow_infinite: bool = False,
                                where: str = "scores"):
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
    scores = check_1d(scores, "scores")
    w = _check_weights(weights, scores.shape[0], "weights", "scores")
    if not (w > 0).any():
        raise ValueError("weights are zero everywhere; at least one calibration weight must be positive.")
    tw = _check_weights(test_weights, None, "test_weights")
    levels = check_levels(levels, "levels")
    allow_infinite = _check_flag(allow_infinite, "allow_infinite")
    return _weighted_conformal_quantile(scores, w, tw, levels, allow_infinite, str(where),
                                        ("weights", "test_weights", "allow_infinite"))


def _check_weights(weights, n, name, against=None):
    """Non-negative finite weights as a new 1-D array, one per entry of ``against`` (n of them)."""
    w = check_1d(weights, name)
    if n is not None and w.shape[0] != n:
        raise ValueError(f"{name} has {w.shape[0]} entries but {against} has {n}; pass one weight per entry.")
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative (likelihood ratios); {int((w < 0).sum())} are negative.")
    return w


def _weighted_conformal_quantile(scores, w, tw, levels, allow_infinite, where,
                                 names=("weights", "test_weights", "allow_infinite")):
    """``names``: how the calibration weights, test weights and the opt-out are called in messages."""
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
        cal_name, test_name, allow_name = names
        raise ValueError(
            f"{where}: the weighted scores cannot reach the level {levels[np.nonzero(bad)[1]].max():g} "
            f"for {int(bad.any(axis=1).sum())} test point(s): their {test_name} are too large relative "
            f"to the sum of the {cal_name}. Add calibration data, lower the level, or pass "
            f"{allow_name}=True."
        )
    return out


def _label(value):
    """A group label as a plain Python value (np.float64(1.0) is shown as 1.0)."""
    return value.item() if isinstance(value, np.generic) else value


def mondrian_conformal_quantile(scores, groups, test_groups, levels, *, weights=None, test_weights=None,
                                allow_infinite: bool = False, names=("weights", "test_weights", "allow_infinite")):
    """Per-group (Mondrian) conformal quantiles, shape (m, L) (inputs already validated).

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
    names : tuple of str
        How the calibration weights, the test weights and ``allow_infinite`` are called in
        messages.

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
        where = f"group {_label(g)!r} of the calibration set"
        if weights is None:
            out[tst] = _conformal_quantile(scores[cal], levels, allow_infinite, where)[None, :]
        else:
            out[tst] = _weighted_conformal_quantile(scores[cal], weights[cal], test_weights[tst], levels,
                                                    allow_infinite, where, names)
    return out
