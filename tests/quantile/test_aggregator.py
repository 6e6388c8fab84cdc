"""QuantileAggregator: gradients, convexity, leak-free stacking, non-crossing, bad input."""

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime
from sklearn.base import BaseEstimator, RegressorMixin, clone

from distreg.metrics import pinball_loss
from distreg.quantile import (
    KNeighborsQuantileRegressor,
    LinearQuantileRegressor,
    QuantileAggregator,
    make_noncrossing,
)
from distreg.quantile._objective import Objective
from distreg.quantile._schemes import SCHEMES, Scheme

LV = np.array([0.1, 0.25, 0.5, 0.75, 0.9])


# ---------------------------------------------------------------- non-crossing (paper, §4)
def _pinball_sum(y, Q, levels):
    u = y[:, None] - Q
    return (u * (levels[None, :] - (u < 0))).sum(axis=1)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 12), st.sampled_from(["sort", "pav"]))
def test_post_sort_and_pav_never_increase_pinball(seed, k, method):
    rng = np.random.default_rng(seed)
    levels = np.sort(rng.choice(np.arange(1, 100) / 100, size=k, replace=False))
    Q = rng.normal(scale=rng.uniform(0.1, 3), size=(20, k))
    y = rng.normal(scale=2, size=20)
    Qm = make_noncrossing(Q, method)
    assert np.all(np.diff(Qm, axis=1) >= -1e-12)
    # a theorem for every single y, not only on average
    assert np.all(_pinball_sum(y, Qm, levels) <= _pinball_sum(y, Q, levels) + 1e-10)


def test_make_noncrossing_pav_is_the_least_squares_isotonic_fit():
    from scipy.optimize import minimize

    rng = np.random.default_rng(2)
    q = rng.normal(size=6)
    cons = [{"type": "ineq", "fun": (lambda f, i=i: f[i + 1] - f[i])} for i in range(5)]
    ref = minimize(lambda f: ((f - q) ** 2).sum(), np.sort(q), constraints=cons, tol=1e-12).x
    np.testing.assert_allclose(make_noncrossing(q, "pav"), ref, atol=1e-6)
    Q = rng.normal(size=(3, 4))
    Q0 = Q.copy()
    make_noncrossing(Q, "pav")
    np.testing.assert_array_equal(Q, Q0)  # input untouched
    np.testing.assert_array_equal(make_noncrossing(Q, None), Q)
    with pytest.raises(ValueError, match="method"):
        make_noncrossing(Q, "isotonic")


# ---------------------------------------------------------------- weight schemes
@pytest.mark.parametrize("name", SCHEMES)
@pytest.mark.parametrize("hidden", [0, 3])
def test_scheme_gradients_match_finite_differences(name, hidden):
    if hidden and not name.startswith("local"):
        pytest.skip("hidden units only for local schemes")
    rng = np.random.default_rng(1)
    n, M, K, d = 40, 3, 4, 2
    P = np.sort(rng.normal(size=(n, M, K)), axis=2)
    sc = Scheme(name, M, K, d=d, hidden=hidden, rng=np.random.default_rng(0))
    obj = Objective(sc, P, rng.normal(size=n), LV[:4], rng.uniform(0.5, 2, size=n),
                    Z=rng.normal(size=(n, d)) if sc.local else None, smoothing=0.3,
                    crossing_penalty=0.7, l2=0.1)
    theta = sc.init() + rng.normal(scale=0.5, size=sc.init().size)
    num = approx_fprime(theta, lambda t: obj(t)[0], 1e-7)
    np.testing.assert_allclose(obj(theta)[1], num, atol=2e-6)


@pytest.mark.parametrize("name", SCHEMES)
def test_scheme_weights_are_convex_and_reproduce_the_aggregate(name):
    rng = np.random.default_rng(3)
    n, M, K, d = 7, 2, 3, 2
    P = rng.normal(size=(n, M, K))
    Z = rng.normal(size=(n, d))
    sc = Scheme(name, M, K, d=d, hidden=4, rng=np.random.default_rng(0))
    theta = sc.init() + rng.normal(size=sc.init().size)
    A, _ = sc.forward(theta, P, Z if sc.local else None)
    W = sc.weights(theta, Z if sc.local else None)
    if not sc.local:
        W = np.broadcast_to(W, (n,) + W.shape)
    assert np.all(W >= 0)
    if sc.kind == "coarse":
        np.testing.assert_allclose(W.sum(axis=1), 1)
        ref = np.einsum("im,imk->ik", W, P)
    elif sc.kind == "medium":
        np.testing.assert_allclose(W.sum(axis=1), 1)
        ref = np.einsum("imk,imk->ik", W, P)
    else:
        np.testing.assert_allclose(W.sum(axis=(1, 2)), 1)
        ref = np.einsum("imvk,imv->ik", W, P)
    np.testing.assert_allclose(A, ref)
    np.testing.assert_allclose(sc.mean_weights(theta, Z if sc.local else None),
                               W.mean(axis=0))


# ---------------------------------------------------------------- aggregator behaviour
@pytest.fixture(scope="module")
def hetero():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(400, 2))
    y = np.sin(2 * X[:, 0]) * 2 + (0.3 + 0.3 * np.abs(X[:, 1])) * rng.normal(size=400)
    return X, y


def _bases(levels=LV):
    return [("linear", LinearQuantileRegressor(quantiles=levels)),
            ("knn", KNeighborsQuantileRegressor(n_neighbors=20, quantiles=levels))]


def test_single_model_aggregate_equals_the_model(hetero):
    X, y = hetero
    agg = QuantileAggregator(_bases()[1:], quantiles=LV, weights="global-medium", cv=3,
                             random_state=0).fit(X, y)
    base = agg.estimators_[0][1]
    np.testing.assert_allclose(agg.predict_quantiles(X[:20]), base.predict_quantiles(X[:20], LV))
    assert np.allclose(agg.weights_.to_numpy(), 1.0)


def test_coarse_weights_prefer_the_better_model(hetero):
    X, y = hetero
    agg = QuantileAggregator(_bases(), quantiles=LV, weights="global-coarse", cv=5,
                             random_state=0).fit(X, y)
    w = agg.weights_
    assert isinstance(w, pd.Series) and w.sum() == pytest.approx(1)
    assert w["knn"] > 0.7  # the truth is non-linear
    # the learned weights are (near) optimal: the exact OOF loss beats either model alone
    P = agg.oof_predictions_
    single = [pinball_loss(y, np.sort(P[:, m], axis=1), LV) for m in range(2)]
    assert agg.train_loss_ <= min(single) + 1e-3


def test_oof_stacking_is_leak_free():
    """A base model that memorises its training rows must not look perfect out of fold."""

    class Memoriser(RegressorMixin, BaseEstimator):
        def __init__(self, quantiles=None):
            self.quantiles = quantiles

        def fit(self, X, y):
            self.table_ = {tuple(np.round(r, 12)): v for r, v in zip(np.asarray(X), y)}
            self.fallback_ = float(np.mean(y))
            return self

        def predict_quantiles(self, X, quantiles):
            vals = np.array([self.table_.get(tuple(np.round(r, 12)), self.fallback_)
                             for r in np.asarray(X)])
            return np.repeat(vals[:, None], len(quantiles), axis=1)

    rng = np.random.default_rng(7)
    X = rng.normal(size=(200, 2))
    y = X[:, 0] + rng.normal(size=200)
    agg = QuantileAggregator([("memo", Memoriser(quantiles=LV)),
                              ("linear", LinearQuantileRegressor(quantiles=LV))],
                             quantiles=LV, weights="global-coarse", cv=4, random_state=1).fit(X, y)
    memo_oof = agg.oof_predictions_[:, 0, 0]
    assert not np.any(np.isclose(memo_oof, y))  # never saw its own rows
    assert agg.weights_["memo"] < 0.3
    # in-sample the memoriser is perfect, which is exactly what OOF stacking must not reward
    np.testing.assert_allclose(agg.estimators_[0][1].predict_quantiles(X, LV)[:, 0], y)


@pytest.mark.parametrize("noncrossing", ["sort", "pav", None])
@pytest.mark.parametrize("weights", ["global-fine", "local-medium"])
def test_noncrossing_outputs_and_distribution(hetero, noncrossing, weights):
    X, y = hetero
    agg = QuantileAggregator(_bases(), quantiles=LV, weights=weights, cv=3, noncrossing=noncrossing,
                             hidden_units=4, max_iter=300, random_state=0).fit(X, y)
    Q = agg.predict_quantiles(X[:50])
    if noncrossing is not None:
        assert np.all(np.diff(Q, axis=1) >= -1e-12)
    d = agg.predict_distribution(X[:5])
    assert len(d) == 5
    iv = agg.predict_interval(X[:5], 0.8)
    np.testing.assert_allclose(iv, np.sort(Q[:5], axis=1)[:, [0, 4]])


def test_local_weights_vary_with_x_and_refit_weights_matches_fit(hetero):
    X, y = hetero
    base = QuantileAggregator(_bases(), quantiles=LV, weights="global-coarse", cv=3,
                              hidden_units=0, random_state=0).fit(X, y)
    base.refit_weights(weights="local-coarse")
    direct = QuantileAggregator(_bases(), quantiles=LV, weights="local-coarse", cv=3,
                                hidden_units=0, random_state=0).fit(X, y)
    np.testing.assert_allclose(base.predict_quantiles(X[:30]), direct.predict_quantiles(X[:30]),
                               rtol=1e-6, atol=1e-6)
    W = direct.local_weights(X[:30])
    assert W.shape == (30, 2)
    np.testing.assert_allclose(W.sum(axis=1), 1)
    with pytest.raises(ValueError, match="refit_weights cannot change"):
        base.refit_weights(cv=3)


class _HalfGood(RegressorMixin, BaseEstimator):
    """Exact N(0, 1) quantiles where sign(x1) == side, shifted by 3 elsewhere."""

    def __init__(self, side=1.0):
        self.side = side

    def fit(self, X, y):
        return self

    def predict_quantiles(self, X, quantiles):
        from scipy.stats import norm

        X = np.asarray(X)
        q = norm.ppf(np.asarray(quantiles))[None, :]
        return q + np.where(np.sign(X[:, 1]) == self.side, 0.0, 3.0)[:, None]


@pytest.mark.parametrize("weights", ["local-coarse", "local-medium", "local-fine"])
def test_local_weights_follow_the_locally_better_model(weights):
    rng = np.random.default_rng(11)
    X = rng.uniform(-1, 1, size=(600, 2))
    y = rng.normal(size=600)
    agg = QuantileAggregator([("right", _HalfGood(1.0)), ("left", _HalfGood(-1.0))], quantiles=LV,
                             weights=weights, cv=3, hidden_units=0, l2=1e-4, random_state=0).fit(X, y)
    W = agg.local_weights(np.array([[0.0, 0.8], [0.0, -0.8]]))
    w_right = W[:, 0] if W.ndim == 2 else W[:, 0].reshape(2, -1).sum(axis=1) / LV.size
    assert w_right[0] > 0.9 and w_right[1] < 0.1
    glob = clone(agg).set_params(weights="global-medium").fit(X, y)
    assert agg.train_loss_ < glob.train_loss_ - 0.05


def test_compare_table(hetero):
    X, y = hetero
    Xtr, ytr, Xte, yte = X[:300], y[:300], X[300:], y[300:]
    agg = QuantileAggregator(_bases(), quantiles=LV, weights="global-medium", cv=3,
                             random_state=0).fit(Xtr, ytr)
    tab = agg.compare(Xte, yte)
    assert list(tab.index) == ["linear", "knn", "mean of models", "median of models",
                               "aggregate (global-medium)"]
    assert {"pinball", "wis", "relative_wis", "coverage_0.5", "coverage_0.8"} <= set(tab.columns)
    P = np.stack([e.predict_quantiles(Xte, LV) for _, e in agg.estimators_], axis=1)
    assert tab.loc["mean of models", "pinball"] == pytest.approx(
        pinball_loss(yte, np.sort(P.mean(axis=1), axis=1), LV))
    assert tab.loc[["linear", "knn"], "relative_wis"].min() == pytest.approx(1.0)
    # WIS = 2 * mean pinball for a symmetric level set including the median
    np.testing.assert_allclose(tab["wis"], 2 * tab["pinball"])
    cov = np.mean((agg.predict_quantiles(Xte)[:, 0] <= yte) & (yte <= agg.predict_quantiles(Xte)[:, 4]))
    assert tab.loc["aggregate (global-medium)", "coverage_0.8"] == pytest.approx(cov)


def test_crossing_penalty_reduces_crossings(hetero):
    X, y = hetero
    kw = dict(quantiles=LV, weights="local-medium", cv=3, noncrossing=None, hidden_units=4,
              max_iter=300, random_state=0)
    free = QuantileAggregator(_bases(), **kw).fit(X, y)
    pen = clone(free).set_params(crossing_penalty=50.0).fit(X, y)

    def crossing(m):
        Q = m.predict_quantiles(X)
        return np.clip(Q[:, :-1] - Q[:, 1:], 0, None).sum()

    assert crossing(pen) <= crossing(free)


def test_dataframe_input_clone_and_pickle(hetero):
    X, y = hetero
    df = pd.DataFrame(X, columns=["a", "b"])
    agg = QuantileAggregator(_bases(), quantiles=LV, cv=3, random_state=0).fit(df, y)
    assert list(agg.feature_names_in_) == ["a", "b"]
    again = pickle.loads(pickle.dumps(agg))
    np.testing.assert_allclose(again.predict_quantiles(df.iloc[:5]), agg.predict_quantiles(df.iloc[:5]))
    assert clone(agg).get_params()["weights"] == "global-medium"
    assert agg.weights_.shape == (5, 2)


# ---------------------------------------------------------------- bad input
def test_bad_input(hetero):
    X, y = hetero
    with pytest.raises(ValueError, match="strictly increasing"):
        QuantileAggregator(_bases(), quantiles=[0.5, 0.25]).fit(X, y)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        QuantileAggregator(_bases(), quantiles=[0.0, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="cannot predict"):
        QuantileAggregator(_bases(levels=[0.1, 0.5, 0.9]), quantiles=[0.1, 0.25, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="weights must be one of 'global-coarse'.*got 'global'"):
        QuantileAggregator(_bases(), quantiles=LV, weights="global").fit(X, y)
    with pytest.raises(ValueError, match="noncrossing must be one of 'pav', 'sort' or None; got 'isotonic'"):
        QuantileAggregator(_bases(), quantiles=LV, noncrossing="isotonic").fit(X, y)
    with pytest.raises(TypeError, match="predict_quantiles"):
        from sklearn.linear_model import LinearRegression

        QuantileAggregator([LinearRegression()], quantiles=LV).fit(X, y)
    with pytest.raises(ValueError, match="empty"):
        QuantileAggregator([], quantiles=LV).fit(X, y)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        QuantileAggregator(_bases(), quantiles=LV).fit(Xn, y)
    yn = y.copy()
    yn[0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        QuantileAggregator(_bases(), quantiles=LV).fit(X, yn)
    with pytest.raises(ValueError, match="cv"):
        QuantileAggregator(_bases(), quantiles=LV, cv=1).fit(X, y)
    # a string has a split method: it was taken for a splitter and failed inside it
    with pytest.raises(ValueError, match="QuantileAggregator: cv must be"):
        QuantileAggregator(_bases(), quantiles=LV, cv="bogus").fit(X, y)
    with pytest.raises(ValueError, match=r"cv must hold \(train, test\) pairs of integer indices"):
        QuantileAggregator(_bases(), quantiles=LV, cv=[(np.arange(5), np.array([0.5]))]).fit(X, y)
    with pytest.raises(ValueError, match="random_state must be"):
        QuantileAggregator(_bases(), quantiles=LV, random_state=-1).fit(X, y)
    with pytest.raises(ValueError, match="unique"):
        QuantileAggregator([("a", _bases()[0][1]), ("a", _bases()[1][1])], quantiles=LV).fit(X, y)
