"""Resolve: base manual + a municipality's overlay + variables → one ResolvedVariant.

Pure: plain data in, plain data out (the files were read by load). The site and print renderers read only the result, so
they can never disagree about content. Cross-references stay as ``ref:module#section`` for
the renderers to turn into links of their own kind.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from manualkit.core import model as m
from manualkit.core import variables as v
from manualkit.core.adaptation import Adaptation
from manualkit.core.body import parse_body
from manualkit.core.contacts import contact_rows
from manualkit.core.generated import about_module, glossary_module
from manualkit.core.links import check_link, inside
from manualkit.core.overlay import Applier, WModule, WSection, WText, working_copy
from manualkit.core.problems import Problem, make
from manualkit.core.release import ReleaseInfo
from manualkit.core.resolved import (ABOUT_ID, BASE, GLOSSARY_ID, ResolvedChange, ResolvedManual, ResolvedModule,
                                     ResolvedPart, ResolvedSection, ResolvedVariant, string)
from manualkit.core.validate import base_variables, check_variables_used, section_index

def resolve(manual: m.Manual, adaptation: Adaptation | None = None, frame_vocab: dict | None = None,
            *, render: bool = True, a11y_record: dict | None = None, release: ReleaseInfo | None = None) -> ResolvedVariant:
    """Resolve one variant (the base manual when ``adaptation`` is None) in all its languages.

    With ``render=False`` (used by ``manual check``) every problem is still found, but the
    variables are left unfilled in the text: nothing will be published from it.
    """
    root = Path(manual.root)
    langs = adaptation.languages if adaptation else manual.languages
    order, mods = working_copy(manual, manual.languages)
    problems: list[Problem] = []
    values = base_variables(manual)
    variant = adaptation.id if adaptation else BASE
    if adaptation is not None:
        applier = Applier(manual, adaptation, order, mods, adaptation.snapshots)
        applier.apply_all()
        problems += applier.problems
        values = v.merge(values, v.flatten(adaptation.variables, manual.languages, adaptation.path, adaptation.marks, (), ("variables",)))
        problems += _check_variant_text(manual, adaptation, order, mods, values)
    manuals: dict[str, ResolvedManual] = {}
    contacts = {}
    for lang in langs:
        strings = manual.locales.get(lang) or manual.locales.get(manual.default_language) or {}
        ctx = v.context(values, lang, string(strings, "labels.placeholder")) if render else None
        changes = _resolved_changes(manual, adaptation, mods, lang, frame_vocab or {}) if adaptation else ()
        name = m.text_in(adaptation.name, lang, manual.default_language) if adaptation else string(strings, "labels.base_version")
        parts: list[ResolvedPart] = []
        for p in manual.parts:
            rmods = [_render_module(mods[mid], lang, ctx) for mid in order[p.id] if mid in mods]
            parts.append(ResolvedPart(p.id, m.text_in(p.title, lang, manual.default_language), tuple(rmods)))
        glossary = tuple(sorted(
            ((t.term[lang], t.definition[lang], " / ".join(t.term[o] for o in manual.languages if o != lang)) for t in manual.glossary),
            key=lambda row: row[0].lower()))
        rm = ResolvedManual(
            manual_id=manual.id, variant=variant, variant_name=name,
            variant_status=adaptation.status if adaptation else "", lang=lang, languages=langs,
            default_language=manual.default_language, title=m.text_in(manual.title, lang, manual.default_language),
            version=manual.version, parts=tuple(parts), strings=strings,
            branding=dict(adaptation.branding) if adaptation else {}, changes=changes, glossary=glossary,
            release=release, frozen=_frozen(adaptation, release))
        rm = _with_generated(rm, lang, frame_vocab or {})
        manuals[lang] = rm
        contacts[lang] = tuple(contact_rows(values, lang, manual.default_language, strings))
    branding = dict(adaptation.branding) if adaptation else {}
    assets = {}
    logo = branding.get("logo")
    if logo and (root / logo).is_file() and inside(root, root / logo):
        assets["logo"] = root / logo
    return ResolvedVariant(id=variant, root=root, languages=tuple(langs), default_language=manual.default_language,
                           manuals=manuals, values=values, contacts=contacts, branding=branding, assets=assets,
                           problems=tuple(problems), a11y_record=a11y_record,
                           site_url=adaptation.site_url if adaptation else manual.site_url, release=release,
                           frozen=_frozen(adaptation, release))


def _frozen(adaptation: Adaptation | None, release: ReleaseInfo | None) -> bool:
    """The "frozen for the trial" note: only when the variant asks for it and is built from a release."""
    return bool(adaptation and adaptation.frozen_for_trial and release is not None and release.released)


def _render_module(w: WModule, lang: str, ctx: dict[str, Any] | None) -> ResolvedModule:
    text = w.texts[lang]
    if ctx is None:
        ctx_render = lambda t: t  # noqa: E731 - check mode: structure only
    else:
        ctx_render = lambda t: v.render(t, ctx)  # noqa: E731
    secs = tuple(ResolvedSection(s.id, ctx_render(s.title), s.core, ctx_render(s.text), s.origin, s.change) for s in text.sections)
    meta = w.meta
    return ResolvedModule(
        id=w.id, part=w.part, type=meta["type"], component=meta["component"], core=bool(meta["core"]),
        status=meta["status"], title=ctx_render(text.title), summary=ctx_render(text.summary),
        duration_minutes=meta["duration_minutes"], handouts=tuple(meta["handouts"]), audience=tuple(meta["audience"]),
        lang=lang, text_lang=text.lang, fallback=text.fallback, stale=text.stale, origin=text.origin,
        preamble=ctx_render(text.preamble), sections=secs, changes=tuple(w.changes), generated=w.generated)


def _check_variant_text(manual: m.Manual, a: Adaptation, order: dict[str, list[str]], mods: dict[str, WModule],
                        values: dict[str, v.Value]) -> list[Problem]:
    """Checks that depend on the variant: references, variables and placeholders after the overlay."""
    root = Path(manual.root)
    problems: list[Problem] = []
    base_index = section_index(manual)
    index: dict[str, set[str] | None] = {mid: None for mid in manual.unreadable_modules}
    for mid, w in mods.items():
        ids: set[str] = set()
        for text in w.texts.values():
            for s in text.sections:
                ids.add(s.id)
                body, _ = parse_body(s.text, s.origin, s.line, check=False)
                ids |= {h.id for h in body.headings if h.id}
        index[mid] = ids
    seen: set[tuple] = set()
    used_placeholders: set[str] = set()
    for w in mods.values():
        for text in w.texts.values():
            chunks = [(text.preamble, text.origin, text.preamble_line, False)]
            chunks += [(s.text, s.origin, s.line, bool(s.change)) for s in text.sections]
            for chunk, origin, line, from_overlay in chunks:
                from_overlay = from_overlay or origin.startswith("adaptations/")
                body, _ = parse_body(chunk, origin, line, check=False)
                for link in body.links:
                    if link.image:
                        continue
                    new = check_link(link, origin, root, index, a.id)
                    if not from_overlay:
                        old = {(p.code, p.line) for p in check_link(link, origin, root, base_index)}
                        new = [p for p in new if (p.code, p.line) not in old]
                    for p in new:
                        if (p.path, p.line, p.col, p.code) not in seen:
                            seen.add((p.path, p.line, p.col, p.code))
                            problems.append(p)
                if from_overlay:
                    for p in check_variables_used(chunk, origin, line, values, a.id):
                        if (p.path, p.line, p.code, p.message) not in seen:
                            seen.add((p.path, p.line, p.code, p.message))
                            problems.append(p)
                used, _ = v.scan(chunk, origin, line)
                used_placeholders |= {name for name, _l in used if name in values and values[name].fill is not None}
    for name in sorted(used_placeholders):
        val = values[name]
        line = val.line if val.origin == a.path else a.marks.key_at(("variables",))[0] or 1
        problems.append(make("W703", a.path, line, 0, name=name, variant=f" in variant {a.id}",
                             what=val.fill.get(manual.default_language, ""), where=a.path))
    return problems


def _resolved_changes(manual: m.Manual, a: Adaptation, mods: dict[str, WModule], lang: str, vocab: dict) -> tuple[ResolvedChange, ...]:
    out = []
    for ch in a.changes:
        mod = manual.modules.get(ch.module)
        if mod is not None:
            f = mod.files.get(lang) or mod.source
            title = f.title
            if ch.section and f.body:
                title += " – " + next((s.title for s in f.body.sections if s.id == ch.section), ch.section)
        else:
            title = m.text_in(ch.new_module.get("title"), lang, manual.default_language) or ch.module
        out.append(ResolvedChange(ch.id, ch.operation, ch.target, v.escape_value(title), m.text_in(ch.description, lang, manual.default_language),
                                  ch.frame, ch.justification, ch.approved_by, ch.date))
    out.sort(key=lambda c: (not c.inconsistent,))
    return tuple(out)


def _with_generated(rm: ResolvedManual, lang: str, vocab: dict) -> ResolvedManual:
    about = about_module(rm, lang, vocab)
    parts = list(rm.parts)
    if parts:
        first = list(parts[0].modules)
        pos = 1 if first and first[0].id == "about-this-manual" else 0
        first.insert(pos, about)
        parts[0] = ResolvedPart(parts[0].id, parts[0].title, tuple(first))
        if rm.glossary:
            last = parts[-1]
            parts[-1] = ResolvedPart(last.id, last.title, last.modules + (glossary_module(rm, lang),))
    return ResolvedManual(**{**rm.__dict__, "parts": tuple(parts)})


__all__ = ["resolve", "ResolvedVariant", "ResolvedManual", "ResolvedModule", "ResolvedPart", "ResolvedSection",
           "ResolvedChange", "string", "BASE", "ABOUT_ID", "GLOSSARY_ID", "WSection", "WText"]
