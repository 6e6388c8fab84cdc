"""Monotone rearrangement of predicted quantiles (no quantile crossing).

Fakoor et al. (2023, JMLR 24, "Flexible Model Aggregation for Quantile Regression", §4) show
that post-sorting the predicted quantiles of each row, or replacing them by their isotonic
(pool-adjacent-violators) fit, can only lower the summed pinball loss / weighted interval
score, for every response value. Both are therefore safe to apply to any quantile prediction.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_option

__all__ = ["make_noncrossing", "NONCROSSING_METHODS"]

NONCROSSING_METHODS = ("sort", "pav")


def make_noncrossing(Q, method="sort"):
    """Make predicted quantiles non-decreasing along the level axis.

    Parameters
    ----------
    Q : array-like, shape (n, k) or (k,)
        Predicted quantiles, one row per observation, columns ordered by increasing level.
    method : {"sort", "pav"} or None, default "sort"
        ``"sort"`` sorts each row (the monotone rearrangement of Chernozhukov, Fernández-Val &
        Galichon 2010); ``"pav"`` replaces each row by its least-squares isotonic fit
        (pool-adjacent-violators, equal weights); ``None`` returns a copy unchanged. Neither
        method can increase the summed pinball loss (Fakoor et al. 2023, Proposition on
        post-sorting and post-isotonic regression).

    Returns
    -------
    ndarray of the same shape as ``Q`` (a new array; ``Q`` is not modified).

    Examples
    --------
    >>> import numpy as np
    >>> Q = np.array([[1.0, 3.0, 2.0, 4.0]])
    >>> make_noncrossing(Q, "sort")
    array([[1., 2., 3., 4.]])
    >>> make_noncrossing(Q, "pav")
    array([[1. , 2.5, 2.5, 4. ]])
    """
    arr = as_float_array(Q, "Q", ndim=(1, 2))
    if method is None:
        return arr
    check_option(method, "method", NONCROSSING_METHODS)
    squeeze = arr.ndim == 1
    if squeeze:
        arr = arr[None, :]
    if arr.shape[1] == 0:
        raise ValueError("Q has no columns; pass at least one quantile per row.")
    if method == "sort":
        out = np.sort(arr, axis=1)
    else:
        out = _pav_rows(arr)
    return out[0] if squeeze else out


def _pav_rows(Q):
    """Row-wise unweighted isotonic fit; rows that are already monotone are left untouched."""
    out = Q.copy()
    bad = np.any(np.diff(Q, axis=1) < 0, axis=1)
    if bad.any():
        from .._kernels.isotonic import pava_rows

        out[bad] = pava_rows(np.ascontiguousarray(Q[bad]), np.ones(Q.shape[1]))
    return out
