"""Binned FFT kernel density on regular grids (1-D and 2-D), any symmetric product kernel.

Linear binning (``distreg._kernels.binning``) followed by a discrete convolution with the kernel
sampled at the grid offsets, done by FFT with zero padding (no wrap-around). The error is the
binning error, O(delta^2) for grid spacing delta (Wand & Jones 1995, Appendix D).
"""

from __future__ import annotations

import numpy as np

from ._common import KERNELS, kernel_values


def _kernel_on_offsets(kernel, b, delta, limit):
    spec = KERNELS[kernel]
    L = int(min(np.ceil(spec.support * b / delta), limit))
    t = np.arange(-L, L + 1) * delta / b
    return kernel_values(kernel, t) * spec.norm / b, L


def _fftconvolve_same(counts, kern, axis_lens):
    from scipy.signal import fftconvolve

    full = fftconvolve(counts, kern, mode="full")
    sl = tuple(slice(L, L + n) for L, n in axis_lens)
    return full[sl]


def fft_density_1d(x, p, kernel, sd, lo, hi, n, assume_inside=False):
    """Density on ``linspace(lo, hi, n)`` from data x with normalised weights p.

    Points outside [lo, hi] are dropped unless the caller knows there are none.
    """
    from .._kernels.binning import linear_binning_1d

    delta = (hi - lo) / (n - 1)
    b = sd * KERNELS[kernel].scale_per_sd
    if not assume_inside:
        keep = (x >= lo) & (x <= hi)
        if not keep.all():
            x, p = x[keep], p[keep]
    counts = linear_binning_1d(x, p, lo, delta, n)
    kern, L = _kernel_on_offsets(kernel, b, delta, n)
    dens = _fftconvolve_same(counts, kern, [(L, n)])
    return np.maximum(dens, 0.0)


def fft_density_2d(X, p, kernel, sd, lo, hi, n):
    """Density on the grid ``linspace(lo[k], hi[k], n[k])``, shape (n[0], n[1])."""
    from .._kernels.binning import linear_binning_2d

    lo, hi, n = np.asarray(lo, float), np.asarray(hi, float), np.asarray(n, np.int64)
    delta = (hi - lo) / (n - 1)
    spec = KERNELS[kernel]
    b = sd * spec.scale_per_sd
    keep = np.all((X >= lo) & (X <= hi), axis=1)
    if not keep.all():
        X, p = X[keep], p[keep]
    counts = linear_binning_2d(X, p, lo, delta, n)
    k0, L0 = _kernel_on_offsets(kernel, b[0], delta[0], n[0])
    k1, L1 = _kernel_on_offsets(kernel, b[1], delta[1], n[1])
    dens = _fftconvolve_same(counts, np.outer(k0, k1), [(L0, n[0]), (L1, n[1])])
    return np.maximum(dens, 0.0)
