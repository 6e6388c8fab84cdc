"""1-D Gaussian KDE on a 1024-point grid from N = 1e6 points: distreg FFT vs KDEpy FFTKDE
(same bandwidth, same grid; target ratio <= 1.0).

Run: python benchmarks/kde_fft_vs_kdepy.py
"""

import numpy as np
from KDEpy import FFTKDE

from _timing import best_time
from distreg.nonparametric import KernelDensity


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=1_000_000)
    h = 0.05
    ours = lambda: KernelDensity(bandwidth=h, method="fft").fit(x).evaluate_grid(1024)
    ours()
    grid, dens = ours()
    theirs = lambda: FFTKDE(kernel="gaussian", bw=h).fit(x).evaluate(grid)
    ref = theirs()
    print(f"max |difference| / max density = {np.max(np.abs(dens - ref)) / ref.max():.2e}")
    t_ours, t_kdepy = best_time(ours, 5), best_time(theirs, 5)
    print(f"distreg {t_ours * 1e3:.1f} ms, KDEpy FFTKDE {t_kdepy * 1e3:.1f} ms, "
          f"ratio distreg/KDEpy = {t_ours / t_kdepy:.2f} (target <= 1.0)")


if __name__ == "__main__":
    main()
