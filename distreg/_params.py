"""One place where every public estimator's constructor parameters are checked.

An estimator lists the values that each ``__init__`` parameter may take in a class attribute
``_parameter_constraints`` (the convention of scikit-learn's own estimators): a dict from the
parameter name to a list of constraints, any one of which the value must satisfy. Classes that
derive from :class:`ValidatedParams` have their ``fit`` (and ``partial_fit``) wrapped so that the
parameters are checked before any computation, with a message that names the parameter, lists
the allowed values and shows what was passed. ``tests/test_parameters.py`` checks that every
public estimator declares a constraint for every parameter.

Constraints
-----------
- :class:`Interval` for real or integer numbers in a range (booleans are not numbers here);
- :class:`Options` for a fixed set of values, usually strings;
- ``None``, ``bool``, ``callable`` (the builtins), ``"array-like"``, ``"random_state"``;
- :class:`Instance` for objects of given types, :class:`HasMethods` for duck-typed estimators.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Iterable

import numpy as np

from .exceptions import InvalidParameterError

__all__ = [
    "LEVELS",
    "SPLITTER",
    "HasMethods",
    "Instance",
    "Interval",
    "InvalidParameterError",
    "Options",
    "ValidatedParams",
    "validate_parameters",
]


def _is_number(value, integer: bool) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if integer:
        return isinstance(value, (numbers.Integral, np.integer))
    return isinstance(value, (numbers.Real, np.integer, np.floating))


class Interval:
    """Numbers in a range.

    Parameters
    ----------
    kind : {"real", "int"}
        ``"int"`` accepts integers only; ``"real"`` accepts any real number (integers too).
    low, high : float or None
        Bounds (None: unbounded on that side).
    closed : {"both", "left", "right", "neither"}
        Which bounds belong to the interval.

    Examples
    --------
    >>> Interval("int", 1, None, closed="left").describe()
    'an integer >= 1'
    >>> Interval("real", 0, 1, closed="neither").is_satisfied_by(1.0)
    False
    """

    def __init__(self, kind: str, low=None, high=None, *, closed: str = "both"):
        if kind not in ("real", "int"):
            raise ValueError(f"kind must be 'real' or 'int'; got {kind!r}")
        if closed not in ("both", "left", "right", "neither"):
            raise ValueError(f"closed must be 'both', 'left', 'right' or 'neither'; got {closed!r}")
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def is_satisfied_by(self, value) -> bool:
        if not _is_number(value, self.kind == "int"):
            return False
        v = float(value)
        if np.isnan(v):
            return False
        if self.low is not None:
            if v < self.low or (v == self.low and self.closed in ("right", "neither")):
                return False
        elif self.kind == "real" and not np.isfinite(v) and v < 0:
            return False
        if self.high is not None:
            if v > self.high or (v == self.high and self.closed in ("left", "neither")):
                return False
        elif self.kind == "real" and not np.isfinite(v) and v > 0:
            return False
        return True

    def describe(self) -> str:
        noun = "an integer" if self.kind == "int" else "a number"
        lo_in = self.closed in ("both", "left")
        hi_in = self.closed in ("both", "right")
        if self.low is not None and self.high is not None:
            left = "[" if lo_in else "("
            right = "]" if hi_in else ")"
            return f"{noun} in {left}{self.low:g}, {self.high:g}{right}"
        if self.low is not None:
            return f"{noun} {'>=' if lo_in else '>'} {self.low:g}"
        if self.high is not None:
            return f"{noun} {'<=' if hi_in else '<'} {self.high:g}"
        return f"{'an integer' if self.kind == 'int' else 'a finite number'}"


class Options:
    """One of a fixed set of values (strings compare exactly).

    Examples
    --------
    >>> Options({"mean", "median"}).describe()
    "one of 'mean', 'median'"
    """

    def __init__(self, values: Iterable):
        self.values = list(values)

    def is_satisfied_by(self, value) -> bool:
        return any(_same_option(value, v) for v in self.values)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in sorted(self.values, key=str))


def _same_option(value, option) -> bool:
    # a string option matches only that string, a boolean only a boolean: 1 is not True and
    # np.str_("a") is "a"
    if isinstance(option, str) or isinstance(value, str):
        return isinstance(value, str) and isinstance(option, str) and value == option
    if isinstance(option, bool) or isinstance(value, (bool, np.bool_)):
        return isinstance(value, (bool, np.bool_)) and isinstance(option, bool) and bool(value) == option
    try:
        return bool(value == option)
    except (TypeError, ValueError):  # array-valued comparisons
        return False


class Instance:
    """An instance of one of the given types.

    Examples
    --------
    >>> Instance((dict,), "a dict of keyword arguments").is_satisfied_by({})
    True
    """

    def __init__(self, types, description: str | None = None):
        self.types = types if isinstance(types, tuple) else (types,)
        self.description = description or "an instance of " + " or ".join(t.__name__ for t in self.types)

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, self.types)

    def describe(self) -> str:
        return self.description


class HasMethods:
    """An object with the given methods (an estimator by duck typing).

    Examples
    --------
    >>> HasMethods(["fit", "predict"]).describe()
    'an object with methods fit, predict'
    """

    def __init__(self, methods):
        self.methods = list(methods)

    def is_satisfied_by(self, value) -> bool:
        return all(callable(getattr(value, m, None)) for m in self.methods)

    def describe(self) -> str:
        return "an object with methods " + ", ".join(self.methods)


def _satisfies(constraint, value) -> bool:
    if constraint is None:
        return value is None
    if constraint is bool:
        return isinstance(value, (bool, np.bool_))
    if constraint is callable:
        return callable(value)
    if constraint == "array-like":
        return (not isinstance(value, (str, bytes, dict))
                and (hasattr(value, "__len__") or hasattr(value, "__array__")))
    if constraint == "random_state":
        return value is None or (_is_number(value, True) and value >= 0) or isinstance(
            value, (np.random.Generator, np.random.RandomState, np.random.SeedSequence))
    return constraint.is_satisfied_by(value)


def _describe(constraint) -> str:
    if constraint is None:
        return "None"
    if constraint is bool:
        return "True or False"
    if constraint is callable:
        return "a callable"
    if constraint == "array-like":
        return "an array-like"
    if constraint == "random_state":
        return "None, a non-negative integer seed or a numpy Generator"
    return constraint.describe()


def validate_parameters(constraints: dict, params: dict, owner: str) -> None:
    """Raise :class:`InvalidParameterError` for the first parameter that meets no constraint.

    Parameters
    ----------
    constraints : dict
        Parameter name -> list of constraints (see the module docstring). Parameters without an
        entry are not checked.
    params : dict
        Parameter name -> value.
    owner : str
        Name used in messages (the estimator class).

    Examples
    --------
    >>> validate_parameters({"max_iter": [Interval("int", 1, None), None]}, {"max_iter": -1}, "Model")
    Traceback (most recent call last):
    ...
    distreg.exceptions.InvalidParameterError: Model: max_iter must be an integer >= 1 or None; got -1.
    """
    for name, allowed in constraints.items():
        if name not in params:
            continue
        value = params[name]
        if any(_satisfies(c, value) for c in allowed):
            continue
        choices = [_describe(c) for c in allowed]
        text = choices[0] if len(choices) == 1 else ", ".join(choices[:-1]) + " or " + choices[-1]
        shown = repr(value)
        if len(shown) > 80:
            shown = f"{type(value).__name__} {shown[:60]}..."
        raise InvalidParameterError(f"{owner}: {name} must be {text}; got {shown}.")


def _validating(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self._validate_parameters()
        return method(self, *args, **kwargs)

    wrapper._validates_parameters = True
    return wrapper


class ValidatedParams:
    """Mixin that checks ``_parameter_constraints`` at the start of ``fit`` and ``partial_fit``.

    Subclasses declare ``_parameter_constraints``; constraints of base classes are inherited
    and may be extended with ``{**Base._parameter_constraints, ...}``.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> class Model(ValidatedParams, BaseEstimator):
    ...     _parameter_constraints = {"alpha": [Interval("real", 0, None)]}
    ...     def __init__(self, alpha=1.0):
    ...         self.alpha = alpha
    ...     def fit(self, X=None):
    ...         return self
    >>> Model(alpha=-1).fit()
    Traceback (most recent call last):
    ...
    distreg.exceptions.InvalidParameterError: Model: alpha must be a number >= 0; got -1.
    """

    _parameter_constraints: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("fit", "partial_fit"):
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "_validates_parameters", False):
                setattr(cls, name, _validating(method))

    def _validate_parameters(self):
        validate_parameters(self._parameter_constraints, self.get_params(deep=False), type(self).__name__)


#: a cross-validation splitter (a string has a ``split`` method too, hence both methods)
SPLITTER = HasMethods(["split", "get_n_splits"])

#: ``confidence_level``: one level in (0, 1), or a list of them (whose entries the estimator's
#: level check, :func:`distreg._validation.check_confidence_level`, then checks one by one)
LEVELS = [Interval("real", 0, 1, closed="neither"),
          Instance((list, tuple, np.ndarray), "a list of such numbers")]
