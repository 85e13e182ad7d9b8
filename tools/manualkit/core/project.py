"""The whole pipeline up to the resolved manuals, for every variant: load → validate → resolve.

Pure: it reads files and returns data and problems; printing and building live elsewhere.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection

from manualkit.core import model as m
from manualkit.core.adaptation import Adaptation, load_adaptations, load_frame_vocab
from manualkit.core.problems import BuildRefused, Problem, UsageError
from manualkit.core.release import ReleaseInfo
from manualkit.core.resolve import resolve
from manualkit.core.resolved import BASE, ResolvedVariant, variants_for  # noqa: F401 (variants_for re-exported)
from manualkit.core.layout import find_root  # noqa: F401 (re-exported)
from manualkit.core.variants import require_variant
from manualkit.core.statement import read_record
from manualkit.core.terms import check_overlays
from manualkit.core.site_settings import read_site_settings
from manualkit.core.validate import validate_manual
from manualkit.core.variant_files import newest_source_time, with_files


@dataclass
class Project:
    root: Path
    manual: m.Manual | None
    adaptations: list[Adaptation]
    frame_vocab: dict
    problems: list[Problem]
    resolutions: dict[str, ResolvedVariant] = field(default_factory=dict)  # variant id -> resolved
    broken_variants: list[str] = field(default_factory=list)  # adaptation folders that cannot be used

    @property
    def variants(self) -> list[str]:
        return [BASE] + [a.id for a in self.adaptations]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def require_variant(self, variant: str) -> None:
        """Raise a message a person can act on when ``variant`` cannot be used."""
        require_variant(variant, self.variants, self.broken_variants, self.errors)

    def gate(self, what: str = "nothing was built", ignore: Collection[Problem] = ()) -> None:
        """The one rule before anything is built, bundled or previewed: no output from a manual with errors.

        Raises :class:`BuildRefused` with the errors, and in ``shown`` every problem to show.
        ``ignore``: problems that do not count here (`manual build` leaves out what only a
        municipality built from its pinned release has against today's text; that one is
        checked against its release)."""
        errors = [p for p in self.errors if p not in ignore]
        if self.manual is None or errors:
            raise BuildRefused(errors, what, shown=[p for p in self.problems if p not in ignore])

    def resolved(self, variant: str) -> ResolvedVariant:
        """The resolved variant (raises a message a person can act on when it cannot be used)."""
        self.require_variant(variant)
        if variant not in self.resolutions:
            raise UsageError(f"variant '{variant}' was not loaded", hint="load it: load_project(root, variants_for(variant))")
        return self.resolutions[variant]

    def adaptation(self, variant: str) -> Adaptation | None:
        return next((a for a in self.adaptations if a.id == variant), None)


def load_project(root: Path, variants: list[str] | None = None, *, render: bool = True,
                 release: ReleaseInfo | None = None, commit_time: int = 0) -> Project:
    """Load, validate and resolve ``variants`` (all when None). All problems are collected.

    ``release`` (computed at the edge by manualkit.release.state, which runs git) says which
    release the text is; every resolved variant carries it to the outputs. ``commit_time`` (the
    last commit's time, also from the edge) dates the outputs when no release says otherwise.
    With ``render`` every variant also gets what its outputs would otherwise read from disk
    (core/variant_files.py): images, logo, site settings and the date; reading the environment's
    SOURCE_DATE_EPOCH is part of that load, like reading the files.
    """
    root = Path(root).resolve()
    problems: list[Problem] = []
    from manualkit.core.load import load_manual

    manual, probs = load_manual(root)
    problems += probs
    if manual is None:
        return Project(root, None, [], {}, _sorted(problems))
    problems += validate_manual(manual)
    vocab, vprobs = load_frame_vocab(root)
    adaptations, aprobs, broken = load_adaptations(root, manual)
    problems += aprobs + [p for p in vprobs if p not in aprobs]
    project = Project(root, manual, adaptations, vocab, problems, broken_variants=broken)
    wanted = variants or project.variants
    files = _output_files(root, commit_time) if render else None
    for variant in [v for v in wanted if v in project.variants]:
        res = resolve(manual, project.adaptation(variant) if variant != BASE else None, vocab, render=render,
                      a11y_record=read_record(root, variant), release=release)
        if files is not None:
            res = with_files(res, **files)
        project.resolutions[variant] = res
        problems += res.problems
        if variant != BASE:
            problems += check_overlays(manual, [project.adaptation(variant)])
    project.problems = _sorted(problems)
    return project


def _output_files(root: Path, commit_time: int) -> dict:
    """The facts every variant's outputs share, read once per load."""
    return {"settings": read_site_settings(root), "epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
            "commit_time": commit_time, "newest_source": newest_source_time(root)}


def _sorted(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.col, p.code)):
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
