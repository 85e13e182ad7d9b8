"""Scale run: the toolkit against the bare tools, on synthetic manuals, as whole processes.

    python benchmarks/scale.py [--modules 40,160,400] [--municipalities 0,10,50] [--runs 3]
                               [--cores 1,2] [--no-floor] [--keep DIR]

For every size (modules × municipalities; municipalities are swept at the smallest module
count, modules at the smallest municipality count) it generates a synthetic bilingual manual
(benchmarks/synthetic.py) and measures, each as a fresh process (`python -m manualkit.cli ...`):

  check     manual check (every variant)
  cold      manual build from an empty build/ (every variant, sites and every PDF)
  nochange  manual build again, nothing changed
  edit      one sentence added to one module's English text, then manual build
  floor     the bare tools on the same input, per variant: `mkdocs build --strict` of the same
            staged docs folder without the toolkit's hook, and per language one pandoc run and
            one Typst compile of the same book (the toolkit also makes every session guide
            and handout: the floor holds only the books, so the ratio is on the safe side)

Runs are interleaved (check, cold, nochange, edit, floor, then again), and the median of
``--runs`` is reported, wall time and CPU time (user + system of the process and everything it
waited for, from os.wait4), with the peak resident memory of the largest process. ``--cores 1``
pins both sides to one core (taskset), ``--cores 2`` lets both use two. Ratios are toolkit /
floor, where the floor is the sum over variants. Figures go to docs/performance.md, never into
tests.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "benchmarks"))

import synthetic  # noqa: E402

PY = sys.executable


def _tree_rss_mb(pid: int) -> int:
    """Resident memory of a process and all its descendants now, in MB (Linux /proc)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parent[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, pp in parent.items() if pp == p and c not in tree]
    return sum(rss.get(p, 0) for p in tree) // (1024 * 1024)


TREE_PEAKS: list[int] = []  # the largest sum over the process tree, per run() (sampled every 0.2 s)


def run(cmd: list[str], cwd: Path, cores: int, env: dict | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, float, int]:
    """(wall s, cpu s, peak MB) of one whole process and what it waited for; the peak of the
    whole process tree at once is appended to TREE_PEAKS."""
    if cores == 1 and shutil.which("taskset"):
        cmd = ["taskset", "-c", "0"] + cmd
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools"), "NO_MKDOCS_2_WARNING": "1",
           "SOURCE_DATE_EPOCH": "1767225600", **(env or {})}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak_tree = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak_tree[0] = max(peak_tree[0], _tree_rss_mb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read()
    done.set()
    sampler.join()
    TREE_PEAKS.append(peak_tree[0])
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out.decode()[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def manual(root: Path, *args: str, cores: int) -> tuple[float, float, int, int]:
    # exit 1 is fine for check: the synthetic municipalities have warnings (no base_hash)
    got = run([PY, "-m", "manualkit.cli", "--root", str(root), *args], root, cores, ok=(0, 1) if args[0] == "check" else (0,))
    return got + (TREE_PEAKS[-1],)


FLOOR_SETUP = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, {tools!r})
from manualkit.core.project import load_project
from manualkit.outputs.site.config import config_text, variant_config
from manualkit.outputs.site.stage import stage
from manualkit.outputs.pdf.markdown_prep import module_markdown
root, work = Path({root!r}), Path({work!r})
project = load_project(root)
for vid, variant in project.resolutions.items():
    staged = stage(variant, work / vid / "docs", root / "build" / vid / "pdf")
    data = variant_config(staged, variant.site_settings, work / vid / "mkdocs.yml", work / vid / "site")
    data["hooks"] = []  # the bare tool: without the toolkit's sanitiser hook
    (work / vid / "mkdocs.yml").write_text(config_text(data), encoding="utf-8")
    for lang, rm in variant.manuals.items():
        text = "\n\n".join(module_markdown(m) for m in rm.modules())
        (work / vid / f"book.{{lang}}.md").write_text(text, encoding="utf-8")
"""

TYPST = r"""
import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], font_paths=[], ignore_system_fonts=True)
"""


def prepare_floor(root: Path, work: Path) -> list[Path]:
    """Staged docs and configs of every variant (from the toolkit's own staging) and each book's
    Markdown, written once; the floor then times only the bare tools on them."""
    code = FLOOR_SETUP.format(tools=str(REPO / "tools"), root=str(root), work=str(work))
    subprocess.run([PY, "-c", code], check=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    return sorted(p for p in work.iterdir() if p.is_dir())


def floor(variants: list[Path], cores: int) -> tuple[float, float, int, int]:
    """Bare mkdocs of each staged tree; bare pandoc → Typst of each book (languages side by side
    when two cores are allowed, as the toolkit converts them)."""
    from manualkit.outputs.pdf.pandoc import pandoc_binary

    wall = cpu = 0.0
    peak = 0
    for folder in variants:
        w, c, p = run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(folder / "mkdocs.yml")], folder, cores)
        wall, cpu, peak = wall + w, cpu + c, max(peak, p)
        books = sorted(folder.glob("book.*.md"))
        script = " & ".join(
            f"({pandoc_binary()} -f markdown -t typst --wrap=preserve {b} -o {b.with_suffix('.typ')} && "
            f"{PY} -c '{TYPST}' {b.with_suffix('.typ')} {b.with_suffix('.pdf')} {folder})" for b in books)
        if cores == 1:
            script = script.replace(" & ", " ; ")
        w, c, p = run(["sh", "-c", script + (" ; wait" if cores > 1 else "")], folder, cores)
        wall, cpu, peak = wall + w, cpu + c, max(peak, p)
    return wall, cpu, peak, max(TREE_PEAKS[-2 * len(variants):], default=0)


def make_manual(base: Path, modules: int, municipalities: int) -> Path:
    root = synthetic.generate(base / f"m{modules}-k{municipalities}", modules)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    synthetic.add_municipalities(root, municipalities, modules)
    return root


def measure(root: Path, runs: int, cores: int, with_floor: bool, steps: list[str]) -> dict[str, list[tuple[float, float, int]]]:
    got: dict[str, list] = {k: [] for k in steps + (["floor"] if with_floor else [])}
    edit = root / "manual" / "part" / "module-2.en.md"
    jobs = ["--jobs", str(cores)]
    variants: list[Path] = []
    for r in range(runs):
        if "check" in steps:
            got["check"].append(manual(root, "check", cores=cores))
        if "cold" in steps or r == 0:
            shutil.rmtree(root / "build", ignore_errors=True)
            sample = manual(root, "build", *jobs, cores=cores)
            if "cold" in steps:
                got["cold"].append(sample)
        if "nochange" in steps:
            got["nochange"].append(manual(root, "build", *jobs, cores=cores))
        if "edit" in steps:
            with edit.open("a", encoding="utf-8") as fh:
                fh.write(f"\nOne more sentence, number {r}.\n")
            got["edit"].append(manual(root, "build", *jobs, cores=cores))
        if with_floor:
            if not variants:
                variants = prepare_floor(root, Path(tempfile.mkdtemp(prefix="floor-", dir=root)))
            got["floor"].append(floor(variants, cores))
    return got


def median(samples: list[tuple]) -> tuple[float, float, int, int]:
    return (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples), max(s[2] for s in samples),
            max((s[3] for s in samples if len(s) > 3), default=0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modules", default="40,160,400")
    ap.add_argument("--municipalities", default="1,10,50")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cores", default="2", help="comma-separated: 1 pins both sides to one core")
    ap.add_argument("--steps", default="check,cold,nochange,edit")
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument("--keep", type=Path, help="generate the manuals here and keep them")
    ap.add_argument("--pairs", default="", help="exact sizes instead of the sweep, e.g. 160x10,400x1")
    args = ap.parse_args()
    sizes_m = [int(x) for x in args.modules.split(",") if x]
    sizes_k = [int(x) for x in args.municipalities.split(",") if x]
    combos = list(dict.fromkeys([(m, sizes_k[0]) for m in sizes_m] + [(sizes_m[0], k) for k in sizes_k]))
    if args.pairs:
        combos = [tuple(int(n) for n in pair.split("x")) for pair in args.pairs.split(",") if pair]
    base = args.keep or Path(tempfile.mkdtemp(prefix="manualkit-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    steps = [s for s in args.steps.split(",") if s]
    print(f"# scale run, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
          f"medians of {args.runs} interleaved runs")
    print("| modules | municipalities | cores | step | wall s | CPU s | peak MB | all processes MB | wall / floor | CPU / floor |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    try:
        for modules, municipalities in combos:
            root = make_manual(base, modules, municipalities)
            for cores in [int(c) for c in args.cores.split(",")]:
                got = measure(root, args.runs, cores, not args.no_floor, steps)
                fl = median(got["floor"]) if "floor" in got else None
                for step, samples in got.items():
                    w, c, p, tree = median(samples)
                    ratio = f"{w / fl[0]:.2f} | {c / fl[1]:.2f}" if fl and step in ("cold", "floor") else "| "
                    print(f"| {modules} | {municipalities} | {cores} | {step} | {w:.2f} | {c:.2f} | {p} | {tree or ''} | {ratio} |",
                          flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
