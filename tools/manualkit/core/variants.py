"""Which variants there are and which to load: names only, so the command line needs no loader."""
from __future__ import annotations

from typing import Sequence

from manualkit.core.problems import ManualkitError, Problem, UsageError

BASE = "base"


def variants_for(variant: str) -> list[str]:
    """The variants to load for ``variant``: the base manual, and the municipality when one is asked for."""
    return [BASE] if variant == BASE else [BASE, variant]


def require_variant(variant: str, variants: Sequence[str], broken: Sequence[str], errors: Sequence[Problem]) -> None:
    """Raise a message a person can act on when ``variant`` cannot be used."""
    if variant in variants:
        return
    if variant in broken:
        mine = [p for p in errors if p.path.startswith(f"adaptations/{variant}/")]
        first = f" The first: {mine[0].path}:{mine[0].line}: {mine[0].message}." if mine else ""
        raise ManualkitError(f"variant '{variant}' cannot be used: adaptations/{variant}/adaptation.yml has "
                             f"{len(mine)} error{'' if len(mine) == 1 else 's'}.{first}",
                             hint=f"run: manual check --variant {variant}")
    from manualkit.core.schema import suggest
    raise UsageError(f"there is no variant '{variant}'",
                     hint=suggest(variant, list(variants)) or f"variants: {', '.join(variants)}")


__all__ = ["BASE", "variants_for", "require_variant"]
