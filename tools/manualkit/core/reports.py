"""Every research report of the toolkit, in one table.

A report is a module (by default ``manualkit.outputs.reports.<name>``) with ``render(variant,
out_dir, log, inputs)`` for ``manual build``, ``report(variant, lang, fmt)`` for ``manual
report`` and, when it compares sites, ``cross_site(variants, lang, fmt)`` for ``--all``. One
:class:`Report` line below makes it an output of the build (outputs/registry.py), a kind of
``manual report`` (cli/report.py), a link on the site's "For researchers" page
(core/research.py, outputs/reports/site_files.py) and the title the report prints
(outputs/reports/common.py). Everything reads :data:`REPORTS` when it runs, not when it is
imported, so a test can add a line.

Pure data: core/ may hold it, and the command line's help reads it without loading anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Report:
    name: str  # `manual report NAME`, `manual build --only NAME`, build/<variant>/reports/NAME/
    labels: Mapping[str, str]  # language -> the report's title (the link text on the research page)
    formats: tuple[str, ...]  # what `manual report --format` takes; the first is the default
    description: str  # one line for `manual build --help` and docs/architecture.md
    linked: bool = True  # the site copies its files and links them from the "For researchers" page
    dated: bool = False  # prints the release's date (its build cache key includes the date)
    module: str = ""  # the module that makes it (default manualkit.outputs.reports.<name>)
    built: bool = True  # made by `manual build`; False: made only by `manual report` from data a researcher brings
    command: str = ""  # a module with its own `run(root, args)` for `manual report NAME` (reports that read data)

    @property
    def module_name(self) -> str:
        return self.module or f"manualkit.outputs.reports.{self.name}"

    def label(self, lang: str) -> str:
        """The title in ``lang`` (nn reads nb; a language without one reads en)."""
        return self.labels.get(lang) or self.labels.get("nb" if lang == "nn" else "en") or self.labels.get("en") or self.name


REPORTS: tuple[Report, ...] = (
    Report("tidier", {"nb": "TIDieR-beskrivelse (12 punkter)", "en": "TIDieR description (12 items)"},
           ("md", "json", "pdf"), "TIDieR description (12 items) per language: md, json, pdf", dated=True),
    Report("fidelity", {"nb": "Sjekklister for programtro og REDCap-dataordbok", "en": "Fidelity checklists and REDCap data dictionary"},
           ("md", "redcap", "pdf", "json"), "fidelity checklists (A4 PDF), REDCap data dictionary and codebook", dated=True),
    Report("dose", {"nb": "Planlagt dose per familie", "en": "Planned dose per family"},
           ("md", "csv", "json", "svg"), "planned dose per family, with the difference from base: md, csv, json, svg (chart)"),
    Report("costs", {"nb": "Planlagt ressursbruk og kostnadsgrunnlag", "en": "Planned resource use and cost inputs"},
           ("md", "csv", "json"), "planned resource use and cost inputs: md, csv, json"),
    Report("ledger", {"nb": "FRAME-logg over lokale tilpasninger", "en": "FRAME ledger of local adaptations"},
           ("md", "csv", "json"), "the complete FRAME ledger of the variant's adaptations: md, csv, json"),
    Report("delivery", {"nb": "Levert mot planlagt (fra REDCap-eksporter)", "en": "Delivered against planned (from REDCap exports)"},
           ("md", "csv", "json", "pdf", "svg", "redcap"), "delivered against planned, from REDCap exports (manual report delivery only)",
           linked=False, built=False, command="manualkit.cli.report_delivery"),
)


def reports() -> tuple[Report, ...]:
    """The table as it is now (read at call time, so that a test may add a line)."""
    return REPORTS


def names() -> tuple[str, ...]:
    return tuple(r.name for r in REPORTS)


def get(name: str) -> Report:
    for r in REPORTS:
        if r.name == name:
            return r
    raise KeyError(name)


__all__ = ["Report", "REPORTS", "reports", "names", "get"]
