"""IntegerRegressor against R (glm, MASS::glm.nb, pscl::hurdle), kernels against numpy oracles."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from distreg import IntegerRegressor
from distreg.datasets import load_biochemists
from distreg.discrete._families import IntegerSpec
from distreg.distributions import (Bitwise, Dalap, Danorm, DiscretizedLaplace, DiscretizedNormal,
                                   GeneralizedPoisson, Hurdle, NegativeBinomial, Poisson,
                                   ZeroInflated)

REF = pd.read_csv(Path(__file__).parents[1] / "reference" / "biochemists_counts.csv")
COLS = ["fem", "mar", "kid5", "phd", "ment"]


@pytest.fixture(scope="module")
def bio():
    df = load_biochemists()
    return df[COLS], df["art"]


def _ref(model):
    return REF[REF.model == model]


def test_poisson_matches_r_glm(bio):
    X, y = bio
    m = IntegerRegressor("poisson").fit(X, y)
    r = _ref("poisson")
    np.testing.assert_allclose(m.coef_["mu"], r.estimate, atol=1e-5)
    np.testing.assert_allclose(m.result_.params["std_error"], r.se, rtol=1e-3)
    np.testing.assert_allclose(m.loglik_, r.loglik.iloc[0], rtol=1e-6)


def test_negbin_matches_r_glm_nb(bio):
    X, y = bio
    m = IntegerRegressor("negbin").fit(X, y)
    r = _ref("negbin2")
    np.testing.assert_allclose(m.coef_["mu"], r.estimate, atol=1e-5)
    np.testing.assert_allclose(1 / np.exp(m.coef_["alpha"][0]), r.theta.iloc[0], rtol=1e-5)
    np.testing.assert_allclose(m.loglik_, r.loglik.iloc[0], rtol=1e-6)
    # R's glm.nb reports standard errors with theta held fixed (the IRLS Fisher information);
    # ours are from the joint observed information, so reproduce R's from the same fit
    mu = m.predict_distribution(X).mean()
    alpha = np.exp(m.coef_["alpha"][0])
    D = np.column_stack([np.ones(len(y)), X.to_numpy(float)])
    info = D.T @ (D * (mu / (1 + alpha * mu))[:, None])
    np.testing.assert_allclose(np.sqrt(np.diag(np.linalg.inv(info))), r.se, rtol=1e-3)
    # the joint standard errors are larger (alpha is estimated too)
    assert np.all(m.result_.params["std_error"].to_numpy()[:6] > r.se.to_numpy())


def test_poisson_hurdle_matches_pscl(bio):
    X, y = bio
    m = IntegerRegressor("hurdle_poisson").fit(X, y)
    r = _ref("hurdle_poisson")
    count = r[r.term.str.startswith("count_")]
    zero = r[r.term.str.startswith("zero_")]
    np.testing.assert_allclose(m.coef_["mu"], count.estimate, atol=1e-5)
    # pscl models P(y > 0); our pi is P(y = 0): coefficients change sign
    np.testing.assert_allclose(m.coef_["pi"], -zero.estimate.to_numpy(), atol=1e-5)
    np.testing.assert_allclose(m.result_.params["std_error"], r.se, rtol=1e-3)
    np.testing.assert_allclose(m.loglik_, r.loglik.iloc[0], rtol=1e-6)


def test_inflated_and_negbin_hurdle_beat_poisson(bio):
    X, y = bio
    ll_pois = _ref("poisson").loglik.iloc[0]
    for fam in ("zip", "hurdle_negbin", "zinb"):
        m = IntegerRegressor(fam).fit(X, y)
        assert m.loglik_ > ll_pois + 40, fam
        assert m.converged_, fam
    # log-likelihoods published in the pscl vignette (Zeileis, Kleiber & Jackman 2008, JSS 27(8))
    for fam, ll in (("zip", -1604.773), ("zinb", -1549.991)):
        assert abs(IntegerRegressor(fam).fit(X, y).loglik_ - ll) < 2e-3, fam


def test_formula_exposure_and_prediction(bio):
    X, y = bio
    df = X.assign(art=y)
    f = IntegerRegressor.from_formula("art ~ fem + mar + kid5 + phd + ment", df, distribution="hurdle_poisson")
    a = IntegerRegressor("hurdle_poisson").fit(X, y)
    assert np.isclose(f.loglik_, a.loglik_, rtol=1e-10)
    # a constant exposure e only shifts the log-mean intercept by -log e
    e = np.full(len(y), 2.0)
    p = IntegerRegressor("poisson").fit(X, y, exposure=e)
    q = IntegerRegressor("poisson").fit(X, y)
    np.testing.assert_allclose(p.coef_["mu"][0], q.coef_["mu"][0] - np.log(2), atol=1e-7)
    np.testing.assert_allclose(p.predict(X.iloc[:3], exposure=e[:3]), q.predict(X.iloc[:3]), rtol=1e-7)
    pmf = q.predict_pmf(X.iloc[:4], np.arange(60))
    assert pmf.shape == (4, 60)
    np.testing.assert_allclose(pmf.sum(axis=1), 1, atol=1e-10)
    np.testing.assert_allclose(q.score_bits(X, y), q.score(X, y) / np.log(2))
    assert np.isclose(q.score(X, y), q.loglik_ / len(y))
    mode = IntegerRegressor("poisson", point="mode").fit(X, y).predict(X.iloc[:5])
    np.testing.assert_array_equal(mode, np.floor(q.predict(X.iloc[:5])))


def test_bad_input(bio):
    X, y = bio
    with pytest.raises(ValueError, match="integers"):
        IntegerRegressor("poisson").fit(X, y + 0.5)
    with pytest.raises(ValueError, match="negative"):
        IntegerRegressor("negbin").fit(X, y - 3)
    with pytest.raises(ValueError, match="NaN"):
        IntegerRegressor("poisson").fit(X, np.where(y == 0, np.nan, y))
    with pytest.raises(ValueError, match="exposure must be positive"):
        IntegerRegressor("poisson").fit(X, y, exposure=np.zeros(len(y)))
    with pytest.raises(ValueError, match="distribution must be one of .*'negbin', 'poisson'.*; got 'gamma'"):
        IntegerRegressor("gamma").fit(X, y)
    with pytest.raises(ValueError, match="outside support"):
        IntegerRegressor("dalap", support=(0, 5)).fit(X, y)
    # float arrays with integral values are fine; negative integers fine for dalap
    IntegerRegressor("dnormal").fit(X, (y - 2).astype(float))


@pytest.mark.parametrize("params, match", [
    ({"distribution": "poisson", "max_iter": -1}, "IntegerRegressor: max_iter must be an integer >= 1 or None; got -1"),
    ({"n_components": 0}, "n_components must be an integer >= 1; got 0"),
    ({"support": (0, 2.5)}, r"support must be None or a pair \(low, high\) of integers .* with low <= high; got \(0, 2.5\)"),
    ({"support": (5, 0)}, "support must be None or a pair"),
    ({"location_link": "logit"}, "location_link must be None or one of 'identity', 'log'; got 'logit'"),
    ({"point": "mode2"}, "point must be one of 'mean', 'median', 'mode'"),
    ({"zero_covariates": "all"}, "zero_covariates must be True or False, None or an array-like; got 'all'"),
    ({"penalizer": 1e200}, r"penalizer must be one of 'auto', a number in \[0, 1e\+150\] or a dict"),
])
def test_bad_parameters_are_refused_at_fit(bio, params, match):
    X, y = bio
    with pytest.raises(ValueError, match=match):
        IntegerRegressor(**params).fit(X, y)


def test_bad_counts_and_degenerate_samples(bio):
    X, y = bio
    with pytest.raises(ValueError, match="y is 0 in every row"):
        IntegerRegressor("negbin").fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match=r"y has values up to 1e\+16 in magnitude; integers beyond 2\*\*53"):
        IntegerRegressor("poisson").fit(X, np.r_[1e16, y[1:]])
    with pytest.raises(ValueError, match="exposure has 3 entries but X has 915 rows"):
        IntegerRegressor("poisson").fit(X, y, exposure=np.ones(3))
    with pytest.raises(TypeError, match="y column 'art' is categorical|y is categorical"):
        IntegerRegressor("poisson").fit(X, y.astype("category"))
    m = IntegerRegressor("poisson").fit(X, y)
    with pytest.raises(ValueError, match="y must contain integers"):
        m.score(X, y + 0.5)
    with pytest.raises(ValueError, match="values must contain integers .* Round or recode values first"):
        m.predict_pmf(X.iloc[:2], [0.5, 1.0])
    # a count far beyond the data: the pmf is 0, not an overflow
    assert m.predict_pmf(X.iloc[:2], [0.0, 1e15]).shape == (2, 2)


def _oracle_cases():
    rng = np.random.default_rng(3)
    n = 40
    mu = rng.uniform(0.2, 15, n)
    y = rng.poisson(mu * rng.gamma(2, 0.5, n)).astype(float)
    yz = np.where(rng.uniform(size=n) < 0.3, 0.0, y)
    ys = np.round(rng.normal(3, 6, n))
    a = rng.uniform(0.05, 2, n)
    pi = rng.uniform(0.05, 0.9, n)
    lo, hi = np.full(n, -4.0), np.full(n, 9.0)
    yb = np.clip(ys, -4, 9)
    logits = rng.normal(size=(n, 5))
    return [
        ("poisson", y, [mu], Poisson(mu)),
        ("negbin", y, [mu, a], NegativeBinomial(mu, a)),
        ("genpoisson", y, [mu, a / 3], GeneralizedPoisson(mu, a / 3)),
        ("dnormal", ys, [mu - 4, a * 3], DiscretizedNormal(mu - 4, a * 3)),
        ("dlaplace", ys, [mu - 4, a * 3], DiscretizedLaplace(mu - 4, a * 3)),
        ("dalap", ys, [mu - 4.3, pi], Dalap(mu - 4.3, pi)),
        ("dalap_bounded", yb, [mu - 4.3, pi], Dalap(mu - 4.3, pi, lower=lo, upper=hi)),
        ("danorm", ys, [mu - 4, a * 3], Danorm(mu - 4, a * 3)),
        ("zip", yz, [mu, pi], ZeroInflated(Poisson(mu), pi)),
        ("zinb", yz, [mu, a, pi], ZeroInflated(NegativeBinomial(mu, a), pi)),
        ("hurdle_poisson", yz, [mu, pi], Hurdle(Poisson(mu), pi)),
        ("hurdle_negbin", yz, [mu, a, pi], Hurdle(NegativeBinomial(mu, a), pi)),
        ("bitwise", np.clip(ys, 0, 31) - 2, [logits], Bitwise(logits, low=-2)),
    ]


@pytest.mark.parametrize("case", _oracle_cases(), ids=lambda c: c[0])
def test_kernels_agree_with_distribution_oracles(case):
    name, y, params, dist = case
    fam = "dalap" if name == "dalap_bounded" else name
    spec = IntegerSpec(fam, n_bits=5 if fam == "bitwise" else None)
    theta = np.column_stack(params)
    n = len(y)
    data = {"y": y}
    if fam == "dalap":
        b = name == "dalap_bounded"
        data["lower"], data["upper"] = np.full(n, -4.0 if b else -np.inf), np.full(n, 9.0 if b else np.inf)
    if fam == "bitwise":
        data["low"] = np.full(n, -2.0)
    ll, g, h = spec._kernel(theta, data)
    np.testing.assert_allclose(ll, dist.logpmf(y), rtol=1e-10, atol=1e-10)
    grads = dist.logpmf_grad(y)
    order = [p.name for p in spec.parameters]
    if fam == "bitwise":
        np.testing.assert_allclose(g, grads["logits"], rtol=1e-10, atol=1e-12)
        return
    for j, pname in enumerate(order):
        np.testing.assert_allclose(g[:, j], grads[pname], rtol=1e-8, atol=1e-10, err_msg=pname)
    if h is not None:
        # analytic second derivatives against central differences of the analytic gradient
        for j in range(len(order)):
            step = 1e-6 * np.maximum(1, np.abs(theta[:, j]))
            tp, tm = theta.copy(), theta.copy()
            tp[:, j] += step
            tm[:, j] -= step
            fd = (spec._kernel(tp, data)[1] - spec._kernel(tm, data)[1]) / (2 * step[:, None])
            np.testing.assert_allclose(h[:, :, j], fd, rtol=1e-5, atol=1e-6)


def test_bitwise_and_mixture_fit(bio):
    X, y = bio
    b = IntegerRegressor("bitwise", support=(0, 31)).fit(X[["ment"]], y)
    assert b.n_bits_ == 5 and b.bitwise_low_ == 0
    pmf = b.predict_pmf(X.iloc[:3][["ment"]], np.arange(32))
    np.testing.assert_allclose(pmf.sum(axis=1), 1, atol=1e-12)
    m1 = IntegerRegressor("poisson").fit(X, y)
    m2 = IntegerRegressor("poisson", n_components=2).fit(X, y)
    assert m2.loglik_ > m1.loglik_ + 50
    d = m2.predict_distribution(X.iloc[:3])
    np.testing.assert_allclose(d.pmf(np.arange(80)[None, :]).sum(axis=1), 1, atol=1e-10)


def test_command_line_fit(tmp_path, capsys):
    from distreg.__main__ import main

    path = tmp_path / "bio.csv"
    load_biochemists().to_csv(path, index=False)
    assert main(["fit", "integer", str(path), "--formula", "art ~ fem + ment",
                 "--distribution", "hurdle_poisson", "--zero-formula", "~ ment"]) == 0
    out = capsys.readouterr().out
    ref = IntegerRegressor.from_formula("art ~ fem + ment", load_biochemists(), distribution="hurdle_poisson",
                                        zero_formula="~ ment")
    assert f"{ref.loglik_:.4f}" in out and "pi[ment]" in out and "pi[fem]" not in out


def test_generalized_poisson_matches_statsmodels(bio):
    import statsmodels.api as sm

    X, y = bio
    m = IntegerRegressor("genpoisson").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = sm.GeneralizedPoisson(y, sm.add_constant(X), p=1).fit(disp=0, method="newton", maxiter=100)
    np.testing.assert_allclose(m.loglik_, r.llf, rtol=1e-9)
    np.testing.assert_allclose(m.coef_["mu"], r.params.to_numpy()[:6], atol=1e-6)
    # statsmodels' GP-1 has var = mu (1 + a)^2; ours mu / (1 - xi)^2, so a = xi / (1 - xi)
    xi = 1 / (1 + np.exp(-m.coef_["xi"][0]))
    np.testing.assert_allclose(xi / (1 - xi), r.params.to_numpy()[-1], rtol=1e-6)
