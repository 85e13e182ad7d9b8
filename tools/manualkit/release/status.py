"""For `manual status`: per municipality, the release it pins, how far behind it is, and what came since.

Read from CHANGELOG.md (no git needed), so a municipality can decide whether to move up.
"""
from __future__ import annotations

from pathlib import Path

from manualkit.core.release import parse_changelog, parse_version, releases_after
from manualkit.release.state import CHANGELOG

_WHAT = ("### Modules added", "### Modules removed", "### Modules changed")


def _changes(body: str) -> list[str]:
    """The module lines of one changelog section (without '- none')."""
    out: list[str] = []
    keep = False
    for line in body.split("\n"):
        if line.startswith("### "):
            keep = line.strip() in _WHAT
            continue
        if keep and line.startswith("- ") and line.strip() != "- none":
            out.append(line.strip())
    return out


def pinned_lines(root: Path, adaptations) -> list[str]:
    if not adaptations:
        return []
    path = Path(root) / CHANGELOG
    entries = parse_changelog(path.read_text(encoding="utf-8")) if path.is_file() else []
    lines = ["", "Municipalities and the release they deliver:"]
    latest = entries[0].version if entries else ""
    for a in adaptations:
        if not any(e.version == a.base_version for e in entries):
            lines.append(f"{a.id}: pinned to {a.base_version}, which is not a release yet "
                         f"({'no entry in ' + CHANGELOG if entries else 'no release has been made'})")
            continue
        newer = releases_after(entries, a.base_version)
        if not newer:
            lines.append(f"{a.id}: pinned to release {a.base_version}, the latest")
            continue
        lines.append(f"{a.id}: pinned to release {a.base_version}, {len(newer)} release{'s' if len(newer) != 1 else ''} "
                     f"behind (latest {latest})")
        for e in sorted(newer, key=lambda e: parse_version(e.version) or (0, 0, 0)):
            changes = _changes(e.body) or ["no module added, removed or changed"]
            lines += [f"  {e.version}: {c}" for c in changes]
    return lines


__all__ = ["pinned_lines"]
