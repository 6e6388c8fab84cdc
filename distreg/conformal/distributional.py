"""Distributional conformal prediction around distreg models (Chernozhukov, Wüthrich & Zhu 2021)."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin, clone

from .._params import LEVELS, HasMethods, Options
from .._validation import check_1d, check_same_length
from ._base import (
    ConformalMixin,
    call_model,
    check_groups,
    check_rows,
    check_target,
    check_weights,
    format_interval,
)
from .distributions import RecalibratedContinuous, RecalibratedDiscrete

__all__ = ["ConformalDistributionRegressor"]


def _as_response(y):
    if y is None:
        raise ValueError("this estimator requires y to be passed, but the target y is None.")
    arr = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        return arr[:, 0]
    return arr


def _mid_pit(dist, y):
    """F(y) for continuous rows; F(y-1) + P(y)/2 for integer rows (a deterministic PIT)."""
    if getattr(dist, "discrete", False):
        return dist.cdf(y - 1) + 0.5 * dist.pmf(y)
    return dist.cdf(y)


class ConformalDistributionRegressor(RegressorMixin, ConformalMixin):
    """Calibrate the predictive distributions of any distreg model with conformal prediction.

    The conformity score is the probability integral transform Uᵢ = F̂(yᵢ | xᵢ) of the
    calibration outcomes under the model (Chernozhukov, Wüthrich & Zhu 2021, "Distributional
    conformal prediction", PNAS, section 2). With ``method="equal_tailed"`` the interval is
    [F̂⁻¹(u_lo | x), F̂⁻¹(u_hi | x)] with u_hi the ⌈(1-α/2)(n+1)⌉-th smallest Uᵢ and u_lo the
    ⌊(α/2)(n+1)⌋-th smallest (their DCP with equal tails); ``method="symmetric"`` uses the score
    ``|U - 1/2|`` (their eq. (2.4)). Either way coverage is >= 1 - α for exchangeable data, however
    wrong the model is; a good model gives short, adaptive intervals.

    ``predict_distribution`` returns the recalibrated distribution F̃(y | x) = G(F̂(y | x)), where G
    is the conformal distribution of the PITs (piecewise linear through (U₍ᵢ₎, i/(n+1))); its
    quantiles at levels i/(n+1) are exactly the conformal bounds.

    * Integer models (a ``DiscreteDistribution``): the PIT is F̂(y-1) + P̂(y)/2, increasing in y,
      so the prediction *set* {y : u_lo <= PIT(y) <= u_hi} is a run of integers, returned by
      ``predict_interval`` as its first and last integer and by ``predict_set`` as a mask.
    * Survival models: pass ``event`` to ``conformalize``; only uncensored calibration rows are
      used. **Assumption**: the uncensored calibration times are exchangeable with the test
      time (e.g. a calibration sample without censoring, or censoring that only happens after
      every relevant time); under informative or covariate-dependent censoring the uncensored
      times are a biased sample and the guarantee does not hold. Defective (cure) models give
      +inf upper bounds above the cure point.

    Parameters
    ----------
    estimator : distreg estimator with ``predict_distribution``
    confidence_level : float or list of float, default 0.9
    method : {"equal_tailed", "symmetric"}, default "equal_tailed"
    prefit : bool, default False
    allow_infinite_bounds : bool, default False
        With too few calibration points for a level, return infinite bounds with an
        ``InfiniteBoundsWarning`` instead of raising ``ValueError`` (see docs/conformal.rst).

    Examples
    --------
    >>> from distreg import NormalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(0, 2, size=(600, 1))
    >>> y = X[:, 0] + rng.standard_t(3, size=600) * (0.2 + X[:, 0])   # heavy tails, not normal
    >>> cdr = ConformalDistributionRegressor(NormalRegressor(scale_covariates=True))
    >>> cdr = cdr.fit(X[:300], y[:300]).conformalize(X[300:], y[300:])
    >>> cdr.predict_interval(np.array([[0.1], [1.9]])).round(1)
    array([[-1.2,  1.2],
           [-5.2,  8.7]])
    >>> cdr.predict_distribution(np.array([[1.0]])).cdf(1.0).round(2)
    array([0.5])
    """

    _parameter_constraints = {
        "estimator": [None, HasMethods(["fit", "predict_distribution"])],
        "confidence_level": LEVELS,
        "method": [Options({"equal_tailed", "symmetric"})],
        "prefit": [bool],
        "allow_infinite_bounds": [bool],
    }

    def __init__(self, estimator=None, confidence_level=0.9, method="equal_tailed", prefit=False,
                 allow_infinite_bounds=False):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.method = method
        self.prefit = prefit
        self.allow_infinite_bounds = allow_infinite_bounds

    def _base(self):
        if self.estimator is None:
            from ..continuous import NormalRegressor

            return NormalRegressor()
        return self.estimator

    def fit(self, X, y, **fit_params):
        """Fit the distreg model on training data (``fit_params`` go to its ``fit``).

        Returns
        -------
        self
        """
        self._levels()
        if self.prefit:
            self._fit_base(self._base(), X, y, fit_params)  # raises the prefit message
        n = check_rows(X)
        yv = _as_response(y)
        if yv.ndim == 1:
            yv = check_target(y, "y")
        check_same_length(X=range(n), y=yv)
        self._record_features(X)
        # the model gets y as given: survival models take (time, event) columns
        self.estimator_ = call_model(self, clone(self._base()).fit, X, y if yv.ndim == 2 else yv, **fit_params)
        self.__dict__.pop("n_calibration_", None)
        return self

    def conformalize(self, X, y, groups=None, weights=None, event=None):
        """Compute the calibration PIT values.

        Parameters
        ----------
        X, y : calibration data
        groups, weights : optional
            Mondrian groups and covariate-shift weights (see :class:`SplitConformalRegressor`).
        event : array-like of {0, 1}, optional
            Survival data: 1 = observed event, 0 = censored; censored rows are dropped (see the
            assumption in the class docstring). ``y`` may instead hold two columns (time, event).

        Returns
        -------
        self
        """
        self._validate_parameters()
        levels, _ = self._levels()
        if self.prefit:
            self.estimator_ = self._prefit_estimator(self._base())
            self._record_features(X)
        self._require_fitted("conformalize")
        n = check_rows(X)
        yv = _as_response(y)
        if yv.ndim == 2:
            if yv.shape[1] != 2 or event is not None:
                raise ValueError(
                    "y must be one-dimensional, or two columns (time, event) for survival data "
                    "(then do not pass event= as well)."
                )
            y, event = yv[:, 0], yv[:, 1]
        y = check_1d(y, "y")
        check_same_length(X=range(n), y=y)
        keep = np.ones(n, dtype=bool)
        if event is not None:
            ev = check_1d(event, "event")
            check_same_length(y=y, event=ev)
            if not np.isin(ev, [0.0, 1.0]).all():
                raise ValueError("event must contain only 0 (censored) and 1 (event observed).")
            keep = ev == 1
            if not keep.any():
                raise ValueError("event has no observed events; the calibration needs uncensored rows.")
        dist = call_model(self, self.estimator_.predict_distribution, X)
        self.discrete_ = bool(getattr(dist, "discrete", False))
        if self.discrete_ and np.any(y != np.floor(y)):
            raise ValueError("y must hold integers for an integer-valued (discrete) model.")
        u = np.asarray(_mid_pit(dist, y), dtype=float)
        if not np.isfinite(u[keep]).all():
            raise ValueError("the model's cdf is NaN at some calibration outcomes y; check the base model "
                             "and that y lies in its support.")
        self.pit_ = u[keep]
        self.n_censored_dropped_ = int((~keep).sum())
        g = check_groups(groups, n)
        w = check_weights(weights, n)
        self._store_calibration(int(keep.sum()), None if g is None else g[keep], None if w is None else w[keep])
        self._check_calibration_size(levels, two_sided=self.method != "symmetric")
        return self

    # ------------------------------------------------------------------ internals
    def _pit_bounds(self, levels, m, g, w):
        """Lower and upper PIT thresholds, each (m, L)."""
        if self.method == "symmetric":
            q, = self._quantiles([np.abs(self.pit_ - 0.5)], levels, m, g, w)
            return 0.5 - q, 0.5 + q
        u_hi, u_neg = self._quantiles([self.pit_, -self.pit_], levels, m, g, w, two_sided=True)
        return -u_neg, u_hi

    def predict(self, X):
        """Median of the recalibrated distribution, shape (n,)."""
        self._require_fitted("predict")
        if not hasattr(self, "n_calibration_"):
            return np.asarray(call_model(self, self.estimator_.predict, X), dtype=float)
        return self.predict_distribution(X).ppf(0.5)

    def predict_interval(self, X, confidence_level=None, groups=None, weights=None):
        """Calibrated intervals (integer sets as [first, last] for integer models).

        Returns
        -------
        ndarray, shape (m, 2) or (m, 2, L)
        """
        self._require_conformalized("predict_interval")
        levels, scalar = self._levels(confidence_level)
        m = self._predict_rows(X)
        g, w = self._test_side(m, groups, weights)
        u_lo, u_hi = self._pit_bounds(levels, m, g, w)
        dist = call_model(self, self.estimator_.predict_distribution, X)
        lo_q = np.clip(u_lo, 0.0, 1.0)
        hi_q = np.clip(u_hi, 0.0, 1.0)
        # a threshold beyond [0, 1] (too few calibration points, or the symmetric score with
        # q > 1/2) leaves that side at the end of the support
        lower = np.asarray(dist.ppf(lo_q), dtype=float)
        upper = np.asarray(dist.ppf(hi_q), dtype=float)
        if self.discrete_:
            lower, upper = self._integer_run(dist, lower, upper, u_lo, u_hi)
        return format_interval(lower, upper, scalar)

    @staticmethod
    def _integer_run(dist, s, t, u_lo, u_hi):
        """First/last integer y with u_lo <= PIT(y) <= u_hi, from s = F⁻¹(u_lo), t = F⁻¹(u_hi)."""
        s_f = np.where(np.isfinite(s), s, 0.0)
        t_f = np.where(np.isfinite(t), t, 0.0)
        lo = np.where(np.isfinite(s) & (_mid_pit(dist, s_f) < u_lo), s + 1, s)
        hi = np.where(np.isfinite(t) & (_mid_pit(dist, t_f) > u_hi), t - 1, t)
        # an empty run (possible at low levels) is widened to one integer: coverage only grows
        hi = np.maximum(hi, lo)
        return lo, hi

    def predict_set(self, X, values, confidence_level=None, groups=None, weights=None):
        """Membership of candidate integers in the prediction sets of an integer model.

        Parameters
        ----------
        X : array-like, shape (m, p)
        values : array-like, shape (k,)
            Candidate outcomes (e.g. ``np.arange(0, 200)``).
        confidence_level : float, optional

        Returns
        -------
        ndarray of bool, shape (m, k)
        """
        levels, scalar = self._levels(confidence_level)
        if not scalar:
            raise ValueError("predict_set takes a single confidence_level.")
        iv = self.predict_interval(X, float(levels[0]), groups, weights)
        v = check_1d(values, "values")
        return (v[None, :] >= iv[:, :1]) & (v[None, :] <= iv[:, 1:])

    def predict_distribution(self, X, groups=None):
        """Recalibrated predictive distributions F̃(y | x) = G(F̂(y | x)).

        Returns
        -------
        RecalibratedContinuous or RecalibratedDiscrete
        """
        self._require_conformalized("predict_distribution")
        if self.calibration_weights_ is not None:
            raise ValueError(
                "predict_distribution is not available after weighted (covariate-shift) "
                "calibration, whose quantiles depend on each test point's weight; use "
                "predict_interval(X, weights=...) instead."
            )
        m = self._predict_rows(X)
        g, _ = self._test_side(m, groups, None)
        base = call_model(self, self.estimator_.predict_distribution, X)
        cls = RecalibratedDiscrete if self.discrete_ else RecalibratedContinuous
        if self.calibration_groups_ is None:
            return cls(base, [np.sort(self.pit_)])
        labels = np.unique(self.calibration_groups_)
        g = np.asarray(g)
        unseen = np.setdiff1d(np.unique(g), labels)
        if unseen.size:
            raise ValueError(f"groups {unseen.tolist()[:5]} occur at prediction but not in the calibration data.")
        knots = [np.sort(self.pit_[self.calibration_groups_ == lab]) for lab in labels]
        index = np.searchsorted(labels, g)
        return cls(base, knots, index)

    def predict_quantiles(self, X, quantiles, groups=None):
        """Quantiles of the recalibrated distributions, shape (m, k)."""
        from .._validation import check_levels

        levels = check_levels(quantiles, "quantiles")
        return self.predict_distribution(X, groups).ppf(levels[None, :])
