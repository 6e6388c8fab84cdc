"""``import distreg`` must stay light: no matplotlib, no numba (compiling kernels is slow)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def loaded_after(statement: str) -> list[str]:
    code = (
        "import sys, json\n"
        f"{statement}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('matplotlib', 'numba', 'llvmlite'))))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env.pop("MPLBACKEND", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=ROOT, check=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("statement", [
    "import distreg",
    "from distreg import NormalRegressor",
    "import distreg.metrics, distreg.distributions, distreg.datasets, distreg.likelihood",
    "import distreg.plotting",
])
def test_import_loads_neither_matplotlib_nor_numba(statement):
    assert loaded_after(statement) == []


def test_importing_the_local_checkout():
    out = subprocess.run([sys.executable, "-c", "import distreg; print(distreg.__file__)"],
                         capture_output=True, text=True, cwd=ROOT, check=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert Path(out.stdout.strip()).resolve().is_relative_to(ROOT)
