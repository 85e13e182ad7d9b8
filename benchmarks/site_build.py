"""Benchmark: the site build per variant, our steps against plain mkdocs on the same staged files.

    python benchmarks/site_build.py [--root PATH] [--variant ID ...] [--repeat N]

For each variant and run it measures, in a fresh folder:
  resolve  load_project(root, [variant]): load, validate and resolve that variant
  stage    write the staged docs folder (pages, assets, PDFs)
  config   write the generated mkdocs config
  mkdocs   `python -m mkdocs build --strict` on that config, as `manual build` runs it
  plain    the same mkdocs command once more on the same staged files (what a person running
           mkdocs by hand would pay; a second sample of the same work, to show the noise)
Our overhead is resolve + stage + config, as a share of the plain mkdocs build (the median of
all mkdocs and plain runs). The goal is under 15 %.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from manualkit.core.project import load_project  # noqa: E402
from manualkit.outputs.site.build import mkdocs_command, mkdocs_env  # noqa: E402
from manualkit.outputs.site.config import write_config  # noqa: E402
from manualkit.outputs.site.stage import stage  # noqa: E402

STEPS = ("resolve", "stage", "config", "mkdocs", "plain")


def run_mkdocs(config: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(mkdocs_command(config), cwd=config.parent, env=mkdocs_env(), capture_output=True, text=True)
    took = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"mkdocs failed on {config}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return took


def one_run(root: Path, variant: str) -> dict[str, float]:
    t: dict[str, float] = {}
    started = time.perf_counter()
    project = load_project(root, [variant])
    t["resolve"] = time.perf_counter() - started
    if project.errors or variant not in project.resolutions:
        sys.exit(f"{variant}: the manual has errors; run 'manual check'")
    work = Path(tempfile.mkdtemp(prefix="site-bench-"))
    try:
        started = time.perf_counter()
        staged = stage(project.resolutions[variant], work / "docs", root / "build" / variant / "pdf")
        t["stage"] = time.perf_counter() - started
        started = time.perf_counter()
        config = write_config(staged, project.resolutions[variant].site_settings, work / "mkdocs.yml", work / "site")
        t["config"] = time.perf_counter() - started
        t["mkdocs"] = run_mkdocs(config)
        shutil.rmtree(work / "site", ignore_errors=True)
        t["plain"] = run_mkdocs(config)
        pages = sum(1 for _ in (work / "site").rglob("*.html"))
        t["pages"] = pages
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=REPO)
    ap.add_argument("--variant", action="append", help="variant id (default: all)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    root = args.root.resolve()
    variants = args.variant or load_project(root, ["base"]).variants
    print(f"site build, {args.repeat} run(s) per variant, medians in seconds ({root})")
    print(f"{'variant':<14}{'pages':>6}" + "".join(f"{s:>9}" for s in STEPS) + f"{'overhead':>10}")
    worst = 0.0
    for variant in variants:
        runs = [one_run(root, variant) for _ in range(args.repeat)]
        med = {s: statistics.median(r[s] for r in runs) for s in STEPS}
        mk = statistics.median([r["mkdocs"] for r in runs] + [r["plain"] for r in runs])
        ours = med["resolve"] + med["stage"] + med["config"]
        share = ours / mk
        worst = max(worst, share)
        print(f"{variant:<14}{int(runs[0]['pages']):>6}" + "".join(f"{med[s]:>9.3f}" for s in STEPS) + f"{share:>9.1%}")
    print(f"largest overhead (resolve + stage + config) / mkdocs: {worst:.1%} (goal: under 15 %)")
    return 0 if worst < 0.15 else 1


if __name__ == "__main__":
    sys.exit(main())
