"""`manual publish VARIANT`: the gate before a version goes public, and the packager.

It refuses (exit 1) and lists every reason, each with the file and line to change, when:
the manual has errors; a contact or other variable is still a placeholder; the municipality's
adaptations are marked ``status: example`` (or ``draft``); modules are drafts (unless
--allow-draft: the pages then keep their draft banners); the last accessibility check is
missing, failed, or was made of other sources than today's; or the version has no ``site_url``.

Otherwise it builds the variant, runs the accessibility check on that build, rebuilds the site
so the accessibility statement shows this check, and writes build/publish/<variant>/ (the site,
ready to upload) and build/publish/<variant>.zip. With --check it stops after the gate.
"""
from __future__ import annotations

import shutil
import sys
from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path

from manualkit.cli.format import print_problems
from manualkit.core.problems import ManualkitError
from manualkit.core.variants import BASE, variants_for

PUBLISH = Path("build") / "publish"


def add_parser(sub) -> None:
    p = sub.add_parser("publish", help="check that a version may be published, then build, check and package it")
    p.add_argument("variant", help="base or a municipality id")
    p.add_argument("--allow-draft", action="store_true", help="publish draft modules (they keep their draft banners)")
    p.add_argument("--allow-example", action="store_true",
                   help="publish a municipality marked 'status: example' as the example it is: its pages say so, "
                        "and its placeholders stay visibly unfilled")
    p.add_argument("--check", action="store_true", help="only the gate: list the reasons, build nothing (CI uses it)")
    p.add_argument("--verbose", action="store_true", help="list every reason, also of the long groups")


MUNICIPALITY, EDITORS, PUBLISHER = "municipality", "editors", "publisher"
WHO = {MUNICIPALITY: "for the municipality", EDITORS: "for the manual's editors",
       PUBLISHER: "for whoever publishes (build and check)"}
LONG = 3  # a group of more reasons of one kind than this is one line (--verbose: all)


@dataclass(frozen=True)
class Reason:
    where: str  # path:line
    text: str
    fix: str
    who: str = EDITORS  # who must act: MUNICIPALITY, EDITORS or PUBLISHER
    kind: str = ""  # reasons of one kind (e.g. "draft") are counted on one line when there are many

    def line(self) -> str:
        return f"{self.where}: {self.text}\n    fix: {self.fix}"


def report(variant: str, found: list[Reason], *, verbose: bool = False) -> str:
    """The gate's refusal: the reasons grouped by who must act, long runs of one kind counted."""
    lines = [f"{variant} cannot be published yet: {len(found)} reason{'s' if len(found) != 1 else ''}"]
    for who in (MUNICIPALITY, EDITORS, PUBLISHER):
        group = [r for r in found if r.who == who]
        if not group:
            continue
        lines.append(f"{WHO[who]}: {len(group)} reason{'s' if len(group) != 1 else ''}")
        done: set[str] = set()
        for r in group:
            same = [x for x in group if r.kind and x.kind == r.kind]
            if verbose or len(same) <= LONG:
                lines.append(r.line())
            elif r.kind not in done:
                done.add(r.kind)
                lines.append(f"{r.where}: {r.text}, and {len(same) - 1} more of this kind "
                             f"('manual publish {variant} --verbose' lists them)\n    fix: {r.fix}")
    lines.append(f"nothing was built or packaged; fix the reasons above and run 'manual publish {variant}' again")
    return "\n".join(lines) + "\n"


def _line(marks, path: tuple, default: int = 1) -> int:
    try:
        return marks.key_at(path)[0] or default
    except Exception:  # noqa: BLE001 - a position is a courtesy; never fail the gate on it
        return default


def reasons(project, variant: str, *, allow_draft: bool, allow_example: bool = False, a11y: bool = True) -> list[Reason]:
    """Every reason ``variant`` may not be published yet (empty: it may).

    ``allow_example``: a municipality marked ``status: example`` may go out as the example its pages
    say it is, placeholders and all (they show as visibly missing, never as invented numbers).
    ``a11y=False`` leaves out the accessibility result (``manual publish`` checks the build itself)."""
    from manualkit.a11y.sources import a11y_state

    out: list[Reason] = []
    for p in project.errors:
        who = MUNICIPALITY if str(p.path).startswith("adaptations/") else EDITORS
        out.append(Reason(f"{p.path}:{p.line}", f"error[{p.code}]: {p.message}", p.hint or "see docs/rules.md", who, "error"))
    a = project.adaptation(variant)
    example = a is not None and a.status == "example" and allow_example
    yml = a.path if a else "manual/manual.yml"
    res = project.resolutions.get(variant)
    if a is not None and res is not None and not example:
        # every placeholder the version still has (in the text or in the contact box of the handouts)
        lang = res.default_language
        for name, val in sorted(res.values.items(), key=lambda kv: (kv[1].origin, kv[1].line)):
            if val.fill is not None:
                out.append(Reason(f"{val.origin}:{val.line}", f"the variable '{name}' is still a placeholder: "
                                  f"{val.fill.get(lang) or next(iter(val.fill.values()), '')}",
                                  f"fill it in under 'variables' in {a.path}, e.g. '{name.split('.')[-1]}: "
                                  "{nb: ..., en: ...}'", MUNICIPALITY))
    if a is not None:
        if a.status == "example" and not allow_example:
            out.append(Reason(f"{a.path}:{_line(a.marks, ('status',))}", "status: example: these adaptations are "
                              "examples that the municipality has not confirmed",
                              "confirm, change or remove each change, then write 'status: confirmed' (or publish "
                              "it as an example with --allow-example)", MUNICIPALITY))
        elif a.status == "draft" and not allow_draft:
            out.append(Reason(f"{a.path}:{_line(a.marks, ('status',))}", "status: draft: the adaptations are not confirmed yet",
                              "write 'status: confirmed' when they are approved (or publish with --allow-draft)", MUNICIPALITY))
    if not allow_draft and res is not None:
        rm = res.manual(res.default_language)
        for mod in rm.modules():
            if mod.generated or mod.status == "approved":
                continue
            src = project.manual.modules.get(mod.id)
            if src is not None:
                where = f"{src.source.path}:{_line(src.source.marks, ('status',))}"
            elif a is not None:  # a module the municipality added
                ch = next((c for c in a.changes if c.module == mod.id), None)
                where = f"{a.path}:{ch.line if ch else 1}"
            else:
                where = mod.origin
            out.append(Reason(where, f"module '{mod.id}' is '{mod.status}', not approved",
                              "approve it (status: approved) when it has been reviewed, or publish with --allow-draft",
                              EDITORS, "draft"))
    state = a11y_state(project.root, variant) if a11y else None
    if state is not None:
        out.append(Reason(state[0], state[1], f"run: manual build --variant {variant} && manual a11y --variant {variant}",
                          PUBLISHER))
    site_url = res.site_url if res is not None else ""
    if not site_url:
        out.append(Reason(f"{yml}:1", "there is no site_url: the address where the site will be published",
                          "add a line such as 'site_url: https://www.example.no/familiepartner/' (the sitemap and "
                          "the links search engines use need it); without it the site goes to the GitHub Pages of "
                          "the repository named by 'repository:' in manual/manual.yml or by git's remote origin",
                          MUNICIPALITY if a is not None else EDITORS))
    return out


def run(root: Path, args: Namespace) -> int:
    from manualkit.core.project import load_project
    from manualkit.release.state import release_info

    out = sys.stdout
    variant = args.variant
    project = load_project(root, variants_for(variant), release=release_info(root))
    if project.manual is None:
        print_problems(project.problems, "text", sys.stderr)
        return 1
    project.require_variant(variant)
    # a full publish checks the accessibility of its own build (reusing a fresh result), so only
    # --check, which builds nothing, refuses a missing or stale result
    found = reasons(project, variant, allow_draft=args.allow_draft, allow_example=getattr(args, "allow_example", False),
                    a11y=args.check)
    if found:
        out.write(report(variant, found, verbose=getattr(args, "verbose", False)))
        return 1
    if args.check:
        out.write(f"{variant} may be published: the gate found no reason to refuse\n")
        return 0
    return package(root, variant, out)


def package(root: Path, variant: str, out) -> int:
    """Build, check accessibility, rebuild with the new statement, and write the folder and zip."""
    from manualkit.a11y.run import run_a11y
    from manualkit.cli.build import run as build
    from manualkit.outputs.zips import plain_files
    from manualkit.release.bundle import zip_folder
    from manualkit.release.state import release_info

    args = Namespace(variant=variant, only=None, base="pinned")
    if build(root, args):
        raise ManualkitError(f"{variant} was not published: the build failed", hint="see the messages above")
    from manualkit.a11y.sources import a11y_state
    if a11y_state(root, variant) is None:  # a passed result of exactly these sources: the same build, not checked again
        out.write(f"{variant}: the accessibility result of these sources is current and passed; it is not run again\n")
    else:
        if run_a11y(root, variant, out):
            raise ManualkitError(f"{variant} was not published: the accessibility check found problems",
                                 hint="fix what it lists (docs/accessibility.md), then publish again")
        if build(root, Namespace(variant=variant, only=["site"], base="pinned")):  # the statement now shows this check
            raise ManualkitError(f"{variant} was not published: the final build failed", hint="see the messages above")
    site = root / "build" / variant / "site"
    folder = root / PUBLISH / variant
    plain_files(site, f"the published folder of {variant}")  # a link or special file in the site: refused
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(site, folder, symlinks=True)
    target = root / PUBLISH / f"{variant}.zip"
    zip_folder(folder, target, release_info(root).timestamp)
    out.write(f"published {variant}: upload the contents of {folder.relative_to(root)}/ "
              f"(or unpack {target.relative_to(root)}) to the web server\n")
    return 0


__all__ = ["add_parser", "run", "reasons", "report", "Reason", "PUBLISH", "BASE", "MUNICIPALITY", "EDITORS", "PUBLISHER"]
