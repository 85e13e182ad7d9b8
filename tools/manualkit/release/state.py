"""The release state of a checkout: which version, released or not, its date and commit.

A checkout is a release when the tag ``v<version>`` (version from manual.yml) exists, points at
HEAD, and the base manual (manual/, locales/, mkdocs.yml) has no uncommitted change; its date is
the tag's. Anything else is "unreleased" with the commit and the commit's date. Without git (a
folder unpacked from a zip) CHANGELOG.md decides: a section for the version means a release
with that section's date; otherwise "unreleased" without a commit. A municipality's own folder
does not count: editing adaptations/<m>/ does not turn a release of the base manual into
something else.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from manualkit.core.release import ReleaseInfo, parse_changelog
from manualkit.release import git

BASE_PATHS = ("manual", "locales", "mkdocs.yml")
CHANGELOG = "CHANGELOG.md"


def manual_version(root: Path) -> str:
    """manual.yml's version, read without the whole loader (the loader reports a bad file)."""
    import re

    try:
        text = (Path(root) / "manual" / "manual.yml").read_text(encoding="utf-8")
    except OSError:
        return "0.0.0"
    m = re.search(r"^version:\s*['\"]?([0-9][^\s'\"#]*)", text, re.M)
    return m[1] if m else "0.0.0"


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d")


def changelog_entry(root: Path, version: str):
    path = Path(root) / CHANGELOG
    if not path.is_file():
        return None
    return next((e for e in parse_changelog(path.read_text(encoding="utf-8")) if e.version == version), None)


def release_info(root: Path, version: str | None = None) -> ReleaseInfo:
    root = Path(root)
    version = version or manual_version(root)
    entry = changelog_entry(root, version)
    draft = bool(entry and entry.draft)
    if not git.is_repo(root):
        if entry is not None:
            return ReleaseInfo(version, entry.date, True, "", draft, _day(entry.date))
        return ReleaseInfo(version, "", False)
    origin = git.run(root, "remote", "get-url", "origin", check=False) if git.ok(root, "remote", "get-url", "origin") else ""
    try:
        commit = git.head(root)
    except git.GitError:  # a repository without commits yet
        return ReleaseInfo(version, "", False, origin=origin)
    tag = f"v{version}"
    if git.tag_exists(root, tag) and git.tag_commit(root, tag) == git.head(root, short=False) and not git.dirty(root, *BASE_PATHS):
        ts = git.tag_time(root, tag)
        return ReleaseInfo(version, entry.date if entry else iso(ts), True, commit, draft, ts, origin=origin)
    ts = git.commit_time(root)
    return ReleaseInfo(version, iso(ts), False, commit + ("+" if git.dirty(root, *BASE_PATHS) else ""), False, ts, origin=origin)


def last_commit_time(root: Path) -> int:
    """Seconds since 1970 of the last commit of the repository ``root`` is in (0: no git, no commit).

    The outputs' date when no release says otherwise: commands that load without a release
    (`manual report`) hand it to load_project, which puts the date on every variant."""
    try:
        out = git.run(Path(root), "log", "-1", "--format=%ct", check=False) if git.available() else ""
    except git.GitError:
        return 0
    return int(out) if out.isdigit() else 0


def _day(date: str) -> int:
    try:
        return int(datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp())
    except ValueError:
        return 0


__all__ = ["release_info", "last_commit_time", "manual_version", "BASE_PATHS", "CHANGELOG", "changelog_entry"]
