"""Divide-and-conquer dominance sums: the engine behind multivariate ECDFs and exact
Laplacian/Matérn kernel sums.

Langrené & Warin (2021, "Fast multivariate empirical cumulative distribution function with
connection to kernel density estimation", CSDA 161, arXiv:2005.03246), Section 3: split the points
at the median of the last coordinate; the lower half contributes to the upper half through a
problem with one dimension less. Two changes from the paper's reference code:

* the split is by *value* (all points equal to the split value go left), and a coordinate whose
  values are all equal is dropped, so ties in any coordinate are exact;
* for the exponential kernels every exponential is referenced to the split value
  (``exp(-(z - x)/h) = exp(-(z - s)/h) * exp(-(s - x)/h)``, both exponents <= 0), and the 1-D base
  case carries a decayed running sum, so nothing overflows however far the data spread.

A kernel ``k(t) = exp(-t) * sum_r c_r t^r`` (t = |u| / h) is "exponential-polynomial": c = [1] is
the Laplacian, c = [1, 1] the Matérn-3/2, [1, 1, 2/5, 1/15] the Matérn-7/2 (the Matérn-3/2 kernel's
self-convolution). With ``t = a + b`` the binomial expansion of ``(a + b)^r`` splits the kernel
into ``p + 1`` weight channels ``b^i exp(-b)`` on the data side.

The engine takes data rows ``XD`` with weights ``W`` of shape (len(XD), m), one column per weight
vector, and query rows ``XQ``; both sorted by the first coordinate. Subsets are copied (not
indexed) at every split so that the sweeps read memory sequentially.
"""

import numpy as np
from numba import njit

MODE_ECDF = 0
MODE_KERNEL = 1
LEAF_PAIRS = 2048


@njit(cache=True)
def _binom(r, i):
    out = 1.0
    for j in range(i):
        out = out * (r - j) / (j + 1)
    return out


@njit(cache=True)
def _poly_eval(coefs, t):
    acc = 0.0
    for r in range(coefs.shape[0] - 1, -1, -1):
        acc = acc * t + coefs[r]
    return acc


@njit(cache=True)
def _brute(XD, h, W, XQ, k, coefs, mode, strict, out):
    m = W.shape[1]
    for qi in range(XQ.shape[0]):
        for di in range(XD.shape[0]):
            if mode == MODE_ECDF:
                ok = True
                for c in range(k):
                    if strict:
                        if not (XD[di, c] < XQ[qi, c]):
                            ok = False
                            break
                    else:
                        if not (XD[di, c] <= XQ[qi, c]):
                            ok = False
                            break
                if ok:
                    for col in range(m):
                        out[qi, col] += W[di, col]
            else:
                tsum = 0.0
                poly = 1.0
                for c in range(k):
                    t = abs(XQ[qi, c] - XD[di, c]) / h[c]
                    tsum += t
                    poly *= _poly_eval(coefs, t)
                val = poly * np.exp(-tsum) if tsum < 800.0 else 0.0
                if val != 0.0:
                    for col in range(m):
                        out[qi, col] += val * W[di, col]


@njit(cache=True)
def _sweep_ecdf(XD, W, XQ, strict, out):
    m = W.shape[1]
    acc = np.zeros(m)
    i = 0
    nD = XD.shape[0]
    for qi in range(XQ.shape[0]):
        z = XQ[qi, 0]
        while i < nD and (XD[i, 0] < z or (not strict and XD[i, 0] == z)):
            for col in range(m):
                acc[col] += W[i, col]
            i += 1
        for col in range(m):
            out[qi, col] += acc[col]


@njit(cache=True)
def _move(M, delta, binom):
    # M[r] = sum_j w_j t_j^r exp(-t_j); shifting every t_j by delta >= 0.
    e = np.exp(-delta)
    if e == 0.0:
        M[:, :] = 0.0
        return
    if delta == 0.0:
        return
    p = M.shape[0] - 1
    m = M.shape[1]
    if p == 0:
        for col in range(m):
            M[0, col] *= e
        return
    for r in range(p, -1, -1):
        for col in range(m):
            acc = 0.0
            dpow = 1.0
            for i in range(r, -1, -1):
                acc += binom[r, i] * dpow * M[i, col]
                dpow *= delta
            M[r, col] = e * acc


@njit(cache=True)
def _binom_table(p):
    B = np.zeros((p + 1, p + 1))
    for r in range(p + 1):
        for i in range(r + 1):
            B[r, i] = _binom(r, i)
    return B


@njit(cache=True)
def _sweep_kernel(XD, h0, W, XQ, coefs, out):
    p = coefs.shape[0] - 1
    m = W.shape[1]
    binom = _binom_table(p)
    nD = XD.shape[0]
    nQ = XQ.shape[0]
    M = np.zeros((p + 1, m))
    # left pass: data x <= z (distance z - x >= 0)
    i = 0
    pos = 0.0
    started = False
    for qi in range(nQ):
        z = XQ[qi, 0]
        while i < nD and XD[i, 0] <= z:
            x = XD[i, 0]
            if started:
                _move(M, (x - pos) / h0, binom)
            pos = x
            started = True
            for col in range(m):
                M[0, col] += W[i, col]
            i += 1
        if started:
            _move(M, (z - pos) / h0, binom)
            pos = z
            for col in range(m):
                acc = 0.0
                for r in range(p + 1):
                    acc += coefs[r] * M[r, col]
                out[qi, col] += acc
    # right pass: data x > z
    M[:, :] = 0.0
    i = nD - 1
    started = False
    for qi in range(nQ - 1, -1, -1):
        z = XQ[qi, 0]
        while i >= 0 and XD[i, 0] > z:
            x = XD[i, 0]
            if started:
                _move(M, (pos - x) / h0, binom)
            pos = x
            started = True
            for col in range(m):
                M[0, col] += W[i, col]
            i -= 1
        if started:
            _move(M, (pos - z) / h0, binom)
            pos = z
            for col in range(m):
                acc = 0.0
                for r in range(p + 1):
                    acc += coefs[r] * M[r, col]
                out[qi, col] += acc


@njit(cache=True)
def _channels(XD, h, W, s, c, sign, p):
    # data-side factors b^i exp(-b), b = sign * (x - s) / h >= 0, channel-major columns
    m = W.shape[1]
    out = np.zeros((XD.shape[0], m * (p + 1)))
    for di in range(XD.shape[0]):
        b = sign * (XD[di, c] - s) / h[c]
        eb = np.exp(-b)
        if eb == 0.0:
            continue
        bp = eb
        for i in range(p + 1):
            for col in range(m):
                out[di, i * m + col] = bp * W[di, col]
            bp *= b
    return out


@njit(cache=True)
def _combine(XQ, h, S, s, c, sign, coefs, binom, m, out, pos):
    # query-side factor: sum_r c_r sum_i C(r, i) a^(r - i) S_i, times exp(-a)
    p = coefs.shape[0] - 1
    for qi in range(XQ.shape[0]):
        a = sign * (XQ[qi, c] - s) / h[c]
        ea = np.exp(-a)
        if ea == 0.0:
            continue
        for col in range(m):
            acc = 0.0
            for r in range(p + 1):
                inner = 0.0
                apow = 1.0
                for i in range(r, -1, -1):
                    inner += binom[r, i] * apow * S[qi, i * m + col]
                    apow *= a
                acc += coefs[r] * inner
            out[pos[qi], col] += ea * acc


@njit(cache=True)
def dominance_sums(XD, W, XQ, h, k, coefs, mode, strict, leaf):
    """Sums over the data rows ``XD`` for every query row ``XQ``, using the first ``k`` columns.

    ``mode == MODE_ECDF``: ``out[q] = sum_j W[j] * [XD[j, :k] <= XQ[q, :k]]`` (``<`` if
    ``strict``). ``mode == MODE_KERNEL``: ``out[q] = sum_j W[j] * prod_c k(|XQ[q, c] - XD[j, c]| /
    h[c])`` with the exponential-polynomial kernel of coefficients ``coefs``. ``XD`` and ``XQ`` must
    be sorted by their first column. Returns an array of shape (len(XQ), W.shape[1]).
    """
    nD = XD.shape[0]
    nQ = XQ.shape[0]
    m = W.shape[1]
    out = np.zeros((nQ, m))
    if nD == 0 or nQ == 0:
        return out
    if k == 0:
        for di in range(nD):
            for col in range(m):
                out[0, col] += W[di, col]
        for qi in range(1, nQ):
            for col in range(m):
                out[qi, col] = out[0, col]
        return out
    if nD * nQ <= leaf:
        _brute(XD, h, W, XQ, k, coefs, mode, strict, out)
        return out
    if k == 1:
        if mode == MODE_ECDF:
            _sweep_ecdf(XD, W, XQ, strict, out)
        else:
            _sweep_kernel(XD, h[0], W, XQ, coefs, out)
        return out
    c = k - 1
    vals = np.empty(nD + nQ)
    vals[:nD] = XD[:, c]
    vals[nD:] = XQ[:, c]
    vmin = vals.min()
    vmax = vals.max()
    if vmin == vmax:
        # the coordinate is constant here: it never separates a pair
        if mode == MODE_ECDF and strict:
            return out
        return dominance_sums(XD, W, XQ, h, k - 1, coefs, mode, strict, leaf)
    s = np.median(vals)
    if s >= vmax:
        s = vmin
        for v in vals:
            if v < vmax and v > s:
                s = v
    # stable partition (keeps the order by the first column): left = values <= s
    nDL = 0
    for di in range(nD):
        if XD[di, c] <= s:
            nDL += 1
    nQL = 0
    for qi in range(nQ):
        if XQ[qi, c] <= s:
            nQL += 1
    nDR = nD - nDL
    nQR = nQ - nQL
    XDL = np.empty((nDL, k))
    XDR = np.empty((nDR, k))
    WL = np.empty((nDL, m))
    WR = np.empty((nDR, m))
    a = 0
    b = 0
    for di in range(nD):
        if XD[di, c] <= s:
            XDL[a, :] = XD[di, :k]
            WL[a, :] = W[di, :]
            a += 1
        else:
            XDR[b, :] = XD[di, :k]
            WR[b, :] = W[di, :]
            b += 1
    XQL = np.empty((nQL, k))
    XQR = np.empty((nQR, k))
    posL = np.empty(nQL, np.int64)
    posR = np.empty(nQR, np.int64)
    a = 0
    b = 0
    for qi in range(nQ):
        if XQ[qi, c] <= s:
            XQL[a, :] = XQ[qi, :k]
            posL[a] = qi
            a += 1
        else:
            XQR[b, :] = XQ[qi, :k]
            posR[b] = qi
            b += 1
    sub = dominance_sums(XDL, WL, XQL, h, k, coefs, mode, strict, leaf)
    for qi in range(nQL):
        for col in range(m):
            out[posL[qi], col] += sub[qi, col]
    sub = dominance_sums(XDR, WR, XQR, h, k, coefs, mode, strict, leaf)
    for qi in range(nQR):
        for col in range(m):
            out[posR[qi], col] += sub[qi, col]
    if mode == MODE_ECDF:
        # every left point is strictly below every right point in column c
        sub = dominance_sums(XDL, WL, XQR, h, k - 1, coefs, mode, strict, leaf)
        for qi in range(nQR):
            for col in range(m):
                out[posR[qi], col] += sub[qi, col]
        return out
    p = coefs.shape[0] - 1
    binom = _binom_table(p)
    if nDL > 0 and nQR > 0:
        WLc = _channels(XDL, h, WL, s, c, -1.0, p)
        S = dominance_sums(XDL, WLc, XQR, h, k - 1, coefs, mode, strict, leaf)
        _combine(XQR, h, S, s, c, 1.0, coefs, binom, m, out, posR)
    if nDR > 0 and nQL > 0:
        WRc = _channels(XDR, h, WR, s, c, 1.0, p)
        S = dominance_sums(XDR, WRc, XQL, h, k - 1, coefs, mode, strict, leaf)
        _combine(XQL, h, S, s, c, -1.0, coefs, binom, m, out, posL)
    return out


@njit(cache=True)
def sorted_index(x):
    """Indices that sort ``x`` stably (ties keep their input order)."""
    return np.argsort(x, kind="mergesort")
