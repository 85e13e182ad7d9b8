"""The link parser's results kept between commands, in build/.cache/parse/.

Checking a manual is mostly parsing its Markdown for links (core/markdown_scan.py), and after an
edit almost every paragraph is one the last command parsed already. The parse of each chunk of
text (its links and findings: booleans, strings and numbers only) is a pure function of the
text, the toolkit and markdown-it-py, so it is kept as JSON under a key of the toolkit's files
and the installed libraries: nothing in the file is code, each entry is checked for its shape
(core/markdown_scan.py), and the file is sealed with this computer's key (outputs/sealed.py), so a
damaged, planted or copied file is parsed again and can never hide a finding. Only the chunks the last load used are kept, so the file follows the manual's size.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FORMAT = "parse-store-1"


def _path(root: Path) -> Path:
    from manualkit.outputs.cache import digest, installed, toolkit_digest

    return Path(root) / "build" / ".cache" / "parse" / f"chunks-{digest(FORMAT, toolkit_digest(), installed())[:24]}.json"


@dataclass
class Seeded:
    """What :func:`preload` found: where the parses live, what they were, the parser's count then."""

    path: Path
    had: dict | None
    parsed_before: int


def preload(root: Path) -> Seeded:
    """Seed the link parser with the chunks the last command kept (a missing or damaged file: none)."""
    from manualkit.core.markdown_scan import chunk_memo, preload_chunks

    from manualkit.outputs.sealed import unseal

    path = _path(root)
    try:
        data = unseal(path.read_bytes())
        stored = json.loads(data.decode("utf-8")) if data is not None else None
    except (OSError, ValueError, RecursionError):
        stored = None
    had = stored.get("chunks") if isinstance(stored, dict) and stored.get("format") == FORMAT else None
    preload_chunks(had)
    return Seeded(path, had if isinstance(had, dict) else None, chunk_memo()[1])


def keep(seeded: Seeded) -> None:
    """Keep the chunks this load used, unless the file already holds exactly those. Called only
    for a manual without errors, like the stored project: a refused build writes nothing."""
    from manualkit.core.markdown_scan import chunk_memo

    used, parsed = chunk_memo()
    if parsed == seeded.parsed_before and seeded.had is not None and len(seeded.had) == len(used):
        return
    _write(seeded.path, used)


def _write(path: Path, chunks: dict) -> None:
    from manualkit.outputs.sealed import seal
    from manualkit.outputs.staging import write_atomically

    data = seal(json.dumps({"format": FORMAT, "chunks": chunks}, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if data is None:  # no key outside the repository to seal it with: nothing is kept
        return
    try:
        write_atomically(path, data)
        for old in path.parent.glob("chunks-*.json"):  # another toolkit's or library's parses
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written (a read-only build/) only costs time


__all__ = ["preload", "keep", "Seeded"]
