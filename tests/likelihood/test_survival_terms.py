"""Censoring/truncation contributions against closed forms (exponential hazard)."""

import numpy as np
import pytest

from distreg.likelihood.survival_terms import censored_loglik, survival_data


def expo(t, eta):
    rate = np.exp(eta[:, 0])
    return eta[:, 0].copy(), np.ones((len(t), 1)), t * rate, (t * rate)[:, None]


def test_contributions_match_closed_forms():
    rate = 0.7
    eta = np.full((5, 1), np.log(rate))
    d = survival_data(lower=[1.0, 2.0, 0.0, 1.5, 3.0], upper=[1.0, np.inf, 2.0, 4.0, 3.0],
                      entry=[0.0, 0.5, 0.0, 1.0, 2.0])
    ll, score = censored_loglik(expo, eta, d)
    S = lambda t: np.exp(-rate * t)  # noqa: E731
    expected = [
        np.log(rate) - rate * 1.0,                        # exact
        -rate * 2.0 + rate * 0.5,                         # right-censored, entry 0.5
        np.log(1 - S(2.0)),                               # left-censored
        np.log(S(1.5) - S(4.0)) + rate * 1.0,             # interval with entry
        np.log(rate) - rate * 3.0 + rate * 2.0,           # exact with entry
    ]
    np.testing.assert_allclose(ll, expected, rtol=1e-12)
    h = 1e-7
    llp, _ = censored_loglik(expo, eta + h, d)
    llm, _ = censored_loglik(expo, eta - h, d)
    np.testing.assert_allclose(score[:, 0], (llp - llm) / (2 * h), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kwargs, match", [
    (dict(time=[1.0, 0.0], event=[1, 0]), "time must be positive"),
    (dict(time=[1.0, -2.0], event=[1, 0]), "time must be positive"),
    (dict(time=[1.0, 2.0], event=[1, 2]), "event must contain only 0"),
    (dict(time=[1.0, np.nan], event=[1, 0]), "time contains NaN"),
    (dict(time=[1.0, 2.0], event=[1, 0], entry=[0.5, 2.5]), "entry must be smaller"),
    (dict(lower=[1.0, 3.0], upper=[2.0, 2.0]), "lower must not exceed upper"),
    (dict(lower=[1.0, 0.0], upper=[2.0, np.inf]), "needs lower > 0"),
    (dict(time=[1.0, 2.0], event=[1]), "event has 1 entries"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        survival_data(**kwargs)


def test_inputs_not_modified():
    t = np.array([1.0, 2.0])
    e = np.array([1.0, 0.0])
    survival_data(t, e)
    assert t.tolist() == [1.0, 2.0] and e.tolist() == [1.0, 0.0]


def test_apgw_hessian_matches_finite_differences_with_all_kinds_of_rows():
    from distreg.survival.flexible import APGWSpec

    spec = APGWSpec()
    d = survival_data(lower=[1.0, 2.0, 0.0, 1.5, 3.0, 0.7], upper=[1.0, np.inf, 2.0, 4.0, 3.0, 2.2],
                      entry=[0.0, 0.5, 0.0, 1.0, 2.0, 0.3])
    rng = np.random.default_rng(0)
    eta = np.column_stack([rng.normal(0, 0.3, 6), rng.normal(-0.5, 0.3, 6), rng.normal(0.2, 0.2, 6),
                           np.log1p(np.array([1.0, 0.0, -0.4, 2.0, 0.5, -0.2]))])
    hess = spec.hessian(eta, d)
    for j in range(4):
        e_p, e_m = eta.copy(), eta.copy()
        e_p[:, j] += 1e-6
        e_m[:, j] -= 1e-6
        fd = (spec.loglik(e_p, d)[1] - spec.loglik(e_m, d)[1]) / 2e-6
        np.testing.assert_allclose(hess[:, :, j], fd, rtol=1e-5, atol=1e-7)
