"""mpmath references for the continuous families, the empirical distribution and mixtures.

Every formula below is written from the family's definition (the class docstrings and their
papers), in mpmath, and never calls distreg: the Normal and log-normal through erfc; the APGW
through its cumulative hazard (Burke, Jones & Noufaily 2020, Section 2) and, for its moments,
E f(T) = ∫ f(t(E)) e^(-E) dE with t the inverse of the cumulative hazard (E = H(T) is standard
exponential); the quantile function through its piecewise-linear quantiles and tails; the
empirical distribution through its weighted atoms; mixtures through their components.

Cases span the parameter spaces: scales 1e-300 to 1e300, locations far from 0 (1e15), shapes
at their extremes, and evaluation points whose tail probabilities go down to about 1e-300.
Parameters in every case are plain numbers (tables of knots and samples are chosen by index),
so that they convert to mpf like any other parameter.
"""

from __future__ import annotations

import functools

import mpmath as mp
import numpy as np

from distreg.distributions import (APGW, Dalap, Empirical, LogNormal, Mixture, Normal, Poisson,
                                   QuantileFunction)

from . import OracleFamily, register_oracle

__all__ = ["QF_TABLES", "EMPIRICAL_SAMPLES"]

#: standardised points whose normal tail probabilities run from 1e-300 to 1/2
_Z = [-37.5, -37.0, -20.0, -8.5, -3.0, -1.0, -0.25, 0.0, 0.3, 1.0, 4.0, 8.5, 20.0, 37.0, 37.5]


def _mpf(x):
    return mp.mpf(x) if not isinstance(x, mp.mpf) else x


def _finite_points(values):
    """Distinct finite doubles, sorted."""
    out = sorted({float(v) for v in values if np.isfinite(float(v))})
    return out


# ---------------------------------------------------------------------------------- Normal
def _norm_cdf(z):
    """Φ(z); beyond |z| = 1e8 (where mpmath's erfc gives up) the asymptotic series
    erfc(x) = e^(-x²)/(x√π) (1 - 1/(2x²) + ...), whose next term is below 1e-32 there."""
    x = -z / mp.sqrt(2)
    if x > mp.mpf("1e8"):
        return mp.exp(-x * x) / (x * mp.sqrt(mp.pi)) * (1 - 1 / (2 * x * x)) / 2
    if x < -mp.mpf("1e8"):
        return 1 - _norm_cdf(-z)
    return mp.erfc(x) / 2


def _normal_logpdf(y, loc, scale):
    z = (_mpf(y) - loc) / scale
    return -z * z / 2 - mp.log(scale) - mp.log(2 * mp.pi) / 2


def _normal_points(p):
    loc, scale = float(p["loc"]), float(p["scale"])
    return _finite_points(loc + scale * z for z in _Z)


register_oracle(OracleFamily(
    name="Normal",
    cls=Normal,
    cases=[
        {"loc": 0.0, "scale": 1.0},
        {"loc": -3.0, "scale": 0.1},
        {"loc": 0.0, "scale": 1e-300},
        {"loc": 0.0, "scale": 1e300},
        {"loc": 1e15, "scale": 1.0},
        {"loc": -1e15, "scale": 1e-3},
        {"loc": 1e15, "scale": 1e-300},
        {"loc": 2.5e-300, "scale": 1e-300},
        {"loc": 1e300, "scale": 1e290},
        {"loc": -7.0, "scale": 1e10},
    ],
    logdensity=_normal_logpdf,
    cdf=lambda y, loc, scale: _norm_cdf((_mpf(y) - loc) / scale),
    sf=lambda y, loc, scale: _norm_cdf((loc - _mpf(y)) / scale),
    mean=lambda loc, scale: _mpf(loc),
    var=lambda loc, scale: _mpf(scale) ** 2,
    points=_normal_points,
))


# ---------------------------------------------------------------------------------- LogNormal
def _lognormal_logpdf(y, mu, sigma):
    y = _mpf(y)
    if y <= 0:
        return mp.ninf
    z = (mp.log(y) - mu) / sigma
    return -z * z / 2 - mp.log(sigma) - mp.log(2 * mp.pi) / 2 - mp.log(y)


def _lognormal_cdf(y, mu, sigma):
    y = _mpf(y)
    return mp.mpf(0) if y <= 0 else _norm_cdf((mp.log(y) - mu) / sigma)


def _lognormal_sf(y, mu, sigma):
    y = _mpf(y)
    return mp.mpf(1) if y <= 0 else _norm_cdf((mu - mp.log(y)) / sigma)


def _lognormal_points(p):
    mu, sigma = float(p["mu"]), float(p["sigma"])
    with np.errstate(over="ignore", under="ignore"):
        pts = [np.exp(mu + sigma * z) for z in _Z]
    median = np.exp(mu)
    pts += [np.nextafter(median, 0.0), np.nextafter(median, np.inf)]
    return [y for y in _finite_points(pts) if y > 0]


register_oracle(OracleFamily(
    name="LogNormal",
    cls=LogNormal,
    cases=[
        {"mu": 0.0, "sigma": 1.0},
        {"mu": 2.0, "sigma": 0.5},
        {"mu": -690.0, "sigma": 0.5},        # scale e^μ = 1e-300
        {"mu": 690.0, "sigma": 0.05},        # scale 1e300
        {"mu": 0.0, "sigma": 1e-300},        # cdf a step at 1 between adjacent doubles
        {"mu": 0.0, "sigma": 1e-8},
        # median 1e15: z = (log y - μ)/σ magnifies the 1e-17 absolute error of log y - μ by
        # 1/σ, and Φ(z) in its tail by |z| more: about 4e-13 relative at z = -37 here
        {"mu": 34.5, "sigma": 1e-3},
        {"mu": -5.0, "sigma": 6.0},          # very heavy right tail
        {"mu": 10.0, "sigma": 18.0},         # quantiles spanning the double range
    ],
    logdensity=_lognormal_logpdf,
    cdf=_lognormal_cdf,
    sf=_lognormal_sf,
    mean=lambda mu, sigma: mp.exp(mu + _mpf(sigma) ** 2 / 2),
    var=lambda mu, sigma: mp.expm1(_mpf(sigma) ** 2) * mp.exp(2 * mu + _mpf(sigma) ** 2),
    points=_lognormal_points,
))


# ---------------------------------------------------------------------------------- APGW
def _apgw_cumhaz(t, lam, phi, gamma, kappa):
    """H(t) = λ(κ+1)/κ ((1 + (φt)^γ/(κ+1))^κ - 1); λ log(1 + u) at κ = 0; λ(e^u - 1) at κ = ∞."""
    t = _mpf(t)
    if t <= 0:
        return mp.mpf(0)
    if mp.isinf(t):
        return lam * (1 + kappa) / -kappa if kappa < 0 else mp.inf
    u = (phi * t) ** gamma
    if mp.isinf(kappa):
        return lam * mp.expm1(u)
    if kappa == 0:
        return lam * mp.log1p(u)
    return lam * (1 + kappa) / kappa * mp.expm1(kappa * mp.log1p(u / (1 + kappa)))


def _apgw_loghazard(t, lam, phi, gamma, kappa):
    """log h(t), h = λγφ^γ t^(γ-1) w^(κ-1) (κ = ∞: λγφ^γ t^(γ-1) e^u)."""
    u = (phi * t) ** gamma
    base = mp.log(lam) + mp.log(gamma) + gamma * mp.log(phi) + (gamma - 1) * mp.log(t)
    if mp.isinf(kappa):
        return base + u
    return base + (kappa - 1) * mp.log1p(u / (1 + kappa))


def _apgw_logpdf(y, lam, phi, gamma, kappa):
    y = _mpf(y)
    if y <= 0 or mp.isinf(y):
        return mp.ninf
    return _apgw_loghazard(y, lam, phi, gamma, kappa) - _apgw_cumhaz(y, lam, phi, gamma, kappa)


def _apgw_u_at(E, lam, kappa):
    """u = (φt)^γ at which H(t) = E (closed-form inverse of the cumulative hazard)."""
    if mp.isinf(kappa):
        return mp.log1p(E / lam)
    if kappa == 0:
        return mp.expm1(E / lam)
    x = 1 + kappa * E / (lam * (1 + kappa))
    return mp.inf if x <= 0 else (1 + kappa) * mp.expm1(mp.log(x) / kappa)


def _apgw_moment_integral(f, lam, kappa):
    """∫₀^∞ f(u(E)) e^(-E) dE, split where the integrand changes scale."""
    edges = [0, mp.mpf("1e-6"), mp.mpf("1e-2"), 1, 4, 16, 64, 256, 1024, mp.inf]
    return mp.quad(lambda E: f(_apgw_u_at(E, lam, kappa)) * mp.exp(-E), edges)


def _apgw_infinite(order, lam, gamma, kappa):
    return kappa < 0 or (kappa == 0 and lam * gamma <= order)


def _apgw_mean(lam, phi, gamma, kappa):
    if _apgw_infinite(1, lam, gamma, kappa):
        return mp.inf
    # E T = E[U^(1/γ)] / φ; the expectation is taken of the scale-free U so that the
    # quadrature's absolute tolerance is relative to the result
    return _apgw_moment_integral(lambda u: u ** (1 / gamma), lam, kappa) / phi


def _apgw_var(lam, phi, gamma, kappa):
    if _apgw_infinite(2, lam, gamma, kappa):
        return mp.inf
    m = _apgw_moment_integral(lambda u: u ** (1 / gamma), lam, kappa)
    v = _apgw_moment_integral(lambda u: (u ** (1 / gamma) - m) ** 2, lam, kappa)
    return v / phi**2


def _apgw_points(p):
    """Times at cumulative hazards from 1e-300 to 700 (below the plateau of a cure model)."""
    lam, phi, gamma, kappa = (_mpf(p[k]) for k in ("lam", "phi", "gamma", "kappa"))
    plateau = _apgw_cumhaz(mp.inf, lam, phi, gamma, kappa)
    out = []
    for H in ["1e-300", "1e-100", "1e-10", "0.01", "0.5", "1", "3", "30", "300", "700"]:
        H = mp.mpf(H)
        if H >= plateau * (1 - mp.mpf("1e-6")):
            continue
        u = _apgw_u_at(H, lam, kappa)
        t = u ** (1 / gamma) / phi
        if mp.mpf("1e-300") < t < mp.mpf("1e300"):
            out.append(float(t))
    return _finite_points(out)


register_oracle(OracleFamily(
    name="APGW",
    cls=APGW,
    cases=[
        {"lam": 1.0, "phi": 0.5, "gamma": 1.7, "kappa": 1.0},        # Weibull
        {"lam": 1.0, "phi": 0.7, "gamma": 1.0, "kappa": 1.0},        # exponential
        {"lam": 1.0, "phi": 0.5, "gamma": 2.5, "kappa": 0.0},        # log-logistic
        {"lam": 1.5, "phi": 0.5, "gamma": 2.5, "kappa": 0.0},        # Burr XII
        {"lam": 0.3, "phi": 0.8, "gamma": 1.0, "kappa": np.inf},     # Gompertz
        {"lam": 2.0, "phi": 0.5, "gamma": 0.7, "kappa": 0.5},
        {"lam": 0.5, "phi": 1.0, "gamma": 0.5, "kappa": 4.0},        # bathtub hazard
        {"lam": 1.0, "phi": 2.0, "gamma": 3.0, "kappa": 0.0},        # arch-shaped hazard
        {"lam": 1.0, "phi": 1.0, "gamma": 1.5, "kappa": -0.5},       # cure fraction e^-1
        {"lam": 1.2, "phi": 0.5, "gamma": 1.0, "kappa": -0.3},       # cure fraction e^-4
        {"lam": 0.01, "phi": 1.0, "gamma": 2.0, "kappa": -0.999},    # almost all cured
        {"lam": 1.0, "phi": 1e-300, "gamma": 1.0, "kappa": 1.0},     # times of 1e300
        {"lam": 1.0, "phi": 1e300, "gamma": 1.0, "kappa": 1.0},      # times of 1e-300
        {"lam": 1e-10, "phi": 1.0, "gamma": 1.0, "kappa": 2.0},
        {"lam": 1e10, "phi": 1e-5, "gamma": 2.0, "kappa": 3.0},
        {"lam": 1.0, "phi": 1e-5, "gamma": 200.0, "kappa": 0.5},     # times packed near 1e5
        {"lam": 1.0, "phi": 1.0, "gamma": 0.05, "kappa": 1.0},       # T = E^20: mean 20! = 2.4e18
        {"lam": 3.0, "phi": 1.0, "gamma": 1.0, "kappa": 1e-12},      # κ next to the Burr case
        {"lam": 0.4, "phi": 1.0, "gamma": 1.2, "kappa": 1e6},        # κ far towards Gompertz
        {"lam": 2.0, "phi": 1.0, "gamma": 1.05, "kappa": 0.0},       # Burr, heavy tail: λγ = 2.1
    ],
    logdensity=_apgw_logpdf,
    cdf=lambda y, **p: -mp.expm1(-_apgw_cumhaz(y, **p)),
    sf=lambda y, **p: mp.exp(-_apgw_cumhaz(y, **p)),
    mean=_apgw_mean,
    var=_apgw_var,
    points=_apgw_points,
))


# ---------------------------------------------------------------------------------- QuantileFunction
#: (levels, one row of quantiles, tails); cases pick a table and scale/shift its values
QF_TABLES = [
    ([0.1, 0.25, 0.5, 0.75, 0.9], [-2.0, -1.0, 0.0, 0.5, 3.0], "exponential"),
    ([0.1, 0.25, 0.5, 0.75, 0.9], [10.0, 11.0, 12.5, 13.0, 20.0], "exponential"),
    ([0.05, 0.5, 0.95], [0.0, 1.0, 5.0], "linear"),
    ([0.05, 0.5, 0.95], [-3.0, -2.0, -1.5], "linear"),
    ([1e-10, 0.5, 1 - 1e-10], [-1.0, 0.0, 2.0], "exponential"),   # extreme end levels
    ([0.2, 0.4, 0.6, 0.8], [1.0, 2.0, 2.0, 4.0], "exponential"),  # an atom (flat piece)
    ([0.25, 0.5, 0.75], [-1.0, 0.0, 1.0], "clamp"),               # atoms at both ends
]


def _qf_doubles(p):
    """Levels, the scaled and shifted quantiles as the doubles given to the class, and tails."""
    levels, values, tails = QF_TABLES[int(p["table"])]
    return levels, float(p["shift"]) + float(p["scale"]) * np.asarray(values), tails


def _qf_spec(p):
    levels, values, tails = _qf_doubles(p)
    return [mp.mpf(x) for x in levels], [mp.mpf(float(v)) for v in values], tails


def _qf_build(p):
    levels, values, tails = _qf_doubles(p)
    return QuantileFunction(levels, values[None, :], tails=tails)


def _qf_tail_slopes(levels, values):
    """Slopes dQ/du of the end segments, which the tails continue."""
    s0 = (values[1] - values[0]) / (levels[1] - levels[0])
    s1 = (values[-1] - values[-2]) / (levels[-1] - levels[-2])
    return s0, s1


def _qf_cdf_sf(y, p):
    """(cdf, sf) at y, from the quantile function Q(u) = linear between the knots."""
    lv, v, tails = _qf_spec(p)
    y = _mpf(y)
    l0, lm = lv[0], lv[-1]
    s0, s1 = _qf_tail_slopes(lv, v)
    if y < v[0]:
        if tails == "exponential" and s0 > 0:
            F = l0 * mp.exp((y - v[0]) / (s0 * l0))
        elif tails == "linear" and s0 > 0:
            F = max(mp.mpf(0), l0 + (y - v[0]) / s0)
        else:
            F = mp.mpf(0)
        return F, 1 - F
    if y >= v[-1]:
        if tails == "exponential" and s1 > 0:
            S = (1 - lm) * mp.exp(-(y - v[-1]) / (s1 * (1 - lm)))
        elif tails == "linear" and s1 > 0:
            S = max(mp.mpf(0), (1 - lm) - (y - v[-1]) / s1)
        else:
            S = mp.mpf(0)
        return 1 - S, S
    # last knot <= y, then linear interpolation of the level (a flat piece is an atom)
    j = max(i for i in range(len(v)) if v[i] <= y)
    if v[j + 1] == v[j]:
        F = lv[j + 1]
    else:
        F = lv[j] + (lv[j + 1] - lv[j]) * (y - v[j]) / (v[j + 1] - v[j])
    return F, 1 - F


def _qf_logpdf(y, **p):
    lv, v, tails = _qf_spec(p)
    y = _mpf(y)
    s0, s1 = _qf_tail_slopes(lv, v)
    l0, lm = lv[0], lv[-1]
    if y < v[0]:
        if tails == "exponential":
            return mp.log(l0) + (y - v[0]) / (s0 * l0) - mp.log(s0 * l0)
        if tails == "linear":
            return -mp.log(s0) if y >= v[0] - s0 * l0 else mp.ninf
        return mp.ninf
    if y > v[-1]:
        if tails == "exponential":
            return mp.log(1 - lm) - (y - v[-1]) / (s1 * (1 - lm)) - mp.log(s1 * (1 - lm))
        if tails == "linear":
            return -mp.log(s1) if y <= v[-1] + s1 * (1 - lm) else mp.ninf
        return mp.ninf
    j = min(max(i for i in range(len(v)) if v[i] <= y), len(v) - 2)
    if v[j + 1] == v[j]:
        return mp.ninf if y != v[j] else mp.inf
    return mp.log(lv[j + 1] - lv[j]) - mp.log(v[j + 1] - v[j])


def _qf_quantile(u, lv, v, tails):
    s0, s1 = _qf_tail_slopes(lv, v)
    l0, lm = lv[0], lv[-1]
    if u < l0:
        if tails == "exponential":
            return v[0] + s0 * l0 * mp.log(u / l0)
        return v[0] - s0 * (l0 - u) if tails == "linear" else v[0]
    if u > lm:
        if tails == "exponential":
            return v[-1] - s1 * (1 - lm) * mp.log((1 - u) / (1 - lm))
        return v[-1] + s1 * (u - lm) if tails == "linear" else v[-1]
    j = max(i for i in range(len(lv) - 1) if lv[i] <= u)
    return v[j] + (v[j + 1] - v[j]) * (u - lv[j]) / (lv[j + 1] - lv[j])


def _qf_moment(p, f):
    """∫₀¹ f(Q(u)) du: over each piece between the knots (Q is linear there), and over the
    exponential tails in x with u = l₀e^(-x) (lower) and 1 - u = (1 - l_m)e^(-x) (upper), where
    Q is linear in x and the weight is e^(-x)."""
    lv, v, tails = _qf_spec(p)
    inner = mp.quad(lambda u: f(_qf_quantile(u, lv, v, tails)), lv)
    if tails != "exponential":
        return inner + mp.quad(lambda u: f(_qf_quantile(u, lv, v, tails)), [0, lv[0]]) \
            + mp.quad(lambda u: f(_qf_quantile(u, lv, v, tails)), [lv[-1], 1])
    s0, s1 = _qf_tail_slopes(lv, v)
    l0, lm = lv[0], lv[-1]
    low = l0 * mp.quad(lambda x: f(v[0] - s0 * l0 * x) * mp.exp(-x), [0, mp.inf])
    up = (1 - lm) * mp.quad(lambda x: f(v[-1] + s1 * (1 - lm) * x) * mp.exp(-x), [0, mp.inf])
    return inner + low + up


def _qf_unit(p):
    """(first knot, spread of the knots): the moments are integrated in these units, so that
    neither a shift of 1e15 nor a scale of 1e-300 meets the quadrature's absolute tolerance."""
    v = _qf_spec(p)[1]
    return v[0], max(abs(x - v[0]) for x in v) or mp.mpf(1)


def _qf_mean(**p):
    shift, unit = _qf_unit(p)
    return shift + unit * _qf_moment(p, lambda q: (q - shift) / unit)


def _qf_var(**p):
    _, unit = _qf_unit(p)
    m = _qf_mean(**p)
    return unit**2 * _qf_moment(p, lambda q: ((q - m) / unit) ** 2)


def _qf_points(p):
    lv, v, tails = _qf_spec(p)
    s0, s1 = _qf_tail_slopes(lv, v)
    pts = [float(x) for x in v]
    pts += [float((a + b) / 2) for a, b in zip(v[:-1], v[1:])]
    if tails == "exponential":
        for level in ["1e-300", "1e-100", "1e-10", "1e-3"]:
            level = mp.mpf(level)
            if level < lv[0] and s0 > 0:
                pts.append(float(_qf_quantile(level, lv, v, tails)))
            if level < 1 - lv[-1] and s1 > 0:
                pts.append(float(_qf_quantile(1 - level, lv, v, tails)))
    else:
        width = float(v[-1] - v[0]) or 1.0
        pts += [float(v[0]) - 0.01 * width, float(v[-1]) + 0.01 * width,
                float(v[0]) - 10 * width, float(v[-1]) + 10 * width]
    return _finite_points(pts)


register_oracle(OracleFamily(
    name="QuantileFunction",
    cls=QuantileFunction,
    cases=[
        {"table": t, "scale": 1.0, "shift": 0.0} for t in range(len(QF_TABLES))
    ] + [
        {"table": 0, "scale": 1e-300, "shift": 0.0},
        {"table": 0, "scale": 1e300, "shift": 0.0},
        {"table": 1, "scale": 1.0, "shift": 1e15},
        {"table": 2, "scale": 1e-3, "shift": -1e10},
        {"table": 4, "scale": 1e200, "shift": 0.0},
    ],
    logdensity=_qf_logpdf,
    cdf=lambda y, **p: _qf_cdf_sf(y, p)[0],
    sf=lambda y, **p: _qf_cdf_sf(y, p)[1],
    mean=_qf_mean,
    var=_qf_var,
    points=_qf_points,
    build=_qf_build,
))


# ---------------------------------------------------------------------------------- Empirical
#: (sample, weights or None); cases pick one and scale/shift it
EMPIRICAL_SAMPLES = [
    ([3.0, 1.0, 2.0, 2.0], None),
    ([1.0, 2.0], [3.0, 1.0]),
    ([0.5, -1.25, 4.0, 4.0, 7.5, 0.0], [1.0, 2.0, 0.5, 0.5, 1e-12, 3.0]),
    ([-2.0, 0.0, 1.0, 5.0], [1e-300, 1.0, 1.0, 1e-280]),   # atoms of tail probability 1e-300
    ([1.0, 1.0, 1.0], None),                               # a single atom
]


def _empirical_atoms(p):
    sample, weights = EMPIRICAL_SAMPLES[int(p["sample"])]
    weights = [1.0] * len(sample) if weights is None else weights
    total = mp.fsum(mp.mpf(w) for w in weights)
    # the atoms sit at the doubles the distribution is built from
    xs = [mp.mpf(float(float(p["shift"]) + float(p["scale"]) * x)) for x in sample]
    return xs, [mp.mpf(w) / total for w in weights]


def _empirical_build(p):
    sample, weights = EMPIRICAL_SAMPLES[int(p["sample"])]
    xs = float(p["shift"]) + float(p["scale"]) * np.asarray(sample)
    return Empirical([xs], weights=None if weights is None else [np.asarray(weights)])


def _empirical_cdf(y, **p):
    xs, ws = _empirical_atoms(p)
    return mp.fsum(w for x, w in zip(xs, ws) if x <= _mpf(y))


def _empirical_sf(y, **p):
    xs, ws = _empirical_atoms(p)
    return mp.fsum(w for x, w in zip(xs, ws) if x > _mpf(y))


def _empirical_mean(**p):
    xs, ws = _empirical_atoms(p)
    return mp.fsum(w * x for x, w in zip(xs, ws))


def _empirical_var(**p):
    xs, ws = _empirical_atoms(p)
    m = _empirical_mean(**p)
    return mp.fsum(w * (x - m) ** 2 for x, w in zip(xs, ws))


def _empirical_points(p):
    xs = sorted(set(_empirical_atoms(p)[0]))
    pts = [float(x) for x in xs] + [float((a + b) / 2) for a, b in zip(xs[:-1], xs[1:])]
    width = float(xs[-1] - xs[0]) or abs(float(xs[0])) or 1.0
    return _finite_points(pts + [float(xs[0]) - width, float(xs[-1]) + width])


register_oracle(OracleFamily(
    name="Empirical",
    cls=Empirical,
    cases=[
        {"sample": s, "scale": 1.0, "shift": 0.0} for s in range(len(EMPIRICAL_SAMPLES))
    ] + [
        {"sample": 2, "scale": 1e-300, "shift": 0.0},
        {"sample": 2, "scale": 1e300, "shift": 0.0},
        {"sample": 0, "scale": 1.0, "shift": 1e15},
    ],
    # atoms at arbitrary reals: neither a density nor a mass function on the integers
    logdensity=None,
    cdf=_empirical_cdf,
    sf=_empirical_sf,
    mean=_empirical_mean,
    var=_empirical_var,
    points=_empirical_points,
    build=_empirical_build,
))


# ---------------------------------------------------------------------------------- Mixture
def _mixture_parts(p):
    w1 = _mpf(p["w1"])
    return [(w1, _mpf(p["loc1"]), _mpf(p["scale1"])), (1 - w1, _mpf(p["loc2"]), _mpf(p["scale2"]))]


def _mixture_build(p):
    components = [Normal(float(p[f"loc{i}"]), float(p[f"scale{i}"])) for i in (1, 2)]
    return Mixture(components, [float(p["w1"]), 1 - float(p["w1"])])


def _mixture_logpdf(y, **p):
    return mp.log(mp.fsum(w * mp.exp(_normal_logpdf(y, loc, scale)) for w, loc, scale in _mixture_parts(p)))


def _mixture_mean(**p):
    return mp.fsum(w * loc for w, loc, _ in _mixture_parts(p))


def _mixture_var(**p):
    m = _mixture_mean(**p)
    return mp.fsum(w * (scale**2 + (loc - m) ** 2) for w, loc, scale in _mixture_parts(p))


def _mixture_points(p):
    pts = []
    for _, loc, scale in _mixture_parts(p):
        pts += _normal_points({"loc": loc, "scale": scale})
    return _finite_points(pts)


register_oracle(OracleFamily(
    name="Mixture",
    cls=Mixture,
    cases=[
        {"w1": 0.3, "loc1": 0.0, "scale1": 1.0, "loc2": 3.0, "scale2": 0.5},      # registered rows
        {"w1": 0.5, "loc1": 5.0, "scale1": 0.5, "loc2": 5.0, "scale2": 2.0},
        {"w1": 0.5, "loc1": 0.0, "scale1": 1.0, "loc2": 1e10, "scale2": 1.0},     # far apart
        {"w1": 0.9, "loc1": 0.0, "scale1": 1e-300, "loc2": 0.0, "scale2": 1e300},  # scales 1e±300
        {"w1": 1e-300, "loc1": -5.0, "scale1": 1.0, "loc2": 5.0, "scale2": 1.0},  # a weight of 1e-300
        {"w1": 0.25, "loc1": 1e15, "scale1": 3.0, "loc2": 1e15 + 64, "scale2": 1.0},
    ],
    logdensity=_mixture_logpdf,
    cdf=lambda y, **p: mp.fsum(w * _norm_cdf((_mpf(y) - loc) / scale) for w, loc, scale in _mixture_parts(p)),
    sf=lambda y, **p: mp.fsum(w * _norm_cdf((loc - _mpf(y)) / scale) for w, loc, scale in _mixture_parts(p)),
    mean=_mixture_mean,
    var=_mixture_var,
    points=_mixture_points,
    build=_mixture_build,
))


# ---------------------------------------------------------------------------------- Mixture (discrete)
def _poisson_logpmf(k, mu):
    return k * mp.log(mu) - mu - mp.loggamma(k + 1)


def _dalap_sum(a, b, mu, g):
    """Σ_{n=a}^{b} g^|n - μ| over integers a <= b (b may be inf): two geometric series."""
    m = mp.floor(mu)
    total = mp.mpf(0)
    top = min(b, m)
    if a <= top:  # n <= ⌊μ⌋: exponents μ - top, ..., μ - a
        total += g ** (mu - top) * (1 - g ** (top - a + 1)) / (1 - g)
    low = max(a, m + 1)
    if low <= b:  # n > ⌊μ⌋: exponents low - μ, ..., b - μ
        total += g ** (low - mu) * (1 - (g ** (b - low + 1) if not mp.isinf(b) else 0)) / (1 - g)
    return total


def _dalap_power_sum(order, mu, g):
    """Σ_{n>=0} n^order g^|n - μ| (order 1 or 2): a finite sum up to ⌊μ⌋, then with n = m + j
    (m = ⌊μ⌋ + 1) the series Σ_j (m + j)^order g^j in closed form:
    Σ g^j = 1/(1-g), Σ j g^j = g/(1-g)², Σ j² g^j = g(1+g)/(1-g)³."""
    m = mp.floor(mu) + 1
    low = mp.fsum(n**order * g ** (mu - n) for n in range(0, int(m)))
    s0, s1, s2 = 1 / (1 - g), g / (1 - g) ** 2, g * (1 + g) / (1 - g) ** 3
    series = m * s0 + s1 if order == 1 else m * m * s0 + 2 * m * s1 + s2
    return low + g ** (m - mu) * series


@functools.lru_cache(maxsize=64)
def _mixture_discrete_parts_at(w1, mu, dmu, g):
    w1, mu, dmu, g = (mp.mpf(x) for x in (w1, mu, dmu, g))
    z = _dalap_sum(0, mp.inf, dmu, g)

    def dalap_logpmf(k):
        return mp.ninf if k < 0 else abs(k - dmu) * mp.log(g) - mp.log(z)

    def dalap_cdf(k):
        return mp.mpf(0) if k < 0 else _dalap_sum(0, k, dmu, g) / z

    def dalap_sf(k):
        return mp.mpf(1) if k < 0 else _dalap_sum(k + 1, mp.inf, dmu, g) / z

    d_m1, d_m2 = (_dalap_power_sum(order, dmu, g) / z for order in (1, 2))
    d_mean, d_var = d_m1, d_m2 - d_m1**2
    poisson = (lambda k: mp.ninf if k < 0 else _poisson_logpmf(k, mu),
               lambda k: mp.mpf(0) if k < 0 else mp.gammainc(k + 1, mu, mp.inf, regularized=True),
               lambda k: mp.mpf(1) if k < 0 else mp.gammainc(k + 1, 0, mu, regularized=True),
               mu, mu)
    return [(w1, poisson), (1 - w1, (dalap_logpmf, dalap_cdf, dalap_sf, d_mean, d_var))]


def _mixture_discrete_parts(p):
    """Weights and (log pmf, cdf, sf, mean, var) of Poisson(mu) and Dalap(dmu, dgamma) on n >= 0."""
    return _mixture_discrete_parts_at(*(float(p[k]) for k in ("w1", "mu", "dmu", "dgamma")))


def _mixture_discrete_build(p):
    return Mixture([Poisson([float(p["mu"])]),
                    Dalap([float(p["dmu"])], [float(p["dgamma"])], lower=0)],
                   [float(p["w1"]), 1 - float(p["w1"])])


def _mixture_discrete_logpmf(y, **p):
    y = _mpf(y)
    if y != mp.floor(y):
        return mp.ninf
    return mp.log(mp.fsum(w * mp.exp(f[0](y)) for w, f in _mixture_discrete_parts(p)))


def _mixture_discrete_stat(p, index, y=None):
    parts = _mixture_discrete_parts(p)
    if y is None:
        return mp.fsum(w * f[index] for w, f in parts)
    k = mp.floor(_mpf(y))
    return mp.fsum(w * f[index](k) for w, f in parts)


def _mixture_discrete_var(**p):
    parts = _mixture_discrete_parts(p)
    m = mp.fsum(w * f[3] for w, f in parts)
    return mp.fsum(w * (f[4] + (f[3] - m) ** 2) for w, f in parts)


def _mixture_discrete_points(p):
    """The integers of the bulk, then a geometric spread out to tail probabilities of about
    1e-300 (log probabilities beyond the underflow are the components' concern: their own
    oracles check them)."""
    mu, dmu, g = float(p["mu"]), float(p["dmu"]), float(p["dgamma"])
    poisson_far = mu + 37 * np.sqrt(mu) + 690 / max(1.0, np.log(690 / max(mu, 1e-300)))
    far = max(poisson_far, dmu + 690 / -np.log(g))
    bulk = np.arange(-1.0, min(far, mu + 10 * np.sqrt(mu) + dmu + 30))
    return _finite_points(np.concatenate([bulk, np.round(np.geomspace(bulk[-1] + 1, far, 30))]))


register_oracle(OracleFamily(
    name="MixtureDiscrete",
    cls=Mixture,
    cases=[
        {"w1": 0.4, "mu": 1.0, "dmu": 6.3, "dgamma": 0.6},     # registered rows
        {"w1": 0.9, "mu": 20.0, "dmu": 2.4, "dgamma": 0.3},
        {"w1": 0.5, "mu": 1e-10, "dmu": 0.5, "dgamma": 0.01},  # almost all mass at 0 and 1
        {"w1": 1e-12, "mu": 400.0, "dmu": 3.0, "dgamma": 0.9},
        {"w1": 0.5, "mu": 0.3, "dmu": 50.7, "dgamma": 0.999},  # slow geometric decay
    ],
    logdensity=_mixture_discrete_logpmf,
    cdf=lambda y, **p: _mixture_discrete_stat(p, 1, y),
    sf=lambda y, **p: _mixture_discrete_stat(p, 2, y),
    mean=lambda **p: _mixture_discrete_stat(p, 3),
    var=_mixture_discrete_var,
    points=_mixture_discrete_points,
    build=_mixture_discrete_build,
    discrete=True,
))
