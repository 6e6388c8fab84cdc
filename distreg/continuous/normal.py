"""Heteroscedastic Gaussian regression: mean and log standard deviation linear in X."""

from __future__ import annotations

import numpy as np

from .._params import Options
from ..distributions import Normal
from ..likelihood import LikelihoodRegressor, LikelihoodSpec, Parameter
from ..likelihood.estimator import COVARIATES, covariate_choice

__all__ = ["NormalRegressor", "NormalSpec"]


class NormalSpec(LikelihoodSpec):
    """Gaussian likelihood with identity link on the mean and log link on the sd."""

    parameters = (Parameter("loc", "identity"), Parameter("scale", "log"))

    def _terms(self, eta, data):
        from .._kernels.likelihood_normal import normal_loglik

        y = data["y"]
        n = y.shape[0]
        ll, score, hess = np.empty(n), np.empty((n, 2)), np.empty((n, 2, 2))
        normal_loglik(y, np.ascontiguousarray(eta[:, 0]), np.ascontiguousarray(eta[:, 1]), ll, score, hess)
        return ll, score, hess

    def loglik(self, eta, data):
        ll, score, _ = self._terms(eta, data)
        return ll, score

    def hessian(self, eta, data):
        return self._terms(eta, data)[2]

    def start_values(self, designs, data, weights):
        # weighted least squares for the mean, the log residual sd for the scale intercept
        y = data["y"]
        sw = np.sqrt(weights)
        D = designs[0].matrix
        beta = np.linalg.lstsq(D * sw[:, None], y * sw, rcond=None)[0] if D.shape[1] else np.zeros(0)
        resid = y - (D @ beta if D.shape[1] else 0.0)
        sd = np.sqrt(np.dot(weights, resid**2) / weights.sum())
        return [[beta, float(np.log(max(sd, 1e-12 * max(1.0, np.abs(y).max()))))]]


class NormalRegressor(LikelihoodRegressor):
    """Gaussian regression with a linear mean and, optionally, a log-linear standard deviation.

    y | x ~ N(μ(x), σ(x)²) with μ = x'β (identity link) and log σ = z'γ, where z is the
    intercept only (``scale_covariates=False``, the homoscedastic linear model fitted by maximum
    likelihood), all columns of X (``True``), or the listed columns. Fitted by the shared
    likelihood engine; with an intercept-only scale the coefficients equal ordinary least squares
    and σ² the ML residual variance RSS/n.

    Parameters
    ----------
    scale_covariates : bool or list, default False
        Which columns enter log σ: False (none), True (all) or a list of indices/names.
    point : {"mean", "median"}, default "mean"
        What ``predict`` returns (equal here; kept for the shared contract).
    max_iter : int, default 500
        Optimiser iteration limit.
    tol : float, default 1e-8
        Convergence tolerance.
    penalizer : float or dict, default 0
        Strength of a ridge/lasso/elastic-net penalty on the coefficients of the covariates
        (standardised internally; intercepts unpenalised): one value, or ``{"loc": s, "scale": s}``
        per parameter. See :func:`distreg.likelihood.maximize_likelihood` for the objective.
    l1_ratio : float, default 0
        Lasso share of the penalty (0 ridge, 1 lasso).

    Attributes
    ----------
    coef_ : dict
        ``{"loc": β, "scale": γ}`` (γ on the log-sd scale).
    result_ : LikelihoodResults
        Estimates, standard errors (observed information), log-likelihood, AIC, BIC.
    converged_ : bool
    limits_ : list of LimitReport
        Bounds or limits that the fit ends at (empty for an interior maximum).

    Examples
    --------
    >>> from distreg.datasets import load_engel
    >>> engel = load_engel()
    >>> m = NormalRegressor(scale_covariates=True).fit(engel[["income"]], engel["foodexp"])
    >>> m.result_.params["estimate"].round(4).tolist()
    [62.8941, 0.5815, 3.3519, 0.001]
    >>> m.predict_interval(engel[["income"]].iloc[:2]).round(1)
    array([[235.5, 378.9],
           [296.7, 458.8]])
    >>> f = NormalRegressor.from_formula("foodexp ~ income", engel, scale_formula="~ income")
    >>> bool(np.isclose(f.loglik_, m.loglik_))
    True

    A lasso penalty shrinks the income slope of log σ to exactly zero:

    >>> p = NormalRegressor(scale_covariates=True, penalizer={"scale": 0.5}, l1_ratio=1.0)
    >>> p.fit(engel[["income"]], engel["foodexp"]).coef_["scale"][1]
    np.float64(0.0)
    """

    _formula_keywords = {"loc": "formula", "scale": "scale_formula"}
    _parameter_constraints = {
        **LikelihoodRegressor._parameter_constraints,
        "scale_covariates": COVARIATES,
        "point": [Options({"mean", "median"})],
    }

    def __init__(self, scale_covariates=False, point="mean", max_iter=500, tol=1e-8, penalizer=0.0,
                 l1_ratio=0.0):
        self.scale_covariates = scale_covariates
        self.point = point
        self.max_iter = max_iter
        self.tol = tol
        self.penalizer = penalizer
        self.l1_ratio = l1_ratio

    def _spec(self):
        return NormalSpec()

    def _covariates(self):
        return {"loc": "all", "scale": covariate_choice(self.scale_covariates)}

    def _response(self, y, n, **fit_params):
        if fit_params:
            raise TypeError(f"fit() got unexpected keyword arguments {sorted(fit_params)}.")
        return {"y": self._validate_y(y, n)}

    def _check_degenerate(self, data, w):
        y = data["y"][w > 0]
        if np.ptp(y) == 0:
            raise ValueError(
                f"y has zero spread (every observation equals {y[0]:g}): the Gaussian likelihood grows "
                "without bound as the standard deviation goes to 0, so there is no maximum-likelihood "
                "fit. Pass a response that varies."
            )

    def _distribution(self, theta):
        return Normal(loc=theta["loc"], scale=theta["scale"])

    def _model_name(self):
        return "NormalRegressor"
