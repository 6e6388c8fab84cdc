"""k-nearest-neighbour conditional quantiles."""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import NearestNeighbors

from .._base import check_is_fitted
from .._params import Interval, Options
from ._grid import DEFAULT_LEVELS, GRID_CONSTRAINTS, QuantileGridRegressor

__all__ = ["KNeighborsQuantileRegressor"]


class KNeighborsQuantileRegressor(QuantileGridRegressor):
    """Conditional quantiles as empirical quantiles of the k nearest neighbours' responses.

    Parameters
    ----------
    n_neighbors : int, default 30
    quantiles : array-like, default ``np.arange(1, 100) / 100``
    standardize : bool, default True
        Scale each feature to unit standard deviation (training data) before measuring distance;
        a constant feature is left unscaled.
    method : str, default "linear"
        Sample-quantile definition passed to :func:`numpy.quantile` (``"linear"`` is R's type 7;
        ``"inverted_cdf"`` gives actual neighbour values).
    point : {"median", "mean"}, default "median"
    tails : {"exponential", "linear", "clamp"}, default "exponential"

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(10.0)[:, None]; y = np.arange(10.0)
    >>> m = KNeighborsQuantileRegressor(n_neighbors=3, quantiles=[0.5]).fit(X, y)
    >>> m.predict_quantiles(np.array([[0.2], [5.0]]))
    array([[1.],
           [5.]])
    """

    _parameter_constraints = {
        **GRID_CONSTRAINTS,
        "n_neighbors": [Interval("int", 1, None)],
        "standardize": [bool],
        "method": [Options({"linear", "inverted_cdf", "lower", "higher", "nearest", "midpoint",
                            "median_unbiased", "normal_unbiased"})],
    }

    def __init__(self, n_neighbors=30, quantiles=DEFAULT_LEVELS, standardize=True, method="linear",
                 point="median", tails="exponential"):
        self.n_neighbors = n_neighbors
        self.quantiles = quantiles
        self.standardize = standardize
        self.method = method
        self.point = point
        self.tails = tails

    def fit(self, X, y):
        """Store the (standardised) training data and build the neighbour index.

        Returns
        -------
        self
        """
        levels = self._check_quantiles_param()
        k = int(self.n_neighbors)
        X = self._validate_X(X, reset=True)
        y = self._validate_y(y, X.shape[0])
        if k > X.shape[0]:
            raise ValueError(f"n_neighbors={k} exceeds the number of rows of X (n_samples = {X.shape[0]}); "
                             "lower n_neighbors or pass more training rows.")
        self.scale_ = X.std(axis=0) if self.standardize else np.ones(X.shape[1])
        self.scale_[self.scale_ == 0] = 1.0
        self.nn_ = NearestNeighbors(n_neighbors=k).fit(X / self.scale_)
        self.y_ = y
        self.quantiles_ = levels
        return self

    def _predict_grid(self, X):
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        idx = self.nn_.kneighbors(X / self.scale_, return_distance=False)
        return np.quantile(self.y_[idx], self.quantiles_, axis=1, method=self.method).T
