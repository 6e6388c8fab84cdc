"""Metrics against closed forms, brute-force definitions and independent numerical integrals."""

import numpy as np
import pytest
from scipy import integrate, special, stats
from sklearn.metrics import mean_pinball_loss

from distreg.distributions import (
    DiscreteDistribution,
    Empirical,
    LogNormal,
    Mixture,
    Normal,
    QuantileFunction,
)
from distreg.metrics import (
    conformal_coverage_distribution,
    conformal_coverage_tolerance,
    coverage,
    crps,
    crps_ensemble,
    crps_quantiles,
    group_coverage,
    interval_score,
    log_score,
    mean_interval_width,
    mean_set_size,
    pinball_loss,
    pit,
    ranked_probability_score,
    set_coverage,
    weighted_interval_score,
)
from distreg.metrics.scoring import _crps_numerical


class Poisson(DiscreteDistribution):
    """Test-only integer distribution (scipy's Poisson) to exercise the discrete code paths."""

    _param_names = ("mu",)

    def _cdf(self, y, mu):
        return stats.poisson.cdf(np.floor(y), mu)

    def _logpmf(self, y, mu):
        return stats.poisson.logpmf(y, mu)

    def _lower_support(self, p, shape):
        return np.zeros(shape)


def crps_by_cdf_integral(dist, y, lo, hi):
    """CRPS = ∫ (F(x) - 1{x >= y})² dx by adaptive quadrature, one row at a time."""
    out = []
    for i in range(len(dist)):
        row = dist[i]

        def f(x):
            return (row.cdf(x)[0] - (x >= y[i])) ** 2

        # split at y, where the integrand jumps
        a = integrate.quad(f, lo, y[i], limit=400)[0] if lo < y[i] else 0.0
        b = integrate.quad(f, max(y[i], lo), hi, limit=400)[0] if hi > y[i] else 0.0
        out.append(a + b)
    return np.array(out)


# ---------------------------------------------------------------------------- CRPS
def test_crps_standard_normal_known_value():
    assert crps([0.0], Normal(0.0, 1.0)) == pytest.approx(0.2336949772, abs=1e-10)


def test_crps_normal_closed_form_matches_integral_and_generic_path():
    d = Normal([0.0, 2.0, -1.0, 10.0], [1.0, 0.5, 3.0, 2.0])
    y = np.array([0.3, 2.0, 4.0, 4.0])
    closed = crps(y, d, average=False)
    ref = crps_by_cdf_integral(d, y, -60.0, 60.0)
    np.testing.assert_allclose(closed, ref, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(_crps_numerical(d, y), closed, rtol=1e-6, atol=1e-9)


def test_crps_normal_location_scale_identity():
    y = np.array([-1.2, 0.0, 2.5])
    mu, sigma = 3.0, 2.5
    lhs = crps(mu + sigma * y, Normal(np.full(3, mu), np.full(3, sigma)), average=False)
    rhs = sigma * crps(y, Normal(np.zeros(3), np.ones(3)), average=False)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12)


def test_crps_tends_to_absolute_error_for_a_point_mass():
    assert crps([1.7], Normal(0.2, 1e-9)) == pytest.approx(1.5, abs=1e-8)


def test_crps_lognormal_closed_form_including_nonpositive_y():
    d = LogNormal([0.0, 1.0, -0.5, 0.0], [0.5, 1.0, 0.3, 1.0])
    y = np.array([1.3, 0.2, 3.0, -2.0])
    closed = crps(y, d, average=False)
    ref = crps_by_cdf_integral(d, y, -2.0, 400.0)
    np.testing.assert_allclose(closed, ref, rtol=1e-6)
    np.testing.assert_allclose(_crps_numerical(d, y), closed, rtol=1e-6)


def test_crps_empirical_energy_form_matches_weighted_double_sum():
    rng = np.random.default_rng(3)
    x1, w1 = rng.normal(size=7), rng.uniform(0.1, 2, size=7)
    x2, w2 = np.array([1.0, 1.0, 2.0, 5.0]), np.array([1.0, 3.0, 0.5, 0.5])
    d = Empirical([x1, x2], weights=[w1, w2])
    y = np.array([0.2, 1.5])
    expected = []
    for x, w, yi in [(x1, w1, y[0]), (x2, w2, y[1])]:
        p = w / w.sum()
        expected.append(np.sum(p * np.abs(x - yi))
                        - 0.5 * np.sum(p[:, None] * p[None, :] * np.abs(x[:, None] - x[None, :])))
    np.testing.assert_allclose(crps(y, d, average=False), expected, rtol=1e-12)
    # the step cdf integral (∫ (F - 1{x >= y})²) agrees as well
    ref = []
    for i, (x, w) in enumerate([(x1, w1), (x2, w2)]):
        grid = np.sort(np.concatenate([x, [y[i]]]))
        F = d[i].cdf(grid[None, :])[0]
        ref.append(np.sum((F[:-1] - (grid[:-1] >= y[i])) ** 2 * np.diff(grid)))
    np.testing.assert_allclose(crps(y, d, average=False), ref, rtol=1e-12)


@pytest.mark.parametrize("tails", ["exponential", "linear", "clamp"])
def test_crps_generic_numerical_path_quantile_function(tails):
    d = QuantileFunction([0.1, 0.3, 0.5, 0.9], [[-1.0, 0.0, 0.5, 3.0], [2.0, 2.0, 4.0, 5.0]], tails=tails)
    y = np.array([0.2, 6.0])
    ref = crps_by_cdf_integral(d, y, -80.0, 80.0)
    np.testing.assert_allclose(crps(y, d, average=False), ref, rtol=2e-6, atol=1e-8)


def test_crps_generic_numerical_path_mixture():
    d = Mixture([Normal([0.0, 1.0], [1.0, 0.5]), Normal([4.0, 1.0], [0.5, 2.0])], [[0.3, 0.7], [0.5, 0.5]])
    y = np.array([1.0, -2.0])
    ref = crps_by_cdf_integral(d, y, -40.0, 40.0)
    np.testing.assert_allclose(crps(y, d, average=False), ref, rtol=1e-6)


def test_crps_uses_a_closed_form_hook_when_present():
    class Tagged(Normal):
        def _crps(self, y, loc, scale):
            return np.full(y.shape, 42.0)

    assert crps([0.0], Tagged(0.0, 1.0)) == 42.0


def test_crps_discrete_equals_rps_and_brute_force():
    d = Poisson(mu=[0.5, 3.0, 20.0])
    y = np.array([0.0, 5.0, 11.0])
    k = np.arange(0, 200)
    brute = [np.sum((stats.poisson.cdf(k, m) - (yi <= k)) ** 2) for m, yi in zip([0.5, 3.0, 20.0], y)]
    np.testing.assert_allclose(ranked_probability_score(y, d, average=False), brute, rtol=1e-10)
    np.testing.assert_allclose(crps(y, d, average=False), brute, rtol=1e-10)


def test_rps_equals_crps_for_integer_empirical():
    d = Empirical([[0.0, 1.0, 1.0, 3.0], [2.0, 2.0, 4.0, 7.0]])
    y = np.array([1.0, 5.0])
    np.testing.assert_allclose(ranked_probability_score(y, d, average=False), crps(y, d, average=False))


def test_rps_observation_outside_the_predictive_support():
    # y far below the support: every integer in [y, support) adds (0 - 1)² = 1
    d = Poisson(mu=[1e-3])
    assert ranked_probability_score([-5], d) == pytest.approx(5 + stats.poisson.sf(0, 1e-3) ** 2, rel=1e-9)


# ---------------------------------------------------------------------------- ensembles
def test_crps_ensemble_matches_brute_force_double_sum():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 9))
    X[0, :3] = 0.5  # ties
    y = rng.normal(size=5)
    m = X.shape[1]
    first = np.abs(X - y[:, None]).mean(axis=1)
    pairs = np.abs(X[:, :, None] - X[:, None, :]).sum(axis=(1, 2))
    np.testing.assert_allclose(crps_ensemble(y, X, average=False), first - pairs / (2 * m * m), rtol=1e-12)
    np.testing.assert_allclose(crps_ensemble(y, X, fair=True, average=False),
                               first - pairs / (2 * m * (m - 1)), rtol=1e-12)
    np.testing.assert_allclose(crps_ensemble(y, X, average=False), crps(y, Empirical(X), average=False),
                               rtol=1e-12)


def test_crps_ensemble_single_member_is_absolute_error():
    np.testing.assert_allclose(crps_ensemble([1.0, -2.0], [3.0, 0.0], average=False), [2.0, 2.0])


def test_crps_ensemble_fair_is_unbiased_for_the_distribution_crps():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4000, 5))
    y = np.zeros(4000)
    est = crps_ensemble(y, X, fair=True)
    se = crps_ensemble(y, X, fair=True, average=False).std() / np.sqrt(4000)
    assert abs(est - 0.2336949772) < 4 * se


# ---------------------------------------------------------------------------- quantile scores
def test_pinball_matches_sklearn_per_level():
    rng = np.random.default_rng(2)
    y = rng.normal(size=50)
    q = rng.normal(size=50)
    w = rng.uniform(0.5, 2, size=50)
    for tau in (0.1, 0.5, 0.9):
        ours = pinball_loss(y, q, tau, sample_weight=w)
        assert ours == pytest.approx(mean_pinball_loss(y, q, alpha=tau, sample_weight=w), rel=1e-12)


def test_crps_quantiles_midpoint_grid_is_twice_mean_pinball_and_converges():
    levels = (np.arange(20) + 0.5) / 20
    y = np.array([0.4, -1.0])
    Q = np.vstack([stats.norm.ppf(levels), stats.norm.ppf(levels, 1, 2)])
    np.testing.assert_allclose(crps_quantiles(y, Q, levels, average=False),
                               2 * pinball_loss(y, Q, levels, average=False), rtol=1e-12)
    fine = (np.arange(4000) + 0.5) / 4000
    Qf = np.vstack([stats.norm.ppf(fine), stats.norm.ppf(fine, 1, 2)])
    exact = crps(y, Normal([0.0, 1.0], [1.0, 2.0]), average=False)
    np.testing.assert_allclose(crps_quantiles(y, Qf, fine, average=False), exact, rtol=1e-4)
    # unsorted levels give the same answer
    perm = np.random.default_rng(0).permutation(20)
    np.testing.assert_allclose(crps_quantiles(y, Q[:, perm], levels[perm]), crps_quantiles(y, Q, levels))


# ---------------------------------------------------------------------------- intervals
def test_interval_score_definition_and_pinball_identity():
    y = np.array([0.0, -3.0, 4.0])
    lo, hi = np.array([-1.0, -1.0, -1.0]), np.array([1.0, 1.0, 2.0])
    alpha = 0.2
    np.testing.assert_allclose(interval_score(y, lo, hi, alpha, average=False),
                               [2.0, 2.0 + 2 / 0.2 * 2, 3.0 + 2 / 0.2 * 2])
    # (α/2) IS_α = ρ_{α/2}(l) + ρ_{1-α/2}(u)
    Q = np.column_stack([lo, hi])
    pl = 2 * pinball_loss(y, Q, [alpha / 2, 1 - alpha / 2], average=False)
    np.testing.assert_allclose(alpha / 2 * interval_score(y, lo, hi, alpha, average=False), pl)


def _wis_bracher(y, median, lowers, uppers, alphas, with_median=True):
    """Bracher et al. (2021), eq. for WIS_{α_{0:K}} written directly from interval scores."""
    K = len(alphas)
    total = 0.5 * np.abs(y - median) if with_median else 0.0
    for lo, hi, a in zip(lowers, uppers, alphas):
        total = total + a / 2 * interval_score(y, lo, hi, a, average=False)
    return total / (K + 0.5) if with_median else total / K


def test_wis_matches_bracher_definition():
    rng = np.random.default_rng(4)
    n = 30
    y = rng.normal(size=n) * 2
    alphas = np.array([0.02, 0.1, 0.2, 0.5, 0.8])
    levels = np.concatenate([alphas / 2, [0.5], 1 - alphas[::-1] / 2])
    loc, scale = rng.normal(size=n), rng.uniform(0.5, 2, size=n)
    Q = stats.norm.ppf(levels[None, :], loc[:, None], scale[:, None])
    K = alphas.size
    lowers = [Q[:, k] for k in range(K)]
    uppers = [Q[:, -1 - k] for k in range(K)]
    ref = _wis_bracher(y, Q[:, K], lowers, uppers, alphas)
    np.testing.assert_allclose(weighted_interval_score(y, Q, levels, average=False), ref, rtol=1e-12)
    np.testing.assert_allclose(weighted_interval_score(y, Q, levels, normalize=False, average=False),
                               2 * pinball_loss(y, Q, levels, average=False) * levels.size, rtol=1e-12)
    # without the median
    keep = levels != 0.5
    ref_nomed = _wis_bracher(y, None, lowers, uppers, alphas, with_median=False)
    np.testing.assert_allclose(weighted_interval_score(y, Q[:, keep], levels[keep], average=False),
                               ref_nomed, rtol=1e-12)


def test_wis_rejects_asymmetric_levels():
    with pytest.raises(ValueError, match="symmetric"):
        weighted_interval_score([0.0], [[0.0, 1.0]], [0.1, 0.8])


def test_coverage_and_width_weighted_and_multilevel():
    y = np.array([0.0, 2.0, 5.0, 1.0])
    iv = np.array([[-1, 1], [0, 3], [0, 3], [1, 2]], float)
    w = np.array([1.0, 1.0, 2.0, 0.0])
    assert coverage(y, iv, sample_weight=w) == pytest.approx(0.5)
    assert mean_interval_width(iv, sample_weight=w) == pytest.approx((2 + 3 + 6) / 4)
    iv3 = np.stack([iv, iv * 2], axis=2)
    np.testing.assert_allclose(coverage(y, iv3), [0.75, 0.75])
    np.testing.assert_allclose(mean_interval_width(iv3), [2.25, 4.5])
    d = Normal(np.zeros(4000), np.ones(4000))
    yy = np.random.default_rng(5).normal(size=4000)
    assert abs(coverage(yy, d.interval(0.9)) - 0.9) < 4 * np.sqrt(0.09 / 4000)


# ---------------------------------------------------------------------------- log score, PIT
def test_log_score_matches_scipy_and_base():
    y = np.array([0.3, -2.0])
    d = Normal([0.0, 1.0], [1.0, 2.0])
    ref = -stats.norm.logpdf(y, [0.0, 1.0], [1.0, 2.0])
    np.testing.assert_allclose(log_score(y, d, average=False), ref, rtol=1e-12)
    assert log_score(y, d, base=2) == pytest.approx(ref.mean() / np.log(2))
    assert log_score([2], Poisson(mu=[3.0])) == pytest.approx(-stats.poisson.logpmf(2, 3.0))


def test_log_score_needs_a_density():
    with pytest.raises(TypeError, match="density"):
        log_score([0.0], Empirical([[0.0, 1.0]]))


def test_pit_continuous_is_the_cdf_and_uniform_under_calibration():
    rng = np.random.default_rng(6)
    loc, scale = rng.normal(size=2000), rng.uniform(0.5, 2, size=2000)
    y = rng.normal(loc, scale)
    d = Normal(loc, scale)
    u = pit(y, d)
    np.testing.assert_allclose(u, special.ndtr((y - loc) / scale))
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_randomised_pit_discrete_and_empirical():
    rng = np.random.default_rng(7)
    mu = rng.uniform(0.5, 5, size=3000)
    y = rng.poisson(mu).astype(float)
    u = pit(y, Poisson(mu=mu), random_state=0)
    lo, hi = stats.poisson.cdf(y - 1, mu), stats.poisson.cdf(y, mu)
    assert np.all((u >= lo - 1e-12) & (u <= hi + 1e-12))
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    np.testing.assert_array_equal(u, pit(y, Poisson(mu=mu), random_state=0))
    e = Empirical([[0.0, 1.0, 2.0, 3.0]] * 500)
    ue = pit(rng.integers(0, 4, size=500).astype(float), e, random_state=1)
    assert stats.kstest(ue, "uniform").pvalue > 1e-3


# ---------------------------------------------------------------------------- weights, inputs
@pytest.mark.parametrize("score", ["crps", "log", "pinball", "wis", "is", "ens"])
def test_integer_weights_equal_repeated_rows(score):
    y = np.array([0.1, 1.0, -0.5])
    w = np.array([1, 3, 2])
    rep = np.repeat(np.arange(3), w)
    loc, scale = np.array([0.0, 0.5, -1.0]), np.array([1.0, 2.0, 0.5])
    Q = stats.norm.ppf(np.array([[0.1, 0.5, 0.9]]), loc[:, None], scale[:, None])

    def f(idx, weights):
        kw = {"sample_weight": weights}
        if score == "crps":
            return crps(y[idx], Normal(loc[idx], scale[idx]), **kw)
        if score == "log":
            return log_score(y[idx], Normal(loc[idx], scale[idx]), **kw)
        if score == "pinball":
            return pinball_loss(y[idx], Q[idx], [0.1, 0.5, 0.9], **kw)
        if score == "wis":
            return weighted_interval_score(y[idx], Q[idx], [0.1, 0.5, 0.9], **kw)
        if score == "is":
            return interval_score(y[idx], Q[idx, 0], Q[idx, 2], 0.2, **kw)
        return crps_ensemble(y[idx], Q[idx], **kw)

    assert f(np.arange(3), w.astype(float)) == pytest.approx(f(rep, None), rel=1e-12)


def test_inputs_are_not_modified():
    y = np.array([0.0, 1.0])
    Q = np.array([[1.0, 0.0], [2.0, 3.0]])
    levels = np.array([0.9, 0.1])
    ens = np.array([[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]])
    copies = [a.copy() for a in (y, Q, levels, ens)]
    crps_quantiles(y, Q, levels)
    crps_ensemble(y, ens)
    for a, c in zip((y, Q, levels, ens), copies):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: crps([0.0, 1.0], Normal(0.0, 1.0)), "distribution has 1 rows"),
        (lambda: crps([0.0], "normal"), "distribution must be a distreg Distribution"),
        (lambda: crps([np.nan], Normal(0.0, 1.0)), "y_true contains NaN"),
        (lambda: pinball_loss([0.0], [[0.0, 1.0]], [0.5]), "y_quantiles has 2 columns"),
        (lambda: pinball_loss([0.0], [[0.0]], [1.5]), "quantiles must lie strictly between 0 and 1"),
        (lambda: interval_score([0.0], [1.0], [0.0], 0.1), "lower exceeds upper"),
        (lambda: interval_score([0.0], [0.0], [1.0], 10), "alpha must be one number"),
        (lambda: coverage([0.0], [[0.0, 1.0, 2.0]]), r"intervals must have shape \(n, 2\)"),
        (lambda: coverage([0.0], [[0.0, 1.0]], sample_weight=[-1.0]), "sample_weight must be non-negative"),
        (lambda: ranked_probability_score([0.5], Poisson(mu=[1.0])), "y_true must hold integers"),
        (lambda: crps_ensemble([0.0], [[1.0]], fair=True), "at least two members"),
        (lambda: log_score([0.0], Normal(0.0, 1.0), base=1), "base must be"),
        (lambda: crps([0.0], Normal(0.0, 1.0), average="yes"), "average must be True or False"),
        (lambda: mean_interval_width([[0.0, 1.0]], sample_weight=[1.0, 1.0]),
         "sample_weight has 2 entries but intervals has 1 rows"),
        (lambda: pinball_loss([0.0], [[0.0, 1.0]], [0.5, 0.6, 0.7]), "quantiles has 3 level"),
        # missing group labels were dropped by the group-by, silently
        (lambda: group_coverage([0.0, 1.0], [[0, 1], [0, 1]], [1.0, np.nan]), "groups contains missing labels"),
        (lambda: group_coverage([0.0, 1.0], [[0, 1], [0, 1]], ["a"]), "groups has 1 entries but y_true has 2"),
        (lambda: set_coverage([], np.zeros((0, 2), dtype=bool)), r"sets must have shape .* n, K >= 1"),
        (lambda: set_coverage([0, None], np.ones((2, 2), dtype=bool)), "y_true contains missing labels"),
        (lambda: mean_set_size(np.zeros((0, 3), dtype=bool)), r"got \(0, 3\)"),
        (lambda: mean_set_size([[0.0, 1.0]]), "sets must be a boolean array"),
        (lambda: conformal_coverage_tolerance(50, 100, 10, 0.9, tail_probability=2.0), "tail_probability"),
        (lambda: conformal_coverage_distribution(5, 0.9), "n_calibration=5 is too small.*at least 9"),
        (lambda: ranked_probability_score([1e300], Poisson(mu=[1.0])), "Check y_true for extreme values"),
    ],
)
def test_bad_input_messages(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
