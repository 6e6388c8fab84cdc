"""Step 2 of R3D: one-sided local-polynomial fits at the cutoff, on both sides."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["KERNELS", "kernel_values", "SideFit", "fit_side"]

# kernel name -> code of distreg._kernels.local_polynomial
KERNELS = {"triangular": 1, "epanechnikov": 2, "uniform": 3}


def kernel_values(u, kernel: str):
    """Kernel K(u) on [-1, 1] (0 outside), vectorised.

    Examples
    --------
    >>> kernel_values(np.array([0.0, 0.5, 1.5]), "epanechnikov")
    array([0.75  , 0.5625, 0.    ])
    """
    u = np.asarray(u, dtype=float)
    inside = np.abs(u) <= 1.0
    if kernel == "triangular":
        k = 1.0 - np.abs(u)
    elif kernel == "epanechnikov":
        k = 0.75 * (1.0 - u * u)
    elif kernel == "uniform":
        k = np.full_like(u, 0.5)
    else:
        raise ValueError(f"kernel={kernel!r} is not valid; choose one of {', '.join(map(repr, KERNELS))}.")
    return np.where(inside, k, 0.0)


@dataclass
class SideFit:
    """Local-polynomial fit on one side of the cutoff.

    ``alpha`` (p+1, m) coefficients in the basis (1, u, ..., u^p), u = x/h; ``weights`` (n, m)
    intercept weights (zero off-side and outside the kernel support); ``support`` (n, m) bool,
    units with a positive kernel weight on this side.
    """

    alpha: np.ndarray
    weights: np.ndarray
    support: np.ndarray
    h: np.ndarray
    p: int
    side: int = 1

    @property
    def intercept(self):
        return self.alpha[0].copy()

    def extras(self, x, kernel, coef=0):
        """Weights of coefficient ``coef`` and leverages (both (n, m)) of these fits."""
        from .._kernels.local_polynomial import locpoly_extras

        return locpoly_extras(np.ascontiguousarray(x), self.h, self.p, self.side, KERNELS[kernel], int(coef))

    def leverage(self, x, kernel):
        """Diagonal of the local hat matrix, K(u_i) r(u_i)' (sum_j K r r')^{-1} r(u_i), (n, m)."""
        return self.extras(x, kernel)[1]

    def fitted(self, x):
        """Polynomial fit r_p(x_i/h_q)' alpha_q at every unit (n, m)."""
        from .._kernels.local_polynomial import poly_fitted

        return poly_fitted(x, self.alpha, self.h, self.p)


def fit_side(x, Y, h, p: int, side: int, kernel: str, *, what: str = "outcome quantiles") -> SideFit:
    """Fit the order-``p`` local polynomial on one side (1: x >= 0, 0: x < 0) for each column of Y.

    Raises ``ValueError`` when the side has too few units inside the bandwidth for order p.
    """
    from .._kernels.local_polynomial import locpoly_weights

    Y = np.ascontiguousarray(Y, dtype=float)
    h = np.ascontiguousarray(np.broadcast_to(np.asarray(h, dtype=float), (Y.shape[1],)))
    alpha, w, info = locpoly_weights(np.ascontiguousarray(x), Y, h, int(p), int(side), KERNELS[kernel])
    on_side = (x >= 0) if side == 1 else (x < 0)
    support = on_side[:, None] & (np.abs(x[:, None] / h[None, :]) <= 1.0)
    if kernel != "uniform":
        support &= np.abs(x[:, None] / h[None, :]) < 1.0
    if info.any():
        bad = np.flatnonzero(info)
        counts = support[:, bad].sum(axis=0)
        name = "right (x >= cutoff)" if side == 1 else "left (x < cutoff)"
        raise ValueError(
            f"The local polynomial of order p={p} for the {what} is singular on the {name} side "
            f"at {bad.size} level(s) (bandwidth {h[bad[0]]:.4g} holds {int(counts[0])} units with "
            f"distinct support there; at least p+1={p + 1} distinct running-variable values are "
            "needed). Use a larger bandwidth or a lower order p."
        )
    return SideFit(alpha=alpha, weights=w, support=support, h=h, p=int(p), side=int(side))
