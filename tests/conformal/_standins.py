"""Small stand-in distreg models for tests: GLM-based count models and exponential survival with a
cure fraction, built on the package's own distributions where it has them, so that the conformal
paths can be tested against closed forms.
"""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import PoissonRegressor

from distreg.distributions import ContinuousDistribution, NegativeBinomial, Poisson



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
        return NegativeBinomial(mu=mu, alpha=np.full(mu.shape, 1.0 / self.size_))
