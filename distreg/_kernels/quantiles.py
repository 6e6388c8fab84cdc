"""Per-unit empirical quantiles of ragged samples, numba-compiled.

Units' samples are stored concatenated (``values``) with ``offsets`` (length n_units + 1) marking
where each unit starts. Two definitions:

* :func:`unit_quantiles_type7` -- Hyndman & Fan (1996) type 7 (R's default, numpy's
  ``method="linear"``): position h = (m - 1) q on the sorted sample, linear interpolation.
* :func:`unit_quantiles_weighted` -- the weighted analogue of type 7 used by Hmisc's
  ``wtd.quantile(normwt=TRUE)``: weights are rescaled to sum to the sample size m, tied values
  pooled, and the order statistic at position 1 + (m - 1) q is read off the cumulative weights as
  a step function (the smallest distinct value whose cumulative weight reaches the position),
  interpolating between the two neighbouring positions. With unit weights this equals type 7.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def unit_quantiles_type7(values, offsets, levels):
    """Type-7 quantiles (n_units, n_levels) of each unit's sample."""
    n = offsets.shape[0] - 1
    k = levels.shape[0]
    out = np.empty((n, k))
    for i in range(n):
        a = offsets[i]
        b = offsets[i + 1]
        s = np.sort(values[a:b])
        m = b - a
        for j in range(k):
            pos = (m - 1) * levels[j]
            lo = int(np.floor(pos))
            if lo >= m - 1:
                out[i, j] = s[m - 1]
                continue
            frac = pos - lo
            out[i, j] = s[lo] + frac * (s[lo + 1] - s[lo]) if frac > 0 else s[lo]
    return out


@njit(cache=True)
def _step_lookup(cum, vals, t):
    """Smallest vals[j] with cum[j] >= t (cum non-decreasing); the last value if none."""
    lo = 0
    hi = cum.shape[0] - 1
    if t <= cum[0]:
        return vals[0]
    if t > cum[hi]:
        return vals[hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if cum[mid] >= t:
            hi = mid
        else:
            lo = mid
    return vals[hi]


@njit(cache=True)
def unit_quantiles_weighted(values, weights, offsets, levels):
    """Weighted type-7-style quantiles (n_units, n_levels); see the module docstring."""
    n = offsets.shape[0] - 1
    k = levels.shape[0]
    out = np.empty((n, k))
    for i in range(n):
        a = offsets[i]
        b = offsets[i + 1]
        order = np.argsort(values[a:b], kind="mergesort")
        v = values[a:b][order]
        w = weights[a:b][order]
        m = b - a
        total = w.sum()
        # pool ties and rescale weights to sum to m (normwt=TRUE)
        uv = np.empty(m)
        cum = np.empty(m)
        nu = 0
        run = 0.0
        for j in range(m):
            run += w[j] * m / total
            if nu > 0 and v[j] == uv[nu - 1]:
                cum[nu - 1] = run
            else:
                uv[nu] = v[j]
                cum[nu] = run
                nu += 1
        uv = uv[:nu]
        cum = cum[:nu]
        big = cum[nu - 1]
        for j in range(k):
            pos = 1.0 + (big - 1.0) * levels[j]
            lo = np.floor(pos)
            if lo < 1.0:
                lo = 1.0
            hi = lo + 1.0
            if hi > big:
                hi = big
            frac = pos - np.floor(pos)
            qlo = _step_lookup(cum, uv, lo)
            qhi = _step_lookup(cum, uv, hi)
            out[i, j] = (1.0 - frac) * qlo + frac * qhi
    return out
