"""The ``python -m distreg demo`` registry: one entry per family.

Each entry names a module and a function ``demo_<family>(out_dir) -> list[pathlib.Path]`` that
fits the family on bundled real data and writes a text summary and PNG figures into ``out_dir``.
"""

from __future__ import annotations

import importlib
import pathlib

__all__ = ["DEMOS", "run_demo"]

# family -> (module, function); each family adds its own line
DEMOS = {
    "continuous": ("distreg.continuous._demo", "demo_continuous"),
    "conformal": ("distreg.conformal._demo", "demo_conformal"),
    "rdd": ("distreg.rdd._demo", "demo_rdd"),
    "discrete": ("distreg.discrete._demo", "demo_discrete"),
    "survival": ("distreg.survival._demo", "demo_survival"),
    "nonparametric": ("distreg.nonparametric._demo", "demo_nonparametric"),
    "quantile": ("distreg.quantile._demo", "demo_quantile"),
}


def run_demo(out_dir="distreg-demo", families=None, echo=print) -> dict:
    """Run the demos of the given families (default: all) and return the files written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = run_demo(tmp, families=["continuous"], echo=lambda *a: None)
    >>> sorted(p.suffix for p in written["continuous"])
    ['.png', '.png', '.txt']
    """
    if not isinstance(out_dir, (str, pathlib.PurePath)):
        raise TypeError(f"out_dir must be a folder path (str or pathlib.Path); got {type(out_dir).__name__}.")
    out = pathlib.Path(out_dir)
    if isinstance(families, str):  # one family, not its letters
        families = [families]
    if families is not None and not hasattr(families, "__iter__"):
        raise TypeError(f"families must be None, a family name or a list of names; got {families!r}.")
    families = list(DEMOS) if families is None else list(families)
    unknown = [f for f in families if not isinstance(f, str) or f not in DEMOS]
    if unknown:
        raise ValueError(f"unknown demo families {unknown}; choose from {sorted(DEMOS)}.")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = {}
    for family in families:
        module, func = DEMOS[family]
        target = out / family
        target.mkdir(parents=True, exist_ok=True)
        paths = getattr(importlib.import_module(module), func)(target)
        plt.close("all")
        written[family] = [pathlib.Path(p) for p in paths]
        echo(f"{family}: wrote {len(paths)} files to {target}")
    return written
