import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import skew

from distreg.nonparametric import ECOD


def test_hand_checked_example():
    # columns: (0, 1, 2, 10) and (1, 2, 0, 10), both right-skewed, n = 4
    X = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 0.0], [10.0, 10.0]])
    det = ECOD(contamination=0.25).fit(X)
    L = np.log
    # row 0: left tails 1/4 and 2/4; right tails 4/4 and 3/4
    expected = [
        max(-L(1 / 4) - L(2 / 4), -L(1) - L(3 / 4)),
        max(-L(2 / 4) - L(3 / 4), -L(3 / 4) - L(2 / 4)),
        max(-L(3 / 4) - L(1 / 4), -L(2 / 4) - L(1)),
        max(-L(1) - L(1), -L(1 / 4) - L(1 / 4)),
    ]
    assert_allclose(det.decision_scores_, expected)
    assert det.labels_.tolist() == [0, 0, 0, 1]
    assert_allclose(det.threshold_, np.percentile(expected, 75))
    # new points against the training ECDFs; beyond the range the tail is floored at 1/(n+1)
    new = det.outlier_score([[20.0, 20.0], [1.0, 1.0]])
    assert_allclose(new, [-2 * L(1 / 5), max(-2 * L(2 / 4), -2 * L(3 / 4))])
    assert_allclose(det.outlier_score(X), det.decision_scores_)
    assert det.predict([[1.0, 1.0], [20.0, 20.0]]).tolist() == [1, -1]


def _paper_scores(X):
    n, d = X.shape
    left = np.mean(X[None, :, :] <= X[:, None, :], axis=1)
    right = np.mean(X[None, :, :] >= X[:, None, :], axis=1)
    ul, ur = -np.log(left), -np.log(right)
    ua = np.where(skew(X, axis=0) < 0, ul, ur)
    # sum over dimensions, then the maximum of the three (Li et al. 2022, Algorithm 1)
    return np.maximum.reduce([ul.sum(1), ur.sum(1), ua.sum(1)])


def test_matches_definition_with_ties():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.round(rng.normal(size=300), 1), rng.exponential(size=300), -rng.exponential(size=300)])
    det = ECOD().fit(X)
    assert_allclose(det.decision_scores_, _paper_scores(X), rtol=1e-12)
    assert_allclose(det.decision_function(X[:5]) + det.offset_, det.score_samples(X[:5]))
    assert abs(det.labels_.mean() - 0.1) < 0.02


def test_bad_contamination():
    with pytest.raises(ValueError, match="contamination"):
        ECOD(contamination=0.7).fit(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="NaN|infinity"):
        ECOD().fit(np.array([[0.0], [np.nan]]))


@pytest.mark.parametrize("c", [0, -0.1, 0.51, 1, True, "auto", None])
def test_contamination_outside_0_to_half_is_rejected_at_fit(c):
    from distreg.exceptions import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=r"ECOD: contamination must be a number in \(0, 0.5\]"):
        ECOD(contamination=c).fit(np.arange(10.0)[:, None])


def test_constant_columns_carry_no_outlier_information():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    with_flat = ECOD().fit(np.column_stack([x, np.full(50, 4.0)]))
    alone = ECOD().fit(x[:, None])
    # no scipy cancellation warning, skewness 0, and the constant column adds nothing
    assert with_flat.skewness_[1] == 0.0
    np.testing.assert_allclose(with_flat.decision_scores_, alone.decision_scores_, rtol=1e-14)
    # a new row off the constant value gets the floored tail probability 1/(n+1) there
    new = with_flat.outlier_score([[x[0], 5.0]])
    np.testing.assert_allclose(new - alone.outlier_score([[x[0]]]), np.log(51.0), rtol=1e-12)
    everything_flat = ECOD().fit(np.full((30, 2), 1.5))
    np.testing.assert_array_equal(everything_flat.decision_scores_, np.zeros(30))
    assert everything_flat.labels_.sum() == 0