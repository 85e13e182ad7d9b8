"""What resolve produces: frozen records that every output reads, and nothing else.

A :class:`ResolvedVariant` is one variant (the base manual or one municipality) after the overlay,
the variables and the generated pages are applied: the manual per language, the merged variables
and contact entries, the variant's changes with their FRAME coding, its branding and the assets it
uses. Outputs import these types, never load, validate or the project.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manualkit.core.doctree import Cut, Tree, parse, tree_for
from manualkit.core.frame import FrameRecord, label
from manualkit.core.problems import Problem
from manualkit.core.release import ReleaseInfo
from manualkit.core.site_settings import SiteSettings
from manualkit.core.variables import Value

from manualkit.core.variants import BASE, variants_for  # noqa: F401 (re-exported)
ABOUT_ID = "about-this-version"
GLOSSARY_ID = "glossary"


# a tree is made from the text beside it: it never adds to an output's key (outputs/cache.py)
DERIVED = {"in_key": False}


@dataclass(frozen=True)
class ResolvedSection:
    id: str
    title: str
    core: bool
    text: str  # Markdown with variables filled in, starting with the '##' heading line
    origin: str  # file the text comes from (base module or overlay)
    change: str  # id of the change that put it there, or ""
    source: str = ""  # the text as written in ``origin`` (variables not filled in)
    line: int = 0  # line of the heading in ``origin``
    deviation: bool = False  # a local, fidelity-inconsistent replacement of a core section: not core text
    filled: Tree | None = field(default=None, compare=False, repr=False, metadata=DERIVED)  # the tree of ``text``, given by resolve
    source_cut: Cut | None = field(default=None, compare=False, repr=False, metadata=DERIVED)  # where ``source`` is in its file

    # The trees of ``text`` and ``source`` (core/doctree.py): resolve gives the source's tree as
    # load cut it, filled in; a text the toolkit made is read when its tree is first asked for.
    @property
    def tree(self) -> Tree:
        if self.filled is None or self.filled.text != self.text:
            object.__setattr__(self, "filled", self.source_tree if self.text == self.source else parse(self.text))
        return self.filled

    @property
    def source_tree(self) -> Tree:
        return tree_for(self.source, self.source_cut)


@dataclass(frozen=True)
class ResolvedModule:
    id: str
    part: str
    type: str
    component: str
    core: bool
    status: str
    title: str
    summary: str
    duration_minutes: int | None
    handouts: tuple[str, ...]
    audience: tuple[str, ...]
    lang: str  # language asked for
    text_lang: str  # language of the text (differs when it falls back)
    fallback: bool
    stale: bool
    origin: str
    preamble: str
    sections: tuple[ResolvedSection, ...]
    changes: tuple[str, ...] = ()
    generated: bool = False
    preamble_source: str = ""  # the preamble as written in ``origin`` (variables not filled in)
    preamble_line: int = 0  # line in ``origin`` where the preamble starts
    preamble_filled: Tree | None = field(default=None, compare=False, repr=False, metadata=DERIVED)  # the tree of ``preamble``

    preamble_source_cut: Cut | None = field(default=None, compare=False, repr=False, metadata=DERIVED)  # where ``preamble_source`` is

    @property
    def preamble_tree(self) -> Tree:
        if self.preamble_filled is None or self.preamble_filled.text != self.preamble:
            object.__setattr__(self, "preamble_filled", self.preamble_source_tree if self.preamble == self.preamble_source
                               else parse(self.preamble))
        return self.preamble_filled

    @property
    def preamble_source_tree(self) -> Tree:
        return tree_for(self.preamble_source, self.preamble_source_cut)

    @property
    def adapted(self) -> bool:
        return bool(self.changes)

    @property
    def type_key(self) -> str:
        """The key of the type's label under ``types.``: a handout for children is "handout_children"
        ("Ark for barn"), not a parent sheet."""
        if self.type == "handout" and "children" in self.audience:
            return "handout_children"
        return self.type

    def markdown(self) -> str:
        parts = [self.preamble.strip()] if self.preamble.strip() else []
        parts += [s.text.strip() for s in self.sections]
        return "\n\n".join(parts) + "\n"


@dataclass(frozen=True)
class ResolvedPart:
    id: str
    title: str
    modules: tuple[ResolvedModule, ...]


@dataclass(frozen=True)
class ResolvedChange:
    id: str
    operation: str
    target: str
    target_title: str
    description: str
    frame: FrameRecord
    justification: str  # in the language of the manual it belongs to (or the text as written)
    approved_by: str
    date: str
    field: str = ""  # for a ``set``: the field it sets
    value: str = ""  # and the value, as written
    justification_lang: str = ""  # the language of ``justification``; "" when written as one text
    source_line: int = 0  # line of the change in adaptation.yml
    source_path: str = ""
    core: bool = False  # the change touches a core module or core section of the base manual
    component: str = ""  # the component of the module it changes ("model" for the intervention model)
    review: str = ""  # reviewed | drift | not-recorded, or "" when the change does not depend on base text

    @property
    def inconsistent(self) -> bool:
        return self.frame.inconsistent


@dataclass(frozen=True)
class ResolvedManual:
    manual_id: str
    variant: str
    variant_name: str
    variant_status: str
    lang: str
    languages: tuple[str, ...]
    default_language: str
    title: str
    version: str
    parts: tuple[ResolvedPart, ...]
    strings: dict[str, Any]
    branding: dict[str, str] = field(default_factory=dict)
    changes: tuple[ResolvedChange, ...] = ()
    glossary: tuple[tuple[str, str, str], ...] = ()  # (term here, definition here, term in the other language)
    release: ReleaseInfo | None = None  # which release the text is (None: not known, shown as the plain version)
    frozen: bool = False  # the variant is frozen for the trial (adaptation.yml: frozen_for_trial)

    @property
    def is_base(self) -> bool:
        return self.variant == BASE

    @property
    def draft(self) -> bool:
        return any(mod.status != "approved" for mod in self.modules() if not mod.generated)

    def modules(self) -> list[ResolvedModule]:
        return [mod for p in self.parts for mod in p.modules]

    def module(self, mid: str) -> ResolvedModule | None:
        return next((mod for mod in self.modules() if mod.id == mid), None)


def string(strings: dict[str, Any], dotted: str, **fmt: Any) -> str:
    """A locale string by dotted key; a missing key shows as the key itself (the checker reports it)."""
    node: Any = strings
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    text = str(node) if node is not None else dotted
    return text.format(**fmt) if fmt else text


def frame_label(vocab: dict, category: str, key: Any, lang: str) -> str:
    """The label of a FRAME vocabulary key in ``lang`` (see :mod:`manualkit.core.frame`)."""
    return label(vocab, category, key, lang)


@dataclass(frozen=True)
class ContactRow:
    """One line of the contact box on handouts: who, and how to reach them."""

    label: str | None  # who (None when no variable names them)
    value: str  # how to reach them, or the placeholder text "[fyll inn: …]"
    placeholder: bool


@dataclass(frozen=True)
class Asset:
    """A file an output shows (the logo, an image in the text), read by the load stage.

    Outputs take the bytes from here and never open the file: ``path`` names it (relative to
    the repository, after symbolic links inside it) for messages and for where a copy goes, and
    ``digest`` (sha256 of the bytes) addresses the content, for cache keys. A file that cannot be
    published keeps ``problem`` (why) and no bytes."""

    path: str
    # the bytes; cache keys count them through ``digest`` (outputs/cache.py skips fields marked so)
    data: bytes = field(default=b"", repr=False, metadata={"in_key": False})
    digest: str = ""
    kind: str = ""  # png | jpeg | webp | svg, "" when it is none of them
    problem: str = ""  # why it cannot be published ("" when it can)
    exists: bool = True  # False: no file at ``path``

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class ResolvedVariant:
    """One variant, resolved in all its languages: the one object every output receives."""

    id: str  # "base" or the municipality's id
    root: Path  # the repository; asset paths below are inside it
    languages: tuple[str, ...]
    default_language: str
    manuals: dict[str, ResolvedManual]  # per language
    values: dict[str, Value]  # the variables, manual defaults merged with the municipality's
    contacts: dict[str, tuple[ContactRow, ...]]  # per language, for the handouts' contact box
    branding: dict[str, str]
    assets: dict[str, Asset]  # name (e.g. "logo") -> the checked file's bytes
    problems: tuple[Problem, ...] = ()
    a11y_record: dict | None = None  # the last `manual a11y` run (accessibility/<variant>.json), for the statement page
    source_files: tuple[str, ...] = ()  # repository paths this variant was made from
    # the intervention model after the variant's `set` changes (None without manual/intervention.yml),
    # the sessions with their timed steps per language, and the base's model and sessions to compare with
    model: Any = None
    sessions: dict[str, tuple] = field(default_factory=dict)
    base_model: Any = None
    base_sessions: dict[str, tuple] = field(default_factory=dict)
    frame_vocab: dict = field(default_factory=dict)
    site_url: str = ""  # where the site will live (adaptation.yml / manual.yml site_url), "" when not set
    release: ReleaseInfo | None = None  # see manualkit.core.release
    frozen: bool = False
    # what outputs would otherwise read from disk, read by the load stage (core/variant_files.py):
    # every image the text shows, by its path as written resolved against its file
    # ("manual/basics/img/plan.png"), the shared site settings (mkdocs.yml) and the outputs' date
    images: dict[str, Asset] = field(default_factory=dict)
    site_settings: SiteSettings | None = None
    timestamp: int = 0  # seconds since 1970 (core/dates.py); 0 only before the load stage has set it

    @property
    def is_base(self) -> bool:
        return self.id == BASE

    def manual(self, lang: str) -> ResolvedManual:
        return self.manuals[lang]
