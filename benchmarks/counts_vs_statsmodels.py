"""Time distreg's Poisson and NB2 regressions against statsmodels on the same data.

n = 100,000 rows, 5 covariates; NB2 data with alpha = 0.5. Prints the largest coefficient
difference and the time ratio distreg / statsmodels (below 1 means distreg is faster).
Run: python benchmarks/counts_vs_statsmodels.py
"""

import time
import warnings

import numpy as np
import statsmodels.api as sm

from distreg import IntegerRegressor


def best_time(fn, repeat=3):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(n=100_000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    beta = np.array([0.3, -0.2, 0.1, 0.05, -0.1])
    mu = np.exp(0.5 + X @ beta)
    y = rng.poisson(mu * rng.gamma(2.0, 0.5, size=n)).astype(float)
    Xc = sm.add_constant(X)
    IntegerRegressor("poisson").fit(X[:200], y[:200])  # compile the numba kernels once
    IntegerRegressor("negbin").fit(X[:200], y[:200])

    t_d, m = best_time(lambda: IntegerRegressor("poisson").fit(X, y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_s, r = best_time(lambda: sm.Poisson(y, Xc).fit(disp=0))
    diff = np.max(np.abs(m.coef_["mu"] - r.params))
    print(f"Poisson  n={n}: distreg {t_d:.3f}s, statsmodels {t_s:.3f}s, ratio {t_d / t_s:.2f}, "
          f"max |coef diff| {diff:.1e}")

    t_d, m = best_time(lambda: IntegerRegressor("negbin").fit(X, y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_s, r = best_time(lambda: sm.NegativeBinomial(y, Xc, loglike_method="nb2").fit(disp=0, maxiter=200))
    ours = np.concatenate([m.coef_["mu"], np.exp(m.coef_["alpha"])])
    diff = np.max(np.abs(ours - r.params))
    print(f"NB2      n={n}: distreg {t_d:.3f}s, statsmodels {t_s:.3f}s, ratio {t_d / t_s:.2f}, "
          f"max |coef diff| {diff:.1e} (alpha {ours[-1]:.5f} vs {r.params[-1]:.5f}); "
          f"loglik distreg - statsmodels = {m.loglik_ - r.llf:.1e}")
    # statsmodels' default BFGS stops a little early; polish its optimum with Newton steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r2 = sm.NegativeBinomial(y, Xc, loglike_method="nb2").fit(start_params=r.params, method="newton",
                                                                  disp=0, maxiter=50)
    print(f"NB2 vs statsmodels polished by Newton: max |coef diff| {np.max(np.abs(ours - r2.params)):.1e}")


if __name__ == "__main__":
    main()
