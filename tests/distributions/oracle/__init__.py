"""Arbitrary-precision (mpmath) references for every registered distribution.

Each family module in this package calls :func:`register_oracle` with an :class:`OracleFamily`:
the distribution class, parameter cases spanning its whole parameter space (extremes
included), and mpmath formulas written from the family's definition (never by calling distreg).
``tests/distributions/test_accuracy_oracle.py`` runs the same checks over every registered
oracle, and fails when a class of ``distreg.distributions.registered_examples()`` has none, so a
new family is covered by registering it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["OracleFamily", "register_oracle", "ORACLES"]

#: name -> OracleFamily
ORACLES: dict[str, OracleFamily] = {}


@dataclass
class OracleFamily:
    """mpmath reference of one distribution class.

    Attributes
    ----------
    name : str
        Unique name of this oracle (the class name, or class name plus a variant).
    cls : type
        The distreg distribution class that the oracle checks.
    cases : list of dict
        Parameter sets (scalar values, keyword names as in ``cls``), covering the parameter
        space including its extremes.
    logdensity : callable
        ``logdensity(y, **params) -> mpf``: log pmf (discrete) or log pdf at ``y`` (mpf), with
        the parameters given as mpf; ``-inf`` outside the support.
    cdf, sf : callable, optional
        ``cdf(y, **params)`` and ``sf(y, **params)`` in mpmath; for discrete families without
        them the test sums ``exp(logdensity)``.
    mean, var : callable, optional
        ``mean(**params)`` and ``var(**params)`` in mpmath.
    points : callable, optional
        ``points(params) -> list of float``: evaluation points for a case (defaults chosen by
        the test from the reference quantiles, tails included).
    build : callable, optional
        ``build(params) -> Distribution`` with one row; defaults to ``cls(**params)``.
    discrete : bool
        Integer support.
    tolerances : dict
        Per-check relative tolerance overrides with the reason in a comment at the call site
        (``{"logdensity": 1e-9}``); the defaults are those of the issue: 1e-10 for log
        densities, 1e-12 relative for continuous quantiles, one integer for discrete ones.
    """

    name: str
    cls: type
    cases: list
    logdensity: Callable
    cdf: Callable | None = None
    sf: Callable | None = None
    mean: Callable | None = None
    var: Callable | None = None
    points: Callable | None = None
    build: Callable | None = None
    discrete: bool = False
    tolerances: dict = field(default_factory=dict)

    def make(self, params):
        """One-row distribution for a case."""
        return self.build(params) if self.build is not None else self.cls(**params)


def register_oracle(oracle: OracleFamily) -> OracleFamily:
    """Add an oracle to :data:`ORACLES` (names are unique)."""
    if oracle.name in ORACLES:
        raise ValueError(f"an oracle named {oracle.name!r} is already registered")
    ORACLES[oracle.name] = oracle
    return oracle
