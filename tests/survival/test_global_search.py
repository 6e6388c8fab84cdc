"""The APGW fit reaches the global maximum, or the limit that the supremum lies at.

Reference: the exhaustive search of ``apgw_oracle.py`` (numpy log-likelihood written from the
APGW formulas, dense grid over the shapes, the rest profiled out with scipy), whose results on
lung, veteran and one simulated data set per region of the shape space are stored in
``tests/reference/apgw_global_optima.json``. The slow test recomputes them; a reduced search runs
in every test session.
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from distreg.exceptions import ConvergenceWarning
from distreg.likelihood.survival_terms import survival_data
from distreg.survival import FlexibleSurvivalRegressor
from distreg.survival.flexible import _GAMMA_BOUNDS, _KAPPA_BOUNDS, APGWSpec

sys.path.insert(0, str(Path(__file__).parent))
import apgw_oracle  # noqa: E402

REFERENCE = json.loads(Path(apgw_oracle.REFERENCE).read_text())
CASES = apgw_oracle.cases()


def fit(name):
    t, e, X, scale = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return FlexibleSurvivalRegressor(scale=scale).fit(X, np.column_stack([t, e]))


def at_edge(ref):
    """Whether the oracle's best point lies at a bound of the shapes (a limit of the family)."""
    return (ref["eta_gamma"] >= _GAMMA_BOUNDS[1] - 1e-6 or ref["eta_kappa"] <= _KAPPA_BOUNDS[0] + 0.05
            or ref["eta_kappa"] >= _KAPPA_BOUNDS[1] - 0.05)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_fit_reaches_the_exhaustive_search_maximum(name):
    ref = REFERENCE[name]
    m = fit(name)
    assert m.loglik_ >= ref["loglik"] - 1e-4, (m.loglik_, ref)
    # converged_ only for an interior maximum; a supremum at a limit is reported as one
    if at_edge(ref) and m.loglik_ < ref["loglik"] + 1e-3:
        assert not m.converged_ and m.limits_
    if m.converged_:
        assert not m.limits_ and np.isfinite(m.result_.params["std_error"]).all()


def test_veteran_was_a_local_maximum_before_the_search():
    # the local optimum that a fit from the nested starts alone stops at (ℓ = -746.2016) lies
    # well below the supremum at the γ → ∞ limit
    m = fit("veteran-aft")
    assert m.loglik_ > -746.2016 + 0.5
    (r,) = m.limits_
    assert r.parameter == "gamma" and r.limit.startswith("γ → ∞") and r.cause == "boundary"


def test_oracle_loglik_equals_the_apgw_spec():
    # the oracle's log-likelihood is written independently; it must agree with distreg's kernels
    # wherever both are defined (κ < 0, κ = 0, κ > 0, κ = ∞, large γ)
    t, e, X, _ = CASES["lung-aft"]
    prob = apgw_oracle.Problem(t, e, X, "aft")
    rng = np.random.default_rng(0)
    data = survival_data(t, e)
    for eg, ek in [(0.3, -1.0), (0.3, 0.0), (-0.2, 0.7), (1.0, 3.0), (0.2, np.inf), (5.0, 0.004)]:
        g = np.exp(eg)
        b = rng.normal(scale=0.02, size=X.shape[1])
        log_phi = -6.0 + prob.X @ b
        log_lam = -1.0
        eta = np.column_stack([np.full(t.size, log_lam), log_phi, np.full(t.size, eg), np.full(t.size, ek)])
        with np.errstate(all="ignore"):
            ours = float(np.sum(APGWSpec().loglik(eta, data)[0]))
        v = np.r_[log_lam, g * -6.0, g * b]
        assert prob.value(v, eg, ek) == pytest.approx(ours, rel=1e-10), (eg, ek)


def test_reduced_exhaustive_search():
    # the oracle itself, on a small grid around the supremum of veteran (AFT)
    ll, eg, ek = apgw_oracle.search(*CASES["veteran-aft"], eta_gammas=[5.0, 6.0], eta_kappas=[0.0, 0.7],
                                    ridge=[0.8])
    assert ll == pytest.approx(REFERENCE["veteran-aft"]["loglik"], abs=1e-4)
    assert eg == 6.0 and 0 < ek < 0.01


@pytest.mark.slow
def test_exhaustive_search_recomputed():
    for name, ref in REFERENCE.items():
        ll, eg, ek = apgw_oracle.search(*CASES[name], **apgw_oracle.DENSE)
        assert ll == pytest.approx(ref["loglik"], abs=1e-6), name


@pytest.mark.parametrize("scale", ["aft", "ph"])
def test_gompertz_reaches_its_exponential_limit(scale):
    # veteran (~ trt): the Gompertz supremum is the φ → 0 limit, the exponential model; before the
    # start near that limit the AFT fit stopped at ℓ = -827.08, far below the exponential
    t, e, X, _ = CASES["veteran-aft"]
    y = np.column_stack([t, e])
    exp = FlexibleSurvivalRegressor(distribution="exponential", scale=scale).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="exponential model") as caught:
        m = FlexibleSurvivalRegressor(distribution="gompertz", scale=scale).fit(X, y)
    assert caught[0].filename == __file__
    assert m.loglik_ == pytest.approx(exp.loglik_, abs=1e-6)
    (r,) = m.limits_
    assert (r.parameter, r.limit, r.special_case) == ("phi", "φ → 0", "exponential")
    assert r.loglik == pytest.approx(exp.loglik_, abs=1e-8)
    assert not m.converged_ and "Limit" in str(m.summary())
