"""Time distreg's R3D on the issue's benchmark design.

n = 10,000 units with 50 draws each (Van Dijcke's DGP), 99 levels, MSE bandwidth selection and a
B = 200 multiplier bootstrap. The peer, the R package R3D, cannot be called from this process (no
R installation here); its own benchmark reports about 1.5 s per fit at n = 10,000 *without* a
bootstrap, printed for comparison (a reported figure from another machine, not a same-process
ratio). The first fit loads (or compiles) the numba kernels and is timed separately.

Wall-clock time depends on the machine's load, so CPU time of the process is printed as well, and
the fits are timed both with the default BLAS threading and with BLAS limited to one thread
(the matrix products here are thin; on a busy machine multi-threaded BLAS only adds contention).

Run: python benchmarks/r3d_speed.py
"""

from __future__ import annotations

import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from distreg.rdd import R3D

R_PACKAGE_SECONDS = 1.5  # reported by the R3D package for one fit at n = 10,000, no bootstrap


def make_data(n=10_000, m=50, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    mu = 5 + 5 * x + 1.0 * (x >= 0)
    sd = np.maximum(np.abs(1 + x), 0.1)
    return x, mu[:, None] + sd[:, None] * rng.standard_normal((n, m))


def _time(fn, repeats):
    best_wall = best_cpu = np.inf
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu


def main(repeats=3):
    x, Y = make_data()
    levels = np.arange(1, 100) / 100
    t0 = time.perf_counter()
    R3D(quantiles=levels, n_boot=200, random_state=0).fit(x, Y)
    first = time.perf_counter() - t0
    cases = [("simple, bw selection + B=200", {}),
             ("frechet, bw selection + B=200", {"method": "frechet"}),
             ("simple, bw selection, no bootstrap", {"n_boot": 0})]
    print(f"R3D benchmark: n = {x.size} units x {Y.shape[1]} draws, {levels.size} levels; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  first fit (numba cache load or compilation): {first:.2f} s")
    results = {}
    for threads in (None, 1):
        label_t = "default BLAS threads" if threads is None else "BLAS limited to 1 thread"
        print(f"  [{label_t}]  best of {repeats}: wall s / CPU s")
        for label, params in cases:
            def fit(params=params):
                R3D(quantiles=levels, random_state=0, **params).fit(x, Y)
            if threads is None:
                wall, cpu = _time(fit, repeats)
            else:
                with threadpool_limits(limits=threads, user_api="blas"):
                    wall, cpu = _time(fit, repeats)
            results[(threads, label)] = (wall, cpu)
            print(f"    {label:<38s} {wall:6.3f}  {cpu:6.3f}")
    wall, cpu = results[(1, "simple, bw selection, no bootstrap")]
    print(f"  R package (reported, no bootstrap): {R_PACKAGE_SECONDS:.1f} s per fit; distreg here: "
          f"{wall:.2f} s wall, {cpu:.2f} s CPU -> ratio R/distreg {R_PACKAGE_SECONDS / wall:.1f} (wall), "
          f"{R_PACKAGE_SECONDS / cpu:.1f} (CPU)")
    return results


if __name__ == "__main__":
    main()
