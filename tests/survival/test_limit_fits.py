"""Exact fits of the κ → -1 (cure) and γ → ∞ (threshold) limits of the APGW.

Each limit is checked twice: the APGW log-likelihood along a path towards the limit converges
to the limit model's, and each fit agrees with an independent scipy maximisation written here
(other parameterisations, scipy.stats formulas, Nelder–Mead/BFGS from several starts).
"""

import numpy as np
import pytest
from scipy import optimize, stats

from distreg.datasets import load_lung, load_veteran
from distreg.likelihood import Design
from distreg.likelihood.survival_terms import survival_data
from distreg.survival.flexible import APGWSpec
from distreg.survival.limit_fits import (CureLimitSpec, ThresholdLimitSpec, fit_cure_limit,
                                         fit_threshold_limit, threshold_limit_support)

LUNG_COLS = ["age", "sex", "ph_ecog"]


def _designs(df, cols, scale):
    n = len(df)
    one = Design(np.ones((n, 1)), ["Intercept"], 0)
    main = Design(np.column_stack([np.ones(n), df[cols].to_numpy(float)]), ["Intercept"] + cols, 0)
    return [one, main, one, one] if scale == "aft" else [main, one, one, one]


@pytest.fixture(scope="module")
def lung():
    df = load_lung()
    return df, survival_data(df["time"], df["event"])


@pytest.fixture(scope="module")
def vet():
    df = load_veteran()
    return df, survival_data(df["time"], df["event"])


@pytest.fixture(scope="module")
def mixed():
    """Simulated rows with right censoring, interval censoring and delayed entry."""
    rng = np.random.default_rng(3)
    n = 120
    t = rng.weibull(1.3, n) * 10.0
    lower, upper = t.copy(), t.copy()
    cens = rng.random(n) < 0.25
    upper[cens] = np.inf
    lower[cens] = t[cens] * rng.uniform(0.3, 1.0, cens.sum())
    iv = (~cens) & (rng.random(n) < 0.3)
    lower[iv], upper[iv] = 0.8 * t[iv], 1.3 * t[iv]
    entry = np.where(rng.random(n) < 0.3, 0.3 * lower, 0.0)
    return survival_data(lower=lower, upper=upper, entry=entry)


# ------------------------------------------------------------------ the limits of the APGW
def test_cure_limit_is_the_apgw_limit_as_kappa_goes_to_minus_one(lung, mixed):
    _, data = lung
    for d in (data, mixed):
        m = len(d["time"])
        x = np.linspace(-1, 1, m)
        eta_A, eta_psi, eta_g = 0.4 + 0.3 * x, -5.5 + 0.2 * x if d is data else -2.0 + 0.2 * x, 0.3
        limit = CureLimitSpec().loglik(np.column_stack([eta_A, eta_psi, np.full(m, eta_g)]), d)[0].sum()
        gaps = []
        for eps in (1e-2, 1e-4, 1e-6):
            # λ = A/ε and φ^γ = ε ψ^γ: the path of the module docstring with (A, ψ, γ) fixed
            eta = np.column_stack([eta_A - np.log(eps), eta_psi + np.log(eps) / np.exp(eta_g),
                                   np.full(m, eta_g), np.full(m, np.log(eps))])
            gaps.append(abs(APGWSpec().loglik(eta, d)[0].sum() - limit))
        assert gaps[2] < 1e-3 * max(1.0, abs(limit)) / 100
        assert gaps[0] > gaps[1] > gaps[2]


def test_threshold_limit_is_the_apgw_limit_as_gamma_grows(vet):
    df, data = vet
    n = len(df)
    trt = df["trt"].to_numpy(float)
    # thresholds 0.9 of each group's first event time, so that every event lies above its own
    eta_phi = np.where(trt == 1, -np.log(0.9 * 3.0), -np.log(0.9 * 1.0))
    eta_A, s = np.full(n, -3.8), 0.8
    limit = ThresholdLimitSpec().loglik(np.column_stack([eta_A, eta_phi, np.full(n, np.log(s))]), data)[0].sum()
    gaps = []
    for gamma in (1e2, 1e3, 1e4):
        kappa = s / gamma
        eta = np.column_stack([eta_A + np.log(kappa), eta_phi, np.full(n, np.log(gamma)),
                               np.full(n, np.log1p(kappa))])
        gaps.append(abs(APGWSpec().loglik(eta, data)[0].sum() - limit))
    # the approach is O(κ) = O(s/γ)
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 0.05 and gaps[1] / gaps[2] > 5


# ------------------------------------------------------------------ the cure limit
def _cure_reference(X, data, w=None):
    """Maximise ℓ = Σ_ev log(A f) - Σ A F (+ entry, interval) with F the scipy fisk (log-logistic)
    distribution, over (log A, log median latency m = x'b, log σ = -log γ)."""
    t, code, up, entry = data["time"], data["code"], data["upper"], data["entry"]
    w = np.ones(len(t)) if w is None else w
    p = X.shape[1]

    def negll(theta):
        A, b, c = np.exp(theta[0]), theta[1:1 + p], np.exp(-theta[1 + p])
        scale = np.exp(X @ b)
        F = lambda u: stats.fisk.cdf(u, c, scale=scale)  # noqa: E731
        # trial points far out overflow; they get a huge value below
        with np.errstate(all="ignore"):
            ll = -A * F(t)
            ev = code == 1
            ll[ev] += np.log(A) + stats.fisk.logpdf(t[ev], c, scale=scale[ev])
            iv = code == 2
            ll[iv] += np.log(-np.expm1(-A * (F(up)[iv] - F(t)[iv])))
            ll += A * F(entry)
        v = -np.dot(w, ll)
        return v if np.isfinite(v) else 1e12

    best = None
    med = np.log(np.median(t[code == 1]))
    for a0 in (0.5, 1.5):
        for ls in (-0.5, 0.3):
            x0 = np.r_[a0, med, np.zeros(p - 1), ls]
            r = optimize.minimize(negll, x0, method="BFGS", options={"gtol": 1e-9, "maxiter": 5000})
            r = optimize.minimize(negll, r.x, method="Nelder-Mead",
                                  options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 20000})
            if best is None or r.fun < best.fun:
                best = r
    return -best.fun


def test_cure_limit_on_lung_aft_matches_reference_and_the_bound(lung):
    df, data = lung
    fit = fit_cure_limit(_designs(df, LUNG_COLS, "aft"), data, scale="aft")
    X = np.column_stack([np.ones(len(df)), df[LUNG_COLS].to_numpy(float)])
    assert fit.converged
    assert fit.loglik == pytest.approx(_cure_reference(X, data), abs=1e-6)
    # the APGW AFT fit ends at the κ bound with ℓ = -1132.0040: the limit is its supremum
    assert fit.loglik == pytest.approx(-1132.004019, abs=1e-6)
    assert fit.loglik >= -1132.00402
    # ψ's slopes are minus the reference's log-median slopes
    assert fit.coef["psi"].shape == (4,) and fit.coef["gamma"].shape == (1,)


def test_cure_limit_with_entry_interval_and_weights(mixed):
    n = len(mixed["time"])
    one = Design(np.ones((n, 1)), ["Intercept"], 0)
    w = np.where(np.arange(n) % 4 == 0, 2.0, 1.0)
    fit = fit_cure_limit([one, one, one, one], mixed, w, scale="ph")
    assert fit.loglik == pytest.approx(_cure_reference(np.ones((n, 1)), mixed, w), abs=1e-6)


def test_cure_limit_start_from_apgw_coefficients(lung):
    df, data = lung
    start = {"lambda": np.array([10.6276]), "phi": np.array([-13.4443, 0.0077, -0.4327, 0.3611]),
             "gamma": np.array([0.3829]), "kappa": np.array([-8.0])}
    fit = fit_cure_limit(_designs(df, LUNG_COLS, "aft"), data, scale="aft", start=start)
    assert fit.loglik == pytest.approx(-1132.004019, abs=1e-6)
    with pytest.raises(ValueError, match="start\\['phi'\\] has 1 coefficients"):
        fit_cure_limit(_designs(df, LUNG_COLS, "aft"), data, scale="aft", start={**start, "phi": [0.0]})


# ------------------------------------------------------------------ the threshold limit
def test_threshold_limit_ph_matches_a_reference_with_a_free_threshold(lung, vet):
    for (df, data), cols, bound in ((lung, LUNG_COLS, -1131.8421), (vet, ["trt"], -745.4873)):
        fit = fit_threshold_limit(_designs(df, cols, "ph"), data, scale="ph")
        t, ev = data["time"], data["event"] == 1
        tmin = t[ev].min()
        X = np.column_stack([np.ones(len(df)), df[cols].to_numpy(float)])
        p = X.shape[1]

        # reference: H_i = B_i (t^s - t0^s)₊ with B_i = exp(x_i'c) and a free threshold
        # t0 = tmin·exp(-ρ²) (the claim that t0 goes to the first event time is not assumed)
        @np.errstate(all="ignore")
        def negll(theta):
            c, s, t0 = theta[:p], np.exp(theta[p]), tmin * np.exp(-theta[p + 1] ** 2)
            B = np.exp(X @ c)
            H = B * np.maximum(t**s - t0**s, 0.0)
            ll = np.sum(np.log(B[ev] * s) + (s - 1) * np.log(t[ev])) - H.sum()
            return -ll if np.isfinite(ll) else 1e12

        best = None
        for s0 in (0.5, 1.0):
            for rho in (0.1, 1.0):
                x0 = np.r_[np.log(ev.sum() / np.sum(t**s0)), np.zeros(p - 1), np.log(s0), rho]
                r = optimize.minimize(negll, x0, method="BFGS", options={"gtol": 1e-8, "maxiter": 5000})
                r = optimize.minimize(negll, r.x, method="Nelder-Mead",
                                      options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 40000,
                                               "maxfev": 40000})
                if best is None or r.fun < best.fun:
                    best = r
        assert fit.converged
        assert fit.loglik == pytest.approx(-best.fun, abs=1e-6)
        assert tmin * np.exp(-best.x[p + 1] ** 2) == pytest.approx(tmin, rel=1e-3)
        assert np.all(fit.threshold == tmin)
        # the APGW fit ends at the γ bound with a lower log-likelihood, and close to this one
        assert bound <= fit.loglik < bound + 0.05


def test_threshold_limit_aft_matches_a_reference_with_group_thresholds(vet):
    df, data = vet
    fit = fit_threshold_limit(_designs(df, ["trt"], "aft"), data, scale="aft")
    t, ev = data["time"], data["event"] == 1
    g2 = df["trt"].to_numpy() == 2
    tmin = np.array([t[ev & ~g2].min(), t[ev & g2].min()])

    # reference: trt has two levels, so log φ is one value per group; each group's threshold
    # 1/φ_g = tmin_g·exp(-ρ_g²) reaches its first event time without a constraint
    @np.errstate(all="ignore")
    def negll(theta):
        la, s = theta[0], np.exp(theta[1])
        log_phi = -np.log(tmin) + theta[2:] ** 2
        lp = np.where(g2, log_phi[1], log_phi[0])
        z = s * (lp + np.log(t))
        ll = np.sum(la + np.log(s) + z[ev] - np.log(t[ev])) - np.exp(la) * np.sum(np.maximum(np.expm1(z), 0.0))
        return -ll if np.isfinite(ll) else 1e12

    best = None
    for s0 in (0.5, 1.0, 2.0):
        for rho in ((0.1, 0.1), (1.0, 0.5), (0.3, 1.0)):
            x0 = np.r_[-3.0, np.log(s0), rho]
            r = optimize.minimize(negll, x0, method="Nelder-Mead",
                                  options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
            r = optimize.minimize(negll, r.x, method="Nelder-Mead",
                                  options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
            if best is None or r.fun < best.fun:
                best = r
    assert fit.converged
    assert fit.loglik == pytest.approx(-best.fun, abs=1e-6)
    # the thresholds per group agree: group 2's at its first event time (two tied events at
    # t = 1 bind), group 1's below its first event
    ref_t0 = tmin * np.exp(-best.x[2:] ** 2)
    assert fit.threshold[~g2][0] == pytest.approx(ref_t0[0], rel=1e-3)
    assert fit.threshold[g2][0] == pytest.approx(ref_t0[1], rel=1e-6) and ref_t0[1] == pytest.approx(1.0)
    assert len(fit.active) == 2 and np.all(g2[fit.active])
    assert -745.4921 <= fit.loglik < -745.4921 + 0.05


def test_threshold_limit_aft_lung_is_a_kkt_point_above_the_common_threshold(lung):
    df, data = lung
    aft = fit_threshold_limit(_designs(df, LUNG_COLS, "aft"), data, scale="aft")
    one = [Design(np.ones((len(df), 1)), ["Intercept"], 0)] * 4
    common = fit_threshold_limit(one, data, scale="aft")
    assert aft.converged and "KKT residual" in aft.message
    # every event at or above its own threshold, and the covariates improve on a common one
    ev = data["event"] == 1
    assert np.all(data["time"][ev] >= aft.threshold[ev] * (1 - 1e-12))
    assert aft.loglik > common.loglik + 10
    assert aft.loglik == pytest.approx(-1132.182818, abs=1e-5)


def test_threshold_limit_weights_drop_rows(vet):
    df, data = vet
    w = np.ones(len(df))
    first = int(np.argmin(np.where(data["event"] == 1, data["time"], np.inf)))
    w[first] = 0.0
    w[np.flatnonzero(data["time"] == data["time"][first])] = 0.0  # the tied first events too
    keep = w > 0
    sub = survival_data(data["time"][keep], data["event"][keep])
    full = fit_threshold_limit(_designs(df, ["trt"], "ph"), data, w, scale="ph")
    ref = fit_threshold_limit(_designs(df[keep], ["trt"], "ph"), sub, scale="ph")
    assert full.loglik == pytest.approx(ref.loglik, abs=1e-8)
    assert full.threshold[0] > data["time"][first] and np.all(np.isin(full.active, np.flatnonzero(keep)))


# ------------------------------------------------------------------ what is not fitted
def test_threshold_limit_unsupported_cases_return_none(vet, mixed):
    df, data = vet
    n = len(df)
    d = _designs(df, ["trt"], "aft")
    shape = [d[0], d[1], d[1], d[3]]
    assert fit_threshold_limit(shape, data, scale="aft") is None
    assert "shape covariates" in threshold_limit_support(shape, data, "aft")
    m = len(mixed["time"])
    one = Design(np.ones((m, 1)), ["Intercept"], 0)
    assert fit_threshold_limit([one] * 4, mixed, scale="ph") is None
    assert "interval-censored" in threshold_limit_support([one] * 4, mixed, "ph")
    entry = survival_data(data["time"], data["event"], entry=np.full(n, 0.5))
    assert "delayed entry" in threshold_limit_support(d, entry, "aft")
    # under a common threshold delayed entry is handled
    assert threshold_limit_support(_designs(df, ["trt"], "ph"), entry, "ph") is None


def test_bad_input(vet):
    df, data = vet
    d = _designs(df, ["trt"], "aft")
    with pytest.raises(ValueError, match="scale must be 'aft' or 'ph'"):
        fit_threshold_limit(d, data, scale="AFT")
    with pytest.raises(ValueError, match="the φ design must be intercept-only"):
        fit_cure_limit(d, data, scale="ph")
    with pytest.raises(ValueError, match="expected the 4 APGW designs"):
        fit_cure_limit(d[:3], data)
    with pytest.raises(ValueError, match="weights has 3 entries"):
        fit_cure_limit(d, data, np.ones(3))
    with pytest.raises(ValueError, match="no \\(positively weighted\\) events"):
        fit_threshold_limit(d, survival_data(data["time"], np.zeros(len(df))), scale="aft")
    n = len(df)
    fixed = Design(np.zeros((n, 0)), [], None, np.zeros(n))
    with pytest.raises(ValueError, match="the phi design has no intercept"):
        fit_cure_limit([d[0], fixed, d[2], d[3]], data)
