"""Plots for the nonparametric estimators: ECDF steps with DKW bands, 1-D and 2-D densities."""

from __future__ import annotations

import numpy as np

from ._axes import get_axes

__all__ = ["plot_ecdf", "plot_density"]


def plot_ecdf(ecdf, ax=None, confidence_level=0.95, label="ECDF", color="C0"):
    """Step plot of a fitted 1-D :class:`~distreg.nonparametric.ECDF` with its DKW band.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from distreg.nonparametric import ECDF
    >>> ax = plot_ecdf(ECDF().fit([1.0, 2.0, 2.0, 4.0]))
    >>> ax.get_ylabel()
    'F(x)'
    """
    ax = get_axes(ax)
    x, lo, hi = ecdf.confidence_band(confidence_level)
    F = ecdf.evaluate(x)
    ax.step(np.r_[x[0], x], np.r_[0.0, F], where="post", color=color, label=label)
    if confidence_level is not None:
        ax.fill_between(x, lo, hi, step="post", color=color, alpha=0.2, linewidth=0,
                        label=f"{confidence_level:.0%} DKW band")
    ax.set_xlabel("x")
    ax.set_ylabel("F(x)")
    ax.set_ylim(-0.02, 1.02)
    return ax


def plot_density(kde, ax=None, n_points=256, label=None, color=None, levels=8):
    """Density of a fitted :class:`~distreg.nonparametric.KernelDensity`: a curve in 1-D,
    filled contours in 2-D.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np
    >>> from distreg.nonparametric import KernelDensity
    >>> kde = KernelDensity(bandwidth=0.5).fit(np.arange(10.0))
    >>> plot_density(kde).get_ylabel()
    'density'
    """
    ax = get_axes(ax)
    d = kde.n_features_in_
    if d == 1:
        grid, dens = kde.evaluate_grid(n_points)
        ax.plot(grid, dens, label=label, color=color)
        ax.set_xlabel("x")
        ax.set_ylabel("density")
        return ax
    if d != 2:
        raise ValueError(f"plot_density draws 1-D or 2-D densities; this one has d = {d}.")
    axes, dens = kde.evaluate_grid(n_points)
    cs = ax.contourf(axes[0], axes[1], dens.T, levels=levels, cmap="viridis")
    ax.figure.colorbar(cs, ax=ax, label="density")
    names = getattr(kde, "feature_names_in_", None)
    ax.set_xlabel(str(names[0]) if names is not None else "x0")
    ax.set_ylabel(str(names[1]) if names is not None else "x1")
    return ax
