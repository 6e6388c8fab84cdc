"""Build the Sphinx documentation with warnings as errors, so the docs never rot.

Runs the same command as CI/README: ``python -m sphinx -W --keep-going -b html docs <out>``.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_build_without_warnings(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert result.returncode == 0, f"sphinx failed:\n{result.stdout}\n{result.stderr}"
    html = (tmp_path / "html" / "api.html").read_text(encoding="utf-8")
    for name in ["distreg.NormalRegressor", "distreg.metrics.crps", "distreg.distributions.Normal",
                 "distreg.likelihood.maximize_likelihood", "distreg.plotting.plot_pit_histogram",
                 "distreg.datasets.load_engel", "distreg.exceptions.ConvergenceWarning"]:
        assert f'id="{name}"' in html, f"{name} missing from the API reference"
