"""Summation helpers for discrete distributions without closed-form cdf or moments.

Sums run over integer offsets in chunks, so memory stays O(rows × chunk) whatever the spread.
"""

from __future__ import annotations

import math

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


# ---------------------------------------------------------------------------- complex series
def _horner_exp_tail(z, first, last):
    """Σ_{n=first}^{last} z^n/n! as z^first/first! (1 + z/(first+1) (1 + ...)) (Horner)."""
    acc = np.ones(z.shape, complex)
    for n in range(last, first, -1):
        acc = 1.0 + z * acc / n
    return acc * z**first / math.factorial(first)


def cexpm1(z):
    """e^z - 1 for complex z, without cancellation near 0."""
    z = np.asarray(z, complex)
    small = np.abs(z) < 0.5
    zs = np.where(small, z, 0)
    with np.errstate(over="ignore", invalid="ignore"):
        # 18 terms: the first omitted one is below 0.5^19/19! < 1e-22 of |z|
        return np.where(small, _horner_exp_tail(zs, 1, 18), np.exp(np.where(small, 0, z)) - 1.0)


def cexpm1mx(z):
    """e^z - 1 - z for complex z, without cancellation near 0."""
    z = np.asarray(z, complex)
    small = np.abs(z) < 1.0
    zs = np.where(small, z, 0)
    big = np.where(small, 0, z)
    with np.errstate(over="ignore", invalid="ignore"):
        # up to z^26/26!: the rest is below 2/27! < 1e-27 of |z|²/2
        return np.where(small, _horner_exp_tail(zs, 2, 26), np.exp(big) - 1.0 - big)


def clog1pmx(z):
    """log(1 + z) - z for complex z, without cancellation near 0."""
    z = np.asarray(z, complex)
    small = np.abs(z) < 0.25
    zs = np.where(small, z, 0)
    acc = np.zeros(z.shape, complex)
    for n in range(32, 1, -1):  # Σ_{n>=2} (-1)^(n+1) z^n/n: 0.25^31/31 < 1e-19 of |z|²/2
        acc = (-1.0) ** (n + 1) / n + zs * acc
    big = np.where(small, 0, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(small, acc * zs * zs, np.log1p(big) - big)


_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)


def contour_tail(log_radius, log_saddle, half_width, singular, integrand, max_panels=60):
    """(1/π) ∫_0^Φ Re f(v) dφ on v = log_radius + iφ, i.e. a coefficient integral on a circle.

    The tail probabilities of Poisson, negative binomial and generalized Poisson masses are
    coefficient integrals (1/2πi)∮ G(t) t^(-k-1)/(1 - t) dt of their generating functions
    (Lagrange-transformed for the generalized Poisson). On the circle |t| = e^log_radius through
    the saddle point of G(t) t^(-k), the integrand f (scaled by the caller to 1 at the saddle)
    decays like a Gaussian of width 1/σ in the angle, so the integral over a range Φ of a few
    widths has a cost independent of k and of the parameters; singularities (the pole t = 1,
    branch points) at an imaginary distance ``singular`` from the real angle axis are resolved by
    Gauss-Legendre panels graded geometrically towards φ = 0 (hp refinement). ``integrand(v)``
    receives complex arrays shaped (rows, nodes). Symmetry f(conj v) = conj f(v) halves the
    range. Returns the (real) integral per row.
    """
    phi_max = np.asarray(half_width, float)
    near = np.clip(np.asarray(singular, float), 1e-300, None)
    # ten equal panels over [0, Φ], the first one split geometrically down to the singularity
    first = phi_max / 10
    depth = np.ceil(np.log2(np.maximum(first / near, 1.0)))
    levels = int(min(max(depth.max(), 0), max_panels))
    fine = first[:, None] * 2.0 ** -np.arange(levels, 0, -1)[None, :]
    edges = np.concatenate([np.zeros((len(phi_max), 1)), fine,
                            first[:, None] * np.arange(1, 11)[None, :]], axis=1)
    a, b = edges[:, :-1, None], edges[:, 1:, None]
    phi = (a + (b - a) * (_GL_X + 1) / 2).reshape(len(phi_max), -1)
    weights = ((b - a) / 2 * _GL_W).reshape(len(phi_max), -1)
    values = integrand(log_radius[:, None] + 1j * phi)
    return (values.real * weights).sum(axis=1) / np.pi
