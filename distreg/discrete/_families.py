"""Likelihood specifications of the integer-output families (one parameter, one design).

Each family is a :class:`IntegerSpec`: natural parameters with links, a numba kernel from
:mod:`distreg._kernels.likelihood_counts` giving log-mass terms and derivatives in the natural
parameters, and the chain rule to the linear predictors. :class:`MixtureSpec` turns any of them
into a K-component mixture with softmax weights.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ..likelihood import LikelihoodSpec, Parameter

__all__ = ["FAMILIES", "IntegerSpec", "MixtureSpec", "family_info"]

# name -> (parameters with links, roles, non-negative support, log-mean parameter)
# role: "location" (uses X), "shape" (shape_covariates), "zero" (zero_covariates)
FAMILIES = {
    "poisson": ((("mu", "log"),), ("location",), True),
    "negbin": ((("mu", "log"), ("alpha", "log")), ("location", "shape"), True),
    "genpoisson": ((("mu", "log"), ("xi", "logit")), ("location", "shape"), True),
    "dnormal": ((("mu", "identity"), ("sigma", "log")), ("location", "shape"), False),
    "dlaplace": ((("mu", "identity"), ("b", "log")), ("location", "shape"), False),
    "dalap": ((("mu", "identity"), ("gamma", "logit")), ("location", "shape"), False),
    "danorm": ((("mu", "identity"), ("sigma", "log")), ("location", "shape"), False),
    "bitwise": (None, None, False),
    "zip": ((("mu", "log"), ("pi", "logit")), ("location", "zero"), True),
    "zinb": ((("mu", "log"), ("alpha", "log"), ("pi", "logit")), ("location", "shape", "zero"), True),
    "hurdle_poisson": ((("mu", "log"), ("pi", "logit")), ("location", "zero"), True),
    "hurdle_negbin": ((("mu", "log"), ("alpha", "log"), ("pi", "logit")), ("location", "shape", "zero"), True),
}


REAL_LOCATION = ("dnormal", "dlaplace", "dalap", "danorm")


def family_info(name, n_bits=None):
    """(parameters, roles, non-negative) of a family; Bitwise has one logit per bit."""
    params, roles, nonneg = FAMILIES[name]
    if name == "bitwise":
        params = tuple((f"bit{j}", "identity") for j in range(n_bits))
        roles = ("location",) * n_bits
    return params, roles, nonneg


def _log_factorial(data):
    """log y! of the response, computed once and kept in the data dict."""
    if "log_factorial" not in data:
        data["log_factorial"] = special.gammaln(data["y"] + 1.0)
    return data["log_factorial"]


def _link_derivatives(link, eta):
    """θ, dθ/dη, d²θ/dη² for the links used here."""
    if link == "identity":
        return eta, np.ones_like(eta), np.zeros_like(eta)
    if link == "log":
        t = np.exp(eta)
        return t, t, t
    if link == "logit":
        p = special.expit(eta)
        d1 = p * (1 - p)
        return p, d1, d1 * (1 - 2 * p)
    raise ValueError(f"unknown link {link!r}")  # pragma: no cover


class IntegerSpec(LikelihoodSpec):
    """Likelihood of one integer-output family (see :data:`FAMILIES`)."""

    def __init__(self, family, n_bits=None, location_link=None):
        self.family = family
        params, self.roles, self.nonneg = family_info(family, n_bits)
        if location_link is not None and family in REAL_LOCATION:
            params = ((params[0][0], location_link),) + tuple(params[1:])
        self.parameters = tuple(Parameter(n, link) for n, link in params)
        self.n_bits = n_bits
        # Dalap's log mass has kinks at μ = y (the |y - μ| term) and at integer μ
        self.kinked = family == "dalap"

    def _kernel(self, theta, data):
        from .._kernels import likelihood_counts as K

        y = data["y"]
        n = y.shape[0]
        P = theta.shape[1]
        ll = np.empty(n)
        g = np.empty((n, P))
        h = None
        cols = [np.ascontiguousarray(theta[:, j]) for j in range(P)]
        fam = self.family
        if fam == "poisson":
            h = np.empty((n, 1, 1))
            K.poisson_loglik(y, _log_factorial(data), cols[0], ll, g, h)
        elif fam == "negbin":
            h = np.empty((n, 2, 2))
            K.negbin_loglik(y, _log_factorial(data), cols[0], cols[1], ll, g, h)
        elif fam == "genpoisson":
            K.genpoisson_loglik(y, cols[0], cols[1], ll, g)
        elif fam == "dnormal":
            K.dnormal_loglik(y, cols[0], cols[1], ll, g)
        elif fam == "dlaplace":
            K.dlaplace_loglik(y, cols[0], cols[1], ll, g)
        elif fam == "dalap":
            K.dalap_loglik(y, cols[0], cols[1], data["lower"], data["upper"], ll, g)
            if not (np.isfinite(data["lower"]).any() or np.isfinite(data["upper"]).any()):
                h = np.empty((n, 2, 2))
                K.dalap_hessian(y, cols[0], cols[1], h)
        elif fam == "danorm":
            K.danorm_loglik(y, cols[0], cols[1], ll, g)
        elif fam == "bitwise":
            hd = np.empty((n, P))
            K.bitwise_loglik(y, np.ascontiguousarray(theta), data["low"], ll, g, hd)
            h = np.zeros((n, P, P))
            idx = np.arange(P)
            h[:, idx, idx] = hd
        elif fam == "zip":
            K.zip_loglik(y, cols[0], cols[1], ll, g)
        elif fam == "zinb":
            K.zinb_loglik(y, cols[0], cols[1], cols[2], ll, g)
        elif fam == "hurdle_poisson":
            K.hurdle_poisson_loglik(y, cols[0], cols[1], ll, g)
        elif fam == "hurdle_negbin":
            K.hurdle_negbin_loglik(y, cols[0], cols[1], cols[2], ll, g)
        else:  # pragma: no cover - guarded by the estimator
            raise ValueError(f"unknown family {fam!r}")
        return ll, g, h

    def _terms(self, eta, data, need_hessian=True):
        theta, d1, d2 = [np.empty_like(eta) for _ in range(3)]
        for j, p in enumerate(self.parameters):
            theta[:, j], d1[:, j], d2[:, j] = _link_derivatives(p.link, eta[:, j])
        ll, g, h = self._kernel(theta, data)
        score = g * d1
        hess = None
        if h is not None and need_hessian:
            hess = h * d1[:, :, None] * d1[:, None, :]
            idx = np.arange(eta.shape[1])
            hess[:, idx, idx] += g * d2
        return ll, score, hess

    def loglik(self, eta, data):
        ll, score, _ = self._terms(eta, data, need_hessian=False)
        return ll, score

    def hessian(self, eta, data):
        return self._terms(eta, data)[2]

    # ------------------------------------------------------------------ starting values
    def start_values(self, designs, data, weights):
        y = data["y"]
        w = weights / weights.sum()
        off = data.get("log_offset")
        mean = float(np.dot(w, y))
        var = float(np.dot(w, (y - mean) ** 2))
        fam = self.family
        if fam == "bitwise":
            v = (y - data["low"]).astype(np.int64)
            out = []
            for j in range(self.n_bits):
                pj = float(np.dot(w, (v >> j) & 1))
                out.append(float(special.logit(np.clip(pj, 1e-3, 1 - 1e-3))))
            return [out]
        start = []
        for p in self.parameters:
            if p.name == "mu" and p.link == "log":
                pos = y[y > 0]
                m = (float(pos.mean()) if pos.size else 1.0) if fam.startswith("hurdle") else mean
                base = np.log(max(m, 1e-3))
                if off is not None:
                    base -= float(np.dot(w, off))
                start.append(base)
            elif p.name == "mu":
                start.append(_least_squares(designs[0], y, weights))
            elif p.name == "alpha":
                start.append(float(np.log(np.clip((var - mean) / max(mean, 1e-3) ** 2, 0.05, 20.0))))
            elif p.name == "xi":
                start.append(float(special.logit(np.clip(1 - np.sqrt(max(mean, 1e-3) / max(var, 1e-3)), 0.05, 0.9))))
            elif p.name in ("sigma", "b", "gamma"):
                resid = y - designs[0].matrix @ _least_squares(designs[0], y, weights)
                sd = max(float(np.sqrt(np.dot(w, resid**2))), 0.5)
                mad = max(float(np.dot(w, np.abs(resid))), 0.5)
                if p.name == "sigma":
                    start.append(float(np.log(sd)))
                elif p.name == "b":
                    start.append(float(np.log(mad)))
                else:
                    start.append(float(special.logit(np.exp(-1.0 / mad))))
            elif p.name == "pi":
                frac0 = float(np.dot(w, y == 0))
                if fam == "zip" or fam == "zinb":
                    frac0 = frac0 - np.exp(-mean)
                start.append(float(special.logit(np.clip(frac0, 0.02, 0.98))))
            else:  # pragma: no cover
                start.append(0.0)
        starts = [start]
        if fam in ("zip", "zinb"):
            # zero-inflation likelihoods have several local optima; like pscl, also start from a
            # Poisson GLM for the counts and a logistic GLM of 1{y = 0} for the zero part
            names = [p.name for p in self.parameters]
            alt = list(start)
            alt[names.index("mu")] = _irls(designs[0].matrix, y, weights, "poisson", off)
            ipi = names.index("pi")
            alt[ipi] = _irls(designs[ipi].matrix, (y == 0).astype(float), weights, "logistic", None)
            starts.append(alt)
        return starts


def _irls(D, y, weights, family, offset, n_iter=30):
    """Coefficients of a Poisson (log link) or logistic GLM by iteratively reweighted least squares."""
    off = np.zeros(y.shape[0]) if offset is None else offset
    beta = np.zeros(D.shape[1])
    for _ in range(n_iter):
        eta = np.clip(D @ beta + off, -30, 30)
        if family == "poisson":
            mu = np.exp(eta)
            w, z = mu, eta - off + (y - mu) / mu
        else:
            p = special.expit(eta)
            w = np.maximum(p * (1 - p), 1e-10)
            z = eta - off + (y - p) / w
        ww = weights * w
        new = np.linalg.lstsq(D * np.sqrt(ww)[:, None], z * np.sqrt(ww), rcond=None)[0]
        if np.max(np.abs(new - beta)) < 1e-10:
            return new
        beta = new
    return beta


def _least_squares(design, y, weights):
    D = design.matrix
    if D.shape[1] == 0:
        return np.zeros(0)
    sw = np.sqrt(weights)
    return np.linalg.lstsq(D * sw[:, None], y * sw, rcond=None)[0]


class MixtureSpec(LikelihoodSpec):
    """K-component mixture of one family with softmax weights (component 1 is the reference).

    Parameters are the base parameters with suffixes ``_1 ... _K`` followed by weight logits
    ``w_2 ... w_K``; log p = logsumexp_k(log π_k + log p_k), and the score of component k's
    linear predictors is its responsibility times its own score.
    """

    def __init__(self, base: IntegerSpec, n_components: int):
        self.base = base
        self.K = n_components
        P = len(base.parameters)
        self.P = P
        params = []
        roles = []
        for k in range(1, n_components + 1):
            for p, r in zip(base.parameters, base.roles):
                params.append(Parameter(f"{p.name}_{k}", p.link))
                roles.append(r)
        for k in range(2, n_components + 1):
            params.append(Parameter(f"w_{k}", "identity"))
            roles.append("weight")
        self.parameters = tuple(params)
        self.roles = tuple(roles)
        self.nonneg = base.nonneg
        self.kinked = base.kinked

    def _weights(self, eta):
        logits = np.column_stack([np.zeros(eta.shape[0]), eta[:, self.K * self.P:]])
        return logits - special.logsumexp(logits, axis=1, keepdims=True)

    def loglik(self, eta, data):
        K, P = self.K, self.P
        logw = self._weights(eta)
        lls, scores = [], []
        for k in range(K):
            ll, sc = self.base.loglik(eta[:, k * P:(k + 1) * P], data)
            lls.append(ll)
            scores.append(sc)
        stacked = logw + np.column_stack(lls)
        total = special.logsumexp(stacked, axis=1)
        resp = np.exp(stacked - total[:, None])
        score = np.empty_like(eta)
        for k in range(K):
            score[:, k * P:(k + 1) * P] = resp[:, k:k + 1] * scores[k]
        score[:, K * P:] = resp[:, 1:] - np.exp(logw[:, 1:])
        return total, score

    def start_values(self, designs, data, weights):
        base_start = self.base.start_values(designs[: self.P], data, weights)[0]
        y = data["y"]
        K = self.K
        qs = np.quantile(y, (np.arange(K) + 0.5) / K)
        start = []
        for k in range(K):
            for j, (p, entry) in enumerate(zip(self.base.parameters, base_start)):
                if j == 0:
                    # spread the component locations over the quantiles of y
                    shift = (np.log(max(qs[k], 0.5)) - np.log(max(np.median(y), 0.5))
                             if p.link == "log" else qs[k] - np.median(y))
                    if np.ndim(entry) == 0:
                        entry = entry + shift
                    else:
                        entry = np.asarray(entry, float).copy()
                        icpt = designs[0].intercept
                        if icpt is not None:
                            entry[icpt] += shift
                start.append(entry)
        start += [0.0] * (K - 1)
        return [start]
