"""A loaded project kept between commands, keyed by every file it could have read.

Loading, validating and resolving are pure functions of the repository's files, the toolkit,
the libraries it parses with and the release state (see core/project.py). So the result of
:func:`~manualkit.core.project.load_project` is stored in build/.cache/project/<key>, where the
key is a hash of exactly those: the content of every file under the repository (build/, .git
and the usual tool folders left out), the toolkit's own files, the Python and library
versions, the variants asked for, the render flag, the release and SOURCE_DATE_EPOCH (the
outputs' date is part of the loaded variants). A command run again with
nothing changed (``manual check``, ``manual build``) reads the stored result instead of loading
again; any changed byte anywhere gives another key and a full load.

An entry is JSON (cli/cache_json.py), read back only as the type it must be (a Checked, a
Stamp, a Project with its fingerprints): every field of every data class is checked against its
annotation and no code of any class runs. It is sealed with this computer's key
(outputs/sealed.py), and names its own key: a planted, copied, damaged or foreign entry is a miss,
never a different answer, and the result is computed (and stored) again.
"""
from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from manualkit.core.problems import Problem
from manualkit.core.variants import require_variant

if TYPE_CHECKING:  # imported when a project is loaded: a stored check needs none of the loader
    from manualkit.core.project import Project
    from manualkit.core.release import ReleaseInfo

FORMAT = "project-cache-2"
PRUNED = {".git", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache",
          ".ruff_cache", ".tox", ".nox"}  # never read by the loader; build/ is left out by path
KEEP = 6  # entries kept, the most recently used (check and build, per choice of variants); the rest are removed


def inputs_digest(root: Path) -> str:
    """sha256 over the relative path and content of every file under ``root`` the loader could read.

    Every file, not only manual/ and adaptations/: a module may link to any file in the
    repository and the check looks whether it is there. Symbolic links count with their target.
    """
    root = Path(root)
    build = root / "build"
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d not in PRUNED and here / d != build)
        rel = here.relative_to(root).as_posix()
        h.update(b"D" + rel.encode("utf-8", "surrogateescape") + b"\0")
        for name in sorted(filenames):
            path = here / name
            h.update(b"F" + name.encode("utf-8", "surrogateescape") + b"\0")
            try:
                if path.is_symlink():
                    h.update(b"L" + os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")
                with open(path, "rb") as fh:
                    h.update(hashlib.sha256(fh.read()).digest())
            except OSError as exc:  # unreadable or a dangling link: the loader says so; the key notes it
                h.update(b"E" + type(exc).__name__.encode() + b"\0")
    return h.hexdigest()


def project_key(root: Path, variants: list[str] | None, render: bool, release: ReleaseInfo | None,
                kind: str = "project") -> str:
    from manualkit.outputs.cache import digest, installed, toolkit_digest

    pandoc = os.environ.get("PYPANDOC_PANDOC", "")
    # SOURCE_DATE_EPOCH: the load stage dates every variant with it (core/dates.py)
    return digest(FORMAT, kind, str(Path(root).resolve()), sorted(variants) if variants is not None else None, render,
                  release, inputs_digest(root), toolkit_digest(), installed(), sys.version, pandoc,
                  _stat(pandoc), os.environ.get("SOURCE_DATE_EPOCH", ""))


def _stat(path: str) -> str:
    try:
        st = os.stat(path) if path else None
    except OSError:
        return "absent"
    return f"{st.st_size}:{st.st_mtime_ns}" if st else ""


@dataclass(frozen=True)
class Checked:
    """What `manual check` reports: the problems, and which variants there are."""

    problems: tuple[Problem, ...]
    loaded: bool  # manual.yml could be read
    variants: tuple[str, ...]
    broken: tuple[str, ...]  # adaptation folders that cannot be used

    def require_variant(self, variant: str) -> None:
        require_variant(variant, self.variants, self.broken, [p for p in self.problems if p.is_error])


def checked(root: Path, variants: list[str] | None = None) -> Checked:
    """Every problem of ``variants`` (all when None), from build/.cache/project when nothing changed."""
    root = Path(root).resolve()
    path = _folder(root) / project_key(root, variants, False, None, kind="check")
    stored = _read(path, Checked)
    if stored is not None:
        return stored
    from manualkit.cli import parse_store
    from manualkit.core.project import load_project

    seeded = parse_store.preload(root)
    project = load_project(root, variants, render=False)
    result = Checked(tuple(project.problems), project.manual is not None, tuple(project.variants),
                     tuple(project.broken_variants))
    if not any(p.is_error for p in result.problems) and _unchanged(path, root, variants, False, None, "check"):
        _store(path, result, Checked)
        parse_store.keep(seeded)
    return result


@dataclass(frozen=True)
class Stamp:
    """What the last successful ``manual build`` with the same inputs and options wrote: its notes
    and warnings, and the key of every output it left in place (see outputs/cache.py)."""

    notes: tuple[str, ...]
    warnings: tuple[Problem, ...]
    outputs: tuple[tuple[str, str, str, str], ...]  # (variant, output, its folder under build/, key)


def stamp_path(root: Path, options: object, release: ReleaseInfo | None) -> Path:
    """Where the stamp of a build with these options lives: under a key that holds the project's
    key (every file, the toolkit, the libraries, the release), the options, the release tags a
    municipality can pin and the PDFs' SOURCE_DATE_EPOCH."""
    from manualkit.outputs.cache import digest
    from manualkit.release import git

    root = Path(root).resolve()
    try:
        tags = git.tags(root) if git.is_repo(root) else []
    except git.GitError:
        tags = ["(unreadable)"]
    key = digest(project_key(root, None, True, release, kind="build"), options, tags,
                 os.environ.get("SOURCE_DATE_EPOCH", ""))
    return _folder(root) / key


def read_stamp(path: Path, build_root: Path) -> Stamp | None:
    """The stamp, when every output it names is still in place with the key it was built with."""
    from manualkit.outputs.cache import stored_key

    stamp = _read(path, Stamp)
    if stamp is None:
        return None
    for variant, output, folder, key in stamp.outputs:
        if not (build_root / variant / folder).exists() or stored_key(build_root, variant, output) != key:
            return None
    return stamp


def write_stamp(path: Path, stamp: Stamp) -> None:
    _store(path, stamp, Stamp)


def _unchanged(path: Path, root: Path, variants, render: bool, release, kind: str) -> bool:
    """Nothing was edited while it loaded (else the result would be stored under the old files' key)."""
    return _folder(root) / project_key(root, variants, render, release, kind) == path


def _entry(kind: object) -> object:
    """The type of a whole entry: the format, its own key (its file name), then what it keeps."""
    return tuple[Literal[FORMAT], str, kind]


def _read(path: Path, kind: object) -> Any:
    """What the entry at ``path`` keeps, when it is exactly a ``kind`` this computer stored
    under this key; None otherwise (missing, planted, copied, damaged, from another toolkit)."""
    from manualkit.cli import cache_json
    from manualkit.outputs.sealed import unseal

    try:
        with open(path, "rb") as fh:
            data = unseal(fh.read())  # not sealed with this computer's key: a miss
        if data is None:
            return None
        stored = cache_json.loads(data, _entry(kind))  # data of exactly that type, never code
    except Exception:  # noqa: BLE001 - missing, unreadable or not of its type: a miss
        return None
    if stored[1] != path.name:  # an entry moved to another key answers nothing
        return None
    try:
        os.utime(path)  # recently used: kept by the pruning in _store
    except OSError:
        pass
    return stored[2]


def _folder(root: Path) -> Path:
    return Path(root) / "build" / ".cache" / "project"


def load_project_cached(root: Path, variants: list[str] | None = None, *, render: bool = True,
                        release: ReleaseInfo | None = None, use_cache: bool = True) -> Project:
    """:func:`load_project`, answered from build/.cache/project when nothing it reads has changed."""
    from manualkit.core.project import Project, load_project

    root = Path(root).resolve()
    if not use_cache:
        return load_project(root, variants, render=render, release=release)
    key = project_key(root, variants, render, release)
    path = _folder(root) / key
    stored = _read(path, tuple[Project, dict[str, Any]])
    if stored is not None:
        _preset_fingerprints(stored[0], stored[1])
        return stored[0]
    from manualkit.cli import parse_store

    seeded = parse_store.preload(root)
    project = load_project(root, variants, render=render, release=release)
    if project.manual is not None and not project.errors and _unchanged(path, root, variants, render, release, "project"):
        _store(path, (project, _fingerprints(project) if render else {}), tuple[Project, dict[str, Any]])
        parse_store.keep(seeded)
    return project


def _fingerprints(project: Project) -> dict:
    """The build cache's fingerprint of each resolved variant and the tool versions, kept with
    it: a fingerprint serialises the whole variant and reads the images it can copy, the
    versions come from the installed libraries (files and folders the key covers)."""
    from manualkit.outputs import cache

    return {"variants": {vid: cache.variant_fingerprint(res) for vid, res in project.resolutions.items()},
            "tools": cache.tool_versions()}


def _preset_fingerprints(project: Project, known: object) -> None:
    from manualkit.outputs import cache

    known = known if isinstance(known, dict) else {}
    for vid, fp in (known.get("variants") or {}).items():
        if vid in project.resolutions and isinstance(fp, str):
            cache.preset_fingerprint(project.resolutions[vid], fp)
    if isinstance(known.get("tools"), dict):
        cache.preset_tool_versions(known["tools"])


def _store(path: Path, value: object, kind: object) -> None:
    """Keep ``value`` (of type ``kind``) under ``path``, only when it reads back as that type."""
    from manualkit.cli import cache_json
    from manualkit.outputs.sealed import seal
    from manualkit.outputs.staging import write_atomically

    try:
        data = cache_json.dumps((FORMAT, path.name, value))
        cache_json.loads(data, _entry(kind))  # an entry that would not read back is not written
        data = seal(data)
        if data is None:  # no key outside the repository to seal it with: nothing is stored
            return
        write_atomically(path, data)
    except Exception:  # noqa: BLE001 - a cache that cannot be written (read-only build/) only costs time
        return
    for old in sorted(path.parent.iterdir(), key=_mtime, reverse=True)[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


__all__ = ["load_project_cached", "checked", "Checked", "inputs_digest", "project_key", "Stamp",
           "stamp_path", "read_stamp", "write_stamp"]
