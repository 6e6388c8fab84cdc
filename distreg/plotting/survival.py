"""Survival plots: Kaplan–Meier steps, fitted survival/hazard curves by covariate pattern."""

from __future__ import annotations

import numpy as np

from ._axes import get_axes

__all__ = ["plot_kaplan_meier", "plot_survival_curves"]


def plot_kaplan_meier(km, ax=None, show_ci=True, label="Kaplan–Meier", color="black", **kwargs):
    """Step plot of a fitted :class:`~distreg.survival.KaplanMeier` with its confidence limits.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from distreg.survival import KaplanMeier
    >>> ax = plot_kaplan_meier(KaplanMeier().fit([1.0, 2.0, 3.0], [1, 0, 1]))
    >>> ax.get_ylabel()
    'survival'
    """
    ax = get_axes(ax)
    sf = km.survival_function_
    t = np.concatenate([[0.0], sf["time"].to_numpy()])
    s = np.concatenate([[1.0], sf["survival"].to_numpy()])
    ax.step(t, s, where="post", color=color, label=label, **kwargs)
    if show_ci:
        lo = np.concatenate([[1.0], sf["lower"].to_numpy()])
        hi = np.concatenate([[1.0], sf["upper"].to_numpy()])
        ax.fill_between(t, lo, hi, step="post", color=color, alpha=0.15, linewidth=0)
    ax.set_xlabel("time")
    ax.set_ylabel("survival")
    ax.set_ylim(-0.02, 1.02)
    return ax


def plot_survival_curves(times, values, labels=None, lower=None, upper=None, km=None, ax=None,
                         ylabel="survival"):
    """One curve per row of ``values`` (n, k) over ``times`` (k,), with optional bands and KM.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = plot_survival_curves(np.array([1.0, 2.0]), np.array([[0.9, 0.7], [0.8, 0.5]]),
    ...                           labels=["a", "b"])
    >>> len(ax.get_lines())
    2
    """
    ax = get_axes(ax)
    values = np.atleast_2d(values)
    if km is not None:
        kms = km if isinstance(km, (list, tuple)) else [km]
        for j, k in enumerate(kms):
            plot_kaplan_meier(k, ax=ax, show_ci=False, label="Kaplan–Meier" if j == 0 else None,
                              color="0.4", linewidth=1)
    for i, row in enumerate(values):
        lab = None if labels is None else labels[i]
        (line,) = ax.plot(times, row, label=lab)
        if lower is not None and upper is not None:
            ax.fill_between(times, lower[i], upper[i], color=line.get_color(), alpha=0.15, linewidth=0)
    ax.set_xlabel("time")
    ax.set_ylabel(ylabel)
    if labels is not None or km is not None:
        ax.legend(frameon=False)
    return ax
