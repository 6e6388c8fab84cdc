"""Summation helpers for discrete distributions without closed-form cdf or moments.

Sums run over integer offsets in chunks, so memory stays O(rows × chunk) whatever the spread;
:func:`log_one_sided_sum` sums a tail at a cost independent of the spread.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy import special

_CHUNK = 256


def _gregory_weights(m):
    """Weights w_i with Σ_j |G_(j+1)| ∇^j f(s) = Σ_{i<=m} w_i f(s - i), differences up to order m.

    The Gregory coefficients G_n are those of x/log(1 + x) = Σ G_n x^n; with the backward
    difference ∇ = 1 - E^(-1) and D = -log(1 - ∇), Σ_{n<=s} f(n) - ∫_{-∞}^s f = (∇^(-1) - D^(-1)) f(s)
    = Σ_j |G_(j+1)| ∇^j f(s) (Gregory's formula, e.g. Jordan, *Calculus of finite differences*,
    §86; its first terms are ½, 1/12, 1/24, 19/720).
    """
    g = [Fraction(1)]
    for n in range(1, m + 2):  # Σ_{k<=n} G_k (-1)^(n-k)/(n-k+1) = 0 for n >= 1
        g.append(-sum(g[k] * Fraction((-1) ** (n - k), n - k + 1) for k in range(n)))
    coef = [abs(g[j + 1]) for j in range(m + 1)]
    w = [sum(coef[j] * (-1) ** i * special.comb(j, i, exact=True) for j in range(i, m + 1))
         for i in range(m + 1)]
    return np.array([float(x) for x in w])


#: differences up to order 14: with terms changing by at most 0.1 nats per step (the condition
#: under which the formula is used) the first omitted term is below |G_16| 0.1^15 < 1e-17 of f(s)
_GREGORY_ORDER = 14
_GREGORY = _gregory_weights(_GREGORY_ORDER)
#: terms of the direct sums: they decay by at least 0.1 nats per step, or like a Gaussian of
#: standard deviation below 10, so 512 terms leave less than e^-50 of the first one
_DIRECT_TERMS = 512


def log_one_sided_sum(rel, integral_ratio, size, far_end=None):
    """log Σ_{j>=0} f(s_i + j t_i) / f(s_i) for ``size`` sums, at a cost independent of the spread.

    Each sum runs from its start s away from the bulk of a smooth mass function f (t = ±1), and
    is described by two callables that receive the flat indices ``idx`` of the sums they are
    asked about:

    * ``rel(j, idx)``: log f(s + j t) - log f(s) at the integer offsets ``j`` (shape
      (len(idx), J)); the terms must not increase with j;
    * ``integral_ratio(idx)``: ∫ f(x) dx from s to the end of the sum, divided by f(s),
      where f is the smooth function that interpolates the mass;
    * ``far_end(idx)`` (optional, for sums that stop at a finite a = s + (L - 1) t where f is
      not negligible): log f(a - i t) - log f(s) for i = 0..14 (shape (len(idx), 15)), from which
      the far end's Gregory correction is added; ``rel`` must give -inf beyond a.

    Where the terms fall by more than 0.1 nats per step or their log curvature exceeds 0.01 (a
    local standard deviation below 10), 512 terms are summed directly. Elsewhere the sum equals
    the integral plus Gregory's end corrections Σ_j |G_(j+1)| ∇^j f(s) (:func:`_gregory_weights`),
    which converge like powers of the step change, so 15 terms reach double precision.

    Examples
    --------
    The Gaussian tail Σ_{n<=0} exp(-(n - 5)²/(2·40²)) by Gregory's formula and by brute force:

    >>> rel = lambda j, idx: -(j * j + 2 * j * 5.0) / (2 * 40.0**2)
    >>> ratio = lambda idx: 40.0 * np.sqrt(np.pi / 2) * special.erfcx(5.0 / (40.0 * np.sqrt(2)))
    >>> n = np.arange(-2000.0, 1.0)
    >>> brute = np.log(np.exp(-(n - 5.0) ** 2 / (2 * 40.0**2) + 5.0**2 / (2 * 40.0**2)).sum())
    >>> bool(abs(log_one_sided_sum(rel, ratio, 1)[0] - brute) < 1e-14)
    True
    """
    out = np.empty(size)
    idx = np.arange(size)
    first = rel(np.array([[0.0, 1.0, 2.0]]), idx)
    step, curve = first[:, 1] - first[:, 0], first[:, 2] - 2 * first[:, 1] + first[:, 0]
    smooth = (step >= -0.1) & (np.abs(curve) <= 0.01)
    direct = idx[~smooth]
    if direct.size:
        j = np.arange(_DIRECT_TERMS, dtype=float)[None, :]
        with np.errstate(under="ignore"):
            out[direct] = np.log(np.exp(rel(j, direct)).sum(axis=1))
    greg = idx[smooth]
    if greg.size:
        j = np.arange(_GREGORY_ORDER + 1, dtype=float)[None, :]
        with np.errstate(under="ignore"):
            corr = np.exp(rel(j, greg)) @ _GREGORY
            if far_end is not None:
                corr += np.exp(far_end(greg)) @ _GREGORY
        out[greg] = np.log(integral_ratio(greg) + corr)
    return out


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



def _gauss_legendre(order=16):
    nodes, weights = np.polynomial.legendre.leggauss(order)
    return 0.5 * (nodes + 1.0), 0.5 * weights


_GL_NODES, _GL_WEIGHTS = _gauss_legendre()


def log_integral_ratio(logf, start, scale, length, direction, panels=40):
    """∫ f(x) dx / f(s) from s = ``start`` over ``length`` (may be inf) in ``direction`` (±1).

    For a smooth f that does not grow away from s, of local scale ``scale`` at s. The map
    x = s ± S sinh t (S = scale) is linear near s and logarithmic far from it, so the
    integrand in t is smooth on unit scale both for a Gaussian body of width S and for power-law
    or exponential tails; it is integrated by 16-point Gauss-Legendre rules on at most
    ``panels`` panels of unit width (to sinh t = 1.2e17 S when the length is infinite).
    ``logf(offset)`` receives the signed distances x - s, shape (len(start), nodes) (rounding
    s + offset at |s| = 1e15 would move a node by up to 1/16), and returns log f(x) - log f(s).
    Returns the ratio (not its log), shape like ``start``.
    """
    t_end = np.where(np.isfinite(length), np.arcsinh(np.where(np.isfinite(length), length, 0.0) / scale),
                     float(panels))
    n_panels = np.clip(np.ceil(t_end), 1, panels)
    width = t_end / n_panels
    total = np.zeros(start.shape)
    for i in range(panels):
        active = i < n_panels
        if not active.any():
            break
        t = (i + _GL_NODES[None, :]) * width[:, None]
        offset = direction[:, None] * scale[:, None] * np.sinh(t)
        with np.errstate(under="ignore", over="ignore"):
            g = np.exp(logf(offset)) * scale[:, None] * np.cosh(t)
        total += np.where(active, (g @ _GL_WEIGHTS) * width, 0.0)
    return total
