"""Results of a fitted likelihood model: coefficient table, covariance, information criteria."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pandas as pd
from scipy import stats

from ._validation import check_int, check_positive_scalar

__all__ = ["LikelihoodResults", "Summary", "chibar2_sf", "likelihood_ratio_test", "LRTestResult"]


class Summary:
    """A summary that prints as aligned text and renders as HTML in a notebook."""

    def __init__(self, title: str, info: list[tuple[str, str]], tables: list[tuple[str, pd.DataFrame]]):
        self.title = title
        self.info = info
        self.tables = tables

    def as_text(self) -> str:
        lines = []
        width = 78
        lines.append(self.title.center(width))
        lines.append("=" * width)
        half = (len(self.info) + 1) // 2
        left, right = self.info[:half], self.info[half:]
        for i in range(half):
            a = f"{left[i][0] + ':':<20}{left[i][1]:>18}"
            b = f"{right[i][0] + ':':<20}{right[i][1]:>18}" if i < len(right) else ""
            lines.append(f"{a}  {b}".rstrip())
        for name, table in self.tables:
            lines.append("=" * width)
            if name:
                lines.append(name)
                lines.append("-" * width)
            lines.append(table.to_string(float_format=lambda v: f"{v:.4g}"))
        lines.append("=" * width)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        info = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in self.info)
        parts = [f"<h4>{self.title}</h4>", f"<table>{info}</table>"]
        for name, table in self.tables:
            if name:
                parts.append(f"<h5>{name}</h5>")
            parts.append(table.to_html(float_format=lambda v: f"{v:.4g}"))
        return "\n".join(parts)


class LikelihoodResults:
    """Fitted parameters of a likelihood model with their observed-information covariance.

    Attributes
    ----------
    params : pandas.DataFrame
        Columns parameter, term, estimate, std_error, z, p_value, ci_lower, ci_upper (95%);
        the index is ``"parameter[term]"``.
    vcov : pandas.DataFrame
        Covariance matrix of the estimates (inverse observed information).
    loglik, aic, bic : float
    n_obs : int
    df_model : int
        Number of estimated coefficients.
    converged : bool
    limits : list of LimitReport
        Bounds or limits of the family that the fit ends at (shown by ``summary()``).

    Examples
    --------
    >>> import numpy as np
    >>> from distreg import NormalRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 1)); y = 1 + 2 * X[:, 0] + rng.normal(size=200)
    >>> res = NormalRegressor().fit(X, y).result_
    >>> list(res.params.index)
    ['loc[Intercept]', 'loc[x0]', 'scale[Intercept]']
    >>> res.df_model, res.n_obs
    (3, 200)
    >>> bool(np.isclose(res.aic, -2 * res.loglik + 6))
    True
    """

    def __init__(self, *, parameters, terms, estimates, vcov, loglik, n_obs, converged=True,
                 model_name="model", extra_info=None, limits=None):
        self.parameter_names = list(parameters)
        self.term_names = list(terms)
        est = np.asarray(estimates, dtype=float)
        vcov = np.asarray(vcov, dtype=float)
        index = [f"{p}[{t}]" for p, t in zip(parameters, terms)]
        self.vcov = pd.DataFrame(vcov, index=index, columns=index)
        se = np.sqrt(np.where(np.diag(vcov) >= 0, np.diag(vcov), np.nan))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = est / se
        table = pd.DataFrame(
            {"parameter": list(parameters), "term": list(terms), "estimate": est, "std_error": se,
             "z": z, "p_value": 2 * stats.norm.sf(np.abs(z))},
            index=index,
        )
        self._table = table
        self.loglik = float(loglik)
        self.n_obs = int(n_obs)
        self.df_model = int(est.size)
        self.converged = bool(converged)
        self.model_name = model_name
        self.extra_info = list(extra_info or [])
        self.limits = list(limits or [])
        self.params = self._with_ci(0.05)

    def _with_ci(self, alpha):
        t = self._table.copy()
        ci = self.conf_int(alpha)
        t["ci_lower"], t["ci_upper"] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
        return t

    @property
    def aic(self) -> float:
        """Akaike information criterion, -2 loglik + 2 df."""
        return -2 * self.loglik + 2 * self.df_model

    @property
    def bic(self) -> float:
        """Bayesian information criterion, -2 loglik + log(n) df."""
        return -2 * self.loglik + np.log(self.n_obs) * self.df_model

    @property
    def estimates(self) -> pd.Series:
        """The estimates as a Series indexed by ``"parameter[term]"``."""
        return self._table["estimate"].copy()

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald confidence intervals at level 1 - alpha (columns lower, upper)."""
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must lie strictly between 0 and 1; got {alpha}.")
        zq = stats.norm.ppf(1 - alpha / 2)
        est, se = self._table["estimate"], self._table["std_error"]
        return pd.DataFrame({"lower": est - zq * se, "upper": est + zq * se})

    def summary(self, alpha: float = 0.05) -> Summary:
        """Text/HTML summary in the style of statsmodels."""
        t = self._with_ci(alpha).drop(columns=["parameter", "term"])
        t.columns = ["coef", "std err", "z", "P>|z|", f"[{alpha / 2:.3g}", f"{1 - alpha / 2:.3g}]"]
        info = [
            ("Model", self.model_name),
            ("No. observations", str(self.n_obs)),
            ("Log-likelihood", f"{self.loglik:.4f}"),
            ("Df model", str(self.df_model)),
            ("AIC", f"{self.aic:.4f}"),
            ("BIC", f"{self.bic:.4f}"),
            ("Converged", "yes" if self.converged else ("NO (at a limit)" if self.limits else "NO")),
            *self.extra_info,
        ]
        for r in self.limits:
            case = f" = {r.special_case}" if r.special_case else ""
            ll = f", loglik {r.loglik:.4f}" if r.loglik is not None and np.isfinite(r.loglik) else ""
            info.append(("Limit", f"{r.parameter}: {r.limit}{case}{ll}"))
        return Summary(f"{self.model_name} results", info, [("", t)])

    def __repr__(self):
        return f"<LikelihoodResults {self.model_name}: loglik={self.loglik:.4f}, df={self.df_model}>"


LRTestResult = namedtuple("LRTestResult", ["statistic", "df", "p_value", "null"], defaults=["chi2"])
LRTestResult.__doc__ = """Likelihood-ratio test: statistic, df, p-value and the null distribution used."""


def chibar2_sf(stat, df, boundary):
    """Upper tail of the chi-bar-squared law of an LR statistic with parameters on a boundary.

    ``df`` restrictions of which ``boundary`` put a parameter on the edge of its space (a
    variance, a zero-inflation probability or a shape at its limit) with asymptotically
    independent estimates: the statistic is distributed as the binomial mixture
    Σ_j C(k, j) 2^-k χ²(df - k + j) (Self & Liang 1987, Case 5 and Theorem 3), where χ²(0) is
    the point mass at zero.

    Examples
    --------
    >>> round(float(chibar2_sf(2.706, 1, 1)), 4)   # half the plain chi-squared p-value
    0.05
    """
    from scipy.special import comb

    stat = check_positive_scalar(stat, "stat", allow_zero=True)
    df = check_int(df, "df", minimum=1)
    k = check_int(boundary, "boundary", minimum=0)
    if k > df:
        raise ValueError(f"boundary must be at most df = {df} (restrictions on the boundary are "
                         f"among the df restrictions); got {k}.")
    p = 0.0
    for j in range(k + 1):
        dof = df - k + j
        tail = (1.0 if stat <= 0 else 0.0) if dof == 0 else float(stats.chi2.sf(stat, dof))
        p += comb(k, j) / 2.0 ** k * tail
    return min(p, 1.0)


def likelihood_ratio_test(restricted, full, boundary=0) -> LRTestResult:
    """Likelihood-ratio test of a restricted model nested in a full one.

    Parameters
    ----------
    restricted, full : LikelihoodResults or fitted estimators with ``result_``
    boundary : int, default 0
        How many of the restrictions put a parameter on the boundary of the full model's
        parameter space (zero inflation π = 0, a dispersion α = 0, a variance component 0,
        an APGW shape at its limit). A plain χ² is then not the null law: the statistic is
        a chi-bar-squared mixture (:func:`chibar2_sf`; Self & Liang 1987), and the plain χ²
        p-value is conservative (up to twice too large for one boundary parameter).

    Returns
    -------
    LRTestResult
        statistic 2 (ℓ_full - ℓ_restricted), degrees of freedom (difference in df_model), the
        p-value, and ``null``, the reference distribution used.

    Examples
    --------
    >>> import numpy as np
    >>> from distreg import NormalRegressor
    >>> rng = np.random.default_rng(1)
    >>> X = rng.normal(size=(300, 1)); y = X[:, 0] + np.exp(X[:, 0]) * rng.normal(size=300)
    >>> r = NormalRegressor().fit(X, y)
    >>> f = NormalRegressor(scale_covariates=True).fit(X, y)
    >>> test = likelihood_ratio_test(r, f)
    >>> test.df, bool(test.p_value < 1e-6), test.null
    (1, True, 'chi2(1)')
    """
    r = getattr(restricted, "result_", restricted)
    f = getattr(full, "result_", full)
    for name, res in (("restricted", r), ("full", f)):
        if not hasattr(res, "df_model") or not hasattr(res, "loglik"):
            raise TypeError(f"{name} must be a fitted likelihood model or its result_; got "
                            f"{type(res).__name__}.")
        if res.loglik is None or not np.isfinite(res.loglik):
            raise ValueError(f"{name} has no finite log-likelihood ({res.loglik}); the test needs "
                             "two fits that each reached a finite maximum.")
    df = f.df_model - r.df_model
    if df <= 0:
        raise ValueError(
            "full must have more parameters than restricted; pass the nested (smaller) model first."
        )
    if r.n_obs != f.n_obs:
        raise ValueError("the two models were fitted on different numbers of observations.")
    if isinstance(boundary, bool) or not isinstance(boundary, (int, np.integer)) or not 0 <= boundary <= df:
        raise ValueError(f"boundary must be an integer between 0 and df = {df}; got {boundary!r}.")
    stat = max(2 * (f.loglik - r.loglik), 0.0)
    if boundary == 0:
        return LRTestResult(stat, int(df), float(stats.chi2.sf(stat, df)), f"chi2({df})")
    k = int(boundary)
    terms = " + ".join(f"{_weight(k, j)}chi2({df - k + j})" for j in range(k + 1))
    return LRTestResult(stat, int(df), chibar2_sf(stat, df, k), terms)


def _weight(k, j):
    from scipy.special import comb

    return f"{comb(k, j, exact=True)}/{2 ** k} "
