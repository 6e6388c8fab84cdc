"""Adaptive conformal inference for sequential data (Gibbs & Candès 2021)."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from .._validation import check_1d, check_int, check_positive_scalar, check_same_length
from ._base import ConformalMixin, check_rows, format_interval
from ._quantile import conformal_quantile
from .split import SplitConformalRegressor

__all__ = ["AdaptiveConformalRegressor"]


class AdaptiveConformalRegressor(RegressorMixin, ConformalMixin):
    """Adaptive conformal inference (ACI): split conformal intervals whose level tracks errors.

    After each new observation the working miscoverage level is updated,
    αₜ₊₁ = αₜ + γ (α - errₜ), errₜ = 1{yₜ outside its interval} (Gibbs & Candès 2021,
    "Adaptive conformal inference under distribution shift", eq. (2)); the interval at time t
    uses the ⌈(1-αₜ)(n+1)⌉-th smallest of the current scores (all past scores, or the last
    ``window``). Whatever the data, the long-run error rate satisfies
    ``|mean(err) - α| <= (max(α₁, 1 - α₁) + γ) / (γ T)`` (their Proposition 4.1). αₜ <= 0 gives an
    infinite interval and αₜ >= 1 the point prediction alone.

    Parameters
    ----------
    estimator : regressor, default LinearRegression()
    confidence_level : float, default 0.9
    gamma : float, default 0.005
        Step size γ.
    window : int, optional
        Keep only the most recent ``window`` scores.
    conformity_score : {"absolute", "normalized", "gamma"} or ConformityScore, default "absolute"
        Symmetric scores only.
    prefit : bool, default False
    scale_estimator : regressor, optional

    Attributes
    ----------
    alpha_t_ : float
        Current working miscoverage level.
    alpha_history_, errors_ : list
        Levels used and errors made at each update.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.arange(600.0)[:, None]; y = rng.normal(scale=np.where(X[:, 0] < 400, 1.0, 3.0))
    >>> aci = AdaptiveConformalRegressor(gamma=0.05).fit(X[:100], y[:100])
    >>> aci = aci.conformalize(X[100:200], y[100:200])
    >>> for t in range(200, 600):
    ...     aci = aci.update(X[t:t + 1], y[t:t + 1])
    >>> round(float(np.mean(aci.errors_)), 2)
    0.1
    """

    def __init__(self, estimator=None, confidence_level=0.9, gamma=0.005, window=None, conformity_score="absolute",
                 prefit=False, scale_estimator=None):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.gamma = gamma
        self.window = window
        self.conformity_score = conformity_score
        self.prefit = prefit
        self.scale_estimator = scale_estimator

    def _split(self):
        from sklearn.linear_model import LinearRegression

        return SplitConformalRegressor(
            LinearRegression() if self.estimator is None else self.estimator, confidence_level=0.5,
            conformity_score=self.conformity_score, prefit=self.prefit, scale_estimator=self.scale_estimator,
            allow_infinite_bounds=True,
        )

    def _check_params(self):
        levels, scalar = self._levels()
        if not scalar:
            raise ValueError("AdaptiveConformalRegressor takes a single confidence_level.")
        check_positive_scalar(self.gamma, "gamma")
        if self.window is not None:
            check_int(self.window, "window", minimum=1)
        return float(levels[0])

    def fit(self, X, y, **fit_params):
        """Fit the base regressor.

        Returns
        -------
        self
        """
        self._check_params()
        self.split_ = self._split().fit(X, y, **fit_params)
        self.estimator_ = self.split_.estimator_
        self._record_features(X)
        self.__dict__.pop("n_calibration_", None)
        return self

    def conformalize(self, X, y):
        """Initial calibration scores and α₁ = 1 - confidence_level.

        Returns
        -------
        self
        """
        level = self._check_params()
        if self.prefit:
            self.split_ = self._split()
            self._record_features(X)
        else:
            self._require_fitted("conformalize")
        self.split_.conformalize(X, y)
        if not self.split_._score_obj().symmetric:
            raise ValueError("AdaptiveConformalRegressor needs a symmetric score (absolute or normalized).")
        self.estimator_ = self.split_.estimator_
        self.conformity_scores_ = list(self.split_.conformity_scores_)
        self.alpha_t_ = 1.0 - level
        self.alpha_history_ = []
        self.errors_ = []
        self.calibration_groups_ = None
        self.calibration_weights_ = None
        self.n_calibration_ = len(self.conformity_scores_)
        return self

    def _current_scores(self):
        s = np.asarray(self.conformity_scores_)
        return s if self.window is None else s[-self.window:]

    def _q(self, alpha):
        if alpha <= 0:
            return np.inf
        if alpha >= 1:
            return 0.0
        return float(conformal_quantile(self._current_scores(), [1 - alpha], allow_infinite=True)[0])

    def predict(self, X):
        """Point prediction of the base regressor."""
        self._require_fitted("predict")
        self._predict_rows(X)
        return self.split_._point(X)

    def predict_interval(self, X):
        """Intervals at the current working level αₜ, shape (m, 2).

        Returns
        -------
        ndarray
        """
        self._require_conformalized("predict_interval")
        self._predict_rows(X)
        score = self.split_._score_obj()
        q = np.array([[self._q(self.alpha_t_)]])
        pred = self.split_._point(X)[:, None]
        scale = self.split_._scale(X)[:, None] if score.needs_scale else None
        lo, hi = score.bounds(pred, q, scale)
        return format_interval(np.asarray(lo, float), np.asarray(hi, float), True)

    def update(self, X, y):
        """Observe new rows in time order: score them, record errors and update αₜ.

        Each row is first predicted with the current level, then its error updates the level,
        then its score joins the calibration scores.

        Returns
        -------
        self
        """
        self._require_conformalized("update")
        n = check_rows(X)
        y = check_1d(y, "y")
        check_same_length(X=range(n), y=y)
        target = 1.0 - self._check_params()
        score = self.split_._score_obj()
        pred = self.split_._point(X)
        scale = self.split_._scale(X) if score.needs_scale else None
        s_new = np.asarray(score.score(y, pred, scale), dtype=float)
        for t in range(n):
            q = self._q(self.alpha_t_)
            err = float(s_new[t] > q)
            self.alpha_history_.append(self.alpha_t_)
            self.errors_.append(err)
            self.alpha_t_ = self.alpha_t_ + self.gamma * (target - err)
            self.conformity_scores_.append(float(s_new[t]))
        self.n_calibration_ = len(self.conformity_scores_)
        return self
