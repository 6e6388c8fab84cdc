"""scikit-learn's estimator checks on the conformal wrappers (the fit/predict phase).

The wrappers are not DistributionalRegressors (they need a calibration phase before intervals
or distributions exist), so they are checked here rather than through tests/test_common.py's
distributional contract; every scikit-learn check passes.
"""

import warnings

from sklearn.utils.estimator_checks import parametrize_with_checks

from distreg import NormalRegressor
from distreg.conformal import (
    AdaptiveConformalRegressor,
    ConformalDistributionRegressor,
    ConformalizedQuantileRegressor,
    ConformalPredictiveSystem,
    CrossConformalRegressor,
    SplitConformalClassifier,
    SplitConformalRegressor,
)


@parametrize_with_checks([
    SplitConformalRegressor(),
    ConformalizedQuantileRegressor(),
    ConformalPredictiveSystem(),
    CrossConformalRegressor(cv=3),
    ConformalDistributionRegressor(NormalRegressor()),
    AdaptiveConformalRegressor(),
    SplitConformalClassifier(),
])
def test_sklearn_compatible(estimator, check):
    from distreg.exceptions import ConvergenceWarning, NumericalWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", NumericalWarning)
        check(estimator)
