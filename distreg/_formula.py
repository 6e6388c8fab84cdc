"""Formula support (formulaic) shared by every estimator's ``from_formula``.

A fitted formula model keeps the formulaic ``ModelSpec`` of each design, so that prediction on a
new DataFrame rebuilds exactly the same columns (categorical levels included); an unseen level
is an error rather than formulaic's silent cast to NaN.
"""

from __future__ import annotations

import warnings

import numpy as np

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
        return _materialise(lambda: self.spec.get_model_matrix(data, na_action="raise"), self.formula)


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
    return np.asarray(mm, dtype=float)


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
