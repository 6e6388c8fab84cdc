"""Input checks shared by every distreg entry point.

Every function here returns a *new* array (never a view that a later in-place operation could
write through to the caller's data) and raises ``ValueError``/``TypeError`` whose message names
the argument, says what was wrong and how to fix it.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

__all__ = [
    "as_float_array",
    "reject_categorical",
    "check_1d",
    "check_same_length",
    "check_sample_weight",
    "check_confidence_level",
    "check_levels",
    "check_option",
    "check_positive_scalar",
    "check_int",
    "check_random_state",
]


def _is_pandas(obj) -> bool:
    return hasattr(obj, "iloc") and hasattr(obj, "dtypes")


def reject_categorical(x, name: str) -> None:
    """Raise a ``TypeError`` naming the column when pandas data hold categorical or text columns.

    Array-based entry points take numbers only; categories are encoded by the formula path
    (``from_formula``), never silently replaced by their codes.

    Examples
    --------
    >>> import pandas as pd
    >>> reject_categorical(pd.DataFrame({"g": pd.Categorical(["a", "b"])}), "X")
    Traceback (most recent call last):
    ...
    TypeError: X column 'g' is categorical; encode it first (for example with pandas.get_dummies) or fit with from_formula, which encodes categories (C(g)).
    """
    if not _is_pandas(x):
        return
    import pandas as pd  # only reached for pandas input, so pandas is already imported

    columns = list(x.dtypes.items()) if hasattr(x, "columns") else [(None, x.dtype)]
    for column, dtype in columns:
        if isinstance(dtype, pd.CategoricalDtype):
            kind = "categorical"
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            kind = "text"
        else:
            continue
        if column is None:
            raise TypeError(f"{name} is {kind}; pass numbers (encode categories first).")
        raise TypeError(
            f"{name} column {column!r} is {kind}; encode it first (for example with "
            f"pandas.get_dummies) or fit with from_formula, which encodes categories (C({column}))."
        )


def as_float_array(x, name: str, *, allow_nan: bool = False, ndim: int | tuple | None = None):
    """Return ``x`` as a new float64 ndarray, rejecting non-numeric data, NaN and inf.

    Parameters
    ----------
    x : array-like
        The input.
    name : str
        Argument name used in error messages.
    allow_nan : bool, default False
        Let NaN through (infinities are still rejected).
    ndim : int or tuple of int, optional
        Accepted number(s) of dimensions.

    Examples
    --------
    >>> as_float_array([1, 2], "y")
    array([1., 2.])
    >>> as_float_array([1, float("nan")], "y")
    Traceback (most recent call last):
    ...
    ValueError: y contains NaN or infinite values (1 of 2 entries); remove or impute them first.
    """
    if x is None:
        raise TypeError(f"{name} is None; pass an array of numbers.")
    if _is_pandas(x):
        reject_categorical(x, name)
        x = x.to_numpy()
    if isinstance(x, (str, bytes)) or np.asarray(x).dtype.kind in "USV":
        # numpy would parse "0.5" as a number; text is a caller error, not data
        raise TypeError(f"{name} must be numeric; got text ({type(x).__name__}). Pass numbers.")
    try:
        arr = np.array(x, dtype=float, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be numeric (convertible to float); got {type(x).__name__}: {exc}"
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise ValueError(
                f"{name} must have {' or '.join(str(a) for a in allowed)} dimension(s); "
                f"got shape {arr.shape}."
            )
    bad = ~np.isfinite(arr) if not allow_nan else np.isinf(arr)
    if bad.any():
        what = "infinite values" if allow_nan else "NaN or infinite values"
        raise ValueError(
            f"{name} contains {what} ({int(bad.sum())} of {arr.size} entries); "
            "remove or impute them first."
        )
    return arr


def check_1d(x, name: str, *, allow_nan: bool = False):
    """Return ``x`` as a new 1-D float array; a column vector of shape (n, 1) is flattened.

    Examples
    --------
    >>> check_1d([[1.0], [2.0]], "y")
    array([1., 2.])
    """
    arr = as_float_array(x, name, allow_nan=allow_nan)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (shape (n,)); got shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty; pass at least one value.")
    return arr


def check_same_length(**arrays) -> int:
    """Check that all given arrays have the same first dimension and return it.

    Examples
    --------
    >>> check_same_length(X=np.zeros((3, 2)), y=np.zeros(3))
    3
    """
    lengths = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise ValueError(f"Inconsistent numbers of rows: {desc}; pass arrays of equal length.")
    return next(iter(lengths.values()))


def check_sample_weight(sample_weight, n: int, name: str = "sample_weight", data_name: str = "the data"):
    """Return non-negative weights of length ``n`` (ones when ``None``), as a new array.

    ``data_name`` names what the weights must match in the length error (for example ``"X"``).

    Examples
    --------
    >>> check_sample_weight(None, 3)
    array([1., 1., 1.])
    >>> check_sample_weight([1, -1, 1], 3)
    Traceback (most recent call last):
    ...
    ValueError: sample_weight must be non-negative; 1 entries are negative.
    """
    if sample_weight is None:
        return np.ones(n)
    w = check_1d(sample_weight, name)
    if w.shape[0] != n:
        raise ValueError(f"{name} has {w.shape[0]} entries but {data_name} has {n} rows; pass one "
                         "weight per row.")
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative; {int((w < 0).sum())} entries are negative.")
    if not (w > 0).any():
        raise ValueError(f"{name} is zero everywhere; at least one weight must be positive.")
    return w


def check_confidence_level(confidence_level, name: str = "confidence_level"):
    """Return a confidence level (float) or levels (1-D array) strictly inside (0, 1).

    Examples
    --------
    >>> check_confidence_level(0.9)
    0.9
    >>> check_confidence_level(95)
    Traceback (most recent call last):
    ...
    ValueError: confidence_level must lie strictly between 0 and 1 (e.g. 0.9 for 90%); got 95.
    """
    if isinstance(confidence_level, (str, bytes)):
        raise TypeError(f"{name} must be a number in (0, 1); got the string {confidence_level!r}.")
    if isinstance(confidence_level, (bool, np.bool_)) or confidence_level is None:
        raise TypeError(f"{name} must be a number in (0, 1); got {confidence_level!r}.")
    reject_categorical(confidence_level, name)
    try:
        arr = np.asarray(confidence_level, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a list of numbers in (0, 1).") from None
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(f"{name} must be a number or a 1-D list of numbers in (0, 1).")
    if not np.all((arr > 0) & (arr < 1)):
        raise ValueError(
            f"{name} must lie strictly between 0 and 1 (e.g. 0.9 for 90%); got {confidence_level}."
        )
    return float(arr) if arr.ndim == 0 else arr.copy()


def check_levels(levels, name: str = "quantiles", *, strictly_increasing: bool = False):
    """Return probability levels as a 1-D float array with entries in (0, 1).

    Parameters
    ----------
    levels : float or array-like
        Quantile levels.
    name : str
        Argument name for messages.
    strictly_increasing : bool, default False
        Also require strictly increasing levels.

    Examples
    --------
    >>> check_levels([0.1, 0.5])
    array([0.1, 0.5])
    >>> check_levels([0.5, 1.5])
    Traceback (most recent call last):
    ...
    ValueError: quantiles must lie strictly between 0 and 1; got values outside: [1.5].
    """
    arr = as_float_array(levels, name, ndim=(0, 1)).reshape(-1)
    if arr.size == 0:
        raise ValueError(f"{name} is empty; pass at least one level in (0, 1).")
    out = arr[(arr <= 0) | (arr >= 1)]
    if out.size:
        raise ValueError(
            f"{name} must lie strictly between 0 and 1; got values outside: {out.tolist()}."
        )
    if strictly_increasing and np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing; sort them and drop duplicates.")
    return arr


def check_option(value, name: str, options: Iterable[str]):
    """Check that ``value`` is one of ``options``.

    Examples
    --------
    >>> check_option("mean", "point", ["mean", "median"])
    'mean'
    >>> check_option("mode", "point", ["mean", "median"])
    Traceback (most recent call last):
    ...
    ValueError: point='mode' is not valid; choose one of 'mean', 'median'.
    """
    options = list(options)
    if not isinstance(value, str) or value not in options:
        valid = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name}={value!r} is not valid; choose one of {valid}.")
    return value


def check_positive_scalar(value, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite positive float.

    Examples
    --------
    >>> check_positive_scalar(2, "bandwidth")
    2.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}.")
    v = float(value)
    ok = (v >= 0) if allow_zero else (v > 0)
    if not (np.isfinite(v) and ok):
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite {bound} number; got {value}.")
    return v


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int, optionally at least ``minimum``.

    Examples
    --------
    >>> check_int(3, "n_boot", minimum=1)
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}.")
    return int(value)


def check_random_state(random_state) -> np.random.Generator:
    """Turn ``None``, an int, a ``Generator`` or a ``RandomState`` into a ``numpy.random.Generator``.

    Examples
    --------
    >>> bool(check_random_state(0).integers(10) == check_random_state(0).integers(10))
    True
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, (bool, np.bool_)):
        raise TypeError("random_state must be None, an int seed or a numpy Generator; got a boolean.")
    if random_state is None or isinstance(random_state, numbers.Integral):
        if random_state is not None and random_state < 0:
            raise ValueError(f"random_state must be a non-negative seed; got {random_state}.")
        return np.random.default_rng(random_state)
    raise TypeError(
        "random_state must be None, an int, or a numpy Generator/RandomState; "
        f"got {type(random_state).__name__}."
    )
