"""The Bitwise distribution of Maat & Bloem (arXiv 2602.10751): one Bernoulli per binary digit.

Y = low + Σ_j b_j 2^j with independent bits b_j ~ Bernoulli(sigmoid(ℓ_j)), j = 0..B-1, so Y
lives on [low, low + 2^B). Negative values are handled by the offset ``low`` (the lower end of
the support), not by a sign bit: a sign bit would put the two halves of the support at opposite
ends of the bit pattern and make the pmf of -1 and 0 unrelated. Because bits are independent,
mean and variance are closed forms: E[Y] = low + Σ 2^j p_j, var Y = Σ 4^j p_j (1 - p_j).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ._base import DiscreteDistribution, logsumexp_rows
from ._registry import register_example

__all__ = ["Bitwise"]


class Bitwise(DiscreteDistribution):
    """Integers written in B bits, each an independent Bernoulli with its own logit.

    Parameters
    ----------
    logits : array-like, shape (n, B)
        Logit of P(bit j = 1); column j is the bit worth 2^j.
    low : float or array-like, shape (n,), default 0
        Integer offset: the support is [low, low + 2^B - 1].

    Examples
    --------
    >>> d = Bitwise(logits=[[0.0, 0.0]])            # uniform on {0, 1, 2, 3}
    >>> d.pmf(np.arange(4)[None, :])
    array([[0.25, 0.25, 0.25, 0.25]])
    >>> d = Bitwise(logits=[[2.0, -1.0, 0.5]], low=-4)  # support -4..3
    >>> float(d.pmf(np.arange(-4, 4)[None, :]).sum())
    1.0
    >>> d.mean().round(4), d.cdf(-1).round(4)
    (array([-0.0915]), array([0.3775]))
    """

    _param_names = ("logits", "low")

    def __init__(self, logits, low=0.0):
        logits = np.asarray(logits, float)
        if logits.ndim != 2 or logits.shape[1] < 1:
            raise ValueError("Bitwise: logits must have shape (n, B) with B >= 1 bits.")
        if logits.shape[1] > 52:
            raise ValueError("Bitwise: at most 52 bits are supported (exact float integers).")
        low_arr = np.asarray(low, float)
        if low_arr.ndim == 0:
            low_arr = np.full(logits.shape[0], float(low_arr))
        super().__init__(logits=logits, low=low_arr)

    def _check_params(self, logits, low):
        if np.any(~np.isfinite(logits)):
            raise ValueError("Bitwise: logits must be finite.")
        if np.any(low != np.floor(low)):
            raise ValueError("Bitwise: low must be an integer.")

    @property
    def n_bits(self) -> int:
        """Number of bits B."""
        return self._params["logits"].shape[1]

    def _bits(self, v, B):
        """Bits of the non-negative integers v, trailing axis of length B."""
        vi = np.clip(v, 0, 2**B - 1).astype(np.int64)
        return ((vi[..., None] >> np.arange(B)) & 1).astype(float)

    def _logpmf(self, y, logits, low):
        B = logits.shape[-1]
        v = y - low
        inside = (v >= 0) & (v <= 2**B - 1)
        bits = self._bits(v, B)
        ll = (bits * special.log_expit(logits) + (1 - bits) * special.log_expit(-logits)).sum(axis=-1)
        return np.where(inside, ll, -np.inf)

    def _logpmf_grad(self, y, logits, low):
        B = logits.shape[-1]
        v = y - low
        inside = (v >= 0) & (v <= 2**B - 1)
        g = self._bits(v, B) - special.expit(logits)
        return {"logits": np.where(inside[..., None], g, 0.0)}

    def _log_tail(self, y, logits, low, upper):
        """log P(Y <= y), or log P(Y > y) when ``upper``, as a sum of positive terms.

        Walking from the top bit of v = ⌊y⌋ - low: every bit where v has a 1 (for the cdf; a 0
        for the sf) adds the patterns that agree with v above it and hold a 0 (a 1) there, all
        smaller (larger) than v. Each term is a product of bit probabilities taken in logs from
        ``log_expit(±logit)``, so tails down to 1e-300 and beyond keep their relative accuracy.
        """
        B = logits.shape[-1]
        v = np.floor(y) - low
        bits = self._bits(v, B)
        log_one = np.broadcast_to(special.log_expit(logits), bits.shape)
        log_zero = np.broadcast_to(special.log_expit(-logits), bits.shape)
        agree = np.where(bits == 1, log_one, log_zero)
        # log P(bits above j agree with v), j = B-1..0
        above = np.concatenate([np.zeros(v.shape + (1,)), np.cumsum(agree[..., ::-1], axis=-1)[..., :-1]],
                               axis=-1)[..., ::-1]
        branch = bits == (0 if upper else 1)
        terms = np.where(branch, above + (log_one if upper else log_zero), -np.inf)
        if not upper:  # Y = v itself
            terms = np.concatenate([terms, agree.sum(axis=-1)[..., None]], axis=-1)
        out = np.minimum(logsumexp_rows(terms, axis=-1), 0.0)
        below, beyond = v < 0, v >= 2**B - 1
        if upper:
            return np.where(below, 0.0, np.where(beyond, -np.inf, out))
        return np.where(below, -np.inf, np.where(beyond, 0.0, out))

    def _cdf(self, y, logits, low):
        return np.exp(self._log_tail(y, logits, low, upper=False))

    def _sf(self, y, logits, low):
        return np.exp(self._log_tail(y, logits, low, upper=True))

    def _logcdf(self, y, logits, low):
        return self._log_tail(np.where(np.isfinite(y), y, np.sign(y) * 2.0**60), logits, low, upper=False)

    def _logsf(self, y, logits, low):
        return self._log_tail(np.where(np.isfinite(y), y, np.sign(y) * 2.0**60), logits, low, upper=True)

    def _mean(self, logits, low):
        B = logits.shape[-1]
        return low + (special.expit(logits) * 2.0 ** np.arange(B)).sum(axis=-1)

    def _var(self, logits, low):
        B = logits.shape[-1]
        p = special.expit(logits)
        return (p * (1 - p) * 4.0 ** np.arange(B)).sum(axis=-1)

    def _rvs(self, rng, k, logits, low):
        p = special.expit(logits)  # (n, 1, B)
        bits = rng.uniform(size=(p.shape[0], k, p.shape[-1])) < p
        return low + (bits * 2.0 ** np.arange(p.shape[-1])).sum(axis=-1)

    def _lower_support(self, p, shape):
        return np.broadcast_to(p["low"], shape).copy()

    def _upper_support(self, p, shape):
        return np.broadcast_to(p["low"] + 2.0 ** p["logits"].shape[-1] - 1, shape).copy()

    def mode(self):
        """Most probable value: each bit at its more likely state (bits are independent)."""
        logits, low = self._params["logits"], self._params["low"]
        bits = (logits > 0).astype(float)
        return low + (bits * 2.0 ** np.arange(logits.shape[1])).sum(axis=1)


@register_example("Bitwise")
def _bitwise_example():
    return Bitwise(logits=[[0.0, 0.0, 0.0, 0.0], [3.0, -2.0, 1.0, -0.5], [-4.0, 4.0, 0.2, 1.5]],
                   low=[0, -3, 10])
