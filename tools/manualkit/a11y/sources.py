"""Which sources a variant is made from, as one digest, and whether its accessibility result is current.

`manual a11y` writes the digest into accessibility/<variant>.json (``sources``); `manual publish`
compares it with today's: an accessibility result of other sources is stale. The digest covers
manual/, locales/, mkdocs.yml and, for a municipality, adaptations/<id>/: everything that can
change what the site shows.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from manualkit.core.resolved import BASE
from manualkit.core.statement import RECORD_DIR

KEY = "sources"


def variant_paths(root: Path, variant: str) -> list[Path]:
    root = Path(root)
    folders = [root / "manual", root / "locales"] + ([root / "adaptations" / variant] if variant != BASE else [])
    files = [p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()]
    if (root / "mkdocs.yml").is_file():
        files.append(root / "mkdocs.yml")
    return sorted(files)


def digest(root: Path, variant: str) -> str:
    h = hashlib.sha256()
    for path in variant_paths(root, variant):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def stamp_record(root: Path, variant: str) -> None:
    """Add the digest of today's sources to the record `manual a11y` just wrote."""
    path = Path(root) / RECORD_DIR / f"{variant}.json"
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    data[KEY] = digest(root, variant)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def a11y_state(root: Path, variant: str) -> tuple[str, str] | None:
    """None when the last accessibility check passed on today's sources; else (where, what is wrong)."""
    rel = f"{RECORD_DIR}/{variant}.json"
    path = Path(root) / rel
    if not path.is_file():
        return f"{rel}:1", "there is no accessibility result: the version has not been checked"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{rel}:1", "the accessibility result cannot be read"
    if not data.get("passed"):
        return f"{rel}:1", "the last accessibility check did not pass"
    if data.get(KEY) != digest(root, variant):
        when = str(data.get("checked_at", ""))[:10]
        return f"{rel}:1", (f"the accessibility result ({when}) is stale: it was made of other sources than the "
                            "ones here now" if data.get(KEY) else
                            f"the accessibility result ({when}) does not record which sources it checked, so it may be stale")
    return None


__all__ = ["digest", "stamp_record", "a11y_state", "variant_paths"]
