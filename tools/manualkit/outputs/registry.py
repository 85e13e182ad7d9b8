"""Every output of the toolkit, in one table.

An output reads one :class:`~manualkit.core.resolved.ResolvedVariant` and writes files into the
folder it is given (a fresh temporary folder: the runner moves it to build/<variant>/<folder>
only when ``render`` returned). What it needs from other outputs is declared in ``needs``; the
runner builds those first and hands their folders over in ``inputs``. ``manual build``,
``--only``, ``serve`` and the docs read this table; adding an output is one module with a
``render`` function plus one line below.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Protocol, TextIO

if TYPE_CHECKING:  # the table is read by the command line's help: no loader imported for it
    from manualkit.core.resolved import ResolvedVariant


class Render(Protocol):
    def __call__(self, variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None: ...


@dataclass(frozen=True)
class Output:
    name: str  # what `manual build --only NAME` takes
    description: str  # one line, shown by `manual build --list` and in docs/architecture.md
    folder: str  # under build/<variant>/
    render: Render | Callable[..., None]
    needs: tuple[str, ...] = ()  # outputs whose folders this one reads (built first)
    # what the output is made of, as a string that changes when its input changes (default: the
    # whole resolved variant and the files it can copy; see outputs/cache.py)
    fingerprint: Callable[[ResolvedVariant], str] | None = None


def _pdf(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    from manualkit.outputs.pdf.build import render
    render(variant, out_dir, log, inputs)


def _dated(variant: ResolvedVariant) -> str:
    """The variant, and the date its PDFs print (the release's, else the last commit's; outputs/dates.py)."""
    from manualkit.outputs.cache import digest, variant_fingerprint
    from manualkit.outputs.dates import variant_timestamp

    return digest(variant_fingerprint(variant), variant_timestamp(variant))


def _site(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    from manualkit.outputs.site.build import render
    render(variant, out_dir, log, inputs)


def _render_report(module: str, variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    import importlib
    importlib.import_module(module).render(variant, out_dir, log, inputs)


def _report(module: str) -> Render:
    """A research report (outputs/reports/<name>.py) rendered into build/<variant>/reports/<name>.

    A partial of a module-level function, not a closure: the table travels pickled to the
    processes that build variants side by side (outputs/runner.py)."""
    return partial(_render_report, module)


def outputs_table() -> tuple[Output, ...]:
    """Every output: the PDFs, the site, and one per line of the table of reports (core/reports.py).

    Built from the table of reports when called, so a report added there is built, and the site
    (which links the reports) needs it."""
    from manualkit.core import reports as report_table

    reports = report_table.reports()
    return (
        Output("pdf", "print PDFs: the book, a guide per session, an A4 sheet per handout, per language", "pdf", _pdf,
               fingerprint=_dated),
        Output("site", "the bilingual website (mkdocs-material), with links to the PDFs and reports", "site", _site,
               needs=("pdf", *(r.name for r in reports if r.linked and r.built))),
        *(Output(r.name, r.description, f"reports/{r.name}", _report(r.module_name), fingerprint=_dated if r.dated else None)
          for r in reports if r.built),
    )


OUTPUTS: tuple[Output, ...] = outputs_table()  # the table as imported; functions below read outputs_table()


def by_name(outputs: tuple[Output, ...] | None = None) -> dict[str, Output]:
    return {o.name: o for o in (outputs_table() if outputs is None else outputs)}


def in_order(names: list[str] | None = None, outputs: tuple[Output, ...] | None = None) -> list[Output]:
    """The outputs to build, each after the ones it needs (all when ``names`` is None)."""
    table = by_name(outputs)
    wanted = list(table) if names is None else names
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in path:
            raise ValueError(f"outputs need each other in a circle: {' → '.join(path + (name,))}")
        for dep in table[name].needs:
            if names is None or dep in wanted:
                visit(dep, path + (name,))
        done.append(name)

    for name in wanted:
        visit(name, ())
    return [table[n] for n in done]


__all__ = ["Output", "OUTPUTS", "outputs_table", "by_name", "in_order", "Render"]
