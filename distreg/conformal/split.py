"""Split conformal regression around any point predictor (Lei et al. 2018; Papadopoulos et al. 2002)."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import RegressorMixin, clone
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import cross_val_predict

from .._params import LEVELS, HasMethods, Instance, Options
from .._validation import check_1d, check_same_length
from ..exceptions import NumericalWarning
from ._base import ConformalMixin, call_model, check_rows, format_interval
from .scores import ConformityScore, get_score

#: constraints of the parameters shared by the regression wrappers
REGRESSOR = [None, HasMethods(["fit", "predict"])]
SCORE = Instance(ConformityScore, "a ConformityScore instance")

__all__ = ["SplitConformalRegressor"]

_SCALE_FOLDS = 5


class SplitConformalRegressor(RegressorMixin, ConformalMixin):
    """Split conformal prediction intervals around any regressor.

    The base model is fitted on training data (``fit``), conformity scores are computed on a
    separate calibration set (``conformalize``) and the interval for a new x contains every y
    whose score is at most the ceil((n + 1)(1 - α))-th smallest calibration score. If the
    calibration and test points are exchangeable, P(y ∈ interval) >= 1 - α in finite samples
    (Lei, G'Sell, Rinaldo, Tibshirani & Wasserman 2018, Theorem 2.2).

    Parameters
    ----------
    estimator : regressor, default LinearRegression()
        Any scikit-learn regressor or distreg estimator.
    confidence_level : float or list of float, default 0.9
        Target coverage 1 - α; a list gives intervals of shape (n, 2, L).
    conformity_score : {"absolute", "normalized", "gamma"} or ConformityScore, default "absolute"
        ``"normalized"`` divides residuals by a difficulty estimate σ̂(x): the predicted standard
        deviation of a distreg ``estimator``, or the prediction of ``scale_estimator``.
        ``"gamma"`` uses the signed relative residual (y - ŷ)/ŷ, calibrated separately below
        and above (positive outcomes).
    prefit : bool, default False
        The estimator is already fitted: skip ``fit`` and call ``conformalize`` directly.
    scale_estimator : regressor, optional
        For ``conformity_score="normalized"`` with a non-distributional estimator: a regressor fitted in
        ``fit`` to the absolute out-of-fold (5-fold) residuals of the training data. With
        ``prefit=True`` it must be fitted already.
    allow_infinite_bounds : bool, default False
        Return infinite bounds (with an :class:`InfiniteBoundsWarning`) when the calibration set
        is too small for the level, instead of raising ``ValueError``.

    Attributes
    ----------
    estimator_ : fitted base estimator
    conformity_scores_ : ndarray, shape (n_cal,)
    n_calibration_ : int

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(0, 1, size=(400, 1)); y = 2 * X[:, 0] + rng.normal(size=400)
    >>> scr = SplitConformalRegressor(confidence_level=0.9).fit(X[:200], y[:200])
    >>> scr = scr.conformalize(X[200:], y[200:])
    >>> scr.predict_interval(np.array([[0.5]])).round(2)
    array([[-0.68,  2.75]])
    >>> scr.predict_interval(np.array([[0.5]]), confidence_level=[0.5, 0.9]).shape
    (1, 2, 2)
    """

    _parameter_constraints = {
        "estimator": REGRESSOR,
        "confidence_level": LEVELS,
        "conformity_score": [Options({"absolute", "normalized", "gamma"}), SCORE],
        "prefit": [bool],
        "scale_estimator": REGRESSOR,
        "allow_infinite_bounds": [bool],
    }

    def __init__(self, estimator=None, confidence_level=0.9, conformity_score="absolute", prefit=False,
                 scale_estimator=None, allow_infinite_bounds=False):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.conformity_score = conformity_score
        self.prefit = prefit
        self.scale_estimator = scale_estimator
        self.allow_infinite_bounds = allow_infinite_bounds

    def _base(self):
        return LinearRegression() if self.estimator is None else self.estimator

    # ------------------------------------------------------------------ phases
    def fit(self, X, y, **fit_params):
        """Fit the base estimator (and the scale estimator, if any) on training data.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n, p)
        y : array-like, shape (n,)
        **fit_params
            Passed to the base estimator's ``fit``.

        Returns
        -------
        self
        """
        self._levels()
        score = get_score(self.conformity_score)
        est = self._fit_base(self._base(), X, y, fit_params)
        self.scale_estimator_ = None
        if score.needs_scale and self.scale_estimator is not None:
            yv = check_1d(y, "y")
            if yv.shape[0] < _SCALE_FOLDS:
                raise ValueError(
                    f"X has {yv.shape[0]} rows: the scale_estimator is fitted to out-of-fold residuals "
                    f"of {_SCALE_FOLDS} folds, which needs at least {_SCALE_FOLDS} training rows.")
            # out-of-fold residuals: in-sample residuals of a flexible model are too small
            def out_of_fold_predict(X_, y_):
                return cross_val_predict(clone(self._base()), X_, y_, cv=_SCALE_FOLDS)

            oof = call_model(self, out_of_fold_predict, X, yv)
            self.scale_estimator_ = call_model(self, clone(self.scale_estimator).fit, X, np.abs(yv - oof))
        self.estimator_ = est
        for attr in ("conformity_scores_", "n_calibration_"):
            self.__dict__.pop(attr, None)
        return self

    def conformalize(self, X, y, groups=None, weights=None):
        """Compute conformity scores on a calibration set (not used for fitting).

        Parameters
        ----------
        X : array-like or DataFrame, shape (n_cal, p)
        y : array-like, shape (n_cal,)
        groups : array-like, shape (n_cal,), optional
            Mondrian categories: each test row is calibrated on its own group only (pass the
            test groups to ``predict_interval``).
        weights : array-like, shape (n_cal,), optional
            Likelihood ratios w(x) = dP_test/dP_cal for weighted conformal prediction under
            covariate shift (Tibshirani et al. 2019); pass the test rows' ratios to
            ``predict_interval``. See :class:`LikelihoodRatioWeights`.

        Returns
        -------
        self
        """
        self._validate_parameters()
        levels, _ = self._levels()
        if self.prefit:
            self.estimator_ = self._prefit_estimator(self._base())
            self._record_features(X)
            if not hasattr(self, "scale_estimator_"):
                self.scale_estimator_ = None
                if get_score(self.conformity_score).needs_scale and self.scale_estimator is not None:
                    self.scale_estimator_ = self._prefit_estimator(self.scale_estimator)
        self._require_fitted("conformalize")
        n = check_rows(X)
        y = check_1d(y, "y")
        check_same_length(X=range(n), y=y)
        score = get_score(self.conformity_score)
        pred = self._point(X)
        scale = self._scale(X, calibrate=True) if score.needs_scale else None
        self.conformity_scores_ = np.asarray(score.score(y, pred, scale), dtype=float)
        if not np.isfinite(self.conformity_scores_).all():
            raise ValueError("the conformity scores contain NaN or inf; check the predictions and scales.")
        self._store_calibration(n, groups, weights)
        self._check_calibration_size(levels, two_sided=not score.symmetric)
        return self

    # ------------------------------------------------------------------ predictions
    def _score_obj(self):
        return get_score(self.conformity_score)

    def _point(self, X):
        return np.asarray(call_model(self, self.estimator_.predict, X), dtype=float).reshape(-1)

    def _scale(self, X, calibrate=False):
        if self.scale_estimator_ is not None:
            s = np.asarray(call_model(self, self.scale_estimator_.predict, X), dtype=float).reshape(-1)
        elif hasattr(self.estimator_, "predict_distribution"):
            s = np.asarray(call_model(self, self.estimator_.predict_distribution, X).std(), dtype=float)
        else:
            raise ValueError(
                "score='normalized' needs a difficulty estimate: pass scale_estimator= (a regressor "
                "of the absolute residuals) or use a distreg estimator with predict_distribution."
            )
        if calibrate:
            pos = s[np.isfinite(s) & (s > 0)]
            self.scale_floor_ = 1e-6 * (float(np.median(pos)) if pos.size else 1.0)
        bad = ~(s >= self.scale_floor_)
        if bad.any():
            warnings.warn(
                f"{int(bad.sum())} predicted scale(s) were not positive (or below 1e-6 of the "
                f"median scale); they were raised to {self.scale_floor_:.3g}.",
                NumericalWarning, stacklevel=3,
            )
            s = np.where(bad, self.scale_floor_, s)
        return s

    def _score_quantiles(self, score, levels, m, groups, weights):
        """(q_low, q_high), each (m, L): one quantile for a symmetric score, one per side otherwise."""
        s = self.conformity_scores_
        if score.symmetric:
            q, = self._quantiles([s], levels, m, groups, weights)
            return q, q
        q_hi, q_neg = self._quantiles([s, -s], levels, m, groups, weights, two_sided=True)
        return -q_neg, q_hi

    def predict(self, X):
        """Point prediction of the base estimator, shape (n,)."""
        self._require_fitted("predict")
        self._predict_rows(X)
        return self._point(X)

    def predict_interval(self, X, confidence_level=None, groups=None, weights=None):
        """Conformal prediction intervals.

        Parameters
        ----------
        X : array-like or DataFrame, shape (m, p)
        confidence_level : float or list, optional
            Defaults to the ``confidence_level`` parameter.
        groups : array-like, shape (m,), optional
            Test groups (required when ``conformalize`` got groups).
        weights : array-like, shape (m,), optional
            Test likelihood ratios (required when ``conformalize`` got weights).

        Returns
        -------
        ndarray, shape (m, 2) for one level, (m, 2, L) for a list of L levels
        """
        self._require_conformalized("predict_interval")
        levels, scalar = self._levels(confidence_level)
        m = self._predict_rows(X)
        g, w = self._test_side(m, groups, weights)
        score = get_score(self.conformity_score)
        q_lo, q_hi = self._score_quantiles(score, levels, m, g, w)
        pred = self._point(X)[:, None]
        scale = self._scale(X)[:, None] if score.needs_scale else None
        lo, hi = score.interval(pred, q_lo, q_hi, scale)
        return format_interval(np.asarray(lo, float), np.asarray(hi, float), scalar)
