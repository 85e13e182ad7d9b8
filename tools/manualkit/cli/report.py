"""`manual report tidier|fidelity|dose|costs|ledger`: one research report on the terminal or in a file.

The kinds, their formats and their modules come from the one table of reports (core/reports.py).
Every report module has ``report(variant, lang, fmt)`` (text, or bytes for
PDF) and ``FORMATS``; those that compare sites also have ``cross_site(variants, lang, fmt)`` for
``--all``. ``manual build`` writes all of them through the output registry.

A municipality's report is made from the text its site and PDFs are built from: the release its
``base_version`` pins (see manualkit.release.pinned), unless ``--base current`` is given.
"""
from __future__ import annotations

import importlib
import sys
from argparse import Namespace
from pathlib import Path

from manualkit.core import reports as report_table
from manualkit.core.problems import UsageError


def kinds() -> dict[str, str]:
    """Report name -> the module that makes it, from the one table (core/reports.py)."""
    return {r.name: r.module_name for r in report_table.reports()}


def add_parser(sub) -> None:
    names = tuple(kinds())
    r = sub.add_parser("report", help="research reports: " + ", ".join(names))
    r.add_argument("kind", choices=names, metavar="KIND", help="one of: " + ", ".join(names))
    r.add_argument("--variant", default="base", help="base or a municipality id")
    r.add_argument("--lang", help="language of the report (default: the manual's default language)")
    r.add_argument("--format", help="md, csv, json, pdf or redcap (what the report offers)")
    r.add_argument("--all", action="store_true", help="one table across all variants (dose, costs, ledger)")
    r.add_argument("--output", "-o", type=Path, help="write to this file instead of the terminal")
    r.add_argument("--base", choices=("pinned", "current"), default="pinned",
                   help="a municipality's report from the release it pins (default, as manual build) or from the current manual")
    from manualkit.cli import report_delivery
    report_delivery.add_arguments(r)


def run(root: Path, args: Namespace) -> int:
    from manualkit.cli.format import print_problems
    from manualkit.cli.loading import as_built, plan_pins
    from manualkit.cli.project_cache import load_project_cached
    from manualkit.core.problems import BuildRefused
    from manualkit.core.resolved import variants_for
    from manualkit.release.state import release_info

    entry = report_table.get(args.kind)
    if entry.command:  # a report that reads data the researcher brings (e.g. delivery: REDCap exports)
        return importlib.import_module(entry.command).run(root, args)
    module = importlib.import_module(entry.module_name)
    fmt = args.format or entry.formats[0]
    if fmt not in entry.formats:
        raise UsageError(f"the {args.kind} report has no format '{fmt}'", hint="formats: " + ", ".join(entry.formats))
    if args.all and not hasattr(module, "cross_site"):
        across = [r.name for r in report_table.reports() if hasattr(importlib.import_module(r.module_name), "cross_site")]
        raise UsageError(f"the {args.kind} report has no --all", hint="--all works with: " + ", ".join(across))
    # loaded as `manual build` loads it: a municipality from the release it pins (base_version)
    current = release_info(root)
    project = load_project_cached(root, None if args.all else variants_for(args.variant), release=current)
    if project.manual is None:
        print_problems(project.problems, "text", sys.stderr)
        return 1
    names = project.variants if args.all else [args.variant]
    if not args.all:
        project.require_variant(args.variant)
    plan = plan_pins(root, project, names, getattr(args, "base", None) or "pinned", current, doing="reporting on")
    sys.stderr.write("".join(note + "\n" for note in plan.notes))
    try:
        project.gate("no report was made", ignore=plan.only_pinned(project))
    except BuildRefused as exc:
        print_problems(exc.shown, "text", sys.stderr)
        raise
    lang = args.lang or project.manual.default_language
    with as_built(root, project, plan, "no report was made") as resolved:
        if args.all:
            variants = [resolved[v] for v in names]
            if lang not in project.manual.languages:
                raise UsageError(f"the manual has no language '{lang}'", hint="languages: " + ", ".join(project.manual.languages))
            text = module.cross_site(variants, lang, fmt)
            name = f"{args.kind}-all.{lang}.{_ext(fmt)}"
        else:
            variant = resolved[args.variant]
            if lang not in variant.languages:
                raise UsageError(f"variant '{variant.id}' has no language '{lang}'", hint="languages: " + ", ".join(variant.languages))
            text = module.report(variant, lang, fmt)
            name = f"{args.kind}.{lang}.{_ext(fmt)}"
    if args.output is None and isinstance(text, bytes):
        args.output = root / "build" / (args.variant if not args.all else "all") / "reports" / args.kind / name
    if args.output is None:
        sys.stdout.write(text)
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        args.output.write_bytes(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    shown = args.output.relative_to(root) if args.output.is_relative_to(root) else args.output
    sys.stdout.write(f"wrote {shown}\n")
    return 0


def _ext(fmt: str) -> str:
    return {"redcap": "csv"}.get(fmt, fmt)


__all__ = ["add_parser", "run", "kinds"]
