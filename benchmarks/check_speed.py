"""Time `manual check` (a fresh process, as a person runs it) on synthetic manuals.

Usage: .venv/bin/python benchmarks/check_speed.py [N ...]   (default: 40 400)

Two figures per size, medians of 5 runs each, interleaved: "loading", with the stored result
removed first (what the first check after an edit costs: load, validate, resolve), and
"stored", with nothing changed since the last check (answered from build/.cache/project).
"""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import generate


def _once(cmd: list[str]) -> float:
    start = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if res.returncode != 0:
        sys.exit(f"manual check failed on the synthetic manual:\n{res.stdout}{res.stderr}")
    return took


def time_check(root: Path, repeats: int = 5) -> tuple[float, float]:
    cmd = [sys.executable, "-m", "manualkit.cli", "--root", str(root), "check"]
    loading, stored = [], []
    for _ in range(repeats):
        shutil.rmtree(root / "build" / ".cache" / "project", ignore_errors=True)
        loading.append(_once(cmd))
        stored.append(_once(cmd))
    return statistics.median(loading), statistics.median(stored)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [40, 400]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            root = generate(Path(tmp) / f"m{n}", n)
            loading, stored = time_check(root)
            print(f"manual check, {n} modules × 2 languages: loading {loading:.2f} s, stored {stored:.2f} s (medians of 5)")


if __name__ == "__main__":
    main()
