"""Scalar special functions for numba kernels (digamma, trigamma, log Φ, log-sum-exp)."""

import math

import numpy as np
from numba import njit

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT1_2 = 1.0 / math.sqrt(2.0)


@njit(cache=True, error_model="numpy")
def digamma(x):
    """ψ(x) for x > 0: recurrence up to x >= 6, then the asymptotic series."""
    r = 0.0
    while x < 6.0:
        r -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    return r + math.log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))


@njit(cache=True, error_model="numpy")
def trigamma(x):
    """ψ'(x) for x > 0."""
    r = 0.0
    while x < 6.0:
        r += 1.0 / (x * x)
        x += 1.0
    f = 1.0 / (x * x)
    return r + 1.0 / x + 0.5 * f + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)))


@njit(cache=True, error_model="numpy")
def log_ndtr(z):
    """log Φ(z), accurate far into the lower tail (asymptotic series below -20)."""
    if z > 5.0:
        return math.log1p(-0.5 * math.erfc(z * _SQRT1_2))
    if z > -20.0:
        return math.log(0.5 * math.erfc(-z * _SQRT1_2))
    # Φ(z) ~ φ(z)/|z| (1 - 1/z² + 3/z⁴ - 15/z⁶ + 105/z⁸)
    z2 = 1.0 / (z * z)
    series = 1.0 - z2 * (1.0 - 3.0 * z2 * (1.0 - 5.0 * z2 * (1.0 - 7.0 * z2)))
    return -0.5 * z * z - _LOG_SQRT_2PI - math.log(-z) + math.log(series)


@njit(cache=True, error_model="numpy")
def log_diff_ndtr(a, b):
    """log(Φ(b) - Φ(a)) for a < b."""
    if a > 0.0:
        a, b = -b, -a
    la = log_ndtr(a)
    lb = log_ndtr(b)
    return lb + math.log1p(-math.exp(la - lb))


@njit(cache=True, error_model="numpy")
def log_expit(x):
    """log sigmoid(x) without overflow."""
    if x >= 0:
        return -math.log1p(math.exp(-x))
    return x - math.log1p(math.exp(x))


@njit(cache=True, error_model="numpy")
def expit(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True, error_model="numpy")
def logaddexp(a, b):
    m = a if a > b else b
    if m == -np.inf:
        return -np.inf
    return m + math.log(math.exp(a - m) + math.exp(b - m))
