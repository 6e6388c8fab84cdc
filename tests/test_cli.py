"""The command line: demo over every registered family, fit on a CSV file, version and help."""

import subprocess
import sys

import pytest

from distreg import __version__
from distreg.__main__ import main
from distreg._demo import DEMOS


def test_demo_writes_every_family(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    for family in DEMOS:
        folder = tmp_path / family
        files = list(folder.iterdir())
        assert any(f.suffix == ".txt" for f in files), family
        assert any(f.suffix == ".png" for f in files), family
        for f in files:
            assert f.stat().st_size > 0
            if f.suffix == ".png":
                assert f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert family in printed
    assert f"under {tmp_path}" in printed


def test_demo_rejects_unknown_family(tmp_path):
    with pytest.raises(ValueError, match="unknown demo families"):
        main(["demo", "--out", str(tmp_path), "--family", "astrology"])


def test_fit_from_csv_prints_summary(tmp_path, capsys):
    from distreg import NormalRegressor
    from distreg.datasets import load_engel

    path = tmp_path / "engel.csv"
    load_engel().to_csv(path, index=False)
    assert main(["fit", "normal", str(path), "--formula", "foodexp ~ income",
                 "--scale-formula", "~ income"]) == 0
    out = capsys.readouterr().out
    ref = NormalRegressor.from_formula("foodexp ~ income", load_engel(), scale_formula="~ income")
    assert f"{ref.loglik_:.4f}" in out
    assert "scale[income]" in out


def test_version_and_help():
    v = subprocess.run([sys.executable, "-m", "distreg", "--version"], capture_output=True, text=True, check=True)
    assert v.stdout.strip() == f"distreg {__version__}"
    h = subprocess.run([sys.executable, "-m", "distreg", "--help"], capture_output=True, text=True, check=True)
    assert "demo" in h.stdout and "fit" in h.stdout


def test_fit_survival_from_csv_prints_summary_and_comparison(tmp_path, capsys):
    from distreg.datasets import load_lung
    from distreg.survival import FlexibleSurvivalRegressor

    lung = load_lung()
    path = tmp_path / "lung.csv"
    lung.to_csv(path, index=False)
    assert main(["fit", "survival", str(path), "--formula", "time ~ age + sex + ph_ecog", "--event", "event",
                 "--distribution", "weibull", "--compare"]) == 0
    out = capsys.readouterr().out
    # R survreg, Weibull, age + sex + ph.ecog: log-likelihood -1132.43874588232
    assert "-1132.4387" in out
    assert "phi[sex]" in out
    ref = FlexibleSurvivalRegressor.from_formula("time ~ age + sex + ph_ecog", lung, event="event",
                                                 distribution="loglogistic")
    assert "loglogistic" in out and f"{ref.loglik_:.4f}"[:-1] in out
    assert "p_value" in out


def test_fit_survival_rejects_compare_for_other_models(tmp_path):
    from distreg.datasets import load_engel

    path = tmp_path / "engel.csv"
    load_engel().to_csv(path, index=False)
    with pytest.raises(ValueError, match="--compare applies to the survival model"):
        main(["fit", "normal", str(path), "--formula", "foodexp ~ income", "--compare"])
