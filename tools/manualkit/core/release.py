"""Which release a build shows: plain facts, computed at the edge, shown by every output the same way.

A :class:`ReleaseInfo` says which version of the base manual a variant's text is, whether that
version is a release (a tag ``v<version>`` whose commit is what was built), its date, and the
commit when it is not a release. It is computed outside the core (``manualkit.release.state``
runs git; without git it reads CHANGELOG.md) and handed to ``load_project``/``resolve`` as data,
so the core stays free of subprocesses. The book cover, the site footer and the "About this
version" page all take their words from :func:`version_text` and :func:`frozen_text`.

The changelog helpers below read CHANGELOG.md, which ``manual release`` writes: one
``## <version> – <date>`` section per release, newest first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from manualkit.core.schema import SEMVER_RE

SEMVER = SEMVER_RE  # the one version pattern (core/schema.py), used with fullmatch
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_HEADING = re.compile(r"^## (\d+\.\d+\.\d+) [–-] (\d{4}-\d{2}-\d{2})( \(draft\))?\s*$")


@dataclass(frozen=True)
class ReleaseInfo:
    version: str  # the base manual's version (manual.yml), released or not
    date: str  # ISO date: of the release, or of the commit for a build that is not a release ("" unknown)
    released: bool  # the text is exactly the release tagged v<version>
    commit: str = ""  # short commit hash ("" when unknown, e.g. no git)
    draft: bool = False  # released with --allow-draft: modules were still drafts
    timestamp: int = 0  # seconds since 1970 for the PDFs' dates (0: unknown, the PDF output decides)
    pinned: str = ""  # a municipality built from its pinned release (base_version), else ""
    origin: str = ""  # the address of git's remote 'origin' ("" when there is none), for the default site_url


_GITHUB = re.compile(r"^(?:https?://|ssh://git@|git@)github\.com[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")


def pages_url(repository: str) -> str:
    """The GitHub Pages address of a GitHub repository ('https://owner.github.io/name/'), or ""."""
    m = _GITHUB.match((repository or "").strip())
    if not m:
        return ""
    owner, name = m[1], m[2]
    if name.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{name}/"


def default_site_url(repository: str, origin: str, variant: str) -> str:
    """Where the Publish workflow puts ``variant``: <Pages of the repository>/<variant>/ ("" unknown).

    The repository is manual.yml's ``repository:`` when it has one, else git's remote origin."""
    base = pages_url(repository) or pages_url(origin)
    return f"{base}{variant}/" if base else ""


def parse_version(text: str) -> tuple[int, int, int] | None:
    if not isinstance(text, str) or not SEMVER.fullmatch(text):
        return None
    major, minor, patch = text.split(".")
    return int(major), int(minor), int(patch)


def next_versions(current: str) -> list[str]:
    """The three semver steps up from ``current``: patch, minor, major."""
    v = parse_version(current) or (0, 0, 0)
    return [f"{v[0]}.{v[1]}.{v[2] + 1}", f"{v[0]}.{v[1] + 1}.0", f"{v[0] + 1}.0.0"]


def _s(strings: dict[str, Any], dotted: str, default: str, **fmt: Any) -> str:
    node: Any = strings
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    text = str(node) if isinstance(node, str) else default
    try:
        return text.format(**fmt)
    except (KeyError, IndexError, ValueError):
        return default.format(**fmt)


def version_text(release: ReleaseInfo | None, strings: dict[str, Any], fallback_version: str) -> str:
    """'0.2.0', '0.2.0 (utkast)', or '0.2.0, ikke utgitt (commit 1a2b3c4)' in the strings' language."""
    if release is None:
        return fallback_version
    if release.released:
        return release.version + (" " + _s(strings, "release.draft", "(draft)") if release.draft else "")
    if release.commit:
        return _s(strings, "release.unreleased_commit", "{version}, unreleased (commit {commit})",
                  version=release.version, commit=release.commit)
    return _s(strings, "release.unreleased", "{version}, unreleased", version=release.version)


def frozen_text(release: ReleaseInfo | None, strings: dict[str, Any]) -> str:
    """The "frozen for the trial" note of a variant that says ``frozen_for_trial: true``."""
    version = release.version if release else ""
    date = release.date if release else ""
    return _s(strings, "release.frozen", "Frozen for the trial: this version builds on release {version} ({date}).",
              version=version, date=date)


def dated_text(release: ReleaseInfo | None, strings: dict[str, Any], fallback_version: str) -> str:
    """'Versjon 0.2.0, utgitt 2026-12-01' (a release) or 'Versjon 0.2.0, ikke utgitt (commit …), laget …'."""
    version = version_text(release, strings, fallback_version)
    if release is None or not release.date:
        return _s(strings, "labels.version", "Version") + " " + version
    key, default = ("release.released_on", "Version {version}, released {date}") if release.released else \
        ("release.built_on", "Version {version}, made {date}")
    return _s(strings, key, default, version=version, date=release.date)


def footer_text(release: ReleaseInfo | None, strings: dict[str, Any], manual: str, fallback_version: str) -> str:
    """The site footer: manual title, version (or 'unreleased' and the commit) and date."""
    version = version_text(release, strings, fallback_version)
    date = release.date if release is not None and release.date else ""
    text = _s(strings, "release.footer", "{manual} · version {version} · {date}", manual=manual, version=version, date=date)
    return text.rstrip(" ·")


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    date: str
    draft: bool
    line: int  # 1-based line of the heading in CHANGELOG.md
    body: str  # the Markdown under the heading, without it


def parse_changelog(text: str) -> list[ChangelogEntry]:
    """The ``## <version> – <date>`` sections of CHANGELOG.md, in file order (newest first)."""
    entries: list[ChangelogEntry] = []
    lines = text.split("\n")
    starts = [(i, _HEADING.match(line)) for i, line in enumerate(lines)]
    starts = [(i, m) for i, m in starts if m]
    for k, (i, m) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body = "\n".join(lines[i + 1:end]).strip()
        entries.append(ChangelogEntry(m[1], m[2], bool(m[3]), i + 1, body))
    return entries


def releases_after(entries: list[ChangelogEntry], version: str) -> list[ChangelogEntry]:
    """The releases newer than ``version``, newest first."""
    v = parse_version(version) or (0, 0, 0)
    return [e for e in entries if (parse_version(e.version) or (0, 0, 0)) > v]


__all__ = ["ReleaseInfo", "version_text", "frozen_text", "dated_text", "footer_text", "parse_changelog", "releases_after", "next_versions",
           "parse_version", "ChangelogEntry", "SEMVER", "URL", "pages_url", "default_site_url"]
