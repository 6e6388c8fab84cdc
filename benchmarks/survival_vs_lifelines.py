"""Weibull AFT regression: distreg's FlexibleSurvivalRegressor against lifelines' WeibullAFTFitter.

Same simulated data (n = 100 000, 5 covariates, ~30% censoring) in one process; prints the
log-likelihoods (which must agree to 1e-6 relative), the wall-clock times, their ratio
(distreg / lifelines; target <= 0.25), and the time of the four-parameter APGW fit.

Run: python benchmarks/survival_vs_lifelines.py [n]
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import pandas as pd


def make_data(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    beta = np.array([0.3, -0.2, 0.1, 0.0, 0.25])
    scale = np.exp(2.0 + X @ beta)
    t = scale * rng.weibull(1.4, size=n)
    c = rng.exponential(2.5 * np.exp(2.0), size=n)
    time_ = np.minimum(t, c)
    event = (t <= c).astype(float)
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)])
    df["time"], df["event"] = time_, event
    return df


def best_of(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(n=100_000, repeats=3):
    from lifelines import WeibullAFTFitter

    from distreg.survival import FlexibleSurvivalRegressor

    df = make_data(n)
    cols = [f"x{i}" for i in range(5)]
    X, y = df[cols], df[["time", "event"]]
    # warm-up: numba compilation and imports are not part of the comparison
    FlexibleSurvivalRegressor(distribution="weibull").fit(X.iloc[:500], y.iloc[:500])

    t_ours, ours = best_of(lambda: FlexibleSurvivalRegressor(distribution="weibull").fit(X, y), repeats)

    def lifelines_fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return WeibullAFTFitter().fit(df, duration_col="time", event_col="event")

    t_theirs, theirs = best_of(lifelines_fit, repeats)
    rel = abs(ours.loglik_ - theirs.log_likelihood_) / abs(theirs.log_likelihood_)
    print(f"n = {n}, 5 covariates, censoring {1 - df.event.mean():.1%}")
    print(f"log-likelihood distreg   {ours.loglik_:.6f}")
    print(f"log-likelihood lifelines {theirs.log_likelihood_:.6f}  (relative difference {rel:.2e})")
    print(f"distreg Weibull AFT   {t_ours:8.3f} s")
    print(f"lifelines WeibullAFT  {t_theirs:8.3f} s")
    print(f"time ratio distreg / lifelines = {t_ours / t_theirs:.3f} (target <= 0.25)")
    t_apgw, apgw = best_of(lambda: FlexibleSurvivalRegressor(distribution="apgw").fit(X, y), 1)
    print(f"distreg APGW AFT      {t_apgw:8.3f} s  (log-likelihood {apgw.loglik_:.4f}, "
          f"boundary: {apgw.boundary_ or 'none'})")
    return {"ratio": t_ours / t_theirs, "rel_loglik": rel, "apgw_seconds": t_apgw}


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100_000)
