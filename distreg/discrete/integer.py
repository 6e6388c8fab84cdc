"""``IntegerRegressor``: integer-valued outcomes with a full predicted pmf per row.

Implements the setting of Maat & Bloem, "Predicting integers from continuous parameters"
(arXiv 2602.10751): a discrete distribution whose continuous parameters are functions of the
features. Here each parameter is a linear predictor (any basis expansion built by the user or a
formula) through a link, fitted by maximum likelihood on the shared engine with analytic
gradients; the classical count models (Poisson, NB2, zero-inflated, hurdle) are the same
machinery with other families.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._base import check_is_fitted
from .._params import Interval, Options
from .._validation import check_1d, check_sample_weight
from ..distributions import (Bitwise, Dalap, Danorm, DiscretizedLaplace, DiscretizedNormal,
                             GeneralizedPoisson, Hurdle, Mixture, NegativeBinomial, Poisson,
                             ZeroInflated)
from ..likelihood import LikelihoodRegressor
from ..likelihood.engine import linear_predictors, penalty_strengths
from ..likelihood.estimator import COVARIATES, covariate_choice
from ..likelihood.limits import LimitReport, separating_direction
from ._families import FAMILIES, IntegerSpec, MixtureSpec

__all__ = ["IntegerRegressor", "DISTRIBUTIONS", "ALPHA_FLOOR", "AUTO_RIDGE"]

DISTRIBUTIONS = tuple(FAMILIES)
_LOG_MEAN = {"poisson", "negbin", "genpoisson", "zip", "zinb", "hurdle_poisson", "hurdle_negbin"}
_LN2 = np.log(2.0)
#: lower bound of an intercept-only NB2 dispersion α: there the NB2 log mass differs from the
#: Poisson one by about α((y - μ)² - y)/2 per observation, far below any tolerance of a fit
ALPHA_FLOOR = 1e-12
#: lower bound of an intercept-only Dalap decay γ: a component there puts all but 2e-10 of its
#: mass on one integer (the limit γ → 0 is a point mass)
GAMMA_FLOOR = 1e-10
#: the ridge strength of ``penalizer="auto"`` for Bitwise and mixture fits (see the class notes)
AUTO_RIDGE = 1e-4
# the NB2 families, their Poisson limits α → 0 and the count models without zero part (π → 0)
_POISSON_LIMIT = {"negbin": "poisson", "zinb": "zip", "hurdle_negbin": "hurdle_poisson"}
_WITHOUT_ZEROS = {"zip": "poisson", "zinb": "negbin"}


def _strength(penalty, name):
    """The penalty strength of parameter ``name`` under ``penalty`` (None, a number or a dict)."""
    return penalty.get(name, 0.0) if isinstance(penalty, dict) else (penalty or 0.0)


def _inverse_link(link, eta):
    from ..likelihood import LINKS

    with np.errstate(over="ignore"):
        return LINKS[link].inverse(eta)


def _separation_report(j, bit, design, w):
    """The LimitReport of a Bitwise bit whose coefficients run to ±∞, or None if not separated."""
    found = separating_direction(design, bit, w)
    if found is None:
        return None
    b, n_perfect = found
    big = np.abs(b) > 1e-6 * np.abs(b).max()
    terms = [f"bit{j}[{c}]" for c, keep in zip(design.columns, big) if keep]
    # the intercept only shifts the separating line; the covariates are what the user can act on
    named = [t for t in terms if not t.endswith("[Intercept]")] or terms
    return LimitReport(
        named[0], "± infinity", None, None, "separation",
        f"bit {j} (worth {2 ** j}) is predicted perfectly (separation: at least {n_perfect} rows get "
        f"probability 0 or 1 in the limit) and the coefficients {', '.join(named)} run to ±∞. "
        "Use penalizer > 0 (e.g. penalizer='auto') for finite estimates.")


def _parse_support(value):
    """(low, high) as floats from a ``support`` pair of integers (or ±inf), or None if it is not one."""
    if isinstance(value, (str, bytes, dict)):
        return None
    try:
        lo, hi = value
        if isinstance(lo, (bool, np.bool_)) or isinstance(hi, (bool, np.bool_)):
            return None
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError):
        return None
    integral = all(np.isinf(b) or b == np.floor(b) for b in (lo, hi))
    if np.isnan(lo) or np.isnan(hi) or not integral or hi < lo or lo == np.inf or hi == -np.inf:
        return None
    return lo, hi


class _SupportPair:
    """Constraint of ``support`` for :mod:`distreg._params`: a pair of integers low <= high."""

    def is_satisfied_by(self, value) -> bool:
        return _parse_support(value) is not None

    def describe(self) -> str:
        return "a pair (low, high) of integers (or ±inf) with low <= high"


#: integers beyond 2**53 are not all representable in double precision: a count there is not
#: an integer that the pmf can be evaluated at
MAX_INTEGER = 2.0**53


def _check_integer_y(y, name="y"):
    y = check_1d(y, name)
    if np.abs(y).max() > MAX_INTEGER:
        raise ValueError(
            f"{name} has values up to {np.abs(y).max():.3g} in magnitude; integers beyond 2**53 "
            f"(about 9.0e15) are not exactly representable in floating point. Rescale {name} or "
            "use a continuous model."
        )
    bad = np.flatnonzero(y != np.floor(y))
    if bad.size:
        raise ValueError(
            f"{name} must contain integers (counts or integer labels); entry {bad[0]} is "
            f"{float(y[bad[0]])!r}. Round or recode {name} first."
        )
    return y


class IntegerRegressor(LikelihoodRegressor):
    """Regression for integer outcomes: every row gets a whole pmf over the integers.

    Each distribution parameter θ_j has its own linear predictor η_j = x'β_j (+ offset) and
    link; coefficients are maximum-likelihood estimates with observed-information standard
    errors (``result_``).

    Parameters
    ----------
    distribution : str, default "dalap"
        One of "poisson", "negbin" (NB2, var = μ + αμ²), "genpoisson", "dnormal", "dlaplace"
        (normal/Laplace mass on [n - ½, n + ½)), "dalap" (Maat & Bloem's discrete Laplace
        analogue), "danorm" (discrete normal), "bitwise" (one Bernoulli per bit),
        "zip", "zinb", "hurdle_poisson", "hurdle_negbin".
    n_components : int, default 1
        Number of mixture components (softmax weights, intercept-only).
    support : tuple (low, high), optional
        Integer range of y. Values outside are an error. For "dalap" the distribution is
        truncated to it; for "bitwise" it sets the offset (``low``, how negative values are
        handled) and the number of bits (enough for ``high``); default for bitwise:
        [min(0, min y), max y]. Count families always need y >= 0.
    shape_covariates : bool or list, default False
        Whether the shape parameter (α, ξ, σ, b, γ) depends on X: False (intercept only), True
        (all columns) or a list of columns.
    zero_covariates : bool or list, default True
        Covariates of the zero part π of zero-inflated and hurdle models (as R's ``pscl``).
    location_link : {None, "identity", "log"}, default None
        Link of the real location μ of "dnormal", "dlaplace", "dalap" and "danorm" (None is
        "identity", except for a Dalap with a finite ``support`` bound, whose location is then
        parametrised inside the support, see Notes; "log" gives multiplicative effects, as in
        count models; it also allows an exposure).
    point : {"mean", "median", "mode"}, default "mean"
        What ``predict`` returns.
    max_iter : int, optional
        Iteration limit of the optimiser; default 500, and 3000 for mixtures (whose
        likelihoods converge slowly, see Notes).
    tol : float, default 1e-8
    penalizer : "auto", float or dict, default "auto"
        Ridge/elastic-net strength on the standardised covariate coefficients (intercepts are
        never penalised; see :func:`~distreg.likelihood.maximize_likelihood`); a dict gives one
        value per parameter name (e.g. ``{"bit9": 0.01}``). "auto" is ``AUTO_RIDGE`` = 1e-4 for
        "bitwise" and for mixtures, 0 (plain maximum likelihood) otherwise.
    l1_ratio : float, default 0
        Lasso share of the penalty (0 ridge, 1 lasso).

    Attributes
    ----------
    coef_ : dict
        Coefficients of each parameter's linear predictor.
    result_ : LikelihoodResults
        Estimates, standard errors, log-likelihood, AIC, BIC.
    converged_ : bool
        True only at an interior (penalised) maximum.
    limits_ : list of LimitReport
        The limits the fit runs into, with the special case they are: α → 0 (the NB2 families
        are then their Poisson counterparts, fitted exactly), π → 0 (no excess zeros), a
        component weight → 0 in a mixture, a coefficient → ±∞ under separation (a bit or the
        zeros predicted perfectly).
    n_bits_, bitwise_low_ : int
        Bitwise only: the number of bits and the offset of the support.

    Notes
    -----
    Links: log for means and dispersions of count families, identity for the real location μ
    of dnormal/dlaplace/dalap/danorm, logit for γ, ξ and π, identity for Bitwise bit logits.
    The hurdle's π is P(Y = 0); R's ``pscl::hurdle`` models P(Y > 0), so its zero-model
    coefficients are the negatives of ours. The Dalap log-likelihood has kinks where μ is an
    integer: at μ = y the ``|y - μ|`` term makes it peak (as a Laplace likelihood), at every other
    integer the normaliser's slope jumps *up*, which can leave several local maxima; a fit
    reaches one of them (judged by the optimiser's stopping reason).

    *Limits.* Under equi- or under-dispersion the NB2 likelihood is largest at α = 0, the
    Poisson. An intercept-only α is bounded below by ``ALPHA_FLOOR`` = 1e-12; when the fit
    runs to that bound and the score for α at the Poisson (ZIP, Poisson hurdle) fit is <= 0,
    the reported fit *is* that Poisson fit with α at the floor (the NB2 log mass there equals
    the Poisson one to about 1e-12 relative) and ``limits_`` says so. Zero-inflation π
    running to 0 everywhere is reported likewise (the plain count model).

    *Bounded Dalap.* With a finite lower bound L every μ <= L gives the same pmf (a geometric
    decay from L), and likewise above a finite upper bound U, so μ is identified only in
    [L, U]. By default (``location_link=None``) the location is therefore parametrised inside
    the support: μ = L + (U - L)·logit⁻¹(η) with both bounds finite, μ = L + exp(η) with only
    L, μ = U - exp(η) with only U; the coefficients of "mu" act on that scale and
    ``predict_parameters`` reports μ. An explicit ``location_link="identity"`` (or "log") keeps
    μ linear, clamped in effect at the bounds: it can fit better, but a coefficient whose rows
    all fall beyond a bound is not determined, and the fit then says so. Where the data want
    μ at the bound itself (the geometric decay from it), the parametrised fit runs to that
    limit and reports it.

    *Mixtures.* A mixture likelihood has many local maxima; the fit screens 12 starts (a
    quantile spread, a split of the rows by the rank of y and random perturbations of it, with a
    fixed seed) with short runs under a firmer ridge and continues the best two to
    convergence. A component that collapses (its weight, or a Dalap γ, running to 0) is a
    limit of the family and is reported in ``limits_``.

    *Separation.* A Bitwise bit (or the zeros of a zero-inflated model) that the covariates
    predict perfectly has no finite maximum-likelihood estimate: its coefficients run to ±∞.
    ``penalizer="auto"`` therefore puts a small ridge (1e-4 on standardised covariates) on
    Bitwise and mixture fits, which keeps every estimate finite and, on the bike counts of
    the notebook, also predicts held-out hours better; ``penalizer=0`` gives the plain
    maximum-likelihood fit, whose warning names the separated bit and covariates.

    Examples
    --------
    >>> from distreg.datasets import load_biochemists
    >>> df = load_biochemists()
    >>> X, y = df[["fem", "mar", "kid5", "phd", "ment"]], df["art"]
    >>> nb = IntegerRegressor("negbin").fit(X, y)
    >>> round(nb.loglik_, 4), round(float(1 / np.exp(nb.coef_["alpha"][0])), 4)  # R: theta = 2.2644
    (-1560.9583, 2.2644)
    >>> nb.predict_pmf(X.iloc[:2], [0, 1, 2]).round(3)
    array([[0.25 , 0.259, 0.194],
           [0.363, 0.297, 0.175]])
    >>> round(nb.score_bits(X, y), 3)  # mean log2 mass: minus the bits per observation
    -2.461
    """

    _formula_keywords = {"mu": "formula", "shape": "shape_formula", "zero": "zero_formula"}
    _parameter_constraints = {
        **LikelihoodRegressor._parameter_constraints,
        "distribution": [Options(DISTRIBUTIONS)],
        "n_components": [Interval("int", 1, None)],
        "support": [None, _SupportPair()],
        "shape_covariates": COVARIATES,
        "zero_covariates": COVARIATES,
        "location_link": [None, Options({"identity", "log"})],
        "point": [Options({"mean", "median", "mode"})],
        "penalizer": [Options({"auto"}), *LikelihoodRegressor._parameter_constraints["penalizer"]],
    }

    def __init__(self, distribution="dalap", n_components=1, support=None, shape_covariates=False,
                 zero_covariates=True, location_link=None, point="mean", max_iter=None, tol=1e-8,
                 penalizer="auto", l1_ratio=0.0):
        self.distribution = distribution
        self.n_components = n_components
        self.support = support
        self.shape_covariates = shape_covariates
        self.zero_covariates = zero_covariates
        self.location_link = location_link
        self.point = point
        self.max_iter = max_iter
        self.tol = tol
        self.penalizer = penalizer
        self.l1_ratio = l1_ratio

    # ------------------------------------------------------------------ configuration
    def _dalap_bounds(self):
        """(lower, upper) of a Dalap with at least one finite bound, else None."""
        bounds = self._support_bounds()
        if bounds is None or not (np.isfinite(bounds[0]) or np.isfinite(bounds[1])):
            return None
        return bounds

    def _support_bounds(self):
        # checked at fit against the _SupportPair constraint
        return None if self.support is None else _parse_support(self.support)

    def _n_bits(self):
        return getattr(self, "n_bits_", None)

    def _spec(self):
        # a bounded Dalap's location is parametrised inside the support unless a link is chosen
        inside = self.distribution == "dalap" and self.location_link is None
        base = IntegerSpec(self.distribution, n_bits=self._n_bits(), location_link=self.location_link,
                           bounds=self._dalap_bounds() if inside else None)
        if self.n_components > 1:
            return MixtureSpec(base, int(self.n_components))
        return base

    def _covariates(self):
        spec = self._spec()
        out = {}
        for p, role in zip(spec.parameters, spec.roles):
            if role == "location":
                out[p.name] = "all"
            elif role == "shape":
                out[p.name] = covariate_choice(self.shape_covariates)
            elif role == "zero":
                out[p.name] = covariate_choice(self.zero_covariates)
            else:
                out[p.name] = "intercept"
        return out

    def _formula_keyword(self, pname):
        spec = self._spec()
        role = dict(zip([p.name for p in spec.parameters], spec.roles)).get(pname)
        return {"location": "formula", "shape": "shape_formula", "zero": "zero_formula"}.get(role)

    def _model_name(self):
        k = f", n_components={self.n_components}" if self.n_components > 1 else ""
        return f"IntegerRegressor({self.distribution!r}{k})"

    # ------------------------------------------------------------------ penalty, bounds, limits
    def _penalty(self):
        """The penalty strength that ``penalizer`` stands for (None: plain maximum likelihood)."""
        pen = self.penalizer
        if isinstance(pen, str):  # "auto", the only string its constraint allows
            return AUTO_RIDGE if (self.distribution == "bitwise" or self.n_components > 1) else None
        return pen

    def _default_max_iter(self):
        # mixture likelihoods converge slowly (see Notes)
        return 3000 if self.n_components > 1 else 500

    def _bounds(self):
        # the engine applies these to intercept-only parameters; the optimiser then stops at a
        # finite point when the likelihood keeps rising towards a limit of the family
        if self.distribution in _POISSON_LIMIT:
            name, floor = "alpha", float(np.log(ALPHA_FLOOR))
        elif self.distribution == "dalap":
            name, floor = "gamma", float(special.logit(GAMMA_FLOOR))
        else:
            return None
        return {p.name: (floor, None) for p in self._spec().parameters
                if p.name == name or p.name.startswith(name + "_")}

    def _maximize(self, spec, designs, data, w, options):
        if self.distribution == "bitwise" and not isinstance(spec, MixtureSpec):
            fit = self._maximize_bits(designs, data, w, options)
        elif isinstance(spec, MixtureSpec):
            fit = self._maximize_mixture(spec, designs, data, w, options)
        else:
            fit = super()._maximize(spec, designs, data, w, options)
            fit.integer_limits = []
        if isinstance(spec, MixtureSpec):
            fit.integer_limits += self._mixture_limits(spec, designs, data, w, options, fit)
            return fit
        if self.distribution in _POISSON_LIMIT:
            fit = self._alpha_limit(spec, designs, data, w, options, fit)
        if self.distribution in _WITHOUT_ZEROS:
            fit.integer_limits += self._pi_limit(spec, designs, data, w, options, fit)
        if self.distribution in ("hurdle_poisson", "hurdle_negbin"):
            fit.integer_limits += self._hurdle_zero_limit(spec, designs, data, w, options, fit)
        return fit

    def _maximize_bits(self, designs, data, w, options):
        """The Bitwise likelihood separates into one logistic regression per bit."""
        from scipy.linalg import block_diag

        from ..likelihood import LikelihoodFit, maximize_likelihood

        v = (data["y"] - data["low"]).astype(np.int64)
        one_bit = IntegerSpec("bitwise", n_bits=1)
        pen = options.get("penalty")
        penalty_strengths(pen, self._spec(), designs)  # the per-bit fits below see one name each
        fits, limits, terms = [], [], []
        for j, d in enumerate(designs):
            bit = ((v >> j) & 1).astype(float)
            opts = dict(options)
            if isinstance(pen, dict):
                opts["penalty"] = {"bit0": _strength(pen, f"bit{j}")}
            f = maximize_likelihood(one_bit, [d], {"y": bit, "low": np.zeros(bit.shape[0])}, w, **opts)
            named = [t.replace("bit0[", f"bit{j}[", 1) for t in f.cause_terms]
            # the engine spots separation by a singular information; a completely separated bit
            # can stop where the information is still numerically definite, with fitted
            # probabilities at 0 or 1: either way the linear programme decides
            suspicious = f.cause == "separation" or np.max(np.abs(d.linear_predictor(f.coef))) > 15.0
            # a penalised bit has finite estimates whatever the data
            report = _separation_report(j, bit, d, w) if suspicious and not _strength(pen, f"bit{j}") else None
            if report is not None:
                limits.append(report)
                named = [report.parameter]
                f.converged = False
                f.cause = "separation"
            fits.append(f)
            terms += named
        slices, start = [], 0
        for d in designs:
            slices.append(slice(start, start + d.n_coef))
            start += d.n_coef
        causes = [f.cause for f in fits if f.cause is not None]
        cause = "separation" if "separation" in causes else (causes[0] if causes else None)
        messages = sorted({f.message for f in fits if f.cause is not None})
        fit = LikelihoodFit(
            coef=np.concatenate([f.coef for f in fits]), vcov=block_diag(*[f.vcov for f in fits]),
            loglik=float(sum(f.loglik for f in fits)), converged=all(f.converged for f in fits),
            message="; ".join(messages) if messages else "converged", n_iter=sum(f.n_iter for f in fits),
            slices=slices, gradient_norm=max(f.gradient_norm for f in fits), n_starts=fits[0].n_starts,
            at_bound=np.concatenate([f.at_bound for f in fits]), cause=cause, cause_terms=terms,
            penalized_loglik=float(sum(f.penalized_loglik for f in fits)),
            zero=np.concatenate([f.zero for f in fits]),
        )
        fit.integer_limits = limits
        return fit

    #: mixtures: random starts screened, iterations of each screening run, and how many of the
    #: best screened runs are continued to convergence
    _MIXTURE_STARTS = 12
    _SCREEN_ITER = 100
    _CONTINUE = 2
    _SCREEN_PENALTY = 1e-2

    def _maximize_mixture(self, spec, designs, data, w, options):
        """Screen many starts with short runs, then continue the best ones to convergence.

        A mixture likelihood has many local maxima (and K! relabellings of each); one run from
        one start ends in whichever basin it starts in. The starts are the spec's own (quantile
        spread, a split of the rows by the rank of y) plus random perturbations of the split
        (fixed seed, so fits are reproducible); each gets ``_SCREEN_ITER`` quasi-Newton
        iterations under a ridge of at least ``_SCREEN_PENALTY``, and the ``_CONTINUE`` best are
        continued with the requested penalty and the full ``max_iter``.
        """
        from ..likelihood import maximize_likelihood

        spec.n_random_starts = 0
        starts = spec.start_values(designs, data, w)
        rng = np.random.default_rng(0)
        split = starts[-1]
        for _ in range(self._MIXTURE_STARTS - len(starts)):
            starts.append([np.asarray(e, float) + rng.normal(0.0, 1.0, np.shape(e)) for e in split])
        bounds = self._bounds()
        screen = dict(options, max_iter=min(self._SCREEN_ITER, options["max_iter"]), warn=False)
        pen = options.get("penalty")
        if not isinstance(pen, dict):
            # a firmer ridge while screening smooths away many shallow local maxima; the
            # continued runs maximise the likelihood with the requested penalty
            screen["penalty"] = max(float(pen or 0.0), self._SCREEN_PENALTY)
        runs = []
        for st in starts:
            try:
                f = maximize_likelihood(spec, designs, data, w, starts=[st], bounds=bounds, **screen)
            except ValueError:  # not finite at this start
                continue
            if np.isfinite(f.penalized_loglik):
                runs.append(f)
        if not runs:
            return maximize_likelihood(spec, designs, data, w, bounds=bounds, **options)
        runs.sort(key=lambda f: -f.penalized_loglik)
        best = None
        for f in runs[: self._CONTINUE]:
            st = [f.coef[sl] for sl in f.slices]
            g = maximize_likelihood(spec, designs, data, w, starts=[st], bounds=bounds, **options)
            if best is None or g.penalized_loglik > best.penalized_loglik:
                best = g
        best = self._settle_at_floor(spec, designs, data, w, options, bounds, best)
        best.n_starts = len(starts)
        best.integer_limits = []
        return best

    def _settle_at_floor(self, spec, designs, data, w, options, bounds, fit):
        """Move a component heading for γ → 0 or α → 0 onto the floor, if that is no worse.

        The score of such a parameter vanishes with it, so quasi-Newton runs stop short of the
        limit at a point that depends on the start; restarting from the floor gives the limit
        itself (reproducibly) whenever the likelihood there is at least as high.
        """
        from ..likelihood import maximize_likelihood

        if not bounds:
            return fit
        coef = fit.coef.copy()
        moved = False
        for p, d, sl in zip(spec.parameters, designs, fit.slices):
            if p.name not in bounds or not (d.n_coef == 1 and d.intercept == 0):
                continue
            value = _inverse_link(p.link, coef[sl])[0]
            if value < 1e-3 and coef[sl][0] > bounds[p.name][0]:
                coef[sl] = bounds[p.name][0]
                moved = True
        if not moved:
            return fit
        try:
            g = maximize_likelihood(spec, designs, data, w, starts=[[coef[sl] for sl in fit.slices]],
                                    bounds=bounds, **options)
        except ValueError:
            return fit
        return g if g.penalized_loglik >= fit.penalized_loglik - 1e-9 * abs(fit.penalized_loglik) else fit

    def _sub_fit(self, family, drop, designs, data, w, options, spec):
        """Fit the special case ``family`` on the designs of ``spec`` without parameters ``drop``."""
        from ..likelihood import maximize_likelihood

        names = [p.name for p in spec.parameters]
        keep = [i for i, n in enumerate(names) if n not in drop]
        opts = dict(options, warn=False)
        pen = opts.get("penalty")
        if isinstance(pen, dict):
            opts["penalty"] = {k: v for k, v in pen.items() if k not in drop}
        sub = IntegerSpec(family)
        return maximize_likelihood(sub, [designs[i] for i in keep], data, w, **opts), keep

    def _alpha_limit(self, spec, designs, data, w, options, fit):
        """α → 0: the fit is the Poisson counterpart when the likelihood peaks at the limit."""
        names = [p.name for p in spec.parameters]
        ia = names.index("alpha")
        eta = linear_predictors(designs, fit.coef, fit.slices)
        alpha = np.exp(eta[:, ia])
        mu = np.exp(eta[:, names.index("mu")])
        # only a dispersion that is already negligible against the mean can be running to 0
        if np.max(alpha * np.maximum(mu, 1.0)) > 1e-3:
            return fit
        family = _POISSON_LIMIT[self.distribution]
        sub, keep = self._sub_fit(family, {"alpha"}, designs, data, w, options, spec)
        coef = fit.coef.copy()
        floor = float(np.log(ALPHA_FLOOR))
        d_alpha = designs[ia]
        intercept_only = d_alpha.n_coef == 1 and d_alpha.intercept == 0
        for i_sub, i in enumerate(keep):
            coef[fit.slices[i]] = sub.coef[sub.slices[i_sub]]
        if intercept_only:
            coef[fit.slices[ia]] = floor - (0.0 if d_alpha.offset is None else float(np.mean(d_alpha.offset)))
        # the score for α at α = 0 (the kernels are exact there): <= 0 means the likelihood falls
        # as soon as α leaves the limit, so the limit is the maximum over α >= 0
        eta0 = linear_predictors(designs, coef, fit.slices)
        theta = np.column_stack([_inverse_link(p.link, eta0[:, j]) for j, p in enumerate(spec.parameters)])
        theta[:, ia] = 0.0
        _, g, _ = spec._kernel(theta, data)
        score = float(np.dot(w, g[:, ia]))
        if score > 0:
            return fit
        label = {"poisson": "Poisson", "zip": "zero-inflated Poisson", "hurdle_poisson": "Poisson hurdle"}[family]
        if not intercept_only:
            fit.integer_limits.append(LimitReport(
                "alpha", "α → 0", family, sub.loglik, "boundary",
                f"α runs to 0 in every row: the counts are not over-dispersed (score for α at the "
                f"{label} fit {score:.3g} <= 0); the {label} fit has log-likelihood {sub.loglik:.4f}. "
                f"Fit distribution={family!r} instead."))
            return fit
        from ..likelihood import LikelihoodFit

        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ll, _ = spec.loglik(eta0 + 0.0, data)
        loglik = float(np.dot(w, ll))
        vcov = np.full(fit.vcov.shape, np.nan)
        idx = np.concatenate([np.arange(fit.slices[i].start, fit.slices[i].stop) for i in keep])
        vcov[np.ix_(idx, idx)] = sub.vcov
        at_bound = np.zeros(coef.shape, bool)
        at_bound[fit.slices[ia]] = True
        zero = np.zeros(coef.shape, bool)
        if sub.zero is not None:
            zero[idx] = sub.zero
        new = LikelihoodFit(
            coef=coef, vcov=vcov, loglik=loglik, converged=False,
            message=f"alpha[Intercept] reached its bound log({ALPHA_FLOOR:g}) (the Poisson limit α → 0)",
            n_iter=fit.n_iter + sub.n_iter, slices=fit.slices, gradient_norm=sub.gradient_norm,
            n_starts=fit.n_starts, at_bound=at_bound, cause="boundary", cause_terms=["alpha[Intercept]"],
            penalized_loglik=loglik + (sub.penalized_loglik - sub.loglik), zero=zero,
        )
        new.integer_limits = [LimitReport(
            "alpha", "α → 0", family, sub.loglik, "boundary",
            f"α ran to 0 (held at its floor {ALPHA_FLOOR:g}): the counts are not over-dispersed "
            f"(score for α at the {label} fit {score:.3g} <= 0), so the maximum is the {label} model, "
            f"reported here (log-likelihood {sub.loglik:.4f}). Fit distribution={family!r} instead.")]
        return new

    def _pi_limit(self, spec, designs, data, w, options, fit):
        """π → 0 in every row: no excess zeros, the model is the plain count model."""
        names = [p.name for p in spec.parameters]
        ip = names.index("pi")
        pi = special.expit(linear_predictors(designs, fit.coef, fit.slices)[:, ip])
        if np.max(pi) > 1e-6:
            return []
        at_alpha_limit = any(r.parameter == "alpha" for r in fit.integer_limits)
        family = "poisson" if at_alpha_limit else _WITHOUT_ZEROS[self.distribution]
        drop = {"pi", "alpha"} if at_alpha_limit else {"pi"}
        sub, _ = self._sub_fit(family, drop, designs, data, w, options, spec)
        label = {"poisson": "Poisson", "negbin": "negative binomial"}[family]
        return [LimitReport(
            "pi", "π → 0", family, sub.loglik, "boundary",
            f"the zero-inflation π runs to 0 in every row (largest fitted π {np.max(pi):.1e}): there are "
            f"no excess zeros, and the {label} fit (log-likelihood {sub.loglik:.4f}) is the model. "
            f"Fit distribution={family!r} instead.")]

    def _hurdle_zero_limit(self, spec, designs, data, w, options, fit):
        """The hurdle's zero part P(Y = 0) predicted perfectly: π → 0 (or 1) in some rows.

        The zero part is a logistic regression of 1{y = 0} that separates from the count part,
        so the linear programme of :func:`~distreg.likelihood.limits.separating_direction` decides exactly whether its
        estimates are finite. Without any zero π → 0 everywhere: the model is the zero-truncated
        count part, whose log-likelihood is the fit's without the vanishing Σ log(1 - π).
        """
        if _strength(options.get("penalty"), "pi"):
            return []  # a penalised zero part has finite estimates whatever the data
        ip = [p.name for p in spec.parameters].index("pi")
        zero = (data["y"] == 0).astype(float)
        if not np.any(zero[w > 0] == 0):
            return []  # only zeros: nothing for the count part, left to the engine's verdict
        count = "zero-truncated " + ("Poisson" if self.distribution == "hurdle_poisson" else "negative binomial")
        if not np.any(zero[w > 0]):
            pi = special.expit(linear_predictors(designs, fit.coef, fit.slices)[:, ip])
            ll = float(fit.loglik - np.dot(w, np.log1p(-pi)))
            fit.converged = False
            return [LimitReport(
                "pi", "π → 0", count, ll, "boundary",
                f"the data have no zeros, so the hurdle's P(Y = 0) runs to 0 in every row: the model is "
                f"the {count} count part alone (log-likelihood {ll:.4f}).")]
        found = separating_direction(designs[ip], zero, w)
        if found is None:
            return []
        b, n_perfect = found
        names = [f"pi[{c}]" for c, v in zip(designs[ip].columns, b) if abs(v) > 1e-6 * np.abs(b).max()]
        named = [t for t in names if t != "pi[Intercept]"] or names
        fit.converged = False
        return [LimitReport(
            named[0], "± infinity", None, None, "separation",
            f"the zeros are predicted perfectly (separation: at least {n_perfect} rows get P(Y = 0) of 0 or "
            f"1 in the limit) and the zero-part coefficients {', '.join(named)} run to ±∞. Use a "
            "penalizer on 'pi' (e.g. penalizer={'pi': 1e-3}) for finite estimates.")]

    def _mixture_limits(self, spec, designs, data, w, options, fit):
        """Collapsed components: a weight running to 0 (one component fewer), a Dalap γ running to 0
        (a point mass), an NB2 α running to 0 (a Poisson component)."""
        names = [p.name for p in spec.parameters]
        logits = np.array([0.0] + [float(fit.coef[fit.slices[names.index(f"w_{k}")]][0])
                                   for k in range(2, spec.K + 1)])
        weights = np.exp(logits - special.logsumexp(logits))
        out = []
        for k in np.flatnonzero(weights < 1e-6):
            out.append(LimitReport(
                f"w_{k + 1}", f"weight of component {k + 1} → 0", f"{spec.K - 1} components", None,
                "boundary",
                f"the weight of component {k + 1} runs to 0 ({weights[k]:.1e}): the data support "
                f"{spec.K - 1} component(s); fit n_components={spec.K - 1}."))
        # a component whose shape parameter runs to its floor has collapsed onto its limit (the
        # optimiser may stop short of the floor: the likelihood is flat there to rounding)
        eta = linear_predictors(designs, fit.coef, fit.slices)
        for j, p in enumerate(spec.parameters):
            base, k = p.name.rsplit("_", 1) if "_" in p.name else (p.name, "")
            if base not in ("gamma", "alpha"):
                continue
            value = _inverse_link(p.link, eta[:, j])
            if np.max(value) > (1e-6 if base == "gamma" else 1e-8):
                continue
            if base == "gamma":
                mu = eta[:, names.index(f"mu_{k}")]
                mu = _inverse_link(spec.base.parameters[0].link, mu)
                if spec.base.location_map is not None:
                    mu = spec.base.location_map[1] + spec.base.location_map[0] * mu
                where = np.unique(np.where(mu - np.floor(mu) <= 0.5, np.floor(mu), np.floor(mu) + 1))
                at = (f"the integer {where[0]:g}" if where.size == 1 else
                      "the integer nearest μ in each row (" + ", ".join(f"{v:g}" for v in where[:6]) + ")")
                out.append(LimitReport(
                    p.name, "γ → 0", "point mass", None, "boundary",
                    f"component {k} collapsed onto a point mass at {at} (γ_{k} = {np.max(value):.1e} "
                    "runs to 0; its location is then determined only up to rounding); the model is a "
                    "mixture of that point mass and the other component(s)" + (" (a zero-inflated Dalap)." if where.size == 1 and where[0] == 0 else ".")))
            elif base == "alpha":
                out.append(LimitReport(
                    p.name, "α → 0", "poisson component", None, "boundary",
                    f"the dispersion α_{k} of component {k} runs to 0 ({np.max(value):.1e}): that "
                    "component is a Poisson."))
        return out

    def _limits(self, fit, designs, data, w):
        reports = list(getattr(fit, "integer_limits", []))
        if not reports and self.distribution == "dalap" and self.n_components == 1:
            reports = self._dalap_bound_limits(fit, designs)
        if reports:
            return reports
        return super()._limits(fit, designs, data, w)

    def _dalap_bound_limits(self, fit, designs):
        """A bounded Dalap whose location runs to (or beyond) a bound: the geometric decay from it."""
        bounds = self._dalap_bounds()
        if bounds is None:
            return []
        spec = self._spec()
        eta = linear_predictors(designs, fit.coef, fit.slices)[:, 0]
        mu = _inverse_link(spec.parameters[0].link, eta)
        if spec.location_map is not None:
            mu = spec.location_map[1] + spec.location_map[0] * mu
        lo, hi = bounds
        # within a millionth of a unit of the bound the pmf is the limit's to that precision
        below = mu <= lo + 1e-6
        above = mu >= hi - 1e-6
        n_at = max(int(below.sum()), int(above.sum()))
        if n_at == 0:
            return []
        if spec.location_map is None and fit.converged and n_at < mu.shape[0]:
            # a linear μ clamped at the bound in some rows is still determined by the others
            return []
        side, count = ("lower", int(below.sum())) if below.sum() >= above.sum() else ("upper", int(above.sum()))
        bound = lo if side == "lower" else hi
        detail = "" if fit.converged else f" ({fit.message})"
        if spec.location_map is not None:
            text = (f"μ runs to the {side} bound {bound:g} in {count} rows: there the pmf is the geometric "
                    f"decay from {bound:g}, which the location reaches only as its linear predictor runs "
                    f"to ±∞{detail}.")
        else:
            text = (f"μ reaches or passes the {side} bound {bound:g} in {count} rows, where every μ "
                    f"beyond it gives the same pmf (a geometric decay from {bound:g}): the coefficients "
                    f"that only move those rows are not determined{detail}. location_link=None keeps μ "
                    "inside the support.")
        return [LimitReport("mu", f"μ → {side} bound", "geometric", None, "boundary", text)]

    def _check_degenerate(self, data, w):
        log_mean = self.distribution in _LOG_MEAN or self.location_link == "log"
        if log_mean and not (data["y"][w > 0] != 0).any():
            raise ValueError(
                f"y is 0 in every row: the maximum-likelihood mean of distribution={self.distribution!r} "
                "is then 0, which its log link reaches only as the intercept runs to -infinity, so there "
                "is nothing to fit (every prediction is a point mass at 0). Pass data with non-zero counts."
            )

    def _theta(self, X, offsets=None):
        theta = super()._theta(X, offsets)
        spec = self._spec()
        base = spec.base if isinstance(spec, MixtureSpec) else spec
        if base.location_map is not None:
            # the bounded Dalap's location is fitted on its own scale inside the support
            scale, offset = base.location_map
            for name in theta:
                if name == "mu" or name.startswith("mu_"):
                    theta[name] = offset + scale * np.asarray(theta[name], float)
        return theta

    # ------------------------------------------------------------------ data
    def _response(self, y, n, exposure=None, offset=None, **fit_params):
        if fit_params:
            raise TypeError(f"fit() got unexpected keyword arguments {sorted(fit_params)}.")
        y = _check_integer_y(y)
        if y.shape[0] != n:
            raise ValueError(f"y has {y.shape[0]} entries but X has {n} rows; pass one y per row of X.")
        nonneg = FAMILIES[self.distribution][2]
        if nonneg and (y < 0).any():
            raise ValueError(
                f"y has negative values (minimum {y.min():g}) but distribution="
                f"{self.distribution!r} is for counts 0, 1, 2, ...; use 'dalap', 'dnormal', "
                "'dlaplace', 'danorm' or 'bitwise' for integers of any sign."
            )
        bounds = self._support_bounds()
        if bounds is not None:
            lo, hi = bounds
            out = (y < lo) | (y > hi)
            if out.any():
                raise ValueError(
                    f"y has {int(out.sum())} values outside support={self.support!r} (e.g. "
                    f"{y[out][0]:g}); widen the support or remove those rows."
                )
            if nonneg and lo < 0:
                raise ValueError(f"support {self.support!r} reaches below 0 but {self.distribution!r} is a count family.")
        data = {"y": y}
        if self.distribution == "dalap":
            lo, hi = bounds if bounds is not None else (-np.inf, np.inf)
            data["lower"] = np.full(n, lo)
            data["upper"] = np.full(n, hi)
        if self.distribution == "bitwise":
            if bounds is not None and np.isfinite(bounds[0]) and np.isfinite(bounds[1]):
                lo, hi = bounds
            else:
                lo = min(0.0, float(y.min())) if bounds is None or not np.isfinite(bounds[0]) else bounds[0]
                hi = float(y.max())
            self.bitwise_low_ = int(lo)
            self.n_bits_ = max(1, int(hi - lo).bit_length())
            data["low"] = np.full(n, float(lo))
        log_off = self._log_offset(exposure, offset, n)
        if log_off is not None:
            data["log_offset"] = log_off
        return data

    def _log_offset(self, exposure, offset, n, rows="X"):
        if exposure is None and offset is None:
            return None
        if self.distribution not in _LOG_MEAN and self.location_link != "log":
            raise ValueError(
                f"exposure/offset act on a log mean; distribution={self.distribution!r} has an "
                f"identity-link location. Use one of {sorted(_LOG_MEAN)} or add log(exposure) to X."
            )
        total = np.zeros(n)
        if exposure is not None:
            e = check_1d(exposure, "exposure")
            if e.shape[0] != n:
                raise ValueError(f"exposure has {e.shape[0]} entries but {rows} has {n} rows; pass one per row.")
            if (e <= 0).any():
                raise ValueError("exposure must be positive (it enters as log(exposure)); "
                                 f"{int((e <= 0).sum())} entries are <= 0.")
            total += np.log(e)
        if offset is not None:
            o = check_1d(offset, "offset")
            if o.shape[0] != n:
                raise ValueError(f"offset has {o.shape[0]} entries but {rows} has {n} rows; pass one per row.")
            total += o
        return total

    def _design_offsets(self, data):
        if "log_offset" not in data:
            return {}
        spec = self._spec()
        return {p.name: data["log_offset"] for p, r in zip(spec.parameters, spec.roles)
                if r == "location" and p.name.startswith("mu")}

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y, sample_weight=None, exposure=None, offset=None):
        """Fit by maximum likelihood.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n, p)
        y : array-like, shape (n,)
            Integer outcomes (a float array with integral values is accepted).
        sample_weight : array-like, shape (n,), optional
            Non-negative frequency weights.
        exposure : array-like, shape (n,), optional
            Positive exposures; log(exposure) is added to the log mean (count families).
        offset : array-like, shape (n,), optional
            Known offset added to the log mean.

        Returns
        -------
        self
        """
        return super().fit(X, y, sample_weight=sample_weight, exposure=exposure, offset=offset)

    _formula_response_keywords = ("exposure", "offset")

    def _formula_response(self, formula, data, fit_params=None, exposure=None, offset=None):
        # from_formula: ``shape_formula``/``zero_formula`` give the other parameters' designs;
        # without a zero_formula the zero part uses the main right-hand side (as pscl), without
        # a shape_formula the shape is intercept-only unless shape_covariates=True
        from .._formula import response_from_formula

        y, yname = response_from_formula(formula, data)
        extra = dict(fit_params or {})
        exposure = extra.pop("exposure", exposure)
        offset = extra.pop("offset", offset)
        return self._response(y, len(y), exposure=exposure, offset=offset, **extra), [yname]

    # ------------------------------------------------------------------ prediction
    def _distribution(self, theta):
        spec = self._spec()
        if isinstance(spec, MixtureSpec):
            base_names = [p.name for p in spec.base.parameters]
            comps = [self._single({b: theta[f"{b}_{k}"] for b in base_names})
                     for k in range(1, spec.K + 1)]
            n = len(comps[0])
            logits = np.column_stack([np.zeros(n)] + [theta[f"w_{k}"] for k in range(2, spec.K + 1)])
            w = np.exp(logits - logits.max(axis=1, keepdims=True))
            return Mixture(comps, w / w.sum(axis=1, keepdims=True))
        return self._single(theta)

    def _single(self, t):
        fam = self.distribution
        with np.errstate(over="ignore"):
            if fam == "poisson":
                return Poisson(t["mu"])
            if fam == "negbin":
                return NegativeBinomial(t["mu"], t["alpha"])
            if fam == "genpoisson":
                return GeneralizedPoisson(t["mu"], t["xi"])
            if fam == "dnormal":
                return DiscretizedNormal(t["mu"], t["sigma"])
            if fam == "dlaplace":
                return DiscretizedLaplace(t["mu"], t["b"])
            if fam == "dalap":
                bounds = self._support_bounds() or (-np.inf, np.inf)
                return Dalap(t["mu"], t["gamma"], lower=bounds[0], upper=bounds[1])
            if fam == "danorm":
                return Danorm(t["mu"], t["sigma"])
            if fam == "bitwise":
                logits = np.column_stack([t[f"bit{j}"] for j in range(self.n_bits_)])
                return Bitwise(logits, low=self.bitwise_low_)
            if fam == "zip":
                return ZeroInflated(Poisson(t["mu"]), t["pi"])
            if fam == "zinb":
                return ZeroInflated(NegativeBinomial(t["mu"], t["alpha"]), t["pi"])
            if fam == "hurdle_poisson":
                return Hurdle(Poisson(t["mu"]), t["pi"])
            return Hurdle(NegativeBinomial(t["mu"], t["alpha"]), t["pi"])

    def _offsets_for(self, X, exposure, offset):
        if exposure is None and offset is None:
            return None
        n = len(X) if hasattr(X, "__len__") else np.asarray(X).shape[0]
        log_off = self._log_offset(exposure, offset, n)
        spec = self._spec()
        return {p.name: log_off for p, r in zip(spec.parameters, spec.roles)
                if r == "location" and p.name.startswith("mu")}

    def predict_distribution(self, X, exposure=None, offset=None):
        """The predicted distribution (a discrete :class:`~distreg.distributions.Distribution`)."""
        check_is_fitted(self)
        return self._distribution(self._theta(X, offsets=self._offsets_for(X, exposure, offset)))

    def predict(self, X, exposure=None, offset=None):
        """Point prediction per row: predictive mean, median or mode (``point``)."""
        check_is_fitted(self)
        point = self._checked_point()
        d = self.predict_distribution(X, exposure=exposure, offset=offset)
        if point == "mean":
            return d.mean()
        if point == "median":
            return d.median()
        return d.mode()

    def predict_pmf(self, X, values, exposure=None, offset=None):
        """Predicted probabilities of the integers ``values`` for each row: shape (n, k)."""
        check_is_fitted(self)
        v = _check_integer_y(values, "values")
        return self.predict_distribution(X, exposure=exposure, offset=offset).pmf(v[None, :])

    def score_samples(self, X, y, exposure=None, offset=None):
        """Log predictive mass (nats) of each y."""
        check_is_fitted(self)
        d = self.predict_distribution(X, exposure=exposure, offset=offset)
        y = _check_integer_y(y)
        if y.shape[0] != len(d):
            raise ValueError(f"y has {y.shape[0]} entries but X has {len(d)} rows.")
        return d.logpmf(y)

    def score(self, X, y, sample_weight=None, exposure=None, offset=None):
        """Weighted mean log predictive mass in nats (higher is better)."""
        ll = self.score_samples(X, y, exposure=exposure, offset=offset)
        w = check_sample_weight(sample_weight, ll.shape[0])
        with np.errstate(invalid="ignore"):
            return float(np.dot(w, ll) / w.sum())

    def score_bits(self, X, y, sample_weight=None, exposure=None, offset=None):
        """Weighted mean log2 predictive mass: minus the bits per observation (higher is better)."""
        return float(self.score(X, y, sample_weight=sample_weight, exposure=exposure, offset=offset) / _LN2)
