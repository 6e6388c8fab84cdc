"""Generic property tests for every registered discrete distribution, plus gradient checks."""

import numpy as np
import pytest
from scipy import stats

from distreg.distributions import (Bitwise, Dalap, DiscreteDistribution, Hurdle, Mixture,
                                   ZeroInflated, registered_examples)

DISCRETE = {name: f for name, f in registered_examples().items() if f().discrete}


def test_registry_has_all_discrete_families():
    for name in ["Poisson", "NegativeBinomial", "GeneralizedPoisson", "DiscretizedNormal",
                 "DiscretizedLaplace", "Dalap", "DalapBounded", "Danorm", "Bitwise",
                 "ZeroInflatedPoisson", "HurdleNegativeBinomial", "MixtureDiscrete"]:
        assert name in DISCRETE


def _grid(d):
    lo = d.ppf(1e-13)
    hi = d.ppf(1 - 1e-13)
    lo = np.where(np.isfinite(lo), lo, -50)
    hi = np.where(np.isfinite(hi), hi, 50)
    a, b = int(lo.min()) - 2, int(hi.max()) + 2
    return np.arange(a, b + 1, dtype=float)


@pytest.mark.parametrize("name", sorted(DISCRETE))
def test_pmf_cdf_consistency(name):
    d = DISCRETE[name]()
    k = _grid(d)
    pmf = d.pmf(k[None, :])
    np.testing.assert_allclose(pmf.sum(axis=1), 1.0, atol=1e-9)
    cdf = d.cdf(k[None, :])
    assert np.all(np.diff(cdf, axis=1) >= -1e-12) and cdf.min() >= 0 and cdf.max() <= 1 + 1e-12
    np.testing.assert_allclose(cdf, np.cumsum(pmf, axis=1), atol=1e-9)
    np.testing.assert_allclose(d.sf(k[None, :]), 1 - cdf, atol=1e-9)
    # non-integer arguments: cdf at floor, zero mass
    np.testing.assert_allclose(d.cdf(k[None, :] + 0.4), cdf, atol=1e-12)
    assert np.all(d.pmf(k[None, :] + 0.5) == 0)


@pytest.mark.parametrize("name", sorted(DISCRETE))
def test_ppf_inverts_cdf(name):
    d = DISCRETE[name]()
    k = _grid(d)
    pmf = d.pmf(k[None, :])
    cdf = d.cdf(k[None, :])
    for i in range(len(d)):
        keep = pmf[i] > 1e-10
        q = cdf[i, keep]
        got = d[i].ppf(np.minimum(q, 1 - 1e-15)[None, :])[0]
        ok = q < 1 - 1e-12
        np.testing.assert_array_equal(got[ok], k[keep][ok])
    qs = np.array([[0.01, 0.2, 0.5, 0.77, 0.99]])
    Q = d.ppf(qs)
    assert np.all(d.cdf(Q) >= qs - 1e-12)
    assert np.all(d.cdf(Q - 1) < qs + 1e-12)


@pytest.mark.parametrize("name", sorted(DISCRETE))
def test_moments_match_sums(name):
    d = DISCRETE[name]()
    k = _grid(d)
    pmf = d.pmf(k[None, :])
    mean = (pmf * k).sum(axis=1)
    var = (pmf * (k - mean[:, None]) ** 2).sum(axis=1)
    np.testing.assert_allclose(d.mean(), mean, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(d.var(), var, rtol=1e-7, atol=1e-8)
    mode = d.mode()
    # a tie (Poisson at integer μ) may differ in the last bit between the two masses
    np.testing.assert_allclose(pmf[np.arange(len(d)), np.searchsorted(k, mode)], pmf.max(axis=1), rtol=1e-14)


@pytest.mark.parametrize("name", sorted(DISCRETE))
def test_sampling_matches_cdf(name):
    d = DISCRETE[name]()
    draws = d.rvs(size=4000, random_state=1)
    assert draws.shape == (len(d), 4000)
    assert np.all(draws == np.floor(draws))
    for i in range(len(d)):
        # compare the sample with the pmf by a chi-square test on cells of expected count >= 20
        k = _grid(d[i])
        p = d[i].pmf(k[None, :])[0]
        counts = np.array([(draws[i] == v).sum() for v in k])
        assert counts.sum() == 4000
        expected = 4000 * p
        cells, obs, exp = [], 0.0, 0.0
        for o, e in zip(counts, expected):
            obs += o
            exp += e
            if exp >= 20:
                cells.append((obs, exp))
                obs = exp = 0.0
        if cells:
            o_last, e_last = cells[-1]
            cells[-1] = (o_last + obs, e_last + exp)
        o = np.array([c[0] for c in cells])
        e = np.array([c[1] for c in cells])
        if len(o) > 1:
            stat = ((o - e) ** 2 / e).sum()
            assert stats.chi2.sf(stat, len(o) - 1) > 1e-4, (name, i)


def _rebuild(d, name, value):
    """A copy of d with parameter ``name`` replaced (keys as returned by logpmf_grad)."""
    if isinstance(d, (ZeroInflated, Hurdle)):
        if name == "pi":
            return type(d)(d.base, value)
        return type(d)(_rebuild(d.base, name, value), d.params["pi"])
    if isinstance(d, Mixture):
        if name == "weights":
            return Mixture(d.components, value)
        k, pname = name.split(".", 1)
        comps = list(d.components)
        comps[int(k)] = _rebuild(comps[int(k)], pname, value)
        return Mixture(comps, d.params["weights"])
    params = d.params
    params[name] = value
    return type(d)._from_params(params)


def _param_value(d, name):
    if isinstance(d, (ZeroInflated, Hurdle)) and name != "pi":
        return _param_value(d.base, name)
    if isinstance(d, Mixture) and name != "weights":
        k, pname = name.split(".", 1)
        return _param_value(d.components[int(k)], pname)
    return d.params[name]


@pytest.mark.parametrize("name", sorted(DISCRETE))
def test_logpmf_gradient_matches_finite_differences(name):
    d = DISCRETE[name]()
    k = _grid(d)
    Y = d.ppf(np.array([[0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98]]))
    grads = d.logpmf_grad(Y)
    for pname, g in grads.items():
        val = _param_value(d, pname)
        if pname == "weights":
            # softmax-logit derivative: perturb log-weights
            logw = np.log(val)
            cols = range(val.shape[1])
            for j in cols:
                h = 1e-6
                lp, lm = logw.copy(), logw.copy()
                lp[:, j] += h
                lm[:, j] -= h
                fd = (_rebuild(d, pname, np.exp(lp)).logpmf(Y) - _rebuild(d, pname, np.exp(lm)).logpmf(Y)) / (2 * h)
                np.testing.assert_allclose(g[..., j], fd, rtol=1e-5, atol=1e-6, err_msg=f"{name}:{pname}[{j}]")
            continue
        if val.ndim == 2:  # vector parameter (Bitwise logits)
            for j in range(val.shape[1]):
                h = 1e-6
                vp, vm = val.copy(), val.copy()
                vp[:, j] += h
                vm[:, j] -= h
                fd = (_rebuild(d, pname, vp).logpmf(Y) - _rebuild(d, pname, vm).logpmf(Y)) / (2 * h)
                np.testing.assert_allclose(g[..., j], fd, rtol=1e-5, atol=1e-6, err_msg=f"{name}:{pname}[{j}]")
            continue
        if pname in ("lower", "upper", "low"):
            continue
        h = 1e-6 * np.maximum(1.0, np.abs(val))
        fd = (_rebuild(d, pname, val + h).logpmf(Y) - _rebuild(d, pname, val - h).logpmf(Y)) / (2 * h[:, None])
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6, err_msg=f"{name}:{pname}")


def test_dalap_at_integer_mu_is_classical_discrete_laplace():
    gamma = np.array([0.1, 0.5, 0.93])
    mu = np.array([0.0, 3.0, -7.0])
    d = Dalap(mu, gamma)
    k = np.arange(-60, 61, dtype=float)[None, :]
    ref = np.stack([stats.dlaplace.pmf(k[0], -np.log(g), loc=m) for g, m in zip(gamma, mu)])
    np.testing.assert_allclose(d.pmf(k), ref, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(d.cdf(k), np.stack([stats.dlaplace.cdf(k[0], -np.log(g), loc=m)
                                                   for g, m in zip(gamma, mu)]), atol=1e-12)
    np.testing.assert_allclose(d.var(), [stats.dlaplace.var(-np.log(g)) for g in gamma], rtol=1e-10)


def test_dalap_definition_and_bounded_renormalisation():
    mu, gamma = 2.3, 0.6
    d = Dalap([mu], [gamma])
    n = np.arange(-5, 10, dtype=float)
    f = mu - np.floor(mu)
    direct = (1 - gamma) / (gamma**f + gamma ** (1 - f)) * gamma ** np.abs(n - mu)
    np.testing.assert_allclose(d.pmf(n[None, :])[0], direct, rtol=1e-13)
    b = Dalap([mu], [gamma], lower=0, upper=4)
    inside = (n >= 0) & (n <= 4)
    np.testing.assert_allclose(b.pmf(n[None, :])[0], np.where(inside, direct / direct[inside].sum(), 0),
                               rtol=1e-12)


def test_bitwise_pmf_sums_to_one_over_all_patterns():
    rng = np.random.default_rng(0)
    for B in (1, 3, 8):
        d = Bitwise(rng.normal(scale=2, size=(4, B)), low=[-3, 0, 5, -(2**B)])
        for i in range(4):
            k = d.params["low"][i] + np.arange(2**B)
            np.testing.assert_allclose(d[i].pmf(k[None, :]).sum(), 1.0, rtol=1e-12)
            assert d[i].pmf(np.array([[k[0] - 1, k[-1] + 1]])).max() == 0
    # negative values through the offset: -1 is bit pattern 2^B - 1 above low = -2^B
    d = Bitwise([[5.0, 5.0]], low=-4)
    assert d.ppf(0.5)[0] == -1.0


def test_bad_parameters():
    from distreg.distributions import NegativeBinomial, Poisson
    with pytest.raises(ValueError, match="mu must be positive"):
        Poisson([-1.0])
    with pytest.raises(ValueError, match="gamma"):
        Dalap([0.0], [1.5])
    with pytest.raises(ValueError, match="non-negative integers"):
        Hurdle(Dalap([0.0], [0.5]), 0.3)
    # α = 0 is the Poisson limit (allowed); a negative α is not
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        NegativeBinomial([1.0], [-0.1])
    with pytest.raises(TypeError, match="discrete"):
        ZeroInflated(object(), 0.3)


def test_discrete_base_has_gradient_hook():
    assert hasattr(DiscreteDistribution, "logpmf_grad")


def _nb2_logpmf_mpmath(y, mu, a, exact=False):
    """NB2 log mass in 50-digit arithmetic: Σ log1p(jα) for the rising factorial (no cancellation)."""
    import mpmath as mp

    with mp.workdps(50):
        y, mu, a = mp.mpf(y), mp.mpf(mu), mp.mpf(a)
        base = y * mp.log(mu) - mp.loggamma(y + 1)
        if a == 0:
            return float(base - mu)
        rising = mp.fsum(mp.log1p(j * a) for j in range(int(y)))
        out = base + rising - y * mp.log1p(a * mu) - mp.log1p(a * mu) / a
        return out if exact else float(out)


def test_negative_binomial_is_exact_down_to_the_poisson_limit():
    from distreg.distributions import NegativeBinomial, Poisson
    from distreg.distributions.counts import nb2_alpha_score, nb2_logpmf

    ys = [0, 1, 4, 17, 150, 450, 3000]
    mus = [0.05, 1.0, 7.3, 300.0, 2500.0]
    alphas = [0.0, 1e-300, 1e-30, 1e-17, 1e-14, 1e-11, 1e-8, 1e-5, 1e-3, 0.05, 0.5, 3.0, 40.0]
    worst = 0.0
    for y in ys:
        for mu in mus:
            for a in alphas:
                ref = _nb2_logpmf_mpmath(y, mu, a)
                worst = max(worst, abs(float(nb2_logpmf(float(y), mu, a)) - ref) / max(1.0, abs(ref)))
    assert worst < 1e-12
    # the α-score against central differences of the mpmath log mass, and its Poisson limit
    for y, mu, a in [(3, 2.0, 1e-9), (40, 30.0, 1e-6), (400, 350.0, 0.02), (5, 0.5, 2.0)]:
        import mpmath as mp

        with mp.workdps(50):
            am, h = mp.mpf(a), mp.mpf(a) * mp.mpf("1e-15")
            fd = float((_nb2_logpmf_mpmath(y, mu, am + h, True) - _nb2_logpmf_mpmath(y, mu, am - h, True)) / (2 * h))
        assert abs(float(nb2_alpha_score(float(y), mu, a)) - fd) < 1e-6 * max(1.0, abs(fd))
    assert float(nb2_alpha_score(7.0, 3.0, 0.0)) == 0.5 * ((7 - 3) ** 2 - 7)
    # the pmfs summed to 1.18, 0.05 and 0.95 at α = 1e-14 ... 1e-29; now to one, and
    # cdf, sf and quantiles are those of the Poisson in the limit
    k = np.arange(400)[None, :]
    mu = np.array([0.4, 5.0, 60.0])
    pois = Poisson(mu)
    for a in (1e-29, 1e-20, 1e-14, 1e-10, 0.0):
        d = NegativeBinomial(mu, np.full(3, a))
        np.testing.assert_allclose(d.pmf(k).sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_allclose(d.cdf(k), pois.cdf(k), atol=1e-9)
        np.testing.assert_allclose(d.sf(k), pois.sf(k), atol=1e-9)
        q = np.array([[0.01, 0.3, 0.5, 0.9, 0.999]])
        np.testing.assert_array_equal(d.ppf(q), pois.ppf(q))
    draws = NegativeBinomial(mu, np.zeros(3)).rvs(size=2000, random_state=0)
    np.testing.assert_allclose(draws.mean(axis=1), mu, rtol=0.05)
