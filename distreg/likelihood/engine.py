"""The multi-parameter maximum-likelihood engine shared by every parametric family.

Each distribution parameter j has a design matrix D_j (n × p_j), coefficients β_j and an optional
offset, so η_j = D_j β_j + offset_j. The engine maximises Σ_i w_i ℓ_i(η_i) with the family's
analytic score: L-BFGS-B (with bounds) from each starting point, then Newton steps on the observed
information to polish the optimum to machine precision. Standard errors come from the inverse
observed information at the optimum.

Optionally the log-likelihood is penalised (ridge, lasso or elastic net on the column-scaled
coefficients, intercepts unpenalised; see :func:`maximize_likelihood`). A fit is reported as
converged only at an interior maximum: no coefficient at a bound, a vanishing score and a
positive-definite information matrix. Otherwise :class:`LikelihoodFit` carries the diagnosed
cause (a bound, separation, a flat direction, or the iteration limit).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, optimize

from .._validation import check_int, check_positive_scalar, check_sample_weight
from ..exceptions import ConvergenceWarning, NumericalWarning
from .spec import LikelihoodSpec

__all__ = ["Design", "LikelihoodFit", "MAX_MAGNITUDE", "linear_predictors", "maximize_likelihood",
           "penalty_strengths", "take_rows"]

#: the largest magnitude of a covariate, response or penalty strength that a fit accepts: the
#: computations square such numbers (column spreads, the information matrix, Gaussian residuals,
#: the ridge term), which overflows beyond about 1.3e154 in double precision; the margin leaves
#: room for sums over rows
MAX_MAGNITUDE = 1e150


@dataclass
class Design:
    """The design of one parameter: matrix, column names, intercept position and offset.

    A parameter with a zero-column matrix is fixed at its offset (how nested special cases fix a
    parameter of a larger family).
    """

    matrix: np.ndarray
    columns: list = field(default_factory=list)
    intercept: int | None = None
    offset: np.ndarray | None = None

    @property
    def n_coef(self) -> int:
        return self.matrix.shape[1]

    @classmethod
    def fixed(cls, n: int, value: float) -> "Design":
        """A parameter held at η = ``value`` in all ``n`` rows (no coefficients).

        Examples
        --------
        >>> Design.fixed(2, 0.5).offset
        array([0.5, 0.5])
        """
        return cls(np.zeros((n, 0)), [], None, np.full(n, float(value)))

    def linear_predictor(self, coef) -> np.ndarray:
        """η = offset + matrix @ coef for this parameter's coefficients (n,)."""
        eta = np.zeros(self.matrix.shape[0]) if self.offset is None else np.asarray(self.offset, float) + 0.0
        return eta + self.matrix @ np.asarray(coef, float) if self.n_coef else eta


def take_rows(designs, data, weights, rows):
    """The fitting problem restricted to ``rows`` (indices or a mask): designs, data dict, weights.

    Arrays of the data dict with one entry per row are subset; anything else is kept.

    Examples
    --------
    >>> d, data, w = take_rows([Design(np.eye(3), ["a", "b", "c"])], {"y": np.arange(3.0)}, np.ones(3), [0, 2])
    >>> d[0].matrix.shape, data["y"]
    ((2, 3), array([0., 2.]))
    """
    n = weights.shape[0]
    designs = [Design(np.asarray(d.matrix)[rows], d.columns, d.intercept,
                      None if d.offset is None else np.asarray(d.offset)[rows]) for d in designs]
    data = {k: (v[rows] if isinstance(v, np.ndarray) and v.shape[:1] == (n,) else v) for k, v in data.items()}
    return designs, data, weights[rows]


def linear_predictors(designs, coef, slices) -> np.ndarray:
    """η (n, P) of every parameter at the coefficient vector ``coef`` (a fit's ``coef``, ``slices``)."""
    return np.column_stack([d.linear_predictor(coef[sl]) for d, sl in zip(designs, slices)])


@dataclass
class LikelihoodFit:
    """What :func:`maximize_likelihood` returns (coefficients on the original design scale)."""

    coef: np.ndarray
    vcov: np.ndarray
    loglik: float
    converged: bool
    message: str
    n_iter: int
    slices: list
    gradient_norm: float
    n_starts: int
    #: per coefficient: held at a bound given to the engine
    at_bound: np.ndarray = None
    #: None for a converged fit, else "boundary", "separation", "flat" or "iterations"
    cause: str | None = None
    #: "parameter[term]" names of the coefficients that the diagnosis concerns
    cause_terms: list = field(default_factory=list)
    #: the penalised log-likelihood that was maximised (equal to loglik without a penalty)
    penalized_loglik: float = np.nan
    #: per coefficient: set exactly to zero by an L1 penalty
    zero: np.ndarray = None


class _Objective:
    """Weighted log-likelihood and its gradient in the (column-scaled) coefficient vector."""

    # above this many coefficients, BLAS block products beat the one-pass numba assembly
    _ONE_PASS_MAX_COEF = 24

    def __init__(self, spec, designs, data, weights):
        self.spec = spec
        self.data = data
        self.w = weights
        self.wsum = weights.sum()
        n = weights.shape[0]
        mats, self.scales, self.slices, par = [], [], [], []
        start = 0
        for j, d in enumerate(designs):
            m = np.asarray(d.matrix, dtype=float)
            # scale non-constant columns to unit spread so that the optimiser sees a
            # well-conditioned problem; coefficients are scaled back at the end
            sd = m.std(axis=0) if m.shape[0] > 1 else np.ones(m.shape[1])
            s = np.where(sd > 0, sd, 1.0)
            if d.intercept is not None:
                s[d.intercept] = 1.0
            mats.append(m / s)
            self.scales.append(s)
            self.slices.append(slice(start, start + m.shape[1]))
            par += [j] * m.shape[1]
            start += m.shape[1]
        self.n_coef = start
        # all free coefficients' columns side by side, in coefficient order; parameter j's
        # design is the view M[:, slices[j]]
        self.M = np.ascontiguousarray(np.hstack(mats)) if mats else np.zeros((n, 0))
        self.par = np.asarray(par, dtype=np.int64)
        self.active = [j for j, m in enumerate(mats) if m.shape[1]]
        self.mats = [self.M[:, sl] for sl in self.slices]
        # η is kept as (P, n) so that each parameter's column of the (n, P) view is contiguous
        # (the family kernels take one contiguous array per parameter)
        self.offsets_t = np.zeros((len(designs), n))
        for j, d in enumerate(designs):
            if d.offset is not None:
                self.offsets_t[j] = d.offset
        self.scale_vector = np.concatenate(self.scales) if self.scales else np.zeros(0)
        # unit weights (the common case) need no multiplications
        self.unit_weights = bool(np.all(weights == 1.0))
        self._last = None
        # penalty strength per (column-scaled) coefficient and the lasso share of it
        self.pen = np.zeros(self.n_coef)
        self.l1_ratio = 0.0

    @property
    def penalized(self) -> bool:
        return bool(self.pen.any())

    def penalty(self, beta):
        """Σ_k pen_k ((1 - a)/2 b_k² + a |b_k|) and its (sub)gradient (sign(0) = 0)."""
        a = self.l1_ratio
        value = float(np.sum(self.pen * ((1 - a) / 2 * beta * beta + a * np.abs(beta))))
        return value, self.pen * ((1 - a) * beta + a * np.sign(beta))

    def objective(self, beta):
        """What is maximised: Σ w ℓ minus Σ w times the penalty, with its gradient."""
        total, grad = self.value_and_grad(beta)
        if not self.penalized:
            return total, grad
        pv, pg = self.penalty(beta)
        return total - self.wsum * pv, grad - self.wsum * pg

    def objective_hessian(self, beta):
        H = self.hessian(beta)
        if self.penalized:
            H[np.diag_indices_from(H)] -= self.wsum * self.pen * (1 - self.l1_ratio)
        return H

    def eta(self, beta):
        from .._kernels.design import design_eta

        eta_t = self.offsets_t.copy()
        design_eta(self.M, self.par, np.ascontiguousarray(beta, dtype=float), eta_t)
        return eta_t.T

    def value_and_grad(self, beta):
        # the optimiser, the start check and the Newton polish ask for the same point more than
        # once; each evaluation is a pass over the data, so the last one is remembered
        if self._last is not None and np.array_equal(beta, self._last[0]):
            return self._last[1], self._last[2].copy()
        total, grad = self._value_and_grad(beta)
        self._last = (np.array(beta, dtype=float), total, grad.copy())
        return total, grad

    def _value_and_grad(self, beta):
        from .._kernels.design import design_gradient

        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ll, score = self.spec.loglik(self.eta(beta), self.data)
        grad = np.empty(self.n_coef)
        # a trial point far out can overflow; neg_mean turns a non-finite result into +inf
        with np.errstate(over="ignore", invalid="ignore"):
            total = float(ll.sum()) if self.unit_weights else float(np.dot(self.w, ll))
            design_gradient(self.M, self.par, np.ascontiguousarray(score, dtype=float), self.w, grad)
        return total, grad

    def neg_mean(self, beta):
        total, grad = self.objective(beta)
        if not np.isfinite(total) or not np.all(np.isfinite(grad)):
            return np.inf, np.zeros_like(grad)
        return -total / self.wsum, -grad / self.wsum

    def neg_mean_split(self, x):
        """The lasso part made smooth: penalised coefficients b = x⁺ - x⁻ with x⁺, x⁻ ≥ 0.

        ``x`` is the coefficient vector followed by x⁻ of the penalised coefficients (whose
        entries in the first part are x⁺); |b| becomes the linear x⁺ + x⁻ on the bounded set,
        so L-BFGS-B reaches exact zeros (the standard variable-splitting form of the lasso).
        """
        k = self.lasso_index
        beta = x[: self.n_coef].copy()
        beta[k] -= x[self.n_coef:]
        total, grad = self.value_and_grad(beta)
        if not np.isfinite(total) or not np.all(np.isfinite(grad)):
            return np.inf, np.zeros_like(x)
        a, pen = self.l1_ratio, self.pen
        smooth = -grad / self.wsum + pen * (1 - a) * beta
        value = -total / self.wsum + float(np.sum(pen * (1 - a) / 2 * beta * beta))
        value += a * float(np.sum(pen[k] * (x[k] + x[self.n_coef:])))
        g = np.concatenate([smooth, -smooth[k]])
        g[k] += a * pen[k]
        g[self.n_coef:] += a * pen[k]
        return value, g

    def hessian(self, beta):
        eta = self.eta(beta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            h = self.spec.hessian(eta, self.data)
        if h is not None:
            return self.assemble_hessian(h)
        # central differences of the analytic gradient
        H = np.empty((self.n_coef, self.n_coef))
        for k in range(self.n_coef):
            step = 1e-5 * max(1.0, abs(beta[k]))
            bp, bm = beta.copy(), beta.copy()
            bp[k] += step
            bm[k] -= step
            H[:, k] = (self.value_and_grad(bp)[1] - self.value_and_grad(bm)[1]) / (2 * step)
        return (H + H.T) / 2

    def assemble_hessian(self, h):
        """Σ_i w_i D_a[i]' h[i, a, b] D_b[i] for every pair of free parameters (a, b)."""
        H = np.zeros((self.n_coef, self.n_coef))
        if self.n_coef == 0:
            return H
        # a degenerate optimum (e.g. a scale shrinking to zero) gives non-finite entries;
        # callers treat a non-finite Hessian as singular and warn
        with np.errstate(over="ignore", invalid="ignore"):
            if self.n_coef <= self._ONE_PASS_MAX_COEF:
                from .._kernels.design import design_hessian

                design_hessian(self.M, self.par, np.ascontiguousarray(h, dtype=float), self.w, H)
                return H
            for k, a in enumerate(self.active):
                ma, sa = self.mats[a], self.slices[a]
                for b in self.active[k:]:
                    hab = h[:, a, b] if self.unit_weights else h[:, a, b] * self.w
                    block = (hab[:, None] * ma).T @ self.mats[b]
                    H[sa, self.slices[b]] = block
                    H[self.slices[b], sa] = block.T
        return H


def _start_vector(start, designs, objective):
    beta = np.zeros(objective.n_coef)
    for j, (entry, d, sl) in enumerate(zip(start, designs, objective.slices)):
        if np.ndim(entry) == 0:
            if d.intercept is not None:
                beta[sl.start + d.intercept] = float(entry)
        else:
            vec = np.asarray(entry, dtype=float)
            if vec.shape != (d.n_coef,):
                raise ValueError(
                    f"start value for parameter {j} has {vec.size} entries; its design has "
                    f"{d.n_coef} columns."
                )
            beta[sl] = vec * objective.scales[j]
    return beta


def _bounds_vector(bounds, spec, designs, objective):
    """Bounds given per parameter name apply to the η of intercept-only parameters."""
    if not bounds:
        return None
    out = [(None, None)] * objective.n_coef
    for j, (p, d, sl) in enumerate(zip(spec.parameters, designs, objective.slices)):
        if p.name in bounds and d.n_coef == 1 and d.intercept == 0:
            out[sl.start] = bounds[p.name]
    return out


def _clip(beta, bounds):
    if bounds is None:
        return beta
    lo = np.array([-np.inf if b[0] is None else b[0] for b in bounds])
    hi = np.array([np.inf if b[1] is None else b[1] for b in bounds])
    return np.clip(beta, lo, hi)


def maximize_likelihood(
    spec: LikelihoodSpec,
    designs: list[Design],
    data: dict,
    weights: np.ndarray | None = None,
    *,
    starts: list | None = None,
    bounds: dict | None = None,
    max_iter: int = 500,
    tol: float = 1e-8,
    warn: bool = True,
    penalty=None,
    l1_ratio: float = 0.0,
    model_name: str | None = None,
) -> LikelihoodFit:
    """Maximise a weighted multi-parameter log-likelihood, optionally penalised.

    Parameters
    ----------
    spec : LikelihoodSpec
        The family.
    designs : list of Design
        One per parameter of ``spec``, in the same order.
    data : dict of ndarray
        Passed to ``spec.loglik``.
    weights : ndarray, optional
        Non-negative observation weights (frequency weights).
    starts : list, optional
        Starting points (default: ``spec.start_values``); the best optimum is kept.
    bounds : dict, optional
        ``{parameter name: (low, high)}`` bounds on η for intercept-only parameters.
    max_iter : int
        Iteration limit of each start: L-BFGS-B iterations plus the Newton steps that polish
        the best optimum.
    tol : float
        Convergence tolerance on the gradient of the mean log-likelihood.
    warn : bool
        Emit :class:`~distreg.exceptions.ConvergenceWarning` on failure.
    penalty : float or dict, optional
        Penalty strength ``s``: one value for every parameter, or ``{parameter name: s}``
        (parameters not named are unpenalised). The engine maximises
        ``Σ_i w_i ℓ_i / Σ_i w_i - Σ_k s_k ((1 - a)/2 b_k² + a |b_k|)``
        over the coefficients b_k of the covariates scaled to unit standard deviation (as
        glmnet's ``standardize=TRUE`` and lifelines' ``penalizer``); intercepts are never
        penalised and the coefficients are returned on the original scale.
    l1_ratio : float, default 0
        The lasso share ``a`` of the penalty: 0 is ridge, 1 the lasso, in between the elastic
        net. The lasso part is solved exactly (coefficients reach exact zeros) by splitting each
        penalised coefficient into positive and negative parts under L-BFGS-B bounds, then
        Newton steps on the non-zero coefficients.
    model_name : str, optional
        The name that warnings give the model (default: the spec's class name).

    Returns
    -------
    LikelihoodFit
        ``loglik`` is the unpenalised log-likelihood at the (penalised) optimum. With a
        penalty, standard errors come from the penalised information (as lifelines reports
        them); they ignore the shrinkage bias and, with a lasso part, the selection.

    Examples
    --------
    >>> from distreg.continuous.normal import NormalSpec
    >>> y = np.array([1.0, 2.0, 4.0])
    >>> ones = np.ones((3, 1))
    >>> fit = maximize_likelihood(NormalSpec(), [Design(ones, ["Intercept"], 0),
    ...                                          Design(ones, ["Intercept"], 0)], {"y": y})
    >>> fit.coef.round(4)  # mean, log ML standard deviation
    array([2.3333, 0.2209])

    A lasso penalty on the slope of the mean sets it exactly to zero once the penalty exceeds
    the slope's standardised score:

    >>> x = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> fit = maximize_likelihood(NormalSpec(), [Design(x, ["Intercept", "x"], 0),
    ...                                          Design(ones, ["Intercept"], 0)], {"y": y},
    ...                           penalty={"loc": 5.0}, l1_ratio=1.0)
    >>> float(fit.coef[1]), bool(fit.zero[1])
    (0.0, True)
    """
    # L-BFGS-B calls BLAS on tiny matrices at every iteration; a multi-threaded BLAS turns each
    # call into thread synchronisation (orders of magnitude slower on a busy machine)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _maximize(spec, designs, data, weights, starts=starts, bounds=bounds,
                         max_iter=max_iter, tol=tol, warn=warn, penalty=penalty,
                         l1_ratio=l1_ratio, model_name=model_name or type(spec).__name__)


def penalty_strengths(penalty, spec, designs) -> np.ndarray:
    """Per-coefficient penalty strengths (0 for intercepts) from a float or a per-parameter dict.

    Examples
    --------
    >>> from distreg.continuous.normal import NormalSpec
    >>> d = [Design(np.ones((2, 2)), ["Intercept", "x"], 0), Design(np.ones((2, 1)), ["Intercept"], 0)]
    >>> penalty_strengths({"loc": 0.5}, NormalSpec(), d)
    array([0. , 0.5, 0. ])
    """
    names = [p.name for p in spec.parameters]
    if penalty is None:
        per = dict.fromkeys(names, 0.0)
    elif isinstance(penalty, dict):
        unknown = sorted(set(penalty) - set(names))
        if unknown:
            raise ValueError(f"penalizer names unknown parameters {unknown}; the parameters are {names}.")
        per = {n: penalty.get(n, 0.0) for n in names}
    else:
        per = dict.fromkeys(names, penalty)
    out = []
    for n, d in zip(names, designs):
        s = per[n]
        if isinstance(s, bool) or not isinstance(s, (int, float, np.integer, np.floating)) \
                or not 0 <= s <= MAX_MAGNITUDE:
            raise ValueError(f"penalizer for {n!r} must be a finite number >= 0 (at most {MAX_MAGNITUDE:g}); "
                             f"got {s!r}.")
        row = np.full(d.n_coef, float(s))
        if d.intercept is not None and d.n_coef:
            row[d.intercept] = 0.0
        out.append(row)
    return np.concatenate(out) if out else np.zeros(0)


def _check_problem(spec, designs, data, weights, max_iter, tol, l1_ratio):
    """Validate the arguments of :func:`maximize_likelihood`; returns the weights as an array."""
    if len(designs) != len(spec.parameters):
        raise ValueError(f"designs: expected {len(spec.parameters)} designs (one per parameter), got {len(designs)}.")
    if not designs:
        raise ValueError("designs is empty; the family has no parameters.")
    n = designs[0].matrix.shape[0]
    if n == 0:
        raise ValueError("designs have no rows; pass at least one observation.")
    for p, d in zip(spec.parameters, designs):
        m = np.asarray(d.matrix)
        if m.ndim != 2 or m.shape[0] != n or m.dtype.kind not in "biuf" or not np.all(np.isfinite(m)):
            raise ValueError(f"designs: the design of {p.name!r} must be a finite numeric (n, k) matrix with "
                             f"the {n} rows of the others; got shape {m.shape}, dtype {m.dtype}.")
    for key, value in data.items():
        if hasattr(value, "iloc"):
            raise TypeError(f"data[{key!r}] must be a numpy array; got {type(value).__name__} (use .to_numpy()).")
        if not isinstance(value, np.ndarray) or value.ndim == 0:
            continue
        if value.dtype.kind not in "biuf":
            raise TypeError(f"data[{key!r}] must be numeric; got dtype {value.dtype}.")
        if value.ndim != 1 or value.shape[0] != n:
            raise ValueError(f"data[{key!r}] must hold one value per row, shape ({n},); got shape {value.shape}.")
        if np.isnan(value).any():
            raise ValueError(f"data[{key!r}] contains NaN; remove or impute those rows first.")
    w = check_sample_weight(weights, n, "weights")
    check_int(max_iter, "max_iter", minimum=1)
    check_positive_scalar(tol, "tol")
    if isinstance(l1_ratio, bool) or not isinstance(l1_ratio, (int, float, np.integer, np.floating)) \
            or not 0.0 <= l1_ratio <= 1.0:
        raise ValueError(f"l1_ratio must be a number in [0, 1] (0 ridge, 1 lasso); got {l1_ratio!r}.")
    return w


def _maximize(spec, designs, data, weights, *, starts, bounds, max_iter, tol, warn, penalty,
              l1_ratio, model_name):
    weights = _check_problem(spec, designs, data, weights, max_iter, tol, l1_ratio)
    pen = penalty_strengths(penalty, spec, designs)
    obj = _Objective(spec, designs, data, weights)
    obj.pen, obj.l1_ratio = pen, float(l1_ratio)
    lasso = obj.penalized and l1_ratio > 0
    obj.lasso_index = np.flatnonzero(pen > 0) if lasso else np.zeros(0, np.int64)
    if starts is None:
        starts = spec.start_values(designs, data, weights)
    bvec = _bounds_vector(bounds, spec, designs, obj)

    best = None
    for start in starts:
        x0 = _clip(_start_vector(start, designs, obj), bvec)
        if not np.isfinite(obj.neg_mean(x0)[0]):
            continue
        res = _lbfgs(obj, x0, bvec, max_iter, tol, lasso)
        if best is None or res.fun < best.fun:
            best = res
    if best is None:
        raise ValueError(
            f"{model_name}: the log-likelihood is not finite at any starting point; check that the "
            f"response in data ({', '.join(sorted(map(str, data)))}) lies in the support of the distribution."
        )
    beta, n_iter = best.x, int(best.nit)
    # coefficients that the lasso set to zero stay there while Newton steps polish the others
    zero = np.zeros(obj.n_coef, bool)
    if lasso:
        zero[obj.lasso_index] = beta[obj.lasso_index] == 0.0
    # max_iter bounds the total work: the Newton polish gets the iterations L-BFGS-B left over
    beta, H, n_newton = _newton_polish(obj, beta, bvec, tol, max_steps=min(50, max(max_iter - n_iter, 0)),
                                       fixed=zero)
    value, _ = obj.value_and_grad(beta)
    pvalue, grad = obj.objective(beta)
    at_bound = _at_bounds(beta, bvec)
    free = ~(at_bound | zero)
    # coefficients held at a bound may keep a non-zero score; the free ones must not
    gnorm = float(np.max(np.abs(grad[free])) / obj.wsum) if free.any() else 0.0
    kkt = True
    if zero.any():
        # a zero is optimal when the smooth score stays inside the lasso's subgradient range
        raw = obj.value_and_grad(beta)[1][zero] / obj.wsum
        kkt = bool(np.all(np.abs(raw) <= l1_ratio * pen[zero] * (1 + 1e-6) + 1e-7))
    vcov_s = np.full((obj.n_coef, obj.n_coef), np.nan)
    info = -H[np.ix_(free, free)]
    definite = bool(np.all(np.isfinite(info)))
    if info.size and definite:
        try:
            chol = linalg.cho_factor(info)
            # an exactly collinear design can still factor in floating point, with a pivot at
            # rounding level: the share of a coefficient's information not explained by the
            # others (1 - R²) below 1e-11 means its standard error is not determined
            if np.min(np.diag(chol[0]) ** 2 / np.diag(info)) < 1e-11:
                raise linalg.LinAlgError("numerically singular information")
            vcov_s[np.ix_(free, free)] = linalg.cho_solve(chol, np.eye(info.shape[0]))
        except (linalg.LinAlgError, ValueError):  # singular, or non-finite entries
            definite = False
    stationary = gnorm <= 1e-5 and kkt
    if not stationary and getattr(spec, "kinked", False) and np.isfinite(value) and definite:
        # a log-likelihood with kinks (like a Laplace/LAD likelihood) can peak at a kink, where
        # the score need not vanish: accept when the quasi-Newton search stopped because no
        # ascent direction was left (not because it ran out of iterations)
        stationary = best.status != 1 and n_iter < max_iter
    interior = not at_bound.any()
    converged = bool(np.isfinite(value) and definite and stationary and interior)
    names = [f"{p.name}[{c}]" for p, d in zip(spec.parameters, designs) for c in d.columns]
    cause, terms, message = None, [], "converged"
    if not converged:
        cause, terms, message = _diagnose(obj, beta, info, free, definite, interior, at_bound, gnorm,
                                          names, np.isfinite(value))
    if warn and not converged:
        from .limits import warn_user

        warn_user(f"{model_name}: maximum likelihood did not converge: {message}", ConvergenceWarning)
    if warn and not definite:
        from .limits import warn_user

        warn_user(f"{model_name}: standard errors are unavailable (singular information matrix).",
                  NumericalWarning)
    scale = obj.scale_vector
    coef = beta / scale
    vcov = vcov_s / np.outer(scale, scale)
    return LikelihoodFit(
        coef=coef, vcov=vcov, loglik=float(value), converged=converged, message=message,
        n_iter=n_iter + n_newton, slices=obj.slices, gradient_norm=gnorm, n_starts=len(starts),
        at_bound=at_bound, cause=cause, cause_terms=terms, penalized_loglik=float(pvalue),
        zero=zero,
    )


def _lbfgs(obj, x0, bounds, max_iter, tol, lasso):
    """L-BFGS-B from one start; with a lasso part, on the split coefficients."""
    options = {"maxiter": max_iter, "gtol": tol * 1e-2, "ftol": 1e-15, "maxcor": 30}
    if not lasso:
        return optimize.minimize(obj.neg_mean, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                                 options=options)
    k = obj.lasso_index
    x = np.concatenate([x0, np.maximum(-x0[k], 0.0)])
    x[k] = np.maximum(x0[k], 0.0)
    b = list(bounds) if bounds is not None else [(None, None)] * obj.n_coef
    for j in k:
        b[j] = (0.0, None)
    b += [(0.0, None)] * k.size
    res = optimize.minimize(obj.neg_mean_split, x, jac=True, method="L-BFGS-B", bounds=b, options=options)
    beta = res.x[: obj.n_coef].copy()
    beta[k] -= res.x[obj.n_coef:]
    res.x = beta
    return res


def _diagnose(obj, beta, info, free, definite, interior, at_bound, gnorm, names, finite):
    """Why a fit is not an interior maximum: (cause, coefficient names, message)."""
    if not finite:
        return "iterations", [], "the log-likelihood is not finite at the last point"
    if not interior:
        terms = [names[k] for k in np.flatnonzero(at_bound)]
        return "boundary", terms, f"{', '.join(terms)} reached a bound (a boundary or limit of the family)"
    # a design whose columns are linearly dependent leaves a direction of coefficients along
    # which the likelihood is exactly flat
    for sl, m in zip(obj.slices, obj.mats):
        if m.shape[1] < 2:
            continue
        rows = m if obj.unit_weights else m * np.sqrt(obj.w)[:, None]
        _, sv, vt = np.linalg.svd(rows[obj.w > 0], full_matrices=False)
        if sv[-1] <= 1e-9 * sv[0]:
            v = vt[-1]
            terms = [names[sl.start + j] for j in np.flatnonzero(np.abs(v) > 0.1 * np.abs(v).max())]
            return "flat", terms, (f"the covariates {', '.join(terms)} are collinear: a combination "
                                   "of them is not determined by the data; drop one")
    if not definite and free.any() and np.all(np.isfinite(info)):
        # singular information without collinearity: the likelihood flattens out as some
        # coefficients grow without bound (a perfectly predicted bit, zero or class)
        vals, vecs = np.linalg.eigh(info)
        v = vecs[:, 0]
        idx = np.flatnonzero(free)[np.abs(v) > 0.3 * np.abs(v).max()]
        if np.max(np.abs(beta[idx])) > 8.0:
            terms = [names[k] for k in idx]
            return "separation", terms, (
                f"the coefficients {', '.join(terms)} run to ±infinity: some observations are "
                "predicted perfectly (separation); a ridge penalty (penalizer > 0) gives finite estimates")
        terms = [names[k] for k in idx]
        return "flat", terms, (f"the log-likelihood is flat along {', '.join(terms)} (the observed "
                               "information is singular): the data do not determine them")
    if not definite:
        return "flat", [], "the observed information is not positive definite (a flat or boundary optimum)"
    return "iterations", [], (f"the gradient did not vanish (max |score|/n = {gnorm:.2e}); raise max_iter "
                              "or check the model")


def _at_bounds(beta, bounds):
    if bounds is None:
        return np.zeros(beta.shape, bool)
    out = np.zeros(beta.shape, bool)
    for k, (lo, hi) in enumerate(bounds):
        if (lo is not None and beta[k] <= lo + 1e-10) or (hi is not None and beta[k] >= hi - 1e-10):
            out[k] = True
    return out


def _newton_polish(obj, beta, bounds, tol, max_steps=50, fixed=None):
    """Newton steps with step halving from the quasi-Newton optimum (``fixed`` coefficients stay)."""
    value, grad = obj.objective(beta)
    H = obj.objective_hessian(beta)
    keep = np.zeros(beta.shape, bool) if fixed is None else fixed
    steps = 0
    for steps in range(1, max_steps + 1):
        free = ~(_at_bounds(beta, bounds) | keep)
        if not free.any():
            break
        Hf = H[np.ix_(free, free)]
        if not np.all(np.isfinite(Hf)):
            break
        try:
            chol = linalg.cho_factor(-Hf)
            direction = np.zeros_like(beta)
            direction[free] = linalg.cho_solve(chol, grad[free])
        except (linalg.LinAlgError, ValueError):  # singular, or non-finite entries
            break
        t = 1.0
        improved = False
        for _ in range(30):
            cand = _clip(beta + t * direction, bounds)
            if keep.any():
                # a lasso coefficient may not cross zero inside a Newton step (|b| has a kink there)
                cross = np.sign(cand) * np.sign(beta) < 0
                cross &= obj.pen * obj.l1_ratio > 0
                if cross.any():
                    t /= 2
                    continue
            cval, cgrad = obj.objective(cand)
            if np.isfinite(cval) and cval >= value - 1e-12 * abs(value):
                improved = True
                break
            t /= 2
        if not improved:
            break
        size = np.max(np.abs(cand - beta)) / max(1.0, np.max(np.abs(beta)))
        beta, value, grad = cand, cval, cgrad
        done = size <= 1e-12 or np.max(np.abs(grad[free])) / obj.wsum < tol * 1e-4
        if done and size <= 1e-7:
            # the last step was tiny: the information at the new point differs from H by a
            # relative O(step), far below the precision of any standard error, so the pass
            # over the data that would recompute it is saved
            break
        H = obj.objective_hessian(beta)
        if done:
            break
    return beta, H, steps
