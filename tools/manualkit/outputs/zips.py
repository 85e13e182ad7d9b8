"""What may go into a zip the toolkit writes, and which names a zip it reads may hold.

Into a zip or a release bundle go only plain files that lie in the folder being packed: a
symbolic link (to a file or a folder, inside or outside the repository) or anything that is not a
regular file (a FIFO, a device) stops the packing with its path, so nothing from elsewhere on the
computer can travel in it. The names inside are plain relative paths with ``/``.

A zip that is read (a reviewer's DOCX, pandoc's reference.docx) must hold only such names: a
member named ``../x``, ``/etc/x``, ``C:\\x``, with a backslash or a NUL is refused, whatever the
toolkit would do with it.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from manualkit.core.controls import visible
from manualkit.core.problems import ManualkitError

LINK_HINT = "a zip or bundle holds only plain files: replace the link by a copy of the file, or remove it"


def member_refusal(name: str) -> str | None:
    """Why ``name`` is not a plain relative path inside a zip (None: it is)."""
    if not name or "\x00" in name:
        return "an empty name or a NUL in it"
    if "\\" in name:
        return "a backslash in it"
    p = PurePosixPath(name)
    if p.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in p.parts:
        return "'..' in it"
    return None


def check_members(names: list[str], what: str, hint: str) -> None:
    """Refuse a zip (``what``: how to name it) with a member that is not a plain relative path."""
    for name in names:
        reason = member_refusal(name)
        if reason is not None:
            raise ManualkitError(f"{what} holds a file named '{visible(name, one_line=True)}' ({reason}), "
                                 "which would lie outside it", hint=hint)


def plain_files(folder: Path, what: str) -> list[Path]:
    """Every file under ``folder``, sorted; refuses (naming it) a symbolic link or a special file.

    ``what`` says what was being made ("the bundle of 1.0.0", "build/publish/base.zip")."""
    folder = Path(folder)
    if folder.is_symlink():
        raise ManualkitError(f"{what} was not made: {folder} is a symbolic link", hint=LINK_HINT)
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in sorted(dirnames + filenames):
            path = here / name
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise ManualkitError(f"{what} was not made: {path} is a symbolic link (to {os.readlink(path)})",
                                     hint=LINK_HINT)
            if stat.S_ISREG(mode):
                found.append(path)
            elif not stat.S_ISDIR(mode):
                raise ManualkitError(f"{what} was not made: {path} is not a regular file", hint="remove it")
    return sorted(found)


__all__ = ["member_refusal", "check_members", "plain_files", "LINK_HINT"]
