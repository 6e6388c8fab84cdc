"""Likelihood-ratio weights for conformal prediction under covariate shift."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from ._base import check_rows

__all__ = ["LikelihoodRatioWeights"]


class LikelihoodRatioWeights(BaseEstimator):
    """Estimate w(x) = dP_test(x) / dP_cal(x) with a probabilistic classifier.

    A classifier is trained to tell calibration rows (label 0) from test rows (label 1); with
    p(x) its predicted probability of "test", w(x) = p(x) / (1 - p(x)) · n_cal / n_test
    (Tibshirani, Barber, Candès & Ramdas 2019, section 4.1). Pass ``w(X_cal)`` to
    ``conformalize(..., weights=)`` and ``w(X_test)`` to ``predict_interval(..., weights=)``.

    Parameters
    ----------
    classifier : classifier with ``predict_proba``, default LogisticRegression()
    clip : float, default 1e-3
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

            Z = pd.concat([X_calibration, X_test], axis=0, ignore_index=True)
        else:
            Z = np.vstack([np.asarray(X_calibration, dtype=float), np.asarray(X_test, dtype=float)])
        labels = np.r_[np.zeros(n0), np.ones(n1)]
        clf = LogisticRegression() if self.classifier is None else self.classifier
        if not hasattr(clf, "predict_proba"):
            raise TypeError("classifier must have predict_proba (a probabilistic classifier).")
        self.classifier_ = clone(clf).fit(Z, labels)
        self.ratio_ = n0 / n1
        return self

    def predict(self, X):
        """Likelihood ratios w(x), shape (n,)."""
        check_is_fitted(self)
        check_rows(X)
        cls = list(self.classifier_.classes_)
        p = self.classifier_.predict_proba(X)[:, cls.index(1.0)]
        p = np.clip(p, self.clip, 1 - self.clip)
        return p / (1 - p) * self.ratio_

    __call__ = predict
