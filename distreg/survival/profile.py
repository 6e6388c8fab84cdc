"""Profile-likelihood confidence interval for the APGW shape κ.

κ is the parameter whose Wald interval is least trustworthy: its likelihood is often flat and
skewed, and the supremum can lie on the edge of the family (κ → ∞, κ → -1; see the statistical
validity notes in the survival guide). The profile log-likelihood

    ℓ_p(κ) = max over (λ, φ, γ coefficients) of ℓ(κ, ...)

is computed by refitting with κ held fixed, and the interval is
{κ : 2(ℓ̂ - ℓ_p(κ)) <= χ²₁(level)} (Cox & Hinkley 1974, Section 9.3; Venzon & Moolgavkar 1988),
the same inversion of the likelihood-ratio test that R's ``confint`` applies to ``glm`` fits
through MASS's profile method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .._base import check_is_fitted
from .._validation import check_confidence_level
from ..likelihood import Design, maximize_likelihood

__all__ = ["KappaProfile", "profile_kappa"]

_STEP = 0.35  # step in η_κ = log(κ+1) while bracketing an end point


@dataclass(frozen=True)
class KappaProfile:
    """A profile-likelihood interval for κ with the profile that it was read from.

    Attributes
    ----------
    estimate : float
        The maximum-likelihood κ.
    lower, upper : float
        Interval end points; ``-1.0`` or ``inf`` when the profile stays above the cut-off up
        to that edge of the family (the data do not exclude the cure limit / the κ → ∞ limit).
    confidence_level : float
    loglik : float
        The maximised log-likelihood ℓ̂.
    cutoff : float
        ℓ̂ - χ²₁(confidence_level)/2: the profile is above it inside the interval.
    profile : pandas.DataFrame
        Every evaluated point, sorted by κ: ``kappa``, ``eta_kappa`` (log(κ+1)), ``loglik`` and
        ``converged`` (whether that refit converged; one that stopped early gives a profile value
        slightly too low there, and so an interval slightly too narrow).
    """

    estimate: float
    lower: float
    upper: float
    confidence_level: float
    loglik: float
    cutoff: float
    profile: pd.DataFrame

    def __repr__(self):
        return (f"KappaProfile(estimate={self.estimate:.4g}, {self.confidence_level:.0%} interval "
                f"[{self.lower:.4g}, {self.upper:.4g}])")


def profile_kappa(model, X, y, *, sample_weight=None, entry=None, confidence_level=0.95):
    """Profile-likelihood confidence interval for κ of a fitted APGW model.

    Parameters
    ----------
    model : FlexibleSurvivalRegressor
        Fitted with ``distribution="apgw"`` (κ free).
    X, y, sample_weight, entry
        The data that the model was fitted on (for a formula fit, X is the DataFrame and y its
        (time, event) columns); checked by recomputing the fitted log-likelihood.
    confidence_level : float, default 0.95

    Returns
    -------
    KappaProfile

    Examples
    --------
    >>> from distreg.datasets import load_veteran
    >>> from distreg.survival import FlexibleSurvivalRegressor
    >>> vet = load_veteran()
    >>> X, y = vet[["karno"]], vet[["time", "event"]]
    >>> m = FlexibleSurvivalRegressor().fit(X, y)
    >>> prof = m.profile_kappa(X, y)
    >>> bool(prof.lower < prof.estimate < prof.upper)
    True
    >>> bool(np.isclose(np.interp(prof.upper, prof.profile.kappa, prof.profile.loglik), prof.cutoff, atol=0.01))
    True
    """
    from .flexible import _KAPPA_BOUNDS, APGWSpec, FlexibleSurvivalRegressor

    if not isinstance(model, FlexibleSurvivalRegressor):
        raise TypeError(f"model must be a fitted FlexibleSurvivalRegressor; got {type(model).__name__}.")
    check_is_fitted(model)
    cl = check_confidence_level(confidence_level)
    if np.ndim(cl) != 0:
        raise ValueError(f"confidence_level must be one number in (0, 1); got {confidence_level!r}.")
    if model.distribution != "apgw":
        raise ValueError(
            "profile_kappa needs a model fitted with distribution='apgw' (κ free); "
            f"got distribution={model.distribution!r}, where κ is fixed."
        )
    other_limits = [r for r in getattr(model, "limits_", []) if r.parameter != "kappa"]
    if other_limits:
        from ..exceptions import ConvergenceWarning
        from ..likelihood.limits import warn_user

        warn_user(
            "profile_kappa: the fit ends at the limit " + ", ".join(r.limit for r in other_limits)
            + ", where κ is not identified on its own (on the γ → ∞ ridge only κγ is); the profile "
            "is that of the model with γ held inside its bound and its interval is not a "
            "confidence interval for κ.", ConvergenceWarning)
    designs = model._predict_designs(X)
    n = designs[0].matrix.shape[0]
    data = model._response(y, n, entry=entry)
    w = model._validate_weights(sample_weight, n)
    spec = APGWSpec()
    names = [p.name for p in spec.parameters]
    coef = {p: np.asarray(model.coef_[p], float) for p in names}

    # the data must be those of the fit: ℓ at the estimates reproduces loglik_
    with np.errstate(all="ignore"):
        ll_hat = float(np.dot(w, spec.loglik(model._eta(X), data)[0]))
    if not np.isclose(ll_hat, model.loglik_, rtol=1e-8, atol=1e-8):
        raise ValueError(
            "X, y (with sample_weight and entry) must be the data that the model was fitted on: "
            f"their log-likelihood at the estimates is {ll_hat:.6f}, the fit's is {model.loglik_:.6f}."
        )
    cutoff = ll_hat - stats.chi2.ppf(cl, 1) / 2.0
    eta_hat = float(coef["kappa"][0])
    points = {eta_hat: ll_hat}
    converged = {eta_hat: bool(model.converged_)}
    starts = {eta_hat: [coef[p] if designs[j].n_coef else 0.0 for j, p in enumerate(names)]}

    def profile(e):
        if e in points:
            return points[e]
        fixed = list(designs)
        fixed[3] = Design.fixed(n, e)
        near = min(starts, key=lambda s: abs(s - e))  # warm start from the closest refit
        start = list(starts[near])
        start[3] = 0.0
        try:
            # the warm start can lie where the likelihood overflows (far along a ridge); the
            # family's crude start is the fallback
            fit = maximize_likelihood(spec, fixed, data, w, starts=[start] + spec.start_values(fixed, data, w),
                                      bounds=model._bounds(), max_iter=model.max_iter, tol=model.tol,
                                      warn=False)
        except ValueError:
            fit = None
        # a κ where the likelihood cannot be evaluated lies outside any interval
        points[e] = fit.loglik if fit is not None and np.isfinite(fit.loglik) else -np.inf
        converged[e] = bool(fit is not None and fit.converged)
        if fit is not None:
            starts[e] = [fit.coef[sl] if d.n_coef else 0.0 for d, sl in zip(fixed, fit.slices)]
        return points[e]

    def end_point(direction):
        edge = _KAPPA_BOUNDS[1] if direction > 0 else _KAPPA_BOUNDS[0]
        inside = eta_hat
        while abs(edge - inside) > 1e-9:
            step = min(_STEP, abs(edge - inside))
            outside = inside + direction * step
            if profile(outside) < cutoff:
                root = optimize.brentq(lambda e: profile(e) - cutoff, min(inside, outside),
                                       max(inside, outside), xtol=1e-8)
                return float(np.expm1(root))
            inside = outside
        # the profile stays above the cut-off to the edge: the limit of the family is not excluded
        return np.inf if direction > 0 else -1.0

    lower, upper = end_point(-1), end_point(+1)
    etas = np.array(sorted(points))
    table = pd.DataFrame({"kappa": np.expm1(etas), "eta_kappa": etas, "loglik": [points[e] for e in etas],
                          "converged": [converged[e] for e in etas]})
    return KappaProfile(estimate=float(np.expm1(eta_hat)), lower=lower, upper=upper, confidence_level=cl,
                        loglik=ll_hat, cutoff=float(cutoff), profile=table)
