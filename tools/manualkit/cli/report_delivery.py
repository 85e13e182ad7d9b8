"""`manual report delivery --from EXPORT.csv [--from VISITLOG.csv]`: delivered against planned.

Reads REDCap CSV exports (personal data) and writes only aggregated figures. It refuses an export
that git tracks in the repository, never writes the input's path anywhere, and keeps ``/exports/``
in the repository's .gitignore so exports put there stay out of git. ``--demo DIR`` writes a
synthetic export (seeded, made from the data dictionary, with under-delivery at one site).
"""
from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from manualkit.core.problems import UsageError, make

IGNORE_LINE = "/exports/"
DEMO_SEED = 2026


def add_arguments(r) -> None:
    r.add_argument("--from", dest="sources", action="append", default=[], metavar="[SITE=]EXPORT.csv",
                   help="delivery: a REDCap CSV export (fidelity records or the visit log); repeat for more files, "
                        "prefix with the site (lillehammer=FILE) for --all")
    r.add_argument("--demo", type=Path, metavar="DIR", help="delivery: write a synthetic export into DIR (no real person)")


def ensure_ignored(root: Path) -> str | None:
    """Add /exports/ to the repository's .gitignore; the sentence to tell, or None when already there."""
    gi = root / ".gitignore"
    text = gi.read_text(encoding="utf-8") if gi.exists() else ""
    if IGNORE_LINE in text.splitlines():
        return None
    gi.write_text(text + ("" if not text or text.endswith("\n") else "\n") + IGNORE_LINE + "\n", encoding="utf-8")
    return f"added the line {IGNORE_LINE} to .gitignore: keep REDCap exports in exports/ (or outside the repository)"


def _tracked(root: Path, path: Path) -> bool:
    from manualkit.release import git
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return git.is_repo(root) and git.ok(root, "ls-files", "--error-unmatch", "--", rel.as_posix())


def run(root: Path, args: Namespace) -> int:
    from manualkit.cli.format import print_problems
    from manualkit.core.project import load_project
    from manualkit.core.resolved import variants_for
    from manualkit.outputs.reports import delivery

    fmt = args.format or "md"
    if fmt not in delivery.FORMATS:
        raise UsageError(f"the delivery report has no format '{fmt}'", hint="formats: " + ", ".join(delivery.FORMATS))
    if fmt == "redcap":  # the visit log's data dictionary, to set the instrument up in REDCap
        from manualkit.outputs.reports.delivery import visit_log_redcap
        text = visit_log_redcap()
        if args.output is None:
            sys.stdout.write(text)
        else:
            args.output.write_text(text, encoding="utf-8")
        return 0
    if not args.sources and args.demo is None:
        raise UsageError("the delivery report reads REDCap exports",
                         hint="give them with --from EXPORT.csv (and --from VISITLOG.csv), or make a synthetic one with --demo DIR")
    from manualkit.release.state import last_commit_time

    project = load_project(root, None if args.all else variants_for(args.variant), commit_time=last_commit_time(root))
    if project.manual is None:
        print_problems(project.problems, "text", sys.stderr)
        return 1
    project.gate("no report was made")
    lang = args.lang or project.manual.default_language
    told = ensure_ignored(root)
    if told:
        sys.stderr.write(f"manual: {told}\n")
    if args.demo is not None:
        return _demo(root, project, args, lang)
    by_site: dict[str, list[tuple[str, str]]] = {}
    problems = []
    for src in args.sources:
        site, _, file = src.rpartition("=") if "=" in src and not Path(src).exists() else ("", "", src)
        site = site or (args.variant if not args.all else "")
        path = Path(file).expanduser()
        name = path.name
        if not path.is_file():
            raise UsageError(f"there is no export file {name}", hint="give the path of the CSV file REDCap exported")
        if args.all and site not in project.variants:
            raise UsageError(f"with --all, say which site {name} is from", hint="write --from SITE=FILE, SITE one of: " + ", ".join(project.variants))
        if _tracked(root, path):
            problems.append(make("E1407", name, 0, 0, file=name))
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            problems.append(make("E1408", name, 0, 0, file=name, hint="save the export as UTF-8 (REDCap's default)"))
            continue
        by_site.setdefault(site, []).append((name, text))
    sites = []
    for site, files in by_site.items():
        variant = project.resolved(site)
        if lang not in variant.languages:
            raise UsageError(f"variant '{variant.id}' has no language '{lang}'", hint="languages: " + ", ".join(variant.languages))
        exports, found = delivery.read(variant, lang, files, site)
        problems += found
        sites.append((variant, exports))
    if problems:
        return _refuse(problems, "no report was made; nothing was written")
    figures = [delivery.figures(v, lang, ex, v.id) for v, ex in sites]
    if args.all and len(figures) > 1:
        from manualkit.core.delivery import pool
        figures.append(pool(figures, "all"))
    main = project.resolved(args.variant) if not args.all else project.resolved("base")
    text = delivery.render_text(main, lang, figures, fmt)
    out = args.output
    if out is None and isinstance(text, bytes):
        raise UsageError("a PDF is not written to the terminal", hint="give a file with -o, e.g. -o delivery.pdf")
    if out is None:
        sys.stdout.write(text)
        return 0
    if any(Path(s.rpartition("=")[2]).resolve() == out.resolve() for s in args.sources):
        raise UsageError("the report would overwrite an export", hint="write the report to another file with -o")
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        out.write_bytes(text)
    else:
        out.write_text(text, encoding="utf-8")
    shown = out.resolve().relative_to(root.resolve()) if out.resolve().is_relative_to(root.resolve()) else out.name
    sys.stdout.write(f"wrote {shown}\n")
    return 0


def _refuse(problems, what: str) -> int:
    from manualkit.cli.format import print_problems
    print_problems(problems, "text", sys.stderr)
    sys.stderr.write(f"manual: {what}\n")
    return 1


def _demo(root: Path, project, args: Namespace, lang: str) -> int:
    from manualkit.outputs.reports.delivery_demo import demo_exports
    from manualkit.outputs.reports import delivery

    folder = args.demo
    build = (root / "build").resolve()
    if folder.resolve() == build or folder.resolve().is_relative_to(build):
        return _refuse([make("E1410", folder.name, 0, 0,
                             what="an export (even a synthetic one) is row-level data and is never written into build/",
                             how="write it under exports/ (ignored by git) or outside the repository")], "nothing was written")
    names = list(project.variants) if args.all else [args.variant]
    under = names[1] if len(names) > 1 else ""
    folder.mkdir(parents=True, exist_ok=True)
    for k, site in enumerate(names):
        variant = project.resolved(site)
        plans = variant.sessions.get(lang) or next(iter(variant.sessions.values()), ())
        fid, log = demo_exports(delivery.dictionary(variant, lang), variant.model, plans, seed=DEMO_SEED + k,
                                under=site == under, prefix=f"{chr(65 + k)}")
        (folder / f"{site}-fidelity.csv").write_text(fid, encoding="utf-8")
        (folder / f"{site}-visits.csv").write_text(log, encoding="utf-8")
        sys.stdout.write(f"wrote {site}-fidelity.csv and {site}-visits.csv (synthetic{', under-delivery built in' if site == under else ''})\n")
    return 0


__all__ = ["add_arguments", "run", "ensure_ignored", "IGNORE_LINE"]
