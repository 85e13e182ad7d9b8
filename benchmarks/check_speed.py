"""Time `manual check` (a fresh process, as a person runs it) on synthetic manuals.

Usage: .venv/bin/python benchmarks/check_speed.py [N ...]   (default: 40 400)

Three figures per size, medians of 5 runs each, interleaved: "cold", with every cache removed
first (a fresh clone); "after an edit", one sentence added to a module, so the stored result is
not used and the manual is loaded, validated and resolved again, with the link parser's kept
results (build/.cache/parse) for every paragraph but the edited one; and "stored", with nothing
changed since the last check (answered from build/.cache/project).
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


def time_check(root: Path, repeats: int = 5) -> tuple[float, float, float]:
    cmd = [sys.executable, "-m", "manualkit.cli", "--root", str(root), "check"]
    edited = root / "manual" / "part" / "module-2.en.md"
    cold, edit, stored = [], [], []
    for r in range(repeats):
        shutil.rmtree(root / "build" / ".cache", ignore_errors=True)
        cold.append(_once(cmd))
        with edited.open("a", encoding="utf-8") as fh:
            fh.write(f"\nOne more sentence, number {r}.\n")
        edit.append(_once(cmd))
        stored.append(_once(cmd))
    return statistics.median(cold), statistics.median(edit), statistics.median(stored)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [40, 400]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            root = generate(Path(tmp) / f"m{n}", n)
            cold, edit, stored = time_check(root)
            print(f"manual check, {n} modules × 2 languages: cold {cold:.2f} s, after an edit {edit:.2f} s, "
                  f"stored {stored:.2f} s (medians of 5)")


if __name__ == "__main__":
    main()
