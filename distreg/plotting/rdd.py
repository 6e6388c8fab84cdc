"""Plots of R3D fits (regression discontinuity with distribution-valued outcomes)."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_r3d_effects", "plot_r3d_boundary"]


def plot_r3d_effects(estimator, ax=None, pointwise=True, color="C0"):
    """Plot tau(q) against q with the uniform band (shaded), the pointwise band and a zero line.

    Parameters
    ----------
    estimator : fitted distreg.rdd.R3D
    ax : matplotlib Axes, optional
    pointwise : bool, default True
        Also draw the pointwise band (dashed).
    color : str

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from distreg.rdd import R3D
    >>> rng = np.random.default_rng(0); x = rng.uniform(-1, 1, 200)
    >>> est = R3D(quantiles=[0.25, 0.5, 0.75], n_boot=50, random_state=0).fit(
    ...     x, [rng.normal(x_i >= 0, 1, 30) for x_i in x])
    >>> type(plot_r3d_effects(est)).__name__
    'Axes'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    q = estimator.quantiles_
    ax.plot(q, estimator.tau_, color=color, lw=2, label=r"$\hat\tau(q)$")
    if estimator.band_ is not None:
        lvl = 100 * estimator.confidence_level
        ax.fill_between(q, estimator.band_[:, 0], estimator.band_[:, 1], color=color, alpha=0.2,
                        label=f"{lvl:g}% uniform band")
        if pointwise:
            ax.plot(q, estimator.pointwise_band_[:, 0], color=color, ls="--", lw=1,
                    label=f"{lvl:g}% pointwise")
            ax.plot(q, estimator.pointwise_band_[:, 1], color=color, ls="--", lw=1)
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_xlabel("quantile level q")
    ax.set_ylabel("effect at the cutoff")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_r3d_boundary(estimator, ax=None, colors=("C1", "C2")):
    """Plot the two boundary quantile functions ``m_-(q)`` (left of the cutoff) and ``m_+(q)`` (right).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from distreg.rdd import R3D
    >>> rng = np.random.default_rng(0); x = rng.uniform(-1, 1, 200)
    >>> est = R3D(quantiles=[0.25, 0.5, 0.75], n_boot=0).fit(x, [rng.normal(x_i >= 0, 1, 30) for x_i in x])
    >>> len(plot_r3d_boundary(est).lines)
    2
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    q = estimator.quantiles_
    ax.plot(q, estimator.m_minus_, color=colors[0], lw=2, label=r"$\hat m_-(q)$ (below cutoff)")
    ax.plot(q, estimator.m_plus_, color=colors[1], lw=2, label=r"$\hat m_+(q)$ (at/above cutoff)")
    ax.set_xlabel("quantile level q")
    ax.set_ylabel("quantile at the cutoff")
    ax.legend(loc="best", fontsize="small")
    return ax
