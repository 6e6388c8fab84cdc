"""SplitConformalClassifier (LAC against MAPIE, APS/RAPS against their definitions) and ACI."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from distreg.conformal import AdaptiveConformalRegressor, SplitConformalClassifier, conformal_rank
from distreg.metrics import mean_set_size, set_coverage

mapie_classification = pytest.importorskip("mapie.classification")


def _data(n=1500, seed=0):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=4, n_classes=4,
                               n_clusters_per_class=1, class_sep=0.8, random_state=seed)
    return X, y


def test_lac_sets_equal_mapie():
    X, y = _data()
    clf = LogisticRegression(max_iter=1000).fit(X[:500], y[:500])
    ours = SplitConformalClassifier(clf, confidence_level=[0.8, 0.9], prefit=True).conformalize(X[500:1000], y[500:1000])
    theirs = mapie_classification.SplitConformalClassifier(clf, confidence_level=[0.8, 0.9], conformity_score="lac",
                                                           prefit=True).conformalize(X[500:1000], y[500:1000])
    _, sets = theirs.predict_set(X[1000:])
    np.testing.assert_array_equal(ours.predict_set(X[1000:]), sets)


def _aps_oracle(P, y, u=None, lam=0.0, k_reg=1):
    """Score of label y by its definition, one row at a time."""
    out = np.empty(len(y))
    for i, (p, lab) in enumerate(zip(P, y)):
        order = sorted(range(len(p)), key=lambda j: (-p[j], j))
        r = order.index(lab)
        above = sum(p[j] for j in order[:r])
        out[i] = above + (p[lab] if u is None else u[i] * p[lab]) + lam * max(0, r + 1 - k_reg)
    return out


@pytest.mark.parametrize("score", ["aps", "raps"])
def test_aps_raps_scores_and_sets_by_definition(score):
    X, y = _data(seed=1)
    clf = LogisticRegression(max_iter=1000).fit(X[:500], y[:500])
    scc = SplitConformalClassifier(clf, confidence_level=0.9, conformity_score=score, prefit=True, lambda_reg=0.05,
                                   k_reg=2, include_last_label=False)
    scc.conformalize(X[500:1000], y[500:1000])
    lam = 0.05 if score == "raps" else 0.0
    P = clf.predict_proba(X[500:1000])
    np.testing.assert_allclose(scc.conformity_scores_, _aps_oracle(P, y[500:1000], lam=lam, k_reg=2), atol=1e-12)
    q = np.sort(scc.conformity_scores_)[conformal_rank(500, 0.9) - 1]
    Pt = clf.predict_proba(X[1000:1100])
    expect = np.column_stack([_aps_oracle(Pt, np.full(100, k), lam=lam, k_reg=2) <= q + 1e-12 for k in range(4)])
    np.testing.assert_array_equal(scc.predict_set(X[1000:1100]), expect)


@pytest.mark.parametrize("score,randomized", [("lac", False), ("aps", False), ("aps", True), ("raps", True)])
def test_classifier_coverage(score, randomized):
    covs = []
    for seed in range(6):
        X, y = _data(n=1600, seed=10 + seed)
        scc = SplitConformalClassifier(LogisticRegression(max_iter=1000), 0.9, conformity_score=score, randomized=randomized,
                                       random_state=seed)
        scc.fit(X[:400], y[:400]).conformalize(X[400:800], y[400:800])
        covs.append(set_coverage(y[800:], scc.predict_set(X[800:])))
    assert np.mean(covs) >= 0.9 - 0.02
    assert np.mean(covs) <= (0.95 if randomized or score == "lac" else 0.99)
    assert mean_set_size(scc.predict_set(X[800:])) < 4


def test_classifier_bad_input():
    X, y = _data(n=300)
    with pytest.raises(ValueError, match="conformity_score must be one of 'aps', 'lac', 'raps'; got 'top'"):
        SplitConformalClassifier(conformity_score="top").fit(X, y)
    scc = SplitConformalClassifier().fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="labels the classifier does not know"):
        scc.conformalize(X[100:200], y[100:200] + 10)
    with pytest.raises(ValueError, match="needs at least 19 points"):
        SplitConformalClassifier(confidence_level=0.95).fit(X[:100], y[:100]).conformalize(X[100:110], y[100:110])


def test_aci_long_run_error_bound_and_adaptation():
    # Gibbs & Candès (2021), Prop. 4.1: |mean err - α| <= (max(α1, 1 - α1) + γ) / (γ T) for ANY sequence
    rng = np.random.default_rng(0)
    T = 1500
    X = np.arange(300 + T, dtype=float)[:, None]
    scale = np.where(X[:, 0] < 300 + T // 2, 1.0, 4.0)  # abrupt change of noise level
    y = rng.normal(scale=scale)
    gamma = 0.02
    aci = AdaptiveConformalRegressor(confidence_level=0.9, gamma=gamma).fit(X[:150], y[:150])
    aci.conformalize(X[150:300], y[150:300])
    widths = []
    for t in range(300, 300 + T):
        widths.append(np.diff(aci.predict_interval(X[t:t + 1]))[0, 0])
        aci.update(X[t:t + 1], y[t:t + 1])
    err = np.mean(aci.errors_)
    assert abs(err - 0.1) <= (0.9 + gamma) / (gamma * T) + 1e-12
    # after the change the intervals widen
    assert np.mean(widths[-300:]) > 2 * np.mean(widths[:300])
    # a plain split interval (fixed level) under-covers after the change
    assert np.mean(aci.errors_[T // 2: T // 2 + 100]) > 0.1
    assert len(aci.alpha_history_) == T


def test_aci_batch_update_equals_sequential():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 1))
    y = X[:, 0] + rng.normal(size=400)
    a = AdaptiveConformalRegressor(gamma=0.05, window=100).fit(X[:100], y[:100]).conformalize(X[100:200], y[100:200])
    b = AdaptiveConformalRegressor(gamma=0.05, window=100).fit(X[:100], y[:100]).conformalize(X[100:200], y[100:200])
    a.update(X[200:], y[200:])
    for t in range(200, 400):
        b.update(X[t:t + 1], y[t:t + 1])
    assert a.errors_ == b.errors_
    assert a.alpha_t_ == pytest.approx(b.alpha_t_)
    with pytest.raises(ValueError, match="gamma must be a number > 0; got -1.0"):
        AdaptiveConformalRegressor(gamma=-1.0).fit(X, y)
