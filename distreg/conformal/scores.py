"""Conformity scores for regression: how far an observed y is from a prediction.

A *symmetric* score maps (y, prediction, scale) to a non-negative number, larger for worse
agreement, and ``bounds`` turns a calibrated quantile q into the interval {y : score <= q}.
A *signed* score (``symmetric = False``) is increasing in y; each side of the interval gets
its own quantile (levels α/2 and 1 - α/2) and ``invert`` maps a score back to y. Pass an
instance of a subclass of :class:`ConformityScore` as ``conformity_score=`` to the split and cross
conformal regressors to use your own score.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ConformityScore", "AbsoluteScore", "NormalizedScore", "GammaScore", "get_score"]


class ConformityScore:
    """Base class of regression conformity scores.

    Subclasses implement ``score(y, y_pred, scale)`` returning the scores of shape (n,) and,
    for a symmetric score (``symmetric = True``, the default), ``bounds(y_pred, q, scale)``
    returning the interval ``(lower, upper)`` of every y whose score is at most q; for a signed
    score (``symmetric = False``, increasing in y), ``invert(y_pred, s, scale)`` returning the y
    whose score is s. ``y_pred`` and ``scale`` arrive as (n, 1) columns and ``q``/``s`` as (n, L)
    or (1, L) arrays (one column per confidence level). Set ``needs_scale = True`` when the
    score divides by a difficulty estimate.

    Examples
    --------
    >>> class SquaredScore(ConformityScore):
    ...     def score(self, y, y_pred, scale=None):
    ...         return (y - y_pred) ** 2
    ...     def bounds(self, y_pred, q, scale=None):
    ...         return y_pred - np.sqrt(q), y_pred + np.sqrt(q)
    >>> s = SquaredScore()
    >>> s.score(np.array([3.0]), np.array([1.0]))
    array([4.])
    >>> [b.tolist() for b in s.bounds(np.array([[1.0]]), np.array([[4.0]]))]
    [[[-1.0]], [[3.0]]]
    """

    needs_scale = False
    symmetric = True
    name = "custom"

    def score(self, y, y_pred, scale=None):  # pragma: no cover - abstract
        """Conformity scores, shape (n,)."""
        raise NotImplementedError

    def bounds(self, y_pred, q, scale=None):  # pragma: no cover - abstract
        """Interval {y : score(y) <= q} as (lower, upper) (symmetric scores)."""
        raise NotImplementedError

    def invert(self, y_pred, s, scale=None):  # pragma: no cover - abstract
        """The y whose signed score is s (signed scores)."""
        raise NotImplementedError

    def interval(self, y_pred, q_low, q_high, scale=None):
        """Bounds from calibrated quantiles: q_low is ignored for symmetric scores."""
        if self.symmetric:
            return self.bounds(y_pred, q_high, scale)
        return self.invert(y_pred, q_low, scale), self.invert(y_pred, q_high, scale)

    def __repr__(self):
        return f"{type(self).__name__}()"


class AbsoluteScore(ConformityScore):
    """Absolute residual ``|y - ŷ|``; intervals ŷ ± q (Lei et al. 2018).

    Examples
    --------
    >>> AbsoluteScore().score(np.array([1.0, 5.0]), np.array([2.0, 2.0]))
    array([1., 3.])
    """

    name = "absolute"

    def score(self, y, y_pred, scale=None):
        return np.abs(y - y_pred)

    def bounds(self, y_pred, q, scale=None):
        return y_pred - q, y_pred + q


class NormalizedScore(ConformityScore):
    """Residual over a difficulty estimate ``|y - ŷ| / σ̂(x)``; intervals ŷ ± q σ̂(x).

    Lei et al. (2018, section 5.2), "locally weighted" conformal prediction. σ̂ comes from a
    distreg model's predicted standard deviation or from a fitted ``scale_estimator``.

    Examples
    --------
    >>> NormalizedScore().score(np.array([1.0, 5.0]), np.array([2.0, 2.0]), np.array([1.0, 3.0]))
    array([1., 1.])
    """

    needs_scale = True
    name = "normalized"

    def score(self, y, y_pred, scale=None):
        return np.abs(y - y_pred) / scale

    def bounds(self, y_pred, q, scale=None):
        return y_pred - q * scale, y_pred + q * scale


class GammaScore(ConformityScore):
    """Signed relative residual (y - ŷ) / ŷ for positive outcomes; intervals ŷ (1 + q).

    The error scale grows with the prediction, as for a gamma model. The score is signed, so
    the lower and upper corrections are calibrated separately (levels α/2 and 1 - α/2), as in
    MAPIE's gamma score. Outcomes and predictions must be positive.

    Examples
    --------
    >>> GammaScore().score(np.array([3.0, 3.0]), np.array([2.0, 4.0]))
    array([ 0.5 , -0.25])
    """

    name = "gamma"
    symmetric = False

    def score(self, y, y_pred, scale=None):
        if np.any(y_pred <= 0):
            raise ValueError(
                "conformity_score='gamma' needs positive predictions; the estimator predicted "
                f"{int((y_pred <= 0).sum())} value(s) <= 0. Use score='absolute' or a model of "
                "a positive outcome."
            )
        if np.any(y <= 0):
            raise ValueError(
                f"conformity_score='gamma' needs a positive outcome; y has {int((y <= 0).sum())} value(s) <= 0."
            )
        return (y - y_pred) / y_pred

    def invert(self, y_pred, s, scale=None):
        return y_pred * (1 + s)


_SCORES = {"absolute": AbsoluteScore, "normalized": NormalizedScore, "gamma": GammaScore}


def get_score(score) -> ConformityScore:
    """Turn a score name or a :class:`ConformityScore` instance into a score object.

    Examples
    --------
    >>> get_score("gamma")
    GammaScore()
    """
    if isinstance(score, ConformityScore):
        return score
    if isinstance(score, type) and issubclass(score, ConformityScore):
        return score()
    if isinstance(score, str) and score in _SCORES:
        return _SCORES[score]()
    raise ValueError(
        f"conformity_score={score!r} is not valid; choose one of 'absolute', 'normalized', 'gamma' or pass "
        "an instance of a distreg.conformal.ConformityScore subclass."
    )
