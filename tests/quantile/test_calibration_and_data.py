"""Conformal calibration of the aggregate (coverage within binomial tolerance) and real-data checks."""

import numpy as np
import pytest
from scipy.stats import beta, binom

from distreg.conformal import conformal_rank
from distreg.quantile import KNeighborsQuantileRegressor, LinearQuantileRegressor, QuantileAggregator
from distreg.quantile._study import STUDY_LEVELS, default_base_models, load_study_data, relative_wis_study

LV = STUDY_LEVELS


def _data(rng, n):
    X = rng.uniform(-2, 2, size=(n, 2))
    y = np.sin(2 * X[:, 0]) * 2 + (0.3 + 0.3 * np.abs(X[:, 1])) * rng.standard_t(3, size=n)
    return X, y


def _bases():
    return [LinearQuantileRegressor(quantiles=LV), KNeighborsQuantileRegressor(n_neighbors=15, quantiles=LV)]


def test_cqr_coverage_within_the_beta_law():
    """Split-conformal coverage given the calibration set is Beta(k, n + 1 - k) (Vovk 2012)."""
    rng = np.random.default_rng(0)
    X, y = _data(rng, 400)
    Xt, yt = _data(rng, 20000)
    agg = QuantileAggregator(_bases(), quantiles=LV, cv=3, calibration="cqr",
                             confidence_level=[0.8, 0.9], random_state=0).fit(X, y)
    n_cal = agg.n_calibration_
    assert n_cal == 100
    iv = agg.predict_interval(Xt, [0.8, 0.9])
    cov = ((iv[:, 0] <= yt[:, None]) & (yt[:, None] <= iv[:, 1])).mean(axis=0)
    for c, got in zip([0.8, 0.9], cov):
        k = conformal_rank(n_cal, c)
        lo = beta.ppf(0.0005, k, n_cal + 1 - k) - 4 * np.sqrt(c * (1 - c) / yt.size)
        assert got >= lo
    # the calibrated interval is the raw one widened/narrowed by one common amount (symmetric CQR)
    raw = agg.predict_quantiles(Xt[:50], [0.05, 0.95])
    shift = raw[:, 0] - agg.predict_interval(Xt[:50], 0.9)[:, 0]
    np.testing.assert_allclose(shift, shift[0])
    np.testing.assert_allclose(agg.predict_interval(Xt[:50], 0.9)[:, 1] - raw[:, 1], shift[0])


def test_cqr_marginal_coverage_over_repetitions():
    """Marginal coverage over 10 seeded repetitions is >= 0.9 up to the binomial tolerance."""
    hits, total = 0, 0
    for seed in range(10):
        rng = np.random.default_rng(100 + seed)
        X, y = _data(rng, 120)
        Xt, yt = _data(rng, 50)
        agg = QuantileAggregator(_bases(), quantiles=LV, weights="global-coarse", cv=3,
                                 calibration="cqr", calibration_size=0.5, random_state=seed).fit(X, y)
        iv = agg.predict_interval(Xt, 0.9)
        hits += int(np.sum((iv[:, 0] <= yt) & (yt <= iv[:, 1])))
        total += yt.size
    # exchangeable within a repetition, so the variance is larger than binomial; use a wide bound
    assert hits / total >= binom.ppf(0.001, total, 0.9) / total - 0.03


def test_cv_plus_coverage_and_structure():
    rng = np.random.default_rng(1)
    X, y = _data(rng, 300)
    Xt, yt = _data(rng, 5000)
    agg = QuantileAggregator(_bases(), quantiles=LV, cv=5, calibration="cv+",
                             confidence_level=0.9, random_state=0).fit(X, y)
    assert len(agg.fold_estimators_) == 5 and agg.conformity_scores_.shape == (1, 300)
    iv = agg.predict_interval(Xt, 0.9)
    cov = np.mean((iv[:, 0] <= yt) & (yt <= iv[:, 1]))
    # CV+ guarantees 1 - 2α; in practice close to 1 - α
    assert cov >= 0.8 - 4 * np.sqrt(0.16 / yt.size)
    assert cov >= 0.86
    with pytest.raises(ValueError, match="not calibrated"):
        agg.predict_interval(Xt, 0.8)


def test_calibration_bad_input():
    rng = np.random.default_rng(2)
    X, y = _data(rng, 100)
    with pytest.raises(ValueError, match="cannot predict"):
        QuantileAggregator(_bases(), quantiles=LV, calibration="cqr", confidence_level=0.95).fit(X, y)
    with pytest.raises(ValueError, match=r"calibration must be None or one of 'cqr', 'cv\+'; got 'split'"):
        QuantileAggregator(_bases(), quantiles=LV, calibration="split").fit(X, y)
    with pytest.raises(ValueError, match="calibration_size"):
        QuantileAggregator(_bases(), quantiles=LV, calibration="cqr", calibration_size=1.5).fit(X, y)


@pytest.mark.parametrize("dataset", ["engel", "diabetes"])
def test_aggregate_no_worse_than_best_base_model_reduced(dataset):
    """Reduced version of the notebook's 5-split table: 2 splits, the global-medium scheme."""
    res = relative_wis_study(datasets=(dataset,), n_splits=2, schemes=("global-medium",),
                             n_estimators=20, calibration=False, max_rows=300)
    rel = res.groupby("method")["relative_wis"].mean()
    assert rel[["linear QR", "boosting", "kNN"]].min() >= 1.0 - 1e-12
    # on average within 10% of the best single model chosen with hindsight on the test set
    assert rel["global-medium"] <= 1.10


@pytest.mark.slow
def test_full_relative_wis_table():
    res = relative_wis_study(n_splits=5)
    rel = res.groupby(["dataset", "method"])["relative_wis"].mean().unstack()
    assert rel["global-medium"].mean() <= 1.05


def test_study_data_loaders():
    X, y = load_study_data("bikeshare", max_rows=500)
    assert X.shape == (500, 7) and y.min() >= 1
    with pytest.raises(ValueError, match="unknown study dataset"):
        load_study_data("iris")
    assert [n for n, _ in default_base_models()] == ["linear QR", "boosting", "kNN"]
