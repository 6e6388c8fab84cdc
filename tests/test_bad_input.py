"""Bad input at every public foundation entry point gives a clear error before any computation,
and no entry point modifies the caller's arrays or DataFrames (DESIGN.md, "Bad input and failure").
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from distreg import NormalRegressor, datasets, metrics
from distreg.distributions import Empirical, LogNormal, Mixture, Normal, QuantileFunction
from distreg.exceptions import NotFittedError

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 2))
Y = 1 + X[:, 0] + RNG.normal(size=40)
DF = pd.DataFrame({"y": Y, "x": X[:, 0], "g": np.where(X[:, 1] > 0, "a", "b")})
FITTED = NormalRegressor(scale_covariates=True).fit(X, Y)
FITTED_FORMULA = NormalRegressor.from_formula("y ~ x + g", DF, scale_formula="~ g")
D2 = Normal([0.0, 1.0], [1.0, 2.0])


def raises(exc, match, fn):
    with pytest.raises(exc, match=match):
        fn()


# ---------------------------------------------------------------------------- distributions
DISTRIBUTION_CASES = {
    "Normal negative scale": (ValueError, "scale must be positive", lambda: Normal(0.0, -1.0)),
    "Normal zero scale": (ValueError, "scale must be positive", lambda: Normal([0.0, 1.0], [1.0, 0.0])),
    "Normal NaN loc": (ValueError, "'loc' contains NaN", lambda: Normal(np.nan, 1.0)),
    "Normal infinite loc": (ValueError, "loc must be finite", lambda: Normal(np.inf, 1.0)),
    "Normal text": (TypeError, "'loc' must be numeric", lambda: Normal("a", 1.0)),
    "Normal lengths": (ValueError, "has 2 rows but others have 3", lambda: Normal([0.0, 1.0, 2.0], [1.0, 2.0])),
    "Normal missing": (TypeError, "needs the parameter 'scale'", lambda: Normal(loc=0.0)),
    "Normal too many": (TypeError, "at most 2 positional", lambda: Normal(0.0, 1.0, 2.0)),
    "Normal twice": (TypeError, "two values for 'loc'", lambda: Normal(0.0, loc=1.0, scale=1.0)),
    "Normal empty": (ValueError, "at least one row", lambda: Normal([], [])),
    "LogNormal sigma": (ValueError, "sigma must be positive", lambda: LogNormal(0.0, 0.0)),
    "LogNormal mu inf": (ValueError, "mu must be finite", lambda: LogNormal(-np.inf, 1.0)),
    "Empirical empty row": (ValueError, "rows are empty", lambda: Empirical(np.zeros((2, 0)))),
    "Empirical no rows": (ValueError, "samples", lambda: Empirical([])),
    "Empirical NaN": (ValueError, "contains NaN", lambda: Empirical([[1.0, np.nan]])),
    "Empirical negative weight": (ValueError, "non-negative", lambda: Empirical([[1.0, 2.0]], weights=[[1.0, -1.0]])),
    "Empirical zero weights": (ValueError, "positive sum", lambda: Empirical([[1.0, 2.0]], weights=[[0.0, 0.0]])),
    "Empirical weight layout": (ValueError, "same layout", lambda: Empirical([[1.0, 2.0]], weights=[[1.0, 1.0, 1.0]])),
    "Empirical 3-D": (ValueError, "1 or 2 dimension", lambda: Empirical(np.zeros((2, 2, 2)))),
    "Empirical text": (TypeError, "numeric", lambda: Empirical("abc")),
    "QF decreasing levels": (ValueError, "strictly increasing", lambda: QuantileFunction([0.5, 0.2], [0.0, 1.0])),
    "QF level 0": (ValueError, "strictly between 0 and 1", lambda: QuantileFunction([0.0, 0.5], [0.0, 1.0])),
    "QF one level": (ValueError, "at least two levels", lambda: QuantileFunction([0.5], [0.0])),
    "QF crossing": (ValueError, "non-decreasing", lambda: QuantileFunction([0.2, 0.5], [1.0, 0.0])),
    "QF columns": (ValueError, "3 columns but there are 2 levels", lambda: QuantileFunction([0.2, 0.5], [[1.0, 2.0, 3.0]])),
    "QF tails": (ValueError, "tails='cubic' is not valid", lambda: QuantileFunction([0.2, 0.5], [0.0, 1.0], tails="cubic")),
    "QF NaN": (ValueError, "values contains NaN", lambda: QuantileFunction([0.2, 0.5], [0.0, np.nan])),
    "Mixture components": (TypeError, "components must be", lambda: Mixture([1, 2], [0.5, 0.5])),
    "Mixture empty": (TypeError, "components must be", lambda: Mixture([], [])),
    "Mixture rows": (ValueError, "same number of rows", lambda: Mixture([D2, Normal(0.0, 1.0)], [0.5, 0.5])),
    "Mixture negative weight": (ValueError, "non-negative", lambda: Mixture([D2, D2], [-0.5, 0.5])),
    "Mixture weight shape": (ValueError, r"weights must have shape \(K,\)", lambda: Mixture([D2, D2], [0.2, 0.3, 0.5])),
    "Mixture NaN weight": (ValueError, "weights contains NaN", lambda: Mixture([D2, D2], [np.nan, 0.5])),
}


@pytest.mark.parametrize("case", sorted(DISTRIBUTION_CASES))
def test_distribution_constructors(case):
    raises(*DISTRIBUTION_CASES[case])


METHOD_CASES = {
    "cdf NaN": (ValueError, "y contains NaN", lambda: D2.cdf(np.nan)),
    "cdf text": (TypeError, "y must be numeric", lambda: D2.cdf("a")),
    "cdf wrong length": (ValueError, "distribution has 2 rows", lambda: D2.cdf([0.0, 1.0, 2.0])),
    "cdf wrong 2-D": (ValueError, "must have 2 rows or 1 row", lambda: D2.cdf(np.zeros((3, 2)))),
    "cdf 3-D": (ValueError, "scalar, 1-D or 2-D", lambda: D2.cdf(np.zeros((2, 1, 1)))),
    "sf NaN": (ValueError, "y contains NaN", lambda: D2.sf([np.nan, 0.0])),
    "logpdf NaN": (ValueError, "y contains NaN", lambda: D2.logpdf(np.nan)),
    "ppf above 1": (ValueError, r"q must lie in \[0, 1\]", lambda: D2.ppf(1.5)),
    "ppf negative": (ValueError, r"q must lie in \[0, 1\]", lambda: D2.ppf(np.array([[-0.1, 0.5]]))),
    "ppf NaN": (ValueError, "q contains NaN", lambda: D2.ppf(np.nan)),
    "interval 0": (ValueError, "confidence_level must lie strictly between 0 and 1", lambda: D2.interval(0)),
    "interval 95": (ValueError, "confidence_level", lambda: D2.interval(95)),
    "interval text": (TypeError, "confidence_level must be a number", lambda: D2.interval("0.9")),
    "rvs negative size": (ValueError, "size must be at least 0", lambda: D2.rvs(size=-1)),
    "rvs float size": (TypeError, "size must be an integer", lambda: D2.rvs(size=2.5)),
    "rvs random_state": (TypeError, "random_state must be", lambda: D2.rvs(random_state="a")),
    "mixture logpmf": (TypeError, "has logpdf, not logpmf", lambda: Mixture([D2, D2], [0.5, 0.5]).logpmf(0.0)),
    "QF ppf above 1": (ValueError, r"q must lie in \[0, 1\]",
                       lambda: QuantileFunction([0.2, 0.8], [0.0, 1.0]).ppf(2.0)),
    "Empirical cdf wrong length": (ValueError, "distribution has 1 rows",
                                   lambda: Empirical([[0.0, 1.0]]).cdf([0.0, 1.0])),
}


@pytest.mark.parametrize("case", sorted(METHOD_CASES))
def test_distribution_methods(case):
    raises(*METHOD_CASES[case])


# ---------------------------------------------------------------------------- NormalRegressor
def _nan_X():
    Xn = X.copy()
    Xn[3, 1] = np.nan
    return Xn


ESTIMATOR_CASES = {
    "fit NaN X": (ValueError, "NaN", lambda: NormalRegressor().fit(_nan_X(), Y)),
    "fit inf y": (ValueError, "y contains NaN or infinite", lambda: NormalRegressor().fit(X, np.r_[np.inf, Y[1:]])),
    "fit NaN y": (ValueError, "y contains NaN", lambda: NormalRegressor().fit(X, np.r_[np.nan, Y[1:]])),
    "fit y length": (ValueError, "y has 39 entries but X has 40 rows", lambda: NormalRegressor().fit(X, Y[:-1])),
    "fit 1-D X": (ValueError, "2D array", lambda: NormalRegressor().fit(X[:, 0], Y)),
    "fit text X": (ValueError, "numeric", lambda: NormalRegressor().fit(np.array([["a", "b"]] * 40), Y)),
    "fit text y": (TypeError, "y must be numeric", lambda: NormalRegressor().fit(X, np.array(["a"] * 40))),
    "fit 2-D y": (ValueError, "y must be one-dimensional", lambda: NormalRegressor().fit(X, np.c_[Y, Y])),
    "fit negative weights": (ValueError, "sample_weight must be non-negative",
                             lambda: NormalRegressor().fit(X, Y, sample_weight=-np.ones(40))),
    "fit zero weights": (ValueError, "sample_weight is zero everywhere",
                         lambda: NormalRegressor().fit(X, Y, sample_weight=np.zeros(40))),
    "fit weight length": (ValueError, "sample_weight has 3 entries", lambda: NormalRegressor().fit(X, Y, sample_weight=np.ones(3))),
    "fit empty": (ValueError, "0 sample", lambda: NormalRegressor().fit(X[:0], Y[:0])),
    "fit too few rows": (ValueError, "estimates 2 distribution parameters but got only n_samples=1",
                         lambda: NormalRegressor().fit(X[:1], Y[:1])),
    "fit unknown keyword": (TypeError, "unexpected keyword", lambda: NormalRegressor().fit(X, Y, foo=1)),
    "scale_covariates option": (ValueError, "scale_covariates must be True or False, None or an array-like",
                                lambda: NormalRegressor(scale_covariates="x").fit(X, Y)),
    "scale_covariates index": (ValueError, "out of range", lambda: NormalRegressor(scale_covariates=[5]).fit(X, Y)),
    "scale_covariates name": (ValueError, "'zz' for parameter 'scale' is not a column",
                              lambda: NormalRegressor(scale_covariates=["zz"]).fit(X, Y)),
    "max_iter 0": (ValueError, "max_iter must be an integer >= 1 or None; got 0", lambda: NormalRegressor(max_iter=0).fit(X, Y)),
    "max_iter text": (TypeError, "max_iter must be an integer >= 1 or None; got 'a'", lambda: NormalRegressor(max_iter="a").fit(X, Y)),
    "tol negative": (ValueError, "tol must be a number > 0", lambda: NormalRegressor(tol=-1.0).fit(X, Y)),
    "point at fit": (ValueError, "NormalRegressor: point must be one of 'mean', 'median'; got 'mode'",
                     lambda: NormalRegressor(point="mode").fit(X, Y)),
    "point set after fit": (ValueError, "point must be one of 'mean', 'median'; got 'mode'",
                            lambda: clone(FITTED).fit(X, Y).set_params(point="mode").predict(X)),
    "fit constant y": (ValueError, "y has zero spread", lambda: NormalRegressor().fit(X, np.full(40, 2.0))),
    "fit huge X": (ValueError, "X column 'x1' has values up to .*e\\+300 in magnitude",
                   lambda: NormalRegressor().fit(X * np.array([1.0, 1e300]), Y)),
    "fit huge y": (ValueError, "y has values up to .*e\\+200 in magnitude", lambda: NormalRegressor().fit(X, Y * 1e200)),
    "fit huge penalizer": (ValueError, r"penalizer must be a number in \[0, 1e\+150\]",
                           lambda: NormalRegressor(penalizer=1e300).fit(X, Y)),
    "fit categorical y": (TypeError, "y is categorical", lambda: NormalRegressor().fit(X, pd.Series(pd.Categorical(Y > 0)))),
    "fit empty names X": (ValueError, "^X: Found array with 0 sample", lambda: NormalRegressor().fit(X[:0], Y[:0])),
    "predict far outside": (ValueError, "X row 0 gives the linear predictor .* for 'scale'",
                            lambda: FITTED.predict(X[:2] * 1e300)),
    "interval categorical level": (TypeError, "confidence_level is categorical",
                                   lambda: FITTED.predict_interval(X, pd.Series(pd.Categorical([0.5, 0.9])))),
    "predict unfitted": (NotFittedError, "not fitted", lambda: NormalRegressor().predict(X)),
    "predict_distribution unfitted": (NotFittedError, "not fitted", lambda: NormalRegressor().predict_distribution(X)),
    "predict features": (ValueError, "X has 1 features", lambda: FITTED.predict(X[:, :1])),
    "predict NaN": (ValueError, "NaN", lambda: FITTED.predict(_nan_X())),
    "quantiles outside": (ValueError, "quantiles must lie strictly between 0 and 1", lambda: FITTED.predict_quantiles(X, [0.5, 1.2])),
    "quantiles text": (TypeError, "quantiles must be numeric", lambda: FITTED.predict_quantiles(X, "0.5")),
    "interval level": (ValueError, "confidence_level must lie strictly between", lambda: FITTED.predict_interval(X, 90)),
    "score length": (ValueError, "y has 3 entries but X has 40 rows", lambda: FITTED.score(X, Y[:3])),
    "score weights": (ValueError, "sample_weight must be non-negative", lambda: FITTED.score(X, Y, sample_weight=-np.ones(40))),
    # formulas
    "formula not text": (ValueError, "formula must have a response", lambda: NormalRegressor.from_formula(3, DF)),
    "formula no response": (ValueError, "formula must have a response", lambda: NormalRegressor.from_formula("~ x", DF)),
    "formula unknown column": (ValueError, "could not be evaluated", lambda: NormalRegressor.from_formula("y ~ zz", DF)),
    "formula unknown response": (ValueError, "could not be evaluated", lambda: NormalRegressor.from_formula("zz ~ x", DF)),
    "formula text response": (TypeError, "response 'g' of 'g ~ x' is text", lambda: NormalRegressor.from_formula("g ~ x", DF)),
    "formula data not frame": (TypeError, "must be a pandas DataFrame", lambda: NormalRegressor.from_formula("y ~ x", DF.to_numpy())),
    "formula NaN covariate": (ValueError, "missing values must be removed",
                              lambda: NormalRegressor.from_formula("y ~ x", DF.assign(x=np.r_[np.nan, DF.x[1:]]))),
    "formula infinite covariate": (ValueError, "the design column 'x' has 1 infinite value",
                                   lambda: NormalRegressor.from_formula("y ~ x", DF.assign(x=np.r_[np.inf, DF.x[1:]]))),
    "formula categorical response": (TypeError, "the response 'g' of 'g ~ x' is categorical",
                                     lambda: NormalRegressor.from_formula("g ~ x", DF.assign(g=DF.g.astype("category")))),
    "formula bad parameter": (ValueError, "NormalRegressor: max_iter must be an integer >= 1 or None; got 0",
                              lambda: NormalRegressor.from_formula("y ~ x", DF, max_iter=0)),
    "formula NaN response": (ValueError, "y contains NaN",
                             lambda: NormalRegressor.from_formula("y ~ x", DF.assign(y=np.r_[np.nan, DF.y[1:]]))),
    "formula unknown parameter": (TypeError, "unexpected keyword argument 'foo'", lambda: NormalRegressor.from_formula("y ~ x", DF, foo=1)),
    "formula bad scale formula": (ValueError, "'~ zz' could not be evaluated",
                                  lambda: NormalRegressor.from_formula("y ~ x", DF, scale_formula="~ zz")),
    "formula weights": (ValueError, "sample_weight must be non-negative",
                        lambda: NormalRegressor.from_formula("y ~ x", DF, sample_weight=-np.ones(40))),
    "formula unseen level": (ValueError, "column 'g' has the level 'c', a categorical level that the model was not fitted with",
                             lambda: FITTED_FORMULA.predict(pd.DataFrame({"x": [0.0], "g": ["c"]}))),
    "formula predict numpy": (TypeError, "must be a pandas DataFrame", lambda: FITTED_FORMULA.predict(X)),
    "formula predict missing column": (ValueError, "could not be evaluated",
                                       lambda: FITTED_FORMULA.predict(pd.DataFrame({"x": [0.0]}))),
    "formula predict NaN": (ValueError, "missing values",
                            lambda: FITTED_FORMULA.predict(pd.DataFrame({"x": [np.nan], "g": ["a"]}))),
}


@pytest.mark.parametrize("case", sorted(ESTIMATOR_CASES))
def test_normal_regressor(case):
    raises(*ESTIMATOR_CASES[case])


def test_unseen_level_in_the_scale_formula_only():
    m = NormalRegressor.from_formula("y ~ x", DF, scale_formula="~ g")
    raises(ValueError, "categorical level", lambda: m.predict_interval(pd.DataFrame({"x": [0.0], "g": ["zz"]})))
    # known levels still work, in any order and subset
    out = m.predict_interval(pd.DataFrame({"x": [0.0, 1.0], "g": ["b", "b"]}))
    assert out.shape == (2, 2)


# ---------------------------------------------------------------------------- metrics
N1 = Normal([0.0, 1.0], [1.0, 1.0])
METRIC_CASES = {
    "pinball y NaN": (ValueError, "y_true contains NaN", lambda: metrics.pinball_loss([np.nan], [0.0], 0.5)),
    "pinball columns": (ValueError, "y_quantiles has 2 columns", lambda: metrics.pinball_loss([0.0], [[0.0, 1.0]], [0.5])),
    "pinball rows": (ValueError, "y_quantiles has 2 rows", lambda: metrics.pinball_loss([0.0], [[0.0], [1.0]], [0.5])),
    "pinball level": (ValueError, "quantiles must lie strictly between", lambda: metrics.pinball_loss([0.0], [0.0], 1.0)),
    "pinball weights": (ValueError, "sample_weight has 2 entries", lambda: metrics.pinball_loss([0.0], [0.0], 0.5, sample_weight=[1, 1])),
    "interval_score alpha": (ValueError, "alpha must be one number", lambda: metrics.interval_score([0.0], [0.0], [1.0], 0.0)),
    "interval_score alpha text": (TypeError, "alpha must be a number", lambda: metrics.interval_score([0.0], [0.0], [1.0], "0.1")),
    "interval_score order": (ValueError, "lower exceeds upper", lambda: metrics.interval_score([0.0], [1.0], [0.0], 0.1)),
    "interval_score lengths": (ValueError, "same length", lambda: metrics.interval_score([0.0, 1.0], [0.0], [1.0], 0.1)),
    "wis asymmetric": (ValueError, "symmetric about 0.5", lambda: metrics.weighted_interval_score([0.0], [[0.0, 1.0]], [0.1, 0.8])),
    "wis repeated": (ValueError, "repeated levels", lambda: metrics.weighted_interval_score([0.0], [[0.0, 0.0]], [0.5, 0.5])),
    "wis normalize": (TypeError, "normalize must be True or False",
                      lambda: metrics.weighted_interval_score([0.0], [[0.0, 1.0]], [0.2, 0.8], normalize="yes")),
    "crps rows": (ValueError, "distribution has 2 rows but y_true has 1", lambda: metrics.crps([0.0], N1)),
    "crps not a distribution": (TypeError, "must be a distreg Distribution", lambda: metrics.crps([0.0], object())),
    "crps_ensemble rows": (ValueError, "samples has 1 rows", lambda: metrics.crps_ensemble([0.0, 1.0], [[0.0, 1.0]])),
    "crps_ensemble NaN": (ValueError, "samples contains NaN", lambda: metrics.crps_ensemble([0.0], [[np.nan]])),
    "crps_ensemble fair": (TypeError, "fair must be True or False", lambda: metrics.crps_ensemble([0.0], [[0.0, 1.0]], fair=1)),
    "crps_quantiles repeated": (ValueError, "repeated levels", lambda: metrics.crps_quantiles([0.0], [[0.0, 0.0]], [0.5, 0.5])),
    "log_score base": (ValueError, "base must be", lambda: metrics.log_score([0.0, 1.0], N1, base=-2)),
    "log_score base text": (TypeError, "base must be", lambda: metrics.log_score([0.0, 1.0], N1, base="e")),
    "rps non-integer": (ValueError, "y_true must hold integers", lambda: metrics.ranked_probability_score([0.5, 1.0], N1)),
    "coverage shape": (ValueError, r"intervals must have shape \(n, 2\)", lambda: metrics.coverage([0.0], [[0.0, 1.0, 2.0]])),
    "coverage order": (ValueError, "lower > upper", lambda: metrics.coverage([0.0], [[1.0, 0.0]])),
    "coverage rows": (ValueError, "intervals has 1 rows but y_true has 2", lambda: metrics.coverage([0.0, 1.0], [[0.0, 1.0]])),
    "width NaN": (ValueError, "intervals contains NaN", lambda: metrics.mean_interval_width([[np.nan, 1.0]])),
    "pit rows": (ValueError, "distribution has 2 rows", lambda: metrics.pit([0.0], N1)),
    "pit random_state": (TypeError, "random_state must be", lambda: metrics.pit([0.0, 1.0], N1, random_state="x")),
    "average flag": (TypeError, "average must be True or False", lambda: metrics.crps([0.0, 1.0], N1, average=None)),
}


@pytest.mark.parametrize("case", sorted(METRIC_CASES))
def test_metrics(case):
    raises(*METRIC_CASES[case])


# ---------------------------------------------------------------------------- no mutation
def test_estimator_does_not_modify_inputs():
    Xdf = pd.DataFrame(X, columns=["a", "b"])
    Xdf_copy = Xdf.copy()
    ys = pd.Series(Y.copy())
    ys_copy = ys.copy()
    w = np.linspace(0.5, 2, 40)
    w_copy = w.copy()
    Xa, Xa_copy = X.copy(), X.copy()
    m = NormalRegressor(scale_covariates=["a"]).fit(Xdf, ys, sample_weight=w)
    m.predict(Xdf), m.predict_quantiles(Xdf, [0.1, 0.9]), m.predict_interval(Xdf), m.score(Xdf, ys, sample_weight=w)
    NormalRegressor().fit(Xa, Y).predict_distribution(Xa)
    pd.testing.assert_frame_equal(Xdf, Xdf_copy)
    pd.testing.assert_series_equal(ys, ys_copy)
    np.testing.assert_array_equal(w, w_copy)
    np.testing.assert_array_equal(Xa, Xa_copy)


def test_from_formula_does_not_modify_data():
    df = DF.copy()
    df["g"] = df["g"].astype("category")
    before = df.copy()
    m = NormalRegressor.from_formula("y ~ x + g", df, scale_formula="~ x")
    m.predict_interval(df)
    pd.testing.assert_frame_equal(df, before)


def test_distributions_and_metrics_do_not_modify_inputs():
    loc, scale = np.array([0.0, 1.0]), np.array([1.0, 2.0])
    d = Normal(loc, scale)
    loc[0] = 100.0  # the distribution holds its own copy
    assert d.mean()[0] == 0.0
    params = d.params
    params["loc"][1] = -5.0
    assert d.mean()[1] == 1.0
    samples = np.array([[3.0, 1.0, 2.0]])
    e = Empirical(samples)
    np.testing.assert_array_equal(samples, [[3.0, 1.0, 2.0]])
    assert e.cdf(1.5)[0] == pytest.approx(1 / 3)
    levels, values = np.array([0.1, 0.5, 0.9]), np.array([[0.0, 1.0, 2.0]])
    qf = QuantileFunction(levels, values)
    values[0, 0] = -50.0
    assert qf.ppf(0.1)[0] == pytest.approx(0.0)
    y = np.array([0.5, 2.0])
    iv = np.array([[0.0, 1.0], [1.0, 3.0]])
    y0, iv0 = y.copy(), iv.copy()
    metrics.coverage(y, iv), metrics.mean_interval_width(iv), metrics.crps(y, d), metrics.pit(y, d)
    metrics.interval_score(y, iv[:, 0], iv[:, 1], 0.1), metrics.log_score(y, d)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(iv, iv0)


# ---------------------------------------------------------------------------- datasets
@pytest.mark.parametrize("name", datasets.__all__)
def test_dataset_loaders_return_fresh_frames(name):
    loader = getattr(datasets, name)
    first = loader()
    assert isinstance(first, pd.DataFrame) and len(first) > 0
    first.iloc[:, 0] = 0 if first.iloc[:, 0].dtype.kind in "iufb" else "x"
    second = loader()
    assert not second.equals(first)  # a new frame each call, unaffected by the caller's edits
    with pytest.raises(TypeError):
        loader("unexpected")
