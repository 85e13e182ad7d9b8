"""How serious a problem is: an error stops a build, a warning does not (unless --strict)."""
from __future__ import annotations

from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


__all__ = ["Severity"]
