"""Calibration diagnostics: the probability integral transform (PIT)."""

from __future__ import annotations

import numpy as np

from .._validation import check_random_state
from ._utils import check_distribution, check_y

__all__ = ["pit", "randomized_quantile_residuals"]


def pit(y_true, distribution, random_state=None):
    """Probability integral transform u_i = F_i(y_i) of each observation.

    For a calibrated continuous forecast the values are uniform on (0, 1). Where the predictive
    distribution has an atom at y (discrete distributions, empirical distributions, clamped
    tails) the randomised PIT F(y-) + V (F(y) - F(y-)), V ~ U(0, 1), is returned, which is again
    uniform under calibration (Czado, Gneiting & Held 2009).

    Parameters
    ----------
    y_true : array-like, shape (n,)
    distribution : Distribution
        One predictive distribution per observation.
    random_state : None, int or numpy Generator
        Source of V for the randomised PIT (irrelevant without atoms).

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> from distreg.distributions import Normal, Empirical
    >>> pit([0.0, 1.0], Normal([0.0, 0.0], [1.0, 1.0])).round(4)
    array([0.5   , 0.8413])
    >>> u = pit([1.0], Empirical([[0.0, 1.0, 2.0, 3.0]]), random_state=0)
    >>> bool(0.25 <= u[0] <= 0.5)
    True
    """
    y = check_y(y_true)
    dist = check_distribution(distribution, y.shape[0])
    rng = check_random_state(random_state)
    upper = dist.cdf(y)
    lower = dist.cdf(np.nextafter(y, -np.inf))
    gap = np.maximum(upper - lower, 0.0)
    v = rng.uniform(size=y.shape[0])
    # continuous cdfs differ by O(ulp) between y- and y; only real atoms are randomised
    atom = gap > 1e-10
    return np.where(atom, lower + v * gap, upper)


def randomized_quantile_residuals(y_true, distribution, random_state=None):
    """Randomised quantile residuals r_i = Φ⁻¹(u_i) of the (randomised) PIT u_i (Dunn & Smyth 1996).

    Under a correct model they are independent standard normal, also for discrete outcomes,
    so a normal QQ plot or histogram checks the whole predictive distribution of counts.

    Parameters
    ----------
    y_true : array-like, shape (n,)
    distribution : Distribution
        One predictive distribution per observation.
    random_state : None, int or numpy Generator
        Source of the randomisation within each atom.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> from distreg.distributions import Poisson
    >>> r = randomized_quantile_residuals([0, 3, 10], Poisson([1.0, 3.0, 3.0]), random_state=0)
    >>> r.shape, bool(r[2] > 2)
    ((3,), True)
    """
    from scipy import special

    u = pit(y_true, distribution, random_state=random_state)
    # keep the residuals finite when the PIT lands exactly on 0 or 1 (an impossible y)
    tiny = np.finfo(float).tiny
    return special.ndtri(np.clip(u, tiny, 1 - np.finfo(float).epsneg))
