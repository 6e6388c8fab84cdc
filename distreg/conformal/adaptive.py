"""Adaptive conformal inference for sequential data (Gibbs & Candès 2021)."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import RegressorMixin

from .._params import Interval, Options
from .._validation import check_1d, check_same_length
from ._base import ConformalMixin, check_rows, format_interval
from ._quantile import InfiniteBoundsWarning, _conformal_quantile, _n_required, check_calibration_size
from .split import REGRESSOR, SCORE, SplitConformalRegressor

__all__ = ["AdaptiveConformalRegressor"]


class AdaptiveConformalRegressor(RegressorMixin, ConformalMixin):
    """Adaptive conformal inference (ACI): split conformal intervals whose level tracks errors.

    After each new observation the working miscoverage level is updated,
    αₜ₊₁ = αₜ + γ (α - errₜ), errₜ = 1{yₜ outside its interval} (Gibbs & Candès 2021,
    "Adaptive conformal inference under distribution shift", eq. (2)); the interval at time t
    uses the ⌈(1-αₜ)(n+1)⌉-th smallest of the current scores (all past scores, or the last
    ``window``). Whatever the data, the long-run error rate satisfies
    ``|mean(err) - α| <= (max(α₁, 1 - α₁) + γ) / (γ T)`` (their Proposition 4.1). αₜ <= 0, or a
    level 1 - αₜ beyond the reach of the current scores, gives an infinite interval (that is part
    of the method and needs no warning) and αₜ >= 1 the point prediction alone. The initial
    calibration set (and ``window``) must reach ``confidence_level``, under the rule of every
    conformal class: an error saying how many points are needed, or infinite bounds with a
    warning if ``allow_infinite_bounds=True``.

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
    allow_infinite_bounds : bool, default False
        Accept an initial calibration set (or ``window``) too small for ``confidence_level``:
        the first intervals are then infinite, with an ``InfiniteBoundsWarning``.

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

    _parameter_constraints = {
        "estimator": REGRESSOR,
        "confidence_level": [Interval("real", 0, 1, closed="neither")],
        "gamma": [Interval("real", 0, None, closed="neither")],
        "window": [None, Interval("int", 1, None)],
        "conformity_score": [Options({"absolute", "normalized"}), SCORE],
        "prefit": [bool],
        "scale_estimator": REGRESSOR,
        "allow_infinite_bounds": [bool],
    }

    def __init__(self, estimator=None, confidence_level=0.9, gamma=0.005, window=None, conformity_score="absolute",
                 prefit=False, scale_estimator=None, allow_infinite_bounds=False):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.gamma = gamma
        self.window = window
        self.conformity_score = conformity_score
        self.prefit = prefit
        self.scale_estimator = scale_estimator
        self.allow_infinite_bounds = allow_infinite_bounds

    def _split(self):
        from sklearn.linear_model import LinearRegression

        return SplitConformalRegressor(
            LinearRegression() if self.estimator is None else self.estimator, confidence_level=0.5,
            conformity_score=self.conformity_score, prefit=self.prefit, scale_estimator=self.scale_estimator,
            allow_infinite_bounds=True,
        )

    def fit(self, X, y, **fit_params):
        """Fit the base regressor.

        Returns
        -------
        self
        """
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
        self._validate_parameters()
        level = float(self.confidence_level)
        if self.prefit:
            self.split_ = self._split()
            self._record_features(X)
        else:
            self._require_fitted("conformalize")
        self.split_.conformalize(X, y)
        if not self.split_._score_obj().symmetric:
            raise ValueError("AdaptiveConformalRegressor needs a symmetric score (absolute or normalized).")
        self._check_initial_size(len(self.split_.conformity_scores_), level)
        self.estimator_ = self.split_.estimator_
        self.conformity_scores_ = list(self.split_.conformity_scores_)
        self.alpha_t_ = 1.0 - level
        self.alpha_history_ = []
        self.errors_ = []
        self.calibration_groups_ = None
        self.calibration_weights_ = None
        self.n_calibration_ = len(self.conformity_scores_)
        return self

    def _check_initial_size(self, n, level):
        """The rule for too few calibration points, applied to the first interval and the window."""
        allow = bool(self.allow_infinite_bounds)
        check_calibration_size(n, level, allow_infinite=allow,
                               where=f"{self._calibration_name} ({self._calibration_source})")
        if self.window is not None and self.window < _n_required(level):
            message = (f"window={self.window} keeps too few scores for confidence_level={level:g}: the "
                       f"conformal quantile needs at least {_n_required(level)}")
            if not allow:
                raise ValueError(message + "; raise window or pass allow_infinite_bounds=True.")
            warnings.warn(message + "; the bounds are infinite until the level adapts "
                          "(allow_infinite_bounds=True).", InfiniteBoundsWarning, stacklevel=3)

    def _current_scores(self):
        s = np.asarray(self.conformity_scores_)
        return s if self.window is None else s[-self.window:]

    def _q(self, alpha):
        if alpha <= 0:
            return np.inf
        if alpha >= 1:
            return 0.0
        return float(_conformal_quantile(self._current_scores(), np.array([1 - alpha]), True, "")[0])

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
        target = 1.0 - float(self.confidence_level)
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
