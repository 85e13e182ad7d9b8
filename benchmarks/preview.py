"""Preview refresh: how long `manual serve` takes from a saved edit to a rebuilt page.

    python benchmarks/preview.py [--modules 160] [--edits 5] [--keep DIR]

Generates a synthetic bilingual manual (benchmarks/synthetic.py), makes the preview's first
(full) build with the same Preview object `manual serve` uses, then edits one module's English
text ``--edits`` times, alternating with its Bokmål text, and times each rebuild (wall time,
in the one process, as the preview runs: the edit is saved, the rebuild runs, the page is
written). Printed: the first build, then each edit's time split into loading (load, check,
resolve) and the site (stage and mkdocs), and the median. The browser's own reload (mkdocs'
live-reload script asks every second at most) comes on top. Figures go to docs/performance.md.
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "benchmarks"))

import synthetic  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modules", type=int, default=160)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="generate the manual here and keep it")
    args = ap.parse_args()

    from manualkit.cli import serve

    base = args.keep or Path(tempfile.mkdtemp(prefix="preview-bench-"))
    root = synthetic.generate(base / f"m{args.modules}", args.modules)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    timings: list[tuple[float, float]] = []
    original = serve.Preview._build

    def timed_build(self, variant):  # the site part of one rebuild; the rest is loading
        started = time.perf_counter()
        try:
            return original(self, variant)
        finally:
            timings.append((started, time.perf_counter()))

    serve.Preview._build = timed_build
    out = io.StringIO()
    preview = serve.Preview(root, "base", out)
    started = time.perf_counter()
    if not preview.rebuild():
        sys.exit(out.getvalue())
    print(f"{args.modules} modules: first (full) build {time.perf_counter() - started:.2f} s")
    samples = []
    for i in range(args.edits):
        lang = "en" if i % 2 == 0 else "nb"
        page = root / "manual" / "part" / f"module-{1 + i % max(1, args.modules - 1)}.{lang}.md"
        time.sleep(0.05)  # a new modification time, as a person's save would give
        with page.open("a", encoding="utf-8") as fh:
            fh.write(f"\nOne more sentence, number {i}.\n")
        started = time.perf_counter()
        ok = preview.rebuild()
        total = time.perf_counter() - started
        site_start, site_end = timings[-1]
        how = out.getvalue().rstrip().splitlines()[-1]
        if not ok:
            sys.exit(out.getvalue())
        samples.append(total)
        print(f"edit {i + 1} ({lang}): {total:.2f} s (loading {site_start - started:.2f} s, site {site_end - site_start:.2f} s) "
              f"- {how}")
    print(f"median of {len(samples)} edits: {statistics.median(samples):.2f} s")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
