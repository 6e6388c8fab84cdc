"""Step 1 of R3D: the unit-by-level matrix of empirical quantiles of each unit's micro sample."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array

__all__ = ["unit_quantile_matrix"]


def _ragged(samples, name):
    """Concatenate a list of 1-D samples (or the rows of a 2-D array) into values + offsets."""
    if isinstance(samples, np.ndarray) and samples.ndim == 2:
        arr = as_float_array(samples, name)
        if arr.shape[1] == 0:
            raise ValueError(f"{name} has no columns: units have no observations.")
        n, k = arr.shape
        return arr.reshape(-1), np.arange(n + 1, dtype=np.int64) * k
    if isinstance(samples, (str, bytes)) or not hasattr(samples, "__len__"):
        raise TypeError(
            f"{name} must be a list with one 1-D array of micro outcomes per unit "
            "(or a 2-D array with one row per unit)."
        )
    arrays = []
    for i, r in enumerate(samples):
        try:
            a = np.asarray(r, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{name}[{i}] must be numeric; got {type(r).__name__}.") from None
        if a.ndim > 1:
            raise ValueError(f"{name}[{i}] must be one-dimensional; got shape {a.shape}.")
        a = a.reshape(-1)
        if a.size == 0:
            raise ValueError(
                f"{name}[{i}] is empty: unit {i} has no observations; drop that unit or give it data."
            )
        arrays.append(a)
    if not arrays:
        raise ValueError(f"{name} is empty; pass one sample per unit.")
    sizes = np.array([a.size for a in arrays], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    values = np.concatenate(arrays)
    bad = ~np.isfinite(values)
    if bad.any():
        unit = int(np.searchsorted(offsets, np.flatnonzero(bad)[0], side="right") - 1)
        raise ValueError(
            f"{name} contains NaN or infinite values ({int(bad.sum())} in total, first in unit {unit}); "
            "remove or impute them first."
        )
    return values, offsets


def unit_quantile_matrix(samples, levels, weights=None):
    """Empirical quantiles of every unit's sample at ``levels``.

    Parameters
    ----------
    samples : list of 1-D arrays, or 2-D array (one row per unit)
        Micro outcomes of each unit.
    levels : ndarray, shape (m,)
        Levels in (0, 1).
    weights : list of 1-D arrays, optional
        Non-negative observation weights per unit (e.g. survey weights), same layout as
        ``samples``. Without weights the quantiles are type 7 (numpy ``method="linear"``); with
        weights the weighted analogue of :func:`distreg._kernels.quantiles.unit_quantiles_weighted`.

    Returns
    -------
    ndarray, shape (n_units, m)

    Examples
    --------
    >>> unit_quantile_matrix([[1.0, 2.0, 3.0], [0.0, 10.0]], np.array([0.25, 0.5]))
    array([[1.5, 2. ],
           [2.5, 5. ]])
    """
    from .._kernels.quantiles import unit_quantiles_type7, unit_quantiles_weighted

    values, offsets = _ragged(samples, "samples")
    levels = np.ascontiguousarray(levels, dtype=float)
    if weights is None:
        return unit_quantiles_type7(values, offsets, levels)
    wvalues, woffsets = _ragged(weights, "weights")
    if not np.array_equal(woffsets, offsets):
        raise ValueError(
            "weights must have the same layout as samples: one weight per micro observation."
        )
    if (wvalues < 0).any():
        raise ValueError("weights must be non-negative.")
    totals = np.add.reduceat(wvalues, offsets[:-1])
    if np.any(totals <= 0):
        i = int(np.flatnonzero(totals <= 0)[0])
        raise ValueError(f"weights[{i}] sums to zero; every unit needs a positive total weight.")
    return unit_quantiles_weighted(values, wvalues, offsets, levels)
