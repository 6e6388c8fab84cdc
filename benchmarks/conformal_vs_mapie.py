"""Time distreg.conformal against MAPIE on the same data, split and base model.

1. Split conformal with a linear model on 1e6 rows: 5e5 fit, 4e5 calibrate, 1e5 predict.
2. CV+ with 5 folds on 1e5 rows, intervals for 1000 new rows.

Prints the wall-clock times and the ratio distreg / MAPIE (below 1 = distreg faster), and
checks that the intervals agree. Run: ``python benchmarks/conformal_vs_mapie.py``.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold

from distreg.conformal import CrossConformalRegressor, SplitConformalRegressor


def _timed(fn, repeats=3):
    best, out = np.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    from mapie.regression import CrossConformalRegressor as MapieCross
    from mapie.regression import SplitConformalRegressor as MapieSplit

    rng = np.random.default_rng(0)
    n, p = 1_000_000, 10
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + rng.normal(size=n) * (1 + np.abs(X[:, 0]))
    tr, cal, te = slice(0, 500_000), slice(500_000, 900_000), slice(900_000, None)

    def ours_split():
        m = SplitConformalRegressor(LinearRegression(), confidence_level=0.9)
        return m.fit(X[tr], y[tr]).conformalize(X[cal], y[cal]).predict_interval(X[te])

    def mapie_split():
        m = MapieSplit(LinearRegression(), confidence_level=0.9, prefit=False)
        return m.fit(X[tr], y[tr]).conformalize(X[cal], y[cal]).predict_interval(X[te])[1][:, :, 0]

    t_mapie, iv_mapie = _timed(mapie_split)
    t_ours, iv_ours = _timed(ours_split)
    print(f"split conformal, 1e6 rows: distreg {t_ours:.3f} s, MAPIE {t_mapie:.3f} s, "
          f"ratio {t_ours / t_mapie:.2f}; max |difference| {np.max(np.abs(iv_ours - iv_mapie)):.2e}")

    n2 = 100_000
    X2, y2 = X[:n2], y[:n2]
    Xnew = X[n2:n2 + 1000]
    kf = KFold(5, shuffle=True, random_state=0)

    def ours_cv():
        m = CrossConformalRegressor(LinearRegression(), confidence_level=0.9, cv=kf)
        return m.fit(X2, y2).predict_interval(Xnew)

    def mapie_cv():
        m = MapieCross(LinearRegression(), confidence_level=0.9, cv=kf)
        return m.fit_conformalize(X2, y2).predict_interval(Xnew)[1][:, :, 0]

    t_mapie, iv_mapie = _timed(mapie_cv, repeats=2)
    t_ours, iv_ours = _timed(ours_cv, repeats=2)
    print(f"CV+ (5 folds), 1e5 rows, 1000 new rows: distreg {t_ours:.3f} s, MAPIE {t_mapie:.3f} s, "
          f"ratio {t_ours / t_mapie:.2f}; max |difference| {np.max(np.abs(iv_ours - iv_mapie)):.2e}")


if __name__ == "__main__":
    main()
