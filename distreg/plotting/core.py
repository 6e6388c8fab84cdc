"""Generic plots: predictive distributions, intervals, PIT histogram, quantile calibration."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_1d, check_int, check_levels, check_option
from ._axes import get_axes

__all__ = ["plot_distribution", "plot_intervals", "plot_pit_histogram", "plot_quantile_calibration"]


def plot_distribution(distribution, rows=None, kind="pdf", grid=None, labels=None, ax=None):
    """Plot the density (or mass), cdf or survival function of some rows of a distribution.

    Parameters
    ----------
    distribution : Distribution
        Predictive distributions (one per row).
    rows : sequence of int, optional
        Which rows to draw (default: up to the first five).
    kind : {"pdf", "cdf", "sf"}
        What to draw; "pdf" draws the mass function for integer distributions.
    grid : array-like, optional
        Points at which to evaluate (default: the 0.1%-99.9% quantile range).
    labels : sequence of str, optional
        Legend labels per row.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from distreg.distributions import Normal
    >>> ax = plot_distribution(Normal([0.0, 1.0], [1.0, 0.5]))
    >>> len(ax.lines)
    2
    """
    check_option(kind, "kind", ["pdf", "cdf", "sf"])
    n = len(distribution)
    rows = list(range(min(n, 5))) if rows is None else [int(r) for r in rows]
    if any(r < 0 or r >= n for r in rows):
        raise ValueError(f"rows must be indices between 0 and {n - 1}.")
    sub = distribution[np.asarray(rows, dtype=int)]
    if grid is None:
        lo = np.nanmin(np.where(np.isfinite(sub.ppf(0.001)), sub.ppf(0.001), np.nan))
        hi = np.nanmax(np.where(np.isfinite(sub.ppf(0.999)), sub.ppf(0.999), np.nan))
        if distribution.discrete:
            grid = np.arange(np.floor(lo), np.ceil(hi) + 1)
        else:
            grid = np.linspace(lo, hi, 400)
    else:
        grid = check_1d(grid, "grid")
    values = {"pdf": (sub.pmf if distribution.discrete else sub.pdf) if kind == "pdf" else None,
              "cdf": sub.cdf, "sf": sub.sf}[kind]
    y = values(grid[None, :])
    ax = get_axes(ax)
    for i, r in enumerate(rows):
        label = labels[i] if labels is not None else f"row {r}"
        if distribution.discrete and kind == "pdf":
            ax.plot(grid, y[i], marker="o", ms=3, lw=0.8, label=label)
        elif distribution.discrete:
            ax.step(grid, y[i], where="post", label=label)
        else:
            ax.plot(grid, y[i], label=label)
    ax.set_xlabel("y")
    ax.set_ylabel({"pdf": "mass" if distribution.discrete else "density", "cdf": "P(Y ≤ y)",
                   "sf": "P(Y > y)"}[kind])
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_intervals(intervals, y_true=None, x=None, sort=True, ax=None, color="C0"):
    """Plot prediction intervals as vertical bars, with observed values if given.

    Parameters
    ----------
    intervals : array-like, shape (n, 2)
        Lower and upper bounds.
    y_true : array-like, shape (n,), optional
        Observed values; those outside their interval are drawn in red.
    x : array-like, shape (n,), optional
        Horizontal positions (default: rank of the interval midpoint when ``sort``).
    sort : bool
        Order by midpoint when ``x`` is not given.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_intervals([[0.0, 1.0], [0.5, 2.0]], y_true=[0.5, 3.0])
    >>> ax.get_ylabel()
    'y'
    """
    iv = as_float_array(intervals, "intervals", ndim=2)
    if iv.shape[1] != 2:
        raise ValueError(f"intervals must have shape (n, 2); got {iv.shape}.")
    n = iv.shape[0]
    if x is None:
        order = np.argsort(iv.mean(axis=1)) if sort else np.arange(n)
        xs = np.empty(n)
        xs[order] = np.arange(n)
    else:
        xs = check_1d(x, "x")
        if xs.shape[0] != n:
            raise ValueError(f"x has {xs.shape[0]} values but there are {n} intervals.")
    ax = get_axes(ax)
    ax.vlines(xs, iv[:, 0], iv[:, 1], color=color, alpha=0.5, lw=1.5, label="interval")
    if y_true is not None:
        y = check_1d(y_true, "y_true")
        if y.shape[0] != n:
            raise ValueError(f"y_true has {y.shape[0]} values but there are {n} intervals.")
        inside = (y >= iv[:, 0]) & (y <= iv[:, 1])
        ax.scatter(xs[inside], y[inside], s=8, color="k", label="observed (inside)")
        ax.scatter(xs[~inside], y[~inside], s=10, color="tab:red", label="observed (outside)")
        ax.set_title(f"coverage {inside.mean():.3f}")
    ax.set_xlabel("x" if x is not None else "rows ordered by interval midpoint")
    ax.set_ylabel("y")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_pit_histogram(y_true, distribution, bins=10, random_state=0, ax=None):
    """Histogram of probability integral transforms F_i(y_i); flat when calibrated.

    Integer distributions use the randomised PIT. A dashed line marks the uniform density.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    distribution : Distribution with n rows
    bins : int
    random_state : int, optional
        Seed of the randomised PIT (discrete distributions).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from distreg.distributions import Normal
    >>> y = np.random.default_rng(0).normal(size=500)
    >>> ax = plot_pit_histogram(y, Normal(np.zeros(500), np.ones(500)))
    >>> len(ax.patches)
    10
    """
    from ..metrics import pit

    bins = check_int(bins, "bins", minimum=1)
    u = pit(y_true, distribution, random_state=random_state)
    ax = get_axes(ax)
    ax.hist(u, bins=bins, range=(0, 1), density=True, color="C0", alpha=0.7, edgecolor="white")
    ax.axhline(1.0, color="k", ls="--", lw=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("PIT value")
    ax.set_ylabel("density")
    return ax


def plot_quantile_calibration(y_true, distribution, levels=None, ax=None):
    """Observed frequency of y <= predicted q-quantile against the nominal level q.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    distribution : Distribution with n rows
    levels : array-like, optional
        Nominal levels (default 0.05, 0.10, ..., 0.95).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from distreg.distributions import Normal
    >>> y = np.random.default_rng(0).normal(size=200)
    >>> ax = plot_quantile_calibration(y, Normal(np.zeros(200), np.ones(200)))
    >>> ax.get_xlabel()
    'nominal level'
    """
    levels = np.linspace(0.05, 0.95, 19) if levels is None else check_levels(levels, "levels")
    y = check_1d(y_true, "y_true")
    if y.shape[0] != len(distribution):
        raise ValueError(f"y_true has {y.shape[0]} values but the distribution has {len(distribution)} rows.")
    Q = distribution.ppf(levels[None, :])
    observed = (y[:, None] <= Q).mean(axis=0)
    ax = get_axes(ax)
    ax.plot([0, 1], [0, 1], color="k", ls="--", lw=1)
    ax.plot(levels, observed, marker="o", ms=4)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("nominal level")
    ax.set_ylabel("observed frequency of y ≤ quantile")
    return ax
