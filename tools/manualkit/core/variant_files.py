"""What outputs need from files besides the text, read at the load stage and carried by the variant.

After resolve, :func:`with_files` gives a :class:`~manualkit.core.resolved.ResolvedVariant`
everything an output would otherwise open itself: the bytes of the logo and of every image the
resolved text shows (checked by content, addressed by their sha256), the shared site settings
(mkdocs.yml) and the date dated outputs print. Outputs read only the variant: an architecture
test (tests/test_architecture.py) fails when one opens a file outside the build folder, the
temporary folder or the toolkit's own package data.

An image is keyed by its path as written, resolved against the folder of the file it is written
in (``manual/basics/img/plan.png``); a path that starts with ``/`` counts from the repository
root (how the PDFs have always read it). Files outside the repository are never read.
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import re
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from manualkit.core.assets import inside, read_image
from manualkit.core.dates import SOURCE_FOLDERS, choose_timestamp
from manualkit.core.resolved import Asset, ResolvedVariant
from manualkit.core.site_settings import SiteSettings

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
OUTSIDE = "it lies outside the repository"


def image_key(origin: str, src: str) -> str | None:
    """The key of the image ``src`` written in ``origin`` (None for an address such as https:)."""
    src = src.strip()
    if not src or _SCHEME.match(src) or src.startswith("#"):
        return None
    if src.startswith("/"):
        return posixpath.normpath(src.lstrip("/"))
    folder = posixpath.dirname(origin)
    return posixpath.normpath(posixpath.join(folder, src) if folder else src)


def image_targets(variant: ResolvedVariant) -> Iterator[tuple[str, str]]:
    """(origin, target) of every image link in the resolved text of every language."""
    for rm in variant.manuals.values():
        for mod in rm.modules():
            trees = [(mod.origin, mod.preamble_tree)] + [(sec.origin, sec.tree) for sec in mod.sections]
            for origin, tree in trees:
                for found in tree.links:  # as the outputs see them (none in code)
                    if found.image:
                        yield origin, found.target


def read_asset(root: Path, rel: str) -> Asset:
    """The file ``rel`` of the repository as an Asset (its bytes only when it is a publishable image)."""
    path = root / rel
    if rel == ".." or rel.startswith("../") or posixpath.isabs(rel) or not inside(root, path):
        return Asset(rel, problem=OUTSIDE)
    try:
        real = path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return Asset(rel, problem=OUTSIDE)
    if not path.is_file():
        return Asset(real, problem="it cannot be read (No such file or directory)", exists=False)
    data, kind, why = read_image(path)
    if why:
        return Asset(real, kind=kind, problem=why)
    return Asset(real, data, hashlib.sha256(data).hexdigest(), kind)


def newest_source_time(root: Path) -> int:
    """Seconds since 1970 of the newest file under manual/, adaptations/ and locales/ (0: none)."""
    newest = 0.0
    for folder in SOURCE_FOLDERS:
        for dirpath, _dirs, filenames in os.walk(Path(root) / folder):
            for name in filenames:
                try:
                    newest = max(newest, os.stat(os.path.join(dirpath, name)).st_mtime)
                except OSError:
                    continue
    return int(newest)


def with_files(variant: ResolvedVariant, *, settings: SiteSettings | None, epoch: str = "", commit_time: int = 0,
               newest_source: int = 0) -> ResolvedVariant:
    """``variant`` with its logo and images read, the site settings and the outputs' date."""
    root = Path(variant.root)
    assets = {}
    logo = variant.branding.get("logo")
    if isinstance(logo, str) and logo:
        found = read_asset(root, posixpath.normpath(logo))
        if found.ok:
            assets["logo"] = found
    images: dict[str, Asset] = {}
    for origin, src in image_targets(variant):
        key = image_key(origin, src)
        if key is not None and key not in images:
            images[key] = read_asset(root, key)
    release = variant.release.timestamp if variant.release is not None else 0
    stamp = choose_timestamp(epoch, release, commit_time, newest_source)
    return replace(variant, assets=assets, images=images, site_settings=settings, timestamp=stamp)


__all__ = ["with_files", "image_key", "image_targets", "read_asset", "newest_source_time"]
