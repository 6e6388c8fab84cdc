"""R3D rejects bad input with clear messages before computing."""

import numpy as np
import pandas as pd
import pytest

from distreg.rdd import R3D, select_bandwidth


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 120)
    samples = [rng.normal(x_i + (x_i >= 0), 1, 20) for x_i in x]
    return x, samples


def test_unit_without_observations(data):
    x, samples = data
    bad = list(samples)
    bad[3] = np.array([])
    with pytest.raises(ValueError, match=r"samples\[3\] is empty"):
        R3D(n_boot=0).fit(x, bad)


def test_all_units_on_one_side(data):
    x, samples = data
    with pytest.raises(ValueError, match="one side of the cutoff"):
        R3D(n_boot=0, cutoff=5.0).fit(x, samples)


def test_too_few_units_for_order(data):
    x, samples = data
    xs = np.where(x >= 0, x, -0.5)  # one distinct value left of the cutoff
    xs[:2] = [-0.5, -0.25]
    with pytest.raises(ValueError, match="Too few units on the left"):
        R3D(n_boot=0).fit(xs, samples)


def test_levels_outside_unit_interval_and_unsorted(data):
    x, samples = data
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        R3D(quantiles=[0.1, 1.0], n_boot=0).fit(x, samples)
    with pytest.raises(ValueError, match="strictly increasing"):
        R3D(quantiles=[0.5, 0.1], n_boot=0).fit(x, samples)
    Q = np.zeros((x.size, 2))
    with pytest.raises(ValueError, match="strictly increasing"):
        R3D(n_boot=0).fit_quantiles(x, Q, [0.6, 0.2])


def test_nan_in_x_and_outcomes(data):
    x, samples = data
    xn = x.copy()
    xn[0] = np.nan
    with pytest.raises(ValueError, match="x contains NaN"):
        R3D(n_boot=0).fit(xn, samples)
    bad = list(samples)
    bad[5] = np.array([1.0, np.nan])
    with pytest.raises(ValueError, match="first in unit 5"):
        R3D(n_boot=0).fit(x, bad)
    df = pd.DataFrame({"u": [0, 0, 1], "x": [0.1, 0.1, -0.1], "y": [1.0, np.nan, 2.0]})
    with pytest.raises(ValueError, match="NaN"):
        R3D.from_frame(df, unit="u", running="x", outcome="y")


def test_treatment_not_binary_and_missing(data):
    x, samples = data
    t = (x >= 0).astype(float)
    t[0] = 0.5
    with pytest.raises(ValueError, match="treatment must be 0/1"):
        R3D(fuzzy=True, n_boot=0).fit(x, samples, treatment=t)
    with pytest.raises(ValueError, match="needs treatment"):
        R3D(fuzzy=True, n_boot=0).fit(x, samples)
    with pytest.raises(ValueError, match="fuzzy=False"):
        R3D(n_boot=0).fit(x, samples, treatment=(x >= 0).astype(float))


def test_no_first_stage(data):
    x, samples = data
    with pytest.raises(ValueError, match="no first stage"):
        R3D(fuzzy=True, n_boot=0, bandwidth=0.8, bandwidth_den=0.8).fit(
            x, samples, treatment=np.r_[np.zeros(60), np.zeros(60)])


def test_bad_options(data):
    x, samples = data
    for params, msg in [({"method": "loess"}, "method="), ({"kernel": "gauss"}, "kernel="),
                        ({"compat": "stata"}, "compat="), ({"tests": ["normality"]}, "tests="),
                        ({"bandwidth": -1.0}, "bandwidth"), ({"bandwidth": "cv"}, "bandwidth="),
                        ({"confidence_level": 95}, "confidence_level"), ({"p": 1.5}, "p must be")]:
        with pytest.raises((ValueError, TypeError), match=msg):
            R3D(n_boot=0, **params).fit(x, samples)


def test_inputs_are_not_modified(data):
    x, samples = data
    x0 = x.copy()
    s0 = [s.copy() for s in samples]
    R3D(n_boot=10, random_state=0).fit(x, samples)
    np.testing.assert_array_equal(x, x0)
    for a, b in zip(samples, s0):
        np.testing.assert_array_equal(a, b)


def test_select_bandwidth_checks():
    x = np.linspace(-1, 1, 50)
    with pytest.raises(ValueError, match="columns"):
        select_bandwidth(x, np.zeros((50, 3)), [0.2, 0.5])
    with pytest.raises(ValueError, match="rule="):
        select_bandwidth(x, np.zeros((50, 2)), [0.2, 0.5], rule="magic")
