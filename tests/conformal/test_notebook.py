"""Execute notebooks/05_conformal.ipynb so that it never rots."""

import os
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_conformal_notebook_runs(monkeypatch, tmp_path):
    path = ROOT / "notebooks" / "05_conformal.ipynb"
    nb = nbformat.read(path, as_version=4)
    # the kernel must import this checkout of distreg, not an installed copy
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "coverage" in outputs
