"""The one place that runs `git`: a subprocess per call; a failure becomes a ManualkitError with the
command and git's own words.

Values that come from files (a release version, a pinned ``base_version``) reach git only as a tag
made by :func:`release_tag`, which checks them against the one version pattern first (E1301, with
file:line). Every call separates options from arguments (``--end-of-options`` before revisions,
``--`` before paths), so even a value such as ``--upload-pack=...`` could never be read as an option.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from manualkit.core.controls import visible
from manualkit.core.problems import ManualkitError
from manualkit.core.rules import RULES
from manualkit.core.schema import SEMVER_RE

TIMEOUT = 120


class GitError(ManualkitError):
    pass


def release_tag(version: object, where: str = "") -> str:
    """``v<version>`` once ``version`` is a plain release version (three numbers); else GitError E1301."""
    if isinstance(version, str) and SEMVER_RE.fullmatch(version):
        return f"v{version}"
    rule = RULES["E1301"]
    at = f"{where}: " if where else ""
    raise GitError(f"{at}error E1301: {rule.message.format(value=visible(str(version), one_line=True))}", hint=rule.hint)


def _tag(tag: str) -> str:
    """A tag name as the toolkit makes them (v1.2.0), checked again at the door to git."""
    if not (tag.startswith("v") and SEMVER_RE.fullmatch(tag[1:])):
        release_tag(tag)
    return tag


def available() -> bool:
    return shutil.which("git") is not None


def run(root: Path, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
    """``git -C root ARGS``; returns stdout (stripped). Raises GitError (command + stderr) when git fails."""
    cmd = ["git", "-C", str(root), *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=env)
    except FileNotFoundError:
        raise GitError("git is not installed", hint="install git (on Debian: apt-get install git)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"'git {' '.join(args)}' ran for more than {TIMEOUT} s", hint="try again; report it if it repeats") from None
    if check and done.returncode != 0:
        words = " ".join((done.stderr or done.stdout).split()) or f"exit code {done.returncode}"
        raise GitError(f"'git {' '.join(args)}' failed: {words}", hint="see git's message above")
    return done.stdout.strip()


def ok(root: Path, *args: str) -> bool:
    """True when ``git ARGS`` succeeds (for questions such as 'does this tag exist?')."""
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=TIMEOUT).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


_REPOS: set[Path] = set()  # tops of work trees already seen in this process (a command asks several times)


def is_repo(root: Path) -> bool:
    """``root`` is the top of a git work tree (not just a folder somewhere inside one)."""
    here = Path(root).resolve()
    if here in _REPOS and (here / ".git").exists():
        return True
    if not available() or not ok(root, "rev-parse", "--is-inside-work-tree"):
        return False
    top = run(root, "rev-parse", "--show-toplevel", check=False)
    if bool(top) and Path(top).resolve() == here:
        _REPOS.add(here)
        return True
    return False


def head(root: Path, short: bool = True) -> str:
    return run(root, "rev-parse", "--verify", *(["--short=7"] if short else []), "--end-of-options", "HEAD")


def commit_time(root: Path, ref: str = "HEAD") -> int:
    return int(run(root, "log", "-1", "--format=%ct", "--end-of-options", ref, "--"))


def tag_exists(root: Path, tag: str) -> bool:
    return ok(root, "rev-parse", "-q", "--verify", "--end-of-options", f"refs/tags/{_tag(tag)}")


def tag_commit(root: Path, tag: str) -> str:
    return run(root, "rev-parse", "--verify", "--end-of-options", f"{_tag(tag)}^{{commit}}")


def tag_time(root: Path, tag: str) -> int:
    """When an annotated tag was made (its tagger date; a light tag: its commit's date)."""
    out = run(root, "for-each-ref", "--format=%(taggerdate:unix)|%(creatordate:unix)", "--", f"refs/tags/{_tag(tag)}")
    tagger, _, creator = out.partition("|")
    return int(tagger or creator)


def tags(root: Path) -> list[str]:
    out = run(root, "tag", "--list", "--", "v*")
    return [t for t in out.splitlines() if t]


def dirty(root: Path, *paths: str) -> list[str]:
    """Changed or untracked files (under ``paths``), as `git status --porcelain` names them."""
    out = run(root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    return [line[3:] for line in out.splitlines() if line.strip()]


def tracked_files(root: Path, ref: str = "HEAD", *paths: str) -> list[str]:
    out = run(root, "ls-tree", "-r", "--name-only", "--end-of-options", ref, "--", *paths)
    return [p for p in out.splitlines() if p]


def same_tree(root: Path, a: str, b: str, *paths: str) -> bool:
    """No difference between two commits under ``paths``."""
    return ok(root, "diff", "--quiet", "--end-of-options", a, b, "--", *paths)


__all__ = ["release_tag", "run", "ok", "is_repo", "head", "commit_time", "tag_exists", "tag_commit", "tag_time", "tags", "dirty",
           "tracked_files", "same_tree", "GitError", "available"]
