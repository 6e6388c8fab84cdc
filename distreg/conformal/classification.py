"""Split conformal prediction sets for classifiers: LAC, APS and RAPS scores."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression

from .._params import LEVELS, HasMethods, Interval, Options
from .._validation import check_random_state
from ._base import ConformalMixin, call_model, check_groups, check_rows, warn_column_vector
from ._quantile import _label

__all__ = ["SplitConformalClassifier"]


def _ranked(P):
    """Per row: order of labels by decreasing probability (stable), and the rank of each label."""
    order = np.argsort(-P, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(P.shape[1])[None, :].repeat(P.shape[0], 0), axis=1)
    return order, rank


def _check_labels(y, n: int):
    """Class labels as a new 1-D array, one per row of X, none missing."""
    if y is None:
        raise ValueError("y: this estimator requires y to be passed, but the target y is None.")
    y = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warn_column_vector(y, "y")
        y = y[:, 0]
    return check_groups(y, n, "y")


class SplitConformalClassifier(ClassifierMixin, ConformalMixin):
    """Split conformal prediction sets around any probabilistic classifier.

    Scores (larger = less conforming), for predicted probabilities p̂(· | x):

    * ``"lac"``: 1 - p̂(y | x) (Sadinle, Lei & Wasserman 2019): smallest average sets.
    * ``"aps"``: total probability of the labels ranked at or above y (Romano, Sesia &
      Candès 2020): sets adapt to how uncertain the classifier is.
    * ``"raps"``: APS plus λ·max(0, rank(y) - k_reg) (Angelopoulos, Bates, Malik & Jordan
      2021), which penalises long tails of unlikely labels.

    The set of x holds every label whose score is at most the ⌈(n+1)(1-α)⌉-th smallest
    calibration score, so P(y ∈ set) >= 1 - α. ``randomized=True`` uses the randomised APS/RAPS
    scores (a uniform fraction of p̂(y | x)), whose coverage is closer to exactly 1 - α. For
    ``"aps"`` with ``include_last_label=True`` (default, as in MAPIE) the label that crosses the
    threshold is included too.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default LogisticRegression()
    confidence_level : float or list of float, default 0.9
    conformity_score : {"lac", "aps", "raps"}, default "lac"
    prefit : bool, default False
    k_reg : int, default 1
    lambda_reg : float, default 0.01
    randomized : bool, default False
    include_last_label : bool, default True
    random_state : int, Generator or None
    allow_infinite_bounds : bool, default False
        With too few calibration points, return every label (with an ``InfiniteBoundsWarning``)
        instead of raising ``ValueError``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> rng = np.random.default_rng(0); idx = rng.permutation(150)
    >>> scc = SplitConformalClassifier(LogisticRegression(max_iter=500), confidence_level=0.9)
    >>> scc = scc.fit(X[idx[:60]], y[idx[:60]]).conformalize(X[idx[60:120]], y[idx[60:120]])
    >>> sets = scc.predict_set(X[idx[120:]])
    >>> sets.shape, bool(sets.sum(axis=1).mean() < 2)
    ((30, 3), True)
    """

    _parameter_constraints = {
        "estimator": [None, HasMethods(["fit", "predict_proba"])],
        "confidence_level": LEVELS,
        "conformity_score": [Options({"lac", "aps", "raps"})],
        "prefit": [bool],
        "k_reg": [Interval("int", 0, None)],
        "lambda_reg": [Interval("real", 0, None)],
        "randomized": [bool],
        "include_last_label": [bool],
        "random_state": ["random_state"],
        "allow_infinite_bounds": [bool],
    }

    def __init__(self, estimator=None, confidence_level=0.9, conformity_score="lac", prefit=False, k_reg=1,
                 lambda_reg=0.01, randomized=False, include_last_label=True, random_state=None,
                 allow_infinite_bounds=False):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.conformity_score = conformity_score
        self.prefit = prefit
        self.k_reg = k_reg
        self.lambda_reg = lambda_reg
        self.randomized = randomized
        self.include_last_label = include_last_label
        self.random_state = random_state
        self.allow_infinite_bounds = allow_infinite_bounds

    def _base(self):
        return LogisticRegression() if self.estimator is None else self.estimator

    def fit(self, X, y, **fit_params):
        """Fit the classifier on training data.

        Returns
        -------
        self
        """
        self._levels()
        if self.prefit:
            raise ValueError("prefit=True: skip fit() and call conformalize(X_cal, y_cal).")
        n = check_rows(X)
        y = _check_labels(y, n)
        if np.unique(y).size < 2:
            raise ValueError(f"y holds one class ({_label(y[0])!r}); a classifier needs at least two classes.")
        from sklearn.base import clone

        self._record_features(X)
        self.estimator_ = call_model(self, clone(self._base()).fit, X, y, **fit_params)
        self.classes_ = self.estimator_.classes_
        self.__dict__.pop("n_calibration_", None)
        return self

    def _label_scores(self, P, u):
        """Score of every candidate label, shape (n, K)."""
        if self.conformity_score == "lac":
            return 1.0 - P
        order, rank = _ranked(P)
        sorted_p = np.take_along_axis(P, order, axis=1)
        before = np.cumsum(sorted_p, axis=1) - sorted_p  # mass ranked strictly above
        before = np.take_along_axis(before, rank, axis=1)
        s = before + (u[:, None] * P if u is not None else P)
        if self.conformity_score == "raps":
            s = s + self.lambda_reg * np.maximum(0, rank + 1 - self.k_reg)
        return s

    def _uniform(self, n, rng):
        return rng.uniform(size=n) if (self.randomized and self.conformity_score != "lac") else None

    def conformalize(self, X, y, groups=None):
        """Compute calibration scores of the true labels.

        Returns
        -------
        self
        """
        self._validate_parameters()
        levels, _ = self._levels()
        if self.prefit:
            self.estimator_ = self._prefit_estimator(self._base())
            self.classes_ = self.estimator_.classes_
            self._record_features(X)
        self._require_fitted("conformalize")
        n = check_rows(X)
        y = _check_labels(y, n)
        try:
            pos = np.clip(np.searchsorted(self.classes_, y), 0, len(self.classes_) - 1)
            unknown = self.classes_[pos] != y
        except TypeError:  # labels that do not even compare with the known classes (text vs numbers)
            pos, unknown = np.zeros(n, dtype=int), np.ones(n, dtype=bool)
        if unknown.any():
            raise ValueError(
                f"y contains labels the classifier does not know: {np.unique(y[unknown]).tolist()[:5]}; "
                f"known classes are {self.classes_.tolist()}."
            )
        P = self._proba(X)
        self._rng = check_random_state(self.random_state)
        S = self._label_scores(P, self._uniform(n, self._rng))
        self.conformity_scores_ = S[np.arange(n), pos]
        self._store_calibration(n, groups, None)
        self._check_calibration_size(levels)
        return self

    def _proba(self, X):
        P = np.asarray(call_model(self, self.estimator_.predict_proba, X), dtype=float)
        if not np.isfinite(P).all():
            raise ValueError("the classifier predicted NaN or infinite probabilities; check the base model.")
        return P

    def predict(self, X):
        """Class predicted by the base classifier."""
        self._require_fitted("predict")
        self._predict_rows(X)
        return call_model(self, self.estimator_.predict, X)

    def predict_proba(self, X):
        """Probabilities of the base classifier."""
        self._require_fitted("predict_proba")
        self._predict_rows(X)
        return self._proba(X)

    def predict_set(self, X, confidence_level=None, groups=None):
        """Prediction sets as a boolean matrix over ``classes_``.

        Returns
        -------
        ndarray of bool, shape (m, K) for one level or (m, K, L) for a list
        """
        self._require_conformalized("predict_set")
        levels, scalar = self._levels(confidence_level)
        m = self._predict_rows(X)
        g, _ = self._test_side(m, groups, None)
        q, = self._quantiles([self.conformity_scores_], levels, m, g, None)  # (m, L)
        P = self._proba(X)
        S = self._label_scores(P, self._uniform(m, self._rng))
        # a tolerance of a few ulps keeps labels whose score equals the threshold
        sets = S[:, :, None] <= q[:, None, :] + 1e-12
        if self.conformity_score == "aps" and self.include_last_label and not self.randomized:
            before = S - P
            sets |= (before[:, :, None] < q[:, None, :] - 1e-12)
        return sets[:, :, 0] if scalar else sets
