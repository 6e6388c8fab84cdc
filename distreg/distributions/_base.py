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
        """Survival function P(Y > y)."""
        y, p = self._broadcast(y)
        return self._sf(y, **p)

    def logcdf(self, y):
        """Logarithm of the cdf."""
        with np.errstate(divide="ignore"):
            return np.log(self.cdf(y))

    def logsf(self, y):
        """Logarithm of the survival function."""
        with np.errstate(divide="ignore"):
            return np.log(self.sf(y))

    def ppf(self, q):
        """Quantile function: the smallest y with cdf(y) >= q, for q in [0, 1]."""
        q, p = self._broadcast(q, "q")
        if np.any((q < 0) | (q > 1)):
            raise ValueError("q must lie in [0, 1] (probability levels).")
        return self._ppf(q, **p)

    def isf(self, q):
        """Inverse survival function, ppf(1 - q)."""
        return self.ppf(1.0 - np.asarray(q, dtype=float))

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
        lo = self.ppf(((1 - levels) / 2)[None, :])
        hi = self.ppf(((1 + levels) / 2)[None, :])
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
        return 1.0 - self._cdf(y, **p)

    def _mean(self, **p):
        return self._quadrature(lambda y: y, **p)

    def _var(self, **p):
        m = self._mean(**p)
        return self._quadrature(lambda y: (y - m[:, None]) ** 2, **p)

    def _quadrature(self, fn, **p):
        # ∫₀¹ fn(Q(u)) du by composite Gauss-Legendre on panels refined geometrically towards
        # both ends, so that quantile functions with unbounded (even power-law) tails integrate
        # accurately; used by families without closed-form moments.
        u, weights = _tail_refined_rule()
        vals = self._ppf(np.broadcast_to(u, (self._n, u.size)).copy(),
                         **{k: v[:, None, ...] for k, v in p.items()})
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
        """Hazard function pdf / sf."""
        y, p = self._broadcast(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.exp(self._logpdf(y, **p)) / self._sf(y, **p)

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

    def _ppf(self, q, **p):
        return _bisect_ppf(self, q, p, integer=True)


def _mode_by_search(dist, max_width=200_000):
    """Mode of a discrete distribution by scanning its central 1 - 1e-9 probability range."""
    lo = dist.ppf(1e-9)
    hi = dist.ppf(1 - 1e-9)
    if np.any(hi - lo > max_width):
        raise ValueError("the distribution is too spread out to search for its mode.")
    width = int(np.max(hi - lo)) + 1
    best = np.full(len(dist), -np.inf)
    arg = lo.copy()
    for start in range(0, width, 512):
        grid = lo[:, None] + np.arange(start, min(start + 512, width))[None, :]
        lp = dist.logpmf(grid)
        lp = np.where(grid <= hi[:, None], lp, -np.inf)
        j = np.argmax(lp, axis=1)
        val = lp[np.arange(len(dist)), j]
        better = val > best
        arg = np.where(better, grid[np.arange(len(dist)), j], arg)
        best = np.where(better, val, best)
    return arg


def _tail_refined_rule(points=24, depth=12):
    """Nodes and weights on (0, 1): Gauss-Legendre panels with edges 10^-depth ... 1 - 10^-depth.

    Nodes are kept strictly inside (0, 1) in floating point, so ppf never sees the levels 0 or 1.
    """
    tail = 10.0 ** -np.arange(depth, 0, -1)
    edges = np.concatenate([[0.0], tail, [0.25, 0.5, 0.75], (1 - tail)[::-1], [1.0]])
    x, w = np.polynomial.legendre.leggauss(points)
    a, b = edges[:-1, None], edges[1:, None]
    u = np.clip((a + (b - a) * (x + 1) / 2).ravel(), np.finfo(float).tiny, np.nextafter(1.0, 0.0))
    return u, ((b - a) / 2 * w).ravel()


def _bisect_ppf(dist, q, p, integer=False, max_iter=200):
    """Invert ``dist._cdf`` by bracketing and bisection (vectorised over all entries).

    Returns the smallest y (an integer when ``integer``) with cdf(y) >= q, -inf/inf at q = 0/1
    when the support is unbounded there.
    """
    q = np.asarray(q, dtype=float)
    lo = np.full(q.shape, -1.0)
    hi = np.full(q.shape, 1.0)
    # expand the bracket geometrically until cdf(lo) < q <= cdf(hi); levels 0 and 1 are set to
    # the support bounds below, and expanding for them would run the bracket into overflow
    interior = (q > 0) & (q < 1)
    for _ in range(1100):
        need_lo = (dist._cdf(lo, **p) >= q) & interior
        need_hi = (dist._cdf(hi, **p) < q) & interior
        if not (need_lo.any() or need_hi.any()):
            break
        lo = np.where(need_lo, np.where(lo < 0, lo * 2, -1.0), lo)
        hi = np.where(need_hi, np.where(hi > 0, hi * 2, 1.0), hi)
        if np.all(np.isinf(lo) | ~need_lo) and np.all(np.isinf(hi) | ~need_hi):
            break
    for _ in range(max_iter):
        mid = 0.5 * (lo + hi) if not integer else np.floor(0.5 * (lo + hi))
        ok = dist._cdf(mid, **p) >= q
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
        gap = hi - lo
        if integer:
            if np.all(gap <= 1):
                break
        elif np.all(gap <= 1e-13 * np.maximum(1.0, np.abs(hi))):
            break
    out = np.ceil(hi) if integer else hi
    out = np.where(q <= 0, dist._lower_support(p, q.shape), out)
    out = np.where(q >= 1, dist._upper_support(p, q.shape), out)
    return out


def logsumexp_rows(a, b=None, axis=-1):
    """``scipy.special.logsumexp`` with -inf handled silently (used by mixtures)."""
    with np.errstate(divide="ignore"):
        return special.logsumexp(a, b=b, axis=axis)
