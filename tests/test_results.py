"""LikelihoodResults, Summary and likelihood_ratio_test against hand computations."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from distreg import NormalRegressor
from distreg._results import LikelihoodResults, Summary, likelihood_ratio_test


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(11)
    n = 250
    X = pd.DataFrame({"income": rng.uniform(1, 5, n), "age": rng.normal(40, 10, n)})
    y = 2 + 1.5 * X["income"] + np.exp(0.3 * X["income"]) * rng.normal(size=n)
    restricted = NormalRegressor().fit(X, y)
    full = NormalRegressor(scale_covariates=["income"]).fit(X, y)
    return X, y, restricted, full


def test_params_table_columns_and_values(fitted):
    X, y, r, f = fitted
    p = f.result_.params
    assert list(p.columns) == ["parameter", "term", "estimate", "std_error", "z", "p_value",
                               "ci_lower", "ci_upper"]
    assert list(p.index) == ["loc[Intercept]", "loc[income]", "loc[age]", "scale[Intercept]", "scale[income]"]
    np.testing.assert_allclose(p["z"], p["estimate"] / p["std_error"])
    np.testing.assert_allclose(p["p_value"], 2 * stats.norm.sf(np.abs(p["z"])))
    np.testing.assert_allclose(p["std_error"], np.sqrt(np.diag(f.result_.vcov)))
    zq = stats.norm.ppf(0.975)
    np.testing.assert_allclose(p["ci_lower"], p["estimate"] - zq * p["std_error"])
    np.testing.assert_allclose(p["ci_upper"], p["estimate"] + zq * p["std_error"])
    np.testing.assert_allclose(f.result_.estimates, np.concatenate([f.coef_["loc"], f.coef_["scale"]]))


def test_loglik_aic_bic_by_hand(fitted):
    X, y, r, f = fitted
    theta = f.predict_parameters(X)
    ll = stats.norm.logpdf(y, theta["loc"], theta["scale"]).sum()
    res = f.result_
    assert res.loglik == pytest.approx(ll, rel=1e-12)
    assert res.df_model == 5 and res.n_obs == len(y)
    assert res.aic == pytest.approx(-2 * ll + 2 * 5)
    assert res.bic == pytest.approx(-2 * ll + np.log(len(y)) * 5)


def test_conf_int_levels(fitted):
    res = fitted[3].result_
    ci90 = res.conf_int(0.10)
    zq = stats.norm.ppf(0.95)
    est, se = res.params["estimate"], res.params["std_error"]
    np.testing.assert_allclose(ci90["lower"], est - zq * se)
    np.testing.assert_allclose(ci90["upper"], est + zq * se)
    assert list(ci90.columns) == ["lower", "upper"]
    assert (res.conf_int(0.01)["upper"] > ci90["upper"]).all()
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match="alpha must lie strictly between 0 and 1"):
            res.conf_int(bad)


def test_summary_text_and_html(fitted):
    s = fitted[3].summary()
    assert isinstance(s, Summary)
    text = str(s)
    assert text == repr(s) == s.as_text()
    lines = text.splitlines()
    assert "NormalRegressor results" in lines[0]
    for token in ["No. observations", "250", "Log-likelihood", "AIC", "BIC", "Converged", "yes",
                  "loc[income]", "scale[income]", "std err", "[0.025", "0.975]"]:
        assert token in text
    # the coefficient table is aligned: every row of the table has the same width
    table = [ln for ln in lines if ln.startswith(("loc[", "scale["))]
    assert len(table) == 5 and len({len(ln) for ln in table}) == 1
    html = s._repr_html_()
    assert html.count("<table") == 2 and "scale[income]" in html and "<h4>" in html
    res = fitted[3].result_
    assert f"{res.loglik:.4f}" in text
    s90 = res.summary(alpha=0.1)
    assert "[0.05" in str(s90) and "0.95]" in str(s90)


def test_likelihood_ratio_test_by_hand(fitted):
    X, y, r, f = fitted
    stat = 2 * (f.loglik_ - r.loglik_)
    out = likelihood_ratio_test(r, f)
    assert out.statistic == pytest.approx(stat, rel=1e-12)
    assert out.df == 1
    assert out.p_value == pytest.approx(stats.chi2.sf(stat, 1), rel=1e-10)
    assert likelihood_ratio_test(r.result_, f.result_) == out
    with pytest.raises(ValueError, match="pass the nested"):
        likelihood_ratio_test(f, r)
    other = NormalRegressor(scale_covariates=True).fit(X.iloc[:100], y.iloc[:100])
    with pytest.raises(ValueError, match="different numbers of observations"):
        likelihood_ratio_test(r, other)


def _lr_rejections(reps, seed):
    rng = np.random.default_rng(seed)
    rejections = 0
    for _ in range(reps):
        X = rng.normal(size=(150, 1))
        y = 1 + X[:, 0] + rng.normal(size=150)
        t = likelihood_ratio_test(NormalRegressor().fit(X, y), NormalRegressor(scale_covariates=True).fit(X, y))
        rejections += t.p_value < 0.05
    return rejections


@pytest.mark.slow
def test_likelihood_ratio_test_size_under_the_null():
    # under H0 (homoscedastic) the LR statistic is approximately chi-square(1): the rejection
    # rate at 5% lies within a binomial tolerance
    reps = 400
    rate = _lr_rejections(reps, 12) / reps
    assert abs(rate - 0.05) < 4 * np.sqrt(0.05 * 0.95 / reps)


def test_likelihood_ratio_test_size_under_the_null_reduced():
    # reduced version of the slow test: P(Binomial(40, 0.05) > 7) < 0.002
    assert _lr_rejections(40, 13) <= 7


def test_likelihood_ratio_agrees_with_wald_in_large_samples():
    rng = np.random.default_rng(14)
    X = rng.normal(size=(3000, 1))
    y = X[:, 0] + np.exp(0.05 * X[:, 0]) * rng.normal(size=3000)
    full = NormalRegressor(scale_covariates=True).fit(X, y)
    lr = likelihood_ratio_test(NormalRegressor().fit(X, y), full).statistic
    wald = full.result_.params.loc["scale[x0]", "z"] ** 2
    assert lr == pytest.approx(wald, rel=0.05)


def test_results_object_directly():
    res = LikelihoodResults(parameters=["a", "a"], terms=["Intercept", "x"], estimates=[1.0, -2.0],
                            vcov=np.diag([0.25, 1.0]), loglik=-10.0, n_obs=20, model_name="M")
    np.testing.assert_allclose(res.params["std_error"], [0.5, 1.0])
    np.testing.assert_allclose(res.params["z"], [2.0, -2.0])
    assert res.aic == pytest.approx(24.0)
    assert "M results" in str(res.summary())
    assert repr(res) == "<LikelihoodResults M: loglik=-10.0000, df=2>"


def test_chi_bar_squared_for_parameters_on_the_boundary():
    from distreg._results import chibar2_sf

    # one parameter on its boundary: the LR statistic of H0: μ = 0 against μ ≥ 0 for normal data
    # is max(z, 0)² with z ~ N(0, 1) under H0, i.e. ½χ²(0) + ½χ²(1)
    rng = np.random.default_rng(0)
    stat = np.maximum(rng.normal(size=40_000), 0.0) ** 2
    p = np.array([chibar2_sf(s, 1, 1) for s in stat])
    for level in (0.01, 0.05, 0.2):
        assert np.mean(p <= level) == pytest.approx(level, abs=4 * np.sqrt(level / 40_000))
    # the plain χ² test is twice too conservative there
    assert np.mean(stats.chi2.sf(stat, 1) <= 0.05) == pytest.approx(0.025, abs=0.004)
    # two restrictions, one on the boundary: ½χ²(1) + ½χ²(2)
    assert chibar2_sf(3.0, 2, 1) == pytest.approx(0.5 * stats.chi2.sf(3.0, 1) + 0.5 * stats.chi2.sf(3.0, 2))
    assert chibar2_sf(3.0, 2, 2) == pytest.approx(0.5 * stats.chi2.sf(3.0, 1) + 0.25 * stats.chi2.sf(3.0, 2))


def test_likelihood_ratio_test_boundary_argument(fitted):
    r, f = fitted[2:]
    plain = likelihood_ratio_test(r, f)
    half = likelihood_ratio_test(r, f, boundary=1)
    assert half.statistic == plain.statistic and half.p_value == pytest.approx(plain.p_value / 2)
    assert half.null == "1/2 chi2(0) + 1/2 chi2(1)"
    with pytest.raises(ValueError, match="boundary must be an integer between 0 and df = 1"):
        likelihood_ratio_test(r, f, boundary=2)


@pytest.mark.parametrize("args, match", [
    ((float("nan"), 1, 1), "stat"),
    ((-1.0, 1, 1), "stat"),
    (("2", 1, 1), "stat"),
    ((2.0, 0, 0), "df"),
    ((2.0, 1, 2), "boundary"),
    ((2.0, 2, -1), "boundary"),
    ((2.0, 1.5, 1), "df"),
])
def test_chibar2_sf_refuses_bad_arguments(args, match):
    from distreg._results import chibar2_sf

    with pytest.raises((ValueError, TypeError), match=match):
        chibar2_sf(*args)


def test_chibar2_sf_is_the_binomial_mixture():
    from scipy import stats

    from distreg._results import chibar2_sf

    # k = 2 of df = 3 on the boundary: ¼ χ²(1) + ½ χ²(2) + ¼ χ²(3)
    want = 0.25 * stats.chi2.sf(4.0, 1) + 0.5 * stats.chi2.sf(4.0, 2) + 0.25 * stats.chi2.sf(4.0, 3)
    assert chibar2_sf(4.0, 3, 2) == pytest.approx(want, rel=1e-14)


def test_likelihood_ratio_test_refuses_objects_without_a_fit():
    from distreg._results import likelihood_ratio_test

    with pytest.raises(TypeError, match="restricted"):
        likelihood_ratio_test(object(), object())
