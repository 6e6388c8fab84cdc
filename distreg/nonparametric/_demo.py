"""Demo of the nonparametric family on bundled real data: income distribution of a state (KDE with
three bandwidth rules, reflection at 0, ECDF with DKW band), bikeshare weather (bivariate ECDF and
exact Laplacian KDE) and ECOD outlier scores of bikeshare hours."""

from __future__ import annotations

import pathlib


def demo_nonparametric(out_dir) -> list:
    """Fit ECDF, KernelDensity and ECOD on CPS income and bikeshare data; write summary and plots.

    Examples
    --------
    >>> import tempfile, matplotlib; matplotlib.use("Agg")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = demo_nonparametric(tmp)
    ...     sorted(p.suffix for p in paths)
    ['.png', '.png', '.png', '.txt']
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from ..datasets import load_bikeshare, load_cps_state_income
    from ..plotting import plot_density, plot_ecdf
    from . import ECDF, ECOD, KernelDensity

    out = pathlib.Path(out_dir)
    lines = ["distreg.nonparametric demo", "=" * 26, ""]

    # -- income-to-poverty ratio, Texas 2004
    cps = load_cps_state_income()
    x = cps.loc[(cps["state_fips"] == 48) & (cps["year"] == 2004), "income_to_poverty"].to_numpy()
    lines.append(f"Texas 2004 income-to-poverty ratio: n = {x.size}, {np.mean(x == 0):.1%} exactly 0 "
                 "(an atom; the densities below describe the positive incomes)")
    xpos = x[x > 0]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for rule in ("scott", "silverman", "isj"):
        kde = KernelDensity(bandwidth=rule, bounds=(0, None)).fit(xpos)
        lines.append(f"  bandwidth {rule:>9}: {kde.bandwidth_[0]:.4f}")
        plot_density(kde, ax=axes[0], n_points=1024, label=f"{rule} (h = {kde.bandwidth_[0]:.3f})")
    lines.append(f"  ({np.unique(xpos).size} distinct positive values: ISJ resolves the rounding of reported "
                 "incomes, the rules of thumb smooth over it)")
    plain = KernelDensity(bandwidth="silverman").fit(xpos)
    plot_density(plain, ax=axes[0], n_points=1024, label="silverman, no reflection", color="grey")
    axes[0].set_xlim(-1, 10)
    axes[0].set_xlabel("family income / poverty line")
    axes[0].legend(fontsize=8)
    axes[0].set_title("KDE of positive incomes, reflected at 0")
    F = ECDF().fit(x)
    plot_ecdf(F, ax=axes[1])
    axes[1].set_xlim(-0.2, 10)
    axes[1].axvline(1.0, color="k", lw=0.8, ls=":")
    axes[1].set_xlabel("family income / poverty line")
    axes[1].set_title("ECDF with 95% DKW band")
    p_poor = F([1.0])[0]
    q = F.quantile([0.1, 0.5, 0.9])
    lines.append(f"  share below the poverty line F(1) = {p_poor:.3f}; deciles 10/50/90: {np.round(q, 3).tolist()}")
    fig.tight_layout()
    f1 = out / "income_kde_ecdf.png"
    fig.savefig(f1, dpi=110)

    # -- bikeshare: temperature and humidity
    bike = load_bikeshare()
    W = bike[["temp", "hum"]]
    G = ECDF().fit(W)
    kde2 = KernelDensity(kernel="laplacian", bandwidth="scott").fit(W)
    lines += ["", f"Bikeshare hours: n = {len(W)}",
              f"  P(temp <= 0.5, hum <= 0.65) = {G([[0.5, 0.65]])[0]:.3f}",
              f"  exact Laplacian KDE, Scott bandwidths (temp, hum): {np.round(kde2.bandwidth_, 4).tolist()}"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    a0, a1 = np.linspace(0, 1, 101), np.linspace(0, 1, 101)
    cs = axes[0].contourf(a0, a1, G.evaluate_on_grid(a0, a1).T, levels=10, cmap="viridis")
    fig.colorbar(cs, ax=axes[0], label="F(temp, hum)")
    axes[0].set_xlabel("temp")
    axes[0].set_ylabel("hum")
    axes[0].set_title("bivariate ECDF")
    plot_density(kde2, ax=axes[1], n_points=120)
    axes[1].set_title("exact Laplacian KDE")
    fig.tight_layout()
    f2 = out / "bikeshare_ecdf_kde.png"
    fig.savefig(f2, dpi=110)

    # -- ECOD on bikeshare hours
    cols = ["temp", "hum", "windspeed", "bikers"]
    det = ECOD(contamination=0.01).fit(bike[cols])
    top = np.argsort(det.decision_scores_)[::-1][:5]
    lines += ["", f"ECOD on {cols}: threshold {det.threshold_:.3f}, {int(det.labels_.sum())} hours flagged",
              "  most outlying hours:"]
    for i in top:
        row = bike.iloc[i]
        lines.append(f"    day {int(row['day']):3d} hour {row['hr']:>2}: score {det.decision_scores_[i]:.2f}  "
                     + ", ".join(f"{c}={row[c]:.3g}" for c in cols))
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(bike["hum"], bike["windspeed"], s=4, c=det.decision_scores_, cmap="magma_r")
    flagged = det.labels_ == 1
    ax.scatter(bike["hum"][flagged], bike["windspeed"][flagged], s=18, facecolors="none", edgecolors="C3",
               label="flagged (1%)")
    ax.set_xlabel("hum")
    ax.set_ylabel("windspeed")
    ax.set_title("ECOD outlier scores of bikeshare hours")
    ax.legend()
    fig.tight_layout()
    f3 = out / "bikeshare_ecod.png"
    fig.savefig(f3, dpi=110)

    f0 = out / "nonparametric_summary.txt"
    f0.write_text("\n".join(lines) + "\n")
    return [f0, f1, f2, f3]
