"""Demo of the continuous family: heteroscedastic Gaussian regression on Engel's data."""

from __future__ import annotations

import pathlib


def demo_continuous(out_dir) -> list:
    """Fit NormalRegressor (constant and income-dependent scale) on engel; write summary and plots."""
    import matplotlib.pyplot as plt

    from .._results import likelihood_ratio_test
    from ..datasets import load_engel
    from . import NormalRegressor

    out = pathlib.Path(out_dir)
    engel = load_engel()
    homo = NormalRegressor.from_formula("foodexp ~ income", engel)
    hetero = NormalRegressor.from_formula("foodexp ~ income", engel, scale_formula="~ np.log(income)")
    lr = likelihood_ratio_test(homo, hetero)
    text = out / "normal_engel_summary.txt"
    text.write_text(
        "Constant scale\n" + str(homo.summary()) + "\n\nLog standard deviation linear in log(income)\n"
        + str(hetero.summary())
        + f"\n\nLikelihood-ratio test of constant scale: statistic {lr.statistic:.3f}, "
        f"df {lr.df}, p-value {lr.p_value:.3g}\n"
    )
    order = engel["income"].argsort().to_numpy()
    data = engel.iloc[order]
    fig, ax = plt.subplots(figsize=(6, 4))
    hetero.plot_intervals(data, y=data["foodexp"], x=data["income"], ax=ax)
    ax.set_xlabel("household income")
    ax.set_ylabel("food expenditure")
    ax.set_title("90% predictive intervals, heteroscedastic Normal (engel)")
    f1 = out / "normal_engel_intervals.png"
    fig.savefig(f1, dpi=100)
    fig, ax = plt.subplots(figsize=(5, 4))
    hetero.plot_pit_histogram(engel, engel["foodexp"], ax=ax)
    ax.set_title("PIT histogram")
    f2 = out / "normal_engel_pit.png"
    fig.savefig(f2, dpi=100)
    return [text, f1, f2]
