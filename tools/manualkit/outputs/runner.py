"""`manual build`: every registered output of every variant, each written to a temporary folder first.

The variant is resolved once and feeds every output (see :mod:`manualkit.outputs.registry`).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from manualkit.core.problems import BuildError
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.registry import OUTPUTS, Output, by_name, in_order
from manualkit.outputs.staging import ensure_writable, staged_output


def build_output(variant: ResolvedVariant, name: str, out: Path, log: TextIO,
                 outputs: tuple[Output, ...] = OUTPUTS) -> Path:
    """Build one output of one variant into out/<variant>/<folder>; raises BuildError, keeping the old one."""
    table = by_name(outputs)
    output = table[name]
    final = out / variant.id / output.folder
    inputs = {dep: out / variant.id / table[dep].folder for dep in output.needs}
    ensure_writable(final.parent)
    with staged_output(final) as tmp:
        output.render(variant, tmp, log, inputs)
    return final


def build_all(variants: list[ResolvedVariant], out: Path, only: list[str] | None, log: TextIO,
              outputs: tuple[Output, ...] = OUTPUTS) -> list[str]:
    """Build the registered outputs (only those named in ``only``, when given) of every variant.

    Each output is rendered into a temporary folder that replaces build/<variant>/<folder> only when
    it succeeded; a failure is reported and the other outputs go on. Returns the failures.
    """
    failures: list[str] = []
    chosen = in_order(only, outputs)
    for variant in variants:
        root = out / variant.id
        for output in chosen:
            started = time.perf_counter()
            final = root / output.folder
            had_output = final.exists()
            try:
                build_output(variant, output.name, out, log, outputs)
            except BuildError as exc:
                failures.append(f"{variant.id} {output.name}")
                log.write(f"FAILED {variant.id} {output.name}: {exc.message}\n")
                if exc.hint:
                    log.write(f"    hint: {exc.hint}\n")
                log.write("    the last good output was kept\n" if had_output else "    there was no earlier output to keep\n")
                continue
            where = final.relative_to(out.parent) if final.is_relative_to(out.parent) else final
            log.write(f"built {variant.id} {output.name} → {where} ({time.perf_counter() - started:.1f} s)\n")
    if failures:
        log.write(f"{len(failures)} of the builds failed: {', '.join(failures)}\n")
    return failures
