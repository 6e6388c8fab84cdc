"""Test-session settings shared by the tests and the doctests of distreg."""

import os
import sys

import pytest

# plots render off-screen in tests (CI has no display)
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test or doctest opened."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
