"""The R3D estimator: regression discontinuity with distribution-valued outcomes."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._params import Interval, Options, ValidatedParams
from .._validation import as_float_array, check_1d, check_confidence_level, check_int, check_levels, check_option
from ..nonparametric._common import allocation_for, generator
from ._bandwidth import select_bandwidth
from ._checks import check_rdd_inputs
from ._inference import multiplier_inference
from ._local_polynomial import fit_side
from ._monotone import isotonic, rearrange, rearrange_r3d
from ._unit_quantiles import unit_quantile_matrix

__all__ = ["R3D"]

_TESTS = ("nullity", "homogeneity", "gini")


class R3D(ValidatedParams, BaseEstimator):
    """Regression discontinuity design with distribution-valued outcomes (Van Dijcke 2025).

    Each unit i has a running variable x_i and a sample of micro outcomes; treatment switches at
    ``cutoff``. The target is the local average quantile treatment effect

        tau(q) = E[Q_{Y(1)}(q) - Q_{Y(0)}(q) | X = c] = ``m_+(q) - m_-(q)``,

    ``m_+/-(q)`` the one-sided limits at the cutoff of the average unit quantile function (the
    Wasserstein barycenter), on a grid of levels q, with uniform confidence bands from a
    multiplier bootstrap. In the fuzzy design tau(q) is divided by the jump in the treatment
    probability (the effect for compliers).

    Parameters
    ----------
    cutoff : float, default 0.0
        Treatment applies when x >= cutoff.
    method : {"simple", "frechet"}, default "simple"
        ``"simple"``: a local polynomial of order p at each level (own bandwidth per level),
        rearranged to be monotone. ``"frechet"``: one bandwidth for all levels and the L2
        projection of the boundary fits onto monotone functions (the local Frechet regression in
        Wasserstein space; pool-adjacent-violators).
    p : int, default 2
        Order of the local polynomial used for estimation and inference.
    s : int, default 1
        Order for which the bandwidth is MSE optimal (p = s + 1 gives robust bias correction).
    kernel : {"epanechnikov", "triangular", "uniform"}, default "epanechnikov"
    bandwidth : "mse", float or array of shape (m,), default "mse"
        ``"mse"``: the three-step plug-in of :func:`select_bandwidth` (per level for "simple",
        integrated for "frechet"); a number or an array per level: fixed bandwidths.
    bandwidth_den : float, optional
        Fixed bandwidth of the treatment fit in the fuzzy design (default: selected).
    quantiles : array-like, optional
        Levels for :meth:`fit` and :meth:`from_frame` (default 0.01, 0.02, ..., 0.99).
    fuzzy : bool, default False
        Fuzzy design: ``treatment`` must be given to the fit method.
    n_boot : int, default 200
        Bootstrap draws (0: no inference).
    confidence_level : float, default 0.95
    tests : sequence of {"nullity", "homogeneity", "gini"}, default ()
        Tests of tau = 0, of constant tau and of equal Gini coefficients of the two boundary
        distributions.
    test_ranges : sequence of level ranges, optional
        Ranges of levels for the nullity and homogeneity tests, e.g. ``[(0.1, 0.5), (0.5, 0.9)]``;
        a list of more than two levels is split into adjacent pairs. Default: all levels. The
        Gini test always uses the whole grid.
    coverage_correction : bool, default False
        Shrink the selected bandwidths by n^{-s/((2s+3)(s+3))}.
    vce : {"hc0", "hc2", "hc3"}, optional
        Residuals fed to the multiplier bootstrap: raw ("hc0", the R package), or divided by
        sqrt(1 - h_ii) ("hc2") or (1 - h_ii) ("hc3"), h_ii the unit's leverage in its side's local
        fit. Default: "hc3", or "hc0" with ``compat="r3d"``. In the package's simulation design
        (see the docs) raw residuals give 92% uniform coverage at the 95% level, hc3 94%.
    compat : {"distreg", "r3d"}, default "distreg"
        ``"r3d"`` reproduces the R package R3D 0.1 number for number, including its quirks: the
        bandwidth rule ``"r3d"`` of :func:`select_bandwidth`; rearrangement through a 1000-point
        interpolation instead of exact sorting; residuals (and so bootstrap contributions) only
        for units with a *positive* intercept weight; the fuzzy bootstrap denominator built with
        the outcome's weights at the first level; an uncentred Gini bootstrap; bandwidths
        selected from unweighted unit quantiles. ``"distreg"`` (default) uses the consistent
        versions: every unit inside the kernel window contributes, the treatment part uses its own
        fit, the Gini draws are centred, the bootstrap residuals are leverage corrected (``vce``), and
        the bandwidth plug-in keeps the kernel constants and regularises the bias estimate.
    random_state : None, int or Generator
        Seed of the bootstrap multipliers.

    Attributes
    ----------
    quantiles_ : ndarray (m,)
    tau_ : ndarray (m,)
        Estimated effect per level.
    m_plus_, m_minus_ : ndarray (m,)
        Monotone boundary quantile functions right and left of the cutoff.
    bandwidth_ : ndarray (m,)
    bandwidth_den_ : float or None
    band_, pointwise_band_ : ndarray (m, 2) or None
        Uniform and pointwise confidence bands.
    critical_value_ : float or None
    test_results_ : pandas.DataFrame or None
    bandwidth_selection_ : BandwidthSelection or None
    treatment_jump_ : float or None
        Fuzzy design: estimated jump in the treatment probability.
    n_units_, n_plus_, n_minus_ : int
        Units in total and on each side; ``n_effective_`` (2,) units inside the (median)
        bandwidth left and right.
    result_ : R3DResults
        ``summary()`` and ``plot()``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.uniform(-1, 1, 400)
    >>> samples = [rng.normal(5 + x_i + 1.0 * (x_i >= 0), 1.0, 50) for x_i in x]
    >>> est = R3D(quantiles=[0.25, 0.5, 0.75], random_state=0).fit(x, samples)
    >>> est.tau_.round(1)
    array([1., 1., 1.])
    >>> est.band_.shape
    (3, 2)
    """

    _parameter_constraints = {
        "cutoff": [Interval("real", None, None)],
        "method": [Options({"simple", "frechet"})],
        # orders up to 8 are supported; the bandwidth's pilot fit uses order s + 1
        "p": [Interval("int", 0, 8)],
        "s": [Interval("int", 0, 7)],
        "kernel": [Options({"epanechnikov", "triangular", "uniform"})],
        "bandwidth": [Options({"mse"}), Interval("real", 0, None, closed="neither"), "array-like"],
        "bandwidth_den": [None, Interval("real", 0, None, closed="neither")],
        "quantiles": [None, Interval("real", 0, 1, closed="neither"), "array-like"],
        "fuzzy": [bool],
        "n_boot": [Interval("int", 0, None)],
        "confidence_level": [Interval("real", 0, 1, closed="neither")],
        "tests": [Options(_TESTS), "array-like"],
        "test_ranges": [None, "array-like"],
        "coverage_correction": [bool],
        "vce": [None, Options({"hc0", "hc2", "hc3"})],
        "compat": [Options({"distreg", "r3d"})],
        "random_state": ["random_state"],
    }

    def __init__(self, cutoff=0.0, method="simple", p=2, s=1, kernel="epanechnikov", bandwidth="mse",
                 bandwidth_den=None, quantiles=None, fuzzy=False, n_boot=200, confidence_level=0.95,
                 tests=(), test_ranges=None, coverage_correction=False, vce=None, compat="distreg",
                 random_state=None):
        self.cutoff = cutoff
        self.method = method
        self.p = p
        self.s = s
        self.kernel = kernel
        self.bandwidth = bandwidth
        self.bandwidth_den = bandwidth_den
        self.quantiles = quantiles
        self.fuzzy = fuzzy
        self.n_boot = n_boot
        self.confidence_level = confidence_level
        self.tests = tests
        self.test_ranges = test_ranges
        self.coverage_correction = coverage_correction
        self.vce = vce
        self.compat = compat
        self.random_state = random_state

    # ------------------------------------------------------------------ parameters
    def _check_params(self):
        # the constructor parameters (fit is checked by ValidatedParams; fit_quantiles and
        # from_frame come here first); only the entries of `tests` need a check of their own
        self._validate_parameters()
        tests = _check_tests(self.tests)
        return int(self.p), int(self.s), tests

    def _vce(self):
        if self.vce is None:
            return "hc0" if self.compat == "r3d" else "hc3"
        return self.vce

    def _levels(self):
        if self.quantiles is None:
            return np.arange(1, 100) / 100.0
        lv = check_levels(self.quantiles, "quantiles")
        if np.any(np.diff(lv) <= 0):
            raise ValueError("quantiles must be strictly increasing (sorted, no duplicates).")
        return lv

    # ------------------------------------------------------------------ fitting entry points
    def fit(self, x, samples, *, weights=None, treatment=None, cluster=None):
        """Fit from raw micro data: one 1-D array of outcomes per unit.

        Parameters
        ----------
        x : array-like (n,)
            Running variable of each unit.
        samples : list of n 1-D arrays (or a 2-D array, one row per unit)
            Micro outcomes of each unit.
        weights : list of n 1-D arrays, optional
            Observation weights within units (e.g. survey weights), used for the unit quantiles.
        treatment : array-like (n,) of 0/1, optional
            Treatment received (required when ``fuzzy=True``).
        cluster : array-like (n,), optional
            Cluster ids for units that repeat (e.g. states over years): one bootstrap multiplier
            per cluster.

        Returns
        -------
        self

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> x = rng.uniform(-1, 1, 300)
        >>> est = R3D(quantiles=[0.5], random_state=0).fit(x, [rng.normal(2 * (x_i >= 0), 1, 30) for x_i in x])
        >>> bool(est.band_[0, 0] < 2 < est.band_[0, 1])
        True
        """
        self._check_params()
        levels = self._levels()
        x = check_1d(x, "x")
        if isinstance(samples, (str, bytes)) or not hasattr(samples, "__len__") or np.ndim(
                samples if isinstance(samples, np.ndarray) else [0]) == 0:
            raise TypeError(
                "samples must be a list with one 1-D array of micro outcomes per unit (or a 2-D "
                f"array with one row per unit); got {type(samples).__name__}."
            )
        n_samples = len(samples) if not isinstance(samples, np.ndarray) else samples.shape[0]
        if n_samples != x.shape[0]:
            raise ValueError(f"samples has {n_samples} units but x has {x.shape[0]}; pass one sample per unit.")
        Q = unit_quantile_matrix(samples, levels, weights)
        Q_bw = unit_quantile_matrix(samples, levels) if (weights is not None and self.compat == "r3d") else None
        return self._fit(x, Q, levels, treatment, cluster, Q_bw)

    def fit_quantiles(self, x, Q, quantiles, *, treatment=None, cluster=None):
        """Fit from a precomputed unit-by-level quantile matrix ``Q`` (n, m) at ``quantiles``.

        Returns
        -------
        self

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> x = rng.uniform(-1, 1, 300)
        >>> levels = np.array([0.25, 0.5, 0.75])
        >>> Q = (x[:, None] >= 0) + levels + rng.normal(0, 0.1, (300, 1))
        >>> R3D(n_boot=0).fit_quantiles(x, Q, levels).tau_.round(1)
        array([1., 1., 1.])
        """
        self._check_params()
        return self._fit(x, Q, quantiles, treatment, cluster, None)

    @classmethod
    def from_frame(cls, df, *, unit, running, outcome, treatment=None, weight=None, cluster=None,
                   **params):
        """Build and fit from a long DataFrame of micro data (one row per micro observation).

        Parameters
        ----------
        df : pandas.DataFrame
        unit, running, outcome : str
            Columns with the unit id, the unit's running variable (constant within unit) and the
            micro outcome.
        treatment, weight, cluster : str, optional
            Columns with the unit's treatment (fuzzy design), the observation weight and the
            cluster id (constant within unit).
        **params
            Parameters of :class:`R3D`.

        Returns
        -------
        R3D
            The fitted estimator; ``units_`` holds the unit ids in fit order.

        Examples
        --------
        >>> import pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> x = rng.uniform(-1, 1, 200)
        >>> df = pd.DataFrame({"state": np.repeat(np.arange(200), 20), "margin": np.repeat(x, 20)})
        >>> df["income"] = rng.normal(np.repeat(x >= 0, 20), 1.0)
        >>> est = R3D.from_frame(df, unit="state", running="margin", outcome="income",
        ...                      quantiles=[0.5], n_boot=0)
        >>> est.tau_.shape, est.n_units_
        ((1,), 200)
        """
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}.")
        cols = {"unit": unit, "running": running, "outcome": outcome, "treatment": treatment,
                "weight": weight, "cluster": cluster}
        for role, c in cols.items():
            if c is not None and (not isinstance(c, (str, int)) or c not in df.columns):
                raise ValueError(f"{role}={c!r} is not a column of df; columns are {list(df.columns)}.")
        if len(df) == 0:
            raise ValueError("df has no rows; pass one row per micro observation.")
        if df[unit].isna().any():
            raise ValueError(f"unit column {unit!r} contains missing ids; give every row a unit id.")
        for role in ("running", "outcome", "treatment", "weight"):
            if cols[role] is not None:
                # numbers only (the shared rule for categorical and text columns), no NaN
                as_float_array(df[cols[role]], f"{role} column {cols[role]!r}")
        groups = df.groupby(unit, sort=True, observed=True)
        per_unit = {}
        for role in ("running", "treatment", "cluster"):
            c = cols[role]
            if c is None:
                continue
            if (groups[c].nunique(dropna=False) > 1).any():
                raise ValueError(f"{role} column {c!r} must be constant within each unit.")
            per_unit[role] = groups[c].first()
        est = cls(**params)
        samples = [g.to_numpy(dtype=float) for _, g in groups[outcome]]
        wts = [g.to_numpy(dtype=float) for _, g in groups[weight]] if weight is not None else None
        est.fit(per_unit["running"].to_numpy(dtype=float), samples, weights=wts,
                treatment=None if treatment is None else per_unit["treatment"].to_numpy(dtype=float),
                cluster=None if cluster is None else per_unit["cluster"].to_numpy())
        est.units_ = per_unit["running"].index.to_numpy()
        return est

    # ------------------------------------------------------------------ core
    def _fit(self, x, Q, quantiles, treatment, cluster, Q_bw):
        p, s, tests = self._check_params()
        if self.fuzzy and treatment is None:
            raise ValueError("fuzzy=True needs treatment: pass treatment=<0/1 array per unit>.")
        if not self.fuzzy and treatment is not None:
            raise ValueError("treatment was given but fuzzy=False; set fuzzy=True for a fuzzy design.")
        cutoff = float(self.cutoff)
        x, Q, levels, treatment = check_rdd_inputs(x, Q, quantiles, cutoff=cutoff, treatment=treatment,
                                                   order=p)
        n, m = Q.shape
        if self.method == "frechet" and m < 2:
            raise ValueError("method='frechet' needs at least two quantile levels.")
        clusters = None if cluster is None else _cluster_codes(cluster, n)
        r3d = self.compat == "r3d"
        xc = x - cutoff

        # bandwidths
        selection = None
        h_den = self.bandwidth_den
        if isinstance(self.bandwidth, str):
            selection = select_bandwidth(
                x, Q if Q_bw is None else Q_bw, levels, cutoff=cutoff,
                treatment=treatment if self.fuzzy else None, method=self.method, s=s,
                kernel=self.kernel, coverage_correction=self.coverage_correction,
                rule="r3d" if r3d else "plugin")
            h = selection.h.copy()
            if self.fuzzy and h_den is None:
                h_den = selection.h_den
        else:
            h = as_float_array(self.bandwidth, "bandwidth", ndim=(0, 1)).reshape(-1)
            if h.size == 1:
                h = np.full(m, h[0])
            if h.size != m or not np.all(np.isfinite(h) & (h > 0)):
                raise ValueError(
                    f"bandwidth must be 'mse', a positive number or {m} positive numbers (one per level)."
                )
            if self.method == "frechet" and np.ptp(h) > 0:
                raise ValueError("method='frechet' uses one bandwidth for all levels; pass a single number.")
        if self.fuzzy:
            if h_den is None:
                selection_den = select_bandwidth(x, Q, levels, cutoff=cutoff, treatment=treatment,
                                                 method=self.method, s=s, kernel=self.kernel,
                                                 coverage_correction=self.coverage_correction,
                                                 rule="r3d" if r3d else "plugin")
                h_den = selection_den.h_den
            h_den = float(h_den)

        # local polynomial fits on both sides
        plus = fit_side(xc, Q, h, p, 1, self.kernel)
        minus = fit_side(xc, Q, h, p, 0, self.kernel)
        fitted_plus = plus.fitted(xc)
        fitted_minus = minus.fitted(xc)
        if r3d:
            use_plus, use_minus = plus.weights > 0, minus.weights > 0
        else:
            use_plus, use_minus = plus.support, minus.support
        if self.method == "frechet":
            # residuals from the monotone (projected) fit of each unit's row
            rows_p = use_plus.any(axis=1)
            rows_m = use_minus.any(axis=1)
            fitted_plus[rows_p] = isotonic(fitted_plus[rows_p])
            fitted_minus[rows_m] = isotonic(fitted_minus[rows_m])
        resid = np.where(use_plus, Q - fitted_plus, 0.0) + np.where(use_minus, Q - fitted_minus, 0.0)
        vce = self._vce()
        if vce != "hc0":
            # leverage-corrected residuals (MacKinnon & White 1985): in-sample residuals of local
            # fits are too small by about (1 - h_ii), which makes raw-residual bands too narrow
            lev = (np.where(use_plus, plus.leverage(xc, self.kernel), 0.0)
                   + np.where(use_minus, minus.leverage(xc, self.kernel), 0.0))
            lev = np.clip(lev, 0.0, 0.99)
            resid = resid / (np.sqrt(1.0 - lev) if vce == "hc2" else (1.0 - lev))

        int_plus, int_minus = plus.intercept, minus.intercept
        if self.method == "frechet":
            m_plus, m_minus = isotonic(int_plus), isotonic(int_minus)
        elif m < 2:
            m_plus, m_minus = int_plus, int_minus
        elif r3d:
            m_plus, m_minus = rearrange_r3d(levels, int_plus), rearrange_r3d(levels, int_minus)
        else:
            m_plus, m_minus = rearrange(levels, int_plus), rearrange(levels, int_minus)
        tau = m_plus - m_minus

        fuzzy_parts = None
        treatment_jump = None
        if self.fuzzy:
            T = treatment[:, None]
            tp = fit_side(xc, T, np.array([h_den]), p, 1, self.kernel, what="treatment")
            tm = fit_side(xc, T, np.array([h_den]), p, 0, self.kernel, what="treatment")
            treatment_jump = float(tp.alpha[0, 0] - tm.alpha[0, 0])
            if abs(treatment_jump) < 1e-8:
                raise ValueError(
                    "The estimated jump in the treatment probability at the cutoff is zero "
                    f"({treatment_jump:.3g}); the fuzzy design is not identified here "
                    "(no first stage). Check treatment and cutoff, or use the sharp design."
                )
            eT_plus = (T - tp.fitted(xc))[:, 0]
            eT_minus = (T - tm.fitted(xc))[:, 0]
            if r3d:
                # R3D: treatment residuals on the outcome's first-level support, outcome weights
                den = (np.where(use_plus[:, 0], eT_plus, 0.0) * plus.weights[:, 0]
                       - np.where(use_minus[:, 0], eT_minus, 0.0) * minus.weights[:, 0])
            else:
                if vce != "hc0":
                    lev_p = np.clip(tp.leverage(xc, self.kernel)[:, 0], 0.0, 0.99)
                    lev_m = np.clip(tm.leverage(xc, self.kernel)[:, 0], 0.0, 0.99)
                    power = 0.5 if vce == "hc2" else 1.0
                    eT_plus = eT_plus / (1.0 - lev_p) ** power
                    eT_minus = eT_minus / (1.0 - lev_m) ** power
                den = (np.where(tp.support[:, 0], eT_plus, 0.0) * tp.weights[:, 0]
                       - np.where(tm.support[:, 0], eT_minus, 0.0) * tm.weights[:, 0])
            fuzzy_parts = {"den": den, "dm": tau.copy(), "dt": treatment_jump}
            tau = tau / treatment_jump

        self.quantiles_ = levels
        self.tau_ = tau
        self.m_plus_ = m_plus
        self.m_minus_ = m_minus
        self.bandwidth_ = h
        self.bandwidth_den_ = h_den
        self.bandwidth_selection_ = selection
        self.treatment_jump_ = treatment_jump
        self.alpha_plus_ = plus.alpha
        self.alpha_minus_ = minus.alpha
        self.weights_plus_ = plus.weights
        self.weights_minus_ = minus.weights
        self.residuals_ = resid
        self.n_units_ = n
        self.n_plus_ = int(np.sum(xc >= 0))
        self.n_minus_ = int(np.sum(xc < 0))
        hmed = float(np.median(h))
        self.n_effective_ = np.array([int(np.sum((xc < 0) & (xc > -hmed))), int(np.sum((xc >= 0) & (xc < hmed)))])
        self.n_features_in_ = 1
        self._boot_parts = {"plus": resid * plus.weights, "minus": resid * minus.weights}
        self._fuzzy_parts = fuzzy_parts
        self._clusters = clusters
        self._tests = tests
        self.n_clusters_ = None if clusters is None else int(clusters.max() + 1)

        self.band_ = self.pointwise_band_ = self.critical_value_ = self.test_results_ = None
        self.inference_ = None
        if self.n_boot > 0:
            inf = self.bootstrap(n_boot=self.n_boot, random_state=self.random_state)
            self.inference_ = inf
            self.band_ = inf.band
            self.pointwise_band_ = inf.pointwise_band
            self.critical_value_ = inf.critical_value
            self.test_results_ = inf.test_results
        from ._results import R3DResults

        self.result_ = R3DResults(self)
        return self

    # ------------------------------------------------------------------ inference
    def bootstrap(self, multipliers=None, *, n_boot=None, random_state=None, confidence_level=None,
                  tests=None, test_ranges=None):
        """Multiplier-bootstrap bands and tests (the fitted attributes are not changed).

        Parameters
        ----------
        multipliers : array-like (n_units, B) or (n_clusters, B), optional
            User-given multipliers (for exact reproducibility, e.g. the same draws as another
            program); with clusters, one row per cluster (in sorted cluster-id order) or one row
            per unit. Default: iid standard normal draws.
        n_boot : int, optional
            Number of draws when ``multipliers`` is not given (default ``self.n_boot``).
        random_state : None, int or Generator
        confidence_level, tests, test_ranges : optional
            Override the estimator's settings.

        Returns
        -------
        R3DInference

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> x = rng.uniform(-1, 1, 200)
        >>> est = R3D(quantiles=[0.25, 0.75], n_boot=0).fit(x, [rng.normal(x_i >= 0, 1, 20) for x_i in x])
        >>> xi = rng.standard_normal((200, 100))       # e.g. the same draws as another program
        >>> inf = est.bootstrap(xi, tests=["nullity"])
        >>> inf.draws.shape, inf.band.shape
        ((100, 2), (2, 2))
        """
        check_is_fitted(self, "tau_")
        level = check_confidence_level(self.confidence_level if confidence_level is None else confidence_level)
        tests = self._tests if tests is None else _check_tests(tests)
        n = self.n_units_
        if multipliers is None:
            B = check_int(self.n_boot if n_boot is None else n_boot, "n_boot", minimum=1)
            rng = generator(self.random_state if random_state is None else random_state)
            rows = n if self._clusters is None else self.n_clusters_
            with allocation_for("n_boot", B):
                xi = rng.standard_normal((rows, B))
            if self._clusters is not None:
                xi = xi[self._clusters]
        else:
            xi = as_float_array(multipliers, "multipliers", ndim=2)
            if self._clusters is not None and xi.shape[0] == self.n_clusters_ and xi.shape[0] != n:
                xi = xi[self._clusters]
            if xi.shape[0] != n:
                raise ValueError(
                    f"multipliers has {xi.shape[0]} rows; pass one row per unit ({n})"
                    + ("" if self._clusters is None else f" or per cluster ({self.n_clusters_})") + "."
                )
        return multiplier_inference(
            xi, self._boot_parts, self.tau_, self.quantiles_, confidence_level=level, tests=tests,
            test_ranges=self.test_ranges if test_ranges is None else test_ranges,
            m_plus=self.m_plus_, m_minus=self.m_minus_, fuzzy_parts=self._fuzzy_parts,
            r3d_gini=self.compat == "r3d")

    # ------------------------------------------------------------------ prediction
    def predict_distribution(self, x):
        """Boundary quantile functions: ``m_+`` for x >= cutoff, ``m_-`` below, as ``QuantileFunction``.

        Only defined near the cutoff: x must lie within the largest bandwidth of it.

        Parameters
        ----------
        x : array-like (k,)

        Returns
        -------
        distreg.distributions.QuantileFunction with k rows

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> x = rng.uniform(-1, 1, 300)
        >>> est = R3D(quantiles=[0.1, 0.5, 0.9], n_boot=0).fit(x, [rng.normal(x_i >= 0, 1, 30) for x_i in x])
        >>> d = est.predict_distribution([-0.01, 0.01])
        >>> len(d), bool(d.median()[1] > d.median()[0])
        (2, True)
        """
        check_is_fitted(self, "tau_")
        from ..distributions import QuantileFunction

        x = as_float_array(x, "x", ndim=(0, 1)).reshape(-1)
        if x.size == 0:
            raise ValueError("x is empty; pass at least one value of the running variable.")
        reach = float(np.max(self.bandwidth_))
        far = np.abs(x - self.cutoff) > reach
        if far.any():
            raise ValueError(
                f"x must lie within the bandwidth ({reach:.4g}) of the cutoff {self.cutoff}; "
                f"{int(far.sum())} value(s) are farther. R3D estimates the distributions at the cutoff only."
            )
        if self.quantiles_.size < 2:
            raise ValueError("predict_distribution needs at least two quantile levels.")
        values = np.where((x >= self.cutoff)[:, None], self.m_plus_[None, :], self.m_minus_[None, :])
        return QuantileFunction(self.quantiles_, values)

    def plot(self, ax=None, **kwargs):
        """tau(q) with the uniform band and a zero line (see :func:`distreg.plotting.rdd.plot_r3d_effects`)."""
        check_is_fitted(self, "tau_")
        return self.result_.plot(ax=ax, **kwargs)


def _check_tests(tests):
    """The names of the requested tests as a tuple (one name may be passed as a string)."""
    if isinstance(tests, str):
        tests = (tests,)
    elif tests is None:
        tests = ()
    elif not hasattr(tests, "__iter__"):
        raise TypeError(f"tests must be a name or a list of names from {_TESTS}; got {tests!r}.")
    tests = tuple(tests)
    for t in tests:
        check_option(t, "tests", _TESTS)
    return tests


def _cluster_codes(cluster, n):
    """Cluster ids (numbers, strings or categories) as codes 0..k-1 in sorted-id order."""
    import pandas as pd

    cl = np.asarray(cluster)
    if cl.shape != (n,):
        raise ValueError(f"cluster must have one id per unit (shape ({n},)); got shape {cl.shape}.")
    if pd.isna(cl).any():
        raise ValueError("cluster contains missing ids (NaN or None); give every unit a cluster id.")
    try:
        _, codes = np.unique(cl, return_inverse=True)
    except TypeError:
        raise TypeError(
            "cluster ids must be of one kind (all numbers or all strings) so that they can be sorted."
        ) from None
    return codes
