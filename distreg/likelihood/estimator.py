"""``LikelihoodRegressor``: the estimator base of every family fitted by the likelihood engine.

It turns X (numpy, pandas or formulas) into one design per distribution parameter, calls
:func:`~distreg.likelihood.maximize_likelihood`, stores ``coef_``, ``result_`` and
``converged_``, and maps new X to predicted distributions through the links.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from .._base import DistributionalRegressor, check_is_fitted
from .._formula import design_from_formula, response_from_formula
from .._params import Instance, Interval
from .._results import LikelihoodResults
from ..exceptions import ConvergenceWarning, NumericalWarning
from .engine import MAX_MAGNITUDE, Design, maximize_likelihood
from .limits import LimitReport, warn_user

__all__ = ["LikelihoodRegressor", "check_magnitude", "covariate_choice"]

#: the values a "which columns enter this parameter" keyword may take
COVARIATES = [bool, None, "array-like"]


# the boundary value of each link's range, which an overflowing linear predictor reaches
_LINK_EDGE = {"log": 0.0, "log1p": -1.0}


def check_magnitude(values, name: str) -> None:
    """Raise a ValueError naming ``name`` when finite values exceed :data:`MAX_MAGNITUDE`.

    Examples
    --------
    >>> check_magnitude(np.array([1.0, -2e200]), "y")
    Traceback (most recent call last):
    ...
    ValueError: y has values up to 2e+200 in magnitude; the likelihood computations square them, which overflows beyond about 1e154. Rescale y (for example to thousands).
    """
    values = np.asarray(values, dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    if finite.size and finite.max() > MAX_MAGNITUDE:
        raise ValueError(
            f"{name} has values up to {finite.max():.3g} in magnitude; the likelihood computations "
            f"square them, which overflows beyond about 1e154. Rescale {name} (for example to thousands)."
        )


def covariate_choice(value) -> str | list:
    """The covariates of a parameter from a keyword such as ``scale_covariates``.

    True means every column of X, False or None the intercept only, and a list (any array-like)
    names the columns by index or name; the constraint :data:`COVARIATES` has checked the value.

    Examples
    --------
    >>> covariate_choice(True), covariate_choice(None), covariate_choice(("age", 2))
    ('all', 'intercept', ['age', 2])
    """
    if value is True or isinstance(value, np.bool_) and bool(value):
        return "all"
    if value is None or value is False or isinstance(value, np.bool_):
        return "intercept"
    return list(value)


def _check_predicted(parameter, theta, eta):
    """A predicted parameter that overflowed its link (X far outside the fitted data) is an error."""
    bad = ~np.isfinite(theta)
    if parameter.link in _LINK_EDGE:
        bad |= theta <= _LINK_EDGE[parameter.link]
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(
            f"X row {k} gives the linear predictor {eta[k]:.3g} for {parameter.name!r}, where its "
            f"{parameter.link} link overflows ({int(bad.sum())} row(s) in all): those rows lie far "
            "outside the data that the model was fitted on; check the scale of X."
        )


class LikelihoodRegressor(DistributionalRegressor):
    """Base class of multi-parameter regression families fitted by maximum likelihood.

    Subclasses provide:

    * ``_spec()``: the :class:`~distreg.likelihood.LikelihoodSpec`;
    * ``_covariates()``: for each parameter name, which columns of X enter its linear
      predictor: ``"all"``, ``"intercept"``, ``"none"`` (fixed at ``_fixed_eta()[name]``) or a
      list of column indices/names (an intercept is always included unless ``"none"``);
    * ``_response(y, n, **fit_params)``: validate y and return the engine's data dict;
    * ``_distribution(theta)``: the Distribution for natural parameters ``theta`` (dict);
    * ``_formula_keywords``: class dict mapping a parameter to the ``from_formula`` keyword of
      its formula (``"formula"`` for the main one).

    Fitted attributes: ``coef_`` (dict parameter -> coefficient array), ``result_``
    (:class:`~distreg._results.LikelihoodResults`), ``converged_`` (True only at an interior
    maximum with a positive-definite information matrix), ``limits_`` (a list of
    :class:`~distreg.likelihood.LimitReport`: the bounds or limits of the family that the fit
    ends at, empty for an interior fit), ``loglik_``, ``n_features_in_`` and, for pandas input,
    ``feature_names_in_``.

    Subclasses that store ``penalizer`` and ``l1_ratio`` get a penalised fit (see
    :func:`~distreg.likelihood.maximize_likelihood`).
    """

    _formula_keywords: dict = {}
    #: the entries of the engine's data dict that hold the user's response (the others are
    #: derived from it or from the estimator's options)
    _response_keys: tuple = ("y",)
    #: the options of the engine, shared by every family (families extend the dict)
    _parameter_constraints: dict = {
        "max_iter": [Interval("int", 1, None), None],
        "tol": [Interval("real", 0, None, closed="neither")],
        "penalizer": [Interval("real", 0, MAX_MAGNITUDE),
                      Instance(dict, "a dict {parameter name: strength >= 0}")],
        "l1_ratio": [Interval("real", 0, 1)],
    }

    # ------------------------------------------------------------------ hooks
    def _spec(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _covariates(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _response(self, y, n, **fit_params) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _distribution(self, theta: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def _fixed_eta(self) -> dict:
        return {}

    def _model_name(self) -> str:
        return type(self).__name__

    def _engine_options(self) -> dict:
        # the values were checked at fit against _parameter_constraints
        max_iter = getattr(self, "max_iter", 500)
        return {
            "max_iter": int(self._default_max_iter() if max_iter is None else max_iter),
            "tol": float(getattr(self, "tol", 1e-8)),
            "penalty": self._penalty(),
            "l1_ratio": getattr(self, "l1_ratio", 0.0),
            "model_name": self._model_name(),
            "warn": False,  # the estimator warns once, with its limits (see _fit_designs)
        }

    def _default_max_iter(self) -> int:
        """The iteration limit that ``max_iter=None`` stands for."""
        return 500

    def _penalty(self):
        """The penalty strength passed to the engine (families may resolve a keyword such as "auto")."""
        return getattr(self, "penalizer", None)

    def _limits(self, fit, designs, data, w) -> list:
        """What a fit that is not an interior maximum approaches: a list of :class:`LimitReport`.

        The default names the coefficients held at a bound of the engine and those that run to
        ±∞ under separation; families override it to name the special case that the limit is
        and to fit that case exactly.
        """
        if fit.cause not in ("boundary", "separation"):
            return []
        limit = "a bound of the parameter" if fit.cause == "boundary" else "± infinity"
        return [LimitReport(parameter=t, limit=limit, special_case=None, loglik=None, cause=fit.cause,
                            message=fit.message) for t in fit.cause_terms[:1]] if fit.cause_terms else []

    def _bounds(self) -> dict | None:
        return None

    def _check_degenerate(self, data: dict, w: np.ndarray) -> None:
        """Raise a ValueError for a response that has no maximum-likelihood fit (families override).

        ``w > 0`` marks the rows that count. The default accepts everything: degenerate fits that
        approach a limit of the family are reported in ``limits_`` instead.
        """

    def _design_offsets(self, data: dict) -> dict:
        """Known offsets added to linear predictors at fit time: ``{parameter name: (n,) array}``.

        Families use it for exposures (log exposure on a log-mean); default none.
        """
        return {}

    def _maximize(self, spec, designs, data, w, options):
        """Run the engine (families with a separable likelihood may split the problem)."""
        return maximize_likelihood(spec, designs, data, w, bounds=self._bounds(), **options)

    def _formula_keyword(self, pname: str):
        """The ``from_formula`` keyword that holds the formula of parameter ``pname``."""
        return self._formula_keywords.get(pname)

    # ------------------------------------------------------------------ designs from arrays
    def _column_index(self, cols, pname):
        names = self._feature_names()
        out = []
        for c in cols:
            if isinstance(c, (numbers.Integral, np.integer)) and not isinstance(c, bool):
                if not 0 <= c < len(names):
                    raise ValueError(f"covariate index {c} for {pname!r} is out of range (X has {len(names)} columns).")
                out.append(int(c))
            elif isinstance(c, str) and c in names:
                out.append(names.index(c))
            else:
                raise ValueError(
                    f"covariate {c!r} for parameter {pname!r} is not a column of X; "
                    f"choose from {names}."
                )
        return out

    def _array_designs(self, X) -> list[Design]:
        n = X.shape[0]
        names = self._feature_names()
        fixed = self._fixed_eta()
        designs = []
        for p in self._spec().parameters:
            choice = self._covariates().get(p.name, "intercept")
            if isinstance(choice, str) and choice == "none":
                designs.append(Design.fixed(n, fixed[p.name]))
                continue
            if isinstance(choice, str) and choice == "all":
                idx = list(range(X.shape[1]))
            elif isinstance(choice, str) and choice == "intercept":
                idx = []
            elif isinstance(choice, (list, tuple, np.ndarray)):
                idx = self._column_index(list(choice), p.name)
            else:
                raise ValueError(
                    f"covariates for parameter {p.name!r} must be 'all', 'intercept' or a list of "
                    f"columns; got {choice!r}."
                )
            mat = np.column_stack([np.ones(n), X[:, idx]]) if idx else np.ones((n, 1))
            designs.append(Design(mat, ["Intercept"] + [names[i] for i in idx], 0))
        return designs

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit by maximum likelihood.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n, p)
        y : array-like
            Response (its form depends on the family).
        sample_weight : array-like, shape (n,), optional
            Non-negative frequency weights.

        Returns
        -------
        self
        """
        X = self._validate_X(X, reset=True)
        n = X.shape[0]
        data = self._response(y, n, **fit_params)
        w = self._validate_weights(sample_weight, n)
        designs = self._array_designs(X)
        self.formula_designs_ = None
        return self._fit_designs(designs, data, w)

    def _fit_designs(self, designs, data, w):
        spec = self._spec()
        # fewer observations than distribution parameters cannot identify even an intercept-only
        # model; more coefficients than observations is left to the engine, which warns that the
        # information matrix is singular (scikit-learn's checks fit such data)
        n_free = sum(1 for d in designs if d.n_coef)
        n_pos = int((w > 0).sum())
        if n_pos < max(n_free, 1):
            raise ValueError(
                f"{self._model_name()} estimates {n_free} distribution parameters but got only "
                f"n_samples={n_pos} observation(s) with positive weight; pass more data."
            )
        self._check_degenerate(data, w)
        for d in designs:
            for j, column in enumerate(d.columns):
                check_magnitude(d.matrix[:, j], f"X column {column!r}")
        for key in self._response_keys:
            if key in data:
                check_magnitude(data[key], key)
        offsets = self._design_offsets(data)
        for p, d in zip(spec.parameters, designs):
            if p.name in offsets and d.n_coef:
                base = 0.0 if d.offset is None else d.offset
                d.offset = base + np.asarray(offsets[p.name], float)
        options = self._engine_options()
        fit = self._maximize(spec, designs, data, w, options)
        self.coef_ = {p.name: fit.coef[sl].copy() for p, sl in zip(spec.parameters, fit.slices)}
        self.limits_ = list(self._limits(fit, designs, data, w))
        # only an interior maximum with a positive-definite information matrix is converged
        self.converged_ = bool(fit.converged and not self.limits_)
        self.loglik_ = fit.loglik
        self.n_iter_ = fit.n_iter
        self.design_columns_ = {p.name: list(d.columns) for p, d in zip(spec.parameters, designs)}
        self._fixed_offsets_ = {
            p.name: (None if d.offset is None or d.n_coef else float(d.offset[0]))
            for p, d in zip(spec.parameters, designs)
        }
        pnames, terms = [], []
        for p, d in zip(spec.parameters, designs):
            pnames += [p.name] * d.n_coef
            terms += list(d.columns)
        self.result_ = LikelihoodResults(
            parameters=pnames, terms=terms, estimates=fit.coef, vcov=fit.vcov,
            loglik=fit.loglik, n_obs=int(round(w.sum())) if np.allclose(w, np.round(w)) else len(w),
            converged=self.converged_, model_name=self._model_name(), limits=self.limits_,
            extra_info=self._penalty_info(),
        )
        self._warn_fit(fit)
        return self

    def _penalty_info(self):
        pen = self._penalty()
        if pen is None or (not isinstance(pen, dict) and pen == 0):
            return []
        a = getattr(self, "l1_ratio", 0.0)
        kind = "ridge" if a == 0 else ("lasso" if a == 1 else f"elastic net (l1_ratio {a:g})")
        given = getattr(self, "penalizer", None)
        keyword = f" (penalizer={given!r})" if isinstance(given, str) else ""
        return [("Penalty", f"{kind}, {pen}{keyword}")]

    def _warn_fit(self, fit):
        """One ConvergenceWarning naming this estimator and the diagnosed cause, at the user's line."""
        name = self._model_name()
        if self.limits_:
            warn_user(f"{name}: " + " ".join(r.message for r in self.limits_), ConvergenceWarning)
        elif not self.converged_:
            warn_user(f"{name}: maximum likelihood did not converge: {fit.message}.", ConvergenceWarning)
        # at a limit the missing standard errors are part of what the limit warning says
        if not self.limits_ and not np.isfinite(np.diag(fit.vcov)).any() and fit.coef.size:
            warn_user(f"{name}: standard errors are unavailable (singular information matrix).",
                      NumericalWarning)

    # keywords of from_formula that describe the response (e.g. time=, event=) rather than the
    # estimator; they are passed to _formula_response
    _formula_response_keywords: tuple = ()

    def _formula_response(self, formula, data, **response_keywords):
        """The engine's data dict and the response column names, from a formula and a DataFrame.

        The default takes the left-hand side of ``formula`` as y; families whose response is
        several columns (survival times with event indicators, ...) override it.
        """
        y, yname = response_from_formula(formula, data)
        return self._response(y, len(y), **response_keywords), [yname]

    def _main_formula_parameter(self):
        """The parameter whose design the main ``formula`` gives (default: keyword "formula")."""
        return next((p.name for p in self._spec().parameters
                     if self._formula_keyword(p.name) == "formula"), None)

    @classmethod
    def from_formula(cls, formula, data, *, sample_weight=None, **kwargs):
        """Fit from a formula on a DataFrame (formulaic syntax), returning the fitted estimator.

        ``formula`` gives the response and the design of the main parameter; the other
        parameters take their own right-hand-side formulas through keywords (for example
        ``scale_formula="~ x"``); without one, a parameter whose covariates are "all" takes the
        main formula's right-hand side and any other is intercept-only. Keywords listed in
        ``_formula_response_keywords`` describe the response (event indicators, an exposure, ...).
        Remaining keywords are estimator parameters. Predictions on a new DataFrame rebuild the same columns.
        """
        keywords = {kw for kw in cls._formula_keywords.values() if kw != "formula"}
        given = {kw: kwargs.pop(kw) for kw in list(kwargs) if kw in keywords}
        response_kw = {k: kwargs.pop(k) for k in cls._formula_response_keywords if k in kwargs}
        est = cls(**kwargs)
        # the formula path does not go through fit, so it checks the parameters itself
        est._validate_parameters()
        data_dict, response_columns = est._formula_response(formula, data, **response_kw)
        n = len(next(iter(data_dict.values())))
        w = est._validate_weights(sample_weight, n)
        fixed = est._fixed_eta()
        main_name = est._main_formula_parameter()
        designs, fdesigns = [], {}
        for p in est._spec().parameters:
            choice = est._covariates().get(p.name, "intercept")
            main = p.name == main_name
            f = formula if main else given.get(est._formula_keyword(p.name))
            if f is None and isinstance(choice, str) and choice == "all":
                f = formula
            if isinstance(choice, str) and choice == "none":
                if f is not None and not main:
                    raise ValueError(f"parameter {p.name!r} is fixed in this model and takes no formula.")
                designs.append(Design.fixed(n, fixed[p.name]))
                fdesigns[p.name] = None
            elif f is None:
                designs.append(Design(np.ones((n, 1)), ["Intercept"], 0))
                fdesigns[p.name] = None
            else:
                fd = design_from_formula(f, data)
                designs.append(Design(fd.matrix, fd.columns, fd.intercept))
                fdesigns[p.name] = fd
        est.feature_names_in_ = np.asarray(
            [str(c) for c in data.columns if c not in response_columns], dtype=object
        )
        est.n_features_in_ = len(est.feature_names_in_)
        est.formula_designs_ = fdesigns
        est.response_name_ = response_columns[0] if len(response_columns) == 1 else tuple(response_columns)
        return est._fit_designs(designs, data_dict, w)

    # ------------------------------------------------------------------ prediction
    def _predict_designs(self, X):
        spec = self._spec()
        if getattr(self, "formula_designs_", None) is not None:
            n = len(X) if hasattr(X, "__len__") else 0
            designs = []
            for p in spec.parameters:
                fd = self.formula_designs_.get(p.name)
                off = self._fixed_offsets_[p.name]
                if off is not None:
                    designs.append(Design.fixed(n, off))
                elif fd is None:
                    designs.append(Design(np.ones((n, 1)), ["Intercept"], 0))
                else:
                    m = fd.transform(X)
                    designs.append(Design(m, fd.columns, fd.intercept))
            return designs
        X = self._validate_X(X, reset=False)
        return self._array_designs(X)

    def predict_parameters(self, X) -> pd.DataFrame:
        """Natural-scale distribution parameters per row of X (one column per parameter)."""
        check_is_fitted(self)
        theta = self._theta(X)
        return pd.DataFrame(theta)

    def _theta(self, X, offsets=None) -> dict:
        designs = self._predict_designs(X)
        offsets = offsets or {}
        theta = {}
        for p, d in zip(self._spec().parameters, designs):
            eta = np.zeros(d.matrix.shape[0]) if d.offset is None else np.asarray(d.offset, float).copy()
            if d.n_coef:
                eta = eta + d.matrix @ self.coef_[p.name]
            if p.name in offsets:
                eta = eta + np.asarray(offsets[p.name], float)
            with np.errstate(over="ignore"):
                theta[p.name] = p.link_function.inverse(eta)
            if d.n_coef:
                _check_predicted(p, theta[p.name], eta)
        return theta

    def predict_distribution(self, X):
        """The predicted distribution of y for each row of X."""
        check_is_fitted(self)
        return self._distribution(self._theta(X))

    def summary(self):
        """Shortcut for ``result_.summary()``."""
        check_is_fitted(self)
        return self.result_.summary()
