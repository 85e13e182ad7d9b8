"""Time the everyday commands on this repository itself, as whole processes.

    .venv/bin/python benchmarks/repository.py [--runs 7]

Each run: `manual build` with nothing changed, `manual check` with nothing changed, one sentence
added to a module's English text and `manual check` again, then the sentence removed (and the
check that stores the original again, not counted). Medians with min and max. Build the
repository once first (`make build`), or the first no-change build is a full one. The module
is always restored, also when the run is interrupted.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _timed(*args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "manualkit.cli", *args], cwd=REPO, env=env, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    runs = ap.parse_args().runs
    module = sorted((REPO / "manual").rglob("*.en.md"))[0]
    original = module.read_bytes()
    times: dict[str, list[float]] = {"build, nothing changed": [], "check, nothing changed": [], "check after an edit": []}
    _timed("build")
    _timed("check")  # one run of each not counted
    try:
        for i in range(runs):
            times["build, nothing changed"].append(_timed("build"))
            times["check, nothing changed"].append(_timed("check"))
            module.write_bytes(original + f"\nOne more sentence, number {i}.\n".encode("utf-8"))
            times["check after an edit"].append(_timed("check"))
            module.write_bytes(original)
            _timed("check")
    finally:
        module.write_bytes(original)
    for name, got in times.items():
        print(f"{name}: {statistics.median(got):.2f} s ({min(got):.2f}–{max(got):.2f}), median of {runs}")


if __name__ == "__main__":
    main()
