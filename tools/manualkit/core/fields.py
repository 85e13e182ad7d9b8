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
    "type": Field("str", required=True, allowed=m.MODULE_TYPES, example="chapter", vocab="types"),
    "component": Field("str", required=True, allowed=m.COMPONENTS, example="home-visiting", vocab="components"),
    "core": Field("bool", example="false"),
    "status": Field("str", required=True, allowed=m.STATUSES, example="draft", vocab="statuses"),
    "summary": Field("str", example="Hva modulen handler om, i én setning."),
    "audience": Field("list", allowed=m.AUDIENCES, example="[family-partners]", vocab="audiences"),
    "duration_minutes": Field("int", example="60"),
    "handouts": Field("ids", example="[handout-positive-time]"),
    "contributors": Field("seq", example="[{name: Forskergruppen, role: researcher}]"),
}

CONTRIBUTOR_FIELDS: dict[str, Field] = {  # each item of contributors
    "name": Field("str", required=True, example="Brukerrepresentantgruppen"),
    "role": Field("str", required=True, allowed=m.CONTRIBUTOR_ROLES, example="user-representative", vocab="contributor_roles"),
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
    "status": Field("str", allowed=ADAPTATION_STATUSES, example="example", vocab="adaptation_statuses"),
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
    "operation": Field("str", required=True, allowed=OPERATIONS, example="replace-section", vocab="operation"),
    "target": Field("str", required=True, example="safety-planning#review-every-visit"),
    "where": Field("str", allowed=WHERE, example="after", vocab="where"),
    "anchor": Field("id", example="first-visit"),
    "part": Field("id", example="coordination"),
    "overlay": Field("str", example="local-routines"),
    "builds_on": Field("id", example="an earlier change id"),
    "base_hash": Field("str", example="written by: manual adaptations accept"),
    "field": Field("str", example="duration_minutes"),  # checked by the loader: a module field or a model path
    "value": Field("any", example="45"),
    "title": Field("text", example="{nb: Lokale rutiner, en: Local routines}"),
    "type": Field("str", allowed=m.MODULE_TYPES, example="chapter", vocab="types"),
    "component": Field("str", allowed=m.COMPONENTS, example="general", vocab="components"),
    "summary": Field("text", example="{nb: ..., en: ...}"),
    "status": Field("str", allowed=m.STATUSES, example="approved", vocab="statuses"),  # add-module only (ADD_MODULE_ONLY)
    "audience": Field("list", allowed=m.AUDIENCES, example="[family-partners]", vocab="audiences"),
    "core": Field("bool", example="false"),
    "frame": Field("map", required=True, example="{when: implementation, ...}"),
    "description": Field("text", required=True, example="{nb: Hva som er endret, en: What changed}"),
    "justification": Field("text", example="{nb: Hvorfor endringen trengs, en: Why the change is needed}"),
    "approved_by": Field("str", required=True, example="Programansvarlig i kommunen"),
    "date": Field("str", required=True, example="2026-11-01"),
}


def _vocab_field(vocab: dict, name: str, many: bool, required: bool = True) -> Field:
    allowed = tuple(vocab.get(name, {}))
    return Field("list" if many else "str", required=required, allowed=allowed, example=(allowed[0] if allowed else ""),
                 vocab=name)


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
        "level": Field("str", required=True, allowed=tuple(vocab.get("reason_level", {})), example="organisation",
                       vocab="reason_level"),
    }


# Labels for people (the web editor's form), from these tables ---------------------------------
# name of a field -> (Norwegian Bokmål, English); "<table>.<name>" where one name means two things.
# Nynorsk editors get the Bokmål label (Decap's own interface is Nynorsk then), other languages English.
# tests/test_editor.py checks that every field the editor shows has one.
LABELS: dict[str, tuple[str, str]] = {
    # module front matter
    "id": ("Id (filnavn, endres ikke)", "Id (file name, do not change)"),
    "title": ("Tittel", "Title"),
    "type": ("Type", "Type"),
    "component": ("Komponent", "Component"),
    "core": ("Kjernekomponent", "Core component"),
    "status": ("Status", "Status"),
    "summary": ("Sammendrag (én setning)", "Summary (one sentence)"),
    "audience": ("Målgruppe", "Audience"),
    "duration_minutes": ("Varighet (minutter)", "Duration (minutes)"),
    "handouts": ("Foreldreark (id-er)", "Handouts (ids)"),
    "contributors": ("Bidragsytere", "Contributors"),
    "name": ("Navn", "Name"),
    "role": ("Rolle", "Role"),
    "translation": ("Oversettelse (fylles inn av verktøyet)", "Translation (kept by the toolkit)"),
    "body": ("Tekst", "Text"),
    # adaptation.yml
    "adaptation.id": ("Kommunens id (mappenavnet)", "Municipality id (the folder name)"),
    "adaptation.name": ("Kommunens navn", "Name of the municipality"),
    "adaptation.status": ("Status for tilpasningene", "Status of the adaptations"),
    "base_version": ("Bygger på manualversjon", "Based on manual version"),
    "languages": ("Språk", "Languages"),
    "default_language": ("Hovedspråk (språkkode, f.eks. nb)", "Main language (language code, e.g. nb)"),
    "branding": ("Profil (logo og farger)", "Branding (logo and colours)"),
    "logo": ("Logo (filsti)", "Logo (file path)"),
    "primary_colour": ("Hovedfarge (#rrggbb)", "Primary colour (#rrggbb)"),
    "accent_colour": ("Aksentfarge (#rrggbb)", "Accent colour (#rrggbb)"),
    "variables": ("Variabler", "Variables"),
    "changes": ("Lokale endringer", "Local changes"),
    "site_url": ("Nettadresse", "Web address"),
    "frozen_for_trial": ("Låst under forskningsstudien", "Frozen for the trial"),
    # a change
    "change.id": ("Id for endringen", "Id of the change"),
    "operation": ("Hva endringen gjør", "What the change does"),
    "target": ("Hva som endres (modul eller modul#avsnitt)", "What is changed (module or module#section)"),
    "where": ("Plassering", "Position"),
    "anchor": ("Plasseres ved (modul-id)", "Placed next to (module id)"),
    "part": ("Del (id)", "Part (id)"),
    "overlay": ("Lokal tekst (fil i overlays/)", "Local text (file in overlays/)"),
    "builds_on": ("Bygger på endring (id)", "Builds on change (id)"),
    "base_hash": ("Kontrollsum (fylles inn av verktøyet)", "Checksum (kept by the toolkit)"),
    "field": ("Felt som endres", "Field changed"),
    "value": ("Ny verdi", "New value"),
    "frame": ("FRAME-koding", "FRAME coding"),
    "description": ("Hva er endret", "What changed"),
    "justification": ("Begrunnelse", "Justification"),
    "approved_by": ("Godkjent av", "Approved by"),
    "date": ("Dato (ÅÅÅÅ-MM-DD)", "Date (YYYY-MM-DD)"),
    # a change's FRAME coding
    "when": ("Når", "When"),
    "planned": ("Planlagt?", "Planned?"),
    "decided_by": ("Besluttet av", "Decided by"),
    "modified": ("Hva er tilpasset", "What is modified"),
    "level": ("Nivå (hvem endringen gjelder)", "Level (who the change is for)"),
    "context": ("Kontekst som endres", "Contextual modification"),
    "nature": ("Type endring", "Nature of the change"),
    "fidelity": ("Forhold til programtro", "Relation to fidelity"),
    "goals": ("Mål med endringen", "Goals of the change"),
    "reasons": ("Grunn til endringen", "Reason for the change"),
    "reasons.text": ("Grunnen, kort", "The reason, in short"),
    "reasons.level": ("Grunnen ligger hos", "Level of the reason"),
    # locales/glossary.yml
    "terms": ("Begreper", "Terms"),
    "glossary.id": ("Id (endres ikke)", "Id (do not change)"),
    "term": ("Begrep", "Term"),
    "definition": ("Forklaring", "Definition"),
    "deprecated": ("Utgåtte synonymer", "Deprecated synonyms"),
}

# labels of the allowed values that neither locales/<lang>.yml nor locales/frame.yml has
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "contributor_roles": {
        "researcher": ("Forsker", "Researcher"),
        "user-representative": ("Brukerrepresentant", "User representative"),
        "practitioner": ("Praktiker", "Practitioner"),
        "municipality": ("Kommune", "Municipality"),
    },
    "adaptation_statuses": {
        "example": ("Eksempel (må bekreftes av kommunen)", "Example (to be confirmed by the municipality)"),
        "draft": ("Utkast", "Draft"),
        "confirmed": ("Bekreftet", "Confirmed"),
    },
    "where": {
        "before": ("Før", "Before"),
        "after": ("Etter", "After"),
        "first": ("Først", "First"),
        "last": ("Sist", "Last"),
    },
}


def label(name: str, ui: str, table: str = "") -> str:
    """The label of a field for an editor whose interface is in ``ui`` ("" when it has none)."""
    pair = LABELS.get(f"{table}.{name}") if table else None
    pair = pair or LABELS.get(name)
    if pair is None:
        return ""
    return pair[0] if ui in ("nb", "nn") else pair[1]
