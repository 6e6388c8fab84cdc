"""Bandwidth selection for R3D: the three-step MSE / IMSE plug-in rule.

Van Dijcke (2025), Sec. 2.7 and App. A-4.2.3. For the difference of two one-sided local
polynomials of order s, the leading MSE at level q is

    h^{2(s+1)} C(q)^2 + C'(q) / (n h),
    C(q)  = [e0' Gamma_+^{-1} Lambda_+ m_+^{(s+1)}(q) - e0' Gamma_-^{-1} Lambda_- m_-^{(s+1)}(q)] / (s+1)!,
    C'(q) = [sigma_+^2(q) e0' Gamma_+^{-1} Psi_+ Gamma_+^{-1} e0 + (minus side)] / f_X(0),

minimised by h*(q) = [C' / (2 (s+1) C^2)]^{1/(2s+3)} n^{-1/(2s+3)} ("simple"), or with C^2 and C'
integrated over the levels (one IMSE-optimal h, "frechet"). The three steps: (1) f_X(0) by a
Silverman-bandwidth kernel density and a pilot h from global polynomials of order s+1 per side;
(2) local fits at the pilot h; (3) the plug-in h* from the local bias and variance estimates.

``rule="plugin"`` (distreg's default) re-estimates m^{(s+1)} in step 2 by a local polynomial of
order s+1 and sigma^2 by the kernel-weighted residual variance, keeping the kernel constants, so
step 3 is the formula above with local instead of global plug-ins; the squared bias in the
denominator is regularised by the estimated variance of the bias estimate (as rdrobust does), so
a curvature that is indistinguishable from zero does not yield an arbitrarily large bandwidth. ``rule="r3d"`` reproduces the R
package R3D 0.1 exactly: the step-2 fits always use the triangular kernel and order s, the "bias"
is the order-s coefficient / (s+1)! and the "variance" the intercept-weighted mean squared residual
over units with positive weight, without kernel constants, and the kernel constants of step 1 are
1000-point Riemann sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._local_polynomial import fit_side, kernel_values

__all__ = ["BandwidthSelection", "select_bandwidth"]


@dataclass
class BandwidthSelection:
    """Output of :func:`select_bandwidth` (all arrays have one entry per level).

    Attributes
    ----------
    h : ndarray (m,)
        Final bandwidth per level (constant for ``method="frechet"``), after the coverage
        correction when requested.
    pilot_h : ndarray (m,)
        Step-1 pilot bandwidths.
    bias_plus, bias_minus, variance_plus, variance_minus : ndarray (m,)
        Step-2 bias and variance terms per side (their meaning depends on ``rule``), in the units
        of Q and x (a variance is in Q's squared units, so for ``|Q|`` beyond about 1e154 it is
        reported as inf; the bandwidths are always finite).
    density : float
        Kernel density estimate of the running variable at the cutoff, f_X(0).
    h_den, pilot_h_den : float or None
        Bandwidths of the treatment (denominator) fit in the fuzzy design.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, 300)
    >>> Q = (x[:, None] >= 0) + x[:, None] ** 2 + [[0.0, 1.0]] + rng.normal(0, 0.2, (300, 1))
    >>> bw = select_bandwidth(x, Q, [0.25, 0.75])
    >>> list(bw.to_frame().columns[:3])
    ['level', 'h', 'pilot_h']
    """

    levels: np.ndarray
    h: np.ndarray
    pilot_h: np.ndarray
    bias_plus: np.ndarray
    bias_minus: np.ndarray
    variance_plus: np.ndarray
    variance_minus: np.ndarray
    density: float
    h_den: float | None = None
    pilot_h_den: float | None = None
    method: str = "simple"
    rule: str = "plugin"
    s: int = 1
    kernel: str = "epanechnikov"
    coverage_correction: bool = False
    n: int = 0
    notes: list = field(default_factory=list)

    def to_frame(self):
        """The per-level quantities as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame({
            "level": self.levels, "h": self.h, "pilot_h": self.pilot_h,
            "bias_plus": self.bias_plus, "bias_minus": self.bias_minus,
            "variance_plus": self.variance_plus, "variance_minus": self.variance_minus,
        })


def kernel_constants(kernel: str, s: int, *, riemann: bool):
    """Gamma_pm, Lambda_pm (s+1 vector), Psi_pm for the basis (1, u, ..., u^s) on each half-line.

    ``riemann=True``: R3D's Riemann sums on 1000 points of [-1, 1] (step 2/1000);
    otherwise exact Gauss-Legendre quadrature (the kernels are polynomials on each side).
    """
    out = {}
    if riemann:
        grid = np.linspace(-1.0, 1.0, 1000)
        sides = {"plus": grid[grid >= 0], "minus": grid[grid < 0]}
        wts = {k: np.full(v.size, 2.0 / 1000) for k, v in sides.items()}
    else:
        t, wt = np.polynomial.legendre.leggauss(40)
        half = (t + 1) / 2  # nodes on [0, 1]
        sides = {"plus": half, "minus": -half}
        wts = {"plus": wt / 2, "minus": wt / 2}
    for name, u in sides.items():
        k = kernel_values(u, kernel)
        R = u[:, None] ** np.arange(s + 1)[None, :]
        w = wts[name]
        out[f"Gamma_{name}"] = (R * (k * w)[:, None]).T @ R
        out[f"Lambda_{name}"] = R.T @ (u ** (s + 1) * k * w)
        out[f"Psi_{name}"] = (R * (k * k * w)[:, None]).T @ R
    return out


def _global_poly(x, Y, order):
    """Least-squares polynomial of ``order`` per column: (order-th derivative/order!..., resid var)."""
    A = x[:, None] ** np.arange(order + 1)[None, :]
    qmat, rmat = np.linalg.qr(A)
    coef = np.linalg.solve(rmat, qmat.T @ Y)
    resid = Y - A @ coef
    var = resid.var(axis=0, ddof=1) if x.size > 1 else np.ones(Y.shape[1])
    # R3D's guard: a perfect fit would give a zero variance and an infinite bandwidth
    var = np.where(~np.isfinite(var) | (var < np.finfo(float).eps), 1.0, var)
    deriv = coef[order] * math.factorial(order)
    return deriv, var


def _optimal_h(var_term, bias_term, n, s, fallback):
    """[var / (2 (s+1) bias^2)]^{1/(2s+3)} n^{-1/(2s+3)}, elementwise, with the Silverman fallback."""
    var_term = np.atleast_1d(np.asarray(var_term, dtype=float))
    bias_term = np.atleast_1d(np.asarray(bias_term, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        h = (var_term / (2 * (s + 1) * bias_term)) ** (1.0 / (2 * s + 3)) * n ** (-1.0 / (2 * s + 3))
    bad = (np.abs(bias_term) <= 1e-14) | ~np.isfinite(h) | (h <= 0)
    return np.where(bad, fallback, h), bad


def select_bandwidth(x, Q, quantiles, *, cutoff=0.0, treatment=None, method="simple", s=1,
                     kernel="epanechnikov", coverage_correction=False, rule="plugin"):
    """MSE-optimal (per level) or IMSE-optimal bandwidths for R3D.

    Parameters
    ----------
    x : array-like (n,)
        Running variable of the units.
    Q : array-like (n, m)
        Unit quantile matrix (row i: the empirical quantiles of unit i at ``quantiles``).
    quantiles : array-like (m,)
        Strictly increasing levels in (0, 1).
    cutoff : float, default 0.0
    treatment : array-like (n,) of 0/1, optional
        Treatment indicators; when given, the fuzzy-design denominator bandwidth is computed too.
    method : {"simple", "frechet"}
        One bandwidth per level (MSE) or one for all levels (IMSE, levels integrated with the
        grid step).
    s : int, default 1
        Polynomial order for which the bandwidth is optimal (estimation then uses p = s + 1,
        which makes the bias of the estimator negligible: robust bias correction with h = b).
    kernel : {"triangular", "epanechnikov", "uniform"}
    coverage_correction : bool, default False
        Multiply by n^{-s/((2s+3)(s+3))} (Calonico, Cattaneo & Farrell 2020 rule of thumb).
    rule : {"plugin", "r3d"}
        See the module docstring: ``"plugin"`` is the consistent plug-in, ``"r3d"`` the R
        package's computation (for reproducing it).

    Returns
    -------
    BandwidthSelection

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-1, 1, 300)
    >>> levels = np.array([0.25, 0.5, 0.75])
    >>> Q = 5 + x[:, None] + (x[:, None] >= 0) + rng.normal(0, 0.3, (300, 1)) + levels
    >>> bw = select_bandwidth(x, Q, levels, kernel="triangular")
    >>> bw.h.shape, bool(np.all(bw.h > 0))
    ((3,), True)
    """
    from .._validation import check_int, check_option
    from ._checks import check_rdd_inputs

    check_option(method, "method", ["simple", "frechet"])
    check_option(kernel, "kernel", ["triangular", "epanechnikov", "uniform"])
    check_option(rule, "rule", ["plugin", "r3d"])
    s = check_int(s, "s", minimum=0)
    if s > 7:
        raise ValueError(f"s must be at most 7 (the pilot fit has order s + 1 <= 8); got {s}.")
    if not isinstance(coverage_correction, (bool, np.bool_)):
        raise TypeError(f"coverage_correction must be True or False; got {coverage_correction!r}.")
    x, Q, levels, treatment = check_rdd_inputs(x, Q, quantiles, cutoff=cutoff, treatment=treatment,
                                               order=s + 1)
    # The pilot fits raise x to powers up to s + 2 and the variances square Q, which overflow (or
    # underflow) for magnitudes beyond 2**64; the plug-in rule is equivariant in the scales of x
    # and Q, so such data are scaled by powers of two (exact in floating point) and the result
    # scaled back. R3D 0.1's rule is invariant to the scale of Q but not of x (its "bias" is a
    # coefficient in units of Q, not a derivative), so there x must be of moderate magnitude.
    ex, eq = _binary_exponent(x - cutoff), _binary_exponent(Q)
    if ex and rule == "r3d":
        raise ValueError(
            f"x - cutoff has magnitude {np.max(np.abs(x - cutoff)):.3g}, outside 2**-64 to 2**64, where "
            "rule='r3d' (compat='r3d'), which depends on the scale of x, over- or underflows; rescale x "
            "or use rule='plugin' (compat='distreg')."
        )
    sel = _select(np.ldexp(x - cutoff, -ex), np.ldexp(Q, -eq), levels, treatment, method, s, kernel,
                  coverage_correction, rule)
    return sel if ex == eq == 0 else _rescaled(sel, ex, eq)


def _binary_exponent(a, limit=64):
    """e with max|a| / 2**e in [0.5, 1) when that maximum lies beyond 2**±limit, else 0."""
    top = float(np.max(np.abs(a)))
    e = int(np.frexp(top)[1]) if top > 0 else 0
    return e if abs(e) > limit else 0


def _rescaled(sel, ex, eq):
    """A selection computed for x / 2**ex and Q / 2**eq, in the units of x and Q."""
    import dataclasses

    def x_units(v):
        return None if v is None else np.ldexp(v, ex)

    # the plug-in bias is a derivative of order s + 1 (units Q / x^(s+1)); R3D's is a coefficient
    # in the basis (x/h)^k (units of Q)
    bias_exp = eq if sel.rule == "r3d" else eq - (sel.s + 1) * ex
    h_den = None if sel.h_den is None else float(x_units(sel.h_den))
    pilot_h_den = None if sel.pilot_h_den is None else float(x_units(sel.pilot_h_den))
    # the reported bias and variance terms may leave the float range (a variance of Q ~ 1e300 is
    # ~1e600): they become inf or 0 there, the bandwidths never do
    with np.errstate(over="ignore", under="ignore"):
        return dataclasses.replace(
            sel, h=x_units(sel.h), pilot_h=x_units(sel.pilot_h), h_den=h_den, pilot_h_den=pilot_h_den,
            density=float(np.ldexp(sel.density, -ex)), bias_plus=np.ldexp(sel.bias_plus, bias_exp),
            bias_minus=np.ldexp(sel.bias_minus, bias_exp), variance_plus=np.ldexp(sel.variance_plus, 2 * eq),
            variance_minus=np.ldexp(sel.variance_minus, 2 * eq))


def _select(xc, Q, levels, treatment, method, s, kernel, coverage_correction, rule):
    """select_bandwidth on checked inputs, with the running variable centred at the cutoff."""
    n = xc.size
    m = levels.size
    r3d = rule == "r3d"
    notes = []

    # Step 1(i): density of X at the cutoff with a Silverman bandwidth
    sigma = float(np.std(xc, ddof=1))
    c_n = 1.06 * sigma * n ** (-1 / 5)
    density = float(np.mean(kernel_values(xc / c_n, kernel)) / c_n)
    if density <= 0:
        raise ValueError(
            "No units near the cutoff: the kernel density of x at the cutoff is zero; "
            "check cutoff and x."
        )
    fallback = 1.06 * sigma * n ** (-1 / (2 * s + 1))
    kc = kernel_constants(kernel, s, riemann=r3d)
    e0 = np.zeros(s + 1)
    e0[0] = 1.0
    G_inv = {side: np.linalg.inv(kc[f"Gamma_{side}"]) for side in ("plus", "minus")}
    bias_const = {side: float(e0 @ G_inv[side] @ kc[f"Lambda_{side}"]) for side in ("plus", "minus")}
    var_const = {side: float(e0 @ G_inv[side] @ kc[f"Psi_{side}"] @ G_inv[side] @ e0)
                 for side in ("plus", "minus")}
    fact = math.factorial(s + 1)
    plus, minus = xc >= 0, xc < 0

    def pilot(Ymat):
        dp, vp = _global_poly(xc[plus], Ymat[plus], s + 1)
        dm, vm = _global_poly(xc[minus], Ymat[minus], s + 1)
        C = bias_const["plus"] * dp / fact - bias_const["minus"] * dm / fact
        Cp = (vp * var_const["plus"] + vm * var_const["minus"]) / density
        return C, Cp

    def integrate(v):
        dq = (levels[-1] - levels[0]) / (m - 1) if m > 1 else 1.0
        return np.sum(v) * dq

    # Step 1(ii): pilot bandwidths from global polynomials of order s+1
    C, Cp = pilot(Q)
    if method == "simple":
        pilot_h, _ = _optimal_h(Cp, C**2, n, s, fallback)
    else:
        A = integrate(C**2)
        ph, _ = _optimal_h(integrate(Cp), A if A > 1e-14 else 0.0, n, s, fallback)
        pilot_h = np.full(m, ph[0])

    def local_terms(Ymat, h):
        """Step 2: bias and variance terms per side from local fits at the pilot bandwidths."""
        out = {}
        for side, code in (("plus", 1), ("minus", 0)):
            if r3d:
                fit = fit_side(xc, Ymat, h, s, code, "triangular", what="pilot fit")
                B = fit.alpha[s] / fact
                pos = fit.weights > 0
                resid = np.where(pos, Ymat - fit.fitted(xc), 0.0)
                wsum = np.where(pos, fit.weights, 0.0).sum(axis=0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    V = (np.where(pos, fit.weights, 0.0) * resid**2).sum(axis=0) / wsum
                V = np.where(wsum > 0, V, 0.0)
            else:
                fit = fit_side(xc, Ymat, h, s + 1, code, kernel, what="pilot fit")
                deriv = fit.alpha[s + 1] * fact / h ** (s + 1)
                B = bias_const[side] * deriv / fact
                K = np.where(fit.support, kernel_values(xc[:, None] / h[None, :], kernel), 0.0)
                resid = Ymat - fit.fitted(xc)
                sigma2 = (K * resid**2).sum(axis=0) / K.sum(axis=0)
                V = sigma2 * var_const[side]
                # sandwich variance of the bias estimate, for the regularisation term
                lw, _ = fit.extras(xc, kernel, coef=s + 1)  # weights of alpha_{s+1}
                var_alpha = (lw**2 * resid**2).sum(axis=0)
                regul = (bias_const[side] / h ** (s + 1)) ** 2 * var_alpha
                out[side] = (B, V, regul)
                continue
            out[side] = (B, V, np.zeros_like(B))
        return out

    terms = local_terms(Q, pilot_h)
    (Bp, Vp, Rp), (Bm, Vm, Rm) = terms["plus"], terms["minus"]
    # plugin rule: the squared bias estimate is regularised by its own sampling variance
    # (Calonico, Cattaneo & Titiunik 2014, Sec. 3.1 "regularization"), so that a bias estimate
    # indistinguishable from zero cannot send the bandwidth to infinity
    regul = Rp + Rm
    if method == "simple":
        h, bad = _optimal_h((Vp + Vm) / density, (Bp - Bm) ** 2 + regul, n, s, fallback)
    else:
        A = integrate((Bp - Bm) ** 2 + regul)
        hh, bad = _optimal_h(integrate((Vp + Vm) / density), A if A > 1e-14 else 0.0, n, s, fallback)
        h = np.full(m, hh[0])
    if np.any(bad):
        notes.append(f"{int(np.sum(bad))} level(s) had a zero bias estimate; Silverman fallback used.")

    h_den = pilot_h_den = None
    if treatment is not None:
        T = treatment[:, None]
        Ct, Cpt = pilot(T)
        ph, _ = _optimal_h(Cpt, Ct**2, n, s, fallback)
        pilot_h_den = float(ph[0])
        tt = local_terms(T, np.array([pilot_h_den]))
        (Btp, Vtp, Rtp), (Btm, Vtm, Rtm) = tt["plus"], tt["minus"]
        hd, _ = _optimal_h((Vtp + Vtm) / density, (Btp - Btm) ** 2 + Rtp + Rtm, n, s, fallback)
        h_den = float(hd[0])

    if coverage_correction:
        factor = n ** (-s / ((2 * s + 3) * (s + 3)))
        h = h * factor
        if h_den is not None:
            h_den *= factor
    return BandwidthSelection(
        levels=levels, h=h, pilot_h=pilot_h, bias_plus=Bp, bias_minus=Bm, variance_plus=Vp,
        variance_minus=Vm, density=density, h_den=h_den, pilot_h_den=pilot_h_den, method=method,
        rule=rule, s=s, kernel=kernel, coverage_correction=bool(coverage_correction), n=n, notes=notes,
    )
