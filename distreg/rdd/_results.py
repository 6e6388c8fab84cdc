"""Results of an R3D fit: an rdrobust-style summary and plots."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._results import Summary

__all__ = ["R3DResults"]


class R3DResults:
    """Summary and plots of a fitted :class:`~distreg.rdd.R3D` (available as ``est.result_``).

    Attributes
    ----------
    table : pandas.DataFrame
        Per level: tau, the uniform and pointwise bands, the bandwidth and ``m_+``/``m_-``.

    Examples
    --------
    >>> from distreg.rdd import R3D
    >>> rng = np.random.default_rng(0); x = rng.uniform(-1, 1, 300)
    >>> est = R3D(quantiles=[0.25, 0.5, 0.75], random_state=0, tests=["nullity"]).fit(
    ...     x, [rng.normal(x_i >= 0, 1, 30) for x_i in x])
    >>> list(est.result_.table.columns[:3])
    ['level', 'tau', 'uniform_lower']
    >>> "Tests" in str(est.result_.summary())
    True
    """

    def __init__(self, estimator):
        self._est = estimator
        e = estimator
        cols = {"level": e.quantiles_, "tau": e.tau_}
        if e.band_ is not None:
            cols.update(uniform_lower=e.band_[:, 0], uniform_upper=e.band_[:, 1],
                        pointwise_lower=e.pointwise_band_[:, 0], pointwise_upper=e.pointwise_band_[:, 1])
        cols.update(bandwidth=e.bandwidth_, m_plus=e.m_plus_, m_minus=e.m_minus_)
        self.table = pd.DataFrame(cols)

    def _blocks(self, n_blocks):
        lv = self._est.quantiles_
        # the block (k/n, (k+1)/n] of each level, so the cost grows with the levels, not n_blocks;
        # the factor keeps a level such as 0.3 (0.3 * 10 = 3.0000000000000004) in (0.2, 0.3]
        index = np.clip(np.ceil(lv * n_blocks * (1 - 1e-12)).astype(np.int64) - 1, 0, n_blocks - 1)
        digits = max(2, len(str(n_blocks)) - 1)  # enough to tell the block edges apart
        rows = []
        for k in np.unique(index):
            a, b = k / n_blocks, (k + 1) / n_blocks
            sel = index == k
            t = self.table[sel]
            row = {"levels": f"({a:.{digits}f}, {b:.{digits}f}]", "n_levels": int(sel.sum()), "tau": t.tau.mean()}
            if "uniform_lower" in t:
                row.update({"uniform_lower": t.uniform_lower.mean(), "uniform_upper": t.uniform_upper.mean()})
            row["bandwidth"] = t.bandwidth.mean()
            rows.append(row)
        return pd.DataFrame(rows).set_index("levels")

    def summary(self, n_blocks=10):
        """rdrobust-style summary: design, counts per side, bandwidths, effects averaged over level
        blocks (with the averaged uniform band) and the test table.

        Parameters
        ----------
        n_blocks : int, default 10
            Number of equal-width blocks of levels in (0, 1].

        Returns
        -------
        distreg._results.Summary
        """
        from .._validation import check_int

        check_int(n_blocks, "n_blocks", minimum=1)
        e = self._est
        design = "fuzzy" if e.fuzzy else "sharp"
        info = [
            ("Design", f"{design} RD, {e.method}"),
            ("Cutoff", f"{float(e.cutoff):g}"),
            ("Units", str(e.n_units_)),
            ("Units left/right", f"{e.n_minus_}/{e.n_plus_}"),
            ("Eff. units l/r", f"{e.n_effective_[0]}/{e.n_effective_[1]}"),
            ("Kernel", e.kernel),
            ("Order p (bw s)", f"{e.p} ({e.s})"),
            ("Bandwidth", "MSE plug-in" if isinstance(e.bandwidth, str) else "fixed"),
            ("Median bandwidth", f"{np.median(e.bandwidth_):.4g}"),
            ("Levels", f"{len(e.quantiles_)} in [{e.quantiles_[0]:.3g}, {e.quantiles_[-1]:.3g}]"),
        ]
        if e.fuzzy:
            info.append(("Treatment jump", f"{e.treatment_jump_:.4g}"))
            info.append(("Bandwidth (treat.)", f"{e.bandwidth_den_:.4g}"))
        if e.band_ is not None:
            info.append(("Bootstrap draws", str(e.inference_.n_boot)))
            info.append(("Uniform crit. value", f"{e.critical_value_:.4g}"))
            if e.n_clusters_ is not None:
                info.append(("Clusters", str(e.n_clusters_)))
        info.append(("Compatibility", e.compat))
        tables = [(f"Quantile treatment effects averaged over level blocks "
                   f"({100 * e.confidence_level:g}% uniform band)", self._blocks(n_blocks))]
        if e.test_results_ is not None and len(e.test_results_):
            tables.append(("Tests (bootstrap p-values)", e.test_results_.drop(columns="estimate")))
        return Summary("R3D: regression discontinuity with distribution-valued outcomes", info, tables)

    def plot(self, ax=None, **kwargs):
        """tau(q) with the uniform band, the pointwise band and a zero line."""
        from ..plotting.rdd import plot_r3d_effects

        return plot_r3d_effects(self._est, ax=ax, **kwargs)

    def plot_boundary(self, ax=None, **kwargs):
        """The two boundary quantile functions ``m_-`` and ``m_+``."""
        from ..plotting.rdd import plot_r3d_boundary

        return plot_r3d_boundary(self._est, ax=ax, **kwargs)
