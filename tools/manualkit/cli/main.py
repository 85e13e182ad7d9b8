"""The `manual` command. One exception handler; exit 0 ok, 1 problems found, 2 usage error.

Renderers are imported only by the commands that need them, so `manual check` starts fast.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from manualkit.core.problems import ManualkitError, UsageError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit itself; we want one handler
        raise UsageError(message, hint=f"see: {self.prog} --help")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="manual", description="Check, adapt and publish the Family Partner manual.")
    p.add_argument("--root", type=Path, help="the manual's repository (default: found from the current folder)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    c = sub.add_parser("check", help="check the manual and every municipality's version")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--variant", help="check only the base manual and this variant")
    c.add_argument("--verbose", action="store_true",
                   help="list every missing translation; without it, many of one language are one line")

    b = sub.add_parser("build", help="build sites and PDFs into build/")
    b.add_argument("--variant", help="build only this variant (base or a municipality id)")
    from manualkit.outputs.registry import outputs_table

    names = tuple(o.name for o in outputs_table())
    b.add_argument("--only", action="append", choices=names, metavar="OUTPUT",
                   help="build only this output (repeatable): " + ", ".join(names))
    from manualkit.cli import build as build_cmd
    build_cmd.add_arguments(b)
    b.add_argument("--no-cache", action="store_true", help="clear the build cache and rebuild everything")
    b.add_argument("--jobs", type=int, metavar="N", help="variants built at once (default: cores and memory allow)")

    s = sub.add_parser("serve", help="live preview of one variant")
    s.add_argument("--variant", default="base")
    s.add_argument("--lang", help="language to open first")
    s.add_argument("--port", type=int, default=8000)

    st = sub.add_parser("status", help="review and translation status of every module")
    st.add_argument("--format", choices=("text", "json"), default="text")

    t = sub.add_parser("translations", help="translation bookkeeping")
    tsub = t.add_subparsers(dest="action", parser_class=_Parser, metavar="ACTION", required=True)
    tm = tsub.add_parser("mark", help="record that a translation matches the current source")
    tm.add_argument("module", help="module id, or 'all' for every translation")
    tm.add_argument("lang")

    n = sub.add_parser("new", help="scaffold a module or a municipality")
    nsub = n.add_subparsers(dest="kind", parser_class=_Parser, metavar="KIND", required=True)
    nm = nsub.add_parser("module", help="a new module in every language")
    nm.add_argument("id")
    nm.add_argument("--part", help="the part it goes in (not needed with --after)")
    nm.add_argument("--after", metavar="MODULE", help="list it right after this module (default: last in its part)")
    nm.add_argument("--type", default="chapter", choices=("chapter", "session", "handout", "appendix"))
    nm.add_argument("--component", default="general",
                    choices=("home-visiting", "parent-training", "service-coordination", "general"))
    nm.add_argument("--title", action="append", metavar="TEXT",
                    help='the title in the source language; "en=Title" for another language (repeatable)')
    nl = nsub.add_parser("language", help="add a language: locales/<lang>.yml from the default one, and manual.yml")
    nl.add_argument("id", metavar="LANG", help="the language code, e.g. nn")
    nmu = nsub.add_parser("municipality", help="a new adaptation folder")
    nmu.add_argument("id")
    nmu.add_argument("--name", help="the municipality's name, e.g. 'Eksempel kommune'")

    d = sub.add_parser("diff", help="what a municipality's version changes, as a unified diff")
    d.add_argument("base", help="the variant to compare from (usually 'base')")
    d.add_argument("variant")
    d.add_argument("--lang")

    a = sub.add_parser("adaptations", help="the FRAME ledger of a municipality, or accept a reviewed change")
    a.add_argument("variant", nargs="?", help="municipality id, or 'accept'")
    a.add_argument("rest", nargs="*", help="with accept: VARIANT CHANGE")
    a.add_argument("--all", action="store_true", help="one matrix of all municipalities × changes")
    a.add_argument("--format", choices=("table", "csv", "md"), default="table")
    a.add_argument("--lang")

    pdf = sub.add_parser("pdf", help="make one PDF quickly")
    g = pdf.add_mutually_exclusive_group(required=True)
    g.add_argument("--handout", metavar="ID|N", help="a handout by id, or by its number (3 = the third)")
    g.add_argument("--session", metavar="ID|N", help="a session by id, or by its number (3 = the third session)")
    g.add_argument("--book", action="store_true")
    pdf.add_argument("--with-handout", action="store_true",
                     help="with --session: the session's pack in one PDF: the guide, its handouts and every template it links to")
    pdf.add_argument("--variant", default="base")
    pdf.add_argument("--lang")

    from manualkit.cli import docx as docx_cli

    docx_cli.add_parser(sub)

    from manualkit.cli import report
    report.add_parser(sub)

    ax = sub.add_parser("a11y", help="accessibility check of the built sites and PDFs in a real browser")
    ax.add_argument("--variant")

    from manualkit.cli import editor, fmt, schemas

    schemas.add_parser(sub)
    editor.add_parser(sub)
    fmt.add_parser(sub)

    from manualkit.cli import publish, release
    release.add_parser(sub)
    publish.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        args = build_parser().parse_args(argv)
        if not args.command:
            build_parser().print_help()
            return EXIT_USAGE
        root = _root(args.root)
        from manualkit.cli import commands

        return commands.COMMANDS[args.command](root, args)
    except UsageError as exc:
        _say(f"manual: {exc.message}", exc.hint)
        return EXIT_USAGE
    except ManualkitError as exc:
        _say(f"manual: {exc.message}", exc.hint)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # a folder or file the command was told to use cannot be read or written
        where = f" {exc.filename}" if exc.filename else ""
        _say(f"manual: cannot use{where}: {exc.strerror or exc}",
             "check that the folder exists and that you may write to it, or choose another with --out")
        return EXIT_PROBLEMS
    except Exception as exc:  # noqa: BLE001 - one short message instead of a traceback
        _say(f"manual: internal error ({type(exc).__name__}: {exc})",
             "this is a bug in the toolkit, not in your text; set MANUALKIT_DEBUG=1 for details and report it")
        if os.environ.get("MANUALKIT_DEBUG"):
            raise
        return 3


def _say(msg: str, hint: str = "") -> None:
    from manualkit.core.controls import visible  # no control character from content reaches the terminal raw

    sys.stderr.write(visible(msg) + "\n")
    if hint:
        sys.stderr.write(f"    hint: {visible(hint)}\n")


def _root(given: Path | None) -> Path:
    from manualkit.core.layout import find_root

    if given is not None:
        if not (given / "manual" / "manual.yml").is_file():
            raise UsageError(f"{given} has no manual/manual.yml", hint="give the folder that holds manual/ and adaptations/")
        return given.resolve()
    root = find_root(Path.cwd())
    if root is None:
        raise UsageError("no manual/manual.yml found here or in any parent folder",
                         hint="run the command inside the manual's repository, or pass --root")
    return root


if __name__ == "__main__":
    sys.exit(main())
