"""FlexibleSurvivalRegressor: data forms, truncation, interval censoring, predictions, bad input."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from sklearn.base import clone

from distreg.datasets import load_lung, load_veteran
from distreg.distributions import APGW
from distreg.exceptions import ConvergenceWarning
from distreg.survival import FlexibleSurvivalRegressor, compare_special_cases


@pytest.fixture(scope="module")
def lung():
    return load_lung()


@pytest.fixture(scope="module")
def lung_fit(lung):
    return FlexibleSurvivalRegressor(distribution="weibull").fit(lung[["age", "sex", "ph_ecog"]],
                                                                 lung[["time", "event"]])


def test_response_forms_agree(lung, lung_fit):
    X = lung[["age", "sex", "ph_ecog"]].to_numpy()
    t, e = lung["time"].to_numpy(), lung["event"].to_numpy()
    structured = np.zeros(len(t), dtype=[("event", bool), ("time", float)])
    structured["event"], structured["time"] = e == 1, t
    interval = pd.DataFrame({"lower": t, "upper": np.where(e == 1, t, np.inf)})
    for y in (np.column_stack([t, e]), structured, interval):
        m = FlexibleSurvivalRegressor(distribution="weibull").fit(X, y)
        np.testing.assert_allclose(m.loglik_, lung_fit.loglik_, rtol=1e-10)


def test_weights_equal_duplicated_rows(lung):
    X, y = lung[["age", "sex"]].to_numpy(), lung[["time", "event"]].to_numpy()
    w = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    a = FlexibleSurvivalRegressor(distribution="loglogistic").fit(X, y, sample_weight=w)
    rep = np.repeat(np.arange(len(y)), w.astype(int))
    b = FlexibleSurvivalRegressor(distribution="loglogistic").fit(X[rep], y[rep])
    np.testing.assert_allclose(a.loglik_, b.loglik_, rtol=1e-9)
    np.testing.assert_allclose(a.coef_["phi"], b.coef_["phi"], rtol=1e-6)


def test_left_truncation_loglik():
    # truncated likelihood = sum log f(t) - H(t) ... + H(entry), checked at the fitted parameters
    rng = np.random.default_rng(3)
    d = APGW(lam=1.0, phi=0.5, gamma=1.4, kappa=0.5)
    t = d.rvs(size=600, random_state=rng)[0]
    entry = rng.uniform(0, 1.0, size=t.size)
    keep = t > entry
    t, entry = t[keep], entry[keep]
    e = (rng.uniform(size=t.size) < 0.8).astype(float)
    m = FlexibleSurvivalRegressor.from_formula("~ 1", pd.DataFrame({"t": t, "e": e, "a": entry}),
                                               time="t", event="e", entry="a")
    fd = m.predict_distribution(pd.DataFrame({"t": t, "e": e, "a": entry}))
    manual = np.sum(np.where(e == 1, fd.logpdf(t), fd.logsf(t)) - fd.logsf(entry))
    np.testing.assert_allclose(m.loglik_, manual, rtol=1e-9)
    assert m.converged_
    true = np.array([0.0, np.log(0.5), np.log(1.4), np.log1p(0.5)])
    est = np.concatenate([m.coef_[p] for p in ("lambda", "phi", "gamma", "kappa")])
    se = m.result_.params["std_error"].to_numpy()
    assert np.all(np.abs(est - true) < 4 * se)


def test_interval_censored_loglik_by_hand():
    rng = np.random.default_rng(4)
    t = APGW(lam=1.0, phi=1.0, gamma=1.3, kappa=1.0).rvs(size=300, random_state=rng)[0]
    lower = np.floor(t * 4) / 4
    upper = lower + 0.25
    df = pd.DataFrame({"lo": lower, "hi": upper, "x": rng.normal(size=t.size)})
    m = FlexibleSurvivalRegressor.from_formula("~ x", df, lower="lo", upper="hi", distribution="weibull")
    d = m.predict_distribution(df)
    manual = np.sum(np.log(d.sf(lower) - d.sf(upper)))
    np.testing.assert_allclose(m.loglik_, manual, rtol=1e-9)
    assert abs(np.exp(m.coef_["gamma"][0]) - 1.3) < 4 * m.result_.params["std_error"].iloc[-1] * 1.3


def test_predictions(lung, lung_fit):
    X = lung[["age", "sex", "ph_ecog"]].iloc[:4]
    times = np.array([50.0, 200.0, 500.0])
    S, lo, hi = lung_fit.predict_survival_function(X, times, return_ci=True)
    assert S.shape == (4, 3) and np.all((lo <= S) & (S <= hi)) and np.all((lo >= 0) & (hi <= 1))
    H = lung_fit.predict_cumulative_hazard(X, times)
    np.testing.assert_allclose(S, np.exp(-H), rtol=1e-12)
    h = lung_fit.predict_hazard(X, times)
    eps = 1e-3
    dH = (lung_fit.predict_cumulative_hazard(X, times + eps) - lung_fit.predict_cumulative_hazard(X, times - eps)) / (2 * eps)
    np.testing.assert_allclose(h, dH, rtol=1e-6)
    med, mlo, mhi = lung_fit.predict_median(X, return_ci=True)
    np.testing.assert_allclose(lung_fit.predict_survival_function(X.iloc[:1], med[:1]), [[0.5]], rtol=1e-9)
    assert np.all((mlo < med) & (med < mhi))
    np.testing.assert_allclose(lung_fit.predict(X), med)
    rmst = lung_fit.predict_rmst(X, 365.0)
    d = lung_fit.predict_distribution(X)
    for i in range(2):
        ref = integrate.quad(lambda s: d[i].sf(s)[0], 0, 365.0, epsabs=1e-10)[0]
        np.testing.assert_allclose(rmst[i], ref, rtol=1e-7)
    q = lung_fit.predict_quantiles(X, [0.1, 0.5, 0.9])
    np.testing.assert_allclose(q[:, 1], med, rtol=1e-9)
    np.testing.assert_array_equal(lung_fit.predict_cure_fraction(X), 0.0)
    assert np.isfinite(lung_fit.score(lung[["age", "sex", "ph_ecog"]], lung[["time", "event"]]))
    np.testing.assert_allclose(lung_fit.score_samples(lung[["age", "sex", "ph_ecog"]], lung[["time", "event"]]).sum(),
                               lung_fit.loglik_, rtol=1e-10)


def test_band_matches_analytic_delta_method(lung, lung_fit):
    # Weibull AFT: log H = γ (x'β_φ + log t) with log γ linear: gradient in closed form
    X = lung[["age", "sex", "ph_ecog"]].iloc[:3]
    t = np.array([100.0, 400.0])
    _, lo, hi = lung_fit.predict_cumulative_hazard(X, t, return_ci=True)
    D = np.column_stack([np.ones(3), X.to_numpy()])
    b, g = lung_fit.coef_["phi"], np.exp(lung_fit.coef_["gamma"][0])
    V = lung_fit.result_.vcov.to_numpy()
    for k, tk in enumerate(t):
        s = D @ b + np.log(tk)
        J = np.column_stack([g * D, (g * s)[:, None]])
        se = np.sqrt(np.einsum("ij,jk,ik->i", J, V, J))
        np.testing.assert_allclose(np.log(hi[:, k] / lo[:, k]) / 2, 1.959963984540054 * se, rtol=1e-5)


def test_formula_matches_arrays_and_categoricals(lung_fit, lung):
    f = FlexibleSurvivalRegressor.from_formula("~ age + sex + ph_ecog", lung, time="time", event="event",
                                               distribution="weibull")
    np.testing.assert_allclose(f.loglik_, lung_fit.loglik_, rtol=1e-10)
    vet = load_veteran()
    m = FlexibleSurvivalRegressor.from_formula("~ karno + C(celltype)", vet, time="time", event="event",
                                               distribution="weibull", shape_formula="~ karno")
    assert list(m.result_.params.index)[-2:] == ["gamma[Intercept]", "gamma[karno]"]
    new = vet.iloc[:3].copy()
    assert m.predict_survival_function(new, [30.0]).shape == (3, 1)
    new.loc[new.index[0], "celltype"] = "unknown"
    with pytest.raises(ValueError, match="categorical level"):
        m.predict_survival_function(new, [30.0])


@pytest.mark.parametrize("dataset, scale", [("lung", "aft"), ("lung", "ph"), ("veteran", "aft"), ("veteran", "ph")])
def test_special_cases_nested_below_apgw(dataset, scale):
    if dataset == "lung":
        data = load_lung()
        X = data[["age", "sex", "ph_ecog"]]
    else:
        data = load_veteran()
        X = pd.get_dummies(data[["karno", "celltype"]], columns=["celltype"], drop_first=True, dtype=float)
    y = data[["time", "event"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # veteran PH: γ → ∞ (reported)
        tab = compare_special_cases(X, y, scale=scale, shape_covariates=True)
    apgw = tab[(tab.distribution == "apgw") & (tab.scale == scale) & ~tab.shape_covariates].loglik.iloc[0]
    nested = ("exponential", "weibull", "loglogistic", "burr") if scale == "aft" else ("exponential", "weibull", "burr")
    for dist in nested:
        assert apgw >= tab[tab.distribution == dist].loglik.iloc[0] - 1e-6, dist
    mpr = tab[tab.shape_covariates].loglik.iloc[0]
    assert mpr >= apgw - 1e-6
    row = tab[tab.distribution == "weibull"].iloc[0]
    # the statistic uses the supremum: the exactly fitted limit where the APGW fit ends at one
    ref = tab[(tab.distribution == "apgw") & (tab.scale == scale) & ~tab.shape_covariates].iloc[0]
    sup = np.nanmax([ref.loglik, ref.loglik_limit])
    assert row.lr_df == 2 and np.isclose(row.lr_stat, 2 * (sup - row.loglik), rtol=1e-12)
    assert row.lr_null == "chi2(2)"
    gomp = tab[tab.distribution == "gompertz"].iloc[0]
    assert gomp.lr_null == f"1/2 chi2({gomp.lr_df - 1:.0f}) + 1/2 chi2({gomp.lr_df:.0f})"


def test_gompertz_data_run_to_kappa_infinity():
    rng = np.random.default_rng(7)
    t = APGW(lam=0.2, phi=1.0, gamma=1.0, kappa=np.inf).rvs(size=2000, random_state=rng)[0]
    y = np.column_stack([t, np.ones_like(t)])
    X = rng.normal(size=(t.size, 1))
    with pytest.warns(ConvergenceWarning, match="Gompertz"):
        m = FlexibleSurvivalRegressor().fit(X, y)
    assert "κ → ∞" in m.boundary_
    g = FlexibleSurvivalRegressor(distribution="gompertz").fit(X, y)
    assert m.loglik_ >= g.loglik_ - 1e-3


@pytest.mark.parametrize("kwargs, y, match", [
    ({}, np.array([[1.0, 1], [-2.0, 0], [3.0, 1]]), "time must be positive"),
    ({}, np.array([[1.0, 1], [0.0, 0], [3.0, 1]]), "time must be positive"),
    ({}, np.array([[1.0, 1], [2.0, 3], [3.0, 1]]), "event must contain only 0"),
    ({}, np.array([[1.0, 1], [np.nan, 0], [3.0, 1]]), "NaN"),
    ({"entry": [0.0, 2.5, 0.0]}, np.array([[1.0, 1], [2.0, 0], [3.0, 1]]), "entry must be smaller"),
    ({}, pd.DataFrame({"lower": [1.0, 3.0, 1.0], "upper": [2.0, 2.0, 4.0]}), "lower must not exceed upper"),
    ({}, np.ones((3, 3)), "two columns"),
])
def test_bad_input(kwargs, y, match):
    X = np.arange(3.0)[:, None]
    with pytest.raises(ValueError, match=match):
        FlexibleSurvivalRegressor(distribution="weibull").fit(X, y, **kwargs)


@pytest.mark.parametrize("params, match", [
    (dict(distribution="lognormal"), "distribution must be one of 'apgw', 'burr', .*; got 'lognormal'"),
    (dict(scale="po"), "scale must be one of 'aft', 'ph'; got 'po'"),
    (dict(distribution="loglogistic", scale="ph"), "not closed under proportional hazards"),
    (dict(distribution="gompertz", shape_covariates=True), "shape_covariates must be False"),
])
def test_bad_options(params, match):
    X, y = np.arange(1.0, 4.0)[:, None], np.array([[1.0, 1], [2.0, 0], [3.0, 1]])
    with pytest.raises(ValueError, match=match):
        FlexibleSurvivalRegressor(**params).fit(X, y)


def test_inputs_untouched_clone_pickle(lung):
    X, y = lung[["age", "sex"]].copy(), lung[["time", "event"]].copy()
    X0, y0 = X.copy(), y.copy()
    m = FlexibleSurvivalRegressor(distribution="weibull", shape_covariates=["sex"]).fit(X, y)
    pd.testing.assert_frame_equal(X, X0)
    pd.testing.assert_frame_equal(y, y0)
    c = clone(m)
    assert c.get_params() == m.get_params() and not hasattr(c, "coef_")
    m2 = pickle.loads(pickle.dumps(m))
    np.testing.assert_allclose(m2.predict_median(X.iloc[:3]), m.predict_median(X.iloc[:3]))
    assert m.result_.params.index[-1] == "gamma[sex]"


def test_veteran_unconstrained_fits_interior_aft_and_boundary_ph():
    # Veteran (karno + cell type): the AFT APGW optimum is interior and close to Burr (κ ≈ 0);
    # the PH fit climbs a flat ridge towards γ → ∞ and must say so
    vet = load_veteran()
    aft = FlexibleSurvivalRegressor.from_formula("~ karno + C(celltype)", vet, time="time", event="event")
    assert aft.converged_ and aft.boundary_ is None
    assert abs(np.expm1(aft.coef_["kappa"][0])) < 0.1
    burr = FlexibleSurvivalRegressor.from_formula("~ karno + C(celltype)", vet, time="time", event="event",
                                                  distribution="burr")
    assert 0 <= aft.loglik_ - burr.loglik_ < 0.05
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ph = FlexibleSurvivalRegressor.from_formula("~ karno + C(celltype)", vet, time="time", event="event",
                                                    scale="ph")
    assert any(issubclass(w.category, ConvergenceWarning) and "γ ran to its upper bound" in str(w.message)
               for w in caught)
    # whether the optimiser stops at the bound or short of it on the flat ridge depends on
    # rounding; either way the limit is named
    assert "threshold limit" in ph.boundary_ and ph.coef_["gamma"][0] >= 5.0
    assert ph.loglik_ >= FlexibleSurvivalRegressor.from_formula(
        "~ karno + C(celltype)", vet, time="time", event="event", scale="ph", distribution="burr").loglik_ - 1e-6


def test_prediction_helpers_name_their_arguments(lung, lung_fit):
    X = lung[["age", "sex", "ph_ecog"]].iloc[:3]
    with pytest.raises(ValueError, match="tau must be a positive time horizon; got -1"):
        lung_fit.predict_rmst(X, tau=-1)
    with pytest.raises(ValueError, match="tau must be a positive time horizon; got 0"):
        lung_fit.predict_rmst(X, tau=0.0)
    with pytest.raises(TypeError, match="tau must be one positive number"):
        lung_fit.predict_rmst(X, tau=[100.0, 200.0])
    with pytest.raises(ValueError, match="times must be non-negative times; got -5"):
        lung_fit.predict_survival_function(X, [10.0, -5.0])
    with pytest.raises(TypeError, match="return_ci must be True or False; got 'yes'"):
        lung_fit.predict_median(X, return_ci="yes")
    # the band's level is checked even when no band is asked for
    with pytest.raises(ValueError, match="confidence_level must lie strictly between 0 and 1"):
        lung_fit.predict_hazard(X, [100.0], confidence_level=95)
    with pytest.raises(ValueError, match="confidence_level must be one number"):
        lung_fit.predict_rmst(X, 100.0, return_ci=True, confidence_level=[0.5, 0.9])
    est, lo, hi = lung_fit.predict_rmst(X, 365.0, return_ci=True)
    assert np.all((lo < est) & (est < hi) & (est < 365.0))


def test_degenerate_responses_and_text():
    X = np.arange(1.0, 7.0)[:, None]
    with pytest.raises(ValueError, match="no events: every row is right-censored"):
        FlexibleSurvivalRegressor(distribution="weibull").fit(X, np.column_stack([X[:, 0], np.zeros(6)]))
    # a zero-weight event does not count
    y = np.column_stack([X[:, 0], np.r_[1.0, np.zeros(5)]])
    with pytest.raises(ValueError, match="no events"):
        FlexibleSurvivalRegressor(distribution="weibull").fit(X, y, sample_weight=np.r_[0.0, np.ones(5)])
    with pytest.raises(TypeError, match="y must be numeric; got text"):
        FlexibleSurvivalRegressor(distribution="weibull").fit(X, np.column_stack([X[:, 0], np.ones(6)]).astype(str))
    with pytest.raises(TypeError, match="y is categorical"):
        FlexibleSurvivalRegressor(distribution="weibull").fit(X, pd.Series(pd.Categorical(X[:, 0])))
    with pytest.raises(TypeError, match="event is categorical"):
        FlexibleSurvivalRegressor(distribution="weibull").fit(
            X, pd.DataFrame({"time": X[:, 0], "event": pd.Categorical(["dead", "alive"] * 3)}))
    with pytest.raises(ValueError, match="time has 6 entries but X has 5"):
        FlexibleSurvivalRegressor(distribution="weibull").fit(X[:5], np.column_stack([X[:, 0], np.ones(6)]))
    with pytest.raises(ValueError, match="time has values up to 6e\\+200 in magnitude"):
        FlexibleSurvivalRegressor(distribution="weibull").fit(X, np.column_stack([X[:, 0] * 1e200, np.ones(6)]))


def test_predictions_far_outside_the_data_are_refused(lung, lung_fit):
    X = lung[["age", "sex", "ph_ecog"]].iloc[:2] * np.array([[1e300], [1.0]])
    with pytest.raises(ValueError, match="X row 0 gives the linear predictor .* for 'phi', where its log link "
                                         "overflows"):
        lung_fit.predict_median(X)


def test_compare_special_cases_argument_errors(lung):
    with pytest.raises(TypeError, match="X must be a formula string"):
        compare_special_cases(lung[["age"]], data=lung, event="event")
    with pytest.raises(ValueError, match="leave y unset"):
        compare_special_cases("time ~ age", lung[["time", "event"]], data=lung, event="event")
    with pytest.raises(ValueError, match="needs y"):
        compare_special_cases(lung[["age"]])
    with pytest.raises(ValueError, match="scale='log' is not valid"):
        compare_special_cases(lung[["age"]], lung[["time", "event"]], scale="log")
    with pytest.raises(TypeError, match="shape_covariates must be True or False"):
        compare_special_cases(lung[["age"]], lung[["time", "event"]], shape_covariates="yes")


def test_limit_reports_at_and_near_the_bounds():
    from distreg.survival.flexible import _limit_reports

    free = {"lambda": None, "phi": None, "gamma": None, "kappa": None}

    def coef(eta_g, eta_k):
        return {"lambda": np.array([0.1]), "phi": np.array([0.0, 0.2]), "gamma": np.array([eta_g]),
                "kappa": np.array([eta_k])}

    assert _limit_reports(coef(0.3, 0.5), free, True) == []
    # converged interior fit close to a bound: nothing to report
    assert _limit_reports(coef(5.5, 0.5), free, True) == []
    # the same point from a fit that stopped without converging is heading for γ → ∞
    (r,) = _limit_reports(coef(5.5, 0.5), free, False)
    assert r.parameter == "gamma" and r.special_case == "threshold Weibull" and r.cause == "boundary"
    assert "γ ran to its upper bound" in r.message and "γ = 245" in r.message
    (r,) = _limit_reports(coef(0.3, 9.2), free, True)
    assert r.limit == "κ → ∞"
    (r,) = _limit_reports(coef(0.3, -7.5), free, False)
    assert r.limit == "κ → -1" and "cure fraction" in r.message
    # fixed κ (a special case) and shape covariates are not judged
    fixed = dict(free, kappa=np.log(2.0))
    assert _limit_reports(coef(0.3, 9.2), fixed, True) == []
    shape = coef(6.0, 0.5)
    shape["gamma"] = np.array([6.0, 0.1])
    assert _limit_reports(shape, free, True) == []
