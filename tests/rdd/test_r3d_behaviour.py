"""R3D behaviour: data forms, clusters, prediction, tests, sklearn contract, coverage."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from distreg.distributions import QuantileFunction
from distreg.rdd import R3D, gini_from_quantiles

LV = np.array([0.1, 0.25, 0.5, 0.75, 0.9])


def draw(rng, n=300, m=40, delta=1.0, scale_jump=0.0):
    """Van Dijcke's DGP: X ~ U(-1, 1), m draws per unit from N(5 + 5X + delta 1{X >= 0}, sd)."""
    x = rng.uniform(-1, 1, n)
    mu = 5 + 5 * x + delta * (x >= 0)
    sd = np.maximum(np.abs(1 + x), 0.1) * (1 + scale_jump * (x >= 0))
    return x, mu[:, None] + sd[:, None] * rng.standard_normal((n, m))


@pytest.fixture(scope="module")
def data():
    return draw(np.random.default_rng(42))


def test_three_data_forms_agree(data):
    x, Y = data
    a = R3D(quantiles=LV, random_state=0).fit(x, list(Y))
    b = R3D(quantiles=LV, random_state=0).fit_quantiles(x, np.quantile(Y, LV, axis=1).T, LV)
    df = pd.DataFrame({"unit": np.repeat(np.arange(x.size), Y.shape[1]),
                       "x": np.repeat(x, Y.shape[1]), "y": Y.ravel()})
    c = R3D.from_frame(df.sample(frac=1.0, random_state=1), unit="unit", running="x", outcome="y",
                       quantiles=LV, random_state=0)
    np.testing.assert_allclose(a.tau_, b.tau_, rtol=1e-12)
    np.testing.assert_allclose(a.tau_, c.tau_, rtol=1e-12)
    np.testing.assert_allclose(a.band_, c.band_, rtol=1e-12)
    # unit weights of ones give the unweighted quantiles
    d = R3D(quantiles=LV, random_state=0).fit(x, list(Y), weights=[np.ones(Y.shape[1])] * x.size)
    np.testing.assert_allclose(a.tau_, d.tau_, rtol=1e-12)


def test_estimates_near_truth_and_bands(data):
    x, Y = data
    est = R3D(quantiles=LV, random_state=0, tests=["nullity", "homogeneity"]).fit(x, Y)
    np.testing.assert_allclose(est.tau_, 1.0, atol=0.4)
    assert np.all(est.band_[:, 0] <= est.pointwise_band_[:, 0] + 1e-12)
    assert np.all(est.band_[:, 1] >= est.pointwise_band_[:, 1] - 1e-12)
    np.testing.assert_allclose(np.diff(est.band_, axis=1)[:, 0], 2 * est.critical_value_)
    res = est.test_results_.set_index("test")
    assert res.loc["nullity", "p_value"] < 0.01      # tau = 1 is far from 0
    assert res.loc["homogeneity", "p_value"] > 0.01  # tau is constant
    assert np.all(np.diff(est.m_plus_) >= 0) and np.all(np.diff(est.m_minus_) >= 0)


def test_frechet_method(data):
    x, Y = data
    est = R3D(method="frechet", quantiles=LV, random_state=0).fit(x, Y)
    assert np.ptp(est.bandwidth_) == 0
    np.testing.assert_allclose(est.tau_, 1.0, atol=0.4)
    assert np.all(np.diff(est.m_plus_) >= 0)


def test_fuzzy_design_recovers_complier_effect():
    rng = np.random.default_rng(7)
    n = 600
    x = rng.uniform(-1, 1, n)
    t = (rng.uniform(size=n) < 0.2 + 0.6 * (x >= 0)).astype(float)
    Y = (5 + x + 2.0 * t)[:, None] + rng.standard_normal((n, 40))
    est = R3D(fuzzy=True, quantiles=LV, random_state=0).fit(x, Y, treatment=t)
    assert 0.4 < est.treatment_jump_ < 0.8
    np.testing.assert_allclose(est.tau_, 2.0, atol=0.8)
    assert np.all(est.band_[:, 0] < 2.0) and np.all(est.band_[:, 1] > 2.0)


def test_clusters(data):
    x, Y = data
    xi = np.random.default_rng(0).standard_normal((x.size, 100))
    plain = R3D(quantiles=LV, n_boot=0).fit(x, Y)
    own = R3D(quantiles=LV, n_boot=0).fit(x, Y, cluster=np.arange(x.size))
    np.testing.assert_allclose(plain.bootstrap(xi).band, own.bootstrap(xi).band)
    # duplicated units: with clusters the band is wider than if copies were independent
    x2, Y2 = np.r_[x, x], np.r_[Y, Y]
    ind = R3D(quantiles=LV, bandwidth=0.6, n_boot=400, random_state=1).fit(x2, Y2)
    clu = R3D(quantiles=LV, bandwidth=0.6, n_boot=400, random_state=1).fit(
        x2, Y2, cluster=np.r_[np.arange(x.size), np.arange(x.size)])
    assert clu.critical_value_ > 1.2 * ind.critical_value_
    assert clu.n_clusters_ == x.size
    # per-cluster multipliers are accepted
    assert clu.bootstrap(np.ones((x.size, 5))).draws.shape == (5, LV.size)


def test_user_multipliers_are_reproducible(data):
    x, Y = data
    est = R3D(quantiles=LV, n_boot=0).fit(x, Y)
    xi = np.random.default_rng(3).standard_normal((x.size, 50))
    a, b = est.bootstrap(xi), est.bootstrap(xi.copy())
    np.testing.assert_array_equal(a.draws, b.draws)
    # the draws are the multiplier sums of the weighted residuals
    w = est.weights_plus_ - est.weights_minus_
    np.testing.assert_allclose(a.draws, xi.T @ (est.residuals_ * w), rtol=1e-10)
    with pytest.raises(ValueError, match="one row per unit"):
        est.bootstrap(xi[:10])


def test_gini_test():
    rng = np.random.default_rng(5)
    x, Y = draw(rng, n=400, delta=0.0, scale_jump=0.0)
    same = R3D(quantiles=np.arange(1, 100) / 100, tests=["gini"], random_state=0).fit(x, Y + 20)
    x, Y = draw(rng, n=400, delta=0.0, scale_jump=1.5)
    diff = R3D(quantiles=np.arange(1, 100) / 100, tests=["gini"], random_state=0).fit(x, Y + 20)
    p_same = same.test_results_.p_value[0]
    p_diff = diff.test_results_.p_value[0]
    assert p_same > 0.05 and p_diff < 0.01
    g = gini_from_quantiles(same.quantiles_, same.m_plus_) - gini_from_quantiles(same.quantiles_, same.m_minus_)
    np.testing.assert_allclose(same.test_results_.estimate[0], g)
    with pytest.raises(ValueError, match="positive mean"):
        R3D(quantiles=LV, tests=["gini"], random_state=0).fit(x, Y - 100)


def test_test_ranges(data):
    x, Y = data
    est = R3D(quantiles=LV, random_state=0, tests=["nullity"], test_ranges=[0.1, 0.5, 0.9]).fit(x, Y)
    assert est.test_results_.range.tolist() == ["[0.10, 0.50]", "[0.50, 0.90]"]
    with pytest.raises(ValueError, match="fewer than two"):
        R3D(quantiles=LV, random_state=0, tests=["nullity"], test_ranges=[(0.1, 0.2)]).fit(x, Y)


def test_predict_distribution(data):
    x, Y = data
    est = R3D(quantiles=LV, n_boot=0).fit(x, Y)
    d = est.predict_distribution([-0.01, 0.0, 0.02])
    assert isinstance(d, QuantileFunction) and len(d) == 3
    np.testing.assert_allclose(d.ppf(LV[None, :]), np.vstack([est.m_minus_, est.m_plus_, est.m_plus_]))
    with pytest.raises(ValueError, match="within the bandwidth"):
        est.predict_distribution([50.0])


def test_summary_and_plots(data):
    import matplotlib

    matplotlib.use("Agg")
    x, Y = data
    est = R3D(quantiles=np.arange(1, 20) / 20, random_state=0, tests=["nullity"]).fit(x, Y)
    text = str(est.result_.summary())
    assert "Units left/right" in text and "nullity" in text and "(0.40, 0.50]" in text
    assert "<table" in est.result_.summary()._repr_html_()
    ax = est.plot()
    assert len(ax.collections) >= 1
    ax = est.result_.plot_boundary()
    np.testing.assert_allclose(ax.lines[1].get_ydata(), est.m_plus_)


def test_sklearn_contract(data):
    x, Y = data
    est = R3D(quantiles=LV, n_boot=20, random_state=0, tests=("nullity",))
    cloned = clone(est).get_params()
    for k, v in est.get_params().items():
        np.testing.assert_array_equal(cloned[k], v)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        est.predict_distribution([0.0])
    est.fit(x, Y)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.tau_, est.tau_)
    np.testing.assert_array_equal(again.band_, est.band_)
    refit = R3D(quantiles=LV, n_boot=20, random_state=0, tests=("nullity",)).fit(x, Y)
    np.testing.assert_array_equal(refit.band_, est.band_)  # random_state makes the bootstrap reproducible


def _simulate(reps, n, m, seed0):
    cover = reject = 0
    for r in range(reps):
        rng = np.random.default_rng(seed0 + r)
        x, Y = draw(rng, n=n, m=m, delta=1.0)
        e = R3D(quantiles=np.arange(1, 10) / 10, random_state=r).fit(x, Y)
        cover += bool(np.all((e.band_[:, 0] <= 1.0) & (e.band_[:, 1] >= 1.0)))
        x, Y = draw(rng, n=n, m=m, delta=0.0)
        e = R3D(quantiles=np.arange(1, 10) / 10, tests=["nullity"], random_state=r).fit(x, Y)
        reject += bool(e.test_results_.p_value[0] <= 0.05)
    return cover / reps, reject / reps


def test_coverage_and_size_reduced():
    # 40 seeded replications of the package's DGP (n = 300 units, 40 draws): with true coverage
    # 0.95 (size 0.05) the binomial probability of coverage <= 0.8 (size >= 0.2) is below 1e-3
    cover, size = _simulate(40, 300, 40, 2024)
    assert cover >= 0.8
    assert size <= 0.2


@pytest.mark.slow
def test_coverage_and_size_full():
    # the design: n = 500 units x 50 draws, levels 0.1..0.9, 200 replications;
    # binomial 99.9% limits around 0.95 are about [0.90, 0.99]
    cover, size = _simulate(200, 500, 50, 1000)
    print(f"uniform-band coverage {cover:.3f}, nullity-test size {size:.3f}")
    assert cover >= 0.88
    assert size <= 0.12


def test_from_frame_fuzzy_with_weights():
    rng = np.random.default_rng(11)
    n, m = 300, 30
    x = rng.uniform(-1, 1, n)
    t = (rng.uniform(size=n) < 0.2 + 0.6 * (x >= 0)).astype(float)
    Y = (5 + x + 2.0 * t)[:, None] + rng.standard_normal((n, m))
    W = rng.uniform(0.5, 2.0, (n, m))
    df = pd.DataFrame({"unit": np.repeat(np.arange(n), m), "x": np.repeat(x, m), "t": np.repeat(t, m),
                       "y": Y.ravel(), "w": W.ravel()})
    a = R3D.from_frame(df, unit="unit", running="x", outcome="y", treatment="t", weight="w",
                       fuzzy=True, quantiles=LV, random_state=0)
    b = R3D(fuzzy=True, quantiles=LV, random_state=0).fit(x, list(Y), weights=list(W), treatment=t)
    np.testing.assert_allclose(a.tau_, b.tau_, rtol=1e-12)
    np.testing.assert_allclose(a.band_, b.band_, rtol=1e-12)
    np.testing.assert_array_equal(a.units_, np.arange(n))
    unweighted = R3D(fuzzy=True, quantiles=LV, random_state=0).fit(x, list(Y), treatment=t)
    assert not np.allclose(a.tau_, unweighted.tau_)
    df.loc[df.unit == 3, "x"] = [0.5] + [0.1] * (m - 1)
    with pytest.raises(ValueError, match="constant within each unit"):
        R3D.from_frame(df, unit="unit", running="x", outcome="y")
