"""The commands behind the CLI. Each returns an exit code; output goes to stdout/stderr."""
from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path
from typing import Callable

from manualkit.cli import publish, release
from manualkit.cli.format import print_problems
from manualkit.core.problems import UsageError
from manualkit.cli.loading import _variants, load_buildable
from manualkit.core.variants import BASE, variants_for

OUT = sys.stdout


def load_project(root: Path, variants: list[str] | None = None, **kw):
    """The loader, imported when a command needs it (`manual check` answered from the cache does not)."""
    from manualkit.core.project import load_project as load

    return load(root, variants, **kw)


def cmd_check(root: Path, args: Namespace) -> int:
    from manualkit.cli.project_cache import checked

    result = checked(root, None if not args.variant else variants_for(args.variant))
    if args.variant and result.loaded and args.variant not in result.broken:
        result.require_variant(args.variant)  # an unknown name; a broken variant's problems are listed below
    print_problems(list(result.problems), args.format, OUT, group=not args.verbose)
    return 1 if [p for p in result.problems if p.is_error or args.strict] else 0


def cmd_build(root: Path, args: Namespace) -> int:
    from manualkit.cli.build import run  # municipalities are built from the release they pin

    return run(root, args)


def cmd_serve(root: Path, args: Namespace) -> int:
    from manualkit.cli.serve import serve

    return serve(root, args.variant, args.lang, args.port)


def cmd_pdf(root: Path, args: Namespace) -> int:
    project = load_buildable(root, variants_for(args.variant), variant=args.variant)
    from manualkit.outputs.pdf.build import build_one

    lang = args.lang or project.resolutions[args.variant].default_language
    if lang not in project.resolutions[args.variant].manuals:
        raise UsageError(f"variant {args.variant} has no language '{lang}'",
                         hint="languages: " + ", ".join(project.resolutions[args.variant].manuals))
    if getattr(args, "with_handout", False) and not args.session:
        raise UsageError("--with-handout goes with --session", hint="for example: manual pdf --session 3 --with-handout")
    path = build_one(project.resolutions[args.variant], lang, root / "build", book=args.book, session=args.session,
                     handout=args.handout, with_handout=getattr(args, "with_handout", False))
    OUT.write(f"wrote {path.relative_to(root)}\n")
    return 0


def cmd_a11y(root: Path, args: Namespace) -> int:
    from manualkit.a11y.run import run_a11y

    return run_a11y(root, args.variant, OUT)


def cmd_status(root: Path, args: Namespace) -> int:
    from manualkit.cli.status import status_rows, status_table
    import json

    project = load_project(root, [BASE])
    if project.manual is None:
        print_problems(project.problems, "text", sys.stderr)
        return 1
    rows = status_rows(project.manual)
    if args.format == "json":
        OUT.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        OUT.write(status_table(project.manual, rows) + "\n")
        from manualkit.release.status import pinned_lines
        OUT.write("".join(line + "\n" for line in pinned_lines(root, project.adaptations)))
    return 0


def cmd_translations(root: Path, args: Namespace) -> int:
    from manualkit.editing.lines import set_translation_hash

    project = load_project(root, [BASE])
    manual = project.manual
    if manual is None:
        print_problems(project.problems, "text", sys.stderr)
        return 1
    if args.lang not in manual.languages:
        raise UsageError(f"'{args.lang}' is not a language of the manual", hint="languages: " + ", ".join(manual.languages))
    if args.module == "all":
        targets = [mod for mod in manual.ordered_modules() if args.lang in mod.files and not mod.files[args.lang].is_source]
    else:
        mod = manual.modules.get(args.module)
        if mod is None:
            from manualkit.core.schema import suggest
            raise UsageError(f"there is no module '{args.module}'", hint=suggest(args.module, list(manual.modules)) or "see manual/manual.yml")
        f = mod.files.get(args.lang)
        if f is None:
            raise UsageError(f"module '{mod.id}' has no {args.lang} file", hint=f"create it first: manual/{mod.part}/{mod.id}.{args.lang}.md")
        if f.is_source:
            raise UsageError(f"{f.path} is the source, not a translation", hint="mark the translations into other languages")
        targets = [mod]
    from manualkit.editing.translations import write_snapshot

    changed = 0
    for mod in targets:
        f = mod.files[args.lang]
        stored = write_snapshot(root, mod.id, args.lang, mod.source.body_text)
        if set_translation_hash(root / f.path, mod.source.hash) or stored:
            changed += 1
            OUT.write(f"marked {f.path} as up to date with {mod.source.path} ({mod.source.hash})\n")
    if not changed:
        OUT.write("nothing to change: the translations already record the current source\n")
    return 0


def cmd_new(root: Path, args: Namespace) -> int:
    from manualkit.editing.scaffold import new_module, new_municipality

    if args.kind == "module":
        lines = new_module(root, args.id, args.part, args.type, titles=args.title, after=args.after, component=args.component)
    elif args.kind == "language":
        from manualkit.editing.language import new_language
        lines = new_language(root, args.id)
    else:
        lines = [f"created {p}" for p in new_municipality(root, args.id, args.name)]
    for line in lines:
        OUT.write(line + "\n")
    return 0


def cmd_diff(root: Path, args: Namespace) -> int:
    from manualkit.cli.adaptations import diff_variants

    project = load_buildable(root, list(dict.fromkeys([BASE, args.base, args.variant])))
    _variants(project, args.base)
    _variants(project, args.variant)
    lang = args.lang or project.manual.default_language
    OUT.write(diff_variants(project, args.base, args.variant, lang))
    return 0


def cmd_adaptations(root: Path, args: Namespace) -> int:
    from manualkit.cli import adaptations as reports

    if args.variant == "accept":
        if len(args.rest) != 2:
            raise UsageError("accept needs a variant and a change id", hint="manual adaptations accept lillehammer local-contacts")
        from manualkit.editing.accept import accept

        return accept(root, args.rest[0], args.rest[1], OUT)
    from manualkit.core.resolved import variants_for
    project = load_project(root, None if args.all or not args.variant else variants_for(args.variant))
    if project.manual is None:
        print_problems(project.problems, "text", sys.stderr)
        return 1
    lang = args.lang or project.manual.default_language
    if args.all:
        OUT.write(reports.matrix(project, lang, args.format))
        return 0
    if not args.variant:
        raise UsageError("name a municipality, or use --all", hint="variants: " + ", ".join(a.id for a in project.adaptations))
    _variants(project, args.variant)
    if args.variant == BASE:
        raise UsageError("the base manual has no adaptations", hint="name a municipality")
    OUT.write(reports.ledger(project, args.variant, lang, args.format))
    return 0


def _docx_run(root: Path, args: Namespace) -> int:
    from manualkit.cli.docx import run  # the Word round lives in its own module (imported only when used)

    return run(root, args)


__all__ = ["COMMANDS", "load_project"]


def _module_command(name: str, root: Path, args: Namespace) -> int:
    import importlib

    return importlib.import_module(f"manualkit.cli.{name}").run(root, args)


# The command table: `manual NAME` runs COMMANDS[NAME]. A command in a module of its own
# (cli/<name>.py with add_parser(sub) and run(root, args)) adds one line here and one call to
# its add_parser in main.build_parser.
COMMANDS: dict[str, Callable[[Path, Namespace], int]] = {
    "check": cmd_check, "build": cmd_build, "serve": cmd_serve, "pdf": cmd_pdf, "a11y": cmd_a11y,
    "status": cmd_status, "translations": cmd_translations, "new": cmd_new, "diff": cmd_diff,
    "adaptations": cmd_adaptations,
    "docx": _docx_run,
    "report": lambda root, args: __import__("manualkit.cli.report", fromlist=["run"]).run(root, args),
    "schemas": lambda root, args: _module_command("schemas", root, args),
    "editor": lambda root, args: _module_command("editor", root, args),
    "fmt": lambda root, args: _module_command("fmt", root, args),
    "release": release.run, "publish": publish.run,
}
