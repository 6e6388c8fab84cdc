"""Accuracy oracle: every registered distribution against an arbitrary-precision reference.

The references live in ``tests/distributions/oracle/`` (one module per group of families, each
registering :class:`oracle.OracleFamily` objects); this module runs the same checks over all of
them, at the parameter cases each oracle lists (extremes included):

* log density (logpmf/logpdf) relative error <= 1e-10 where finite (absolute below 1 in size);
* cdf and sf each accurate in relative terms, the small tail too (down to 1e-300), so an sf
  computed as 1 - cdf fails;
* ppf and isf invert them at levels from 1e-300 to 1 - 1e-16 (isf from the upper tail down to
  1e-300): for discrete families exactly the smallest integer k with cdf(k) >= q (sf(k) <= q),
  unless the reference probability at the boundary lies within the cdf tolerance of the level;
  for continuous ones 1e-12 relative to the reference quantile;
* the pmf sums to one over the integers where the reference mass lives (discrete);
* mean and variance, relative error <= 1e-10.

Tolerances default to those figures; an oracle may override one in its ``tolerances`` with the
reason next to it. Every distreg call runs under a time limit, so that a loop whose length grows
with a scale parameter fails here instead of hanging the suite. The default run uses a few
levels per case; the ``slow`` test sweeps dense level grids.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from oracle import ORACLES
from oracle import continuous as _continuous_oracles  # noqa: F401  (registers the continuous families)
from oracle import discrete as _discrete_oracles  # noqa: F401  (registers the discrete families)

from distreg.distributions import registered_examples
from tests.fuzz.matrix import time_limit


#: working precision of the comparisons (each reference raises it further where it cancels)
DPS = 60
#: seconds one distreg evaluation may take; scale-growing loops take minutes at these cases
CALL_LIMIT = 10.0
DEFAULT_TOLERANCES = {"logdensity": 1e-10, "cdf": 1e-10, "quantile": 1e-12, "mean": 1e-10,
                      "var": 1e-10, "pmf_sum": 1e-10}
#: probabilities below this are not representable as normal doubles: any tiny answer will do
TINY = 1e-300

PPF_LEVELS = [1e-300, 1e-30, 1e-4, 0.5, 0.999, 1 - 1e-16]
ISF_LEVELS = [1e-300, 1e-30, 1e-4]
PPF_LEVELS_DENSE = [1e-300, 1e-200, 1e-100, 1e-50, 1e-30, 1e-15, 1e-8, 1e-4, 0.01, 0.1, 0.25, 0.5,
                    0.75, 0.9, 0.99, 1 - 1e-4, 1 - 1e-8, 1 - 1e-12, 1 - 1e-16]
ISF_LEVELS_DENSE = [1e-300, 1e-200, 1e-100, 1e-50, 1e-30, 1e-15, 1e-8, 1e-4, 0.01, 0.1, 0.5, 0.9]
#: the pmf is summed over at most this many integers (a central window of wider distributions)
PMF_WINDOW = 400_000


def _to_mp(value):
    if isinstance(value, (list, tuple)):
        return [mp.mpf(v) for v in value]
    return mp.mpf(value)


#: largest finite double: a reference beyond it is represented by ±inf
HUGE = mp.mpf(np.finfo(float).max)
#: smallest normal double: quantiles below it carry fewer significant bits
NORMAL_MIN = mp.mpf(np.finfo(float).tiny)


def _rel_error(value, ref):
    """Relative error of a double against an mpf reference (absolute below TINY)."""
    value = mp.mpf(float(value)) if math.isfinite(value) else mp.mpf(value)
    if mp.isfinite(ref) and abs(ref) > HUGE:
        ref = mp.inf if ref > 0 else mp.ninf
    if not mp.isfinite(ref) or not mp.isfinite(value):
        return 0.0 if value == ref else math.inf
    if abs(ref) < TINY:
        return 0.0 if abs(value) < 2 * TINY else math.inf
    return float(abs(value - ref) / abs(ref))


class CaseCheck:
    """All checks of one oracle at one parameter case; failures and worst errors per check."""

    def __init__(self, oracle, params):
        self.oracle = oracle
        self.params = params
        self.mp_params = {k: _to_mp(v) for k, v in params.items()}
        self.tol = {**DEFAULT_TOLERANCES, **oracle.tolerances}
        self.failures = []
        self.worst = {}
        self._cache = {}
        self.dist = self.call("construct", lambda: oracle.make(params))

    # -------------------------------------------------------------------- bookkeeping
    def call(self, what, fn):
        """Run a distreg evaluation under the time limit."""
        with time_limit(CALL_LIMIT):
            return fn()

    def scalar(self, what, fn):
        out = np.asarray(self.call(what, fn), dtype=float)
        return float(out.reshape(-1)[0])

    def record(self, check, error, where):
        if error > self.worst.get(check, (-1.0, None))[0]:
            self.worst[check] = (error, where)
        tol = self.tol["cdf"] if check in ("cdf", "sf") else self.tol.get(check, 0.0)
        if not error <= tol:
            self.failures.append(f"{check} at {where}: error {error:.3g} > {tol:g}")

    def ref(self, kind, x=None):
        """Reference value (mpf) of ``kind`` in {"logdensity", "cdf", "sf", "mean", "var"}."""
        key = (kind, None if x is None else float(x))
        if key not in self._cache:
            fn = getattr(self.oracle, kind)
            with mp.workdps(DPS):
                if x is None:
                    self._cache[key] = fn(**self.mp_params)
                else:
                    self._cache[key] = fn(mp.mpf(float(x)), **self.mp_params)
        return self._cache[key]

    def ref_cdf(self, x):
        if self._beyond_mean(x):  # the complement, at 60 digits, without summing the bulk
            with mp.workdps(DPS):
                return 1 - self._raw_sf(x)
        return self._raw_cdf(x)

    def ref_sf(self, x):
        if self._beyond_mean(x) is False:
            with mp.workdps(DPS):
                return 1 - self._raw_cdf(x)
        return self._raw_sf(x)

    def _beyond_mean(self, x):
        """For a discrete reference that sums its mass: is x above the mean (True), below
        (False)? The reference then sums the short tail only; None for the others."""
        if not self.oracle.discrete or self.oracle.mean is None or not mp.isfinite(x):
            return None
        mean = self.ref("mean")
        if not mp.isfinite(mean):
            return None
        return bool(x > mean)

    def _raw_cdf(self, x):
        if self.oracle.cdf is not None:
            return self.ref("cdf", x)
        return self._summed(x, upper=False)

    def _raw_sf(self, x):
        if self.oracle.sf is not None:
            return self.ref("sf", x)
        return self._summed(x, upper=True)

    def _summed(self, x, upper):
        """cdf or sf of a discrete oracle without them: its mass summed (log-concave families)."""
        from oracle.discrete import log_concave_sum

        key = ("sf" if upper else "cdf", float(x))
        if key not in self._cache:
            with mp.workdps(DPS):
                L = lambda n: self.oracle.logdensity(n, **self.mp_params)  # noqa: E731
                k = mp.floor(mp.mpf(float(x)))
                bounds = (k + 1, mp.inf) if upper else (-mp.inf, k)
                self._cache[key] = log_concave_sum(L, *bounds, hint=k)
        return self._cache[key]

    # -------------------------------------------------------------------- checks
    def check_quantiles(self, ppf_levels, isf_levels):
        """ppf/isf against the reference; returns the points they produced (for other checks)."""
        points = []
        for upper, levels in ((False, ppf_levels), (True, isf_levels)):
            name = "isf" if upper else "ppf"
            fn = self.dist.isf if upper else self.dist.ppf
            for q in levels:
                x = self.scalar(f"{name}({q})", lambda q=q: fn(np.array([q])))
                where = f"{name}({q:.3g})"
                if not math.isfinite(x):
                    if not self._beyond_plateau(q, upper):
                        self.failures.append(f"{where} = {x}: not finite")
                    continue
                if self.oracle.discrete:
                    self.record("quantile", self._integer_quantile_error(x, q, upper), where)
                    points += [x, x - 1]
                else:
                    self.record("quantile", self._continuous_quantile_error(x, q, upper), where)
                    points.append(x)
        return points

    def _beyond_plateau(self, q, upper):
        """A level that a defective distribution never reaches: its quantile is +inf."""
        with mp.workdps(DPS):
            if upper:
                return mp.mpf(q) < self.ref_sf(mp.inf)
            return mp.mpf(q) > self.ref_cdf(mp.inf)

    def _near(self, x, q, upper):
        """Is the reference tail at x within the cdf tolerance of the level (an ambiguous k)?"""
        tail, target = (self.ref_sf(x), q) if upper else (self.ref_cdf(x), q)
        if target > 0.5:  # compare on the small side, where the level's rounding is visible
            tail, target = (self.ref_cdf(x), 1 - mp.mpf(q)) if upper else (self.ref_sf(x), 1 - mp.mpf(q))
        return abs(tail - target) <= max(self.tol["cdf"] * target, mp.mpf(np.spacing(q)))

    def _reached(self, x, q, upper):
        return self.ref_sf(x) <= q if upper else self.ref_cdf(x) >= q

    def _integer_quantile_error(self, k, q, upper):
        """0 for the exact answer (or an ambiguous neighbour), else the distance in integers."""
        if k != math.floor(k):
            return math.inf
        if self._reached(k, q, upper) or self._near(k, q, upper):
            if not self._reached(k - 1, q, upper) or self._near(k - 1, q, upper):
                return 0.0
            # too large: step down to the exact answer to report the distance
            step = 1
            while step < 2 ** 60 and self._reached(k - step - 1, q, upper):
                step *= 2
            return float(step)
        step = 1
        while step < 2 ** 60 and not self._reached(k + step, q, upper):
            step *= 2
        return float(step)

    def _bracketed(self, x, q, upper, rel=1e-12):
        """Does the reference reach the level within ``rel`` of x, and not before (atoms)?"""
        with mp.workdps(DPS):
            d = abs(mp.mpf(x)) * rel + NORMAL_MIN
            lo, hi = mp.mpf(x) - d, mp.mpf(x) + d
            if upper:
                return self.ref_sf(hi) <= q and self.ref_sf(lo) > q
            return self.ref_cdf(hi) >= q and self.ref_cdf(lo) < q

    def _continuous_quantile_error(self, x, q, upper):
        """Relative distance to the reference quantile (Newton steps on the reference cdf)."""
        # within tolerance of the smallest point reaching the level (also at an atom, where
        # Newton steps on the reference cdf cannot converge)
        if self._bracketed(x, q, upper, rel=self.tol["quantile"]):
            return 0.0
        if self.oracle.logdensity is None:
            return math.inf
        with mp.workdps(DPS):
            xr = mp.mpf(x)
            for _ in range(8):
                if upper or q > 0.5:
                    target = mp.mpf(q) if upper else 1 - mp.mpf(q)
                    value, sign = self.oracle.sf(xr, **self.mp_params) if self.oracle.sf else 1 - self.oracle.cdf(xr, **self.mp_params), -1
                else:
                    target, value, sign = mp.mpf(q), self.oracle.cdf(xr, **self.mp_params), 1
                density = mp.exp(self.oracle.logdensity(xr, **self.mp_params))
                if density == 0:
                    break
                step = sign * (value - target) / density
                xr -= step
                if abs(step) <= mp.mpf(10) ** (-30) * max(abs(xr), mp.mpf(TINY)):
                    break
            if xr == 0:
                return float(abs(x))
            # the quantile moves by 2 eps min(F, S)/f when the cdf rounds by an ulp
            F = self.oracle.cdf(xr, **self.mp_params)
            density = mp.exp(self.oracle.logdensity(xr, **self.mp_params))
            slack = 4 * mp.mpf(2.0**-53) * min(F, 1 - F) / density if density > 0 else 0
            return float(max(abs(mp.mpf(x) - xr) - slack, 0) / max(abs(xr), NORMAL_MIN))

    def check_density(self, points):
        if self.oracle.logdensity is None:  # atoms at arbitrary reals (Empirical)
            return
        log_density = self.dist.logpmf if self.oracle.discrete else self.dist.logpdf
        for x in points:
            ref = self.ref("logdensity", x)
            got = self.scalar("logdensity", lambda x=x: log_density(np.array([x])))
            where = f"logdensity({x!r})"
            if not mp.isfinite(ref) or ref < -HUGE:
                if got != -math.inf and not self._next_to_support(x):
                    self.failures.append(f"{where} = {got}, reference -inf")
                continue
            if abs(ref) < 1:
                self.record("logdensity", float(abs(mp.mpf(got) - ref)) if math.isfinite(got) else math.inf, where)
            else:
                self.record("logdensity", _rel_error(got, ref), where)

    def _next_to_support(self, x):
        """Is x within two ulps of a point where the reference density is positive?"""
        for y in (np.nextafter(x, -np.inf), np.nextafter(np.nextafter(x, -np.inf), -np.inf),
                  np.nextafter(x, np.inf), np.nextafter(np.nextafter(x, np.inf), np.inf)):
            if mp.isfinite(self.ref("logdensity", y)):
                return True
        return False

    def _conditioning(self, x):
        """Absolute error that rounding x by an ulp causes in cdf/sf: eps |x| f(x)."""
        if self.oracle.logdensity is None or self.oracle.discrete:
            return mp.mpf(0)
        with mp.workdps(DPS):
            return 8 * mp.mpf(2.0 ** -53) * abs(mp.mpf(x)) * mp.exp(self.ref("logdensity", x))

    def check_tails(self, points):
        for x in points:
            for kind, fn, ref in (("cdf", self.dist.cdf, self.ref_cdf), ("sf", self.dist.sf, self.ref_sf)):
                got = self.scalar(kind, lambda x=x, fn=fn: fn(np.array([x])))
                r = ref(x)
                err = _rel_error(got, r)
                if err > self.tol["cdf"] and math.isfinite(got) and r != 0:
                    # backward stable: the error of evaluating at x within an ulp
                    slack = self._conditioning(x)
                    err = float(max(abs(mp.mpf(got) - r) - slack, 0) / abs(r))
                self.record(kind, err, f"{kind}({x!r})")

    def check_moments(self):
        for kind in ("mean", "var"):
            if getattr(self.oracle, kind) is None:
                continue
            ref = self.ref(kind)
            if mp.isfinite(ref) and abs(ref) > HUGE:
                with pytest.warns(RuntimeWarning, match="overflow"):
                    got = self.scalar(kind, getattr(self.dist, kind))
            else:
                got = self.scalar(kind, getattr(self.dist, kind))
            self.record(kind, _rel_error(got, ref), kind)

    def check_pmf_sum(self):
        """Σ pmf over where the reference mass lives equals that mass."""
        lo = self.scalar("ppf", lambda: self.dist.ppf(np.array([1e-20])))
        hi = self.scalar("isf", lambda: self.dist.isf(np.array([1e-20])))
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return
        if hi - lo + 1 > PMF_WINDOW:
            mid = self.scalar("ppf", lambda: self.dist.ppf(np.array([0.5])))
            lo, hi = mid - PMF_WINDOW // 2, mid + PMF_WINDOW // 2
        total = 0.0
        for start in np.arange(lo, hi + 1, 2 ** 16):
            grid = np.arange(start, min(start + 2 ** 16, hi + 1))
            total += float(self.call("pmf", lambda g=grid: self.dist.pmf(g[None, :])).sum())
        with mp.workdps(DPS):
            mass = 1 - self.ref_cdf(lo - 1) - self.ref_sf(hi)
        self.record("pmf_sum", _rel_error(total, mass), f"sum of pmf over [{lo:.17g}, {hi:.17g}]")


def _run(name, index, ppf_levels, isf_levels, pmf_sum):
    oracle = ORACLES[name]
    case = CaseCheck(oracle, oracle.cases[index])
    points = case.check_quantiles(ppf_levels, isf_levels)
    if oracle.points is not None:
        points += list(oracle.points(oracle.cases[index]))
    points = sorted(set(points))
    case.check_density(points)
    case.check_tails(points)
    case.check_moments()
    if oracle.discrete and pmf_sum:
        case.check_pmf_sum()
    return case


CASES = [(name, i) for name in sorted(ORACLES) for i in range(len(ORACLES[name].cases))]
IDS = [f"{name}-{ORACLES[name].cases[i]}" for name, i in CASES]

#: the cases run by default: the first and last case of each family (its extremes), where
#: they pass within a few seconds. Every case of every family runs in the slow sweep below,
#: where cases still fail: the Poisson, negative binomial, generalized Poisson and continuous
#: Mixture oracles, and Danorm, Dalap, Bitwise and the discretized families at large scales,
#: are not in this list yet (issue 13 records them).
DEFAULT_CASES = [
    ("APGW", 0), ("APGW", -1), ("Bitwise", 0), ("Dalap (bounded)", 0), ("Dalap (bounded)", -1),
    ("DiscretizedNormal", 0), ("Empirical", 0), ("Empirical", -1),
    ("Hurdle-NegativeBinomial", 0), ("LogNormal", 0), ("LogNormal", -1), ("MixtureDiscrete", 0),
    ("MixtureDiscrete", -1), ("Normal", 0), ("Normal", -1), ("QuantileFunction", 0),
    ("QuantileFunction", -1), ("ZeroInflated-Poisson", 0), ("ZeroInflated-Poisson", -1),
]
DEFAULT_CASES = [(name, i % len(ORACLES[name].cases)) for name, i in DEFAULT_CASES]
DEFAULT_IDS = [f"{name}-{ORACLES[name].cases[i]}" for name, i in DEFAULT_CASES]


def test_every_registered_distribution_has_an_oracle():
    covered = {o.cls for o in ORACLES.values()}
    classes = {type(factory()) for factory in registered_examples().values()}
    missing = sorted(c.__name__ for c in classes - covered)
    assert not missing, f"register an mpmath oracle (tests/distributions/oracle/) for {missing}"


@pytest.mark.parametrize("name, index", DEFAULT_CASES, ids=DEFAULT_IDS)
def test_accuracy_against_mpmath(name, index):
    case = _run(name, index, PPF_LEVELS, ISF_LEVELS, pmf_sum=index == 0)
    assert not case.failures, "\n".join(case.failures)


@pytest.mark.slow
@pytest.mark.parametrize("name, index", CASES, ids=IDS)
def test_accuracy_against_mpmath_dense(name, index):
    case = _run(name, index, PPF_LEVELS_DENSE, ISF_LEVELS_DENSE, pmf_sum=True)
    assert not case.failures, "\n".join(case.failures)
