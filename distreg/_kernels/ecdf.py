"""Exact weighted empirical distribution functions (ECDFs), 1-D and multivariate.

All functions take weights ``w`` of shape (n, m): m weight vectors are summed in one pass (for
example ``[w, w * y]`` for a Nadaraya-Watson numerator and denominator). Nothing is normalised:
the result is a weighted *count*, divide by the total weight for a probability.

``side`` selects the relation for 1-D functions: ``SIDE_LE`` gives sum of w over x_j <= t (the
ECDF), ``SIDE_LT`` x_j < t, ``SIDE_GE`` x_j >= t (survival including the point), ``SIDE_GT``
x_j > t. Upper-tail sums are accumulated from the top, not as ``total - lower``, so small tail
values keep full relative precision. Ties are exact throughout (no jitter, no tie-breaking).

Multivariate functions compute ``sum_j w_j [x_j <= t]`` componentwise (or ``<`` with
``strict``); the upper orthant ``x_j >= t`` is the lower orthant of ``-x``.
"""

import numpy as np
from numba import njit, prange

from distreg._kernels.dominance import MODE_ECDF, dominance_sums

SIDE_LE = 0
SIDE_LT = 1
SIDE_GE = 2
SIDE_GT = 3
_LEAF = 2048


@njit(cache=True)
def ecdf_1d_at_samples(x, w, side):
    """Weighted 1-D ECDF sums at every sample point, shape (n, m). O(n log n)."""
    n = x.shape[0]
    m = w.shape[1]
    out = np.empty((n, m))
    order = np.argsort(x, kind="mergesort")
    cum = np.zeros(m)
    grp = np.zeros(m)
    if side == SIDE_LE or side == SIDE_LT:
        i = 0
        while i < n:
            j = i
            grp[:] = 0.0
            while j < n and x[order[j]] == x[order[i]]:
                for c in range(m):
                    grp[c] += w[order[j], c]
                j += 1
            for t in range(i, j):
                for c in range(m):
                    out[order[t], c] = cum[c] + grp[c] if side == SIDE_LE else cum[c]
            for c in range(m):
                cum[c] += grp[c]
            i = j
    else:
        j = n
        while j > 0:
            i = j - 1
            grp[:] = 0.0
            while i >= 0 and x[order[i]] == x[order[j - 1]]:
                for c in range(m):
                    grp[c] += w[order[i], c]
                i -= 1
            for t in range(i + 1, j):
                for c in range(m):
                    out[order[t], c] = cum[c] + grp[c] if side == SIDE_GE else cum[c]
            for c in range(m):
                cum[c] += grp[c]
            j = i + 1
    return out


@njit(cache=True)
def _bucket(v, lo, scale, nb):
    # monotone non-decreasing in v (floating-point subtraction, product and floor are monotone)
    t = (v - lo) * scale
    if t < 0.0:
        return 0
    if t >= nb - 1:
        return nb - 1
    return int(t)


@njit(cache=True)
def _first_index(qs, first, lo, hi, scale, nb, v, right):
    """First j with qs[j] >= v (or > v if ``right``); len(qs) if none."""
    k = qs.shape[0]
    if right:
        if v < lo:
            return 0
        if v >= hi:
            return k
    else:
        if v <= lo:
            return 0
        if v > hi:
            return k
    b = _bucket(v, lo, scale, nb)
    # by monotonicity of _bucket the answer lies in [first[b], first[b + 1]]
    a = first[b]
    e = first[b + 1]
    while a < e:
        mid = (a + e) // 2
        if qs[mid] < v or (right and qs[mid] == v):
            a = mid + 1
        else:
            e = mid
    return a


@njit(cache=True, parallel=True)
def _bin_to_queries(x, w, qs, right, n_threads):
    """Add each weight row to the bin of the first sorted query at or above (above) it."""
    k = qs.shape[0]
    m = w.shape[1]
    n = x.shape[0]
    nb = max(k, 1)
    lo = qs[0]
    hi = qs[k - 1]
    scale = nb / (hi - lo) if hi > lo else 0.0
    first = np.empty(nb + 1, np.int64)
    b = 0
    for j in range(k):
        bj = _bucket(qs[j], lo, scale, nb)
        while b <= bj:
            first[b] = j
            b += 1
    while b <= nb:
        first[b] = k
        b += 1
    nchunk = max(1, min(n_threads, n // 100000 + 1))
    counts = np.zeros((nchunk, k + 1, m))
    step = (n + nchunk - 1) // nchunk
    for ch in prange(nchunk):
        start = ch * step
        stop = min(n, start + step)
        for i in range(start, stop):
            j = _first_index(qs, first, lo, hi, scale, nb, x[i], right)
            for c in range(m):
                counts[ch, j, c] += w[i, c]
    tot = counts[0]
    for ch in range(1, nchunk):
        tot += counts[ch]
    return tot


@njit(cache=True)
def ecdf_1d_at_points(x, w, q, side, n_threads=1):
    """Weighted 1-D ECDF sums at query points ``q``, shape (len(q), m).

    Sorts the queries (not the data), drops each data point into the bin of the first query at or
    above it through a bucket index, and accumulates: O(n + k log k), the data split into
    ``n_threads`` parallel chunks.
    """
    k = q.shape[0]
    m = w.shape[1]
    out = np.zeros((k, m))
    if k == 0:
        return out
    order = np.argsort(q, kind="mergesort")
    qs = q[order]
    # x <= t and x > t need the first query >= x; x < t and x >= t the first query > x
    right = side == SIDE_LT or side == SIDE_GE
    counts = _bin_to_queries(x, w, qs, right, n_threads)
    acc = np.zeros(m)
    if side == SIDE_LE or side == SIDE_LT:
        for j in range(k):
            for c in range(m):
                acc[c] += counts[j, c]
                out[order[j], c] = acc[c]
    else:
        for c in range(m):
            acc[c] = counts[k, c]
        for j in range(k - 1, -1, -1):
            for c in range(m):
                out[order[j], c] = acc[c]
                acc[c] += counts[j, c]
    return out


@njit(cache=True)
def _dense_ranks(v):
    n = v.shape[0]
    order = np.argsort(v, kind="mergesort")
    ranks = np.empty(n, np.int64)
    r = 0
    for t in range(n):
        if t > 0 and v[order[t]] != v[order[t - 1]]:
            r += 1
        ranks[order[t]] = r
    return ranks, r + 1


@njit(cache=True)
def ecdf_2d_at_samples(X, w, strict):
    """Bivariate weighted ECDF sums at the sample points: sorted sweep + Fenwick tree.

    ``out[i] = sum_j w_j [X_j0 <= X_i0 and X_j1 <= X_i1]`` (``<`` in both if ``strict``).
    O(n log n) time, O(n m) memory.
    """
    n = X.shape[0]
    m = w.shape[1]
    out = np.zeros((n, m))
    if n == 0:
        return out
    order = np.argsort(X[:, 0], kind="mergesort")
    ranks, R = _dense_ranks(X[:, 1])
    tree = np.zeros((R + 1, m))
    i = 0
    while i < n:
        j = i
        while j < n and X[order[j], 0] == X[order[i], 0]:
            j += 1
        for phase in range(2):
            # non-strict: insert the tie group, then query; strict: query, then insert
            do_insert = (phase == 0) != strict
            for t in range(i, j):
                p = order[t]
                if do_insert:
                    pos = ranks[p] + 1
                    while pos <= R:
                        for c in range(m):
                            tree[pos, c] += w[p, c]
                        pos += pos & (-pos)
                else:
                    pos = ranks[p] if strict else ranks[p] + 1
                    while pos > 0:
                        for c in range(m):
                            out[p, c] += tree[pos, c]
                        pos -= pos & (-pos)
        i = j
    return out


@njit(cache=True)
def ecdf_nd_at_samples(X, w, strict):
    """Multivariate weighted ECDF sums at the sample points, shape (n, m).

    d = 1: sort; d = 2: Fenwick sweep; d > 2: divide and conquer, O(n log^(d-1) n).
    """
    n, d = X.shape
    if d == 1:
        return ecdf_1d_at_samples(X[:, 0].copy(), w, SIDE_LT if strict else SIDE_LE)
    if d == 2:
        return ecdf_2d_at_samples(X, w, strict)
    order = np.argsort(X[:, 0], kind="mergesort")
    Xs = X[order]
    sub = dominance_sums(Xs, w[order], Xs, np.ones(d), d, np.ones(1), MODE_ECDF, strict, _LEAF)
    out = np.empty_like(sub)
    for t in range(n):
        out[order[t]] = sub[t]
    return out


@njit(cache=True)
def ecdf_nd_at_points(X, w, Q, strict):
    """Multivariate weighted ECDF sums at query points ``Q`` (k, d), shape (k, m)."""
    d = X.shape[1]
    if d == 1:
        return ecdf_1d_at_points(X[:, 0].copy(), w, Q[:, 0].copy(), SIDE_LT if strict else SIDE_LE)
    od = np.argsort(X[:, 0], kind="mergesort")
    oq = np.argsort(Q[:, 0], kind="mergesort")
    sub = dominance_sums(X[od], w[od], Q[oq], np.ones(d), d, np.ones(1), MODE_ECDF, strict, _LEAF)
    out = np.empty_like(sub)
    for t in range(Q.shape[0]):
        out[oq[t]] = sub[t]
    return out


@njit(cache=True)
def ecdf_on_grid(X, w, axes, sizes):
    """Weighted ECDF sums on the rectilinear grid ``axes[0] x ... x axes[d-1]``.

    ``axes`` is the concatenation of the d strictly increasing axes, ``sizes`` their lengths.
    Returns an array of shape (prod(sizes), m) in C order (last axis fastest). Each point is added
    to the first node at or above it in every coordinate, then cumulative sums run along each
    axis: O(n d log g + d G m) for G grid nodes.
    """
    n, d = X.shape
    m = w.shape[1]
    strides = np.ones(d, np.int64)
    for c in range(d - 2, -1, -1):
        strides[c] = strides[c + 1] * sizes[c + 1]
    G = strides[0] * sizes[0]
    offs = np.zeros(d + 1, np.int64)
    for c in range(d):
        offs[c + 1] = offs[c] + sizes[c]
    acc = np.zeros((G, m))
    for i in range(n):
        flat = 0
        inside = True
        for c in range(d):
            ax = axes[offs[c]:offs[c + 1]]
            j = np.searchsorted(ax, X[i, c])  # first node >= x
            if j >= sizes[c]:
                inside = False
                break
            flat += j * strides[c]
        if inside:
            for col in range(m):
                acc[flat, col] += w[i, col]
    for c in range(d):
        st = strides[c]
        nc = sizes[c]
        for f in range(G):
            if (f // st) % nc > 0:
                for col in range(m):
                    acc[f, col] += acc[f - st, col]
    return acc


@njit(cache=True)
def ecdf_1d_presorted_at_points(xs, cum, rcum, q, q_order, side):
    """1-D ECDF sums at query points from a pre-sorted sample, by one merge pass.

    ``xs`` is the sorted sample, ``cum[i]`` the weight sums of ``xs[:i + 1]`` and ``rcum[i]`` of
    ``xs[i:]`` (shape (n, m) each); ``q_order`` sorts the queries. O(n + k) after the sorts,
    reading memory sequentially (the fast path when one sample is evaluated many times).
    """
    n = xs.shape[0]
    m = cum.shape[1]
    k = q.shape[0]
    out = np.zeros((k, m))
    inclusive = side == SIDE_LE or side == SIDE_GT
    i = 0
    for t in range(k):
        qi = q_order[t]
        z = q[qi]
        if inclusive:
            while i < n and xs[i] <= z:
                i += 1
        else:
            while i < n and xs[i] < z:
                i += 1
        # i = #{x <= z} (inclusive) or #{x < z}
        if side == SIDE_LE or side == SIDE_LT:
            if i > 0:
                for c in range(m):
                    out[qi, c] = cum[i - 1, c]
        elif i < n:
            for c in range(m):
                out[qi, c] = rcum[i, c]
    return out
