"""Fuzz: the command line (``python -m distreg fit ...``) through the bad-input matrix.

Each case corrupts one column of a valid CSV file (``ARRAY_CORRUPTIONS`` that a CSV column can
carry), one option, or the file itself, and runs :func:`distreg.__main__.main` in-process. The
answer must be either exit status 2 with exactly one ``distreg: error: ...`` line on stderr that
names the column or option as a whole word (for a file cut to no or one row: the rows), or exit
status 0 with a summary whose NaN (standard errors of a degenerate fit) are explained by a
``distreg: warning: ...`` line; every stderr line starts with ``distreg: `` (no traceback, no
multi-line warning), each case within a time limit.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distreg.__main__ import main

from .matrix import ARRAY_CORRUPTIONS, answer, names_argument

RNG = np.random.default_rng(20261204)
N = 30
X = RNG.normal(size=N)
TIME = np.exp(0.5 + 0.3 * X) * RNG.weibull(1.5, size=N)
FRAME = pd.DataFrame({
    "y": 1.0 + X + 0.5 * RNG.normal(size=N),
    "count": RNG.poisson(np.exp(0.5 + 0.3 * X)).astype(float),
    "x": X,
    "g": np.where(RNG.uniform(size=N) < 0.5, "a", "b"),
    "time": TIME,
    "event": (RNG.uniform(size=N) < 0.8).astype(float),
    "entry": 0.2 * TIME,
    "lower": 0.8 * TIME,
    "upper": 1.5 * TIME,
})

# model -> the command without the CSV path, and the columns it reads
COMMANDS = {
    "normal": (["normal", "--formula", "y ~ x + g", "--scale-formula", "~ x"], ("y", "x")),
    "integer": (["integer", "--formula", "count ~ x", "--distribution", "poisson"], ("count", "x")),
    "survival": (["survival", "--formula", "time ~ x", "--event", "event", "--entry", "entry",
                  "--distribution", "weibull"], ("time", "event", "entry", "x")),
    "interval": (["survival", "--formula", "~ x", "--lower", "lower", "--upper", "upper",
                  "--distribution", "weibull"], ("lower", "upper")),
}
# corruptions a CSV column can carry ("wrong dimensions" cannot be written to a column)
COLUMN_CORRUPTIONS = [c for c in ARRAY_CORRUPTIONS if c != "wrong dimensions"]


def corrupt_frame(column, label):
    """FRAME with one column corrupted; row cuts apply to the whole file, a short column is ragged."""
    if label == "empty":
        return FRAME.iloc[:0]
    if label == "one row":
        return FRAME.iloc[:1]
    values = ARRAY_CORRUPTIONS[label](FRAME[column].to_numpy())
    if label == "length mismatch":  # the last row lacks this field
        values = np.append(np.asarray(values, dtype=object), np.nan)
    return FRAME.assign(**{column: np.asarray(values)})


COLUMN_CASES = [(model, column, label) for model, (_, columns) in COMMANDS.items() for column in columns
                for label in COLUMN_CORRUPTIONS]

# option and file cases: label -> (argv with {csv} for the valid file's path, names an error must use)
OPTION_CASES = {
    "unknown distribution": (["fit", "integer", "{csv}", "--formula", "count ~ x", "--distribution", "gauss"],
                             ("distribution",)),
    "survival distribution for integer": (
        ["fit", "integer", "{csv}", "--formula", "count ~ x", "--distribution", "weibull"], ("distribution",)),
    "unknown scale": (["fit", "survival", "{csv}", "--formula", "time ~ x", "--event", "event", "--distribution",
                       "weibull", "--scale", "log"], ("scale",)),
    "bad formula": (["fit", "normal", "{csv}", "--formula", "y ~ x +"], ("formula",)),
    "formula without response": (["fit", "normal", "{csv}", "--formula", "~ x"], ("formula", "y")),
    "unknown column in formula": (["fit", "normal", "{csv}", "--formula", "y ~ z"], ("z",)),
    "unknown column in scale formula": (["fit", "normal", "{csv}", "--formula", "y ~ x", "--scale-formula",
                                         "~ z"], ("z",)),
    "bad zero formula": (["fit", "integer", "{csv}", "--formula", "count ~ x", "--distribution", "zip",
                          "--zero-formula", "~ x +"], ("formula",)),
    "unknown shape column": (["fit", "survival", "{csv}", "--formula", "time ~ x", "--event", "event",
                              "--distribution", "apgw", "--shape-formula", "~ z"], ("z",)),
    "unknown event column": (["fit", "survival", "{csv}", "--formula", "time ~ x", "--event", "died",
                              "--distribution", "weibull"], ("event", "died")),
    "unknown time column": (["fit", "survival", "{csv}", "--formula", "~ x", "--time", "futime", "--event",
                             "event", "--distribution", "weibull"], ("time", "futime")),
    "unknown entry column": (["fit", "survival", "{csv}", "--formula", "time ~ x", "--event", "event",
                              "--entry", "start", "--distribution", "weibull"], ("entry", "start")),
    "lower without upper": (["fit", "survival", "{csv}", "--formula", "~ x", "--lower", "lower",
                             "--distribution", "weibull"], ("lower", "upper")),
    "entry after time": (["fit", "survival", "{csv}", "--formula", "time ~ x", "--event", "event",
                          "--entry", "upper", "--distribution", "weibull"], ("entry",)),
    "event as time": (["fit", "survival", "{csv}", "--formula", "time ~ x", "--event", "time",
                       "--distribution", "weibull"], ("event",)),
    "text response": (["fit", "normal", "{csv}", "--formula", "g ~ x"], ("g", "y")),
    "compare for normal": (["fit", "normal", "{csv}", "--formula", "y ~ x", "--compare"], ("compare",)),
    "scale for normal": (["fit", "normal", "{csv}", "--formula", "y ~ x", "--scale", "ph"], ("scale",)),
    "zero formula for survival": (["fit", "survival", "{csv}", "--formula", "time ~ x", "--event", "event",
                                   "--zero-formula", "~ x"], ("zero-formula",)),
    "scale formula for integer": (["fit", "integer", "{csv}", "--formula", "count ~ x", "--scale-formula", "~ x"],
                                  ("scale-formula",)),
    "event for normal": (["fit", "normal", "{csv}", "--formula", "y ~ x", "--event", "event"], ("event",)),
    "distribution for normal": (["fit", "normal", "{csv}", "--formula", "y ~ x", "--distribution", "poisson"],
                                ("distribution",)),
    "unknown model": (["fit", "gamma", "{csv}", "--formula", "y ~ x"], ("model",)),
    "unknown option": (["fit", "normal", "{csv}", "--formula", "y ~ x", "--bogus"], ("bogus",)),
    "missing formula": (["fit", "normal", "{csv}"], ("formula",)),
    "missing csv": (["fit", "normal"], ("csv",)),
    "unknown command": (["predict"], ("command",)),
    "unknown demo family": (["demo", "--family", "astrology"], ("family",)),
    "missing file": (["fit", "normal", "{dir}/nope.csv", "--formula", "y ~ x"], ("nope",)),
    "folder instead of file": (["fit", "normal", "{dir}", "--formula", "y ~ x"], ("directory",)),
    "empty file": (["fit", "normal", "{dir}/empty.csv", "--formula", "y ~ x"], ("empty",)),
    "binary file": (["fit", "normal", "{dir}/binary.csv", "--formula", "y ~ x"], ("binary",)),
    "output folder is a file": (["demo", "--out", "{csv}", "--family", "rdd"], ("directory",)),
    # valid commands: they fit (the survival one without --event says so on stderr)
    "valid normal": (["fit", "normal", "{csv}", "--formula", "y ~ x + C(g)", "--scale-formula", "~ g"], ()),
    "valid survival without event": (["fit", "survival", "{csv}", "--formula", "time ~ x", "--distribution",
                                      "weibull"], ()),
}
OPTION_KEYS = sorted(OPTION_CASES)


def run_cli(argv):
    """(status, stdout, stderr) of main(argv), with warnings shown as main shows them."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        kind, status, _ = answer(lambda: main(argv), timeout=60)
    assert kind == "result", f"{argv}: main raised {type(status).__name__}: {status}"
    return status, out.getvalue(), err.getvalue()


def check_answer(argv, names, case):
    """The CLI contract for one call; returns "error" or "result"."""
    status, out, err = run_cli(argv)
    lines = err.strip().splitlines()
    assert all(line.startswith("distreg: ") for line in lines), f"{case}: stderr is not one-line messages:\n{err}"
    errors = [line for line in lines if line.startswith("distreg: error: ")]
    if status == 2:
        assert len(errors) == 1, f"{case}: status 2 needs exactly one error line:\n{err}"
        assert names_argument(errors[0], names), f"{case}: the error does not name {' or '.join(names)}: {errors[0]}"
        assert out == "", f"{case}: an error after printing results:\n{out}"
        return "error"
    assert status == 0 and not errors, f"{case}: status {status} with stderr:\n{err}"
    warned = any(line.startswith("distreg: warning: ") for line in lines)
    assert out.strip() and ("nan" not in out.lower() or warned), f"{case}: an empty summary or silent NaN:\n{out}"
    return "result"


def run_column_case(model, column, label):
    command, _ = COMMANDS[model]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        corrupt_frame(column, label).to_csv(path, index=False)
        names = (column,) + {"count": ("y",), "y": ("y",)}.get(column, ())
        if label in ("empty", "one row"):  # the whole file is cut
            names = ("rows", "n_samples")
        return check_answer(["fit", command[0], str(path), *command[1:]], names, f"{model} / {column} / {label}")


def run_option_case(key):
    argv, names = OPTION_CASES[key]
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "data.csv"
        FRAME.to_csv(csv, index=False)
        (Path(tmp) / "empty.csv").write_text("")
        (Path(tmp) / "binary.csv").write_bytes(bytes(range(256)) * 4)
        argv = [a.format(csv=csv, dir=tmp) for a in argv]
        kind = check_answer(argv, names, key)
    assert (kind == "result") == (not names), f"{key}: expected {'a fit' if not names else 'an error'}"
    return kind


@settings(max_examples=len(COLUMN_CASES), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(COLUMN_CASES))
def test_corrupted_columns(case):
    run_column_case(*case)


@settings(max_examples=len(OPTION_KEYS), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(OPTION_KEYS))
def test_options_and_files(key):
    run_option_case(key)
