"""scikit-learn's estimator checks for the nonparametric estimators.

They are not DistributionalRegressors, so they are checked here rather than in
tests/test_common.py, with the expected failures and their reasons.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from distreg.nonparametric import ECOD, KernelDensity, KernelRegression

_ACCEPTS_1D = {
    "check_fit1d": "X of shape (n,) is accepted on purpose: it is one-dimensional data (n points)",
}
EXPECTED = {
    "KernelDensity": dict(_ACCEPTS_1D),
    "KernelRegression": {},
    "ECOD": {
        "check_outlier_contamination": (
            "the check requires scikit-learn's private Interval class in _parameter_constraints; "
            "distreg declares its own (distreg._params.Interval), and test_ecod checks the "
            "(0, 0.5] range of contamination instead"
        ),
    },
}


def _expected(est):
    out = dict(EXPECTED[type(est).__name__])
    if isinstance(est, KernelRegression) and est.bandwidth == "cv":
        out["check_sample_weight_equivalence_on_dense_data"] = (
            "bandwidth='cv' leaves out one row at a time, and leaving out one of two repeated rows "
            "differs from halving a doubled weight, so the chosen bandwidth differs"
        )
    return out


@parametrize_with_checks(
    [KernelDensity(kernel="laplacian", bandwidth=0.5), KernelDensity(bandwidth="scott"),
     KernelRegression(bandwidth=0.5), ECOD()],
    expected_failed_checks=lambda est: _expected(est),
)
def test_sklearn_compatible(estimator, check):
    import warnings

    from distreg.exceptions import NumericalWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalWarning)
        check(estimator)


def test_clone_pickle_gridsearch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))
    y = X[:, 0] ** 2 + 0.1 * rng.normal(size=150)
    for est in [KernelDensity(kernel="laplacian", bandwidth="cv_ml"), KernelRegression(), ECOD()]:
        fitted = clone(est).fit(X, y)
        again = pickle.loads(pickle.dumps(fitted))
        if hasattr(est, "predict"):
            np.testing.assert_allclose(again.predict(X), fitted.predict(X))
        else:
            np.testing.assert_allclose(again.score_samples(X), fitted.score_samples(X))
    gs = GridSearchCV(KernelDensity(kernel="laplacian"), {"bandwidth": [0.02, 0.5, 20.0]}, cv=3).fit(X)
    assert gs.best_params_["bandwidth"] == 0.5
    gs = GridSearchCV(KernelRegression(), {"bandwidth": [0.05, 0.3, 3.0]}, cv=3).fit(X, y)
    assert gs.best_params_["bandwidth"] == 0.3
