"""Exact maximum-likelihood fits of two limits of the APGW family.

A :class:`~distreg.survival.FlexibleSurvivalRegressor` fit with ``distribution="apgw"`` whose
shape runs to a bound approaches a model outside the family. Its log-likelihood at the bound
is only a lower bound of the supremum; this module fits the limiting models themselves.

**κ → -1: the promotion-time cure model with a log-logistic F.** Write ε = κ + 1 in the
cumulative hazard of Burke, Jones & Noufaily (2020, eq. 2),
H(t) = λ(κ+1)/κ [(1 + (φt)^γ/(κ+1))^κ - 1]. With A = λε and ψ^γ = φ^γ/ε held fixed as ε → 0,

    H(t) → A F(t),   F(t) = u/(1 + u),   u = (ψt)^γ,   h(t) → A γ ψ^γ t^(γ-1)/(1 + u)²,

the bounded-cumulative-hazard (promotion-time) cure model of Yakovlev & Tsodikov (1996) and
Chen, Ibrahim & Sinha (1999) with a log-logistic latency distribution and cure fraction
S(∞) = exp(-A). Under ``scale="aft"`` the covariates of log φ move to log ψ, under ``"ph"`` those
of log λ to log A; log γ keeps its design.

**γ → ∞ with κ → 0 and κγ = s fixed: the threshold Weibull.** For t > t0 = 1/φ,
(1 + (φt)^γ/(κ+1))^κ → (φt)^s, and for t < t0 the bracket tends to 0, so with A = λ/κ

    H(t) → A((φt)^s - 1)₊,   h(t) → A s φ^s t^(s-1) for t > t0 (0 before),

a Weibull hazard that switches on at t0. An event before its own threshold has density 0, so
the supremum over the threshold is a constrained problem: every event needs φ_i t_i ≥ 1.
With a common φ (``scale="ph"``, or no covariates) the log-likelihood increases with t0 for
fixed A φ^s and s (the events' hazards stay, every cumulative hazard shrinks), so the supremum
puts t0 at the smallest event time and the rest is a smooth Weibull fit (:func:`fit_threshold_limit`).
Under ``scale="aft"`` with covariates, t0_i = exp(-x_i'β) varies by row and the supremum is a
maximisation under one linear constraint per event, solved with SLSQP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from .._validation import check_sample_weight
from ..likelihood import Design, LikelihoodSpec, Parameter, maximize_likelihood
from ..likelihood.engine import take_rows
from ..likelihood.survival_terms import EXACT, INTERVAL, RIGHT, censored_loglik, survival_data

__all__ = ["LimitFit", "CureLimitSpec", "ThresholdLimitSpec", "fit_cure_limit", "fit_threshold_limit",
           "threshold_limit_support"]

# bounds of log γ in the cure limit and of log s in the threshold limit: the same range the
# APGW fit allows γ, so that a limit fit cannot run off to a degenerate shape either
_LOG_SHAPE_BOUNDS = (-6.0, 6.0)
# an event this far (in log time) below its threshold counts as an optimiser rounding error
# that is projected away, anything further as a failed fit
_FEASIBILITY_TOL = 1e-7
# KKT residual (per unit weight) below which a threshold fit counts as a verified maximum
_KKT_TOL = 1e-6


@dataclass
class LimitFit:
    """What :func:`fit_cure_limit` and :func:`fit_threshold_limit` return.

    Attributes
    ----------
    loglik : float
        The maximised (weighted) log-likelihood of the limiting model.
    coef : dict of ndarray
        Coefficients on the log scale per parameter: ``"A"``, ``"psi"``, ``"gamma"`` for the cure
        limit; ``"A"``, ``"phi"`` (t0 = 1/φ), ``"s"`` for the threshold limit. The columns are
        those of the APGW designs that they came from (λ's design for A, φ's for ψ or φ).
    converged : bool
        True for a verified interior maximum (cure), or a maximum whose constraints satisfy the
        Karush–Kuhn–Tucker conditions (threshold).
    message : str
    threshold : ndarray or None
        Threshold limit only: t0 per row (all equal under a common φ).
    active : ndarray or None
        Threshold limit only: indices of the event rows whose own threshold is at their event
        time (the constraints that bind).
    """

    loglik: float
    coef: dict
    converged: bool
    message: str
    threshold: np.ndarray | None = None
    active: np.ndarray | None = field(default=None)


class CureLimitSpec(LikelihoodSpec):
    """The κ → -1 limit of the APGW: H = A u/(1+u), u = (ψt)^γ (module docstring).

    Right/interval censoring and delayed entry are assembled from log h, H and their
    derivatives in (η_A, η_ψ, η_γ) by :func:`~distreg.likelihood.survival_terms.censored_loglik`.

    Examples
    --------
    >>> from distreg.likelihood.survival_terms import survival_data
    >>> d = survival_data([1.0, 2.0], [1, 0])
    >>> ll, _ = CureLimitSpec().loglik(np.zeros((2, 3)), d)   # A = ψ = γ = 1
    >>> ll.round(6).tolist()                                     # log(1/4) - 1/2, -2/3
    [-1.886294, -0.666667]
    """

    parameters = (Parameter("A", "log"), Parameter("psi", "log"), Parameter("gamma", "log"))

    @staticmethod
    def terms(t, eta):
        """(log h, ∂log h/∂η, H, ∂H/∂η) at times ``t`` for linear predictors ``eta`` (m, 3)."""
        log_t = np.log(t)
        A = np.exp(eta[:, 0])
        gamma = np.exp(eta[:, 2])
        L = gamma * (eta[:, 1] + log_t)  # log u
        F = 0.5 * (1.0 + np.tanh(0.5 * L))  # expit without overflow warnings
        soft = np.logaddexp(0.0, L)  # log(1 + u)
        logh = eta[:, 0] + eta[:, 2] + L - log_t - 2.0 * soft
        m = t.shape[0]
        dlogh = np.empty((m, 3))
        dlogh[:, 0] = 1.0
        dlogh[:, 1] = gamma * (1.0 - 2.0 * F)
        dlogh[:, 2] = 1.0 + L * (1.0 - 2.0 * F)
        H = A * F
        dF = A * F * (1.0 - F)
        dH = np.column_stack([H, dF * gamma, dF * L])
        return logh, dlogh, H, dH

    def loglik(self, eta, data):
        return censored_loglik(self.terms, eta, data)


class ThresholdLimitSpec(LikelihoodSpec):
    """The threshold limit of the APGW: H = A((φt)^s - 1)₊, t0 = 1/φ (module docstring).

    Parameters are A, φ and s (log links). An event below its threshold has hazard 0, so its
    log-likelihood is -inf; rows censored below it contribute 0.

    Examples
    --------
    >>> from distreg.likelihood.survival_terms import survival_data
    >>> d = survival_data([1.0, 2.0, 4.0], [0, 1, 0])
    >>> eta = np.tile([0.0, np.log(2/3), np.log(2.0)], (3, 1))   # A = 1, t0 = 1.5, s = 2
    >>> ll, _ = ThresholdLimitSpec().loglik(eta, d)
    >>> ll.round(6).tolist()   # 0; log(2·(4/9)·2) - 7/9; -(64/9 - 1)
    [0.0, -0.202414, -6.111111]
    """

    parameters = (Parameter("A", "log"), Parameter("phi", "log"), Parameter("s", "log"))

    @staticmethod
    def terms(t, eta):
        """(log h, ∂log h/∂η, H, ∂H/∂η) at times ``t`` for linear predictors ``eta`` (m, 3)."""
        log_t = np.log(t)
        A = np.exp(eta[:, 0])
        s = np.exp(eta[:, 2])
        r = eta[:, 1] + log_t  # log(t/t0)
        above = r >= 0
        logh = np.where(above, eta[:, 0] + eta[:, 2] + s * r - log_t, -np.inf)
        m = t.shape[0]
        dlogh = np.empty((m, 3))
        dlogh[:, 0] = 1.0
        dlogh[:, 1] = s
        dlogh[:, 2] = 1.0 + s * r
        rp = np.where(above, r, 0.0)
        grow = np.exp(s * rp)
        H = A * np.expm1(s * rp)
        dH = np.column_stack([H, A * s * grow * above, A * grow * s * rp])
        return logh, dlogh, H, dH

    def loglik(self, eta, data):
        return censored_loglik(self.terms, eta, data)


# ---------------------------------------------------------------------------- helpers
def _check_inputs(designs, data, weights, scale):
    if scale not in ("aft", "ph"):
        raise ValueError(f"scale must be 'aft' or 'ph'; got {scale!r}.")
    if len(designs) != 4:
        raise ValueError(f"expected the 4 APGW designs (λ, φ, γ, κ); got {len(designs)}.")
    n = designs[0].matrix.shape[0]
    for key in ("time", "code", "upper", "entry"):
        if key not in data:
            raise ValueError(f"data must be the survival data dict of the fit; it has no {key!r}.")
        if len(data[key]) != n:
            raise ValueError(f"data[{key!r}] has {len(data[key])} rows but the designs have {n}.")
    w = check_sample_weight(weights, n, "weights")
    lam, phi = designs[0], designs[1]
    for name, d in (("lambda", lam), ("phi", phi)):
        if d.n_coef == 0 or d.intercept is None:
            raise ValueError(
                f"the {name} design has no intercept (the parameter is fixed): the limit needs a "
                "free λ and φ, as distribution='apgw' has."
            )
    main, other = (phi, lam) if scale == "aft" else (lam, phi)
    if other.n_coef != 1:
        raise ValueError(
            f"scale={scale!r} puts the covariates on log {'φ' if scale == 'aft' else 'λ'}; the "
            f"{'λ' if scale == 'aft' else 'φ'} design must be intercept-only, but it has "
            f"{other.n_coef} columns."
        )
    if np.dot(w, data["code"] != RIGHT) <= 0:
        raise ValueError("the data have no (positively weighted) events; a limit fit needs events.")
    return n, w, main


def _gamma_design(design, n):
    if design.n_coef == 0:
        raise ValueError("the gamma design has no columns: the limit needs a free shape γ.")
    return design


# ---------------------------------------------------------------------------- cure limit
def fit_cure_limit(designs, data, weights=None, scale="aft", start=None) -> LimitFit:
    """Fit the κ → -1 limit of the APGW (promotion-time cure, log-logistic F) exactly.

    Maximum likelihood for H(t) = A (ψt)^γ/(1 + (ψt)^γ) (module docstring; the limit ε = κ+1 → 0
    of Burke, Jones & Noufaily 2020, eq. 2, with A = λε and ψ^γ = φ^γ/ε), with the censoring and
    delayed entry of ``data``.

    Parameters
    ----------
    designs : list of Design
        The 4 APGW designs (λ, φ, γ, κ) as the estimator built them: λ's design becomes that of
        log A, φ's that of log ψ, γ's is kept and κ's is ignored.
    data : dict
        The survival data dict of the fit (:func:`~distreg.likelihood.survival_terms.survival_data`).
    weights : ndarray, optional
        Frequency weights (default all 1).
    scale : {"aft", "ph"}
        The scale of the APGW fit: which of λ and φ carries the covariates.
    start : dict, optional
        APGW coefficients at the bound, ``{"lambda", "phi", "gamma", "kappa"}`` → arrays on the
        link scale (an estimator's ``coef_``); mapped to A, ψ, γ and used as an extra start.

    Returns
    -------
    LimitFit
        ``coef`` has ``"A"``, ``"psi"``, ``"gamma"``; ``converged`` is the engine's verdict (an
        interior maximum; the cure model can itself run to a limit, e.g. A → ∞).

    Examples
    --------
    >>> from distreg.datasets import load_lung
    >>> from distreg.likelihood import Design
    >>> from distreg.likelihood.survival_terms import survival_data
    >>> lung = load_lung()
    >>> data = survival_data(lung["time"], lung["event"])
    >>> n = len(lung)
    >>> one = Design(np.ones((n, 1)), ["Intercept"], 0)
    >>> X = np.column_stack([np.ones(n), lung[["age", "sex", "ph_ecog"]]])
    >>> phi = Design(X, ["Intercept", "age", "sex", "ph_ecog"], 0)
    >>> fit = fit_cure_limit([one, phi, one, one], data, scale="aft")
    >>> round(fit.loglik, 6), fit.converged     # the APGW fit at its κ bound: -1132.004025
    (-1132.004019, True)
    >>> bool(np.exp(-np.exp(fit.coef["A"][0])) < 1e-5)   # cure fraction exp(-A): none here
    True
    """
    n, w, _ = _check_inputs(designs, data, weights, scale)
    dA, dpsi, dgam = designs[0], designs[1], _gamma_design(designs[2], n)
    cd = [dA, dpsi, dgam]
    t = data["time"]
    event_t = t[(data["code"] == EXACT) & (w > 0)]
    if event_t.size == 0:
        event_t = np.where(data["code"] == INTERVAL, data["upper"], t)[data["code"] != RIGHT]
    # the log-logistic median of the event times sets ψ; A between a small and a large total
    # hazard (cure fraction about 0.6 and 0.05) brackets heavy and light cure
    psi0 = -float(np.log(np.median(event_t)))
    starts = [[a, psi0, g] for a in (0.7, 1.5, 3.0) for g in (0.0, 0.7)]
    if start is not None:
        starts.insert(0, _cure_start(start, cd))
    fit = maximize_likelihood(CureLimitSpec(), cd, data, w, starts=starts,
                              bounds={"gamma": _LOG_SHAPE_BOUNDS}, warn=False,
                              model_name="APGW cure limit (κ → -1)")
    if not np.isfinite(fit.loglik):
        raise FloatingPointError("the cure-limit fit ended at a non-finite log-likelihood.")
    coef = {p.name: fit.coef[sl] for p, sl in zip(CureLimitSpec.parameters, fit.slices)}
    return LimitFit(float(fit.loglik), coef, bool(fit.converged), fit.message)


def _cure_start(start, cd):
    """APGW coefficients at κ → -1 mapped to (A, ψ, γ): η_A = η_λ + η_κ, η_ψ = η_φ - η_κ/γ."""
    try:
        lam, phi, gam, kap = (np.atleast_1d(np.asarray(start[k], float))
                              for k in ("lambda", "phi", "gamma", "kappa"))
    except KeyError as exc:
        raise ValueError(f"start must map 'lambda', 'phi', 'gamma' and 'kappa' to coefficients; "
                         f"{exc} is missing.") from None
    for name, vec, d in (("lambda", lam, cd[0]), ("phi", phi, cd[1]), ("gamma", gam, cd[2])):
        if vec.shape != (d.n_coef,):
            raise ValueError(f"start[{name!r}] has {vec.size} coefficients; its design has {d.n_coef}.")
    if kap.size != 1:
        raise ValueError(f"start['kappa'] must be one coefficient (κ has no covariates); got {kap.size}.")
    a, psi = lam.copy(), phi.copy()
    a[cd[0].intercept] += kap[0]
    # with shape covariates γ varies by row; its intercept gives the typical shift
    psi[cd[1].intercept] -= kap[0] / np.exp(gam[cd[2].intercept])
    return [a, psi, gam]


# ---------------------------------------------------------------------------- threshold limit
def threshold_limit_support(designs, data, scale) -> str | None:
    """Why :func:`fit_threshold_limit` cannot fit these data (None when it can).

    * shape covariates: with log γ = z'α, s_i = κγ_i varies by row and the limit of the APGW
      along γ → ∞ is not a fixed-κ path any more (κ would have to shrink at a different rate for
      each row), so the limiting model is not the one fitted here;
    * interval-censored rows: a row censored in (l, r] with the threshold inside the interval
      loses probability as the threshold rises, so the supremum over t0 is no longer at the
      smallest event time (and no longer a problem with linear constraints);
    * delayed entry under ``scale="aft"`` with covariates: the entry term A((φ_i a_i)^s - 1)₊
      enters with a plus sign, a convex kink that the constrained maximisation cannot handle.

    Examples
    --------
    >>> from distreg.likelihood import Design
    >>> from distreg.likelihood.survival_terms import survival_data
    >>> one = Design(np.ones((2, 1)), ["Intercept"], 0)
    >>> shape = Design(np.array([[1.0, 0.0], [1.0, 1.0]]), ["Intercept", "x"], 0)
    >>> threshold_limit_support([one, one, shape, one], survival_data([1.0, 2.0], [1, 1]), "aft")[:40]
    'shape covariates: s = κγ varies by row, '
    """
    if designs[2].n_coef != 1:
        return ("shape covariates: s = κγ varies by row, so γ → ∞ with κ → 0 is no common limit "
                "and the threshold model is not fitted")
    if (data["code"] == INTERVAL).any():
        return ("interval-censored rows: the supremum over the threshold is not at the smallest event "
                "time when a censoring interval straddles it, so the threshold limit is not fitted")
    if scale == "aft" and designs[1].n_coef > 1 and (data["entry"] > 0).any():
        return ("delayed entry under scale='aft' with covariates: the entry terms make the "
                "threshold maximisation non-concave, so the threshold limit is not fitted")
    return None


def fit_threshold_limit(designs, data, weights=None, scale="aft") -> LimitFit | None:
    """Fit the γ → ∞, κγ = s limit of the APGW (the threshold Weibull) exactly.

    The model is H_i(t) = A_i((φ_i t)^s - 1)₊ (module docstring). With a common φ (``"ph"``,
    or ``"aft"`` without covariates) the threshold t0 = 1/φ is the smallest event time and
    (A, s) come from a smooth fit; under ``"aft"`` with covariates log φ_i = x_i'β is maximised
    subject to x_i'β ≥ -log t_i for every event by SLSQP from several starts, and the result is
    checked against the KKT conditions (with the superdifferential of a censored row's (·)₊ at
    its kink).

    Parameters
    ----------
    designs : list of Design
        The 4 APGW designs (λ, φ, γ, κ) as the estimator built them: λ's design becomes that of
        log A, φ's that of log φ (log t0 = -log φ); γ's and κ's are replaced by the scalar s.
    data : dict
        The survival data dict of the fit.
    weights : ndarray, optional
        Frequency weights (default all 1); zero-weight events do not bound the threshold.
    scale : {"aft", "ph"}

    Returns
    -------
    LimitFit or None
        ``coef`` has ``"A"``, ``"phi"`` and ``"s"``; ``threshold`` is t0 per row and ``active``
        the events at their threshold. None where the limit is not fitted (shape covariates,
        interval censoring, or delayed entry under AFT with covariates; see
        :func:`threshold_limit_support`).

    Examples
    --------
    >>> from distreg.datasets import load_veteran
    >>> from distreg.likelihood import Design
    >>> from distreg.likelihood.survival_terms import survival_data
    >>> vet = load_veteran()
    >>> data = survival_data(vet["time"], vet["event"])
    >>> n = len(vet)
    >>> one = Design(np.ones((n, 1)), ["Intercept"], 0)
    >>> trt = Design(np.column_stack([np.ones(n), vet["trt"]]), ["Intercept", "trt"], 0)
    >>> fit = fit_threshold_limit([trt, one, one, one], data, scale="ph")
    >>> round(fit.loglik, 4), float(fit.threshold[0]), round(float(np.exp(fit.coef["s"][0])), 4)
    (-745.4464, 1.0, 0.8036)
    """
    n, w, main = _check_inputs(designs, data, weights, scale)
    if threshold_limit_support(designs, data, scale) is not None:
        return None
    if scale == "aft" and designs[1].n_coef > 1:
        return _threshold_aft(designs[1], data, w)
    return _threshold_common(designs[0], data, w)


def _threshold_common(design_A, data, w):
    """Common threshold at the smallest event time; (A, s) by the engine."""
    n = w.shape[0]
    events = (data["code"] == EXACT) & (w > 0)
    t0 = float(data["time"][events].min())
    # a zero-weight event below the threshold has log-likelihood -inf and weight 0: it is
    # left out rather than turned into 0·(-inf)
    keep = w > 0
    full_n = n
    if not keep.all():
        (design_A,), data, w = take_rows([design_A], data, w, keep)
        events, n = events[keep], int(keep.sum())
    phi = Design.fixed(n, -np.log(t0))
    s_design = Design(np.ones((n, 1)), ["Intercept"], 0)
    D = float(np.dot(w, events))
    excess = np.maximum(np.log(data["time"]) - np.log(t0), 0.0)
    starts = []
    for s in (0.5, 1.0, 2.0):
        # A from the score equation of log A at this s (with no covariate effects)
        total = float(np.dot(w, np.expm1(s * excess)))
        starts.append([float(np.log(D / total)) if total > 0 else 0.0, 0.0, float(np.log(s))])
    fit = maximize_likelihood(ThresholdLimitSpec(), [design_A, phi, s_design], data, w, starts=starts,
                              bounds={"s": _LOG_SHAPE_BOUNDS}, warn=False,
                              model_name="APGW threshold limit (γ → ∞)")
    if not np.isfinite(fit.loglik):
        raise FloatingPointError("the threshold-limit fit ended at a non-finite log-likelihood.")
    coef = {"A": fit.coef[fit.slices[0]], "phi": np.array([-np.log(t0)]), "s": fit.coef[fit.slices[2]]}
    active = np.flatnonzero(keep)[np.flatnonzero(events & (data["time"] == t0))]
    message = (f"threshold at the smallest event time t0 = {t0:.6g}; " + fit.message)
    return LimitFit(float(fit.loglik), coef, bool(fit.converged), message, np.full(full_n, t0), active)


class _AFTThreshold:
    """-ℓ(a, σ, b)/W of the AFT threshold limit and its gradient, with a = log A, σ = log s.

    ℓ = Σ_events w_i [a + σ + s g_i - log t_i] - A Σ_i w_i ((φ_i t_i)^s - 1)₊ with
    g_i = log(φ_i t_i) = z_i'b + log t_i. The (·)₊ of a censored row has a kink at its
    threshold; SLSQP works on the exact function (an optimum lands on a kink only by
    coincidence, and :func:`_aft_kkt` checks the result with the kink's superdifferential).
    """

    def __init__(self, Z, log_t, event, w):
        self.Z, self.log_t, self.w = Z, log_t, w
        self.E = event
        self.C = ~event
        self.ZE, self.ZC = Z[self.E], Z[self.C]
        self.ltE, self.ltC = log_t[self.E], log_t[self.C]
        self.wE, self.wC = w[self.E], w[self.C]
        self.W = w.sum()
        self.D = self.wE.sum()
        self.p = Z.shape[1]

    def objective(self, x):
        a, sig, b = x[0], x[1], x[2:]
        g = self.Z @ b + self.log_t
        # events count on their smooth branch even a rounding error below the threshold
        up = (g > 0) | self.E
        gp = np.where(up, g, 0.0)
        # a trial step of the optimiser can overflow; the non-finite value is refused below
        with np.errstate(over="ignore", invalid="ignore"):
            s, A = np.exp(sig), np.exp(a)
            grow = np.exp(s * gp)
            S = np.dot(self.w, np.expm1(s * gp))
            ll = self.D * (a + sig) + np.dot(self.wE, s * g[self.E] - self.ltE) - A * S
            grad = np.empty_like(x)
            grad[0] = self.D - A * S
            grad[1] = self.D + s * np.dot(self.wE, g[self.E]) - A * s * np.dot(self.w, grow * gp)
            grad[2:] = s * (self.ZE.T @ self.wE) - A * s * (self.Z.T @ (self.w * grow * up))
        if not np.isfinite(ll) or not np.all(np.isfinite(grad)):
            return np.inf, np.zeros_like(x)
        return -ll / self.W, -grad / self.W

    def profile_a(self, sig, b):
        """The maximising log A for given (σ, b): A = D / Σ_i w_i ((φ_i t_i)^s - 1)₊."""
        s = np.exp(sig)
        total = np.dot(self.w, np.maximum(np.expm1(s * (self.Z @ b + self.log_t)), 0.0))
        return float(np.log(self.D / total)) if total > 0 else 0.0


def _threshold_aft(design_phi, data, w):
    keep = w > 0
    n = w.shape[0]
    M = np.asarray(design_phi.matrix, dtype=float)
    off = np.zeros(n) if design_phi.offset is None else np.asarray(design_phi.offset, float)
    # unit-spread columns, as the engine scales them, keep SLSQP's quasi-Newton step well
    # conditioned (age in years next to a 0/1 indicator)
    sd = M[keep].std(axis=0)
    scale = np.where(sd > 0, sd, 1.0)
    scale[design_phi.intercept] = 1.0
    Z = M / scale
    # an offset shifts log φ, i.e. log t, for its row
    log_t = np.log(data["time"]) + off
    event = data["code"] == EXACT
    prob = _AFTThreshold(Z[keep], log_t[keep], event[keep], w[keep])
    k = design_phi.intercept
    lin = optimize.LinearConstraint(np.hstack([np.zeros((prob.ZE.shape[0], 2)), prob.ZE]), -prob.ltE, np.inf)
    bounds = [(None, None), _LOG_SHAPE_BOUNDS] + [(None, None)] * prob.p

    def feasible(b):
        # the smallest intercept shift that puts every event at or above its threshold
        b = b.copy()
        b[k] += max(float(np.max(-prob.ltE - prob.ZE @ b)), 0.0)
        return b

    def solve(x0):
        return optimize.minimize(prob.objective, x0, jac=True, method="SLSQP", bounds=bounds,
                                 constraints=[lin], options={"maxiter": 1000, "ftol": 1e-15})

    starts = []
    # (1) no covariate effect: the common-threshold fit, threshold at the smallest event time
    b0 = np.zeros(prob.p)
    b0[k] = -float(prob.ltE.min())
    starts += [(b0, float(np.log(s))) for s in (0.5, 1.0, 3.0)]
    # (2) the slopes of a Weibull AFT fit, shifted to be feasible
    slopes = _weibull_aft_slopes(Z[keep], log_t[keep], event[keep], w[keep], k)
    if slopes is not None:
        starts.append(slopes)
    best = None
    for b, sig in starts:
        b = feasible(b)
        res = solve(np.concatenate([[prob.profile_a(sig, b), sig], b]))
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise FloatingPointError("the AFT threshold-limit fit found no point with a finite log-likelihood.")
    # a restart from the best point rebuilds SLSQP's quasi-Newton matrix there and polishes it
    again = solve(best.x)
    if np.isfinite(again.fun) and again.fun <= best.fun:
        best = again
    a, sig, b = best.x[0], best.x[1], best.x[2:]
    viol = float(np.max(-prob.ltE - prob.ZE @ b))
    if viol > _FEASIBILITY_TOL:
        raise FloatingPointError(
            f"the AFT threshold-limit fit ended with an event {viol:.2g} (log time) below its threshold; "
            "the constrained maximisation failed.")
    b = feasible(b)
    coef_phi = b / scale
    eta = np.column_stack([np.full(n, a), M @ coef_phi + off, np.full(n, sig)])
    ll_rows, _ = ThresholdLimitSpec().loglik(eta, data)
    loglik = float(np.dot(w[keep], ll_rows[keep]))
    if not np.isfinite(loglik):
        raise FloatingPointError("the AFT threshold-limit fit ended at a non-finite log-likelihood.")
    kkt, active = _aft_kkt(prob, a, sig, b)
    converged = kkt <= _KKT_TOL
    rows = np.flatnonzero(keep)[np.flatnonzero(event[keep])[active]]
    message = (f"{active.size} event constraints active, KKT residual {kkt:.2g}"
               + ("" if converged else " (not verified as a maximum)"))
    coef = {"A": np.array([a]), "phi": coef_phi, "s": np.array([sig])}
    return LimitFit(loglik, coef, converged, message, np.exp(-eta[:, 1]), rows)


def _weibull_aft_slopes(Z, log_t, event, w, k):
    """Coefficients of log φ and log γ of a Weibull AFT fit (a start), or None if it fails."""
    from .flexible import APGWSpec

    n = Z.shape[0]
    data = survival_data(np.exp(log_t), event.astype(float))
    designs = [Design.fixed(n, 0.0), Design(Z, [str(j) for j in range(Z.shape[1])], k),
               Design(np.ones((n, 1)), ["Intercept"], 0), Design.fixed(n, np.log(2.0))]
    start = np.zeros(Z.shape[1])
    start[k] = -float(np.median(log_t[event]))
    try:
        fit = maximize_likelihood(APGWSpec(float(np.log(2.0))), designs, data, w,
                                  starts=[[0.0, start, 0.0, 0.0]], warn=False)
    except ValueError:
        return None
    if not np.isfinite(fit.loglik):
        return None
    return fit.coef[fit.slices[1]], float(np.clip(fit.coef[fit.slices[2]][0], *_LOG_SHAPE_BOUNDS))


def _aft_kkt(prob, a, sig, b):
    """Largest KKT residual (per unit weight) at (a, σ, b) and the active event constraints.

    The smooth part's score in (a, σ) must vanish; in b it must be balanced by multipliers
    μ_i ≥ 0 of the active event constraints x_i'b ≥ -log t_i and by elements ξ_c ∈ [-w_c A s, 0]
    of the superdifferential of -w_c A((φ_c t_c)^s - 1)₊ for censored rows at their kink.
    """
    s, A = np.exp(sig), np.exp(a)
    tol = 1e-7
    gE = prob.ZE @ b + prob.ltE
    gC = prob.ZC @ b + prob.ltC
    above = gC > tol
    growE, growC = np.exp(s * gE), np.exp(s * np.where(above, gC, 0.0))
    S = np.dot(prob.wE, growE - 1.0) + np.dot(prob.wC[above], growC[above] - 1.0)
    ga = prob.D - A * S
    gs = (prob.D + s * np.dot(prob.wE, gE) - A * s * np.dot(prob.wE, growE * gE)
          - A * s * np.dot(prob.wC[above], growC[above] * gC[above]))
    gb = (s * (prob.ZE.T @ prob.wE) - A * s * (prob.ZE.T @ (prob.wE * growE))
          - A * s * (prob.ZC[above].T @ (prob.wC[above] * growC[above])))
    active = np.flatnonzero(gE <= tol)
    kink = np.flatnonzero(np.abs(gC) <= tol)
    cols = np.vstack([prob.ZE[active], prob.ZC[kink]]).T
    resid = gb
    if cols.shape[1]:
        lo = np.concatenate([np.zeros(active.size), -prob.wC[kink] * A * s])
        hi = np.concatenate([np.full(active.size, np.inf), np.zeros(kink.size)])
        sol = optimize.lsq_linear(cols, -gb, bounds=(lo, hi), method="bvls", tol=1e-14)
        resid = gb + cols @ sol.x
    worst = max(abs(ga), abs(gs), float(np.max(np.abs(resid))) if resid.size else 0.0)
    return worst / prob.W, active
