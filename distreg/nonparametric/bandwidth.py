"""Bandwidth selectors for kernel density estimation.

Every selector returns one bandwidth per dimension, expressed as the **standard deviation of the
kernel** (distreg's convention for every kernel), and respects sample weights through the
weighted spread and Kish's effective sample size ``n = (sum w)^2 / sum w^2``.

The rules of thumb differ between libraries; distreg's constants are:

=====================  ======================================================  =====================
rule                   bandwidth in dimension k                                the same as
=====================  ======================================================  =====================
``scott``              ``sd_k * n^(-1/(d+4))`` (Scott 1992, eq. 6.42)           scipy ``gaussian_kde``
``silverman`` (d = 1)  ``0.9 * A * n^(-1/5)``, ``A = min(sd, IQR/1.349)``       statsmodels
                       (Silverman 1986, eq. 3.31)                               ``bw_silverman``
``silverman`` (d > 1)  ``(4/(d+2))^(1/(d+4)) * sd_k * n^(-1/(d+4))``            scipy ``gaussian_kde``
                       (Silverman 1986, eq. 4.14)
``normal_reference``   ``1.059 * A_k * n^(-1/(d+4))`` (1.059 = (4/3)^(1/5))     statsmodels
                                                                                ``bw_scott``
=====================  ======================================================  =====================

(R's ``bw.nrd0`` is ``silverman`` with 1.34 in place of 1.349.) Data-driven selectors:
``improved_sheather_jones`` (Botev, Grotowski & Kroese 2010, 1-D, applied to each column) and the
exact cross-validation criteria ``cv_ml`` (leave-one-out likelihood) and ``lscv`` (least squares),
which are computed exactly in O(n log n) per evaluation for the Laplacian and Matérn-3/2
kernels (Langrené & Warin 2021) and by direct O(n^2) summation for the others.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import as_float_array, check_option
from ..exceptions import NumericalWarning
from ._common import (
    KERNELS,
    as_points,
    check_n_samples,
    columns_without_spread,
    direct_code,
    effective_n,
    expo_coefs,
    normalised_weights,
    weighted_quantile,
    weighted_std,
)

__all__ = [
    "scott",
    "silverman",
    "normal_reference",
    "improved_sheather_jones",
    "cv_ml",
    "lscv",
    "select_bandwidth",
    "RULES",
]

RULES = ("scott", "silverman", "normal_reference", "isj", "cv_ml", "lscv")
_DIRECT_CV_MAX_N = 20_000


def _prepare(X, weights):
    X = as_points(X, "X")
    check_n_samples(X.shape[0], "bandwidth selection")
    p = normalised_weights(weights, X.shape[0], "weights")
    flat = columns_without_spread(X[p > 0])
    if flat:
        where = " among the rows with positive weight" if np.any(p == 0) else ""
        raise ValueError(
            f"X has no spread in column(s) {flat} (all values equal up to rounding{where}), so "
            "every bandwidth rule would give 0; pass a numeric bandwidth instead (for "
            "KernelDensity: bandwidth=<number>)."
        )
    return X, p


def _robust_spread(x, p):
    sd = weighted_std(x, p)
    q75, q25 = weighted_quantile(x, p, [0.75, 0.25])
    iqr = (q75 - q25) / 1.349
    A = min(sd, iqr) if iqr > 0 else sd
    return sd, A


def _check_spread(h, X):
    # _prepare rejects columns without spread; what is left is a range too wide for float64
    bad = np.flatnonzero(~(np.isfinite(h) & (h > 0)))
    if bad.size:
        raise ValueError(
            f"X column(s) {bad.tolist()} span too wide a range for a finite bandwidth "
            f"(got {h[bad].tolist()}); rescale X (for example divide by its largest value)."
        )
    return h


def scott(X, weights=None):
    """Scott's rule ``sd_k * n^(-1/(d+4))`` per dimension.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=1000)
    >>> scott(x).round(4)
    array([0.2455])
    """
    X, p = _prepare(X, weights)
    n, d = effective_n(p), X.shape[1]
    h = np.array([weighted_std(X[:, k], p) for k in range(d)]) * n ** (-1.0 / (d + 4))
    return _check_spread(h, X)


def silverman(X, weights=None):
    """Silverman's rule: ``0.9 min(sd, IQR/1.349) n^(-1/5)`` in 1-D, eq. 4.14 in d > 1.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=1000)
    >>> silverman(x).round(4)
    array([0.2188])
    """
    X, p = _prepare(X, weights)
    n, d = effective_n(p), X.shape[1]
    if d == 1:
        _, A = _robust_spread(X[:, 0], p)
        h = np.array([0.9 * A * n ** (-0.2)])
    else:
        sd = np.array([weighted_std(X[:, k], p) for k in range(d)])
        h = (4.0 / (d + 2)) ** (1.0 / (d + 4)) * sd * n ** (-1.0 / (d + 4))
    return _check_spread(h, X)


def normal_reference(X, weights=None):
    """Normal-reference rule ``1.059 min(sd, IQR/1.349) n^(-1/(d+4))`` per dimension.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=1000)
    >>> normal_reference(x).round(4)
    array([0.2574])
    """
    X, p = _prepare(X, weights)
    n, d = effective_n(p), X.shape[1]
    h = np.array([1.059 * _robust_spread(X[:, k], p)[1] for k in range(d)]) * n ** (-1.0 / (d + 4))
    return _check_spread(h, X)


# ----------------------------------------------------------------- improved Sheather-Jones
def _isj_fixed_point(t, N, I, a2):
    # Botev et al. (2010), eq. (29)-(30) with l = 7 stages (their Matlab kde.m)
    ell = 7
    f = 2 * np.pi ** (2 * ell) * np.sum(I**ell * a2 * np.exp(-I * np.pi**2 * t))
    for s in range(ell - 1, 1, -1):
        K0 = np.prod(np.arange(1, 2 * s, 2)) / np.sqrt(2 * np.pi)
        const = (1 + 0.5 ** (s + 0.5)) / 3
        time = (2 * const * K0 / N / f) ** (2.0 / (3 + 2 * s))
        f = 2 * np.pi ** (2 * s) * np.sum(I**s * a2 * np.exp(-I * np.pi**2 * time))
    return t - (2 * N * np.sqrt(np.pi) * f) ** (-0.4)


def _isj_1d(x, p, grid_size=2**14):
    from scipy.fft import dct
    from scipy.optimize import brentq

    from .._kernels.binning import linear_binning_1d

    lo, hi = x.min(), x.max()
    span = hi - lo
    if span <= 0:
        return 0.0
    lo, hi = lo - span / 10, hi + span / 10
    R = hi - lo
    counts = linear_binning_1d(x, p, lo, R / (grid_size - 1), grid_size)
    counts = counts / counts.sum()
    a = dct(counts, type=2)
    I = np.arange(1, grid_size, dtype=float) ** 2
    a2 = (a[1:] / 2) ** 2
    N = effective_n(p)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        for upper in (0.1, 0.5, 1.0, 5.0):
            f_lo, f_hi = _isj_fixed_point(1e-12, N, I, a2), _isj_fixed_point(upper, N, I, a2)
            if np.isfinite(f_lo) and np.isfinite(f_hi) and f_lo * f_hi < 0:
                t_star = brentq(_isj_fixed_point, 1e-12, upper, args=(N, I, a2), xtol=1e-14)
                return float(np.sqrt(t_star) * R)
    return np.nan


def improved_sheather_jones(X, weights=None):
    """Improved Sheather-Jones plug-in bandwidth (Botev, Grotowski & Kroese 2010), per column.

    The data are linearly binned on 2^14 points spanning the range widened by 10% on each side,
    and the fixed-point equation (their eq. 29-30, l = 7) is solved by Brent's method. If it has
    no root (e.g. very few distinct values) Silverman's rule is used with a ``NumericalWarning``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=1000)
    >>> improved_sheather_jones(x).round(2)
    array([0.28])
    """
    X, p = _prepare(X, weights)
    h = np.empty(X.shape[1])
    for k in range(X.shape[1]):
        h[k] = _isj_1d(X[:, k], p)
        if not np.isfinite(h[k]) or h[k] <= 0:
            warnings.warn(
                f"the improved Sheather-Jones equation has no root for column {k} (too few "
                "distinct values?); using Silverman's rule for it.",
                NumericalWarning,
                stacklevel=2,
            )
            h[k] = silverman(X[:, k], p)[0]
    return _check_spread(h, X)


# ----------------------------------------------------------------- exact cross-validation
def _kernel_sums_at_samples(X, W, sd, kernel, self_convolution=False):
    """Unnormalised kernel sums at the samples; ``self_convolution`` uses K*K's shape."""
    spec = KERNELS[kernel]
    b = sd * spec.scale_per_sd
    if spec.exact_fast:
        from .._kernels import laplace

        coefs = expo_coefs(kernel)
        if self_convolution:
            coefs = laplace.MATERN32 if kernel == "laplacian" else laplace.MATERN72
        return laplace.expo_kernel_sums_at_samples(X, W, b, coefs)
    from .._kernels.direct import direct_kernel_sums

    return direct_kernel_sums(X, W, X, b, direct_code(kernel))


def _loo_density(X, p, sd, kernel, unit=1.0):
    """Exact leave-one-out densities f_{-i}(x_i) with normalised weights p, times prod(unit)."""
    spec = KERNELS[kernel]
    b = sd * spec.scale_per_sd
    S = _kernel_sums_at_samples(X, p[:, None], sd, kernel)[:, 0]
    const = np.prod(spec.norm / (b / unit))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (S - p) * const / (1.0 - p)


def _self_convolution_norm(kernel):
    # 1-D normalising constants of K*K in the shape returned by _kernel_sums_at_samples
    return {"laplacian": 0.25, "matern32": 1.0 / 6.4}[kernel]


def _cv_objective(kind, X, p, kernel, unit):
    """The criterion in units of the start bandwidths ``unit``: densities are multiplied by
    prod(unit), which shifts the log-likelihood and scales the LSCV criterion by constants (same
    minimiser) and keeps both finite at any scale of X (1/prod(b) underflows for b ~ 1e300 in 2-D)."""
    spec = KERNELS[kernel]

    def objective(log_sd):
        sd = np.exp(np.atleast_1d(log_sd))
        f = _loo_density(X, p, sd, kernel, unit)
        if kind == "cv_ml":
            if np.any(~(f > 0)):
                return 1e300
            return -float(np.dot(p, np.log(f)))
        b = sd * spec.scale_per_sd
        S2 = _kernel_sums_at_samples(X, p[:, None], sd, kernel, self_convolution=True)[:, 0]
        integral = float(np.dot(p, S2)) * np.prod(_self_convolution_norm(kernel) / (b / unit))
        return integral - 2.0 * float(np.dot(p, f))

    return objective


def _cross_validate(kind, X, weights, kernel, start):
    from scipy.optimize import minimize, minimize_scalar

    check_option(kernel, "kernel", list(KERNELS))
    X, p = _prepare(X, weights)
    start = _check_start(start, X.shape[1])
    if kind == "lscv" and kernel not in ("laplacian", "matern32"):
        raise ValueError(
            f"lscv is exact only for kernel='laplacian' or 'matern32' (got {kernel!r}); use "
            "cv_ml or one of those kernels."
        )
    if not KERNELS[kernel].exact_fast and X.shape[0] > _DIRECT_CV_MAX_N:
        raise ValueError(
            f"cross-validation with kernel={kernel!r} costs O(n^2) and n = {X.shape[0]} > "
            f"{_DIRECT_CV_MAX_N}; use kernel='laplacian' or 'matern32' (exact O(n log n))."
        )
    s0 = np.log(scott(X, p) if start is None else start)
    objective = _cv_objective(kind, X, p, kernel, np.exp(s0))
    lo, hi = np.log(1e-3), np.log(10.0)
    if X.shape[1] == 1:
        res = minimize_scalar(lambda v: objective(s0 + v), bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-4})
        best = s0 + res.x
        at_edge = min(res.x - lo, hi - res.x) < 1e-3
    else:
        # a common factor first, then each dimension
        res1 = minimize_scalar(lambda v: objective(s0 + v), bounds=(lo, hi), method="bounded",
                               options={"xatol": 1e-3})
        def boxed(v):
            # Nelder-Mead is unbounded: keep every factor within [1/1000, 10] of the start
            u = v - s0
            return objective(v) if np.all((u >= lo) & (u <= hi)) else 1e300

        res = minimize(boxed, s0 + res1.x, method="Nelder-Mead",
                       options={"xatol": 1e-4, "fatol": 1e-10, "maxiter": 200 * X.shape[1]})
        best = res.x
        at_edge = np.any((best - s0 < lo + 1e-3) | (best - s0 > hi - 1e-3))
    if at_edge or objective(best) >= 1e299:
        warnings.warn(
            f"{kind} bandwidth search ended at the edge of its range (1/1000 to 10 times Scott's "
            "rule); the criterion may be degenerate (ties, tiny samples). Check the result.",
            NumericalWarning,
            stacklevel=3,
        )
    return np.exp(np.atleast_1d(best))


def _check_start(start, d):
    """The starting bandwidths of the cross-validation search: None, or d positive numbers."""
    if start is None:
        return None
    allowed = "a positive number" + ("" if d == 1 else f" or {d} positive numbers (one per column of X)")
    if isinstance(start, (bool, np.bool_)):
        raise TypeError(f"start must be None or {allowed}; got {start!r}.")
    arr = as_float_array(start, "start", ndim=(0, 1)).reshape(-1)
    if arr.size == 1:
        arr = np.full(d, arr[0])
    if arr.size != d or not np.all(arr > 0):
        raise ValueError(f"start must be {allowed}; got {np.asarray(start).tolist()}.")
    return arr


def cv_ml(X, weights=None, kernel="laplacian", start=None):
    """Bandwidth maximising the exact leave-one-out log-likelihood ``sum_i w_i log f_{-i}(x_i)``.

    Searches factors 1/1000 to 10 of ``start`` (default: Scott's rule), first a common factor,
    then each dimension (Nelder-Mead on log bandwidths).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=500)
    >>> h = cv_ml(x)
    >>> bool(0.1 < h[0] < 0.6)
    True
    """
    return _cross_validate("cv_ml", X, weights, kernel, start)


def lscv(X, weights=None, kernel="laplacian", start=None):
    """Least-squares cross-validation bandwidth, exact for the Laplacian and Matérn-3/2 kernels.

    Minimises ``int f^2 - 2 sum_i w_i f_{-i}(x_i)``; ``int f^2`` uses the kernel's
    self-convolution (Laplacian -> Matérn-3/2, Matérn-3/2 -> Matérn-7/2), so nothing is
    approximated.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=500)
    >>> h = lscv(x)
    >>> bool(0.1 < h[0] < 0.8)
    True
    """
    return _cross_validate("lscv", X, weights, kernel, start)


def select_bandwidth(X, rule="scott", weights=None, kernel="gaussian"):
    """Dispatch to a selector by name (one of ``RULES``; ``"isj"`` is improved Sheather-Jones).

    Examples
    --------
    >>> import numpy as np
    >>> select_bandwidth(np.arange(10.0), "scott").round(3)
    array([1.91])
    """
    check_option(rule, "rule", list(RULES))
    check_option(kernel, "kernel", list(KERNELS))
    if rule == "scott":
        return scott(X, weights)
    if rule == "silverman":
        return silverman(X, weights)
    if rule == "normal_reference":
        return normal_reference(X, weights)
    if rule == "isj":
        return improved_sheather_jones(X, weights)
    if rule == "cv_ml":
        return cv_ml(X, weights, kernel=kernel)
    return lscv(X, weights, kernel=kernel)
