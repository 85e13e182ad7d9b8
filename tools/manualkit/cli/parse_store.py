"""The link parser's results kept between commands, in build/.cache/parse/.

Checking a manual is mostly parsing its Markdown for links (core/markdown_scan.py), and after an
edit almost every paragraph is one the last command parsed already. The parse of each chunk of
text (its links and findings: booleans, strings and numbers only) is a pure function of the
text, the toolkit and markdown-it-py, so it is kept as JSON under a key of the toolkit's files
and the installed libraries: nothing in the file is code, and a damaged or foreign file is
parsed again. Only the chunks the last load used are kept, so the file follows the manual's size.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

FORMAT = "parse-store-1"


def _path(root: Path) -> Path:
    from manualkit.outputs.cache import digest, installed, toolkit_digest

    return Path(root) / "build" / ".cache" / "parse" / f"chunks-{digest(FORMAT, toolkit_digest(), installed())[:24]}.json"


@contextmanager
def kept_parses(root: Path) -> Iterator[None]:
    """Seed the link parser with the chunks kept by the last command; keep this load's afterwards."""
    from manualkit.core.markdown_scan import chunk_memo, preload_chunks

    path = _path(root)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    had = stored.get("chunks") if isinstance(stored, dict) and stored.get("format") == FORMAT else None
    preload_chunks(had)
    _, parsed_before = chunk_memo()
    yield
    used, parsed = chunk_memo()
    if parsed == parsed_before and isinstance(had, dict) and len(had) == len(used):
        return  # nothing new: the file already holds exactly these
    _write(path, used)


def _write(path: Path, chunks: dict) -> None:
    from manualkit.outputs.staging import write_atomically

    data = json.dumps({"format": FORMAT, "chunks": chunks}, ensure_ascii=False, separators=(",", ":"))
    try:
        write_atomically(path, data.encode("utf-8"))
        for old in path.parent.glob("chunks-*.json"):  # another toolkit's or library's parses
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written (a read-only build/) only costs time


__all__ = ["kept_parses"]
