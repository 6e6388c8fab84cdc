"""Generic property test run over every registered example distribution.

Each family registers small examples with ``distreg.distributions.register_example``; this
module checks them all against the defining identities of a distribution: cdf monotone in
[0, 1], ppf the generalised inverse of the cdf, pmf summing to one, samples agreeing with the
cdf (KS or chi-square test with a fixed seed), density equal to the derivative of the cdf, mean
and variance equal to integrals of the quantile function, consistent row slicing and the
(n,) / (n, k) shape rule.
"""

import numpy as np
import pytest
from scipy import stats

import distreg.distributions as dd
from distreg.distributions import DiscreteDistribution, Distribution, registered_examples


class _PoissonExample(DiscreteDistribution):
    """Test-only integer distribution so that the discrete branches run before a family adds one."""

    _param_names = ("mu",)

    def _cdf(self, y, mu):
        return stats.poisson.cdf(np.floor(y), mu)

    def _logpmf(self, y, mu):
        return stats.poisson.logpmf(y, mu)

    def _mean(self, mu):
        return mu.copy()

    def _var(self, mu):
        return mu.copy()

    def _lower_support(self, p, shape):
        return np.zeros(shape)


FACTORIES = dict(registered_examples())
FACTORIES["_test_only_Poisson"] = lambda: _PoissonExample(mu=[0.7, 4.0, 30.0])
NAMES = sorted(FACTORIES)


def make(name):
    return FACTORIES[name]()


def has_density(d):
    return hasattr(d, "logpmf") if d.discrete else hasattr(d, "logpdf")


def row_grid(d, k=301):
    """Per-row grid covering the bulk of each distribution and a bit beyond, shape (n, k)."""
    lo = d.ppf(np.full(len(d), 1e-4))
    # a defective (cure) distribution reaches only cdf(inf) < 1: stay below its plateau
    top = np.minimum(1 - 1e-4, d.cdf(np.full(len(d), np.inf)) * (1 - 1e-4))
    hi = d.ppf(top)
    span = np.where(hi > lo, hi - lo, 1.0)
    t = np.linspace(-0.1, 1.1, k)
    grid = lo[:, None] + span[:, None] * t[None, :]
    if d.discrete:
        grid = np.unique(np.round(grid), axis=1)
    return grid


def test_registry_covers_the_public_distributions():
    registered = {type(f()) for f in registered_examples().values()}
    public = [getattr(dd, name) for name in dd.__all__]
    concrete = [c for c in public if isinstance(c, type) and issubclass(c, Distribution)
                and c not in (Distribution, dd.ContinuousDistribution, DiscreteDistribution)]
    missing = [c.__name__ for c in concrete if c not in registered]
    assert not missing, f"register an example for {missing} with register_example"


@pytest.mark.parametrize("name", NAMES)
def test_cdf_monotone_within_unit_interval(name):
    d = make(name)
    grid = row_grid(d)
    F = d.cdf(grid)
    assert F.shape == grid.shape
    assert np.all((F >= 0) & (F <= 1))
    assert np.all(np.diff(F, axis=1) >= -1e-12)
    # sf is the complement
    np.testing.assert_allclose(d.sf(grid), 1 - F, atol=1e-12)
    # limits at the ends of the support
    assert np.all(d.cdf(d.ppf(np.zeros(len(d))) - 1e-9 * (1 + np.abs(d.ppf(np.zeros(len(d)))))) <= 1e-9) \
        or np.all(np.isinf(d.ppf(np.zeros(len(d)))))


@pytest.mark.parametrize("name", NAMES)
def test_ppf_is_the_generalised_inverse_of_cdf(name):
    d = make(name)
    n = len(d)
    q = np.array([[1e-3, 0.01, 0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 0.99, 0.999]])
    Y = d.ppf(q)
    assert Y.shape == (n, q.shape[1])
    assert np.all(Y[:, 1:] >= Y[:, :-1])
    # smallest y with F(y) >= q: F(ppf(q)) >= q and F just below ppf(q) is < q; a defective
    # (cure) distribution answers inf exactly for the levels above its plateau cdf(inf)
    plateau = d.cdf(np.full(n, np.inf))[:, None]
    assert np.all(np.isinf(Y) == (q > plateau))
    fin = np.isfinite(Y)
    assert np.all(d.cdf(Y)[fin] >= np.broadcast_to(q, Y.shape)[fin] - 1e-10)
    if d.discrete:
        assert np.all((d.cdf(Y - 1) < q)[fin])
    else:
        below = np.where(fin, Y - 1e-7 * np.maximum(1.0, np.abs(np.where(fin, Y, 0.0))), 0.0)
        assert np.all((d.cdf(below) < q + 1e-10)[fin])
    if not d.discrete and has_density(d):
        # where the density is positive, ppf(cdf(y)) returns y
        grid = row_grid(d)
        F = d.cdf(grid)
        inside = (F > 1e-6) & (F < 1 - 1e-6) & (d.logpdf(grid) > -np.inf)
        back = d.ppf(np.clip(F, 0, 1))
        scale = np.abs(grid).max(axis=1, keepdims=True) + 1
        assert inside.sum() > 0.5 * inside.size
        np.testing.assert_allclose(back[inside], grid[inside], atol=1e-6 * np.broadcast_to(scale, grid.shape)[inside].max())


@pytest.mark.parametrize("name", [n for n in NAMES if make(n).discrete])
def test_pmf_sums_to_one_and_matches_cdf_steps(name):
    d = make(name)
    lo = d.ppf(np.full(len(d), 1e-13)).min()
    hi = d.ppf(np.full(len(d), 1 - 1e-13)).max()
    k = np.arange(lo - 50.0, hi + 50.0)[None, :]
    P = d.pmf(k)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(P, d.cdf(k) - d.cdf(k - 1), atol=1e-12)
    assert np.all(d.pmf(np.full(len(d), 0.5)) == 0)  # no mass off the integers


@pytest.mark.parametrize("name", NAMES)
def test_sampling_agrees_with_cdf(name):
    d = make(name)
    draws = d.rvs(size=3000, random_state=12345)
    assert draws.shape == (len(d), 3000)
    assert d.rvs(random_state=0).shape == (len(d),)
    np.testing.assert_array_equal(d.rvs(size=5, random_state=3), d.rvs(size=5, random_state=3))
    continuous_density = not d.discrete and has_density(d)
    for i in range(len(d)):
        row = d[i]
        x = draws[i]
        plateau = float(row.cdf(np.inf)[0])
        if plateau < 1:
            # a defective (cure) row: the share of infinite draws is the cure fraction, and the
            # finite draws follow the cdf conditional on a finite value
            k = int(np.isinf(x).sum())
            assert stats.binomtest(k, x.size, 1 - plateau).pvalue > 1e-4
            x = x[np.isfinite(x)]
            p = stats.kstest(x, lambda t: row.cdf(np.asarray(t)[None, :])[0] / plateau).pvalue
        elif continuous_density and len(np.unique(x)) == x.size:
            p = stats.kstest(x, lambda t: row.cdf(np.asarray(t)[None, :])[0]).pvalue
        else:
            # chi-square over bins cut at the row's quantiles (handles atoms and integers)
            edges = np.unique(row.ppf(np.linspace(0.05, 0.95, 12)[None, :])[0])
            F = np.concatenate([[0.0], row.cdf(edges[None, :])[0], [1.0]])
            expected = np.diff(F) * x.size
            bins = np.searchsorted(edges, x, side="left")  # bin j holds edges[j-1] < x <= edges[j]
            observed = np.bincount(bins, minlength=edges.size + 1)
            keep = expected > 5
            if keep.sum() < 2:
                continue
            obs, exp = observed[keep], expected[keep]
            exp = exp * obs.sum() / exp.sum()
            p = stats.chisquare(obs, exp).pvalue
        assert p > 1e-4, f"row {i}: samples disagree with the cdf (p = {p:.2e})"


@pytest.mark.parametrize("name", [n for n in NAMES if has_density(make(n)) and not make(n).discrete])
def test_logpdf_matches_finite_difference_of_cdf(name):
    d = make(name)
    grid = row_grid(d, 201)
    scale = (grid[:, -1] - grid[:, 0])[:, None]
    h = 1e-5 * scale
    fd = (d.cdf(grid + h) - d.cdf(grid - h)) / (2 * h)
    pdf, pdf_l, pdf_r = d.pdf(grid), d.pdf(grid - h), d.pdf(grid + h)
    # compare where the density is continuous across [y - h, y + h] (kinks/jumps excluded)
    smooth = (np.abs(pdf_l - pdf) <= 1e-3 * (pdf + 1e-300)) & (np.abs(pdf_r - pdf) <= 1e-3 * (pdf + 1e-300))
    smooth |= (pdf == 0) & (pdf_l == 0) & (pdf_r == 0)
    assert smooth.mean() > 0.8
    np.testing.assert_allclose(fd[smooth], pdf[smooth], rtol=1e-4, atol=1e-8 / scale.max())
    np.testing.assert_allclose(np.exp(d.logpdf(grid)), pdf)


def quantile_rule(smooth):
    """Nodes and weights on (0, 1) for ∫ g(Q(u)) du.

    Smooth quantile functions: composite Gauss-Legendre, panels refined geometrically towards
    both tails. Step quantile functions (atoms, integers): a fine midpoint rule.
    """
    if not smooth:
        m = 20000
        return (np.arange(m) + 0.5) / m, np.full(m, 1.0 / m)
    tail = 10.0 ** -np.arange(12, 0, -1)
    edges = np.concatenate([[0.0], tail, [0.2, 0.35, 0.5, 0.65, 0.8], (1 - tail)[::-1], [1.0]])
    x, w = np.polynomial.legendre.leggauss(30)
    a, b = edges[:-1, None], edges[1:, None]
    return (a + (b - a) * (x + 1) / 2).ravel(), ((b - a) / 2 * w).ravel()


@pytest.mark.parametrize("name", NAMES)
def test_mean_and_variance_match_quantile_integrals(name):
    d = make(name)
    u, w = quantile_rule(not d.discrete and has_density(d))
    Q = d.ppf(u[None, :])
    mean_q = Q @ w
    assert d.mean().shape == (len(d),) and d.var().shape == (len(d),)
    # a defective (cure) distribution has infinite moments; every other row must be finite
    defective = d.cdf(np.full(len(d), np.inf)) < 1
    assert np.all(np.isinf(d.mean()[defective])) and np.all(np.isinf(d.var()[defective]))
    ok = ~defective
    if not ok.any():
        return
    Q, mean_q = Q[ok], mean_q[ok]
    var_q = ((Q - mean_q[:, None]) ** 2) @ w
    sd = np.sqrt(d.var()[ok])
    assert np.all(np.abs(d.mean()[ok] - mean_q) <= 2e-3 * sd + 1e-12)
    assert np.all(np.abs(d.var()[ok] - var_q) <= 5e-3 * sd**2 + 1e-12)
    np.testing.assert_allclose(d.std(), sd)
    np.testing.assert_allclose(d.median(), d.ppf(0.5))


@pytest.mark.parametrize("name", NAMES)
def test_row_slicing_agrees_with_full_rows(name):
    d = make(name)
    n = len(d)
    y = d.ppf(np.full(n, 0.3))
    grid = row_grid(d, 7)
    for i in range(n):
        di = d[i]
        assert len(di) == 1
        np.testing.assert_allclose(di.cdf(y[i]), d.cdf(y)[i:i + 1], atol=1e-15)
        np.testing.assert_allclose(di.ppf(0.7), d.ppf(0.7)[i:i + 1])
        np.testing.assert_allclose(di.cdf(grid[i:i + 1]), d.cdf(grid)[i:i + 1], atol=1e-15)
        np.testing.assert_allclose(di.mean(), d.mean()[i:i + 1], atol=1e-12)
        np.testing.assert_allclose(di.var(), d.var()[i:i + 1], atol=1e-12)
    mask = np.arange(n) % 2 == 0
    dm = d[mask]
    assert len(dm) == mask.sum()
    np.testing.assert_allclose(dm.cdf(y[mask]), d.cdf(y)[mask])
    np.testing.assert_allclose(dm.ppf(0.4), d.ppf(0.4)[mask])
    np.testing.assert_allclose(dm.mean(), d.mean()[mask])
    if has_density(d):
        np.testing.assert_allclose(dm.log_density(y[mask]), d.log_density(y)[mask])


@pytest.mark.parametrize("name", NAMES)
def test_shape_rule_and_shape_errors(name):
    d = make(name)
    n = len(d)
    y0 = float(d.median()[0])
    assert d.cdf(y0).shape == (n,)
    assert d.cdf(np.full(n, y0)).shape == (n,)
    assert d.cdf(np.full((n, 4), y0)).shape == (n, 4)
    assert d.cdf(np.full((1, 4), y0)).shape == (n, 4)
    np.testing.assert_allclose(d.cdf(np.full((1, 3), y0)), np.repeat(d.cdf(y0)[:, None], 3, axis=1))
    assert d.ppf(0.5).shape == (n,)
    assert d.ppf(np.array([[0.1, 0.5]])).shape == (n, 2)
    assert d.interval(0.8).shape == (n, 2)
    assert d.interval([0.5, 0.8]).shape == (n, 2, 2)
    if has_density(d):
        assert d.log_density(np.full((1, 5), y0)).shape == (n, 5)
    with pytest.raises(ValueError, match="rows"):
        d.cdf(np.zeros(n + 1))
    with pytest.raises(ValueError, match="rows"):
        d.cdf(np.zeros((n + 1, 2)))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        d.cdf(np.zeros((n, 2, 2)))
    with pytest.raises(ValueError, match=r"q must lie in \[0, 1\]"):
        d.ppf(1.5)
    with pytest.raises(ValueError, match="confidence_level"):
        d.interval(1.2)


@pytest.mark.parametrize("name", NAMES)
def test_methods_do_not_modify_their_arguments(name):
    d = make(name)
    n = len(d)
    y = np.tile(d.median()[:, None], (1, 3))
    q = np.array([[0.2, 0.5, 0.8]])
    y0, q0 = y.copy(), q.copy()
    d.cdf(y), d.ppf(q), d.sf(y)
    if has_density(d):
        d.log_density(y)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(q, q0)
    assert len(d) == n
