"""The date an output prints: reproducible, never "now".

SOURCE_DATE_EPOCH when set, else the release's date (the tag's, or the last commit's), else the
newest source file. Kept apart from the renderers so that a build cache key can name the date
without importing them.
"""
from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

FIXED_EPOCH = 1704067200  # 2024-01-01, when nothing better is known
SOURCE_FOLDERS = ("manual", "adaptations", "locales")


def build_timestamp(root: Path) -> int:
    """Seconds since 1970 for the PDFs' dates: reproducible, never "now"."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    try:
        done = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"],
                              capture_output=True, text=True, timeout=20)
        if done.returncode == 0 and done.stdout.strip().isdigit():
            return int(done.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass  # no git, or not a repository: fall back to the sources themselves
    newest = 0.0
    for folder in SOURCE_FOLDERS:
        for path in (root / folder).rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return int(newest) or FIXED_EPOCH


def variant_timestamp(variant) -> int:
    """The PDFs' date: SOURCE_DATE_EPOCH, else the release's (tag date, or the commit's), else as above."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    release = getattr(variant, "release", None)
    if not env.isdigit() and release is not None and release.timestamp:
        return int(release.timestamp)
    return build_timestamp(variant.root)


def iso_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


__all__ = ["build_timestamp", "variant_timestamp", "iso_date", "FIXED_EPOCH"]
