"""`manual build`: every variant's site and PDFs, each written to a temporary folder first.

The resolved manual is made once per variant and feeds both renderers.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from manualkit.core.problems import BuildError
from manualkit.core.project import Project
from manualkit.outputs.staging import staged_output  # noqa: F401  (moved there; kept importable here)


def build_all(project: Project, variants: list[str], out: Path, only: str | None, log: TextIO) -> list[str]:
    failures: list[str] = []
    for variant in variants:
        for kind in ("pdf", "site"):
            if only and only != kind:
                continue
            started = time.perf_counter()
            try:
                if kind == "site":
                    from manualkit.outputs.site.build import build_site
                    where = build_site(project, variant, out / variant / "site")
                else:
                    from manualkit.outputs.pdf.build import build_pdfs
                    where = build_pdfs(project, variant, out / variant / "pdf", log=log)
            except BuildError as exc:
                failures.append(f"{variant} {kind}")
                log.write(f"FAILED {variant} {kind}: {exc.message}\n")
                if exc.hint:
                    log.write(f"    hint: {exc.hint}\n")
                log.write("    the last good output was kept\n")
                continue
            log.write(f"built {variant} {kind} → {where.relative_to(project.root)} ({time.perf_counter() - started:.1f} s)\n")
    if failures:
        log.write(f"{len(failures)} of the builds failed: {', '.join(failures)}\n")
    return failures
