"""Time ``import distreg`` (target: at most 0.5 s) in fresh interpreters.

Each statement runs in a new subprocess (so nothing is cached in ``sys.modules``) several
times, and the median wall time of the statement itself is printed, together with the
interpreter start-up and ``import numpy`` for scale. Run from the repository root:

    python benchmarks/import_time.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STATEMENTS = {
    "python start-up (pass)": "pass",
    "import numpy": "import numpy",
    "import distreg": "import distreg",
    "from distreg import NormalRegressor": "from distreg import NormalRegressor",
}

_TIMER = (
    "import time, sys\n"
    "t0 = time.perf_counter()\n"
    "{stmt}\n"
    "t1 = time.perf_counter()\n"
    "heavy = [m for m in ('matplotlib', 'numba') if m in sys.modules]\n"
    "print(t1 - t0, ','.join(heavy) or '-')\n"
)


def time_statement(stmt: str, repeat: int) -> tuple[float, list[float], str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    times, heavy = [], "-"
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _TIMER.format(stmt=stmt)], capture_output=True,
                             text=True, check=True, cwd=ROOT, env=env).stdout.split()
        times.append(float(out[0]))
        heavy = out[1]
    return statistics.median(times), times, heavy


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="fresh interpreters per statement")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {args.repeat} fresh interpreters per statement")
    print(f"{'statement':40s} {'median [s]':>10s} {'min [s]':>9s} {'max [s]':>9s}  heavy modules loaded")
    results = {}
    for label, stmt in STATEMENTS.items():
        med, times, heavy = time_statement(stmt, args.repeat)
        results[label] = med
        print(f"{label:40s} {med:10.3f} {min(times):9.3f} {max(times):9.3f}  {heavy}")
    target = 0.5
    status = "OK" if results["import distreg"] <= target else "ABOVE TARGET"
    print(f"import distreg: {results['import distreg']:.3f} s (target <= {target} s): {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
