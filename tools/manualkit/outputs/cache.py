"""The build cache: every output, and inside the PDFs every document, keyed by what it is made of.

Two levels, both content-addressed, both under build/:

* **Outputs.** The key of one output of one variant is a hash of the output's fingerprint
  (by default: the whole :class:`ResolvedVariant` in a canonical serialisation, the bytes of every
  image and logo the variant can copy and the shared mkdocs.yml; the PDFs add their date), the contents
  of the folders it needs (the site copies the PDFs), the toolkit's own package files (code,
  templates, filters, assets) and the versions of pandoc, Typst, mkdocs and the theme. It is kept
  in build/<variant>/.cache/<output>.json. The runner removes the key before it rebuilds and
  writes it after the new output is in place, so an interrupted build can never leave a key that
  describes an output it did not make.
* **Pieces.** The PDF output keeps each module's pandoc result and each document's PDF in
  build/.cache/<kind>/<hash>, keyed by exactly the text that goes into pandoc or Typst (the
  Typst source with the templates and the module fragments, the document's data, the date, the
  bytes of the images it shows). An edit of one module therefore re-typesets only the
  documents whose source changed. Pieces are shared by all variants. Each piece is sealed with
  this computer's key (outputs/sealed.py): one the toolkit here did not write is a miss.

``manual build --no-cache`` and ``make clean`` remove both. Nothing here decides *whether* the
content is right; it only avoids redoing work whose inputs are byte-for-byte the same.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from manualkit.outputs.staging import write_atomically

PACKAGE = Path(__file__).resolve().parents[1]  # tools/manualkit
TOOL_PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "pymdown-extensions", "Markdown",
                 "typst", "pypandoc-binary", "Jinja2", "nh3", "markdown-it-py", "PyYAML")
SKIPPED_FIELDS = {"problems"}  # warnings are printed, never rendered into an output
PIECE_MAX_AGE = 30 * 24 * 3600  # pieces not used for a month are removed after a build


# ---- canonical serialisation ---------------------------------------------------------------

@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls)
                 if f.name not in SKIPPED_FIELDS and f.metadata.get("in_key", True))


def _plain(value: Any) -> Any:
    """One level of a value JSON does not know, as JSON data (the encoder recurses)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {name: getattr(value, name) for name in _field_names(type(value))}
        out["__type__"] = type(value).__name__
        return out
    if isinstance(value, Path):
        return {"__path__": value.as_posix()}
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return {"__repr__": repr(value)}


def _stringify_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _stringify_keys(v) for k, v in value.items()}
    return value


def canonical_json(value: Any) -> bytes:
    """A stable serialisation of dataclasses, dicts, tuples, lists, sets and paths: dict keys
    sorted, tuples as lists, every dataclass with its type name. The C encoder does the work;
    only the values JSON does not know go through Python (_plain)."""
    try:
        text = json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except TypeError:  # keys that are not all strings
        text = json.dumps(_stringify_keys(canonical(value)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def canonical(value: Any) -> Any:
    """Plain JSON data for the same values (slower; for keys that are not strings)."""
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return canonical(_plain(value))


def digest(*parts: Any) -> str:
    """sha256 of the canonical JSON of ``parts`` (bytes are hashed as they are)."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else canonical_json(part)
        h.update(b"%s%d:" % (b"b" if isinstance(part, bytes) else b"j", len(data)))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


# ---- what every key contains ---------------------------------------------------------------

@lru_cache(maxsize=1)
def toolkit_digest() -> str:
    """The toolkit's own files (code, templates, filters, site assets), hashed once per process."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(path.relative_to(PACKAGE).as_posix().encode("utf-8") + b"\0")
            h.update(file_digest(path).encode("ascii"))
    return h.hexdigest()


def installed() -> list[str]:
    """Every installed distribution with its version (the names of the *.dist-info folders on the
    import path): an upgrade of any library, or of the pandoc wheel, gives another list."""
    found: list[str] = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found += [f"{entry}/{n}" for n in names if n.endswith((".dist-info", ".egg-info", ".egg-link", ".pth"))]
    return sorted(found)


_TOOL_VERSIONS: list[dict[str, str]] = []  # given by cli/project_cache.py with a stored project


def preset_tool_versions(versions: dict[str, str]) -> None:
    """The versions found when the stored project was made (its key covers every installed library)."""
    _TOOL_VERSIONS[:] = [dict(versions)]


def tool_versions() -> dict[str, str]:
    if not _TOOL_VERSIONS:
        _TOOL_VERSIONS.append(_tool_versions())
    return _TOOL_VERSIONS[0]


def _tool_versions() -> dict[str, str]:
    """Versions of the tools behind the outputs; the pandoc binary itself is named by size and time."""
    from importlib import metadata

    out: dict[str, str] = {}
    for name in TOOL_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    # pandoc is the wheel's binary (named by the version above) unless PYPANDOC_PANDOC points elsewhere
    env = os.environ.get("PYPANDOC_PANDOC", "")
    if env and Path(env).is_file():
        st = Path(env).stat()
        out["PYPANDOC_PANDOC"] = f"{env}:{st.st_size}:{st.st_mtime_ns}"
    return out


_FINGERPRINTS: dict[int, tuple[Any, str]] = {}  # id(variant) -> (variant, fingerprint); variants are frozen


def variant_fingerprint(variant) -> str:
    """The default fingerprint of an output: everything one variant is made of (once per variant
    object and process: the resolved variant is frozen, and the files it copies are read anew
    only when a new variant is resolved)."""
    known = _FINGERPRINTS.get(id(variant))
    if known is not None and known[0] is variant:
        return known[1]
    fingerprint = _variant_fingerprint(variant)
    if len(_FINGERPRINTS) > 256:
        _FINGERPRINTS.clear()
    _FINGERPRINTS[id(variant)] = (variant, fingerprint)
    return fingerprint


def preset_fingerprint(variant, fingerprint: str) -> None:
    """Give a variant the fingerprint computed when it was resolved (cli/project_cache.py keeps
    both together, under a key that covers every file the fingerprint reads)."""
    _FINGERPRINTS[id(variant)] = (variant, fingerprint)


def _variant_fingerprint(variant) -> str:
    # the variant holds everything an output reads: the text, the site settings, the date and the
    # images and logo (by their sha256), so its canonical form is the whole key
    return digest(variant)


def folder_digest(folder: Path) -> str:
    """The contents of a folder another output reads (relative paths and file hashes)."""
    if not folder.is_dir():
        return "absent"
    entries = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and ".cache" not in path.relative_to(folder).parts:
            entries.append((path.relative_to(folder).as_posix(), file_digest(path)))
    return digest(entries)


def output_key(output, variant, inputs: dict[str, Path], build_root: Path | None = None) -> str:
    """The key of one output of one variant. An output it needs counts with that output's own
    stored key when there is one (the key describes the folder: it is removed before a rebuild
    and written after the new folder is in place), else with the folder's content."""
    fingerprint = (output.fingerprint or variant_fingerprint)(variant)
    needed = {}
    for name, path in sorted(inputs.items()):
        stored = stored_key(build_root, variant.id, name) if build_root is not None and path.is_dir() else None
        needed[name] = ("key", stored) if stored else ("files", folder_digest(path))
    return digest("output", output.name, fingerprint, needed, toolkit_digest(), tool_versions())


# ---- the key files beside the outputs ------------------------------------------------------

def key_file(build_root: Path, variant_id: str, output_name: str) -> Path:
    return build_root / variant_id / ".cache" / f"{output_name}.json"


def stored_key(build_root: Path, variant_id: str, output_name: str) -> str | None:
    try:
        data = json.loads(key_file(build_root, variant_id, output_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("key") if isinstance(data, dict) else None


def forget_key(build_root: Path, variant_id: str, output_name: str) -> None:
    try:
        key_file(build_root, variant_id, output_name).unlink(missing_ok=True)
    except (NotADirectoryError, PermissionError):
        pass  # no key can be there; the build itself says why the folder cannot be written


def remember_key(build_root: Path, variant_id: str, output_name: str, key: str) -> None:
    write_atomically(key_file(build_root, variant_id, output_name),
                  json.dumps({"key": key, "output": output_name, "variant": variant_id}).encode("utf-8"))


def clear(build_root: Path) -> None:
    """Remove every cache under ``build_root`` (``manual build --no-cache``); outputs stay."""
    shutil.rmtree(build_root / ".cache", ignore_errors=True)
    if build_root.is_dir():
        for folder in build_root.iterdir():
            if folder.is_dir() and (folder / ".cache").is_dir():
                shutil.rmtree(folder / ".cache", ignore_errors=True)


# ---- pieces (pandoc results, PDFs) ---------------------------------------------------------

class Pieces:
    """A content-addressed store of pieces of outputs: build/.cache/<kind>/<key>."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.made: list[tuple[str, str]] = []  # (kind, name) of every piece made in this process
        self.reused: list[tuple[str, str]] = []

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key

    def get(self, kind: str, key: str, name: str = "") -> bytes | None:
        """The piece, when this computer's toolkit stored it (sealed, outputs/sealed.py): a planted,
        copied or damaged file is a miss, and the piece is made again."""
        from manualkit.outputs.sealed import unseal

        path = self._path(kind, key)
        try:
            data = unseal(path.read_bytes())
        except OSError:
            return None
        if data is None:
            return None
        try:
            os.utime(path)  # in use: kept by prune()
        except OSError:
            pass
        self.reused.append((kind, name))
        return data

    def put(self, kind: str, key: str, data: bytes, name: str = "") -> None:
        self.made.append((kind, name))
        made_here.append((kind, name))
        from manualkit.outputs.sealed import seal

        sealed = seal(data)
        if sealed is None:  # no key outside the repository to seal it with: nothing is stored
            return
        try:
            write_atomically(self._path(kind, key), sealed)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def prune(self, max_age: float = PIECE_MAX_AGE) -> None:
        limit = time.time() - max_age
        for path in self.folder.glob("*/*/*"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass


_ACTIVE: list[Pieces] = []
made_here: list[tuple[str, str]] = []  # (kind, name) of every piece made in this process (tests count them)


def pieces() -> Pieces | None:
    """The store the current build uses, or None (no caching, e.g. `manual pdf` or a test's own call)."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextmanager
def using(store: Pieces | None) -> Iterator[Pieces | None]:
    if store is None:
        yield None
        return
    _ACTIVE.append(store)
    try:
        yield store
    finally:
        _ACTIVE.remove(store)


__all__ = ["canonical", "digest", "variant_fingerprint", "output_key", "toolkit_digest", "installed", "tool_versions",
           "stored_key", "remember_key", "forget_key", "clear", "Pieces", "pieces", "using"]
