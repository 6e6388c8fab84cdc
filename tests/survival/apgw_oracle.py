"""An exhaustive maximum-likelihood search for the APGW regression, independent of distreg.

The right-censored log-likelihood is written here from the APGW formulas (Burke, Jones &
Noufaily 2020, Section 2) with numpy only. The shape pair (η_γ, η_κ) = (log γ, log(κ+1)) runs
over a dense grid, plus a ridge κ = s/γ that follows γ → ∞ with κγ = s fixed (where a grid in
η_κ cannot see the maximum at large γ). At each grid point the remaining coefficients are
maximised with scipy (BFGS, then Nelder–Mead) together with κ, from every η_κ of the grid
and from cold starts and the optima of the neighbouring γ: a profile over γ with κ searched
from a grid of starts. The inner problem is parameterised so that it stays well conditioned
for any shape:

* log u_i = c + x_i'b + γ log t_i (AFT; u = (φt)^γ, so c = γ log φ₀ and b = γβ) or
  log u_i = c + γ log t_i (PH);
* H_i = A_i G(u_i) with G(u) = ((1 + u/(κ+1))^κ - 1)(κ+1)/κ (log(1 + u) at κ = 0,
  e^u - 1 at κ = ∞) and log A_i = a (+ x_i'b in PH), started where H is of order one (A runs
  to 0 or ∞ along the ridges, which a start at the wrong scale never reaches).

Slow but simple, it is the reference that the estimator's global search must reach. Run as a
script, it recomputes the reference optima stored in ``tests/reference/apgw_global_optima.json``.
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
from scipy import optimize

ETA_GAMMA_BOUNDS = (-6.0, 6.0)  # the estimator's bounds on log γ and log(κ+1)
ETA_KAPPA_BOUNDS = (-8.0, 9.2)
REFERENCE = os.path.join(os.path.dirname(__file__), "..", "reference", "apgw_global_optima.json")


def cumulative_shape(logu, eta_k):
    """G(u) = ((1 + u/(κ+1))^κ - 1)(κ+1)/κ (log(1 + u) at κ = 0, e^u - 1 at κ = ∞) and log G'(u)."""
    kap = np.expm1(eta_k)
    L = np.logaddexp(0.0, logu - eta_k)  # log(1 + u/(κ+1))
    if np.isinf(eta_k):
        return np.expm1(np.exp(logu)), np.exp(logu)
    if abs(kap) < 1e-12:
        return L, -L
    return np.expm1(kap * L) / kap * np.exp(eta_k), (kap - 1.0) * L


def loglik(t, event, log_t, logu, log_a, eta_g, eta_k):
    """Σ δ log h - H for per-row log u = γ log(φt) and log A (H = A G(u), so A = λ)."""
    with np.errstate(all="ignore"):
        G, log_dG = cumulative_shape(logu, eta_k)
        # h = A G'(u) du/dt with du/dt = γ u / t
        logh = log_a + log_dG + eta_g + logu - log_t
        total = float(np.sum(event * logh - np.exp(log_a) * G))
    return total if np.isfinite(total) else -np.inf


class Problem:
    """Right-censored data with covariates X in log φ (``"aft"``) or log λ (``"ph"``)."""

    def __init__(self, t, event, X, scale):
        self.t = np.asarray(t, float)
        self.log_t = np.log(self.t)
        self.event = np.asarray(event, float)
        X = np.asarray(X, float).reshape(len(self.t), -1)
        self.X = X - X.mean(axis=0)  # centring only moves the intercepts
        self.scale = scale

    def value(self, v, eta_g, eta_k):
        a, c, b = v[0], v[1], v[2:]
        g = np.exp(eta_g)
        lin = self.X @ b
        if self.scale == "aft":
            logu, log_a = c + lin + g * self.log_t, a
        else:
            logu, log_a = c + g * self.log_t, a + lin
        return loglik(self.t, self.event, self.log_t, logu, log_a, eta_g, eta_k)

    def cold(self, eta_g, eta_k):
        """u = 1 at the median time or just below the first event time, A such that H = log 2 there."""
        g = np.exp(eta_g)
        p = self.X.shape[1]
        out = []
        for r in (np.median(self.t), np.min(self.t[self.event > 0]) * 0.99):
            c = -g * np.log(r)  # u = 1 at r
            with np.errstate(all="ignore"):
                G = cumulative_shape(np.array([0.0]), eta_k)[0][0]
            if np.isfinite(G) and G > 0:
                out.append(np.r_[np.log(np.log(2.0) / G), c, np.zeros(p)])
        return out

    def profile(self, eta_g, sigma0, starts):
        """max over (A, φ, β, κ) at fixed γ from κ = σ0/γ and each start: (ℓ, argmax, η_κ).

        κ enters as σ = κγ, which stays of order one on the γ → ∞ ridge where κ itself
        shrinks like 1/γ; κ is kept inside the estimator's bounds.
        """
        g = np.exp(eta_g)
        lo, hi = np.expm1(ETA_KAPPA_BOUNDS[0]) * g, np.expm1(ETA_KAPPA_BOUNDS[1]) * g

        def neg(v):
            if not lo <= v[-1] <= hi:
                return 1e300
            val = self.value(v[:-1], eta_g, float(np.log1p(v[-1] / g)))
            return -val if np.isfinite(val) else 1e300

        # BFGS from the two best starts, then Nelder–Mead from its optimum (BFGS can stop on
        # the flat stretches of a ridge)
        x0s = sorted((np.r_[st, sigma0] for st in starts), key=neg)[:2]
        best = (-np.inf, None, None)
        for x0 in x0s:
            if neg(x0) >= 1e300:
                continue
            r = optimize.minimize(neg, x0, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000})
            if -r.fun > best[0]:
                best = (-r.fun, r.x, None)
        if best[1] is None:
            return best
        r = optimize.minimize(neg, best[1], method="Nelder-Mead",
                              options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 3000})
        x = r.x if -r.fun > best[0] else best[1]
        return max(-r.fun, best[0]), x[:-1], float(np.log1p(x[-1] / g))


def search(t, event, X, scale, eta_gammas, eta_kappas, ridge):
    """Best log-likelihood found: (ℓ_max, η_γ, η_κ).

    For each γ of the grid, κ is maximised from every start of a grid in η_κ and of the ridge
    κ = s/γ, the other coefficients from cold starts and from the neighbouring optima.
    """
    prob = Problem(t, event, X, scale)
    best = (-np.inf, None, None)
    prev = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for eg in eta_gammas:
            g = np.exp(eg)
            sigmas = {float(np.expm1(k) * g) for k in eta_kappas if k < ETA_KAPPA_BOUNDS[1]}
            sigmas |= {float(s) for s in ridge if s > -0.999 * g}
            found = []
            for sigma in sorted(sigmas):
                ek = float(np.log1p(sigma / g))
                starts = prob.cold(eg, ek) + [v for v, _ in prev]
                ll, v, ek_hat = prob.profile(eg, sigma, starts)
                if v is None:
                    continue
                found.append((v, ll))
                if ll > best[0]:
                    best = (ll, float(eg), ek_hat)
            # the best few optima of this γ start the next one (continuation)
            prev = sorted(found, key=lambda f: -f[1])[:2]
    return best


DENSE = dict(eta_gammas=np.arange(-1.0, 6.001, 0.5),
             eta_kappas=np.r_[-8.0, -6.0, -4.0, -2.0, -1.0, -0.5, 0.0, 0.35, 0.7, 1.5, 3.0, 6.0],
             ridge=(-2.0, -1.0, -0.5, 0.25, 0.5, 1.0, 2.0, 4.0))
COARSE = dict(eta_gammas=np.arange(-1.0, 6.001, 1.0), eta_kappas=np.r_[-6.0, -1.0, 0.0, 0.7, 3.0],
              ridge=(0.5, 1.0))


def cases():
    """The data sets of the reference: name -> (time, event, X, scale)."""
    from distreg.datasets import load_lung, load_veteran

    out = {}
    vet, lung = load_veteran(), load_lung()
    for scale in ("aft", "ph"):
        out[f"veteran-{scale}"] = (vet["time"].to_numpy(float), vet["event"].to_numpy(float),
                                   vet[["trt"]].to_numpy(float), scale)
        out[f"lung-{scale}"] = (lung["time"].to_numpy(float), lung["event"].to_numpy(float),
                                lung[["age", "sex", "ph_ecog"]].to_numpy(float), scale)
    for name, (t, e, X) in simulated().items():
        out[name] = (t, e, X, "aft")
    return out


def simulated(n=300):
    """One simulated AFT data set per region of the shape space, by inversion of S(t) = exp(-H(t))."""
    regions = {
        "sim-cure": dict(gamma=1.5, kappa=-0.6),      # κ < 0: a cure fraction
        "sim-gompertz": dict(gamma=1.0, kappa=200.0),  # κ → ∞: Gompertz-like
        "sim-weibull": dict(gamma=1.3, kappa=1.0),     # interior, the Weibull point
        "sim-burr": dict(gamma=2.0, kappa=0.0),        # interior, the Burr point
    }
    out = {}
    for k, (name, par) in enumerate(regions.items()):
        rng = np.random.default_rng(100 + k)
        x = rng.integers(0, 2, n).astype(float)
        phi = np.exp(-2.0 + 0.5 * x)
        g, kap, lam = par["gamma"], par["kappa"], 0.5
        e = -np.log(rng.uniform(size=n))  # H(T) = E ~ Exp(1)
        # invert H(t) = λ(κ+1)/κ ((1 + u/(κ+1))^κ - 1), u = (φt)^γ
        if kap == 0:
            u = np.expm1(e / lam)
        else:
            inner = 1 + e * kap / (lam * (kap + 1))
            with np.errstate(invalid="ignore", divide="ignore"):
                u = (kap + 1) * np.expm1(np.log(inner) / kap)
            u = np.where(inner > 0, u, np.inf)  # cured: H never reaches e
        t = u ** (1 / g) / phi
        c = rng.exponential(40.0, n)
        out[name] = (np.minimum(t, c), (t <= c).astype(float), x[:, None])
    return out


if __name__ == "__main__":
    import sys

    # python apgw_oracle.py [case ...]: recompute the named cases (default all) into the file
    table = json.loads(open(REFERENCE).read()) if os.path.exists(REFERENCE) else {}
    all_cases = cases()
    for name in sys.argv[1:] or list(all_cases):
        ll, eg, ek = search(*all_cases[name], **DENSE)
        table[name] = {"loglik": ll, "eta_gamma": eg, "eta_kappa": ek}
        print(name, table[name], flush=True)
        with open(REFERENCE, "w") as fh:
            json.dump(table, fh, indent=1, sort_keys=True)
