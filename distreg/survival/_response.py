"""Turn the many accepted forms of a survival response into the engine's data dict."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ..likelihood.survival_terms import survival_data

__all__ = ["parse_survival_response"]


def parse_survival_response(y, n=None, *, entry=None):
    """Validate a survival response ``y`` and return the dict of :func:`survival_data`.

    Accepted forms: a two-column array or DataFrame (time, event); a DataFrame with columns
    ``time`` and ``event`` or ``lower`` and ``upper`` (interval censoring); a structured array
    with fields ``time``/``event``, ``lower``/``upper``, or one boolean and one numeric field
    (scikit-survival's form); a 1-D array of event times (all events observed).

    Examples
    --------
    >>> d = parse_survival_response(np.array([[5.0, 1], [7.0, 0]]))
    >>> d["time"].tolist(), d["code"].tolist()
    ([5.0, 7.0], [1, 0])
    """
    if y is None:
        raise ValueError(
            "requires y to be passed, but the target y is None; pass (time, event) as a two-column "
            "array or DataFrame."
        )
    names = getattr(getattr(y, "dtype", None), "names", None)
    if names:
        fields = {k.lower(): k for k in names}
        if "lower" in fields and "upper" in fields:
            return survival_data(lower=y[fields["lower"]], upper=y[fields["upper"]], entry=entry, n=n)
        if "time" in fields and "event" in fields:
            return survival_data(y[fields["time"]], y[fields["event"]], entry=entry, n=n)
        if len(names) == 2:
            kinds = [y.dtype[k].kind for k in names]
            if "b" in kinds:
                ev = names[kinds.index("b")]
                tm = names[1 - kinds.index("b")]
                return survival_data(y[tm], y[ev].astype(float), entry=entry, n=n)
        raise ValueError(
            f"structured y has fields {list(names)}; expected ('time', 'event'), ('lower', 'upper') "
            "or one boolean event field and one time field."
        )
    if hasattr(y, "columns"):
        cols = {str(c).lower(): c for c in y.columns}
        if "lower" in cols and "upper" in cols:
            return survival_data(lower=y[cols["lower"]], upper=y[cols["upper"]], entry=entry, n=n)
        if "time" in cols and "event" in cols:
            return survival_data(y[cols["time"]], y[cols["event"]], entry=entry, n=n)
        if y.shape[1] == 2:
            return survival_data(y.iloc[:, 0], y.iloc[:, 1], entry=entry, n=n)
        raise ValueError(
            f"y has columns {list(y.columns)}; pass two columns (time, event) or columns named "
            "'lower' and 'upper' for interval-censored data."
        )
    # a Series or an array: numbers only (text such as "5" is a caller error, not a time)
    arr = as_float_array(y, "y", ndim=(1, 2))
    if arr.ndim == 1:
        return survival_data(arr, None, entry=entry, n=n)
    if arr.ndim == 2 and arr.shape[1] == 1:
        import warnings

        from sklearn.exceptions import DataConversionWarning

        warnings.warn("A column-vector y was passed when a 1d array was expected; treating it as "
                      "event times (pass two columns (time, event) for censored data).",
                      DataConversionWarning, stacklevel=4)
        return survival_data(arr[:, 0], None, entry=entry, n=n)
    if arr.ndim == 2 and arr.shape[1] == 2:
        return survival_data(arr[:, 0], arr[:, 1], entry=entry, n=n)
    raise ValueError(
        f"y must have two columns (time, event); got shape {arr.shape}. For interval-censored data "
        "pass a DataFrame with columns 'lower' and 'upper'."
    )
