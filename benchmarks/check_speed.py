"""Time `manual check` (a fresh process, as a person runs it) on synthetic manuals.

Usage: .venv/bin/python benchmarks/check_speed.py [N ...]   (default: 40 400)
Target on a 2-core machine: <= 0.4 s wall at 40 modules, <= 1.5 s at 400.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import generate


def time_check(root: Path, repeats: int = 5) -> tuple[float, float]:
    cmd = [sys.executable, "-m", "manualkit.cli", "--root", str(root), "check"]
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True)
        runs.append(time.perf_counter() - start)
        if res.returncode != 0:
            sys.exit(f"manual check failed on the synthetic manual:\n{res.stdout}{res.stderr}")
    return statistics.median(runs), min(runs)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [40, 400]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            root = generate(Path(tmp) / f"m{n}", n)
            median, best = time_check(root)
            print(f"manual check, {n} modules × 2 languages: median {median:.2f} s, best {best:.2f} s")


if __name__ == "__main__":
    main()
