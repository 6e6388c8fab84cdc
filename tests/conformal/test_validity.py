"""Coverage by simulation: mean coverage over repeated splits within the binomial tolerance.

Each method runs in a reduced, seeded version by default and in a larger version marked slow.
Split-type methods (split, CQR, CPS, distributional, Mondrian per group) have the exact law of
split-conformal coverage (Beta, see distreg.metrics.conformal_coverage_tolerance); CV+ and
jackknife+ only guarantee 1 - 2α, and weighted conformal >= 1 - α, so those are checked
one-sided against a binomial lower tolerance.
"""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from distreg import NormalRegressor
from distreg.conformal import (
    ConformalDistributionRegressor,
    ConformalizedQuantileRegressor,
    ConformalPredictiveSystem,
    CrossConformalRegressor,
    InfiniteBoundsWarning,
    LikelihoodRatioWeights,
    SplitConformalRegressor,
)
from distreg.metrics import conformal_coverage_tolerance, group_coverage

CL = 0.9


def _draw(rng, n, shift=0.0):
    X = rng.uniform(0, 3, size=(n, 1)) + shift
    y = 1 + 2 * X[:, 0] + rng.normal(size=n) * (0.3 + 0.7 * X[:, 0])
    return X, y


def _cover(iv, y):
    return np.mean((iv[:, 0] <= y) & (y <= iv[:, 1]))


def _split_run(kind, rng, n_cal, n_test):
    Xtr, ytr = _draw(rng, 100)
    Xc, yc = _draw(rng, n_cal)
    Xt, yt = _draw(rng, n_test)
    if kind == "split":
        m = SplitConformalRegressor(LinearRegression(), CL).fit(Xtr, ytr).conformalize(Xc, yc)
    elif kind == "normalized":
        m = SplitConformalRegressor(LinearRegression(), CL, conformity_score="normalized",
                                    scale_estimator=DecisionTreeRegressor(max_depth=2))
        m.fit(Xtr, ytr).conformalize(Xc, yc)
    elif kind == "cqr":
        m = ConformalizedQuantileRegressor(None, CL).fit(Xtr, ytr).conformalize(Xc, yc)
    elif kind == "cqr_symmetric":
        m = ConformalizedQuantileRegressor(NormalRegressor(), CL, symmetric=True).fit(Xtr, ytr).conformalize(Xc, yc)
    elif kind == "cps":
        m = ConformalPredictiveSystem(LinearRegression(), confidence_level=CL).fit(Xtr, ytr).conformalize(Xc, yc)
    elif kind == "distributional":
        m = ConformalDistributionRegressor(NormalRegressor(), CL, method="symmetric").fit(Xtr, ytr).conformalize(Xc, yc)
    return _cover(m.predict_interval(Xt), yt)


def _check_split(kind, R, n_cal, n_test, seed):
    rng = np.random.default_rng(seed)
    cov = np.array([_split_run(kind, rng, n_cal, n_test) for _ in range(R)])
    lo, hi = conformal_coverage_tolerance(n_cal, n_test, R, CL)
    # CQR's asymmetric version, CPS and equal-tailed intervals use two one-sided quantiles
    # (each at 1 - α/2), whose union bound only guarantees >= 1 - α: check one-sided there
    if kind in ("cqr", "cps"):
        assert cov.mean() >= lo, (kind, cov.mean(), lo)
        assert cov.mean() <= 1 - (1 - CL) / 2 + 0.02
    else:
        assert lo <= cov.mean() <= hi, (kind, cov.mean(), lo, hi)
        assert cov.mean() < CL + 1 / (n_cal + 1) + (hi - lo) / 2


KINDS = ["split", "normalized", "cqr", "cqr_symmetric", "cps", "distributional"]


@pytest.mark.parametrize("kind", KINDS)
def test_split_type_coverage_reduced(kind):
    _check_split(kind, R=40, n_cal=99, n_test=200, seed=KINDS.index(kind))


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_split_type_coverage_slow(kind):
    _check_split(kind, R=400, n_cal=199, n_test=500, seed=100 + KINDS.index(kind))


def _binomial_lower(p, trials, tail=1e-3):
    return p - stats.norm.isf(tail) * np.sqrt(p * (1 - p) / trials)


def _check_cross(cv, R, n, n_test, seed, method="plus"):
    rng = np.random.default_rng(seed)
    cov = []
    for _ in range(R):
        X, y = _draw(rng, n)
        Xt, yt = _draw(rng, n_test)
        m = CrossConformalRegressor(LinearRegression(), CL, method=method, cv=cv, n_resamplings=20,
                                    random_state=int(rng.integers(1 << 30))).fit(X, y)
        cov.append(_cover(m.predict_interval(Xt), yt))
    cov = np.mean(cov)
    # theory: >= 1 - 2α for plus (>= 1 - α for minmax); in practice close to 1 - α
    assert cov >= _binomial_lower(CL, R * n_test * 0.2), cov
    assert cov <= CL + 0.05


@pytest.mark.parametrize("cv,method", [(5, "plus"), ("loo", "plus"), ("bootstrap", "plus"), (5, "minmax")])
def test_cross_coverage_reduced(cv, method):
    _check_cross(cv, R=15 if cv != "loo" else 6, n=80 if cv != "loo" else 50, n_test=200, seed=7, method=method)


@pytest.mark.slow
@pytest.mark.parametrize("cv,method", [(5, "plus"), ("loo", "plus"), ("bootstrap", "plus"), (5, "minmax")])
def test_cross_coverage_slow(cv, method):
    _check_cross(cv, R=150, n=100, n_test=300, seed=8, method=method)


def _check_mondrian(R, seed):
    rng = np.random.default_rng(seed)
    per = {0: [], 1: []}
    pooled = {0: [], 1: []}
    for _ in range(R):
        def draw(n):
            g = rng.integers(0, 2, size=n)
            X = rng.normal(size=(n, 1))
            y = X[:, 0] + rng.normal(size=n) * np.where(g == 1, 4.0, 0.5)
            return X, y, g
        Xtr, ytr, _ = draw(100)
        Xc, yc, gc = draw(200)
        Xt, yt, gt = draw(400)
        base = LinearRegression().fit(Xtr, ytr)
        mond = SplitConformalRegressor(base, CL, prefit=True).conformalize(Xc, yc, groups=gc)
        plain = SplitConformalRegressor(base, CL, prefit=True).conformalize(Xc, yc)
        tab = group_coverage(yt, mond.predict_interval(Xt, groups=gt), gt)
        tab0 = group_coverage(yt, plain.predict_interval(Xt), gt)
        for g in (0, 1):
            per[g].append(tab.loc[g, "coverage"])
            pooled[g].append(tab0.loc[g, "coverage"])
    for g in (0, 1):
        # groups have about 100 calibration points each
        lo, hi = conformal_coverage_tolerance(100, 200, R, CL, tail_probability=1e-4)
        assert lo - 0.01 <= np.mean(per[g]) <= hi + 0.01, (g, np.mean(per[g]))
    # without groups, the noisy group is under-covered and the quiet one over-covered
    assert np.mean(pooled[1]) < CL - 0.05 and np.mean(pooled[0]) > CL + 0.05


def test_mondrian_group_coverage_reduced():
    _check_mondrian(R=30, seed=11)


@pytest.mark.slow
def test_mondrian_group_coverage_slow():
    _check_mondrian(R=300, seed=12)


def _check_weighted(R, seed):
    rng = np.random.default_rng(seed)
    cw, cu = [], []
    for _ in range(R):
        Xtr, ytr = _draw(rng, 200)
        Xc, yc = _draw(rng, 300)
        Xt, yt = _draw(rng, 300, shift=1.5)  # covariate shift towards the noisy region
        base = LinearRegression().fit(Xtr, ytr)
        lr = LikelihoodRatioWeights().fit(Xc, Xt)
        # the true ratio is 0 or 2 here (uniform supports); estimate it with a classifier
        wc, wt = lr.predict(Xc), lr.predict(Xt)
        w = SplitConformalRegressor(base, CL, prefit=True, allow_infinite_bounds=True).conformalize(Xc, yc, weights=wc)
        u = SplitConformalRegressor(base, CL, prefit=True).conformalize(Xc, yc)
        with warnings.catch_warnings():
            # a test point whose estimated ratio dwarfs the calibration weights gets an infinite
            # interval, by design of weighted conformal prediction
            warnings.simplefilter("ignore", InfiniteBoundsWarning)
            cw.append(_cover(w.predict_interval(Xt, weights=wt), yt))
        cu.append(_cover(u.predict_interval(Xt), yt))
    assert np.mean(cw) >= _binomial_lower(CL, R * 300 * 0.2) - 0.01, np.mean(cw)
    assert np.mean(cu) < CL - 0.03  # unweighted intervals under-cover under the shift
    return np.mean(cw), np.mean(cu)


def test_weighted_conformal_under_shift_reduced():
    _check_weighted(R=15, seed=13)


@pytest.mark.slow
def test_weighted_conformal_under_shift_slow():
    _check_weighted(R=150, seed=14)


def test_heteroscedastic_widths_adapt():
    rng = np.random.default_rng(15)
    Xtr, ytr = _draw(rng, 500)
    Xc, yc = _draw(rng, 500)
    grid = np.array([[0.2], [2.8]])
    plain = SplitConformalRegressor(LinearRegression(), CL).fit(Xtr, ytr).conformalize(Xc, yc).predict_interval(grid)
    norm = SplitConformalRegressor(NormalRegressor(scale_covariates=True), CL, conformity_score="normalized")
    norm = norm.fit(Xtr, ytr).conformalize(Xc, yc).predict_interval(grid)
    gbr = GradientBoostingRegressor(n_estimators=50, max_depth=2, random_state=0)
    cqr = ConformalizedQuantileRegressor(gbr, CL).fit(Xtr, ytr).conformalize(Xc, yc).predict_interval(grid)
    w = lambda iv: iv[:, 1] - iv[:, 0]  # noqa: E731
    np.testing.assert_allclose(w(plain)[0], w(plain)[1])
    assert w(norm)[1] > 3 * w(norm)[0]
    assert w(cqr)[1] > 2 * w(cqr)[0]
