"""The content model as frozen dataclasses: plain data, no behaviour beyond lookups."""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from manualkit.core.body import Body, Section
from manualkit.core.yamlread import Marks

MODULE_TYPES = ("chapter", "session", "handout", "appendix")
COMPONENTS = ("home-visiting", "parent-training", "service-coordination", "general")
STATUSES = ("draft", "review", "approved")
AUDIENCES = ("family-partners", "parents", "children", "supervisors", "managers", "researchers", "trainers")
CONTRIBUTOR_ROLES = ("researcher", "user-representative", "practitioner", "municipality")
SHARED_FIELDS = ("type", "component", "core", "status", "audience", "duration_minutes", "handouts", "contributors")
SESSION_SECTIONS = ("goals", "materials", "plan", "home-practice")


@functools.lru_cache(maxsize=8192)  # every variant hashes the same base texts again
def body_hash(body: str) -> str:
    """The hash a translation records of its source body (whitespace at line ends ignored)."""
    norm = "\n".join(line.rstrip() for line in body.strip().split("\n"))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class ModuleFile:
    """One language file of a module."""

    module_id: str
    lang: str
    path: str  # relative to the repository root
    is_source: bool
    title: str
    summary: str
    meta: dict[str, Any]
    marks: Marks = field(repr=False, compare=False)
    body_text: str = field(repr=False)
    body_line: int = 0
    body: Body | None = field(default=None, repr=False)
    translated_from: str = ""
    source_hash: str = ""

    @property
    def hash(self) -> str:
        return body_hash(self.body_text)


@dataclass(frozen=True)
class Module:
    id: str
    part: str
    type: str
    component: str
    core: bool
    status: str
    audience: tuple[str, ...]
    duration_minutes: int | None
    handouts: tuple[str, ...]
    contributors: tuple[dict[str, str], ...]
    source_lang: str
    files: dict[str, ModuleFile]

    @property
    def source(self) -> ModuleFile:
        return self.files[self.source_lang]


@dataclass(frozen=True)
class Part:
    id: str
    title: dict[str, str]
    modules: tuple[str, ...]


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    term: dict[str, str]
    definition: dict[str, str]
    deprecated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang → synonyms no longer used


@dataclass(frozen=True)
class Manual:
    root: str
    id: str
    title: dict[str, str]
    version: str
    default_language: str
    languages: tuple[str, ...]
    parts: tuple[Part, ...]
    variables: dict[str, Any]
    modules: dict[str, Module]
    # languages of `languages` published in part: only family-facing sheets must be translated
    partial_languages: tuple[str, ...] = ()
    glossary: tuple[GlossaryTerm, ...] = ()
    locales: dict[str, dict[str, Any]] = field(default_factory=dict)
    variable_marks: Marks | None = field(default=None, repr=False, compare=False)
    # (module, language) of files that exist but could not be read; their problem is reported,
    # and the other checks treat such a module as present with unknown sections
    unreadable: frozenset[tuple[str, str]] = frozenset()
    # (module, language) -> the source body a translation was marked against (manual/.translations/),
    # kept only when it still matches the translation's source_hash: what a stale translation missed
    translation_snapshots: dict[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)
    intervention: Any = None  # the intervention model (core/intervention.py), None without manual/intervention.yml
    site_url: str = ""  # where the base manual's site is published (sitemap, canonical links)
    citation: dict[str, Any] = field(default_factory=dict)  # repository, license, authors (CITATION.cff)

    @property
    def unreadable_modules(self) -> set[str]:
        return {mid for mid, _lang in self.unreadable if mid not in self.modules}

    def ordered_modules(self) -> list[Module]:
        return [self.modules[m] for p in self.parts for m in p.modules if m in self.modules]

    def part_of(self, module_id: str) -> Part | None:
        for p in self.parts:
            if module_id in p.modules:
                return p
        return None


def text_in(value: Any, lang: str, default_lang: str = "") -> str:
    """A text that is either the same for all languages or one per language."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get(default_lang) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


__all__ = ["Body", "Section", "Manual", "Module", "ModuleFile", "Part", "GlossaryTerm", "body_hash", "text_in"]
