"""Flexible parametric survival regression in the APGW multi-parameter regression framework.

Burke, Jones & Noufaily (2020), JRSS C 69(2) (arXiv 1901.03212): the four-parameter APGW
hazard h(t) = λ γ φ^γ t^(γ-1) (1 + (φt)^γ/(κ+1))^(κ-1) with log-linear predictors for the
proportional-hazards scale λ, the accelerated-failure-time scale φ and the power shape γ
(multi-parameter regression), κ covariate-free. Nested special cases fix parameters: Weibull
(κ = 1, with λ = 1 under AFT or φ = 1 under PH), Burr XII (κ = 0), log-logistic (κ = 0, λ = 1),
Gompertz (γ = 1, κ → ∞) and exponential (γ = 1, κ = 1).

Mapping onto R's ``survreg`` AFT parameterisation (Weibull, log-logistic, exponential with
``scale="aft"``): survreg models log T = μ + σ W with μ = x'β, so S(t) = S₀((t e^(-μ))^(1/σ))
and φ = e^(-μ), γ = 1/σ. Hence ``phi`` coefficients are -β (same standard errors) and the
``gamma`` intercept is -log σ (R's ``Log(scale)`` with the sign flipped, same standard error).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._base import check_is_fitted
from .._params import Options
from .._validation import as_float_array, check_confidence_level
from ..distributions.apgw import APGW
from ..likelihood import Design, LikelihoodRegressor, LikelihoodSpec, Parameter, maximize_likelihood
from ..likelihood.estimator import COVARIATES, covariate_choice
from ..likelihood.limits import LimitReport
from ..likelihood.survival_terms import censored_hessian, censored_loglik
from ._response import parse_survival_response

__all__ = ["APGWSpec", "FlexibleSurvivalRegressor", "DISTRIBUTIONS"]

_LOG2 = float(np.log(2.0))

# fixed linear predictors of each special case (η_κ = log(κ + 1))
DISTRIBUTIONS = {
    "apgw": {},
    "burr": {"kappa": 0.0},
    "weibull": {"kappa": _LOG2},
    "loglogistic": {"kappa": 0.0, "lambda": 0.0},
    "gompertz": {"gamma": 0.0, "kappa": np.inf},
    "exponential": {"gamma": 0.0, "kappa": _LOG2},
}
# where λ and φ are confounded (κ = 1), the scale without covariates is fixed at 1
_CONFOUNDED = ("weibull", "exponential")
_KAPPA_BOUNDS = (-8.0, 9.2)  # η_κ: κ from -0.9997 to about 9900
_GAMMA_BOUNDS = (-6.0, 6.0)  # η_γ: γ from 0.0025 to about 400
# a fit that did not converge within this distance (in η) of a bound is heading for that limit
_NEAR_BOUND = 1.0


class APGWSpec(LikelihoodSpec):
    """The APGW log-likelihood with right/interval censoring and left truncation.

    Parameters are λ, φ, γ (log links) and κ (``log1p`` link: η_κ = log(κ+1)). Terms come from
    the numba kernel :func:`distreg._kernels.likelihood_survival.apgw_terms` and are assembled
    by :func:`distreg.likelihood.survival_terms.censored_loglik`; right-censored data without
    delayed entry take one fused pass.

    Parameters
    ----------
    kappa_eta : float, optional
        η_κ = log(κ+1) when κ is fixed by the model (its design has no columns): κ = 1
        (Weibull, exponential) and κ = 0 (Burr, log-logistic) then use the closed-form kernels
        of those special cases instead of the general APGW formulas.
    """

    parameters = (Parameter("lambda", "log"), Parameter("phi", "log"),
                  Parameter("gamma", "log"), Parameter("kappa", "log1p"))

    def __init__(self, kappa_eta=None):
        from .._kernels.likelihood_survival import BURR, GENERAL, WEIBULL

        self.kappa_eta = kappa_eta
        self.case = {_LOG2: WEIBULL, 0.0: BURR}.get(kappa_eta, GENERAL)

    def _columns(self, eta):
        return [np.ascontiguousarray(eta[:, j]) for j in range(4)]

    def _terms(self, t, eta):
        from .._kernels.likelihood_survival import apgw_terms

        m = t.shape[0]
        logh, dlogh, H, dH = np.empty(m), np.empty((m, 4)), np.empty(m), np.empty((m, 4))
        apgw_terms(np.log(np.asarray(t, dtype=float)), *self._columns(eta), logh, dlogh, H, dH, self.case)
        return logh, dlogh, H, dH

    def _terms2(self, t, eta):
        from .._kernels.likelihood_survival import apgw_terms2

        m = t.shape[0]
        out = [np.empty(m), np.empty((m, 4)), np.empty((m, 4, 4)), np.empty(m), np.empty((m, 4)),
               np.empty((m, 4, 4))]
        apgw_terms2(np.log(np.asarray(t, dtype=float)), *self._columns(eta), *out, self.case)
        return tuple(out)

    @staticmethod
    def _simple(data):
        # right-censored data without delayed entry: the fused kernels apply
        return bool((data["code"] != 2).all() and not data["entry"].any())

    def loglik(self, eta, data):
        if self._simple(data):
            from .._kernels.likelihood_survival import apgw_right_censored

            n = eta.shape[0]
            ll, score = np.empty(n), np.empty((n, 4))
            apgw_right_censored(data["log_time"], data["event"], *self._columns(eta), ll, score, self.case)
            return ll, score
        return censored_loglik(self._terms, eta, data)

    def hessian(self, eta, data):
        if self._simple(data):
            from .._kernels.likelihood_survival import apgw_right_censored_hessian

            hess = np.empty((eta.shape[0], 4, 4))
            apgw_right_censored_hessian(data["log_time"], data["event"], *self._columns(eta), hess, self.case)
            return hess
        return censored_hessian(self._terms2, eta, data)

    def start_values(self, designs, data, weights):
        # crude exponential rate for the scale intercepts, then the nested Weibull and
        # log-logistic fits as starts for a free κ (so APGW is never worse than them)
        t = data["time"]
        t = np.where(t > 0, t, np.where(np.isfinite(data["upper"]), data["upper"], 1.0))
        events = np.dot(weights, data["code"] != 0)
        rate = max(events, 0.5) / np.dot(weights, t)
        base = [0.0, float(np.log(rate)), 0.0, _LOG2]
        if designs[3].n_coef == 0:
            if self.kappa_eta is not None and np.isinf(self.kappa_eta):
                # the Gompertz hazard λφe^(φt) reaches the exponential model only as φ → 0 with
                # λφ fixed; a start near that limit (φ t ≈ 0.01 at the median time) keeps the
                # search from stopping at a poor maximum of fast-rising hazards
                log_phi = float(np.log(0.01 / np.median(t)))
                return [base, [float(np.log(rate)) - log_phi, log_phi, 0.0, self.kappa_eta]]
            return [base]
        starts = []
        n = len(t)
        for kappa_eta in (_LOG2, 0.0):
            nested = list(designs)
            nested[3] = Design.fixed(n, kappa_eta)
            if designs[0].n_coef == 1:
                nested[0] = Design.fixed(n, 0.0)  # Weibull AFT / log-logistic: λ = 1
            elif designs[1].n_coef == 1 and kappa_eta == _LOG2:
                nested[1] = Design.fixed(n, 0.0)  # Weibull PH: φ = 1
            elif kappa_eta == _LOG2:
                continue  # λ and φ both with covariates are confounded at κ = 1
            try:
                fit = maximize_likelihood(APGWSpec(kappa_eta), nested, data, weights, starts=[base],
                                          warn=False)
            except ValueError:
                continue
            if not np.isfinite(fit.loglik):
                continue
            start = [fit.coef[sl] if d.n_coef else 0.0 for d, sl in zip(nested, fit.slices)]
            start[3] = kappa_eta
            starts.append(start)
        for k in (-0.5, 3.0):
            starts.append([0.0, base[1], 0.0, float(np.log1p(k))])
        return starts


class FlexibleSurvivalRegressor(LikelihoodRegressor):
    """Flexible parametric survival regression: APGW and its nested special cases.

    The hazard of row i is the APGW hazard (Burke, Jones & Noufaily 2020, Section 2)

        h(t | x) = λ γ φ^γ t^(γ-1) (1 + (φt)^γ/(κ+1))^(κ-1)

    with log φ = x'β (``scale="aft"``: covariates accelerate time) or log λ = x'β
    (``scale="ph"``: covariates multiply the hazard), and optionally log γ = z'α
    (``shape_covariates``: the multi-parameter regression of Burke et al. Section 3, which
    lets covariate effects change with time). κ has no covariates.

    Parameters
    ----------
    distribution : {"apgw", "weibull", "loglogistic", "burr", "gompertz", "exponential"}
        The family; special cases fix parameters of the APGW (module docstring).
    scale : {"aft", "ph"}, default "aft"
        Which scale parameter carries the covariates (φ for AFT, λ for PH).
    shape_covariates : bool or list, default False
        Covariates of log γ: none, all columns, or a list of columns.
    point : {"median", "mean"}, default "median"
        What ``predict`` returns (the mean is infinite for cure models).
    max_iter : int, default 500
    tol : float, default 1e-8
    penalizer : float or dict, default 0
        Ridge/lasso/elastic-net penalty on the covariate coefficients (standardised internally,
        intercepts unpenalised; lifelines' convention), for all parameters or per parameter
        (``{"phi": 0.1}``); see :func:`distreg.likelihood.maximize_likelihood`.
    l1_ratio : float, default 0
        Lasso share of the penalty.

    Attributes
    ----------
    coef_ : dict
        Coefficients per parameter on the link scale (log λ, log φ, log γ, log(κ+1)).
    result_ : LikelihoodResults
        Estimates with observed-information standard errors, log-likelihood, AIC, BIC.
    converged_ : bool
        True only for an interior maximum with a positive-definite information matrix.
    limits_ : list of LimitReport
        The limits of the family that a fit at a bound approaches (empty for an interior fit):
        κ → ∞ (with the exactly fitted κ = ∞ limit's log-likelihood), κ → -1 (promotion-time
        cure), γ → ∞ with κγ fixed (threshold Weibull) or γ → 0.
    boundary_ : str or None
        The messages of ``limits_`` as one string (None for an interior fit).

    Examples
    --------
    >>> from distreg.datasets import load_lung
    >>> lung = load_lung()
    >>> X, y = lung[["age", "sex", "ph_ecog"]], lung[["time", "event"]]
    >>> m = FlexibleSurvivalRegressor(distribution="weibull").fit(X, y)
    >>> round(m.loglik_, 4)                       # R survreg: -1132.4387
    -1132.4387
    >>> (-m.coef_["phi"]).round(4)                # R survreg coefficients (AFT)
    array([ 6.2734, -0.0075,  0.4011, -0.3396])
    >>> m.predict_survival_function(X.iloc[:2], [100.0, 365.0]).round(3)
    array([[0.819, 0.309],
           [0.888, 0.499]])
    """

    _formula_keywords = {"gamma": "shape_formula"}
    _formula_response_keywords = ("time", "event", "entry", "lower", "upper")
    # the survival data dict keeps a lower bound of an interval in "time"
    _response_keys = ("time", "upper", "entry")
    _parameter_constraints = {
        **LikelihoodRegressor._parameter_constraints,
        "distribution": [Options(DISTRIBUTIONS)],
        "scale": [Options({"aft", "ph"})],
        "shape_covariates": COVARIATES,
        "point": [Options({"median", "mean"})],
    }

    def __init__(self, distribution="apgw", scale="aft", shape_covariates=False, point="median",
                 max_iter=500, tol=1e-8, penalizer=0.0, l1_ratio=0.0):
        self.distribution = distribution
        self.scale = scale
        self.shape_covariates = shape_covariates
        self.point = point
        self.max_iter = max_iter
        self.tol = tol
        self.penalizer = penalizer
        self.l1_ratio = l1_ratio

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True  # survival times
        return tags

    # ------------------------------------------------------------------ engine hooks
    def _spec(self):
        # κ fixed by the special case selects its closed-form kernel (checked in _check_options)
        return APGWSpec(DISTRIBUTIONS.get(self.distribution, {}).get("kappa"))

    def _check_options(self):
        # each parameter alone was checked against _parameter_constraints; these are the
        # combinations that the family does not have
        if self.distribution == "loglogistic" and self.scale == "ph":
            raise ValueError(
                "the log-logistic family is not closed under proportional hazards; use "
                "scale='aft', or distribution='burr' for a PH model with a log-logistic-type baseline."
            )
        if self.distribution in ("gompertz", "exponential") and covariate_choice(self.shape_covariates) != "intercept":
            raise ValueError(
                f"distribution={self.distribution!r} fixes γ = 1, so shape_covariates must be False."
            )

    def _fixed_eta(self):
        self._check_options()
        fixed = dict(DISTRIBUTIONS[self.distribution])
        if self.distribution in _CONFOUNDED:
            fixed["lambda" if self.scale == "aft" else "phi"] = 0.0
        return fixed

    def _main_formula_parameter(self):
        return "phi" if self.scale == "aft" else "lambda"

    def _covariates(self):
        fixed = self._fixed_eta()
        main = self._main_formula_parameter()
        shape = covariate_choice(self.shape_covariates)
        out = {}
        for p in ("lambda", "phi", "gamma", "kappa"):
            if p in fixed:
                out[p] = "none"
            elif p == main:
                out[p] = "all"
            elif p == "gamma":
                out[p] = shape
            else:
                out[p] = "intercept"
        return out

    def _bounds(self):
        # bounds apply to intercept-only parameters; they turn the degenerate limits of the
        # APGW into boundary fits that are reported (see boundary_)
        return {"kappa": _KAPPA_BOUNDS, "gamma": _GAMMA_BOUNDS}

    def _response(self, y, n, entry=None, **fit_params):
        if fit_params:
            raise TypeError(
                f"fit() got unexpected keyword arguments {sorted(fit_params)}; survival models "
                "take entry= (left truncation) besides sample_weight."
            )
        return parse_survival_response(y, n, entry=entry)

    def _formula_response(self, formula, data, time=None, event=None, entry=None, lower=None,
                          upper=None):
        cols = []

        def col(name, what):
            if name not in data.columns:
                raise ValueError(f"{what}={name!r} is not a column of data; choose from {list(data.columns)}.")
            cols.append(name)
            return data[name]

        ent = col(entry, "entry") if entry is not None else None
        if lower is not None or upper is not None:
            if lower is None or upper is None:
                raise ValueError("interval-censored data need both lower= and upper= column names.")
            y = pd.DataFrame({"lower": col(lower, "lower"), "upper": col(upper, "upper")})
        else:
            if time is None:
                lhs = formula.split("~", 1)[0].strip() if "~" in formula else ""
                if not lhs:
                    raise ValueError(
                        "from_formula needs the survival time: pass time='column' (and event='column'),"
                        " or lower=/upper= for interval-censored data."
                    )
                time = lhs
            t = col(time, "time")
            e = col(event, "event") if event is not None else None
            y = pd.DataFrame({"time": t, "event": np.ones(len(t)) if e is None else e})
        return parse_survival_response(y, len(data), entry=ent), cols

    def _check_degenerate(self, data, w):
        from ..likelihood.survival_terms import RIGHT

        if (data["code"][w > 0] == RIGHT).all():
            raise ValueError(
                "the survival response has no events: every row is right-censored (event = 0), and the "
                "likelihood then keeps rising as the hazard goes to 0, so there is no maximum-likelihood "
                "fit. Check the event column (1 = event observed)."
            )

    def _distribution(self, theta):
        return APGW(lam=theta["lambda"], phi=theta["phi"], gamma=theta["gamma"], kappa=theta["kappa"])

    def _model_name(self):
        return f"FlexibleSurvivalRegressor ({self.distribution}, {self.scale.upper()})"

    def _maximize(self, spec, designs, data, w, options):
        bounds = self._bounds()
        starts = spec.start_values(designs, data, w)
        if self.distribution == "apgw":
            from threadpoolctl import threadpool_limits

            from ._search import preselect, search_starts

            # the grid runs many small L-BFGS-B problems: one BLAS thread (see maximize_likelihood)
            with threadpool_limits(limits=1, user_api="blas"):
                starts = search_starts(spec, designs, data, w, starts)
            starts = preselect(spec, designs, data, w, starts, bounds, options)
            g = designs[2]
            if g.n_coef > 1 and g.intercept is not None:
                starts.append(self._shape_free_start(spec, designs, data, w, options))
        return maximize_likelihood(spec, designs, data, w, starts=[s for s in starts if s is not None],
                                   bounds=bounds, **options)

    def _shape_free_start(self, spec, designs, data, w, options):
        """The APGW without shape covariates, searched globally, as a start of the shape-covariate fit.

        The model with covariates in γ contains it (slopes 0), so starting there keeps the
        multi-parameter fit at least as high as the searched one. Only an interior optimum is
        used: one at the γ bound would start the unbounded γ intercept on the γ → ∞ ridge.
        """
        n = designs[0].matrix.shape[0]
        g = designs[2]
        plain = list(designs)
        plain[2] = Design(np.ones((n, 1)), ["Intercept"], 0, g.offset)
        fit = self._maximize(spec, plain, data, w, options)
        if not fit.converged:
            return None
        start = [fit.coef[sl] if d.n_coef else 0.0 for d, sl in zip(plain, fit.slices)]
        gamma = np.zeros(g.n_coef)
        gamma[g.intercept] = float(start[2][0])
        start[2] = gamma
        return start

    def _fit_designs(self, designs, data, w):
        self._check_options()
        super()._fit_designs(designs, data, w)
        # kept for compatibility: the limit messages as one string (None for an interior fit)
        self.boundary_ = " ".join(r.message for r in self.limits_) or None
        return self

    def _limits(self, fit, designs, data, w):
        """The limits of the APGW that a fit at a bound approaches, each with its exact fit.

        Replaces the engine's generic bound report: a shape at its bound is a limit of the
        family (κ → ∞, κ → -1, γ → ∞ with κγ fixed, γ → 0), named with its special case.
        """
        coef = {p.name: fit.coef[sl] for p, sl in zip(self._spec().parameters, fit.slices)}
        fixed = {p.name: (None if d.n_coef else float(d.offset[0]))
                 for p, d in zip(self._spec().parameters, designs)}
        reports = _limit_reports(coef, fixed, fit.converged or fit.cause == "boundary")
        if self.distribution == "gompertz" and not fit.converged:
            exponential = self._exponential_limit(fit, designs, data, w)
            if exponential is not None:
                return [exponential]
        if not reports:
            return super()._limits(fit, designs, data, w)
        from . import limit_fits

        out = []
        for r in reports:
            ll, case, note = None, r.special_case, ""
            try:
                if r.limit == "κ → ∞":
                    ll, case = _kappa_infinity_loglik(designs, data, w, fit), "gompertz-type (κ = ∞)"
                elif r.limit == "κ → -1":
                    ll = limit_fits.fit_cure_limit(designs, data, w, self.scale, start=coef).loglik
                elif r.limit.startswith("γ → ∞"):
                    reason = limit_fits.threshold_limit_support(designs, data, self.scale)
                    lf = None if reason else limit_fits.fit_threshold_limit(designs, data, w, self.scale)
                    ll = None if lf is None else lf.loglik
                    note = f" The limit is not fitted: {reason}." if reason else ""
            except (ValueError, FloatingPointError) as err:
                note = f" The limit could not be fitted ({err})."
            if ll is not None:
                note = (f" The limit fitted exactly has log-likelihood {ll:.4f} (the fit at the bound: "
                        f"{fit.loglik:.4f}).")
            out.append(LimitReport(r.parameter, r.limit, case, ll, r.cause, r.message + note))
        return out

    def _exponential_limit(self, fit, designs, data, w):
        """The Gompertz fit heading for φ → 0, where λ(e^(φt) - 1) → λφt: the exponential model."""
        eta_phi = designs[1].linear_predictor(fit.coef[fit.slices[1]])
        t_max = float(np.max(np.where(np.isfinite(data["upper"]), data["upper"], data["time"])))
        # φ t below 1e-6 for every row: e^(φt) - 1 equals φt to six digits over the whole data
        if not np.all(eta_phi + np.log(t_max) < np.log(1e-6)):
            return None
        exp_model = FlexibleSurvivalRegressor(distribution="exponential", scale=self.scale,
                                              max_iter=self.max_iter, tol=self.tol)
        n = designs[0].matrix.shape[0]
        main = designs[1] if self.scale == "aft" else designs[0]
        fixed = Design.fixed(n, 0.0)
        exp_designs = [fixed, main, fixed, Design.fixed(n, _LOG2)]
        if self.scale == "ph":
            exp_designs[:2] = [main, fixed]
        rate = float(np.dot(w, data["code"] != 0) / np.dot(w, data["time"]))
        start = [0.0, np.log(rate), 0.0, _LOG2] if self.scale == "aft" else [np.log(rate), 0.0, 0.0, _LOG2]
        try:
            ll = maximize_likelihood(exp_model._spec(), exp_designs, data, w, starts=[start], warn=False).loglik
        except ValueError:
            ll = None
        found = f" (fitted exactly: log-likelihood {ll:.4f})" if ll is not None else ""
        return LimitReport(
            "phi", "φ → 0", "exponential", ll, "boundary",
            f"φ runs to 0 with λφ fixed: the Gompertz hazard λφe^(φt) flattens into the constant "
            f"hazard of the exponential model{found}; use distribution='exponential'.")

    # ------------------------------------------------------------------ predictions
    def predict_survival_function(self, X, times, return_ci=False, confidence_level=0.95):
        """S(t | x) on a common grid of times: shape (n, k).

        With ``return_ci=True`` returns ``(estimate, lower, upper)``; the band is the
        delta-method interval of log H(t | x) transformed to S (it stays within [0, 1]).
        """
        _check_ci(return_ci, confidence_level)
        times = self._times(times)
        est = self.predict_distribution(X).sf(times[None, :])
        if not return_ci:
            return est
        lo, hi = self._log_band(X, times, "cumhaz", confidence_level)
        return est, np.exp(-hi), np.exp(-lo)

    def predict_cumulative_hazard(self, X, times, return_ci=False, confidence_level=0.95):
        """H(t | x) on a grid: (n, k); ``return_ci=True`` adds a log-scale delta-method band."""
        _check_ci(return_ci, confidence_level)
        times = self._times(times)
        est = self.predict_distribution(X).cumulative_hazard(times[None, :])
        if not return_ci:
            return est
        lo, hi = self._log_band(X, times, "cumhaz", confidence_level)
        return est, lo, hi

    def predict_hazard(self, X, times, return_ci=False, confidence_level=0.95):
        """h(t | x) on a grid: (n, k); ``return_ci=True`` adds a log-scale delta-method band."""
        _check_ci(return_ci, confidence_level)
        times = self._times(times)
        est = self.predict_distribution(X).hazard(times[None, :])
        if not return_ci:
            return est
        lo, hi = self._log_band(X, times, "hazard", confidence_level)
        return est, lo, hi

    def predict_median(self, X, return_ci=False, confidence_level=0.95):
        """Median survival time per row (inf if the cure fraction is at least 1/2)."""
        _check_ci(return_ci, confidence_level)
        est = self.predict_distribution(X).median()
        if not return_ci:
            return est
        lo, hi = self._log_band(X, None, "median", confidence_level)
        return est, lo[:, 0], hi[:, 0]

    def predict_rmst(self, X, tau, return_ci=False, confidence_level=0.95):
        """Restricted mean survival time ∫₀^τ S(t | x) dt per row (``tau`` > 0, one number)."""
        _check_ci(return_ci, confidence_level)
        if isinstance(tau, (bool, np.bool_)) or np.ndim(tau) != 0:
            raise TypeError(f"tau must be one positive number (the time horizon); got {tau!r}.")
        tau = float(as_float_array(tau, "tau"))
        if tau <= 0:
            raise ValueError(f"tau must be a positive time horizon; got {tau:g}.")
        est = self.predict_distribution(X).rmst(tau)
        if not return_ci:
            return est
        lo, hi = self._log_band(X, tau, "rmst", confidence_level)
        return est, lo[:, 0], hi[:, 0]

    def predict_cure_fraction(self, X):
        """P(T = ∞ | x): ``exp(-λ(κ+1)/|κ|)`` when κ < 0, else 0."""
        return self.predict_distribution(X).cure_fraction()

    def predict(self, X):
        """Median (default) or mean survival time per row."""
        check_is_fitted(self)
        point = self._checked_point("median")
        d = self.predict_distribution(X)
        return d.median() if point == "median" else d.mean()

    def score_samples(self, X, y):
        """Censored log-likelihood contribution of each row: log f(t) for events, log S(t) if censored."""
        check_is_fitted(self)
        d = self.predict_distribution(X)
        data = parse_survival_response(y, len(d))
        ll = self._spec().loglik(self._eta(X), data)[0]
        return ll

    def score(self, X, y, sample_weight=None):
        """Mean censored log-likelihood per observation (higher is better)."""
        ll = self.score_samples(X, y)
        w = self._validate_weights(sample_weight, ll.shape[0])
        return float(np.dot(w, ll) / w.sum())

    def compare_special_cases(self, X, y=None, sample_weight=None, data=None, **fit_params):
        """Fit the nested family on (X, y), or a formula X on ``data``, and tabulate fit statistics.

        See :func:`distreg.survival.compare_special_cases`; ``scale`` is this model's.
        """
        from .compare import compare_special_cases

        return compare_special_cases(X, y, data=data, scale=self.scale, sample_weight=sample_weight,
                                     **fit_params)

    def profile_kappa(self, X, y, sample_weight=None, entry=None, confidence_level=0.95):
        """Profile-likelihood confidence interval for κ (see :func:`distreg.survival.profile_kappa`).

        Pass the data of the fit; needs ``distribution="apgw"``.
        """
        from .profile import profile_kappa

        return profile_kappa(self, X, y, sample_weight=sample_weight, entry=entry,
                             confidence_level=confidence_level)

    # ------------------------------------------------------------------ plotting
    def plot_survival(self, X, times, labels=None, km=None, ax=None, confidence_band=False):
        """Fitted survival curves of the rows of X, optionally over a Kaplan–Meier estimate."""
        from ..plotting.survival import plot_survival_curves

        times = self._times(times)
        if confidence_band:
            S, lo, hi = self.predict_survival_function(X, times, return_ci=True)
        else:
            S, lo, hi = self.predict_survival_function(X, times), None, None
        return plot_survival_curves(times, S, labels=labels, lower=lo, upper=hi, km=km, ax=ax)

    def plot_hazard(self, X, times, labels=None, ax=None):
        """Fitted hazard curves of the rows of X (e.g. one row per covariate pattern)."""
        from ..plotting.survival import plot_survival_curves

        times = self._times(times)
        return plot_survival_curves(times, self.predict_hazard(X, times), labels=labels, ax=ax,
                                    ylabel="hazard")

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _times(times, name="times"):
        t = as_float_array(times, name, ndim=(0, 1)).reshape(-1)
        if t.size == 0:
            raise ValueError(f"{name} is empty; pass at least one time.")
        if (t < 0).any():
            raise ValueError(f"{name} must be non-negative times; got {t[t < 0][0]:g}.")
        return t

    def _coef_vector(self):
        return np.concatenate([self.coef_[p.name] for p in self._spec().parameters])

    def _eta(self, X, coef=None):
        check_is_fitted(self)
        designs = self._predict_designs(X)
        coef = self._coef_vector() if coef is None else coef
        cols, start = [], 0
        for d in designs:
            e = np.zeros(d.matrix.shape[0]) if d.offset is None else np.asarray(d.offset, float).copy()
            if d.n_coef:
                e = e + d.matrix @ coef[start:start + d.n_coef]
            start += d.n_coef
            cols.append(e)
        return np.column_stack(cols)

    def _log_band(self, X, times, what, confidence_level):
        """Delta-method band on the log scale: numerical Jacobian of log(quantity) in the coefficients."""
        check_is_fitted(self)
        cl = check_confidence_level(confidence_level)
        coef = self._coef_vector()
        V = self.result_.vcov.to_numpy()
        V = np.where(np.isfinite(V), V, 0.0)  # parameters at a bound are held fixed

        def f(c):
            eta = self._eta(X, c)
            with np.errstate(over="ignore", divide="ignore"):
                kappa = np.expm1(eta[:, 3])
                d = APGW(lam=np.exp(eta[:, 0]), phi=np.exp(eta[:, 1]), gamma=np.exp(eta[:, 2]), kappa=kappa)
                if what == "cumhaz":
                    v = d.cumulative_hazard(times[None, :])
                elif what == "hazard":
                    v = d.hazard(times[None, :])
                elif what == "median":
                    v = d.median()[:, None]
                else:
                    v = d.rmst(times)[:, None]
                return np.log(v)

        base = f(coef)
        J = np.zeros(base.shape + (coef.size,))
        for j in range(coef.size):
            if V[j, j] == 0:
                continue
            h = 1e-6 * max(1.0, abs(coef[j]))
            cp, cm = coef.copy(), coef.copy()
            cp[j] += h
            cm[j] -= h
            with np.errstate(invalid="ignore"):
                J[..., j] = (f(cp) - f(cm)) / (2 * h)
        se = np.sqrt(np.maximum(np.einsum("...i,ij,...j->...", J, V, J), 0.0))
        z = stats.norm.ppf(0.5 + cl / 2)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.exp(base - z * se), np.exp(base + z * se)


def _check_ci(return_ci, confidence_level):
    """Check the band options of the predict_* methods, whether or not a band is asked for."""
    if not isinstance(return_ci, (bool, np.bool_)):
        raise TypeError(f"return_ci must be True or False; got {return_ci!r}.")
    if np.ndim(check_confidence_level(confidence_level)) != 0:
        raise ValueError(f"confidence_level must be one number in (0, 1); got {confidence_level!r}.")


def _kappa_infinity_loglik(designs, data, w, fit):
    """Log-likelihood of the κ = ∞ limit H = λ(exp((φt)^γ) - 1) with λ, φ, γ free, or None."""
    n = designs[0].matrix.shape[0]
    limit = list(designs)
    limit[3] = Design.fixed(n, np.inf)
    start = [fit.coef[sl] if d.n_coef else 0.0 for d, sl in zip(designs, fit.slices)]
    start[3] = 0.0
    try:
        lf = maximize_likelihood(APGWSpec(), limit, data, w, starts=[start], warn=False)
    except ValueError:
        return None
    return float(lf.loglik) if np.isfinite(lf.loglik) else None


def _limit_reports(coef, fixed, converged):
    """Which limits of the APGW a fit approaches: a list of LimitReport (empty for an interior fit).

    ``coef`` maps parameter names to coefficients (link scale), ``fixed`` gives the fixed η of
    parameters without coefficients (None for free ones). The reports carry no log-likelihood:
    the estimator's ``_limits`` fits each limit exactly and adds it.
    """
    reports = []
    # a fit at a bound, or one that stopped without converging close to it (the likelihood is
    # flat along a ridge towards a limit of the family), is reported with the limit it approaches
    slack = 1e-6 if converged else _NEAR_BOUND
    if fixed["kappa"] is None:
        eta_k = float(coef["kappa"][0])
        gamma = float(np.exp(coef["gamma"][0]))
        if eta_k >= _KAPPA_BOUNDS[1] - slack:
            reports.append(LimitReport(
                "kappa", "κ → ∞", "apgw-kappa-inf", None, "boundary",
                f"κ ran to its upper bound (κ → ∞): the fit approaches the κ → ∞ limit of the APGW, "
                f"H = λ(exp((φt)^γ) - 1), which is the Gompertz model when γ = 1 "
                f"(estimated γ intercept {gamma:.3g}); consider distribution='gompertz'."))
        elif eta_k <= _KAPPA_BOUNDS[0] + slack:
            A = float(np.exp(coef["lambda"][0] + eta_k)) if coef["lambda"].size == 1 else np.nan
            reports.append(LimitReport(
                "kappa", "κ → -1", "promotion-time cure (log-logistic latency)", None, "boundary",
                "κ ran to its lower bound (κ → -1): the fit approaches the bounded-cumulative-hazard "
                "(promotion-time) cure model H = A·F(t) with a log-logistic F and A = λ(κ+1) "
                f"(here about {A:.3g}, cure fraction exp(-A) = {np.exp(-A):.3g}); κ itself is not "
                "identified."))
    if fixed["gamma"] is None and coef["gamma"].size == 1:
        eta_g = float(coef["gamma"][0])
        if eta_g >= _GAMMA_BOUNDS[1] - slack:
            s = float(np.expm1(coef["kappa"][0]) * np.exp(eta_g)) if fixed["kappa"] is None else np.nan
            reports.append(LimitReport(
                "gamma", "γ → ∞ with κγ fixed", "threshold Weibull", None, "boundary",
                f"γ ran to its upper bound (γ → ∞, here γ = {np.exp(eta_g):.3g}, κγ = {s:.3g}): the fit "
                "approaches the threshold limit H = A((φt)^s - 1) for t > 1/φ and 0 before, a Weibull "
                "hazard that switches on at t0 = 1/φ (just below the first event time; s = κγ)."))
        elif eta_g <= _GAMMA_BOUNDS[0] + slack:
            reports.append(LimitReport(
                "gamma", "γ → 0", None, None, "boundary",
                "γ ran to its lower bound (γ → 0): the time scale is not identified."))
    return reports
