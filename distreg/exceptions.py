"""Exceptions and warnings raised by distreg.

``NotFittedError`` is scikit-learn's, re-exported so that ``except`` clauses written for
scikit-learn also catch distreg's.
"""

from sklearn.exceptions import ConvergenceWarning as _SklearnConvergenceWarning
from sklearn.exceptions import NotFittedError

__all__ = [
    "ConvergenceWarning",
    "DataError",
    "InfiniteBoundsWarning",
    "InvalidParameterError",
    "NotFittedError",
    "NumericalWarning",
]


class ConvergenceWarning(_SklearnConvergenceWarning):
    """An optimiser stopped before it met its convergence criteria.

    Subclasses scikit-learn's ``ConvergenceWarning`` so that existing warning filters apply.
    A model that emits it also has ``converged_ = False``.
    """


class DataError(ValueError):
    """The data cannot be used as given (wrong shape, values outside the support, ...)."""


class NumericalWarning(RuntimeWarning):
    """A computation lost accuracy (overflow, near-singular system) but still returned a result."""


class InvalidParameterError(ValueError, TypeError):
    """A constructor parameter has a value outside its allowed set (checked at ``fit``).

    It derives from both ``ValueError`` and ``TypeError``, so that ``except ValueError`` catches
    an out-of-range number and ``except TypeError`` a value of the wrong type, as scikit-learn's
    own parameter errors do.
    """


class InfiniteBoundsWarning(UserWarning):
    """A calibration set too small for the confidence level gave infinite bounds.

    Issued only with ``allow_infinite_bounds=True``; without it the same situation is a
    ``ValueError`` that says how many calibration points the level needs.
    """
