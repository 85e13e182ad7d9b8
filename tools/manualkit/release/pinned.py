"""Build a municipality from the release it pinned (``base_version`` in adaptation.yml).

The base manual of release X is the tag ``vX``. It is checked out into a temporary `git worktree`
(the repository itself is not touched), the municipality's current folder (adaptations/<m>/) and
its accessibility record are copied over the old ones, and the variant is loaded, checked and
built from there into the real build/ folder. So a municipality in a trial keeps delivering the
text of its release while the base manual moves on, and can still fix its own contacts.

When the pinned release has no tag (the repository has no releases yet, or is not a git
repository), the variant is built from the current manual and a note says so. The same happens
when the current checkout *is* that release.
"""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from manualkit.core.release import ReleaseInfo
from manualkit.release import git
from manualkit.release.state import BASE_PATHS, release_info


@dataclass(frozen=True)
class Pin:
    variant: str
    version: str  # base_version
    tag: str  # "" when built from the current manual
    note: str  # why the current manual is used ("" when nothing needs saying)


def plan(root: Path, variant: str, version: str, current: ReleaseInfo, where: str, doing: str = "building") -> Pin:
    """Where to build ``variant`` from: its pinned tag, or the current manual (with the reason).

    ``doing`` is the verb of the note ("building", or "reporting on" for `manual report`)."""
    tag = git.release_tag(version, where)
    if not git.is_repo(root):
        return Pin(variant, version, "", f"note: {where}: base_version {version}: this folder is not a git repository, "
                                        f"so the release cannot be checked out; {doing} {variant} from the current manual "
                                        f"({current.version})")
    if not git.tag_exists(root, tag):
        return Pin(variant, version, "", f"note: {where}: base_version {version} is not released yet (no tag {tag}); "
                                        f"{doing} {variant} from the current manual ({current.version}, "
                                        f"{'released' if current.released else 'unreleased'})")
    if current.released and current.version == version:
        return Pin(variant, version, "", "")
    return Pin(variant, version, tag, "")


@contextmanager
def checkout(root: Path, tag: str, variants: list[str]) -> Iterator[Path]:
    """A temporary work tree of ``tag`` with the current folders of ``variants`` copied in."""
    root = Path(root)
    (root / "build").mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".pinned-{tag}-", dir=root / "build"))
    git.run(root, "worktree", "add", "--detach", "--", str(tmp), tag)
    try:
        for v in variants:
            src, dest = root / "adaptations" / v, tmp / "adaptations" / v
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(src, dest)
            record = root / "accessibility" / f"{v}.json"
            if record.is_file():
                (tmp / "accessibility").mkdir(exist_ok=True)
                shutil.copy2(record, tmp / "accessibility" / record.name)
        yield tmp
    finally:
        git.run(root, "worktree", "remove", "--force", "--", str(tmp), check=False)
        shutil.rmtree(tmp, ignore_errors=True)
        git.run(root, "worktree", "prune", check=False)


def pinned_release(tmp: Path, version: str) -> ReleaseInfo:
    """The release facts of a checked-out tag (the copied municipality folder does not count)."""
    return replace(release_info(tmp, version), pinned=version)


__all__ = ["Pin", "plan", "checkout", "pinned_release", "BASE_PATHS"]
