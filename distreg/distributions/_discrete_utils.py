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


def smallest_reaching(reached, guess, low, high, max_steps=1100):
    """Smallest integer k in [low, high] with ``reached(k, idx)``, element-wise.

    ``reached(k, idx)`` must be monotone in k (False, then True) and evaluate the entries
    ``idx`` (an index array into the flattened problem) at the integers ``k``; it is taken to be
    False below ``low`` and True at ``high`` (the ends of the support), which are never
    evaluated when infinite. The search starts at ``guess`` (NaN: at the end of the support
    nearest to 0), steps away from it by doubling strides until the answer is bracketed, then
    bisects: its cost is O(log |guess - answer|) evaluations of ``reached`` whatever the scale
    of the distribution. Beyond 2**53, where consecutive integers are not all doubles, it stops
    at adjacent doubles.

    Examples
    --------
    >>> reached = lambda k, idx: k >= np.array([3.0, -7e12])[idx]
    >>> smallest_reaching(reached, np.array([0.0, 0.0]), np.full(2, -np.inf), np.full(2, np.inf))
    array([ 3.e+00, -7.e+12])
    """
    low = np.asarray(low, float)
    high = np.asarray(high, float)
    start = np.where(np.isfinite(guess), np.floor(guess), np.clip(0.0, low, high))
    start = np.clip(start, low, high)
    # largest integer known not to reach, smallest known to reach
    below = np.where(np.isfinite(low), low - 1, -np.inf)
    above = high.copy()
    todo = np.flatnonzero(start < high)
    ok = reached(start[todo], todo)
    above[todo[ok]] = start[todo[ok]]
    below[todo[~ok]] = start[todo[~ok]]
    # doubling strides away from the start until both ends of the bracket are known
    stride = np.ones(start.shape)
    for _ in range(max_steps):
        down = np.isinf(below) & np.isfinite(above)
        up = np.isinf(above) & np.isfinite(below)
        open_ = np.flatnonzero(down | up)
        if open_.size == 0:
            break
        probe = np.where(down[open_], above[open_] - stride[open_], below[open_] + stride[open_])
        probe = np.clip(probe, low[open_], high[open_])
        hit = reached(probe, open_)
        above[open_[hit]] = probe[hit]
        below[open_[~hit]] = probe[~hit]
        stride[open_] *= 2
    # bisection of the bracket (below, above]
    for _ in range(max_steps):
        mid = np.floor(0.5 * below + 0.5 * above)
        open_ = np.flatnonzero((above - below > 1) & (mid > below) & (mid < above))
        if open_.size == 0:
            break
        hit = reached(mid[open_], open_)
        above[open_[hit]] = mid[open_[hit]]
        below[open_[~hit]] = mid[open_[~hit]]
    return above

