"""Time distreg's R3D on the issue's benchmark design.

n = 10,000 units with 50 draws each (Van Dijcke's DGP), 99 levels, MSE bandwidth selection and a
B = 200 multiplier bootstrap. The peer, the R package R3D, is not callable from this process (no
R here); its own benchmark reports about 1.5 s per fit at n = 10,000 *without* a bootstrap, which
is printed for comparison. The first fit compiles the numba kernels (cached on disk afterwards)
and is timed separately.

Run: python benchmarks/r3d_speed.py
"""

from __future__ import annotations

import time

import numpy as np

from distreg.rdd import R3D

R_PACKAGE_SECONDS = 1.5  # reported by the R3D package for one fit at n = 10,000, no bootstrap


def make_data(n=10_000, m=50, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    mu = 5 + 5 * x + 1.0 * (x >= 0)
    sd = np.maximum(np.abs(1 + x), 0.1)
    return x, mu[:, None] + sd[:, None] * rng.standard_normal((n, m))


def main(repeats=3):
    x, Y = make_data()
    levels = np.arange(1, 100) / 100
    t0 = time.perf_counter()
    R3D(quantiles=levels, n_boot=200, random_state=0).fit(x, Y)
    first = time.perf_counter() - t0
    results = {}
    for label, params in [("simple, bw selection + B=200", {}),
                          ("frechet, bw selection + B=200", {"method": "frechet"}),
                          ("simple, bw selection, no bootstrap", {"n_boot": 0})]:
        times = []
        for r in range(repeats):
            t0 = time.perf_counter()
            R3D(quantiles=levels, random_state=r, **params).fit(x, Y)
            times.append(time.perf_counter() - t0)
        results[label] = min(times)
    print(f"R3D benchmark: n = {x.size} units x {Y.shape[1]} draws, {levels.size} levels")
    print(f"  first fit (includes numba compilation or cache load): {first:.2f} s")
    for label, t in results.items():
        print(f"  {label:<38s} {t:.3f} s (best of {repeats})")
    ratio = R_PACKAGE_SECONDS / results["simple, bw selection, no bootstrap"]
    print(f"  R package's reported time without bootstrap: {R_PACKAGE_SECONDS:.1f} s "
          f"-> distreg is about {ratio:.1f}x faster (reported figure, different machine)")
    return results


if __name__ == "__main__":
    main()
