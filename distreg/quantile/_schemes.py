"""Aggregation weight schemes of Fakoor et al. (2023, §2), with hand-written gradients.

Notation: ``P`` holds base-model quantiles, shape (n, M, K) (rows, models, levels); the
aggregate ``A`` has shape (n, K). Every scheme makes the weights convex through a softmax.

* global-coarse  (paper eq. 2): A[i, k] = Σ_m w_m P[i, m, k]
* global-medium  (eq. 3):       A[i, k] = Σ_m w_{m,k} P[i, m, k]
* global-fine    (eq. 4):       A[i, k] = Σ_{m,ν} w_{(m,ν),k} P[i, m, ν]
* local-*        (§2.3):        the same with weights that are a softmax of a small network of x.

For local-fine the paper's network outputs M·K·K logits per row, which needs memory n·M·K²;
distreg factorises the weights as w_{(m,ν),k}(x) = π_{m,k}(x) · v_{m,ν,k}, a local model weight
times a global within-model mixing over input levels (both convex, so the product is convex).
"""

from __future__ import annotations

import numpy as np
from scipy.special import softmax

__all__ = ["SCHEMES", "Scheme"]

SCHEMES = ("global-coarse", "global-medium", "global-fine", "local-coarse", "local-medium",
           "local-fine")


def _softmax_grad(W, gW, axis):
    """Gradient wrt logits of a softmax W (along ``axis``) given the gradient wrt W."""
    return W * (gW - (W * gW).sum(axis=axis, keepdims=True))


def _fine_init(M, K):
    """Fine logits starting near 'equal model weights, own level' (the medium mean)."""
    theta = np.zeros((M, K, K))
    if K > 1:
        # diagonal mass 0.9 per model: exp(b) / (exp(b) + K - 1) = 0.9
        b = np.log(9.0 * (K - 1))
        theta[:, np.arange(K), np.arange(K)] = b
    return theta


class Scheme:
    """Parameter layout, forward pass and gradient of one weight scheme."""

    def __init__(self, name, M, K, d=0, hidden=0, rng=None):
        self.name = name
        self.local = name.startswith("local")
        self.kind = name.split("-")[1]
        self.M, self.K, self.d, self.hidden = M, K, d, hidden
        shapes = {}
        if not self.local:
            shapes["theta"] = {"coarse": (M,), "medium": (M, K), "fine": (M, K, K)}[self.kind]
        else:
            D = M if self.kind == "coarse" else M * K
            if hidden:
                shapes.update(B1=(d, hidden), c1=(hidden,), B2=(hidden, D), c2=(D,))
            else:
                shapes.update(B2=(d, D), c2=(D,))
            if self.kind == "fine":
                shapes["theta"] = (M, K, K)
        self.shapes = shapes
        self.sizes = {k: int(np.prod(s)) for k, s in shapes.items()}
        self.rng = rng if rng is not None else np.random.default_rng(0)

    # ------------------------------------------------------------------ parameters
    def init(self):
        parts = {}
        for k, s in self.shapes.items():
            if k == "theta":
                parts[k] = _fine_init(self.M, self.K) if self.kind == "fine" else np.zeros(s)
            elif k == "B1":
                parts[k] = self.rng.normal(scale=1.0 / np.sqrt(max(self.d, 1)), size=s)
            else:  # output layer starts at zero: equal model weights
                parts[k] = np.zeros(s)
        return self.pack(parts)

    def pack(self, parts):
        return np.concatenate([np.asarray(parts[k], float).ravel() for k in self.shapes])

    def unpack(self, flat):
        out, pos = {}, 0
        for k, s in self.shapes.items():
            out[k] = flat[pos:pos + self.sizes[k]].reshape(s)
            pos += self.sizes[k]
        return out

    def penalised(self):
        """Mask of network weight matrices (L2-penalised); biases and global logits are not."""
        mask = []
        for k in self.shapes:
            mask.append(np.full(self.sizes[k], k in ("B1", "B2")))
        return np.concatenate(mask)

    # ------------------------------------------------------------------ forward / backward
    def _network(self, p, Z):
        if self.hidden:
            H = np.tanh(Z @ p["B1"] + p["c1"])
            return H, H @ p["B2"] + p["c2"]
        return None, Z @ p["B2"] + p["c2"]

    def forward(self, flat, P, Z=None):
        """Aggregate quantiles (n, K) and a cache for :meth:`backward`."""
        p = self.unpack(flat)
        n, M, K = P.shape
        cache = {"P": P, "Z": Z, "p": p}
        if not self.local:
            if self.kind == "coarse":
                w = softmax(p["theta"])
                cache["W"] = w
                return np.einsum("m,imk->ik", w, P), cache
            if self.kind == "medium":
                W = softmax(p["theta"], axis=0)
                cache["W"] = W
                return (W[None, :, :] * P).sum(axis=1), cache
            W = softmax(p["theta"].reshape(M * K, K), axis=0)
            cache["W"] = W
            return P.reshape(n, M * K) @ W, cache
        H, logits = self._network(p, Z)
        cache["H"] = H
        if self.kind == "coarse":
            W = softmax(logits, axis=1)
            cache["W"] = W
            return np.einsum("im,imk->ik", W, P), cache
        W = softmax(logits.reshape(n, M, K), axis=1)
        cache["W"] = W
        if self.kind == "medium":
            return (W * P).sum(axis=1), cache
        V = softmax(p["theta"], axis=1)  # (M, ν, k): within-model mixing over input levels
        S = np.stack([P[:, m, :] @ V[m] for m in range(M)], axis=1)  # BLAS per model
        cache["V"], cache["S"] = V, S
        return (W * S).sum(axis=1), cache

    def backward(self, cache, G):
        """Gradient of the loss wrt the flat parameters, given G = dLoss/dA (n, K)."""
        p, P, W = cache["p"], cache["P"], cache["W"]
        n, M, K = P.shape
        g = {}
        if not self.local:
            if self.kind == "coarse":
                g["theta"] = _softmax_grad(W, np.einsum("ik,imk->m", G, P), 0)
            elif self.kind == "medium":
                g["theta"] = _softmax_grad(W, np.einsum("ik,imk->mk", G, P), 0)
            else:
                gW = P.reshape(n, M * K).T @ G
                g["theta"] = _softmax_grad(W, gW, 0).reshape(M, K, K)
            return self.pack(g)
        if self.kind == "coarse":
            gA = _softmax_grad(W, np.einsum("ik,imk->im", G, P), 1)
        elif self.kind == "medium":
            gA = _softmax_grad(W, G[:, None, :] * P, 1).reshape(n, M * K)
        else:
            S, V = cache["S"], cache["V"]
            gA = _softmax_grad(W, G[:, None, :] * S, 1).reshape(n, M * K)
            gS = G[:, None, :] * W
            gV = np.stack([P[:, m, :].T @ gS[:, m, :] for m in range(M)])
            g["theta"] = _softmax_grad(V, gV, 1)
        Z, H = cache["Z"], cache["H"]
        if self.hidden:
            g["B2"] = H.T @ gA
            g["c2"] = gA.sum(axis=0)
            gpre = (gA @ p["B2"].T) * (1.0 - H * H)
            g["B1"] = Z.T @ gpre
            g["c1"] = gpre.sum(axis=0)
        else:
            g["B2"] = Z.T @ gA
            g["c2"] = gA.sum(axis=0)
        return self.pack(g)

    # ------------------------------------------------------------------ readable weights
    def mean_weights(self, flat, Z=None):
        """Weights averaged over the rows of Z (global schemes: the weights themselves).

        For local-fine the average of π(x)·v is computed as mean(π)·v, never materialising the
        (n, M, K, K) array.
        """
        if not (self.local and self.kind == "fine"):
            W = self.weights(flat, Z)
            return W.mean(axis=0) if self.local else W
        p = self.unpack(flat)
        _, logits = self._network(p, Z)
        n = logits.shape[0]
        Wbar = softmax(logits.reshape(n, self.M, self.K), axis=1).mean(axis=0)
        return Wbar[:, None, :] * softmax(p["theta"], axis=1)

    def weights(self, flat, Z=None):
        """Convex weights: global (M,), (M, K) or (M, K, K); local with a leading row axis."""
        p = self.unpack(flat)
        M, K = self.M, self.K
        if not self.local:
            if self.kind == "coarse":
                return softmax(p["theta"])
            if self.kind == "medium":
                return softmax(p["theta"], axis=0)
            return softmax(p["theta"].reshape(M * K, K), axis=0).reshape(M, K, K)
        _, logits = self._network(p, Z)
        n = logits.shape[0]
        if self.kind == "coarse":
            return softmax(logits, axis=1)
        W = softmax(logits.reshape(n, M, K), axis=1)
        if self.kind == "medium":
            return W
        V = softmax(p["theta"], axis=1)
        return W[:, :, None, :] * V[None, :, :, :]  # (n, m, ν, k)
