"""Kaplan–Meier estimator with Greenwood standard errors, left truncation and weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator

from .._base import check_is_fitted
from .._params import Interval, ValidatedParams
from .._validation import as_float_array, check_sample_weight
from ..likelihood.survival_terms import survival_data

__all__ = ["KaplanMeier"]


class KaplanMeier(ValidatedParams, BaseEstimator):
    """Kaplan–Meier (product-limit) estimate of the survival function.

    Ŝ(t) = Π_{t_j <= t} (1 - d_j / n_j) over the distinct observed times t_j, with d_j the
    (weighted) number of events at t_j and n_j the (weighted) number at risk, i.e. with
    entry < t_j <= time (delayed entry / left truncation supported). The standard error of
    log Ŝ(t) is Greenwood's sqrt(Σ d_j / (n_j (n_j - d_j))), and the limits are
    exp(log Ŝ ± z se) capped at 1 -- R ``survfit``'s defaults (``conf.type = "log"``).

    Parameters
    ----------
    confidence_level : float, default 0.95

    Attributes
    ----------
    survival_function_ : pandas.DataFrame
        One row per distinct observed time (events and censorings): ``time``, ``n_risk``,
        ``n_event``, ``n_censor``, ``survival``, ``std_error`` (Greenwood, of log S, as R's
        ``std.err``), ``lower``, ``upper`` (NaN, with an infinite ``std_error``, where the
        estimate is 0, as R reports them).
    median_ : float
        Smallest time with Ŝ(t) <= 1/2 (midpoint of a flat stretch at exactly 1/2, as R);
        ``inf`` if Ŝ stays above 1/2.

    Examples
    --------
    >>> km = KaplanMeier().fit([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])
    >>> km.survival_function_[["time", "n_risk", "survival"]].round(3)
       time  n_risk  survival
    0   1.0     5.0     0.800
    1   2.0     4.0     0.600
    2   3.0     2.0     0.300
    3   4.0     1.0     0.300
    >>> km.predict([0.5, 2.5, 10.0]).round(3)
    array([1. , 0.6, 0.3])
    >>> float(km.median_)
    3.0
    """

    _parameter_constraints = {"confidence_level": [Interval("real", 0, 1, closed="neither")]}

    def __init__(self, confidence_level=0.95):
        self.confidence_level = confidence_level

    def fit(self, time, event=None, entry=None, sample_weight=None):
        """Estimate the survival function from (time, event) with optional entry times and weights.

        Parameters
        ----------
        time : array-like, shape (n,)
            Positive event or censoring times.
        event : array-like of {0, 1}, optional
            1 = event, 0 = right-censored (default: all events).
        entry : array-like, optional
            Delayed-entry (left-truncation) times, smaller than ``time``.
        sample_weight : array-like, optional
            Non-negative case weights.

        Returns
        -------
        self
        """
        cl = float(self.confidence_level)  # checked against _parameter_constraints
        data = survival_data(time, event, entry=entry)
        t, d, a = data["time"], data["event"], data["entry"]
        n = t.shape[0]
        w = check_sample_weight(sample_weight, n)
        times, inv = np.unique(t, return_inverse=True)
        m = times.shape[0]
        n_event = np.bincount(inv, weights=w * d, minlength=m)
        n_exit = np.bincount(inv, weights=w, minlength=m)
        # at risk at t_j: time >= t_j and entry < t_j
        leaving_later = np.cumsum(n_exit[::-1])[::-1]
        entered = np.searchsorted(np.sort(a), times, side="left")
        order = np.argsort(a, kind="stable")
        cum_entry_w = np.concatenate([[0.0], np.cumsum(w[order])])
        not_yet_entered = cum_entry_w[-1] - cum_entry_w[entered]
        n_risk = leaving_later - not_yet_entered
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(n_risk > 0, 1.0 - n_event / n_risk, 1.0)
            surv = np.cumprod(factor)
            # divided in two steps: the product of two large weighted counts can overflow
            green = np.where(n_event > 0, n_event / n_risk / (n_risk - n_event), 0.0)
            var = np.cumsum(green)
            se = np.sqrt(var)
            z = stats.norm.ppf(0.5 + cl / 2)
            lower = np.exp(np.log(surv) - z * se)
            upper = np.minimum(np.exp(np.log(surv) + z * se), 1.0)
        dead = surv <= 0
        se = np.where(dead, np.inf, se)
        lower = np.where(dead | ~np.isfinite(se), np.nan, lower)
        upper = np.where(dead | ~np.isfinite(se), np.nan, upper)
        self.survival_function_ = pd.DataFrame({
            "time": times, "n_risk": n_risk, "n_event": n_event, "n_censor": n_exit - n_event,
            "survival": surv, "std_error": se, "lower": lower, "upper": upper,
        })
        self.median_ = self._median(times, surv)
        self.n_obs_ = n
        return self

    @staticmethod
    def _median(times, surv):
        below = np.nonzero(surv <= 0.5 + 1e-12)[0]
        if below.size == 0:
            return np.inf
        j = below[0]
        if abs(surv[j] - 0.5) < 1e-12:
            # flat at exactly 1/2: midpoint up to the next drop (R's convention)
            drops = np.nonzero(surv[j + 1:] < surv[j])[0]
            if drops.size:
                return 0.5 * (times[j] + times[j + 1 + drops[0]])
        return float(times[j])

    def predict(self, times):
        """Ŝ at the given times (right-continuous step function), shape like ``times``."""
        check_is_fitted(self, "survival_function_")
        t = as_float_array(times, "times", ndim=(0, 1))
        sf = self.survival_function_
        idx = np.searchsorted(sf["time"].to_numpy(), t, side="right") - 1
        vals = np.concatenate([[1.0], sf["survival"].to_numpy()])
        return vals[idx + 1]

    def plot(self, ax=None, show_ci=True, label="Kaplan–Meier", **kwargs):
        """Step plot of the estimate with its confidence limits (see distreg.plotting.survival)."""
        from ..plotting.survival import plot_kaplan_meier

        check_is_fitted(self, "survival_function_")
        return plot_kaplan_meier(self, ax=ax, show_ci=show_ci, label=label, **kwargs)
