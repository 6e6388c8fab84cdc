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


@pytest.mark.parametrize("params, msg", [
    ({"method": "loess"}, "R3D: method must be one of 'frechet', 'simple'"),
    ({"kernel": "gauss"}, "R3D: kernel must be"), ({"compat": "stata"}, "R3D: compat must be"),
    ({"tests": ["normality"]}, "tests='normality' is not valid"), ({"tests": 3}, "R3D: tests must be"),
    ({"bandwidth": -1.0}, "R3D: bandwidth must be"), ({"bandwidth": "cv"}, "R3D: bandwidth must be"),
    ({"bandwidth": True}, "R3D: bandwidth must be"), ({"bandwidth": ["a", "b"]}, "bandwidth must be numeric"),
    ({"confidence_level": 95}, "R3D: confidence_level must be a number in \\(0, 1\\)"),
    ({"p": 1.5}, "R3D: p must be an integer in \\[0, 8\\]"), ({"p": 9}, "R3D: p must be"),
    ({"s": -1}, "R3D: s must be"), ({"s": 8}, "R3D: s must be an integer in \\[0, 7\\]"),
    ({"n_boot": -1}, "R3D: n_boot must be"), ({"fuzzy": 1}, "R3D: fuzzy must be True or False"),
    ({"cutoff": float("nan")}, "R3D: cutoff must be"), ({"cutoff": "0"}, "R3D: cutoff must be"),
    ({"bandwidth_den": 0.0}, "R3D: bandwidth_den must be"), ({"vce": "hc1"}, "R3D: vce must be"),
    ({"coverage_correction": "yes"}, "R3D: coverage_correction must be"),
    ({"random_state": "seed"}, "R3D: random_state must be"),
])
def test_bad_options(data, params, msg):
    x, samples = data
    est = R3D(**{"n_boot": 0, **params})  # __init__ only stores
    with pytest.raises((ValueError, TypeError), match=msg):
        est.fit(x, samples)
    # the same check runs for the other fit entry points, before any computation
    with pytest.raises((ValueError, TypeError), match=msg):
        est.fit_quantiles(x, np.zeros((x.size, 2)), [0.25, 0.75])


def test_from_frame_rejects_text_categorical_and_missing_columns(data):
    x, samples = data
    df = pd.DataFrame({"u": np.repeat(np.arange(x.size), 20), "x": np.repeat(x, 20),
                       "y": np.concatenate(samples)})
    bad = df.assign(y=pd.Categorical(np.where(df.y > 0, "hi", "lo")))
    with pytest.raises(TypeError, match="outcome column 'y' is categorical"):
        R3D.from_frame(bad, unit="u", running="x", outcome="y", n_boot=0)
    with pytest.raises(TypeError, match="running column 'x' is text"):
        R3D.from_frame(df.assign(x=df.x.astype(str)), unit="u", running="x", outcome="y", n_boot=0)
    with pytest.raises(ValueError, match="running column 'x' contains NaN"):
        R3D.from_frame(df.assign(x=np.where(df.u == 3, np.nan, df.x)), unit="u", running="x",
                       outcome="y", n_boot=0)
    with pytest.raises(ValueError, match="unit column 'u' contains missing ids"):
        R3D.from_frame(df.assign(u=np.where(df.u == 3, np.nan, df.u)), unit="u", running="x",
                       outcome="y", n_boot=0)
    with pytest.raises(ValueError, match="weight=\\['w'\\] is not a column"):
        R3D.from_frame(df, unit="u", running="x", outcome="y", weight=["w"], n_boot=0)
    # a categorical unit id is fine (it only groups), and gives the same fit as integer ids
    ref = R3D.from_frame(df, unit="u", running="x", outcome="y", n_boot=0, quantiles=[0.5])
    cat = R3D.from_frame(df.assign(u=pd.Categorical(df.u)), unit="u", running="x", outcome="y",
                         n_boot=0, quantiles=[0.5])
    np.testing.assert_array_equal(cat.tau_, ref.tau_)


def test_cluster_ids(data):
    x, samples = data
    ids = np.arange(x.size) % 12
    ref = R3D(n_boot=50, random_state=0, quantiles=[0.5]).fit(x, samples, cluster=ids)
    # string and categorical ids give the same codes (sorted-id order)
    as_text = np.array([f"c{i:02d}" for i in ids])
    for cl in (as_text, pd.Categorical(as_text)):
        again = R3D(n_boot=50, random_state=0, quantiles=[0.5]).fit(x, samples, cluster=cl)
        np.testing.assert_array_equal(again.band_, ref.band_)
    with pytest.raises(ValueError, match="cluster contains missing ids"):
        R3D(n_boot=0).fit(x, samples, cluster=np.where(ids == 3, None, ids))
    with pytest.raises(TypeError, match="cluster ids must be of one kind"):
        R3D(n_boot=0).fit(x, samples, cluster=np.where(ids == 3, "a", ids.astype(object)))
    with pytest.raises(ValueError, match="cluster must have one id per unit"):
        R3D(n_boot=0).fit(x, samples, cluster=ids[:-1])


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


def test_select_bandwidth_checks_its_scalar_arguments():
    x = np.linspace(-1, 1, 50)
    Q = np.column_stack([x, x + 1])
    for kwargs, msg in [({"s": -1}, "s must be at least 0"), ({"s": 1.5}, "s must be an integer"),
                        ({"s": 8}, "s must be at most 7"), ({"coverage_correction": "no"}, "coverage_correction"),
                        ({"cutoff": float("inf")}, "cutoff must be a finite"),
                        ({"kernel": "gaussian"}, "kernel=")]:
        with pytest.raises((ValueError, TypeError), match=msg):
            select_bandwidth(x, Q, [0.2, 0.5], **kwargs)


def test_gini_from_quantiles_checks_and_refuses_undefined_cases():
    from distreg.rdd import gini_from_quantiles

    lv = np.arange(1, 100) / 100
    # two rows at once equal the rows one by one; levels may include 0 and 1
    rows = np.vstack([lv, lv ** 2])
    np.testing.assert_allclose(gini_from_quantiles(lv, rows),
                               [gini_from_quantiles(lv, lv), gini_from_quantiles(lv, lv ** 2)], rtol=1e-15)
    # uniform quantile function on a grid that includes 0 and 1: trapezoid Gini of U(0, 1) = 1/3
    grid = np.linspace(0, 1, 1001)
    assert abs(gini_from_quantiles(grid, grid) - 1 / 3) < 1e-6
    with pytest.raises(ValueError, match="non-positive mean \\(row\\(s\\) \\[1\\]\\)"):
        gini_from_quantiles(lv, np.vstack([lv, -lv]))
    with pytest.raises(ValueError, match="strictly increasing"):
        gini_from_quantiles(lv[::-1], lv)
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        gini_from_quantiles(lv * 2, lv)
    with pytest.raises(ValueError, match="qf has 98 values per row"):
        gini_from_quantiles(lv, lv[1:])
    with pytest.raises(ValueError, match="qf contains NaN"):
        gini_from_quantiles(lv, np.where(lv > 0.5, np.nan, lv))
    with pytest.raises(TypeError, match="qf must be numeric"):
        gini_from_quantiles(lv, lv.astype(str))


def test_predict_distribution_and_bootstrap_check_their_arguments(data):
    x, samples = data
    est = R3D(quantiles=[0.25, 0.75], n_boot=0).fit(x, samples)
    with pytest.raises(TypeError, match="x must be numeric"):
        est.predict_distribution(["0.0"])
    with pytest.raises(ValueError, match="x is empty"):
        est.predict_distribution([])
    with pytest.raises(ValueError, match="x contains NaN"):
        est.predict_distribution([np.nan])
    with pytest.raises(ValueError, match="multipliers has 3 rows"):
        est.bootstrap(np.ones((3, 10)))
    with pytest.raises(ValueError, match="n_boot must be at least 1"):
        est.bootstrap(n_boot=0)
    with pytest.raises(TypeError, match="test_ranges must be a list"):
        est.bootstrap(n_boot=10, tests="nullity", test_ranges=0.5)
    with pytest.raises(TypeError, match="test_ranges must be numeric"):
        est.bootstrap(n_boot=10, tests="nullity", test_ranges=[("a", "b")])
    with pytest.raises(ValueError, match="tests='gini2' is not valid"):
        est.bootstrap(n_boot=10, tests=["gini2"])
    with pytest.raises(ValueError, match="test_ranges is empty"):
        est.bootstrap(n_boot=10, tests="nullity", test_ranges=[])
    with pytest.raises(TypeError, match="random_state must be None, a non-negative integer"):
        est.bootstrap(n_boot=10, random_state=True)  # not seed 1
    with pytest.raises(ValueError, match="random_state must be None, a non-negative integer"):
        est.bootstrap(n_boot=10, random_state=-1)
    with pytest.raises(ValueError, match="n_boot=10000000000000 needs more memory"):
        est.bootstrap(n_boot=10**13)
    with pytest.raises(TypeError, match="samples must be a list"):
        R3D(n_boot=0).fit(x, 3.0)


def test_bandwidths_are_equivariant_at_extreme_scales():
    # x and Q beyond 2**64 are scaled by powers of two inside the plug-in (the pilot fits raise x
    # to the power s + 2 and square Q): 1e300 used to give "no units near the cutoff"
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 200)
    lv = np.array([0.25, 0.5, 0.75])
    Q = 5 + x[:, None] + x[:, None] ** 2 + (x[:, None] >= 0) + rng.normal(0, 0.3, (200, 1)) + lv
    T = ((x >= 0) ^ (rng.uniform(size=200) < 0.2)).astype(float)
    ref = select_bandwidth(x, Q, lv, treatment=T)
    exact = select_bandwidth(x * 2.0 ** 100, Q * 2.0 ** -200, lv, treatment=T)
    np.testing.assert_array_equal(exact.h, ref.h * 2.0 ** 100)
    assert exact.h_den == ref.h_den * 2.0 ** 100 and exact.density == ref.density * 2.0 ** -100
    np.testing.assert_array_equal(exact.bias_plus, ref.bias_plus * 2.0 ** (-200 - 2 * 100))
    np.testing.assert_array_equal(exact.variance_minus, ref.variance_minus * 2.0 ** -400)
    for sx, sq in [(1e300, 1e300), (1e-300, 1.0), (1.0, 1e-300)]:
        sel = select_bandwidth(x * sx, Q * sq, lv, treatment=T)
        np.testing.assert_allclose(sel.h, ref.h * sx, rtol=1e-11)
        np.testing.assert_allclose(sel.h_den, ref.h_den * sx, rtol=1e-11)
    fit = R3D(quantiles=lv, n_boot=50, random_state=0).fit_quantiles(x * 1e300, Q * 1e300, lv)
    base = R3D(quantiles=lv, n_boot=50, random_state=0).fit_quantiles(x, Q, lv)
    np.testing.assert_allclose(fit.tau_, base.tau_ * 1e300, rtol=1e-11)
    np.testing.assert_allclose(fit.band_, base.band_ * 1e300, rtol=1e-11)
    # R3D 0.1's rule depends on the scale of x: refused there, scale of Q is fine
    with pytest.raises(ValueError, match="outside 2\\*\\*-64 to 2\\*\\*64.*rule='plugin'"):
        select_bandwidth(x * 1e300, Q, lv, rule="r3d")
    np.testing.assert_allclose(select_bandwidth(x, Q * 1e-300, lv, rule="r3d").h,
                               select_bandwidth(x, Q, lv, rule="r3d").h, rtol=1e-11)


def test_summary_checks_n_blocks(data):
    x, samples = data
    est = R3D(quantiles=[0.25, 0.5, 0.75], n_boot=0).fit(x, samples)
    assert "(0.00, 0.50]" in str(est.result_.summary(2))
    for bad in (0, 2.5, "3"):
        with pytest.raises((ValueError, TypeError), match="n_blocks must be"):
            est.result_.summary(bad)
