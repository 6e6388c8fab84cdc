"""Step 4 of R3D: multiplier bootstrap, uniform and pointwise bands, tests, Gini coefficients.

Algorithm 1 of Van Dijcke (2025) (after Chiang, Hsu & Sasaki 2019): with residuals e_i(q) of each
unit from its own side's fit and intercept weights w_i^{+/-}(q), a draw of the limiting process is

    G_b(q) = sum_i xi_i e_i(q) (w_i^+(q) - w_i^-(q)),   xi_i iid N(0, 1),

(one multiplier per cluster with clustered units). For the fuzzy design the delta method for the
ratio gives G_b <- (dt G_b - dm(q) D_b) / dt^2, D_b the same sum for the treatment residuals. The
uniform band is tau_hat(q) +/- c*, c* the ceil((1 - alpha)(B + 1))-th smallest of ``sup_q |G_b(q)|``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["gini_from_quantiles", "R3DInference", "multiplier_inference", "order_statistic_index"]


def gini_from_quantiles(levels, qf):
    """Gini coefficient of the distribution with quantile function ``qf`` at ``levels``.

    The quantile function is padded flat to levels 0 and 1, the mean and the Lorenz curve are
    integrated by the trapezoid rule and G = 1 - 2 * area under the Lorenz curve, clipped to
    [0, 1] (the R3D package's discretisation). Rows of a 2-D ``qf`` are handled at once.

    Parameters
    ----------
    levels : array-like (m,)
        Strictly increasing levels in [0, 1].
    qf : array-like (m,) or (k, m)
        Quantiles at ``levels`` (one row per distribution).

    Returns
    -------
    float or ndarray (k,)

    Raises
    ------
    ValueError
        If a row has a non-positive mean: the Gini coefficient is defined for non-negative
        outcomes (incomes, ...) with a positive mean.

    Examples
    --------
    >>> lv = np.arange(1, 100) / 100
    >>> round(float(gini_from_quantiles(lv, lv)), 6)
    0.333102
    """
    from .._validation import as_float_array

    levels = as_float_array(levels, "levels", ndim=1)
    if levels.size == 0 or np.any((levels < 0) | (levels > 1)) or np.any(np.diff(levels) <= 0):
        raise ValueError("levels must be a non-empty, strictly increasing sequence of levels in [0, 1].")
    qf = as_float_array(qf, "qf", ndim=(1, 2))
    if qf.shape[-1] != levels.size:
        raise ValueError(
            f"qf has {qf.shape[-1]} values per row but there are {levels.size} levels; pass one "
            "quantile per level."
        )
    g = _gini_rows(levels, np.atleast_2d(qf))
    if np.isnan(g).any():
        rows = np.flatnonzero(np.isnan(g))[:5].tolist()
        raise ValueError(
            f"qf has a non-positive mean (row(s) {rows}); the Gini coefficient is defined for "
            "non-negative outcomes with a positive mean."
        )
    return float(g[0]) if qf.ndim == 1 else g


def _gini_rows(levels, Q):
    """Gini coefficients of the rows of Q (NaN where a row's mean is not positive)."""
    lv = levels
    if lv[0] > 0:
        lv = np.concatenate([[0.0], lv])
        Q = np.concatenate([Q[:, :1], Q], axis=1)
    if lv[-1] < 1:
        lv = np.concatenate([lv, [1.0]])
        Q = np.concatenate([Q, Q[:, -1:]], axis=1)
    dp = np.diff(lv)
    pieces = 0.5 * (Q[:, 1:] + Q[:, :-1]) * dp
    mean = pieces.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        lorenz = np.concatenate([np.zeros((Q.shape[0], 1)), np.cumsum(pieces, axis=1)], axis=1) / mean[:, None]
        area = (0.5 * (lorenz[:, 1:] + lorenz[:, :-1]) * dp).sum(axis=1)
    g = np.clip(1.0 - 2.0 * area, 0.0, 1.0)
    return np.where(mean > 0, g, np.nan)


def order_statistic_index(confidence_level: float, B: int) -> int:
    """0-based index of the ceil(level * (B + 1))-th smallest of B draws (clipped to the largest)."""
    k = math.ceil(confidence_level * (B + 1) - 1e-12)
    return min(max(k, 1), B) - 1


@dataclass
class R3DInference:
    """Bootstrap inference of an R3D fit.

    Attributes
    ----------
    draws : ndarray (B, m)
        Bootstrap draws G_b(q) of the estimation error of tau.
    critical_value : float
        c*, the uniform critical value.
    band, pointwise_band : ndarray (m, 2)
        Uniform band tau +/- c* and pointwise bands tau +/- (per-level quantile of ``|G_b(q)|``).
    test_results : pandas.DataFrame
        One row per test and level range: test, range, statistic, critical_value, p_value.

    Examples
    --------
    >>> from distreg.rdd import R3D
    >>> rng = np.random.default_rng(0); x = rng.uniform(-1, 1, 200)
    >>> est = R3D(quantiles=[0.5], n_boot=50, random_state=0).fit(x, [rng.normal(0, 1, 20) for _ in x])
    >>> est.inference_.draws.shape
    (50, 1)
    """

    draws: np.ndarray
    critical_value: float
    band: np.ndarray
    pointwise_band: np.ndarray
    test_results: pd.DataFrame
    confidence_level: float
    n_boot: int
    extras: dict = field(default_factory=dict)


def _ranges(test_ranges, levels):
    if test_ranges is None:
        return [(float(levels[0]), float(levels[-1]))]
    from .._validation import as_float_array

    out = []
    if isinstance(test_ranges, (str, bytes)) or not hasattr(test_ranges, "__len__"):
        raise TypeError(
            f"test_ranges must be a list of level ranges such as [(0.1, 0.5), (0.5, 0.9)]; got {test_ranges!r}."
        )
    if len(test_ranges) == 0:
        raise ValueError("test_ranges is empty; pass None (all levels) or at least one range of levels.")
    if len(test_ranges) >= 2 and all(np.isscalar(r) for r in test_ranges):
        test_ranges = [test_ranges]
    for r in test_ranges:
        r = np.sort(as_float_array(r, "test_ranges", ndim=(0, 1)).reshape(-1))
        if r.size < 2:
            raise ValueError(f"test_ranges: each range needs at least two levels; got {r.tolist()}.")
        if r.min() < levels[0] - 1e-12 or r.max() > levels[-1] + 1e-12:
            raise ValueError(
                f"test_ranges: range {r.tolist()} leaves the estimated levels "
                f"[{levels[0]:g}, {levels[-1]:g}]; keep ranges inside them."
            )
        for a, b in zip(r[:-1], r[1:]):
            if np.sum((levels >= a - 1e-12) & (levels <= b + 1e-12)) < 2:
                raise ValueError(
                    f"test_ranges: [{a:g}, {b:g}] contains fewer than two estimated levels; widen it."
                )
            out.append((float(a), float(b)))
    return out


def multiplier_inference(xi, parts, tau, levels, *, confidence_level, tests, test_ranges,
                         m_plus, m_minus, fuzzy_parts=None, r3d_gini=False):
    """Bands and tests from a multiplier matrix ``xi`` of shape (n_units, B).

    ``parts``: dict with "plus" and "minus" (n, m) arrays e_i(q) w_i^{+/-}(q).
    ``fuzzy_parts``: dict with "den" (n,) e^T_i (w^{T+}_i - w^{T-}_i), "dm" (m,), "dt" float.
    """
    if "gini" in tests:
        nu_plus = xi.T @ parts["plus"]      # (B, m)
        nu_minus = xi.T @ parts["minus"]
        G = nu_plus - nu_minus
    else:
        nu_plus = nu_minus = None
        G = xi.T @ (parts["plus"] - parts["minus"])
    if fuzzy_parts is not None:
        D = xi.T @ fuzzy_parts["den"]       # (B,)
        dt = fuzzy_parts["dt"]
        G = (dt * G - fuzzy_parts["dm"][None, :] * D[:, None]) / dt**2
    B = G.shape[0]
    k = order_statistic_index(confidence_level, B)
    sup = np.max(np.abs(G), axis=1)
    cval = float(np.sort(sup)[k])
    band = np.column_stack([tau - cval, tau + cval])
    pw = np.sort(np.abs(G), axis=0)[k]
    pointwise = np.column_stack([tau - pw, tau + pw])

    rows = []
    ranges = _ranges(test_ranges, levels)
    for test in tests:
        if test == "gini":
            g_plus = _gini_rows(levels, m_plus[None, :])[0]
            g_minus = _gini_rows(levels, m_minus[None, :])[0]
            if not (np.isfinite(g_plus) and np.isfinite(g_minus)):
                raise ValueError(
                    "The Gini test needs boundary quantile functions with a positive mean "
                    "(non-negative outcomes such as incomes); drop 'gini' from tests."
                )
            diff = g_plus - g_minus
            # draws whose mean is not positive have no Gini coefficient and are dropped below
            boot = _gini_rows(levels, m_plus[None, :] + nu_plus) - _gini_rows(
                levels, m_minus[None, :] + nu_minus)
            # R3D compares the uncentred draws with |diff|; centring at the estimate gives the
            # draws the null distribution of the estimation error, which is what a test needs.
            dev = np.abs(boot) if r3d_gini else np.abs(boot - diff)
            dev = dev[np.isfinite(dev)]
            stat = abs(diff)
            rows.append(dict(test="gini", range=f"[{levels[0]:.2f}, {levels[-1]:.2f}]", statistic=stat,
                             critical_value=float(np.quantile(dev, confidence_level)),
                             p_value=float(np.mean(dev >= stat)), estimate=diff))
            continue
        for a, b in ranges:
            sel = (levels >= a - 1e-12) & (levels <= b + 1e-12)
            t = tau[sel]
            Gs = G[:, sel]
            if test == "nullity":
                stat = float(np.max(np.abs(t)))
                sups = np.max(np.abs(Gs), axis=1)
            elif test == "homogeneity":
                stat = float(np.max(np.abs(t - t.mean())))
                sups = np.max(np.abs(Gs - Gs.mean(axis=1, keepdims=True)), axis=1)
            else:  # pragma: no cover - validated by the estimator
                raise ValueError(f"unknown test {test!r}")
            rows.append(dict(test=test, range=f"[{a:.2f}, {b:.2f}]", statistic=stat,
                             critical_value=float(np.quantile(sups, confidence_level)),
                             p_value=float(np.mean(sups >= stat)), estimate=np.nan))
    table = pd.DataFrame(rows, columns=["test", "range", "statistic", "critical_value", "p_value", "estimate"])
    return R3DInference(draws=G, critical_value=cval, band=band, pointwise_band=pointwise,
                        test_results=table, confidence_level=confidence_level, n_boot=B,
                        extras={"nu_plus": nu_plus, "nu_minus": nu_minus})
