"""Diagnostics for integer-valued predictions: the hanging rootogram (Kleiber & Zeileis 2016)."""

from __future__ import annotations

import numpy as np

from .._validation import check_1d
from ._axes import get_axes

__all__ = ["rootogram_table", "plot_rootogram"]


def rootogram_table(y_true, distribution, values=None):
    """Observed and expected frequencies of each integer value (expected = Σ_i P_i(k)).

    Parameters
    ----------
    y_true : array-like of integers, shape (n,)
    distribution : Distribution
        Discrete predictive distributions, one per observation.
    values : array-like of integers, optional
        Values to tabulate (default: min(y) .. max(y)).

    Returns
    -------
    values, observed, expected : ndarray

    Examples
    --------
    >>> from distreg.distributions import Poisson
    >>> k, obs, exp = rootogram_table([0, 1, 1, 2], Poisson([1.0, 1.0, 1.0, 1.0]))
    >>> k.tolist(), obs.tolist(), exp.round(3).tolist()
    ([0, 1, 2], [1, 2, 1], [1.472, 1.472, 0.736])
    """
    y = check_1d(y_true, "y_true")
    if np.any(y != np.floor(y)):
        raise ValueError("y_true must hold integers for a rootogram.")
    if not getattr(distribution, "discrete", False):
        raise TypeError("a rootogram needs discrete predictive distributions (a pmf).")
    if len(distribution) != y.shape[0]:
        raise ValueError(f"y_true has {y.shape[0]} entries but the distribution has {len(distribution)} rows.")
    if values is None:
        values = np.arange(int(y.min()), int(y.max()) + 1)
    k = check_1d(values, "values")
    observed = np.array([(y == v).sum() for v in k])
    expected = np.zeros(k.shape[0])
    for start in range(0, y.shape[0], 2000):
        expected += distribution[np.arange(start, min(start + 2000, y.shape[0]))].pmf(k[None, :]).sum(axis=0)
    return k.astype(int), observed.astype(int), expected


def plot_rootogram(y_true, distribution, values=None, ax=None, color="C0"):
    """Hanging rootogram: bars of √observed hang from the curve √expected.

    A bar ending above zero means fewer observations than expected at that value, below zero
    more (Kleiber & Zeileis 2016, "Visualizing count data regressions using rootograms").

    Parameters
    ----------
    y_true : array-like of integers, shape (n,)
    distribution : Distribution
        Discrete predictive distributions, one per observation.
    values : array-like of integers, optional
        Values to show (default: min(y) .. max(y)).
    ax : matplotlib Axes, optional
    color : str
        Bar colour.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from distreg.distributions import Poisson
    >>> ax = plot_rootogram([0, 1, 1, 2, 5], Poisson([1.0] * 5))
    >>> len(ax.patches)
    6
    """
    k, obs, exp = rootogram_table(y_true, distribution, values)
    ax = get_axes(ax)
    top = np.sqrt(exp)
    ax.bar(k, np.sqrt(obs), bottom=top - np.sqrt(obs), width=0.8, color=color, alpha=0.6,
           edgecolor="none", label="√observed (hanging)")
    ax.plot(k, top, "o-", color="firebrick", ms=3, label="√expected")
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xlabel("value")
    ax.set_ylabel("√frequency")
    ax.legend(frameon=False)
    return ax
