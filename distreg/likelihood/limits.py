"""How a fit that ends at a bound or a limit of its family reports it.

A maximum-likelihood fit can end in three places: an interior maximum (the score vanishes and
the observed information is positive definite), a bound of a parameter that the family's own
definition imposes (κ > -1, α ≥ 0, ...), or a *limit* that the parameterisation can only
approach (κ → ∞, γ → ∞, α → 0, a coefficient → ±∞ under separation). Only the first is
``converged_``; the other two are described by one :class:`LimitReport` each, kept in the
estimator's ``limits_`` and shown by ``summary()``.
"""

from __future__ import annotations

import inspect
import os
import warnings
from dataclasses import dataclass

__all__ = ["LimitReport", "user_stacklevel", "warn_user"]


@dataclass(frozen=True)
class LimitReport:
    """A fit that ends at a bound or approaches a limit of its family.

    Attributes
    ----------
    parameter : str
        The distribution parameter (or coefficient) that is at the bound or running to the limit,
        e.g. ``"kappa"`` or ``"bit3[hour_4]"``.
    limit : str
        The limit in words, e.g. ``"κ → ∞"`` or ``"α → 0"``.
    special_case : str or None
        The model that the limit is (``"gompertz"``, ``"poisson"``, ...), if it has a name.
    loglik : float or None
        Log-likelihood of that limiting case fitted exactly (None where it has no closed fit).
    cause : str
        ``"boundary"`` (a bound or limit of the family), ``"separation"`` (a bit, zero or class
        predicted perfectly: a coefficient runs to ±∞) or ``"flat"`` (collinear covariates: a
        direction of the coefficients leaves the likelihood unchanged).
    message : str
        One or two sentences for the user: what happened and what to do.

    Examples
    --------
    >>> r = LimitReport("alpha", "α → 0", "poisson", -123.4, "boundary", "α ran to 0: the model is Poisson.")
    >>> r.special_case
    'poisson'
    """

    parameter: str
    limit: str
    special_case: str | None
    loglik: float | None
    cause: str
    message: str


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first frame outside distreg.

    Counted from the caller of this function, so ``warnings.warn(..., stacklevel=user_stacklevel())``
    called anywhere inside the package names the user's own line (their notebook cell or
    script), however deep the call chain is.

    Examples
    --------
    >>> user_stacklevel() >= 1
    True
    """
    frame = inspect.currentframe()
    level = 0
    try:
        frame = frame.f_back  # the caller of user_stacklevel (stacklevel 1)
        while frame is not None:
            level += 1
            path = os.path.abspath(frame.f_code.co_filename)
            if not path.startswith(_PACKAGE_DIR + os.sep):
                return level
            frame = frame.f_back
        return max(level, 1)
    finally:
        del frame


def warn_user(message: str, category=UserWarning) -> None:
    """``warnings.warn`` pointed at the user's line (see :func:`user_stacklevel`).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_user("look here")
    >>> str(caught[0].message)
    'look here'
    """
    # user_stacklevel counts this function's frame as level 1, as warnings.warn does here
    warnings.warn(message, category, stacklevel=user_stacklevel())
