"""`manual build`: every registered output of every variant, each written to a temporary folder first.

The variant is resolved once and feeds every output (see :mod:`manualkit.outputs.registry`).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from manualkit.core.problems import BuildError
from manualkit.outputs import cache
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.registry import Output, by_name, in_order, outputs_table
from manualkit.outputs.staging import ensure_writable, staged_output


def build_output(variant: ResolvedVariant, name: str, out: Path, log: TextIO,
                 outputs: tuple[Output, ...] | None = None) -> Path:
    """Build one output of one variant into out/<variant>/<folder>; raises BuildError, keeping the old one."""
    outputs = outputs_table() if outputs is None else outputs
    table = by_name(outputs)
    output = table[name]
    final = out / variant.id / output.folder
    inputs = {dep: out / variant.id / table[dep].folder for dep in output.needs}
    ensure_writable(final.parent)
    with staged_output(final) as tmp:
        output.render(variant, tmp, log, inputs)
    return final


def build_all(variants: list[ResolvedVariant], out: Path, only: list[str] | None, log: TextIO,
              outputs: tuple[Output, ...] | None = None, *, use_cache: bool = True, jobs: int | None = None) -> list[str]:
    """Build the registered outputs (only those named in ``only``, when given) of every variant.

    Each output is rendered into a temporary folder that replaces build/<variant>/<folder> only when
    it succeeded; a failure is reported and the other outputs go on. An output whose inputs have not
    changed since its last build is not rebuilt (outputs/cache.py); ``use_cache=False`` clears the
    cache first. Variants are built side by side in ``jobs`` processes (default: as many as the
    cores and the free memory allow). Returns the failures.
    """
    outputs = outputs_table() if outputs is None else outputs
    chosen = [o.name for o in in_order(only, outputs)]
    if not use_cache:
        cache.clear(out)
    failures: list[str] = []
    todo = []
    for variant in variants:  # a variant with nothing to rebuild needs no process of its own
        if _unchanged(variant, out, chosen, outputs):
            log.write("".join(f"unchanged {variant.id} {name}\n" for name in chosen))
        else:
            todo.append(variant)
    workers = variant_workers(todo, jobs)
    if workers > 1 and _picklable(outputs):
        failures += _build_parallel(todo, out, chosen, log, outputs, workers)
    else:
        for variant in todo:
            failures += build_variant(variant, out, chosen, log, outputs)
    if todo:  # pieces not used for a month go when something was built (nothing to do: nothing to sweep)
        cache.Pieces(out / ".cache").prune()
    if failures:
        log.write(f"{len(failures)} of the builds failed: {', '.join(failures)}\n")
    return failures


# ---- one variant, with the build cache ----------------------------------------------------

def _unchanged(variant: ResolvedVariant, out: Path, names: list[str], outputs: tuple[Output, ...]) -> bool:
    table = by_name(outputs)
    for name in names:
        output = table[name]
        final = out / variant.id / output.folder
        inputs = {dep: out / variant.id / table[dep].folder for dep in output.needs}
        if not final.exists() or cache.stored_key(out, variant.id, name) != cache.output_key(output, variant, inputs, out):
            return False
    return True


def build_variant(variant: ResolvedVariant, out: Path, names: list[str], log: TextIO,
                  outputs: tuple[Output, ...] | None = None) -> list[str]:
    """The outputs ``names`` (in that order) of one variant; unchanged ones are kept as they are."""
    outputs = outputs_table() if outputs is None else outputs
    failures: list[str] = []
    table = by_name(outputs)
    store = cache.Pieces(out / ".cache")
    for name in names:
        output = table[name]
        started = time.perf_counter()
        final = out / variant.id / output.folder
        inputs = {dep: out / variant.id / table[dep].folder for dep in output.needs}
        key = cache.output_key(output, variant, inputs, out)
        if final.exists() and cache.stored_key(out, variant.id, name) == key:
            log.write(f"unchanged {variant.id} {name}\n")
            continue
        had_output = final.exists()
        cache.forget_key(out, variant.id, name)  # from here on the old key no longer describes the folder
        try:
            with cache.using(store):
                build_output(variant, name, out, log, outputs)
        except BuildError as exc:
            failures.append(f"{variant.id} {name}")
            log.write(f"FAILED {variant.id} {name}: {exc.message}\n")
            if exc.hint:
                log.write(f"    hint: {exc.hint}\n")
            log.write("    the last good output was kept\n" if had_output else "    there was no earlier output to keep\n")
            continue
        cache.remember_key(out, variant.id, name, key)
        where = final.relative_to(out.parent) if final.is_relative_to(out.parent) else final
        log.write(f"built {variant.id} {name} → {where} ({time.perf_counter() - started:.1f} s)\n")
    return failures


# ---- variants side by side -------------------------------------------------------------------

MEMORY_BASE_MB = 400  # one build process, before the content (measured: docs/performance.md)
MEMORY_PER_MODULE_MB = 10


def _available_memory_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def variant_workers(variants: list[ResolvedVariant], jobs: int | None = None) -> int:
    """How many variants to build at once: ``jobs`` if given, else the cores, fewer when memory is short."""
    if len(variants) < 2:
        return 1
    if jobs is not None:
        return max(1, min(jobs, len(variants)))
    from manualkit.outputs.pdf.build import available_cores

    workers = min(available_cores(), len(variants))
    free = _available_memory_mb()
    if free is not None:
        modules = max(len(rm.modules()) for rm in variants[0].manuals.values()) if variants[0].manuals else 0
        workers = min(workers, max(1, free // (MEMORY_BASE_MB + MEMORY_PER_MODULE_MB * modules)))
    return max(1, workers)


def _picklable(outputs: tuple[Output, ...]) -> bool:
    import pickle

    try:
        pickle.dumps(outputs)
    except Exception:  # noqa: BLE001 - e.g. a test's own lambda: build those variants one by one
        return False
    return True


def _variant_job(variant: ResolvedVariant, out: Path, names: list[str], outputs: tuple[Output, ...],
                 cores: int) -> tuple[str, str, list[str]]:
    import io
    import os

    os.environ["MANUALKIT_CORES"] = str(cores)  # the PDF output's pandoc runs share this process's part
    log = io.StringIO()
    try:
        failures = build_variant(variant, out, names, log, outputs)
    except Exception as exc:  # noqa: BLE001 - one variant's bug must not hide the others' results
        log.write(f"FAILED {variant.id}: internal error ({type(exc).__name__}: {exc})\n")
        failures = [f"{variant.id} {n}" for n in names]
    return variant.id, log.getvalue(), failures


def _build_parallel(variants: list[ResolvedVariant], out: Path, names: list[str], log: TextIO,
                    outputs: tuple[Output, ...], workers: int) -> list[str]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from manualkit.outputs.pdf.build import available_cores

    cores = max(1, available_cores() // workers)
    interactive = hasattr(log, "isatty") and log.isatty()
    log.write(f"building {len(variants)} variants, {workers} at a time\n")
    failures: list[str] = []
    waiting = [v.id for v in variants]
    done = 0
    # spawn, not fork: a process forked while another thread holds a lock (a pandoc pool, a log
    # handler) can wait for that lock for ever; the variant travels pickled (about 30 ms)
    context = multiprocessing.get_context("spawn")
    # one process per variant: what one variant's build holds (Typst's compiler, mkdocs' caches)
    # is given back before the next one starts, so memory does not add up over many municipalities
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, max_tasks_per_child=1) as pool:
        jobs = [pool.submit(_variant_job, v, out, names, outputs, cores) for v in variants]
        if interactive:
            log.write(f"\r[0/{len(variants)}] building …")
            log.flush()
        for job in as_completed(jobs):
            vid, text, failed = job.result()
            done += 1
            waiting.remove(vid)
            if interactive:
                log.write("\r\033[K")  # clear the progress line, then the variant's own lines
            log.write(text)
            failures += failed
            if interactive and waiting:
                log.write(f"[{done}/{len(variants)}] building {', '.join(waiting[:4])}{' …' if len(waiting) > 4 else ''}")
            log.flush()
    return failures
