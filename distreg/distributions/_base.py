"""The vectorised ``Distribution`` interface shared by every family.

A ``Distribution`` holds n rows (one predictive distribution per row of X). Its parameters are
arrays whose first axis has length n. The shape rule for method arguments (DESIGN.md):

* a scalar or an array of shape (n,) is one value per row and gives shape (n,);
* an array of shape (n, k) or (1, k) gives shape (n, k); a common grid of k values is therefore
  passed as ``grid[None, :]``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._validation import check_confidence_level, check_int, check_random_state

__all__ = ["Distribution", "ContinuousDistribution", "DiscreteDistribution"]


class Distribution:
    """Base class of distreg's vectorised predictive distributions.

    Subclasses set ``_param_names`` and implement the private methods ``_cdf``, ``_logpdf`` or
    ``_logpmf`` and, where a closed form exists, ``_ppf``, ``_sf``, ``_mean``, ``_var`` and
    ``_rvs``. Private methods receive the evaluation points already broadcast against the
    parameters: ``y`` of shape (n,) with parameters of shape (n,), or ``y`` of shape (n, k) with
    parameters of shape (n, 1) (and any trailing parameter axes kept after that).

    Optional hooks used by :mod:`distreg.metrics`: ``_crps(y, **params)`` (y of shape (n,)) gives
    the CRPS in closed form, and ``_ppf_knots`` lists levels where the quantile function has kinks,
    which the numerical CRPS integral then uses as panel edges.

    Examples
    --------
    >>> from distreg.distributions import Normal
    >>> d = Normal(loc=[0.0, 1.0], scale=[1.0, 2.0])
    >>> len(d)
    2
    >>> d.cdf(0.0).round(4)
    array([0.5   , 0.3085])
    >>> d.cdf(np.array([[0.0, 1.0]])).shape
    (2, 2)
    """

    _param_names: tuple[str, ...] = ()
    discrete = False

    def __init__(self, *args, **params):
        if len(args) > len(self._param_names):
            raise TypeError(
                f"{type(self).__name__} takes at most {len(self._param_names)} positional "
                f"parameters {self._param_names}; got {len(args)}."
            )
        for name, value in zip(self._param_names, args):
            if name in params:
                raise TypeError(f"{type(self).__name__} got two values for {name!r}.")
            params[name] = value
        arrays = {}
        n = None
        for name in self._param_names:
            if name not in params:
                raise TypeError(f"{type(self).__name__} needs the parameter {name!r}.")
            value = params[name]
            if isinstance(value, (str, bytes)) or np.asarray(value).dtype.kind in "USV":
                raise TypeError(f"{type(self).__name__}: parameter {name!r} must be numeric; got text.")
            try:
                # a copy: the distribution must not alias (and so never write to) caller arrays
                arr = np.array(value, dtype=float, copy=True)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"{type(self).__name__}: parameter {name!r} must be numeric; {exc}."
                ) from None
            if arr.ndim == 0:
                arr = arr.reshape(1)
            arrays[name] = arr
        lengths = {k: v.shape[0] for k, v in arrays.items()}
        n = max(lengths.values()) if lengths else 0
        if lengths and n == 0:
            raise ValueError(f"{type(self).__name__}: parameters are empty; pass at least one row.")
        for name, arr in arrays.items():
            if arr.shape[0] == 1 and n > 1:
                arrays[name] = np.repeat(arr, n, axis=0)
            elif arr.shape[0] != n:
                raise ValueError(
                    f"{type(self).__name__}: parameter {name!r} has {arr.shape[0]} rows but others "
                    f"have {n}; pass one value per row or a single value for all rows."
                )
            if np.isnan(arrays[name]).any():
                raise ValueError(f"{type(self).__name__}: parameter {name!r} contains NaN.")
        self._params = arrays
        self._n = n
        self._check_params(**arrays)

    # ------------------------------------------------------------------ construction helpers
    def _check_params(self, **params):
        """Validate parameter values (subclasses raise ValueError naming the parameter)."""

    @classmethod
    def _from_params(cls, params: dict):
        obj = cls.__new__(cls)
        obj._params = params
        obj._n = next(iter(params.values())).shape[0] if params else 0
        return obj

    def _slice_extra(self, other, index):
        """Hook for subclasses holding state other than row-indexed parameters."""

    @property
    def params(self) -> dict:
        """Copies of the parameter arrays, each with first axis n."""
        return {k: v.copy() for k, v in self._params.items()}

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            index = np.array([index])
        params = {k: v[index] for k, v in self._params.items()}
        new = type(self)._from_params(params)
        self._slice_extra(new, index)
        return new

    def __repr__(self) -> str:
        if self._n <= 3:
            parts = ", ".join(
                f"{k}={np.array2string(v, precision=4, separator=', ')}"
                for k, v in self._params.items()
            )
        else:
            parts = f"n={self._n}"
        return f"{type(self).__name__}({parts})"

    # ------------------------------------------------------------------ shape rule
    def _broadcast(self, y, name="y"):
        """Apply the (n,) / (n, k) shape rule; return (y, params broadcast against y)."""
        if isinstance(y, (str, bytes)) or np.asarray(y).dtype.kind in "USV":
            raise TypeError(f"{name} must be numeric; got text.")
        try:
            y = np.asarray(y, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be numeric: {exc}.") from None
        if np.isnan(y).any():
            raise ValueError(
                f"{name} contains NaN ({int(np.isnan(y).sum())} entries); remove them first "
                "(infinite values are allowed)."
            )
        n = self._n
        if y.ndim == 0:
            y = np.full(n, float(y))
        elif y.ndim == 1:
            if y.shape[0] != n:
                raise ValueError(
                    f"{name} has shape {y.shape} but the distribution has {n} rows: pass one value "
                    f"per row, a scalar, or a common grid of k values as {name}[None, :] (shape (1, k))."
                )
            y = y.copy()
        elif y.ndim == 2:
            if y.shape[0] not in (1, n):
                raise ValueError(
                    f"{name} has shape {y.shape}; a 2-D argument must have {n} rows or 1 row "
                    "(a common grid)."
                )
            y = np.broadcast_to(y, (n, y.shape[1])).copy()
        else:
            raise ValueError(f"{name} must be a scalar, 1-D or 2-D array; got shape {y.shape}.")
        return y, self._expand_params(y.ndim)

    def _expand_params(self, ndim):
        if ndim == 1:
            return dict(self._params)
        return {k: v[:, None, ...] for k, v in self._params.items()}

    # ------------------------------------------------------------------ public API
    def cdf(self, y):
        """Cumulative distribution function P(Y <= y)."""
        y, p = self._broadcast(y)
        return self._cdf(y, **p)

    def sf(self, y):
        """Survival function P(Y > y), computed directly (not as 1 - cdf) by every family with
        a closed form, so that upper-tail probabilities keep their relative accuracy."""
        y, p = self._broadcast(y)
        return self._sf(y, **p)

    def logcdf(self, y):
        """Logarithm of the cdf, finite where the cdf itself underflows (family hook
        ``_logcdf``); the generic version is accurate wherever the cdf is representable."""
        y, p = self._broadcast(y)
        return self._logcdf(y, **p)

    def logsf(self, y):
        """Logarithm of the survival function (family hook ``_logsf``, as for :meth:`logcdf`)."""
        y, p = self._broadcast(y)
        return self._logsf(y, **p)

    def ppf(self, q):
        """Quantile function: the smallest y with cdf(y) >= q, for q in [0, 1]."""
        q, p = self._broadcast_levels(q)
        return self._ppf(q, **p)

    def isf(self, q):
        """Inverse survival function: the smallest y with sf(y) <= q, for q in [0, 1].

        Computed from the survival function itself, never as ``ppf(1 - q)``, so that small
        upper-tail levels such as 1e-300 keep their precision.

        Examples
        --------
        >>> from distreg.distributions import Normal
        >>> Normal(0.0, 1.0).isf(np.array([[1e-17, 1e-300]])).round(4)
        array([[ 8.4938, 37.0471]])
        """
        q, p = self._broadcast_levels(q)
        return self._isf(q, **p)

    def _broadcast_levels(self, q):
        q, p = self._broadcast(q, "q")
        if np.any((q < 0) | (q > 1)):
            raise ValueError("q must lie in [0, 1] (probability levels).")
        return q, p

    def mean(self):
        """Mean of each row, shape (n,)."""
        return self._mean(**self._params)

    def var(self):
        """Variance of each row, shape (n,)."""
        return self._var(**self._params)

    def std(self):
        """Standard deviation of each row, shape (n,)."""
        return np.sqrt(self.var())

    def median(self):
        """Median of each row, shape (n,)."""
        return self.ppf(0.5)

    def interval(self, confidence_level=0.9):
        """Central interval with the given probability content.

        Returns shape (n, 2) for a scalar level and (n, 2, L) for a list of L levels.
        """
        cl = check_confidence_level(confidence_level)
        levels = np.atleast_1d(cl)
        tail = ((1 - levels) / 2)[None, :]
        # the upper end from the survival side: (1 + level) / 2 would round the small
        # upper-tail probability of a level close to one
        lo, hi = self.ppf(tail), self.isf(tail)
        out = np.stack([lo, hi], axis=1)
        return out[:, :, 0] if np.ndim(cl) == 0 else out

    def rvs(self, size=None, random_state=None):
        """Random draws: shape (n,) for ``size=None``, (n, size) for an integer ``size``."""
        rng = check_random_state(random_state)
        k = 1 if size is None else check_int(size, "size", minimum=0)
        draws = self._rvs(rng, k, **self._expand_params(2))
        return draws[:, 0] if size is None else draws

    def log_density(self, y):
        """Log density (continuous) or log mass (discrete): what ``score`` averages."""
        return self.logpmf(y) if self.discrete else self.logpdf(y)

    # ------------------------------------------------------------------ generic fallbacks
    def _sf(self, y, **p):
        # only for families without a direct form: it loses the relative accuracy of small
        # upper-tail probabilities, so every registered family overrides it (the accuracy
        # oracle checks sf against an arbitrary-precision reference in the upper tail)
        return 1.0 - self._cdf(y, **p)

    def _logcdf(self, y, **p):
        # the public cdf and sf answer y = ±inf for every family; families whose cdf underflows
        # in a far tail override this hook with a log-space form
        return _log_probability(self.cdf(y), self.sf(y))

    def _logsf(self, y, **p):
        return _log_probability(self.sf(y), self.cdf(y))

    def _isf(self, q, **p):
        y = _invert_cdf(self, q, p, upper=True, integer=self.discrete)
        return np.ceil(y) if self.discrete else y

    def _mean(self, **p):
        return self._quadrature(lambda y: y, **p)

    def _var(self, **p):
        m = self._mean(**p)
        return self._quadrature(lambda y: (y - m[:, None]) ** 2, **p)

    def _quadrature(self, fn, **p):
        # E fn(Y) = ∫₀¹ fn(Q(u)) du by the tanh-sinh rule (Takahasi & Mori 1974), for families
        # without closed-form moments. Its nodes crowd double-exponentially towards u = 0 and 1
        # (down to levels of 1e-300), so a quantile function that is smooth inside (0, 1) and
        # has unbounded, even power-law, tails integrates to a few ulps (measured: the logistic,
        # the Normal, and Pareto tails down to S(y) = y^-2.2, whose variance integrand grows
        # like (1 - u)^-0.91; tests/distributions/test_properties.py); kinks inside (0, 1)
        # reduce this to O(h²) ≈ 1e-3 relative, so families with kinked or step quantile
        # functions need their own moments. The upper half uses _isf(1 - u) with 1 - u exact,
        # keeping the precision of upper-tail levels that ppf could not see.
        u, v, weights = _tanh_sinh_rule()
        grid = lambda a: np.broadcast_to(a, (self._n, a.size)).copy()  # noqa: E731
        wide = {k: val[:, None, ...] for k, val in p.items()}
        lower = u <= 0.5
        vals = np.concatenate([self._ppf(grid(u[lower]), **wide), self._isf(grid(v[~lower]), **wide)],
                              axis=1)
        return fn(vals) @ weights

    def _rvs(self, rng, k, **p):
        u = rng.uniform(size=(self._n, k))
        return self._ppf(u, **p)

    def _lower_support(self, p, shape):
        """Value of ppf(0); subclasses with a bounded support override it."""
        return np.full(shape, -np.inf)

    def _upper_support(self, p, shape):
        """Value of ppf(1)."""
        return np.full(shape, np.inf)


class ContinuousDistribution(Distribution):
    """A distribution with a density. Subclasses implement ``_logpdf`` and ``_cdf``."""

    def logpdf(self, y):
        """Log density."""
        y, p = self._broadcast(y)
        return self._logpdf(y, **p)

    def pdf(self, y):
        """Density."""
        return np.exp(self.logpdf(y))

    def hazard(self, y):
        """Hazard function pdf / sf, from logpdf - logsf (finite where both underflow)."""
        y, p = self._broadcast(y)
        logpdf = self._logpdf(y, **p)
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.exp(logpdf - self._logsf(y, **p))
        return np.where(logpdf == -np.inf, 0.0, out)

    def cumulative_hazard(self, y):
        """Cumulative hazard -log sf."""
        return -self.logsf(y)

    def _ppf(self, q, **p):
        return _bisect_ppf(self, q, p)


class DiscreteDistribution(Distribution):
    """A distribution on the integers. Subclasses implement ``_logpmf`` and ``_cdf``.

    ``_cdf`` must accept real arguments and treat them as ``floor(y)``.
    """

    discrete = True

    # ±inf are valid evaluation points (cdf 0 or 1); they are answered here so that no
    # family's _cdf has to handle them
    def cdf(self, y):
        """Cumulative distribution function P(Y <= y)."""
        y, p = self._broadcast(y)
        return self._at_finite(self._cdf, y, p, 0.0, 1.0)

    def sf(self, y):
        """Survival function P(Y > y)."""
        y, p = self._broadcast(y)
        return self._at_finite(self._sf, y, p, 1.0, 0.0)

    def _at_finite(self, fn, y, p, at_minus_inf, at_plus_inf):
        infinite = np.isinf(y)
        if not infinite.any():
            return fn(y, **p)
        out = fn(np.where(infinite, 0.0, y), **p)
        return np.where(np.isposinf(y), at_plus_inf, np.where(np.isneginf(y), at_minus_inf, out))

    def logpmf(self, y):
        """Log probability mass; -inf at non-integers and outside the support."""
        y, p = self._broadcast(y)
        out = np.full(y.shape, -np.inf)
        integral = np.isfinite(y) & (y == np.floor(y))
        if integral.all():
            return self._logpmf(y, **p)
        vals = self._logpmf(np.where(integral, y, 0.0), **p)
        out[integral] = vals[integral]
        return out

    def pmf(self, y):
        """Probability mass."""
        return np.exp(self.logpmf(y))

    def logpmf_grad(self, y):
        """Derivatives of ``logpmf(y)`` with respect to each parameter.

        Returns a dict ``{parameter name: array}``; each array has the shape of ``logpmf(y)``,
        with a trailing axis kept for vector-valued parameters (such as Bitwise logits).
        """
        y, p = self._broadcast(y)
        if not hasattr(self, "_logpmf_grad"):
            raise NotImplementedError(f"{type(self).__name__} does not provide logpmf gradients.")
        if np.any(y != np.floor(y)):
            raise ValueError("logpmf_grad needs integer y (the log mass is -inf elsewhere).")
        return self._logpmf_grad(y, **p)

    def mode(self):
        """A most probable value of each row, shape (n,) (the smallest one on ties)."""
        return _mode_by_search(self)

    #: the private methods depend on the parameters alone (row subsets can be evaluated);
    #: wrappers around other distributions set this to False
    _row_params = True

    def _ppf(self, q, **p):
        return _integer_quantile(self, q, p, upper=False)

    def _isf(self, q, **p):
        return _integer_quantile(self, q, p, upper=True)

    def _quantile_guess(self, target_cdf, target_sf, /, **p):
        """Approximate quantile at P(Y <= k) = target_cdf (= 1 - target_sf), flat arrays; NaN: none.

        Families override it with a closed form or a normal (Cornish-Fisher) approximation; the
        exact integer then costs O(log |guess - answer|) cdf evaluations
        (:func:`~distreg.distributions._discrete_utils.smallest_reaching`).
        """
        return np.full(np.shape(target_cdf), np.nan)


def _mode_by_search(dist, grid=1024, scan=4096):
    """Most probable integer of each row (the smallest on ties), at a cost independent of spread.

    Rows whose central 1 - 2e-9 probability range spans at most ``scan`` integers are scanned
    exactly. Wider rows are sampled on ``grid`` evenly spaced integers (plus the modes of the
    components of a mixture, which a coarse grid could step over); around the best samples the
    mode is found by bisection on the sign of logpmf(k + 1) - logpmf(k), which is exact for a
    mass function that is unimodal between neighbouring samples.
    """
    n = len(dist)
    lo = dist.ppf(np.full(n, 1e-9))
    hi = dist.isf(np.full(n, 1e-9))
    lo = np.where(np.isfinite(lo), lo, hi)
    hi = np.where(np.isfinite(hi), hi, lo)
    width = hi - lo
    narrow = width <= scan
    # exact scan of the narrow rows (the wide ones scan a dummy grid at their lower end)
    k = lo[:, None] + np.arange(scan + 1, dtype=float)[None, :]
    _, arg = _best_on(dist, np.where(narrow[:, None], np.minimum(k, hi[:, None]), lo[:, None]))
    if narrow.all():
        return arg
    step = np.maximum(np.floor(width / grid), 1.0)
    samples = lo[:, None] + step[:, None] * np.arange(grid + 1)[None, :]
    samples = np.minimum(samples, hi[:, None])
    starts = [samples]
    for comp in getattr(dist, "components", ()):
        starts.append(np.clip(comp.mode(), lo, hi)[:, None])
    starts = np.concatenate(starts, axis=1)
    lp = dist.logpmf(starts)
    # refine the two best sampled points (a mode between them, or next to one of them)
    order = np.argsort(-lp, axis=1, kind="stable")[:, :2]
    refined = []
    for j in range(order.shape[1]):
        center = np.take_along_axis(starts, order[:, j:j + 1], axis=1)[:, 0]
        refined.append(_climb(dist, np.maximum(center - step, lo), np.minimum(center + step, hi)))
    _, wide_arg = _best_on(dist, np.stack(refined, axis=1))
    return np.where(narrow, arg, wide_arg)


def _best_on(dist, grid):
    """Largest logpmf on each row of ``grid`` and its smallest argument (ties: smallest k)."""
    lp = dist.logpmf(grid)
    top = lp.max(axis=1, keepdims=True)
    candidates = np.where(lp == top, grid, np.inf)
    return top[:, 0], candidates.min(axis=1)


def _climb(dist, a, b):
    """Smallest k in [a, b] with logpmf(k + 1) <= logpmf(k), by bisection (unimodal on [a, b])."""
    a, b = a.copy(), b.copy()
    for _ in range(64):
        if np.all(b - a < 1):
            break
        mid = np.floor(0.5 * (a + b))
        pair = dist.logpmf(np.stack([mid, mid + 1], axis=1))
        rising = pair[:, 1] > pair[:, 0]
        a = np.where(rising & (b - a >= 1), mid + 1, a)
        b = np.where(~rising & (b - a >= 1), mid, b)
    return a


def _tanh_sinh_rule(step=1 / 16, smallest=1e-300):
    """Tanh-sinh nodes u, their exact complements 1 - u and weights on (0, 1).

    u = expit(π sinh t) on the grid t = j * step, |t| <= T, where T makes the smallest node (at
    either end) about ``smallest`` (Takahasi & Mori 1974; Mori & Sugihara 2001, Section 3).
    Both u and 1 - u are evaluated directly, so the upper-tail levels are exact too.

    Examples
    --------
    >>> u, v, w = _tanh_sinh_rule()
    >>> round(float(w.sum()), 14), bool(u.min() > 0 and v.min() > 0)
    (1.0, True)
    """
    t_max = np.arcsinh(-np.log(smallest) / np.pi)
    t = step * np.arange(-np.floor(t_max / step), np.floor(t_max / step) + 1)
    x = np.pi * np.sinh(t)
    u, v = special.expit(x), special.expit(-x)
    return u, v, step * np.pi * np.cosh(t) * u * v


_SIGN_BITS = np.int64(0x7FFFFFFFFFFFFFFF)


def _float_key(x):
    """int64 keys with the order of the float64 values (-inf < ... < -0.0 < 0.0 < ... < inf)."""
    bits = np.ascontiguousarray(x, dtype=np.float64).view(np.int64)
    return bits ^ ((bits >> 63) & _SIGN_BITS)


def _key_float(key):
    """Inverse of :func:`_float_key` (the map is an involution of the bit patterns)."""
    key = np.ascontiguousarray(key, dtype=np.int64)
    return (key ^ ((key >> 63) & _SIGN_BITS)).view(np.float64)


def _log_probability(prob, complement):
    """log(prob), from log1p(-complement) where prob > 1/2 (keeps the relative accuracy near 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(prob > 0.5, np.log1p(-complement), np.log(prob))


def _level_targets(level, upper, integer):
    """(target of F, target of S, which entries to match on S) for a quantile level.

    ppf(q) is the smallest y with F(y) >= q, or equally S(y) <= 1 - q; isf(q) the smallest y
    with S(y) <= q, or F(y) >= 1 - q. Each complement is exact where it is the small side
    (Sterbenz), so a continuous level is matched on its small side. An integer answer is
    matched on the level's own side unless its complement is below 1e-13, so that ppf(cdf(k))
    and isf(sf(k)) give k back although cdf and sf round separately.
    """
    target_sf, target_cdf = (level, 1.0 - level) if upper else (1.0 - level, level)
    if integer:
        on_sf = target_cdf >= 1e-13 if upper else target_sf < 1e-13
    else:
        on_sf = target_sf < target_cdf
    return target_cdf, target_sf, on_sf


def _invert_cdf(dist, level, p, upper=False, integer=False):
    """Smallest y with F(y) >= level, or with S(y) <= level when ``upper`` (vectorised).

    Bisection over the float64 values in their order (:func:`_float_key`): every step halves the
    number of doubles left in the bracket, so at most 64 evaluations reach adjacent doubles at
    any location and scale, with no bracket search. Each level is compared on the side that
    :func:`_level_targets` picks (a quantile beyond 1/2 on S(y) <= 1 - q, with 1 - q exact), so
    that both tails keep their relative accuracy; ``integer`` is for distributions on the
    integers, whose answer is then an integer. A family may decide the comparison itself with a
    ``_level_reached(y, target_cdf, target_sf, on_sf, **params)`` hook (mixtures do, where
    F(y) - q cancels). Levels 0 and 1 give the ends of the support; a level that the
    distribution never reaches (above the plateau of a defective one) gives the upper end.

    Examples
    --------
    >>> from distreg.distributions import Normal
    >>> d = Normal([0.0, 1e15], [1e-300, 1e300])
    >>> p = {"loc": d._params["loc"], "scale": d._params["scale"]}
    >>> _invert_cdf(d, np.array([0.975, 1e-300]), p)
    array([ 1.95996398e-300, -3.70470963e+301])
    """
    level = np.asarray(level, dtype=float)
    shape = level.shape
    low_end = np.broadcast_to(dist._lower_support(p, shape), shape).astype(float)
    high_end = np.broadcast_to(dist._upper_support(p, shape), shape).astype(float)
    target_cdf, target_sf, on_sf = _level_targets(level, upper, integer)
    hook = getattr(dist, "_level_reached", None)

    def reached(y):
        ok = np.zeros(shape, dtype=bool)
        # the first probes lie far out (±1e300 and the like), where a family's formulas may
        # overflow on the way to a cdf of 0 or 1; those probes are the search's own doing
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            if hook is not None:  # a family that decides F(y) >= q more precisely than F - q
                return hook(y, target_cdf, target_sf, on_sf, **p)
            if (~on_sf).any():
                ok |= ~on_sf & (dist._cdf(y, **p) >= target_cdf)
            if on_sf.any():
                ok |= on_sf & (dist._sf(y, **p) <= target_sf)
        return ok

    hi = _float_key(high_end)
    # the double below a finite lower end has not reached the level; -inf is never evaluated
    lo = _float_key(low_end) - np.isfinite(low_end)
    interior = (level > 0) & (level < 1)
    lo = np.where(interior, lo, hi - 1)
    for _ in range(70):
        todo = (hi.view(np.uint64) - lo.view(np.uint64)) > 1  # modulo 2**64: the true gap
        if not todo.any():
            break
        mid = (lo >> 1) + (hi >> 1) + (lo & hi & 1)  # floor((lo + hi) / 2) without overflow
        ok = reached(_key_float(mid))
        hi = np.where(todo & ok, mid, hi)
        lo = np.where(todo & ~ok, mid, lo)
    out = _key_float(hi)
    at_start, at_end = (level >= 1, level <= 0) if upper else (level <= 0, level >= 1)
    return np.where(at_start, low_end, np.where(at_end, high_end, out))


def _bisect_ppf(dist, q, p, integer=False):
    """Smallest y (an integer when ``integer``) with cdf(y) >= q, vectorised over all entries.

    Bisection over the doubles (:func:`_invert_cdf`), or the exact integer search
    (:func:`_integer_quantile`); both cost a bounded number of cdf evaluations at any scale.
    -inf/inf at q = 0/1 where the support is unbounded there.
    """
    if not integer:
        return _invert_cdf(dist, q, p)
    return _integer_quantile(dist, q, p, upper=False)


def _flat_param(value, shape):
    """A parameter broadcast against levels of ``shape`` and flattened (trailing axes kept)."""
    value = np.asarray(value)
    lead = len(shape)
    trailing = value.shape[lead:] if value.ndim > lead else ()
    full = np.broadcast_to(value, tuple(shape) + trailing)
    return full.reshape((-1,) + trailing)


def _integer_quantile(dist, level, p, upper):
    """Smallest integer k with cdf(k) >= level (ppf), or with sf(k) <= level (isf, ``upper``).

    The level is matched on its own side, unless its complement is below 1e-13: there the other
    tail's function is used with the exact complement, so that far-tail levels keep their
    precision while ``ppf(cdf(k))`` and ``isf(sf(k))`` still give k back (cdf and sf round
    separately). The search starts from the family's ``_quantile_guess`` (see
    :func:`~distreg.distributions._discrete_utils.smallest_reaching`); levels 0 and 1 give the
    ends of the support.
    """
    level = np.asarray(level, dtype=float)
    shape = level.shape
    q = level.ravel()
    target_cdf, target_sf = (1.0 - q, q) if upper else (q, 1.0 - q)
    on_sf = (target_cdf >= 1e-13) if upper else (target_sf < 1e-13)
    low = np.broadcast_to(dist._lower_support(p, shape), shape).astype(float).ravel()
    high = np.broadcast_to(dist._upper_support(p, shape), shape).astype(float).ravel()
    out = np.where((q <= 0) != upper, low, high)  # ppf(0), isf(1): low; ppf(1), isf(0): high
    inner = np.flatnonzero((q > 0) & (q < 1))
    if inner.size == 0:
        return out.reshape(shape)
    row_params = getattr(dist, "_row_params", False)
    flat = {k: _flat_param(v, shape)[inner] for k, v in p.items()} if row_params else None
    guess = (dist._quantile_guess(target_cdf[inner], target_sf[inner], **flat)
             if row_params and hasattr(dist, "_quantile_guess") else np.full(inner.size, np.nan))
    current = np.zeros(q.size)

    def reached(k, idx):
        sf_side = on_sf[inner[idx]]
        res = np.empty(idx.size, dtype=bool)
        with np.errstate(over="ignore", under="ignore"):
            for side, fn in ((False, dist._cdf), (True, dist._sf)):
                sel = sf_side == side
                if not sel.any():
                    continue
                if row_params:
                    vals = fn(k[sel], **{name: v[idx[sel]] for name, v in flat.items()})
                else:
                    # wrappers evaluate whole rows: the other entries keep a dummy point
                    full = current.copy()
                    full[inner[idx[sel]]] = k[sel]
                    vals = fn(full.reshape(shape), **p).ravel()[inner[idx[sel]]]
                res[sel] = (vals <= target_sf[inner[idx[sel]]] if side
                            else vals >= target_cdf[inner[idx[sel]]])
        return res

    from ._discrete_utils import smallest_reaching

    out[inner] = smallest_reaching(reached, guess, low[inner], high[inner])
    return out.reshape(shape)


def logsumexp_rows(a, b=None, axis=-1):
    """``scipy.special.logsumexp`` with -inf handled silently (used by mixtures)."""
    with np.errstate(divide="ignore"):
        return special.logsumexp(a, b=b, axis=axis)
