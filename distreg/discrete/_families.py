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


def bounded_location_link(lower, upper):
    """The link of a bounded Dalap's location and the map from its natural value to μ.

    Below ``lower`` (and above ``upper``) every μ gives the same truncated geometric pmf, so μ
    is only identified inside [lower, upper]. The estimator parametrises it there: with both
    bounds finite u = logit⁻¹(η) ∈ (0, 1) and μ = lower + (upper - lower) u; with one finite
    bound t = exp(η) and μ = lower + t (or upper - t). Returns (link, scale, offset) with
    μ = offset + scale · θ.

    Examples
    --------
    >>> bounded_location_link(0.0, 20.0)
    ('logit', 20.0, 0.0)
    >>> bounded_location_link(-3.0, np.inf)
    ('log', 1.0, -3.0)
    """
    lo_fin, hi_fin = np.isfinite(lower), np.isfinite(upper)
    if lo_fin and hi_fin:
        return "logit", float(upper - lower), float(lower)
    if lo_fin:
        return "log", 1.0, float(lower)
    if hi_fin:
        return "log", -1.0, float(upper)
    return "identity", 1.0, 0.0


class IntegerSpec(LikelihoodSpec):
    """Likelihood of one integer-output family (see :data:`FAMILIES`).

    For "dalap" with finite ``bounds`` (lower, upper) the location is parametrised inside the
    bounds (see :func:`bounded_location_link`) and the natural parameter is not μ itself.
    """

    def __init__(self, family, n_bits=None, location_link=None, bounds=None):
        self.family = family
        params, self.roles, self.nonneg = family_info(family, n_bits)
        self.location_map = None
        if family == "dalap" and bounds is not None and (np.isfinite(bounds[0]) or np.isfinite(bounds[1])):
            link, scale, offset = bounded_location_link(*bounds)
            self.location_map = (scale, offset)
            params = ((params[0][0], link),) + tuple(params[1:])
        elif location_link is not None and family in REAL_LOCATION:
            params = ((params[0][0], location_link),) + tuple(params[1:])
        self.parameters = tuple(Parameter(n, link) for n, link in params)
        self.n_bits = n_bits
        # Dalap's log mass has kinks at μ = y (the |y - μ| term) and at integer μ
        self.kinked = family == "dalap"

    def location_eta(self, value):
        """The linear predictor of the location that puts it at ``value`` (for starting values)."""
        link = self.parameters[0].link
        if self.location_map is not None:
            scale, offset = self.location_map
            u = (value - offset) / scale
            if link == "logit":
                return float(special.logit(np.clip(u, 0.02, 0.98)))
            return float(np.log(max(u, 0.5)))
        if link == "log":
            return float(np.log(max(value, 0.5)))
        if link == "logit":
            return float(special.logit(np.clip(value, 0.02, 0.98)))
        return float(value)

    def _dalap_bounded_hessian(self, theta, data):
        """Per-row second derivatives of the bounded Dalap in (θ_μ, γ) from the analytic score.

        The log mass has kinks only where μ is an integer (|y - μ| and ⌊μ⌋ jump in slope
        there), so a row whose μ is within two steps of an integer is differenced on the side
        away from it: its one-sided second derivatives, as :func:`dalap_hessian` uses for the
        unbounded Dalap. Without this, differences straddling a kink make the information
        matrix indefinite at the optimum.
        """
        n = theta.shape[0]
        h = np.empty((n, 2, 2))
        scale, offset = self.location_map if self.location_map is not None else (1.0, 0.0)
        mu = offset + scale * theta[:, 0]
        step_mu = 1e-6 * np.maximum(1.0, np.abs(mu))
        to_up, to_down = np.ceil(mu) - mu, mu - np.floor(mu)
        near = np.minimum(np.where(to_up == 0, 1.0, to_up), np.where(to_down == 0, 1.0, to_down)) < 2 * step_mu
        on_kink = (to_up == 0) | near
        # direction +1 (forward) away from a kink just below, -1 (backward) from one just above
        direction = np.where(to_down == 0, 1.0, np.where(to_up < to_down, -1.0, 1.0))
        gam = theta[:, 1]
        step_g = np.minimum(1e-6, 0.1 * np.minimum(gam, 1.0 - gam))
        base = self._kernel(theta, data, need_hessian=False)[1]
        for j, step in ((0, step_mu / abs(scale)), (1, step_g)):
            plus, minus = theta.copy(), theta.copy()
            if j == 0:
                sided = np.where(on_kink, direction * step, step)
                plus[:, 0] += sided
                minus[:, 0] = np.where(on_kink, theta[:, 0], theta[:, 0] - step)
                gp = self._kernel(plus, data, need_hessian=False)[1]
                gm = self._kernel(minus, data, need_hessian=False)[1]
                width = np.where(on_kink, sided, 2 * step)
                gm = np.where(on_kink[:, None], base, gm)
            else:
                plus[:, 1] += step
                minus[:, 1] -= step
                gp = self._kernel(plus, data, need_hessian=False)[1]
                gm = self._kernel(minus, data, need_hessian=False)[1]
                width = 2 * step
            h[:, :, j] = (gp - gm) / width[:, None]
        # the two mixed derivatives differ by O(step); use their mean
        mixed = 0.5 * (h[:, 0, 1] + h[:, 1, 0])
        h[:, 0, 1] = mixed
        h[:, 1, 0] = mixed
        return h

    def _kernel(self, theta, data, need_hessian=True):
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
            mu = cols[0]
            if self.location_map is not None:
                scale, offset = self.location_map
                mu = offset + scale * cols[0]
            K.dalap_loglik(y, mu, cols[1], data["lower"], data["upper"], ll, g)
            if self.location_map is not None:
                g[:, 0] *= self.location_map[0]
            if not (np.isfinite(data["lower"]).any() or np.isfinite(data["upper"]).any()):
                h = np.empty((n, 2, 2))
                K.dalap_hessian(y, cols[0], cols[1], h)
            elif need_hessian:
                h = self._dalap_bounded_hessian(theta, data)
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
        ll, g, h = self._kernel(theta, data, need_hessian)
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
            elif p.name == "mu" and self.location_map is not None:
                # least squares on the link scale of the bounded location
                scale, offset = self.location_map
                if p.link == "logit":
                    u = np.clip((y - offset) / scale, 0.5 / abs(scale), 1 - 0.5 / abs(scale))
                    target = special.logit(np.clip(u, 0.02, 0.98))
                else:
                    target = np.log(np.maximum((y - offset) / scale, 0.5))
                start.append(_least_squares(designs[0], target, weights))
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
        """Several starts, as the mixture likelihood has local maxima (and label switching).

        1. the base family's start with the component locations spread over the quantiles of y;
        2. a split of the rows by the rank of y into K groups of equal weight, each component
           starting from the base family's start on its group (intercepts, or least squares
           for a real location), with the group shares as weights;
        3. the split of 2 with the groups' starts perturbed (fixed seed), twice.
        The engine keeps the best optimum; :attr:`n_random_starts` sets how many of 3 are used.
        """
        starts = [self._spread_start(designs, data, weights)]
        split = self._split_start(designs, data, weights)
        if split is not None:
            starts.append(split)
            rng = np.random.default_rng(0)
            for _ in range(self.n_random_starts):
                starts.append([np.asarray(e, float) + rng.normal(0.0, 0.5, np.shape(e)) for e in split])
        return starts

    n_random_starts = 2

    def _split_start(self, designs, data, weights):
        y = data["y"]
        K = self.K
        order = np.argsort(y, kind="stable")
        cum = np.cumsum(weights[order]) / weights.sum()
        group = np.empty(y.shape[0], int)
        group[order] = np.minimum((cum * K).astype(int), K - 1)
        start, shares = [], []
        for k in range(K):
            rows = group == k
            if not rows.any():
                return None
            w_k = np.where(rows, weights, 0.0)
            shares.append(w_k.sum())
            # the base start on group k only (rows outside get zero weight)
            part = self.base.start_values(designs[: self.P], data, np.where(rows, weights, 1e-12 * weights))[0]
            for entry, d in zip(part, designs[: self.P]):
                if np.ndim(entry) == 0 and d.n_coef and d.intercept is not None:
                    vec = np.zeros(d.n_coef)
                    vec[d.intercept] = float(entry)
                    entry = vec
                start.append(np.asarray(entry, float) if np.ndim(entry) else float(entry))
        shares = np.asarray(shares) / np.sum(shares)
        start += [float(np.log(shares[k] / shares[0])) for k in range(1, K)]
        return start

    def _spread_start(self, designs, data, weights):
        base_start = self.base.start_values(designs[: self.P], data, weights)[0]
        y = data["y"]
        K = self.K
        qs = np.quantile(y, (np.arange(K) + 0.5) / K)
        start = []
        for k in range(K):
            for j, (p, entry) in enumerate(zip(self.base.parameters, base_start)):
                if j == 0:
                    # spread the component locations over the quantiles of y
                    shift = self.base.location_eta(qs[k]) - self.base.location_eta(np.median(y))
                    if np.ndim(entry) == 0:
                        entry = entry + shift
                    else:
                        entry = np.asarray(entry, float).copy()
                        icpt = designs[0].intercept
                        if icpt is not None:
                            entry[icpt] += shift
                start.append(entry)
        start += [0.0] * (K - 1)
        return start
