"""How a parametric family describes itself to the likelihood engine.

A family is a set of distribution parameters, each with a link and its own linear predictor
η_j = D_j β_j (+ offset_j), and a function returning per-observation log-likelihood terms and
their derivatives with respect to every η_j. Censoring, truncation and any other kind of
contribution live inside that function (the ``data`` mapping carries whatever arrays it needs:
times, event indicators, entry times, interval bounds, ...), so one engine serves every family.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["Link", "LINKS", "Parameter", "LikelihoodSpec"]


@dataclass(frozen=True)
class Link:
    """A link g with θ = g⁻¹(η); ``inverse`` maps η to θ and ``forward`` θ to η.

    Examples
    --------
    >>> LINKS["log"].inverse(np.array([0.0]))
    array([1.])
    >>> LINKS["log1p"].forward(np.array([0.0]))  # κ = exp(η) - 1 keeps κ > -1
    array([0.])
    """

    name: str
    inverse: callable
    forward: callable
    deriv: callable  # dθ/dη as a function of η


LINKS = {
    "identity": Link("identity", lambda e: np.asarray(e, float) + 0.0, lambda t: np.asarray(t, float) + 0.0,
                     lambda e: np.ones_like(np.asarray(e, float))),
    "log": Link("log", np.exp, np.log, np.exp),
    "logit": Link("logit", special.expit, special.logit,
                  lambda e: special.expit(e) * special.expit(-e)),
    "log1p": Link("log1p", lambda e: np.expm1(e), lambda t: np.log1p(t), np.exp),
}


@dataclass(frozen=True)
class Parameter:
    """One distribution parameter of a family.

    Parameters
    ----------
    name : str
        Parameter name used in result tables (e.g. ``"loc"``, ``"scale"``).
    link : str
        Key of :data:`LINKS`.
    """

    name: str
    link: str = "identity"

    @property
    def link_function(self) -> Link:
        return LINKS[self.link]


class LikelihoodSpec:
    """Base class of the family definitions that :func:`maximize_likelihood` fits.

    Subclasses set ``parameters`` and implement :meth:`loglik`; they may implement
    :meth:`hessian` (otherwise the engine differentiates the analytic score numerically) and
    :meth:`start_values`.
    """

    parameters: tuple[Parameter, ...] = ()
    #: True when the log-likelihood has kinks (its maximum may sit where the score jumps); the
    #: engine then judges convergence by the optimiser's stopping reason, not a vanishing score
    kinked: bool = False

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def loglik(self, eta: np.ndarray, data: dict) -> tuple[np.ndarray, np.ndarray]:
        """Per-observation log-likelihood terms and their derivatives.

        Parameters
        ----------
        eta : ndarray, shape (n, P)
            Linear predictors, one column per parameter (offsets already added).
        data : dict of ndarray
            The response and anything else the family needs.

        Returns
        -------
        ll : ndarray, shape (n,)
        score : ndarray, shape (n, P)
            ∂ll_i/∂η_ij.
        """
        raise NotImplementedError

    def hessian(self, eta: np.ndarray, data: dict) -> np.ndarray | None:
        """Second derivatives ∂²ll_i/∂η_ij∂η_ik, shape (n, P, P), or ``None`` if not available."""
        return None

    def start_values(self, designs, data: dict, weights: np.ndarray) -> list[list]:
        """Starting points: a list of starts, each a list with one entry per parameter.

        An entry is a scalar (the value of η put into the intercept, other coefficients 0) or a
        full coefficient vector for that parameter's design.
        """
        return [[0.0] * len(self.parameters)]
