"""Formula support (formulaic) shared by every estimator's ``from_formula``.

A fitted formula model keeps the formulaic ``ModelSpec`` of each design, so that prediction on a
new DataFrame rebuilds exactly the same columns (categorical levels included); an unseen level
is an error rather than formulaic's silent cast to NaN.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from ._validation import reject_categorical

__all__ = ["FormulaDesign", "design_from_formula", "response_from_formula"]


class FormulaDesign:
    """A design matrix built from a formula, with what is needed to rebuild it on new data."""

    def __init__(self, formula: str, spec, columns: list[str]):
        self.formula = formula
        self.spec = spec
        self.columns = columns

    @property
    def intercept(self):
        return self.columns.index("Intercept") if "Intercept" in self.columns else None

    def transform(self, data) -> np.ndarray:
        """Rebuild the design on new data (a pandas DataFrame)."""
        _require_frame(data, "X")
        _check_levels(self.spec, data, self.formula)
        return _materialise(lambda: self.spec.get_model_matrix(data, na_action="raise"), self.formula)


# the column that a categorical factor encodes: ``g``, ```g h```, ``C(g)`` or ``C(g, ...)``
_FACTOR_COLUMN = re.compile(r"^(?:C\(\s*)?(`[^`]+`|[A-Za-z_][A-Za-z0-9_.]*)")


def _plain(value):
    # numpy scalars print as np.int64(7) in repr; the user wrote 7
    return value.item() if isinstance(value, np.generic) else value


def _check_levels(spec, data, formula):
    """Raise a ValueError naming the column and the level for categories unseen at fit.

    formulaic would encode such rows as all-zero dummies (after a warning); the fitted
    coefficients say nothing about a level they were not fitted with.
    """
    for factor, (kind, state) in getattr(spec, "encoder_state", {}).items():
        if getattr(kind, "value", kind) != "categorical" or "categories" not in state:
            continue
        match = _FACTOR_COLUMN.match(str(factor).strip())
        column = match.group(1).strip("`") if match else None
        if column not in data.columns:
            continue  # a transformed factor: formulaic's own check below applies
        values = data[column]
        unseen = values[values.notna() & ~values.isin(state["categories"])]
        if len(unseen):
            known = ", ".join(repr(_plain(c)) for c in state["categories"][:10])
            raise ValueError(
                f"formula {formula!r}: column {column!r} has the level {_plain(unseen.iloc[0])!r}, a "
                f"categorical level that the model was not fitted with (fitted levels: {known}). "
                "Drop those rows or refit including that level."
            )


def _require_frame(data, name):
    if not (hasattr(data, "columns") and hasattr(data, "iloc")):
        raise TypeError(
            f"{name} must be a pandas DataFrame for a model fitted with from_formula; "
            f"got {type(data).__name__}."
        )


def _materialise(build, formula):
    from formulaic.errors import FormulaicError

    try:
        from formulaic.transforms.contrasts import DataMismatchWarning
    except ImportError:  # pragma: no cover - older formulaic
        DataMismatchWarning = UserWarning
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataMismatchWarning)
        try:
            mm = build()
        except DataMismatchWarning as exc:
            raise ValueError(
                f"formula {formula!r}: the data contain a categorical level that the model was not "
                f"fitted with ({exc}). Drop those rows or refit including that level."
            ) from None
        except (FormulaicError, KeyError, NameError) as exc:
            raise ValueError(f"formula {formula!r} could not be evaluated on the data: {exc}") from None
        except ValueError as exc:
            raise ValueError(
                f"formula {formula!r}: {exc} (missing values must be removed or imputed first)"
            ) from None
    matrix = np.asarray(mm, dtype=float)
    bad = ~np.isfinite(matrix)
    if bad.any():
        # formulaic drops rows with NaN (na_action) but passes infinities through
        column = list(getattr(mm, "columns", range(matrix.shape[1])))[int(np.argmax(bad.any(axis=0)))]
        raise ValueError(
            f"formula {formula!r}: the design column {str(column)!r} has {int(bad.sum(axis=0).max())} "
            "infinite value(s); remove those rows or transform the variable."
        )
    return matrix


def design_from_formula(formula: str, data) -> FormulaDesign:
    """Build a right-hand-side design from ``formula`` (``"~ x + C(g)"`` or ``"y ~ x"``).

    Returns the :class:`FormulaDesign` and keeps the matrix in ``.matrix``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [0.0, 1.0, 2.0], "g": ["a", "b", "a"]})
    >>> d = design_from_formula("y ~ x + g", df)
    >>> d.columns
    ['Intercept', 'x', 'g[T.b]']
    >>> d.transform(pd.DataFrame({"x": [5.0], "g": ["b"]}))
    array([[1., 5., 1.]])
    """
    from formulaic import model_matrix

    _require_frame(data, "data")
    if not isinstance(formula, str):
        raise TypeError(f"formula must be a string such as 'y ~ x1 + x2'; got {type(formula).__name__}.")
    rhs_formula = formula.split("~", 1)[1] if "~" in formula else formula
    holder = {}

    def build():
        mm = model_matrix("~" + rhs_formula, data, na_action="raise")
        holder["mm"] = mm
        return mm

    matrix = _materialise(build, formula)
    mm = holder["mm"]
    design = FormulaDesign(formula, mm.model_spec, list(mm.columns))
    design.matrix = matrix
    return design


def response_from_formula(formula: str, data, name: str = "formula") -> tuple[np.ndarray, str]:
    """The left-hand side of ``formula`` evaluated on ``data`` (a single numeric column).

    Examples
    --------
    >>> import pandas as pd
    >>> response_from_formula("y ~ x", pd.DataFrame({"y": [1, 2], "x": [0, 1]}))
    (array([1., 2.]), 'y')
    """
    from formulaic import model_matrix

    _require_frame(data, "data")
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(f"{name} must have a response on the left, like 'y ~ x'; got {formula!r}.")
    lhs = formula.split("~", 1)[0].strip()
    if not lhs:
        raise ValueError(f"{name} must have a response on the left, like 'y ~ x'; got {formula!r}.")
    if lhs in data.columns:
        reject_categorical(data[lhs], f"the response {lhs!r} of {formula!r}")
        try:
            return np.asarray(data[lhs], dtype=float).copy(), lhs
        except (TypeError, ValueError):
            raise TypeError(
                f"the response {lhs!r} of {formula!r} must be numeric; got dtype {data[lhs].dtype}."
            ) from None
    y = _materialise(lambda: model_matrix(lhs + " ~ 1", data, na_action="raise").lhs, formula)
    if y.ndim == 2 and y.shape[1] != 1:
        raise ValueError(f"the response of {formula!r} must be a single numeric column.")
    return y.reshape(-1), lhs
