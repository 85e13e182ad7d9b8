"""`manual translations mark`: record the source a translation was checked against.

Two records: the source's hash in the translation's front matter (``translation.source_hash``,
which tells the checker *that* the source changed), and a copy of the source body in
``manual/.translations/<module>.<lang>.md`` (which lets it show *what* changed, in W503's hint).
The copy is only used while it matches the recorded hash, so a stale or hand-edited copy is ignored.
"""
from __future__ import annotations

from pathlib import Path

from manualkit.core.load import SNAPSHOTS
from manualkit.outputs.staging import write_atomically

README = ("The source text each translation was last marked against (manual translations mark writes these).\n"
          "manual check uses them to show a translator what changed in the source. Commit them; do not edit.\n")


def write_snapshot(root: Path, module: str, lang: str, source_body: str) -> bool:
    """Store the source body for ``module``'s ``lang`` translation. True when the file changed."""
    folder = root / SNAPSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "README.txt").exists():
        (folder / "README.txt").write_text(README, encoding="utf-8")
    path = folder / f"{module}.{lang}.md"
    text = source_body.strip() + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomically(path, text.encode("utf-8"))
    return True


__all__ = ["write_snapshot"]
