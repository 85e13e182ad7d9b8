"""The date dated outputs print (PDF covers and metadata, the Word export): reproducible, never "now".

Computed once per load, from facts gathered at the edge and handed in as data (the core runs no
git): SOURCE_DATE_EPOCH when set, else the release's date (the tag's, or the last commit's,
see manualkit.release.state), else the last commit's time when the caller knows it, else the
newest source file (read by the load stage), else a fixed day. Every output takes
``ResolvedVariant.timestamp``; none looks at git, the clock or file times itself.
"""
from __future__ import annotations

from datetime import datetime, timezone

FIXED_EPOCH = 1704067200  # 2024-01-01, when nothing better is known
SOURCE_FOLDERS = ("manual", "adaptations", "locales")


def choose_timestamp(epoch: str, release_timestamp: int = 0, commit_time: int = 0, newest_source: int = 0) -> int:
    """Seconds since 1970 for the outputs' dates, by the rule above."""
    epoch = (epoch or "").strip()
    if epoch.isdigit():
        return int(epoch)
    return int(release_timestamp or commit_time or newest_source or FIXED_EPOCH)


def iso_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


__all__ = ["choose_timestamp", "iso_date", "FIXED_EPOCH", "SOURCE_FOLDERS"]
