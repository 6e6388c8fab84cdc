"""Demo of the rdd family: state income distributions after close US Senate elections."""

from __future__ import annotations

import pathlib

import numpy as np

LAG = 2  # income distribution two CPS years after the election year


def senate_income_units(lag=LAG, max_obs_per_unit=None, random_state=0):
    """Join state income distributions (CPS) with Senate election margins.

    One unit per (state, election year t) with an income distribution in year t + ``lag``;
    running variable: the Democratic margin (points), cutoff 0. Returns a long DataFrame with
    columns unit, state_fips, year, margin, income_to_poverty (optionally subsampled per unit).
    """
    from ..datasets import load_cps_state_income, load_senate_margins

    cps = load_cps_state_income()
    senate = load_senate_margins()
    senate = senate.assign(outcome_year=senate["year"] + lag)
    units = senate.merge(cps[["year", "state_fips"]].drop_duplicates(),
                         left_on=["state_fips", "outcome_year"], right_on=["state_fips", "year"],
                         suffixes=("", "_cps"))
    units = units[["state_fips", "year", "outcome_year", "margin"]].drop_duplicates(
        ["state_fips", "year"]).reset_index(drop=True)
    units["unit"] = np.arange(len(units))
    long = units.merge(cps, left_on=["state_fips", "outcome_year"], right_on=["state_fips", "year"],
                       suffixes=("", "_cps"))
    if max_obs_per_unit is not None:
        long = (long.groupby("unit", group_keys=False)
                .apply(lambda g: g.sample(min(len(g), max_obs_per_unit), random_state=random_state)))
    return long[["unit", "state_fips", "year", "margin", "income_to_poverty"]].reset_index(drop=True)


def demo_rdd(out_dir) -> list:
    """Fit R3D on state income distributions around close Senate races; write summary and plots.

    Returns
    -------
    list of pathlib.Path
    """
    import matplotlib.pyplot as plt

    from . import R3D

    out = pathlib.Path(out_dir)
    data = senate_income_units()
    est = R3D.from_frame(data, unit="unit", running="margin", outcome="income_to_poverty",
                         cluster="state_fips", quantiles=np.arange(5, 96, 5) / 100, method="frechet",
                         tests=("nullity", "homogeneity"), random_state=0)
    text = out / "r3d_senate_income_summary.txt"
    text.write_text(
        "Income-to-poverty distributions of US states two years after a Senate election, by the\n"
        "Democratic margin (cutoff 0). An illustration with few close races, not a study.\n\n"
        + str(est.result_.summary()) + "\n"
    )
    fig, ax = plt.subplots(figsize=(6, 4))
    est.plot(ax=ax)
    ax.set_title("Effect of a Democratic Senate win on state income quantiles")
    f1 = out / "r3d_senate_income_effects.png"
    fig.savefig(f1, dpi=100)
    fig, ax = plt.subplots(figsize=(6, 4))
    est.result_.plot_boundary(ax=ax)
    ax.set_ylabel("income / poverty line")
    ax.set_title("Boundary quantile functions at a zero margin")
    f2 = out / "r3d_senate_income_boundary.png"
    fig.savefig(f2, dpi=100)
    return [text, f1, f2]
