"""Input checks and weighting shared by the metric functions."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_1d, check_levels, check_sample_weight

__all__ = ["check_distribution", "check_quantile_matrix", "reduce_scores", "check_y"]


def check_y(y_true, name: str = "y_true"):
    """``y_true`` as a new finite 1-D float array."""
    return check_1d(y_true, name)


def check_distribution(distribution, n: int, name: str = "distribution"):
    """Check that ``distribution`` is a distreg Distribution with one row per observation."""
    from ..distributions import Distribution

    if not isinstance(distribution, Distribution):
        raise TypeError(
            f"{name} must be a distreg Distribution (e.g. the output of "
            f"estimator.predict_distribution(X)); got {type(distribution).__name__}."
        )
    if len(distribution) != n:
        raise ValueError(
            f"{name} has {len(distribution)} rows but y_true has {n} entries; pass one predictive "
            "distribution per observation."
        )
    return distribution


def check_quantile_matrix(y_quantiles, quantiles, n: int, *, name: str = "y_quantiles"):
    """Return (Q of shape (n, k), levels of shape (k,)), both new arrays.

    A 1-D ``y_quantiles`` of length n is one level per row (``quantiles`` a scalar or one level).
    """
    levels = check_levels(quantiles, "quantiles")
    Q = as_float_array(y_quantiles, name, ndim=(1, 2))
    if Q.ndim == 1:
        if levels.size != 1:
            raise ValueError(
                f"{name} is 1-D but quantiles has {levels.size} levels; pass an array of "
                f"shape (n, {levels.size}) with one column per level."
            )
        Q = Q[:, None]
    if Q.shape[0] != n:
        raise ValueError(f"{name} has {Q.shape[0]} rows but y_true has {n} entries.")
    if Q.shape[1] != levels.size:
        raise ValueError(
            f"{name} has {Q.shape[1]} columns but quantiles has {levels.size} level(s); "
            "pass one column per level."
        )
    return Q, levels


def reduce_scores(values, sample_weight, average: bool, rows: str = "y_true"):
    """Weighted mean of per-observation scores (axis 0), or the scores themselves.

    ``rows`` names the argument whose rows the weights must match, for the message.
    """
    n = values.shape[0]
    if sample_weight is not None and np.ndim(sample_weight) == 1 and len(sample_weight) != n:
        raise ValueError(f"sample_weight has {len(sample_weight)} entries but {rows} has {n} rows; "
                         "pass one weight per observation.")
    w = check_sample_weight(sample_weight, n)
    if not isinstance(average, (bool, np.bool_)):
        raise TypeError(f"average must be True or False; got {average!r}.")
    if not average:
        return values
    out = np.tensordot(w, values, axes=(0, 0)) / w.sum()
    return float(out) if np.ndim(out) == 0 else out
