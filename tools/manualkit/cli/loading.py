"""Loading the project for a command: the variants asked for, and the gate before anything is built."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from manualkit.cli.format import print_problems
from manualkit.core.problems import BuildRefused

if TYPE_CHECKING:
    from manualkit.core.project import Project


def _variants(project: Project, variant: str | None) -> list[str]:
    if variant is None:
        return project.variants
    project.require_variant(variant)
    return [variant]


def load_buildable(root: Path, variants: list[str] | None = None, what: str = "nothing was built",
                   variant: str | None = None, release=None) -> Project:
    """Load the project and pass the gate: errors are printed and nothing is built."""
    from manualkit.release.state import release_info

    from manualkit.cli.project_cache import load_project_cached

    project = load_project_cached(root, variants, release=release or release_info(root))
    if variant and project.manual is not None:
        project.require_variant(variant)
    try:
        project.gate(what)
    except BuildRefused as exc:
        print_problems(exc.shown, "text", sys.stderr)
        raise
    return project
