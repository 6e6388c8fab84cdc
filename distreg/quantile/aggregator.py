"""Aggregation of conditional quantile models (Fakoor, Kim, Mueller, Smola & Tibshirani 2023)."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from sklearn.base import clone
from sklearn.model_selection import KFold
from sklearn.utils.validation import has_fit_parameter

from .._base import DistributionalRegressor, check_is_fitted
from .._params import Instance, Interval, Options
from .._validation import check_confidence_level, check_levels, check_random_state
from .._params import SPLITTER
from ..distributions import QuantileFunction
from ..exceptions import ConvergenceWarning
from ._grid import DEFAULT_LEVELS, GRID_CONSTRAINTS, match_levels
from ._noncrossing import NONCROSSING_METHODS, make_noncrossing
from ._objective import Objective
from ._schemes import SCHEMES, Scheme

__all__ = ["QuantileAggregator"]


def _named(estimators):
    """[(name, estimator)] from a list of estimators or of (name, estimator) pairs."""
    if isinstance(estimators, (str, bytes)) or not hasattr(estimators, "__iter__"):
        raise TypeError("estimators must be a list of estimators or of (name, estimator) pairs.")
    items = list(estimators)
    if len(items) == 0:
        raise ValueError("estimators is empty; pass at least one base quantile model.")
    out, seen = [], {}
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, est = item
        else:
            est = item
            base = type(est).__name__
            seen[base] = seen.get(base, 0) + 1
            name = base if seen[base] == 1 else f"{base}_{seen[base]}"
        if not (hasattr(est, "fit") and hasattr(est, "predict_quantiles")):
            raise TypeError(
                f"base model {name!r} ({type(est).__name__}) has no fit/predict_quantiles; wrap a "
                "single-level quantile regressor in MultiQuantileRegressor, or pass a distreg model."
            )
        out.append((name, est))
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f"base model names must be unique; got {names}.")
    return out


class QuantileAggregator(DistributionalRegressor):
    """Weighted ensemble of conditional quantile models (Fakoor et al. 2023, JMLR 24).

    The base models are fitted on ``cv`` folds; their out-of-fold quantile predictions are the
    training data of the aggregation weights, which minimise the pinball loss averaged over
    the levels (smoothed for optimisation, plus an optional crossing penalty) with L-BFGS.
    The base models are then refitted on all data. Predictions are the weighted combinations,
    made monotone by ``noncrossing`` (post-sorting or isotonic regression, which never increase
    the pinball loss).

    Parameters
    ----------
    estimators : list of estimators or of (name, estimator) pairs
        Base models with ``fit(X, y)`` and ``predict_quantiles(X, quantiles)`` returning (n, K):
        :class:`LinearQuantileRegressor`, :class:`MultiQuantileRegressor`,
        :class:`KNeighborsQuantileRegressor`, or any distreg distributional regressor.
    quantiles : array-like, default ``np.arange(1, 100) / 100``
        Strictly increasing levels in (0, 1).
    weights : str, default "global-medium"
        ``"global-coarse"`` (one weight per model), ``"global-medium"`` (per model and level),
        ``"global-fine"`` (each output level a convex combination of all levels of all models),
        and ``"local-coarse"``, ``"local-medium"``, ``"local-fine"``, whose weights are a softmax
        of a small network of x (see ``hidden_units``). local-fine uses a factorised form (local
        model weights times global level mixing; see the user guide).
    cv : int, cross-validation splitter or list of (train, test), default 5
        Folds for the out-of-fold base predictions. An int gives shuffled ``KFold``; the test
        folds must partition the rows.
    noncrossing : {"sort", "pav"} or None, default "sort"
        Monotone post-processing of the aggregated quantiles.
    calibration : {None, "cqr", "cv+"}, default None
        Conformal calibration of the central intervals returned by ``predict_interval``
        (Fakoor et al. 2023, §5), through :mod:`distreg.conformal`. ``"cqr"``: conformalized
        quantile regression (Romano, Patterson & Candès 2019, symmetric score) on a random
        held-out ``calibration_size`` fraction; the aggregator itself is fitted on the rest.
        ``"cv+"``: CQR scores computed out of fold with the ``cv`` folds, each fold's scores
        coming from an aggregator refitted without that fold, combined by the CV+ rule of
        Barber, Candès, Ramdas & Tibshirani (2021) (coverage at least 1 - 2α, typically 1 - α).
    confidence_level : float or list of float, optional
        Interval level(s) to calibrate; default 0.9 when ``calibration`` is set. Both ends
        (1 ± c)/2 must be among ``quantiles``.
    calibration_size : float, default 0.25
        Fraction of rows held out for ``calibration="cqr"``.
    crossing_penalty : float, default 0.0
        Weight λ of the crossing penalty in the training loss.
    smoothing : float, default 0.01
        Width δ of the pinball smoothing, in units of the standard deviation of y (of 1 when y
        is constant).
    hidden_units : int, default 16
        Hidden layer size of the local weight network (tanh); 0 gives a linear softmax.
    l2 : float, default 1e-3
        Ridge penalty on the local network's weight matrices.
    max_iter : int, default 500
        Maximum number of L-BFGS iterations.
    point : {"median", "mean"}, default "median"
    random_state : int, Generator or None
        Seeds the fold split and the network initialisation.

    Attributes
    ----------
    estimators_ : list of (name, fitted estimator), refitted on all data
    oof_predictions_ : ndarray (n, M, K), out-of-fold base quantiles used to fit the weights
    weights_ : pandas Series or DataFrame (see :meth:`local_weights` for local schemes)
    train_loss_ : float, exact mean pinball loss of the out-of-fold aggregate
    converged_ : bool

    Examples
    --------
    >>> import numpy as np
    >>> from distreg.quantile import LinearQuantileRegressor, KNeighborsQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-2, 2, size=(300, 1)); y = X[:, 0] ** 2 + rng.normal(size=300)
    >>> levels = [0.1, 0.5, 0.9]
    >>> agg = QuantileAggregator([LinearQuantileRegressor(quantiles=levels),
    ...                           KNeighborsQuantileRegressor(quantiles=levels)],
    ...                          quantiles=levels, weights="global-coarse", random_state=0)
    >>> agg = agg.fit(X, y)
    >>> agg.weights_.round(2)
    LinearQuantileRegressor        0.0
    KNeighborsQuantileRegressor    1.0
    dtype: float64
    >>> agg.predict_quantiles(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        "estimators": [Instance((list, tuple), "a list of estimators or of (name, estimator) pairs")],
        "quantiles": GRID_CONSTRAINTS["quantiles"],
        "weights": [Options(SCHEMES)],
        "cv": [Interval("int", 2, None), SPLITTER,
               Instance((list, tuple), "a list of (train, test) index arrays")],
        "noncrossing": [Options(NONCROSSING_METHODS), None],
        "calibration": [None, Options({"cqr", "cv+"})],
        "confidence_level": [None, Interval("real", 0, 1, closed="neither"),
                             Instance((list, tuple, np.ndarray), "a list of such numbers")],
        "calibration_size": [Interval("real", 0, 1, closed="neither")],
        "crossing_penalty": [Interval("real", 0, None)],
        "smoothing": [Interval("real", 0, None, closed="neither")],
        "hidden_units": [Interval("int", 0, None)],
        "l2": [Interval("real", 0, None)],
        "max_iter": [Interval("int", 1, None)],
        "point": GRID_CONSTRAINTS["point"],
        "random_state": ["random_state"],
    }

    def __init__(self, estimators, quantiles=DEFAULT_LEVELS, weights="global-medium", cv=5,
                 noncrossing="sort", calibration=None, confidence_level=None,
                 calibration_size=0.25, crossing_penalty=0.0, smoothing=0.01, hidden_units=16, l2=1e-3, max_iter=500,
                 point="median", random_state=None):
        self.estimators = estimators
        self.quantiles = quantiles
        self.weights = weights
        self.cv = cv
        self.noncrossing = noncrossing
        self.calibration = calibration
        self.confidence_level = confidence_level
        self.calibration_size = calibration_size
        self.crossing_penalty = crossing_penalty
        self.smoothing = smoothing
        self.hidden_units = hidden_units
        self.l2 = l2
        self.max_iter = max_iter
        self.point = point
        self.random_state = random_state

    # ------------------------------------------------------------------ checks
    def _check_params(self):
        levels = check_levels(self.quantiles, "quantiles", strictly_increasing=True)
        if self.calibration is not None:
            cls = np.atleast_1d(self._calibration_levels())
            for c in cls:
                match_levels([(1 - c) / 2, (1 + c) / 2], levels,
                             f"QuantileAggregator (calibration at confidence_level={c:g})")
        named = _named(self.estimators)
        for name, est in named:
            params = est.get_params(deep=False) if hasattr(est, "get_params") else {}
            if params.get("quantiles") is not None:
                try:
                    own = check_levels(params["quantiles"], "quantiles")
                except ValueError as exc:
                    raise ValueError(f"base model {name!r}: {exc}") from None
                match_levels(levels, own, f"base model {name!r} ({type(est).__name__})")
        return levels, named

    def _calibration_levels(self):
        return check_confidence_level(0.9 if self.confidence_level is None else self.confidence_level)

    def _splits(self, n):
        if isinstance(self.cv, numbers.Integral):
            k = int(self.cv)
            if k > n:
                raise ValueError(f"cv={k} exceeds the number of rows of X (n_samples = {n}); use fewer folds.")
            seed = check_random_state(self.random_state).integers(2**31 - 1)
            return list(KFold(k, shuffle=True, random_state=int(seed)).split(np.zeros(n)))
        if hasattr(self.cv, "split"):
            splits = list(self.cv.split(np.zeros(n)))
        else:
            splits = [_fold(pair, n) for pair in self.cv]
        counts = np.zeros(n, dtype=int)
        for _, test in splits:
            counts[test] += 1
        if np.any(counts != 1):
            raise ValueError("cv must put every row in exactly one test fold (a partition such as "
                             "KFold) so that each row gets one out-of-fold prediction.")
        return splits

    @staticmethod
    def _base_quantiles(name, est, X, levels):
        try:
            Q = est.predict_quantiles(X, levels)
        except ValueError as exc:
            raise ValueError(f"base model {name!r} cannot predict the requested levels: {exc}") from None
        Q = np.asarray(Q, dtype=float)
        if Q.shape != (X.shape[0], levels.size):
            raise ValueError(f"base model {name!r} returned quantiles of shape {Q.shape}; expected "
                             f"({X.shape[0]}, {levels.size}).")
        if not np.all(np.isfinite(Q)):
            raise ValueError(f"base model {name!r} predicted non-finite quantiles; check its fit.")
        return Q

    @staticmethod
    def _fit_base(est, X, y, sample_weight):
        if sample_weight is not None and has_fit_parameter(est, "sample_weight"):
            return est.fit(X, y, sample_weight=sample_weight)
        return est.fit(X, y)

    # ------------------------------------------------------------------ fit
    def fit(self, X, y, sample_weight=None):
        """Fit the base models out of fold, learn the weights, then refit the base models.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n, p)
        y : array-like, shape (n,)
        sample_weight : array-like, shape (n,), optional
            Weights of the aggregation loss (also passed to base models that accept them).

        Returns
        -------
        self
        """
        levels, named = self._check_params()
        Xv = self._validate_X(X, reset=True)
        y = self._validate_y(y, Xv.shape[0])
        w = None if sample_weight is None else self._validate_weights(sample_weight, Xv.shape[0])
        Xin = X if hasattr(X, "iloc") else Xv  # keep DataFrames (column names) for the base models
        if self.calibration == "cqr":
            n_all = Xv.shape[0]
            perm = check_random_state(self.random_state).permutation(n_all)
            n_cal = int(round(self.calibration_size * n_all))
            if n_cal < 1 or n_cal >= n_all - 1:
                raise ValueError(f"calibration_size={self.calibration_size} leaves no room for "
                                 f"training or calibration with {n_all} rows.")
            cal, proper = np.sort(perm[:n_cal]), np.sort(perm[n_cal:])
            X_cal, y_cal = _rows(Xin, cal), y[cal]
            Xv, Xin, y = Xv[proper], _rows(Xin, proper), y[proper]
            w = None if w is None else w[proper]
        n = Xv.shape[0]
        splits = self._splits(n)
        M, K = len(named), levels.size
        P = np.empty((n, M, K))
        for train, test in splits:
            Xtr, Xte = _rows(Xin, train), _rows(Xin, test)
            wtr = None if w is None else w[train]
            for m, (name, est) in enumerate(named):
                fitted = self._fit_base(clone(est), Xtr, y[train], wtr)
                P[test, m, :] = self._base_quantiles(name, fitted, Xte, levels)
        self.oof_predictions_ = P
        self.estimators_ = [(name, self._fit_base(clone(est), Xin, y, w)) for name, est in named]
        self.quantiles_ = levels
        self.model_names_ = [name for name, _ in named]
        self._train = (Xv, y, np.ones(n) if w is None else w)
        self._fit_weights(Xv, y, P, levels, self._train[2])
        self._splits_ = splits
        if self.calibration == "cqr":
            self._calib_data = (X_cal, y_cal)
            self._fit_cqr()
        elif self.calibration == "cv+":
            self._fit_cv_plus(Xin, y, w, splits)
        return self

    # ------------------------------------------------------------------ conformal calibration
    def _fit_cqr(self):
        from ..conformal import ConformalizedQuantileRegressor

        X_cal, y_cal = self._calib_data
        # the calibrator reads this aggregator's raw (uncalibrated) quantiles
        self.calibrator_ = ConformalizedQuantileRegressor(
            estimator=self, confidence_level=self._calibration_levels(),
            symmetric=True, prefit=True).conformalize(X_cal, y_cal)
        self.n_calibration_ = int(y_cal.shape[0])

    def _fit_cv_plus(self, Xin, y, w, splits):
        # one aggregator per fold, fitted without the fold: its CQR scores on the fold are
        # out of fold for the whole pipeline (base models and weights)
        inner = clone(self).set_params(calibration=None)
        owner = np.empty(y.shape[0], dtype=int)
        self.fold_estimators_ = []
        cls = np.atleast_1d(self._calibration_levels())
        scores = np.empty((cls.size, y.shape[0]))
        for b, (train, test) in enumerate(splits):
            wtr = None if w is None else w[train]
            est = clone(inner).fit(_rows(Xin, train), y[train], sample_weight=wtr)
            self.fold_estimators_.append(est)
            owner[test] = b
            for j, c in enumerate(cls):
                Q = est.predict_quantiles(_rows(Xin, test), [(1 - c) / 2, (1 + c) / 2])
                scores[j, test] = np.maximum(Q[:, 0] - y[test], y[test] - Q[:, 1])
        self.fold_of_row_ = owner
        self.conformity_scores_ = scores
        self.n_calibration_ = int(y.shape[0])

    def _cv_plus_interval(self, X, cls):
        from ..conformal import conformal_rank, n_required

        n = self.conformity_scores_.shape[1]
        out = np.empty((self._validate_X(X, reset=False).shape[0], 2, cls.size))
        for j, c in enumerate(cls):
            k = conformal_rank(n, c)
            if k > n:
                raise ValueError(f"CV+ at confidence_level={c:g} needs at least {n_required(c)} "
                                 f"training rows; got {n}.")
            ends = [est.predict_quantiles(X, [(1 - c) / 2, (1 + c) / 2])
                    for est in self.fold_estimators_]
            lo_i = np.stack([e[:, 0] for e in ends], axis=1)[:, self.fold_of_row_]
            hi_i = np.stack([e[:, 1] for e in ends], axis=1)[:, self.fold_of_row_]
            R = self.conformity_scores_[j][None, :]
            # Barber et al. (2021), eq. (8) with CQR scores: the floor(α(n+1))-th smallest of
            # lo_{-i}(x) - R_i is the k-th largest, i.e. minus the k-th smallest of its negative
            upper = np.partition(hi_i + R, k - 1, axis=1)[:, k - 1]
            lower = -np.partition(-(lo_i - R), k - 1, axis=1)[:, k - 1]
            out[:, 0, j], out[:, 1, j] = lower, upper
        return out

    def _calibrated_interval(self, X, cl):
        cls = np.atleast_1d(cl)
        fitted = np.atleast_1d(self._calibration_levels())
        for c in cls:
            if not np.isclose(fitted, c, atol=1e-12).any():
                raise ValueError(f"confidence_level={c:g} was not calibrated; the aggregator was "
                                 f"calibrated at {fitted.tolist()}. Set confidence_level and refit.")
        if self.calibration == "cqr":
            out = self.calibrator_.predict_interval(X, confidence_level=cls.tolist())
        else:
            out = self._cv_plus_interval(X, cls)
        return out[:, :, 0] if np.ndim(cl) == 0 else out

    _WEIGHT_PARAMS = ("weights", "noncrossing", "crossing_penalty", "smoothing", "hidden_units",
                      "l2", "max_iter", "random_state")

    def refit_weights(self, **params):
        """Re-learn only the weights (on the stored out-of-fold predictions) with new parameters.

        Cheap way to compare weight schemes: the base models are not refitted. Accepts
        ``weights``, ``noncrossing``, ``crossing_penalty``, ``smoothing``, ``hidden_units``,
        ``l2``, ``max_iter`` and ``random_state``; they are stored as with ``set_params``.

        Returns
        -------
        self

        Examples
        --------
        >>> import numpy as np
        >>> from distreg.quantile import LinearQuantileRegressor, KNeighborsQuantileRegressor
        >>> rng = np.random.default_rng(1)
        >>> X = rng.uniform(size=(200, 1)); y = X[:, 0] + rng.normal(scale=0.2, size=200)
        >>> lv = [0.25, 0.5, 0.75]
        >>> agg = QuantileAggregator([LinearQuantileRegressor(quantiles=lv),
        ...                           KNeighborsQuantileRegressor(quantiles=lv)], quantiles=lv,
        ...                          weights="global-coarse", random_state=0).fit(X, y)
        >>> agg.refit_weights(weights="global-medium").weights_.shape
        (3, 2)
        """
        check_is_fitted(self)
        unknown = sorted(set(params) - set(self._WEIGHT_PARAMS))
        if unknown:
            raise ValueError(f"refit_weights cannot change {unknown}; it accepts "
                             f"{list(self._WEIGHT_PARAMS)}. Use set_params and fit for the rest.")
        self.set_params(**params)
        self._validate_parameters()
        self._check_params()
        Xv, y, w = self._train
        self._fit_weights(Xv, y, self.oof_predictions_, self.quantiles_, w)
        if self.calibration == "cqr":
            self._fit_cqr()
        elif self.calibration == "cv+":
            Xin = Xv if getattr(self, "feature_names_in_", None) is None else pd.DataFrame(
                Xv, columns=self.feature_names_in_)
            self._fit_cv_plus(Xin, y, None if np.all(w == 1) else w, self._splits_)
        return self

    def _fit_weights(self, Xv, y, P, levels, w):
        M, K = P.shape[1], P.shape[2]
        # affine standardisation: convex weights commute with it, and it conditions L-BFGS
        self.y_center_ = float(np.average(y, weights=w))
        self.y_scale_ = float(np.sqrt(np.average((y - self.y_center_) ** 2, weights=w))) or 1.0
        Ps = (P - self.y_center_) / self.y_scale_
        ys = (y - self.y_center_) / self.y_scale_
        local = self.weights.startswith("local")
        Z = None
        if local:
            self.x_mean_ = Xv.mean(axis=0)
            sd = Xv.std(axis=0)
            sd[sd == 0] = 1.0
            self.x_scale_ = sd
            Z = (Xv - self.x_mean_) / self.x_scale_
        rng = check_random_state(self.random_state)
        scheme = Scheme(self.weights, M, K, d=Xv.shape[1], hidden=self.hidden_units, rng=rng)
        obj = Objective(scheme, Ps, ys, levels, w, Z=Z, smoothing=self.smoothing,
                        crossing_penalty=self.crossing_penalty, l2=self.l2 if local else 0.0)
        res = minimize(obj, scheme.init(), jac=True, method="L-BFGS-B",
                       options={"maxiter": self.max_iter, "maxcor": 20})
        self.n_iter_ = int(res.nit)
        self.converged_ = bool(res.success)
        if not res.success:
            warnings.warn(f"QuantileAggregator ({self.weights}): L-BFGS stopped before "
                          f"convergence after {res.nit} iterations ({res.message}); raise max_iter "
                          "or the smoothing.", ConvergenceWarning, stacklevel=3)
        self._scheme = scheme
        self.coef_ = res.x
        self.train_objective_ = float(res.fun)
        A = self._aggregate(Ps, Z)
        from ..metrics import pinball_loss

        self.train_loss_ = float(pinball_loss(ys, A, levels, sample_weight=w)) * self.y_scale_
        self.weights_ = self._readable_weights(Z)

    def _aggregate(self, Ps, Z):
        A, _ = self._scheme.forward(self.coef_, Ps, Z)
        return make_noncrossing(A, self.noncrossing)

    def _readable_weights(self, Z):
        W = self._scheme.mean_weights(self.coef_, Z)
        names, lv = self.model_names_, self.quantiles_
        kind = self._scheme.kind
        if kind == "coarse":
            return pd.Series(W, index=names, name=None)
        if kind == "medium":
            return pd.DataFrame(W.T, index=pd.Index(lv, name="level"), columns=names)
        cols = pd.MultiIndex.from_product([names, lv], names=["model", "input level"])
        return pd.DataFrame(W.reshape(len(names) * lv.size, lv.size).T,
                            index=pd.Index(lv, name="output level"), columns=cols)

    # ------------------------------------------------------------------ predictions
    def _base_predictions(self, X):
        Xv = self._validate_X(X, reset=False)
        Xin = X if hasattr(X, "iloc") else Xv
        P = np.stack([self._base_quantiles(name, est, Xin, self.quantiles_)
                      for name, est in self.estimators_], axis=1)
        return Xv, P

    def _z(self, Xv):
        return (Xv - self.x_mean_) / self.x_scale_ if self._scheme.local else None

    def predict_quantiles(self, X, quantiles=None):
        """Aggregated quantiles at ``quantiles`` (default: the fitted levels), shape (n, k)."""
        check_is_fitted(self)
        Xv, P = self._base_predictions(X)
        Ps = (P - self.y_center_) / self.y_scale_
        Q = self._aggregate(Ps, self._z(Xv)) * self.y_scale_ + self.y_center_
        if quantiles is None:
            return Q
        return Q[:, match_levels(quantiles, self.quantiles_, "QuantileAggregator")]

    def predict_distribution(self, X):
        """A :class:`~distreg.distributions.QuantileFunction` through the aggregated quantiles.

        Rows are sorted first when ``noncrossing=None`` (a distribution needs monotone quantiles).
        """
        check_is_fitted(self)
        if self.quantiles_.size < 2:
            raise ValueError("predict_distribution needs at least two quantile levels.")
        Q = np.sort(self.predict_quantiles(X), axis=1)
        return QuantileFunction(self.quantiles_, Q)

    def local_weights(self, X):
        """Weights at the rows of X: (n, M), (n, M, K) or (n, M, K, K) (model, input, output level).

        For global schemes the weights do not depend on X and are repeated for each row.
        """
        check_is_fitted(self)
        Xv = self._validate_X(X, reset=False)
        W = self._scheme.weights(self.coef_, self._z(Xv))
        if not self._scheme.local:
            W = np.broadcast_to(W, (Xv.shape[0],) + W.shape).copy()
        return W

    def predict_interval(self, X, confidence_level=0.9):
        """Central intervals (n, 2), or (n, 2, L) for L levels.

        Without ``calibration`` they are read off the aggregated quantile function; with it they
        are the conformal (CQR or CV+) intervals, available at the calibrated levels only.
        """
        check_is_fitted(self)
        cl = check_confidence_level(confidence_level)
        if self.calibration is None:
            return self.predict_distribution(X).interval(cl)
        return self._calibrated_interval(X, cl)

    # ------------------------------------------------------------------ comparison
    def compare(self, X, y, confidence_levels=(0.5, 0.8, 0.9)):
        """Table of test scores: every base model, the mean and median of the models, the aggregate.

        Columns: ``pinball`` (mean over levels), ``wis`` (weighted interval score; only when the
        levels are symmetric about 0.5), ``relative_wis`` (÷ best base model; or relative pinball
        when WIS is unavailable), and ``coverage_<c>`` for each central interval whose end levels
        were fitted. Base predictions are made monotone with the same ``noncrossing`` rule.

        Returns
        -------
        pandas.DataFrame
        """
        from ..metrics import coverage, pinball_loss, weighted_interval_score

        check_is_fitted(self)
        confidence_levels = np.atleast_1d(check_confidence_level(confidence_levels, "confidence_levels"))
        Xv, P = self._base_predictions(X)
        y = self._validate_y(y, Xv.shape[0])
        lv = self.quantiles_
        rows = {name: P[:, m, :] for m, name in enumerate(self.model_names_)}
        rows["mean of models"] = P.mean(axis=1)
        rows["median of models"] = np.median(P, axis=1)
        rows = {k: make_noncrossing(v, self.noncrossing) for k, v in rows.items()}
        rows[f"aggregate ({self.weights})"] = self.predict_quantiles(X)
        symmetric = np.allclose(np.sort(lv), np.sort(1 - lv), atol=1e-10)
        cls = []
        for c in confidence_levels:
            lo, hi = (1 - c) / 2, (1 + c) / 2
            if np.isclose(lv, lo, atol=1e-9).any() and np.isclose(lv, hi, atol=1e-9).any():
                cls.append((float(c), int(np.argmin(np.abs(lv - lo))), int(np.argmin(np.abs(lv - hi)))))
        table = {}
        for name, Q in rows.items():
            rec = {"pinball": pinball_loss(y, Q, lv)}
            if symmetric:
                rec["wis"] = weighted_interval_score(y, Q, lv)
            Qs = np.sort(Q, axis=1)
            for c, i, j in cls:
                rec[f"coverage_{c:g}"] = coverage(y, Qs[:, [i, j]])
            table[name] = rec
        df = pd.DataFrame.from_dict(table, orient="index")
        key = "wis" if symmetric else "pinball"
        best = df.loc[self.model_names_, key].min()
        df.insert(2 if symmetric else 1, f"relative_{key}", df[key] / best)
        return df


def _fold(pair, n):
    """One (train, test) pair of a user cv list as integer index arrays within range(n)."""
    try:
        train, test = pair
        train, test = np.asarray(train), np.asarray(test)
    except (TypeError, ValueError):
        raise ValueError("cv must hold (train, test) pairs of index arrays.") from None
    for idx in (train, test):
        if idx.ndim != 1 or idx.dtype.kind not in "iu" or (idx.size and (idx.min() < 0 or idx.max() >= n)):
            raise ValueError(f"cv must hold (train, test) pairs of integer indices in [0, {n}).")
    return train, test


def _rows(X, idx):
    return X.iloc[idx] if hasattr(X, "iloc") else X[idx]
