"""Where a manual's repository is: the folder that holds manual/manual.yml."""
from __future__ import annotations

from pathlib import Path


def find_root(start: Path) -> Path | None:
    for p in [start, *start.parents]:
        if (p / "manual" / "manual.yml").is_file():
            return p
    return None


__all__ = ["find_root"]
