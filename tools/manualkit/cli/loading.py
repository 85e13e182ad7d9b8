"""Loading the project for a command: the variants asked for, the gate before anything is built,
and where each variant's text comes from (the work tree, or the release a municipality pins)."""
from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

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


class PinPlan:
    """Where each variant's text comes from: the current work tree, or the release it pins.

    ``from_current``: variants read from the work tree; ``by_tag``: release tag -> the
    municipalities read from that tag (see manualkit.release.pinned); ``notes``: why a pinned
    release could not be used (no git, no tag), in the words `manual build` prints."""

    def __init__(self) -> None:
        self.from_current: list[str] = []
        self.by_tag: dict[str, list[str]] = {}
        self.notes: list[str] = []

    def only_pinned(self, project: Project) -> set:
        """What only the pinned municipalities' resolution against today's text finds: it does not
        count against the work tree (they are checked against their release instead)."""
        elsewhere = {p for v in self.from_current if v in project.resolutions for p in project.resolutions[v].problems}
        return {p for group in self.by_tag.values() for v in group for p in project.resolutions[v].problems} - elsewhere


def plan_pins(root: Path, project: Project, names: list[str], base: str, current, doing: str = "building") -> PinPlan:
    """The one rule of `manual build` and `manual report`: a municipality is read from the release
    its ``base_version`` names, unless ``base`` is "current" (or that release cannot be checked out)."""
    from manualkit.core.variants import BASE
    from manualkit.release import pinned

    plan = PinPlan()
    for name in names:
        a = project.adaptation(name)
        if name == BASE or a is None or base == "current":
            plan.from_current.append(name)
            continue
        line = a.marks.key_at(("base_version",))[0] or 1
        pin = pinned.plan(root, name, a.base_version, current, f"{a.path}:{line}", doing)
        if pin.note:
            plan.notes.append(pin.note)
        if pin.tag:
            plan.by_tag.setdefault(pin.tag, []).append(name)
        else:
            plan.from_current.append(name)
    return plan


@contextmanager
def as_built(root: Path, project: Project, plan: PinPlan, what: str) -> Iterator[dict]:
    """Variant id -> its ResolvedVariant, read as `manual build` reads it: the work tree's for
    ``plan.from_current``, and for a pinned municipality the one resolved in a temporary checkout
    of its release (alive until the block ends, so outputs may still read its files)."""
    from manualkit.core.variants import BASE
    from manualkit.release import pinned

    with ExitStack() as stack:
        out = {v: project.resolutions[v] for v in plan.from_current}
        for tag, group in plan.by_tag.items():
            tmp = stack.enter_context(pinned.checkout(root, tag, group))
            old = load_buildable(tmp, [BASE] + group, what=f"{what} ({', '.join(group)} from {tag})",
                                 release=pinned.pinned_release(tmp, tag[1:]))
            out.update({v: old.resolutions[v] for v in group})
        yield out
