"""Shared pieces of the nonparametric estimators: kernels, threads, weighted summaries."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .._validation import as_float_array, check_sample_weight


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


def normalised_weights(sample_weight, n: int):
    w = check_sample_weight(sample_weight, n)
    return w / w.sum()


def effective_n(p) -> float:
    """Kish's effective sample size of normalised weights: 1 / sum(p^2) (n for equal weights)."""
    return float(1.0 / np.sum(np.asarray(p) ** 2))


def weighted_std(x, p) -> float:
    m = np.dot(p, x)
    var = np.dot(p, (x - m) ** 2)
    n_eff = effective_n(p)
    if n_eff > 1:
        var *= n_eff / (n_eff - 1)
    return float(np.sqrt(var))


def weighted_quantile(x, p, q):
    """Quantiles of a weighted sample by linear interpolation (numpy's rule for equal weights)."""
    order = np.argsort(x, kind="stable")
    xs, ps = x[order], p[order]
    if np.allclose(ps, ps[0]):
        return np.quantile(xs, q)
    cum = np.cumsum(ps) - 0.5 * ps
    cum = (cum - cum[0]) / (cum[-1] - cum[0]) if cum[-1] > cum[0] else cum
    return np.interp(q, cum, xs)
