"""Special cases of FlexibleSurvivalRegressor against R survreg, and Kaplan–Meier against survfit.

References: tests/reference/lung_survreg.csv and lung_km.csv, made by reference_values.R
(R 4.2.2, survival 3.4) on the NCCTG lung complete cases (distreg.datasets.load_lung()).
"""

import numpy as np
import pandas as pd
import pytest

from distreg.datasets import load_lung
from distreg.survival import FlexibleSurvivalRegressor, KaplanMeier

# keep_default_na=False: the model label "null" must not become NaN
REF = pd.read_csv(__file__.rsplit("/", 2)[0] + "/reference/lung_survreg.csv", keep_default_na=False,
                  na_values=["NA"])


@pytest.fixture(scope="module")
def lung():
    return load_lung()


def fit(lung, dist, model):
    rhs = "~ 1" if model == "null" else "~ age + sex + ph_ecog"
    return FlexibleSurvivalRegressor.from_formula(rhs, lung, time="time", event="event", distribution=dist)


@pytest.mark.parametrize("dist", ["weibull", "loglogistic", "exponential"])
@pytest.mark.parametrize("model", ["null", "cov"])
def test_matches_survreg(lung, dist, model):
    ref = REF[(REF.dist == dist) & (REF.model == model)]
    m = fit(lung, dist, model)
    assert m.converged_
    np.testing.assert_allclose(m.loglik_, ref.loglik.iloc[0], rtol=1e-6)
    # AFT mapping: φ = exp(-μ) so phi coefficients are -β; γ = 1/σ so the gamma intercept is
    # -log σ (module docstring of distreg.survival.flexible)
    loc = ref[ref.term != "log(scale)"]
    params = m.result_.params
    phi = params[params.parameter == "phi"]
    np.testing.assert_allclose(-phi.estimate.to_numpy(), loc.estimate.to_numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(phi.std_error.to_numpy(), loc.se.to_numpy(), rtol=1e-3)
    if dist != "exponential":
        ls = ref[ref.term == "log(scale)"]
        g = params[params.parameter == "gamma"]
        np.testing.assert_allclose(-g.estimate.iloc[0], ls.estimate.iloc[0], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(g.std_error.iloc[0], ls.se.iloc[0], rtol=1e-3)


def test_weibull_ph_is_the_same_model(lung):
    X, y = lung[["age", "sex", "ph_ecog"]], lung[["time", "event"]]
    aft = FlexibleSurvivalRegressor(distribution="weibull").fit(X, y)
    ph = FlexibleSurvivalRegressor(distribution="weibull", scale="ph").fit(X, y)
    np.testing.assert_allclose(ph.loglik_, aft.loglik_, rtol=1e-9)
    # log λ = γ log φ under κ = 1: PH coefficients are γ times the AFT ones
    gamma = np.exp(aft.coef_["gamma"][0])
    np.testing.assert_allclose(ph.coef_["lambda"], gamma * aft.coef_["phi"], rtol=1e-5)


def test_kaplan_meier_matches_survfit(lung):
    ref = pd.read_csv(__file__.rsplit("/", 2)[0] + "/reference/lung_km.csv")
    km = KaplanMeier().fit(lung["time"], lung["event"])
    sf = km.survival_function_
    np.testing.assert_array_equal(sf.time.to_numpy(), ref.time.to_numpy())
    np.testing.assert_array_equal(sf.n_risk.to_numpy(), ref.n_risk.to_numpy())
    np.testing.assert_array_equal(sf.n_event.to_numpy(), ref.n_event.to_numpy())
    for ours, theirs in [("survival", "surv"), ("std_error", "std_err"), ("lower", "lower"), ("upper", "upper")]:
        np.testing.assert_allclose(sf[ours].to_numpy(), ref[theirs].to_numpy(), rtol=1e-10, atol=1e-12)
    assert km.median_ == 310.0  # R: survfit median for these data
