"""Typed assets: images and logos are PNG, JPEG, WebP or SVG by their content, never by their name.

An "image" that is really an HTML page, a YAML file or an SVG with a script would otherwise be
copied into the site as it is (and an SVG opened on its own runs its scripts with the site's
rights). :func:`image_kind` reads the first bytes; :func:`svg_problem` (core/svg.py, an allow-list
of plain drawing) refuses an SVG that holds anything else: scripts, event attributes, embedded
documents, animation, references to anything outside itself (refused, not repaired: the editor
learns what to remove). :func:`outside_links` finds symbolic links in the content folders that
point outside the repository. Pure: reads, never writes.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from manualkit.core.problems import Problem, make
from manualkit.core.svg import svg_problem

IMAGE_KINDS = ("png", "jpeg", "webp", "svg")
MAX_IMAGE_BYTES = 20 * 1024 * 1024
CONTENT_FOLDERS = ("manual", "locales", "adaptations")

_SVG_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*<svg[\s>]", re.S)


def image_kind(data: bytes) -> str | None:
    """'png', 'jpeg', 'webp' or 'svg' when the bytes are one; None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if _SVG_START.match(data[:4096]):
        return "svg"
    return None


def read_image(path: Path) -> tuple[bytes, str, str | None]:
    """The bytes of the image at ``path``, its kind and why it cannot be published (None when it can);
    no bytes when it cannot."""
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return b"", "", f"it is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"
        data = path.read_bytes()
    except OSError as exc:
        return b"", "", f"it cannot be read ({exc.strerror})"
    kind = image_kind(data)
    if kind is None:
        return b"", "", "by its content it is not a PNG, JPEG, WebP or SVG image"
    if kind == "svg":
        bad = svg_problem(data)
        if bad:
            return b"", kind, f"the SVG contains {bad}"
    return data, kind, None


def check_image(path: Path) -> str | None:
    """Why the file at ``path`` cannot be published as an image (None when it can)."""
    return read_image(path)[2]


def inside(root: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def outside_links(root: Path, folders: tuple[str, ...] = CONTENT_FOLDERS) -> list[Problem]:
    """Every symbolic link under ``folders`` that points outside the repository (or nowhere safe)."""
    root = Path(root)
    out: list[Problem] = []
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):  # does not follow links into folders
            for name in dirnames + filenames:
                path = Path(dirpath) / name
                if path.is_symlink() and not inside(root, path):
                    rel = path.relative_to(root).as_posix()
                    out.append(make("E804", rel, 0, 0, target=rel,
                                    hint="a symbolic link in the manual must point to a file inside the repository; "
                                         "copy the file in instead"))
    return out


__all__ = ["image_kind", "svg_problem", "check_image", "read_image", "outside_links", "inside", "IMAGE_KINDS"]
