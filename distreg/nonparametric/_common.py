"""Shared pieces of the nonparametric estimators: kernels, threads, input checks, weighted summaries."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .._params import Interval
from .._validation import as_float_array, check_random_state, check_sample_weight, reject_categorical

# n_jobs follows scikit-learn: None (one thread), k >= 1 threads, or -1, -2, ... (all cores, all
# but one, ...); 0 is meaningless
N_JOBS_CONSTRAINT = [None, Interval("int", 1, None), Interval("int", None, -1)]

# A range within this many rounding units of the values' magnitude is rounding noise, not spread:
# a bandwidth derived from it would measure the last bits of the floating-point representation.
_SPREAD_ULPS = 1000.0


@dataclass(frozen=True)
class KernelSpec:
    """A symmetric 1-D kernel ``norm * k(u / scale)`` with ``scale = scale_per_sd * sd``.

    ``k`` is unnormalised (k(0) = 1); ``norm`` makes it integrate to one; ``support`` is the
    half-width (in units of ``scale``) beyond which it is zero or negligible (< 1e-14).
    """

    name: str
    scale_per_sd: float
    norm: float
    support: float
    exact_fast: bool


# The bandwidth is the kernel's standard deviation in every dimension, so one bandwidth means
# the same amount of smoothing for every kernel (and the rules of thumb carry over).
KERNELS = {
    "gaussian": KernelSpec("gaussian", 1.0, 1.0 / np.sqrt(2 * np.pi), 8.5, False),
    "laplacian": KernelSpec("laplacian", 1.0 / np.sqrt(2.0), 0.5, 34.0, True),
    "matern32": KernelSpec("matern32", 0.5, 0.25, 38.0, True),
    "epanechnikov": KernelSpec("epanechnikov", np.sqrt(5.0), 0.75, 1.0, False),
    "uniform": KernelSpec("uniform", np.sqrt(3.0), 0.5, 1.0, False),
}


def kernel_values(name: str, t):
    """Unnormalised kernel ``k(t)`` at standardised offsets ``t`` (numpy, for FFT grids)."""
    t = np.asarray(t, dtype=float)
    a = np.abs(t)
    if name == "gaussian":
        return np.exp(-0.5 * t * t)
    if name == "laplacian":
        return np.exp(-a)
    if name == "matern32":
        return (1 + a) * np.exp(-a)
    if name == "epanechnikov":
        return np.where(a < 1, 1 - t * t, 0.0)
    return (a <= 1).astype(float)


def direct_code(name: str) -> int:
    from .._kernels import direct

    return {
        "gaussian": direct.GAUSSIAN,
        "epanechnikov": direct.EPANECHNIKOV,
        "uniform": direct.UNIFORM,
        "laplacian": direct.LAPLACIAN,
        "matern32": direct.MATERN32,
    }[name]


def expo_coefs(name: str):
    from .._kernels import laplace

    return {"laplacian": laplace.LAPLACE, "matern32": laplace.MATERN32}[name]


def resolve_n_jobs(n_jobs) -> int:
    """scikit-learn's convention: None -> 1, -1 -> all cores, k -> k (capped)."""
    import numba

    top = int(numba.config.NUMBA_NUM_THREADS)
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None, -1 or a positive integer; got {n_jobs!r}.")
    if n_jobs < 0:
        return max(1, top + 1 + int(n_jobs))
    return min(int(n_jobs), top)


@contextmanager
def numba_threads(n_jobs):
    """Run parallel kernels on ``n_jobs`` threads, restoring the previous setting afterwards."""
    import numba

    n = resolve_n_jobs(n_jobs)
    old = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield n
    finally:
        numba.set_num_threads(old)


def as_points(X, name: str, d: int | None = None):
    """Points as a new (n, d) float array; 1-D input is one column (or one point if d > 1)."""
    arr = as_float_array(X, name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[:, None] if d in (None, 1) else arr[None, :]
    if d is not None and arr.shape[1] != d:
        raise ValueError(
            f"{name} has {arr.shape[1]} column(s) but the estimator was fitted on {d}; "
            f"pass points of shape (k, {d})."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty; pass at least one point.")
    return arr


def check_X(estimator, X, *, reset, y="no_validation", **check_params):
    """scikit-learn's ``validate_data`` with distreg's input rules.

    Categorical and text columns get the shared error (``reject_categorical``) before scikit-learn
    tries to convert them, and every message names ``X`` or ``y`` (scikit-learn's messages about
    dimensions or empty arrays name neither).
    """
    for value, name in ((X, "X"), (y, "y")):
        if not (value is None or isinstance(value, str) and value == "no_validation"):
            reject_categorical(value, name)
            _reject_text(value, name)
    from sklearn.utils.validation import validate_data

    try:
        return validate_data(estimator, X, y=y, reset=reset, **check_params)
    except ValueError as exc:
        message = str(exc)
        if re.search(r"\b(X|y)\b", message):
            raise
        # scikit-learn does not say which array it means (dimensions, empty arrays, lengths)
        given_y = not (y is None or isinstance(y, str) and y == "no_validation")
        raise ValueError(f"{'X or y' if given_y else 'X'}: {message}") from None


def _reject_text(value, name):
    if hasattr(value, "iloc") or hasattr(value, "tocsr"):
        return  # pandas text columns are caught by reject_categorical; sparse data are numbers
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError):
        return  # ragged input: scikit-learn's own check reports it
    if kind in "USV":
        as_float_array(value, name)  # raises the shared "must be numeric" error


def check_weights(sample_weight, n: int, name: str = "sample_weight"):
    """``check_sample_weight`` whose length message names X as well (either may be wrong)."""
    if (sample_weight is not None and not isinstance(sample_weight, (str, bytes))
            and hasattr(sample_weight, "__len__") and getattr(sample_weight, "ndim", 1) >= 1
            and len(sample_weight) != n):
        raise ValueError(f"{name} has {len(sample_weight)} entries but X has {n} rows; pass one per row of X.")
    return check_sample_weight(sample_weight, n, name)


def normalised_weights(sample_weight, n: int, name: str = "sample_weight"):
    w = check_weights(sample_weight, n, name)
    return w / w.sum()


def check_n_samples(n: int, owner: str, name: str = "X"):
    """At least two rows (the message keeps scikit-learn's "1 sample" wording)."""
    if n < 2:
        raise ValueError(f"{name} has {n} sample(s) (rows); {owner} needs at least 2.")


def generator(random_state):
    """``check_random_state`` whose errors name ``random_state`` (numpy's say "expected non-negative integer")."""
    if isinstance(random_state, (bool, np.bool_)):  # True is an int to Python, not a seed
        raise TypeError(
            f"random_state must be None, a non-negative integer or a numpy Generator; got {random_state!r}."
        )
    try:
        return check_random_state(random_state)
    except ValueError as exc:
        raise ValueError(
            f"random_state must be None, a non-negative integer or a numpy Generator; got {random_state!r} ({exc})."
        ) from None


@contextmanager
def allocation_for(name: str, value):
    """Turn a failed allocation caused by the size argument ``name`` into a ValueError naming it."""
    try:
        yield
    except MemoryError as exc:
        raise ValueError(
            f"{name}={value!r} needs more memory than is available ({exc}); use a smaller {name}."
        ) from None


def fixed_bandwidth(bandwidth, d: int):
    """A user-given bandwidth (one number, or one per dimension) as d positive finite numbers."""
    if isinstance(bandwidth, (bool, np.bool_)):
        raise TypeError(f"bandwidth must be a number or {d} numbers; got {bandwidth!r}.")
    try:
        h = np.array(bandwidth, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TypeError(
            f"bandwidth must be a number, one number per dimension, or a rule name; got {bandwidth!r}."
        ) from None
    h = np.full(d, float(h)) if h.ndim == 0 else h.reshape(-1)
    if h.size != d:
        raise ValueError(f"bandwidth has {h.size} values but X has {d} columns; pass one per column.")
    if not np.all(np.isfinite(h) & (h > 0)):
        raise ValueError(f"bandwidth must be finite and positive; got {h.tolist()}.")
    return h


def columns_without_spread(X) -> list:
    """Indices of the columns of ``X`` whose values are all equal up to rounding.

    Examples
    --------
    >>> columns_without_spread(np.array([[1.0, 3.0], [2.0, 3.0], [3.0, 3.0 + 1e-15]]))
    [1]
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    span = np.ptp(X, axis=0)
    scale = np.max(np.abs(X), axis=0)
    return np.flatnonzero(span <= _SPREAD_ULPS * np.finfo(float).eps * scale).tolist()


def effective_n(p) -> float:
    """Kish's effective sample size of normalised weights: 1 / sum(p^2) (n for equal weights)."""
    return float(1.0 / np.sum(np.asarray(p) ** 2))


def weighted_std(x, p) -> float:
    # computed on x / max|x|: squares of values beyond 1e154 would overflow
    scale = float(np.max(np.abs(x)))
    if scale == 0.0:
        return 0.0
    z = x / scale
    m = np.dot(p, z)
    var = np.dot(p, (z - m) ** 2)
    n_eff = effective_n(p)
    if n_eff > 1:
        var *= n_eff / (n_eff - 1)
    return float(np.sqrt(var) * scale)


def weighted_quantile(x, p, q):
    """Quantiles of a weighted sample by linear interpolation (numpy's rule for equal weights)."""
    order = np.argsort(x, kind="stable")
    xs, ps = x[order], p[order]
    if np.allclose(ps, ps[0]):
        return np.quantile(xs, q)
    cum = np.cumsum(ps) - 0.5 * ps
    cum = (cum - cum[0]) / (cum[-1] - cum[0]) if cum[-1] > cum[0] else cum
    return np.interp(q, cum, xs)
