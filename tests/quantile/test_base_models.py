"""Base quantile models: exact linear QR against statsmodels/scikit-learn, kNN and multi-level wrappers."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.base import clone
from sklearn.linear_model import QuantileRegressor

from distreg.datasets import load_engel
from distreg.distributions import QuantileFunction
from distreg.quantile import (
    KNeighborsQuantileRegressor,
    LinearQuantileRegressor,
    MultiQuantileRegressor,
)

LEVELS = np.arange(1, 100) / 100
SUBSET = slice(2, 99, 6)  # 17 of the 99 levels (statsmodels' IRLS is slow); the benchmark runs all


def _check(u, tau):
    return np.sum(u * (tau - (u < 0)))


@pytest.fixture(scope="module")
def engel():
    df = load_engel()
    return df[["income"]], df["foodexp"].to_numpy()


@pytest.fixture(scope="module")
def engel_fit(engel):
    X, y = engel
    return LinearQuantileRegressor(quantiles=LEVELS).fit(X, y)


def test_linear_qr_matches_statsmodels_quantreg_on_engel(engel, engel_fit):
    X, y = engel
    D = sm.add_constant(X.to_numpy())
    ours = np.column_stack([engel_fit.intercept_, engel_fit.coef_[:, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.array([sm.QuantReg(y, D).fit(q=t, max_iter=10000, p_tol=1e-10).params
                        for t in LEVELS[SUBSET]])
    ours = ours[SUBSET]
    # statsmodels' IRLS approaches the LP optimum; ours is an exact vertex
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=0)
    for j, tau in enumerate(LEVELS[SUBSET]):
        assert _check(y - D @ ours[j], tau) <= _check(y - D @ ref[j], tau) + 1e-9


def test_linear_qr_published_engel_median(engel_fit):
    # quantreg::rq(foodexp ~ income, tau = 0.5, data = engel): 81.48225, 0.56018 (Koenker 2005, §1)
    j = 49
    assert engel_fit.intercept_[j] == pytest.approx(81.48225, abs=1e-5)
    assert engel_fit.coef_[j, 0] == pytest.approx(0.5601806, abs=1e-7)


def test_linear_qr_lasso_matches_sklearn():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(150, 3))
    y = X @ [1.0, 0.2, -2.0] + rng.standard_t(3, size=150)
    m = LinearQuantileRegressor(quantiles=[0.3, 0.8], alpha=0.05).fit(X, y)
    for j, tau in enumerate([0.3, 0.8]):
        sk = QuantileRegressor(quantile=tau, alpha=0.05, solver="highs").fit(X, y)
        np.testing.assert_allclose(m.coef_[j], sk.coef_, atol=1e-7)
        assert m.intercept_[j] == pytest.approx(sk.intercept_, abs=1e-7)


def test_linear_qr_integer_weights_equal_duplicated_rows():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 2))
    y = X[:, 0] + rng.normal(size=60)
    w = rng.integers(1, 4, size=60)
    a = LinearQuantileRegressor(quantiles=[0.25, 0.5]).fit(X, y, sample_weight=w)
    b = LinearQuantileRegressor(quantiles=[0.25, 0.5]).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    Xt = rng.normal(size=(5, 2))
    # the LP solution may be non-unique; compare the attained objective instead of coefficients
    for j, tau in enumerate([0.25, 0.5]):
        fa = _check(np.repeat(y, w) - np.repeat(X, w, axis=0) @ a.coef_[j] - a.intercept_[j], tau)
        fb = _check(np.repeat(y, w) - np.repeat(X, w, axis=0) @ b.coef_[j] - b.intercept_[j], tau)
        assert fa == pytest.approx(fb, rel=1e-9)
    assert a.predict_quantiles(Xt).shape == (5, 2)


def test_grid_models_predict_only_fitted_levels(engel, engel_fit):
    X, _ = engel
    Q = engel_fit.predict_quantiles(X.iloc[:3], [0.1, 0.9])
    assert Q.shape == (3, 2)
    with pytest.raises(ValueError, match="cannot predict"):
        engel_fit.predict_quantiles(X.iloc[:3], [0.125])
    d = engel_fit.predict_distribution(X.iloc[:3])
    assert isinstance(d, QuantileFunction)
    np.testing.assert_allclose(d.ppf(np.array([[0.1, 0.9]])), Q)
    assert np.all(np.diff(engel_fit.predict_quantiles(X), axis=1) >= 0)
    np.testing.assert_allclose(engel_fit.predict(X.iloc[:3]), engel_fit.predict_quantiles(X.iloc[:3], [0.5])[:, 0])


def test_multi_quantile_wrapper_reproduces_exact_linear_qr(engel):
    X, y = engel
    lv = [0.2, 0.5, 0.7]
    multi = MultiQuantileRegressor(QuantileRegressor(alpha=0.0, solver="highs"), quantiles=lv).fit(X, y)
    lin = LinearQuantileRegressor(quantiles=lv).fit(X, y)
    np.testing.assert_allclose(multi.predict_quantiles(X), lin.predict_quantiles(X), rtol=1e-7)
    assert [e.quantile for e in multi.estimators_] == lv


def test_multi_quantile_wrapper_needs_a_quantile_parameter():
    from sklearn.linear_model import LinearRegression

    with pytest.raises(ValueError, match="quantile_param"):
        MultiQuantileRegressor(LinearRegression(), quantiles=[0.5]).fit(np.zeros((5, 1)), np.arange(5.0))
    with pytest.raises(ValueError, match="not a parameter"):
        MultiQuantileRegressor(LinearRegression(), quantiles=[0.5], quantile_param="tau").fit(
            np.zeros((5, 1)), np.arange(5.0))


def test_knn_quantiles_match_bruteforce():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 2)) * [1.0, 10.0]
    y = rng.normal(size=80)
    lv = [0.1, 0.5, 0.9]
    m = KNeighborsQuantileRegressor(n_neighbors=7, quantiles=lv).fit(X, y)
    Xt = rng.normal(size=(6, 2)) * [1.0, 10.0]
    Z, Zt = X / X.std(axis=0), Xt / X.std(axis=0)
    dist = ((Zt[:, None, :] - Z[None, :, :]) ** 2).sum(axis=2)
    nn = np.argsort(dist, axis=1)[:, :7]
    expected = np.quantile(y[nn], lv, axis=1).T
    np.testing.assert_allclose(m.predict_quantiles(Xt), expected)


def test_bad_input_base_models(engel):
    X, y = engel
    with pytest.raises(ValueError, match="strictly increasing"):
        LinearQuantileRegressor(quantiles=[0.5, 0.1]).fit(X, y)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        LinearQuantileRegressor(quantiles=[0.5, 1.0]).fit(X, y)
    Xn = X.to_numpy().copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LinearQuantileRegressor(quantiles=[0.5]).fit(Xn, y)
    yn = y.copy()
    yn[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        KNeighborsQuantileRegressor(quantiles=[0.5]).fit(X, yn)
    with pytest.raises(ValueError, match="n_neighbors"):
        KNeighborsQuantileRegressor(n_neighbors=500, quantiles=[0.5]).fit(X, y)


@pytest.mark.parametrize("make, param", [
    (lambda: LinearQuantileRegressor(alpha=-1.0), "alpha"),
    (lambda: LinearQuantileRegressor(fit_intercept="yes"), "fit_intercept"),
    (lambda: LinearQuantileRegressor(point="mode"), "point"),
    (lambda: LinearQuantileRegressor(tails="normal"), "tails"),
    (lambda: LinearQuantileRegressor(quantiles=0.5), "quantiles"),
    (lambda: KNeighborsQuantileRegressor(n_neighbors=0), "n_neighbors"),
    (lambda: KNeighborsQuantileRegressor(method="type7"), "method"),
    (lambda: MultiQuantileRegressor(estimator=object()), "estimator"),
    (lambda: MultiQuantileRegressor(QuantileRegressor(), quantile_param=1), "quantile_param"),
])
def test_parameters_are_refused_at_fit_naming_them(engel, make, param):
    # before, point was checked only at predict and the others at different places or not at all
    from distreg.exceptions import InvalidParameterError

    X, y = engel
    est = make()
    with pytest.raises(InvalidParameterError, match=rf"{type(est).__name__}: {param} must be"):
        est.fit(X, y)


def test_clone_pickle_and_dataframe_names(engel, engel_fit):
    X, _ = engel
    m2 = pickle.loads(pickle.dumps(engel_fit))
    np.testing.assert_allclose(m2.predict_quantiles(X.iloc[:4]), engel_fit.predict_quantiles(X.iloc[:4]))
    np.testing.assert_array_equal(clone(engel_fit).get_params()["quantiles"], engel_fit.quantiles)
    assert list(engel_fit.feature_names_in_) == ["income"]
    assert isinstance(X, pd.DataFrame)
