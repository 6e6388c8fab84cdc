"""Plots for conformal prediction: coverage against width, and intervals along a covariate."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ._axes import get_axes

__all__ = ["plot_coverage_width", "plot_intervals_by_x"]


def plot_coverage_width(coverage, width, labels, target=None, ax=None):
    """Scatter of empirical coverage against mean interval width, one point per method.

    Parameters
    ----------
    coverage, width : array-like, shape (k,)
    labels : list of str, length k
    target : float, optional
        Nominal coverage, drawn as a horizontal line.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_coverage_width([0.9, 0.92], [1.0, 1.3], ["split", "cqr"], target=0.9)
    >>> ax.get_xlabel()
    'mean interval width'
    """
    cov = as_float_array(coverage, "coverage", ndim=1)
    wid = as_float_array(width, "width", ndim=1)
    if cov.shape != wid.shape or len(labels) != cov.size:
        raise ValueError("coverage, width and labels must have the same length (one per method).")
    ax = get_axes(ax)
    ax.scatter(wid, cov, color="C0")
    for x, y, lab in zip(wid, cov, labels):
        ax.annotate(str(lab), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    if target is not None:
        ax.axhline(float(target), color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel("mean interval width")
    ax.set_ylabel("empirical coverage")
    return ax


def plot_intervals_by_x(x, intervals, y_true=None, label=None, ax=None, color="C0"):
    """Prediction intervals as a band along a covariate (sorted by x), with observations.

    Parameters
    ----------
    x : array-like, shape (n,)
    intervals : array-like, shape (n, 2)
        Finite lower and upper bounds.
    y_true : array-like, shape (n,), optional
    label : str, optional
    ax : matplotlib Axes, optional
    color : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_intervals_by_x([0, 1, 2], [[0, 1], [1, 3], [2, 5]], y_true=[0.5, 2, 6], label="split")
    >>> ax.get_xlabel()
    'x'
    """
    xv = as_float_array(x, "x", ndim=1)
    iv = as_float_array(intervals, "intervals", ndim=2)
    if iv.shape != (xv.size, 2):
        raise ValueError(f"intervals must have shape ({xv.size}, 2); got {iv.shape}.")
    order = np.argsort(xv, kind="stable")
    ax = get_axes(ax)
    ax.fill_between(xv[order], iv[order, 0], iv[order, 1], color=color, alpha=0.25, label=label)
    if y_true is not None:
        yv = as_float_array(y_true, "y_true", ndim=1)
        ax.scatter(xv, yv, s=6, color="black")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if label is not None:
        ax.legend()
    return ax
