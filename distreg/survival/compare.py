"""Fit the nested APGW family on the same data and compare the fits in one table."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from scipy import stats

from .._results import chibar2_sf
from .._validation import check_option
from ..exceptions import ConvergenceWarning, NumericalWarning

__all__ = ["compare_special_cases"]


def compare_special_cases(X, y=None, *, data=None, scale="aft", shape_covariates=True, sample_weight=None,
                          **fit_params):
    """Fit exponential, Weibull, log-logistic, Burr, Gompertz and APGW models and compare them.

    Also fits the APGW with covariates on the other scale (PH vs AFT) and, with
    ``shape_covariates=True``, the APGW with covariates in log γ as well (multi-parameter
    regression, Burke, Jones & Noufaily 2020, Section 3).

    Parameters
    ----------
    X : array-like or DataFrame, shape (n, p), or str
        Covariates; with ``data``, a formula such as ``"time ~ age + sex"`` or ``"~ age + sex"``
        (the fits then use :meth:`FlexibleSurvivalRegressor.from_formula`).
    y : survival response (see :class:`FlexibleSurvivalRegressor`); not used with ``data``
    data : DataFrame, optional
        The data of a formula ``X``; the response columns are named by ``time=``, ``event=``,
        ``entry=`` (or ``lower=``, ``upper=``) in ``fit_params``.
    scale : {"aft", "ph"}
        Scale carrying the covariates in the reference APGW model.
    shape_covariates : bool
        Include the APGW with shape covariates.
    sample_weight : array-like, optional
    **fit_params
        Passed to ``fit`` (e.g. ``entry=``), or to ``from_formula`` with ``data``.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``distribution``, ``scale``, ``shape_covariates``, ``loglik``, ``df``,
        ``aic``, ``bic``, ``converged``, ``loglik_limit`` (for a fit that ends at a limit of the
        family, the log-likelihood of that limit fitted exactly), ``note`` (the limits), and the
        likelihood-ratio test against the APGW with covariates on ``scale`` (``lr_stat``,
        ``lr_df``, ``p_value`` and ``lr_null``, the law of the statistic under the smaller
        model). The larger model of each nested pair is the full one; where its fit ends at a
        limit of the family, its supremum (the limit's exactly fitted log-likelihood where that
        is higher) enters the statistic. Exponential, Weibull, log-logistic and Burr fix κ and
        γ at interior values (χ²). Gompertz is the κ = ∞ edge of the APGW: in τ = 1/(κ+1) it
        sits on the boundary τ = 0, so its p-value comes from the chi-bar-squared mixture
        ½χ²(df-1) + ½χ²(df) (Self & Liang 1987). PH and AFT are not nested in each other (NaN).

    Examples
    --------
    >>> from distreg.datasets import load_lung
    >>> lung = load_lung()
    >>> tab = compare_special_cases(lung[["age", "sex", "ph_ecog"]], lung[["time", "event"]],
    ...                             shape_covariates=False)
    >>> tab[["distribution", "scale", "df"]].to_string(index=False)  # doctest: +NORMALIZE_WHITESPACE
    '...exponential   aft   4...apgw    ph   7'
    >>> same = compare_special_cases("time ~ age + sex + ph_ecog", data=lung, event="event",
    ...                              shape_covariates=False)
    >>> bool(np.allclose(same["loglik"], tab["loglik"]))
    True
    """
    from .flexible import FlexibleSurvivalRegressor

    check_option(scale, "scale", ["aft", "ph"])
    if not isinstance(shape_covariates, (bool, np.bool_)):
        raise TypeError(f"shape_covariates must be True or False; got {shape_covariates!r}.")
    if data is not None:
        if not isinstance(X, str):
            raise TypeError("with data=, X must be a formula string such as 'time ~ age + sex'.")
        if y is not None:
            raise ValueError("with data=, the response comes from the formula and time=/event=; leave y unset.")
    elif y is None:
        raise ValueError("compare_special_cases needs y (the survival response), or a formula X with data=.")
    other = "ph" if scale == "aft" else "aft"
    specs = [("exponential", scale, False), ("weibull", scale, False)]
    if scale == "aft":
        specs.append(("loglogistic", scale, False))
    specs += [("burr", scale, False), ("gompertz", scale, False), ("apgw", scale, False),
              ("apgw", other, False)]
    if shape_covariates:
        specs.append(("apgw", scale, True))
    rows, fits = [], {}
    for dist, sc, shape in specs:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            warnings.simplefilter("always", NumericalWarning)
            if data is None:
                model = FlexibleSurvivalRegressor(distribution=dist, scale=sc, shape_covariates=shape)
                model.fit(X, y, sample_weight=sample_weight, **fit_params)
            else:
                model = FlexibleSurvivalRegressor.from_formula(
                    X, data, distribution=dist, scale=sc, shape_covariates=shape,
                    sample_weight=sample_weight, **fit_params)
        note = "; ".join(str(w.message) for w in caught
                         if issubclass(w.category, (ConvergenceWarning, NumericalWarning)))
        fits[(dist, sc, shape)] = model
        r = model.result_
        rows.append({"distribution": dist, "scale": sc, "shape_covariates": shape,
                     "loglik": r.loglik, "df": r.df_model, "aic": r.aic, "bic": r.bic,
                     "converged": model.converged_,
                     "loglik_limit": max((r.loglik for r in model.limits_ if r.loglik is not None),
                                         default=np.nan),
                     "note": note})
    ref = fits[("apgw", scale, False)]
    ref_note = "; ".join(f"reference APGW at {r.limit}" for r in ref.limits_)
    for row, key in zip(rows, fits):
        dist, sc, shape = key
        stat = dfd = p = np.nan
        null = ""
        if dist in _NESTED or dist == "gompertz" or (dist == "apgw" and shape):
            small, big = (ref, fits[key]) if shape else (fits[key], ref)
            stat = max(2.0 * (_supremum(big) - _supremum(small)), 0.0)
            dfd = big.result_.df_model - small.result_.df_model
            # Gompertz is κ = ∞, the edge of the APGW: in τ = 1/(κ+1) it is τ = 0 on the boundary
            # of τ ≥ 0 where the likelihood is smooth, so one restriction is on the boundary
            k = 1 if dist == "gompertz" else 0
            p = chibar2_sf(stat, dfd, k) if k else float(stats.chi2.sf(stat, dfd))
            null = f"1/2 chi2({dfd - 1}) + 1/2 chi2({dfd})" if k else f"chi2({dfd})"
        row.update(lr_stat=stat, lr_df=dfd, p_value=p, lr_null=null)
        if ref_note and null:
            row["note"] = "; ".join(x for x in (row["note"], ref_note + " (its supremum used)") if x)
    return pd.DataFrame(rows)


def _supremum(model):
    """The fit's log-likelihood, or that of the limit it ends at (fitted exactly) where higher."""
    return max([model.loglik_] + [r.loglik for r in model.limits_ if r.loglik is not None])


# special cases with the fixed parameters inside the APGW's parameter space (κ = 0, 1; γ = 1)
_NESTED = ("exponential", "weibull", "loglogistic", "burr")
