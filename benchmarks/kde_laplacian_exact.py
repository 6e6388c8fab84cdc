"""Exact Laplacian KDE at the sample points, d = 2: N = 1e6 (target <= 5 s), and N = 1e4 against
scipy gaussian_kde and sklearn KernelDensity with exact settings (target >= 100x faster).

Run: python benchmarks/kde_laplacian_exact.py
"""

import numpy as np
from scipy.stats import gaussian_kde
from sklearn.neighbors import KernelDensity as SkKDE

from _timing import best_time
from distreg.nonparametric import KernelDensity


def main():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1_000_000, 2))
    KernelDensity(kernel="laplacian", bandwidth=0.1).fit(X[:1000]).evaluate()
    KernelDensity(kernel="laplacian", bandwidth=0.1, n_jobs=-1).fit(X[:100_000]).evaluate()
    for n_jobs in (None, -1):
        kde = KernelDensity(kernel="laplacian", bandwidth=0.1, n_jobs=n_jobs)
        t_big = best_time(lambda: kde.fit(X).evaluate(), repeat=1)
        print(f"exact Laplacian KDE d=2, N=1e6 at all points, n_jobs={n_jobs}: {t_big:.2f} s (target <= 5 s)")
    Xs = X[:10_000]
    ours = lambda: KernelDensity(kernel="laplacian", bandwidth=0.1).fit(Xs).evaluate()
    sp = lambda: gaussian_kde(Xs.T, bw_method=0.1)(Xs.T)
    # sklearn's tree KDE is exact with atol = rtol = 0 (its default); exponential kernel
    sk = lambda: SkKDE(kernel="exponential", bandwidth=0.1).fit(Xs).score_samples(Xs)
    t_ours, t_sp, t_sk = best_time(ours), best_time(sp, 1), best_time(sk, 1)
    print(f"N=1e4: distreg {t_ours:.4f} s, scipy gaussian_kde {t_sp:.3f} s, sklearn KernelDensity {t_sk:.3f} s")
    print(f"speed-up over scipy: {t_sp / t_ours:.0f}x, over sklearn: {t_sk / t_ours:.0f}x (target >= 100x)")


if __name__ == "__main__":
    main()
