"""Fast exact bivariate Laplacian kernel sums (the d = 2 case of ``laplace.py``).

Same mathematics as the general divide-and-conquer engine in ``dominance.py`` (Langrené & Warin
2021, Section 4: the Laplacian kernel factorises on each side of a split), organised as a merge sort
for speed: points are sorted by the second coordinate, the recursion halves index ranges at a tie
boundary, and every level merges the halves by the first coordinate and sweeps them once in each
direction with decayed running sums. Exponentials are referenced to the split value ``s`` of the
second coordinate and to the previous sweep position, so every exponent is <= 0.

Data and query points travel together: a point carries data weights (zero for a pure query) and an
output slot (-1 for a pure data point), so sums at the sample points (every point is both) and at
new points share one code path. O(N log N) time, O(N) memory.
"""

import numpy as np
from numba import njit, prange

_LEAF = 16


@njit(cache=True)
def _sort_range_by_x0(x0, x1, W, slot, lo, hi):
    if hi - lo <= 32:
        # insertion sort: stable, in place, no allocation for the small leaves
        m = W.shape[1]
        for i in range(lo + 1, hi):
            j = i
            while j > lo and x0[j - 1] > x0[j]:
                x0[j - 1], x0[j] = x0[j], x0[j - 1]
                x1[j - 1], x1[j] = x1[j], x1[j - 1]
                slot[j - 1], slot[j] = slot[j], slot[j - 1]
                for c in range(m):
                    W[j - 1, c], W[j, c] = W[j, c], W[j - 1, c]
                j -= 1
        return
    order = np.argsort(x0[lo:hi], kind="mergesort") + lo
    a0 = x0[order]
    a1 = x1[order]
    aw = W[order]
    asl = slot[order]
    x0[lo:hi] = a0
    x1[lo:hi] = a1
    W[lo:hi] = aw
    slot[lo:hi] = asl


@njit(cache=True)
def _brute(x0, x1, W, slot, lo, hi, h0, h1, out):
    m = W.shape[1]
    for i in range(lo, hi):
        si = slot[i]
        if si < 0:
            continue
        for j in range(lo, hi):
            e = np.exp(-abs(x0[i] - x0[j]) / h0 - abs(x1[i] - x1[j]) / h1)
            for col in range(m):
                out[si, col] += e * W[j, col]


@njit(cache=True)
def _sweep_1d(x0, W, slot, lo, hi, h0, out):
    # all points in [lo, hi) share x1 and are sorted by x0: two-sided 1-D Laplacian sums
    m = W.shape[1]
    acc = np.zeros(m)
    pos = x0[lo]
    g = lo
    while g < hi:
        g1 = g
        while g1 < hi and x0[g1] == x0[g]:
            g1 += 1
        e = np.exp(-(x0[g] - pos) / h0)
        for col in range(m):
            acc[col] *= e
        pos = x0[g]
        for j in range(g, g1):
            for col in range(m):
                acc[col] += W[j, col]
        for i in range(g, g1):
            if slot[i] >= 0:
                for col in range(m):
                    out[slot[i], col] += acc[col]
        g = g1
    acc[:] = 0.0
    pos = x0[hi - 1]
    g1 = hi
    while g1 > lo:
        g = g1 - 1
        while g > lo and x0[g - 1] == x0[g1 - 1]:
            g -= 1
        e = np.exp(-(pos - x0[g]) / h0)
        for col in range(m):
            acc[col] *= e
        pos = x0[g]
        for i in range(g, g1):
            if slot[i] >= 0:
                for col in range(m):
                    out[slot[i], col] += acc[col]
        for j in range(g, g1):
            for col in range(m):
                acc[col] += W[j, col]
        g1 = g


@njit(cache=True)
def _cross(x0, x1, W, slot, lo, mid, hi, s, h0, h1, out, b0, b1, bw, bs, bside, bf):
    # merge the two halves (each sorted by x0) into the buffers, remembering the side
    m = W.shape[1]
    i = lo
    j = mid
    k = lo
    while i < mid or j < hi:
        if j >= hi or (i < mid and x0[i] <= x0[j]):
            src = i
            i += 1
            bside[k] = 0
        else:
            src = j
            j += 1
            bside[k] = 1
        b0[k] = x0[src]
        b1[k] = x1[src]
        for col in range(m):
            bw[k, col] = W[src, col]
        bs[k] = slot[src]
        # factor to the split value in the second coordinate; exponent <= 0 on both sides
        bf[k] = np.exp(-abs(x1[src] - s) / h1)
        k += 1
    accL = np.zeros(m)
    accR = np.zeros(m)
    # left-to-right: data with x0 <= query x0 (ties included)
    pos = b0[lo]
    g = lo
    while g < hi:
        g1 = g
        while g1 < hi and b0[g1] == b0[g]:
            g1 += 1
        e = np.exp(-(b0[g] - pos) / h0)
        pos = b0[g]
        for col in range(m):
            accL[col] *= e
            accR[col] *= e
        for t in range(g, g1):
            if bside[t] == 0:
                for col in range(m):
                    accL[col] += bw[t, col] * bf[t]
            else:
                for col in range(m):
                    accR[col] += bw[t, col] * bf[t]
        for t in range(g, g1):
            st = bs[t]
            if st >= 0:
                if bside[t] == 0:
                    for col in range(m):
                        out[st, col] += bf[t] * accR[col]
                else:
                    for col in range(m):
                        out[st, col] += bf[t] * accL[col]
        g = g1
    # right-to-left: data with x0 > query x0 (strict)
    accL[:] = 0.0
    accR[:] = 0.0
    pos = b0[hi - 1]
    g1 = hi
    while g1 > lo:
        g = g1 - 1
        while g > lo and b0[g - 1] == b0[g1 - 1]:
            g -= 1
        e = np.exp(-(pos - b0[g]) / h0)
        pos = b0[g]
        for col in range(m):
            accL[col] *= e
            accR[col] *= e
        for t in range(g, g1):
            st = bs[t]
            if st >= 0:
                if bside[t] == 0:
                    for col in range(m):
                        out[st, col] += bf[t] * accR[col]
                else:
                    for col in range(m):
                        out[st, col] += bf[t] * accL[col]
        for t in range(g, g1):
            if bside[t] == 0:
                for col in range(m):
                    accL[col] += bw[t, col] * bf[t]
            else:
                for col in range(m):
                    accR[col] += bw[t, col] * bf[t]
        g1 = g
    x0[lo:hi] = b0[lo:hi]
    x1[lo:hi] = b1[lo:hi]
    W[lo:hi] = bw[lo:hi]
    slot[lo:hi] = bs[lo:hi]


@njit(cache=True)
def _split(x1, lo, hi):
    # the tie boundary of x1 (sorted on [lo, hi), not constant) nearest to the middle
    mid = (lo + hi) // 2
    left = mid
    while left > lo and x1[left - 1] == x1[left]:
        left -= 1
    right = mid
    while right < hi and x1[right - 1] == x1[right]:
        right += 1
    if left == lo:
        return right
    if right == hi:
        return left
    if mid - left <= right - mid:
        return left
    return right


@njit(cache=True)
def _solve(x0, x1, W, slot, root_lo, root_hi, h0, h1, out, b0, b1, bw, bs, bside, bf):
    # Post-order traversal with an explicit stack. On entry to a node its range is sorted by x1;
    # when the node is finished the range is sorted by x0 and its sums have been added to out.
    # Only [root_lo, root_hi) is touched, so disjoint ranges can be solved concurrently.
    n = root_hi - root_lo
    cap = 2 * n + 64
    st_lo = np.empty(cap, np.int64)
    st_hi = np.empty(cap, np.int64)
    st_mid = np.empty(cap, np.int64)
    st_s = np.empty(cap)
    st_state = np.empty(cap, np.int64)
    top = 0
    st_lo[0] = root_lo
    st_hi[0] = root_hi
    st_state[0] = 0
    while top >= 0:
        lo = st_lo[top]
        hi = st_hi[top]
        state = st_state[top]
        if state == 0:
            if hi - lo <= _LEAF:
                _brute(x0, x1, W, slot, lo, hi, h0, h1, out)
                _sort_range_by_x0(x0, x1, W, slot, lo, hi)
                top -= 1
                continue
            if x1[lo] == x1[hi - 1]:
                _sort_range_by_x0(x0, x1, W, slot, lo, hi)
                _sweep_1d(x0, W, slot, lo, hi, h0, out)
                top -= 1
                continue
            mid = _split(x1, lo, hi)
            st_mid[top] = mid
            st_s[top] = x1[mid - 1]
            st_state[top] = 1
            top += 1
            st_lo[top] = lo
            st_hi[top] = mid
            st_state[top] = 0
        elif state == 1:
            st_state[top] = 2
            mid = st_mid[top]
            top += 1
            st_lo[top] = mid
            st_hi[top] = hi
            st_state[top] = 0
        else:
            _cross(x0, x1, W, slot, lo, st_mid[top], hi, st_s[top], h0, h1, out,
                   b0, b1, bw, bs, bside, bf)
            top -= 1


@njit(cache=True, parallel=True)
def _solve_parallel(x0, x1, W, slot, h0, h1, out, b0, b1, bw, bs, bside, bf, depth):
    # split the top `depth` levels serially (no data moves), solve the 2^depth subtrees in
    # parallel, then do the top levels' merge sweeps level by level (nodes of a level are disjoint)
    n = x0.shape[0]
    n_nodes = 2**depth
    lo_lvl = np.zeros(1, np.int64)
    hi_lvl = np.full(1, n, np.int64)
    node_lo = np.empty((depth, n_nodes), np.int64)
    node_mid = np.empty((depth, n_nodes), np.int64)
    node_hi = np.empty((depth, n_nodes), np.int64)
    node_s = np.empty((depth, n_nodes))
    node_cnt = np.zeros(depth, np.int64)
    for lvl in range(depth):
        new_lo = np.empty(2 * lo_lvl.size, np.int64)
        new_hi = np.empty(2 * lo_lvl.size, np.int64)
        cnt = 0
        for r in range(lo_lvl.size):
            lo = lo_lvl[r]
            hi = hi_lvl[r]
            if hi - lo > 4 * _LEAF and x1[lo] != x1[hi - 1]:
                mid = _split(x1, lo, hi)
                c = node_cnt[lvl]
                node_lo[lvl, c] = lo
                node_mid[lvl, c] = mid
                node_hi[lvl, c] = hi
                node_s[lvl, c] = x1[mid - 1]
                node_cnt[lvl] += 1
                new_lo[cnt] = lo
                new_hi[cnt] = mid
                new_lo[cnt + 1] = mid
                new_hi[cnt + 1] = hi
                cnt += 2
            else:
                new_lo[cnt] = lo
                new_hi[cnt] = hi
                cnt += 1
        lo_lvl = new_lo[:cnt].copy()
        hi_lvl = new_hi[:cnt].copy()
    for t in prange(lo_lvl.size):
        _solve(x0, x1, W, slot, lo_lvl[t], hi_lvl[t], h0, h1, out, b0, b1, bw, bs, bside, bf)
    for lvl in range(depth - 1, -1, -1):
        for c in prange(node_cnt[lvl]):
            _cross(x0, x1, W, slot, node_lo[lvl, c], node_mid[lvl, c], node_hi[lvl, c],
                   node_s[lvl, c], h0, h1, out, b0, b1, bw, bs, bside, bf)


@njit(cache=True)
def laplace_sums_2d(points, weights, slot, n_out, h, n_threads=1):
    """Bivariate Laplacian sums over a mixed set of data and query points.

    ``out[slot[i]] = sum_j weights[j] * exp(-|p_i0 - p_j0| / h0 - |p_i1 - p_j1| / h1)`` for every
    point ``i`` with ``slot[i] >= 0``. ``points`` has shape (N, 2), ``weights`` (N, m) (zero rows
    for pure query points), ``slot`` (N,) int64 in [-1, n_out). Returns (n_out, m). With
    ``n_threads > 1`` the subtrees below the top levels run in parallel.
    """
    n = points.shape[0]
    m = weights.shape[1]
    order = np.argsort(points[:, 1], kind="mergesort")
    x0 = points[order, 0].copy()
    x1 = points[order, 1].copy()
    W = weights[order].copy()
    sl = slot[order].copy()
    out = np.zeros((n_out, m))
    if n == 0:
        return out
    b0 = np.empty(n)
    b1 = np.empty(n)
    bw = np.empty((n, m))
    bs = np.empty(n, np.int64)
    bside = np.empty(n, np.int8)
    bf = np.empty(n)
    if n_threads > 1 and n > 64 * _LEAF:
        depth = 1
        while 2**depth < 2 * n_threads:
            depth += 1
        _solve_parallel(x0, x1, W, sl, h[0], h[1], out, b0, b1, bw, bs, bside, bf, depth)
    else:
        _solve(x0, x1, W, sl, 0, n, h[0], h[1], out, b0, b1, bw, bs, bside, bf)
    return out
