"""Registry of example distributions that the generic property test runs over.

Every distribution class registers at least one factory returning a small instance (a few rows
with varied parameters). ``tests/distributions/test_properties.py`` checks each registered
example: cdf monotone in [0, 1], ppf(cdf(y)) consistent, pmf sums to one, sampling agrees with
the cdf, and the log density matches a finite difference of the cdf.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["register_example", "registered_examples"]

_EXAMPLES: dict[str, Callable] = {}


def register_example(name: str):
    """Register a zero-argument factory under ``name`` (used as a decorator).

    Examples
    --------
    >>> from distreg.distributions import Normal, registered_examples
    >>> "Normal" in registered_examples()
    True
    """

    def decorator(factory):
        if name in _EXAMPLES:
            raise ValueError(f"an example named {name!r} is already registered")
        _EXAMPLES[name] = factory
        return factory

    return decorator


def registered_examples() -> dict:
    """Return a copy of the registry: name -> factory."""
    return dict(_EXAMPLES)
