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


def _error_line(capsys):
    """The single stderr line of a user error, checked to be one line without a traceback."""
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("distreg: error: "), err
    return lines[0]


def test_demo_rejects_unknown_family(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--family", "astrology"]) == 2
    line = _error_line(capsys)
    assert "--family: invalid choice: 'astrology'" in line and "rdd" in line


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


@pytest.fixture
def engel_csv(tmp_path):
    from distreg.datasets import load_engel

    path = tmp_path / "engel.csv"
    load_engel().to_csv(path, index=False)
    return path


@pytest.fixture
def lung_csv(tmp_path):
    from distreg.datasets import load_lung

    path = tmp_path / "lung.csv"
    load_lung().to_csv(path, index=False)
    return path


@pytest.mark.parametrize("model, extra, flag, owner", [
    ("normal", ["--compare"], "--compare", "survival"),
    ("integer", ["--compare"], "--compare", "survival"),
    ("normal", ["--scale", "ph"], "--scale", "survival"),
    ("normal", ["--zero-formula", "~ income"], "--zero-formula", "integer"),
    ("normal", ["--distribution", "weibull"], "--distribution", "integer model and the survival"),
    ("integer", ["--scale-formula", "~ income"], "--scale-formula", "normal"),
    ("integer", ["--event", "event"], "--event", "survival"),
    ("survival", ["--zero-formula", "~ income"], "--zero-formula", "integer"),
    ("survival", ["--scale-formula", "~ income"], "--scale-formula", "normal"),
])
def test_option_for_another_model_is_an_error(engel_csv, capsys, model, extra, flag, owner):
    # checked before the file is read or anything is fitted: nothing reaches stdout
    assert main(["fit", model, str(engel_csv), "--formula", "foodexp ~ income", *extra]) == 2
    line = _error_line(capsys)
    assert f"{flag} does not apply to the {model} model" in line and owner in line
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("argv, expected", [
    (["fit", "normal", "{missing}", "--formula", "y ~ x"], "cannot read '{missing}': No such file or directory"),
    (["fit", "normal", "{dir}", "--formula", "y ~ x"], "cannot read '{dir}': Is a directory"),
    (["fit", "normal", "{empty}", "--formula", "y ~ x"], "cannot read '{empty}' as CSV: No columns to parse"),
    (["fit", "normal", "{engel}", "--formula", "foodexp ~ incom"], "`incom` is not present in the dataset"),
    (["fit", "normal", "{engel}", "--formula", "foodexp ~ income +"], "Operator `+` has insuffient arguments"),
    (["fit", "integer", "{engel}", "--formula", "foodexp ~ income", "--distribution", "gauss"],
     "distribution"),
    (["fit", "survival", "{lung}", "--formula", "time ~ age", "--event", "died"],
     "event='died' is not a column of data"),
    (["fit", "survival", "{lung}", "--formula", "time ~ age", "--event", "event", "--scale", "both"],
     "scale"),
    (["fit", "survival", "{lung}", "--formula", "time ~ age", "--lower", "time"],
     "need both lower= and upper="),
    (["fit", "normal", "{engel}"], "the following arguments are required: --formula"),
    (["fit", "gamma", "{engel}", "--formula", "y ~ x"], "argument model: invalid choice: 'gamma'"),
    (["fit", "normal", "{engel}", "--formula", "y ~ x", "--bogus", "1"], "unrecognized arguments: --bogus 1"),
    (["demo", "--out", "{engel}", "--family", "rdd"], "Not a directory: '{engel}/rdd'."),
])
def test_user_errors_print_one_line_and_return_2(tmp_path, engel_csv, lung_csv, capsys, argv, expected):
    (tmp_path / "empty.csv").write_text("")
    names = {"missing": str(tmp_path / "nope.csv"), "dir": str(tmp_path), "empty": str(tmp_path / "empty.csv"),
             "engel": str(engel_csv), "lung": str(lung_csv)}
    argv = [a.format(**names) for a in argv]
    assert main(argv) == 2
    line = _error_line(capsys)
    assert expected.format(**names) in line, line
    assert "\x1b[" not in line  # formula errors carry terminal colour codes; they are stripped


def test_data_that_fail_validation(tmp_path, capsys):
    import pandas as pd

    path = tmp_path / "bad.csv"
    pd.DataFrame({"y": [1.0, 2.0, float("nan"), 4.0], "x": [0.0, 1.0, 2.0, 3.0]}).to_csv(path, index=False)
    assert main(["fit", "normal", str(path), "--formula", "y ~ x"]) == 2
    assert "NaN" in _error_line(capsys)
    path.write_text("t,x\n-1,0\n2,1\n3,0\n4,1\n")
    assert main(["fit", "survival", str(path), "--formula", "t ~ x", "--distribution", "weibull"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("distreg: note: no --event column given") and len(err) == 2
    assert err[1].startswith("distreg: error: ") and "positive" in err[1]


def test_survival_without_event_says_every_row_is_an_event(lung_csv, capsys):
    import pandas as pd

    from distreg.survival import FlexibleSurvivalRegressor

    assert main(["fit", "survival", str(lung_csv), "--formula", "time ~ age", "--distribution", "weibull"]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == ("distreg: note: no --event column given, so every row is treated as an "
                                    "event (no censoring); pass --event COLUMN for censored data.")
    ref = FlexibleSurvivalRegressor.from_formula("time ~ age", pd.read_csv(lung_csv), distribution="weibull")
    assert f"{ref.loglik_:.4f}" in captured.out
    # with --event (or interval bounds) there is no note
    assert main(["fit", "survival", str(lung_csv), "--formula", "time ~ age", "--event", "event",
                 "--distribution", "weibull"]) == 0
    assert capsys.readouterr().err == ""


def test_user_error_from_the_shell_has_no_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "distreg", "fit", "normal", str(tmp_path / "nope.csv"),
                        "--formula", "y ~ x"], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        f"distreg: error: cannot read '{tmp_path / 'nope.csv'}': No such file or directory."]
    r = subprocess.run([sys.executable, "-m", "distreg", "fit"], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "distreg: error: the following arguments are required: model, csv, --formula "
        "(see python -m distreg fit --help)"]


def test_run_demo_checks_its_arguments(tmp_path):
    from distreg._demo import run_demo

    with pytest.raises(TypeError, match="out_dir must be a folder path"):
        run_demo(None)
    with pytest.raises(TypeError, match="families must be None"):
        run_demo(tmp_path, families=3)
    with pytest.raises(ValueError, match=r"unknown demo families \[\['rdd'\]\]"):
        run_demo(tmp_path, families=[["rdd"]])
    # one name is one family, not its letters
    with pytest.raises(ValueError, match=r"unknown demo families \['astrology'\]"):
        run_demo(tmp_path, families="astrology")
    assert not any(tmp_path.iterdir())  # refused before anything is written
