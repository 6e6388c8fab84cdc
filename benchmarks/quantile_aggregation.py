"""Time distreg's quantile aggregation and its exact linear quantile regression.

1. Fitting each weight scheme of ``QuantileAggregator`` on out-of-fold predictions of
   n = 100,000 rows x K = 99 levels x M = 5 models (synthetic: the true conditional quantiles of a
   heteroscedastic model plus model-specific bias and noise), with a bounded number of L-BFGS
   iterations; times per fit and per iteration. The authors' PyTorch code is not runnable here
   (and has no CPU-comparable setting), so no peer ratio is printed for this part.
2. ``LinearQuantileRegressor`` (HiGHS LP, exact) against statsmodels ``QuantReg`` (IRLS) on
   Engel's data at the 99 levels 0.01..0.99: largest coefficient difference and the time ratio.

The machine may be shared: wall-clock and process CPU time are both printed.

Run: python benchmarks/quantile_aggregation.py [n_rows] [max_iter]
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
from scipy.stats import norm


def _timer():
    return time.perf_counter(), time.process_time()


def _elapsed(t0):
    return time.perf_counter() - t0[0], time.process_time() - t0[1]


def oof_predictions(n=100_000, K=99, M=5, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    scale = np.exp(0.3 * X[:, 1])
    y = X[:, 0] + scale * rng.normal(size=n)
    levels = np.arange(1, K + 1) / (K + 1)
    true_q = X[:, :1] + scale[:, None] * norm.ppf(levels)[None, :]
    P = np.empty((n, M, K))
    for m in range(M):
        bias = rng.normal(scale=0.3)
        spread = rng.uniform(0.7, 1.4)
        noise = rng.normal(scale=0.2 + 0.1 * m, size=(n, 1))
        P[:, m, :] = bias + X[:, :1] + spread * (true_q - X[:, :1]) + noise
    return X, y, P, levels


def bench_schemes(n, max_iter):
    from distreg.quantile import QuantileAggregator
    from distreg.quantile._schemes import SCHEMES

    X, y, P, levels = oof_predictions(n=n)
    print(f"weight schemes on {n} rows x {P.shape[2]} levels x {P.shape[1]} models, "
          f"L-BFGS max_iter={max_iter}")
    print(f"{'scheme':15s} {'wall s':>8s} {'cpu s':>8s} {'iters':>6s} {'s/iter':>7s} {'OOF pinball':>12s}")
    from distreg.metrics import pinball_loss

    best = min(pinball_loss(y, np.sort(P[:, m], axis=1), levels) for m in range(P.shape[1]))
    for scheme in SCHEMES:
        agg = QuantileAggregator([], quantiles=levels, weights=scheme, hidden_units=16,
                                 max_iter=max_iter, random_state=0)
        # the weights-only step of fit(): the out-of-fold predictions are given directly
        agg.model_names_ = [f"m{j}" for j in range(P.shape[1])]
        agg.quantiles_ = levels
        agg.n_features_in_ = X.shape[1]
        t0 = _timer()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            agg._fit_weights(X, y, P, levels, np.ones(n))
        wall, cpu = _elapsed(t0)
        print(f"{scheme:15s} {wall:8.1f} {cpu:8.1f} {agg.n_iter_:6d} {wall / max(agg.n_iter_, 1):7.2f} "
              f"{agg.train_loss_:12.5f}")
    print(f"best single model OOF pinball: {best:.5f}")


def bench_linear():
    import statsmodels.api as sm

    from distreg.datasets import load_engel
    from distreg.quantile import LinearQuantileRegressor

    df = load_engel()
    X, y = df[["income"]].to_numpy(), df["foodexp"].to_numpy()
    levels = np.arange(1, 100) / 100
    t0 = _timer()
    ours = LinearQuantileRegressor(quantiles=levels).fit(X, y)
    w1, c1 = _elapsed(t0)
    D = sm.add_constant(X)
    t0 = _timer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.array([sm.QuantReg(y, D).fit(q=t, max_iter=10000, p_tol=1e-10).params for t in levels])
    w2, c2 = _elapsed(t0)
    coef = np.column_stack([ours.intercept_, ours.coef_[:, 0]])
    rel = np.abs(coef - ref) / np.abs(ref)
    print("\nLinearQuantileRegressor vs statsmodels QuantReg, engel, 99 levels")
    print(f"  max relative coefficient difference: {rel.max():.2e} (max abs {np.abs(coef - ref).max():.2e})")
    print(f"  distreg {w1:.2f} s wall / {c1:.2f} s cpu;  statsmodels {w2:.2f} s wall / {c2:.2f} s cpu")
    print(f"  ratio statsmodels / distreg: {w2 / w1:.1f}x (wall), {c2 / c1:.1f}x (cpu)")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    it = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    bench_linear()
    bench_schemes(n, it)
