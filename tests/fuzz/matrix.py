"""The bad-input matrix shared by the fuzz tests, and the rule each answer must meet.

Every public estimator and helper is called with each corruption of a valid input that applies
to it. The answer must be either a ``ValueError``/``TypeError`` whose message names the argument
(so that the user knows what to fix), or a finite, valid result; never another exception, a
silent NaN, or a hang (each call runs under a timeout).
"""

from __future__ import annotations

import contextlib
import re
import signal
import warnings

import numpy as np
import pandas as pd

__all__ = [
    "ARRAY_CORRUPTIONS",
    "PARAMETER_CORRUPTIONS",
    "Hang",
    "answer",
    "array_cases",
    "assert_clear_or_valid",
    "names_argument",
    "no_nan",
    "run_case",
    "time_limit",
]


class Hang(AssertionError):
    """The call did not return within its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`Hang` if the block runs longer than ``seconds`` (main thread, POSIX)."""

    def _handler(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, _handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _numeric(a):
    return np.array(a, dtype=float, copy=True)


def _with_nan(a):
    a = _numeric(a)
    a.flat[0] = np.nan
    return a


def _with_inf(a):
    a = _numeric(a)
    a.flat[-1] = np.inf
    return a


def _empty(a):
    a = _numeric(a)
    return a[:0]


def _one_row(a):
    return _numeric(a)[:1]


def _constant(a):
    a = _numeric(a)
    return np.full_like(a, a.flat[0])


def _shorter(a):
    return _numeric(a)[:-1]


def _extra_dim(a):
    return _numeric(a)[..., None, None]


def _strings(a):
    return np.asarray(a).astype(str)


def _categorical(a):
    a = np.asarray(a)
    if a.ndim == 1:
        return pd.Series(pd.Categorical(np.where(a > np.median(a), "high", "low")))
    frame = pd.DataFrame(a, columns=[f"x{i}" for i in range(a.shape[1])])
    frame["x0"] = pd.Categorical(np.where(frame["x0"] > frame["x0"].median(), "high", "low"))
    return frame


def _negative(a):
    return -np.abs(_numeric(a)) - 1.0


def _zero(a):
    return np.zeros_like(_numeric(a))


def _non_integer(a):
    return _numeric(a) + 0.5


def _huge(a):
    return _numeric(a) * 1e300


#: label -> corruption of a valid array-valued argument
ARRAY_CORRUPTIONS = {
    "nan": _with_nan,
    "inf": _with_inf,
    "empty": _empty,
    "one row": _one_row,
    "constant": _constant,
    "length mismatch": _shorter,
    "wrong dimensions": _extra_dim,
    "strings": _strings,
    "categorical": _categorical,
    "negative": _negative,
    "zero": _zero,
    "non-integer": _non_integer,
    "huge": _huge,
}


#: out-of-range or wrongly typed values tried for every constructor parameter
PARAMETER_CORRUPTIONS = {
    "negative": -1, "zero": 0, "nan": np.nan, "unknown option": "bogus", "huge": 1e300,
    "fraction": 0.5, "bool": True, "dict": {"bogus": 1.0}, "none": None,
}


def names_argument(message: str, names) -> bool:
    """Some name appears as a whole word (case-sensitive: y is not 'your', X is not 'Expected')."""
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", message) for n in names)


def no_nan(value) -> bool:
    """No NaN among the numbers of an array, a scalar or a DataFrame's numeric columns."""
    if isinstance(value, pd.DataFrame):
        value = value.select_dtypes("number").to_numpy()
    arr = np.asarray(value)
    return arr.dtype.kind not in "fc" or not np.isnan(arr).any()


def _finite_result(result) -> bool:
    """Every number reachable in the result is finite or a deliberate ±inf bound."""
    if result is None:
        return True
    if isinstance(result, (list, tuple)):
        return all(_finite_result(r) for r in result)
    if isinstance(result, dict):
        return all(_finite_result(r) for r in result.values())
    if isinstance(result, (pd.Series, pd.DataFrame)):
        result = result.select_dtypes("number").to_numpy() if isinstance(result, pd.DataFrame) else result
        return _finite_result(np.asarray(result))
    if isinstance(result, (np.ndarray, float, int, np.number)):
        arr = np.asarray(result)
        return arr.dtype.kind not in "fc" or not np.isnan(arr).any()
    return True  # an object (a fitted estimator, a distribution): validity is the caller's check


def answer(call, *, timeout: float = 30.0):
    """Run ``call()`` under a time limit; return ("error", exc) or ("result", value).

    Warnings are recorded, not raised, since a warning together with a finite result is an
    acceptable answer; they are returned as the third item.
    """
    with warnings.catch_warnings(record=True) as caught, time_limit(timeout):
        warnings.simplefilter("always")
        try:
            return "result", call(), caught
        except (ValueError, TypeError) as exc:
            return "error", exc, caught


def assert_clear_or_valid(call, names, *, valid=None, timeout: float = 30.0, case: str = ""):
    """Assert that ``call()`` raises a clear error naming one of ``names`` or gives a valid result.

    Parameters
    ----------
    call : callable
        Zero-argument call under test.
    names : str or sequence of str
        Argument names of which at least one must appear as a whole word in an error message.
    valid : callable, optional
        ``valid(result) -> bool`` for a returned value; by default a result must contain no NaN.
    timeout : float
        Seconds before the call counts as a hang.
    case : str
        Label used in failure messages.

    Returns
    -------
    tuple
        What :func:`answer` returned.
    """
    names = (names,) if isinstance(names, str) else tuple(names)
    kind, value, caught = answer(call, timeout=timeout)
    if kind == "error":
        assert names_argument(str(value), names), (
            f"{case}: the error does not name {' or '.join(names)} as a word: {type(value).__name__}: {value}")
    else:
        ok = valid(value) if valid is not None else _finite_result(value)
        assert ok, f"{case}: returned an invalid result without an error: {value!r:.300}"
    return kind, value, caught


def run_case(call, names, valid=None, case="", timeout: float = 30.0) -> str:
    """:func:`assert_clear_or_valid`, returning only the kind of answer ("error" or "result")."""
    return assert_clear_or_valid(call, names, valid=valid, timeout=timeout, case=case)[0]


#: corruptions that also cut every row-indexed argument of a call together
ROW_CUTS = ("empty", "one row")


def array_cases(targets: dict, row_arguments) -> list:
    """(target, argument, corruption) for every array argument of every target.

    ``targets`` maps a name to a tuple whose second item is the dict of the call's arguments.
    Targets with more than one row-indexed argument also get ("all rows", cut) cases that cut
    those arguments together, so that consistent but empty or one-row data are tried too.
    """
    cases = []
    for target, spec in targets.items():
        args = spec[1]
        for arg in args:
            cases += [(target, arg, label) for label in ARRAY_CORRUPTIONS]
        if sum(a in row_arguments for a in args) > 1:
            cases += [(target, "all rows", label) for label in ROW_CUTS]
    return cases
