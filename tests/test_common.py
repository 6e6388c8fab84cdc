"""The shared estimator contract, run over every distreg estimator.

Two parts: scikit-learn's own estimator checks (``parametrize_with_checks``) with a documented
dict of expected failures, and distreg's contract checks (clone, pickle, pandas feature names,
predict_* shapes and monotonicity, no mutation of inputs). A new family is covered by adding an
instance (and a data factory) to ``ESTIMATORS`` below.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from distreg import FlexibleSurvivalRegressor, IntegerRegressor, NormalRegressor
from distreg.quantile import (
    KNeighborsQuantileRegressor,
    LinearQuantileRegressor,
    MultiQuantileRegressor,
    QuantileAggregator,
)


def _continuous_data(seed=0, n=120):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = 1.0 + X @ np.array([1.0, -0.5, 0.25]) + np.exp(0.3 * X[:, 0]) * rng.normal(size=n)
    return X, y


def _survival_data(seed=0, n=150):
    # uncensored Weibull AFT times as a 1-D y (all events observed), so that the shared checks
    # comparing score_samples with log_density apply; censored (time, event) responses are
    # covered in tests/survival/
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = np.exp(0.5 + X @ np.array([0.4, -0.3])) * rng.weibull(1.5, size=n)
    return X, y


def _apgw_data(seed=0, n=300):
    # APGW with κ = 0.5 and a covariate in the shape: well identified, no boundary fits
    from distreg.distributions import APGW

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    d = APGW(lam=1.0, phi=np.exp(-0.5 + X @ np.array([0.5, -0.3])),
             gamma=np.exp(0.4 + 0.3 * X[:, 0]), kappa=0.5)
    return X, d.rvs(random_state=rng)


def _count_data(seed=0, n=150):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    mu = np.exp(1.0 + X @ np.array([0.4, -0.3, 0.1]))
    y = rng.poisson(mu * rng.gamma(2.0, 0.5, size=n)).astype(float)  # NB2 with alpha = 0.5
    return X, y


# (estimator, data factory returning (X, y), grid for GridSearchCV)
ESTIMATORS = [
    (NormalRegressor(), _continuous_data, {"scale_covariates": [False, True]}),
    (NormalRegressor(scale_covariates=True), _continuous_data, {"point": ["mean", "median"]}),
    (FlexibleSurvivalRegressor(distribution="weibull"), _survival_data,
     {"distribution": ["weibull", "loglogistic"]}),
    (FlexibleSurvivalRegressor(distribution="apgw", shape_covariates=True), _apgw_data,
     {"scale": ["aft", "ph"]}),
    (IntegerRegressor("negbin"), _count_data, {"distribution": ["poisson", "negbin"]}),
]
# KaplanMeier is not listed: it has no covariates (fit(time, event)), so the regressor
# contract does not apply; tests/survival/test_kaplan_meier.py covers it.

_QLEVELS = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


def _gbm_quantile():
    from sklearn.ensemble import GradientBoostingRegressor

    return GradientBoostingRegressor(loss="quantile", n_estimators=10, max_depth=2, random_state=0)


ESTIMATORS += [
    (LinearQuantileRegressor(quantiles=_QLEVELS), _continuous_data, {"alpha": [0.0, 0.01]}),
    (KNeighborsQuantileRegressor(n_neighbors=5, quantiles=_QLEVELS), _continuous_data,
     {"n_neighbors": [5, 10]}),
    (MultiQuantileRegressor(_gbm_quantile(), quantiles=_QLEVELS), _continuous_data,
     {"point": ["mean", "median"]}),
    (QuantileAggregator([LinearQuantileRegressor(quantiles=_QLEVELS),
                         KNeighborsQuantileRegressor(n_neighbors=5, quantiles=_QLEVELS)],
                        quantiles=_QLEVELS, cv=3, random_state=0), _continuous_data,
     {"weights": ["global-coarse", "global-medium"]}),
]

# Checks that cannot pass by design, with the reason. Keys are scikit-learn check names.
_DISTRIBUTIONAL_EXPECTED_FAILURES = {
    "check_regressors_train": (
        "score() is the mean log predictive density (a proper scoring rule), not R^2, so "
        "scikit-learn's 'score > 0.5' threshold does not apply"
    ),
    "check_methods_sample_order_invariance": (
        "score_samples(X, y) scores observations and needs y, while scikit-learn assumes "
        "score_samples(X)"
    ),
    "check_methods_subset_invariance": "same reason as check_methods_sample_order_invariance",
}


# Survival models: y holds positive survival times (sklearn's positive_only target tag is set, so
# the checks generate positive y); censored responses are two-column (time, event) arrays, which
# sklearn's generic checks do not generate, so they are tested in tests/survival/.
_SURVIVAL_EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "the check fits 15 rows with 30 features: the survival log-likelihood is then unbounded "
        "(no maximum exists), so the weighted and the repeated fit stop at different points of a "
        "ridge; weights equal repetition on identified data (tests/survival/test_flexible.py)"
    ),
}
# scikit-learn's checks draw continuous (often negative) regression targets; IntegerRegressor
# rejects them with a ValueError by design (its response must be integer counts or labels)
_INTEGER_TARGET_CHECKS = [
    "check_fit_check_is_fitted", "check_fit_idempotent", "check_n_features_in",
    "check_n_features_in_after_fitting", "check_regressor_data_not_an_array",
    "check_regressors_no_decision_function", "check_requires_y_none",
    "check_sample_weight_equivalence_on_dense_data", "check_supervised_y_2d",
]

_AGGREGATOR_EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "QuantileAggregator passes sample_weight only to base models that accept it (the kNN "
        "base model does not), so integer weights are not equivalent to repeated rows"
    ),
}


def _expected_failed_checks(estimator):
    out = dict(_DISTRIBUTIONAL_EXPECTED_FAILURES)
    if isinstance(estimator, FlexibleSurvivalRegressor):
        out.update(_SURVIVAL_EXPECTED_FAILURES)
    if isinstance(estimator, IntegerRegressor):
        out.update({c: "the check's targets are not integers; IntegerRegressor rejects them by design"
                    for c in _INTEGER_TARGET_CHECKS})
    if isinstance(estimator, QuantileAggregator):
        out.update(_AGGREGATOR_EXPECTED_FAILURES)
    return out


def _same_params(a, b):
    """get_params() equality; nested estimators (meta-estimators) are compared by their params."""
    if a.keys() != b.keys():
        return False
    for k in a:
        x, y = a[k], b[k]
        if hasattr(x, "get_params") and hasattr(y, "get_params"):
            if type(x) is not type(y) or not _same_params(x.get_params(), y.get_params()):
                return False
        elif isinstance(x, (list, tuple)) and any(hasattr(v, "get_params") for v in x):
            if len(x) != len(y) or not all(
                    type(u) is type(v) and _same_params(u.get_params(), v.get_params())
                    for u, v in zip(x, y)):
                return False
        elif x != y:
            return False
    return True


@parametrize_with_checks(
    [est for est, _, _ in ESTIMATORS], expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible(estimator, check):
    import warnings

    from distreg.exceptions import ConvergenceWarning, NumericalWarning

    # scikit-learn's checks fit degenerate data (one sample, constant y); the warnings that
    # distreg raises there are the intended behaviour, not failures of the contract
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", NumericalWarning)
        check(estimator)


@pytest.fixture(params=range(len(ESTIMATORS)), ids=[type(e).__name__ + str(i) for i, (e, _, _) in enumerate(ESTIMATORS)])
def case(request):
    return ESTIMATORS[request.param]


def test_clone_pickle_and_predictions_roundtrip(case):
    est, make_data, _ = case
    X, y = make_data()
    fitted = clone(est).fit(X, y)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_allclose(again.predict(X), fitted.predict(X))
    assert _same_params(clone(fitted).get_params(deep=False), est.get_params(deep=False))


def test_prediction_shapes_and_monotone_quantiles(case):
    est, make_data, _ = case
    X, y = make_data()
    m = clone(est).fit(X, y)
    n = X.shape[0]
    assert m.predict(X).shape == (n,)
    levels = [0.9, 0.1, 0.5, 0.25]
    Q = m.predict_quantiles(X, levels)
    assert Q.shape == (n, 4)
    order = np.argsort(levels)
    assert np.all(np.diff(Q[:, order], axis=1) >= 0)
    iv = m.predict_interval(X, confidence_level=0.8)
    assert iv.shape == (n, 2) and np.all(iv[:, 0] <= iv[:, 1])
    assert m.predict_interval(X, confidence_level=[0.5, 0.9]).shape == (n, 2, 2)
    d = m.predict_distribution(X)
    assert len(d) == n
    # score is the mean of score_samples, which is the log density of y
    np.testing.assert_allclose(m.score(X, y), np.mean(m.score_samples(X, y)))
    np.testing.assert_allclose(m.score_samples(X, y), d.log_density(y))


def test_pandas_feature_names_and_no_mutation(case):
    est, make_data, _ = case
    X, y = make_data()
    df = pd.DataFrame(X, columns=[f"feat_{i}" for i in range(X.shape[1])])
    ys = pd.Series(y, name="target")
    df_copy, y_copy = df.copy(), ys.copy()
    m = clone(est).fit(df, ys)
    assert list(m.feature_names_in_) == list(df.columns)
    m.predict(df)
    pd.testing.assert_frame_equal(df, df_copy)
    pd.testing.assert_series_equal(ys, y_copy)
    with pytest.raises(ValueError):
        m.predict(df.iloc[:, :-1])


def test_pipeline_and_grid_search(case):
    est, make_data, grid = case
    X, y = make_data()
    pipe = make_pipeline(StandardScaler(), clone(est)).fit(X, y)
    assert pipe.predict(X).shape == (X.shape[0],)
    key = type(est).__name__.lower()
    search = GridSearchCV(make_pipeline(StandardScaler(), clone(est)),
                          {f"{key}__{k}": v for k, v in grid.items()}, cv=3)
    search.fit(X, y)
    assert np.isfinite(search.best_score_)


def test_methods_require_fit(case):
    from distreg.exceptions import NotFittedError

    est, make_data, _ = case
    X, _ = make_data()
    with pytest.raises(NotFittedError):
        clone(est).predict_distribution(X)
    with pytest.raises(NotFittedError):
        clone(est).predict_quantiles(X, [0.5])


# --------------------------------------------------------------------------------------------
# Estimators that are not X -> y regressors. R3D (distreg.rdd) fits a running variable and one
# sample of micro outcomes per unit (fit(x, samples)), so scikit-learn's estimator checks, the
# predict_* shape checks, Pipeline and GridSearchCV (which all assume fit(X, y) with a 2-D X and
# a score) do not apply. What does apply is checked here: get_params/clone, NotFittedError,
# pickling a fitted estimator, and reproducible fits from random_state.
def _r3d_data(seed=0, n=150):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    return x, [rng.normal(x_i + (x_i >= 0), 1.0, 20) for x_i in x]


def _non_regressors():
    from distreg.rdd import R3D

    return [(R3D(quantiles=[0.25, 0.5, 0.75], n_boot=20, random_state=0), _r3d_data),
            (R3D(quantiles=[0.25, 0.5, 0.75], method="frechet", n_boot=20, random_state=0), _r3d_data)]


@pytest.mark.parametrize("idx", [0, 1])
def test_non_regressor_contract(idx):
    from distreg.exceptions import NotFittedError

    est, make_data = _non_regressors()[idx]
    params = est.get_params()
    assert clone(est).get_params() == params
    with pytest.raises(NotFittedError):
        clone(est).predict_distribution([0.0])
    x, samples = make_data()
    fitted = clone(est).fit(x, samples)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.tau_, fitted.tau_)
    np.testing.assert_array_equal(again.band_, clone(est).fit(x, samples).band_)
    assert clone(fitted).get_params() == params
    assert not hasattr(clone(fitted), "tau_")
