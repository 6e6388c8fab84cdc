"""Conformal predictive systems (Vovk et al. 2017/2020), compatible with crepes."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.linear_model import LinearRegression

from .._params import LEVELS, Options
from .._validation import check_1d, check_levels, check_same_length
from ._base import ConformalMixin, check_groups, check_rows
from .distributions import ConformalPredictiveDistribution
from .split import REGRESSOR, SplitConformalRegressor

__all__ = ["ConformalPredictiveSystem"]


class ConformalPredictiveSystem(RegressorMixin, ConformalMixin):
    """Split conformal predictive system: a full predictive CDF per row from any regressor.

    With calibration residuals αᵢ = (yᵢ - ŷ(xᵢ)) / σ(xᵢ) (σ = 1 unless ``conformity_score="normalized"``),
    the predictive distribution of x puts mass 1/(n+1) on each ŷ(x) + σ(x) αᵢ (Vovk, Petej,
    Nouretdinov, Manokhin & Gammerman 2020, "Computationally efficient versions of conformal
    predictive distributions", split CPS). Its quantiles equal crepes'
    ``ConformalPredictiveSystem`` percentiles, and its ``cdf`` at the true y is a (non-smoothed)
    conformal p-value, uniform up to a 1/(n+1) grid. Mondrian ``groups`` give one CPS per group.

    Parameters
    ----------
    estimator : regressor, default LinearRegression()
    conformity_score : {"absolute", "normalized"}, default "absolute"
        ``"absolute"`` uses raw residuals (standard CPS), ``"normalized"`` divides by σ(x) from
        a distreg estimator's predicted standard deviation or ``scale_estimator``.
    prefit : bool, default False
    scale_estimator : regressor, optional
    confidence_level : float or list, default 0.9
        Default level of ``predict_interval``; ``conformalize`` checks that the calibration set
        can reach it.
    allow_infinite_bounds : bool, default False
        With too few calibration points for a level of ``predict_interval`` or
        ``predict_quantiles``, return infinite bounds with an ``InfiniteBoundsWarning`` instead
        of raising ``ValueError``. (``predict_distribution`` always returns the defective
        distribution, whose quantiles above n/(n+1) are +inf.)

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> X = rng.normal(size=(300, 1)); y = X[:, 0] + rng.normal(size=300)
    >>> cps = ConformalPredictiveSystem().fit(X[:100], y[:100]).conformalize(X[100:], y[100:])
    >>> d = cps.predict_distribution(np.array([[0.0], [1.0]]))
    >>> d.ppf(0.5).round(2), d.cdf(np.array([0.0, 1.0])).round(3)
    (array([-0.23,  0.77]), array([0.577, 0.577]))
    """

    _parameter_constraints = {
        "estimator": REGRESSOR,
        "conformity_score": [Options({"absolute", "normalized"})],
        "prefit": [bool],
        "scale_estimator": REGRESSOR,
        "confidence_level": LEVELS,
        "allow_infinite_bounds": [bool],
    }

    def __init__(self, estimator=None, conformity_score="absolute", prefit=False, scale_estimator=None,
                 confidence_level=0.9, allow_infinite_bounds=False):
        self.estimator = estimator
        self.conformity_score = conformity_score
        self.prefit = prefit
        self.scale_estimator = scale_estimator
        self.confidence_level = confidence_level
        self.allow_infinite_bounds = allow_infinite_bounds

    def _split(self):
        return SplitConformalRegressor(
            LinearRegression() if self.estimator is None else self.estimator,
            conformity_score=self.conformity_score, prefit=self.prefit, scale_estimator=self.scale_estimator,
            allow_infinite_bounds=True, confidence_level=0.5,
        )

    def fit(self, X, y, **fit_params):
        """Fit the base regressor on training data.

        Returns
        -------
        self
        """
        self._levels()
        self.split_ = self._split().fit(X, y, **fit_params)
        self.estimator_ = self.split_.estimator_
        self._record_features(X)
        self.__dict__.pop("n_calibration_", None)
        return self

    def conformalize(self, X, y, groups=None):
        """Compute the (signed) calibration residuals.

        Parameters
        ----------
        X, y : calibration data
        groups : array-like, optional
            Mondrian categories (pass the test rows' groups to the prediction methods).

        Returns
        -------
        self
        """
        self._validate_parameters()
        levels, _ = self._levels()
        if self.prefit:
            self.split_ = self._split()
            self.split_.conformalize(X, y)  # sets estimator_ and the scale floor
            self.estimator_ = self.split_.estimator_
            self._record_features(X)
        self._require_fitted("conformalize")
        n = check_rows(X)
        y = check_1d(y, "y")
        check_same_length(X=range(n), y=y)
        pred = self.split_._point(X)
        sigma = self._sigma(X, calibrate=True)
        self.residuals_ = (y - pred) / sigma
        self._store_calibration(n, groups, None)
        # the interval at confidence_level takes the ⌈(1 - α/2)(n + 1)⌉-th point on each side
        self._check_calibration_size(levels, two_sided=True)
        return self

    def _sigma(self, X, calibrate=False):
        if self.conformity_score == "absolute":
            return np.ones(check_rows(X))
        return self.split_._scale(X, calibrate=calibrate)

    def predict(self, X):
        """Point prediction of the base regressor."""
        self._require_fitted("predict")
        self._predict_rows(X)
        return self.split_._point(X)

    def predict_distribution(self, X, groups=None):
        """Conformal predictive distributions, one per row of X.

        Returns
        -------
        ConformalPredictiveDistribution
        """
        self._require_conformalized("predict_distribution")
        m = self._predict_rows(X)
        g, _ = self._test_side(m, groups, None)
        pred = self.split_._point(X)
        sigma = self._sigma(X)
        if g is None:
            values = pred[:, None] + sigma[:, None] * np.sort(self.residuals_)[None, :]
            return ConformalPredictiveDistribution(values)
        cal_g = self.calibration_groups_
        unseen = np.setdiff1d(np.unique(g), np.unique(cal_g))
        if unseen.size:
            raise ValueError(f"groups {unseen.tolist()[:5]} occur at prediction but not in the calibration data.")
        sizes = {k: int((cal_g == k).sum()) for k in np.unique(g)}
        M = max(sizes.values())
        values = np.full((m, M), np.inf)
        counts = np.empty(m)
        for k in np.unique(g):
            rows = g == k
            r = np.sort(self.residuals_[cal_g == k])
            values[rows, : r.size] = pred[rows, None] + sigma[rows, None] * r[None, :]
            counts[rows] = r.size
        return ConformalPredictiveDistribution(values, counts)

    def predict_quantiles(self, X, quantiles, groups=None):
        """Quantiles of the predictive distributions (crepes' higher percentiles), (m, k).

        A level q needs ⌈q(n + 1)⌉ <= n calibration points (see ``allow_infinite_bounds``).
        """
        levels = check_levels(quantiles, "quantiles")
        d = self.predict_distribution(X, groups)
        self._size_rule(levels, False, check_groups(groups, len(d)))
        return d.ppf(levels[None, :])

    def predict_interval(self, X, confidence_level=None, groups=None):
        """Conformal intervals from the predictive distributions, (m, 2) or (m, 2, L)."""
        levels, scalar = self._levels(confidence_level)
        d = self.predict_distribution(X, groups)
        self._size_rule(levels, True, check_groups(groups, len(d)))
        return d.interval(float(levels[0]) if scalar else levels)

    def predict_cdf(self, X, y, groups=None):
        """Conformal p-values Q(y) = #{Cᵢ <= y}/(n+1) of the values y (one per row)."""
        y = check_1d(y, "y")
        check_same_length(X=range(check_rows(X)), y=y)
        return self.predict_distribution(X, groups).cdf(y)
