import numpy as np
import pytest
from numpy.testing import assert_allclose

from distreg.nonparametric import KernelDensity

KERNELS = ["gaussian", "laplacian", "matern32", "epanechnikov", "uniform"]


@pytest.fixture
def x():
    return np.random.default_rng(0).gamma(3.0, size=400)


@pytest.mark.parametrize("kernel", KERNELS)
def test_integrates_to_one_1d(x, kernel):
    kde = KernelDensity(kernel=kernel, bandwidth=0.4, method="exact").fit(x)
    # integrate the exact density on a fine grid covering all mass
    grid = np.linspace(x.min() - 15, x.max() + 15, 20001)
    assert_allclose(np.trapezoid(kde.evaluate(grid), grid), 1.0, atol=2e-4)


@pytest.mark.parametrize("kernel", ["gaussian", "laplacian", "matern32"])
def test_integrates_to_one_2d(kernel):
    X = np.random.default_rng(1).normal(size=(300, 2)) * [1.0, 3.0]
    kde = KernelDensity(kernel=kernel, bandwidth=[0.3, 0.9]).fit(X)
    axes, dens = kde.evaluate_grid(160)
    assert dens.shape == (160, 160)
    mass = np.trapezoid(np.trapezoid(dens, axes[1], axis=1), axes[0])
    assert_allclose(mass, 1.0, atol=5e-3)


def test_gaussian_matches_scipy_and_sklearn(x):
    from scipy.stats import gaussian_kde
    from sklearn.neighbors import KernelDensity as SkKDE

    h = 0.35
    q = np.linspace(-1, 15, 101)
    ours = KernelDensity(kernel="gaussian", bandwidth=h, method="exact").fit(x).evaluate(q)
    sp = gaussian_kde(x, bw_method=h / x.std(ddof=1))(q)
    assert_allclose(ours, sp, rtol=1e-10)
    for ours_k, sk_k, scale in [("gaussian", "gaussian", 1.0), ("laplacian", "exponential", 1 / np.sqrt(2)),
                                ("epanechnikov", "epanechnikov", np.sqrt(5)), ("uniform", "tophat", np.sqrt(3))]:
        a = KernelDensity(kernel=ours_k, bandwidth=h, method="exact").fit(x).evaluate(q)
        b = np.exp(SkKDE(kernel=sk_k, bandwidth=h * scale).fit(x[:, None]).score_samples(q[:, None]))
        assert_allclose(a, b, rtol=1e-9, atol=1e-300)


def test_laplacian_2d_matches_sklearn_product_free_case():
    # in 2-D sklearn's "exponential" kernel uses the Euclidean norm, so compare against brute force
    X = np.random.default_rng(2).normal(size=(500, 2))
    Q = np.random.default_rng(3).normal(size=(40, 2))
    h = np.array([0.3, 0.6])
    b = h / np.sqrt(2)
    brute = np.mean(np.exp(-np.abs(Q[:, None, :] - X[None]).__truediv__(b).sum(2)), axis=1) / np.prod(2 * b)
    assert_allclose(KernelDensity(kernel="laplacian", bandwidth=h).fit(X).evaluate(Q), brute, rtol=1e-10)


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov", "laplacian"])
def test_fft_agrees_with_exact_within_binning_error(x, kernel):
    exact = KernelDensity(kernel=kernel, bandwidth=0.4, method="exact").fit(x)
    fft = KernelDensity(kernel=kernel, bandwidth=0.4, method="fft").fit(x)
    g1, d1 = exact.evaluate_grid(1024)
    g2, d2 = fft.evaluate_grid(1024)
    assert_allclose(g1, g2)
    delta = g1[1] - g1[0]
    # linear binning error is O(delta^2 / h^2) relative to the peak
    assert np.max(np.abs(d1 - d2)) <= 5 * (delta / 0.4) ** 2 * d1.max() + 1e-12
    q = np.array([0.5, 2.0, 4.0])
    assert_allclose(fft.evaluate(q), exact.evaluate(q), rtol=2e-3)


def test_fft_2d_agrees_with_exact():
    X = np.random.default_rng(4).normal(size=(2000, 2))
    e = KernelDensity(bandwidth=0.3, method="exact").fit(X)
    f = KernelDensity(bandwidth=0.3, method="fft").fit(X)
    (ax, de), (_, df) = e.evaluate_grid(96), f.evaluate_grid(96)
    assert np.max(np.abs(de - df)) < 0.01 * de.max()


def test_reflection_at_bounds(x):
    kde = KernelDensity(bandwidth=0.5, bounds=(0, None)).fit(x)
    grid, dens = kde.evaluate_grid(4001)
    assert grid[0] == 0.0
    assert_allclose(np.trapezoid(dens, grid), 1.0, atol=1e-4)
    assert kde.evaluate([-0.1])[0] == 0.0
    plain = KernelDensity(bandwidth=0.5).fit(x)
    # the reflected density adds the mirror image
    assert_allclose(kde.evaluate([0.3]), plain.evaluate([0.3]) + plain.evaluate([-0.3]), rtol=1e-12)
    s = kde.sample(2000, random_state=0)
    assert s.min() >= 0


def test_weights_equal_duplication():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 2))
    k = rng.integers(1, 4, size=200)
    q = rng.normal(size=(30, 2))
    for kernel in ["laplacian", "gaussian"]:
        a = KernelDensity(kernel=kernel, bandwidth=[0.4, 0.7]).fit(X, sample_weight=k)
        b = KernelDensity(kernel=kernel, bandwidth=[0.4, 0.7]).fit(np.repeat(X, k, axis=0))
        assert_allclose(a.evaluate(q), b.evaluate(q), rtol=1e-10)


@pytest.mark.parametrize("kernel", KERNELS)
def test_sample_moments(kernel):
    x = np.random.default_rng(6).normal(size=300)
    kde = KernelDensity(kernel=kernel, bandwidth=0.5).fit(x)
    s = kde.sample(40000, random_state=1)[:, 0]
    # the bandwidth is the kernel's standard deviation: Var = Var_data + h^2
    assert abs(s.mean() - x.mean()) < 0.02
    assert_allclose(s.var(), x.var() + 0.25, rtol=0.03)


def test_score_and_bandwidth_rules(x):
    kde = KernelDensity(kernel="laplacian", bandwidth="cv_ml").fit(x)
    assert kde.bandwidth_.shape == (1,)
    assert_allclose(kde.score(x[:10]), np.sum(np.log(kde.evaluate(x[:10]))))
    for rule in ["scott", "silverman", "isj", "lscv", "normal_reference"]:
        assert KernelDensity(kernel="laplacian", bandwidth=rule).fit(x).bandwidth_[0] > 0


def test_bad_input(x):
    with pytest.raises(ValueError, match="kernel"):
        KernelDensity(kernel="cosine").fit(x)
    with pytest.raises(ValueError, match="method"):
        KernelDensity(method="fast").fit(x)
    with pytest.raises(ValueError, match="bandwidth"):
        KernelDensity(bandwidth=-1.0).fit(x)
    with pytest.raises(ValueError, match="bandwidth"):
        KernelDensity(bandwidth="plugin").fit(x)
    with pytest.raises(ValueError, match="outside bounds"):
        KernelDensity(bounds=(1.0, None)).fit(x)
    with pytest.raises(ValueError, match="fft"):
        KernelDensity(method="fft").fit(np.zeros((10, 3)) + np.arange(10)[:, None])
    with pytest.raises(ValueError, match="no spread"):
        KernelDensity().fit(np.ones(5))
    with pytest.raises(ValueError, match="points has 2 column"):
        KernelDensity().fit(x).evaluate(np.zeros((2, 2)))
    with pytest.raises(TypeError, match=r"bounds\[0\] must hold numbers"):
        KernelDensity(bounds=("a", "b")).fit(x)
    with pytest.raises(ValueError, match=r"bounds\[0\] must be a \(low, high\) pair"):
        KernelDensity(bounds=[(0.0, 1.0, 2.0)]).fit(x)


@pytest.mark.parametrize("bandwidth", [True, False, 0, -0.5, float("inf"), float("nan"), "plugin", {"a": 1}])
def test_bad_bandwidth_is_rejected_at_fit_naming_it(x, bandwidth):
    # True used to become 1.0; every value outside the documented set is rejected before fitting
    with pytest.raises((ValueError, TypeError), match="bandwidth must be"):
        KernelDensity(bandwidth=bandwidth).fit(x)


@pytest.mark.parametrize("params, name", [({"kernel": "cosine"}, "kernel"), ({"method": "fast"}, "method"),
                                          ({"n_jobs": 0}, "n_jobs"), ({"n_jobs": 1.5}, "n_jobs"),
                                          ({"bounds": 3.0}, "bounds")])
def test_constructor_parameters_are_checked_at_fit(x, params, name):
    from distreg.exceptions import InvalidParameterError

    est = KernelDensity(**params)  # __init__ stores only
    with pytest.raises(InvalidParameterError, match=f"KernelDensity: {name} must be"):
        est.fit(x)


@pytest.mark.parametrize("sample", [np.full(200, 3.0), np.r_[np.full(199, 3.0), 3.0 + 1e-13]])
def test_sample_without_spread(sample):
    # the rules of thumb gave a bandwidth of 4.6e-16 and a density of 8.6e14: now a clear error
    with pytest.raises(ValueError, match=r"X has no spread in column\(s\) \[0\].*numeric bandwidth"):
        KernelDensity().fit(sample)
    # with a numeric bandwidth the estimate is the kernel centred at the common value
    kde = KernelDensity(kernel="gaussian", bandwidth=0.5).fit(np.full(200, 3.0))
    assert_allclose(kde.evaluate([3.0, 4.0]), [1 / np.sqrt(2 * np.pi * 0.25),
                                              np.exp(-2.0) / np.sqrt(2 * np.pi * 0.25)], rtol=1e-12)


def test_text_and_categorical_input_name_the_argument(x):
    import pandas as pd

    with pytest.raises(TypeError, match="X must be numeric"):
        KernelDensity().fit(x.astype(str))
    frame = pd.DataFrame({"g": pd.Categorical(np.where(x > 0, "a", "b")), "v": x})
    with pytest.raises(TypeError, match="X column 'g' is categorical"):
        KernelDensity().fit(frame)
    kde = KernelDensity(bandwidth=0.5).fit(x)
    with pytest.raises(TypeError, match="points is categorical"):
        kde.evaluate(pd.Series(pd.Categorical(["a", "b"])))
    with pytest.raises(ValueError, match="X contains NaN"):
        kde.score_samples([np.nan])


@pytest.mark.parametrize("kernel", ["laplacian", "matern32", "gaussian"])
@pytest.mark.parametrize("bounds", [None, [(-5.0, None), (None, 5.0)]])
def test_evaluate_at_sample_points(kernel, bounds):
    X = np.random.default_rng(7).normal(size=(700, 2))
    kde = KernelDensity(kernel=kernel, bandwidth=[0.3, 0.5], bounds=bounds).fit(X)
    assert_allclose(kde.evaluate(), kde.evaluate(X), rtol=1e-10)
    par = KernelDensity(kernel=kernel, bandwidth=[0.3, 0.5], bounds=bounds, n_jobs=2).fit(X)
    assert_allclose(par.evaluate(), kde.evaluate(X), rtol=1e-10)


def test_size_and_seed_arguments_of_sample_and_grid(x):
    kde = KernelDensity(bandwidth=0.5).fit(x)
    with pytest.raises(ValueError, match="n_samples=1000000000000 needs more memory"):
        kde.sample(10**12)
    with pytest.raises(ValueError, match="n_points=1000000000000 needs more memory"):
        kde.evaluate_grid(10**12)
    with pytest.raises(TypeError, match="random_state must be"):
        kde.sample(3, random_state=True)
    with pytest.raises(ValueError, match="random_state must be None, a non-negative integer"):
        kde.sample(3, random_state=-5)
    assert_allclose(kde.sample(4, random_state=3), kde.sample(4, random_state=np.random.default_rng(3)))
