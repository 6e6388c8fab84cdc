"""Generic property test run over every registered example distribution.

Each family registers small examples with ``distreg.distributions.register_example``; this
module checks them all against the defining identities of a distribution: cdf monotone in
[0, 1], ppf the generalised inverse of the cdf, pmf summing to one, samples agreeing with the
cdf (KS or chi-square test with a fixed seed), density equal to the derivative of the cdf, mean
and variance equal to integrals of the quantile function, consistent row slicing and the
(n,) / (n, k) shape rule.
"""

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate, special, stats

import distreg.distributions as dd
from distreg.distributions import DiscreteDistribution, Distribution, registered_examples

FACTORIES = dict(registered_examples())
NAMES = sorted(FACTORIES)


def make(name):
    return FACTORIES[name]()


def has_density(d):
    return hasattr(d, "logpmf") if d.discrete else hasattr(d, "logpdf")


def plateau(d):
    """cdf(inf) per row: 1, or less for a defective (cure) distribution."""
    return d.cdf(np.full(len(d), np.inf))


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
    assert np.all(Y[:, 1:] >= Y[:, :-1])  # (a comparison, not np.diff: Y may hold inf)
    # above the plateau of a defective distribution no finite y reaches q: ppf is inf
    reachable = q < plateau(d)[:, None] - 1e-12
    assert np.all(np.isposinf(Y[~reachable]))
    assert np.all(np.isfinite(Y) == (q <= plateau(d)[:, None]))
    Yr, qr = np.where(reachable, Y, 0.0), np.broadcast_to(q, Y.shape)
    # smallest y with F(y) >= q: F(ppf(q)) >= q and F just below ppf(q) is < q
    assert np.all((d.cdf(Yr) >= qr - 1e-10)[reachable])
    if d.discrete:
        assert np.all((d.cdf(Yr - 1) < qr)[reachable])
    else:
        below = Yr - 1e-7 * np.maximum(1.0, np.abs(Yr))
        assert np.all((d.cdf(below) < qr + 1e-10)[reachable])
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
    top = plateau(d)
    for i in range(len(d)):
        row = d[i]
        x = draws[i]
        if top[i] < 1:
            # defective: the share of infinite draws is the cure fraction; the finite draws
            # follow the conditional cdf F(t) / F(inf)
            cured = np.isposinf(x)
            p_cure = stats.binomtest(int(cured.sum()), x.size, 1 - top[i]).pvalue
            assert p_cure > 1e-4, f"row {i}: share of infinite draws disagrees with the cure fraction"
            x = x[~cured]
            p = stats.kstest(x, lambda t: row.cdf(np.asarray(t)[None, :])[0] / top[i]).pvalue
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


def moments_by_integration(row):
    """E Y and Var Y of a one-row distribution by adaptive quadrature of its cdf over y:
    E Y = ∫₀^∞ S - ∫_{-∞}^0 F and E Y² = ∫₀^∞ 2y S + ∫_{-∞}^0 2|y| F."""
    F = lambda t: row.cdf(np.array([t]))[0]  # noqa: E731
    S = lambda t: row.sf(np.array([t]))[0]  # noqa: E731
    kw = {"limit": 500, "epsabs": 1e-12, "epsrel": 1e-10}
    m = integrate.quad(S, 0, np.inf, **kw)[0] - integrate.quad(F, -np.inf, 0, **kw)[0]
    m2 = integrate.quad(lambda t: 2 * t * S(t), 0, np.inf, **kw)[0] \
        + integrate.quad(lambda t: -2 * t * F(t), -np.inf, 0, **kw)[0]
    return m, m2 - m * m


@pytest.mark.parametrize("name", NAMES)
def test_mean_and_variance_match_integrals(name):
    d = make(name)
    mean, var = d.mean(), d.var()
    assert mean.shape == (len(d),) and var.shape == (len(d),)
    top = plateau(d)
    # a defective distribution has infinite mean and variance
    assert np.all(np.isposinf(mean[top < 1])) and np.all(np.isposinf(var[top < 1]))
    if d.discrete:
        # sums over the integers carrying all but 1e-13 of the mass
        lo = d.ppf(np.full(len(d), 1e-13)).min() - 1
        hi = d.ppf(np.full(len(d), 1 - 1e-13)).max() + 1
        k = np.arange(lo, hi + 1)[None, :]
        P = d.pmf(k)
        ref_mean = (P * k).sum(axis=1)
        ref_var = (P * (k - ref_mean[:, None]) ** 2).sum(axis=1)
    elif not has_density(d):
        # step quantile functions: the midpoint rule in u is accurate to O(1/m)
        m = 20000
        Q = d.ppf(((np.arange(m) + 0.5) / m)[None, :])
        ref_mean = Q.mean(axis=1)
        ref_var = ((Q - ref_mean[:, None]) ** 2).mean(axis=1)
    else:
        ref = np.array([moments_by_integration(d[i]) if top[i] == 1 else (np.inf, np.inf)
                        for i in range(len(d))])
        ref_mean, ref_var = ref[:, 0], ref[:, 1]
    ok = top == 1
    sd = np.sqrt(var[ok])
    assert np.all(np.abs(mean[ok] - ref_mean[ok]) <= 2e-3 * sd + 1e-12)
    assert np.all(np.abs(var[ok] - ref_var[ok]) <= 5e-3 * sd**2 + 1e-12)
    np.testing.assert_allclose(d.std(), np.sqrt(var))
    np.testing.assert_allclose(d.median(), d.ppf(0.5))


@pytest.mark.parametrize("name", NAMES)
def test_row_slicing_agrees_with_full_rows(name):
    d = make(name)
    n = len(d)
    # slices must reproduce the full rows; tiny tail probabilities may differ in the last bits

    def close(a, b):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-15)

    y = d.ppf(np.full(n, 0.3))
    grid = row_grid(d, 7)
    for i in range(n):
        di = d[i]
        assert len(di) == 1
        close(di.cdf(y[i]), d.cdf(y)[i:i + 1])
        close(di.ppf(0.7), d.ppf(0.7)[i:i + 1])
        close(di.cdf(grid[i:i + 1]), d.cdf(grid)[i:i + 1])
        close(di.mean(), d.mean()[i:i + 1])
        close(di.var(), d.var()[i:i + 1])
    mask = np.arange(n) % 2 == 0
    dm = d[mask]
    assert len(dm) == mask.sum()
    close(dm.cdf(y[mask]), d.cdf(y)[mask])
    close(dm.ppf(0.4), d.ppf(0.4)[mask])
    close(dm.mean(), d.mean()[mask])
    if has_density(d):
        close(dm.log_density(y[mask]), d.log_density(y)[mask])


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


@pytest.mark.parametrize("name", NAMES)
def test_isf_inverts_sf_from_the_upper_tail(name):
    d = make(name)
    q = np.array([[1e-12, 1e-3, 0.1, 0.5, 0.9]])
    Y = d.isf(q)
    assert Y.shape == (len(d), q.shape[1])
    assert np.all(Y[:, 1:] <= Y[:, :-1])
    # a level below the cure fraction of a defective distribution is never reached
    reachable = q > (1 - plateau(d))[:, None] * (1 + 1e-9)
    assert np.all(np.isposinf(Y[~reachable]))
    qq = np.broadcast_to(q, Y.shape)
    Yr = np.where(reachable, Y, 0.0)
    # smallest y with sf(y) <= q; a continuous answer is compared a hair either side of it,
    # as sf rounds in its last bits (and near a bounded end that is much of a small sf)
    step = 1.0 if d.discrete else 1e-9 * np.maximum(1.0, np.abs(Yr))
    above = Yr if d.discrete else Yr + step
    assert np.all((d.sf(above) <= qq * (1 + 1e-9))[reachable])
    assert np.all((d.sf(Yr - step) > qq * (1 - 1e-9))[reachable])
    # the same answer as ppf(1 - q) where 1 - q loses nothing of the level
    mid = (q >= 0.1)[0]
    other = d.ppf(1 - q[:, mid])
    if d.discrete:
        # unless the level equals a cdf value to rounding (a tie that either side may win)
        tie = np.isclose(d.cdf(np.minimum(Y[:, mid], other)), 1 - q[:, mid], rtol=1e-12, atol=0)
        assert np.all((Y[:, mid] == other) | (tie & (np.abs(Y[:, mid] - other) <= 1)))
    else:
        np.testing.assert_allclose(Y[:, mid], other, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_log_tails_match_the_logs_of_the_tails(name):
    d = make(name)
    grid = row_grid(d, 41)
    with np.errstate(divide="ignore"):
        for log_fn, fn in ((d.logcdf, d.cdf), (d.logsf, d.sf)):
            got, ref = log_fn(grid), np.log(fn(grid))
            assert np.all(np.isneginf(got) == np.isneginf(ref))
            finite = np.isfinite(ref)
            np.testing.assert_allclose(got[finite], ref[finite], rtol=1e-9, atol=1e-15)


class _Logistic(dd.ContinuousDistribution):
    """Test family with nothing but a cdf, sf and log density: exercises the generic quantile
    search, the generic log tails and the generic (tanh-sinh) moments."""

    _param_names = ("loc", "scale")

    def _cdf(self, y, loc, scale):
        return special.expit((y - loc) / scale)

    def _sf(self, y, loc, scale):
        return special.expit((loc - y) / scale)

    def _logpdf(self, y, loc, scale):
        z = (y - loc) / scale
        return -np.abs(z) - 2 * np.log1p(np.exp(-np.abs(z))) - np.log(scale)


class _CountingLogistic(_Logistic):
    calls = 0

    def _cdf(self, y, loc, scale):
        type(self).calls += 1
        return super()._cdf(y, loc, scale)

    def _sf(self, y, loc, scale):
        type(self).calls += 1
        return super()._sf(y, loc, scale)


@pytest.mark.parametrize("loc, scale", [(0.0, 1.0), (0.0, 1e-300), (3.0, 1e300), (1e15, 1.0),
                                        (-2e-290, 1e-300)])
def test_generic_quantile_search_is_exact_at_any_scale_in_64_steps(loc, scale):
    levels = np.array([[1e-300, 1e-20, 0.3, 0.5, 0.9, 1 - 1e-12, 1 - 2.0**-53]])
    d = _CountingLogistic(loc, scale)
    _CountingLogistic.calls = 0
    got = d.ppf(levels)[0]
    assert _CountingLogistic.calls <= 2 * 64  # cdf and sf sides, never a growing bracket
    # closed-form logistic quantile in mpmath at the exact double level
    with mp.workdps(40):
        ref = [float(loc + scale * mp.log(mp.mpf(q) / (1 - mp.mpf(q)))) for q in levels[0]]
    # a few ulps relative; near the median the cdf rounds to 1/2 over an ulp of the scale
    tol = {"rtol": 1e-14, "atol": 4e-16 * scale}
    np.testing.assert_allclose(got, ref, **tol)
    # isf from the small upper-tail level, where ppf(1 - q) could not even represent it
    with mp.workdps(40):
        ref_isf = [float(loc + scale * mp.log((1 - mp.mpf(q)) / mp.mpf(q))) for q in levels[0]]
    np.testing.assert_allclose(d.isf(levels)[0], ref_isf, **tol)


def test_generic_log_tails_and_moments_of_a_family_without_them():
    d = _Logistic([0.0, 5.0], [1.0, 2.0])
    # log F and log S from the generic fallback: log1p(-S) where F > 1/2 keeps them relative
    y = np.array([[-30.0, 0.0, 36.0]])
    with mp.workdps(40):
        ref = [[float(-mp.log1p(mp.exp(-(mp.mpf(v) - m) / s))) for v in y[0]] for m, s in ((0, 1), (5, 2))]
    np.testing.assert_allclose(d.logcdf(y), ref, rtol=1e-14)
    # tanh-sinh moments: mean loc, variance (π s)²/3
    np.testing.assert_allclose(d.mean(), [0.0, 5.0], atol=1e-13)
    np.testing.assert_allclose(d.var(), np.pi**2 / 3 * np.array([1.0, 4.0]), rtol=1e-12)
    # hazard f/S = F/s of the logistic, from logpdf - logsf: both near 1e-304 at y = 700
    np.testing.assert_allclose(d.hazard(np.array([[700.0]]))[:, 0], [1.0, 0.5], rtol=1e-12)


class _Pareto(dd.ContinuousDistribution):
    """Pareto tail S(y) = y^(-a) on y >= 1: moments of power-law tails by the generic rule."""

    _param_names = ("a",)

    def _cdf(self, y, a):
        return np.where(y > 1, -np.expm1(-a * np.log(np.maximum(y, 1.0))), 0.0)

    def _sf(self, y, a):
        return np.where(y > 1, np.exp(-a * np.log(np.maximum(y, 1.0))), 1.0)

    def _ppf(self, q, a):
        return np.exp(-np.log1p(-q) / a)

    def _isf(self, q, a):
        return np.exp(-np.log(q) / a)

    def _logpdf(self, y, a):
        return np.where(y >= 1, np.log(a) - (a + 1) * np.log(np.maximum(y, 1.0)), -np.inf)

    def _lower_support(self, p, shape):
        return np.ones(shape)


def test_generic_moments_of_power_law_tails():
    a = np.array([2.2, 3.0, 5.0, 12.0])  # a = 2.2: the variance integrand grows like (1-u)^-0.91
    d = _Pareto(a)
    np.testing.assert_allclose(d.mean(), a / (a - 1), rtol=1e-13)
    np.testing.assert_allclose(d.var(), a / ((a - 1) ** 2 * (a - 2)), rtol=1e-12)


def test_tails_of_the_issue_examples():
    d = dd.Normal(0.0, 1.0)
    with mp.workdps(40):
        # isf(1e-17) was inf when computed as ppf(1 - q)
        ref_isf = mp.findroot(lambda x: mp.log(mp.erfc(x / mp.sqrt(2)) / 2) - mp.log(mp.mpf(1e-17)), 8.5)
        ref_logsf = mp.log(mp.erfc(40 / mp.sqrt(2)) / 2)
    np.testing.assert_allclose(d.isf(1e-17), float(ref_isf), rtol=1e-14)
    np.testing.assert_allclose(d.logsf(40.0), float(ref_logsf), rtol=1e-14)
    np.testing.assert_allclose(d.logcdf(-40.0), float(ref_logsf), rtol=1e-14)
    # the hazard φ/Φ̄ at 40 from logs (φ and Φ̄ both underflow): the Mills ratio
    with mp.workdps(40):
        ref_hazard = mp.npdf(40) / (mp.erfc(40 / mp.sqrt(2)) / 2)
    np.testing.assert_allclose(d.hazard(40.0), float(ref_hazard), rtol=1e-13)
    # the upper end of a central interval comes from isf: its tail (1 - level)/2 is exact,
    # whereas (1 + level)/2 would round it by up to 5%
    level = 1 - 2e-15
    with mp.workdps(40):
        tail = (1 - mp.mpf(level)) / 2
        ref_end = mp.findroot(lambda x: mp.log(mp.erfc(x / mp.sqrt(2)) / 2) - mp.log(tail), 8.0)
    np.testing.assert_allclose(d.interval(level)[0], [-float(ref_end), float(ref_end)], rtol=1e-14)
