"""Small stand-in distreg models for tests: Poisson counts and exponential survival with a cure fraction.

Integer and survival families live on other branches; these minimal models implement the same
``DiscreteDistribution`` / ``ContinuousDistribution`` interfaces so that the conformal paths can
be tested against closed forms now.
"""

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import PoissonRegressor

from distreg.distributions import ContinuousDistribution, DiscreteDistribution


class Poisson(DiscreteDistribution):
    _param_names = ("mu",)

    def _cdf(self, y, mu):
        return stats.poisson.cdf(np.floor(y), mu)

    def _logpmf(self, y, mu):
        return stats.poisson.logpmf(y, mu)

    def _mean(self, mu):
        return mu.copy()

    def _var(self, mu):
        return mu.copy()

    def _lower_support(self, p, shape):
        return np.zeros(shape)


class CuredExponential(ContinuousDistribution):
    """T = inf with probability pi (cured), otherwise Exp(rate): a defective distribution."""

    _param_names = ("rate", "pi")

    def _cdf(self, y, rate, pi):
        return np.where(y > 0, (1 - pi) * (1 - np.exp(-rate * np.maximum(y, 0))), 0.0)

    def _logpdf(self, y, rate, pi):
        with np.errstate(divide="ignore"):
            return np.where(y >= 0, np.log1p(-pi) + np.log(rate) - rate * y, -np.inf)

    def _ppf(self, q, rate, pi):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = -np.log1p(-q / (1 - pi)) / rate
        return np.where(q >= 1 - pi, np.inf, np.where(q <= 0, 0.0, out))


class PoissonGLM(RegressorMixin, BaseEstimator):
    """Poisson regression with a Poisson predictive distribution (sklearn GLM inside)."""

    def __init__(self, alpha=0.0):
        self.alpha = alpha

    def fit(self, X, y):
        self.glm_ = PoissonRegressor(alpha=self.alpha, max_iter=1000).fit(X, y)
        return self

    def predict(self, X):
        return self.glm_.predict(X)

    def predict_distribution(self, X):
        return Poisson(mu=self.glm_.predict(X))


class FixedCuredExponential(RegressorMixin, BaseEstimator):
    """A 'fitted' survival model with rate exp(b x) and cure fraction pi (parameters given)."""

    def __init__(self, b=0.5, pi=0.2):
        self.b = b
        self.pi = pi

    def fit(self, X, y):
        self.fitted_ = True
        return self

    def predict(self, X):
        return self.predict_distribution(X).median()

    def predict_distribution(self, X):
        X = np.asarray(X, dtype=float)
        return CuredExponential(rate=np.exp(self.b * X[:, 0]), pi=np.full(X.shape[0], self.pi))


class NegBinomial(DiscreteDistribution):
    """Negative binomial with mean mu and size r (variance mu + mu^2 / r)."""

    _param_names = ("mu", "size")

    def _cdf(self, y, mu, size):
        return stats.nbinom.cdf(np.floor(y), size, size / (size + mu))

    def _logpmf(self, y, mu, size):
        return stats.nbinom.logpmf(y, size, size / (size + mu))

    def _lower_support(self, p, shape):
        return np.zeros(shape)


class NegBinGLM(PoissonGLM):
    """Poisson-GLM mean with a moment estimate of the negative binomial size."""

    def fit(self, X, y):
        super().fit(X, y)
        mu = self.glm_.predict(X)
        excess = np.sum((y - mu) ** 2 - mu)
        self.size_ = float(np.sum(mu**2) / max(excess, 1e-8))
        return self

    def predict_distribution(self, X):
        mu = self.glm_.predict(X)
        return NegBinomial(mu=mu, size=np.full(mu.shape, self.size_))
