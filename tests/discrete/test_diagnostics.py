"""Count diagnostics: randomised quantile residuals, rootogram table, scores in bits."""

import numpy as np
from scipy import stats

from distreg import IntegerRegressor
from distreg.distributions import NegativeBinomial, Poisson
from distreg.metrics import log_score, randomized_quantile_residuals, ranked_probability_score
from distreg.plotting import rootogram_table


def test_randomized_quantile_residuals_are_normal_under_the_model():
    rng = np.random.default_rng(7)
    mu = rng.uniform(0.2, 6, 3000)
    y = rng.poisson(mu)
    r = randomized_quantile_residuals(y, Poisson(mu), random_state=1)
    assert stats.kstest(r, "norm").pvalue > 1e-3
    # and they detect over-dispersion: NB data under a Poisson model
    y2 = NegativeBinomial(mu, np.full(3000, 1.5)).rvs(random_state=2)
    r2 = randomized_quantile_residuals(y2, Poisson(mu), random_state=1)
    assert r2.std() > 1.3
    # each residual lies between the normal quantiles of F(y-1) and F(y)
    lo = stats.norm.ppf(stats.poisson.cdf(y - 1, mu))
    hi = stats.norm.ppf(stats.poisson.cdf(y, mu))
    assert np.all((r >= lo - 1e-9) & (r <= hi + 1e-9))


def test_rootogram_table_counts():
    y = np.array([0, 0, 1, 3, 3, 3])
    d = Poisson(np.full(6, 1.5))
    k, obs, exp = rootogram_table(y, d, values=np.arange(0, 60))
    assert obs[:5].tolist() == [2, 1, 0, 3, 0]
    np.testing.assert_allclose(exp, 6 * stats.poisson.pmf(np.arange(60), 1.5))
    np.testing.assert_allclose(exp.sum(), 6.0)


def test_scores_in_bits_and_rps():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = rng.poisson(np.exp(0.5 + X @ np.array([0.4, -0.3])))
    m = IntegerRegressor("poisson").fit(X, y)
    d = m.predict_distribution(X)
    np.testing.assert_allclose(log_score(y, d, base=2), -m.score_bits(X, y))
    brute = np.array([((stats.poisson.cdf(np.arange(80), mu) - (yy <= np.arange(80))) ** 2).sum()
                      for yy, mu in zip(y, d.mean())])
    np.testing.assert_allclose(ranked_probability_score(y, d), brute.mean(), rtol=1e-9)
