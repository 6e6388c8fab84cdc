"""Global search for the maximum of the APGW likelihood (and of its free-shape special cases).

The APGW log-likelihood is not concave in its shapes (η_γ, η_κ) = (log γ, log(κ+1)): it has
ridges running to limits of the family (κ → ∞, κ → -1, γ → ∞ with κγ fixed) and local maxima
in between. A local optimiser started from the nested special cases can stop at one of those
maxima (veteran data, ``~ trt``: ℓ = -746.20 at κ ≈ 0.5, γ ≈ 1.45, while the supremum lies on the
γ → ∞ ridge). The search here:

1. fits the nested cases with the shape fixed (Weibull κ = 1, Burr κ = 0, and the κ = ∞ limit
   with γ free), which the family's ``start_values`` provide;
2. profiles the likelihood over a coarse grid of (η_γ, η_κ) with every other coefficient
   maximised: each grid point is a fit with the γ intercept and κ pinned, warm-started from the
   previous point of its row (continuation). Besides the rectangular grid, a ridge grid
   κ = s/γ follows γ → ∞ with κγ = s fixed, which a grid in η_κ cannot see at large γ;
3. runs the free optimisation from the best of all these points.

Since every start is a point of the full model and the optimiser never ends below its start,
the fitted log-likelihood is at least that of each nested case and of the best grid point.
Above 5,000 rows the grid is profiled on a seeded subsample of 5,000 rows (it only has to rank
the regions of the shape space); the nested fits and the final free fits use all rows.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from ..likelihood import maximize_likelihood
from ..likelihood.engine import take_rows


__all__ = ["GRID_ETA_GAMMA", "GRID_ETA_KAPPA", "GRID_RIDGE", "preselect", "profile_grid", "search_starts",
           "subsample"]

# η_γ = log γ from γ = 0.37 to the upper bound γ = 403; η_κ = log(κ+1) from the lower bound
# (κ = -0.9997) through the cure region, κ = 0 (Burr) and κ = 1 (Weibull) to κ ≈ 9900 (bound)
GRID_ETA_GAMMA = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0)
GRID_ETA_KAPPA = (-8.0, -4.0, -2.0, -1.0, -0.5, 0.0, float(np.log(2.0)), 1.5, 3.0, 5.0, 9.2)
# κγ = s on the γ → ∞ ridge (added for γ >= e², where κ = s/γ falls between grid values of η_κ)
GRID_RIDGE = (-1.0, -0.3, 0.3, 1.0, 3.0)
_RIDGE_FROM = 2.0
_ETA_KAPPA_BOUNDS = (-8.0, 9.2)  # those of the estimator (flexible._KAPPA_BOUNDS)
# a grid point needs its profile value only roughly: the free fit polishes the best points
_GRID_MAX_ITER = 60
# number of best distinct starting points handed to the free optimisation
_N_FINAL = 3
# above this many rows the grid is profiled on a seeded subsample of this size
_GRID_MAX_ROWS = 5000


class _PinnedObjective:
    """-ℓ/Σw and its gradient in the free coefficients with (η_γ intercept, η_κ) pinned.

    One object serves the whole grid: the shapes only change two offsets. Non-constant columns
    are scaled to unit spread, as in the engine, so that L-BFGS-B sees a well-conditioned problem.
    """

    def __init__(self, spec, designs, data, w):
        self.spec, self.data, self.w = spec, data, w
        self.wsum = float(w.sum())
        n = w.shape[0]
        g = designs[2]
        keep = [j for j in range(g.n_coef) if j != g.intercept]
        mats = [designs[0].matrix, designs[1].matrix, g.matrix[:, keep]]
        self.keep = keep
        self.base = np.zeros((n, 4))
        for j, d in enumerate(designs):
            if d.offset is not None:
                self.base[:, j] += d.offset
        self.mats, self.scales, self.slices = [], [], []
        k = 0
        for m in mats:
            sd = m.std(axis=0) if m.shape[0] > 1 else np.ones(m.shape[1])
            s = np.where(sd > 1e-12 * np.abs(m).max(initial=1.0), sd, 1.0)
            s = np.where(np.all(m == m[:1], axis=0), 1.0, s)  # constant columns (intercepts) unscaled
            self.mats.append(m / s)
            self.scales.append(s)
            self.slices.append(slice(k, k + m.shape[1]))
            k += m.shape[1]
        self.n_coef = k

    # the φ block is optimised as γ·η_φ = log φ^γ: at large γ the likelihood changes γ times
    # faster in η_φ than in η_λ, and L-BFGS-B stalls on so unequal curvatures
    def eta(self, b, eg, ek):
        eta = self.base.copy()
        eta[:, 2] += eg
        eta[:, 3] = ek
        g = np.exp(eg)
        for j in range(3):
            if self.mats[j].shape[1]:
                eta[:, j] += (self.mats[j] @ b[self.slices[j]]) / (g if j == 1 else 1.0)
        return eta

    def __call__(self, b, eg, ek=None):
        # ek=None: κ is free too, as the last entry s = κγ of b (η_κ = log1p(s/γ)); on the
        # γ → ∞ ridge s stays of order one while κ shrinks like 1/γ
        g = np.exp(eg)
        free_k = ek is None
        if free_k:
            b, sk = b[:-1], b[-1]
            ek = float(np.log1p(sk / g))
        with np.errstate(all="ignore"):
            ll, score = self.spec.loglik(self.eta(b, eg, ek), self.data)
            total = float(np.dot(self.w, ll))
            grad = np.concatenate([self.mats[j].T @ (self.w * score[:, j]) / (g if j == 1 else 1.0)
                                   for j in range(3)])
            if free_k:
                grad = np.r_[grad, np.dot(self.w, score[:, 3]) / (g + sk)]
        if not np.isfinite(total) or not np.all(np.isfinite(grad)):
            return np.inf, np.zeros(self.n_coef)
        return -total / self.wsum, -grad / self.wsum

    def to_b(self, start, eg):
        """Scaled free coefficients from a free-model start (list per parameter)."""
        b = np.zeros(self.n_coef)
        for j in range(3):
            sl = self.slices[j]
            entry = start[j]
            if j == 2:
                entry = np.delete(np.asarray(entry, float), 0) if np.ndim(entry) else np.zeros(sl.stop - sl.start)
            f = np.exp(eg) if j == 1 else 1.0
            if np.ndim(entry):
                b[sl] = np.asarray(entry, float) * self.scales[j] * f
            elif sl.stop > sl.start:
                b[sl.start] = float(entry) * f  # the intercept (first column of the family's designs)
        return b

    def to_start(self, b, eg, ek):
        coef = [b[self.slices[j]] / self.scales[j] / (np.exp(eg) if j == 1 else 1.0) for j in range(3)]
        return [coef[0], coef[1], np.r_[eg, coef[2]], ek]

    def cold(self, eg, ek, t_ref):
        """φ = 1/t_ref and λ such that H(t_ref) = log 2, slopes 0 (a start of the right scale)."""
        b = np.zeros(self.n_coef)
        one = np.array([[0.0, -np.log(t_ref), eg, ek]])
        with np.errstate(all="ignore"):
            _, _, H, _ = self.spec._terms(np.array([t_ref]), one)
        if not (np.isfinite(H[0]) and H[0] > 0):
            return None
        b[self.slices[0].start] = float(np.log(np.log(2.0) / H[0]))
        b[self.slices[1].start] = -float(np.log(t_ref)) * np.exp(eg)
        return b


def profile_grid(spec, designs, data, w, start, eta_gammas=GRID_ETA_GAMMA, eta_kappas=GRID_ETA_KAPPA,
                 ridge=GRID_RIDGE):
    """Profile log-likelihood over the shape grid by warm-started continuation.

    Parameters
    ----------
    spec : APGWSpec
    designs : list of Design
        The free model's designs (γ and κ with an intercept in column 0).
    data, w
        Engine data dict and weights.
    start : list
        A free-model start (e.g. the best nested fit).

    Returns
    -------
    list of (ℓ, η_γ, η_κ, start)
        One entry per grid point; ``start`` is the profile maximiser as a free-model start.
    """
    obj = _PinnedObjective(spec, designs, data, w)
    t = np.asarray(data["time"], float)
    ev = t[(data["code"] != 0) & (t > 0)]
    # scale anchors: the median event time, and just below the first event (the threshold
    # that the γ → ∞ ridge approaches)
    refs = [float(np.median(ev)), float(ev.min()) * 0.99] if ev.size else [float(np.median(t[t > 0]))]
    out, previous_row = [], {}
    for eg in eta_gammas:
        ks = list(eta_kappas)
        if eg >= _RIDGE_FROM:
            g = float(np.exp(eg))
            ks += [float(np.log1p(s / g)) for s in ridge]
        ks = sorted(set(ks))
        # warm starts are kept on the natural scale (the φ block's scaling depends on η_γ)
        prev, row = start, {}
        for ek in ks:
            cands = [obj.to_b(prev, eg)] + [obj.cold(eg, ek, r) for r in refs]
            if previous_row:
                cands.append(obj.to_b(previous_row[min(previous_row, key=lambda k: abs(k - ek))], eg))
            vals = [obj(c, eg, ek)[0] if c is not None else np.inf for c in cands]
            if not np.isfinite(min(vals)):
                continue
            x0 = cands[int(np.argmin(vals))]
            res = optimize.minimize(obj, x0, args=(eg, ek), jac=True, method="L-BFGS-B",
                                    options={"maxiter": _GRID_MAX_ITER, "gtol": 1e-6, "ftol": 1e-10})
            if not np.isfinite(res.fun):
                continue
            prev = row[ek] = obj.to_start(res.x, eg, ek)
            out.append((-res.fun * obj.wsum, eg, ek, prev))
        if row:
            previous_row = row
            # the profile over η_γ alone: κ freed from the best point of the row
            ll_best, _, ek_best, st = max((o for o in out if o[1] == eg), key=lambda o: o[0])
            g = float(np.exp(eg))
            x0 = np.r_[obj.to_b(st, eg), g * np.expm1(ek_best)]
            lo, hi = g * np.expm1(_ETA_KAPPA_BOUNDS[0]), g * np.expm1(_ETA_KAPPA_BOUNDS[1])
            res = optimize.minimize(obj, x0, args=(eg,), jac=True, method="L-BFGS-B",
                                    bounds=[(None, None)] * obj.n_coef + [(lo, hi)],
                                    options={"maxiter": _GRID_MAX_ITER, "gtol": 1e-6, "ftol": 1e-10})
            if np.isfinite(res.fun) and -res.fun * obj.wsum > ll_best:
                ek = float(np.log1p(res.x[-1] / g))
                out.append((-res.fun * obj.wsum, eg, ek, obj.to_start(res.x[:-1], eg, ek)))
    return out


def subsample(designs, data, w, size=_GRID_MAX_ROWS):
    """A seeded subsample of ``size`` rows of a fitting problem (the problem itself if smaller)."""
    n = w.shape[0]
    if n <= size:
        return designs, data, w
    return take_rows(designs, data, w, np.sort(np.random.default_rng(0).choice(n, size, replace=False)))


def preselect(spec, designs, data, w, starts, bounds, options):
    """On large data, the starts worth a full fit: the two best subsample optima and the best nested start.

    Each free fit on large data crawls along the same ridges for hundreds of iterations; run
    from every start on the subsample, they show which starts lead highest, and only those two
    (with the nested start of highest full-data log-likelihood, which keeps the fit at least as
    good as every nested case) are refitted on all rows.
    """
    if w.shape[0] <= _GRID_MAX_ROWS or len(starts) <= 2:
        return starts
    sub = subsample(designs, data, w)
    fits = []
    for s in starts:
        try:
            fits.append(maximize_likelihood(spec, *sub, starts=[s], bounds=bounds, **{**options, "warn": False}))
        except ValueError:
            continue
    fits.sort(key=lambda f: -f.loglik if np.isfinite(f.loglik) else np.inf)
    best_sub = [[f.coef[sl] if d.n_coef else 0.0 for d, sl in zip(designs, f.slices)] for f in fits[:2]]
    obj_values = []
    with np.errstate(all="ignore"):
        for s in starts[:2]:  # the nested Weibull and Burr fits come first
            eta = np.column_stack([_eta_of(d, e) for d, e in zip(designs, s)])
            obj_values.append(float(np.dot(w, spec.loglik(eta, data)[0])))
    nested = starts[int(np.nanargmax(obj_values))] if np.isfinite(obj_values).any() else starts[0]
    return best_sub + [nested]


def _eta_of(design, entry):
    if np.ndim(entry):
        return design.linear_predictor(entry)
    # a scalar start is the intercept's value, as the engine reads it
    coef = np.zeros(design.n_coef)
    if design.intercept is not None:
        coef[design.intercept] = float(entry)
    return design.linear_predictor(coef)


def search_starts(spec, designs, data, w, nested_starts):
    """Starts for the free APGW fit: the nested fits and the best points of the shape grid.

    Returns the nested starts and the ``_N_FINAL`` best distinct grid points, so that the free
    optimisation begins at least as high as every nested case and every grid point.
    A γ with covariates (multi-parameter regression) skips the grid: its bounds cannot hold γ
    itself inside the grid's range (only an intercept-only η_γ is bounded), and a start far out
    on the γ → ∞ ridge then crawls without end; those fits start from the nested fits alone.
    """
    if designs[2].n_coef != 1 or designs[2].intercept != 0 or designs[3].n_coef != 1:
        return nested_starts
    # the grid only ranks regions of the shape space; above _GRID_MAX_ROWS a seeded subsample
    # ranks them as well at a fraction of the cost, and the free fits use every row
    designs, data, w = subsample(designs, data, w)
    obj = _PinnedObjective(spec, designs, data, w)
    scored = []
    for s in nested_starts:
        eg = float(np.ravel(s[2])[0]) if np.ndim(s[2]) else float(s[2])
        v = obj(obj.to_b(s, eg), eg, float(s[3]))[0]
        if np.isfinite(v):
            scored.append((-v * obj.wsum, s))
    first = max(scored, key=lambda vs: vs[0])[1] if scored else nested_starts[0]
    grid = sorted(profile_grid(spec, designs, data, w, first), key=lambda r: -r[0])
    # the nested starts always run (a low start can climb to a high maximum); the grid adds
    # its best distinct points
    chosen = list(nested_starts)
    shapes = []
    for _, _, _, s in grid:
        shape = (float(np.ravel(s[2])[0]) if np.ndim(s[2]) else float(s[2]), float(s[3]))
        if any(abs(shape[0] - a) < 0.25 and abs(shape[1] - b) < 0.25 for a, b in shapes):
            continue  # a start next to a better one would climb the same hill
        chosen.append(s)
        shapes.append(shape)
        if len(shapes) == _N_FINAL:
            break
    return chosen
