"""mpmath references of distreg's discrete families, from each family's definition.

Every formula below is written from the definition of the distribution (its mass function and,
where the definition gives one, a closed form of a geometric or Gaussian sum), never by calling
distreg. Sums without a closed form are evaluated by :func:`log_concave_sum`: exact summation
where few terms matter and Euler-Maclaurin summation (``mpmath.sumem`` with the integral
computed by :func:`peak_integral`) over wide, smooth stretches, so that references for means up
to 1e15 and scales up to 1e12 cost a fraction of a second.

Precision: each reference raises the working precision to what its cancellations need
(``_dps``); results are mpf numbers accurate to far more digits than a double carries.
"""

from __future__ import annotations

import mpmath as mp

from distreg.distributions import (Bitwise, Dalap, Danorm, DiscretizedLaplace, DiscretizedNormal,
                                   GeneralizedPoisson, Hurdle, NegativeBinomial, Poisson,
                                   ZeroInflated)

from . import OracleFamily, register_oracle

__all__ = ["log_concave_sum", "peak_integral"]

#: terms smaller than exp(-DROP) times the largest term are negligible at the working precision
DROP = 160
#: stretches of at most this many terms are summed term by term
DIRECT = 2000


def _dps(*magnitudes, extra=40):
    """Digits that keep ``extra`` correct digits after cancelling terms of the given sizes."""
    big = max([1.0] + [abs(float(m)) for m in magnitudes if mp.isfinite(m)])
    return int(extra + mp.log10(big) + 5)


# ---------------------------------------------------------------------------- generic numerics
def _argmax_int(L, a, b):
    """Integer maximising the concave sequence L on [a, b] (smallest on ties); a finite."""
    # L(n + 1) - L(n) is non-increasing: find the first n with a non-positive step
    lo = a
    if b == a or L(a + 1) - L(a) <= 0:
        return a
    step = mp.mpf(1)
    hi = a + step
    while (b == mp.inf or hi < b) and L(hi + 1) - L(hi) > 0:
        lo = hi
        step *= 2
        hi = a + step
    hi = min(hi, b)
    while hi - lo > 1:
        mid = mp.floor((lo + hi) / 2)
        if L(mid + 1) - L(mid) > 0:
            lo = mid
        else:
            hi = mid
    return hi


def _argmax_int_any(L, a, b, hint):
    """Argmax of a concave sequence on [a, b] with a and/or b infinite, from a hint."""
    hint = mp.floor(hint)
    if a != -mp.inf:
        hint = max(hint, a)
    if b != mp.inf:
        hint = min(hint, b)
    if (b == mp.inf or hint < b) and L(hint + 1) - L(hint) > 0:
        return _argmax_int(L, hint, b)
    # search downwards from the hint: mirror the sequence
    if a != -mp.inf and hint == a:
        return a
    k = _argmax_int(lambda n: L(-n), -hint, -a if a != -mp.inf else mp.inf)
    return -k


def _last_above(L, start, limit, level, direction):
    """Furthest integer from ``start`` towards ``limit`` (direction ±1) with L >= level."""
    step = mp.mpf(1)
    good = start
    while True:
        cand = start + direction * step
        if limit != mp.inf * direction and direction * (cand - limit) >= 0:
            cand = limit
            if L(cand) >= level:
                return cand
            bad = cand
            break
        if L(cand) < level:
            bad = cand
            break
        good = cand
        step *= 2
    while abs(bad - good) > 1:
        mid = mp.floor((good + bad) / 2)
        if L(mid) >= level:
            good = mid
        else:
            bad = mid
    return good


def _first_slope_below(L, start, stop, threshold, direction):
    """First n from ``start`` towards ``stop`` where |L(n + d) - L(n)| <= threshold (d = ±1)."""

    def steep(n):
        return abs(L(n + direction) - L(n)) > threshold

    if not steep(start):
        return start
    good, bad = start, stop
    if steep(stop):
        return stop
    while abs(bad - good) > 1:
        mid = mp.floor((good + bad) / 2)
        if steep(mid):
            good = mid
        else:
            bad = mid
    return bad


def peak_integral(L, a, b, center=None, scale=None):
    """∫_a^b exp(L(x)) dx for a unimodal L, with panels refined geometrically around the peak.

    ``center`` and ``scale`` give a rough location and width of the peak; the panels start at
    the largest of L(a), L(center), L(b) and double outwards until L has dropped by ``DROP``.
    """
    if center is None:
        center = a if a != -mp.inf else b
    x0 = center
    if a != -mp.inf:
        x0 = max(x0, a)
    if b != mp.inf:
        x0 = min(x0, b)
    L0 = L(x0)
    try:
        slope = abs(mp.diff(L, x0))
    except (ValueError, ZeroDivisionError):  # pragma: no cover - endpoint singularity
        slope = mp.mpf(0)
    h = scale if scale is not None else mp.mpf(1)
    if slope > 0:
        h = min(h, 1 / slope)
    pts = [x0]
    for direction, end in ((1, b), (-1, a)):
        w = h / 8
        x = x0
        while True:
            nxt = x0 + direction * w
            if end != direction * mp.inf and direction * (nxt - end) >= 0:
                if x != end:
                    pts.append(end)
                break
            pts.append(nxt)
            x = nxt
            if L(nxt) < L0 - DROP:
                break
            w *= 2
    pts = sorted(set(pts))
    if len(pts) < 2:
        return mp.mpf(0)
    return mp.exp(L0) * mp.quad(lambda x: mp.exp(L(x) - L0), pts)


def log_concave_sum(L, a, b, hint=None):
    """Σ_{n=a}^{b} exp(L(n)) for a log-concave sequence extending to a smooth L on the reals.

    a may be -inf and b inf. Terms below exp(-DROP) times the largest are dropped; stretches of
    at most ``DIRECT`` terms are added exactly, wider ones by Euler-Maclaurin summation where the
    terms change slowly (|ΔL| <= 1/2 per step), with the steep ends added exactly.
    """
    a = mp.mpf(a)
    b = mp.mpf(b)
    if b < a:
        return mp.mpf(0)
    if a == -mp.inf or b == mp.inf:
        top = _argmax_int_any(L, a, b, hint if hint is not None else (a if a != -mp.inf else b))
    else:
        top = _argmax_int(L, a, b)
    level = L(top) - DROP
    lo = _last_above(L, top, a, level, -1)
    hi = _last_above(L, top, b, level, 1)
    if hi - lo <= DIRECT:
        return mp.fsum(mp.exp(L(n)) for n in mp.arange(lo, hi + 1))
    # exact sums over the steep ends, Euler-Maclaurin over the smooth middle
    # the first terms are added exactly too: a mass built from Γ functions has singularities at
    # the negative integers, which the Euler-Maclaurin remainder feels near the origin
    left = max(_first_slope_below(L, lo, top, mp.mpf(0.5), 1), min(lo + 40, hi))
    right = max(_first_slope_below(L, hi, top, mp.mpf(0.5), -1), left)
    total = mp.fsum(mp.exp(L(n)) for n in mp.arange(lo, left))
    total += mp.fsum(mp.exp(L(n)) for n in mp.arange(right + 1, hi + 1))
    if right - left <= DIRECT:
        return total + mp.fsum(mp.exp(L(n)) for n in mp.arange(left, right + 1))
    scale = mp.sqrt(-1 / min(mp.diff(L, top, 2), mp.mpf(-1e-300)))
    integral = peak_integral(L, left, right, center=top, scale=scale)
    return total + mp.sumem(lambda x: mp.exp(L(x)), [left, right], integral=integral)


def _mass(L, a, b, hint):
    """Σ_{n=a}^{b} exp(L(n)) over integers, with a, b real (cdf semantics: floor of both)."""
    a = mp.ceil(a) if a != -mp.inf else a
    b = mp.floor(b) if b != mp.inf else b
    return log_concave_sum(L, a, b, hint=hint)


def _split_sum(L, a, b, cut, hint):
    """Σ over [a, b] of a sequence that is log-concave on each side of the kink at ``cut``.

    The smooth extension of such a sequence has a kink, so Euler-Maclaurin summation must not
    cross it: the sum is split into n <= floor(cut) and n >= floor(cut) + 1.
    """
    m = mp.floor(cut)
    return (_mass(L, a, min(b, m), min(hint, m)) if a <= m else 0) + (
        _mass(L, max(a, m + 1), b, max(hint, m + 1)) if b >= m + 1 else 0)


def _moments(L, lower, upper, mu, cuts=()):
    """(mean, variance) of the mass exp(L) (normalised) on the integers of [lower, upper].

    The sums are taken about the integer c nearest to μ, so that a mass concentrated at c
    (a tiny scale) keeps the relative accuracy of its tiny variance E(Y - c)² - (E(Y - c))².
    They run piecewise between c, ⌊μ⌋ and the kinks in ``cuts`` (where the smooth extension of
    L is not differentiable): on each piece n - c keeps its sign and (n - c)^j p(n) is
    log-concave.
    """
    c = min(max(mp.floor(mu + mp.mpf(0.5)), lower), upper)
    edges = sorted(set([c, mp.floor(mu)] + [mp.floor(x) for x in cuts]))
    pieces, a = [], lower
    for e in edges:
        if a <= e <= upper:
            pieces.append((a, e))
            a = e + 1
    if a <= upper:
        pieces.append((a, upper))
    z = s1 = s2 = mp.mpf(0)
    for a, b in pieces:
        hint = mu if a <= mu <= b else (a if mu < a else b)
        z += _mass(L, a, b, hint)
        sign = 1 if a > c else -1
        if b == c:  # the centre's own term adds nothing to the central sums
            b = b - 1
        if b < a:
            continue
        for power in (1, 2):
            term = _mass(lambda n, p=power: L(n) + p * mp.log(abs(n - c)), a, b, hint)
            if power == 1:
                s1 += sign * term
            else:
                s2 += term
    m1, m2 = s1 / z, s2 / z
    return c + m1, m2 - m1 * m1


def _floor(y):
    return mp.floor(y) if mp.isfinite(y) else y


# ---------------------------------------------------------------------------- counts
def _poisson_log(n, mu):
    """log of e^{-μ} μ^n / n! (the Poisson mass)."""
    return n * mp.log(mu) - mu - mp.loggamma(n + 1) if n > 0 else -mu


def poisson_logpmf(y, mu):
    if y < 0:
        return mp.mpf("-inf")
    with mp.workdps(_dps(y * mp.log(mu + 2), mu)):
        return +_poisson_log(y, mu)


def poisson_cdf(y, mu):
    with mp.workdps(_dps(mu)):
        return +_mass(lambda n: _poisson_log(n, mu), 0, _floor(y), mu)


def poisson_sf(y, mu):
    with mp.workdps(_dps(mu)):
        return +_mass(lambda n: _poisson_log(n, mu), max(_floor(y) + 1, 0), mp.inf, mu)


register_oracle(OracleFamily(
    name="Poisson", cls=Poisson, discrete=True,
    cases=[{"mu": 1e-300}, {"mu": 1e-12}, {"mu": 0.7}, {"mu": 37.25}, {"mu": 1e6 + 0.5},
           {"mu": 1e12}, {"mu": 1e15}],
    logdensity=poisson_logpmf, cdf=poisson_cdf, sf=poisson_sf,
    mean=lambda mu: mu, var=lambda mu: mu))


def _nb_log(n, mu, alpha):
    """log of Γ(n + r)/(Γ(r) n!) (r/(r + μ))^r (μ/(r + μ))^n, r = 1/α; the Poisson at α = 0."""
    if alpha == 0:
        return _poisson_log(n, mu)
    r = 1 / alpha
    return (mp.loggamma(n + r) - mp.loggamma(r) - mp.loggamma(n + 1)
            - r * mp.log1p(mu / r) + n * (mp.log(mu) - mp.log(r + mu)))


def _nb_dps(mu, alpha, y=0):
    r = 1 / alpha if alpha > 0 else mp.mpf(1)
    return _dps((r + y + mu) * mp.log(r + y + mu + 2))


def nb_logpmf(y, mu, alpha):
    if y < 0:
        return mp.mpf("-inf")
    with mp.workdps(_nb_dps(mu, alpha, y)):
        return +_nb_log(y, mu, alpha)


def nb_cdf(y, mu, alpha):
    with mp.workdps(_nb_dps(mu, alpha, mu)):
        return +_mass(lambda n: _nb_log(n, mu, alpha), 0, _floor(y), mu)


def nb_sf(y, mu, alpha):
    with mp.workdps(_nb_dps(mu, alpha, mu)):
        return +_mass(lambda n: _nb_log(n, mu, alpha), max(_floor(y) + 1, 0), mp.inf, mu)


register_oracle(OracleFamily(
    name="NegativeBinomial", cls=NegativeBinomial, discrete=True,
    # the cases: at μ = 1.59 the pmf summed to 1.001, 1.35 and 0.20 for α = 1e-12,
    # 1e-15, 1e-18; α = 0 is the Poisson limit, α = 1e4 a mass piled at 0 with a long tail
    cases=[{"mu": 1.59, "alpha": 1e-12}, {"mu": 1.59, "alpha": 1e-15},
           {"mu": 1.59, "alpha": 1e-18}, {"mu": 1.59, "alpha": 1e-30},
           {"mu": 20.0, "alpha": 0.0}, {"mu": 3.5, "alpha": 0.7}, {"mu": 0.01, "alpha": 1e4},
           {"mu": 1e-200, "alpha": 2.0}, {"mu": 1e6, "alpha": 1e-9},
           {"mu": 1e15, "alpha": 1e-20}, {"mu": 1e15, "alpha": 0.3}],
    logdensity=nb_logpmf, cdf=nb_cdf, sf=nb_sf,
    mean=lambda mu, alpha: mu, var=lambda mu, alpha: mu + alpha * mu * mu))


def _gp_log(n, mu, xi):
    """log of θ (θ + ξn)^(n-1) e^(-θ-ξn) / n!, θ = μ(1 - ξ) (Consul & Jain 1973)."""
    theta = mu * (1 - xi)
    if n == 0:
        return -theta
    return (mp.log(theta) + (n - 1) * mp.log(theta + xi * n) - theta - xi * n
            - mp.loggamma(n + 1))


def _gp_dps(mu, xi, y=0):
    return _dps((y + mu) * mp.log(y + mu + 2), mu / (1 - xi) ** 2)


def gp_logpmf(y, mu, xi):
    if y < 0:
        return mp.mpf("-inf")
    with mp.workdps(_gp_dps(mu, xi, y)):
        return +_gp_log(y, mu, xi)


def gp_cdf(y, mu, xi):
    with mp.workdps(_gp_dps(mu, xi, mu)):
        return +_mass(lambda n: _gp_log(n, mu, xi), 0, _floor(y), mu)


def gp_sf(y, mu, xi):
    with mp.workdps(_gp_dps(mu, xi, mu)):
        return +_mass(lambda n: _gp_log(n, mu, xi), max(_floor(y) + 1, 0), mp.inf, mu)


register_oracle(OracleFamily(
    name="GeneralizedPoisson", cls=GeneralizedPoisson, discrete=True,
    cases=[{"mu": 3.0, "xi": 0.0}, {"mu": 4.0, "xi": 0.5}, {"mu": 1e-8, "xi": 0.3},
           {"mu": 0.5, "xi": 0.999}, {"mu": 1e3, "xi": 0.9}, {"mu": 1e6, "xi": 0.2},
           {"mu": 1e12, "xi": 0.5}, {"mu": 1e15, "xi": 0.01}],
    logdensity=gp_logpmf, cdf=gp_cdf, sf=gp_sf,
    mean=lambda mu, xi: mu, var=lambda mu, xi: mu / (1 - xi) ** 2))


# ---------------------------------------------------------------------------- integers, real μ
def _dalap_dps(mu, gamma, lower, upper):
    # γ^|n-μ| in the far tail and the range ends, at the precision of the largest term
    return _dps(mu, 1 / (1 - gamma), *(b for b in (lower, upper) if mp.isfinite(b)))


def _dalap_parts(mu, gamma, lower, upper):
    """Unnormalised log mass |n - μ| log γ (Maat & Bloem) and its normaliser on [lower, upper]."""
    lg = mp.log(gamma)

    def L(n):
        return abs(n - mu) * lg

    hint = min(max(mu, lower), upper)
    return L, _split_sum(L, lower, upper, mu, hint)


def dalap_logpmf(y, mu, gamma, lower=-mp.inf, upper=mp.inf):
    if y < lower or y > upper:
        return mp.mpf("-inf")
    with mp.workdps(_dalap_dps(mu, gamma, lower, upper)):
        L, z = _dalap_parts(mu, gamma, lower, upper)
        return L(y) - mp.log(z)


def dalap_cdf(y, mu, gamma, lower=-mp.inf, upper=mp.inf):
    with mp.workdps(_dalap_dps(mu, gamma, lower, upper)):
        L, z = _dalap_parts(mu, gamma, lower, upper)
        k = min(_floor(y), upper)
        return _split_sum(L, lower, k, mu, min(max(mu, lower), k)) / z if k >= lower else mp.mpf(0)


def dalap_sf(y, mu, gamma, lower=-mp.inf, upper=mp.inf):
    with mp.workdps(_dalap_dps(mu, gamma, lower, upper)):
        L, z = _dalap_parts(mu, gamma, lower, upper)
        k = max(_floor(y) + 1, lower)
        return _split_sum(L, k, upper, mu, max(min(mu, upper), k)) / z if k <= upper else mp.mpf(0)


def _dalap_moments(mu, gamma, lower=-mp.inf, upper=mp.inf):
    with mp.workdps(_dalap_dps(mu, gamma, lower, upper)):
        L, _ = _dalap_parts(mu, gamma, lower, upper)
        return _moments(L, lower, upper, mu)


def dalap_mean(mu, gamma, lower=-mp.inf, upper=mp.inf):
    return _dalap_moments(mu, gamma, lower, upper)[0]


def dalap_var(mu, gamma, lower=-mp.inf, upper=mp.inf):
    return _dalap_moments(mu, gamma, lower, upper)[1]


register_oracle(OracleFamily(
    name="Dalap", cls=Dalap, discrete=True,
    cases=[{"mu": 0.0, "gamma": 0.5}, {"mu": 2.3, "gamma": 1e-300}, {"mu": -7.75, "gamma": 1e-9},
           {"mu": 0.3, "gamma": 1 - 1e-12}, {"mu": 1e15 + 0.5, "gamma": 0.9},
           {"mu": -4.5, "gamma": 0.999999}],
    build=lambda p: Dalap(p["mu"], p["gamma"]),
    logdensity=dalap_logpmf, cdf=dalap_cdf, sf=dalap_sf, mean=dalap_mean, var=dalap_var))

register_oracle(OracleFamily(
    name="Dalap (bounded)", cls=Dalap, discrete=True,
    cases=[{"mu": 0.4, "gamma": 0.7, "lower": 0.0, "upper": 5.0},
           {"mu": 12.5, "gamma": 0.8, "lower": 0.0, "upper": 10.0},
           {"mu": 3.3, "gamma": 1 - 1e-9, "lower": -2.0, "upper": 40.0},
           {"mu": 1e6 + 0.25, "gamma": 0.999, "lower": 0.0, "upper": 2e6},
           {"mu": -50.0, "gamma": 0.3, "lower": 0.0, "upper": 1e9},
           {"mu": 7.0, "gamma": 1e-200, "lower": 7.0, "upper": 7.0}],
    logdensity=dalap_logpmf, cdf=dalap_cdf, sf=dalap_sf, mean=dalap_mean, var=dalap_var))


def _danorm_parts(mu, sigma):
    def L(n):
        return -((n - mu) / sigma) ** 2 / 2

    return L, _mass(L, -mp.inf, mp.inf, mu)


def _danorm_dps(mu, sigma):
    return _dps(mu, sigma, 1 / sigma)


def danorm_logpmf(y, mu, sigma):
    with mp.workdps(_danorm_dps(mu, sigma)):
        L, z = _danorm_parts(mu, sigma)
        return L(y) - mp.log(z)


def danorm_cdf(y, mu, sigma):
    with mp.workdps(_danorm_dps(mu, sigma)):
        L, z = _danorm_parts(mu, sigma)
        k = _floor(y)
        return _mass(L, -mp.inf, k, min(mu, k)) / z


def danorm_sf(y, mu, sigma):
    with mp.workdps(_danorm_dps(mu, sigma)):
        L, z = _danorm_parts(mu, sigma)
        k = _floor(y) + 1
        return _mass(L, k, mp.inf, max(mu, k)) / z


def _danorm_moments(mu, sigma):
    with mp.workdps(_danorm_dps(mu, sigma)):
        L, _ = _danorm_parts(mu, sigma)
        return _moments(L, -mp.inf, mp.inf, mu)


register_oracle(OracleFamily(
    name="Danorm", cls=Danorm, discrete=True,
    # the case σ = 1e7 took 4.5 s per cdf and grew linearly with σ
    cases=[{"mu": 0.3, "sigma": 1e7}, {"mu": 0.0, "sigma": 1e-3}, {"mu": 2.5, "sigma": 0.45},
           {"mu": -10.3, "sigma": 1.3}, {"mu": 1e15 + 0.25, "sigma": 3.0},
           {"mu": 1e15, "sigma": 1e12}, {"mu": 0.7, "sigma": 40.0}],
    logdensity=danorm_logpmf, cdf=danorm_cdf, sf=danorm_sf,
    mean=lambda mu, sigma: _danorm_moments(mu, sigma)[0],
    var=lambda mu, sigma: _danorm_moments(mu, sigma)[1]))


def _ncdf(x):
    """Φ(x); beyond |x| = 1e9 (where mpmath's erfc overflows its term count) 0 or 1, which is
    exact to far below the smallest double."""
    if abs(x) > 1e9:
        return mp.mpf(0) if x < 0 else mp.mpf(1)
    return mp.ncdf(x)


def _dnormal_log(n, mu, sigma):
    """log(Φ((n + ½ - μ)/σ) - Φ((n - ½ - μ)/σ)), on the tail side where the Φ are small."""
    a, b = (n - mu - mp.mpf(0.5)) / sigma, (n - mu + mp.mpf(0.5)) / sigma
    if a > 0:
        a, b = -b, -a
    return mp.log(_ncdf(b) - _ncdf(a))


def dnormal_logpmf(y, mu, sigma):
    with mp.workdps(_dps(mu, sigma, 1 / sigma)):
        return +_dnormal_log(y, mu, sigma)


def _dnormal_moments(mu, sigma):
    with mp.workdps(_dps(mu, sigma, 1 / sigma)):
        return _moments(lambda n: _dnormal_log(n, mu, sigma), -mp.inf, mp.inf, mu)


register_oracle(OracleFamily(
    name="DiscretizedNormal", cls=DiscretizedNormal, discrete=True,
    cases=[{"mu": 0.0, "sigma": 1.0}, {"mu": 10.2, "sigma": 1e-3}, {"mu": -3.7, "sigma": 0.3},
           {"mu": 0.5, "sigma": 1e9}, {"mu": 1e15 + 0.5, "sigma": 2.5}, {"mu": 7.1, "sigma": 1e-300}],
    logdensity=dnormal_logpmf,
    cdf=lambda y, mu, sigma: _ncdf((_floor(y) + mp.mpf(0.5) - mu) / sigma),
    sf=lambda y, mu, sigma: _ncdf((mu - _floor(y) - mp.mpf(0.5)) / sigma),
    mean=lambda mu, sigma: _dnormal_moments(mu, sigma)[0],
    var=lambda mu, sigma: _dnormal_moments(mu, sigma)[1]))


def _laplace_cdf(x, mu, b):
    z = (x - mu) / b
    return mp.exp(z) / 2 if z < 0 else 1 - mp.exp(-z) / 2


def _dlaplace_log(n, mu, b):
    """log(F(n + ½) - F(n - ½)) for the Laplace(μ, b) cdf F, from whichever side is small."""
    lo, hi = (n - mu - mp.mpf(0.5)) / b, (n - mu + mp.mpf(0.5)) / b
    if hi <= 0:  # the cell lies below μ: ½e^{hi} - ½e^{lo}
        return hi + mp.log(-mp.expm1(lo - hi) / 2)
    if lo >= 0:  # above μ: ½e^{-lo} - ½e^{-hi}
        return -lo + mp.log(-mp.expm1(lo - hi) / 2)
    return mp.log(-(mp.expm1(-hi) + mp.expm1(lo)) / 2)


def _dlaplace_dps(mu, b):
    return _dps(mu, b, 1 / b)


def dlaplace_logpmf(y, mu, b):
    with mp.workdps(_dlaplace_dps(mu, b)):
        return +_dlaplace_log(y, mu, b)


def dlaplace_cdf(y, mu, b):
    with mp.workdps(_dlaplace_dps(mu, b)):
        return _laplace_cdf(_floor(y) + mp.mpf(0.5), mu, b)


def dlaplace_sf(y, mu, b):
    with mp.workdps(_dlaplace_dps(mu, b)):
        z = (_floor(y) + mp.mpf(0.5) - mu) / b
        return mp.exp(-z) / 2 if z >= 0 else 1 - mp.exp(z) / 2


def _dlaplace_moments(mu, b):
    with mp.workdps(_dlaplace_dps(mu, b)):
        # the cell straddling μ is where the smooth extension has its kinks
        c = mp.floor(mu + mp.mpf(0.5))
        return _moments(lambda n: _dlaplace_log(n, mu, b), -mp.inf, mp.inf, mu, cuts=(c - 1, c))


register_oracle(OracleFamily(
    name="DiscretizedLaplace", cls=DiscretizedLaplace, discrete=True,
    # b = 1e3 with μ = 1e6 is the dlaplace case (17 s per predict)
    cases=[{"mu": 0.0, "b": 1.0}, {"mu": 3.7, "b": 1e-3}, {"mu": 1e6, "b": 1e3},
           {"mu": -2.5, "b": 0.3}, {"mu": 0.2, "b": 1e10}, {"mu": 1e15 + 0.25, "b": 7.0},
           {"mu": 4.4, "b": 1e-300}],
    logdensity=dlaplace_logpmf, cdf=dlaplace_cdf, sf=dlaplace_sf,
    mean=lambda mu, b: _dlaplace_moments(mu, b)[0],
    var=lambda mu, b: _dlaplace_moments(mu, b)[1]))


# ---------------------------------------------------------------------------- bits and wrappers
def _log_expit(x):
    """log(1/(1 + e^{-x}))."""
    return -mp.log1p(mp.exp(-x)) if x > -50 else x - mp.log1p(mp.exp(x))


def _bits(v, count):
    v = int(v)
    return [(v >> j) & 1 for j in range(count)]


def bitwise_logpmf(y, logits, low):
    v = y - low
    if v < 0 or v > 2 ** len(logits) - 1:
        return mp.mpf("-inf")
    return mp.fsum(_log_expit(ell if bit else -ell) for bit, ell in zip(_bits(v, len(logits)), logits))


def _bitwise_tail(y, logits, low, upper):
    """P(V <= v) (upper=False) or P(V > v) for V = Y - low, by the order of binary numbers.

    V <= v exactly when V = v, or V and v agree above some bit j where v has a 1 and V a 0;
    V > v when they agree above a bit where v has a 0 and V a 1.
    """
    B = len(logits)
    v = _floor(y) - low
    if v < 0:
        return mp.mpf(1) if upper else mp.mpf(0)
    if v >= 2 ** B - 1:
        return mp.mpf(0) if upper else mp.mpf(1)
    bits = _bits(v, B)
    prob = [mp.exp(_log_expit(ell)) for ell in logits]  # P(bit = 1)
    comp = [mp.exp(_log_expit(-ell)) for ell in logits]
    total, prefix = mp.mpf(0), mp.mpf(1)
    for j in range(B - 1, -1, -1):
        if upper and bits[j] == 0:
            total += prefix * prob[j]
        if not upper and bits[j] == 1:
            total += prefix * comp[j]
        prefix *= prob[j] if bits[j] else comp[j]
    return total if upper else total + prefix


register_oracle(OracleFamily(
    name="Bitwise", cls=Bitwise, discrete=True,
    cases=[{"logits": [0.0], "low": 0.0}, {"logits": [3.0, -2.0, 1.0, -0.5], "low": -3.0},
           {"logits": [700.0, -700.0, 40.0, -40.0, 0.0, 1e-9], "low": 5.0},
           {"logits": [-30.0] * 16, "low": -32768.0},
           {"logits": [2.0 if j % 3 else -25.0 for j in range(52)], "low": -(2.0 ** 51)}],
    build=lambda p: Bitwise([p["logits"]], low=p["low"]),
    logdensity=bitwise_logpmf,
    cdf=lambda y, logits, low: _bitwise_tail(y, logits, low, False),
    sf=lambda y, logits, low: _bitwise_tail(y, logits, low, True),
    mean=lambda logits, low: low + mp.fsum(2 ** j * mp.exp(_log_expit(ell)) for j, ell in enumerate(logits)),
    var=lambda logits, low: mp.fsum(4 ** j * mp.exp(_log_expit(ell) + _log_expit(-ell))
                                    for j, ell in enumerate(logits))))

#: the base families of the zero-inflated and hurdle oracles: (class, logpmf, cdf, sf, mean, var)
_BASES = {
    "Poisson": (Poisson, ("mu",), poisson_logpmf, poisson_cdf, poisson_sf,
                lambda mu: mu, lambda mu: mu),
    "NegativeBinomial": (NegativeBinomial, ("mu", "alpha"), nb_logpmf, nb_cdf, nb_sf,
                         lambda mu, alpha: mu, lambda mu, alpha: mu + alpha * mu * mu),
}


def _wrapped_oracle(kind, base_name, cases):
    cls, names, logpmf, cdf, sf, mean, var = _BASES[base_name]
    wrapper = ZeroInflated if kind == "ZeroInflated" else Hurdle

    def split(params):
        base = {k: params[k] for k in names}
        return base, params["pi"]

    def build(params):
        base, pi = split(params)
        return wrapper(cls(**base), pi)

    def p0(base):
        return mp.exp(logpmf(mp.mpf(0), **base))

    def positive(base):
        """P(base > 0), from the base's own survival function (no 1 - p(0) cancellation)."""
        return sf(mp.mpf(0), **base)

    if kind == "ZeroInflated":
        # P(0) = π + (1 - π) p(0), P(y) = (1 - π) p(y) (Lambert 1992)
        def logdensity(y, **params):
            base, pi = split(params)
            if y == 0:
                return mp.log(pi + (1 - pi) * p0(base))
            return mp.log1p(-pi) + logpmf(y, **base) if y > 0 else mp.mpf("-inf")

        def cdf_(y, **params):
            base, pi = split(params)
            return pi + (1 - pi) * cdf(y, **base) if y >= 0 else mp.mpf(0)

        def sf_(y, **params):
            base, pi = split(params)
            return (1 - pi) * sf(y, **base) if y >= 0 else mp.mpf(1)

        def mean_(**params):
            base, pi = split(params)
            return (1 - pi) * mean(**base)

        def var_(**params):
            base, pi = split(params)
            m, v = mean(**base), var(**base)
            return (1 - pi) * v + pi * (1 - pi) * m * m
    else:
        # P(0) = π, P(y) = (1 - π) p(y)/(1 - p(0)) for y >= 1 (Mullahy 1986)
        def logdensity(y, **params):
            base, pi = split(params)
            if y == 0:
                return mp.log(pi)
            return (mp.log1p(-pi) + logpmf(y, **base) - mp.log(positive(base))
                    if y > 0 else mp.mpf("-inf"))

        def cdf_(y, **params):
            base, pi = split(params)
            if y < 0:
                return mp.mpf(0)
            # P(1 <= base <= y) summed, not cdf(y) - p(0): that difference cancels when p(0) ≈ 1
            between = _mass(lambda n: logpmf(n, **base), 1, y, mean(**base))
            return pi + (1 - pi) * between / positive(base)

        def sf_(y, **params):
            base, pi = split(params)
            return (1 - pi) * sf(y, **base) / positive(base) if y >= 0 else mp.mpf(1)

        def mean_(**params):
            base, pi = split(params)
            return (1 - pi) * mean(**base) / positive(base)

        def var_(**params):
            base, pi = split(params)
            m, v = mean(**base), var(**base)
            plus = positive(base)
            second = (1 - pi) * (v + m * m) / plus
            return second - ((1 - pi) * m / plus) ** 2

    return OracleFamily(name=f"{kind}-{base_name}", cls=wrapper, discrete=True, cases=cases,
                        build=build, logdensity=logdensity, cdf=cdf_, sf=sf_, mean=mean_, var=var_)


register_oracle(_wrapped_oracle("ZeroInflated", "Poisson", [
    {"mu": 2.0, "pi": 0.3}, {"mu": 1e-12, "pi": 0.5}, {"mu": 1e9, "pi": 1e-9},
    {"mu": 40.0, "pi": 1 - 1e-12}]))
register_oracle(_wrapped_oracle("ZeroInflated", "NegativeBinomial", [
    {"mu": 5.0, "alpha": 0.3, "pi": 0.2}, {"mu": 1e12, "alpha": 1e-15, "pi": 0.7}]))
register_oracle(_wrapped_oracle("Hurdle", "Poisson", [
    {"mu": 2.0, "pi": 0.5}, {"mu": 1e-6, "pi": 0.1}, {"mu": 1e12, "pi": 0.99}]))
register_oracle(_wrapped_oracle("Hurdle", "NegativeBinomial", [
    {"mu": 3.0, "alpha": 0.2, "pi": 0.4}, {"mu": 0.5, "alpha": 50.0, "pi": 1e-6},
    {"mu": 1e10, "alpha": 1e-18, "pi": 0.3}]))
