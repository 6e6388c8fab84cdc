"""Training objective of the quantile aggregator: smoothed pinball loss + crossing penalty.

The pinball loss ρ_τ(u) = τu + max(-u, 0) is not differentiable at 0; for quasi-Newton
optimisation distreg replaces max(-u, 0) by δ·log(1 + exp(-u/δ)) (a softplus), which is smooth,
never below ρ_τ and at most δ·log 2 above it. (Fakoor et al. 2023 likewise train on a Huber-type
smoothing.) The crossing penalty of Fakoor et al. (2023, §3.2) charges λ·h(A_k - A_{k+1}) for
each adjacent pair of output levels, with h a Huber-type hinge (zero when the pair is ordered).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["Objective"]

_CHUNK = 4096


def _softplus(x):
    return np.logaddexp(0.0, x)


class Objective:
    """Value and gradient of the aggregator's loss over all rows, computed in row chunks."""

    def __init__(self, scheme, P, y, levels, sample_weight, Z=None, smoothing=0.01,
                 crossing_penalty=0.0, l2=0.0):
        self.scheme, self.P, self.y, self.Z = scheme, P, y, Z
        self.levels = levels
        self.w = sample_weight / sample_weight.mean()
        self.delta = smoothing
        self.lam = crossing_penalty
        self.l2 = l2
        self.mask = scheme.penalised()
        self.n = y.shape[0]

    def __call__(self, theta):
        n, K = self.n, self.levels.size
        total = 0.0
        grad = np.zeros_like(theta)
        for start in range(0, n, _CHUNK):
            sl = slice(start, min(start + _CHUNK, n))
            Z = None if self.Z is None else self.Z[sl]
            A, cache = self.scheme.forward(theta, self.P[sl], Z)
            u = self.y[sl, None] - A
            w = self.w[sl, None]
            d = self.delta
            loss = self.levels[None, :] * u + d * _softplus(-u / d)
            total += float((w * loss).sum()) / (n * K)
            # dρ/dA = -(τ - sigmoid(-u/δ))
            G = -(self.levels[None, :] - expit(-u / d)) * w / (n * K)
            if self.lam > 0 and K > 1:
                gap = A[:, :-1] - A[:, 1:]
                pos = np.clip(gap, 0.0, None)
                h = np.where(pos < d, pos * pos / (2 * d), pos - d / 2)
                total += self.lam * float((w * h).sum()) / n
                dh = np.clip(gap / d, 0.0, 1.0) * w * (self.lam / n)
                G[:, :-1] += dh
                G[:, 1:] -= dh
            grad += self.scheme.backward(cache, G)
        if self.l2 > 0:
            pen = theta * self.mask
            total += self.l2 * float(pen @ pen)
            grad += 2 * self.l2 * pen
        return total, grad
