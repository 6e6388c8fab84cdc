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

import numpy as np

__all__ = ["LimitReport", "separating_direction", "user_stacklevel", "warn_user"]


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


def separating_direction(design, outcome, w):
    """A direction b of coefficients along which the binary ``outcome`` is (quasi-)separated.

    Solves the linear programme max Σ s_i x_i'b subject to s_i x_i'b >= 0 for every row and
    -1 <= b <= 1 (s = ±1 for outcome 1/0, columns standardised): a positive optimum means
    the log-likelihood keeps increasing along b (Albert & Anderson 1984), so no finite
    maximum-likelihood estimate exists. Returns (b on the standardised scale, number of rows
    with s_i x_i'b > 0, i.e. predicted perfectly in the limit), or None without separation.

    The engine's own diagnosis (a singular information matrix at large coefficients) can miss
    complete separation where the information is still numerically definite; for a binary
    outcome this programme decides it exactly.

    Examples
    --------
    >>> from distreg.likelihood import Design
    >>> x = np.array([[1.0, -1.0], [1.0, -0.5], [1.0, 0.5], [1.0, 1.0]])
    >>> d = Design(x, ["Intercept", "x"], 0)
    >>> b, n_perfect = separating_direction(d, np.array([0, 0, 1, 1]), np.ones(4))
    >>> bool(b[1] > 0)            # larger x, outcome 1: the slope runs to +∞
    True
    >>> separating_direction(d, np.array([0, 1, 0, 1]), np.ones(4)) is None   # overlap: finite
    True
    """
    from scipy.optimize import linprog

    rows = w > 0
    D = np.asarray(design.matrix, float)[rows]
    sd = D.std(axis=0)
    D = D / np.where(sd > 0, sd, 1.0)
    if design.intercept is not None:
        D[:, design.intercept] = 1.0
    sgn = np.where(outcome[rows] > 0.5, 1.0, -1.0)
    A = sgn[:, None] * D
    res = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(A.shape[0]), bounds=(-1.0, 1.0), method="highs")
    if res.status != 0 or -res.fun <= 1e-7 * A.shape[0]:
        return None
    margin = A @ res.x
    return res.x, int((margin > 1e-9).sum())
