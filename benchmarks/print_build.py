"""How much the print renderer adds to bare pandoc + Typst, for the book.

For the repository's manual and for a generated manual of 40 modules, this times

* ours: the renderer's book as `manual pdf --book` makes it (Markdown preparation, pandoc with
  the Lua filter, split over the available cores, assembly, Typst with the book template:
  cover, contents, running headers, page x / y, draft mark, working cross-reference links,
  PDF/A-2a + PDF/UA-1), and
* bare: one pandoc run (default Markdown reader, no filter) on the same modules concatenated as
  plain Markdown, then Typst on its output with only a title and language set (needed for the
  same PDF standards, so both make the same kind of file),

each with a fresh Typst compiler (a cold book build, as `manual build` does once per language).
The two are run in turns; it prints the best wall-clock time of several runs (the usual measure
on a shared machine: other processes only ever add time) and, for information, the median CPU
time of this process and its children (pandoc), which shows the extra work that the parallel
pandoc runs hide. Typst uses several threads, so CPU time runs above wall-clock time. Our
overhead (wall-clock) should stay under 20 %.

    .venv/bin/python benchmarks/print_build.py [--repeat 5] [--root .]
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typst

from manualkit.outputs.pdf import documents
from manualkit.outputs.pdf.build import available_cores, prepare
from manualkit.outputs.pdf.pandoc import pandoc_binary
from manualkit.outputs.pdf.typst_compile import PDF_STANDARDS, TypstRunner
from manualkit.core.project import load_project

REPO = Path(__file__).resolve().parents[1]
STAMP = 1704067200

PARAGRAPH = ("Familiepartneren møter familien hjemme og avtaler hva de skal arbeide med. Målet er at "
             "barnet får en tryggere hverdag, og at foreldrene kjenner seg sett og hørt. Både mor og far "
             "får si hva de ønsker, og familiepartneren skriver ned avtalene med foreldrenes egne ord.")


def _module(index: int, total: int) -> str:
    mid = f"module-{index:02d}"
    other = f"module-{(index + 7) % total:02d}"
    sections = []
    for s in range(6):
        core = " .core" if s == 2 and index % 3 == 0 else ""
        body = [f"## Del {s + 1} av modul {index} {{#section-{s}{core}}}", "", PARAGRAPH, "",
                f"Se også [den andre modulen](ref:{other}#section-{s}) og [starten](ref:{other}).", "",
                "- Første punkt om hverdagen", "- Andre punkt med **viktig** tekst", "- Tredje punkt", "", PARAGRAPH]
        if s == 3:
            body += ["", "::: example", "Familien Berg er en oppdiktet familie. " + PARAGRAPH, ":::"]
        if s == 4 and index % 4 == 0:
            body += ["", "| Fase | Uker | Innhold |", "| --- | --- | --- |",
                     "| Start | 1–4 | Bli kjent og lage mål |", "| Oppfølging | 5–20 | Arbeide med målene |"]
        sections.append("\n".join(body))
    front = (f"---\nid: {mid}\ntitle: \"Modul {index}: Øvelser og råd\"\ntype: chapter\ncomponent: general\n"
             f"core: {'true' if index % 5 == 0 else 'false'}\nstatus: approved\n---\n\n")
    return front + PARAGRAPH + "\n\n" + "\n\n".join(sections) + "\n"


def generated_manual(root: Path, modules: int = 40, parts: int = 4) -> Path:
    """A manual of ``modules`` chapters in ``parts`` parts, about 3 pages each, in Bokmål only."""
    per = modules // parts
    lines = ["id: bench", "title: {nb: Målemanual}", "version: 1.0.0", "default_language: nb", "languages: [nb]", "parts:"]
    for p in range(parts):
        lines += [f"  - id: part-{p}", f"    title: {{nb: Del {p + 1}}}", "    modules:"]
        lines += [f"      - module-{i:02d}" for i in range(p * per, (p + 1) * per)]
    lines += ["variables:", "  municipality:", "    name: {nb: kommunen}"]
    (root / "manual").mkdir(parents=True)
    (root / "manual" / "manual.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for p in range(parts):
        folder = root / "manual" / f"part-{p}"
        folder.mkdir()
        for i in range(p * per, (p + 1) * per):
            (folder / f"module-{i:02d}.nb.md").write_text(_module(i, modules), encoding="utf-8")
    (root / "locales").mkdir()
    for name in ("nb.yml", "en.yml", "frame.yml"):
        shutil.copy(REPO / "locales" / name, root / "locales" / name)
    return root


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(run) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of one call."""
    cpu, wall = _cpu(), time.perf_counter()
    run()
    return time.perf_counter() - wall, _cpu() - cpu


def _ours(project, lang: str) -> None:
    job = prepare(project.resolutions["base"], lang, None, STAMP, workers=available_cores())  # as `manual pdf --book`
    TypstRunner(project.root, STAMP).pdf(documents.book(job.rm, job.fragments, job.meta))


def _bare(project, lang: str) -> None:
    rm = project.resolutions["base"].manuals[lang]
    text = "\n\n".join(f"# {mod.title}\n\n{mod.markdown()}" for mod in rm.modules())
    body = subprocess.run([pandoc_binary(), "--quiet", "-f", "markdown", "-t", "typst"], input=text.encode("utf-8"),
                          capture_output=True, check=True).stdout
    source = f'#set document(title: "{rm.title}")\n#set text(lang: "{lang}")\n'.encode() + body
    compiler = typst.Compiler(root=str(project.root), font_paths=[], ignore_system_fonts=True)
    compiler.compile(input=source, format="pdf", pdf_standards=PDF_STANDARDS, timestamp=STAMP)


def measure(name: str, root: Path, repeat: int) -> tuple[str, int, tuple[float, float], tuple[float, float]]:
    """(name, modules, (best wall, median CPU) of ours, the same of bare)."""
    project = load_project(root, ["base"])
    if project.errors:
        print(f"{name}: the manual has errors; measuring anyway", file=sys.stderr)
    lang = project.manual.default_language
    rm = project.resolutions["base"].manuals[lang]
    _ours(project, lang), _bare(project, lang)  # warm the disk cache and imports
    ours, bare = [], []
    for _ in range(repeat):
        ours.append(_timed(lambda: _ours(project, lang)))
        bare.append(_timed(lambda: _bare(project, lang)))

    def summary(runs: list[tuple[float, float]]) -> tuple[float, float]:
        return min(w for w, _ in runs), statistics.median(c for _, c in runs)

    return name, len(rm.modules()), summary(ours), summary(bare)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--root", type=Path, default=REPO)
    args = ap.parse_args()
    rows = [measure("repository manual", args.root, args.repeat)]
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(measure("generated, 40 modules", generated_manual(Path(tmp) / "bench"), args.repeat))
    print(f"{'book':<24}{'modules':>8}{'ours (s)':>10}{'bare (s)':>10}{'overhead':>10}"
          f"{'ours CPU':>10}{'bare CPU':>10}{'CPU overh.':>11}")
    worst = 0.0
    for name, count, (ours, ours_cpu), (bare, bare_cpu) in rows:
        overhead = ours / bare - 1
        worst = max(worst, overhead)
        print(f"{name:<24}{count:>8}{ours:>10.2f}{bare:>10.2f}{overhead:>9.0%} "
              f"{ours_cpu:>10.2f}{bare_cpu:>10.2f}{ours_cpu / bare_cpu - 1:>10.0%}")
    print("ok: overhead under 20 %" if worst < 0.20 else "too slow: overhead of 20 % or more")
    return 0 if worst < 0.20 else 1


if __name__ == "__main__":
    sys.exit(main())
