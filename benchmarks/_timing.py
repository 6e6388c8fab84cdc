"""Shared timing helper for the nonparametric benchmarks (best of a few runs, after warm-up)."""

import time


def best_time(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best
