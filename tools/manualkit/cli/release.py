"""`manual release VERSION`: a tagged, citable release of the manual, and its bundle.

On a clean work tree: VERSION must be the next patch, minor or major version after manual.yml's
(or manual.yml's own version when that was never released); nothing is released while the
manual has errors, or while a core module is a draft (unless --allow-draft, which marks the
release as a draft in the changelog, the citation and every output). Then manual.yml gets the
version, CHANGELOG.md a generated section and CITATION.cff is rewritten; the three are committed
and tagged v<VERSION> (annotated), and the bundle is built into build/releases/<VERSION>/.

`manual release VERSION --bundle-only` builds the bundle of an existing release (CI does this
on a tag).
"""
from __future__ import annotations

import re
import sys
from argparse import Namespace
from datetime import datetime, timezone
from pathlib import Path

from manualkit.cli.format import print_problems
from manualkit.core.problems import ManualkitError, UsageError
from manualkit.core.controls import visible
from manualkit.core.release import next_versions, parse_version


def add_parser(sub) -> None:
    r = sub.add_parser("release", help="tag a release: version, CHANGELOG.md, CITATION.cff, bundle")
    r.add_argument("version", help="the new version, e.g. 0.2.0")
    r.add_argument("--allow-draft", action="store_true", help="release even though core modules are drafts (marked as a draft)")
    r.add_argument("--no-bundle", action="store_true", help="tag only; build the bundle later with --bundle-only")
    r.add_argument("--bundle-only", action="store_true", help="only build the bundle of an existing release")


def today() -> str:
    import os

    env = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(env), tz=timezone.utc) if env.isdigit() else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d")


def check_version(root: Path, version: str, current: str) -> None:
    from manualkit.release import git

    if parse_version(version) is None:
        raise UsageError(f"'{visible(version, one_line=True)}' is not a version like 0.2.0", hint="write three numbers: MAJOR.MINOR.PATCH")
    git.release_tag(current, "manual/manual.yml")  # the version in the file reaches git too
    if git.tag_exists(root, f"v{version}"):
        raise ManualkitError(f"release {version} exists already (tag v{version})", hint=f"the next ones: {', '.join(next_versions(current))}")
    allowed = next_versions(current)
    if not git.tag_exists(root, f"v{current}"):
        allowed = [current] + allowed  # manual.yml's version was never released: it may be the first
    if version not in allowed:
        raise ManualkitError(f"{version} is not a step up from manual.yml's version {current}",
                             hint=f"manual/manual.yml: choose one of {', '.join(allowed)}")


def draft_core_modules(project) -> list[str]:
    out = []
    for mod in project.manual.ordered_modules():
        if mod.core and mod.status != "approved":
            line = mod.source.marks.key_at(("status",))[0] if mod.source.marks else 1
            out.append(f"{mod.source.path}:{line or 1}: core module '{mod.id}' is '{mod.status}', not approved")
    return out


def set_version(path: Path, version: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r"^(version:\s*)['\"]?[^\s'\"#]+['\"]?", lambda m: m[1] + version, text, count=1, flags=re.M)
    if n != 1:
        raise ManualkitError(f"{path.name} has no 'version:' line to update", hint="add: version: 0.1.0")
    path.write_text(new, encoding="utf-8")


def run(root: Path, args: Namespace) -> int:
    from manualkit.core.project import load_project
    from manualkit.release import changelog, citation, git
    from manualkit.release.bundle import make_bundle
    from manualkit.release.pinned import checkout
    from manualkit.release.state import CHANGELOG, manual_version

    out = sys.stdout
    version = args.version
    if parse_version(version) is None:  # before anything reaches git
        raise UsageError(f"'{visible(version, one_line=True)}' is not a version like 0.2.0", hint="write three numbers: MAJOR.MINOR.PATCH")
    if args.bundle_only:
        make_bundle(root, version, out)
        return 0
    if not git.is_repo(root):
        raise ManualkitError(f"{root} is not a git repository: a release is a tag",
                             hint="run 'manual release' in a clone of the manual's repository")
    changed = git.dirty(root)
    if changed:
        shown = ", ".join(changed[:5]) + (", …" if len(changed) > 5 else "")
        raise ManualkitError(f"the work tree has changes that are not committed: {shown}",
                             hint="commit them (or set them aside) first: a release must be exactly what the tag holds")
    current = manual_version(root)
    check_version(root, version, current)
    project = load_project(root)
    if project.manual is None or project.errors:
        print_problems(project.problems, "text", sys.stderr)
        raise ManualkitError(f"release {version} was not made: the manual has {len(project.errors)} errors",
                             hint="fix them (manual check lists them), then release again")
    drafts = draft_core_modules(project)
    if drafts and not args.allow_draft:
        for line in drafts:
            sys.stderr.write(line + "\n")
        raise ManualkitError(f"release {version} was not made: {len(drafts)} core modules are not approved",
                             hint="approve them (status: approved), or make a draft release with --allow-draft")
    origin = git.run(root, "remote", "get-url", "origin", check=False) if git.ok(root, "remote", "get-url", "origin") else ""
    lacking = citation.missing(project.manual, origin)
    if lacking:
        for line in lacking:
            sys.stderr.write(line + "\n")
        raise ManualkitError(f"release {version} was not made: {citation.FILE} would not say who made the manual, "
                             "under which licence and where it lives", hint="add what is listed above to manual/manual.yml")
    draft = bool(args.allow_draft and any(mod.status != "approved" for mod in project.manual.modules.values()))
    older = sorted((t for t in git.tags(root) if parse_version(t[1:]) and parse_version(t[1:]) < parse_version(version)),
                   key=lambda t: parse_version(t[1:]))
    previous = older[-1] if older else ""
    date = today()
    if previous:
        with checkout(root, previous, []) as tmp:
            old = load_project(tmp)
            section = changelog.entry(version, date, project, old, previous[1:], draft=draft)
    else:
        section = changelog.entry(version, date, project, None, "", draft=draft)
    set_version(root / "manual" / "manual.yml", version)
    (root / CHANGELOG).write_text(changelog.prepend(root / CHANGELOG, section), encoding="utf-8")
    (root / citation.FILE).write_text(citation.text(project.manual, version, date, draft=draft, origin=origin), encoding="utf-8")
    _people, named = citation.authors(project.manual)
    if not named:
        out.write(f"note: no module names its contributors and manual.yml has no 'authors': {citation.FILE} names "
                  f"'{_people[0]['name']}'\n")
    git.run(root, "add", "--", "manual/manual.yml", CHANGELOG, citation.FILE)
    git.run(root, "commit", "-q", "-m", f"Release {version}" + (" (draft)" if draft else ""))
    message = f"Family Partner manual {version}" + (" (draft release: modules not yet approved)" if draft else "")
    git.run(root, "tag", "-a", "-m", message, "--", git.release_tag(version))
    out.write(f"released {version}{' (draft)' if draft else ''}: tag v{version}, {CHANGELOG}, {citation.FILE}"
              f"{', since ' + previous if previous else ' (first release)'}\n")
    if not args.no_bundle:
        make_bundle(root, version, out)
    out.write(f"publish it: git push origin v{version} (the release workflow attaches the bundle)\n")
    return 0


__all__ = ["add_parser", "run", "check_version", "set_version"]
