"""Censored and truncated log-likelihood contributions of any hazard-based family.

A family supplies log h(t), H(t) and their derivatives in its linear predictors; this module
turns them into the contribution of each observation (Klein & Moeschberger 2003, Section 3.5):

* exact event at t:                 log h(t) - H(t)
* right-censored at t:              -H(t)
* interval-censored in (l, r]:      log(S(l) - S(r)) = -H(l) + log(1 - exp(-(H(r) - H(l))))
  (left-censored when l = 0, so that H(l) = 0)
* left truncation at entry time a:  + H(a)   (conditioning on survival to a)

Frequency weights are applied by the engine. The response is carried in a dict built by
:func:`survival_data` (keys ``time``, ``code``, ``upper``, ``entry``, ``event``, ``log_time``).
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, reject_categorical

__all__ = ["EXACT", "RIGHT", "INTERVAL", "survival_data", "censored_loglik", "censored_hessian"]

RIGHT, EXACT, INTERVAL = 0, 1, 2


def survival_data(time=None, event=None, *, entry=None, lower=None, upper=None, n=None, rows="X") -> dict:
    """Validate a survival response and return the dict used by :func:`censored_loglik`.

    Either ``time`` and ``event`` (right-censored data: event 1 = observed, 0 = censored) or
    ``lower`` and ``upper`` (interval-censored: the event lies in (lower, upper]; ``upper = inf``
    means right-censored at ``lower``, ``lower == upper`` an exact time, ``lower = 0``
    left-censored) are given. ``entry`` gives left-truncation (delayed entry) times. ``n`` is the
    number of rows that every argument must have (``rows`` names what it comes from, for
    messages); without it, the first of ``time``/``lower`` sets it.

    Examples
    --------
    >>> d = survival_data([2.0, 3.0], [1, 0], entry=[0.0, 1.0])
    >>> d["code"].tolist(), d["entry"].tolist()
    ([1, 0], [0.0, 1.0])
    >>> survival_data([2.0, -1.0], [1, 0])
    Traceback (most recent call last):
    ...
    ValueError: time must be positive survival times; 1 entries are <= 0 (the first at position 1).
    """
    if time is not None:
        if lower is not None or upper is not None:
            raise ValueError("give either time and event, or lower and upper (interval censoring), not both.")
        t = _vector(time, "time", n, rows)
        n, rows = t.shape[0], (rows if n is not None else "time")
        _positive(t, "time")
        if event is None:
            ev = np.ones(n)
        else:
            ev = _vector(event, "event", n, rows)
            bad = (ev != 0) & (ev != 1)
            if bad.any():
                raise ValueError(
                    f"event must contain only 0 (censored) and 1 (event); got {np.unique(ev[bad])[:5].tolist()}."
                )
        code = ev.astype(np.int64)
        up = np.full(n, np.inf)
    else:
        if lower is None or upper is None:
            raise ValueError("give time (and event), or both lower and upper for interval-censored data.")
        lo = _vector(lower, "lower", n, rows)
        n, rows = lo.shape[0], (rows if n is not None else "lower")
        up = _as_vec_allow_inf(upper, "upper", n, rows)
        if (lo < 0).any():
            raise ValueError("lower must be non-negative (0 means left-censored).")
        if (up < lo).any():
            k = int(np.argmax(up < lo))
            raise ValueError(
                f"lower must not exceed upper; row {k} has lower={lo[k]} > upper={up[k]}. "
                "Swap the bounds or fix the data."
            )
        if (up <= 0).any():
            raise ValueError("upper must be positive (the event happens after time 0).")
        code = np.where(np.isinf(up), RIGHT, np.where(up == lo, EXACT, INTERVAL)).astype(np.int64)
        if ((code == RIGHT) & (lo <= 0)).any():
            raise ValueError("a row with upper = inf needs lower > 0 (a right-censoring time).")
        t = lo
        up = np.where(code == INTERVAL, up, np.inf)
    if entry is None:
        a = np.zeros(n)
    else:
        a = _vector(entry, "entry", n, rows)
        if (a < 0).any():
            raise ValueError("entry (left-truncation) times must be non-negative.")
        last = t
        if (a > last).any() or ((a == last) & (code != INTERVAL)).any():
            k = int(np.argmax(a >= last))
            raise ValueError(
                f"entry must be smaller than the observed time; row {k} has entry={a[k]} >= "
                f"time={last[k]}. An individual enters the risk set before its event or censoring."
            )
    # event as floats (1 exact, 0 otherwise) and log time (-inf for a left-censored lower bound
    # of 0) for the fused right-censored kernels, computed once rather than per evaluation
    with np.errstate(divide="ignore"):
        log_t = np.log(t)
    return {"time": t, "code": code, "upper": up, "entry": a, "event": (code == EXACT).astype(float),
            "log_time": log_t}


def _vector(x, name, n, rows):
    arr = as_float_array(x, name, ndim=(1, 2))
    if arr.ndim == 2:
        if arr.shape[1] != 1:
            raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}.")
        arr = arr[:, 0]
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty; pass at least one value.")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} entries but {rows} has {n}; pass one per row.")
    return arr


def _as_vec_allow_inf(x, name, n, rows):
    """An upper bound vector: numbers or +inf (right-censored), never NaN, text or categories."""
    reject_categorical(x, name)
    raw = x.to_numpy() if hasattr(x, "to_numpy") else x
    if isinstance(raw, (str, bytes)) or np.asarray(raw).dtype.kind in "USV":
        raise TypeError(f"{name} must be numeric; got text. Pass numbers (inf for right-censored rows).")
    try:
        arr = np.array(raw, dtype=float, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric (convertible to float); got {type(x).__name__}: {exc}") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}.")
    if np.isnan(arr).any() or (arr == -np.inf).any():
        raise ValueError(f"{name} contains NaN or -inf; use inf for right-censored rows.")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} entries but {rows} has {n}; pass one per row.")
    return arr


def _positive(t, name):
    bad = t <= 0
    if bad.any():
        raise ValueError(
            f"{name} must be positive survival times; {int(bad.sum())} entries are <= 0 "
            f"(the first at position {int(np.argmax(bad))})."
        )


def censored_loglik(terms, eta, data):
    """Per-observation log-likelihood and score from a family's hazard terms.

    Parameters
    ----------
    terms : callable
        ``terms(t, eta_rows) -> (log h, ∂log h/∂η, H, ∂H/∂η)`` with shapes (m,), (m, P), (m,),
        (m, P) for times ``t`` (m,) > 0 and the matching rows of η (m, P).
    eta : ndarray, shape (n, P)
    data : dict
        From :func:`survival_data`.

    Returns
    -------
    ll : ndarray, shape (n,)
    score : ndarray, shape (n, P)

    Examples
    --------
    Exponential hazard exp(η): log h = η, H = t exp(η).

    >>> def expo(t, eta):
    ...     rate = np.exp(eta[:, 0])
    ...     return eta[:, 0], np.ones((len(t), 1)), t * rate, (t * rate)[:, None]
    >>> d = survival_data([1.0, 2.0], [1, 0])
    >>> ll, score = censored_loglik(expo, np.zeros((2, 1)), d)
    >>> ll.tolist(), score[:, 0].tolist()
    ([-1.0, -2.0], [0.0, -2.0])
    """
    t, code, up, entry = data["time"], data["code"], data["upper"], data["entry"]
    n, P = eta.shape
    ll = np.zeros(n)
    score = np.zeros((n, P))
    pos = t > 0
    if pos.all():
        logh, dlogh, H, dH = terms(t, eta)
    else:
        logh, dlogh, H, dH = np.zeros(n), np.zeros((n, P)), np.zeros(n), np.zeros((n, P))
        if pos.any():
            a, b, c, d = terms(t[pos], eta[pos])
            logh[pos], dlogh[pos], H[pos], dH[pos] = a, b, c, d
    exact = code == EXACT
    ll -= H
    score -= dH
    ll[exact] += logh[exact]
    score[exact] += dlogh[exact]
    iv = code == INTERVAL
    if iv.any():
        _, _, HR, dHR = terms(up[iv], eta[iv])
        D = HR - H[iv]
        with np.errstate(divide="ignore", invalid="ignore"):
            ll[iv] += np.where(D > 0, np.log(-np.expm1(-D)), -np.inf)
            score[iv] += (dHR - dH[iv]) / np.expm1(D)[:, None]
    tr = entry > 0
    if tr.any():
        _, _, HA, dHA = terms(entry[tr], eta[tr])
        ll[tr] += HA
        score[tr] += dHA
    return ll, score


def censored_hessian(terms2, eta, data):
    """Per-observation Hessian ∂²ll/∂η∂η' (n, P, P) of the contributions of :func:`censored_loglik`.

    ``terms2(t, eta_rows)`` returns (log h, ∂log h, ∂²log h, H, ∂H, ∂²H) with second derivatives
    of shape (m, P, P). The interval term log(1 - e^(-D)), D = H(r) - H(l), has Hessian
    D''/expm1(D) - D' D'ᵀ e^D / expm1(D)².

    Examples
    --------
    >>> def expo2(t, eta):
    ...     m, rate = len(t), np.exp(eta[:, 0])
    ...     H = t * rate
    ...     return eta[:, 0], np.ones((m, 1)), np.zeros((m, 1, 1)), H, H[:, None], H[:, None, None]
    >>> censored_hessian(expo2, np.zeros((2, 1)), survival_data([1.0, 2.0], [1, 0]))[:, 0, 0].tolist()
    [-1.0, -2.0]
    """
    t, code, up, entry = data["time"], data["code"], data["upper"], data["entry"]
    n, P = eta.shape
    pos = t > 0
    if pos.all():
        _, _, d2logh, _, _, d2H = terms2(t, eta)
        hess = -d2H
    else:
        d2logh = np.zeros((n, P, P))
        hess = np.zeros((n, P, P))
        if pos.any():
            r = terms2(t[pos], eta[pos])
            d2logh[pos] = r[2]
            hess[pos] = -r[5]
    exact = code == EXACT
    hess[exact] += d2logh[exact]
    iv = code == INTERVAL
    if iv.any():
        _, _, _, HL, dHL, d2HL = terms2(np.where(t[iv] > 0, t[iv], 1.0), eta[iv])
        left0 = t[iv] <= 0
        HL = np.where(left0, 0.0, HL)
        dHL = np.where(left0[:, None], 0.0, dHL)
        d2HL = np.where(left0[:, None, None], 0.0, d2HL)
        _, _, _, HR, dHR, d2HR = terms2(up[iv], eta[iv])
        D = HR - HL
        dD = dHR - dHL
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            em1 = np.expm1(D)
            a = 1.0 / em1
            b = np.exp(D) / em1**2
            hess[iv] += (d2HR - d2HL) * a[:, None, None] - dD[:, :, None] * dD[:, None, :] * b[:, None, None]
    tr = entry > 0
    if tr.any():
        hess[tr] += terms2(entry[tr], eta[tr])[5]
    return hess
