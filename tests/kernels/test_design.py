"""The engine's design kernels (η, gradient and Hessian assembly) against direct numpy sums."""

import numpy as np
import pytest

from distreg._kernels.design import design_eta, design_gradient, design_hessian

from .conftest import size


def stacked_design(rng, n, widths, scale=1.0):
    M = rng.normal(size=(n, sum(widths))) * scale
    par = np.concatenate([np.full(w, j) for j, w in enumerate(widths)]).astype(np.int64)
    return M, par


@pytest.mark.parametrize("n", [1, 7, 5000])
@pytest.mark.parametrize("weighted", [False, True])
def test_kernels_match_numpy(rng, n, weighted):
    n = size(n) if n > 10 else n
    widths = [3, 0, 2, 1]                              # parameter 1 fixed (no columns)
    M, par = stacked_design(rng, n, widths)
    P, p = len(widths), M.shape[1]
    beta = rng.normal(size=p)
    w = rng.exponential(size=n) if weighted else np.ones(n)
    offsets = rng.normal(size=(P, n))

    eta_t = offsets.copy()
    design_eta(M, par, beta, eta_t)
    ref = offsets.copy()
    for j in range(P):
        cols = par == j
        ref[j] += M[:, cols] @ beta[cols]
    np.testing.assert_allclose(eta_t, ref, rtol=1e-12, atol=1e-12)

    score = rng.normal(size=(n, P))
    grad = np.empty(p)
    design_gradient(M, par, score, w, grad)
    np.testing.assert_allclose(grad, np.einsum("i,ik,ik->k", w, score[:, par], M), rtol=1e-10, atol=1e-10)

    h = rng.normal(size=(n, P, P))
    h = h + h.transpose(0, 2, 1)
    H = np.empty((p, p))
    design_hessian(M, par, h, w, H)
    ref_H = np.einsum("i,ik,il,ikl->kl", w, M, M, h[:, par][:, :, par])
    np.testing.assert_allclose(H, ref_H, rtol=1e-10, atol=1e-9)
    np.testing.assert_array_equal(H, H.T)


def test_extreme_scales_and_ties(rng):
    # columns on very different scales and many identical rows: sums stay exact to rounding
    n = size(6000)
    M, par = stacked_design(rng, n, [2, 2])
    M[:, 0] *= 1e8
    M[:, 3] *= 1e-8
    M[: n // 2] = M[0]
    w = np.ones(n)
    h = np.tile(np.array([[2.0, -1.0], [-1.0, 3.0]]), (n, 1, 1))
    H = np.empty((4, 4))
    design_hessian(M, par, h, w, H)
    ref = np.einsum("ik,il,ikl->kl", M, M, h[:, par][:, :, par])
    np.testing.assert_allclose(H, ref, rtol=1e-11)


def test_engine_one_pass_and_blas_assembly_agree(rng):
    # the engine assembles the observed information in one numba pass for narrow designs and
    # with BLAS block products for wide ones: both must give the same matrix
    from distreg.continuous.normal import NormalSpec
    from distreg.likelihood.engine import Design, _Objective

    n = size(3000)
    X = rng.normal(size=(n, 4))
    y = X @ np.array([1.0, -0.5, 0.2, 0.0]) + rng.normal(size=n)
    designs = [Design(np.column_stack([np.ones(n), X]), [], 0), Design(np.column_stack([np.ones(n), X[:, :2]]), [], 0)]
    obj = _Objective(NormalSpec(), designs, {"y": y}, rng.exponential(size=n))
    beta = rng.normal(size=obj.n_coef) * 0.1
    one_pass = obj.hessian(beta)
    obj._ONE_PASS_MAX_COEF = 0
    blas = obj.hessian(beta)
    np.testing.assert_allclose(one_pass, blas, rtol=1e-10, atol=1e-8)
