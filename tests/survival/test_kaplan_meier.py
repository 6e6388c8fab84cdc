"""Kaplan–Meier with delayed entry and weights against a slow oracle and lifelines."""

import numpy as np
import pandas as pd
import pytest

from distreg.survival import KaplanMeier


def oracle(t, e, a, w):
    times = np.unique(t)
    S, out = 1.0, []
    var = 0.0
    for s in times:
        risk = np.sum(w[(a < s) & (t >= s)])
        d = np.sum(w[(t == s) & (e == 1)])
        if risk > 0:
            S *= 1 - d / risk
            if d > 0:
                var += d / (risk * (risk - d)) if risk > d else np.inf
        out.append((risk, d, S, np.sqrt(var)))
    return times, np.array(out)


@pytest.mark.parametrize("seed", range(3))
def test_matches_oracle_with_entry_ties_and_weights(seed):
    rng = np.random.default_rng(seed)
    n = 80
    t = np.round(rng.exponential(2.0, n), 1) + 0.1  # ties
    a = np.where(rng.uniform(size=n) < 0.4, rng.uniform(0, 1, n) * t, 0.0)
    e = (rng.uniform(size=n) < 0.7).astype(float)
    w = rng.uniform(0.5, 2.0, n)
    km = KaplanMeier().fit(t, e, entry=a, sample_weight=w)
    times, ref = oracle(t, e, a, w)
    sf = km.survival_function_
    np.testing.assert_allclose(sf.time, times)
    np.testing.assert_allclose(sf.n_risk, ref[:, 0], rtol=1e-12)
    np.testing.assert_allclose(sf.n_event, ref[:, 1], rtol=1e-12)
    np.testing.assert_allclose(sf.survival, ref[:, 2], rtol=1e-12)
    finite = ref[:, 2] > 0
    np.testing.assert_allclose(sf.std_error[finite], ref[finite, 3], rtol=1e-12)


def test_matches_lifelines_with_entry():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(11)
    t = rng.exponential(3.0, 200) + 0.5
    a = rng.uniform(0, 0.5, 200)
    e = (rng.uniform(size=200) < 0.6).astype(int)
    ours = KaplanMeier().fit(t, e, entry=a)
    theirs = lifelines.KaplanMeierFitter().fit(t, e, entry=a)
    grid = np.linspace(0.6, 10, 50)
    np.testing.assert_allclose(ours.predict(grid), theirs.survival_function_at_times(grid).to_numpy(), rtol=1e-10)


def test_median_flat_at_half_and_bad_input():
    km = KaplanMeier().fit([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1])
    assert km.median_ == 2.5  # S = 1/2 on [2, 3): midpoint, as R
    assert KaplanMeier().fit([1.0, 2.0], [0, 0]).median_ == np.inf
    with pytest.raises(ValueError, match="time must be positive"):
        KaplanMeier().fit([1.0, -1.0], [1, 1])
    with pytest.raises(ValueError, match="event must contain only 0"):
        KaplanMeier().fit([1.0, 2.0], [1, 5])
    with pytest.raises(ValueError, match="entry must be smaller"):
        KaplanMeier().fit([1.0, 2.0], [1, 1], entry=[0.0, 3.0])
    with pytest.raises(ValueError, match=r"KaplanMeier: confidence_level must be a number in \(0, 1\); got 95"):
        KaplanMeier(confidence_level=95).fit([1.0, 2.0], [1, 1])
    with pytest.raises(ValueError, match="event has 2 entries but time has 3"):
        KaplanMeier().fit([1.0, 2.0, 3.0], [1, 1])
    with pytest.raises(ValueError, match="sample_weight is zero everywhere"):
        KaplanMeier().fit([1.0, 2.0], [1, 1], sample_weight=[0.0, 0.0])
    with pytest.raises(TypeError, match="time is categorical"):
        KaplanMeier().fit(pd.Series(pd.Categorical([1.0, 2.0])), [1, 1])


def test_greenwood_is_invariant_to_scaling_huge_weights():
    t, e = np.array([1.0, 2.0, 2.0, 3.0, 4.0, 5.0]), np.array([1, 1, 0, 1, 0, 1])
    w = np.array([1.0, 2.0, 1.0, 3.0, 1.0, 2.0])
    small = KaplanMeier().fit(t, e, sample_weight=w).survival_function_
    big = KaplanMeier().fit(t, e, sample_weight=w * 1e300).survival_function_
    np.testing.assert_allclose(big["survival"], small["survival"], rtol=1e-12)
    # Greenwood's variance scales as 1/weight: se(big) = se(small) / 1e150
    finite = np.isfinite(small["std_error"]) & (small["std_error"] > 0)
    np.testing.assert_allclose(big["std_error"][finite] * 1e150, small["std_error"][finite], rtol=1e-12)
