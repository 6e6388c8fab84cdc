import numba
import numpy as np
import pytest

# pure-Python runs (NUMBA_DISABLE_JIT=1) use smaller samples so the suite stays quick
JIT = not numba.config.DISABLE_JIT


def size(n):
    return n if JIT else max(20, n // 10)


def make_data(kind, n, d, rng):
    """Continuous, heavily tied, or far-spread (range / h >= 5000 with h = 1) data."""
    if kind == "continuous":
        return rng.normal(size=(n, d))
    if kind == "ties":
        return np.round(rng.normal(size=(n, d)), 0)
    if kind == "far":
        return rng.uniform(0, 1, size=(n, d)) * np.where(np.arange(d) % 2 == 0, 6000.0, 20.0)
    raise ValueError(kind)


def make_weights(n, m, rng, weighted):
    if not weighted:
        return np.ones((n, m))
    return rng.exponential(size=(n, m))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
