"""The theme's templates compiled once: a Jinja bytecode cache for mkdocs' theme environment.

mkdocs makes a new Jinja environment for every build, so Material's 70-odd templates are parsed
and compiled again in every variant's build and on every preview rebuild (about a second each
time). :func:`attach` gives that environment a bytecode cache: in memory for the builds of one
process (the preview), and on disk in build/.cache/templates when the build says where
(``MANUALKIT_TEMPLATE_CACHE``; every variant's mkdocs process of `manual build`). Jinja checks
each entry against the template's source (its checksum) and its own version; the key here adds
the environment's settings, so a differently configured environment never gets another's code.
The cache holds code compiled from the installed theme only, never from content; an entry on disk
is loaded only when it carries this computer's MAC (outputs/sealed.py, docs/security.md).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket

ENV_VAR = "MANUALKIT_TEMPLATE_CACHE"


def settings(env: Environment) -> str:
    """What, besides the source, decides the code Jinja compiles a template to."""
    parts = (sorted(env.extensions), env.block_start_string, env.block_end_string, env.variable_start_string,
             env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
             env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
             env.keep_trailing_newline, env.optimized, repr(env.autoescape), type(env).__qualname__)
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


class _Keyed:
    """Mixed into a cache: the environment's settings are part of every key."""

    salt = ""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}|{name}|{filename or ''}".encode("utf-8")).hexdigest()


class MemoryCache(_Keyed, BytecodeCache):
    def __init__(self, salt: str) -> None:
        self.salt = salt
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


class DiskCache(_Keyed, FileSystemBytecodeCache):
    """Entries sealed with this computer's key (outputs/sealed.py): bytecode that this toolkit did
    not write here (planted, copied from elsewhere, damaged) is never loaded; the template is compiled again."""

    def __init__(self, folder: Path, salt: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder), "%s.jinja")
        self.salt = salt

    def load_bytecode(self, bucket: Bucket) -> None:
        from manualkit.outputs.sealed import unseal

        try:
            blob = Path(self._get_cache_filename(bucket)).read_bytes()
        except OSError:
            return
        data = unseal(blob)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        from manualkit.outputs.sealed import seal
        from manualkit.outputs.staging import write_atomically

        data = seal(bucket.bytecode_to_string())
        if data is not None:
            write_atomically(Path(self._get_cache_filename(bucket)), data)


class _Both(BytecodeCache):
    """Memory first, then the disk (a fresh process finds what an earlier one compiled)."""

    def __init__(self, memory: MemoryCache, disk: DiskCache | None) -> None:
        self.memory, self.disk = memory, disk

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return self.memory.get_cache_key(name, filename)

    def load_bytecode(self, bucket: Bucket) -> None:
        self.memory.load_bytecode(bucket)
        if bucket.code is None and self.disk is not None:
            try:
                self.disk.load_bytecode(bucket)
            except (OSError, ValueError, EOFError):  # a damaged entry: compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.memory.dump_bytecode(bucket)
        if self.disk is not None:
            try:
                self.disk.dump_bytecode(bucket)
            except OSError:
                pass  # a cache that cannot be written only costs time


_MEMORY: dict[str, MemoryCache] = {}


def attach(env: Environment) -> Environment:
    salt = settings(env)
    memory = _MEMORY.setdefault(salt, MemoryCache(salt))
    folder = os.environ.get(ENV_VAR, "")
    disk = None
    if folder:
        try:
            disk = DiskCache(Path(folder), salt)
        except OSError:
            disk = None
    env.bytecode_cache = _Both(memory, disk)
    return env


__all__ = ["attach", "ENV_VAR", "settings"]
