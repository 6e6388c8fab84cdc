"""Demo of the discrete family: count models on bioChemists, a hanging rootogram, predicted pmfs."""

from __future__ import annotations

import pathlib


def demo_discrete(out_dir) -> list:
    """Fit Poisson, NB2 and hurdle models to bioChemists; write a comparison, rootograms and pmfs."""
    import matplotlib.pyplot as plt
    import numpy as np

    from ..datasets import load_biochemists
    from ..plotting import plot_rootogram
    from . import IntegerRegressor

    out = pathlib.Path(out_dir)
    df = load_biochemists()
    formula = "art ~ fem + mar + kid5 + phd + ment"
    models = {name: IntegerRegressor.from_formula(formula, df, distribution=name)
              for name in ("poisson", "negbin", "hurdle_poisson", "hurdle_negbin")}
    lines = [f"{'model':<16}{'loglik':>12}{'AIC':>10}{'bits/obs':>10}"]
    for name, m in models.items():
        lines.append(f"{name:<16}{m.loglik_:>12.2f}{m.result_.aic:>10.1f}"
                     f"{-m.score_bits(df, df['art']):>10.4f}")
    text = out / "counts_biochemists_summary.txt"
    text.write_text("bioChemists: art ~ fem + mar + kid5 + phd + ment\n" + "\n".join(lines)
                    + "\n\n" + str(models["negbin"].summary()) + "\n")
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, name in zip(axes, ("poisson", "negbin")):
        plot_rootogram(df["art"], models[name].predict_distribution(df), values=np.arange(0, 13), ax=ax)
        ax.set_title(f"hanging rootogram: {name}")
    f1 = out / "counts_rootograms.png"
    fig.savefig(f1, dpi=100)
    fig, ax = plt.subplots(figsize=(6, 4))
    k = np.arange(0, 11)
    pmf = models["negbin"].predict_pmf(df.iloc[:3], k)
    for i, row in enumerate(pmf):
        ax.plot(k + 0.1 * i, row, "o-", label=f"student {i + 1}")
    ax.set_xlabel("articles")
    ax.set_ylabel("predicted probability (NB2)")
    ax.legend(frameon=False)
    f2 = out / "counts_predicted_pmfs.png"
    fig.savefig(f2, dpi=100)
    return [text, f1, f2]
