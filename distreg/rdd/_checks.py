"""Input checks shared by the R3D estimator and the bandwidth selector."""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import as_float_array, check_1d, check_levels

__all__ = ["check_rdd_inputs", "check_treatment", "check_cutoff"]


def check_cutoff(cutoff) -> float:
    """Return the cutoff as a finite float."""
    if isinstance(cutoff, bool) or not isinstance(cutoff, numbers.Real) or not np.isfinite(cutoff):
        raise TypeError(f"cutoff must be a finite real number; got {cutoff!r}.")
    return float(cutoff)


def check_treatment(treatment, n: int):
    """Treatment indicators as a float 0/1 array of length n."""
    t = check_1d(treatment, "treatment")
    if t.shape[0] != n:
        raise ValueError(f"treatment has {t.shape[0]} entries but there are {n} units; pass one per unit.")
    if not np.all((t == 0) | (t == 1)):
        bad = np.unique(t[(t != 0) & (t != 1)])[:5]
        raise ValueError(
            f"treatment must be 0/1 (received treatment or not) in the fuzzy design; got values "
            f"such as {bad.tolist()}."
        )
    return t


def check_rdd_inputs(x, Q, quantiles, *, cutoff, treatment=None, order=2):
    """Validate running variable, quantile matrix, levels and treatment; return new arrays."""
    cutoff = check_cutoff(cutoff)
    x = check_1d(x, "x")
    Q = as_float_array(Q, "Q", ndim=(1, 2))
    if Q.ndim == 1:
        Q = Q[:, None]
    levels = check_levels(quantiles, "quantiles")
    if np.any(np.diff(levels) <= 0):
        raise ValueError(
            "quantiles must be strictly increasing (sorted, no duplicates); pass np.sort(np.unique(q)) "
            "and reorder the columns of Q accordingly."
        )
    if Q.shape[0] != x.shape[0]:
        raise ValueError(f"Q has {Q.shape[0]} rows but x has {x.shape[0]} units; pass one row per unit.")
    if Q.shape[1] != levels.size:
        raise ValueError(
            f"Q has {Q.shape[1]} columns but quantiles has {levels.size} level(s); pass one column of Q "
            "per level."
        )
    n_plus = int(np.sum(x >= cutoff))
    n_minus = int(np.sum(x < cutoff))
    if n_plus == 0 or n_minus == 0:
        side = "at or above" if n_plus == 0 else "below"
        raise ValueError(
            f"All units are on one side of the cutoff {cutoff}: no unit has x {side} it. "
            "Check the cutoff and the running variable."
        )
    for name, mask in (("right (x >= cutoff)", x >= cutoff), ("left (x < cutoff)", x < cutoff)):
        distinct = np.unique(x[mask]).size
        if distinct < order + 1:
            raise ValueError(
                f"Too few units on the {name} side for a polynomial of order {order}: "
                f"{distinct} distinct running-variable values, at least {order + 1} needed. "
                "Lower p (and s) or collect more units."
            )
    if treatment is not None:
        treatment = check_treatment(treatment, x.shape[0])
    return x, Q, levels, treatment
