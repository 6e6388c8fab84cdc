"""Relative-WIS study of the aggregator on real data (used by the notebook, demo and tests).

Three base models (linear quantile regression, gradient-boosted quantiles, kNN quantiles) are
aggregated with every weight scheme on repeated random train/test splits; the score is the
test weighted interval score relative to the best single base model of that split, as in the
relative-WIS tables of Fakoor et al. (2023, §6).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["STUDY_LEVELS", "load_study_data", "default_base_models", "relative_wis_study"]

STUDY_LEVELS = np.array([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95])


def load_study_data(name, max_rows=None, random_state=0):
    """(X DataFrame, y ndarray) for "engel", "bikeshare" or "diabetes"."""
    from sklearn.datasets import load_diabetes

    from ..datasets import load_bikeshare, load_engel

    if name == "engel":
        df = load_engel()
        X, y = df[["income"]], df["foodexp"].to_numpy(float)
    elif name == "bikeshare":
        df = load_bikeshare()
        X = pd.DataFrame({
            "hr": df["hr"].astype(int), "day": df["day"], "workingday": df["workingday"],
            "weathersit": df["weathersit"].astype("category").cat.codes, "temp": df["temp"],
            "hum": df["hum"], "windspeed": df["windspeed"],
        })
        y = df["bikers"].to_numpy(float)
    elif name == "diabetes":
        d = load_diabetes(as_frame=True)
        X, y = d.data, d.target.to_numpy(float)
    else:
        raise ValueError(f"unknown study dataset {name!r}; use 'engel', 'bikeshare' or 'diabetes'.")
    if max_rows is not None and len(y) > max_rows:
        idx = np.sort(np.random.default_rng(random_state).choice(len(y), max_rows, replace=False))
        X, y = X.iloc[idx].reset_index(drop=True), y[idx]
    return X, y


def default_base_models(levels=STUDY_LEVELS, n_estimators=60, random_state=0):
    """[(name, model)]: linear QR, gradient-boosted quantiles, kNN quantiles."""
    from sklearn.ensemble import GradientBoostingRegressor

    from .knn import KNeighborsQuantileRegressor
    from .linear import LinearQuantileRegressor
    from .multi import MultiQuantileRegressor

    gbm = GradientBoostingRegressor(loss="quantile", n_estimators=n_estimators, max_depth=3,
                                    learning_rate=0.1, subsample=0.8, random_state=random_state)
    return [("linear QR", LinearQuantileRegressor(quantiles=levels)),
            ("boosting", MultiQuantileRegressor(gbm, quantiles=levels)),
            ("kNN", KNeighborsQuantileRegressor(n_neighbors=20, quantiles=levels))]


def relative_wis_study(datasets=("engel", "bikeshare", "diabetes"), n_splits=5,
                       schemes=("global-coarse", "global-medium", "global-fine", "local-coarse",
                                "local-medium", "local-fine"),
                       test_size=0.3, cv=3, max_rows=1000, n_estimators=60, calibration=True,
                       random_state=0):
    """Fit every scheme on ``n_splits`` seeded splits of each dataset.

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, split, method) with ``wis``, ``relative_wis`` (÷ best base model),
        ``coverage_0.9`` (raw) and, with ``calibration``, ``cqr_coverage_0.9`` for the
        global-medium aggregate calibrated by CQR.
    """
    from sklearn.model_selection import train_test_split

    from .aggregator import QuantileAggregator

    records = []
    for ds in datasets:
        X, y = load_study_data(ds, max_rows=max_rows, random_state=random_state)
        for split in range(n_splits):
            seed = random_state + split
            Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_size, random_state=seed)
            agg = QuantileAggregator(default_base_models(n_estimators=n_estimators, random_state=seed),
                                     quantiles=STUDY_LEVELS, weights=schemes[0], cv=cv,
                                     hidden_units=8, l2=1e-3, max_iter=300, random_state=seed)
            agg.fit(Xtr, ytr)
            for k, scheme in enumerate(schemes):
                if k:
                    agg.refit_weights(weights=scheme)
                tab = agg.compare(Xte, yte, confidence_levels=[0.9])
                rows = tab if k == 0 else tab.iloc[[-1]]
                for method, r in rows.iterrows():
                    name = scheme if method.startswith("aggregate") else method
                    records.append({"dataset": ds, "split": split, "method": name,
                                    "wis": r["wis"], "relative_wis": r["relative_wis"],
                                    "coverage_0.9": r["coverage_0.9"]})
            if calibration:
                cal = QuantileAggregator(default_base_models(n_estimators=n_estimators, random_state=seed),
                                         quantiles=STUDY_LEVELS, weights="global-medium", cv=cv,
                                         calibration="cqr", confidence_level=0.9, random_state=seed)
                iv = cal.fit(Xtr, ytr).predict_interval(Xte, 0.9)
                records.append({"dataset": ds, "split": split, "method": "global-medium + CQR",
                                "wis": np.nan, "relative_wis": np.nan,
                                "coverage_0.9": float(np.mean((iv[:, 0] <= yte) & (yte <= iv[:, 1])))})
    return pd.DataFrame.from_records(records)


def summarise(results):
    """Mean relative WIS (and 0.9 coverage) per dataset and method, methods as rows."""
    rel = results.pivot_table(index="method", columns="dataset", values="relative_wis", aggfunc="mean")
    cov = results.pivot_table(index="method", columns="dataset", values="coverage_0.9", aggfunc="mean")
    return rel, cov
