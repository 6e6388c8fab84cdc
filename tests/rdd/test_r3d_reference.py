"""R3D against the R package's fixtures (tests/reference/r3d, see its README)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from distreg.rdd import R3D, gini_from_quantiles, select_bandwidth
from distreg.rdd._local_polynomial import kernel_values
from distreg.rdd._monotone import isotonic
from distreg.rdd._unit_quantiles import unit_quantile_matrix

REF = Path(__file__).resolve().parents[1] / "reference" / "r3d"
LEVELS = np.arange(1, 21) / 21


def _sharp():
    d = pd.read_csv(REF / "ref_data_sharp_simple_20.csv")
    return d.X.to_numpy(), d.filter(like="Q").to_numpy()


def _fuzzy():
    d = pd.read_csv(REF / "ref_data_fuzzy_simple_20.csv")
    return d.X.to_numpy(), d.T_treat.to_numpy(), d.filter(regex=r"^Q\d+$").to_numpy()


@pytest.mark.parametrize("name, params", [
    ("epanechnikov", {}),
    ("triangular", {"kernel": "triangular"}),
    ("uniform", {"kernel": "uniform"}),
    ("fixedbw", {"bandwidth": 0.5}),
    ("p1", {"p": 1}),
])
def test_sharp_simple_matches_r(name, params):
    x, Q = _sharp()
    ref = pd.read_csv(REF / f"ref_results_sharp_simple_{name}.csv")
    np.testing.assert_allclose(LEVELS, ref.q, rtol=1e-13)
    est = R3D(compat="r3d", n_boot=0, **params).fit_quantiles(x, Q, LEVELS)
    np.testing.assert_allclose(est.bandwidth_, ref.bw_num, rtol=1e-5)
    np.testing.assert_allclose(est.tau_, ref.tau, atol=1e-6)
    np.testing.assert_allclose(est.m_plus_, ref.int_plus, atol=1e-6)
    np.testing.assert_allclose(est.m_minus_, ref.int_minus, atol=1e-6)


def test_sharp_simple_with_r_bandwidths_and_default_compat_differs_only_by_rearrangement():
    # with R's bandwidths, distreg's default differs from R only by exact sorting instead of R's
    # interpolated rearrangement; the unrearranged intercepts are identical
    x, Q = _sharp()
    ref = pd.read_csv(REF / "ref_results_sharp_simple_epanechnikov.csv")
    est = R3D(bandwidth=ref.bw_num.to_numpy(), n_boot=0).fit_quantiles(x, Q, LEVELS)
    alpha = pd.read_csv(REF / "ref_locpoly_alpha_plus_epanechnikov.csv").to_numpy()
    np.testing.assert_allclose(est.alpha_plus_, alpha, atol=1e-8)
    np.testing.assert_allclose(est.tau_, ref.tau, atol=2e-3)


def test_locpoly_coefficients_and_weights():
    x, Q = _sharp()
    h = pd.read_csv(REF / "ref_locpoly_bw_epanechnikov.csv").h.to_numpy()
    est = R3D(compat="r3d", bandwidth=h, n_boot=0).fit_quantiles(x, Q, LEVELS)
    for side, alpha, w in (("plus", est.alpha_plus_, est.weights_plus_),
                           ("minus", est.alpha_minus_, est.weights_minus_)):
        ref_a = pd.read_csv(REF / f"ref_locpoly_alpha_{side}_epanechnikov.csv").to_numpy()
        ref_w = pd.read_csv(REF / f"ref_locpoly_w_{side}_epanechnikov.csv").to_numpy()
        np.testing.assert_allclose(alpha, ref_a, atol=1e-8)
        np.testing.assert_allclose(w, ref_w, atol=1e-8)


def test_bandwidth_selection_matches_r():
    x, Q = _sharp()
    ref = pd.read_csv(REF / "ref_bwselect_sharp.csv")
    bw = select_bandwidth(x, Q, LEVELS, kernel="triangular", rule="r3d")
    pairs = {"h": "h_star_num", "pilot_h": "pilot_h_num", "bias_plus": "B_plus",
             "bias_minus": "B_minus", "variance_plus": "V_plus", "variance_minus": "V_minus"}
    for ours, theirs in pairs.items():
        np.testing.assert_allclose(getattr(bw, ours), ref[theirs], rtol=1e-5, err_msg=ours)
    np.testing.assert_allclose(bw.density, ref.f_X_hat[0], rtol=1e-5)


def test_fuzzy_simple_matches_r():
    x, T, Q = _fuzzy()
    ref = pd.read_csv(REF / "ref_results_fuzzy_simple_20.csv")
    est = R3D(compat="r3d", fuzzy=True, n_boot=0).fit_quantiles(x, Q, LEVELS, treatment=T)
    np.testing.assert_allclose(est.bandwidth_, ref.bw_num, rtol=1e-5)
    np.testing.assert_allclose(est.bandwidth_den_, ref.bw_den[0], rtol=1e-5)
    np.testing.assert_allclose(est.tau_, ref.tau, atol=1e-6)
    np.testing.assert_allclose(est.m_plus_, ref.int_plus, atol=1e-6)
    np.testing.assert_allclose(est.m_minus_, ref.int_minus, atol=1e-6)


def test_deterministic_bootstrap_matches_r():
    x, Q = _sharp()
    xi = pd.read_csv(REF / "ref_xi_matrix.csv.gz").to_numpy()
    est = R3D(compat="r3d", n_boot=0).fit_quantiles(x, Q, LEVELS)
    inf = est.bootstrap(xi, tests=["nullity", "homogeneity"])
    ref = pd.read_csv(REF / "ref_bootstrap_deterministic.csv")
    np.testing.assert_allclose(inf.critical_value, ref.crit_val[0], rtol=1e-8)
    np.testing.assert_allclose(inf.band[:, 0], ref.cb_lower, atol=1e-8)
    np.testing.assert_allclose(inf.band[:, 1], ref.cb_upper, atol=1e-8)
    pv = pd.read_csv(REF / "ref_pvalues_deterministic.csv")
    np.testing.assert_allclose(inf.test_results.p_value, pv.p_value, atol=1e-12)
    np.testing.assert_allclose(inf.test_results.statistic, pv.test_stat, rtol=1e-8)


def test_isotonic_matches_r_isoreg():
    ref = pd.read_csv(REF / "ref_isotonic.csv")
    for _, g in ref.groupby("case"):
        np.testing.assert_allclose(isotonic(g.input.to_numpy(dtype=float)), g.output, atol=1e-12)


def test_gini_matches_r():
    ref = pd.read_csv(REF / "ref_gini.csv").set_index("case").gini
    for case in ("uniform", "exponential", "degenerate"):
        qf = pd.read_csv(REF / f"ref_gini_qf_{case}.csv")
        np.testing.assert_allclose(gini_from_quantiles(qf.q.to_numpy(), qf.qf.to_numpy()), ref[case],
                                   atol=1e-6)


def test_type7_quantiles_match_r():
    ref = pd.read_csv(REF / "ref_quantiles.csv")
    grids = {1: np.array([0.5]), 2: np.array([0.1, 0.5, 0.9]), 3: np.arange(1, 100) / 100}
    for case in (1, 2, 3):
        y = pd.read_csv(REF / f"ref_quantile_y_{case}.csv").y.to_numpy()
        for g, lv in grids.items():
            got = unit_quantile_matrix([y], lv)[0]
            want = ref[(ref.case == case) & (ref.grid == g)].value.to_numpy()
            np.testing.assert_allclose(got, want, atol=1e-12)


def test_density_at_cutoff_matches_r():
    x, _ = _sharp()
    ref = pd.read_csv(REF / "ref_density_all.csv")
    tri = pd.read_csv(REF / "ref_density.csv")
    np.testing.assert_allclose(tri.f_X_hat_tri[0], ref.f_X_hat[0], rtol=1e-12)
    sigma = np.std(x, ddof=1)
    c_n = 1.06 * sigma * x.size ** (-0.2)
    np.testing.assert_allclose(sigma, ref.sigma_X[0], rtol=1e-12)
    np.testing.assert_allclose(c_n, ref.h_bw[0], rtol=1e-12)
    for _, row in ref.iterrows():
        f = np.mean(kernel_values(x / c_n, row.kernel)) / c_n
        np.testing.assert_allclose(f, row.f_X_hat, rtol=1e-10)
        bw = select_bandwidth(x, _sharp()[1], LEVELS, kernel=row.kernel, rule="r3d")
        np.testing.assert_allclose(bw.density, row.f_X_hat, rtol=1e-10)


@pytest.mark.parametrize("fuzzy", [False, True])
def test_frechet_matches_r(fuzzy):
    if fuzzy:
        x, T, Q = _fuzzy()
        ref = pd.read_csv(REF / "ref_results_fuzzy_frechet_20.csv")
        est = R3D(compat="r3d", method="frechet", fuzzy=True, n_boot=0).fit_quantiles(x, Q, LEVELS, treatment=T)
        np.testing.assert_allclose(est.bandwidth_den_, ref.bw_den[0], rtol=1e-5)
    else:
        x, Q = _sharp()
        ref = pd.read_csv(REF / "ref_results_sharp_frechet_20.csv")
        est = R3D(compat="r3d", method="frechet", n_boot=0).fit_quantiles(x, Q, LEVELS)
    np.testing.assert_allclose(est.bandwidth_, ref.bw_num, rtol=1e-5)
    np.testing.assert_allclose(est.tau_, ref.tau, atol=1e-6)
    np.testing.assert_allclose(est.m_plus_, ref.int_plus, atol=1e-6)
    np.testing.assert_allclose(est.m_minus_, ref.int_minus, atol=1e-6)


def test_frechet_and_fuzzy_bandwidth_selection_match_r():
    x, Q = _sharp()
    ref = pd.read_csv(REF / "ref_bwselect_frechet.csv")
    bw = select_bandwidth(x, Q, LEVELS, method="frechet", kernel="triangular", rule="r3d")
    for ours, theirs in {"h": "h_star_num", "pilot_h": "pilot_h_num", "bias_plus": "B_plus",
                         "variance_minus": "V_minus"}.items():
        np.testing.assert_allclose(getattr(bw, ours), ref[theirs], rtol=1e-5, err_msg=ours)
    x, T, Q = _fuzzy()
    ref = pd.read_csv(REF / "ref_bwselect_fuzzy.csv")
    bw = select_bandwidth(x, Q, LEVELS, treatment=T, kernel="triangular", rule="r3d")
    np.testing.assert_allclose(bw.h, ref.h_star_num, rtol=1e-5)
    np.testing.assert_allclose(bw.h_den, ref.h_star_den[0], rtol=1e-5)
    np.testing.assert_allclose(bw.pilot_h_den, ref.pilot_h_den[0], rtol=1e-5)
