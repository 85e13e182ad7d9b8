"""The declared schema of every hand-written file, as data: one table of :class:`Field` per mapping.

The loader checks files against these tables (``load.py``, ``adaptation.py``), and the JSON
Schemas and the web editor's configuration are generated from them (``jsonschemas.py``,
``editing/decap.py``), so the three can never disagree about which keys exist, which are
required and which values are allowed. Checks that need more than one key or more than one
file (an id that must match its file name, a target that must exist) stay in the loader.

Tables whose allowed values come from the project (the FRAME vocabularies in
locales/frame.yml) are functions of that data.
"""
from __future__ import annotations

from manualkit.core import model as m
from manualkit.core.schema import Field

# manual/manual.yml ---------------------------------------------------------------------------
MANUAL_FIELDS: dict[str, Field] = {
    "id": Field("id", required=True, example="family-partner"),
    "title": Field("text", required=True, example="{nb: Familiepartner, en: Family Partner}"),
    "version": Field("version", required=True, example="0.1.0"),
    "default_language": Field("lang", required=True, example="nb"),
    "languages": Field("langs", required=True, example="[nb, en]"),
    # languages published with only the family-facing sheets translated; the rest shows the
    # default language with a banner (W1652 for a parents' handout still missing)
    "partial_languages": Field("langs", example="[nn]"),
    "parts": Field("seq", required=True, example="- id: foundations"),
    "variables": Field("map", example="{municipality: {name: kommunen}}"),
    "site_url": Field("str", example="https://example.org/familiepartner/"),
    "repository": Field("str", example="https://github.com/example/family-partner"),
    "license": Field("str", example="CC-BY-4.0"),
    "authors": Field("seq", example="[{name: Forskergruppen}]"),
}

PART_FIELDS: dict[str, Field] = {  # each item of manual.yml's parts
    "id": Field("id", required=True, example="home-visits"),
    "title": Field("text", required=True, example="{nb: Hjemmebesøk, en: Home visits}"),
    "modules": Field("ids", required=True, example="[first-visit, follow-up]"),
}

# module front matter -------------------------------------------------------------------------
# The source language file carries the shared metadata (model.SHARED_FIELDS); the translations
# only what is translated, plus their bookkeeping.
SOURCE_FIELDS: dict[str, Field] = {
    "id": Field("id", required=True, example="first-visit"),
    "title": Field("str", required=True, example="Første besøk"),
    "type": Field("str", required=True, allowed=m.MODULE_TYPES, example="chapter"),
    "component": Field("str", required=True, allowed=m.COMPONENTS, example="home-visiting"),
    "core": Field("bool", example="false"),
    "status": Field("str", required=True, allowed=m.STATUSES, example="draft"),
    "summary": Field("str", example="Hva modulen handler om, i én setning."),
    "audience": Field("list", allowed=m.AUDIENCES, example="[family-partners]"),
    "duration_minutes": Field("int", example="60"),
    "handouts": Field("ids", example="[handout-positive-time]"),
    "contributors": Field("seq", example="[{name: Forskergruppen, role: researcher}]"),
}

CONTRIBUTOR_FIELDS: dict[str, Field] = {  # each item of contributors
    "name": Field("str", required=True, example="Brukerrepresentantgruppen"),
    "role": Field("str", required=True, allowed=m.CONTRIBUTOR_ROLES, example="user-representative"),
}

TRANSLATION_FIELDS: dict[str, Field] = {
    "id": Field("id", required=True, example="first-visit"),
    "title": Field("str", required=True, example="The first visit"),
    "summary": Field("str", example="What the module is about, in one sentence."),
    "translation": Field("map", required=True, example="{from: nb, source_hash: 3f1c9a0b2e7d}"),
}

TRANSLATION_INFO_FIELDS: dict[str, Field] = {  # the translation: mapping
    "from": Field("lang", required=True, example="nb"),
    "source_hash": Field("str", example="run: manual translations mark"),
}

# locales/glossary.yml ------------------------------------------------------------------------
GLOSSARY_FIELDS: dict[str, Field] = {
    "terms": Field("seq", required=True, example="- id: hjelpetiltak"),
}

GLOSSARY_ENTRY_FIELDS: dict[str, Field] = {  # a term in one language
    "term": Field("str", required=True, example="hjelpetiltak"),
    "definition": Field("str", required=True, example="Tiltak som ..."),
}


def glossary_term_fields(languages: tuple[str, ...], default: str | None = None) -> dict[str, Field]:
    """Each item of terms: an id, one entry per language of the manual (only the default language's
    is required: a language being added falls back to it), and the deprecated synonyms."""
    fields = {"id": Field("id", required=True, example="hjelpetiltak")}
    fields.update({lang: Field("map", required=default is None or lang == default, example="{term: ..., definition: ...}")
                   for lang in languages})
    fields["deprecated"] = Field("map", example="{nb: [programtroskap], en: [programme fidelity]}")
    return fields


# adaptations/<municipality>/adaptation.yml ---------------------------------------------------
OPERATIONS = ("replace-section", "insert-section", "append", "remove-section", "move-section",
              "add-module", "remove-module", "set")
SETTABLE = ("duration_minutes", "title", "summary")
ADD_MODULE_ONLY = ("status", "audience", "core")  # metadata of a municipality's own module
ADAPTATION_STATUSES = ("example", "draft", "confirmed")
WHERE = ("before", "after", "first", "last")
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

ADAPTATION_FIELDS: dict[str, Field] = {  # the loader puts the folder name and manual version into the examples
    "id": Field("id", required=True, example="eksempel"),
    "name": Field("text", required=True, example="{nb: Eksempel kommune, en: Example municipality}"),
    "status": Field("str", allowed=ADAPTATION_STATUSES, example="example"),
    "base_version": Field("version", required=True, example="0.1.0"),
    "languages": Field("langs", required=True, example="[nb, en]"),
    "default_language": Field("lang", example="nn   # the language at the root of the municipality's site"),
    "branding": Field("map", example="{logo: assets/logo.svg, primary_colour: '#00567a'}"),
    "variables": Field("map", example="{municipality: {name: Eksempel kommune}}"),
    "changes": Field("seq", example="- id: local-contacts"),
    "site_url": Field("str", example="https://www.example.no/familiepartner/"),
    "frozen_for_trial": Field("bool", example="true"),
}

BRANDING_FIELDS: dict[str, Field] = {
    "logo": Field("str", example="assets/logo.svg"),
    "primary_colour": Field("str", example="'#00567a'"),
    "accent_colour": Field("str", example="'#b3541e'"),
}

CHANGE_FIELDS: dict[str, Field] = {  # each item of changes
    "id": Field("id", required=True, example="local-contacts"),
    "operation": Field("str", required=True, allowed=OPERATIONS, example="replace-section"),
    "target": Field("str", required=True, example="safety-planning#review-every-visit"),
    "where": Field("str", allowed=WHERE, example="after"),
    "anchor": Field("id", example="first-visit"),
    "part": Field("id", example="coordination"),
    "overlay": Field("str", example="local-routines"),
    "builds_on": Field("id", example="an earlier change id"),
    "base_hash": Field("str", example="written by: manual adaptations accept"),
    "field": Field("str", example="duration_minutes"),  # checked by the loader: a module field or a model path
    "value": Field("any", example="45"),
    "title": Field("text", example="{nb: Lokale rutiner, en: Local routines}"),
    "type": Field("str", allowed=m.MODULE_TYPES, example="chapter"),
    "component": Field("str", allowed=m.COMPONENTS, example="general"),
    "summary": Field("text", example="{nb: ..., en: ...}"),
    "status": Field("str", allowed=m.STATUSES, example="approved"),  # add-module only (ADD_MODULE_ONLY)
    "audience": Field("list", allowed=m.AUDIENCES, example="[family-partners]"),
    "core": Field("bool", example="false"),
    "frame": Field("map", required=True, example="{when: implementation, ...}"),
    "description": Field("text", required=True, example="{nb: Hva som er endret, en: What changed}"),
    "justification": Field("text", example="{nb: Hvorfor endringen trengs, en: Why the change is needed}"),
    "approved_by": Field("str", required=True, example="Programansvarlig i kommunen"),
    "date": Field("str", required=True, example="2026-11-01"),
}


def _vocab_field(vocab: dict, name: str, many: bool, required: bool = True) -> Field:
    allowed = tuple(vocab.get(name, {}))
    return Field("list" if many else "str", required=required, allowed=allowed, example=(allowed[0] if allowed else ""))


def frame_fields(vocab: dict) -> dict[str, Field]:
    """A change's frame: mapping, its values from the FRAME vocabularies (locales/frame.yml)."""
    return {
        "when": _vocab_field(vocab, "when", False),
        "planned": _vocab_field(vocab, "planned", False),
        "decided_by": _vocab_field(vocab, "decided_by", True),
        "modified": _vocab_field(vocab, "modified", False),
        "level": _vocab_field(vocab, "level", False),
        "context": _vocab_field(vocab, "context", True, required=False),
        "nature": _vocab_field(vocab, "nature", False, required=False),
        "fidelity": _vocab_field(vocab, "fidelity", False),
        "goals": _vocab_field(vocab, "goals", True),
        "reasons": Field("map", required=True, example="{text: Lokale rutiner, level: organisation}"),
    }


def reasons_fields(vocab: dict) -> dict[str, Field]:
    return {
        "text": Field("text", required=True, example="Lokale samarbeidsrutiner"),
        "level": Field("str", required=True, allowed=tuple(vocab.get("reason_level", {})), example="organisation"),
    }
