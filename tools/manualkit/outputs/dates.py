"""The date an output prints: the one the load stage put on the variant (core/dates.py).

Outputs never ask git, the clock or file times: SOURCE_DATE_EPOCH, the release's date, the
last commit's or the newest source file's were weighed once, when the project was loaded.
"""
from __future__ import annotations

from manualkit.core.dates import FIXED_EPOCH, iso_date


def variant_timestamp(variant) -> int:
    """Seconds since 1970 for the dates of ``variant``'s PDFs and Word files."""
    return int(getattr(variant, "timestamp", 0) or FIXED_EPOCH)


__all__ = ["variant_timestamp", "iso_date", "FIXED_EPOCH"]
