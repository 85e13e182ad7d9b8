"""`manual docx`: a Word round for reviewers.

    manual docx --module ID | --part ID | --book [--variant X] [--lang L] [--out PATH]
    manual docx import FILE.docx [--apply] [--out PATCH] [--start-translation]

The export writes one DOCX per language (all languages of the variant unless --lang) under
build/<variant>/docx/. The import prints a proposal: a unified diff per source file on stdout
(or into --out), and the reviewer's comments and everything it could not apply on stderr, each
with file:line. Only --apply changes the working tree. Edits of a module shown in another language
(no translation yet) are refused, unless --start-translation makes them the start of its translation.
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
    d.add_argument("--start-translation", action="store_true",
                   help="with import: edits of a module shown in another language (it has no translation yet) start "
                        "its translation, a new <id>.<lang>.md (never over an existing file)")


def run(root: Path, args: Namespace) -> int:
    if args.action == "import":
        if args.file is None:
            raise UsageError("import needs the reviewed .docx file", hint="manual docx import review.docx")
        if args.module or args.part or args.book:
            raise UsageError("import takes no --module, --part or --book", hint="the file says what it was made from")
        return _import(root, args)
    if args.action is not None:
        raise UsageError(f"unknown action '{args.action}'", hint="manual docx --module ID, or manual docx import FILE.docx")
    if args.apply or args.start_translation:
        option = "--apply" if args.apply else "--start-translation"
        raise UsageError(f"{option} belongs to import", hint=f"manual docx import FILE.docx {option}")
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
        for line in _fallback_lines(sel, lang):
            OUT.write(line + "\n")
    return 0


def _fallback_lines(sel, lang: str) -> list[str]:
    """The modules of an export that have no text in ``lang``, by the language they are shown in
    (the document says so under each one's title)."""
    shown: dict[str, list[str]] = {}
    for mod in sel.modules:
        if mod.fallback and mod.text_lang != lang:
            shown.setdefault(mod.text_lang, []).append(mod.id)
    out = []
    for text_lang, ids in shown.items():
        many = len(ids) != 1
        out.append(f"  {len(ids)} module{'s' if many else ''} {'have' if many else 'has'} no {lang} text and "
                   f"{'are' if many else 'is'} in {text_lang} (the document says so under {'each' if many else 'its'} "
                   f"title): {', '.join(ids)}")
    return out


def _import(root: Path, args: Namespace) -> int:
    OUT = sys.stdout
    from manualkit.core.controls import visible
    from manualkit.editing.review import import_review

    result = import_review(root, args.file, start_translation=args.start_translation)
    if args.out is not None:
        args.out.write_text(result.diff, encoding="utf-8")
        OUT.write(f"wrote the proposal to {args.out}\n")
    else:
        OUT.write(visible(result.diff))  # a reviewer's text never reaches the terminal with its control characters
    for line in result.notes():
        sys.stderr.write(visible(line) + "\n")
    if args.apply:
        for path in result.apply(root):
            if path in result.created:
                sys.stderr.write(f"created {path} (a translation to finish)\n")
            else:
                sys.stderr.write(f"applied the proposal to {path}\n")
    return 1 if result.refused else 0


__all__ = ["add_parser", "run"]
