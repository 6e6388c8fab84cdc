"""Cross-conformal intervals: CV+, jackknife+, jackknife-minmax and jackknife+-after-bootstrap."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import RegressorMixin, clone
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, LeaveOneOut
from sklearn.utils import _safe_indexing

from .._params import LEVELS, SPLITTER, Interval, Options
from .._validation import check_random_state, check_same_length
from ._base import (
    ConformalMixin,
    call_model,
    check_rows,
    check_target,
    format_interval,
)
from ._quantile import _rank, _side
from .scores import AbsoluteScore, get_score
from .split import REGRESSOR, SCORE

__all__ = ["CrossConformalRegressor"]

# test rows are processed in blocks so that the (rows x calibration points) matrix stays small
_BLOCK_ENTRIES = 2_000_000


class CrossConformalRegressor(RegressorMixin, ConformalMixin):
    """Cross-conformal prediction intervals without a held-out calibration set.

    The data are split into folds (or bootstrap samples); model b is fitted without its
    out-of-fold points and each point i gets an out-of-fold prediction μ₋ᵢ and score Rᵢ. For a
    new x, ``method="plus"`` returns the ⌊α(n+1)⌋-th smallest of μ₋ᵢ(x) - Rᵢ and the
    ⌈(1-α)(n+1)⌉-th smallest of μ₋ᵢ(x) + Rᵢ (Barber, Candès, Ramdas & Tibshirani 2021,
    eq. (8) and section 4: jackknife+ and CV+; coverage >= 1 - 2α, typically 1 - α).
    ``method="minmax"`` uses min/max of the μ₋ᵢ(x) ∓ the conformal quantile of R
    (jackknife-minmax, coverage >= 1 - α). With ``cv="bootstrap"`` the models are fitted on
    bootstrap samples and μ₋ᵢ aggregates the models whose sample misses i
    (jackknife+-after-bootstrap, Kim, Xu & Barber 2020).

    Parameters
    ----------
    estimator : regressor, default LinearRegression()
    confidence_level : float or list of float, default 0.9
    method : {"plus", "minmax"}, default "plus"
    cv : int, "loo", "bootstrap" or a scikit-learn splitter, default 5
        An int K means ``KFold(K, shuffle=True, random_state=random_state)``; ``"loo"`` gives
        the jackknife+.
    conformity_score : {"absolute", "gamma"} or ConformityScore, default "absolute"
        Scores that need a scale estimate are not available here.
    n_resamplings : int, default 30
        Number of bootstrap samples for ``cv="bootstrap"``.
    aggregation : {"mean", "median"}, default "mean"
        How out-of-bag predictions are combined (bootstrap) and how ``predict`` combines models.
    random_state : int, Generator or None
    allow_infinite_bounds : bool, default False
        With too few calibration points for a level, return infinite bounds with an
        ``InfiniteBoundsWarning`` instead of raising ``ValueError`` (see docs/conformal.rst).

    Attributes
    ----------
    estimators_ : list of fitted models
    oob_mask_ : ndarray of bool, shape (n_models, n)
        Whether point i was left out of model b.
    conformity_scores_ : ndarray, shape (n_valid,)
        Out-of-fold scores (points never left out are dropped).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = X @ [1.0, 2.0] + rng.normal(size=200)
    >>> cv = CrossConformalRegressor(cv=5, random_state=0).fit(X, y)
    >>> pi = cv.predict_interval(np.zeros((1, 2)))
    >>> pi.shape, bool(pi[0, 0] < 0 < pi[0, 1])
    ((1, 2), True)
    """

    _parameter_constraints = {
        "estimator": REGRESSOR,
        "confidence_level": LEVELS,
        "method": [Options({"plus", "minmax"})],
        "cv": [Interval("int", 2, None), Options({"loo", "bootstrap"}), SPLITTER],
        "conformity_score": [Options({"absolute", "gamma"}), SCORE],
        "n_resamplings": [Interval("int", 2, None)],
        "aggregation": [Options({"mean", "median"})],
        "random_state": ["random_state"],
        "allow_infinite_bounds": [bool],
    }
    _calibration_name = "the out-of-fold sample"
    _calibration_source = "the X, y passed to fit"

    def __init__(self, estimator=None, confidence_level=0.9, method="plus", cv=5, conformity_score="absolute",
                 n_resamplings=30, aggregation="mean", random_state=None, allow_infinite_bounds=False):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.method = method
        self.cv = cv
        self.conformity_score = conformity_score
        self.n_resamplings = n_resamplings
        self.aggregation = aggregation
        self.random_state = random_state
        self.allow_infinite_bounds = allow_infinite_bounds

    prefit = False

    def _splits(self, X, y, n):
        cv = self.cv
        if isinstance(cv, str):
            if cv == "loo":
                return list(LeaveOneOut().split(np.zeros(n)))
            rng = check_random_state(self.random_state)
            out = []
            for _ in range(self.n_resamplings):
                train = rng.integers(0, n, size=n)
                out.append((train, np.setdiff1d(np.arange(n), train)))
            return out
        if isinstance(cv, numbers.Integral):
            k = int(cv)
            if k > n:
                raise ValueError(f"cv={k} folds but only {n} rows; use at most {n} folds or cv='loo'.")
            rs = self.random_state
            rs = int(check_random_state(rs).integers(2**31 - 1)) if isinstance(rs, np.random.Generator) else rs
            return list(KFold(k, shuffle=True, random_state=rs).split(np.zeros(n)))
        return list(cv.split(X, y))

    def fit(self, X, y, **fit_params):
        """Fit one model per fold/resample and compute the out-of-fold conformity scores.

        Returns
        -------
        self
        """
        levels, _ = self._levels()
        score = get_score(self.conformity_score)
        if score.needs_scale:
            raise ValueError(
                "CrossConformalRegressor does not support scores that need a scale estimate; "
                "use conformity_score='absolute' or 'gamma', or SplitConformalRegressor(conformity_score='normalized')."
            )
        n = check_rows(X)
        y = check_target(y, "y")
        check_same_length(X=range(n), y=y)
        if n < 2:
            raise ValueError(f"X has {n} row; cross-conformal prediction needs at least 2 rows (n_samples = {n}).")
        self._record_features(X)
        if not (hasattr(X, "iloc") or isinstance(X, (np.ndarray, list))):
            X = np.asarray(X)  # array-likes without indexing
        base = LinearRegression() if self.estimator is None else self.estimator
        splits = self._splits(X, y, n)
        B = len(splits)
        mask = np.zeros((B, n), dtype=bool)
        models = []
        for b, (train, test) in enumerate(splits):
            mask[b] = True
            mask[b, np.asarray(train)] = False
            models.append(call_model(self, clone(base).fit, _safe_indexing(X, train), y[np.asarray(train)],
                                     **fit_params))
        counts = mask.sum(axis=0)
        valid = counts > 0
        if valid.sum() == 0:
            raise ValueError("no point was left out of any model; use a cross-validation splitter.")
        self.estimators_ = models
        self.oob_mask_ = mask
        self._partition = bool(np.all(counts[valid] == 1))
        self._valid = np.flatnonzero(valid)
        if self._partition:
            self._owner = mask[:, self._valid].argmax(axis=0)
            oof = np.empty(n)
            for b, (_, test) in enumerate(splits):
                test = np.asarray(test)
                if test.size:
                    pred = call_model(self, models[b].predict, _safe_indexing(X, test))
                    oof[test] = np.asarray(pred, dtype=float).reshape(-1)
            oof = oof[self._valid]
        else:
            P = self._model_predictions(X)  # (n, B)
            oof = self._aggregate_oob(P, rows=self._valid, diag=True)
        self.oof_predictions_ = oof
        self.conformity_scores_ = np.asarray(score.score(y[self._valid], oof), dtype=float)
        self.estimator_ = models[0]
        self.calibration_groups_ = None
        self.calibration_weights_ = None
        self.n_calibration_ = int(self._valid.size)
        self._check_calibration_size(levels, two_sided=not score.symmetric)
        return self

    def fit_conformalize(self, X, y, **fit_params):
        """Alias of :meth:`fit` (the name MAPIE uses)."""
        return self.fit(X, y, **fit_params)

    # ------------------------------------------------------------------ internals
    def _model_predictions(self, X):
        return np.column_stack([np.asarray(call_model(self, m.predict, X), dtype=float).reshape(-1)
                                for m in self.estimators_])

    def _aggregate_oob(self, P, rows=None, diag=False):
        """μ₋ᵢ: out-of-bag aggregate for each calibration point i.

        With ``diag`` row r of P belongs to calibration point rows[r] (returns (n_valid,));
        otherwise every row of P is a test point (returns (m, n_valid)).
        """
        M = self.oob_mask_[:, self._valid]
        if diag:
            Mi = M.T  # (n_valid, B)
            Pv = P[rows]
            if self.aggregation == "mean":
                return (Pv * Mi).sum(axis=1) / Mi.sum(axis=1)
            return np.nanmedian(np.where(Mi, Pv, np.nan), axis=1)
        if self.aggregation == "mean":
            return P @ (M / M.sum(axis=0))
        return np.nanmedian(np.where(M[None, :, :], P[:, :, None], np.nan), axis=1)

    def _fold_scores(self):
        """Per model, its out-of-fold scores sorted (partition splitters only)."""
        R = self.conformity_scores_
        return [np.sort(R[self._owner == b]) for b in range(len(self.estimators_))]

    def _mu_matrix(self, P):
        if self._partition:
            return P[:, self._owner]
        return self._aggregate_oob(P)

    def predict(self, X):
        """Point prediction: the mean (or median) of the out-of-fold predictions μ₋ᵢ(x), shape (n,)."""
        self._require_fitted("predict")
        self._predict_rows(X)
        P = self._model_predictions(X)
        if self.aggregation == "mean":
            if self._partition:
                w = np.bincount(self._owner, minlength=P.shape[1]) / self._owner.size
                return P @ w
            M = self.oob_mask_[:, self._valid]
            return P @ ((M / M.sum(axis=0)).sum(axis=1) / self._valid.size)
        out = np.empty(P.shape[0])
        step = max(1, _BLOCK_ENTRIES // max(self._valid.size, 1))
        for s in range(0, P.shape[0], step):
            out[s:s + step] = np.median(self._mu_matrix(P[s:s + step]), axis=1)
        return out

    def predict_interval(self, X, confidence_level=None):
        """Cross-conformal intervals, (m, 2) or (m, 2, L).

        Returns
        -------
        ndarray
        """
        self._require_conformalized("predict_interval")
        levels, scalar = self._levels(confidence_level)
        self._predict_rows(X)
        score = get_score(self.conformity_score)
        R = self.conformity_scores_
        n = R.size
        self._size_rule(levels, not score.symmetric)
        side = levels if score.symmetric else _side(levels)
        ranks = np.array([_rank(n, lv) for lv in side])
        P = self._model_predictions(X)
        m = P.shape[0]
        lower = np.full((m, levels.size), -np.inf)
        upper = np.full((m, levels.size), np.inf)
        ok = ranks <= n
        if self.method == "minmax":
            part = np.partition(R, np.unique(ranks[ok] - 1)) if ok.any() else R
            q_hi = np.where(ok, part[np.minimum(ranks, n) - 1], np.inf)
            if score.symmetric:
                q_lo = q_hi
            else:
                part_neg = np.partition(-R, np.unique(ranks[ok] - 1)) if ok.any() else -R
                q_lo = -np.where(ok, part_neg[np.minimum(ranks, n) - 1], np.inf)
            step = max(1, _BLOCK_ENTRIES // n)
            for s in range(0, m, step):
                mu = self._mu_matrix(P[s:s + step])
                lo_c, hi_c = mu.min(axis=1)[:, None], mu.max(axis=1)[:, None]
                lo, _ = score.interval(lo_c, q_lo[None, :], q_hi[None, :])
                _, hi = score.interval(hi_c, q_lo[None, :], q_hi[None, :])
                lower[s:s + step], upper[s:s + step] = lo, hi
            return format_interval(lower, upper, scalar)
        # plus: quantiles over i of the per-point bounds at x
        if self._partition and type(score) is AbsoluteScore:
            folds = self._fold_scores()
            for j in np.flatnonzero(ok):
                upper[:, j] = _kth_smallest_shifted(P, folds, int(ranks[j]))
                lower[:, j] = -_kth_smallest_shifted(-P, folds, int(ranks[j]))
            return format_interval(lower, upper, scalar)
        kth = np.unique(ranks[ok] - 1)
        step = max(1, _BLOCK_ENTRIES // n)
        for s in range(0, m, step):
            mu = self._mu_matrix(P[s:s + step])
            if score.symmetric:
                lo_i, hi_i = score.bounds(mu, R[None, :])
            else:
                lo_i = hi_i = score.invert(mu, R[None, :])
            if kth.size:
                neg = np.partition(-lo_i, kth, axis=1)
                pos = np.partition(hi_i, kth, axis=1)
                lower[s:s + step, ok] = -neg[:, ranks[ok] - 1]
                upper[s:s + step, ok] = pos[:, ranks[ok] - 1]
        return format_interval(lower, upper, scalar)


def _kth_smallest_shifted(P, folds, k, max_iter=200):
    """Per row r, the k-th smallest of {P[r, b] + s : b, s in folds[b]}, without forming it.

    The CV+ bound is an order statistic of n values μ_b(x) + R_i; with the scores of each fold
    sorted, the number of values <= v is a sum of K binary searches, so bisection on v finds
    the k-th smallest in O(K log n) per row and step instead of O(n). The result is then read
    off the candidates themselves (the largest value counted at the bracket's upper end).
    """
    m, K = P.shape
    lo = np.full(m, np.inf)
    hi = np.full(m, -np.inf)
    for b, s in enumerate(folds):
        if s.size:
            lo = np.minimum(lo, P[:, b] + s[0])
            hi = np.maximum(hi, P[:, b] + s[-1])
    lo = np.nextafter(lo, -np.inf)  # count(lo) < k <= count(hi)

    def count(v):
        c = np.zeros(m, dtype=np.int64)
        for b, s in enumerate(folds):
            if s.size:
                c += np.searchsorted(s, v - P[:, b], side="right")
        return c

    for _ in range(max_iter):
        mid = lo + (hi - lo) / 2
        active = (mid > lo) & (mid < hi)
        if not active.any():
            break
        enough = count(mid) >= k
        hi = np.where(active & enough, mid, hi)
        lo = np.where(active & ~enough, mid, lo)
    best = np.full(m, -np.inf)
    for b, s in enumerate(folds):
        if s.size:
            j = np.searchsorted(s, hi - P[:, b], side="right") - 1
            # the largest value counted at hi; comparing s <= hi - P instead of P + s <= hi can
            # differ in the last bit, so the candidate is not compared with hi again
            best = np.maximum(best, np.where(j >= 0, P[:, b] + s[np.maximum(j, 0)], -np.inf))
    return best
