"""The benchmark script's comparison with lifelines, on a small sample: same Weibull AFT optimum."""

import importlib.util
import pathlib
import warnings

import numpy as np
import pytest

pytest.importorskip("lifelines")

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "survival_vs_lifelines.py"


def test_weibull_aft_equals_lifelines_and_the_script_runs(capsys):
    spec = importlib.util.spec_from_file_location("survival_vs_lifelines", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the APGW fit on Weibull data runs to κ → ∞ and says so
        out = bench.main(n=3000, repeats=1)
    assert out["rel_loglik"] < 1e-9
    printed = capsys.readouterr().out
    assert "time ratio distreg / lifelines" in printed and np.isfinite(out["ratio"])
