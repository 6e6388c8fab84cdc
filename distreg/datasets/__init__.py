"""Bundled real datasets: each ``load_*()`` returns a new pandas DataFrame.

Sources and licences are listed in ``data/README.md`` of the repository (the CSV files ship
inside the package, so the loaders work from an installed wheel).
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = [
    "load_bikeshare",
    "load_biochemists",
    "load_brain_cancer",
    "load_cps_state_income",
    "load_engel",
    "load_lung",
    "load_senate_margins",
    "load_veteran",
]


def _read(name: str, **kwargs) -> pd.DataFrame:
    with resources.files(__name__).joinpath("data", name).open("rb") as fh:
        compression = "gzip" if name.endswith(".gz") else None
        return pd.read_csv(fh, compression=compression, **kwargs)


def load_lung() -> pd.DataFrame:
    """NCCTG advanced lung cancer survival, complete cases (227 rows).

    Columns: ``time`` (days), ``event`` (1 = death, 0 = censored), ``age`` (years), ``sex``
    (1 = male, 2 = female), ``ph_ecog`` (ECOG performance score 0-3). Source: R
    ``survival::lung`` (Loprinzi et al. 1994), LGPL.

    Examples
    --------
    >>> load_lung().shape
    (227, 5)
    """
    return _read("lung_ncctg_complete.csv")


def load_veteran() -> pd.DataFrame:
    """Veterans' Administration lung cancer trial (137 rows).

    Columns: ``time`` (days), ``event``, ``trt`` (1 standard, 2 test), ``celltype`` (squamous,
    smallcell, adeno, large), ``karno`` (Karnofsky score), ``diagtime`` (months from diagnosis),
    ``age``, ``prior`` (prior therapy, 0/10). Source: R ``survival::veteran`` (Kalbfleisch &
    Prentice 1980).

    Examples
    --------
    >>> load_veteran().shape
    (137, 8)
    """
    return _read("veteran.csv")


def load_brain_cancer() -> pd.DataFrame:
    """Brain cancer survival (88 rows).

    Columns: ``sex``, ``diagnosis``, ``loc``, ``ki`` (Karnofsky index), ``gtv`` (gross tumour
    volume, cm³), ``stereo`` (SRS/SRT), ``status`` (1 = death), ``time`` (months). Source: ISLP
    package data (BSD). ``diagnosis`` has one missing value.

    Examples
    --------
    >>> load_brain_cancer().shape
    (88, 8)
    """
    return _read("brain_cancer.csv")


def load_biochemists() -> pd.DataFrame:
    """Articles by PhD biochemists (915 rows), Long (1990); R ``pscl::bioChemists``.

    Columns: ``art`` (articles in the last 3 years of the PhD, the count outcome), ``fem``
    (1 = woman), ``mar`` (1 = married), ``kid5`` (children under 6), ``phd`` (prestige of the
    PhD department), ``ment`` (articles by the mentor in the last 3 years).

    Examples
    --------
    >>> int(load_biochemists()["art"].max())
    19
    """
    return _read("biochemists.csv")


def load_bikeshare() -> pd.DataFrame:
    """Capital Bikeshare hourly rentals in 2011 (8,645 rows).

    Columns: ``season`` (1-4), ``mnth`` (Jan..Dec), ``day`` (day of year), ``hr`` (hour 0-23, as
    a string category), ``holiday``, ``weekday``, ``workingday``, ``weathersit`` (clear,
    cloudy/misty, light rain/snow, heavy rain/snow), ``temp``, ``atemp``, ``hum``, ``windspeed``
    (normalised), ``casual``, ``registered``, ``bikers`` (total rentals, the count outcome).
    Source: ISLP package data (BSD); original UCI Bike Sharing (Fanaee-T & Gama 2013).

    Examples
    --------
    >>> df = load_bikeshare()
    >>> df.shape, int(df["bikers"].min())
    ((8645, 15), 1)
    """
    df = _read("bikeshare_dc_hourly.csv", dtype={"hr": str})
    return df


def load_engel() -> pd.DataFrame:
    """Engel's food expenditure data (235 Belgian working-class households, 1857).

    Columns: ``income`` and ``foodexp`` (annual, Belgian francs). Source: R ``quantreg::engel``.

    Examples
    --------
    >>> load_engel().shape
    (235, 2)
    """
    return _read("engel.csv")


def load_cps_state_income() -> pd.DataFrame:
    """CPS March family income relative to the poverty line, 34 states × 1998-2004 (652,870 rows).

    Columns: ``year``, ``state_fips``, ``income_to_poverty`` (family income divided by the
    federal poverty line). Each (state, year) is one income distribution. Source: Dube (2019)
    CPS extract as shipped in the DiSCos R package (MIT).

    Examples
    --------
    >>> df = load_cps_state_income()
    >>> df.groupby(["state_fips", "year"]).ngroups
    238
    """
    return _read("cps_state_income_1998_2004.csv.gz")


def load_senate_margins() -> pd.DataFrame:
    """US Senate elections 1914-2010 (1,390 rows).

    Columns: ``state``, ``state_fips``, ``year``, ``margin`` (Democratic vote share minus that of
    the strongest opponent, percentage points), ``class`` (Senate class). Source: Cattaneo,
    Frandsen & Titiunik (2015), as shipped with rdrobust. Joins ``load_cps_state_income()`` on
    (state_fips, year).

    Examples
    --------
    >>> load_senate_margins().shape
    (1390, 5)
    """
    return _read("us_senate_margins_1914_2010.csv")
