"""Cache entries that only this computer's toolkit can have written.

Every cache in build/.cache answers for the toolkit's own work, and none is trusted as it lies on
disk: the loaded project (JSON, read back against its types, build/.cache/project/,
cli/cache_json.py), the link parser's results (JSON, build/.cache/parse/), the PDF pieces
(build/.cache/<kind>/, outputs/cache.py) and the theme's compiled templates (Jinja bytecode,
which Python runs, build/.cache/templates/). A build folder can come from elsewhere (a CI cache
restored from another branch, a copied folder, a shared disk), so none is read unless it carries
a MAC (HMAC-SHA256) made with a key that lives outside the repository, in the user's cache folder
(``$XDG_CACHE_HOME/manualkit/cache-key`` or ``~/.cache/manualkit/cache-key``, created with
mode 600 on first use). A planted, copied or damaged entry has no valid MAC: it is a miss, and the
result is computed again, never taken from the file. Without a usable key nothing is cached on
disk. Nothing read back from build/.cache is a pickle.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

MAGIC = b"MKSEAL1\n"
_KEY: bytes | None = None


def key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "manualkit" / "cache-key"


def _key() -> bytes | None:
    global _KEY
    if _KEY is not None:
        return _KEY
    path = key_path()
    try:
        data = path.read_bytes()
        if len(data) == 32:
            _KEY = data
            return _KEY
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".cache-key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        os.replace(tmp, path)
        _KEY = path.read_bytes()
    except FileNotFoundError:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            _KEY = path.read_bytes()
        except OSError:
            try:
                _KEY = path.read_bytes()  # made at the same moment by another process
            except OSError:
                return None
    except OSError:
        return None
    return _KEY if _KEY and len(_KEY) == 32 else None


def seal(data: bytes) -> bytes | None:
    """``data`` with its MAC in front; None when there is no key (then nothing is stored)."""
    key = _key()
    if key is None:
        return None
    return MAGIC + hmac.new(key, data, hashlib.sha256).digest() + data


def unseal(blob: bytes) -> bytes | None:
    """The data of a sealed entry, or None when it was not sealed with this computer's key."""
    key = _key()
    if key is None or not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 32:
        return None
    mac, data = blob[len(MAGIC):len(MAGIC) + 32], blob[len(MAGIC) + 32:]
    return data if hmac.compare_digest(mac, hmac.new(key, data, hashlib.sha256).digest()) else None


__all__ = ["seal", "unseal", "key_path"]
