"""The release bundle: build/releases/<version>/ with every variant's outputs and a manifest.

For each variant: the site as one zip (``<variant>/site.zip``), the PDFs (``<variant>/pdf/…``)
and every other output the registry has (the research reports), built from the tagged release
(the checkout itself when it is that release, else a temporary `git worktree` of the tag). The
manifest (``manifest.json``) lists the SHA-256 of every source file of the release and of every
output file, the toolkit's version and the versions of pandoc, Typst, mkdocs and the theme.

Reproducible: PDFs get the tag's date (the variants are loaded with it, see core/dates.py), SOURCE_DATE_EPOCH
is set to it for mkdocs, and the zip has sorted entries with a fixed date and mode. Building
the same tag twice gives the same hashes for PDFs and reports (the tests check it).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zipfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, TextIO

from manualkit.core.problems import BuildRefused, ManualkitError
from manualkit.outputs.zips import LINK_HINT, check_members, plain_files
from manualkit.release import git
from manualkit.release.state import release_info

SOURCE_PATHS = ("manual", "locales", "adaptations", "mkdocs.yml", "CHANGELOG.md", "CITATION.cff")
RELEASES = Path("build") / "releases"


def sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def zip_folder(folder: Path, target: Path, timestamp: int) -> None:
    """A zip of ``folder`` with the same bytes for the same files: sorted, fixed date and modes.

    Only plain files of ``folder`` go in (outputs/zips.py): a symbolic link or a special file
    stops it with its path, before the zip is written; names are plain relative paths."""
    stamp = datetime.fromtimestamp(max(timestamp, 315532800), tz=timezone.utc).timetuple()[:6]  # zip dates start 1980
    files = plain_files(folder, str(target))
    names = [path.relative_to(folder).as_posix() for path in files]
    check_members(names, str(target), hint=LINK_HINT)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path, name in zip(files, names):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes(), compresslevel=9)


def tool_versions() -> dict[str, str]:
    """The tools behind the outputs (the build cache's one list, outputs/cache.py), with the
    toolkit's own version and the pandoc binary's, for the bundle's manifest."""
    from importlib.metadata import PackageNotFoundError, version

    from manualkit.outputs import cache

    out = {name: ("" if v == "absent" else v) for name, v in cache.tool_versions().items() if name != "PYPANDOC_PANDOC"}
    try:
        out = {"manualkit": version("manualkit"), **out}
    except PackageNotFoundError:
        import manualkit

        out = {"manualkit": getattr(manualkit, "__version__", ""), **out}
    try:
        import pypandoc

        out["pandoc"] = pypandoc.get_pandoc_version()
    except (ImportError, OSError, RuntimeError):
        out["pandoc"] = ""
    return out


def source_files(root: Path, ref: str | None) -> list[str]:
    if ref and git.is_repo(root):
        return sorted(git.tracked_files(root, ref, *SOURCE_PATHS))
    found = []
    for name in SOURCE_PATHS:
        p = root / name
        if p.is_file():
            found.append(name)
        elif p.is_dir():
            found += [f.relative_to(root).as_posix() for f in p.rglob("*") if f.is_file()]
    return sorted(found)


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


@contextmanager
def release_checkout(root: Path, version: str) -> Iterator[Path]:
    """The folder that holds release ``version``: the checkout itself when it is that release."""
    tag = f"v{version}"
    here = release_info(root)
    if here.released and here.version == version and not (git.is_repo(root) and git.dirty(root, *SOURCE_PATHS)):
        yield root  # the checkout is exactly the release (a municipality's uncommitted edits would not be)
        return
    if not git.is_repo(root) or not git.tag_exists(root, tag):
        raise ManualkitError(f"there is no release {version} (no tag {tag})",
                             hint="make it with: manual release " + version)
    from manualkit.release.pinned import checkout

    with checkout(root, tag, []) as tmp:
        yield tmp


def make_bundle(root: Path, version: str, log: TextIO) -> Path:
    """Build release ``version`` of every variant into build/releases/<version>/; return that folder."""
    from manualkit.core.problem_text import problems_text
    from manualkit.core.project import load_project
    from manualkit.outputs.registry import outputs_table
    from manualkit.outputs.runner import build_all, staged_output

    root = Path(root)
    final = root / RELEASES / version
    started = time.perf_counter()
    with release_checkout(root, version) as src:
        info = release_info(src, version)
        # the release's date for every dated output: the load stage puts it on the variants
        with _env("SOURCE_DATE_EPOCH", str(info.timestamp)) if info.timestamp else _nothing():
            project = load_project(src, release=info)
        try:
            project.gate(f"no bundle of {version} was made")  # the one gate (core/project.py), as `manual build` uses it
        except BuildRefused as exc:
            log.write(problems_text(exc.shown))
            raise
        ref = f"v{version}" if git.is_repo(src) else None
        sources = {p: sha256(src / p) for p in source_files(src, ref) if _source(src, p).is_file()}
        with staged_output(final) as out, _env("SOURCE_DATE_EPOCH", str(info.timestamp or "")) if info.timestamp else _nothing():
            work = out / ".build"
            failures = build_all([project.resolutions[v] for v in project.variants], work, None, log)
            if failures:
                raise ManualkitError(f"the bundle of {version} was not made: {len(failures)} builds failed ({', '.join(failures)})",
                                     hint="see the messages above; the last bundle (if any) was kept")
            for variant in project.variants:
                for o in outputs_table():
                    made = work / variant / o.folder
                    if not made.is_dir():
                        continue
                    if o.name == "site":
                        (out / variant).mkdir(parents=True, exist_ok=True)
                        zip_folder(made, out / variant / "site.zip", info.timestamp)
                    else:
                        plain_files(made, f"the bundle of {version}")  # no link or special file gets in
                        shutil.copytree(made, out / variant / o.folder, symlinks=True)
            shutil.rmtree(work)
            outputs = {p.relative_to(out).as_posix(): sha256(p) for p in sorted(out.rglob("*")) if p.is_file()}
            manifest = {
                "manual": project.manual.id, "version": version, "tag": f"v{version}", "date": info.date,
                "released": info.released, "draft": info.draft,
                "commit": git.head(src, short=False) if git.is_repo(src) else "",
                "variants": project.variants, "tools": tool_versions(),
                "sources": sources, "outputs": outputs,
            }
            (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                                               encoding="utf-8")
    log.write(f"wrote the bundle of {version}: {final.relative_to(root)} ({len(outputs)} files, "
              f"{time.perf_counter() - started:.0f} s)\n")
    return final


def _source(src: Path, rel: str) -> Path:
    """A source file of the release; one that is a symbolic link out of the repository is refused
    (its content would be hashed into the manifest as if it were the manual's)."""
    path = src / rel
    if path.is_symlink():
        base = Path(os.path.realpath(src))
        try:
            Path(os.path.realpath(path)).relative_to(base)
        except ValueError:
            raise ManualkitError(f"{rel}: the bundle was not made: this source file is a symbolic link out of the "
                                 f"repository (to {os.readlink(path)})", hint=LINK_HINT) from None
    return path


@contextmanager
def _nothing() -> Iterator[None]:
    yield


__all__ = ["make_bundle", "zip_folder", "sha256", "tool_versions", "source_files", "RELEASES"]
