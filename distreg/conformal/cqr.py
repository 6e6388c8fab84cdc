"""Conformalized quantile regression (Romano, Patterson & Candès 2019)."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin, clone
from sklearn.linear_model import QuantileRegressor
from sklearn.pipeline import Pipeline

from .._params import LEVELS, HasMethods, Instance
from .._validation import check_1d, check_same_length
from ._base import ConformalMixin, call_model, check_rows, check_target, format_interval

__all__ = ["ConformalizedQuantileRegressor"]


def _quantile_param(estimator, override=None):
    """Name of the parameter that sets the quantile level of a scikit-learn-style model."""
    last = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
    params = last.get_params()
    if override is not None:
        name = override
    elif "quantile" in params:  # QuantileRegressor, HistGradientBoostingRegressor
        name = "quantile"
    elif "alpha" in params and "loss" in params:  # GradientBoostingRegressor
        name = "alpha"
    elif "alpha" in params and "objective" in params:  # LightGBM
        name = "alpha"
    else:
        raise ValueError(
            f"cannot tell how to set the quantile level of {type(last).__name__}; pass "
            "quantile_param='<name of its quantile parameter>', a distreg estimator with "
            "predict_quantiles, or prefit=True with a list of fitted [lower, upper] models."
        )
    if name not in params:
        raise ValueError(f"quantile_param={name!r} is not a parameter of {type(last).__name__}.")
    extra = {}
    if "loss" in params and params["loss"] != "quantile":  # boosting models need the pinball loss
        extra["loss"] = "quantile"
    if "objective" in params and params["objective"] != "quantile":
        extra["objective"] = "quantile"
    prefix = f"{estimator.steps[-1][0]}__" if isinstance(estimator, Pipeline) else ""
    return prefix + name, {prefix + k: v for k, v in extra.items()}


class ConformalizedQuantileRegressor(RegressorMixin, ConformalMixin):
    """Conformalized quantile regression (CQR) intervals, symmetric or asymmetric.

    Quantile models at levels α/2 and 1 - α/2 give a raw band [q̂_lo(x), q̂_hi(x)]; the score
    E = max(q̂_lo(x) - y, y - q̂_hi(x)) on a calibration set gives the correction Q, the
    ceil((n+1)(1-α))-th smallest score, and the interval [q̂_lo - Q, q̂_hi + Q] (Romano,
    Patterson & Candès 2019, eq. (7)-(8)). The asymmetric version calibrates the two sides
    separately at 1 - α/2 each (their Theorem 2). Raw quantiles are sorted per row and a
    corrected interval that would cross is collapsed to its midpoint, so bounds never cross.

    Parameters
    ----------
    estimator : estimator, default QuantileRegressor(alpha=0)
        A scikit-learn quantile model (QuantileRegressor, (Hist)GradientBoostingRegressor,
        LightGBM; the level parameter is set per fit), a distreg estimator with
        ``predict_quantiles`` (fitted once), or with ``prefit=True`` a list of fitted
        ``[lower, upper]`` (or ``[lower, upper, median]``) quantile models.
    confidence_level : float or list of float, default 0.9
    symmetric : bool, default False
        Use one correction for both sides (the original CQR) instead of one per side.
    prefit : bool, default False
    quantile_param : str, optional
        Name of the estimator's quantile-level parameter when it cannot be detected.
    allow_infinite_bounds : bool, default False
        With too few calibration points for a level, return infinite bounds with an
        ``InfiniteBoundsWarning`` instead of raising ``ValueError`` (see docs/conformal.rst).

    Attributes
    ----------
    estimator_ : the fitted base model (a distreg estimator) or dict level -> (lower, upper)
    median_estimator_ : model of the median used by ``predict`` (sklearn models)
    conformity_scores_ : dict level -> ndarray (2, n_cal) with rows q̂_lo - y and y - q̂_hi

    Examples
    --------
    >>> from sklearn.ensemble import GradientBoostingRegressor
    >>> rng = np.random.default_rng(1)
    >>> X = rng.uniform(0, 4, size=(600, 1)); y = X[:, 0] + rng.normal(scale=0.2 + X[:, 0])
    >>> cqr = ConformalizedQuantileRegressor(GradientBoostingRegressor(n_estimators=30, random_state=0))
    >>> cqr = cqr.fit(X[:300], y[:300]).conformalize(X[300:], y[300:])
    >>> pi = cqr.predict_interval(np.array([[0.5], [3.5]]))
    >>> bool(pi[1, 1] - pi[1, 0] > pi[0, 1] - pi[0, 0])  # wider where the noise is larger
    True
    """

    _parameter_constraints = {
        "estimator": [None, HasMethods(["fit", "predict"]),
                      Instance((list, tuple), "a list of fitted [lower, upper] quantile models")],
        "confidence_level": LEVELS,
        "symmetric": [bool],
        "prefit": [bool],
        "quantile_param": [None, Instance(str, "a parameter name (str)")],
        "allow_infinite_bounds": [bool],
    }

    def __init__(self, estimator=None, confidence_level=0.9, symmetric=False, prefit=False,
                 quantile_param=None, allow_infinite_bounds=False):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.symmetric = symmetric
        self.prefit = prefit
        self.quantile_param = quantile_param
        self.allow_infinite_bounds = allow_infinite_bounds

    def _base(self):
        return QuantileRegressor(alpha=0.0, solver="highs") if self.estimator is None else self.estimator

    @staticmethod
    def _is_distributional(est):
        return hasattr(est, "predict_quantiles") and not isinstance(est, (list, tuple))

    # ------------------------------------------------------------------ phases
    def fit(self, X, y, **fit_params):
        """Fit the lower and upper quantile models (and a median model) on training data.

        Returns
        -------
        self
        """
        levels, _ = self._levels()
        base = self._base()
        if isinstance(base, (list, tuple)):
            raise ValueError("a list of models is only accepted with prefit=True (fitted models).")
        if self._is_distributional(base):
            self.estimator_ = self._fit_base(base, X, y, fit_params)
            self.median_estimator_ = None
        else:
            if self.prefit:
                self._fit_base(base, X, y, fit_params)  # raises the prefit message
            n = check_rows(X)
            yv = check_target(y, "y")
            check_same_length(X=range(n), y=yv)
            self._record_features(X)
            name, extra = _quantile_param(base, self.quantile_param)
            models = {}
            for lv in levels:
                a = 1 - lv
                pair = []
                for q in (a / 2, 1 - a / 2):
                    est = clone(base).set_params(**{name: q}, **extra)
                    pair.append(call_model(self, est.fit, X, yv, **fit_params))
                models[float(lv)] = tuple(pair)
            median = clone(base).set_params(**{name: 0.5}, **extra)
            self.median_estimator_ = call_model(self, median.fit, X, yv, **fit_params)
            self.estimator_ = models
        self.__dict__.pop("n_calibration_", None)
        return self

    def _use_prefit(self, levels):
        base = self._base()
        if self._is_distributional(base):
            self.estimator_ = self._prefit_estimator(base)
            self.median_estimator_ = None
            return
        if not isinstance(base, (list, tuple)) or len(base) not in (2, 3):
            raise ValueError(
                "prefit=True needs a fitted distreg estimator or a list of fitted [lower, upper] "
                "(or [lower, upper, median]) quantile models."
            )
        if levels.size != 1:
            raise ValueError("prefit quantile models serve a single confidence_level; pass one number.")
        models = [self._prefit_estimator(m) for m in base]
        self.estimator_ = {float(levels[0]): (models[0], models[1])}
        self.median_estimator_ = models[2] if len(models) == 3 else None

    def conformalize(self, X, y, groups=None, weights=None):
        """Compute the CQR scores on a calibration set.

        Parameters
        ----------
        X, y : calibration data
        groups, weights : optional
            Mondrian groups and covariate-shift likelihood ratios (see
            :class:`SplitConformalRegressor`).

        Returns
        -------
        self
        """
        self._validate_parameters()
        levels, _ = self._levels()
        if self.prefit:
            self._use_prefit(levels)
            self._record_features(X)
        self._require_fitted("conformalize")
        n = check_rows(X)
        y = check_1d(y, "y")
        check_same_length(X=range(n), y=y)
        self._store_calibration(n, groups, weights)
        self.conformity_scores_ = {}
        for lv in levels:
            lo, hi = self._raw(X, float(lv))
            s = np.vstack([lo - y, y - hi])
            if not np.isfinite(s).all():
                raise ValueError(
                    f"the quantile models predicted non-finite bounds at confidence_level={lv:g} for "
                    "some calibration rows; check the base model (its quantiles must be finite).")
            self.conformity_scores_[float(lv)] = s
        self._check_calibration_size(levels, two_sided=not self.symmetric)
        return self

    # ------------------------------------------------------------------ predictions
    def _raw(self, X, level):
        if self._is_distributional(self.estimator_):
            a = 1 - level
            Q = np.asarray(call_model(self, self.estimator_.predict_quantiles, X, [a / 2, 1 - a / 2]), dtype=float)
            lo, hi = Q[:, 0], Q[:, 1]
        else:
            if level not in self.estimator_:
                raise ValueError(
                    f"confidence_level={level:g} was not fitted; the quantile models exist for "
                    f"{sorted(self.estimator_)}. Refit with the levels you need."
                )
            m_lo, m_hi = self.estimator_[level]
            lo = np.asarray(call_model(self, m_lo.predict, X), dtype=float).reshape(-1)
            hi = np.asarray(call_model(self, m_hi.predict, X), dtype=float).reshape(-1)
        return np.minimum(lo, hi), np.maximum(lo, hi)

    def predict(self, X):
        """Median prediction, shape (n,)."""
        self._require_fitted("predict")
        self._predict_rows(X)
        if self._is_distributional(self.estimator_):
            return np.asarray(call_model(self, self.estimator_.predict_quantiles, X, [0.5]), dtype=float)[:, 0]
        if self.median_estimator_ is None:
            lo, hi = self._raw(X, next(iter(self.estimator_)))
            return (lo + hi) / 2
        return np.asarray(call_model(self, self.median_estimator_.predict, X), dtype=float).reshape(-1)

    def predict_interval(self, X, confidence_level=None, groups=None, weights=None):
        """CQR intervals, (m, 2) or (m, 2, L); levels must be among those conformalized.

        Returns
        -------
        ndarray
        """
        self._require_conformalized("predict_interval")
        levels, scalar = self._levels(confidence_level)
        m = self._predict_rows(X)
        g, w = self._test_side(m, groups, weights)
        lows, highs = [], []
        for lv in levels:
            lv = float(lv)
            if lv not in self.conformity_scores_:
                raise ValueError(
                    f"confidence_level={lv:g} was not conformalized; available: "
                    f"{sorted(self.conformity_scores_)}."
                )
            s = self.conformity_scores_[lv]
            lo, hi = self._raw(X, lv)
            if self.symmetric:
                q, = self._quantiles([s.max(axis=0)], np.array([lv]), m, g, w)
                q_lo = q_hi = q[:, 0]
            else:
                q_lo, q_hi = (q[:, 0] for q in self._quantiles([s[0], s[1]], np.array([lv]), m, g, w,
                                                                 two_sided=True))
            low, high = lo - q_lo, hi + q_hi
            crossed = low > high
            if crossed.any():
                mid = (low + high) / 2
                low, high = np.where(crossed, mid, low), np.where(crossed, mid, high)
            lows.append(low)
            highs.append(high)
        return format_interval(np.column_stack(lows), np.column_stack(highs), scalar)
