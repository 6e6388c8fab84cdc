"""Linear quantile regression at many levels, solved exactly as linear programs."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import linprog

from .._base import check_is_fitted
from .._params import Interval
from ..exceptions import ConvergenceWarning
from ._grid import DEFAULT_LEVELS, GRID_CONSTRAINTS, QuantileGridRegressor

__all__ = ["LinearQuantileRegressor"]


class LinearQuantileRegressor(QuantileGridRegressor):
    """Linear quantile regression (Koenker & Bassett 1978) at a grid of levels in one fit.

    For each level τ the coefficients minimise

    .. math:: \\frac{1}{\\sum_i w_i} \\sum_i w_i\\, \\rho_\\tau(y_i - b_0 - x_i^\\top b)
              + \\alpha \\lVert b \\rVert_1,

    with the pinball (check) loss :math:`\\rho_\\tau(u) = u(\\tau - 1\\{u < 0\\})`. The problem is
    a linear program in :math:`(b_0, b, u^+, u^-)` with :math:`y = b_0 + Xb + u^+ - u^-`; it is
    solved exactly by the HiGHS simplex solver (``scipy.optimize.linprog``), so the result is
    a vertex solution of the LP, as in the Barrodale-Roberts algorithm of R's
    ``quantreg::rq``, not an iterative approximation.

    Parameters
    ----------
    quantiles : array-like, default ``np.arange(1, 100) / 100``
        Strictly increasing levels in (0, 1).
    alpha : float, default 0.0
        Lasso penalty on the slopes (not the intercept), as in scikit-learn's
        ``QuantileRegressor``.
    fit_intercept : bool, default True
    point : {"median", "mean"}, default "median"
        What ``predict`` returns.
    tails : {"exponential", "linear", "clamp"}, default "exponential"
        Tails of the predictive :class:`~distreg.distributions.QuantileFunction`.

    Attributes
    ----------
    coef_ : ndarray, shape (k, n_features)
        Slopes, one row per level.
    intercept_ : ndarray, shape (k,)
    quantiles_ : ndarray, shape (k,)

    Examples
    --------
    >>> from distreg.datasets import load_engel
    >>> df = load_engel()
    >>> m = LinearQuantileRegressor(quantiles=[0.1, 0.5, 0.9]).fit(df[["income"]], df["foodexp"])
    >>> m.coef_.round(4).ravel()
    array([0.4018, 0.5602, 0.6863])
    >>> m.predict_quantiles(df[["income"]].iloc[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        **GRID_CONSTRAINTS,
        "alpha": [Interval("real", 0, None)],
        "fit_intercept": [bool],
    }

    def __init__(self, quantiles=DEFAULT_LEVELS, alpha=0.0, fit_intercept=True, point="median",
                 tails="exponential"):
        self.quantiles = quantiles
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.point = point
        self.tails = tails

    def fit(self, X, y, sample_weight=None):
        """Fit one linear quantile regression per level.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n, p)
        y : array-like, shape (n,)
        sample_weight : array-like, shape (n,), optional
            Non-negative case weights.

        Returns
        -------
        self
        """
        levels = self._check_quantiles_param()
        alpha = float(self.alpha)
        X = self._validate_X(X, reset=True)
        y = self._validate_y(y, X.shape[0])
        w = self._validate_weights(sample_weight, X.shape[0])
        n, p = X.shape
        D = np.column_stack([np.ones(n), X]) if self.fit_intercept else X
        n_free = D.shape[1] - (p if alpha > 0 else 0)
        free, pen = D[:, :n_free], D[:, n_free:]
        # The LP dual (Koenker 2005, §6.2): max y'd subject to D_free'd = 0, |D_pen'd| <= alpha and
        # -(1-tau) w_i <= d_i <= tau w_i. It has n bounded variables and only p + 1 constraints,
        # so HiGHS solves it much faster than the primal; the coefficients are its multipliers.
        A_eq = free.T if n_free else None
        b_eq = np.zeros(n_free) if n_free else None
        A_ub = np.vstack([pen.T, -pen.T]) if pen.shape[1] else None
        b_ub = np.full(2 * pen.shape[1], alpha) if pen.shape[1] else None
        wn = w / w.sum()
        coef = np.empty((levels.size, D.shape[1]))
        for j, tau in enumerate(levels):
            bounds = np.column_stack([-(1 - tau) * wn, tau * wn])
            res = linprog(-y, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if res.status != 0:
                warnings.warn(f"HiGHS did not solve the quantile regression LP at level {tau}: "
                              f"{res.message}", ConvergenceWarning, stacklevel=2)
                raise ValueError(f"The quantile regression LP failed at level {tau}; check X for "
                                 "constant or collinear columns and y for extreme values.")
            parts = []
            if n_free:
                parts.append(-res.eqlin.marginals)
            if pen.shape[1]:
                mu = res.ineqlin.marginals
                parts.append(mu[pen.shape[1]:] - mu[: pen.shape[1]])
            coef[j] = np.concatenate(parts)
        self.quantiles_ = levels
        if self.fit_intercept:
            self.intercept_ = coef[:, 0].copy()
            self.coef_ = coef[:, 1:].copy()
        else:
            self.intercept_ = np.zeros(levels.size)
            self.coef_ = coef
        return self

    def _predict_grid(self, X):
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return X @ self.coef_.T + self.intercept_[None, :]
