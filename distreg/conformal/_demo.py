"""Demo of the conformal family: engel intervals, integer sets on bike counts, ACI."""

from __future__ import annotations

import pathlib

import numpy as np


def demo_conformal(out_dir) -> list:
    """Split, normalized and CQR intervals on engel; calibrated counts on bikeshare; ACI.

    Writes a text summary and two PNG figures into ``out_dir`` and returns their paths.

    Examples
    --------
    >>> import tempfile, matplotlib
    >>> matplotlib.use("Agg")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = demo_conformal(tmp)
    ...     print(sorted(p.suffix for p in paths))
    ['.png', '.png', '.txt']
    """
    import matplotlib.pyplot as plt
    from sklearn.linear_model import LinearRegression

    from ..continuous import NormalRegressor
    from ..datasets import load_bikeshare, load_engel
    from ..metrics import coverage, mean_interval_width
    from ..plotting import plot_coverage_width, plot_intervals_by_x
    from . import (
        AdaptiveConformalRegressor,
        ConformalDistributionRegressor,
        ConformalizedQuantileRegressor,
        SplitConformalRegressor,
    )

    out = pathlib.Path(out_dir)
    rng = np.random.default_rng(0)
    engel = load_engel()
    X, y = engel[["income"]].to_numpy(), engel["foodexp"].to_numpy()
    idx = rng.permutation(len(y))
    tr, cal, te = idx[:80], idx[80:160], idx[160:]
    methods = {
        "split (absolute)": SplitConformalRegressor(LinearRegression()),
        "split (normalized)": SplitConformalRegressor(NormalRegressor(scale_covariates=True),
                                                      conformity_score="normalized"),
        "CQR": ConformalizedQuantileRegressor(NormalRegressor(scale_covariates=True)),
        "distributional": ConformalDistributionRegressor(NormalRegressor(scale_covariates=True)),
    }
    lines = ["Conformal prediction, 90% intervals on engel (80 train / 80 calibration / 75 test)", ""]
    covs, widths, ivs = [], [], {}
    for name, m in methods.items():
        iv = m.fit(X[tr], y[tr]).conformalize(X[cal], y[cal]).predict_interval(X[te])
        ivs[name] = iv
        covs.append(coverage(y[te], iv))
        widths.append(mean_interval_width(iv))
        lines.append(f"{name:22s} coverage {covs[-1]:.3f}  mean width {widths[-1]:.1f}")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    plot_intervals_by_x(X[te, 0], ivs["split (absolute)"], y[te], label="split (absolute)", ax=axes[0])
    plot_intervals_by_x(X[te, 0], ivs["CQR"], None, label="CQR", ax=axes[0], color="C1")
    axes[0].set_xlabel("household income")
    axes[0].set_ylabel("food expenditure")
    plot_coverage_width(covs, widths, list(methods), target=0.9, ax=axes[1])
    f1 = out / "conformal_engel.png"
    fig.tight_layout()
    fig.savefig(f1, dpi=100)

    # integer prediction sets for hourly bike counts from a Poisson-type model of the log mean
    bikes = load_bikeshare()
    hr = bikes["hr"].astype(float).to_numpy()
    Xb = np.column_stack([bikes["temp"], np.sin(2 * np.pi * hr / 24), np.cos(2 * np.pi * hr / 24)])
    yb = bikes["bikers"].to_numpy(dtype=float)
    perm = rng.permutation(len(yb))
    trb, calb, teb = perm[:3000], perm[3000:6000], perm[6000:]
    cdr = ConformalDistributionRegressor(NormalRegressor(scale_covariates=True), confidence_level=0.9)
    cdr.fit(Xb[trb], np.log1p(yb[trb])).conformalize(Xb[calb], np.log1p(yb[calb]))
    ivb = np.expm1(cdr.predict_interval(Xb[teb]))
    sets = np.column_stack([np.ceil(ivb[:, 0] - 1e-9), np.floor(ivb[:, 1] + 1e-9)])
    lines += ["", "Bike counts: 90% integer sets {ceil(lower), ..., floor(upper)} from a conformalised",
              f"log-normal model: coverage {coverage(yb[teb], sets):.3f}, mean set size "
              f"{np.mean(sets[:, 1] - sets[:, 0] + 1):.1f} counts"]

    # adaptive conformal inference on the time-ordered counts (the model ignores the trend)
    Xt, yt = Xb, yb  # the rows are already in time order
    aci = AdaptiveConformalRegressor(LinearRegression(), confidence_level=0.9, gamma=0.01, window=500)
    aci.fit(Xt[:1000], yt[:1000]).conformalize(Xt[1000:1500], yt[1000:1500])
    split = SplitConformalRegressor(aci.estimator_, prefit=True).conformalize(Xt[1000:1500], yt[1000:1500])
    T = 3000
    piv = split.predict_interval(Xt[1500:1500 + T])
    split_err = 1 - coverage(yt[1500:1500 + T], piv)
    aci.update(Xt[1500:1500 + T], yt[1500:1500 + T])
    lines += ["", f"ACI on {T} time-ordered hours: error rate {np.mean(aci.errors_):.3f} (target 0.100); "
              f"fixed split conformal {split_err:.3f}"]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    err = np.asarray(aci.errors_)
    run = np.cumsum(err) / np.arange(1, T + 1)
    ax.plot(run, label="ACI running error")
    ax.axhline(0.1, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel("hour")
    ax.set_ylabel("running miscoverage")
    ax.legend()
    f2 = out / "conformal_aci.png"
    fig.tight_layout()
    fig.savefig(f2, dpi=100)
    text = out / "conformal_summary.txt"
    text.write_text("\n".join(lines) + "\n")
    return [text, f1, f2]
