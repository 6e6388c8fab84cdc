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

from .._base import check_is_fitted
from .._validation import check_1d, check_option, check_sample_weight
from ..distributions import (Bitwise, Dalap, Danorm, DiscretizedLaplace, DiscretizedNormal,
                             GeneralizedPoisson, Hurdle, Mixture, NegativeBinomial, Poisson,
                             ZeroInflated)
from ..likelihood import LikelihoodRegressor
from ._families import FAMILIES, IntegerSpec, MixtureSpec

__all__ = ["IntegerRegressor", "DISTRIBUTIONS"]

DISTRIBUTIONS = tuple(FAMILIES)
_LOG_MEAN = {"poisson", "negbin", "genpoisson", "zip", "zinb", "hurdle_poisson", "hurdle_negbin"}
_LN2 = np.log(2.0)


def _check_integer_y(y, name="y"):
    y = check_1d(y, name)
    bad = np.flatnonzero(y != np.floor(y))
    if bad.size:
        raise ValueError(
            f"{name} must contain integers (counts or integer labels); entry {bad[0]} is "
            f"{float(y[bad[0]])!r}. Round or recode the response first."
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
    location_link : {"identity", "log"}, default "identity"
        Link of the real location μ of "dnormal", "dlaplace", "dalap" and "danorm" ("log"
        gives multiplicative effects, as in count models; it also allows an exposure).
    point : {"mean", "median", "mode"}, default "mean"
        What ``predict`` returns.
    max_iter : int, default 500
    tol : float, default 1e-8

    Attributes
    ----------
    coef_ : dict
        Coefficients of each parameter's linear predictor.
    result_ : LikelihoodResults
        Estimates, standard errors, log-likelihood, AIC, BIC.
    converged_ : bool
    n_bits_, bitwise_low_ : int
        Bitwise only: the number of bits and the offset of the support.

    Notes
    -----
    Links: log for means and dispersions of count families, identity for the real location μ
    of dnormal/dlaplace/dalap/danorm, logit for γ, ξ and π, identity for Bitwise bit logits.
    The hurdle's π is P(Y = 0); R's ``pscl::hurdle`` models P(Y > 0), so its zero-model
    coefficients are the negatives of ours. The Dalap log-likelihood has kinks where μ is an
    integer (the normaliser's derivative jumps there); they are harmless for the optimiser.

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

    def __init__(self, distribution="dalap", n_components=1, support=None, shape_covariates=False,
                 zero_covariates=True, location_link="identity", point="mean", max_iter=500, tol=1e-8):
        self.distribution = distribution
        self.n_components = n_components
        self.support = support
        self.shape_covariates = shape_covariates
        self.zero_covariates = zero_covariates
        self.location_link = location_link
        self.point = point
        self.max_iter = max_iter
        self.tol = tol

    # ------------------------------------------------------------------ configuration
    def _check_config(self):
        check_option(self.distribution, "distribution", DISTRIBUTIONS)
        if isinstance(self.n_components, bool) or not isinstance(self.n_components, (int, np.integer)) \
                or self.n_components < 1:
            raise ValueError(f"n_components must be a positive integer; got {self.n_components!r}.")
        check_option(self.point, "point", ["mean", "median", "mode"])
        check_option(self.location_link, "location_link", ["identity", "log"])

    def _support_bounds(self):
        if self.support is None:
            return None
        try:
            lo, hi = self.support
            lo, hi = float(lo), float(hi)
        except (TypeError, ValueError):
            raise ValueError(f"support must be a pair (low, high) of integers; got {self.support!r}.") from None
        if (np.isfinite(lo) and lo != np.floor(lo)) or (np.isfinite(hi) and hi != np.floor(hi)) or hi < lo:
            raise ValueError(f"support must be a pair of integers low <= high; got {self.support!r}.")
        return lo, hi

    def _n_bits(self):
        return getattr(self, "n_bits_", None)

    def _spec(self):
        self._check_config()
        base = IntegerSpec(self.distribution, n_bits=self._n_bits(), location_link=self.location_link)
        if self.n_components > 1:
            return MixtureSpec(base, int(self.n_components))
        return base

    def _choice(self, value, name):
        if value is True:
            return "all"
        if value is False or value is None:
            return "intercept"
        if isinstance(value, (list, tuple, np.ndarray)):
            return list(value)
        raise ValueError(f"{name} must be True, False or a list of columns; got {value!r}.")

    def _covariates(self):
        spec = self._spec()
        out = {}
        for p, role in zip(spec.parameters, spec.roles):
            if role == "location":
                out[p.name] = "all"
            elif role == "shape":
                out[p.name] = self._choice(self.shape_covariates, "shape_covariates")
            elif role == "zero":
                out[p.name] = self._choice(self.zero_covariates, "zero_covariates")
            else:
                out[p.name] = "intercept"
        return out

    def _formula_keyword(self, pname):
        spec = self._spec()
        role = dict(zip([p.name for p in spec.parameters], spec.roles)).get(pname)
        return {"location": "formula", "shape": "shape_formula", "zero": "zero_formula"}.get(role)

    def _model_name(self):
        k = f", {self.n_components} components" if self.n_components > 1 else ""
        return f"IntegerRegressor({self.distribution}{k})"

    def _maximize(self, spec, designs, data, w, options):
        if self.distribution != "bitwise" or isinstance(spec, MixtureSpec):
            return super()._maximize(spec, designs, data, w, options)
        # the Bitwise likelihood separates into one logistic regression per bit
        from scipy.linalg import block_diag

        from ..likelihood import LikelihoodFit, maximize_likelihood

        v = (data["y"] - data["low"]).astype(np.int64)
        one_bit = IntegerSpec("bitwise", n_bits=1)
        fits = []
        for j, d in enumerate(designs):
            bit = ((v >> j) & 1).astype(float)
            fits.append(maximize_likelihood(one_bit, [d], {"y": bit, "low": np.zeros(bit.shape[0])}, w,
                                            **options))
        slices, start = [], 0
        for d in designs:
            slices.append(slice(start, start + d.n_coef))
            start += d.n_coef
        return LikelihoodFit(
            coef=np.concatenate([f.coef for f in fits]), vcov=block_diag(*[f.vcov for f in fits]),
            loglik=float(sum(f.loglik for f in fits)), converged=all(f.converged for f in fits),
            message="; ".join(sorted({f.message for f in fits})), n_iter=sum(f.n_iter for f in fits),
            slices=slices, gradient_norm=max(f.gradient_norm for f in fits),
            n_starts=fits[0].n_starts,
        )

    def _engine_options(self):
        return {"max_iter": self.max_iter, "tol": self.tol}

    # ------------------------------------------------------------------ data
    def _response(self, y, n, exposure=None, offset=None, **fit_params):
        if fit_params:
            raise TypeError(f"fit() got unexpected keyword arguments {sorted(fit_params)}.")
        self._check_config()
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

    def _log_offset(self, exposure, offset, n):
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
                raise ValueError(f"exposure has {e.shape[0]} entries but the data have {n} rows.")
            if (e <= 0).any():
                raise ValueError("exposure must be positive (it enters as log(exposure)); "
                                 f"{int((e <= 0).sum())} entries are <= 0.")
            total += np.log(e)
        if offset is not None:
            o = check_1d(offset, "offset")
            if o.shape[0] != n:
                raise ValueError(f"offset has {o.shape[0]} entries but the data have {n} rows.")
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
        check_option(self.point, "point", ["mean", "median", "mode"])
        check_option(self.location_link, "location_link", ["identity", "log"])
        d = self.predict_distribution(X, exposure=exposure, offset=offset)
        if self.point == "mean":
            return d.mean()
        if self.point == "median":
            return d.median()
        return d.mode()

    def predict_pmf(self, X, values, exposure=None, offset=None):
        """Predicted probabilities of the integers ``values`` for each row: shape (n, k)."""
        check_is_fitted(self)
        v = check_1d(values, "values")
        return self.predict_distribution(X, exposure=exposure, offset=offset).pmf(v[None, :])

    def score_samples(self, X, y, exposure=None, offset=None):
        """Log predictive mass (nats) of each y."""
        check_is_fitted(self)
        d = self.predict_distribution(X, exposure=exposure, offset=offset)
        y = check_1d(y, "y")
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
