"""Likelihood-ratio weights for conformal prediction under covariate shift."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from .._params import HasMethods, Interval, ValidatedParams
from .._validation import as_float_array
from ._base import call_model, check_rows

__all__ = ["LikelihoodRatioWeights"]


class LikelihoodRatioWeights(ValidatedParams, BaseEstimator):
    """Estimate w(x) = dP_test(x) / dP_cal(x) with a probabilistic classifier.

    A classifier is trained to tell calibration rows (label 0) from test rows (label 1); with
    p(x) its predicted probability of "test", w(x) = p(x) / (1 - p(x)) · n_cal / n_test
    (Tibshirani, Barber, Candès & Ramdas 2019, section 4.1). Pass ``w(X_cal)`` to
    ``conformalize(..., weights=)`` and ``w(X_test)`` to ``predict_interval(..., weights=)``.

    Parameters
    ----------
    classifier : classifier with ``predict_proba``, default LogisticRegression()
    clip : float in (0, 0.5), default 1e-3
        Probabilities are clipped to [clip, 1 - clip] so that weights stay finite.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X_cal = rng.normal(0, 1, size=(2000, 1)); X_new = rng.normal(1, 1, size=(2000, 1))
    >>> lr = LikelihoodRatioWeights().fit(X_cal, X_new)
    >>> w = lr.predict(np.array([[0.0], [1.0]]))     # true ratio exp(x - 1/2)
    >>> np.round(w, 1)
    array([0.6, 1.7])
    """

    _parameter_constraints = {
        "classifier": [None, HasMethods(["fit", "predict_proba"])],
        "clip": [Interval("real", 0, 0.5, closed="neither")],
    }

    def __init__(self, classifier=None, clip=1e-3):
        self.classifier = classifier
        self.clip = clip

    def fit(self, X_calibration, X_test):
        """Fit the classifier on calibration (0) versus test (1) covariates.

        Returns
        -------
        self
        """
        n0 = check_rows(X_calibration, "X_calibration")
        n1 = check_rows(X_test, "X_test")
        if hasattr(X_calibration, "iloc") and hasattr(X_test, "iloc"):
            import pandas as pd

            if set(X_calibration.columns) != set(X_test.columns):
                raise ValueError("X_calibration and X_test must have the same columns; got "
                                 f"{list(X_calibration.columns)} and {list(X_test.columns)}.")
            Z = pd.concat([X_calibration, X_test], axis=0, ignore_index=True)
        else:
            A = as_float_array(X_calibration, "X_calibration", ndim=2)
            B = as_float_array(X_test, "X_test", ndim=2)
            if A.shape[1] != B.shape[1]:
                raise ValueError(f"X_calibration has {A.shape[1]} columns but X_test has {B.shape[1]}; "
                                 "pass the same covariates.")
            Z = np.vstack([A, B])
        labels = np.r_[np.zeros(n0), np.ones(n1)]
        clf = LogisticRegression() if self.classifier is None else self.classifier
        self.classifier_ = call_model(self, clone(clf).fit, Z, labels)
        self.ratio_ = n0 / n1
        return self

    def predict(self, X):
        """Likelihood ratios w(x), shape (n,)."""
        check_is_fitted(self)
        check_rows(X)
        cls = list(self.classifier_.classes_)
        p = np.asarray(call_model(self, self.classifier_.predict_proba, X), dtype=float)[:, cls.index(1.0)]
        if not np.isfinite(p).all():
            raise ValueError("the classifier predicted NaN or infinite probabilities; check it and X.")
        p = np.clip(p, self.clip, 1 - self.clip)
        return p / (1 - p) * self.ratio_

    __call__ = predict
