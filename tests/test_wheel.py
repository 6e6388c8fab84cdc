"""The bundled datasets load from a normal (non-editable) install of the built wheel."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_datasets_load_from_installed_wheel(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(wheels), str(ROOT)],
        check=True, cwd=tmp_path,
    )
    (wheel,) = wheels.glob("distreg-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert any(n.endswith("datasets/data/engel.csv") for n in names)
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True, cwd=tmp_path,
    )
    code = (
        "import distreg, distreg.datasets as d\n"
        f"assert distreg.__file__.startswith({str(site)!r}), distreg.__file__\n"
        "shapes = {name: getattr(d, name)().shape for name in d.__all__}\n"
        "assert shapes['load_cps_state_income'] == (652870, 3), shapes\n"
        "print(len(shapes))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert out.stdout.strip() == "8"
