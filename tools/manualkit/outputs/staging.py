"""Writing an output safely: into a temporary folder, swapped into place under a lock.

* :func:`staged_output` yields a fresh temporary folder next to the final one; only when the
  block succeeds does it replace the final folder. The old output is renamed aside first and
  removed only after the new one is in place; a build killed between the two renames leaves
  ``.<name>-old``, which the next build moves back (the last good output is never lost, so a
  failed build that says "the last good output was kept" is telling the truth). Temporary folders
  of killed builds are removed by the next build.
* :func:`build_lock` makes one build at a time write a build folder: a second one stops at once
  with a message naming the first one's process id (or waits for it, ``wait`` seconds). The lock
  is an ``flock`` on ``<folder>/.manualkit.lock``, which the system releases when a process dies,
  so a killed build never leaves a lock behind.
* :func:`ensure_writable` turns a build folder that cannot be created or written into a plain
  message naming it, instead of an internal error.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from manualkit.core.problems import BuildError

LOCK_NAME = ".manualkit.lock"


def ensure_writable(folder: Path) -> Path:
    """Create ``folder`` if needed; a BuildError naming it when it cannot be created or written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(folder, exc) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _unwritable(folder, PermissionError(errno.EACCES, "Permission denied"))
    return folder


def _unwritable(folder: Path, exc: OSError) -> BuildError:
    return BuildError(f"the build folder {folder} cannot be written: {exc.strerror or exc}",
                      hint="make it writable (or remove it and let the build create it again), then build again")


def _holder(lock: Path) -> str:
    try:
        pid = lock.read_text(encoding="utf-8").strip()
    except OSError:
        pid = ""
    return f"process {pid}" if pid.isdigit() else "another process"


@contextmanager
def build_lock(folder: Path, *, wait: float = 0.0) -> Iterator[Path]:
    """Hold the lock of build folder ``folder`` (created if needed) for the block."""
    folder = ensure_writable(folder)
    lock = folder / LOCK_NAME
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _unwritable(folder, exc) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildError(f"another build ({_holder(lock)}) is writing {folder}; nothing was changed",
                                     hint="wait until it has finished, then build again") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        try:
            yield folder
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _old(final: Path) -> Path:
    return final.with_name(f".{final.name}-old")


def recover(final: Path) -> None:
    """Undo what a killed swap left: put the last good output back, remove temporary folders."""
    old = _old(final)
    if old.exists() and not final.exists():
        old.rename(final)  # killed between the two renames: the old output is the last good one
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)  # killed after the swap, before the clean-up
    for leftover in final.parent.glob(f".{final.name}.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def staged_output(final: Path, *, wait: float = 0.0) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces ``final``, on failure it is removed.

    The whole of it runs under the lock of ``final``'s build folder.
    """
    final = Path(final)
    with build_lock(final.parent, wait=wait):
        recover(final)
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
        except OSError as exc:
            raise _unwritable(final.parent, exc) from None
        try:
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = _old(final)
        try:
            if final.exists():
                final.rename(old)
            tmp.rename(final)
        except OSError as exc:
            if old.exists() and not final.exists():
                old.rename(final)
            shutil.rmtree(tmp, ignore_errors=True)
            raise _unwritable(final.parent, exc) from None
        shutil.rmtree(old, ignore_errors=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Write one file so that a reader sees the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise



__all__ = ["write_atomically", "staged_output", "build_lock", "ensure_writable", "recover", "LOCK_NAME"]
