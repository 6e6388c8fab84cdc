"""Summation helpers for discrete distributions without closed-form cdf or moments.

Sums run over integer offsets in chunks, so memory stays O(rows × chunk) whatever the spread.
"""

from __future__ import annotations

import numpy as np

_CHUNK = 256


def sum_mass(logpmf, lo, hi):
    """Σ_{k=lo}^{hi} exp(logpmf(k)) element-wise (``lo``, ``hi`` integer-valued arrays).

    ``logpmf(k)`` receives an array shaped like ``lo`` with one trailing chunk axis and must
    return the log mass there. Elements with ``hi < lo`` give 0.
    """
    lo = np.asarray(lo, float)
    hi = np.asarray(hi, float)
    total = np.zeros(lo.shape)
    span = hi - lo
    if span.size == 0 or np.all(span < 0):
        return total
    width = int(np.max(span)) + 1
    for start in range(0, width, _CHUNK):
        # full-length chunks keep the floating-point summation order independent of the
        # other elements' spans, so that cdf values are reproducible bit for bit
        offs = np.arange(start, start + _CHUNK, dtype=float)
        k = lo[..., None] + offs
        with np.errstate(under="ignore"):
            p = np.exp(logpmf(k))
        p = np.where(k <= hi[..., None], p, 0.0)
        total += p.sum(axis=-1)
    return total


def window_moments(logpmf, center, halfwidth):
    """Mean and variance from sums over ``[center - halfwidth, center + halfwidth]`` per row.

    ``halfwidth`` must cover all but a negligible fraction of the mass. Moments are taken about
    ``floor(center)`` to avoid cancellation.
    """
    c = np.floor(np.asarray(center, float))
    h = np.ceil(np.asarray(halfwidth, float))
    lo, hi = c - h, c + h
    width = int(np.max(hi - lo)) + 1
    s0 = np.zeros(c.shape)
    s1 = np.zeros(c.shape)
    s2 = np.zeros(c.shape)
    for start in range(0, width, _CHUNK):
        offs = np.arange(start, start + _CHUNK, dtype=float)  # full chunks: reproducible sums
        k = lo[:, None] + offs[None, :]
        with np.errstate(under="ignore"):
            p = np.exp(logpmf(k))
        p = np.where(k <= hi[:, None], p, 0.0)
        d = k - c[:, None]
        s0 += p.sum(axis=1)
        s1 += (p * d).sum(axis=1)
        s2 += (p * d * d).sum(axis=1)
    m1 = s1 / s0
    return c + m1, s2 / s0 - m1 * m1


def fix_integer_ppf(cdf, k, q):
    """Correct a closed-form integer quantile by ±1 where rounding put it off by one."""
    k = np.asarray(k, float)
    for _ in range(3):
        finite = np.isfinite(k)
        kk = np.where(finite, k, 0.0)
        down = finite & (cdf(kk - 1) >= q)
        up = finite & (cdf(kk) < q)
        if not (down.any() or up.any()):
            break
        k = np.where(down, k - 1, np.where(up, k + 1, k))
    return k
