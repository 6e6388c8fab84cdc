"""Bivariate ECDF at all N = 1e6 sample points (target <= 2 s), and a brute-force numpy
reference at N = 2e4 (the issue quotes ~3.5 s for it) for the ratio.

Run: python benchmarks/ecdf_bivariate.py
"""

import numpy as np

from _timing import best_time
from distreg.nonparametric import ECDF


def brute(X):
    out = np.empty(len(X))
    for s in range(0, len(X), 500):
        out[s:s + 500] = np.mean(np.all(X[None, :, :] <= X[s:s + 500, None, :], axis=2), axis=1)
    return out


def main():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1_000_000, 2))
    ECDF().fit(X[:1000]).evaluate()  # compile / load the numba cache
    t_big = best_time(lambda: ECDF().fit(X).evaluate(), repeat=2)
    Xs = X[:20_000]
    assert np.allclose(ECDF().fit(Xs).evaluate(), brute(Xs))
    t_ours = best_time(lambda: ECDF().fit(Xs).evaluate())
    t_brute = best_time(lambda: brute(Xs), repeat=1)
    print(f"bivariate ECDF, N=1e6 at all points: {t_big:.3f} s (target <= 2 s)")
    print(f"N=2e4: distreg {t_ours:.4f} s, numpy brute force {t_brute:.3f} s, "
          f"ratio distreg/brute = {t_ours / t_brute:.5f}")


if __name__ == "__main__":
    main()
