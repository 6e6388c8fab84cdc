"""Plots for quantile predictions: fan charts of predicted quantiles and aggregation weights."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_1d, check_levels
from ._axes import get_axes

__all__ = ["plot_quantile_fan", "plot_aggregation_weights"]


def plot_quantile_fan(x, quantiles, levels, y_true=None, x_obs=None, ax=None, color="C0", label=None):
    """Fan chart: shaded bands between symmetric pairs of predicted quantiles along ``x``.

    Parameters
    ----------
    x : array-like, shape (n,)
        Positions (e.g. a covariate); the rows are sorted by ``x`` before drawing.
    quantiles : array-like, shape (n, k)
        Predicted quantiles, one column per level.
    levels : array-like, shape (k,)
        Increasing levels in (0, 1). Pairs (τ, 1 - τ) become bands, darker towards the centre;
        the 0.5 level (if present) is drawn as a line.
    y_true : array-like, optional
        Observations, drawn as points at ``x_obs`` (default ``x``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> x = np.linspace(0, 1, 20)
    >>> Q = x[:, None] + np.array([-1.0, 0.0, 1.0])[None, :]
    >>> ax = plot_quantile_fan(x, Q, [0.1, 0.5, 0.9])
    >>> len(ax.collections), len(ax.lines)
    (1, 1)
    """
    xs = check_1d(x, "x")
    Q = as_float_array(quantiles, "quantiles", ndim=2)
    lv = check_levels(levels, "levels", strictly_increasing=True)
    if Q.shape != (xs.shape[0], lv.size):
        raise ValueError(f"quantiles must have shape ({xs.shape[0]}, {lv.size}); got {Q.shape}.")
    order = np.argsort(xs, kind="stable")
    xs, Q = xs[order], Q[order]
    ax = get_axes(ax)
    pairs = [(i, int(np.argmin(np.abs(lv - (1 - t))))) for i, t in enumerate(lv) if t < 0.5]
    pairs = [(i, j) for i, j in pairs if np.isclose(lv[j], 1 - lv[i], atol=1e-9)]
    for rank, (i, j) in enumerate(pairs):
        alpha = 0.15 + 0.5 * (rank + 1) / (len(pairs) + 1)
        ax.fill_between(xs, Q[:, i], Q[:, j], color=color, alpha=alpha, lw=0,
                        label=f"{label + ' ' if label else ''}{lv[j] - lv[i]:.0%} band" if rank == 0 else None)
    med = np.flatnonzero(np.isclose(lv, 0.5, atol=1e-9))
    if med.size:
        ax.plot(xs, Q[:, med[0]], color=color, lw=1.5, label=f"{label} median" if label else "median")
    if y_true is not None:
        y = check_1d(y_true, "y_true")
        xo = check_1d(x if x_obs is None else x_obs, "x_obs")
        if xo.shape[0] != y.shape[0]:
            raise ValueError("y_true and x_obs (or x) must have the same length.")
        ax.scatter(xo, y, s=6, color="k", alpha=0.5, label="observed")
    ax.set_ylabel("y")
    ax.legend(frameon=False, fontsize="small")
    return ax


def plot_aggregation_weights(weights, ax=None):
    """Line plot of aggregation weights per model against the quantile level.

    Parameters
    ----------
    weights : pandas.DataFrame or Series
        ``QuantileAggregator.weights_`` of a coarse (Series) or medium (levels × models) scheme.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib, pandas as pd
    >>> matplotlib.use("Agg")
    >>> w = pd.DataFrame({"a": [0.2, 0.7], "b": [0.8, 0.3]}, index=[0.1, 0.9])
    >>> len(plot_aggregation_weights(w).lines)
    2
    """
    import pandas as pd

    ax = get_axes(ax)
    if isinstance(weights, pd.Series):
        ax.bar(range(len(weights)), weights.to_numpy(), tick_label=[str(i) for i in weights.index])
        ax.set_ylabel("weight")
        return ax
    if not isinstance(weights, pd.DataFrame) or isinstance(weights.columns, pd.MultiIndex):
        raise TypeError("weights must be the weights_ of a coarse (Series) or medium (DataFrame "
                        "levels x models) aggregator; for fine schemes plot weights_ as an image.")
    for col in weights.columns:
        ax.plot(weights.index.to_numpy(dtype=float), weights[col].to_numpy(), marker="o", ms=3, label=str(col))
    ax.set_xlabel("quantile level")
    ax.set_ylabel("weight")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(frameon=False, fontsize="small")
    return ax
