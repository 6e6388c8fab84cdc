"""1-D ECDF of N = 1e7 points evaluated at 1e6 points: distreg vs statsmodels ECDF
(fit + evaluate, same data; target ratio <= 0.5).

Run: python benchmarks/ecdf_1d_vs_statsmodels.py
"""

import numpy as np
from statsmodels.distributions.empirical_distribution import ECDF as SmECDF

from _timing import best_time
from distreg.nonparametric import ECDF


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=10_000_000)
    q = rng.normal(size=1_000_000)
    ECDF().fit(x[:1000])(q[:100])
    assert np.allclose(ECDF().fit(x)(q), SmECDF(x)(q))
    for n_jobs in (None, -1):
        t_ours = best_time(lambda: ECDF(n_jobs=n_jobs).fit(x)(q))
        t_sm = best_time(lambda: SmECDF(x)(q))
        print(f"n_jobs={n_jobs}: distreg {t_ours:.3f} s, statsmodels {t_sm:.3f} s, "
              f"ratio distreg/statsmodels = {t_ours / t_sm:.3f} (target <= 0.5)")


if __name__ == "__main__":
    main()
