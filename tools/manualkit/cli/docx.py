"""`manual docx`: a Word round for reviewers.

    manual docx --module ID | --part ID | --book [--variant X] [--lang L] [--out PATH]
    manual docx import FILE.docx [--apply] [--out PATCH]

The export writes one DOCX per language (all languages of the variant unless --lang) under
build/<variant>/docx/. The import prints a proposal: a unified diff per source file on stdout
(or into --out), and the reviewer's comments and everything it could not apply on stderr, each
with file:line. Only --apply changes the working tree.
"""
from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from manualkit.core.problems import UsageError


def add_parser(sub) -> None:
    d = sub.add_parser("docx", help="export chapters to Word for reviewers; import their tracked changes and comments")
    d.add_argument("action", nargs="?", help="'import' to read a reviewed DOCX back")
    d.add_argument("file", nargs="?", type=Path, help="with import: the reviewed .docx file")
    g = d.add_mutually_exclusive_group()
    g.add_argument("--module", help="export one module")
    g.add_argument("--part", help="export every module of one part")
    g.add_argument("--book", action="store_true", help="export the whole manual")
    d.add_argument("--variant", default="base")
    d.add_argument("--lang", help="only this language (default: every language of the variant)")
    d.add_argument("--out", type=Path, help="export: a .docx file or a folder; import: write the diff to this file")
    d.add_argument("--apply", action="store_true", help="with import: apply the changes that apply cleanly to the working tree")


def run(root: Path, args: Namespace) -> int:
    if args.action == "import":
        if args.file is None:
            raise UsageError("import needs the reviewed .docx file", hint="manual docx import review.docx")
        if args.module or args.part or args.book:
            raise UsageError("import takes no --module, --part or --book", hint="the file says what it was made from")
        return _import(root, args)
    if args.action is not None:
        raise UsageError(f"unknown action '{args.action}'", hint="manual docx --module ID, or manual docx import FILE.docx")
    if args.apply:
        raise UsageError("--apply belongs to import", hint="manual docx import FILE.docx --apply")
    if not (args.module or args.part or args.book):
        raise UsageError("say what to export", hint="manual docx --module ID | --part ID | --book")
    return _export(root, args)


def _export(root: Path, args: Namespace) -> int:
    from manualkit.cli.loading import load_buildable
    OUT = sys.stdout
    from manualkit.core.resolved import variants_for
    from manualkit.outputs.docx.export import export, select

    project = load_buildable(root, variants_for(args.variant), variant=args.variant, what="no DOCX was written")
    variant = project.resolutions[args.variant]
    langs = [args.lang] if args.lang else list(variant.manuals)
    for lang in langs:
        if lang not in variant.manuals:
            raise UsageError(f"variant {args.variant} has no language '{lang}'", hint="languages: " + ", ".join(variant.manuals))
    if args.out is not None and args.out.suffix == ".docx" and len(langs) > 1:
        raise UsageError("--out names one file, but there is one DOCX per language",
                         hint="add --lang, or give a folder for --out")
    for lang in langs:
        sel = select(variant, lang, module=args.module, part=args.part)
        if args.out is not None and args.out.suffix == ".docx":
            path = args.out
        else:
            folder = args.out if args.out is not None else root / "build" / variant.id / "docx"
            path = folder / f"{sel.name}.{lang}.docx"
        path = export(variant, lang, sel, path.resolve())
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        OUT.write(f"wrote {shown} ({len(sel.modules)} module{'' if len(sel.modules) == 1 else 's'}, {lang})\n")
    return 0


def _import(root: Path, args: Namespace) -> int:
    OUT = sys.stdout
    from manualkit.core.controls import visible
    from manualkit.editing.review import import_review

    result = import_review(root, args.file)
    if args.out is not None:
        args.out.write_text(result.diff, encoding="utf-8")
        OUT.write(f"wrote the proposal to {args.out}\n")
    else:
        OUT.write(visible(result.diff))  # a reviewer's text never reaches the terminal with its control characters
    for line in result.notes():
        sys.stderr.write(visible(line) + "\n")
    if args.apply:
        for path in result.apply(root):
            sys.stderr.write(f"applied the proposal to {path}\n")
    return 1 if result.refused else 0


__all__ = ["add_parser", "run"]
