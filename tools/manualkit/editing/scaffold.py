"""`manual new`: scaffold a module (all languages, listed in manual.yml) or a municipality.

:func:`translation_meta` is the front matter of a new translation, also used when a Word review
starts one (`manual docx import --start-translation`)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from manualkit.editing.lines import add_module_to_part
from manualkit.core.load import load_manual
from manualkit.core.problems import ManualkitError, UsageError
from manualkit.core.schema import ID_RE, suggest


def _titles(given: list[str] | None, languages: tuple[str, ...], default: str) -> dict[str, str]:
    """``--title "Lokale rutiner"`` (the source language) and ``--title "en=Local routines"`` (others)."""
    out: dict[str, str] = {}
    for item in given or ():
        lang, sep, text = item.partition("=")
        if sep and lang.strip() in languages:
            out[lang.strip()] = text.strip()
        elif sep and len(lang.strip()) <= 3 and lang.strip().isalpha():
            raise UsageError(f"'{lang.strip()}' in --title is not a language of the manual",
                             hint="languages: " + ", ".join(languages) + f"; e.g. --title \"en=Local routines\"")
        else:
            out[default] = item.strip()
    return {lang: t for lang, t in out.items() if t}


def translation_meta(mid: str, title: str, source_lang: str) -> list[str]:
    """The front matter lines of a new translation (``title`` as YAML, e.g. JSON-quoted): no
    source_hash yet, so `manual check` asks for it to be checked against the source (W504) until
    `manual translations mark` records it."""
    return [f"id: {mid}", f"title: {title}", "translation:", f"  from: {source_lang}"]


def new_module(root: Path, mid: str, part: str | None, mtype: str, *, titles: list[str] | None = None,
               after: str | None = None, component: str = "general") -> list[str]:
    """Write the module's files and list it in manual.yml. Returns lines to show: 'created ...', 'updated ...'."""
    if not ID_RE.fullmatch(mid):
        raise UsageError(f"'{mid}' is not a valid id", hint="use lower-case letters, digits and hyphens, e.g. local-routines")
    manual, problems = load_manual(root)
    if manual is None:
        raise ManualkitError("manual/manual.yml cannot be read", hint="run: manual check")
    parts = [p.id for p in manual.parts]
    if after is not None:
        where = next((p.id for p in manual.parts if after in p.modules), None)
        if where is None:
            listed = [x for p in manual.parts for x in p.modules]
            raise UsageError(f"--after names '{after}', which is not listed in manual/manual.yml",
                             hint=suggest(after, listed) or "name a module id from manual/manual.yml")
        if part is not None and part != where:
            raise UsageError(f"module '{after}' is in part '{where}', not '{part}'", hint=f"leave out --part, or use --part {where}")
        part = where
    if part is None:
        raise UsageError("say where the module goes: --part PART or --after MODULE", hint=f"parts: {', '.join(parts)}")
    if part not in parts:
        raise UsageError(f"there is no part '{part}'", hint=suggest(part, parts) or f"parts: {', '.join(parts)}")
    if mid in manual.modules or any(mid in p.modules for p in manual.parts):
        raise UsageError(f"a module '{mid}' exists already", hint="choose another id")
    folder = root / "manual" / part
    src = manual.default_language
    written = []
    session = mtype == "session"
    named = _titles(titles, manual.languages, src)
    for lang in manual.languages:
        path = folder / f"{mid}.{lang}.md"
        if path.exists():
            raise UsageError(f"{path.relative_to(root)} exists already", hint="remove it or choose another id")
    for lang in manual.languages:
        path = folder / f"{mid}.{lang}.md"
        title = json.dumps(named.get(lang) or ("Ny modul" if lang == "nb" else "New module"), ensure_ascii=False)
        if lang == src:
            meta = [f"id: {mid}", f"title: {title}", f"type: {mtype}", f"component: {component}", "core: false", "status: draft"]
            if session:
                meta += ["duration_minutes: 60", "handouts: []"]
        else:
            meta = translation_meta(mid, title, src)
        if session:
            heads = ([("Mål for samlingen", "goals"), ("Materiell", "materials"), ("Gjennomføring steg for steg", "plan"),
                      ("Hjemmeoppgave", "home-practice")] if lang == "nb" else
                     [("Goals of the session", "goals"), ("Materials", "materials"), ("Step-by-step plan", "plan"), ("Home practice", "home-practice")])
        else:
            heads = [("Innledning" if lang == "nb" else "Introduction", "introduction")]
        filler = "Skriv teksten her." if lang == "nb" else "Write the text here."
        # a session's plan is a numbered list of timed steps that add up to duration_minutes
        steps = ("1. **Velkommen og gjennomgang av hjemmeoppgaven (10 min).** Skriv steget her.\n"
                 "2. **Dagens tema (40 min).** Skriv steget her.\n3. **Avslutning (10 min).** Skriv steget her."
                 if lang == "nb" else
                 "1. **Welcome and review of the home practice (10 min).** Write the step here.\n"
                 "2. **Today's topic (40 min).** Write the step here.\n3. **Closing (10 min).** Write the step here.")
        body = "\n\n".join(f"## {h} {{#{i}}}\n\n" + (steps if i == "plan" else filler) for h, i in heads)
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + "\n".join(meta) + "\n---\n\n" + body + "\n", encoding="utf-8")
        written.append(path.relative_to(root).as_posix())
    p_index = parts.index(part)
    last = manual.parts[p_index].modules
    if not last:
        raise ManualkitError(f"part '{part}' has no modules to add after", hint=f"add '- {mid}' under its 'modules:' by hand")
    anchor = after if after is not None else last[-1]
    line = manual.variable_marks.at(("parts", p_index, "modules", last.index(anchor)))[0]
    add_module_to_part(root / "manual" / "manual.yml", line, mid)
    out = [f"created {w}" for w in written]
    out.append(f"updated manual/manual.yml (listed {mid} in part {part} after {anchor})")
    return out


MUNICIPALITY_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# The local version of the Family Partner manual for {name}.
# See docs/adapting.md. Every change is recorded with its FRAME coding.
id: {id}
name:
  nb: {name}
  en: {name_en}
status: draft            # example | draft | confirmed
base_version: {version}
languages: [{languages}]

branding:
  primary_colour: "#00567a"

variables:
  municipality:
    name:
      nb: {name}
      en: {name_en}
  service:
    child_welfare_phone:
      fill: {{nb: telefonnummeret til barnevernstjenesten, en: the child welfare service's phone number}}

changes: []
"""


def schema_ref(root: Path, name: str, from_dir: Path) -> str:
    """The path from ``from_dir`` to the JSON Schema editors should use, for a modeline.

    The project's own schemas/ (written by `manual schemas`) when it has them, else the copy in the
    package when the package lies inside the project (as in the manual's own repository), else
    schemas/ (where `manual schemas` will write it).
    """
    file = f"{name}.schema.json"
    project = root / "schemas" / file
    package = Path(__file__).resolve().parents[1] / "schemas" / file
    chosen = project
    if not project.is_file() and package.is_file():
        try:
            package.relative_to(root.resolve())
            chosen = package
        except ValueError:
            pass
    return Path(os.path.relpath(chosen.resolve(), from_dir.resolve())).as_posix()


def new_municipality(root: Path, mid: str, name: str | None) -> list[str]:
    if not ID_RE.fullmatch(mid):
        raise UsageError(f"'{mid}' is not a valid id", hint="use lower-case letters, digits and hyphens, e.g. ovre-eiker")
    manual, _ = load_manual(root)
    if manual is None:
        raise ManualkitError("manual/manual.yml cannot be read", hint="run: manual check")
    folder = root / "adaptations" / mid
    if folder.exists():
        raise UsageError(f"adaptations/{mid} exists already", hint="choose another id")
    nice = name or mid.replace("-", " ").title() + " kommune"
    (folder / "overlays").mkdir(parents=True)
    (folder / "assets").mkdir()
    text = MUNICIPALITY_TEMPLATE.format(schema=schema_ref(root, "adaptation", folder), id=mid, name=nice, name_en=nice.replace(" kommune", " municipality"),
                                        version=manual.version, languages=", ".join(manual.languages))
    (folder / "adaptation.yml").write_text(text, encoding="utf-8")
    (folder / "overlays" / "README.md").write_text(
        "Overlay texts: one file per change and language, e.g. local-routines.nb.md and local-routines.en.md.\n",
        encoding="utf-8")
    return [f"adaptations/{mid}/adaptation.yml", f"adaptations/{mid}/overlays/", f"adaptations/{mid}/assets/"]
