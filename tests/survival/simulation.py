"""Simulation helpers shared by the coverage tests (data drawn from known APGW regressions)."""

import numpy as np

from distreg.distributions import APGW

# name -> (true λ, φ intercept and slope (AFT), γ, κ, censoring horizon)
CASES = {
    "bathtub": dict(lam=0.5, phi=(0.0, 0.5), gamma=0.5, kappa=5.0, horizon=4.0),
    "cure": dict(lam=1.0, phi=(-0.5, 0.5), gamma=1.5, kappa=-0.5, horizon=15.0),
    "cureB": dict(lam=0.5, phi=(0.0, 0.5), gamma=2.0, kappa=-0.3, horizon=6.0),
    "cureC": dict(lam=2.0, phi=(0.0, 0.5), gamma=1.0, kappa=-0.7, horizon=15.0),
    "bathtubB": dict(lam=0.3, phi=(0.0, 0.5), gamma=0.6, kappa=4.0, horizon=6.0),
    "bathtubC": dict(lam=0.5, phi=(0.0, 0.5), gamma=0.6, kappa=3.0, horizon=10.0),
    "bathtubD": dict(lam=1.0, phi=(0.0, 0.5), gamma=0.5, kappa=4.0, horizon=10.0),
    "unimodal": dict(lam=1.0, phi=(0.3, -0.4), gamma=2.5, kappa=0.3, horizon=6.0),
}


def true_coef(case):
    c = CASES[case]
    return np.array([np.log(c["lam"]), c["phi"][0], c["phi"][1], np.log(c["gamma"]), np.log1p(c["kappa"])])


def simulate(case, n, rng):
    """Covariate x ~ N(0, 1) in log φ; uniform censoring on (0, horizon) plus the horizon itself."""
    c = CASES[case]
    x = rng.normal(size=n)
    d = APGW(lam=c["lam"], phi=np.exp(c["phi"][0] + c["phi"][1] * x), gamma=c["gamma"], kappa=c["kappa"])
    t = d.rvs(random_state=rng)
    cens = rng.uniform(0, 2 * c["horizon"], size=n)
    cens = np.minimum(cens, c["horizon"])
    time = np.minimum(t, cens)
    event = (t <= cens).astype(float)
    return x[:, None], np.column_stack([time, event])
